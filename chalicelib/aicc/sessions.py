"""HACP sessions: the ``aicc_sid`` an AU is launched with, and the AU's launch URL.

``aicc_sid`` is a signed, expiring capability (``chalicelib.runtime.sessions.sign``, purpose
``hacp``: an HMAC under a key derived from the realm's signing key, unguessable and unforgeable)
naming one registration instance, launch, AU and attempt. It is refused (HACP error 3, "Invalid
Session ID") when forged or malformed, after :data:`SESSION_SECONDS`, after the AU's ``ExitAU``,
when the attempt was closed (the AU delivered again, or abandoned: ``runtime.delivery``), and
when the registration was reset or deleted. A digest of the AU's ``.au`` password rides along,
so the endpoint can answer error 2 without reading the course.

The launch URL (CMI001 HACP launch): the AU's ``file_name`` (on our content path, or absolute
for an externally hosted AU) with ``aicc_sid`` and ``aicc_url`` (our endpoint, always an
absolute URL) added to its query string, after the ``.au`` file's ``web_launch`` parameters.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from chalicelib import tokens
from chalicelib.aicc.errors import INVALID_SESSION_ID, HacpError
from chalicelib.config import settings
from chalicelib.errors import ApiError
from chalicelib.runtime import sessions

if TYPE_CHECKING:
    from chalicelib.runtime.sessions import PlayerSession

SESSION_SECONDS = 12 * 3600
ENDPOINT_PATH = "/launch/aicc/hacp"
PURPOSE = "hacp"


@dataclass(frozen=True)
class HacpSession:
    """One AU attempt's HACP session."""

    realm_id: str
    registration_id: str
    launch_id: str
    instance: int
    activity_id: str
    attempt_id: str
    tracking: bool = True
    password: str = ""  # digest of the AU's .au password ("" = the AU has none)

    def payload(self) -> dict[str, Any]:
        found = {"g": self.registration_id, "l": self.launch_id, "i": self.instance, "a": self.activity_id,
                 "t": self.attempt_id, "exp": int(time.time()) + SESSION_SECONDS}
        if not self.tracking:
            found["n"] = 1
        if self.password:
            found["w"] = self.password
        return found


def endpoint_url() -> str:
    """``aicc_url``: the absolute URL of the HACP endpoint."""
    return settings().base_url.rstrip("/") + ENDPOINT_PATH


def password_digest(realm_id: str, password: str) -> str:
    if not password:
        return ""
    key = tokens.signing_key(realm_id)
    return hmac.new(key, b"nimbus-au-password:" + password.encode(), hashlib.sha256).hexdigest()[:24]


def open_session(session: HacpSession) -> str:
    return sessions.sign(session.realm_id, PURPOSE, session.payload())


def hacp_session(token: str) -> HacpSession:
    """The session of ``aicc_sid``, or :class:`HacpError` 3 (forged, malformed, expired)."""
    if not token or len(token) > 1000:
        raise HacpError(INVALID_SESSION_ID, "no session_id" if not token else "session_id is too long")
    try:
        realm_id, p = sessions.verify(token, PURPOSE)
        return HacpSession(realm_id, str(p["g"]), str(p["l"]), int(p["i"]), str(p["a"]), str(p["t"]),
                           not p.get("n"), str(p.get("w") or ""))
    except sessions.Expired as err:
        raise HacpError(INVALID_SESSION_ID, "the session has expired; launch the course again") from err
    except (ApiError, KeyError, TypeError, ValueError) as err:
        raise HacpError(INVALID_SESSION_ID, "the session_id is not one this LMS gave out") from err


def check_password(session: HacpSession, sent: str) -> bool:
    """True when the AU has no password or ``sent`` is it (CMI001 AU password)."""
    if not session.password:
        return True
    return hmac.compare_digest(session.password, password_digest(session.realm_id, sent))


def au_url(player: PlayerSession, content_url: str, activity_id: str, attempt_id: str, password: str = "") -> str:
    """The AU's launch URL: ``content_url`` (relative to the player, or absolute) with
    ``aicc_sid`` and ``aicc_url``."""
    sid = open_session(HacpSession(player.realm_id, player.registration_id, player.launch_id, player.instance,
                                   activity_id, attempt_id, player.tracking,
                                   password_digest(player.realm_id, password)))
    fragment = ""
    if "#" in content_url:
        content_url, fragment = content_url.split("#", 1)
        fragment = "#" + fragment
    joiner = "&" if urlsplit(content_url).query else ("" if content_url.endswith("?") else "?")
    return f"{content_url}{joiner}{urlencode({'aicc_sid': sid, 'aicc_url': endpoint_url()})}{fragment}"
