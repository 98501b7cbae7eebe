"""What public and private invitations share: ids, states, the API shapes (PublicInvitationSchema,
PrivateInvitationSchema, InvitationSummarySchema, UserInvitationSchema) and the course cascade."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib import vault, versioning
from chalicelib.config import settings
from chalicelib.courses import iso
from chalicelib.errors import NotFound
from chalicelib.store import courses as course_store
from chalicelib.store import invitations as store

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.store.invitations import InvitationItem, UserInvitationItem
    from chalicelib.store.tables import CourseItem

#: Why an invitation does not let someone in, as the learner is told (splash page / link).
STATES: dict[str, tuple[str, str]] = {
    "disabled": ("This invitation has been disabled",
                 "The organiser of this course has switched this invitation off. Ask them for a new link."),
    "expired": ("This invitation has expired",
                "The time to accept this invitation is over. Ask the organiser of this course for a new link."),
    "capped": ("This invitation is full",
               "As many people as this invitation allows have already registered. Ask the organiser of this "
               "course for another link."),
    "closed": ("This invitation takes no new registrations",
               "The organiser of this course has closed this invitation to new people. If you registered "
               "before, enter the same email address."),
    "deleted": ("This course is no longer available",
                "The course of this invitation was deleted, so the invitation ended with it."),
    "unknown": ("No such invitation", "This invitation link is not valid. Check that you copied all of it."),
    "rate": ("Too many attempts", "Too many requests came from your network for this invitation. Wait a few "
             "minutes and try again."),
    "csrf": ("This form has expired", "Reload the invitation page and submit the form again."),
    "bot": ("Your answer could not be accepted", "Reload the invitation page and fill in only the visible fields."),
    "plan": ("This course cannot take new registrations right now",
             "The organiser's plan has no registrations left. Ask them to contact Nimbus support or "
             "to free up registrations."),
}


def now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    """An invitation id: 20 random characters, unguessable (the public link carries it)."""
    return secrets.token_hex(10)


def course_for(realm_id: str, course_id: str) -> CourseItem:
    """The course an invitation is to, or a 404 that names the field."""
    course = course_store.get_course(realm_id, course_id)
    if course is None:
        raise NotFound(f"courseId: there is no course {course_id!r} in this realm.")
    return course


def require(realm_id: str, invitation_id: str, public: bool | None = None) -> InvitationItem:
    """The invitation, or 404 (also when it is of the other kind)."""
    item = store.get(realm_id, invitation_id)
    if item is None or (public is not None and bool(item.public) != public):
        kind = {True: "public ", False: "private ", None: ""}[public]
        raise NotFound(f"There is no {kind}invitation {invitation_id!r}.")
    return item


def change(realm_id: str, invitation_id: str, apply: Callable[[InvitationItem], None], *,
           public: bool | None = None) -> InvitationItem:
    """Read the invitation, ``apply`` a change to it, stamp ``updated`` and save it under its
    version (:func:`chalicelib.versioning.change`: read and applied again after a concurrent write)."""

    def stamped(item: InvitationItem) -> None:
        apply(item)
        item.updated = now()

    return versioning.change(lambda: require(realm_id, invitation_id, public), stamped, store.save,
                             conflict=store.VersionConflict, noun="invitation")


def expired(item: InvitationItem, moment: datetime | None = None) -> bool:
    return item.expiration is not None and item.expiration <= (moment or now())


def launch_problem(item: InvitationItem) -> str | None:
    """Why this invitation may not launch anything now (a key of :data:`STATES`), or None."""
    if not item.allow_launch:
        return "disabled"
    if expired(item):
        return "expired"
    return None


def public_url(realm_id: str, invitation_id: str) -> str:
    return f"{settings().base_url.rstrip('/')}/invite/{realm_id}.{invitation_id}"


def _link_context(realm_id: str, invitation_id: str, number: int) -> str:
    return f"invitation-link:{realm_id}:{invitation_id}:{number}"


def seal_link_secret(realm_id: str, invitation_id: str, number: int) -> str:
    """A new personal-link secret, sealed for storage (it must be read back to resend the link)."""
    return vault.seal(secrets.token_urlsafe(18).encode(), _link_context(realm_id, invitation_id, number))


def link_secret(realm_id: str, invitation_id: str, user: UserInvitationItem) -> str:
    return vault.unseal(str(user.link_secret), _link_context(realm_id, invitation_id, int(user.number))).decode()


def personal_url(realm_id: str, invitation_id: str, user: UserInvitationItem) -> str:
    return f"{public_url(realm_id, invitation_id)}/u/{int(user.number)}.{link_secret(realm_id, invitation_id, user)}"


def post_back_json(item: InvitationItem) -> dict[str, Any] | None:
    """PostBackSchema as shown: the password never leaves (it is sealed at rest)."""
    if not item.post_back:
        return None
    shown = {k: v for k, v in dict(item.post_back).items() if k != "passwordSealed"}
    if item.post_back.get("passwordSealed"):
        shown["password"] = "********"  # noqa: S105 - a mask, not a password
    return shown


def _optional(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


def public_json(item: InvitationItem, count: int | None = None) -> dict[str, Any]:
    """PublicInvitationSchema."""
    return _optional({
        "id": item.invitation_id, "courseId": item.course_id, "courseTitle": item.course_title,
        "allowLaunch": bool(item.allow_launch), "allowNewRegistrations": bool(item.allow_new_registrations),
        "url": public_url(item.realm_id, item.invitation_id), "createDate": iso(item.created),
        "updated": iso(item.updated), "postBack": post_back_json(item), "expirationDate": iso(item.expiration),
        "registrationCap": int(item.registration_cap or 0),
        "registrationCount": count if count is not None else store.registration_count(item.realm_id,
                                                                                       item.invitation_id),
        "tags": list(item.tags or []),
    })


def private_json(item: InvitationItem, counts: tuple[int, int] | None = None) -> dict[str, Any]:
    """PrivateInvitationSchema; ``counts`` = (registrations, launched registrations)."""
    email = dict(item.email or {})
    shown = _optional({
        "id": item.invitation_id, "courseId": item.course_id, "courseTitle": item.course_title,
        "allowLaunch": bool(item.allow_launch),
        "invitationEmail": {"subject": email.get("subject", ""), "body": email.get("body", ""),
                            "addresses": list(email.get("addresses") or [])},
        "createDate": iso(item.created), "updated": iso(item.updated), "postBack": post_back_json(item),
        "expirationDate": iso(item.expiration), "tags": list(item.tags or []),
    })
    if counts is not None:
        shown["registrationCount"], shown["launchedRegistrationCount"] = counts
    return shown


def private_counts(item: InvitationItem) -> tuple[int, int]:
    people = store.users(item.realm_id, item.invitation_id)
    return len(people), sum(1 for p in people if p.launched)


def summary_json(item: InvitationItem) -> dict[str, Any]:
    """InvitationSummarySchema."""
    return {"id": item.invitation_id, "courseId": item.course_id, "isPublic": bool(item.public),
            "createDate": iso(item.created), "updated": iso(item.updated)}


def user_json(item: InvitationItem, user: UserInvitationItem, report: dict[str, Any] | None) -> dict[str, Any]:
    """UserInvitationSchema (``report``: the registration's results, when asked for)."""
    url = personal_url(item.realm_id, item.invitation_id, user) if user.link_secret else \
        public_url(item.realm_id, item.invitation_id)
    shown: dict[str, Any] = {"email": user.email, "url": url, "isStarted": bool(user.launched),
                             "updated": iso(user.updated), "registrationId": user.registration_id,
                             "firstName": user.first_name, "lastName": user.last_name}
    if report is not None:
        shown["registrationReport"] = report
    return shown


def delete_for_course(realm_id: str, course_id: str) -> int:
    """The course cascade: remove every invitation of a course (its link then says the course was
    deleted). Returns how many."""
    doomed = [i for i in store.list_group(realm_id) if i.course_id == course_id]
    for item in doomed:
        store.delete(realm_id, item.invitation_id, item.course_title)
    return len(doomed)
