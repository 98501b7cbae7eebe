"""Signed, expiring capabilities in URLs: the player session and the debug-log share link.

A launch link's token is single use (:mod:`chalicelib.runtime.launch`); opening it starts a
*player session*, whose capability rides in the path of every player request
(``/launch/s/{session}/...``: the player page, the content it frames, deliveries and commits),
so content is served from the same origin as the runtime API without cookies. The capability
is ``{realm}.{payload}.{mac}``: the payload is base64url JSON, the MAC an HMAC-SHA256 under a key
derived from the realm's own signing key (sealed under ``MASTER_KEY``, :mod:`chalicelib.tokens`),
so a copy of the tables cannot forge one and realms cannot forge each other's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from chalicelib import tokens
from chalicelib.errors import ApiError, Unauthorized

SESSION_SECONDS = 12 * 3600
_REALM = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class Expired(ApiError):
    """A capability that was valid has expired (410 Gone)."""

    status = HTTPStatus.GONE


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key(realm_id: str, purpose: str) -> bytes:
    return hmac.new(tokens.signing_key(realm_id), f"nimbus-{purpose}".encode(), hashlib.sha256).digest()


def sign(realm_id: str, purpose: str, payload: dict[str, Any]) -> str:
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    mac = _b64(hmac.new(_key(realm_id, purpose), f"{realm_id}.{body}".encode(), hashlib.sha256).digest()[:20])
    return f"{realm_id}.{body}.{mac}"


def verify(token: str, purpose: str) -> tuple[str, dict[str, Any]]:
    """The realm and payload of a capability, or 401 (forged, malformed) / 410 (expired)."""
    parts = token.split(".")
    if len(parts) != 3 or not _REALM.match(parts[0]):
        raise Unauthorized("This link is not valid.")
    realm_id, body, mac = parts
    try:
        expected = _b64(hmac.new(_key(realm_id, purpose), f"{realm_id}.{body}".encode(),
                                 hashlib.sha256).digest()[:20])
    except Unauthorized as err:
        raise Unauthorized("This link is not valid.") from err
    if not hmac.compare_digest(expected, mac):
        raise Unauthorized("This link is not valid.")
    try:
        payload = json.loads(_unb64(body))
    except ValueError as err:
        raise Unauthorized("This link is not valid.") from err
    if not isinstance(payload, dict):
        raise Unauthorized("This link is not valid.")
    if "exp" in payload and payload["exp"] < time.time():
        raise Expired("This launch session has expired; launch the course again.")
    return realm_id, payload


@dataclass(frozen=True)
class PlayerSession:
    """What a player session may do: one launch of one registration instance."""

    realm_id: str
    registration_id: str
    launch_id: str
    instance: int
    content_prefix: str
    sandbox: bool = False
    tracking: bool = True
    redirect: str = "message"
    start: str = ""  # startSco of the launch link
    token: str = ""
    settings: dict[str, str] = field(default_factory=dict)  # non-default effective settings (issue 16)
    lrs: str = ""  # the LRS (app id) xAPI / cmi5 content reports to; "" → the realm's

    def payload(self) -> dict[str, Any]:
        return {"g": self.registration_id, "l": self.launch_id, "i": self.instance, "c": self.content_prefix,
                "s": self.sandbox, "t": self.tracking, "x": self.redirect, "a": self.start,
                "o": self.settings, "exp": int(time.time()) + SESSION_SECONDS,
                **({"r": self.lrs} if self.lrs else {})}


def open_session(session: PlayerSession) -> str:
    return sign(session.realm_id, "player", session.payload())


def player_session(token: str) -> PlayerSession:
    realm_id, p = verify(token, "player")
    try:
        return PlayerSession(realm_id, str(p["g"]), str(p["l"]), int(p["i"]), str(p["c"]), bool(p["s"]),
                             bool(p["t"]), str(p["x"]), str(p.get("a") or ""), token,
                             settings={str(k): str(v) for k, v in dict(p.get("o") or {}).items()},
                             lrs=str(p.get("r") or ""))
    except (KeyError, TypeError, ValueError) as err:
        raise Unauthorized("This link is not valid.") from err


def share_token(realm_id: str, registration_id: str, launch_id: str) -> str:
    """The unguessable, non-expiring capability of one launch's debug log."""
    return sign(realm_id, "debug-log", {"g": registration_id, "l": launch_id})


def shared_log(token: str) -> tuple[str, str, str]:
    realm_id, p = verify(token, "debug-log")
    return realm_id, str(p.get("g", "")), str(p.get("l", ""))
