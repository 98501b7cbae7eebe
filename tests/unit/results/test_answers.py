"""Answers of xAPI / cmi5 content (chalicelib.results.answers): answered statements (or statements
about a cmi.interaction activity) keep the latest answer per question, bounded."""

from __future__ import annotations

from typing import Any

from chalicelib.results import answers


def _answered(question: str, result: dict[str, Any] | None, *, verb: str = answers.ANSWERED,
              definition: dict[str, Any] | None = None) -> dict[str, Any]:
    made: dict[str, Any] = {"verb": {"id": verb}, "object": {"id": question, "definition": definition or {}}}
    if result is not None:
        made["result"] = result
    return made


def test_the_latest_answer_per_question_is_kept() -> None:
    state: dict[str, Any] = {}
    definition = {"interactionType": "choice", "description": {"en-US": "Which club?"}}
    assert answers.record(state, _answered("http://q/1", {"response": "driver", "success": False},
                                           definition=definition)) is True
    assert answers.record(state, _answered("http://q/2", {"response": "true"},
                                           verb="http://adlnet.gov/expapi/verbs/experienced",
                                           definition={"type": answers.INTERACTION})) is True
    assert answers.record(state, _answered("http://q/1", {"response": "putter", "success": True})) is True
    assert state["answers"] == {
        "http://q/2": {"response": "true", "success": None, "type": "", "description": ""},
        "http://q/1": {"response": "putter", "success": True, "type": "", "description": ""},
    }


def test_other_statements_and_empty_answers_are_not_kept() -> None:
    state: dict[str, Any] = {}
    assert answers.record(state, _answered("http://q/1", {"response": "a"},
                                           verb="http://adlnet.gov/expapi/verbs/experienced")) is False
    assert answers.record(state, _answered("http://q/1", None)) is False
    assert answers.record(state, {"verb": {"id": answers.ANSWERED}, "object": {"objectType": "Agent"}}) is False
    assert state.get("answers", {}) == {}


def test_answers_are_bounded() -> None:
    state: dict[str, Any] = {}
    for n in range(answers.KEPT_ANSWERS + 10):
        answers.record(state, _answered(f"http://q/{n}", {"response": "x" * 1000, "success": False}))
    assert len(state["answers"]) == answers.KEPT_ANSWERS
    assert len(state["answers"]["http://q/0"]["response"]) == answers.TEXT_CHARS
    assert answers.record(state, _answered("http://q/0", {"response": "again", "success": True})) is True  # known
