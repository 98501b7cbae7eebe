"""The xAPI HTTP protocol around every LRS resource: versions, headers, bodies.

* Versions (1.0.3 Communication §3.3; IEEE 9274.1.1 §4.1.7): every request but About sends
  ``X-Experience-API-Version``; 1.0.x is answered as ``1.0.3``, 2.0.x as ``2.0.0``, anything
  else is refused with 400.
* Alternate Request Syntax (1.0.3 Communication §1.3): ``POST ?method=PUT|GET|…`` with the
  headers, parameters and ``content`` in a form body. 2.0 removed it, so a 2.0 request using
  it is refused (IEEE 9274.1.1 §4.1.5).
* Bodies: ``application/json`` or ``multipart/mixed`` (Communication §1.5).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from chalice.app import Response

from chalicelib.errors import BadRequest, Forbidden
from chalicelib.lrs import attachments, credentials
from chalicelib.lrs.endpoint import Endpoint
from chalicelib.lrs.schema import V1, V2

if TYPE_CHECKING:
    from chalice.app import Request

    from chalicelib.lrs.auth import LrsCaller

VERSION_HEADER = "X-Experience-API-Version"
ABOUT_VERSIONS = ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"]
_ALT_HEADERS = ("authorization", "x-experience-api-version", "content-type", "content-length",
                "if-match", "if-none-match")
_ALT_METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD")


@dataclass(frozen=True)
class LrsRequest:
    method: str
    params: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()


def unwrap(event: Request) -> LrsRequest:
    """The request as the client meant it (unwrapping the Alternate Request Syntax)."""
    query = event.query_params
    params: dict[str, str] = {name: query[name] for name in query} if query is not None else {}
    headers = {k.lower(): v for k, v in event.headers.items()}
    body = event.raw_body or b""
    if isinstance(body, str):
        body = body.encode()
    if "method" not in params:
        return LrsRequest(event.method, params, headers, body)
    if event.method != "POST":
        raise BadRequest("method: the Alternate Request Syntax is only allowed with POST")
    if len(params) > 1:
        raise BadRequest("the Alternate Request Syntax allows no query parameter but method")
    method = params["method"].upper()
    if method not in _ALT_METHODS:
        raise BadRequest(f"method: {params['method']} is not an HTTP method this LRS serves")
    if not headers.get("content-type", "").lower().startswith("application/x-www-form-urlencoded"):
        raise BadRequest("the Alternate Request Syntax needs an "
                         "application/x-www-form-urlencoded body")
    form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    inner = {k: v for k, v in form.items() if k.lower() not in _ALT_HEADERS and k != "content"}
    moved = {k.lower(): v for k, v in form.items() if k.lower() in _ALT_HEADERS}
    new_headers = {**{k: v for k, v in headers.items() if k != "content-type"}, **moved}
    if "content" in form and "content-type" not in new_headers:
        new_headers["content-type"] = "application/json"
    return LrsRequest(method, inner, new_headers, form.get("content", "").encode())


def version(request: LrsRequest) -> str:
    raw = request.headers.get("x-experience-api-version")
    if raw is None:
        raise BadRequest(f"{VERSION_HEADER} header is required")
    parts = raw.strip().split(".")
    if parts[:2] == ["1", "0"] and len(parts) <= 3 and all(p.isdigit() for p in parts):
        return V1
    if parts[:2] == ["2", "0"] and len(parts) <= 3 and all(p.isdigit() for p in parts):
        return V2
    raise BadRequest(f"{VERSION_HEADER}: {raw} is not a version this LRS serves "
                     f"({', '.join(ABOUT_VERSIONS)})")


def asked_version(event: Request) -> str:
    """The version to answer an error in: the one asked for, else the one the provider last
    used (:func:`chalicelib.lrs.credentials.last_version`), else 2.0.0."""
    try:
        return version(unwrap(event))
    except BadRequest:
        caller = (event.context or {}).get("caller")
        return (credentials.last_version(caller.principal) if caller else None) or V2


def endpoint_for(event: Request, request: LrsRequest, caller: LrsCaller) -> Endpoint:
    ver = version(request)
    if ver == V2 and "method" in (event.query_params or {}):
        raise BadRequest("method: the Alternate Request Syntax was removed in xAPI 2.0")
    if caller.launch is None and caller.actor_key is None:  # not a stored credential
        credentials.remember_version(caller.principal, ver)
    return Endpoint(realm_id=caller.realm_id, lrs_id=caller.lrs_id, version=ver,
                    credential_id=caller.principal, authority=caller.authority or {},
                    can_read_any=caller.read_any, can_read_own=caller.read_own,
                    can_write=caller.write, launch=caller.launch, actor_key=caller.actor_key)


def require(endpoint: Endpoint, *, write: bool) -> None:
    if write and not endpoint.can_write:
        raise Forbidden("these LRS credentials may not write")
    if not write and not (endpoint.can_read_any or endpoint.can_read_own):
        raise Forbidden("these LRS credentials may not read")


def json_body(request: LrsRequest) -> tuple[Any, dict[str, attachments.Part]]:
    """The statement(s) of a PUT/POST and any attachment parts (Communication §1.5)."""
    parts: dict[str, attachments.Part] = {}
    raw = request.body
    if request.media_type == "multipart/mixed":
        split = attachments.split(raw, request.content_type)
        if split[0].content_type != "application/json":
            raise BadRequest("the first multipart/mixed part must be application/json")
        parts = attachments.read_parts(split)
        raw = split[0].body
    elif request.media_type != "application/json":
        raise BadRequest("Content-Type must be application/json or multipart/mixed")
    try:
        return json.loads(raw), parts
    except (ValueError, UnicodeDecodeError) as err:
        raise BadRequest(f"the request body is not valid JSON: {err}") from err


def http_date(stored: str | None) -> str:
    moment = datetime.now(UTC)
    if stored:
        moment = datetime.fromisoformat(stored.replace("Z", "+00:00"))
    return format_datetime(moment, usegmt=True)


def respond(endpoint_version: str, body: Any = None, status: int = 200,
            headers: dict[str, str] | None = None) -> Response:
    """A response in the version asked for. Date is added once, by the HTTP server."""
    out: dict[str, str | list[str]] = {VERSION_HEADER: endpoint_version, **(headers or {})}
    if body is None:
        return Response(body="", status_code=status, headers=out)
    if isinstance(body, bytes):
        media = str(out.get("Content-Type", "")).split(";")[0].strip().lower()
        if media.startswith("text/") or media.endswith(("/json", "+json")):
            try:  # text travels as text (API Gateway, chalice's test client)
                return Response(body=body.decode("utf-8"), status_code=status, headers=out)
            except UnicodeDecodeError:
                pass
        return Response(body=body, status_code=status, headers=out)
    out.setdefault("Content-Type", "application/json")
    return Response(body=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
                    status_code=status, headers=out)


def about(event: Request) -> tuple[str, dict[str, Any]]:
    """Communication §2.8 About resource. A 1.0.x client is told only the 1.0.x versions:
    1.0 clients (PyPI tincan) reject an About listing a version they do not know."""
    try:
        asked = version(unwrap(event))
    except BadRequest:
        asked = V2
    versions = ABOUT_VERSIONS if asked == V2 else [v for v in ABOUT_VERSIONS if v < "2"]
    return asked, {"version": versions, "extensions": {}}
