"""Cross-cutting HTTP concerns, registered once on the app.

* a request id on every response (``X-Request-Id``; API Gateway's id on AWS),
* one structured JSON log line per request,
* authentication: every route is private unless its path is listed in ``PUBLIC_ROUTES``,
* rendering of :class:`~chalicelib.errors.ApiError` and of chalice's own error bodies as
  ``{"message": ...}``; any other exception becomes a 500 without a traceback.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from chalice.app import Request, Response

from chalicelib import identity
from chalicelib.errors import ApiError, Unauthorized
from chalicelib.observability import log_event

if TYPE_CHECKING:
    from collections.abc import Callable

LOG = logging.getLogger("nimbus.http")

#: Routes (chalice route patterns) reachable without credentials, and why.
PUBLIC_ROUTES: dict[str, str] = {
    "/api/session": "signing in is how a person obtains credentials",
}

#: Route prefixes and the kind of caller each accepts.
CALLER_KINDS: tuple[tuple[str, str], ...] = (
    ("/api/v2", "app"),
    ("/api/", "user"),
)


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
    """Attach the caller to ``event.context['caller']`` or raise :class:`Unauthorized`."""
    route = event.context.get("resourcePath", "") if event.context else ""
    if route in PUBLIC_ROUTES:
        return
    for prefix, kind in CALLER_KINDS:
        if route.startswith(prefix):
            if kind == "app":
                event.context["caller"] = identity.app_caller(event.headers.get("authorization"))
            else:
                event.context["caller"] = identity.user_caller(event)
            return
    raise Unauthorized("Authorization Required.")


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


class BadRequestJSON(ApiError):
    status = HTTPStatus.BAD_REQUEST
