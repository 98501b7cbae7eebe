"""Signed statements (xAPI Data §2.6): a JWS made with a real RSA key and X.509 certificate."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from chalicelib.errors import BadRequest
from chalicelib.lrs import signatures
from tests.builders import statements as b

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _cert() -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "signer")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(KEY.public_key()).serial_number(1).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(KEY, hashes.SHA256()))
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jws(payload: dict[str, Any], alg: str = "RS256", x5c: bool = True) -> bytes:
    header = {"alg": alg, **({"x5c": [_cert()]} if x5c else {})}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    signature = KEY.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64(signature)}".encode()


def test_a_valid_signature_is_accepted() -> None:
    statement = b.statement()
    signatures.verify({**statement, "stored": "x", "authority": b.agent("lrs")}, jws(statement),
                      "statement")


@pytest.mark.parametrize(("token", "reason"), [
    (b"not a jws", "compact serialization"),
    (None, "RS256, RS384 or RS512"),
    (None, "not the statement"),
    (None, "does not verify"),
])
def test_bad_signatures_are_rejected(token: bytes | None, reason: str) -> None:
    statement = b.statement()
    if reason.startswith("RS256"):
        token = jws(statement, alg="HS256")
    elif reason == "not the statement":
        token = jws({**statement, "verb": {"id": "http://example.com/other"}})
    elif reason == "does not verify":
        head, payload, _sig = jws(statement).decode().split(".")
        token = f"{head}.{payload}.{_b64(b'forged' * 40)}".encode()
    with pytest.raises(BadRequest, match=reason):
        signatures.verify(statement, token or b"", "statement")


def test_signature_content_type_must_be_octet_stream() -> None:
    statement = b.statement(attachments=[{
        "usageType": signatures.SIGNATURE_USAGE, "display": {"en-US": "signature"},
        "contentType": "text/plain", "length": 10, "sha2": "a" * 64}])
    with pytest.raises(BadRequest, match="application/octet-stream"):
        signatures.check(statement, {"a" * 64: b"x"}, "statement")
