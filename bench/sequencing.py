"""SCORM 2004 sequencing: navigation request time on a generated 1,000-leaf tree (1,111 activities,
rollup rules on every cluster, a pre-condition rule on every leaf) versus a 10-leaf tree, and
versus scorm-again's sequencing engine (npm) on the same trees.

Measured per request, each followed by the SCO's report (rollup to the root):
* ``continue`` through the whole tree (start, then continue until the session ends);
* ``choice`` of a leaf far away in the tree;
* ``request_valid`` (continue, previous and every choice/jump target: what a player hands the
  SCO with each delivery).

Our engine runs in this process; scorm-again runs in one Node subprocess
(``bench/sequencing_scorm_again.mjs``) that times its own loops (wall: ``process.hrtime``, CPU:
``process.cpuUsage``; ours: ``perf_counter`` / ``process_time``), so neither number includes
process start-up, imports or building the engine. Both warm up untimed, then take the median of
``ROUNDS`` rounds (scorm-again's 1,000-leaf walk: one round, it takes minutes). scorm-again
computes every request_valid answer inside each navigation request, so it is also timed with
that refresh off ("navigation only"), and ours is compared both ways. The delivered activity
orders of both engines are compared (walk and choices, both tree sizes, both variants): the
time ratios are only reported when both engines did the same work. Results and method:
docs/performance.md.

``python -m bench sequencing``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.measure import save
from chalicelib.standards.scorm2004.sequencing import Sequencer
from tests.builders.activity_trees import generated

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.standards.activity_tree import Activity

REPORT = {"cmi.completion_status": "completed", "cmi.success_status": "failed"}
SIZES = (10, 1000)
ROUNDS = 3
KINDS = ("continue_ms", "choice_ms", "request_valid_ms")
NODE_SCRIPT = Path(__file__).resolve().parent / "sequencing_scorm_again.mjs"
SCORM_AGAIN = Path(__file__).resolve().parents[1] / "tests/differential/node_modules/scorm-again/package.json"


class _Timer:
    """Wall-clock (perf_counter) and CPU (process_time) from creation, in ms per request."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self, count: int) -> dict[str, float]:
        return {"wall": (time.perf_counter() - self.wall) * 1000 / count,
                "cpu": (time.process_time() - self.cpu) * 1000 / count}


def _medians(kind: str, run: Callable[[], dict[str, Any]]) -> dict[str, float]:
    """``{kind}_ms`` / ``{kind}_cpu_ms``: medians over ROUNDS of ``run()``'s times."""
    runs = [run() for _ in range(ROUNDS)]
    return {f"{kind}_ms": round(statistics.median(r["wall"] for r in runs), 3),
            f"{kind}_cpu_ms": round(statistics.median(r["cpu"] for r in runs), 3)}


def _far_leaves(leaves: int) -> list[str]:
    ids = [n.identifier for n in _leaves(generated(leaves))]
    return [ids[-1], ids[0]] * 5


def _leaves(activity: Activity) -> list[Activity]:
    if not activity.children:
        return [activity]
    return [leaf for child in activity.children for leaf in _leaves(child)]


def _walk(leaves: int) -> dict[str, Any]:
    engine = Sequencer(generated(leaves))
    timer = _Timer()
    trace = engine.navigate("start")
    order = [trace.delivered]
    while trace.delivered:
        engine.report(REPORT)
        trace = engine.navigate("continue")
        order.append(trace.delivered)
    return {**timer.stop(len(order)), "requests": len(order), "order": order}


def _choices(leaves: int) -> dict[str, Any]:
    engine = Sequencer(generated(leaves))
    engine.navigate("start")
    targets, order = _far_leaves(leaves), []
    timer = _Timer()
    for target in targets:
        engine.report(REPORT)
        order.append(engine.navigate("choice", target).delivered)
    return {**timer.stop(len(targets)), "order": order}


def _request_valid(leaves: int, rounds: int = 3) -> dict[str, Any]:
    engine = Sequencer(generated(leaves))
    engine.navigate("start")
    timer = _Timer()
    for _ in range(rounds):
        answers = engine.request_valid()
    return {**timer.stop(rounds), "answers": answers}


def ours(leaves: int) -> dict[str, Any]:
    """Our engine: the delivered orders (from an untimed first run, which also warms up) and
    the median times."""
    walk, answers = _walk(leaves), _request_valid(leaves, 1)["answers"]
    return {"activities": (len(answers) - 2) // 2, "requests": walk["requests"], "order": walk["order"],
            "choice_order": _choices(leaves)["order"], "request_valid": answers,
            **_medians("continue", lambda: _walk(leaves)), **_medians("choice", lambda: _choices(leaves)),
            **_medians("request_valid", lambda: _request_valid(leaves))}


# --- scorm-again --------------------------------------------------------------------------------


def scorm_again_activity(activity: Activity) -> dict[str, Any]:
    """One activity of our tree as scorm-again's ``ActivitySettings`` (its index.d.ts), for the
    parts of the definition ``generated()`` uses: control modes, attempt limit, sequencing rules,
    rollup rules. scorm-again reads ``minimumPercent`` as 0–100 (the manifest's is 0–1)."""
    seq, mode = activity.sequencing, activity.sequencing.control_mode
    out: dict[str, Any] = {
        "id": activity.identifier, "title": activity.title, "isVisible": activity.visible,
        "sequencingControls": {"choice": mode.choice, "choiceExit": mode.choice_exit, "flow": mode.flow,
                               "forwardOnly": mode.forward_only,
                               "useCurrentAttemptObjectiveInfo": mode.use_current_attempt_objective_info,
                               "useCurrentAttemptProgressInfo": mode.use_current_attempt_progress_info},
        "attemptLimit": seq.limit_conditions.attempt_limit,
        "sequencingRules": {
            f"{kind}ConditionRules": [
                {"action": r.action, "conditionCombination": r.condition_combination,
                 "conditions": [{"condition": c.condition, "operator": c.operator} for c in r.conditions]}
                for r in seq.rules_of(kind)]
            for kind in ("pre", "exit", "post")},
        "rollupRules": {"rules": [
            {"action": r.action, "consideration": r.child_activity_set, "minimumCount": r.minimum_count,
             "minimumPercent": r.minimum_percent * 100, "conditionCombination": r.condition_combination,
             "conditions": [{"condition": c.condition, "operator": c.operator} for c in r.conditions]}
            for r in seq.rollup_rules]},
    }
    if activity.children:
        out["children"] = [scorm_again_activity(child) for child in activity.children]
    return out


def scorm_again(sizes: tuple[int, ...] = SIZES, rounds: int = ROUNDS) -> dict[str, Any]:
    """The same series on scorm-again, in one Node process (see sequencing_scorm_again.mjs).
    Its 1,000-leaf walk takes minutes, so that one is timed once (after a warm-up walk)."""
    trees = [{"leaves": n, "activityTree": scorm_again_activity(generated(n)), "choices": _far_leaves(n),
              "walk_rounds": rounds if n <= 100 else 1} for n in sizes]
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "in.json", Path(tmp) / "out.json"
        source.write_text(json.dumps({"report": REPORT, "rounds": rounds, "trees": trees}), encoding="utf-8")
        subprocess.run(["node", str(NODE_SCRIPT), str(source), str(target)], check=True, timeout=3600)
        result: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
    return result


def agreement(mine: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """Whether both engines delivered the same activities (scorm-again with and without its
    validity refresh), and which request_valid answers after start differ (the first five)."""
    answers, other = mine["request_valid"], theirs["request_valid"]
    shared = [k for k in answers if k in other]
    differing = [k for k in shared if answers[k] != other[k]]
    return {"same_delivered": all(mine[f"{kind}order"] == theirs[f"{kind}order{variant}"]
                                  for kind in ("", "choice_") for variant in ("", "_navigation_only")),
            "request_valid_same": len(shared) - len(differing), "request_valid_compared": len(shared),
            "request_valid_differing": {k: (answers[k], other[k]) for k in differing[:5]}}


SA_KINDS = ("continue_navigation_only_ms", "choice_navigation_only_ms", *KINDS)


def _cpu(kinds: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(k.replace("_ms", "_cpu_ms") for k in kinds)


def ratios(mine: dict[str, Any], theirs: dict[str, Any], unit: str = "ms") -> dict[str, float]:
    """Ours / scorm-again (time; below 1 is faster) on one clock (``ms`` wall, ``cpu_ms``):
    navigation alone, navigation plus every request_valid answer (scorm-again computes them
    inside each request; we when asked), and the answers alone."""
    def of(row: dict[str, Any], kind: str) -> float:
        return float(row[f"{kind}_{unit}"])

    valid = of(mine, "request_valid")
    return {"continue": round(of(mine, "continue") / of(theirs, "continue_navigation_only"), 3),
            "choice": round(of(mine, "choice") / of(theirs, "choice_navigation_only"), 3),
            "continue_with_request_valid": round((of(mine, "continue") + valid) / of(theirs, "continue"), 3),
            "choice_with_request_valid": round((of(mine, "choice") + valid) / of(theirs, "choice"), 3),
            "request_valid": round(valid / of(theirs, "request_valid"), 3)}


def _growth(small: dict[str, Any], large: dict[str, Any], kinds: tuple[str, ...]) -> dict[str, float]:
    return {k: round(large[k] / small[k], 1) for k in (*kinds, *_cpu(kinds))}


def main() -> None:
    small, large = ours(SIZES[0]), ours(SIZES[1])
    result: dict[str, Any] = {"small": _timing(small), "large": _timing(large), "growth": _growth(small, large, KINDS)}
    for name, row in (("10 leaves", small), ("1,000 leaves", large)):
        print(f"ours {name} ({row['activities']} activities), ms per request wall / CPU: {_line(row, KINDS)}")
    print(f"ours growth 1,000 vs 10 leaves: {result['growth']}")
    if not SCORM_AGAIN.exists():
        print("scorm-again comparison NOT run: scorm-again is not installed (`make bench` installs it "
              "into tests/differential/node_modules)")
        save("sequencing", result)
        return
    other = scorm_again()
    small_sa, large_sa = other["results"]
    label = f"{other['engine']} (Node {other['node']})"
    for name, row in (("10 leaves", small_sa), ("1,000 leaves", large_sa)):
        print(f"{label} {name}, ms per request wall / CPU: {_line(row, SA_KINDS)}")
    agree = {"10": agreement(small, small_sa), "1000": agreement(large, large_sa)}
    result["scorm_again"] = {"engine": other["engine"], "node": other["node"], "agreement": agree,
                             "small": _timing(small_sa), "large": _timing(large_sa),
                             "growth": _growth(small_sa, large_sa, SA_KINDS)}
    print(f"{other['engine']} growth 1,000 vs 10 leaves: {result['scorm_again']['growth']}")
    print(f"agreement with scorm-again: {agree}")
    if all(a["same_delivered"] for a in agree.values()):
        result["ours_over_scorm_again"] = {
            clock: {"10": ratios(small, small_sa, unit), "1000": ratios(large, large_sa, unit)}
            for clock, unit in (("wall", "ms"), ("cpu", "cpu_ms"))}
        print(f"ours / scorm-again (time; < 1 is faster): {result['ours_over_scorm_again']}")
    else:
        print("NO time ratio: the engines delivered different activities, so they did not do the same work")
    save("sequencing", result)


def _line(row: dict[str, Any], kinds: tuple[str, ...]) -> str:
    return ", ".join(f"{k.removesuffix('_ms')} {row[k]:.3f} / {row[k.replace('_ms', '_cpu_ms')]:.3f}" for k in kinds)


def _timing(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if "order" not in k and k != "request_valid"}
