"""Outbound HTTP(S) that cannot be turned against us (SSRF): package fetches, postbacks.

Every request, and every redirect hop, resolves the host name once, refuses the request if
*any* address is not globally routable (loopback, private, link-local — which includes the
cloud metadata address 169.254.169.254 —, carrier-grade NAT, multicast, reserved, IPv4-mapped
forms of those, and the IPv6 metadata address fd00:ec2::254), and then connects to that very
address (so a DNS answer that changes between check and connect — rebinding — cannot slip
through). TLS still verifies the certificate against the host name. Only http and https on
any port; redirects at most :data:`MAX_REDIRECTS`; bodies capped at ``max_bytes``.

A self-hosted install may name private networks it trusts in ``NIMBUS_OUTBOUND_ALLOW``
(comma-separated CIDRs, empty by default): addresses inside them are reachable — an LRS or a
postback receiver on the office network, or a test's receiver on 127.0.0.1. The metadata
addresses stay refused whatever the list says.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import socket
import ssl
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    from collections.abc import Callable

MAX_REDIRECTS = 5
TIMEOUT_SECONDS = 20.0
CHUNK = 1024 * 1024
USER_AGENT = "Nimbus/1.0 (+course import)"


class OutboundRefused(ValueError):
    """The URL may not be fetched (bad scheme, forbidden address, too big, HTTP error...)."""


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return _forbidden(address.ipv4_mapped)
    return not address.is_global or address.is_multicast


#: Never reachable, whatever ``NIMBUS_OUTBOUND_ALLOW`` says: the cloud metadata services.
METADATA = (ipaddress.ip_network("169.254.169.254/32"), ipaddress.ip_network("fd00:ec2::254/128"))

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def operator_allowlist(raw: str | None = None) -> tuple[Network, ...]:
    """The networks named in ``NIMBUS_OUTBOUND_ALLOW``; a malformed entry is a startup error."""
    text = os.environ.get("NIMBUS_OUTBOUND_ALLOW", "") if raw is None else raw
    networks: list[Network] = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as err:
            raise ValueError(f"NIMBUS_OUTBOUND_ALLOW: {entry!r} is not a CIDR ({err})") from err
    return tuple(networks)


def _globally_routable(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    plain = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped else address
    if any(plain in network for network in METADATA):
        return False
    if any(plain.version == network.version and plain in network for network in operator_allowlist()):
        return True
    return not _forbidden(address)


#: Decides whether an address may be contacted; tests swap it to reach a loopback server.
address_allowed: Callable[[ipaddress.IPv4Address | ipaddress.IPv6Address], bool] = _globally_routable


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def resolve(url: str) -> Target:
    """Check a URL and pick the address to connect to, or raise :class:`OutboundRefused`."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise OutboundRefused(f"only http and https URLs can be fetched, not {parts.scheme or 'this'!r}")
    if not parts.hostname:
        raise OutboundRefused("the URL has no host")
    if parts.username or parts.password:
        raise OutboundRefused("URLs with embedded credentials are not fetched")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as err:
        raise OutboundRefused(f"the URL's port is invalid: {err}") from err
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as err:
        raise OutboundRefused(f"the host {parts.hostname!r} cannot be resolved") from err
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    refused = [a for a in addresses if not address_allowed(a)]
    if refused or not addresses:
        raise OutboundRefused(f"the host {parts.hostname!r} resolves to {refused[0] if refused else 'nothing'}, "
                              "a loopback, private, link-local or metadata address; it is not fetched")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path, str(addresses[0]))


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed address, with SNI and certificate checks for the real host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def _connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPSConnection(target, timeout)
    return _PinnedHTTPConnection(target, timeout)


def _request(method: str, url: str, body: bytes | None, headers: dict[str, str],
             timeout: float) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse, str]:
    """Send one request, following (and re-checking) redirects; return the final response."""
    for _hop in range(MAX_REDIRECTS + 1):
        target = resolve(url)
        conn = _connection(target, timeout)
        try:
            conn.request(method, target.path, body=body, headers={"User-Agent": USER_AGENT, **headers})
            response = conn.getresponse()
        except (OSError, http.client.HTTPException) as err:
            conn.close()
            raise OutboundRefused(f"could not fetch {url}: {err}") from err
        if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
            url = urljoin(url, response.getheader("Location") or "")
            conn.close()
            if response.status == 303:
                method, body = "GET", None
            continue
        return conn, response, url
    raise OutboundRefused(f"more than {MAX_REDIRECTS} redirects")


def download(url: str, sink: IO[bytes], max_bytes: int, timeout: float = TIMEOUT_SECONDS) -> tuple[str, str]:
    """GET ``url`` into ``sink``; return (final URL, Content-Type). Refuses bodies over ``max_bytes``."""
    conn, response, final = _request("GET", url, None, {}, timeout)
    try:
        if response.status != 200:
            raise OutboundRefused(f"{final} answered HTTP {response.status}")
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise OutboundRefused(f"{final} is {declared} bytes; the limit is {max_bytes}")
        received = 0
        while True:
            chunk = response.read(CHUNK)
            if not chunk:
                break
            received += len(chunk)
            if received > max_bytes:
                raise OutboundRefused(f"{final} is larger than the limit of {max_bytes} bytes")
            sink.write(chunk)
        return final, (response.getheader("Content-Type") or "").split(";")[0].strip()
    except (OSError, http.client.HTTPException) as err:
        raise OutboundRefused(f"could not fetch {final}: {err}") from err
    finally:
        conn.close()


@dataclass(frozen=True)
class Reply:
    """What a receiver answered to :func:`send`."""

    status: int
    headers: dict[str, str]
    body: bytes


def send(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None, *,
         timeout: float = 10.0, max_bytes: int = 1024 * 1024) -> Reply:
    """One request (postbacks, statement forwarding, PENS, LTI outcomes); redirects are not
    followed — a 3xx is returned as it is, for the caller to judge. The reply's body is read up
    to ``max_bytes`` and refused beyond it."""
    target = resolve(url)
    conn = _connection(target, timeout)
    try:
        conn.request(method, target.path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})})
        response = conn.getresponse()
        data = response.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise OutboundRefused(f"{url} answered with more than {max_bytes} bytes")
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    except (OSError, http.client.HTTPException) as err:
        raise OutboundRefused(f"could not reach {url}: {err}") from err
    finally:
        conn.close()


def post_json(url: str, payload: object, timeout: float = 10.0) -> int:
    """POST JSON (a postback); return the HTTP status. 3xx is not followed for POST bodies."""
    reply = send("POST", url, json.dumps(payload).encode(), {"Content-Type": "application/json"}, timeout=timeout)
    return reply.status
