"""Registration results as SCORM Cloud API v2 shows them (RegistrationSchema, ActivityResultSchema,
RuntimeSchema, ObjectiveSchema, LaunchHistorySchema), from a registration's progress.

``score.scaled`` and ``completionAmount.scaled`` are on the 0-100 scale (API_V2.md, note 3), not
SCORM 2004's -1..1. Runtime values are shown as the strings the SCO set. For SCORM 2004 courses
delivered by the sequencer, completion, success, score and completion amount of the registration
and of every tracked activity are the sequencer's (its rollup, SN §4.6), not the default rollup.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.results import progress
from chalicelib.results.runtime_data import RuntimeData
from chalicelib.standards.common.durations import format_iso

if TYPE_CHECKING:
    from chalicelib.store.tables import RegistrationItem

STATUS_2004 = {"completed": "COMPLETED", "incomplete": "INCOMPLETE", "not attempted": "NOT_ATTEMPTED",
               "browsed": "BROWSED", "unknown": "UNKNOWN", "passed": "PASSED", "failed": "FAILED"}


def iso(moment: datetime | str | None) -> str | None:
    if moment is None or isinstance(moment, str):
        return moment
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _score(value: float | None) -> dict[str, float] | None:
    return {"scaled": round(value, 4)} if value is not None else None


def _array(values: dict[str, str], counts: dict[str, int], array: str) -> list[dict[str, str]]:
    """``cmi.objectives.0.id`` ... as a list of dicts of the leaf names (``score.raw`` kept dotted)."""
    out = []
    for index in range(counts.get(array, 0)):
        prefix = f"{array}.{index}."
        out.append({k[len(prefix):]: v for k, v in values.items() if k.startswith(prefix)})
    return out


def _patterns(item: dict[str, str]) -> list[str]:
    found = sorted((k for k in item if k.startswith("correct_responses.") and k.endswith(".pattern")),
                   key=lambda k: int(k.split(".")[1]))
    return [item[k] for k in found]


def _linked_objectives(item: dict[str, str]) -> list[str]:
    found = sorted((k for k in item if k.startswith("objectives.") and k.endswith(".id")),
                   key=lambda k: int(k.split(".")[1]))
    return [item[k] for k in found]


def interactions(standard: str, data: RuntimeData) -> list[dict[str, Any]]:
    """RuntimeInteractionSchema list."""
    twelve = progress.is_scorm12(standard)
    out = []
    for item in _array(data.values, data.counts, "cmi.interactions"):
        out.append({
            "id": item.get("id", ""), "type": item.get("type", ""), "objectives": _linked_objectives(item),
            "timestamp": item.get("time" if twelve else "timestamp", ""),
            "correctResponses": _patterns(item), "weighting": item.get("weighting", ""),
            "learnerResponse": item.get("student_response" if twelve else "learner_response", ""),
            "result": item.get("result", ""), "latency": item.get("latency", ""),
            "description": item.get("description", ""),
        })  # fmt: skip
    return out


def runtime_objectives(standard: str, data: RuntimeData) -> list[dict[str, Any]]:
    """RuntimeObjectiveSchema list."""
    twelve = progress.is_scorm12(standard)
    out = []
    for item in _array(data.values, data.counts, "cmi.objectives"):
        success = item.get("status", "") if twelve else item.get("success_status", "unknown")
        completion = item.get("status", "") if twelve else item.get("completion_status", "unknown")
        out.append({
            "id": item.get("id", ""), "scoreScaled": item.get("score.scaled", ""),
            "scoreMin": item.get("score.min", ""), "scoreMax": item.get("score.max", ""),
            "scoreRaw": item.get("score.raw", ""),
            "runtimeObjectiveSuccessStatus": STATUS_2004.get(success, "UNKNOWN")
            if success in ("passed", "failed") else "UNKNOWN",
            "runtimeObjectiveCompletionStatus": STATUS_2004.get(completion, "UNKNOWN")
            if completion not in ("passed", "failed") else "COMPLETED",
            "progressMeasure": item.get("progress_measure", ""), "description": item.get("description", ""),
        })  # fmt: skip
    return out


def objectives(standard: str, data: RuntimeData) -> list[dict[str, Any]]:
    """ObjectiveSchema list (activityDetails.objectives)."""
    out = []
    for found in runtime_objectives(standard, data):
        scaled = found["scoreScaled"]
        entry: dict[str, Any] = {
            "id": found["id"], "primary": False,
            "objectiveCompletion": found["runtimeObjectiveCompletionStatus"],
            "objectiveSuccess": found["runtimeObjectiveSuccessStatus"],
        }
        if scaled not in ("", None):
            entry["score"] = {"scaled": float(scaled) * 100}
        for key, name in (("scoreRaw", "scoreRaw"), ("scoreMin", "scoreMin"), ("scoreMax", "scoreMax"),
                          ("progressMeasure", "progressMeasure")):
            if found[key] not in ("", None):
                entry[name] = float(found[key])
        out.append(entry)
    return out


def _comments(data: RuntimeData, array: str, standard: str) -> list[dict[str, str]]:
    if progress.is_scorm12(standard):
        text = data.values.get("cmi.comments" if array.endswith("learner") else "cmi.comments_from_lms", "")
        return [{"value": text, "location": "", "dateTime": ""}] if text else []
    return [{"value": c.get("comment", ""), "location": c.get("location", ""), "dateTime": c.get("timestamp", "")}
            for c in _array(data.values, data.counts, array)]


def runtime(standard: str, data: RuntimeData, *, with_io: bool) -> dict[str, Any]:
    """RuntimeSchema: the SCO's cmi data, values as strings."""
    v = data.values
    if progress.is_scorm12(standard):
        shown: dict[str, Any] = {
            "completionStatus": v.get("cmi.core.lesson_status", ""), "credit": v.get("cmi.core.credit", ""),
            "entry": v.get("cmi.core.entry", ""), "exit": v.get("cmi.core.exit", ""),
            "location": v.get("cmi.core.lesson_location", ""), "mode": v.get("cmi.core.lesson_mode", ""),
            "progressMeasure": "", "scoreScaled": "", "scoreRaw": v.get("cmi.core.score.raw", ""),
            "scoreMin": v.get("cmi.core.score.min", ""), "scoreMax": v.get("cmi.core.score.max", ""),
            "totalTime": v.get("cmi.core.total_time", ""), "timeTracked": v.get("cmi.core.total_time", ""),
            "runtimeSuccessStatus": SUCCESS.get(v.get("cmi.core.lesson_status", ""), "UNKNOWN"),
            "suspendData": v.get("cmi.suspend_data", ""),
            "learnerPreference": _preferences12(v),
        }  # fmt: skip
    else:
        shown = {
            "completionStatus": v.get("cmi.completion_status", "unknown"), "credit": v.get("cmi.credit", ""),
            "entry": v.get("cmi.entry", ""), "exit": v.get("cmi.exit", ""), "location": v.get("cmi.location", ""),
            "mode": v.get("cmi.mode", ""), "progressMeasure": v.get("cmi.progress_measure", ""),
            "scoreScaled": v.get("cmi.score.scaled", ""), "scoreRaw": v.get("cmi.score.raw", ""),
            "scoreMin": v.get("cmi.score.min", ""), "scoreMax": v.get("cmi.score.max", ""),
            "totalTime": v.get("cmi.total_time", ""), "timeTracked": v.get("cmi.total_time", ""),
            "runtimeSuccessStatus": STATUS_2004.get(v.get("cmi.success_status", "unknown"), "UNKNOWN"),
            "suspendData": v.get("cmi.suspend_data", ""),
            "learnerPreference": _preferences2004(v),
        }  # fmt: skip
    shown["learnerComments"] = _comments(data, "cmi.comments_from_learner", standard)
    shown["lmsComments"] = _comments(data, "cmi.comments_from_lms", standard)
    if with_io:
        shown["runtimeInteractions"] = interactions(standard, data)
        shown["runtimeObjectives"] = runtime_objectives(standard, data)
    return shown


SUCCESS = {"passed": "PASSED", "failed": "FAILED"}


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _preferences12(v: dict[str, str]) -> dict[str, Any]:
    return {"audioLevel": _number(v.get("cmi.student_preference.audio")),
            "language": v.get("cmi.student_preference.language", ""),
            "deliverySpeed": _number(v.get("cmi.student_preference.speed")),
            "audioCaptioning": int(_number(v.get("cmi.student_preference.text")) or 0)}


def _preferences2004(v: dict[str, str]) -> dict[str, Any]:
    return {"audioLevel": _number(v.get("cmi.learner_preference.audio_level")),
            "language": v.get("cmi.learner_preference.language", ""),
            "deliverySpeed": _number(v.get("cmi.learner_preference.delivery_speed")),
            "audioCaptioning": int(_number(v.get("cmi.learner_preference.audio_captioning")) or 0)}


def statement_runtime(state: dict[str, Any]) -> dict[str, Any]:
    """RuntimeSchema of a statement-tracked activity (xAPI, cmi5): its results, plus the Nimbus
    extension ``statements`` — the latest statements about it, newest last."""
    score = state.get("score")
    completion, success = state.get("completion", "UNKNOWN"), state.get("success", "UNKNOWN")
    return {"completionStatus": completion.lower(), "runtimeSuccessStatus": success,
            "scoreScaled": "" if score is None else str(round(float(score) / 100, 6)),
            "totalTime": format_iso(int(float(state.get("seconds", 0)) * 100)),
            "timeTracked": format_iso(int(float(state.get("seconds", 0)) * 100)),
            "learnerComments": [], "lmsComments": [], "statements": list(state.get("statements", []))}


def _static(node: dict[str, Any]) -> dict[str, Any]:
    passing = node.get("scaledPassingScore")
    if passing is None and node.get("masteryScore") is not None:
        passing = float(node["masteryScore"]) / 100
    return {"completionThreshold": "" if node.get("completionThreshold") is None else str(node["completionThreshold"]),
            "launchData": node.get("launchData", ""), "maxTimeAllowed": node.get("maxTimeAllowed", ""),
            "scaledPassingScore": passing, "scaledPassingScoreUsed": passing is not None,
            "timeLimitAction": node.get("timeLimitAction", "")}


def activity(standard: str, node: dict[str, Any], activities: dict[str, Any], *, children: bool,
             with_io: bool, with_runtime: bool, suspended: str | None,
             sequenced: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """ActivityResultSchema for ``node`` (and, with ``children``, its subtree); ``sequenced``: the
    SCORM 2004 sequencer's results per activity (see ``progress.rollup``)."""
    rolled = progress.rollup(node, activities, sequenced)
    shown: dict[str, Any] = {
        "id": node["id"], "title": node.get("title", ""), "attempts": rolled["attempts"],
        "activityCompletion": rolled["completion"], "activitySuccess": rolled["success"],
        "score": _score(rolled["score"]), "timeTracked": format_iso(int(rolled["seconds"] * 100)),
        "completionAmount": {"scaled": round(100 * progress.completion_amount(rolled), 2)},
        "suspended": suspended == node["id"],
    }
    if shown["score"] is None:
        del shown["score"]
    state = activities.get(node["id"]) or {}
    data = RuntimeData.from_dict(state["data"]) if state.get("data") else None
    if not node.get("children"):
        shown["staticProperties"] = _static(node)
        if with_io and data is not None:
            shown["objectives"] = objectives(standard, data)
        if with_runtime and data is not None:
            shown["runtime"] = runtime(standard, data, with_io=with_io)
        elif with_runtime and state.get("statements") is not None:
            shown["runtime"] = statement_runtime(state)
    if children:
        shown["children"] = [activity(standard, child, activities, children=True, with_io=with_io,
                                      with_runtime=with_runtime, suspended=suspended, sequenced=sequenced)
                             for child in node.get("children", [])]
    return shown


def registration(item: RegistrationItem, *, children: bool = False, with_io: bool = False,
                 with_runtime: bool = False) -> dict[str, Any]:
    """RegistrationSchema."""
    details = item.details or {}
    tree = details.get("tree") or {"id": item.course_id, "title": details.get("courseTitle", "")}
    activities = details.get("activities", {})
    standard = details.get("standard", "")
    sequenced = progress.engine_results(details)
    rolled = progress.rollup(tree, activities, sequenced)
    learner = dict(item.learner or {})
    shown: dict[str, Any] = {
        "id": item.registration_id, "instance": int(item.instance or 0),
        "xapiRegistrationId": details.get("xapiRegistrationId", ""), "dispatchId": details.get("dispatchId"),
        "updated": iso(item.updated), "registrationCompletion": item.completion,
        "registrationCompletionAmount": round(progress.completion_amount(rolled), 4),
        "registrationSuccess": item.success, "totalSecondsTracked": float(item.total_seconds or 0),
        "firstAccessDate": details.get("firstAccess"), "lastAccessDate": details.get("lastAccess"),
        "completedDate": details.get("completedDate"), "createdDate": iso(item.created),
        "course": {"id": item.course_id, "title": details.get("courseTitle", ""),
                   "version": int(item.course_version or 0)},
        "learner": {"id": learner.get("id", ""), "firstName": learner.get("firstName", ""),
                    "lastName": learner.get("lastName", ""), "email": learner.get("email", "")},
        "tags": [str(t) for t in item.tags or []],
        "globalObjectives": [], "sharedData": [{"id": k, "value": v} for k, v in details.get("sharedData", {}).items()],
        "activityDetails": activity(standard, tree, activities, children=children, with_io=with_io,
                                    with_runtime=with_runtime, suspended=details.get("suspendedActivityId"),
                                    sequenced=sequenced),
    }
    if item.score_scaled is not None:
        shown["score"] = {"scaled": float(item.score_scaled)}
    if details.get("suspendedActivityId"):
        shown["suspendedActivityId"] = details["suspendedActivityId"]
    return {k: v for k, v in shown.items() if v is not None or k == "dispatchId"}
