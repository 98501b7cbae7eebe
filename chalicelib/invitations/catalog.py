"""Listing invitations (API v2 GetAllInvitations, GetPublicInvitations, GetPrivateInvitations), the
people each registered (GetPublicUserInvitations, GetPrivateUserInvitations) and tags
(Get/Put/DeleteInvitationTags, PutInvitationTagsBatch).

Lists read a realm's invitations, filter and sort them in memory and page with the opaque ``more``
token (:mod:`chalicelib.listing`), which carries the original filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib import courses, listing
from chalicelib.errors import BadRequest
from chalicelib.invitations import common
from chalicelib.results import schema as results
from chalicelib.store import invitations as store
from chalicelib.store import registrations as registration_store
from chalicelib.timestamps import parse_api_time

if TYPE_CHECKING:
    from chalicelib.store.invitations import InvitationItem, UserInvitationItem

PAGE_SIZE = 50
ORDERS: dict[str, tuple[str, bool]] = {
    "created_asc": ("created", False), "created_desc": ("created", True),
    "updated_asc": ("updated", False), "updated_desc": ("updated", True),
}
#: filterBy → what it matches (case-insensitive substring).
FILTER_FIELDS = ("id", "invitation_id", "course_id", "course_title")
USER_FILTER_FIELDS = ("email", "first_name", "last_name", "name", "registration_id")
LIST_EXTRAS = {"more", "includeRegistrationCount", "includeTotalCount"}
USER_EXTRAS = {"more", "includeRegistrationReport", "includeTotalCount"}


@dataclass
class Query:
    """Filters of an invitation list; ``kind`` is ``all``, ``public`` or ``private``."""

    kind: str = "all"
    course_id: str | None = None
    since: str | None = None
    until: str | None = None
    datetime_filter: str = "updated"
    tags: list[str] | None = None
    filter: str | None = None
    filter_by: str = "id"
    order_by: str = "created_desc"
    offset: int = 0


def query_from(params: dict[str, str], kind: str) -> Query:
    resumed = listing.from_more(params, LIST_EXTRAS, Query)
    if resumed is not None:
        if resumed.kind != kind:
            raise BadRequest("The 'more' token belongs to another list.")
        return resumed
    return Query(kind, params.get("courseId") or None, parse_api_time(params.get("since"), "since"),
                 parse_api_time(params.get("until"), "until"),
                 listing.one_of(params, "datetimeFilter", "updated", ("created", "updated")),
                 courses.parse_tags(params.get("tags")) or None, params.get("filter") or None,
                 listing.one_of(params, "filterBy", "id", FILTER_FIELDS),
                 listing.one_of(params, "orderBy", "created_desc", ORDERS))


def _matches(item: InvitationItem, query: Query) -> bool:
    if query.kind != "all" and bool(item.public) != (query.kind == "public"):
        return False
    if query.course_id and item.course_id != query.course_id:
        return False
    field = {"id": item.invitation_id, "invitation_id": item.invitation_id, "course_id": item.course_id,
             "course_title": item.course_title}[query.filter_by]
    return listing.passes(query, item, field)


def list_items(realm_id: str, query: Query) -> tuple[list[InvitationItem], str | None, int]:
    """One page of invitation items, the next ``more`` token or None, and the total."""
    key, descending = ORDERS[query.order_by]
    found = [i for i in store.list_group(realm_id) if _matches(i, query)]
    found.sort(key=lambda i: (listing.moment(i, key), i.invitation_id), reverse=descending)
    return listing.page_of(found, query, PAGE_SIZE)


def list_page(realm_id: str, query: Query, *,
              with_counts: bool = False) -> tuple[list[dict[str, Any]], str | None, int]:
    """One page of invitations (shape by kind), the next ``more`` token or None, and the total."""
    page, more, total = list_items(realm_id, query)
    if query.kind == "public":
        shown = [common.public_json(i) for i in page]
    elif query.kind == "private":
        shown = [common.private_json(i, common.private_counts(i) if with_counts else None) for i in page]
    else:
        shown = [common.summary_json(i) for i in page]
    return shown, more, total


# --- the people of an invitation ------------------------------------------------------------------


@dataclass
class UserQuery:
    invitation_id: str = ""
    since: str | None = None
    until: str | None = None
    datetime_filter: str = "updated"
    filter: str | None = None
    filter_by: str = "email"
    order_by: str = "created_asc"
    offset: int = 0


def user_query_from(params: dict[str, str], invitation_id: str) -> UserQuery:
    resumed = listing.from_more(params, USER_EXTRAS, UserQuery)
    if resumed is not None:
        if resumed.invitation_id != invitation_id:
            raise BadRequest("The 'more' token belongs to another invitation.")
        return resumed
    return UserQuery(invitation_id, parse_api_time(params.get("since"), "since"),
                     parse_api_time(params.get("until"), "until"),
                     listing.one_of(params, "datetimeFilter", "updated", ("created", "updated")),
                     params.get("filter") or None, listing.one_of(params, "filterBy", "email", USER_FILTER_FIELDS),
                     listing.one_of(params, "orderBy", "created_asc", ORDERS))


def _user_matches(user: UserInvitationItem, query: UserQuery) -> bool:
    field = {"email": user.email, "first_name": user.first_name, "last_name": user.last_name,
             "name": f"{user.first_name} {user.last_name}", "registration_id": user.registration_id}[query.filter_by]
    return listing.passes(query, user, field)


def report(realm_id: str, registration_id: str) -> dict[str, Any] | None:
    """UserInvitationSchemaRegistrationReport of a registration (None when it was deleted)."""
    item = registration_store.get(realm_id, registration_id, consistent=False)
    if item is None:
        return None
    shown = results.registration(item)
    found: dict[str, Any] = {"complete": shown.get("registrationCompletion", "UNKNOWN"),
                             "success": shown.get("registrationSuccess", "UNKNOWN"),
                             "totalSecondsTracked": float(shown.get("totalSecondsTracked") or 0)}
    if shown.get("score"):
        found["score"] = shown["score"]
    return found


def users_page(realm_id: str, public: bool, query: UserQuery, *,
               with_report: bool = False) -> tuple[list[dict[str, Any]], str | None, int]:
    """One page of UserInvitationSchema, the next ``more`` token or None, and the total."""
    item = common.require(realm_id, query.invitation_id, public=public)
    key, descending = ORDERS[query.order_by]
    found = [u for u in store.users(realm_id, query.invitation_id) if _user_matches(u, query)]
    found.sort(key=lambda u: (listing.moment(u, key), int(u.number)), reverse=descending)
    page, more, total = listing.page_of(found, query, PAGE_SIZE)
    shown = [common.user_json(item, u, (report(realm_id, u.registration_id) or {}) if with_report else None)
             for u in page]
    return shown, more, total


# --- tags ----------------------------------------------------------------------------------------------


def tags(realm_id: str, invitation_id: str) -> list[str]:
    return [str(t) for t in common.require(realm_id, invitation_id).tags or []]


def change_tags(realm_id: str, invitation_id: str, *, add: list[str] | None = None,
                remove: list[str] | None = None) -> None:
    def retag(item: InvitationItem) -> None:
        item.tags = courses.retagged(item.tags, add, remove)  # type: ignore[assignment]

    common.change(realm_id, invitation_id, retag)


def tag_batch(realm_id: str, body: object) -> None:
    """BatchTagsSchema ``{ids, tags}``: every id is checked before any is changed."""
    if not isinstance(body, dict) or not isinstance(body.get("ids"), list) or not body["ids"]:
        raise BadRequest("ids is required: a list of invitation ids (BatchTagsSchema).")
    new_tags = courses.parse_tags(body.get("tags"))
    ids = [str(i) for i in body["ids"]]
    for invitation_id in ids:
        common.require(realm_id, invitation_id)
    for invitation_id in ids:
        change_tags(realm_id, invitation_id, add=new_tags)
