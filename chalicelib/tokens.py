"""OAuth 2 application tokens (SCORM Cloud API v2, API_V2.md "Auth").

Tokens are signed and stateless: an HS256 JWT (PyJWT) whose ``kid`` header names the realm.
Each realm has its own 256-bit signing key, generated on first use and stored sealed with
AES-GCM under the deployment's master key (``MASTER_KEY``), so a copy of the accounts table
cannot mint tokens. Claims: ``sub`` app id, ``rlm`` realm, ``scope`` (space separated),
``mgmt`` (minted with application-management credentials), ``iat``, ``exp``.

Scopes have the form ``read|write|delete[:area]``; bare ``read``/``write``/``delete`` cover
every area (see :data:`chalicelib.permissions.SCOPE_AREAS`).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt

from chalicelib import vault
from chalicelib.errors import BadRequest, Unauthorized
from chalicelib.permissions import ACTIONS, SCOPE_AREAS
from chalicelib.store import accounts as store
from chalicelib.store import repos

ISSUER = "nimbus"
ALGORITHM = "HS256"
DEFAULT_SECONDS = 300
MAX_SECONDS = 366 * 24 * 3600
_KEY_CACHE_SECONDS = 60
_cache: dict[str, tuple[float, bytes]] = {}


@dataclass(frozen=True)
class Claims:
    realm_id: str
    app_id: str
    scopes: frozenset[str]
    management: bool
    expires: int


def seal(realm_id: str, key: bytes) -> str:
    return vault.seal(key, realm_id)


def unseal(realm_id: str, sealed: str) -> bytes:
    return vault.unseal(sealed, realm_id)


def signing_key(realm_id: str) -> bytes:
    """The realm's signing key, created and stored (sealed) on first use."""
    cached = _cache.get(realm_id)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    realm = repos.get_realm(realm_id)
    if realm is None:
        raise Unauthorized("Authorization Required.")
    if not realm.signing_key:  # first use: concurrent first uses must end with one key
        store.set_signing_key_once(realm, seal(realm_id, secrets.token_bytes(32)))
    key = unseal(realm_id, realm.signing_key)
    _cache[realm_id] = (time.monotonic() + _KEY_CACHE_SECONDS, key)
    return key


def parse_scopes(raw: object, field_name: str = "scope") -> frozenset[str]:
    """Validate scopes (a space-separated string or a list) or raise a 400 naming the bad one."""
    items = raw.split() if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items or not all(isinstance(s, str) for s in items):
        raise BadRequest(f"{field_name} is required: space-separated scopes such as 'read:course write'.")
    for scope in items:
        action, _, area = scope.partition(":")
        if action not in ACTIONS or (area and area not in SCOPE_AREAS):
            raise BadRequest(f"{field_name}: unknown scope {scope!r}; use read|write|delete, optionally "
                             f"followed by :{'|:'.join(sorted(SCOPE_AREAS))}.")
    return frozenset(items)


def parse_seconds(raw: object, field_name: str = "expiration") -> int:
    if raw in (None, ""):
        return DEFAULT_SECONDS
    try:
        seconds = int(str(raw))
    except ValueError as err:
        raise BadRequest(f"{field_name} must be a whole number of seconds.") from err
    if not 1 <= seconds <= MAX_SECONDS:
        raise BadRequest(f"{field_name} must be between 1 and {MAX_SECONDS} seconds.")
    return seconds


def parse_expiry(raw: object, field_name: str = "expiry") -> int:
    """An ISO 8601 instant in the future (naive means UTC) → seconds from now."""
    if not isinstance(raw, str):
        raise BadRequest(f"{field_name} is required: an ISO 8601 date-time in the future.")
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as err:
        raise BadRequest(f"{field_name} is not an ISO 8601 date-time: {raw!r}.") from err
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = int((when - datetime.now(UTC)).total_seconds())
    if seconds < 1:
        raise BadRequest(f"{field_name} must be in the future.")
    return parse_seconds(seconds, field_name)


def mint(realm_id: str, app_id: str, scopes: frozenset[str], seconds: int, *, management: bool = False) -> str:
    issued = int(time.time())
    claims = {"iss": ISSUER, "sub": app_id, "rlm": realm_id, "scope": " ".join(sorted(scopes)),
              "mgmt": management, "iat": issued, "exp": issued + seconds}
    return jwt.encode(claims, signing_key(realm_id), algorithm=ALGORITHM, headers={"kid": realm_id})


def verify(token: str) -> Claims:
    """Check a bearer token's signature, expiry and realm, or raise 401."""
    try:
        realm_id = jwt.get_unverified_header(token).get("kid")
        if not isinstance(realm_id, str) or not realm_id:
            raise Unauthorized("Authorization Required.")
        claims = jwt.decode(token, signing_key(realm_id), algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "iat", "sub", "scope", "rlm"]})
    except jwt.ExpiredSignatureError as err:
        raise Unauthorized("The OAuth token has expired; request a new one.") from err
    except jwt.PyJWTError as err:
        raise Unauthorized("Authorization Required.") from err
    if claims["rlm"] != realm_id:
        raise Unauthorized("Authorization Required.")
    app = repos.get_app(str(claims["sub"]))
    if app is None or app.realm_id != realm_id:  # deleting an app ends its tokens
        raise Unauthorized("Authorization Required.")
    return Claims(realm_id=realm_id, app_id=app.app_id, scopes=frozenset(str(claims["scope"]).split()),
                  management=bool(claims.get("mgmt")), expires=int(claims["exp"]))
