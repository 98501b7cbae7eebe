"""A Reportage link opens the web app's Reportage page signed in — to reports only.

SCORM Cloud's ``reportageLink`` logs the holder into Reportage. Here:

1. ``reportageAuth`` stores a **grant** (:func:`grant`): a random 256-bit token, bound to the
   realm and the calling app, with the navigation permission asked for; it lasts 5 minutes and
   only its SHA-256 is stored;
2. ``reportageLink`` checks that the token is a live grant of the caller's realm and returns
   ``{baseUrl}/reportage/view?auth=…&report=…&key=…``;
3. opening the link (:func:`open_link`) **takes** the grant — a conditional delete, so the same
   link opened a second time is refused (401) — and opens a reports-only session: a cookie
   ``nimbus_reportage`` (HttpOnly, SameSite=Strict, Path ``/api/app/reportage-link``, 1 hour) and a
   303 to the SPA's ``/reportage/link?report=…`` page;
4. that session is a caller of kind ``reportage`` (:func:`caller`) that only the
   ``/api/app/reportage-link/*`` routes accept (GET only): no other API route takes it, the cookie
   is not even sent elsewhere, and it never carries a person's role. ``navPermission`` limits it
   (:func:`check_report`): ``NONAV`` only the linked report; ``DOWNONLY`` the linked report and,
   from the overview, the reports it drills down to; ``FREENAV`` every report of the realm. The
   ``admin`` flag SCORM Cloud accepts is recorded but grants nothing (never an admin session).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from chalicelib.config import settings
from chalicelib.errors import BadRequest, Forbidden, Unauthorized
from chalicelib.identity import SAFE_METHODS, Caller
from chalicelib.store import reportage_sessions as store
from chalicelib.store import repos

if TYPE_CHECKING:
    from chalice.app import Request

KIND = "reportage"
COOKIE = "nimbus_reportage"
COOKIE_PATH = "/api/app/reportage-link"
SPA_PATH = "/reportage/link"
GRANT_SECONDS = 300
SESSION_SECONDS = 3600
NAV_PERMISSIONS = ("NONAV", "DOWNONLY", "FREENAV")
USED = ("This Reportage link is not valid: it was opened already, has expired (links last 5 minutes) "
        "or was never issued. Ask for a new one.")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def grant(realm_id: str, app_id: str, nav: str, *, admin: bool) -> str:
    """A new one-time Reportage token of the app (see the module docstring)."""
    if nav not in NAV_PERMISSIONS:
        raise BadRequest(f"navPermission must be one of {', '.join(NAV_PERMISSIONS)}.")
    token = secrets.token_urlsafe(32)
    store.save_grant(_digest(token), realm_id, app_id, nav, admin=admin, seconds=GRANT_SECONDS)
    return token


def check_grant(realm_id: str, token: str) -> None:
    """400 unless ``token`` is a live, unused grant of ``realm_id``."""
    found = store.get_grant(_digest(token)) if token else None
    if found is None or found.realm_id != realm_id:
        raise BadRequest("auth: not a live reportageAuth token of this realm (they last 5 minutes and open once).")


@dataclass(frozen=True)
class Opened:
    cookie: str  # Set-Cookie value
    location: str  # the SPA page of the report


def cookie_header(value: str, max_age: int) -> str:
    secure = "; Secure" if settings().base_url.startswith("https://") else ""
    return f"{COOKIE}={value}; Path={COOKIE_PATH}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"


def open_link(token: str, report: str, key: str, first: str = "", last: str = "") -> Opened:
    """Take the grant (once) and open a reports-only session on ``report``/``key``."""
    taken = store.take_grant(_digest(token)) if token else None
    if taken is None:
        raise Unauthorized(USED)
    session_token = secrets.token_urlsafe(32)
    store.save_session(_digest(session_token), taken, report, key, SESSION_SECONDS)
    shown = {"report": report, "key": key if report != "overview" else "", "from": first, "to": last}
    return Opened(cookie=cookie_header(session_token, SESSION_SECONDS),
                  location=f"{SPA_PATH}?{urlencode({k: v for k, v in shown.items() if v})}")


def caller(event: Request) -> Caller:
    """The reports-only session of the request's ``nimbus_reportage`` cookie, or 401."""
    raw = event.headers.get("cookie") or ""
    try:
        morsel = SimpleCookie(raw).get(COOKIE) if raw else None
    except CookieError:
        morsel = None
    found = store.get_session(_digest(morsel.value)) if morsel and morsel.value else None
    if found is None:
        raise Unauthorized("This Reportage session has ended; open a new Reportage link.")
    if event.method not in SAFE_METHODS:
        raise Forbidden("A Reportage link session can only read reports.")
    return Caller(kind=KIND, realm_id=found.realm_id, principal=found.app_id, role="reports",
                  scopes=frozenset({"read:reporting", f"nav:{found.nav}", f"report:{found.report}",
                                    f"key:{found.key}"}))


def scope(who: Caller) -> dict[str, str]:
    """The session's navigation permission and the report its link named."""
    found = {name: value for name, _, value in (s.partition(":") for s in who.scopes)}
    return {"nav": found.get("nav", "NONAV"), "report": found.get("report", "overview"), "key": found.get("key", "")}


def check_report(who: Caller, report: str, key: str) -> None:
    """403 unless the session's navigation permission lets it open ``report``/``key``."""
    limits = scope(who)
    if limits["nav"] == "FREENAV":
        return
    if report == limits["report"] and (report == "overview" or key == limits["key"]):
        return
    if limits["nav"] == "DOWNONLY" and limits["report"] == "overview" and report != "overview":
        return
    raise Forbidden(f"This Reportage link ({limits['nav']}) opens only the {limits['report']} report it names.")


def describe(who: Caller) -> dict[str, object]:
    """What the SPA shows of a reports-only session: the realm and what the link lets it open."""
    realm = repos.get_realm(who.realm_id)
    return {"realm": {"id": who.realm_id, "name": realm.name if realm else who.realm_id}, **scope(who)}
