"""Public invitations (API v2 CreatePublicInvitation, GetPublicInvitation, UpdatePublicInvitation):
one link for anyone; :mod:`.splash` serves it."""

from __future__ import annotations

from typing import Any

from chalicelib import courses
from chalicelib.errors import BadRequest
from chalicelib.invitations import common, fields
from chalicelib.store import invitations as store
from chalicelib.store.invitations import InvitationItem


def create(realm_id: str, body: object, creator: str = "") -> dict[str, Any]:
    """CreatePublicInvitationSchema → PublicInvitationSchema (400 naming a bad field; nothing stored)."""
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object (CreatePublicInvitationSchema).")
    course_id = courses.check_course_id(body.get("courseId"))
    invitation_id = common.new_id()
    cap = fields.cap(body.get("registrationCap"))
    expiration = fields.expiration(body.get("expirationDate"), creating=True)
    post_back = fields.post_back(body.get("postBack"), f"invitation:{realm_id}:{invitation_id}")
    tags = courses.parse_tags(body.get("tags"), "tags")
    creator = fields.creating_user(body.get("creatingUserEmail")) or creator
    course = common.course_for(realm_id, course_id)
    moment = common.now()
    item = InvitationItem(realm_id=realm_id, invitation_id=invitation_id, course_id=course_id,
                          course_title=course.title, public=True, allow_launch=True,
                          allow_new_registrations=True, expiration=expiration, registration_cap=cap,
                          post_back=post_back, tags=tags, creating_user_email=creator, created=moment,
                          updated=moment)
    store.create(item, [], None)
    return common.public_json(item, 0)


def get(realm_id: str, invitation_id: str) -> dict[str, Any]:
    return common.public_json(common.require(realm_id, invitation_id, public=True))


def update(realm_id: str, invitation_id: str, body: object) -> dict[str, Any]:
    """PublicInvitationUpdateSchema: only the fields sent change."""
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object (PublicInvitationUpdateSchema).")

    def apply(item: InvitationItem) -> None:
        if "allowLaunch" in body:
            item.allow_launch = fields.flag(body["allowLaunch"], "allowLaunch", True)
        if "allowNewRegistrations" in body:
            item.allow_new_registrations = fields.flag(body["allowNewRegistrations"], "allowNewRegistrations", True)
        if "registrationCap" in body:
            item.registration_cap = fields.cap(body["registrationCap"])
        if "expirationDate" in body:
            item.expiration = fields.expiration(body["expirationDate"], creating=False)
        if "postBack" in body:
            item.post_back = fields.post_back(body["postBack"], f"invitation:{realm_id}:{invitation_id}")

    return common.public_json(common.change(realm_id, invitation_id, apply, public=True))
