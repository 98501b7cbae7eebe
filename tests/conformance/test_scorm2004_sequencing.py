"""ADL's SCORM 2004 4th Ed. sequencing cases (CT, OB, RU, SX, CO, CM, MS, T) replayed against our
sequencing engine through our import (see ``adl_sequencing``): each case must deliver exactly the
expected activities, answer every command as expected and end where the case ends.

Cases that do not pass yet are listed in ``adl_expected_failures.FAILING`` with the reason the
harness gives; they are strict xfails, so a case that starts passing must leave that list."""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest

from tests.conformance import adl_suite
from tests.conformance.adl_cases import read_case
from tests.conformance.adl_expected_failures import FAILING
from tests.conformance.adl_sequencing import (
    SEQUENCING_FAMILIES,
    CaseResult,
    family,
    run_case,
    sequencing_cases,
)

pytestmark = pytest.mark.skipif(not adl_suite.available(), reason=adl_suite.missing_reason())

CASES = sequencing_cases()


@cache
def result(case: str) -> CaseResult:
    return run_case(case)


def _param(case: str) -> object:
    if case in FAILING:
        return pytest.param(case, marks=pytest.mark.xfail(reason=FAILING[case], strict=True))
    return case


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_adl_sequencing_case(case: str) -> None:
    outcome = result(case)
    assert outcome.passed, f"{case}: {outcome.reason}\n" + "\n".join(outcome.trace[-30:])


def test_expected_failures_name_real_cases() -> None:
    assert set(FAILING) <= set(CASES)


def test_per_family_pass_counts() -> None:
    passed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for case in CASES:
        total[family(case)] += 1
        passed[family(case)] += result(case).passed
    print()
    for name in SEQUENCING_FAMILIES:
        print(f"ADL {name}: {passed[name]}/{total[name]} cases pass")
    assert sum(total.values()) == len(CASES) > 0
    assert sum(passed.values()) == len(CASES) - len(FAILING)


def test_a_block_name_that_comes_back_is_another_visit() -> None:
    """CM-09aa names two visits ``Act1V1``: like the suite's own reader, each run of lines with
    one ``ActNVm`` prefix is one visit, so activity 1 is visited twice with its own commands."""
    visits = read_case("CM-09aa")
    assert [(v.activity, v.ui) for v in visits] == [
        ("1", "Continue"), ("2", ""), ("1", "Choice~Activity 3"), ("3", "Exit")]
    assert [c.value for c in visits[0].calls if c.element == "adl.nav.request"] == ["{target=activity_3}choice"]
    assert [c.value for c in visits[2].calls if c.element == "adl.nav.request"] == ["continue"]
