"""Dispatches: one course delivered to one destination (SCORM Cloud DispatchApi, DispatchSchema).

Defaults are SCORM Cloud's: enabled, instanced, allowNewRegistrations, registrationCap 0
(unlimited), no expiration. Only one dispatch may exist per course + destination (a guard item
written in the same transaction as the dispatch); asking for a second one is a 400 that names
the dispatch holding the pair, as SCORM Cloud answers when a dispatchId is given. Each dispatch
gets an unguessable package key (carried by its shell packages, sealed at rest) and an LTI 1.1
consumer key and shared secret (sealed). The registration count is SCORM Cloud's "convenience
counter": new learners add to it, a reset sets it to 0 (and frees the cap) without touching
registrations.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib import courses, listing, resource_ids, vault, versioning
from chalicelib.dispatch import fields
from chalicelib.errors import BadRequest, NotFound
from chalicelib.store import courses as course_store
from chalicelib.store import dispatch as store
from chalicelib.timestamps import parse_api_time

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from chalicelib.store.dispatch import DispatchItem

PAGE_SIZE = 100
ORDERS: dict[str, tuple[str, bool]] = {
    "created_asc": ("created", False), "created_desc": ("created", True),
    "updated_asc": ("updated", False), "updated_desc": ("updated", True),
    "course_title_asc": ("course_title", False), "course_title_desc": ("course_title", True),
    "destination_name_asc": ("destination_name", False), "destination_name_desc": ("destination_name", True),
}
FILTER_FIELDS = ("dispatch_id", "id", "course_id", "course_title", "destination_id", "destination_name")
#: UpdateDispatchSchema field → (attribute, parser)
UPDATABLE: dict[str, tuple[str, Callable[[object, str], Any]]] = {
    "allowNewRegistrations": ("allow_new_registrations", fields.flag),
    "instanced": ("instanced", fields.flag),
    "enabled": ("enabled", fields.flag),
    "registrationCap": ("registration_cap", fields.count),
    "registrationCount": ("registration_count", fields.count),
    "expirationDate": ("expiration_date", fields.moment),
    "email": ("email", lambda raw, what: fields.text(raw, what, 255)),
    "notes": ("notes", fields.text),
}


def now() -> datetime:
    return datetime.now(UTC)


def _sealed_context(realm_id: str, dispatch_id: str, what: str) -> str:
    return f"dispatch:{what}:{realm_id}:{dispatch_id}"


def package_key(item: DispatchItem) -> str:
    """The unguessable key the dispatch's shell packages carry."""
    return vault.unseal(item.package_key, _sealed_context(item.realm_id, item.dispatch_id, "package")).decode()


def lti_secret(item: DispatchItem) -> str:
    return vault.unseal(item.lti_secret, _sealed_context(item.realm_id, item.dispatch_id, "lti")).decode()


def post_back_schema(item: DispatchItem) -> dict[str, Any] | None:
    """The dispatch's postBack as PostBackSchema, its password opened, for a registration the
    dispatch makes (which seals it again for itself, as an invitation's registrations do); None
    if the dispatch has none."""
    kept = item.post_back or {}
    if not kept.get("url"):
        return None
    sealed = kept.get("password") or ""
    password = vault.unseal(sealed, _sealed_context(item.realm_id, item.dispatch_id, "postback")).decode() \
        if sealed else ""
    return {"url": kept["url"], "authType": kept.get("authType"), "userName": kept.get("userName") or "",
            "password": password, "resultsFormat": kept.get("resultsFormat")}


def require(realm_id: str, dispatch_id: str) -> DispatchItem:
    item = store.get_dispatch(realm_id, dispatch_id)
    if item is None:
        raise NotFound(f"Dispatch {dispatch_id!r} does not exist.")
    return item


# --- shapes -----------------------------------------------------------------------------------


@dataclass
class Names:
    """Course titles and destination names for a set of dispatches (read once per request)."""

    courses: dict[str, str]
    destinations: dict[str, str]

    @classmethod
    def of_realm(cls, realm_id: str) -> Names:
        return cls({c.course_id: c.title for c in course_store.list_courses(realm_id)},
                   {d.destination_id: d.name for d in store.list_destinations(realm_id)})

    @classmethod
    def of_one(cls, item: DispatchItem) -> Names:
        course = course_store.get_course(item.realm_id, item.course_id)
        destination = store.get_destination(item.realm_id, item.destination_id)
        return cls({item.course_id: course.title} if course else {},
                   {item.destination_id: destination.name} if destination else {})


def dispatch_json(item: DispatchItem, names: Names) -> dict[str, Any]:
    """DispatchSchema."""
    shown: dict[str, Any] = {
        "destinationId": item.destination_id, "destinationName": names.destinations.get(item.destination_id, ""),
        "courseId": item.course_id, "courseTitle": names.courses.get(item.course_id, ""),
        "updated": courses.iso(item.updated), "created": courses.iso(item.created),
        "allowNewRegistrations": bool(item.allow_new_registrations), "enabled": bool(item.enabled),
        "instanced": bool(item.instanced), "registrationCap": int(item.registration_cap or 0),
        "registrationCount": int(item.registration_count or 0),
        "registrationResetDate": courses.iso(item.registration_reset_date),
        "expirationDate": courses.iso(item.expiration_date),
        "tags": list(item.tags or []), "email": item.email or "", "notes": item.notes or "",
    }
    return {k: v for k, v in shown.items() if v is not None}


def tags(realm_id: str, dispatch_id: str) -> list[str]:
    return [str(t) for t in require(realm_id, dispatch_id).tags or []]


def get(realm_id: str, dispatch_id: str) -> dict[str, Any]:
    item = require(realm_id, dispatch_id)
    return dispatch_json(item, Names.of_one(item))


# --- create -----------------------------------------------------------------------------------


def _new_item(realm_id: str, dispatch_id: str, data: dict[str, Any]) -> DispatchItem:
    destination_id = resource_ids.check(data.get("destinationId"), "destinationId")
    course_id = courses.check_course_id(data.get("courseId"))
    moment = now()
    item = store.DispatchItem(
        realm_id=realm_id, dispatch_id=dispatch_id, destination_id=destination_id, course_id=course_id,
        allow_new_registrations=fields.flag(data.get("allowNewRegistrations", True), "allowNewRegistrations"),
        instanced=fields.flag(data.get("instanced", True), "instanced"),
        enabled=fields.flag(data.get("enabled", True), "enabled"),
        registration_cap=fields.count(data.get("registrationCap", 0) or 0, "registrationCap"),
        registration_count=0, expiration_date=fields.moment(data.get("expirationDate"), "expirationDate"),
        tags=courses.parse_tags(data.get("tags")), email=fields.text(data.get("email"), "email", 255),
        notes=fields.text(data.get("notes"), "notes"),
        post_back=fields.post_back(data.get("postBack"), _sealed_context(realm_id, dispatch_id, "postback")),
        package_key=vault.seal(secrets.token_urlsafe(32).encode(), _sealed_context(realm_id, dispatch_id, "package")),
        lti_key=f"nimbus-{secrets.token_hex(12)}",
        lti_secret=vault.seal(secrets.token_urlsafe(32).encode(), _sealed_context(realm_id, dispatch_id, "lti")),
        created=moment, updated=moment)
    return item


def _check_new(realm_id: str, item: DispatchItem, seen: set[tuple[str, str]]) -> None:
    pair = (item.course_id, item.destination_id)
    if pair in seen:
        raise BadRequest(f"dispatches: course {item.course_id!r} and destination {item.destination_id!r} "
                         "appear twice; only one dispatch may exist per course and destination.")
    seen.add(pair)
    destination = store.get_destination(realm_id, item.destination_id)
    if destination is None:
        raise BadRequest(f"destinationId: destination {item.destination_id!r} does not exist.")
    item.hash_user_info = bool(destination.hash_user_info)
    if course_store.get_course(realm_id, item.course_id) is None:
        raise BadRequest(f"courseId: course {item.course_id!r} does not exist.")
    if store.get_dispatch(realm_id, item.dispatch_id) is not None:
        raise BadRequest(f"id: dispatch {item.dispatch_id!r} already exists.")
    holder = store.pair_owner(realm_id, item.course_id, item.destination_id)
    if holder is not None:
        raise BadRequest(f"courseId: course {item.course_id!r} is already dispatched to destination "
                         f"{item.destination_id!r} (dispatch {holder!r}); only one dispatch may exist per "
                         "course and destination.")


def create_many(realm_id: str, body: object) -> list[DispatchItem]:
    """CreateDispatchListSchema → dispatches. Every entry is checked before any is stored."""
    entries = body.get("dispatches") if isinstance(body, dict) else None
    if not isinstance(entries, list) or not entries:
        raise BadRequest("The body must be a JSON object with a non-empty dispatches list (CreateDispatchListSchema).")
    made: list[DispatchItem] = []
    seen: set[tuple[str, str]] = set()
    ids: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("data"), dict):
            raise BadRequest("dispatches: each entry must be an object with id and data (CreateDispatchIdSchema).")
        dispatch_id = resource_ids.check(entry.get("id"), "id")
        if dispatch_id in ids:
            raise BadRequest(f"id: dispatch {dispatch_id!r} appears twice.")
        ids.add(dispatch_id)
        item = _new_item(realm_id, dispatch_id, entry["data"])
        _check_new(realm_id, item, seen)
        made.append(item)
    for item in made:
        try:
            store.create_dispatch(item)
        except store.AlreadyExists as err:
            what = "id" if err.what == "dispatch" else "courseId"
            raise BadRequest(f"{what}: dispatch {item.dispatch_id!r} or its course and destination "
                             "were dispatched meanwhile.") from err
    return made


# --- update -----------------------------------------------------------------------------------


def _changes(body: object) -> dict[str, Any]:
    """UpdateDispatchSchema → attribute changes (only non-null values are applied)."""
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object (UpdateDispatchSchema).")
    changes = {attr: parse(body[name], name) for name, (attr, parse) in UPDATABLE.items()
               if body.get(name) is not None}
    if body.get("postBack") is not None:
        changes["post_back"] = body["postBack"]  # sealed per dispatch in _apply
    return changes


def _apply(item: DispatchItem, changes: dict[str, Any]) -> None:
    for attr, value in changes.items():
        sealed = fields.post_back(value, _sealed_context(item.realm_id, item.dispatch_id, "postback")) \
            if attr == "post_back" else value
        setattr(item, attr, sealed)
    item.updated = now()


def change(realm_id: str, dispatch_id: str, mutate: Callable[[DispatchItem], None]) -> DispatchItem:
    """Read, change and save a dispatch under its version (:mod:`chalicelib.versioning`)."""
    return versioning.change(lambda: require(realm_id, dispatch_id), mutate, store.save_dispatch,
                             conflict=store.VersionConflict, noun="dispatch")


def update(realm_id: str, dispatch_id: str, body: object) -> None:
    changes = _changes(body)
    change(realm_id, dispatch_id, lambda item: _apply(item, changes))


def set_fields(realm_id: str, items: Iterable[DispatchItem], **values: Any) -> int:
    """Set attributes on many dispatches (destination-wide switches); returns how many."""
    touched = 0
    for found in items:
        def mutate(item: DispatchItem) -> None:
            for attr, value in values.items():
                setattr(item, attr, value)
            item.updated = now()
        change(realm_id, found.dispatch_id, mutate)
        touched += 1
    return touched


def reset_count(realm_id: str, dispatch_id: str) -> None:
    def mutate(item: DispatchItem) -> None:
        item.registration_count, item.registration_reset_date = 0, now()
    change(realm_id, dispatch_id, mutate)


def registration_count(realm_id: str, dispatch_id: str) -> dict[str, Any]:
    """DispatchRegistrationCountSchema."""
    item = require(realm_id, dispatch_id)
    shown: dict[str, Any] = {"registrationCount": int(item.registration_count or 0)}
    if item.registration_reset_date is not None:
        shown["lastResetDate"] = courses.iso(item.registration_reset_date)
    return shown


def change_tags(realm_id: str, dispatch_id: str, *, add: list[str] | None = None,
                remove: list[str] | None = None) -> None:
    def mutate(item: DispatchItem) -> None:
        item.tags = courses.retagged(item.tags, add, remove)  # type: ignore[assignment]
        item.updated = now()
    change(realm_id, dispatch_id, mutate)


def delete(realm_id: str, dispatch_id: str) -> None:
    store.delete_dispatch(require(realm_id, dispatch_id))


def delete_for_course(realm_id: str, course_id: str) -> int:
    """A deleted course takes its dispatches with it (SCORM Cloud DeleteCourse)."""
    doomed = [d for d in store.list_dispatches(realm_id) if d.course_id == course_id]
    for item in doomed:
        store.delete_dispatch(item)
    store.forget_course(realm_id, course_id)
    return len(doomed)


def dispatched(realm_id: str, course_ids: list[str]) -> dict[str, bool]:
    """Course id → whether it has a dispatch (CourseSchema ``dispatched``)."""
    return {c: n > 0 for c, n in store.course_dispatch_counts(realm_id, course_ids).items()}


# --- listing and filters ----------------------------------------------------------------------


@dataclass
class Query:
    """Filters of GET/PUT/DELETE /dispatch/dispatches (and a destination's dispatches)."""

    destination_id: str | None = None
    course_id: str | None = None
    is_enabled: bool | None = None
    since: str | None = None
    until: str | None = None
    datetime_filter: str = "updated"
    tags: list[str] | None = None
    filter: str | None = None
    filter_by: str = "dispatch_id"
    order_by: str = "updated_desc"
    offset: int = 0

    def narrows(self) -> bool:
        """Whether one of the filters that bulk updates and deletes demand is given."""
        return bool(self.course_id or self.since or self.until or self.tags or self.filter)


def query_from(params: dict[str, str], destination_id: str | None = None, *, paged: bool = True) -> Query:
    if paged:
        resumed = listing.from_more(params, ("includeTotalCount",), Query)
        if resumed is not None:
            return resumed
    enabled = params.get("isEnabled")
    return Query(destination_id, params.get("courseId") or None,
                 fields.flag(enabled, "isEnabled") if enabled not in (None, "") else None,
                 parse_api_time(params.get("since"), "since"), parse_api_time(params.get("until"), "until"),
                 listing.one_of(params, "datetimeFilter", "updated", ("created", "updated")),
                 courses.parse_tags(params.get("tags")) or None, params.get("filter") or None,
                 listing.one_of(params, "filterBy", "dispatch_id", FILTER_FIELDS),
                 listing.one_of(params, "orderBy", "updated_desc", ORDERS) if paged else "updated_desc")


def _field(item: DispatchItem, name: str, names: Names) -> str:
    values = {"dispatch_id": item.dispatch_id, "id": item.dispatch_id, "course_id": item.course_id,
              "course_title": names.courses.get(item.course_id, ""), "destination_id": item.destination_id,
              "destination_name": names.destinations.get(item.destination_id, ""),
              "created": item.created.isoformat(), "updated": item.updated.isoformat()}
    return str(values[name])


def _matches(item: DispatchItem, query: Query, names: Names) -> bool:
    checks = (
        not query.destination_id or item.destination_id == query.destination_id,
        not query.course_id or item.course_id == query.course_id,
        query.is_enabled is None or bool(item.enabled) == query.is_enabled,
    )
    return all(checks) and listing.passes(query, item, _field(item, query.filter_by, names))


def matching(realm_id: str, query: Query, names: Names | None = None) -> list[DispatchItem]:
    names = names or Names.of_realm(realm_id)
    return [d for d in store.list_dispatches(realm_id) if _matches(d, query, names)]


def list_page(realm_id: str, query: Query) -> tuple[list[dict[str, Any]], str | None, int]:
    """One page of DispatchIdSchema ``{id, data}``, the next ``more`` token and the total."""
    names = Names.of_realm(realm_id)
    found = matching(realm_id, query, names)
    key, descending = ORDERS[query.order_by]
    found.sort(key=lambda d: (_field(d, key, names).lower(), d.dispatch_id), reverse=descending)
    page, more, total = listing.page_of(found, query, PAGE_SIZE)
    return [{"id": d.dispatch_id, "data": dispatch_json(d, names)} for d in page], more, total


def _require_narrowed(query: Query) -> None:
    if not query.narrows():
        raise BadRequest("One of courseId, since/until, tags or filter is required, so that not every "
                         "dispatch is changed by accident.")


def update_many(realm_id: str, query: Query, body: object) -> int:
    _require_narrowed(query)
    changes = _changes(body)
    targets = matching(realm_id, query)
    for found in targets:
        change(realm_id, found.dispatch_id, lambda item: _apply(item, changes))
    return len(targets)


def delete_many(realm_id: str, query: Query, *, narrowed: bool = True) -> int:
    if narrowed:
        _require_narrowed(query)
    doomed = matching(realm_id, query)
    for item in doomed:
        store.delete_dispatch(item)
    return len(doomed)
