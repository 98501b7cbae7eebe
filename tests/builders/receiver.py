"""A real HTTP receiver on 127.0.0.1 for outbound calls (postbacks, statement forwarding): it
answers each request with the next scripted status (the last one repeats) and keeps what came."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    statuses: list[int]
    requests: list[Received] = field(default_factory=list)
    #: the status each request was answered with
    answers: list[int] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    #: optional: decide the status from the request (overrides ``statuses``)
    decide: Any = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                got = Received(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                               self.rfile.read(length))
                with lock:
                    receiver.requests.append(got)
                    number = len(receiver.requests)
                status = (receiver.decide(got, number) if receiver.decide else
                          receiver.statuses[min(number, len(receiver.statuses)) - 1])
                with lock:
                    receiver.answers.append(status)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            do_POST = do_PUT = do_GET = _answer  # noqa: N815 - http.server's names

            def log_message(self, *_args: Any) -> None:
                pass

        lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
