"""Registrations: a learner's enrolment in a course, its instances, tags and launch history
(SCORM Cloud API v2 RegistrationApi; shapes in :mod:`chalicelib.results.schema`).

Callers choose registration ids. Creating one checks and counts the realm's plan
(:func:`chalicelib.plans.check_registration_allowed` / ``record_registration``); course previews
(sandbox registrations, :func:`create_sandbox`) are neither listed nor counted and expire.
Resetting progress freezes the current instance and starts the next one on the same course
version; a new instance (:mod:`chalicelib.registration_instances`) starts on the newest version.
A registration otherwise stays on the version it was created on when new versions are imported.
"""

from __future__ import annotations

import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib import courses, listing, plans, resource_ids, vault, versioning
from chalicelib.errors import BadRequest, Conflict, NotFound
from chalicelib.observability import log_event
from chalicelib.postbacks import config as postback_config
from chalicelib.results import progress, schema
from chalicelib.store import registrations as store
from chalicelib.store.tables import RegistrationItem
from chalicelib.timestamps import parse_api_time

if TYPE_CHECKING:
    from collections.abc import Callable

PAGE_SIZE = 100
SANDBOX_SECONDS = 7 * 24 * 3600
ORDERS: dict[str, tuple[str, bool]] = {
    "updated_asc": ("updated", False), "updated_desc": ("updated", True),
    "created_asc": ("created", False), "created_desc": ("created", True),
}
FILTER_FIELDS = ("id", "course_id", "course_title", "learner_id", "learner_name")

LOG = logging.getLogger("nimbus.registrations")


def now() -> datetime:
    return datetime.now(UTC)


def check_id(raw: object, what: str = "registrationId") -> str:
    return resource_ids.check(raw, what)


def _text(raw: object, what: str, limit: int = 255) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str) or len(raw) > limit:
        raise BadRequest(f"{what} must be a string of at most {limit} characters.")
    return raw


def _learner(raw: object) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise BadRequest("learner is required: an object with id (LearnerSchema).")
    learner_id = raw.get("id")
    if not isinstance(learner_id, str) or not learner_id.strip() or len(learner_id) > 255:
        raise BadRequest("learner.id is required: a string of 1-255 characters.")
    return {"id": learner_id, "firstName": _text(raw.get("firstName"), "learner.firstName"),
            "lastName": _text(raw.get("lastName"), "learner.lastName"),
            "email": _text(raw.get("email"), "learner.email")}


def _xapi_id(raw: object) -> str:
    if raw in (None, ""):
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(str(raw)))
    except ValueError as err:
        raise BadRequest(f"xapiRegistrationId must be a UUID, not {raw!r}.") from err


def require(realm_id: str, registration_id: str) -> RegistrationItem:
    item = store.get(realm_id, registration_id)
    if item is None or item.sandbox:
        raise NotFound(f"Registration {registration_id!r} does not exist.")
    return item


def _new_item(realm_id: str, registration_id: str, course: Any, version: Any, learner: dict[str, str], *,
              tags: list[str], xapi_id: str, sandbox: bool) -> RegistrationItem:
    course_root = courses.structure(version)
    tree = progress.compact_tree(course_root.root) if course_root else {"id": course.course_id, "title": course.title}
    moment = now()
    return RegistrationItem(
        realm_id=realm_id, registration_id=registration_id, course_id=course.course_id,
        course_version=int(version.number), instance=0, learner=learner, tags=tags, created=moment,
        updated=moment, sandbox=sandbox, expires=int(time.time()) + SANDBOX_SECONDS if sandbox else None,
        details={"xapiRegistrationId": xapi_id, "courseTitle": course.title, "standard": version.standard,
                 "tree": tree, "activities": {}})


def _inherited_postback(details: dict[str, Any] | None, realm_id: str, registration_id: str) -> dict[str, Any] | None:
    """The postBack an invitation hands its registrations (``details["postBack"]``, its password
    sealed for the invitation) as this registration's own setting, sealed for it."""
    kept = (details or {}).get("postBack")
    if not kept:
        return None
    password = vault.unseal(kept["passwordSealed"], kept["sealContext"]).decode() if kept.get("passwordSealed") else ""
    try:
        return postback_config.parse({"url": kept.get("url"), "authType": kept.get("authType"),
                                      "userName": kept.get("userName"), "password": password,
                                      "resultsFormat": kept.get("resultsFormat")}, realm_id, registration_id)
    except BadRequest as err:  # the URL stopped resolving to a public address since the invitation
        log_event(LOG, "invitation postBack not inherited", registration=registration_id, reason=err.message)
        return None


def create(realm_id: str, body: object, course_version: int | None = None, *,
           details: dict[str, Any] | None = None) -> RegistrationItem:
    """CreateRegistrationSchema → a new registration (409 if the id exists, 402 over the plan).
    ``details`` are kept with it (an invitation's id and postBack setting, a dispatch's and
    destination's ids, the app that made it: what Reportage's dimensions read)."""
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object (CreateRegistrationSchema).")
    registration_id = check_id(body.get("registrationId"))
    course_id = courses.check_course_id(body.get("courseId"))
    learner = _learner(body.get("learner"))
    tags = courses.parse_tags(body.get("registrationTags"), "registrationTags")
    xapi_id = _xapi_id(body.get("xapiRegistrationId"))
    postback = (postback_config.parse(body.get("postBack"), realm_id, registration_id)
                or _inherited_postback(details, realm_id, registration_id))
    course = courses.require(realm_id, course_id)
    version = courses.version_of(realm_id, course, course_version)
    try:
        plans.check_registration_allowed(realm_id)
    except plans.PlanLimitReached:
        if store.exists(realm_id, registration_id):  # a taken id is named first, as when under the limit
            raise Conflict(f"Registration {registration_id!r} already exists.") from None
        raise
    item = _new_item(realm_id, registration_id, course, version, learner, tags=tags, xapi_id=xapi_id, sandbox=False)
    item.details = {**(item.details or {}), **(details or {})}
    item.postback = postback
    try:
        store.create(item, counters=[*plans.registration_counters(realm_id),
                                     courses.registration_counter(realm_id, course_id)])
    except store.AlreadyExists as err:
        raise Conflict(f"Registration {registration_id!r} already exists.") from err
    return item


def create_many(realm_id: str, course_id: str, learners: list[tuple[str, dict[str, str]]], *,
                details: dict[str, Any] | None = None) -> list[RegistrationItem]:
    """Registrations ``(registrationId, learner)`` for several learners at once (private
    invitations; the ids must be fresh random ones): the plan is checked for all of them first
    (402, nothing created, when they do not all fit), then they are written in batches and all
    are counted. If a batch fails, what was written is removed again and the error is raised."""
    course = courses.require(realm_id, course_id)
    version = courses.version_of(realm_id, course)
    plans.check_registration_allowed(realm_id, len(learners))
    shape = _new_item(realm_id, "shape", course, version, {"id": "shape"}, tags=[], xapi_id="", sandbox=False)
    made = []
    for registration_id, learner in learners:
        moment = now()
        made.append(RegistrationItem(
            realm_id=realm_id, registration_id=check_id(registration_id), course_id=course.course_id,
            course_version=int(shape.course_version), instance=0, learner=_learner(learner), tags=[],
            created=moment, updated=moment, sandbox=False, expires=None,
            details={**(shape.details or {}), "xapiRegistrationId": str(uuid.uuid4()), **(details or {})},
            postback=_inherited_postback(details, realm_id, registration_id)))
    try:
        store.create_many(made)
    except Exception:
        for item in made:
            store.delete(realm_id, item.registration_id)
        raise
    plans.record_registration(realm_id, len(made))
    courses.count_registrations(realm_id, course_id, len(made))
    return made


def create_sandbox(realm_id: str, course_id: str, number: int | None, who: str) -> RegistrationItem:
    """A course preview registration: not billed, not listed, gone after a week."""
    course = courses.require(realm_id, course_id)
    version = courses.version_of(realm_id, course, number)
    learner = {"id": who or "preview", "firstName": "Preview", "lastName": "Learner", "email": ""}
    item = _new_item(realm_id, f"sandbox-{secrets.token_hex(8)}", course, version, learner, tags=[],
                     xapi_id=str(uuid.uuid4()), sandbox=True)
    return store.create(item)


def exists(realm_id: str, registration_id: str) -> bool:
    item = store.get(realm_id, registration_id, consistent=False)
    return item is not None and not item.sandbox


def get(realm_id: str, registration_id: str, *, children: bool = False, with_io: bool = False,
        with_runtime: bool = False) -> dict[str, Any]:
    return schema.registration(require(realm_id, registration_id), children=children, with_io=with_io,
                                with_runtime=with_runtime)


def delete(realm_id: str, registration_id: str) -> None:
    """Delete a registration with its instances, launches and debug logs (not refunded)."""
    item = require(realm_id, registration_id)
    store.delete(realm_id, registration_id)
    courses.count_registrations(realm_id, item.course_id, -1)


def delete_for_course(realm_id: str, course_id: str) -> int:
    """Delete every registration (and preview) of a course; returns how many."""
    doomed = [i for sandbox in (False, True) for i in store.list_group(realm_id, sandbox=sandbox)
              if i.course_id == course_id]
    for item in doomed:
        store.delete(realm_id, item.registration_id)
    return len(doomed)


# --- instances and reset -------------------------------------------------------------------


def new_instance(item: RegistrationItem, version: int | None = None) -> None:
    """Freeze the current instance and start the next, without progress (not saved here)."""
    store.archive_instance(item, schema.registration(item, children=True, with_io=True, with_runtime=True))
    details = dict(item.details or {})
    details.update(activities={}, suspendedActivityId=None, completedDate=None)
    details.pop("sequencer", None)  # SCORM 2004 sequencing state starts over too
    details.pop("cmi5", None)  # so do cmi5 sessions, AU records and satisfied blocks
    if version is not None and version != int(item.course_version):
        course = courses.require(item.realm_id, item.course_id)
        found = courses.structure(courses.version_of(item.realm_id, course, version))
        if found is not None:
            details["tree"] = progress.compact_tree(found.root)
            details["standard"] = found.standard
        item.course_version = version
    item.details = details
    item.instance = int(item.instance or 0) + 1
    item.completion, item.success, item.score_scaled, item.total_seconds = "UNKNOWN", "UNKNOWN", None, 0
    item.updated = now()


def change(realm_id: str, registration_id: str, apply: Callable[[RegistrationItem], None]) -> RegistrationItem:
    """Read the registration, ``apply`` a change to it, stamp ``updated`` and save it under its
    version (:func:`chalicelib.versioning.change`: read and applied again after a concurrent write)."""

    def stamped(item: RegistrationItem) -> None:
        apply(item)
        item.updated = now()

    return versioning.change(lambda: require(realm_id, registration_id), stamped, store.save,
                             conflict=store.VersionConflict, noun="registration")


def reset(realm_id: str, registration_id: str) -> None:
    """DELETE .../progress: a fresh instance on the same course version."""
    change(realm_id, registration_id, new_instance)


def instances(realm_id: str, registration_id: str) -> list[dict[str, Any]]:
    """Every instance, oldest first, the current one last (RegistrationListSchema items)."""
    current = require(realm_id, registration_id)
    frozen = [dict(i.snapshot or {}) for i in store.instances(realm_id, registration_id)]
    return [*frozen, schema.registration(current)]


def instance(realm_id: str, registration_id: str, number: int) -> dict[str, Any]:
    for found in instances(realm_id, registration_id):
        if int(found.get("instance", -1)) == number:
            return found
    raise NotFound(f"Registration {registration_id!r} has no instance {number}.")


# --- tags ------------------------------------------------------------------------------------


def tags(realm_id: str, registration_id: str) -> list[str]:
    return [str(t) for t in require(realm_id, registration_id).tags or []]


def change_tags(realm_id: str, registration_id: str, *, add: list[str] | None = None,
                remove: list[str] | None = None) -> None:
    def retag(item: RegistrationItem) -> None:
        item.tags = courses.retagged(item.tags, add, remove)  # type: ignore[assignment]

    change(realm_id, registration_id, retag)


# --- launch history ---------------------------------------------------------------------------


def launch_history(realm_id: str, registration_id: str, *, instance_number: int | None = None) -> list[dict[str, Any]]:
    """LaunchHistorySchema list, oldest first."""
    require(realm_id, registration_id)
    shown = []
    for launch in store.launches(realm_id, registration_id):
        if instance_number is not None and int(launch.instance) != instance_number:
            continue
        entry: dict[str, Any] = {
            "id": launch.launch_id, "launchHistoryId": launch.launch_id, "instance": int(launch.instance),
            "completionStatus": launch.completion, "successStatus": launch.success,
            "totalSecondsTracked": float(launch.seconds or 0), "launchTime": launch.launch_time,
            "exitTime": launch.exit_time, "lastRuntimeUpdate": launch.last_update,
        }
        if launch.score is not None:
            entry["score"] = {"scaled": float(launch.score)}
        shown.append({k: v for k, v in entry.items() if v is not None})
    return shown


# --- listing ----------------------------------------------------------------------------------


@dataclass
class Query:
    """GET /registrations filters (API v2 get_registrations)."""

    course_id: str | None = None
    learner_id: str | None = None
    since: str | None = None
    until: str | None = None
    datetime_filter: str = "updated"
    tags: list[str] | None = None
    filter: str | None = None
    filter_by: str = "id"
    order_by: str = "updated_desc"
    offset: int = 0
    destination_id: str | None = None  # dispatch registrations of one destination (web app; issue 14)




INCLUDES = {"more", "includeChildResults", "includeInteractionsAndObjectives", "includeRuntime",
            "includeTotalCount"}


def query_from(params: dict[str, str]) -> Query:
    resumed = listing.from_more(params, INCLUDES, Query)
    if resumed is not None:
        return resumed
    order = listing.one_of(params, "orderBy", "updated_desc", ORDERS)
    date_field = listing.one_of(params, "datetimeFilter", "updated", ("created", "updated"))
    filter_by = listing.one_of(params, "filterBy", "id", FILTER_FIELDS)
    return Query(params.get("courseId") or None, params.get("learnerId") or None,
                 parse_api_time(params.get("since"), "since"), parse_api_time(params.get("until"), "until"),
                 date_field, courses.parse_tags(params.get("tags")) or None, params.get("filter") or None,
                 filter_by, order, destination_id=params.get("destinationId") or None)


def _filter_field(item: RegistrationItem, field: str) -> str:
    learner = item.learner or {}
    fields = {"id": item.registration_id, "course_id": item.course_id,
              "course_title": (item.details or {}).get("courseTitle", ""), "learner_id": learner.get("id", ""),
              "learner_name": f"{learner.get('firstName', '')} {learner.get('lastName', '')}"}
    return str(fields[field])


def _matches(item: RegistrationItem, query: Query) -> bool:
    moment = (item.created if query.datetime_filter == "created" else item.updated).astimezone(UTC).isoformat()
    if (query.since and moment < query.since) or (query.until and moment > query.until):
        return False
    if query.course_id and item.course_id != query.course_id:
        return False
    if query.learner_id and (item.learner or {}).get("id") != query.learner_id:
        return False
    if query.tags and not set(query.tags) & set(item.tags or []):
        return False
    if query.destination_id and (item.details or {}).get("destinationId") != query.destination_id:
        return False
    return not query.filter or query.filter.lower() in _filter_field(item, query.filter_by).lower()


def list_page(realm_id: str, query: Query, *, children: bool = False, with_io: bool = False,
              with_runtime: bool = False) -> tuple[list[dict[str, Any]], str | None, int]:
    """One page of RegistrationSchema, the next ``more`` token (or None) and the total."""
    key, descending = ORDERS[query.order_by]
    found = [i for i in store.list_group(realm_id) if _matches(i, query)]
    found.sort(key=lambda i: (getattr(i, key).isoformat(), i.registration_id), reverse=descending)
    page, more, total = listing.page_of(found, query, PAGE_SIZE)
    shown = [schema.registration(i, children=children, with_io=with_io, with_runtime=with_runtime) for i in page]
    return shown, more, total


def is_learners(item: RegistrationItem, email: str) -> bool:
    """Whether a registration belongs to the person signed in with ``email``: its learner id or
    learner email is that address (case-insensitive), how SCORM Cloud links learners to people."""
    learner = item.learner or {}
    address = email.strip().lower()
    return address in {str(learner.get("id", "")).strip().lower(), str(learner.get("email", "")).strip().lower()}


def for_learner(realm_id: str, email: str) -> list[dict[str, Any]]:
    """The learner page: a person's own registrations in the realm, newest first."""
    mine = [i for i in store.list_group(realm_id) if is_learners(i, email)]
    mine.sort(key=lambda i: i.updated, reverse=True)
    return [schema.registration(i) for i in mine]


def require_learners(realm_id: str, registration_id: str, email: str) -> RegistrationItem:
    """A registration the person may launch: theirs, or 404 (never say whose it is)."""
    item = require(realm_id, registration_id)
    if not is_learners(item, email):
        raise NotFound(f"No registration {registration_id!r}.")
    return item
