"""Cross-cutting HTTP concerns, registered once on the app.

* a request id on every response (``X-Request-Id``; API Gateway's id on AWS),
* one structured JSON log line per request,
* authentication and authorization (issue 6), both as data:
  - :data:`GATES` maps a route prefix to the authenticator of its callers (first match wins,
    so keep longer prefixes first) and optionally a default :class:`~chalicelib.permissions.Rule`
    for every route under it. To add a kind of caller (e.g. LRS credentials), add one
    ``Gate("/xapi", lrs_caller, default_rule)`` line.
  - every route has a permission rule, found by :func:`chalicelib.permissions.rule_for`:
    ``@permissions.declare(rule)`` on the view, else ``PERMISSION = rule`` in the blueprint's
    module (a per-blueprint default), else the gate's default, else (``/api/v2`` only) the
    SCORM Cloud resource of the path. A route without one is refused (default deny) and the
    authorization matrix test fails for it. ``permissions.public("why")`` opens a route.
* rendering of :class:`~chalicelib.errors.ApiError` and of chalice's own error bodies as
  ``{"message": ...}``; any other exception becomes a 500 without a traceback.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from chalice.app import Request, Response

from chalicelib import identity, permissions
from chalicelib.errors import ApiError, Forbidden, Unauthorized
from chalicelib.lrs.auth import LRS_RULE, lrs_caller
from chalicelib.observability import log_event
from chalicelib.reports import link_session

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalice.app import Chalice

LOG = logging.getLogger("nimbus.http")

@dataclass(frozen=True)
class Gate:
    """Callers of routes under ``prefix`` authenticate with ``authenticate``."""

    prefix: str
    authenticate: Callable[[Request], identity.Caller]
    default_rule: permissions.Rule | None = None


#: Route prefix → authenticator (+ optional default rule). First match wins.
GATES: tuple[Gate, ...] = (
    Gate("/api/v2", identity.api_caller),
    Gate("/launch/preview/", identity.user_caller),  # the web app's "Launch in sandbox" (routes/launch.py)
    Gate("/api/app/reportage-link/", link_session.caller),  # a Reportage link's reports-only session
    Gate("/api/", identity.user_caller),
    Gate("/lrs/", lrs_caller, LRS_RULE),
)

#: Paths whose every answer (errors included) may be read by scripts of any origin: the LRS and the
#: cmi5 fetch URL (their routes also answer CORS preflights: ``chalicelib.lrs.routes.CORS``).
CORS_PREFIXES = ("/lrs/", "/launch/cmi5/fetch/")

#: The app's route table (chalice ``app.routes``), bound by :func:`install`.
_ROUTES: dict[str, dict[str, Any]] = {}


def install(app: Chalice) -> None:
    """Register :func:`http_middleware` on ``app`` and let it see the app's route table."""
    global _ROUTES  # noqa: PLW0603 - one app per process; the table is chalice's live dict
    _ROUTES = app.routes
    app.register_middleware(http_middleware, "http")


def gate_for(route: str) -> Gate | None:
    return next((gate for gate in GATES if route.startswith(gate.prefix)), None)


def rule_for(route: str, method: str) -> permissions.Rule | None:
    """The permission rule of ``method route`` (None: no rule, so refused)."""
    entry = _ROUTES.get(route, {}).get(method.upper())
    gate = gate_for(route)
    return permissions.rule_for(route, entry.view_function if entry else None,
                                gate.default_rule if gate else None)


def _request_id(event: Request) -> str:
    context = event.context or {}
    return str(context.get("requestId") or uuid.uuid4())


def _error_response(status: HTTPStatus, message: str, request_id: str,
                    headers: dict[str, str] | None = None) -> Response:
    return Response(
        body={"message": message},
        status_code=int(status),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _internal(request_id: str) -> str:
    return f"Internal error; quote request id {request_id}."


def _chalice_error_to_message(response: Response) -> Response:
    """Re-shape chalice's built-in ``{"Code","Message"}`` bodies into ``{"message"}``."""
    body = response.body
    if isinstance(body, (str, bytes)):
        try:
            body = json.loads(body)
        except ValueError:
            return response
    if isinstance(body, dict) and set(body) == {"Code", "Message"}:
        response.body = {"message": str(body["Message"])}
        response.headers["Content-Type"] = "application/json"
    return response


def authenticate(event: Request) -> None:
    """Authenticate and authorize: attach the caller to ``event.context['caller']`` or raise
    401 (who are you?) / 403 (not allowed)."""
    route = event.context.get("resourcePath", "") if event.context else ""
    methods = _ROUTES.get(route)
    if methods is not None and event.method.upper() not in methods:
        return  # chalice answers 405 with the allowed methods
    rule = rule_for(route, event.method)
    if rule is None:
        LOG.error("route without a permission rule refused", extra={"route": route, "method": event.method})
        raise Forbidden("This route declares no permission, so it is refused.")
    if rule.public:
        return
    gate = gate_for(route)
    if gate is None:
        raise Unauthorized("Authorization Required.")
    caller = gate.authenticate(event)
    event.context["caller"] = caller
    permissions.check(rule, caller, event.method)


def http_middleware(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """The one HTTP middleware: request id, auth, error rendering, access log."""
    started = time.perf_counter()
    request_id = _request_id(event)
    try:
        authenticate(event)
        response = _chalice_error_to_message(get_response(event))
        if response.status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
            response = _error_response(HTTPStatus(response.status_code), _internal(request_id),
                                       request_id)
    except ApiError as err:
        response = _error_response(err.status, err.message, request_id, err.headers)
    except Exception:  # noqa: BLE001 - the last line of defence: never a traceback to a caller
        LOG.exception("unhandled error", extra={"requestId": request_id})
        response = _error_response(HTTPStatus.INTERNAL_SERVER_ERROR, _internal(request_id),
                                   request_id)
    response.headers["X-Request-Id"] = request_id
    if event.path.startswith(CORS_PREFIXES):  # errors too: xAPI content on another origin reads them
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
    caller = (event.context or {}).get("caller")
    log_event(LOG, "request", requestId=request_id, method=event.method, path=event.path,
              status=response.status_code, ms=round((time.perf_counter() - started) * 1000, 2),
              caller=getattr(caller, "log_name", None))
    return response


def request_json(event: Request) -> Any:
    """Parse a JSON body, or raise a 400 that names the problem."""
    raw = event.raw_body or b""
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as err:
        raise BadRequestJSON(f"Request body is not valid JSON: {err}") from err


def request_object(event: Request) -> dict[str, Any]:
    """Parse a JSON body that must be an object, or raise a 400 saying so."""
    body = request_json(event)
    if not isinstance(body, dict):
        raise BadRequestJSON("Request body must be a JSON object.")
    return body


class BadRequestJSON(ApiError):
    status = HTTPStatus.BAD_REQUEST
