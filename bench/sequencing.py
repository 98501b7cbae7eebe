"""SCORM 2004 sequencing: navigation request time on a generated 1,000-leaf tree (1,111 activities,
rollup rules on every cluster, a pre-condition rule on every leaf) versus a 10-leaf tree.

Measured per request, each followed by the SCO's report (rollup to the root):
* ``continue`` through the whole tree (start, then continue until the session ends);
* ``choice`` of a leaf far away in the tree;
* ``request_valid`` (continue, previous and every choice/jump target: what a player hands the
  SCO with each delivery).

``python -m bench sequencing``.
"""

from __future__ import annotations

import time
from typing import Any

from bench.measure import save
from chalicelib.standards.scorm2004.sequencing import Sequencer
from tests.builders.activity_trees import generated

REPORT = {"cmi.completion_status": "completed", "cmi.success_status": "failed"}


def _walk(leaves: int) -> dict[str, Any]:
    engine = Sequencer(generated(leaves))
    started = time.perf_counter()
    trace = engine.navigate("start")
    requests = 1
    while trace.delivered:
        engine.report(REPORT)
        trace = engine.navigate("continue")
        requests += 1
    walk_ms = (time.perf_counter() - started) * 1000 / requests
    engine = Sequencer(generated(leaves))
    engine.navigate("start")
    far = [n.id for n in engine.tree.preorder if n.is_leaf]
    started = time.perf_counter()
    for target in (far[-1], far[0]) * 5:
        engine.report(REPORT)
        engine.navigate("choice", target)
    choice_ms = (time.perf_counter() - started) * 1000 / 10
    started = time.perf_counter()
    rounds = 3
    for _ in range(rounds):
        answers = engine.request_valid()
    valid_ms = (time.perf_counter() - started) * 1000 / rounds
    return {"activities": len(engine.tree.preorder), "requests": requests,
            "continue_ms": round(walk_ms, 3), "choice_ms": round(choice_ms, 3),
            "request_valid_ms": round(valid_ms, 2), "answers": len(answers)}


def main() -> None:
    small, large = _walk(10), _walk(1000)
    result = {"small": small, "large": large, "growth": {
        key: round(large[key] / small[key], 1) for key in ("continue_ms", "choice_ms", "request_valid_ms")}}
    for name, row in (("10 leaves", small), ("1,000 leaves", large)):
        print(f"{name:13} {row['activities']:5} activities: continue {row['continue_ms']} ms, "
              f"choice {row['choice_ms']} ms, request_valid {row['request_valid_ms']} ms")
    print(f"growth 1,000 vs 10 leaves: {result['growth']}")
    save("sequencing", result)
