"""Statement attachments in ``multipart/mixed`` (xAPI 1.0.3 Communication §1.5.2, Data
§2.4.11; IEEE 9274.1.1 §4.1.3).

Requests: the first part holds the statement(s) as ``application/json``; every further part
carries one attachment body with ``X-Experience-API-Hash`` (its SHA-2, hex) and
``Content-Transfer-Encoding: binary``. The LRS checks each hash against the body and each
statement attachment without a ``fileUrl`` against the parts.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import BadRequest

_BOUNDARY = re.compile(r'boundary=(?:"([^"]+)"|([^;\s]+))', re.IGNORECASE)
#: hex length of a SHA-2 digest → its hashlib name
SHA2_BY_LENGTH = {56: "sha224", 64: "sha256", 96: "sha384", 128: "sha512"}


@dataclass(frozen=True)
class Part:
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def boundary(content_type: str) -> str:
    match = _BOUNDARY.search(content_type)
    if not match:
        raise BadRequest("Content-Type multipart/mixed needs a boundary parameter")
    return match.group(1) or match.group(2)


def split(raw: bytes, content_type: str) -> list[Part]:
    """The parts of a multipart body (RFC 2046 §5.1.1)."""
    delimiter = b"--" + boundary(content_type).encode()
    chunks = raw.split(delimiter)
    if len(chunks) < 3:
        raise BadRequest("multipart/mixed body has no parts (boundary not found)")
    parts = []
    for raw_chunk in chunks[1:]:
        if raw_chunk.startswith(b"--"):
            break  # the close delimiter
        chunk = raw_chunk[2:] if raw_chunk.startswith(b"\r\n") else raw_chunk.lstrip(b"\n")
        head, sep, body = chunk.partition(b"\r\n\r\n")
        if not sep:
            head, sep, body = chunk.partition(b"\n\n")
        if not sep:
            raise BadRequest("a multipart/mixed part has no header/body separator")
        if body.endswith(b"\r\n"):
            body = body[:-2]
        elif body.endswith(b"\n"):
            body = body[:-1]
        headers = {}
        for line in head.decode("latin-1").splitlines():
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        parts.append(Part(headers, body))
    return parts


def sha2_of(body: bytes, hex_length: int) -> str:
    return hashlib.new(SHA2_BY_LENGTH.get(hex_length, "sha256"), body).hexdigest()


def read_parts(parts: list[Part]) -> dict[str, Part]:
    """Attachment parts (all but the first) by their declared SHA-2, each hash verified."""
    found: dict[str, Part] = {}
    for index, part in enumerate(parts[1:], start=2):
        declared = part.headers.get("x-experience-api-hash", "").strip().lower()
        if not declared:
            raise BadRequest(f"multipart part {index}: X-Experience-API-Hash header is required")
        encoding = part.headers.get("content-transfer-encoding", "").strip().lower()
        if encoding != "binary":
            raise BadRequest(f"multipart part {index}: Content-Transfer-Encoding must be binary")
        if declared not in (h.lower() for h in [sha2_of(part.body, len(declared))]):
            raise BadRequest(f"multipart part {index}: X-Experience-API-Hash does not match the "
                             "SHA-2 of the part's body")
        found[declared] = part
    return found


def declared(statement: dict[str, Any]) -> list[dict[str, Any]]:
    """Attachment objects of a statement and of its SubStatement."""
    found = [a for a in statement.get("attachments") or [] if isinstance(a, dict)]
    target = statement.get("object")
    if isinstance(target, dict) and target.get("objectType") == "SubStatement":
        found += [a for a in target.get("attachments") or [] if isinstance(a, dict)]
    return found


def match(statements: list[dict[str, Any]], parts: dict[str, Part]) -> None:
    """Data §2.4.11: every attachment without fileUrl has a part, and every part is used."""
    wanted: set[str] = set()
    for index, statement in enumerate(statements):
        for attachment in declared(statement):
            sha2 = str(attachment.get("sha2", "")).lower()
            if "fileUrl" in attachment and sha2 not in parts:
                continue
            if sha2 not in parts:
                raise BadRequest(f"statement[{index}].attachments: no multipart part carries the "
                                 f"attachment with sha2 {sha2}")
            wanted.add(sha2)
    unused = set(parts) - wanted
    if unused:
        raise BadRequest(f"multipart part with X-Experience-API-Hash {sorted(unused)[0]} matches "
                         "no attachment of the statements")


def build(document: bytes, bodies: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/mixed response: the JSON first, then (sha2, content type, body) parts."""
    mark = "xapi" + secrets.token_hex(12)
    out = [f"--{mark}\r\nContent-Type: application/json\r\n\r\n".encode(), document, b"\r\n"]
    for sha2, content_type, body in bodies:
        out += [f"--{mark}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary"
                f"\r\nX-Experience-API-Hash: {sha2}\r\n\r\n".encode(), body, b"\r\n"]
    out.append(f"--{mark}--\r\n".encode())
    return b"".join(out), f"multipart/mixed; boundary={mark}"
