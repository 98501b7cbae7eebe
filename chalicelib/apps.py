"""API applications and their secret keys (SCORM Cloud: "Apps", App ID + Secret Keys).

An app has several secret keys; each can be disabled, enabled, rotated (a new secret under the
same key id: the old one stops working at once) and deleted. A secret is shown once, when it
is made, and stored only as its SHA-256 (:func:`chalicelib.identity.secret_digest`).

Each realm also has one *application-management app* (SCORM Cloud's "Application Management
App", ``APP_MANAGEMENT``): its keys are accepted only by ``/appManagement/*`` and the two token
endpoints, where they act on the realm's other apps.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.errors import BadRequest, Conflict, NotFound
from chalicelib.identity import secret_digest
from chalicelib.store import accounts as store
from chalicelib.store import repos

if TYPE_CHECKING:
    from chalicelib.store.tables import AppItem, SecretKeyItem

NAME_MAX = 100


@dataclass(frozen=True)
class NewApp:
    """An app as just created: the only moment its secret key is known in clear."""

    app_id: str
    secret_key: str
    realm_id: str
    key_id: str = ""


@dataclass(frozen=True)
class NewKey:
    key: SecretKeyItem
    secret: str


def new_id(prefix: str = "") -> str:
    return prefix + secrets.token_hex(8).upper()


def _name(raw: object, field: str = "name") -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise BadRequest(f"{field} is required.")
    if len(raw.strip()) > NAME_MAX:
        raise BadRequest(f"{field} must be at most {NAME_MAX} characters.")
    return raw.strip()


def create_app(realm_id: str, name: object, *, app_id: str | None = None, secret_key: str | None = None,
               kind: str = "normal", with_key: bool = True) -> NewApp:
    """Create an app, by default with one enabled secret key."""
    app_id = app_id or new_id()
    repos.create_app(app_id, realm_id, _name(name))
    if kind != "normal":
        app = repos.get_app(app_id)
        assert app is not None  # noqa: S101 - just created
        app.kind = kind
        store.save_app(app)
    if not with_key:
        return NewApp(app_id=app_id, secret_key="", realm_id=realm_id)
    secret = secret_key or secrets.token_urlsafe(30)
    key_id = new_id("K")
    repos.add_secret_key(app_id, key_id, "Default", secret_digest(secret))
    return NewApp(app_id=app_id, secret_key=secret, realm_id=realm_id, key_id=key_id)


def get_app(realm_id: str, app_id: str, *, management: bool = False) -> AppItem:
    """An app of the realm (404 for any other realm's), of the wanted kind."""
    app = repos.get_app(app_id)
    if app is None or app.realm_id != realm_id or (app.kind == "management") != management:
        raise NotFound(f"No app {app_id!r} in this realm.")
    return app


def list_apps(realm_id: str) -> list[AppItem]:
    return sorted((app for app in store.apps_of(realm_id) if app.kind != "management"),
                  key=lambda app: app.created)


def management_app(realm_id: str) -> AppItem:
    """The realm's application-management app, created (without keys) on first use."""
    for app in store.apps_of(realm_id):
        if app.kind == "management":
            return app
    made = create_app(realm_id, "Application Management", kind="management", with_key=False)
    return get_app(realm_id, made.app_id, management=True)


def rename_app(realm_id: str, app_id: str, name: object) -> AppItem:
    app = get_app(realm_id, app_id)
    app.name = _name(name)
    store.save_app(app)
    return app


def delete_app(realm_id: str, app_id: str) -> None:
    """Delete an app, its keys and (since tokens are checked against it) its OAuth tokens."""
    store.delete_app(get_app(realm_id, app_id))


def keys(app: AppItem) -> list[SecretKeyItem]:
    return sorted(repos.list_secret_keys(app.app_id), key=lambda key: key.created)


def add_key(app: AppItem, name: object, enabled: bool = True) -> NewKey:
    secret = secrets.token_urlsafe(30)
    key = repos.add_secret_key(app.app_id, new_id("K"), _name(name), secret_digest(secret))
    if not enabled:
        key.enabled = False
        store.save_secret_key(key)
    return NewKey(key=key, secret=secret)


def get_key(app: AppItem, key_id: str) -> SecretKeyItem:
    key = store.get_secret_key(app.app_id, key_id)
    if key is None:
        raise NotFound(f"No secret key {key_id!r} on app {app.app_id!r}.")
    return key


def update_key(app: AppItem, key_id: str, *, enabled: object = None, name: object = None) -> SecretKeyItem:
    key = get_key(app, key_id)
    if enabled is not None:
        if not isinstance(enabled, bool):
            raise BadRequest("enabled must be true or false.")
        key.enabled = enabled
    if name is not None:
        key.name = _name(name)
    store.save_secret_key(key)
    return key


def rotate_key(app: AppItem, key_id: str) -> NewKey:
    """Give the key a new secret; the old secret stops working immediately."""
    key = get_key(app, key_id)
    secret = secrets.token_urlsafe(30)
    key.secret_hash = secret_digest(secret)
    key.enabled = True
    store.save_secret_key(key)
    return NewKey(key=key, secret=secret)


def delete_key(app: AppItem, key_id: str) -> None:
    key = get_key(app, key_id)
    others = [k for k in keys(app) if k.key_id != key_id and k.enabled]
    if app.kind == "normal" and not others and key.enabled:
        raise Conflict("This is the app's last enabled secret key; add another first or delete the app.")
    store.delete_secret_key(key)


def key_json(key: SecretKeyItem, secret: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"id": key.key_id, "name": key.name, "enabled": key.enabled,
                            "created": key.created.isoformat(),
                            "updated": (key.updated or key.created).isoformat()}
    if secret is not None:
        body["secret"] = secret
    return body


def app_json(app: AppItem) -> dict[str, Any]:
    return {"id": app.app_id, "name": app.name, "created": app.created.isoformat(),
            "updated": (app.updated or app.created).isoformat(), "kind": app.kind}
