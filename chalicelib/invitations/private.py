"""Private invitations (API v2 CreatePrivateInvitation, GetPrivateInvitation,
UpdatePrivateInvitation): one registration per learner, made at invitation time and counted
against the plan then (refused as a whole when they do not all fit), and a personal link emailed
to each by a job (:mod:`.jobs`)."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib import courses, registrations
from chalicelib.errors import BadRequest
from chalicelib.invitations import common, fields, jobs
from chalicelib.store import invitations as store
from chalicelib.store.invitations import InvitationItem, JobItem, UserInvitationItem


def _details(realm_id: str, invitation_id: str, post_back: dict[str, Any] | None) -> dict[str, Any]:
    """What a registration keeps of the invitation that made it (its postBack is delivered by the
    postbacks feature)."""
    return {"invitationId": invitation_id, **({"postBack": post_back} if post_back else {})}


def create(realm_id: str, body: object, creator: str = "") -> dict[str, Any]:
    """CreatePrivateInvitationSchema → InvitationSummarySchema.

    Every field is checked before anything is stored; the plan is checked for all learners at
    once (402 naming the limit, nothing created); malformed addresses get no registration and are
    named in the job status."""
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object (CreatePrivateInvitationSchema).")
    course_id = courses.check_course_id(body.get("courseId"))
    invitation_id = common.new_id()
    raw_email = body.get("invitationEmail")
    if not isinstance(raw_email, dict):
        raise BadRequest("invitationEmail is required: an object with addresses (InvitationEmailSchema).")
    text = fields.email_text(raw_email, "invitationEmail")
    good, bad = fields.learners(raw_email.get("addresses"))
    expiration = fields.expiration(body.get("expirationDate"), creating=True)
    post_back = fields.post_back(body.get("postBack"), f"invitation:{realm_id}:{invitation_id}")
    tags = courses.parse_tags(body.get("tags"), "tags")
    option = fields.duplicate_option(body.get("duplicateRegistrationOption"))
    creator = fields.creating_user(body.get("creatingUserEmail")) or creator
    course = common.course_for(realm_id, course_id)
    moment = common.now()
    earlier = _already_invited(realm_id, course_id, {g.email for g in good}) if option != "CREATE_NEW" else {}
    refused = [f"{learner.email}: already invited to this course; duplicateRegistrationOption FAIL sent nothing"
               for learner in good if option == "FAIL" and learner.email in earlier]
    good = [learner for learner in good if not (option == "FAIL" and learner.email in earlier)]
    people = [UserInvitationItem(number=n, email=learner.email, first_name=learner.first_name,
                                 last_name=learner.last_name,
                                 registration_id=earlier.get(learner.email) or str(uuid.uuid4()),
                                 link_secret=common.seal_link_secret(realm_id, invitation_id, n),
                                 created=moment, updated=moment)
              for n, learner in enumerate(good, start=1)]
    registrations.create_many(realm_id, course_id, [
        (p.registration_id, {"id": p.email, "firstName": p.first_name, "lastName": p.last_name, "email": p.email})
        for p in people if p.email not in earlier], details=_details(realm_id, invitation_id, post_back))
    if option == "INSTANCE_EXISTING":
        for person in people:
            if person.email in earlier:
                registrations.reset(realm_id, person.registration_id)
    addresses = [p.email for p in people] + bad
    item = InvitationItem(realm_id=realm_id, invitation_id=invitation_id, course_id=course_id,
                          course_title=course.title, public=False, allow_launch=True, allow_new_registrations=False,
                          expiration=expiration, post_back=post_back, tags=tags, creating_user_email=creator,
                          duplicate_option=option, email={**text, "addresses": addresses}, created=moment,
                          updated=moment)
    job = JobItem(status="STARTED", total=len(addresses) + len(refused), processed=len(bad) + len(refused),
                  errors=[f"{address}: not a valid email address; no registration was made and nothing was sent"
                          for address in bad] + refused, updated=moment)
    store.create(item, people, job)
    jobs.start(realm_id, invitation_id, None)
    return common.summary_json(item)


def _already_invited(realm_id: str, course_id: str, wanted: set[str]) -> dict[str, str]:
    """Email → registration of those of ``wanted`` that a private invitation to this course
    registered before (and whose registration still exists)."""
    found: dict[str, str] = {}
    for item in store.list_group(realm_id):
        if item.public or item.course_id != course_id:
            continue
        for person in store.users(realm_id, item.invitation_id):
            if person.email in wanted and person.email not in found and \
                    registrations.exists(realm_id, person.registration_id):
                found[person.email] = person.registration_id
    return found


def get(realm_id: str, invitation_id: str, *, with_counts: bool = True) -> dict[str, Any]:
    item = common.require(realm_id, invitation_id, public=False)
    return common.private_json(item, common.private_counts(item) if with_counts else None)


def update(realm_id: str, invitation_id: str, body: object) -> dict[str, Any]:
    """PrivateInvitationUpdateSchema: only the fields sent change."""
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object (PrivateInvitationUpdateSchema).")

    def apply(item: InvitationItem) -> None:
        if "allowLaunch" in body:
            item.allow_launch = fields.flag(body["allowLaunch"], "allowLaunch", True)
        if "expirationDate" in body:
            item.expiration = fields.expiration(body["expirationDate"], creating=False)
        if "postBack" in body:
            item.post_back = fields.post_back(body["postBack"], f"invitation:{realm_id}:{invitation_id}")
        if body.get("invitationEmail") is not None:
            email = dict(item.email or {})
            changed = fields.email_text({**email, **body["invitationEmail"]}
                                        if isinstance(body["invitationEmail"], dict) else body["invitationEmail"],
                                        "invitationEmail")
            item.email = {**email, **changed}

    item = common.change(realm_id, invitation_id, apply, public=False)
    return common.private_json(item, common.private_counts(item))


def resend(realm_id: str, invitation_id: str, numbers: list[int] | None) -> dict[str, Any]:
    """Send the invitation email again, to everyone (``numbers`` None) or to some people."""
    item = common.require(realm_id, invitation_id, public=False)
    people = {int(p.number) for p in store.users(realm_id, invitation_id)}
    if numbers is not None:
        unknown = sorted(set(numbers) - people)
        if unknown:
            raise BadRequest(f"people {unknown} are not part of invitation {invitation_id!r}.")
    chosen = sorted(people) if numbers is None else sorted(set(numbers))
    store.job_progress(realm_id, invitation_id, reset=True, status="STARTED", total=len(chosen),
                       when=common.now())
    jobs.start(realm_id, item.invitation_id, chosen)
    return jobs.status(realm_id, invitation_id)
