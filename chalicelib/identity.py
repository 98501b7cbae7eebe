"""Who is asking: resolving API credentials and web sessions to a :class:`Caller`.

API v2 callers authenticate with HTTP Basic, username = App ID and password = one of the
app's enabled secret keys (SCORM Cloud API v2, "Authentication"), or with an OAuth bearer token
(:mod:`chalicelib.tokens`). Web-app callers present
the session cookie set by ``POST /api/session``; state-changing requests must also send the
session's CSRF token in ``X-CSRF-Token`` (double submit).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING

from chalicelib import tokens
from chalicelib.errors import Forbidden, Unauthorized
from chalicelib.store import accounts as accounts_store
from chalicelib.store import repos

if TYPE_CHECKING:
    from chalice.app import Request

    from chalicelib.store.tables import UserItem

SESSION_COOKIE = "nimbus_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
AUTH_REQUIRED = "Authorization Required."


@dataclass(frozen=True)
class Caller:
    """An authenticated caller and the realm it may see.

    ``kind`` is one of :data:`chalicelib.permissions.KIND_NAMES` (or a kind another package
    adds, such as the LRS's). ``role`` is the person's role in ``realm_id`` for web users.
    ``scopes`` are an OAuth token's scopes.
    """

    kind: str  # "app" | "app_management" | "oauth" | "management_oauth" | "user" | ...
    realm_id: str
    principal: str  # app id or user email
    role: str = "app"
    scopes: frozenset[str] = field(default_factory=frozenset)
    user_id: str = ""

    @property
    def log_name(self) -> str:
        return f"{self.kind}:{self.principal}"


def secret_digest(secret: str) -> str:
    """Digest stored for an API secret key.

    Secret keys are 240-bit random strings, so a fast keyed-free SHA-256 is enough to make a
    leaked table useless; a slow password hash would cost every API call ~50 ms.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_basic(header: str | None) -> tuple[str, str]:
    """Split an ``Authorization: Basic`` header into user and password, or raise 401."""
    if not header or not header[:6].lower() == "basic ":
        raise Unauthorized(AUTH_REQUIRED, headers={"WWW-Authenticate": 'Basic realm="Nimbus"'})
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as err:
        raise Unauthorized("Authorization header is not valid Basic credentials.") from err
    user, sep, password = decoded.partition(":")
    if not sep or not user:
        raise Unauthorized("Authorization header is not valid Basic credentials.")
    return user, password


def app_caller(header: str | None) -> Caller:
    """Resolve Basic ``appId:secretKey`` to the app's realm, or raise 401.

    The realm's application-management app authenticates the same way but becomes an
    ``app_management`` caller, which only ``/appManagement/*`` and the token endpoints accept.
    """
    app_id, secret = parse_basic(header)
    app, keys = repos.get_app_with_keys(app_id)
    if app is None:
        raise Unauthorized(AUTH_REQUIRED)
    digest = secret_digest(secret)
    matched = False
    for key in keys:
        if key.enabled and hmac.compare_digest(key.secret_hash, digest):
            matched = True
    if not matched:
        raise Unauthorized(AUTH_REQUIRED)
    kind = "app_management" if app.kind == "management" else "app"
    return Caller(kind=kind, realm_id=app.realm_id, principal=app_id)


def api_caller(event: Request) -> Caller:
    """``/api/v2``: an OAuth bearer token, or Basic app / management credentials."""
    header = event.headers.get("authorization") or ""
    if header[:7].lower() == "bearer ":
        claims = tokens.verify(header[7:].strip())
        return Caller(kind="management_oauth" if claims.management else "oauth", realm_id=claims.realm_id,
                      principal=claims.app_id, role="app", scopes=claims.scopes)
    return app_caller(header or None)


def session_token(event: Request) -> str | None:
    """The session token from the request's cookie, if any."""
    raw = event.headers.get("cookie")
    if not raw:
        return None
    try:
        jar = SimpleCookie(raw)
    except CookieError:
        return None
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel else None


def user_caller(event: Request) -> Caller:
    """Resolve the session cookie to its user in the session's realm (and check CSRF on
    unsafe methods), or 401."""
    token = session_token(event)
    found = repos.get_session(token) if token else None
    if found is None:
        raise Unauthorized("Sign in first.")
    session, user = found
    if event.method not in SAFE_METHODS:
        sent = event.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
            raise Forbidden("Missing or wrong X-CSRF-Token header.")
    realm_id, role = current_membership(user, session.realm_id)
    return Caller(kind="user", realm_id=realm_id, principal=user.email, role=role, user_id=user.user_id)


def memberships(user: UserItem) -> dict[str, str]:
    """Realm id → role for every realm the user belongs to (users made before memberships
    existed have only their ``realm_id``/``role``)."""
    found = {item.realm_id: item.role for item in accounts_store.memberships_of(user.email)}
    if not found and user.realm_id and user.role:
        found[user.realm_id] = user.role
    return found


def current_membership(user: UserItem, wanted: str | None) -> tuple[str, str]:
    """The session's realm and the user's role there; falls back to the user's home realm, then
    to any realm they belong to; 401 when they belong to none."""
    roles = memberships(user)
    for realm_id in (wanted, user.realm_id, *sorted(roles)):
        if realm_id and realm_id in roles:
            return realm_id, roles[realm_id]
    raise Unauthorized("You no longer belong to any realm; ask an owner to add you again.")
