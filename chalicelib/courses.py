"""Courses: what an import made, as the API v2 and the web app show and change it.

Shapes follow the SCORM Cloud API v2 SDK models (CourseSchema, CourseListSchema,
CourseActivitySchema, TagListSchema...). Versions count from 0 like SCORM Cloud's. Listing
reads a realm's courses, filters and sorts them in memory and pages with an opaque ``more``
token that carries the original filters (API v2: "when passing this token, no other filter
parameters can be sent").
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from chalicelib import course_files, listing, plans, resource_ids
from chalicelib.config import settings
from chalicelib.errors import BadRequest, NotFound
from chalicelib.standards.activity_tree import Activity, CourseStructure, api_activity, from_dict
from chalicelib.store import blobs
from chalicelib.store import courses as store
from chalicelib.store import dispatch as dispatch_store
from chalicelib.store import settings as settings_store
from chalicelib.timestamps import parse_api_time

if TYPE_CHECKING:
    from collections.abc import Iterable

    from chalicelib.store.tables import CourseItem, CourseVersionItem

PAGE_SIZE = 100
MAX_TAGS = 100
#: orderBy values (API v2 GetCourses) → (sort key, descending).
ORDERS: dict[str, tuple[str, bool]] = {
    "creation_date_asc": ("created", False), "creation_date_desc": ("created", True),
    "created_asc": ("created", False), "created_desc": ("created", True),
    "updated_asc": ("updated", False), "updated_desc": ("updated", True),
    "title_asc": ("title", False), "title_desc": ("title", True),
}
FILTER_FIELDS = ("course_id", "title", "course_title", "id")
INLINE_ZIP_BYTES = 4 * 1024 * 1024  # Lambda responses cap at 6 MB, base64 adds a third


def check_course_id(course_id: object) -> str:
    return resource_ids.check(course_id, "courseId")


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_tags(raw: object, what: str = "tags") -> list[str]:
    """Tags from a CSV query value or a JSON list; each 1-255 characters, at most 100."""
    if raw is None or raw == "":
        return []
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
        raise BadRequest(f"{what} must be a list of strings.")
    tags = list(dict.fromkeys(t.strip() for t in items if t.strip()))
    if len(tags) > MAX_TAGS or any(len(t) > 255 for t in tags):
        raise BadRequest(f"{what}: at most {MAX_TAGS} tags of at most 255 characters each.")
    return tags


def require(realm_id: str, course_id: str) -> CourseItem:
    course = store.get_course(realm_id, course_id)
    if course is None:
        raise NotFound(f"Course {course_id!r} does not exist.")
    return course


def version_of(realm_id: str, course: CourseItem, number: int | None = None) -> CourseVersionItem:
    wanted = course.latest_version if number is None else number
    version = store.get_version(realm_id, course.course_id, int(wanted))
    if version is None:
        raise NotFound(f"Course {course.course_id!r} has no version {wanted}.")
    return version


STRUCTURES_CACHED = 32
_STRUCTURES_LOCK = threading.Lock()
_STRUCTURES: dict[str, CourseStructure] = {}  # tree key -> structure, oldest first


def structure(version: CourseVersionItem) -> CourseStructure | None:
    """A course version's activity tree (the import's parsed manifest), read from S3 once per
    process: a tree key names one import job, so a cached tree never goes stale. Callers treat it
    as read-only (registration creation, launch, commits, HACP, the course API all share it)."""
    key = version.tree_key
    if not key:
        return None
    found = _STRUCTURES.get(key)
    if found is None:
        raw = blobs.get_bytes(key)
        if not raw:
            return None
        found = from_dict(CourseStructure, json.loads(raw))
        with _STRUCTURES_LOCK:
            while len(_STRUCTURES) >= STRUCTURES_CACHED:
                _STRUCTURES.pop(next(iter(_STRUCTURES)))
            _STRUCTURES[key] = found
    return found


def course_json(course: CourseItem, version: CourseVersionItem | None = None, *,
                include_metadata: bool = False, root_activity: bool = True,
                registrations: int = 0, dispatched: bool = False) -> dict[str, Any]:
    """CourseSchema for a course (at ``version``, default its latest)."""
    shown: dict[str, Any] = {
        "id": course.course_id, "title": course.title, "xapiActivityId": course.activity_id or "",
        "created": iso(course.created), "updated": iso(course.updated),
        "version": int(version.number if version else course.latest_version),
        "registrationCount": registrations, "activityId": course.activity_id or "",
        "courseLearningStandard": version.standard if version else course.standard,
        "tags": list(course.tags or []), "dispatched": dispatched,
    }
    found = structure(version) if version is not None and (root_activity or include_metadata) else None
    if include_metadata:
        shown["metadata"] = {"title": course.title, "description": course.description or "",
                             "duration": found.duration if found else "", "typicalTime": "",
                             "keywords": found.keywords if found else []}
    if root_activity and found is not None:
        shown["rootActivity"] = api_activity(found.root)
    return shown


def get(realm_id: str, course_id: str, *, include_metadata: bool = False,
        include_registration_count: bool = False) -> dict[str, Any]:
    course = require(realm_id, course_id)
    count = store.registration_counts(realm_id, [course_id])[course_id] \
        if include_registration_count else 0
    dispatched = dispatch_store.course_dispatch_counts(realm_id, [course_id])[course_id] > 0
    return course_json(course, version_of(realm_id, course), include_metadata=include_metadata,
                       registrations=count, dispatched=dispatched)


def tree(realm_id: str, course_id: str, number: int | None = None) -> tuple[CourseVersionItem, Activity | None]:
    course = require(realm_id, course_id)
    version = version_of(realm_id, course, number)
    found = structure(version)
    return version, found.root if found else None


def registration_counter(realm_id: str, course_id: str) -> tuple[Any, list[Any]]:
    """The course's ``registrationCount`` + 1, for the transaction that stores a registration."""
    return store.registrations_update(realm_id, course_id, 1)


def count_registrations(realm_id: str, course_id: str, delta: int) -> None:
    """A registration of the course was created (+1) or deleted (-1): ``registrationCount``."""
    store.add_registrations(realm_id, course_id, delta)


# --- listing --------------------------------------------------------------------------------


@dataclass
class Query:
    """GET /courses filters (API v2 get_courses)."""

    since: str | None = None
    until: str | None = None
    datetime_filter: str = "updated"
    tags: list[str] | None = None
    filter: str | None = None
    filter_by: str = "course_id"
    order_by: str = "created_desc"
    offset: int = 0




def query_from(params: dict[str, str]) -> Query:
    """Filters from query parameters, or from the ``more`` token alone."""
    resumed = listing.from_more(params, ("includeCourseMetadata", "includeRegistrationCount", "includeTotalCount"),
                                Query)
    if resumed is not None:
        return resumed
    order = listing.one_of(params, "orderBy", "created_desc", ORDERS)
    date_field = listing.one_of(params, "datetimeFilter", "updated", ("created", "updated"))
    filter_by = listing.one_of(params, "filterBy", "course_id", FILTER_FIELDS)
    return Query(parse_api_time(params.get("since"), "since"), parse_api_time(params.get("until"), "until"),
                 date_field, parse_tags(params.get("tags")) or None, params.get("filter") or None,
                 filter_by, order)


def _matches(course: CourseItem, query: Query) -> bool:
    moment = (course.created if query.datetime_filter == "created" else course.updated).astimezone(UTC).isoformat()
    if (query.since and moment < query.since) or (query.until and moment > query.until):
        return False
    if query.tags and not set(query.tags) & set(course.tags or []):
        return False
    if query.filter:
        field = course.title if "title" in query.filter_by else course.course_id
        return query.filter.lower() in (field or "").lower()
    return True


def list_page(realm_id: str, query: Query, *, include_metadata: bool = False,
              include_registration_count: bool = False) -> tuple[list[dict[str, Any]], str | None, int]:
    """One page of CourseSchema, the next ``more`` token (or None), and the total count."""
    key, descending = ORDERS[query.order_by]
    found = [c for c in store.list_courses(realm_id) if _matches(c, query)]
    found.sort(key=lambda c: (str(getattr(c, key) or "").lower(), c.course_id), reverse=descending)
    page, more, total = listing.page_of(found, query, PAGE_SIZE)
    counts = store.registration_counts(realm_id, [c.course_id for c in page]) \
        if include_registration_count else {}
    dispatch_counts = dispatch_store.course_dispatch_counts(realm_id, [c.course_id for c in page])
    shown = [course_json(c, store.get_version(realm_id, c.course_id, int(c.latest_version)) if include_metadata
                         else None, include_metadata=include_metadata, root_activity=False,
                         registrations=counts.get(c.course_id, 0),
                         dispatched=dispatch_counts.get(c.course_id, 0) > 0) for c in page]
    return shown, more, total


# --- versions, deletion, download ----------------------------------------------------------


def versions(realm_id: str, course_id: str) -> list[dict[str, Any]]:
    course = require(realm_id, course_id)
    return [course_json(course, v, root_activity=False) for v in store.list_versions(realm_id, course_id)]


def version_detail(realm_id: str, course_id: str, number: int) -> dict[str, Any]:
    course = require(realm_id, course_id)
    return course_json(course, version_of(realm_id, course, number))


def _remove_version_blobs(version: CourseVersionItem) -> None:
    for key in (version.content_prefix, version.package_key.rsplit("/", 1)[0] + "/" if version.package_key else ""):
        if key:
            blobs.delete_prefix(key)
    if version.tree_key:
        blobs.delete_prefix(version.tree_key)
    if version.content_prefix:
        blobs.delete_prefix(course_files.index_key(version.content_prefix))


def delete(realm_id: str, course_id: str) -> None:
    """Delete a course, every version, its stored files; give the storage back.

    Its registrations (and sandbox previews), invitations and dispatches go too, as in SCORM
    Cloud's DeleteCourse."""
    from chalicelib import registrations  # noqa: PLC0415 - registrations import this module
    from chalicelib.dispatch import dispatches  # noqa: PLC0415 - dispatches import this module
    from chalicelib.invitations import common as invitations  # noqa: PLC0415 - it imports this module

    course = require(realm_id, course_id)
    invitations.delete_for_course(realm_id, course_id)
    registrations.delete_for_course(realm_id, course_id)
    dispatches.delete_for_course(realm_id, course_id)
    removed = store.delete_course(course)
    settings_store.delete_course_settings(realm_id, course_id)  # its configuration (issue 16)
    for version in removed:
        _remove_version_blobs(version)
    released = sum(int(v.size_bytes or 0) for v in removed)
    store.add_storage(realm_id, bytes_expanded=-released, courses=-1, versions=-len(removed))
    plans.record_storage(realm_id, -released)


def delete_version(realm_id: str, course_id: str, number: int) -> None:
    course = require(realm_id, course_id)
    version = version_of(realm_id, course, number)
    remaining = [v for v in store.list_versions(realm_id, course_id) if v.number != version.number]
    if not remaining:
        delete(realm_id, course_id)
        return
    store.delete_version(version)
    settings_store.delete_course_settings(realm_id, course_id, int(version.number))
    _remove_version_blobs(version)
    if int(course.latest_version) == int(version.number):
        course.latest_version = max(int(v.number) for v in remaining)
        course.updated = datetime.now(UTC)
        store.save_course(course)
    store.add_storage(realm_id, bytes_expanded=-int(version.size_bytes or 0), versions=-1)
    plans.record_storage(realm_id, -int(version.size_bytes or 0))


@dataclass
class ZipDownload:
    """The stored original package of a course version."""

    file_name: str
    key: str
    size: int

    @property
    def inline(self) -> bool:
        return self.size <= INLINE_ZIP_BYTES

    def body(self) -> bytes:
        return blobs.get_bytes(self.key) or b""

    def link(self) -> str:
        """A short-lived S3 link answering ``Content-Type: application/zip``."""
        return blobs.presigned_get(self.key, self.file_name, "application/zip")


def package_zip(realm_id: str, course_id: str, number: int | None = None) -> ZipDownload:
    """The original package of a version (latest by default)."""
    course = require(realm_id, course_id)
    version = version_of(realm_id, course, number)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", course_id) + f"_v{int(version.number)}.zip"
    size = blobs.size_of(version.package_key) if version.package_key else None
    if size is None:
        raise NotFound(f"Course {course_id!r} version {int(version.number)} has no stored package.")
    return ZipDownload(name, version.package_key, size)


# --- tags, title, preview -------------------------------------------------------------------


def tags(realm_id: str, course_id: str) -> list[str]:
    return [str(t) for t in require(realm_id, course_id).tags or []]


def retagged(current: Iterable[Any] | None, add: list[str] | None = None,
             remove: list[str] | None = None) -> list[str]:
    """``current`` without ``remove``, then ``add`` (each tag once, first place kept), at most
    :data:`MAX_TAGS` (Put/DeleteCourseTags and the other tag routes)."""
    kept = [str(t) for t in current or [] if t not in set(remove or [])]
    return list(dict.fromkeys([*kept, *(add or [])]))[:MAX_TAGS]


def change_tags(realm_id: str, course_id: str, *, add: list[str] | None = None,
                remove: list[str] | None = None) -> list[str]:
    course = require(realm_id, course_id)
    course.tags = retagged(course.tags, add, remove)  # type: ignore[assignment]
    course.updated = datetime.now(UTC)
    store.save_course(course)
    return [str(t) for t in course.tags or []]


def set_title(realm_id: str, course_id: str, title: object) -> None:
    if not isinstance(title, str) or not title.strip() or len(title) > 512:
        raise BadRequest("title must be a non-empty string of at most 512 characters.")
    course = require(realm_id, course_id)
    course.title = title.strip()
    course.updated = datetime.now(UTC)
    store.save_course(course)


def preview_link(realm_id: str, course_id: str, number: int | None = None) -> str:
    """A launch link for previewing a course version: ``/launch/preview/{course}/{version}``
    (served by :mod:`chalicelib.routes.launch`, the runtime's player)."""
    course = require(realm_id, course_id)
    version = version_of(realm_id, course, number)
    return f"{settings().base_url.rstrip('/')}/launch/preview/{quote(course_id, safe='')}/{int(version.number)}"


def storage_used(realm_id: str) -> dict[str, int]:
    usage = store.storage(realm_id)
    return {"bytesExpanded": int(usage.bytes_expanded or 0), "courses": int(usage.courses or 0),
            "versions": int(usage.versions or 0)}


def version_history(realm_id: str, course_id: str) -> list[dict[str, Any]]:
    """Every version with its standard, size, file count and import warnings (the web app)."""
    require(realm_id, course_id)
    return [{"version": int(v.number), "created": iso(v.created), "standard": v.standard, "title": v.title,
             "sizeBytes": int(v.size_bytes or 0), "fileCount": int(v.file_count or 0),
             "warnings": list(v.warnings or []), "importJobId": v.import_job_id}
            for v in store.list_versions(realm_id, course_id)]
