"""chalicelib.outbound: private addresses refused, the operator's allowlist, send()."""

from __future__ import annotations

import http.server
import ipaddress
import threading
from typing import TYPE_CHECKING

import pytest

from chalicelib import outbound

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture()
def receiver() -> Iterator[tuple[str, list[tuple[str, bytes, str]]]]:
    """A receiver on 127.0.0.1 that records each request and answers 201 with a body."""
    seen: list[tuple[str, bytes, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append((self.path, body, self.headers.get("Authorization") or ""))
            self.send_response(201)
            self.send_header("X-Seen", str(len(seen)))
            self.end_headers()
            self.wfile.write(b"stored")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()


def test_private_and_metadata_addresses_are_refused_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NIMBUS_OUTBOUND_ALLOW", raising=False)
    for text in ("127.0.0.1", "10.1.2.3", "192.168.0.9", "169.254.169.254", "::1", "::ffff:10.0.0.1"):
        assert not outbound.address_allowed(ipaddress.ip_address(text)), text
    assert outbound.address_allowed(ipaddress.ip_address("93.184.216.34"))


def test_the_allowlist_opens_named_networks_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIMBUS_OUTBOUND_ALLOW", "10.20.0.0/16, 127.0.0.1/32,169.254.0.0/16")
    assert outbound.address_allowed(ipaddress.ip_address("10.20.5.6"))
    assert outbound.address_allowed(ipaddress.ip_address("127.0.0.1"))
    assert outbound.address_allowed(ipaddress.ip_address("::ffff:10.20.0.1"))
    assert not outbound.address_allowed(ipaddress.ip_address("10.21.0.1"))
    assert not outbound.address_allowed(ipaddress.ip_address("127.0.0.2"))
    # the metadata service stays closed even inside an allowed network
    assert not outbound.address_allowed(ipaddress.ip_address("169.254.169.254"))
    assert outbound.address_allowed(ipaddress.ip_address("169.254.10.10"))


def test_a_malformed_allowlist_names_the_entry() -> None:
    with pytest.raises(ValueError, match="'10.0.0.0/99'"):
        outbound.operator_allowlist("127.0.0.1/32, 10.0.0.0/99")


def test_send_reaches_an_allowed_receiver_and_returns_its_answer(
        monkeypatch: pytest.MonkeyPatch, receiver: tuple[str, list[tuple[str, bytes, str]]]) -> None:
    url, seen = receiver
    monkeypatch.delenv("NIMBUS_OUTBOUND_ALLOW", raising=False)
    with pytest.raises(outbound.OutboundRefused, match="loopback"):
        outbound.send("POST", f"{url}/hook", b"x")
    assert seen == []
    monkeypatch.setenv("NIMBUS_OUTBOUND_ALLOW", "127.0.0.1/32")
    reply = outbound.send("POST", f"{url}/hook?a=1", b"payload", {"Authorization": "Basic abc"})
    assert (reply.status, reply.body, reply.headers["x-seen"]) == (201, b"stored", "1")
    assert seen == [("/hook?a=1", b"payload", "Basic abc")]
    assert outbound.post_json(f"{url}/json", {"a": 1}) == 201
    assert seen[-1][1] == b'{"a": 1}'
