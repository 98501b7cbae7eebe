"""The learners a dispatch brings: one Nimbus registration per dispatch and host-LMS learner,
resumed on later launches (SCORM Cloud dispatch registrations).

A launch from a dispatch package (``POST /launch/dispatch/play``) or a Basic LTI launch names the host's
learner. :func:`admit` checks, in this order and before anything is written, that the package is
genuine (its key), that the dispatch, its course and its destination still exist, that the
dispatch is enabled and not expired; then it finds the learner's registration or — when the
dispatch still takes new learners and is under its cap — creates it. The cap counts distinct
learners (``registrationCount``, reset by ResetDispatchRegistrationCount); it is enforced in
the same transaction that records the learner, and a registration made for a refused learner
is removed again, so a refused launch records nothing.

The registration is written once, with ``dispatchId`` and ``destinationId`` in its details (what
the registration list's ``destinationId`` filter and Reportage's destination report read) and the
dispatch's postBack as its own (issue 15: postbacks "on registrations created through
dispatches"; the password opened from the dispatch's seal and sealed again for the
registration, as an invitation's registrations get theirs). A postBack changed on the dispatch
later applies to the registrations it makes from then on.

With ``hashUserInfo`` the learner's id is replaced by a hash (SHA-256 of realm, dispatch and
host id) and the names are dropped. With ``instanced``, a new host attempt (the package found
no Nimbus attempt marker in the host's suspend data) on a registration that has progress starts
a new registration instance; otherwise the launch resumes.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from chalicelib import registrations
from chalicelib.dispatch import dispatches
from chalicelib.errors import ApiError, BadRequest, NotFound
from chalicelib.observability import log_event
from chalicelib.postbacks import config as postback_config
from chalicelib.store import courses as course_store
from chalicelib.store import dispatch as store
from chalicelib.store import registrations as registration_store
from chalicelib.store.dispatch import DispatchItem, DispatchLearnerItem

LOG = logging.getLogger("nimbus.dispatch")

#: What the learner sees inside the host LMS for each refusal (SCORM Cloud's dispatch messages).
MESSAGES = {
    "invalid": "This course package is not valid. Ask your administrator for a new copy.",
    "gone": "This course is no longer available. Ask your administrator about it.",
    "disabled": "This course has been disabled by its provider.",
    "expired": "Access to this course has expired.",
    "closed": "This course is not accepting new learners.",
    "full": "This course has reached its limit of learners.",
    "busy": "Too many new learners are starting this course right now; try again in a minute.",
}
#: New learners one dispatch may admit per minute: a leaked package cannot mint registrations
#: (which count against the plan) in bulk. Returning learners are never limited.
NEW_LEARNERS_PER_MINUTE = 120


class Refused(ApiError):
    """A launch that must not play; ``reason`` keys :data:`MESSAGES`."""

    def __init__(self, reason: str, status: HTTPStatus = HTTPStatus.FORBIDDEN) -> None:
        super().__init__(MESSAGES[reason])
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class HostLearner:
    """The learner as the host LMS names them."""

    learner_id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""

    @classmethod
    def from_scorm_name(cls, learner_id: str, name: str) -> HostLearner:
        """``cmi.core.student_name`` / ``cmi.learner_name`` are "Last, First" (RTE 1.2 §3.4.2)."""
        last, _, first = name.partition(",")
        return cls(learner_id, first.strip(), last.strip())


@dataclass(frozen=True)
class Admitted:
    """A launch that may play: the registration and the attempt marker the host keeps."""

    dispatch: DispatchItem
    registration_id: str
    attempt: str
    new_learner: bool


def check_key(item: DispatchItem, key: str) -> None:
    if not key or not hmac.compare_digest(dispatches.package_key(item).encode(), key.encode()):
        raise Refused("invalid")


def playable(realm_id: str, dispatch_id: str) -> DispatchItem:
    """The dispatch, if it exists with its course and destination, is enabled and not expired."""
    item = store.get_dispatch(realm_id, dispatch_id)
    if item is None:
        raise Refused("gone", HTTPStatus.GONE)
    if course_store.get_course(realm_id, item.course_id) is None or \
            store.get_destination(realm_id, item.destination_id) is None:
        raise Refused("gone", HTTPStatus.GONE)
    if not item.enabled:
        raise Refused("disabled")
    if item.expiration_date is not None and item.expiration_date <= datetime.now(UTC):
        raise Refused("expired")
    return item


def learner_key(item: DispatchItem, learner_id: str) -> str:
    return hashlib.sha256(f"{item.realm_id}\n{item.dispatch_id}\n{learner_id}".encode()).hexdigest()


def _registration_learner(item: DispatchItem, host: HostLearner) -> dict[str, str]:
    if item.hash_user_info:
        return {"id": learner_key(item, host.learner_id)[:40], "firstName": "", "lastName": "", "email": ""}
    return {"id": host.learner_id[:255], "firstName": host.first_name[:255], "lastName": host.last_name[:255],
            "email": host.email[:255]}


def _post_back(item: DispatchItem, registration_id: str) -> dict[str, Any] | None:
    """The dispatch's postBack for its new registration, or None (also when its URL stopped
    resolving to an allowed address since it was set: the launch goes on, without postbacks)."""
    schema = dispatches.post_back_schema(item)
    if schema is None:
        return None
    try:
        postback_config.parse(schema, item.realm_id, registration_id)
    except BadRequest as err:
        log_event(LOG, "dispatch postBack not inherited", dispatch=item.dispatch_id, reason=err.message)
        return None
    return schema


def _new_registration(item: DispatchItem, host: HostLearner, key: str) -> str:
    """The learner's registration, written once with what Reportage and the registration list
    read (``dispatchId``, ``destinationId``) and the dispatch's postBack (sealed for it)."""
    registration_id = f"dispatch-{key[:40]}"
    body: dict[str, Any] = {"registrationId": registration_id, "courseId": item.course_id,
                            "learner": _registration_learner(item, host)}
    if (post_back := _post_back(item, registration_id)) is not None:
        body["postBack"] = post_back
    registrations.create(item.realm_id, body,
                         details={"dispatchId": item.dispatch_id, "destinationId": item.destination_id})
    return registration_id


def _resume(item: DispatchItem, learner: DispatchLearnerItem, attempt: str | None) -> str:
    """The attempt marker for a returning learner. A marker from the host means the host resumes
    an attempt of ours: resume. None means a new host attempt: with ``instanced``, a registration
    that has progress gets a new instance."""
    if attempt is None:
        return learner.host_attempt
    if attempt:
        if attempt != learner.host_attempt:
            store.set_learner_attempt(learner, attempt)
        return attempt
    if item.instanced:
        for _ in range(5):
            found = registration_store.get(item.realm_id, learner.registration_id)
            if found is None or not (found.details or {}).get("activities"):
                break
            registrations.new_instance(found)
            try:
                registration_store.save(found)
                break
            except registration_store.VersionConflict:
                continue
    marker = secrets.token_hex(8)
    store.set_learner_attempt(learner, marker)
    return marker


def admit(realm_id: str, dispatch_id: str, key: str, host: HostLearner, attempt: str) -> Admitted:
    """A launch from a dispatch package: see the module docstring. Raises :class:`Refused`."""
    item = playable(realm_id, dispatch_id)
    check_key(item, key)
    return enroll(item, host, attempt)


def enroll(item: DispatchItem, host: HostLearner, attempt: str | None) -> Admitted:
    """The learner's registration (made when new); ``attempt`` None: the host keeps no attempts
    (Basic LTI), the registration always resumes."""
    realm_id, dispatch_id = item.realm_id, item.dispatch_id
    if not host.learner_id.strip():
        raise Refused("invalid")
    lkey = learner_key(item, host.learner_id)
    learner = store.get_learner(realm_id, dispatch_id, lkey)
    if learner is not None:
        return Admitted(item, learner.registration_id, _resume(item, learner, attempt), False)
    if not item.allow_new_registrations:
        raise Refused("closed")
    cap = int(item.registration_cap or 0)
    if cap and int(item.registration_count or 0) >= cap:
        raise Refused("full")
    if not store.take_new_learner_slot(realm_id, dispatch_id, NEW_LEARNERS_PER_MINUTE):
        raise Refused("busy", HTTPStatus.TOO_MANY_REQUESTS)
    registration_id = f"dispatch-{lkey[:40]}"
    if registration_store.get(realm_id, registration_id) is None:
        _new_registration(item, host, lkey)
    marker = secrets.token_hex(8)
    record = DispatchLearnerItem(registration_id=registration_id, learner_id=_registration_learner(item, host)["id"],
                                 created=datetime.now(UTC), host_attempt=marker)
    try:
        store.add_learner(realm_id, dispatch_id, lkey, record, cap)
    except store.AlreadyExists as err:
        if err.what == "cap":
            registrations.delete(realm_id, registration_id)
            raise Refused("full") from err
        found = store.get_learner(realm_id, dispatch_id, lkey)  # a simultaneous first launch won
        if found is None:
            raise NotFound("The learner's registration could not be found; launch again.") from err
        return Admitted(item, found.registration_id, found.host_attempt, False)
    return Admitted(item, registration_id, marker, True)


def status(realm_id: str, registration_id: str) -> dict[str, object]:
    """What the package reports to the host: the registration's completion, success, score
    (0-100) and total seconds (RegistrationSchema's values)."""
    found = registration_store.get(realm_id, registration_id, consistent=True)
    if found is None:
        raise NotFound("The registration of this launch no longer exists.")
    return {"completion": found.completion, "success": found.success,
            "score": float(found.score_scaled) if found.score_scaled is not None else None,
            "totalSeconds": float(found.total_seconds or 0)}
