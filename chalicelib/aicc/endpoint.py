"""The HACP endpoint (``POST /launch/aicc/hacp``, AICC CMI001 v4 HACP): one form post in, one plain-text
answer out, always HTTP 200 with the HACP error number (the protocol's own error channel).

Order of checks: the command must be one of CMI001's (1, "Invalid Command"), the session id one
we gave out and still open (3, "Invalid Session ID"), the AU password the ``.au`` file's when it
has one (2, "Invalid AU password"); then the command runs on the AU attempt. A ``Put`` is applied
like a player commit (``chalicelib.runtime.launch.record``: version-locked, all or nothing,
rolled up, the registration event sent) and every exchange, refused ones too, is written to the
launch's debug log (kind ``hacp``: command, AU, ``aicc_data`` sent, answer, error and why).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.aicc import commands, course, protocol, sessions
from chalicelib.aicc.errors import (
    ERRORS,
    INVALID_AU_PASSWORD,
    INVALID_COMMAND,
    INVALID_SESSION_ID,
    SUCCESSFUL,
    HacpError,
)
from chalicelib.errors import Conflict, NotFound
from chalicelib.runtime import launch
from chalicelib.store import registrations as store

if TYPE_CHECKING:
    from chalicelib.aicc.protocol import Request
    from chalicelib.aicc.sessions import HacpSession

LOGGED_CHARS = 4000
MAX_PROGRESS_CHARS = 340_000  # the registration item, with its other attributes, under 400 KB


def handle(body: bytes | str) -> str:
    """Answer one HACP request."""
    try:
        request = protocol.parse_request(body)
    except HacpError as err:
        return protocol.answer(err.code)
    command = request.command.lower()
    try:
        session: HacpSession | None = sessions.hacp_session(request.session_id)
    except HacpError:
        session = None
    if command not in commands.NAMES:
        if session is not None:
            _log(session, request, HacpError(INVALID_COMMAND, f"{request.command[:40]!r} is not a HACP command"))
        return protocol.answer(INVALID_COMMAND)
    if session is None:
        return protocol.answer(INVALID_SESSION_ID)
    return _run(session, request, command)


def _run(session: HacpSession, request: Request, command: str) -> str:
    try:
        if not sessions.check_password(session, request.au_password):
            raise HacpError(INVALID_AU_PASSWORD, "au_password is not the AU's password of the .au file")
        if command == "getparam":
            return protocol.answer(SUCCESSFUL, _get_param(session, request))
        _put(session, request, command)
    except HacpError as err:
        _log(session, request, err)
        return protocol.answer(err.code)
    except (NotFound, Conflict) as err:  # the registration was deleted or reset: the session is gone
        _log(session, request, HacpError(INVALID_SESSION_ID, err.message))
        return protocol.answer(INVALID_SESSION_ID)
    return protocol.answer(SUCCESSFUL)


def _entry(session: HacpSession, request: Request, moment: str, code: int, **more: Any) -> dict[str, Any]:
    """A debug-log entry: ``call``/``args``/``result``/``error`` as the runtime's calls are logged
    (the web app and the shared log page show those), plus the HACP details."""
    name = commands.NAMES.get(request.command.lower(), request.command[:40])
    return {"t": moment, "kind": "hacp", "call": f"HACP {name}", "command": name,
            "args": [request.aicc_data[:LOGGED_CHARS]] if request.aicc_data else [],
            "activityId": session.activity_id, "attemptId": session.attempt_id,
            "result": ERRORS[code], **more, "error": code}


def _log(session: HacpSession, request: Request, err: HacpError) -> None:
    moment = datetime.now(UTC).isoformat()
    store.append_log(session.realm_id, session.registration_id, session.launch_id,
                     [_entry(session, request, moment, err.code, errorText=err.text, detail=err.detail[:500])])


def _registration(session: HacpSession) -> Any:
    item = store.get(session.realm_id, session.registration_id)
    if item is None or int(item.instance) != session.instance:
        raise HacpError(INVALID_SESSION_ID, "the registration was deleted or reset since this AU was launched")
    return item


def _get_param(session: HacpSession, request: Request) -> str:
    item = _registration(session)
    details = item.details or {}
    found = commands.attempt(details, session)
    data = commands.get_param(found, str((details.get("tree") or {}).get("id") or item.course_id))
    store.append_log(session.realm_id, session.registration_id, session.launch_id,
                     [_entry(session, request, datetime.now(UTC).isoformat(), SUCCESSFUL,
                             result=data[:LOGGED_CHARS])])
    return data


def _apply(session: HacpSession, request: Request, command: str, item: Any, *, details: dict[str, Any],
           moment: datetime) -> tuple[list[Any], bool]:
    found = commands.attempt(details, session)
    outcome = commands.COMMANDS[command](found, request)
    stamp = moment.isoformat()
    commands.save(found, details, session, str(details.get("standard", "AICC")), stamp)
    course.refresh_completion(item, details)
    size = len(json.dumps(details, separators=(",", ":")))
    if size > MAX_PROGRESS_CHARS:
        raise HacpError(INVALID_COMMAND, f"the registration's progress would be {size} characters; it is kept in one "
                                         f"DynamoDB item (400 KB), so at most {MAX_PROGRESS_CHARS}")
    finished = bool(found.record.get("done"))
    return [_entry(session, request, stamp, SUCCESSFUL, **outcome)], finished


def _put(session: HacpSession, request: Request, command: str) -> None:
    if not session.tracking:  # a launch with tracking off: checked, answered, logged, not kept
        item = _registration(session)
        log, _ = _apply(session, request, command, item, details=copy.deepcopy(item.details or {}),
                        moment=datetime.now(UTC))
        store.append_log(session.realm_id, session.registration_id, session.launch_id,
                         [{**entry, "tracking": False} for entry in log])
        return
    launch.record(session.realm_id, session.registration_id, session.launch_id, session.instance,
                  lambda item, details, moment: _apply(session, request, command, item, details=details,
                                                      moment=moment),
                  tracking=session.tracking)
