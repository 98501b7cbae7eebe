"""``/api/users``: the People section (owners and administrators add people with a role,
change roles, remove them); ``/api/me/*``: the signed-in person's own settings and, for
learners, their registrations."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from chalice.app import Blueprint, Response

from chalicelib import accounts, permissions, registrations
from chalicelib.config import settings
from chalicelib.middleware import request_object
from chalicelib.routes import caller
from chalicelib.routes.session import _cookie
from chalicelib.runtime import launch

api = Blueprint(__name__)
PERMISSION = permissions.web(permissions.ADMINS)
EVERYONE = permissions.web(permissions.MEMBERS)
JSON = ["application/json"]




@api.route("/api/users", methods=["GET"])
def list_people() -> dict[str, Any]:
    return {"people": accounts.list_members(caller(api).realm_id)}


@api.route("/api/users", methods=["POST"], content_types=JSON)
def add_person() -> dict[str, Any]:
    """Add a person with a role; a new person's first password is in the answer, once."""
    body = request_object(api.current_request)
    member, password = accounts.add_member(caller(api), body.get("email"), body.get("role"), body.get("name", ""))
    return {"person": member, "initialPassword": password}


@api.route("/api/users/{email}", methods=["PUT"], content_types=JSON)
def change_role(email: str) -> dict[str, Any]:
    return accounts.set_role(caller(api), unquote(email), request_object(api.current_request).get("role"))


@api.route("/api/users/{email}", methods=["DELETE"])
def remove_person(email: str) -> Response:
    accounts.remove_member(caller(api), unquote(email))
    return Response(body="", status_code=204)


@api.route("/api/me/password", methods=["PUT"], content_types=JSON)
@permissions.declare(EVERYONE)
def change_password() -> Response:
    body = request_object(api.current_request)
    accounts.change_password(caller(api), body.get("currentPassword"), body.get("newPassword"))
    return Response(body="", status_code=204)


@api.route("/api/me/email", methods=["PUT"], content_types=JSON)
@permissions.declare(EVERYONE)
def change_email() -> Response:
    """Change the sign-in email; the old session ends and a new one is set."""
    body, who = request_object(api.current_request), caller(api)
    user = accounts.change_email(who, body.get("email"), body.get("currentPassword"))
    done = accounts.open_session(user, who.realm_id)
    return Response(body={"email": user.email, "csrfToken": done.csrf_token},
                    headers={"Set-Cookie": _cookie(done.token, done.max_age), "Cache-Control": "no-store"})


@api.route("/api/me/registrations", methods=["GET"])
@permissions.declare(EVERYONE)
def my_registrations() -> dict[str, Any]:
    """The learner page: the caller's own registrations (learner id or email = their email)."""
    who = caller(api)
    return {"learnerId": who.principal, "registrations": registrations.for_learner(who.realm_id, who.principal)}


@api.route("/api/me/registrations/{registrationId}/launch", methods=["POST"])
@permissions.declare(EVERYONE)
def launch_my_registration(registrationId: str) -> dict[str, str]:  # noqa: N803 - API path name
    """A single-use launch link to one of the caller's own registrations; back to /learn on exit."""
    who = caller(api)
    registrations.require_learners(who.realm_id, unquote(registrationId), who.principal)
    link = launch.launch_link(who.realm_id, unquote(registrationId),
                              {"redirectOnExitUrl": f"{settings().base_url}/learn", "expiry": 120})
    return {"launchLink": link}
