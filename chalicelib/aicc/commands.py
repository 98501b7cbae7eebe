"""One handler per HACP command (AICC CMI001 v4, HACP commands), chosen from :data:`COMMANDS`
by the lower-cased ``command``.

Every handler works on one AU attempt's SCORM 1.2 run-time data (``details["activities"][au]``,
see :mod:`chalicelib.aicc.datamodel`) and raises :class:`HacpError` before changing anything it
refuses, so a refused request stores nothing. ``Put`` handlers return what to log; ``ExitAU``
ends the session with SCORM 1.2's LMSFinish rules (total time, mastery score, suspend).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.aicc import datamodel, files
from chalicelib.aicc.errors import INVALID_COMMAND, INVALID_SESSION_ID, HacpError
from chalicelib.aicc.protocol import parse_groups
from chalicelib.results import progress
from chalicelib.results.runtime_data import RuntimeData
from chalicelib.runtime.scorm12_attempt import close_session

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.aicc.protocol import Request
    from chalicelib.aicc.sessions import HacpSession


@dataclass
class Attempt:
    """The AU attempt a session names, inside a registration's details (mutable)."""

    state: dict[str, Any]
    record: dict[str, Any]
    data: RuntimeData


def attempt(details: dict[str, Any], session: HacpSession) -> Attempt:
    """The session's attempt, or 3 when it has ended (ExitAU, relaunched, closed as abandoned)."""
    state = (details.get("activities") or {}).get(session.activity_id)
    record = ((state or {}).get("seen") or {}).get(session.attempt_id)
    if state is None or record is None or state.get("data") is None:
        raise HacpError(INVALID_SESSION_ID, "this AU attempt is no longer known to the registration")
    if record.get("done"):
        raise HacpError(INVALID_SESSION_ID, "this AU session has ended (ExitAU, or the AU was launched again)")
    return Attempt(state, record, RuntimeData.from_dict(state["data"]))


def get_param(found: Attempt, course_id: str) -> str:
    """GetParam: the AU's starting data (read only)."""
    return datamodel.get_param(found.data, course_id)


def put_param(found: Attempt, request: Request) -> dict[str, Any]:
    """PutParam: [Core], [Core_Lesson], [Comments], [Objectives_Status], [Student_Preferences]."""
    if not request.aicc_data.strip():
        raise HacpError(INVALID_COMMAND, "PutParam without aicc_data")
    sets = datamodel.put_param(parse_groups(request.aicc_data), found.data)
    return {"set": sorted(sets)}


def exit_au(found: Attempt, _request: Request) -> dict[str, Any]:
    """ExitAU: the session ends (CMI001); total time and the LMS's lesson status (RTE 1.2 3.4.4)."""
    close_session(found.data)
    found.record["done"] = True
    return {"lessonStatus": found.data.values.get("cmi.core.lesson_status", ""),
            "totalTime": found.data.values.get("cmi.core.total_time", "")}


def _file(apply: Callable[[RuntimeData, str], dict[str, Any]]) -> Callable[[Attempt, Request], dict[str, Any]]:
    def handler(found: Attempt, request: Request) -> dict[str, Any]:
        return apply(found.data, request.aicc_data)
    return handler


def _journal(kind: str, command: str) -> Callable[[Attempt, Request], dict[str, Any]]:
    def handler(found: Attempt, request: Request) -> dict[str, Any]:
        return files.journal(found.state, kind, request.aicc_data, command)
    return handler


#: lower-cased command → handler of a ``Put``/``Exit`` (GetParam reads only: :func:`get_param`).
COMMANDS: dict[str, Callable[[Attempt, Request], dict[str, Any]]] = {
    "putparam": put_param,
    "putcomments": _file(files.comments),
    "putobjectives": _file(files.objectives),
    "putinteractions": _file(files.interactions),
    "putpath": _journal("path", "PutPath"),
    "putperformance": _journal("performance", "PutPerformance"),
    "exitau": exit_au,
}
#: The commands' names as CMI001 spells them (for the debug log).
NAMES = {"getparam": "GetParam", "putparam": "PutParam", "putcomments": "PutComments",
         "putobjectives": "PutObjectives", "putinteractions": "PutInteractions", "putpath": "PutPath",
         "putperformance": "PutPerformance", "exitau": "ExitAU"}


def save(found: Attempt, details: dict[str, Any], session: HacpSession, standard: str, moment: str) -> None:
    """Put the attempt's data back and refresh its results (``progress.refresh``)."""
    activity_id = session.activity_id
    found.state["data"] = found.data.to_dict()
    found.record["last"] = moment
    progress.remember(found.state, session.attempt_id, found.record)
    progress.refresh(standard, found.state)
    details["lastAccess"] = moment
    if found.record.get("done"):
        if found.data.values.get("cmi.core.exit") == "suspend":
            details["suspendedActivityId"] = activity_id
        elif details.get("suspendedActivityId") == activity_id:
            details["suspendedActivityId"] = None
