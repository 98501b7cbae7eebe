"""The local HTTP front door: chalice's local server, tuned, plus the built SPA.

* ``disable_nagle_algorithm``: chalice local writes each response in two ``send()`` calls;
  with Nagle on, every keep-alive request stalls ~40 ms on the delayed ACK (measured
  22 → 4,000+ req/s). The listen backlog goes from 5 to 128.
* Duplicate slashes are collapsed (the SDK's default host ends in ``/``, giving
  ``/api/v2//ping``), as API Gateway tolerates them.
* ``/api/...`` paths that match no route answer 404 JSON, like the GatewayResponse in
  ``infra/resources.json`` on AWS; chalice's own ``{"Code","Message"}`` bodies become
  ``{"message"}``.
* ``/invite/...`` (invitation links) and ``/reportage/view`` (a Reportage link: it opens a
  reports-only session and redirects to the SPA's ``/reportage/link``) go to the app too; the SPA
  keeps ``/reportage`` and ``/reportage/link`` itself.
* Any other GET serves ``frontend/dist`` (index.html for client-side routes).
"""

from __future__ import annotations

import json
import mimetypes
import re
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    LocalChalice,
    LocalDevServer,
    RouteMatcher,
    ThreadedHTTPServer,
)

_SLASHES = re.compile(r"/{2,}")


class NimbusHTTPServer(ThreadedHTTPServer):
    request_queue_size = 128
    allow_reuse_address = True


class NimbusRequestHandler(ChaliceRequestHandler):
    disable_nagle_algorithm = True
    frontend_dist: Path = Path("frontend/dist")
    route_matcher: RouteMatcher

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Silenced: the app's middleware writes one JSON line per API request."""

    def _generic_handle(self) -> None:
        parts = urlsplit(self.path)
        path = _SLASHES.sub("/", parts.path) or "/"
        self.path: str = urlunsplit(("", "", path, parts.query, ""))
        if path in ("/api", "/reportage/view") or path.startswith(("/api/", "/lrs/", "/launch/", "/invite/")):
            try:
                self.route_matcher.match_route(self.path)
            except ValueError:
                self._send_json(404, {"message": f"No such route: {self.command} {path}"})
                return
            super()._generic_handle()
        elif self.command in ("GET", "HEAD"):
            self._serve_static(path)
        else:
            self._send_json(404, {"message": f"No such route: {self.command} {path}"})

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    def _send_http_response(self, code: int, headers: Any, body: Any) -> None:
        if body and "Code" in str(body[:200]):
            try:
                decoded = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                decoded = None
            if isinstance(decoded, dict) and set(decoded) == {"Code", "Message"}:
                body = json.dumps({"message": decoded["Message"]})
                headers["Content-Type"] = "application/json"
        if "X-Request-Id" not in headers:
            headers["X-Request-Id"] = str(uuid.uuid4())
        if self.command == "HEAD" and body is not None:  # RFC 9110 §9.3.2: headers only
            headers["Content-Length"] = str(len(body.encode() if isinstance(body, str) else body))
            self._send_http_response_no_body(code, headers)
            return
        super()._send_http_response(code, headers, body)

    def _send_json(self, code: int, payload: dict[str, Any]) -> None:
        self._drain_body()
        self._send_http_response(code, {"Content-Type": "application/json"}, json.dumps(payload))

    def _drain_body(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)

    def _serve_static(self, path: str) -> None:
        root = self.frontend_dist.resolve()
        target = (root / path.lstrip("/")).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            if Path(path).suffix:  # a missing asset, not a client-side route
                self._send_json(404, {"message": f"Not found: {path}"})
                return
            target = root / "index.html"
        if not target.is_file():
            self._send_json(503, {"message": "The web app is not built: run `make run`."})
            return
        body = target.read_bytes()
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        cache = ("public, max-age=31536000, immutable" if "/assets/" in path else "no-cache")
        headers = {"Content-Type": ctype, "Cache-Control": cache,
                   "X-Content-Type-Options": "nosniff",
                   "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                              "img-src 'self' data:; frame-ancestors 'none'"}
        if self.command == "HEAD":
            headers["Content-Length"] = str(len(body))
            self._send_http_response_no_body(200, headers)
        else:
            self._send_http_response(200, headers, body)


def create_server(app_obj: Any, config: Any, host: str, port: int, frontend_dist: Path) -> LocalDevServer:
    """chalice's LocalDevServer with :class:`NimbusRequestHandler` and the larger backlog."""
    if not isinstance(app_obj, LocalChalice):
        CustomLocalChalice.__bases__ = (LocalChalice, app_obj.__class__)
        app_obj.__class__ = CustomLocalChalice
    handler = type("BoundNimbusRequestHandler", (NimbusRequestHandler,), {
        "frontend_dist": frontend_dist, "route_matcher": RouteMatcher(list(app_obj.routes))})
    return LocalDevServer(app_obj, config, host, port, handler_cls=handler,
                          server_cls=NimbusHTTPServer)
