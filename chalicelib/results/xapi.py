"""Results of a statement-tracked activity (xAPI / TinCan packages, cmi5 AUs) from the statements
about it, as they arrive.

An activity's state (``activities[id]`` in the registration's progress, like a SCO's) keeps:

* ``completion`` / ``success`` / ``score`` (0-100) / ``seconds``: what the statements said;
* ``durations``: per launch, the longest ``result.duration`` reported in it. Content reports a
  session's time on several statements (``completed`` and ``terminated`` often both carry it), so
  the activity's time is the sum over launches of each launch's longest duration, never a double
  count;
* ``statements``: the last :data:`KEPT_STATEMENTS` statements about it, summarised for the
  runtime view (id, time, verb, result).

Which verbs mean what is data (:data:`VERBS`), from the ADL verbs xAPI content uses for
completion and success (xAPI Data §2.4.3 / ADL vocabulary; cmi5 §9.3 uses the same IRIs). A
``result.completion`` / ``result.success`` on any statement about the activity counts as well
(xAPI Data §2.4.5). SCORM Cloud shows a TinCan course passed or failed as completed too; so do we.
Completion never goes back from COMPLETED; success takes the latest passed / failed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.results import answers
from chalicelib.standards.common.durations import parse_iso

if TYPE_CHECKING:
    from datetime import datetime

ADL = "http://adlnet.gov/expapi/verbs/"
KEPT_STATEMENTS = 50


#: verb IRI -> (completion, success) it sets (None: leaves it)
VERBS: dict[str, tuple[str | None, str | None]] = {
    ADL + "completed": ("COMPLETED", None),
    ADL + "passed": ("COMPLETED", "PASSED"),
    ADL + "failed": ("COMPLETED", "FAILED"),
    ADL + "mastered": ("COMPLETED", "PASSED"),
}


def verb_name(verb_id: str) -> str:
    """``http://adlnet.gov/expapi/verbs/completed`` -> ``completed``."""
    return verb_id.rstrip("/").rsplit("/", 1)[-1]


def about(statement: dict[str, Any], activity_id: str) -> bool:
    """Whether the statement's object is the activity (its results are the activity's)."""
    target = statement.get("object")
    return isinstance(target, dict) and target.get("objectType", "Activity") == "Activity" \
        and target.get("id") == activity_id


def scaled_score(result: dict[str, Any]) -> float | None:
    """0-100 from ``result.score``: ``scaled`` when given, else raw within min..max."""
    score = result.get("score")
    if not isinstance(score, dict):
        return None
    if isinstance(score.get("scaled"), int | float):
        return float(score["scaled"]) * 100
    raw, low, high = score.get("raw"), score.get("min"), score.get("max")
    if all(isinstance(v, int | float) for v in (raw, low, high)) and high > low:  # type: ignore[operator]
        return (float(raw) - float(low)) / (float(high) - float(low)) * 100  # type: ignore[arg-type]
    return None


def duration_seconds(result: dict[str, Any]) -> float | None:
    raw = result.get("duration")
    if not isinstance(raw, str):
        return None
    try:
        return parse_iso(raw) / 100
    except ValueError:
        return None


def summary(statement: dict[str, Any]) -> dict[str, Any]:
    """What the runtime view and the debug log show of a statement."""
    verb = statement.get("verb") or {}
    shown: dict[str, Any] = {"id": statement.get("id"), "timestamp": statement.get("timestamp"),
                             "verb": verb.get("id"), "object": (statement.get("object") or {}).get("id")}
    if isinstance(statement.get("result"), dict):
        shown["result"] = statement["result"]
    return shown


def new_state() -> dict[str, Any]:
    return {"attempts": 0, "completion": "UNKNOWN", "success": "UNKNOWN", "score": None, "seconds": 0.0,
            "durations": {}, "statements": []}


def apply(state: dict[str, Any], statement: dict[str, Any], launch_id: str, *, verbs: dict[str, tuple[
          str | None, str | None]] | None = None) -> bool:
    """Fold one statement about the activity into its state; True if its results changed.
    ``verbs``: another verb table (cmi5's meanings differ from TinCan's)."""
    if any(s.get("id") == statement.get("id") for s in state.get("statements", [])):
        return False  # the same statement again (a retried POST): counted once
    before = (state.get("completion"), state.get("success"), state.get("score"), state.get("seconds"))
    completion, success = (verbs if verbs is not None else VERBS).get((statement.get("verb") or {}).get("id", ""),
                                                                      (None, None))
    found = statement.get("result")
    result: dict[str, Any] = found if isinstance(found, dict) else {}
    if result.get("completion") is True:
        completion = "COMPLETED"
    if isinstance(result.get("success"), bool) and success is None:
        success = "PASSED" if result["success"] else "FAILED"
    if completion == "COMPLETED":
        state["completion"] = "COMPLETED"
    elif state.get("completion", "UNKNOWN") == "UNKNOWN":
        state["completion"] = "INCOMPLETE"
    if success is not None:
        state["success"] = success
    score = scaled_score(result)
    if score is not None:
        state["score"] = round(score, 4)
    seconds = duration_seconds(result)
    if seconds is not None:
        durations = state.setdefault("durations", {})
        durations[launch_id] = max(float(durations.get(launch_id, 0)), seconds)
        state["seconds"] = round(sum(float(v) for v in durations.values()), 2)
    kept = state.setdefault("statements", [])
    kept.append(summary(statement))
    del kept[:-KEPT_STATEMENTS]
    return before != (state.get("completion"), state.get("success"), state.get("score"), state.get("seconds"))


def take(state: dict[str, Any], statement: dict[str, Any], activity_id: str, launch_id: str, moment: datetime, *,
         verbs: dict[str, tuple[str | None, str | None]] | None = None) -> dict[str, Any]:
    """One statement of a launch into the launched activity's ``state``: a statement about the
    activity counts (:func:`apply`), any other keeps its answer for question analysis
    (:func:`chalicelib.results.answers.record`). Returns the debug-log entry."""
    counted = about(statement, activity_id)
    if counted:
        apply(state, statement, launch_id, verbs=verbs)
    else:
        answers.record(state, statement)  # question analysis (chalicelib.reports.questions)
    return {"t": moment.isoformat(), "kind": "statement", "counted": counted, **summary(statement)}
