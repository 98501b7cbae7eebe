"""The cmi5 session rules (chalicelib/cmi5/rules.py) and moveOn (move_on.py), table by table."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from chalicelib.cmi5 import move_on, rules
from chalicelib.cmi5 import vocabulary as v

AU = "https://lms.example.com/au/1"
REG = "6a9c4f7e-3a0d-4c1e-9b57-2d3f4e5a6b7c"
SID = "session-1"
SESSION = rules.Session(AU, REG, SID, "Normal", 0.8, "initialized", frozenset({v.INITIALIZED}))


def _statement(verb: str, result: dict[str, Any] | None = None, *, move: bool | None = None) -> dict[str, Any]:
    category = [{"id": v.CATEGORY_CMI5}]
    if move if move is not None else verb in v.MOVE_ON_VERBS:
        category.append({"id": v.CATEGORY_MOVE_ON})
    made: dict[str, Any] = {
        "id": "00000000-0000-4000-8000-000000000001", "timestamp": "2026-12-06T10:00:00.000Z",
        "actor": {"objectType": "Agent", "account": {"homePage": "https://lms", "name": "ada"}},
        "verb": {"id": verb}, "object": {"id": AU},
        "context": {"registration": REG, "contextActivities": {"category": category},
                    "extensions": {v.SESSION_ID: SID}}}
    if verb in (v.PASSED, v.FAILED):
        made["context"]["extensions"][v.MASTERY_SCORE] = 0.8
    if result is not None:
        made["result"] = result
    return made


GOOD = {
    v.COMPLETED: _statement(v.COMPLETED, {"completion": True, "duration": "PT1M"}),
    v.PASSED: _statement(v.PASSED, {"success": True, "score": {"scaled": 0.9}, "duration": "PT1M"}),
    v.FAILED: _statement(v.FAILED, {"success": False, "score": {"scaled": 0.5}, "duration": "PT1M"}),
    v.TERMINATED: _statement(v.TERMINATED, {"duration": "PT2M"}),
}


@pytest.mark.parametrize("verb", list(GOOD))
def test_well_formed_defined_statements_pass(verb: str) -> None:
    assert rules.broken_rule(GOOD[verb], SESSION) is None


def _changed(verb: str, change: Any) -> dict[str, Any]:
    made = copy.deepcopy(GOOD[verb])
    change(made)
    return made


@pytest.mark.parametrize(("statement", "session", "requirement"), [
    (GOOD[v.PASSED], rules.Session(AU, REG, SID, state="launched"), "11.0.0.0-3"),
    (GOOD[v.PASSED], rules.Session(AU, REG, SID, state="launched", extra={"preferences": True}), "9.3.0.0-4"),
    (GOOD[v.TERMINATED], rules.Session(AU, REG, SID, state="terminated"), "9.3.0.0-5"),
    (GOOD[v.TERMINATED], rules.Session(AU, REG, SID, state="abandoned"), "9.3.6.0-2"),
    (_changed(v.PASSED, lambda s: s.pop("timestamp")), SESSION, "9.7.0.0-1"),
    (_changed(v.PASSED, lambda s: s.update(timestamp="2026-12-06T10:00:00-06:00")), SESSION, "9.7.0.0-2"),
    (_changed(v.PASSED, lambda s: s["context"].update(registration="x")), SESSION, "9.6.1.0-1"),
    (_changed(v.PASSED, lambda s: s["context"]["extensions"].pop(v.SESSION_ID)), SESSION, "9.6.3.1-4"),
    (_changed(v.TERMINATED, lambda s: s["context"]["contextActivities"]["category"].append(
        {"id": v.CATEGORY_MOVE_ON})), SESSION, "9.6.2.2-2"),
    (_changed(v.TERMINATED, lambda s: s["verb"].update(id=v.WAIVED)), SESSION, "9.3.0.0-1"),
    (_changed(v.PASSED, lambda s: s["actor"].update(objectType="Group")), SESSION, "9.2.0.0-2"),
    (_changed(v.PASSED, lambda s: s["object"].update(id="https://publisher/au")), SESSION, "9.4.0.0-1"),
    (GOOD[v.PASSED], rules.Session(AU, REG, SID, "Normal", 0.8, "initialized", frozenset({v.PASSED})),
     "9.3.0.0-2"),
    (GOOD[v.FAILED], rules.Session(AU, REG, SID, "Normal", 0.8, "initialized", frozenset({v.PASSED})), "9.3.0.0-3"),
    (GOOD[v.PASSED], rules.Session(AU, REG, SID, "Browse", 0.8, "initialized"), "10.2.2.0-4"),
    (GOOD[v.COMPLETED], rules.Session(AU, REG, SID, "Normal", 0.8, "initialized", completed=True), "9.3.3.0-2"),
    (GOOD[v.FAILED], rules.Session(AU, REG, SID, "Normal", 0.8, "initialized", passed=True), "9.3.0.0-8"),
    (_changed(v.COMPLETED, lambda s: s["result"].update(score={"scaled": 1})), SESSION, "9.5.1.0-2"),
    (_changed(v.PASSED, lambda s: s["result"]["score"].update(raw=9)), SESSION, "9.5.1.0-3"),
    (_changed(v.PASSED, lambda s: s["result"].pop("success")), SESSION, "9.5.2.0-1"),
    (_changed(v.FAILED, lambda s: s["result"].update(success=True)), SESSION, "9.5.2.0-2"),
    (_changed(v.COMPLETED, lambda s: s["result"].update(success=True)), SESSION, "9.5.2.0-3"),
    (_changed(v.COMPLETED, lambda s: s["result"].update(completion=False)), SESSION, "9.5.3.0-1"),
    (_changed(v.PASSED, lambda s: s["result"].update(completion=True)), SESSION, "9.5.3.0-2"),
    (_changed(v.TERMINATED, lambda s: s.pop("result")), SESSION, "9.5.4.1-1"),
    (_changed(v.PASSED, lambda s: s["result"]["score"].update(scaled=0.7)), SESSION, "9.3.4.0-2"),
    (_changed(v.FAILED, lambda s: s["result"]["score"].update(scaled=0.8)), SESSION, "9.3.5.0-2"),
    (_changed(v.PASSED, lambda s: s["context"]["contextActivities"]["category"].pop()), SESSION, "9.6.2.2-1"),
    (_changed(v.PASSED, lambda s: s["context"]["extensions"].update({v.MASTERY_SCORE: 0.5})), SESSION,
     "9.6.3.2-2"),
])
def test_each_rule_refuses_what_it_names(statement: dict[str, Any], session: rules.Session,
                                         requirement: str) -> None:
    broken = rules.broken_rule(statement, session)
    assert broken is not None and broken.requirement == requirement, broken
    assert broken.section in broken.message() and requirement in broken.message()


def test_allowed_statements_meet_only_the_session_rules() -> None:
    allowed = _changed(v.PASSED, lambda s: s["context"]["contextActivities"].update(category=[]))
    allowed["verb"]["id"] = "http://adlnet.gov/expapi/verbs/experienced"
    allowed.pop("result")
    assert rules.broken_rule(allowed, SESSION) is None
    assert rules.broken_rule(allowed, rules.Session(AU, REG, SID, state="terminated")) is not None


def test_every_rule_is_exercised_here() -> None:
    exercised = {"9.3.6.0-2", "11.0.0.0-3", "9.3.0.0-4", "9.3.0.0-5", "9.7.0.0-1", "9.7.0.0-2", "9.6.1.0-1",
                 "9.6.3.1-4", "9.6.2.2-2", "9.3.0.0-1", "9.2.0.0-2", "9.4.0.0-1", "9.3.0.0-2", "9.3.0.0-3",
                 "10.2.2.0-4", "9.3.3.0-2", "9.3.0.0-8", "9.5.1.0-2", "9.5.1.0-3", "9.5.2.0-1", "9.5.2.0-2",
                 "9.5.2.0-3", "9.5.3.0-1", "9.5.3.0-2", "9.5.4.1-1", "9.3.4.0-2", "9.3.5.0-2", "9.6.2.2-1",
                 "9.6.3.2-2"}
    untested = {r.requirement for r in rules.RULES} - exercised - {"9.1.0.0-1", "9.2.0.0-3", "9.3.2.0-3",
                                                                   "9.3.4.0-3"}
    assert untested == set()


@pytest.mark.parametrize(("value", "record", "met"), [
    ("Completed", {"completed": True}, True), ("Completed", {"passed": True}, False),
    ("Passed", {"passed": True}, True), ("CompletedAndPassed", {"completed": True}, False),
    ("CompletedAndPassed", {"completed": True, "passed": True}, True),
    ("CompletedOrPassed", {"passed": True}, True), ("NotApplicable", {}, True),
    ("Passed", {"waived": True}, True),
])
def test_move_on(value: str, record: dict[str, Any], met: bool) -> None:
    assert move_on.au_met({"id": "a", "statements": {"moveOn": value}}, record) is met


def test_blocks_then_the_course_are_satisfied_once() -> None:
    tree = {"id": "course", "children": [
        {"id": "block", "children": [{"id": "a1", "statements": {"moveOn": "Passed"}}]},
        {"id": "a2", "statements": {"moveOn": "NotApplicable"}}]}
    assert move_on.newly_satisfied(tree, {}, []) == []
    found = move_on.newly_satisfied(tree, {"a1": {"passed": True}}, [])
    assert [n["id"] for n in found] == ["block", "course"]
    assert move_on.newly_satisfied(tree, {"a1": {"passed": True}}, ["block", "course"]) == []
