"""Secrets sealed at rest (chalicelib/vault.py)."""

from __future__ import annotations

import pytest


def test_sealed_values_open_only_for_their_context_and_key(monkeypatch) -> None:
    from chalicelib import vault

    sealed = vault.seal(b"provider-secret", "lrs-credential")
    assert b"provider-secret" not in sealed.encode()
    assert vault.seal(b"provider-secret", "lrs-credential") != sealed  # a fresh nonce each time
    assert vault.unseal(sealed, "lrs-credential") == b"provider-secret"
    with pytest.raises(vault.VaultError):
        vault.unseal(sealed, "realm-R1")  # sealed for another purpose
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(vault.VaultError):
        vault.unseal(tampered, "lrs-credential")
    monkeypatch.setenv("MASTER_KEY", "another deployment's key")
    with pytest.raises(vault.VaultError):
        vault.unseal(sealed, "lrs-credential")


def test_lambda_without_a_master_key_refuses_to_seal(monkeypatch) -> None:
    from chalicelib import vault
    from chalicelib.config import settings

    monkeypatch.delenv("MASTER_KEY", raising=False)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "api")
    settings.cache_clear()
    try:
        with pytest.raises(vault.VaultError, match="MASTER_KEY is not configured"):
            vault.seal(b"x", "ctx")
    finally:
        monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME")
        settings.cache_clear()


def test_a_pseudonym_is_stable_keyed_and_does_not_show_its_value(monkeypatch) -> None:
    from chalicelib import vault

    first = vault.pseudonym("ada@example.com", "reportage-learner:realm-1")
    assert first == vault.pseudonym("ada@example.com", "reportage-learner:realm-1") and len(first) == 32
    assert set(first) <= set("0123456789abcdef") and first != vault.pseudonym("ada@example.com", "reportage-learner:r2")
    monkeypatch.setenv("MASTER_KEY", "another deployment's key")
    assert vault.pseudonym("ada@example.com", "reportage-learner:realm-1") != first  # this deployment only
