"""``/api/session``: the web app's sign-in, current session, realm switch and sign-out;
``/api/signup``: a new realm on the trial plan with its Owner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Response

from chalicelib import accounts, identity, permissions
from chalicelib.config import settings
from chalicelib.errors import Unauthorized
from chalicelib.middleware import request_object
from chalicelib.routes import caller
from chalicelib.store import repos

if TYPE_CHECKING:
    from chalicelib.identity import Caller

api = Blueprint(__name__)
PERMISSION = permissions.web(permissions.MEMBERS)


def _session_body(who: Caller, csrf_token: str) -> dict[str, Any]:
    user = repos.get_user(who.principal)
    realm = repos.get_realm(who.realm_id)
    return {
        "user": {"id": who.user_id, "email": who.principal, "name": user.name if user else "",
                 "role": who.role},
        "realm": {"id": who.realm_id, "name": realm.name if realm else who.realm_id},
        "realms": accounts.my_realms(who.principal),
        "csrfToken": csrf_token,
    }


def _cookie(value: str, max_age: int) -> str:
    secure = "; Secure" if settings().base_url.startswith("https://") else ""
    return (f"{identity.SESSION_COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; "
            f"SameSite=Strict{secure}")




def signed_in_response(done: accounts.SignedIn, realm_id: str | None = None) -> Response:
    """The session body and cookie for a just-opened session."""
    who_realm, role = identity.current_membership(done.user, realm_id)
    who = identity.Caller(kind="user", realm_id=who_realm, principal=done.user.email, role=role,
                          user_id=done.user.user_id)
    return Response(body=_session_body(who, done.csrf_token),
                    headers={"Set-Cookie": _cookie(done.token, done.max_age), "Cache-Control": "no-store"})


@api.route("/api/session", methods=["POST"], content_types=["application/json"])
@permissions.declare(permissions.public("signing in is how a person obtains credentials"))
def sign_in() -> Response:
    body = request_object(api.current_request)
    return signed_in_response(accounts.sign_in(body.get("email"), body.get("password")))


@api.route("/api/signup", methods=["POST"], content_types=["application/json"])
@permissions.declare(permissions.public("signing up creates a realm and its first credentials"))
def sign_up() -> Response:
    body = request_object(api.current_request)
    done = accounts.sign_up(body.get("realmName"), body.get("email"), body.get("password"))
    return signed_in_response(done, repos.get_user(done.user.email).realm_id)  # type: ignore[union-attr]


def _session() -> Any:
    found = repos.get_session(identity.session_token(api.current_request) or "")
    if found is None:
        raise Unauthorized("Sign in first.")
    return found[0]


@api.route("/api/session", methods=["GET"])
def current() -> Response:
    return Response(body=_session_body(caller(api), _session().csrf_token),
                    headers={"Cache-Control": "no-store"})


@api.route("/api/session/realm", methods=["PUT"], content_types=["application/json"])
def switch_realm() -> Response:
    """Work in another realm the person belongs to."""
    session, who = _session(), caller(api)
    realm_id = accounts.switch_realm(session, who, request_object(api.current_request).get("realmId"))
    user = repos.get_user(who.principal)
    assert user is not None  # noqa: S101 - the middleware just found them
    realm_id, role = identity.current_membership(user, realm_id)
    switched = identity.Caller(kind="user", realm_id=realm_id, principal=who.principal, role=role,
                               user_id=who.user_id)
    return Response(body=_session_body(switched, session.csrf_token), headers={"Cache-Control": "no-store"})


@api.route("/api/session", methods=["DELETE"])
def sign_out() -> Response:
    accounts.sign_out(identity.session_token(api.current_request) or "")
    return Response(body="", status_code=204, headers={"Set-Cookie": _cookie("", 0)})
