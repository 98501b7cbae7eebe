"""Differential test: seeded random call sequences replayed through scorm-again (npm, pinned in
tests/differential/package.json) and through our SCORM 1.2 / 2004 API state machines. Every
sequence must agree call by call (return value and GetLastError); a difference must be one that a
listed deviation (deviations.py, docs/runtime.md) explains. After a deviation that leaves both
runtimes' data alike (``stateless``) the comparison goes on; after any other it stops there."""

from __future__ import annotations

import collections
import shutil

import pytest

from tests.builders.runtime_calls import sequences
from tests.differential.deviations import Diff, explain
from tests.differential.oracle import INSTALLED, run_ours, run_scorm_again

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not INSTALLED.exists(),
    reason="node or tests/differential/node_modules missing (make tests/differential/node_modules/.installed)",
)

SEQUENCES = 200
FINISH = {"LMSFinish", "Terminate"}


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_scorm_again_agrees_apart_from_listed_deviations(standard: str) -> None:
    generated = sequences(standard, SEQUENCES, seed=1)
    theirs, ours = run_scorm_again(standard, generated), run_ours(standard, generated)
    identical, compared = 0, 0
    explained: collections.Counter[str] = collections.Counter()
    unexplained: list[str] = []
    for calls, their_row, our_row in zip(generated, theirs, ours, strict=True):
        finished, agreed = False, True
        for call, their, our in zip(calls, their_row, our_row, strict=True):
            compared += 1
            if their != our:
                method, *args = call
                diff = Diff(
                    standard, method.removeprefix("LMS"), args[0] if args else "",
                    args[1] if len(args) > 1 else "", our, their, finished,
                )  # fmt: skip
                deviation = explain(diff)
                if deviation is None:
                    unexplained.append(f"{call[:2]} {call[2][:30] if len(call) > 2 else ''} ours={our} theirs={their}")
                    break
                explained[deviation.key] += 1
                if not deviation.stateless:
                    break
                agreed = False
            finished = finished or call[0] in FINISH
        else:
            identical += int(agreed)
    print(
        f"{standard}: {identical}/{len(generated)} sequences identical, {compared} calls compared, "
        f"differences by deviation: {dict(explained.most_common())}"
    )
    assert compared > 10 * len(generated)
    assert not unexplained, "\n".join(unexplained[:30])
