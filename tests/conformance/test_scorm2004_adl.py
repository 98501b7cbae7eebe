"""ADL's SCORM 2004 4th Edition LMS conformance cases API, DMB, DMI and DDM, replayed against our
SCORM 2004 API state machine: every command must answer the expected value and error code."""

from __future__ import annotations

import pytest

from tests.conformance import adl_suite
from tests.conformance.adl_cases import read_case
from tests.conformance.adl_lms import AdlLms, Outcome, read_package

pytestmark = pytest.mark.skipif(not adl_suite.available(), reason=adl_suite.missing_reason())

CASES = {"API": ["API"], "DMB": ["DMB"], "DMI": ["DMI"], "DDM": ["DDMa", "DDMb"]}


def replay(case: str) -> list[Outcome]:
    lms = AdlLms([read_package(name) for name in CASES[case]])
    outcomes: list[Outcome] = []
    for visit in read_case(case):
        outcomes.extend(lms.play(visit))
    return outcomes


def describe(outcome: Outcome) -> str:
    call = outcome.call
    args = call.element if call.method != "SetValue" else f"{call.element}, {call.value[:60]!r}"
    return (
        f"{outcome.visit} {call.method}({args[:120]}) -> {outcome.returned[:60]!r} error {outcome.error}; "
        f"expected {call.expected[:60]!r} error {call.error}"
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_adl_case_answers_every_command(case: str) -> None:
    outcomes = replay(case)
    failures = [o for o in outcomes if not o.passed]
    print(f"ADL {case}: {len(outcomes) - len(failures)}/{len(outcomes)} commands answered as expected")
    assert outcomes, f"{case} has no commands"
    assert not failures, f"{len(failures)} of {len(outcomes)} failed:\n" + "\n".join(
        describe(f) for f in failures[:40]
    )
