"""A registration's postback settings: PostBackSchema in, a stored form out (password sealed).

PostBackSchema (API v2): ``url``, ``authType`` (UNDEFINED / FORM / HTTPBASIC), ``userName``,
``password``, ``resultsFormat`` (UNDEFINED / COURSE / ACTIVITY / FULL), ``legacy``. UNDEFINED
means SCORM Cloud's defaults: no credentials (JSON body) and COURSE.
"""

from __future__ import annotations

from typing import Any

from chalicelib import outbound, vault
from chalicelib.errors import BadRequest

AUTH_TYPES = ("UNDEFINED", "FORM", "HTTPBASIC")
RESULTS_FORMATS = ("UNDEFINED", "COURSE", "ACTIVITY", "FULL")
MAX_URL = 2048


def _context(realm_id: str, subject: str) -> str:
    return f"postback:{realm_id}:{subject}"


def _choice(raw: dict[str, Any], name: str, allowed: tuple[str, ...], where: str) -> str:
    value = raw.get(name) or "UNDEFINED"
    if not isinstance(value, str) or value.upper() not in allowed:
        raise BadRequest(f"{where}.{name} must be one of {', '.join(allowed)}.")
    return value.upper()


def parse(raw: object, realm_id: str, subject: str, where: str = "postBack") -> dict[str, Any] | None:
    """Validate PostBackSchema; the stored settings (None: no postback). ``subject`` binds the
    sealed password to its registration, so it cannot be replayed elsewhere."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise BadRequest(f"{where} must be an object (PostBackSchema).")
    url = raw.get("url")
    if url in (None, ""):
        return None
    if not isinstance(url, str) or len(url) > MAX_URL:
        raise BadRequest(f"{where}.url must be a URL of at most {MAX_URL} characters.")
    if raw.get("legacy") is True:
        raise BadRequest(f"{where}.legacy: API v1 (XML) postbacks are not supported; send JSON postbacks.")
    auth = _choice(raw, "authType", AUTH_TYPES, where)
    results_format = _choice(raw, "resultsFormat", RESULTS_FORMATS, where)
    user, password = raw.get("userName") or "", raw.get("password") or ""
    if not isinstance(user, str) or not isinstance(password, str):
        raise BadRequest(f"{where}.userName and {where}.password must be strings.")
    if auth == "HTTPBASIC" and (not user or ":" in user):
        raise BadRequest(f"{where}.userName is required for HTTPBASIC and may not contain ':'.")
    try:  # the address is checked again at every delivery (DNS may change)
        outbound.resolve(url)
    except outbound.OutboundRefused as err:
        raise BadRequest(f"{where}.url is refused: {err}.") from err
    stored: dict[str, Any] = {"url": url, "authType": auth,
                              "resultsFormat": "COURSE" if results_format == "UNDEFINED" else results_format,
                              "userName": user}
    if password:
        stored["password"] = vault.seal(password.encode(), _context(realm_id, subject))
    return stored


def password(stored: dict[str, Any], realm_id: str, subject: str) -> str:
    sealed = stored.get("password")
    return vault.unseal(sealed, _context(realm_id, subject)).decode() if sealed else ""


def shown(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """The settings as the API shows them: never the password."""
    if not stored:
        return None
    return {"url": stored["url"], "authType": stored["authType"], "userName": stored.get("userName", ""),
            "resultsFormat": stored["resultsFormat"], "passwordSet": bool(stored.get("password"))}
