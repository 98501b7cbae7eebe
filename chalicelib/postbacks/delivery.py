"""When postbacks go out: on every change of a registration's results, one attempt at a time.

The registrations table's change stream (docs/events.md) feeds :func:`on_registration_change`:
a change of results (completion, success, score, time — :func:`chalicelib.reportage.from_change`)
of a registration with postback settings queues a delivery task. :func:`run` (the postback
queue's consumer) sends the registration *as it is now*, so a burst of commits ends in its
latest state; a version already delivered is not sent again. 2xx and 3xx answers are
delivered (SCORM Cloud does not follow a postback's redirect either); anything else, or no
answer, is retried after ``base × 2^(n-1)`` seconds, capped at :data:`CAP_SECONDS`, with equal
jitter (half fixed, half random: receivers that failed together do not retry together), up to
:data:`MAX_ATTEMPTS` attempts — with the default base of 10 s that is about a day, as SCORM
Cloud's 70 retries. ``NIMBUS_POSTBACK_BACKOFF_SECONDS`` sets the base (tests: a fraction of a
second). Every attempt is written to the delivery log.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import outbound, reportage
from chalicelib.observability import log_event
from chalicelib.postbacks import config, payload
from chalicelib.store import postbacks as store
from chalicelib.store import registrations as registration_store

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.store.changes import TableChange

LOG = logging.getLogger("nimbus.postbacks")
MAX_ATTEMPTS = 70
CAP_SECONDS = 1800.0
DEFAULT_BASE_SECONDS = 10.0
TIMEOUT_SECONDS = 10.0
_RANDOM = random.SystemRandom()


def base_seconds() -> float:
    raw = os.environ.get("NIMBUS_POSTBACK_BACKOFF_SECONDS", "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_BASE_SECONDS
    except ValueError:
        return DEFAULT_BASE_SECONDS


def backoff(failures: int, base: float | None = None, draw: Callable[[float, float], float] = _RANDOM.uniform) -> float:
    """Seconds to wait after the ``failures``-th failed attempt (equal jitter)."""
    ceiling = min(CAP_SECONDS, (base_seconds() if base is None else base) * 2 ** (failures - 1))
    return float(ceiling / 2 + draw(0, ceiling / 2))


def _stored(image: dict[str, Any]) -> dict[str, Any] | None:
    raw = image.get("postback")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    return raw if isinstance(raw, dict) and raw.get("url") else None


def on_registration_change(change: TableChange) -> bool:
    """A registrations-table change: queue a postback if results changed and one is set."""
    event = reportage.from_change(change)
    if event is None or _stored(change.new) is None:
        return False
    if not store.want(event.realm_id, event.registration_id, int(change.new.get("version") or 0)):
        return False  # seen before, or the running delivery chain will send the newest state
    _start_chain(event.realm_id, event.registration_id)
    return True


def _start_chain(realm_id: str, registration_id: str) -> None:
    store.enqueue({"kind": "registration", "realm": realm_id, "id": registration_id, "attempt": 1,
                   "due": time.time()}, 0)


def schedule_import(realm_id: str, job_id: str, url: str) -> None:
    """A finished import job's postback (``postbackUrl`` of the import calls)."""
    store.enqueue({"kind": "import", "realm": realm_id, "id": job_id, "url": url, "attempt": 1,
                   "due": time.time()}, 0)


def run(task: dict[str, Any]) -> str:
    """One delivery task from the queue; what became of it."""
    wait = float(task.get("due") or 0) - time.time()
    if wait > 1:  # not due yet: SQS delays at most 15 minutes at a time
        store.enqueue(task, wait)
        return "WAITING"
    if task.get("kind") == "import":
        return _deliver_import(task)
    return _deliver_registration(task)


def _deliver_registration(task: dict[str, Any]) -> str:
    from chalicelib.results import schema as results  # noqa: PLC0415 - only the delivery needs the shapes

    realm_id, registration_id = str(task["realm"]), str(task["id"])
    item = registration_store.get(realm_id, registration_id)
    stored = _stored({"postback": item.postback}) if item is not None and not item.sandbox else None
    if item is None or stored is None:
        store.end_chain(realm_id, registration_id, None)
        return "GONE"  # deleted, or its postback removed
    version = int(item.version or 0)
    if store.delivered_version(realm_id, registration_id) >= version:
        return _next(realm_id, registration_id, version, "CURRENT")
    data = results.registration(item, **payload.includes(stored["resultsFormat"]))
    body, headers = payload.encode(data, stored["authType"], stored.get("userName", ""),
                                   config.password(stored, realm_id, registration_id))
    outcome = _attempt(task, stored["url"], body, headers, version=version,
                       delivered=lambda: store.mark_delivered(realm_id, registration_id, version))
    if outcome == "DELIVERED":
        return _next(realm_id, registration_id, version, outcome)
    if outcome == "GAVE_UP":
        store.end_chain(realm_id, registration_id, None)
    return outcome


def _next(realm_id: str, registration_id: str, delivered: int, outcome: str) -> str:
    """End the chain, or (a newer change came meanwhile) go on with its newest state."""
    if not store.end_chain(realm_id, registration_id, delivered):
        _start_chain(realm_id, registration_id)
    return outcome


def _deliver_import(task: dict[str, Any]) -> str:
    from chalicelib import imports  # noqa: PLC0415 - imports schedules these: no cycle at load

    body, headers = payload.encode(imports.status(str(task["realm"]), str(task["id"])), "UNDEFINED", "", "")
    return _attempt(task, str(task["url"]), body, headers, version=None, delivered=lambda: None)


def _attempt(task: dict[str, Any], url: str, body: bytes, headers: dict[str, str], *, version: int | None,
             delivered: Callable[[], None]) -> str:
    started, status, error = time.monotonic(), None, None
    try:
        reply = outbound.send("POST", url, body, headers, timeout=TIMEOUT_SECONDS)
        status = reply.status
        if not 200 <= status < 400:
            error = f"HTTP {status}: {reply.body[:200].decode('utf-8', 'replace')}"
    except outbound.OutboundRefused as err:
        error = str(err)
    moment = datetime.now(UTC)
    attempt = int(task.get("attempt") or 1)
    entry: dict[str, Any] = {"attempt": attempt, "at": moment.isoformat(timespec="milliseconds"), "url": url,
                             "status": status, "error": error, "version": version,
                             "seconds": round(time.monotonic() - started, 3)}
    kind, realm_id, subject = str(task.get("kind") or "registration"), str(task["realm"]), str(task["id"])
    if error is None:
        store.record_attempt(kind, realm_id, subject, outcome="DELIVERED", **entry)
        delivered()
        return "DELIVERED"
    if attempt >= MAX_ATTEMPTS:
        store.record_attempt(kind, realm_id, subject, outcome="GAVE_UP", **entry)
        log_event(LOG, "postback given up", subject=subject, attempts=attempt, error=error)
        return "GAVE_UP"
    delay = backoff(attempt)
    next_at = moment + timedelta(seconds=delay)
    store.record_attempt(kind, realm_id, subject, outcome="FAILED", next_at=next_at.isoformat(timespec="seconds"),
                         **entry)
    store.enqueue({**task, "attempt": attempt + 1, "due": time.time() + delay}, delay)
    return "FAILED"


def test_delivery(raw: object, realm_id: str) -> dict[str, Any]:
    """``POST /registrations/postBackTest``: one attempt with sample data, no retry, no log."""
    stored = config.parse(raw, realm_id, "postBackTest", where="postBack")
    if stored is None:
        from chalicelib.errors import BadRequest  # noqa: PLC0415

        raise BadRequest("postBack.url is required.")
    sample: dict[str, Any] = {
        "id": "postback-test", "instance": 0, "registrationCompletion": "COMPLETED",
        "registrationSuccess": "PASSED", "score": {"scaled": 100.0}, "totalSecondsTracked": 60.0,
        "course": {"id": "postback-test-course", "title": "Postback test", "version": 0},
        "learner": {"id": "test-learner", "firstName": "Test", "lastName": "Learner"}}
    if payload.includes(str(stored.get("resultsFormat") or "COURSE"))["children"]:  # ACTIVITY, FULL
        sample["activityDetails"] = {"id": "postback-test-course", "title": "Postback test", "attempts": 1,
                                     "activityCompletion": "COMPLETED", "activitySuccess": "PASSED",
                                     "score": {"scaled": 100.0}, "timeTracked": "0000:01:00", "children": []}
    body, headers = payload.encode(sample, stored["authType"], stored.get("userName", ""),
                                   config.password(stored, realm_id, "postBackTest"))
    try:
        reply = outbound.send("POST", stored["url"], body, headers, timeout=TIMEOUT_SECONDS)
    except outbound.OutboundRefused as err:
        return {"delivered": False, "error": str(err)}
    return {"delivered": 200 <= reply.status < 400, "status": reply.status}


def log(kind: str, realm_id: str, subject: str) -> list[dict[str, Any]]:
    """The delivery log, newest attempt first."""
    return [{"attempt": int(a.attempt), "at": a.at, "url": a.url, "outcome": a.outcome,
             "status": int(a.status) if a.status is not None else None, "error": a.error,
             "seconds": float(a.seconds or 0), "version": int(a.version) if a.version is not None else None,
             "nextAttemptAt": a.next_at} for a in store.attempts(kind, realm_id, subject)]
