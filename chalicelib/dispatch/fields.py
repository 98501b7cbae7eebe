"""Request fields of the dispatch schemas (DestinationSchema, CreateDispatchSchema,
UpdateDispatchSchema, EnabledSchema, PostBackSchema), each checked with a 400 that names it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib import vault
from chalicelib.errors import BadRequest

POSTBACK_AUTH = ("FORM", "HTTPBASIC")
POSTBACK_FORMATS = ("COURSE", "ACTIVITY", "FULL")


def text(raw: object, what: str, limit: int = 4000) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str) or len(raw) > limit:
        raise BadRequest(f"{what} must be a string of at most {limit} characters.")
    return raw


def flag(raw: object, what: str) -> bool:
    """A JSON boolean (the SDK sends true/false; "true"/"false" strings are accepted too)."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise BadRequest(f"{what} must be true or false.")


def count(raw: object, what: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise BadRequest(f"{what} must be a whole number of at least 0.")
    return raw


def moment(raw: object, what: str) -> datetime | None:
    """An ISO 8601 date-time (naive: UTC), or None for null / empty."""
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise BadRequest(f"{what} must be an ISO 8601 date-time.")
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as err:
        raise BadRequest(f"{what} must be an ISO 8601 date-time, not {raw!r}.") from err
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def enabled_body(body: object) -> bool:
    """EnabledSchema: ``{"enabled": true|false}``."""
    if not isinstance(body, dict) or "enabled" not in body:
        raise BadRequest("The body must be a JSON object with enabled (EnabledSchema).")
    return flag(body["enabled"], "enabled")


def post_back(raw: object, context: str) -> dict[str, Any] | None:
    """PostBackSchema; the password is sealed (``vault``) under ``context``."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise BadRequest("postBack must be an object (PostBackSchema).")
    url = text(raw.get("url"), "postBack.url", 2048)
    if url and not url.startswith(("http://", "https://")):
        raise BadRequest("postBack.url must be an http or https URL.")
    auth = str(raw.get("authType") or "FORM").upper().replace("UNDEFINED", "FORM")  # the SDK's default
    if auth not in POSTBACK_AUTH:
        raise BadRequest(f"postBack.authType must be one of {', '.join(POSTBACK_AUTH)}.")
    results = str(raw.get("resultsFormat") or "COURSE").upper().replace("UNDEFINED", "COURSE")
    if results not in POSTBACK_FORMATS:
        raise BadRequest(f"postBack.resultsFormat must be one of {', '.join(POSTBACK_FORMATS)}.")
    password = text(raw.get("password"), "postBack.password", 255)
    return {"url": url, "authType": auth, "userName": text(raw.get("userName"), "postBack.userName", 255),
            "password": vault.seal(password.encode(), context) if password else "",
            "resultsFormat": results, "legacy": flag(raw.get("legacy", False), "postBack.legacy")}
