"""Launching: launch links with single-use expiring tokens, course previews (sandbox), the player
session a token opens, SCO delivery, commits, exit, and the debug log of each launch.

Flow (``routes/launch.py``)::

    POST /api/v2/registrations/{id}/launchLink   -> {base}/launch/{realm}.{secret}   (expires, single use)
    GET  /launch/{token}                         -> 302 /launch/s/{session}/player  (token used up)
    GET  /launch/s/{session}/player              -> the player page (TOC, frame, runtime.js)
    POST /launch/s/{session}/deliver             -> run-time data + attempt id of one SCO
    GET  /launch/s/{session}/c/{path...}         -> the course's files, same origin as the API
    POST /launch/s/{session}/commit              -> apply a batch (once, in order, version-locked)
    POST /launch/s/{session}/exit                -> end of the launch; where to go next
    GET  /launch/s/{session}/toc                 -> the table of contents now (AICC AUs report over HACP)
    POST /launch/aicc/hacp                       -> AICC HACP (chalicelib.aicc), session in the form

A commit costs one consistent GetItem and one TransactWriteItems (registration + launch record +
debug-log batch). Reportage, postbacks and the rest learn of it from the registrations table's
own change stream (docs/events.md), never from a second write here that could fail.
"""

from __future__ import annotations

import logging
import secrets
import time
import uuid
from datetime import UTC, datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from chalicelib import courses, registrations
from chalicelib.aicc import course as aicc_course
from chalicelib.config import settings
from chalicelib.configuration import runtime as launch_settings
from chalicelib.errors import ApiError, BadRequest, Conflict, NotFound
from chalicelib.lrs import scorm_forwarding
from chalicelib.reports import launches
from chalicelib.results import progress
from chalicelib.runtime import commit, delivery, sequencing, sessions
from chalicelib.store import courses as course_store
from chalicelib.store import registrations as store

if TYPE_CHECKING:
    from collections.abc import Callable

DEFAULT_EXPIRY = 120
MAX_EXPIRY = 7 * 24 * 3600
REDIRECT_WORDS = ("closer", "blank", "message")
COMMIT_RETRIES = 8


class LinkUsed(ApiError):
    status = HTTPStatus.GONE


def now() -> datetime:
    return datetime.now(UTC)


def _base() -> str:
    return settings().base_url.rstrip("/")


def redirect_target(raw: object) -> str:
    """``redirectOnExitUrl``: an http(s) URL, or ``closer`` / ``blank`` / ``message``."""
    if raw in (None, ""):
        return "message"
    if not isinstance(raw, str) or len(raw) > 2048:
        raise BadRequest("redirectOnExitUrl must be an http(s) URL or one of closer, blank, message.")
    if raw.lower() in REDIRECT_WORDS:
        return raw.lower()
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in raw for c in "\r\n\"'<> "):
        raise BadRequest(f"redirectOnExitUrl must be an http(s) URL or one of closer, blank, message, not {raw!r}.")
    return raw


def _link_options(body: object) -> tuple[int, dict[str, Any]]:
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object (LaunchLinkRequestSchema).")
    expiry = body.get("expiry", DEFAULT_EXPIRY)
    if expiry in (None, 0):
        expiry = DEFAULT_EXPIRY
    if not isinstance(expiry, int) or isinstance(expiry, bool) or not 1 <= expiry <= MAX_EXPIRY:
        raise BadRequest(f"expiry must be a number of seconds from 1 to {MAX_EXPIRY}.")
    start = body.get("startSco")
    if start is not None and not isinstance(start, str):
        raise BadRequest("startSco must be an activity identifier.")
    return expiry, {"redirect": redirect_target(body.get("redirectOnExitUrl")),
                    "tracking": body.get("tracking", True) is not False, "startSco": start or None}


def _token_link(realm_id: str, registration_id: str, expiry: int, options: dict[str, Any]) -> str:
    secret = secrets.token_urlsafe(24)
    store.create_token(realm_id, secret, registration_id, expiry, options)
    return f"{_base()}/launch/{realm_id}.{secret}"


def launch_link(realm_id: str, registration_id: str, body: object, *, lrs_id: str | None = None) -> str:
    """POST /registrations/{id}/launchLink → a single-use link that expires after ``expiry`` s;
    ``lrs_id``: the app asking, whose LRS xAPI / cmi5 content will report to (else the realm's)."""
    expiry, options = _link_options(body)
    registrations.require(realm_id, registration_id)
    return _token_link(realm_id, registration_id, expiry, {**options, "lrs": lrs_id} if lrs_id else options)


def preview_link(realm_id: str, course_id: str, number: int | None, body: object, who: str) -> str:
    """POST /courses/{id}/preview: a launch link to a new sandbox registration (not billed)."""
    expiry, options = _link_options(body)
    item = registrations.create_sandbox(realm_id, course_id, number, who)
    return _token_link(realm_id, item.registration_id, expiry, {**options, "sandbox": True})


# --- opening a launch -------------------------------------------------------------------------


def _current(realm_id: str, registration_id: str) -> Any:
    """The registration. It stays on the course version it runs on when a new version is imported
    (SCORM Cloud's course versioning: new registrations get the newest version; an existing one
    moves only with a new instance, ``POST /registrations/{id}/instances``)."""
    item = store.get(realm_id, registration_id)
    if item is None:
        raise NotFound("The registration of this launch no longer exists.")
    return item


def start(realm_id: str, registration_id: str, options: dict[str, Any], user_agent: str = "") -> str:
    """Open a player session on a registration: records the launch, returns the session token."""
    item = _current(realm_id, registration_id)
    version = course_store.get_version(realm_id, item.course_id, int(item.course_version))
    if version is None:
        raise NotFound("The course version of this registration no longer exists.")
    launch_id = f"{int(time.time() * 1000):013d}-{secrets.token_hex(4)}"
    moment = now().isoformat()
    store.add_launch(realm_id, registration_id, store.LaunchItem(
        launch_id=launch_id, instance=int(item.instance), launch_time=moment,
        details={"redirect": options.get("redirect", "message"), "sandbox": bool(item.sandbox),
                 "tracking": options.get("tracking", True), "userAgent": user_agent[:300],
                 "startSco": options.get("startSco")}, reportage=launches.belongs(item)),
        [{"t": moment, "kind": "launch", "instance": int(item.instance), "courseVersion": int(item.course_version),
          "userAgent": user_agent[:300]}])
    return sessions.open_session(sessions.PlayerSession(
        realm_id, registration_id, launch_id, int(item.instance), version.content_prefix, bool(item.sandbox),
        bool(options.get("tracking", True)), str(options.get("redirect", "message")),
        start=str(options.get("startSco") or ""), settings=launch_settings.for_launch(item),
        lrs=str(options.get("lrs") or "")))


def open_token(token: str, user_agent: str = "") -> str:
    """GET /launch/{token}: use the token up (once) and open a player session."""
    realm_id, _, secret = token.partition(".")
    if not realm_id or not secret or len(token) > 200:
        raise NotFound("This launch link is not valid.")
    used = store.consume_token(realm_id, secret)
    if used is None:
        raise LinkUsed("This launch link has expired or was already used; ask for a new one.")
    return start(realm_id, used.registration_id, dict(used.options or {}), user_agent)


def open_preview(realm_id: str, course_id: str, number: int | None, who: str, user_agent: str = "") -> str:
    """The web app's "Launch in sandbox": a sandbox registration and its session, at once."""
    item = registrations.create_sandbox(realm_id, course_id, number, who)
    return start(realm_id, item.registration_id, {"redirect": "message", "sandbox": True}, user_agent)


# --- the player ----------------------------------------------------------------------------


def launched_registration(realm_id: str, registration_id: str, instance: int) -> Any:
    """The registration a launch runs on: 404 once it is deleted, 409 once it was reset or moved to
    a new course version (a new instance) since the launch began."""
    item = store.get(realm_id, registration_id)
    if item is None:
        raise NotFound("The registration of this launch no longer exists.")
    if int(item.instance) != instance:
        raise Conflict("This registration was reset or moved to a new course version; launch it again.")
    return item


def registration_of(session: sessions.PlayerSession) -> Any:
    """The registration of a player session (:func:`launched_registration`)."""
    return launched_registration(session.realm_id, session.registration_id, session.instance)


def player_context(session: sessions.PlayerSession) -> dict[str, Any]:
    """What the player page starts with: the table of contents and the first SCO."""
    item = registration_of(session)
    details = item.details or {}
    sequenced = _sequenced_structure(item) is not None
    return {"title": details.get("courseTitle", ""), "standard": details.get("standard", ""),
            "toc": delivery.toc(details), "sequenced": sequenced,
            "start": (session.start or None) if sequenced else delivery.first_activity(details, session.start or None),
            "redirect": session.redirect, "sandbox": session.sandbox,
            "maxValueChars": commit.MAX_VALUE_CHARS,
            "settings": launch_settings.player_config(session.settings, float(item.total_seconds or 0))}


def _sequenced_structure(item: Any) -> Any:
    """The course structure when the registration is a SCORM 2004 course with sequencing."""
    if not str((item.details or {}).get("standard", "")).startswith("SCORM2004"):
        return None
    version = course_store.get_version(item.realm_id, item.course_id, int(item.course_version))
    found = courses.structure(version) if version is not None else None
    return found if sequencing.declares_sequencing(found) else None


def _not_delivered(navigation: sequencing.Navigation) -> dict[str, Any]:
    if navigation.refused:
        text = f"That is not possible here: {navigation.refused}."
    elif navigation.ended:
        text = "You have reached the end of the course."
    else:
        text = "Choose an activity from the table of contents."
    return {"ended": navigation.ended and not navigation.refused, "refused": navigation.refused, "message": text}


def deliver(session: sessions.PlayerSession, body: object) -> dict[str, Any]:
    """POST .../deliver {"activityId"?}: start or continue one SCO's attempt."""
    body = body if isinstance(body, dict) else {}
    wanted = body.get("activityId")
    if wanted is not None and not isinstance(wanted, str):
        raise BadRequest("activityId must be an activity identifier.")
    from chalicelib.runtime import statement_launch  # noqa: PLC0415 - it builds on this module

    item = registration_of(session)  # read once; again only after a concurrent change
    if statement_launch.tracked_by_statements(item.details or {}):
        return statement_launch.deliver(session, wanted)
    request = sequencing.parse_request(body["navRequest"], body.get("target")) if "navRequest" in body else None
    structure = _sequenced_structure(item)
    if request is not None and structure is None:
        raise BadRequest("navRequest is for SCORM 2004 courses with sequencing; send activityId instead.")
    for attempt in range(COMMIT_RETRIES):
        if attempt:
            item = registration_of(session)
        launch_settings.check_time_left(session.settings, float(item.total_seconds or 0))  # PlayerTimeLimit
        details = dict(item.details or {})
        moment = now()
        navigation = sequencing.navigate(details, structure, request, wanted) if structure is not None else None
        if navigation is not None and navigation.delivered is None:
            item.details = details
            _roll_up(item, sticky=launch_settings.sticky(session.settings))
            log = {"t": moment.isoformat(), "kind": "sequencing", "trace": navigation.trace[-60:]}
            try:
                store.write_commit(item, session.launch_id, _launch_actions(item, moment), [log])
            except store.VersionConflict:
                continue
            return {"sequencing": _not_delivered(navigation), "toc": delivery.toc(details),
                    "buttons": delivery.buttons(details)}
        activity_id = navigation.delivered if navigation is not None else wanted or delivery.first_activity(details)
        if activity_id is None:
            raise NotFound("This course has nothing to launch.")
        attempt_id = uuid.uuid4().hex
        delivered = delivery.deliver(details, activity_id, dict(item.learner or {}), attempt_id=attempt_id,
                                     launch_id=session.launch_id, moment=moment, navigation=navigation)
        if details.get("standard") == "AICC":  # closing an abandoned AU session may meet a .cmp requirement
            aicc_course.refresh_completion(item, details)
        item.details = details
        _roll_up(item, sticky=launch_settings.sticky(session.settings))
        entry = {"t": moment.isoformat(), "kind": "deliver", "activityId": activity_id, "attemptId": attempt_id,
                 "entry": delivered["data"]["values"].get("cmi.entry",
                                                          delivered["data"]["values"].get("cmi.core.entry"))}
        if navigation is not None:
            entry["sequencing"] = navigation.trace[-60:]
        try:
            store.write_commit(item, session.launch_id, _launch_actions(item, moment), [entry])
        except store.VersionConflict:
            continue
        return _with_navigation(session, item, details, delivered)
    raise Conflict("The registration kept changing; try again.")


def _with_navigation(session: sessions.PlayerSession, item: Any, details: dict[str, Any],
                     delivered: dict[str, Any]) -> dict[str, Any]:
    """A delivered SCO with the table of contents, the buttons and where its content is."""
    delivered["toc"] = delivery.toc(details)
    delivered["buttons"] = delivery.buttons(details)
    delivered["contentUrl"] = content_url(session, delivered["href"])
    if details.get("standard") == "AICC":  # the AU talks HACP (chalicelib.aicc), not window.API
        delivered["contentUrl"] = aicc_course.launch_url(session, item, delivered)
    return delivered


def table_of_contents(session: sessions.PlayerSession) -> dict[str, Any]:
    """GET .../toc: the table of contents as it is now (AICC AUs report over HACP, not the player)."""
    details = registration_of(session).details or {}
    return {"toc": delivery.toc(details), "buttons": delivery.buttons(details)}


def content_url(session: sessions.PlayerSession, href: str) -> str:
    if urlsplit(href).scheme in ("http", "https"):
        return href
    return f"/launch/s/{session.token}/c/" + quote(href, safe="/?=&%#;:@,+$!~*'()")


def _launch_actions(item: Any, moment: datetime, *, exited: bool = False) -> dict[str, Any]:
    """The launch record's update: last activity and the registration's results at that time."""
    return {"last_update": moment.isoformat(), "completion": item.completion, "success": item.success,
            "score": item.score_scaled, "seconds": float(item.total_seconds or 0),
            "exit_time": moment.isoformat() if exited else None}


def _forward(item: Any, results_before: tuple[str, str]) -> None:
    """XapiForwardScormResults: the commit is stored already; a statement that cannot be filed is
    logged, never turned into a failed commit."""
    try:
        scorm_forwarding.forward(item, results_before)
    except Exception:  # noqa: BLE001 - forwarding is best effort after the commit was stored
        logging.getLogger("nimbus.runtime").exception("xAPI forwarding failed",
                                                      extra={"registrationId": item.registration_id})


def _roll_up(item: Any, *, sticky: bool = False) -> bool:
    """Registration results from the activity tree; True if they changed (``sticky``: setting
    RegistrationStatusIsSticky, a completed / passed registration stays so)."""
    return progress.roll_up_registration(item, now(), sticky=sticky)


def apply_commit(session: sessions.PlayerSession, body: object) -> dict[str, Any]:
    """POST .../commit: apply one batch once and in order; a second tab's concurrent commit makes
    the version check fail, and this one is re-read and re-applied on the newer data."""
    batch = commit.parse(body)
    calls = launch_settings.debug_log(session.settings, batch.log)  # PlayerDebugLogLevel
    if not session.tracking:
        return {"applied": False, "tracking": False, "seq": batch.seq}
    for _ in range(COMMIT_RETRIES):
        item = registration_of(session)
        results_before = (item.completion, item.success)
        details = dict(item.details or {})
        moment = now()
        try:
            outcome = commit.apply(details, batch, dict(item.learner or {}), moment)
        except commit.CommitRejected as err:
            store.append_log(session.realm_id, session.registration_id, session.launch_id, [
                *calls, {"t": moment.isoformat(), "kind": "commit-rejected", "seq": batch.seq,
                             "attemptId": batch.attempt_id, "error": err.message, "errorCode": err.code}])
            raise
        if outcome.duplicate:
            return {"applied": False, "duplicate": True, "seq": batch.seq}
        if details.get("sequencer") and outcome.changed:
            structure = _sequenced_structure(item)
            if structure is not None:
                sequencing.refresh_results(details, structure)
        item.details = details
        changed = _roll_up(item, sticky=launch_settings.sticky(session.settings))
        log = [*calls, {"t": moment.isoformat(), "kind": "commit", "seq": batch.seq, "attemptId": batch.attempt_id,
                            "activityId": batch.activity_id, "ops": len(batch.ops), "finished": outcome.finished,
                            "unload": batch.unload}]
        try:
            store.write_commit(item, session.launch_id,
                               _launch_actions(item, moment, exited=outcome.finished or batch.unload), log)
        except store.VersionConflict:
            continue
        if changed and not item.sandbox and launch_settings.forwards_xapi(session.settings):
            _forward(item, results_before)
        return {"applied": True, "seq": batch.seq, "completion": item.completion, "success": item.success,
                "toc": delivery.toc(details), "buttons": delivery.buttons(details)}
    raise Conflict("The registration kept changing; the runtime will retry this commit.")


def record(realm_id: str, registration_id: str, launch_id: str, instance: int,
           change: Callable[[Any, dict[str, Any], datetime], tuple[list[Any], bool]], *, tracking: bool = True) -> Any:
    """Apply ``change(item, details, moment) -> (debug-log entries, launch finished)`` to a registration
    the way commits are applied: re-read and re-applied on a concurrent write, rolled up, written
    with the launch record and the log in one transaction (the table's change stream carries
    the registration event). An
    exception from ``change`` leaves everything as it was. (AICC HACP, ``chalicelib.aicc``.)"""
    for _ in range(COMMIT_RETRIES):
        item = launched_registration(realm_id, registration_id, instance)
        details = dict(item.details or {})
        moment = now()
        log, finished = change(item, details, moment)
        item.details = details
        _roll_up(item)
        try:
            store.write_commit(item, launch_id, _launch_actions(item, moment, exited=finished), log)
        except store.VersionConflict:
            continue
        return item  # its registration event comes from the table's change stream
    raise Conflict("The registration kept changing; try again.")


def exit_launch(session: sessions.PlayerSession) -> dict[str, str]:
    """POST .../exit: the launch is over; where the player goes (redirectOnExitUrl)."""
    moment = now().isoformat()
    store.append_log(session.realm_id, session.registration_id, session.launch_id,
                     [{"t": moment, "kind": "exit", "redirect": session.redirect}])
    return {"redirect": session.redirect}


# --- debug log ----------------------------------------------------------------------------------


def debug_log(realm_id: str, registration_id: str, launch_id: str) -> dict[str, Any]:
    """A launch's debug log and its share link."""
    launch = store.get_launch(realm_id, registration_id, launch_id)
    if launch is None:
        raise NotFound(f"Launch {launch_id!r} of registration {registration_id!r} does not exist.")
    return {"registrationId": registration_id, "launchId": launch_id, "launchTime": launch.launch_time,
            "entries": store.log_entries(realm_id, registration_id, launch_id),
            "shareUrl": f"{_base()}/launch/debug/{sessions.share_token(realm_id, registration_id, launch_id)}"}


def shared_debug_log(token: str) -> dict[str, Any]:
    realm_id, registration_id, launch_id = sessions.shared_log(token)
    return debug_log(realm_id, registration_id, launch_id)
