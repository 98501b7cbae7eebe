"""``multipart/form-data`` request bodies (RFC 7578), parsed with the standard library."""

from __future__ import annotations

from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP

from chalicelib.errors import BadRequest, UnsupportedMediaType


@dataclass(frozen=True)
class Part:
    name: str
    data: bytes
    file_name: str | None = None
    content_type: str | None = None


def parse(content_type: str | None, body: bytes) -> dict[str, Part]:
    """The parts of a multipart body by field name (the first part of each name wins)."""
    if not content_type or not content_type.lower().startswith("multipart/form-data"):
        raise UnsupportedMediaType("Send the package as multipart/form-data with a 'file' part.")
    if "boundary=" not in content_type.lower():
        raise BadRequest("The multipart Content-Type has no boundary.")
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + body)
    if not message.is_multipart():
        raise BadRequest("The multipart body cannot be parsed.")
    parts: dict[str, Part] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or name in parts:
            continue
        payload = part.get_payload(decode=True)
        parts[name] = Part(name, payload if isinstance(payload, bytes) else b"", part.get_filename(),
                           part.get_content_type() if part.get("content-type") else None)
    return parts
