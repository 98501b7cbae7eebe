"""Reads and writes per aggregate. pynamodb errors become domain answers here.

Functions return the pynamodb items (plain attribute holders) so callers need no second
object model; only this module knows key layouts.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.store.tables import (
    AppItem,
    ImportJobItem,
    RealmItem,
    RegistrationItem,
    SecretKeyItem,
    SessionItem,
    UserItem,
)


class AlreadyExists(Exception):
    """A conditional create found the item already there."""


def now() -> datetime:
    return datetime.now(UTC)


def _conditional_failed(err: PutError | UpdateError) -> bool:
    return err.cause_response_code == "ConditionalCheckFailedException"


def _create(item: RealmItem | AppItem | UserItem | RegistrationItem | ImportJobItem) -> None:
    """Put ``item`` only if no item with its key exists."""
    try:
        item.save(condition=type(item).pk.does_not_exist())
    except PutError as err:
        if _conditional_failed(err):
            raise AlreadyExists(item.pk) from err
        raise


# --- realms, apps, keys, users --------------------------------------------------------------


def create_realm(realm_id: str, name: str) -> RealmItem:
    item = RealmItem(f"REALM#{realm_id}", "REALM", realm_id=realm_id, name=name, created=now())
    _create(item)
    return item


def get_realm(realm_id: str) -> RealmItem | None:
    try:
        return RealmItem.get(f"REALM#{realm_id}", "REALM")
    except DoesNotExist:
        return None


def create_app(app_id: str, realm_id: str, name: str) -> AppItem:
    item = AppItem(f"APP#{app_id}", "APP", app_id=app_id, realm_id=realm_id, name=name,
                   created=now(), gsi1pk=f"REALM#{realm_id}#APPS", gsi1sk=app_id)
    _create(item)
    return item


def get_app(app_id: str) -> AppItem | None:
    try:
        return AppItem.get(f"APP#{app_id}", "APP")
    except DoesNotExist:
        return None


def add_secret_key(app_id: str, key_id: str, name: str, secret_hash: str) -> SecretKeyItem:
    item = SecretKeyItem(f"APP#{app_id}", f"KEY#{key_id}", key_id=key_id, name=name,
                         secret_hash=secret_hash, created=now())
    item.save()
    return item


def list_secret_keys(app_id: str) -> list[SecretKeyItem]:
    return list(SecretKeyItem.query(f"APP#{app_id}", SecretKeyItem.sk.startswith("KEY#")))


def get_app_with_keys(app_id: str) -> tuple[AppItem | None, list[SecretKeyItem]]:
    """The app and its secret keys in one Query: they share the ``APP#{appId}`` partition.

    Every API v2 call authenticates through this, so it is one DynamoDB read, not two.
    """
    app: AppItem | None = None
    keys: list[SecretKeyItem] = []
    start: dict[str, Any] | None = None
    while True:
        page = AppItem._get_connection().query(f"APP#{app_id}", exclusive_start_key=start)
        for raw in page.get("Items", []):
            sort_key = raw["sk"]["S"]
            if sort_key == "APP":
                app = AppItem.from_raw_data(raw)
            elif sort_key.startswith("KEY#"):
                keys.append(SecretKeyItem.from_raw_data(raw))
        start = page.get("LastEvaluatedKey")
        if not start:
            return app, keys


def create_user(item: UserItem) -> UserItem:
    item.pk, item.sk = f"USER#{item.email.lower()}", "USER"
    item.gsi1pk, item.gsi1sk = f"REALM#{item.realm_id}#USERS", item.email.lower()
    _create(item)
    return item


def get_user(email: str) -> UserItem | None:
    try:
        return UserItem.get(f"USER#{email.strip().lower()}", "USER")
    except DoesNotExist:
        return None


def save_user(user: UserItem) -> None:
    """Save with optimistic locking; a concurrent change raises ``PutError``."""
    user.save()


# --- sessions ---------------------------------------------------------------------------------


def _session_key(token: str) -> str:
    return "SESSION#" + hashlib.sha256(token.encode()).hexdigest()


def create_session(token: str, email: str, csrf_token: str, ttl_seconds: int) -> SessionItem:
    item = SessionItem(_session_key(token), "SESSION", email=email.lower(), csrf_token=csrf_token,
                       expires=int(time.time()) + ttl_seconds)
    item.save()
    return item


def get_session(token: str) -> tuple[SessionItem, UserItem] | None:
    """The live session for ``token`` and its user, or None (expired items may linger)."""
    try:
        session = SessionItem.get(_session_key(token), "SESSION")
    except DoesNotExist:
        return None
    if session.expires < time.time():
        return None
    user = get_user(session.email)
    return (session, user) if user else None


def delete_session(token: str) -> None:
    SessionItem(_session_key(token), "SESSION").delete()


# --- registrations ------------------------------------------------------------------------


def create_registration(item: RegistrationItem) -> RegistrationItem:
    item.pk, item.sk = f"{item.realm_id}#REG#{item.registration_id}", "REG"
    item.gsi1pk = f"{item.realm_id}#REGS"
    item.gsi1sk = f"{item.created.isoformat()}#{item.registration_id}"
    _create(item)
    return item


def get_registration(realm_id: str, registration_id: str) -> RegistrationItem | None:
    try:
        return RegistrationItem.get(f"{realm_id}#REG#{registration_id}", "REG")
    except DoesNotExist:
        return None


# --- import jobs ----------------------------------------------------------------------------


def create_import_job(item: ImportJobItem) -> ImportJobItem:
    item.pk, item.sk = f"{item.realm_id}#JOB#{item.job_id}", "JOB"
    _create(item)
    return item


def get_import_job(realm_id: str, job_id: str) -> ImportJobItem | None:
    try:
        return ImportJobItem.get(f"{realm_id}#JOB#{job_id}", "JOB")
    except DoesNotExist:
        return None


def mark_upload_received(realm_id: str, job_id: str, key: str, size: int) -> bool:
    """Set the job's upload key and size once; False if the job is unknown or already has them."""
    job = ImportJobItem(f"{realm_id}#JOB#{job_id}", "JOB")
    try:
        job.update(
            actions=[ImportJobItem.upload_key.set(key), ImportJobItem.upload_size.set(size),
                     ImportJobItem.updated.set(now())],
            condition=ImportJobItem.pk.exists() & (ImportJobItem.upload_size.does_not_exist()),
        )
    except UpdateError as err:
        if _conditional_failed(err):
            return False
        raise
    return True
