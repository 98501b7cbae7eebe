"""A registration's progress: the activity tree it was launched on, each SCO's run-time data and
attempts, and the rollup of results up to the registration. Pure data (a JSON dict kept in the
registration's ``details``), no storage.

Tree nodes (``tree``) are a compact snapshot of the course version's activity tree with what the
launch needs per SCO (href, launch data, mastery score, thresholds, objective ids, prerequisites).

Per activity (``activities[id]``):

* ``data``: the attempt's run-time data (:class:`RuntimeData` as a dict), LMS values included;
* ``attempts``: how many attempts were started; ``seen``: attempt id → its session record (last
  applied commit sequence number, finished or not, launch id, last commit time; bounded);
* results derived on every change: completion, success, score (0-100), seconds;
* ``pastSeconds``: the total time of the SCO's ended SCORM 2004 attempts (counted in its time).

Rollup without sequencing rules (SCORM 1.2, and SCORM 2004 default rollup, SN 4.6 with no rollup
rules): an aggregation is completed when every SCO under it is, passed when none failed and at
least one passed while all are completed, failed when any failed; its score is the mean of the
scored SCOs; time is the sum. SCORM 2004 courses delivered by the sequencer take completion,
success, score and completion amount from the sequencer's rollup instead (:func:`rollup`'s
``sequenced``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.results.evaluation import completion_status, success_status
from chalicelib.results.runtime_data import RuntimeData
from chalicelib.standards.common.durations import parse_iso, parse_timespan

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.standards.activity_tree import Activity
    from chalicelib.store.tables import RegistrationItem

SEEN_ATTEMPTS = 20  # attempt ids remembered per activity for de-duplication
COMPLETION_12 = {"completed": "COMPLETED", "passed": "COMPLETED", "failed": "COMPLETED",
                 "incomplete": "INCOMPLETE", "browsed": "INCOMPLETE"}
SUCCESS_12 = {"passed": "PASSED", "failed": "FAILED"}
COMPLETION_2004 = {"completed": "COMPLETED", "incomplete": "INCOMPLETE"}
SUCCESS_2004 = {"passed": "PASSED", "failed": "FAILED"}


def is_scorm12(standard: str) -> bool:
    return standard in ("SCORM11", "SCORM12", "AICC")  # AICC: CMI001's data model is 1.2's (chalicelib.aicc)


def compact_tree(activity: Activity) -> dict[str, Any]:
    """The snapshot of one activity (and its children) that launches and results need."""
    node: dict[str, Any] = {"id": activity.identifier, "title": activity.title, "kind": activity.kind}
    if activity.children:
        node["children"] = [compact_tree(child) for child in activity.children]
        return node
    objectives = [o.objective_id for o in activity.sequencing.objectives if o.objective_id]
    threshold = activity.completion_threshold
    node.update({
        "href": activity.href, "launchData": activity.data_from_lms,
        "masteryScore": activity.mastery_score, "scaledPassingScore": activity.scaled_passing_score,
        "completionThreshold": threshold.min_progress_measure if threshold.declared else None,
        "maxTimeAllowed": activity.max_time_allowed
        or (activity.sequencing.limit_conditions.attempt_absolute_duration_limit or ""),
        "timeLimitAction": activity.time_limit_action, "prerequisites": activity.prerequisites,
        "objectives": objectives, "visible": activity.visible, "hideLmsUi": activity.hide_lms_ui,
        "sharedData": [{"id": m.target_id, "read": m.read_shared_data, "write": m.write_shared_data}
                       for m in activity.shared_data],
    })  # fmt: skip
    if activity.cmi5 is not None:  # cmi5 AUs and TinCan activities: tracked by statements
        au = activity.cmi5
        node["statements"] = {"activityId": au.activity_id or activity.identifier, "moveOn": au.move_on,
                              "masteryScore": au.mastery_score, "launchMethod": au.launch_method,
                              "launchParameters": au.launch_parameters, "entitlementKey": au.entitlement_key}
    return node


def nodes(tree: dict[str, Any]) -> list[dict[str, Any]]:
    """Every node in preorder."""
    found = [tree]
    for child in tree.get("children", []):
        found.extend(nodes(child))
    return found


def leaves(tree: dict[str, Any]) -> list[dict[str, Any]]:
    """The launchable activities in tree order (the table of contents)."""
    return [n for n in nodes(tree) if not n.get("children") and n.get("href")]


def leaf(tree: dict[str, Any], activity_id: str) -> dict[str, Any] | None:
    return next((n for n in leaves(tree) if n["id"] == activity_id), None)


# --- per-activity results ------------------------------------------------------------------


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def activity_results(standard: str, data: RuntimeData) -> dict[str, Any]:
    """Completion, success, score (0-100) and seconds of one activity's run-time data."""
    values = data.values
    if is_scorm12(standard):
        status = values.get("cmi.core.lesson_status", "not attempted")
        raw, low, high = (_float(values.get(f"cmi.core.score.{k}")) for k in ("raw", "min", "max"))
        score = None
        if raw is not None:
            score = (raw - (low or 0)) / (high - (low or 0)) * 100 if high and high > (low or 0) else raw
        total = values.get("cmi.core.total_time") or "00:00:00"
        return {"completion": COMPLETION_12.get(status, "UNKNOWN"), "success": SUCCESS_12.get(status, "UNKNOWN"),
                "score": score, "seconds": parse_timespan(total) / 100}
    scaled = _float(values.get("cmi.score.scaled"))
    return {"completion": COMPLETION_2004.get(completion_status(data), "UNKNOWN"),
            "success": SUCCESS_2004.get(success_status(data), "UNKNOWN"),
            "score": scaled * 100 if scaled is not None else None,
            "seconds": parse_iso(values.get("cmi.total_time") or "PT0S") / 100}


def rollup(tree: dict[str, Any], activities: dict[str, Any],
           sequenced: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Results of ``tree`` (an aggregation or a leaf) from its SCOs' results. ``sequenced``: the
    SCORM 2004 sequencer's results per activity (``runtime.sequencing.outcomes``), which replace
    completion, success and score where the sequencer tracks the activity (time stays the sum)."""
    if not tree.get("children"):
        state = activities.get(tree["id"]) or {}
        return _engine(tree, sequenced, {
            "completion": state.get("completion", "UNKNOWN"), "success": state.get("success", "UNKNOWN"),
            "score": state.get("score"), "seconds": float(state.get("seconds", 0)) + float(state.get("pastSeconds", 0)),
            "attempts": int(state.get("attempts", 0)), "launched": bool(state.get("attempts")),
            "completedLeaves": int(state.get("completion") == "COMPLETED"), "leaves": 1})
    kids = [rollup(child, activities, sequenced) for child in tree["children"] if leaves(child)]
    if not kids:
        return _engine(tree, sequenced, {
            "completion": "UNKNOWN", "success": "UNKNOWN", "score": None, "seconds": 0.0, "attempts": 0,
            "launched": False, "completedLeaves": 0, "leaves": 0})
    completed = all(k["completion"] == "COMPLETED" for k in kids)
    launched = any(k["launched"] for k in kids)
    failed = any(k["success"] == "FAILED" for k in kids)
    passed = completed and not failed and any(k["success"] == "PASSED" for k in kids)
    scores = [k["score"] for k in kids if k["score"] is not None]
    return _engine(tree, sequenced, {
        "completion": "COMPLETED" if completed else ("INCOMPLETE" if launched else "UNKNOWN"),
        "success": "FAILED" if failed else ("PASSED" if passed else "UNKNOWN"),
        "score": sum(scores) / len(scores) if scores else None,
        "seconds": sum(k["seconds"] for k in kids), "attempts": int(launched), "launched": launched,
        "completedLeaves": sum(k["completedLeaves"] for k in kids), "leaves": sum(k["leaves"] for k in kids),
    })


def _engine(node: dict[str, Any], sequenced: dict[str, dict[str, Any]] | None,
            rolled: dict[str, Any]) -> dict[str, Any]:
    found = (sequenced or {}).get(node["id"])
    if found:
        rolled.update(completion=found["completion"], success=found["success"], score=found.get("score"),
                      amount=found.get("amount"))
        if not node.get("children"):
            rolled["completedLeaves"] = int(found["completion"] == "COMPLETED")
    return rolled


def completion_amount(rolled: dict[str, Any]) -> float:
    """0-1: the sequencer's completion amount when it knows one, else the share of completed SCOs."""
    if rolled.get("amount") is not None:
        return float(rolled["amount"])
    return rolled["completedLeaves"] / rolled["leaves"] if rolled["leaves"] else 0.0


def engine_results(details: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    """The sequencer's per-activity results kept with the registration (None without sequencing);
    for AICC courses, the ``.cmp`` completion requirements' results (``chalicelib.aicc.completion``)."""
    return (details.get("sequencer") or {}).get("results") or details.get("aiccResults")


def remember(state: dict[str, Any], attempt_id: str, record: dict[str, Any]) -> None:
    """Keep ``record`` (``seq``, ``done``, ``launch``, ``last``, ``unloaded``) for ``attempt_id``,
    forgetting the oldest finished attempts beyond :data:`SEEN_ATTEMPTS`."""
    seen: dict[str, Any] = state.setdefault("seen", {})
    seen.pop(attempt_id, None)
    seen[attempt_id] = record
    for old in [k for k, v in seen.items() if v.get("done")][: max(0, len(seen) - SEEN_ATTEMPTS)]:
        seen.pop(old)


def refresh(standard: str, state: dict[str, Any]) -> None:
    """Recompute an activity's results from its data."""
    if state.get("data") is not None:
        state.update(activity_results(standard, RuntimeData.from_dict(state["data"])))


def roll_up_registration(item: RegistrationItem, moment: datetime, *, sticky: bool = False) -> bool:
    """Set the registration's completion, success, score and time from its activity tree (SCORM
    2004 with sequencing: the sequencer's rollup of the root); True if they changed. ``sticky``
    (setting RegistrationStatusIsSticky): a completed / passed registration stays so."""
    details = item.details or {}
    rolled = rollup(details.get("tree") or {}, details.get("activities", {}), engine_results(details))
    before = (item.completion, item.success, item.score_scaled, float(item.total_seconds or 0))
    item.completion, item.success = rolled["completion"], rolled["success"]
    if sticky:
        item.completion = "COMPLETED" if before[0] == "COMPLETED" else item.completion
        item.success = "PASSED" if before[1] == "PASSED" else item.success
    item.score_scaled = round(rolled["score"], 4) if rolled["score"] is not None else None
    item.total_seconds = round(rolled["seconds"], 2)
    if item.completion == "COMPLETED" and not details.get("completedDate"):
        details["completedDate"] = moment.isoformat()
    item.updated = moment
    return before != (item.completion, item.success, item.score_scaled, float(item.total_seconds or 0))
