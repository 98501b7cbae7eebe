"""The app's AWS calls reach the local AWS in the same process without a socket.

The app and the local AWS share one process, so each boto3/pynamodb call would otherwise cross
a loopback TCP connection, werkzeug's server thread and back — about half of a small call's
cost. botocore lets a ``before-send`` handler answer a prepared request itself (moto's own
``mock_aws`` works this way); this one hands requests for the local endpoint to the very WSGI
app the moto server runs (:class:`nimbus_local.aws.SerializedMoto`: the same lock, item-store
transaction, journal and ClientRequestToken handling), with the same bytes on the wire. The
app's code is unchanged — boto3 and pynamodb against ``AWS_ENDPOINT_URL`` — and callers outside
the process (tests, the SDK, a second tool) still use the port.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes, urlsplit

import botocore.handlers
from botocore.awsrequest import AWSResponse

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from botocore.awsrequest import AWSPreparedRequest


class _Body(io.BytesIO):
    """The raw body botocore reads an answer from."""

    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        """The whole answer, leaving the read position alone: botocore reads ``content`` (through
        this) for its history and then, for a streamed answer (S3 GetObject), reads the body."""
        yield self.getvalue()


def _bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    data = body.read()
    if hasattr(body, "seek"):
        body.seek(0)  # botocore may send it again on a retry
    return data if isinstance(data, bytes) else str(data).encode("utf-8")


def handler(endpoint: str, app: Callable[..., Any]) -> Callable[..., AWSResponse | None]:
    """A ``before-send`` handler that answers requests for ``endpoint`` by calling ``app``."""
    base = urlsplit(endpoint)

    def send(request: AWSPreparedRequest, **_kwargs: Any) -> AWSResponse | None:
        url = urlsplit(request.url)
        if url.netloc != base.netloc or url.scheme != base.scheme:
            return None
        body = _bytes(request.body)
        raw_path = url.path + (f"?{url.query}" if url.query else "")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method, "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(url.path).decode("latin-1"), "QUERY_STRING": url.query,
            "RAW_URI": raw_path, "REQUEST_URI": raw_path, "SERVER_NAME": url.hostname or "127.0.0.1",
            "SERVER_PORT": str(url.port or 80), "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(body), "wsgi.errors": io.StringIO(), "wsgi.version": (1, 0),
            "wsgi.url_scheme": url.scheme, "wsgi.multithread": True, "wsgi.multiprocess": False,
            "wsgi.run_once": False, "CONTENT_LENGTH": str(len(body)),
        }
        for name, value in request.headers.items():
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = text
            else:
                environ[f"HTTP_{key}"] = text
        environ["HTTP_HOST"] = url.netloc
        answer: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], _exc_info: Any = None) -> Any:
            answer[:] = [int(status.split(maxsplit=1)[0]), headers]
            return lambda _data: None

        content = b"".join(app(environ, start_response))
        headers = dict(answer[1]) if answer else {}
        return AWSResponse(request.url, answer[0] if answer else 500, headers, _Body(content))

    return send


def install(endpoint: str, app: Callable[..., Any]) -> None:
    """Every botocore session created from now on sends local-endpoint requests to ``app``."""
    botocore.handlers.BUILTIN_HANDLERS.append(("before-send", handler(endpoint, app)))
