"""Secrets sealed at rest under the deployment's ``MASTER_KEY``.

Used for what must be read back in clear (so cannot be hashed): each realm's OAuth signing key
and LRS activity-provider secrets (OAuth 1.0a needs the shared secret). AES-256-GCM with a
random 96-bit nonce (NIST SP 800-38D); the ``context`` is authenticated data, so a value sealed
for one purpose or realm cannot be replayed as another. The AES key is SHA-256 of
``MASTER_KEY``; on AWS the template fills ``MASTER_KEY`` from a generated Secrets Manager
secret, and outside Lambda a fixed development key keeps the local stack free of setup.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chalicelib.config import env, settings
from chalicelib.errors import ApiError

_DEV_MASTER_KEY = "nimbus-development-master-key-not-for-production"
NONCE_BYTES = 12


class VaultError(ApiError):
    """No ``MASTER_KEY`` in Lambda, or a sealed value that this key cannot open."""


def _key() -> bytes:
    configured = env("MASTER_KEY")
    if not configured:
        if settings().in_lambda:
            raise VaultError("MASTER_KEY is not configured; sealed secrets are unavailable.")
        configured = _DEV_MASTER_KEY
    return hashlib.sha256(configured.encode()).digest()


def seal(plain: bytes, context: str) -> str:
    """Encrypt ``plain`` for ``context``; URL-safe base64 of nonce + ciphertext + tag."""
    nonce = os.urandom(NONCE_BYTES)
    return base64.urlsafe_b64encode(nonce + AESGCM(_key()).encrypt(nonce, plain, context.encode())).decode()


def unseal(sealed: str, context: str) -> bytes:
    """Decrypt what :func:`seal` made for the same ``context``, or raise :class:`VaultError`."""
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
        return AESGCM(_key()).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except (InvalidTag, ValueError, binascii.Error) as err:
        raise VaultError("A stored secret cannot be opened with this MASTER_KEY.") from err


def pseudonym(value: str, context: str) -> str:
    """A stable stand-in for ``value`` that does not reveal it: HMAC-SHA256 (RFC 2104) under a key
    derived from ``MASTER_KEY`` for pseudonyms only, over ``context`` and ``value``; 32 hex
    characters. Whoever holds the deployment's key and ``value`` can compute it again (so a
    report can find "this learner's" counters); nobody can turn it back into ``value``."""
    key = hmac.new(_key(), b"nimbus-pseudonym", hashlib.sha256).digest()
    return hmac.new(key, f"{context}\n{value}".encode(), hashlib.sha256).hexdigest()[:32]
