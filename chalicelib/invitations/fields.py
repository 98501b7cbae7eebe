"""The request fields of invitations, checked as data: every refusal is a 400 that names the
field (``registrationCap``, ``invitationEmail.addresses[2].firstName``...) and why.

Names and subjects end up in email headers, so carriage returns, line feeds and other control
characters are refused outright (RFC 5322 §2.2 header injection) rather than cleaned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from chalicelib import vault
from chalicelib.errors import BadRequest

MAX_ADDRESSES = 1000
MAX_SUBJECT = 200
MAX_BODY = 10_000
MAX_NAME = 100
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
#: PostBackSchema: field → allowed values (None: free text).
POST_BACK_ENUMS: dict[str, tuple[str, ...]] = {
    "authType": ("UNDEFINED", "FORM", "HTTPBASIC"),
    "resultsFormat": ("UNDEFINED", "COURSE", "ACTIVITY", "FULL"),
}
DUPLICATE_OPTIONS = ("FAIL", "INSTANCE_EXISTING", "SEND_EXISTING", "CREATE_NEW")


@dataclass(frozen=True)
class Learner:
    email: str
    first_name: str
    last_name: str


def header_text(raw: object, field: str, limit: int = MAX_NAME) -> str:
    """Text that may go into an email header: a string without control characters."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise BadRequest(f"{field} must be a string.")
    if CONTROL.search(raw):
        raise BadRequest(f"{field} must not contain line breaks or control characters (header injection).")
    if len(raw) > limit:
        raise BadRequest(f"{field} must be at most {limit} characters.")
    return raw.strip()


def valid_email(address: str) -> bool:
    return len(address) <= 254 and bool(EMAIL.match(address))


def expiration(raw: object, *, creating: bool) -> datetime | None:
    """``expirationDate``: an ISO 8601 time (UTC when it has no zone); on create, in the future."""
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise BadRequest("expirationDate must be an ISO 8601 date-time.")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as err:
        raise BadRequest(f"expirationDate must be an ISO 8601 date-time, not {raw!r}.") from err
    moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    if creating and moment <= datetime.now(UTC):
        raise BadRequest("expirationDate must be in the future when creating an invitation.")
    return moment


def cap(raw: object) -> int:
    """``registrationCap``: a whole number ≥ 0 (0: no cap)."""
    if raw is None:
        return 0
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise BadRequest("registrationCap must be a whole number of 0 or more (0 means no cap).")
    return raw


def flag(raw: object, field: str, default: bool) -> bool:
    if raw is None:
        return default
    if not isinstance(raw, bool):
        raise BadRequest(f"{field} must be true or false.")
    return raw


def post_back(raw: object, seal_context: str) -> dict[str, Any] | None:
    """PostBackSchema, kept for the registrations the invitation makes; the password is sealed
    (:mod:`chalicelib.vault`) and never shown again."""
    if raw in (None, {}):
        return None
    if not isinstance(raw, dict):
        raise BadRequest("postBack must be an object (PostBackSchema).")
    url = raw.get("url")
    if url in (None, ""):
        return None
    if not isinstance(url, str) or len(url) > 2048 or urlsplit(url).scheme not in ("http", "https") \
            or not urlsplit(url).netloc or CONTROL.search(url):
        raise BadRequest("postBack.url must be an http(s) URL.")
    kept: dict[str, Any] = {"url": url}
    for name, allowed in POST_BACK_ENUMS.items():
        value = raw.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or value.upper() not in allowed:
            raise BadRequest(f"postBack.{name} must be one of {', '.join(allowed)}.")
        kept[name] = value.upper()
    kept["userName"] = header_text(raw.get("userName"), "postBack.userName", 255)
    password = raw.get("password")
    if password not in (None, ""):
        if not isinstance(password, str) or len(password) > 1024:
            raise BadRequest("postBack.password must be a string of at most 1024 characters.")
        kept["passwordSealed"] = vault.seal(password.encode(), seal_context)
        kept["sealContext"] = seal_context
    kept["legacy"] = flag(raw.get("legacy"), "postBack.legacy", False)
    return kept


def _learner(raw: object, field: str) -> Learner | str:
    """One ``addresses`` entry: ``"ada@example.com"``, ``"Ada Lovelace <ada@example.com>"`` or
    ``{"email", "firstName", "lastName"}``. A malformed address is returned as text (it is reported
    by the job, the others still go out); control characters are a 400."""
    if isinstance(raw, dict):
        address = header_text(raw.get("email"), f"{field}.email", 254)
        first = header_text(raw.get("firstName"), f"{field}.firstName")
        last = header_text(raw.get("lastName"), f"{field}.lastName")
    elif isinstance(raw, str):
        text = header_text(raw, field, 400)
        name, address = parseaddr(text)
        if not address:
            return text
        if not name and "<" not in text:
            address = text
        first, _, last = name.strip().partition(" ")
        first, last = header_text(first, f"{field} (first name)"), header_text(last, f"{field} (last name)")
    else:
        raise BadRequest(f"{field} must be an email address or an object with email, firstName and lastName.")
    address = address.strip()
    return Learner(address.lower(), first, last) if valid_email(address) else address


def learners(raw: object, field: str = "invitationEmail.addresses") -> tuple[list[Learner], list[str]]:
    """The learners of a private invitation: (valid ones without duplicates, malformed addresses)."""
    if not isinstance(raw, list) or not raw:
        raise BadRequest(f"{field} is required: a list of 1 to {MAX_ADDRESSES} email addresses.")
    if len(raw) > MAX_ADDRESSES:
        raise BadRequest(f"{field} has {len(raw)} entries; at most {MAX_ADDRESSES} are allowed per invitation.")
    good: dict[str, Learner] = {}
    bad: list[str] = []
    for index, entry in enumerate(raw):
        found = _learner(entry, f"{field}[{index}]")
        if isinstance(found, Learner):
            good.setdefault(found.email, found)
        else:
            bad.append(found)
    return list(good.values()), bad


def email_text(raw: object, field: str) -> dict[str, str]:
    """InvitationEmailSchema's ``subject`` (a header: no line breaks) and ``body`` (plain text)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise BadRequest(f"{field} must be an object (InvitationEmailSchema).")
    subject = header_text(raw.get("subject"), f"{field}.subject", MAX_SUBJECT)
    body = raw.get("body")
    if body is not None and (not isinstance(body, str) or len(body) > MAX_BODY or "\x00" in body):
        raise BadRequest(f"{field}.body must be text of at most {MAX_BODY} characters.")
    return {"subject": subject, "body": body or ""}


def duplicate_option(raw: object) -> str:
    if raw in (None, ""):
        return "FAIL"
    if not isinstance(raw, str) or raw.upper() not in DUPLICATE_OPTIONS:
        raise BadRequest(f"duplicateRegistrationOption must be one of {', '.join(DUPLICATE_OPTIONS)}.")
    return raw.upper()


def creating_user(raw: object) -> str:
    text = header_text(raw, "creatingUserEmail", 254)
    if text and not valid_email(text):
        raise BadRequest("creatingUserEmail must be an email address.")
    return text
