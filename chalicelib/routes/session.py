"""``/api/session``: the web app's sign-in, current session and sign-out."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import accounts, identity
from chalicelib.config import settings
from chalicelib.errors import BadRequest, Unauthorized
from chalicelib.middleware import request_json
from chalicelib.store import repos

api = Blueprint(__name__)


def _session_body(user: Any, csrf_token: str) -> dict[str, Any]:
    realm = repos.get_realm(user.realm_id)
    return {
        "user": {"id": user.user_id, "email": user.email, "name": user.name, "role": user.role},
        "realm": {"id": user.realm_id, "name": realm.name if realm else user.realm_id},
        "csrfToken": csrf_token,
    }


def _cookie(value: str, max_age: int) -> str:
    secure = "; Secure" if settings().base_url.startswith("https://") else ""
    return (f"{identity.SESSION_COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; "
            f"SameSite=Strict{secure}")


@api.route("/api/session", methods=["POST"], content_types=["application/json"])
def sign_in() -> Response:
    body = request_json(api.current_request)
    if not isinstance(body, dict):
        raise BadRequest("Request body must be a JSON object with email and password.")
    done = accounts.sign_in(body.get("email"), body.get("password"))
    return Response(body=_session_body(done.user, done.csrf_token),
                    headers={"Set-Cookie": _cookie(done.token, done.max_age),
                             "Cache-Control": "no-store"})


@api.route("/api/session", methods=["GET"])
def current() -> Response:
    token = identity.session_token(api.current_request)
    found = repos.get_session(token) if token else None
    if found is None:
        raise Unauthorized("Sign in first.")
    session, user = found
    return Response(body=_session_body(user, session.csrf_token),
                    headers={"Cache-Control": "no-store"})


@api.route("/api/session", methods=["DELETE"])
def sign_out() -> Response:
    request = api.current_request
    identity.user_caller(request)
    accounts.sign_out(identity.session_token(request) or "")
    return Response(body="", status_code=204, headers={"Set-Cookie": _cookie("", 0)})
