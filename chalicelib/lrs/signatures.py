"""Signed statements (xAPI 1.0.3 Data §2.6; IEEE 9274.1.1 §4.2.6).

A signature is an attachment with usageType ``…/attachments/signature`` and contentType
``application/octet-stream`` whose body is a JWS in compact serialization. The LRS rejects a
statement when the JWS is malformed, its ``alg`` is not RS256/RS384/RS512, its payload is not
logically equivalent to the statement (ignoring id, authority, stored, version, attachments),
or — when the header carries an X.509 chain (``x5c``) — the signature does not verify.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from chalicelib.errors import BadRequest
from chalicelib.lrs.schema import SIGNATURE_USAGE

_ALGORITHMS: dict[str, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    "RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}
#: Properties the LRS may add or change after signing (Data §2.6, "Signature Requirements").
_IGNORED = ("id", "authority", "stored", "version", "attachments")


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def signature_attachments(statement: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in statement.get("attachments") or []
            if isinstance(a, dict) and a.get("usageType") == SIGNATURE_USAGE]


_SECONDS = re.compile(r"(\d+)[.,](\d+)S$")


def _strip(statement: dict[str, Any]) -> dict[str, Any]:
    """The comparable part; durations compare to 0.01 s (IEEE 9274.1.1 §4.2.7)."""
    kept = {k: v for k, v in statement.items() if k not in _IGNORED}
    result = kept.get("result")
    if isinstance(result, dict) and isinstance(result.get("duration"), str):
        duration = _SECONDS.sub(lambda m: f"{m.group(1)}.{(m.group(2) + '00')[:2]}S",
                                result["duration"])
        kept["result"] = {**result, "duration": duration.replace(".00S", "S")}
    return kept


def verify(statement: dict[str, Any], body: bytes, path: str) -> None:
    """Raise 400 unless ``body`` is a valid JWS signature of ``statement``."""
    try:
        header_b64, payload_b64, signature_b64 = body.decode("ascii").strip().split(".")
        header = json.loads(_b64(header_b64))
        payload = json.loads(_b64(payload_b64))
        signature = _b64(signature_b64)
    except (ValueError, UnicodeDecodeError, binascii.Error) as err:
        raise BadRequest(f"{path}: the signature is not a JWS in compact serialization") from err
    if not isinstance(header, dict) or header.get("alg") not in _ALGORITHMS:
        raise BadRequest(f"{path}: the JWS alg must be RS256, RS384 or RS512")
    if not isinstance(payload, dict) or _strip(payload) != _strip(statement):
        raise BadRequest(f"{path}: the JWS payload is not the statement that was signed")
    if payload.get("id") not in (None, statement.get("id")):
        raise BadRequest(f"{path}: the JWS payload has a different statement id")
    chain = header.get("x5c")
    if chain:
        try:
            cert = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
            key = cert.public_key()
            if not isinstance(key, rsa.RSAPublicKey):
                raise TypeError("not an RSA key")
            key.verify(signature, f"{header_b64}.{payload_b64}".encode(), padding.PKCS1v15(),
                       _ALGORITHMS[header["alg"]]())
        except (InvalidSignature, ValueError, TypeError, IndexError, binascii.Error) as err:
            raise BadRequest(f"{path}: the JWS signature does not verify with its x5c "
                             "certificate") from err


def check(statement: dict[str, Any], bodies: dict[str, bytes], path: str) -> None:
    """Validate every signature attachment of a statement whose body was sent."""
    for index, attachment in enumerate(signature_attachments(statement)):
        where = f"{path}.attachments[{index}]"
        if attachment.get("contentType") != "application/octet-stream":
            raise BadRequest(f"{where}.contentType: a signature must be application/octet-stream")
        body = bodies.get(str(attachment.get("sha2", "")).lower())
        if body is None:
            raise BadRequest(f"{where}: the signature's body was not sent")
        verify(statement, body, where)
