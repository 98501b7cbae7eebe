"""Activity-provider credentials of the built-in LRS (SCORM Cloud "xAPI credentials").

A credential has a key (its id, the Basic user name / OAuth consumer key), a secret, an auth
type (``BASICAUTH`` or ``OAUTH``), a permissions level, an enabled flag and the endpoint it may
use: one app's LRS (``/lrs/{appId}``) or every endpoint of its realm (``*``).

Secrets are sealed with :mod:`chalicelib.vault` (AES-256-GCM under ``MASTER_KEY``). OAuth
1.0a's HMAC-SHA1 needs the clear secret, so a one-way hash would not do, and the API v2 returns
it as SCORM Cloud does.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib import vault
from chalicelib.errors import BadRequest, NotFound
from chalicelib.store import lrs_credentials as store
from chalicelib.store import repos

AUTH_TYPES = ("BASICAUTH", "OAUTH")
#: permissions level → (read any, read own, write). SDK enum values plus READANY.
PERMISSIONS: dict[str, tuple[bool, bool, bool]] = {
    "ROOT": (True, True, True),
    "READANY": (True, True, True),
    "USER": (False, True, True),
    "DEFAULT": (False, True, True),
    "READONLY": (False, True, False),
    "WRITEONLY": (False, False, True),
}
#: SPEC DEVIATION: ROOT and READANY differ only in that ROOT may also manage documents of
#: every provider; with one shared document space per endpoint they behave the same here.


@dataclass(frozen=True)
class Credential:
    credential_id: str
    realm_id: str
    name: str
    info: str
    secret: str
    enabled: bool
    auth: str
    permissions: str
    endpoint: str

    def to_api(self) -> dict[str, Any]:
        """XapiCredentialSchema, with ``auth``/``permissionsLevel`` in the SDK's object form."""
        return {"id": self.credential_id, "name": self.name, "info": self.info,
                "secret": self.secret, "isEnabled": self.enabled,
                "auth": {"xapiCredentialAuthType": self.auth},
                "permissionsLevel": {"xapiCredentialPermissionsLevel": self.permissions},
                "endpoint": self.endpoint}


def seal(secret: str) -> str:
    return vault.seal(secret.encode(), "lrs-credential")


def unseal(sealed: str) -> str:
    return vault.unseal(sealed, "lrs-credential").decode()


def _from_item(item: store.CredentialItem) -> Credential:
    return Credential(item.credential_id, item.realm_id, item.name, item.info,
                      unseal(item.secret_sealed), item.enabled, item.auth, item.permissions,
                      item.endpoint)


#: Version each credential last spoke, as this process knows it (saves a write per request).
_LAST_VERSION: dict[str, str] = {}


def remember_version(key: str, version: str) -> None:
    """Record the xAPI version a provider speaks (written only when it changes)."""
    if _LAST_VERSION.get(key) != version:
        store.set_last_version(key, version)
        _LAST_VERSION[key] = version


def last_version(key: str) -> str | None:
    """SPEC DEVIATION (none defined): a request without X-Experience-API-Version cannot say
    which version its error should be in; answer in the one this provider last used."""
    if key not in _LAST_VERSION:
        item = store.get_credential(key)
        if item is None or item.last_version is None:
            return None
        _LAST_VERSION[key] = item.last_version
    return _LAST_VERSION[key]


def find(key: str) -> Credential | None:
    item = store.get_credential(key)
    return _from_item(item) if item else None


def _choice(value: Any, field: str, inner: str, allowed: tuple[str, ...] | list[str]) -> str:
    """Accept ``"ROOT"`` or the SDK's ``{"xapiCredentialPermissionsLevel": "ROOT"}`` form."""
    if isinstance(value, dict):
        value = value.get(inner)
    if not isinstance(value, str) or value.upper() not in allowed:
        raise BadRequest(f"{field} must be one of {', '.join(allowed)}")
    return value.upper()


def _endpoint(realm_id: str, value: Any) -> str:
    if value in (None, "", "*"):
        return "*"
    if not isinstance(value, str):
        raise BadRequest("endpoint must be an app id or \"*\"")
    app = repos.get_app(value)
    if value != realm_id and (app is None or app.realm_id != realm_id):
        raise BadRequest(f"endpoint: {value} is not an app of this realm")
    return value


def save(realm_id: str, body: Any, credential_id: str | None = None) -> Credential:
    """Create (``credential_id`` None) or replace a credential from an API v2 body."""
    if not isinstance(body, dict):
        raise BadRequest("Request body must be a JSON object")
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BadRequest("name is required")
    previous = None
    if credential_id is not None:
        previous = store.get_credential(credential_id)
        if previous is None or previous.realm_id != realm_id:
            raise NotFound(f"xapiCredentialId {credential_id}: no such credential")
    secret = body.get("secret") or (unseal(previous.secret_sealed) if previous else None) \
        or secrets.token_urlsafe(24)
    if not isinstance(secret, str) or len(secret) < 8:
        raise BadRequest("secret must be a string of at least 8 characters")
    enabled = body.get("isEnabled", True)
    if not isinstance(enabled, bool):
        raise BadRequest("isEnabled must be true or false")
    item = store.CredentialItem(
        credential_id=credential_id or secrets.token_urlsafe(15).replace("-", "x")
        .replace("_", "y"), realm_id=realm_id, name=name.strip(),
        info=str(body.get("info") or ""), secret_sealed=seal(secret), enabled=enabled,
        auth=_choice(body.get("auth", "BASICAUTH"), "auth", "xapiCredentialAuthType", AUTH_TYPES),
        permissions=_choice(body.get("permissionsLevel", "USER"), "permissionsLevel",
                            "xapiCredentialPermissionsLevel", list(PERMISSIONS)),
        endpoint=_endpoint(realm_id, body.get("endpoint")),
        created=previous.created if previous else datetime.now(UTC).isoformat())
    store.save_credential(item)
    return _from_item(item)


def get(realm_id: str, credential_id: str) -> Credential:
    found = find(credential_id)
    if found is None or found.realm_id != realm_id:
        raise NotFound(f"xapiCredentialId {credential_id}: no such credential")
    return found


def list_all(realm_id: str) -> list[Credential]:
    return [_from_item(item) for item in store.list_credentials(realm_id)]


def delete(realm_id: str, credential_id: str) -> None:
    get(realm_id, credential_id)
    store.delete_credential(credential_id)


def create_root(realm_id: str, name: str, key: str | None = None,
                secret: str | None = None) -> Credential:
    """A root, enabled, Basic credential for every endpoint (the local stack seeds one)."""
    body = {"name": name, "secret": secret, "permissionsLevel": "ROOT", "auth": "BASICAUTH"}
    if key and store.get_credential(key) is None:
        item = store.CredentialItem(credential_id=key, realm_id=realm_id, name=name,
                                    secret_sealed=seal(secret or secrets.token_urlsafe(24)),
                                    auth="BASICAUTH", permissions="ROOT", endpoint="*",
                                    created=datetime.now(UTC).isoformat())
        store.save_credential(item)
        return _from_item(item)
    return save(realm_id, body, key)
