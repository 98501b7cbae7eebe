"""What Nimbus answers oauthlib the same way wherever it checks OAuth 1.0a signatures (the LRS's
activity providers, Basic LTI 1.1 launches): key and nonce shapes, the dummy client, TLS in front.
Each user answers the rest (which keys exist, their secrets, nonces seen) from its own store."""

from __future__ import annotations

from oauthlib.oauth1 import RequestValidator


class Oauth1Validator(RequestValidator):  # type: ignore[misc]
    enforce_ssl = False  # TLS ends in front of the app (API Gateway / CloudFront)
    #: the longest nonce accepted (RFC 5849 sets none; oauthlib's default is 30)
    nonce_max = 64

    @property
    def safe_characters(self) -> set[str]:
        return set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")

    @property
    def client_key_length(self) -> tuple[int, int]:
        return 8, 64

    @property
    def nonce_length(self) -> tuple[int, int]:
        return 8, self.nonce_max

    @property
    def dummy_client(self) -> str:
        return "dummy-client-key"

    def check_nonce(self, nonce: str) -> bool:
        return 8 <= len(nonce) <= self.nonce_max
