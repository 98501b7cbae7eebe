"""The statements the LMS makes itself (cmi5 §9.3.1 launched, §9.3.6 abandoned, §9.3.7 waived,
§9.3.9 satisfied), with the context every cmi5 defined statement carries (§9.6): the
registration, the cmi5 category, the publisher id in ``grouping`` (§9.6.2.3) and the session id
(§9.6.3.1). Pure builders; :mod:`chalicelib.cmi5.launch` stores them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.cmi5 import vocabulary as v
from chalicelib.standards.common.durations import format_iso


@dataclass(frozen=True)
class Who:
    """Whose statements: the learner's Agent, the registration and the session (cmi5 §9.2, §9.6)."""

    actor: dict[str, Any]
    registration: str
    session_id: str


@dataclass(frozen=True)
class Au:
    """An AU as the LMS's statements name it."""

    publisher_id: str
    activity_id: str  # the LMS's IRI
    title: str
    move_on: str
    mastery_score: float | None
    launch_parameters: str


def stamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _verb(iri: str) -> dict[str, Any]:
    return {"id": iri, "display": {"en-US": iri.rsplit("/", 1)[-1]}}


def _context(registration: str, session_id: str, publisher_id: str, *, move_on: bool = False,
             extensions: dict[str, Any] | None = None) -> dict[str, Any]:
    category = [{"id": v.CATEGORY_CMI5, "objectType": "Activity"}]
    if move_on:
        category.append({"id": v.CATEGORY_MOVE_ON, "objectType": "Activity"})
    return {"registration": registration,
            "contextActivities": {"category": category, "grouping": [{"id": publisher_id, "objectType": "Activity"}]},
            "extensions": {v.SESSION_ID: session_id, **(extensions or {})}}


def _au_object(au: Au) -> dict[str, Any]:
    return {"objectType": "Activity", "id": au.activity_id,
            "definition": {"type": v.AU_TYPE, "name": {"en-US": au.title or au.publisher_id}}}


def _statement(actor: dict[str, Any], verb: str, target: dict[str, Any], context: dict[str, Any],
               moment: datetime | None, *, result: dict[str, Any] | None = None) -> dict[str, Any]:
    made = {"id": str(uuid.uuid4()), "actor": actor, "verb": _verb(verb), "object": target, "context": context,
            "timestamp": stamp(moment)}
    if result is not None:
        made["result"] = result
    return made


def launched(who: Who, au: Au, *, launch_mode: str, launch_url: str, moment: datetime | None = None) -> dict[str, Any]:
    """§9.3.1, with the launch's mode, URL, moveOn, parameters and mastery score (§9.6.3.2-7)."""
    extensions: dict[str, Any] = {v.LAUNCH_MODE: launch_mode, v.LAUNCH_URL: launch_url, v.MOVE_ON: au.move_on}
    if au.launch_parameters:
        extensions[v.LAUNCH_PARAMETERS] = au.launch_parameters
    if au.mastery_score is not None:
        extensions[v.MASTERY_SCORE] = au.mastery_score
    return _statement(who.actor, v.LAUNCHED, _au_object(au),
                      _context(who.registration, who.session_id, au.publisher_id, extensions=extensions), moment)


def abandoned(who: Who, au: Au, seconds: float, moment: datetime | None = None) -> dict[str, Any]:
    """§9.3.6 with the session's duration (§9.5.4.2: launched to the AU's last statement)."""
    return _statement(who.actor, v.ABANDONED, _au_object(au), _context(who.registration, who.session_id,
                                                                        au.publisher_id),
                      moment, result={"duration": format_iso(int(max(seconds, 0) * 100))})


def waived(who: Who, au: Au, reason: str, moment: datetime | None = None) -> dict[str, Any]:
    """§9.3.7: success and completion true, the reason extension (§9.5.5.2), its own session id."""
    return _statement(who.actor, v.WAIVED, _au_object(au),
                      _context(who.registration, who.session_id, au.publisher_id, move_on=True), moment,
                      result={"success": True, "completion": True, "extensions": {v.REASON: reason}})


def satisfied(who: Who, *, activity_id: str, publisher_id: str, course: bool, title: str,
              moment: datetime | None = None) -> dict[str, Any]:
    """§9.3.9 for a block or the course: the LMS's object with its activity type (§9.4)."""
    kind = v.COURSE_TYPE if course else v.BLOCK_TYPE
    target = {"objectType": "Activity", "id": activity_id,
              "definition": {"type": kind, "name": {"en-US": title or publisher_id}}}
    return _statement(who.actor, v.SATISFIED, target, _context(who.registration, who.session_id, publisher_id),
                      moment)


def launch_data(session_id: str, au: Au, *, launch_mode: str, return_url: str | None,
                entitlement_key: str) -> dict[str, Any]:
    """The ``LMS.LaunchData`` State document (§10.2)."""
    document: dict[str, Any] = {
        "contextTemplate": {"contextActivities": {"grouping": [{"id": au.publisher_id, "objectType": "Activity"}]},
                            "extensions": {v.SESSION_ID: session_id}},
        "launchMode": launch_mode, "moveOn": au.move_on,
    }
    if au.launch_parameters:
        document["launchParameters"] = au.launch_parameters
    if au.mastery_score is not None:
        document["masteryScore"] = au.mastery_score
    if return_url:
        document["returnURL"] = return_url
    if entitlement_key:
        document["entitlementKey"] = {"courseStructure": entitlement_key}
    return document
