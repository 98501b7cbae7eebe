"""What happens behind an invitation link, for a visitor who is not signed in.

* ``GET /invite/{realm}.{id}`` — a public invitation's splash page (:func:`open_public`);
* ``POST /invite/{realm}.{id}`` — its form (:func:`accept`): an address seen before resumes its
  registration; a new one takes a seat (the cap is one conditional write), gets a registration
  (counted against the plan) and is launched;
* ``GET /invite/{realm}.{id}/u/{n}.{secret}`` — a private invitation's personal link
  (:func:`open_personal`): launches that person's registration.

Defences: a CSRF token bound to a cookie (double submit: the form carries an HMAC of the cookie's
random value and the invitation, checked in constant time), a honeypot field, rate limits per IP
address and invitation (:data:`LIMITS`), and pages that show nothing of anyone else. Each outcome
is an :class:`Outcome`: a page (with its status and state) or a redirect to a launch link.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from chalicelib import plans, registrations
from chalicelib.config import settings
from chalicelib.errors import ApiError
from chalicelib.invitations import common, fields, pages
from chalicelib.runtime import launch
from chalicelib.store import courses as course_store
from chalicelib.store import invitations as store
from chalicelib.store.invitations import InvitationItem, UserInvitationItem

COOKIE = "nimbus_invite"
#: Requests per IP address and invitation in a window of ``seconds``: (kind → (hits, seconds)).
LIMITS: dict[str, tuple[int, int]] = {"view": (120, 600), "submit": (10, 600)}
#: HTTP status of each refusal page.
STATUS: dict[str, int] = {"unknown": 404, "deleted": 410, "disabled": 403, "expired": 410, "capped": 409,
                          "closed": 403, "plan": 403, "rate": 429, "csrf": 403, "bot": 400}
LAUNCH_OPTIONS = {"expiry": 120, "redirectOnExitUrl": "message"}


@dataclass
class Outcome:
    status: int
    html: str = ""
    location: str = ""
    state: str = ""
    cookies: list[str] = field(default_factory=list)


def _refuse(state: str, course_title: str = "") -> Outcome:
    return Outcome(STATUS.get(state, 400), pages.problem(state, course_title), state=state)


def parse_ref(ref: str) -> tuple[str, str] | None:
    realm_id, _, invitation_id = ref.partition(".")
    plain = all(c.isalnum() or c in "-_" for c in realm_id + invitation_id)
    if not realm_id or not invitation_id or len(ref) > 200 or not plain:
        return None
    return realm_id, invitation_id


def _find(ref: str, public: bool) -> tuple[InvitationItem | None, Outcome | None]:
    parsed = parse_ref(ref)
    if parsed is None:
        return None, _refuse("unknown")
    realm_id, invitation_id = parsed
    item = store.get(realm_id, invitation_id)
    if item is None:
        gone = store.gone(realm_id, invitation_id)
        return None, _refuse("deleted", gone.course_title) if gone else _refuse("unknown")
    if bool(item.public) != public:
        return None, _refuse("unknown")
    if course_store.get_course(realm_id, item.course_id) is None:
        return None, _refuse("deleted", item.course_title)
    problem = common.launch_problem(item)
    if problem:
        return None, _refuse(problem, item.course_title)
    return item, None


def _limited(item: InvitationItem, client_ip: str, kind: str) -> bool:
    allowed, seconds = LIMITS[kind]
    return store.hit(item.realm_id, f"{item.invitation_id}#{kind}", client_ip or "unknown", seconds) > allowed


def _form_token(cookie: str, item: InvitationItem) -> str:
    return hmac.new(cookie.encode(), f"{item.realm_id}.{item.invitation_id}".encode(), hashlib.sha256).hexdigest()


def cookie_path() -> str:
    """``/invite/`` under the public base URL's path (API Gateway serves the app under ``/api``)."""
    return urlsplit(settings().base_url).path.rstrip("/") + "/invite/"


def _cookie_header(value: str, secure: bool) -> str:
    return (f"{COOKIE}={value}; Path={cookie_path()}; HttpOnly; SameSite=Strict; Max-Age=86400"
            + ("; Secure" if secure else ""))


def _description(item: InvitationItem) -> str:
    course = course_store.get_course(item.realm_id, item.course_id)
    return str(course.description or "") if course is not None else ""


def _form(item: InvitationItem, cookie: str | None, secure: bool, *, status: int = 200,
          values: dict[str, str] | None = None, error: str = "") -> Outcome:
    fresh = cookie if cookie and len(cookie) >= 32 else secrets.token_urlsafe(32)
    note = ""
    count = store.registration_count(item.realm_id, item.invitation_id)
    if not item.allow_new_registrations or (item.registration_cap and count >= int(item.registration_cap)):
        note = "This invitation takes no new people now; if you registered before, enter the same email address."
    html = pages.splash(item.course_title, _description(item), _form_token(fresh, item), values=values,
                        error=error, note=note)
    return Outcome(status, html, state="form", cookies=[] if fresh == cookie else [_cookie_header(fresh, secure)])


def open_public(ref: str, client_ip: str, cookie: str | None, secure: bool) -> Outcome:
    item, refused = _find(ref, public=True)
    if item is None:
        return refused or _refuse("unknown")
    if _limited(item, client_ip, "view"):
        return _refuse("rate", item.course_title)
    return _form(item, cookie, secure)


def _launch(item: InvitationItem, user: UserInvitationItem) -> Outcome:
    if not registrations.exists(item.realm_id, user.registration_id):
        return _refuse("unknown", item.course_title)
    link = launch.launch_link(item.realm_id, user.registration_id, dict(LAUNCH_OPTIONS))
    store.mark_user(user, launched=True, when=common.now())
    return Outcome(303, location=link, state="launch")


def _visitor(form: dict[str, str]) -> tuple[dict[str, str], str]:
    """The form's values and the first problem with them ("" when none)."""
    values = {name: (form.get(name) or "").strip() for name in ("firstName", "lastName", "email")}
    try:
        for name, label in (("firstName", "First name"), ("lastName", "Last name")):
            values[name] = fields.header_text(values[name], label)
    except ApiError as err:
        return values, err.message
    if not values["firstName"] or not values["lastName"]:
        return values, "Enter your first and last name."
    if not fields.valid_email(values["email"]):
        return values, "Enter a valid email address."
    values["email"] = values["email"].lower()
    return values, ""


def accept(ref: str, form: dict[str, str], client_ip: str, cookie: str | None,  # noqa: PLR0911 - one per refusal
           secure: bool) -> Outcome:
    """The splash form was submitted: resume or register, then launch."""
    item, refused = _find(ref, public=True)
    if item is None:
        return refused or _refuse("unknown")
    if _limited(item, client_ip, "submit"):
        return _refuse("rate", item.course_title)
    if not cookie or not hmac.compare_digest(_form_token(cookie, item), form.get("csrf", "")):
        return _refuse("csrf", item.course_title)
    if form.get("website"):
        return _refuse("bot", item.course_title)
    values, error = _visitor(form)
    if error:
        return _form(item, cookie, secure, status=400, values=values, error=error)
    known = store.user_by_email(item.realm_id, item.invitation_id, values["email"])
    if known is not None:
        if registrations.exists(item.realm_id, known.registration_id):
            return _launch(item, known)
        # its registration was deleted since (API, "Clear Existing Registrations"): register anew
        store.remove_user(item.realm_id, item.invitation_id, known)
        store.give_back_seat(item.realm_id, item.invitation_id)
    return _register(item, values)


def _register(item: InvitationItem, values: dict[str, str]) -> Outcome:
    if not item.allow_new_registrations:
        return _refuse("closed", item.course_title)
    try:
        plans.check_registration_allowed(item.realm_id)
        store.take_seat(item.realm_id, item.invitation_id, int(item.registration_cap or 0))
    except store.CapReached:
        return _refuse("capped", item.course_title)
    except plans.PlanLimitReached:
        return _refuse("plan", item.course_title)
    moment = common.now()
    user = UserInvitationItem(number=time.time_ns() // 1000 % 10**15, email=values["email"],
                              first_name=values["firstName"], last_name=values["lastName"],
                              registration_id=str(uuid.uuid4()), created=moment, updated=moment)
    try:
        store.add_user(user, item.realm_id, item.invitation_id)
    except store.Exists:  # the same address, submitted twice at once: the other one registered it
        store.give_back_seat(item.realm_id, item.invitation_id)
        known = store.user_by_email(item.realm_id, item.invitation_id, values["email"])
        return _launch(item, known) if known else _refuse("unknown", item.course_title)
    details = {"invitationId": item.invitation_id, **({"postBack": item.post_back} if item.post_back else {})}
    try:
        registrations.create(item.realm_id, {
            "registrationId": user.registration_id, "courseId": item.course_id,
            "learner": {"id": user.email, "firstName": user.first_name, "lastName": user.last_name,
                        "email": user.email}}, details=details)
    except ApiError as err:
        store.remove_user(item.realm_id, item.invitation_id, user)
        store.give_back_seat(item.realm_id, item.invitation_id)
        return _refuse("plan" if isinstance(err, plans.PlanLimitReached) else "unknown", item.course_title)
    return _launch(item, user)


def open_personal(ref: str, token: str, client_ip: str) -> Outcome:
    """A private invitation's personal link: launch that person's registration."""
    item, refused = _find(ref, public=False)
    if item is None:
        return refused or _refuse("unknown")
    if _limited(item, client_ip, "view"):
        return _refuse("rate", item.course_title)
    number, _, secret = token.partition(".")
    user = store.get_user(item.realm_id, item.invitation_id, int(number)) if number.isdigit() else None
    if user is None or not user.link_secret or \
            not hmac.compare_digest(common.link_secret(item.realm_id, item.invitation_id, user), secret):
        return _refuse("unknown")
    return _launch(item, user)


