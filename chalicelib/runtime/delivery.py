"""Delivering one SCO of a registration: the LMS-side values set before launch, a new attempt or
the continuation of a suspended one, abandoned sessions closed, and the table of contents the
player shows (previous / next, SCORM 1.2 prerequisites). Pure functions over the progress dict.

- SCORM 1.2 (RTE 1.2 3.4.4): the SCO's data is kept between sessions; ``cmi.core.entry`` is
  ``resume`` after ``cmi.core.exit = suspend`` and ``""`` otherwise (``ab-initio`` the first time).
- SCORM 2004 (RTE 4.2.8 cmi.entry): a suspended attempt continues with ``resume``; otherwise a new
  attempt starts (``ab-initio``), objectives seeded from the manifest (``imsss:objectives``). With
  sequencing, the sequencer decides: the attempt continues when it delivered a suspended
  activity without a new attempt (SN DB.2), a new one starts otherwise.
- The total time of a SCO's ended 2004 attempts stays in its tracked time (``pastSeconds``): a
  new attempt starts ``cmi.total_time`` at zero, the registration's time does not go back.
- An attempt whose session was left without Terminate (tab closed, network gone) is closed —
  its session time added to the total time — when the SCO is delivered again after the browser
  unloaded it or after :data:`ABANDON_SECONDS` without a commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.aicc import completion
from chalicelib.errors import Conflict, NotFound
from chalicelib.results import progress
from chalicelib.results.runtime_data import RuntimeData
from chalicelib.runtime import prerequisites, sequencing
from chalicelib.runtime.scorm12_attempt import Launch12
from chalicelib.runtime.scorm12_attempt import close_session as close_12
from chalicelib.runtime.scorm12_attempt import new_attempt as new_12
from chalicelib.runtime.scorm12_attempt import relaunch as relaunch_12
from chalicelib.runtime.scorm2004_attempt import Launch2004, SharedDataMap, continues
from chalicelib.runtime.scorm2004_attempt import close_session as close_2004
from chalicelib.runtime.scorm2004_attempt import new_attempt as new_2004
from chalicelib.runtime.scorm2004_attempt import relaunch as relaunch_2004

if TYPE_CHECKING:
    from chalicelib.runtime.sequencing import Navigation

ABANDON_SECONDS = 30 * 60


def learner_name(learner: dict[str, str], *, scorm12: bool) -> str:
    first, last = learner.get("firstName", ""), learner.get("lastName", "")
    if scorm12:
        return f"{last}, {first}" if last and first else (last or first)
    return " ".join(p for p in (first, last) if p)


def _number(value: float | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else str(value)


def launch_values(standard: str, node: dict[str, Any], learner: dict[str, str], tree: dict[str, Any],
                  shared: dict[str, str], *, answers: dict[str, str] | None = None) -> Launch12 | Launch2004:
    """What the LMS sets before the SCO starts, from the manifest and the registration;
    ``answers`` are the sequencer's adl.nav.request_valid answers (tree order without one)."""
    if progress.is_scorm12(standard):
        return Launch12(student_id=learner.get("id", ""), student_name=learner_name(learner, scorm12=True),
                        launch_data=node.get("launchData", ""), mastery_score=_number(node.get("masteryScore")) or "",
                        max_time_allowed=node.get("maxTimeAllowed", ""),
                        time_limit_action=node.get("timeLimitAction", ""))
    return Launch2004(
        learner_id=learner.get("id", ""), learner_name=learner_name(learner, scorm12=False),
        launch_data=node.get("launchData") or None,
        completion_threshold=_number(node.get("completionThreshold")),
        scaled_passing_score=_number(node.get("scaledPassingScore")),
        max_time_allowed=node.get("maxTimeAllowed") or None, time_limit_action=node.get("timeLimitAction") or None,
        objective_ids=tuple(node.get("objectives", [])),
        shared_data=tuple(SharedDataMap(m["id"], m["read"], m["write"], shared.get(m["id"]))
                          for m in node.get("sharedData", [])),
        nav_valid=answers if answers is not None else nav_valid(tree, node["id"]),
    )


def nav_valid(tree: dict[str, Any], activity_id: str) -> dict[str, str]:
    """``adl.nav.request_valid.*`` for flow between the SCOs in tree order (no sequencing rules)."""
    ids = [n["id"] for n in progress.leaves(tree)]
    position = ids.index(activity_id) if activity_id in ids else -1
    answers = {"continue": str(0 <= position < len(ids) - 1).lower(), "previous": str(position > 0).lower()}
    for other in ids:
        answers[f"choice.{{target={other}}}"] = "true"
        answers[f"jump.{{target={other}}}"] = "true"
    return answers


def statuses(details: dict[str, Any]) -> dict[str, str]:
    """SCORM 1.2 lesson status of every activity (for prerequisites)."""
    out = {}
    for activity_id, state in details.get("activities", {}).items():
        data = state.get("data") or {}
        out[activity_id] = (data.get("values") or {}).get("cmi.core.lesson_status", "")
    if details.get("standard") == "AICC":  # AICC .pre expressions may name blocks too
        out.update(completion.block_statuses(details))
    return out


def available(details: dict[str, Any], node: dict[str, Any]) -> bool:
    if not progress.is_scorm12(details.get("standard", "")):
        return True
    return prerequisites.evaluate(node.get("prerequisites", ""), statuses(details))


def toc(details: dict[str, Any]) -> list[dict[str, Any]]:
    """The player's table of contents: every node with its depth, status and availability. With a
    sequencer, activities hidden from choice are left out and choice decides availability."""
    activities = details.get("activities", {})
    sequenced = details.get("sequencer") or {}
    hidden, choice = set(sequenced.get("hidden", [])), sequenced.get("choice")

    def walk(node: dict[str, Any], depth: int) -> list[dict[str, Any]]:
        rolled = progress.rollup(node, activities, progress.engine_results(details))
        launchable = not node.get("children") and bool(node.get("href"))
        entry = {"id": node["id"], "title": node.get("title", ""), "depth": depth, "launchable": launchable,
                 "completion": rolled["completion"], "success": rolled["success"],
                 "available": launchable and (bool(choice.get(node["id"])) if choice is not None
                                              else available(details, node))}
        found = [entry] if node.get("visible", True) and node["id"] not in hidden else []
        for child in node.get("children", []):
            found.extend(walk(child, depth + 1))
        return found

    return walk(details["tree"], 0) if details.get("tree") else []


def buttons(details: dict[str, Any]) -> dict[str, bool] | None:
    """Previous / Next as the sequencer would answer them (None: tree order, no sequencer)."""
    sequenced = details.get("sequencer")
    if not sequenced:
        return None
    return {"previous": bool(sequenced.get("previous")), "continue": bool(sequenced.get("continue"))}


def first_activity(details: dict[str, Any], wanted: str | None = None) -> str | None:
    """Where a launch starts: the requested SCO, else the suspended one, else the first available
    SCO not yet completed, else the first."""
    leaves = progress.leaves(details.get("tree") or {})
    ids = [n["id"] for n in leaves]
    if wanted in ids:
        return wanted
    if details.get("suspendedActivityId") in ids:
        return str(details["suspendedActivityId"])
    activities = details.get("activities", {})
    for node in leaves:
        if (activities.get(node["id"]) or {}).get("completion") != "COMPLETED" and available(details, node):
            return str(node["id"])
    return ids[0] if ids else None


def _close(standard: str, data: RuntimeData) -> None:
    (close_12 if progress.is_scorm12(standard) else close_2004)(data)


def close_abandoned(standard: str, state: dict[str, Any], moment: datetime) -> bool:
    """Close the attempt's sessions that the browser left or that went quiet; True if any."""
    closed = False
    for record in (state.get("seen") or {}).values():
        if record.get("done"):
            continue
        quiet = (moment - datetime.fromisoformat(record["last"])).total_seconds() > ABANDON_SECONDS
        if record.get("unloaded") or quiet:
            record["done"] = True
            closed = True
    if closed and state.get("data") is not None and not any(not r.get("done") for r in state["seen"].values()):
        data = RuntimeData.from_dict(state["data"])
        _close(standard, data)
        state["data"] = data.to_dict()
    return closed


def deliver(details: dict[str, Any], activity_id: str, learner: dict[str, str], *, attempt_id: str,
            launch_id: str, moment: datetime, navigation: Navigation | None = None) -> dict[str, Any]:
    """Start (or continue) ``activity_id``'s attempt in ``details``; returns what the player needs.
    ``navigation``: what the SCORM 2004 sequencer decided (request_valid answers, objectives)."""
    standard = details.get("standard", "")
    tree = details.get("tree") or {}
    node = progress.leaf(tree, activity_id)
    if node is None:
        raise NotFound(f"The course has no launchable activity {activity_id!r}.")
    if not available(details, node):
        raise Conflict(f"{node.get('title') or activity_id} is not available yet: its prerequisites are not met.")
    activities = details.setdefault("activities", {})
    state = activities.setdefault(activity_id, {"attempts": 0, "seen": {}})
    close_abandoned(standard, state, moment)
    launch = launch_values(standard, node, learner, tree, details.get("sharedData", {}),
                           answers=navigation.nav_valid if navigation is not None else None)
    previous = RuntimeData.from_dict(state["data"]) if state.get("data") else None
    if isinstance(launch, Launch12):
        data = relaunch_12(previous, launch) if previous else new_12(launch)
        new = previous is None
    elif navigation is not None:  # the sequencer says whether the attempt continues (SN DB.2)
        new = not (navigation.resumed and previous is not None)
        data = new_2004(launch) if new or previous is None else relaunch_2004(previous, launch)
        if new:
            sequencing.seed_objectives(data, navigation.objectives)
        else:
            data.values["cmi.entry"] = "resume"  # RTE 4.2.8: a suspended attempt resumes
    elif previous is not None and continues(previous):
        data, new = relaunch_2004(previous, launch), False
    else:
        data, new = new_2004(launch), True
    if new:
        state["attempts"] = int(state.get("attempts", 0)) + 1
        if previous is not None and not isinstance(launch, Launch12):  # the ended attempt's time stays tracked
            state["pastSeconds"] = float(state.get("pastSeconds", 0)) + progress.activity_results(
                standard, previous)["seconds"]
    state["data"] = data.to_dict()
    stamp = moment.isoformat()
    progress.remember(state, attempt_id, {"seq": 0, "done": False, "launch": launch_id, "last": stamp})
    progress.refresh(standard, state)
    details["firstAccess"] = details.get("firstAccess") or stamp
    details["lastAccess"] = stamp
    details["lastActivityId"] = activity_id
    return {"activityId": activity_id, "attemptId": attempt_id, "standard": standard, "href": node["href"],
            "title": node.get("title", ""), "data": data.to_dict(), "scorm12": isinstance(launch, Launch12),
            "navValid": launch.nav_valid if isinstance(launch, Launch2004) else {},
            "hideLmsUi": list(node.get("hideLmsUi") or []),
            "sharedData": [{"id": m.target_id, "read": m.readable, "write": m.writable}
                           for m in launch.shared_data] if isinstance(launch, Launch2004) else []}
