"""Results of a statement-tracked activity from the statements about it (chalicelib.results.xapi)."""

from __future__ import annotations

from typing import Any

from chalicelib.results import xapi

ACTIVITY = "https://example.com/a"


def _statement(verb: str, result: dict[str, Any] | None = None, n: int = 0, target: str = ACTIVITY) -> dict[str, Any]:
    found: dict[str, Any] = {"id": f"00000000-0000-4000-8000-{n:012d}", "verb": {"id": xapi.ADL + verb},
                             "object": {"id": target}}
    if result is not None:
        found["result"] = result
    return found


def test_completion_success_score_and_time_come_from_the_statements() -> None:
    state = xapi.new_state()
    assert xapi.apply(state, _statement("initialized", n=1), "L1")
    assert state["completion"] == "INCOMPLETE"
    xapi.apply(state, _statement("completed", {"duration": "PT1M"}, n=2), "L1")
    xapi.apply(state, _statement("passed", {"score": {"scaled": 0.75}, "duration": "PT1M30S"}, n=3), "L1")
    xapi.apply(state, _statement("terminated", {"duration": "PT1M30S"}, n=4), "L1")
    assert (state["completion"], state["success"], state["score"], state["seconds"]) == ("COMPLETED", "PASSED", 75.0,
                                                                                          90.0)
    xapi.apply(state, _statement("failed", {"score": {"raw": 3, "min": 0, "max": 10}, "duration": "PT10S"}, n=5), "L2")
    assert (state["completion"], state["success"], state["score"], state["seconds"]) == ("COMPLETED", "FAILED", 30.0,
                                                                                          100.0)


def test_result_flags_count_and_a_repeated_statement_counts_once() -> None:
    state = xapi.new_state()
    xapi.apply(state, _statement("experienced", {"completion": True, "success": False}, n=1), "L1")
    assert (state["completion"], state["success"]) == ("COMPLETED", "FAILED")
    assert not xapi.apply(state, _statement("experienced", {"completion": True, "success": False}, n=1), "L1")
    assert len(state["statements"]) == 1


def test_only_statements_about_the_activity_are_its() -> None:
    assert xapi.about(_statement("completed"), ACTIVITY)
    assert not xapi.about(_statement("completed", target="https://example.com/other"), ACTIVITY)
    assert not xapi.about({"object": {"objectType": "Agent", "mbox": "mailto:a@b.c"}}, ACTIVITY)
