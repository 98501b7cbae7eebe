"""PENS, the AICC Package Exchange Notification Services (CMI010 v1.0a), both ways.

*Publish* (Nimbus is the client): :func:`publish` sends a ``collect`` command (CMI010 §6.2,
bound as form fields per Appendix A) for one of a dispatch's packages to a target LMS's PENS
URL. The package URL is Nimbus's own, signed and expiring (``package-url-expiry``), and also
asks for HTTP Basic credentials (``package-url-user-id`` / ``-password``) made for this publish.
The LMS's immediate answer and the ``receipt`` and ``alert`` commands it later sends to
Nimbus's callback are kept with the dispatch (:func:`records`).

*Receive* (Nimbus is the target system): :func:`receive` checks a ``collect`` command from an
authoring tool — each parameter against the table :data:`REQUIRED` of CMI010's parameter error
numbers, and the realm's API credentials in ``system-user-id`` / ``system-password`` — then
fetches the package into the Library with the ordinary import (a fetch import job). Answers are
CMI010's plain-text response (``error``, ``error-text``, ``version``, ``pens-data``, CRLF).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from chalicelib import identity, imports, outbound
from chalicelib.config import settings
from chalicelib.dispatch import dispatches, package
from chalicelib.errors import ApiError, BadRequest, NotFound, Unauthorized
from chalicelib.runtime import sessions
from chalicelib.store import dispatch as store

if TYPE_CHECKING:
    from chalicelib.store.dispatch import DispatchItem

PENS_VERSION = "1.0.0"
PACKAGE_SECONDS = 24 * 3600
#: dispatch package ``type`` → (package-type, package-type-version)
PACKAGE_TYPES = {"SCORM_12": ("scorm-pif", "1.2"), "SCORM_2004_3RD": ("scorm-pif", "2004"), "AICC": ("aicc-pkg", "4.0")}
#: CMI010 §6.2 parameters a collect must carry, with the error number for each (Table 22).
REQUIRED: tuple[tuple[str, int], ...] = (
    ("pens-version", 2001), ("command", 2002), ("package-type", 2003), ("package-type-version", 2004),
    ("package-format", 2005), ("package-id", 2007), ("package-url", 2008), ("package-url-expiry", 2009),
    ("client", 2010), ("receipt", 2011),
)
ERROR_TEXT = {
    0: "collect command received and understood", 1101: "unable to parse PENS command",
    1201: "attempt to pass an invalid argument", 1322: "warning: the package URL has expired",
    1420: "insufficient permission: system-user-id and system-password must be the API credentials "
          "(App ID and secret key) of a Nimbus application",
    1421: "command not supported", 1430: "package type not supported",
    1432: "internal package error: the package could not be imported",
    2001: "PENS version invalid or not specified", 2002: "PENS command invalid or not specified",
    2003: "package-type invalid or not specified", 2004: "package-type-version invalid or not specified",
    2005: "package-format invalid or not specified", 2007: "package-id invalid or not specified",
    2008: "package-url invalid or not specified", 2009: "package-url-expiry date invalid or not specified",
    2010: "client submitting package invalid or not specified", 2011: "receipt url invalid or not specified",
}
PACKAGE_TYPE_WORDS = ("aicc-pkg", "scorm-pif", "lms-qti")
IMPORTABLE = ("aicc-pkg", "scorm-pif")
VERSION = re.compile(r"^\d+\.\d+\.\d+$")
SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def response(code: int, text: str | None = None, data: str = "") -> str:
    """CMI010 Appendix A.1.2: the plain-text response, CRLF line ends."""
    return (f"error={code}\r\nerror-text={text if text is not None else ERROR_TEXT.get(code, '')}\r\n"
            f"version={PENS_VERSION}\r\npens-data={data}\r\n")


def parse_response(body: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in body.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition("=")
        if sep and name.strip() in ("error", "error-text", "version", "pens-data"):
            found[name.strip()] = value.strip()
    return found


def _base() -> str:
    return settings().base_url.rstrip("/")


# --- publish -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishRequest:
    target_url: str
    package_type: str = "SCORM_12"
    system_user_id: str = ""
    system_password: str = ""
    vendor_data: str = ""

    @classmethod
    def from_body(cls, body: object) -> PublishRequest:
        if not isinstance(body, dict):
            raise BadRequest("The body must be a JSON object with targetUrl.")
        target = str(body.get("targetUrl") or "")
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise BadRequest("targetUrl must be the http(s) PENS URL of the target LMS.")
        kind = package.package_type(body.get("type"))
        return cls(target, kind, str(body.get("systemUserId") or "")[:255], str(body.get("systemPassword") or "")[:255],
                   str(body.get("vendorData") or "")[:4096])


def _record(item: DispatchItem, kind: str, details: dict[str, Any]) -> dict[str, Any]:
    record = store.PensRecordItem(kind=kind, details=details, created=datetime.now(UTC))
    store.add_pens_record(item.realm_id, item.dispatch_id, record)
    return record_json(record)


def record_json(record: store.PensRecordItem) -> dict[str, Any]:
    return {"kind": record.kind, "created": record.created.isoformat().replace("+00:00", "Z"),
            **{k: v for k, v in (record.details or {}).items() if k != "passwordHash"}}


def publish(realm_id: str, dispatch_id: str, body: object) -> dict[str, Any]:
    """Send ``collect`` for the dispatch's package; the LMS's immediate answer is recorded."""
    item = dispatches.require(realm_id, dispatch_id)
    wanted = PublishRequest.from_body(body)
    publish_id = secrets.token_hex(8)
    expires = datetime.now(UTC) + timedelta(seconds=PACKAGE_SECONDS)
    password = secrets.token_urlsafe(18)
    package_token = sessions.sign(realm_id, "pens-package", {
        "d": dispatch_id, "p": publish_id, "t": wanted.package_type, "exp": int(expires.timestamp()),
        "h": hashlib.sha256(password.encode()).hexdigest()})
    callback = sessions.sign(realm_id, "pens-callback", {"d": dispatch_id, "p": publish_id})
    kind, kind_version = PACKAGE_TYPES[wanted.package_type]
    fields = {
        "command": "collect", "pens-version": PENS_VERSION, "package-type": kind,
        "package-type-version": kind_version, "package-format": "zip",
        "package-id": f"{_base()}:{quote(dispatch_id, safe='')}-{publish_id}",
        "package-url": f"{_base()}/launch/dispatch/pens/package/{package_token}/package.zip",
        "package-url-user-id": "nimbus", "package-url-password": password,
        "package-url-expiry": expires.strftime("%Y-%m-%dT%H:%M:%SZ"), "client": "Nimbus",
        "system-user-id": wanted.system_user_id, "system-password": wanted.system_password,
        "receipt": f"{_base()}/launch/dispatch/pens/callback/{callback}",
        "alerts": f"{_base()}/launch/dispatch/pens/callback/{callback}", "vendor-data": wanted.vendor_data,
    }
    details: dict[str, Any] = {"publishId": publish_id, "targetUrl": wanted.target_url, "type": wanted.package_type,
               "packageId": fields["package-id"], "packageUrlExpiry": fields["package-url-expiry"]}
    try:
        reply = outbound.send("POST", wanted.target_url, urlencode(fields).encode(),
                              {"Content-Type": "application/x-www-form-urlencoded"})
        answer = parse_response(reply.body)
        details.update(httpStatus=reply.status, error=answer.get("error", ""), errorText=answer.get("error-text", ""))
    except outbound.OutboundRefused as err:
        details.update(httpStatus=0, error="1500", errorText=f"the target LMS could not be reached: {err}")
    return _record(item, "collect", details)


def package_download(token: str, authorization: str | None) -> package.Package:
    """The package a published ``package-url`` names: signed, unexpired, with its credentials."""
    realm_id, claims = sessions.verify(token, "pens-package")
    user, password = identity.parse_basic(authorization)
    digest = hashlib.sha256(password.encode()).hexdigest()
    if user != "nimbus" or not hmac.compare_digest(digest, str(claims.get("h", ""))):
        raise Unauthorized("The package URL's credentials are not valid.",
                           headers={"WWW-Authenticate": 'Basic realm="PENS"'})
    return package.for_dispatch(realm_id, str(claims["d"]), str(claims.get("t") or "SCORM_12"), None)


def callback(token: str, raw: str) -> str:
    """A ``receipt`` or ``alert`` command from the target LMS (Appendix A examples)."""
    try:
        realm_id, claims = sessions.verify(token, "pens-callback")
    except ApiError:
        return response(1201, "this callback URL is not valid")
    command_fields = dict(parse_qsl(raw, keep_blank_values=True))
    command = command_fields.get("command", "")
    if command not in ("receipt", "alert"):
        return response(2002)
    item = store.get_dispatch(realm_id, str(claims["d"]))
    if item is None:
        return response(1201, "the dispatch this package came from no longer exists")
    _record(item, command, {"publishId": str(claims.get("p", "")), "error": command_fields.get("error", "")[:16],
                            "errorText": command_fields.get("error-text", "")[:1000],
                            "client": command_fields.get("client", "")[:255],
                            "packageId": command_fields.get("package-id", "")[:1000]})
    return response(0, f"{command} command received and understood")


def records(realm_id: str, dispatch_id: str) -> list[dict[str, Any]]:
    dispatches.require(realm_id, dispatch_id)
    return [record_json(r) for r in store.pens_records(realm_id, dispatch_id)]


# --- receive -------------------------------------------------------------------------------------


def _expiry(raw: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _problems(found: dict[str, str]) -> list[int]:
    """Every CMI010 error in the command (the answer is the highest: CMI010 §6.3 rationale)."""
    errors = [code for name, code in REQUIRED if not found.get(name, "").strip()]
    if found.get("pens-version") and not VERSION.match(found["pens-version"]):
        errors.append(2001)
    if found.get("command") and found["command"] != "collect":
        errors.append(1421)
    kind = found.get("package-type", "")
    if kind and kind not in PACKAGE_TYPE_WORDS:
        errors.append(2003)
    elif kind and kind not in IMPORTABLE:
        errors.append(1430)
    if found.get("package-format") and found["package-format"].lower() != "zip":
        errors.append(2005)
    url = urlsplit(found.get("package-url", ""))
    if found.get("package-url") and (url.scheme not in ("http", "https") or not url.netloc):
        errors.append(2008)
    if found.get("package-url-expiry") and _expiry(found["package-url-expiry"]) is None:
        errors.append(2009)
    receipt = found.get("receipt", "")
    if receipt and not receipt.startswith(("http://", "https://", "mailto:")):
        errors.append(2011)
    return errors


def _realm(user: str, password: str) -> str | None:
    """The realm whose API credentials (App ID, secret key) these are, or None."""
    try:
        caller = identity.app_caller("Basic " + base64.b64encode(f"{user}:{password}".encode()).decode())
    except (ApiError, ValueError):
        return None
    return caller.realm_id if caller.kind == "app" else None


def receive(raw: str) -> tuple[int, str]:
    """A collect from an authoring tool: (HTTP status, CMI010 response)."""
    found = {k: v.strip() for k, v in parse_qsl(raw, keep_blank_values=True)}
    if not found:
        return 400, response(1101)
    errors = _problems(found)
    if errors:
        return 400, response(max(errors))
    realm_id = _realm(found.get("system-user-id", ""), found.get("system-password", ""))
    if realm_id is None:
        return 401, response(1420)
    expiry = _expiry(found["package-url-expiry"])
    if expiry is not None and expiry < datetime.now(UTC):
        return 400, response(1322)
    course_id = "pens-" + hashlib.sha256(found["package-id"].encode()).hexdigest()[:20]
    options = imports.Options(course_id=course_id, may_create_new_version=True, tags=["pens"])
    try:
        job_id = imports.start_fetch(realm_id, options, found["package-url"])
    except (ApiError, NotFound) as err:
        return 400, response(1310 if "url" in str(err).lower() else 1432, str(getattr(err, "message", err)))
    return 200, response(0, data=f"courseId={course_id};importJobId={job_id};received={int(time.time())}")
