"""A registration's cmi5 state, kept in its progress (``details["cmi5"]``), and the activity ids
the LMS generates.

* ``sessions[sessionId]``: one AU launch session (cmi5 §9.6.3.1) — the AU, its launch mode,
  mastery score and moveOn, its state (``launched`` → ``initialized`` → ``terminated``, or
  ``abandoned``), the cmi5 defined verbs sent in it, when it was launched and last heard of, the
  launch and the launch credential it belongs to; at most :data:`KEPT_SESSIONS` (closed ones
  are forgotten first);
* ``aus[auId]``: what the registration recorded for each AU: ``completed``, ``passed``,
  ``failed``, ``waived`` (moveOn reads it);
* ``satisfied``: blocks and the course the LMS issued "satisfied" for (once each, §9.3.9);
* ``actor``: the Agent every launch of this registration uses (§8.1.3).

Activity ids (§8.1.5, §9.4): the LMS makes its own IRI for each AU, block and course — never the
publisher's id from cmi5.xml, the same for every registration of the course.
"""

from __future__ import annotations

import hashlib
from typing import Any

from chalicelib.cmi5 import move_on
from chalicelib.cmi5.rules import Session
from chalicelib.config import settings

KEPT_SESSIONS = 100
OPEN = ("launched", "initialized")


def of(details: dict[str, Any]) -> dict[str, Any]:
    found = details.setdefault("cmi5", {})
    found.setdefault("sessions", {})
    found.setdefault("aus", {})
    found.setdefault("satisfied", [])
    return found  # type: ignore[no-any-return]


def activity_iri(realm_id: str, course_id: str, kind: str, publisher_id: str) -> str:
    """The LMS's activity id of an AU / block / course (stable per course, unlike the publisher's)."""
    digest = hashlib.sha256(publisher_id.encode()).hexdigest()[:32]
    return f"{settings().base_url.rstrip('/')}/xapi/cmi5/{realm_id}/{course_id}/{kind}/{digest}"


def remember(cmi5: dict[str, Any], session_id: str, record: dict[str, Any]) -> None:
    sessions: dict[str, Any] = cmi5["sessions"]
    sessions[session_id] = record
    closed = [k for k, s in sessions.items() if s.get("state") not in OPEN]
    for old in closed[: max(0, len(sessions) - KEPT_SESSIONS)]:
        sessions.pop(old)


def open_sessions(cmi5: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(k, s) for k, s in cmi5["sessions"].items() if s.get("state") in OPEN]


def view(cmi5: dict[str, Any], session_id: str, registration: str) -> Session:
    """The rules' view of a session (unknown sessions are treated as abandoned)."""
    found = cmi5["sessions"].get(session_id)
    if found is None:
        return Session("", registration.lower(), session_id, state="abandoned")
    au = cmi5["aus"].get(found["au"]) or {}
    mastery = found.get("masteryScore")
    return Session(found["activityId"], registration.lower(), session_id, found.get("launchMode", "Normal"),
                   float(mastery) if mastery is not None else None, found.get("state", "launched"),
                   frozenset(found.get("verbs", [])), bool(au.get("completed")), bool(au.get("passed")),
                   bool(au.get("failed")), {"preferences": bool(found.get("preferences"))})


def record(cmi5: dict[str, Any], session_id: str, after: Session, moment: str) -> None:
    """Keep what the rules' view became once statements were stored."""
    found = cmi5["sessions"][session_id]
    found.update(state=after.state, verbs=sorted(after.verbs), last=moment)
    au = cmi5["aus"].setdefault(found["au"], {})
    au.update(completed=after.completed or bool(au.get("completed")), passed=after.passed or bool(au.get("passed")),
              failed=after.failed or bool(au.get("failed")))


def apply_move_on(details: dict[str, Any], cmi5: dict[str, Any]) -> None:
    """Each AU's completion in the registration's results is its moveOn being met (or its waiver):
    the registration's rollup is then "completed" exactly when the course is satisfied."""
    activities = details.setdefault("activities", {})
    for node in _aus(details.get("tree") or {}):
        record = cmi5["aus"].get(node["id"]) or {}
        activity = activities.get(node["id"])
        if move_on.au_met(node, record):
            activity = activities.setdefault(node["id"], {"attempts": 0, "completion": "UNKNOWN", "success": "UNKNOWN",
                                                          "score": None, "seconds": 0.0, "durations": {},
                                                          "statements": []})
            activity["completion"] = "COMPLETED"
        elif activity is not None and activity.get("attempts"):
            activity["completion"] = "INCOMPLETE"


def _aus(tree: dict[str, Any]) -> list[dict[str, Any]]:
    if not tree.get("children"):
        return [tree] if tree.get("statements") else []
    return [au for kid in tree["children"] for au in _aus(kid)]
