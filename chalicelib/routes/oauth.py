"""``POST /api/v2/oauth/authenticate/application/token`` (SCORM Cloud API v2 AuthenticationApi
``get_app_token``): form-urlencoded ``scope`` + ``expiration`` → ``ApplicationToken``."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from chalice.app import Blueprint

from chalicelib import permissions, tokens
from chalicelib.errors import BadRequest
from chalicelib.routes import caller

api = Blueprint(__name__)
PERMISSION = permissions.token_endpoint()
FORM = "application/x-www-form-urlencoded"


def _form() -> dict[str, str]:
    raw = api.current_request.raw_body or b""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        parsed = parse_qs(text, keep_blank_values=True, strict_parsing=bool(raw.strip()))
    except (UnicodeDecodeError, ValueError) as err:
        raise BadRequest(f"Request body is not a valid form (application/x-www-form-urlencoded): {err}") from err
    return {name: values[-1] for name, values in parsed.items()}


@api.route("/oauth/authenticate/application/token", methods=["POST"], content_types=[FORM])
def application_token() -> dict[str, Any]:
    form, who = _form(), caller(api)
    scopes = tokens.parse_scopes(form.get("scope"))
    seconds = tokens.parse_seconds(form.get("expiration"))
    token = tokens.mint(who.realm_id, who.principal, scopes, seconds, management=who.kind == "app_management")
    return {"access_token": token, "expires_in": seconds, "token_type": "Bearer"}
