"""Destinations: labels for the LMSs outside Nimbus that courses are dispatched to (SCORM Cloud
DispatchApi, DestinationSchema / DestinationInfoSchema).

Switches on a destination (enabled, registration instancing, user-info hashing) apply to every
dispatch it has, as SCORM Cloud's destination-level calls do; the hashing flag is also kept on the
destination (GetDestinationHashUserInfo) and given to dispatches created later. Deleting a
destination deletes its dispatches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib import courses, listing, resource_ids, versioning
from chalicelib.dispatch import dispatches, fields
from chalicelib.errors import BadRequest, NotFound
from chalicelib.store import dispatch as store
from chalicelib.timestamps import parse_api_time

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.store.dispatch import DestinationItem

PAGE_SIZE = 100
ORDERS: dict[str, tuple[str, bool]] = {
    "created_asc": ("created", False), "created_desc": ("created", True),
    "updated_asc": ("updated", False), "updated_desc": ("updated", True),
    "name_asc": ("name", False), "name_desc": ("name", True),
}
FILTER_FIELDS = ("destination_id", "id", "name")
LAUNCH_AUTH_TYPES = ("cookies", "vault")


def now() -> datetime:
    return datetime.now(UTC)


def require(realm_id: str, destination_id: str) -> DestinationItem:
    item = store.get_destination(realm_id, destination_id)
    if item is None:
        raise NotFound(f"Destination {destination_id!r} does not exist.")
    return item


def _launch_auth(raw: object) -> dict[str, Any] | None:
    """LaunchAuthSchema ``{type: cookies|vault, options: {ipAddress, fingerprint, expiry, slidingExpiry}}``."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise BadRequest("launchAuth must be an object (LaunchAuthSchema).")
    kind = str(raw.get("type") or "cookies").lower()
    if kind not in LAUNCH_AUTH_TYPES:
        raise BadRequest(f"launchAuth.type must be one of {', '.join(LAUNCH_AUTH_TYPES)}.")
    options = raw.get("options") or {}
    if not isinstance(options, dict):
        raise BadRequest("launchAuth.options must be an object (LaunchAuthOptionsSchema).")
    return {"type": kind, "options": {
        "ipAddress": fields.flag(options.get("ipAddress", False), "launchAuth.options.ipAddress"),
        "fingerprint": fields.flag(options.get("fingerprint", False), "launchAuth.options.fingerprint"),
        "expiry": fields.count(options.get("expiry", 0) or 0, "launchAuth.options.expiry"),
        "slidingExpiry": fields.count(options.get("slidingExpiry", 0) or 0, "launchAuth.options.slidingExpiry")}}


def _name(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 255:
        raise BadRequest("name is required: a string of 1-255 characters (DestinationSchema).")
    return raw


def _new_item(realm_id: str, destination_id: str, data: object) -> DestinationItem:
    if not isinstance(data, dict):
        raise BadRequest("data must be an object (DestinationSchema).")
    moment = now()
    return store.DestinationItem(
        realm_id=realm_id, destination_id=destination_id, name=_name(data.get("name")),
        tags=courses.parse_tags(data.get("tags")), email=fields.text(data.get("email"), "email", 255),
        notes=fields.text(data.get("notes"), "notes"), launch_auth=_launch_auth(data.get("launchAuth")),
        created=moment, updated=moment)


def create_many(realm_id: str, body: object) -> list[DestinationItem]:
    """DestinationListSchema → destinations. Every entry is checked before any is stored."""
    entries = body.get("destinations") if isinstance(body, dict) else None
    if not isinstance(entries, list) or not entries:
        raise BadRequest("The body must be a JSON object with a non-empty destinations list (DestinationListSchema).")
    made: list[DestinationItem] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise BadRequest("destinations: each entry must be an object with id and data (DestinationIdSchema).")
        destination_id = resource_ids.check(entry.get("id"), "id")
        if destination_id in {d.destination_id for d in made}:
            raise BadRequest(f"id: destination {destination_id!r} appears twice.")
        if store.get_destination(realm_id, destination_id) is not None:
            raise BadRequest(f"id: destination {destination_id!r} already exists; change it with "
                             "PUT /dispatch/destinations/{destinationId}.")
        made.append(_new_item(realm_id, destination_id, entry.get("data")))
    for item in made:
        try:
            store.create_destination(item)
        except store.AlreadyExists as err:
            raise BadRequest(f"id: destination {item.destination_id!r} was created meanwhile.") from err
    return made


def change(realm_id: str, destination_id: str, mutate: Callable[[DestinationItem], None]) -> None:
    """Read, change, stamp and save a destination under its version (:mod:`chalicelib.versioning`)."""

    def stamped(item: DestinationItem) -> None:
        mutate(item)
        item.updated = now()

    versioning.change(lambda: require(realm_id, destination_id), stamped, store.save_destination,
                      conflict=store.VersionConflict, noun="destination")


def put(realm_id: str, destination_id: str, body: object) -> None:
    """SetDestination: create (name required) or update the non-null fields given."""
    resource_ids.check(destination_id, "destinationId")
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object (DestinationSchema).")
    if store.get_destination(realm_id, destination_id) is None:
        item = _new_item(realm_id, destination_id, body)
        try:
            store.create_destination(item)
            return
        except store.AlreadyExists:
            pass  # created meanwhile: update it below
    updates: dict[str, Any] = {}
    if body.get("name") is not None:
        updates["name"] = _name(body["name"])
    if body.get("tags") is not None:
        updates["tags"] = courses.parse_tags(body["tags"])
    for name, limit in (("email", 255), ("notes", 4000)):
        if body.get(name) is not None:
            updates[name] = fields.text(body[name], name, limit)
    if body.get("launchAuth") is not None:
        updates["launch_auth"] = _launch_auth(body["launchAuth"])

    def mutate(item: DestinationItem) -> None:
        for attr, value in updates.items():
            setattr(item, attr, value)
    change(realm_id, destination_id, mutate)


def _dispatch_counts(realm_id: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for found in store.list_dispatches(realm_id):
        counts[found.destination_id] = counts.get(found.destination_id, 0) + 1
    return counts


def destination_json(item: DestinationItem, dispatch_count: int | None = None) -> dict[str, Any]:
    """DestinationInfoSchema (``dispatchCount`` only when asked for)."""
    shown: dict[str, Any] = {
        "name": item.name, "updated": courses.iso(item.updated), "created": courses.iso(item.created),
        "tags": list(item.tags or []), "email": item.email or "", "notes": item.notes or "",
        "launchAuth": item.launch_auth or {"type": "cookies", "options": {
            "ipAddress": False, "fingerprint": False, "expiry": 0, "slidingExpiry": 0}},
    }
    if dispatch_count is not None:
        shown["dispatchCount"] = dispatch_count
    return shown


def get(realm_id: str, destination_id: str, *, include_dispatch_count: bool = False) -> dict[str, Any]:
    item = require(realm_id, destination_id)
    count = _dispatch_counts(realm_id).get(destination_id, 0) if include_dispatch_count else None
    return destination_json(item, count)


def delete(realm_id: str, destination_id: str) -> None:
    """Delete a destination and every dispatch it has."""
    item = require(realm_id, destination_id)
    dispatches.delete_many(realm_id, dispatches.Query(destination_id=destination_id), narrowed=False)
    store.delete_destination(item)


# --- listing ----------------------------------------------------------------------------------


@dataclass
class Query:
    """GET /dispatch/destinations filters."""

    course_id: str | None = None
    since: str | None = None
    until: str | None = None
    datetime_filter: str = "updated"
    tags: list[str] | None = None
    filter: str | None = None
    filter_by: str = "destination_id"
    order_by: str = "updated_desc"
    offset: int = 0


def query_from(params: dict[str, str]) -> Query:
    resumed = listing.from_more(params, ("includeDispatchCount", "includeTotalCount"), Query)
    if resumed is not None:
        return resumed
    return Query(params.get("courseId") or None, parse_api_time(params.get("since"), "since"),
                 parse_api_time(params.get("until"), "until"),
                 listing.one_of(params, "datetimeFilter", "updated", ("created", "updated")),
                 courses.parse_tags(params.get("tags")) or None, params.get("filter") or None,
                 listing.one_of(params, "filterBy", "destination_id", FILTER_FIELDS),
                 listing.one_of(params, "orderBy", "updated_desc", ORDERS))


def _field(item: DestinationItem, name: str) -> str:
    return {"destination_id": item.destination_id, "id": item.destination_id, "name": item.name,
            "created": item.created.isoformat(), "updated": item.updated.isoformat()}[name]


def _matches(item: DestinationItem, query: Query, with_course: set[str] | None) -> bool:
    return ((with_course is None or item.destination_id in with_course)
            and listing.passes(query, item, _field(item, query.filter_by)))


def list_page(realm_id: str, query: Query, *, include_dispatch_count: bool = False
              ) -> tuple[list[dict[str, Any]], str | None, int]:
    """One page of DestinationInfoIdSchema ``{id, data}``, the next ``more`` token and the total.
    ``courseId`` keeps the destinations that course is dispatched to."""
    with_course = {d.destination_id for d in store.list_dispatches(realm_id) if d.course_id == query.course_id} \
        if query.course_id else None
    found = [d for d in store.list_destinations(realm_id) if _matches(d, query, with_course)]
    key, descending = ORDERS[query.order_by]
    found.sort(key=lambda d: (_field(d, key).lower(), d.destination_id), reverse=descending)
    page, more, total = listing.page_of(found, query, PAGE_SIZE)
    counts = _dispatch_counts(realm_id) if include_dispatch_count else {}
    shown = [{"id": d.destination_id,
              "data": destination_json(d, counts.get(d.destination_id, 0) if include_dispatch_count else None)}
             for d in page]
    return shown, more, total


# --- tags and destination-wide switches -------------------------------------------------------


def tags(realm_id: str, destination_id: str) -> list[str]:
    return [str(t) for t in require(realm_id, destination_id).tags or []]


def change_tags(realm_id: str, destination_id: str, *, add: list[str] | None = None,
                remove: list[str] | None = None) -> None:
    def mutate(item: DestinationItem) -> None:
        item.tags = courses.retagged(item.tags, add, remove)  # type: ignore[assignment]
    change(realm_id, destination_id, mutate)


def _its_dispatches(realm_id: str, destination_id: str) -> list[store.DispatchItem]:
    require(realm_id, destination_id)
    return dispatches.matching(realm_id, dispatches.Query(destination_id=destination_id))


def set_dispatch_field(realm_id: str, destination_id: str, attr: str, value: Any) -> int:
    """Set ``attr`` on every dispatch of the destination (enabled, instanced, counts...)."""
    return dispatches.set_fields(realm_id, _its_dispatches(realm_id, destination_id), **{attr: value})


def set_hash_user_info(realm_id: str, destination_id: str, enabled: bool) -> None:
    change(realm_id, destination_id, lambda item: setattr(item, "hash_user_info", enabled))
    set_dispatch_field(realm_id, destination_id, "hash_user_info", enabled)


def hash_user_info(realm_id: str, destination_id: str) -> bool:
    return bool(require(realm_id, destination_id).hash_user_info)


def registration_count(realm_id: str, destination_id: str) -> int:
    """IntegerResultSchema: the registration counts of its dispatches, added up."""
    return sum(int(d.registration_count or 0) for d in _its_dispatches(realm_id, destination_id))


def reset_registration_count(realm_id: str, destination_id: str) -> None:
    for found in _its_dispatches(realm_id, destination_id):
        dispatches.reset_count(realm_id, found.dispatch_id)
