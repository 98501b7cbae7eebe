"""Registrations table: registrations, their instances, launches, debug logs and launch tokens.

Key layout (every key starts with the realm id):

* ``{realm}#REG#{id}`` / ``REG``                       the registration (:class:`RegistrationItem`),
  listed per realm by gsi1 ``{realm}#REGS`` (course previews: ``{realm}#SANDBOX``);
* ``{realm}#REG#{id}`` / ``INSTANCE#{n:06d}``          an earlier instance, frozen on reset;
* ``{realm}#REG#{id}`` / ``LAUNCH#{launchId}``         one launch (launch history);
* ``{realm}#REG#{id}`` / ``LOG#{launchId}#{ns}``       one batch of a launch's debug log;
* ``{realm}#LAUNCHTOKEN#{sha256(secret)}`` / ``TOKEN`` a single-use launch link token (TTL).

A commit is one ``TransactWriteItems`` call: the registration (optimistic lock on its
``version``), its launch record and its debug log batch are written together or not at all.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.models import Model

from chalicelib.config import settings
from chalicelib.store import transactions
from chalicelib.store.tables import RegistrationItem

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

_S = settings()

__all__ = ["RegistrationItem"]


def _meta() -> Any:
    return type("Meta", (), {"table_name": _S.registrations_table, "region": _S.region})


class _Item(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class InstanceItem(_Item):
    """A frozen earlier instance of a registration (its attributes as JSON)."""

    Meta = _meta()
    instance = NumberAttribute()
    snapshot = JSONAttribute(default=dict)
    archived = UnicodeAttribute(null=True)  # ISO time it was frozen (issue 16: its statements' window)


class LaunchItem(_Item):
    """One launch of a registration: when, what it ended with (LaunchHistorySchema)."""

    Meta = _meta()
    launch_id = UnicodeAttribute()
    instance = NumberAttribute(default=0)
    launch_time = UnicodeAttribute()
    exit_time = UnicodeAttribute(null=True)
    last_update = UnicodeAttribute(null=True)
    completion = UnicodeAttribute(default="UNKNOWN")
    success = UnicodeAttribute(default="UNKNOWN")
    score = NumberAttribute(null=True)
    seconds = NumberAttribute(default=0)
    log_batches = NumberAttribute(default=0)
    details = JSONAttribute(default=dict)  # redirect, sandbox, user agent
    #: what Reportage counts the launch under: the registration's realm, course, learner id and
    #: invitation / destination / app (chalicelib.reports.launches), so its change alone suffices
    reportage = JSONAttribute(null=True)


class LogItem(_Item):
    """One batch of a launch's debug log: runtime calls, commits and launch events."""

    Meta = _meta()
    entries = JSONAttribute(default=list)


class LaunchTokenItem(_Item):
    """A launch link token: single use, expires (TTL)."""

    Meta = _meta()
    realm_id = UnicodeAttribute()
    registration_id = UnicodeAttribute()
    expires = NumberAttribute()
    used = BooleanAttribute(default=False)
    options = JSONAttribute(default=dict)


class VersionConflict(Exception):
    """Someone else changed the registration since it was read (optimistic lock)."""


class AlreadyExists(Exception):
    """A registration with this id exists."""


def reg_pk(realm_id: str, registration_id: str) -> str:
    return f"{realm_id}#REG#{registration_id}"


def _group(realm_id: str, sandbox: bool) -> str:
    return f"{realm_id}#{'SANDBOX' if sandbox else 'REGS'}"


# --- registrations ----------------------------------------------------------------------------


def create(item: RegistrationItem, counters: Iterable[tuple[Any, list[Any]]] = ()) -> RegistrationItem:
    """Put a new registration; :class:`AlreadyExists` if the id is taken. ``counters`` — (item,
    update actions) from the other stores (plan usage, the course's count) — are applied in the
    same ``TransactWriteItems``: a registration is never stored uncounted, or counted unstored."""
    item.pk, item.sk = reg_pk(item.realm_id, item.registration_id), "REG"
    item.gsi1pk = _group(item.realm_id, bool(item.sandbox))
    item.gsi1sk = f"{item.created.isoformat()}#{item.registration_id}"
    updates = list(counters)
    try:
        if not updates:
            item.save(condition=RegistrationItem.pk.does_not_exist())
            return item
        with transactions.transaction() as txn:
            txn.save(item, condition=RegistrationItem.pk.does_not_exist())
            for counter, actions in updates:
                txn.update(counter, actions=actions)
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            raise AlreadyExists(item.registration_id) from err
        raise
    except TransactWriteError as err:
        reasons = err.cancellation_reasons or []
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            raise AlreadyExists(item.registration_id) from err
        raise
    return item


def create_many(items: list[RegistrationItem]) -> None:
    """Put new registrations in batches of 25 (BatchWriteItem has no conditions: the caller gives
    them fresh random ids). Each starts at version 1, as a first conditional save would."""
    with RegistrationItem.batch_write() as batch:
        for item in items:
            item.pk, item.sk = reg_pk(item.realm_id, item.registration_id), "REG"
            item.gsi1pk = _group(item.realm_id, bool(item.sandbox))
            item.gsi1sk = f"{item.created.isoformat()}#{item.registration_id}"
            item.version = 1
            batch.save(item)


def get(realm_id: str, registration_id: str, *, consistent: bool = True) -> RegistrationItem | None:
    try:
        return RegistrationItem.get(reg_pk(realm_id, registration_id), "REG", consistent_read=consistent)
    except DoesNotExist:
        return None


def exists(realm_id: str, registration_id: str) -> bool:
    return RegistrationItem.count(reg_pk(realm_id, registration_id), RegistrationItem.sk == "REG") > 0


def save(item: RegistrationItem) -> None:
    """Save with the optimistic lock; :class:`VersionConflict` if it changed meanwhile."""
    try:
        item.save()
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            raise VersionConflict(item.registration_id) from err
        raise


def list_group(realm_id: str, *, sandbox: bool = False) -> Iterator[RegistrationItem]:
    return RegistrationItem.by_group.query(_group(realm_id, sandbox))


def delete(realm_id: str, registration_id: str) -> int:
    """Delete a registration and everything under it (instances, launches, logs)."""
    count = 0
    with _Item.batch_write() as batch:
        for item in _Item.query(reg_pk(realm_id, registration_id)):
            batch.delete(item)
            count += 1
    return count


def archive_instance(item: RegistrationItem, snapshot: dict[str, Any]) -> None:
    InstanceItem(item.pk, f"INSTANCE#{int(item.instance):06d}", instance=int(item.instance),
                 snapshot=snapshot, archived=datetime.now(UTC).isoformat()).save()


def instances(realm_id: str, registration_id: str) -> list[InstanceItem]:
    return list(InstanceItem.query(reg_pk(realm_id, registration_id), InstanceItem.sk.startswith("INSTANCE#")))


def delete_instance(realm_id: str, registration_id: str, number: int) -> bool:
    """Delete a frozen instance and the launches (with their debug logs) made in it."""
    pk = reg_pk(realm_id, registration_id)
    try:
        frozen = InstanceItem.get(pk, f"INSTANCE#{number:06d}")
    except DoesNotExist:
        return False
    doomed_launches = [launch for launch in launches(realm_id, registration_id) if int(launch.instance) == number]
    with _Item.batch_write() as batch:
        batch.delete(frozen)
        for launch in doomed_launches:
            batch.delete(launch)
            for log in LogItem.query(pk, LogItem.sk.startswith(f"LOG#{launch.launch_id}#")):
                batch.delete(log)
    return True


# --- launches, debug logs ----------------------------------------------------------------------


def add_launch(realm_id: str, registration_id: str, launch: LaunchItem, first_log: list[Any]) -> None:
    launch.pk, launch.sk = reg_pk(realm_id, registration_id), f"LAUNCH#{launch.launch_id}"
    launch.log_batches = 1
    with transactions.transaction() as txn:
        txn.save(launch)
        txn.save(LogItem(launch.pk, _log_sk(launch.launch_id), entries=first_log))


def launches(realm_id: str, registration_id: str) -> list[LaunchItem]:
    return list(LaunchItem.query(reg_pk(realm_id, registration_id), LaunchItem.sk.startswith("LAUNCH#")))


def mark_launches_erased(realm_id: str, registration_id: str) -> int:
    """Mark every launch of a registration erased (``reportage.erased``) before the registration
    is deleted, so Reportage keeps the launches counted (``chalicelib.reports.launches``)."""
    marked = 0
    for launch in launches(realm_id, registration_id):
        if launch.reportage:
            launch.update(actions=[LaunchItem.reportage.set({**launch.reportage, "erased": True})])
            marked += 1
    return marked


def get_launch(realm_id: str, registration_id: str, launch_id: str) -> LaunchItem | None:
    try:
        return LaunchItem.get(reg_pk(realm_id, registration_id), f"LAUNCH#{launch_id}")
    except DoesNotExist:
        return None


def _log_sk(launch_id: str) -> str:
    return f"LOG#{launch_id}#{time.time_ns():020d}"


def log_entries(realm_id: str, registration_id: str, launch_id: str) -> list[Any]:
    found: list[Any] = []
    for batch in LogItem.query(reg_pk(realm_id, registration_id), LogItem.sk.startswith(f"LOG#{launch_id}#")):
        found.extend(batch.entries or [])
    return found


def write_commit(item: RegistrationItem, launch_id: str, launch_actions: dict[str, Any],
                 log: list[Any]) -> None:
    """The registration (version-checked), its launch record and a debug-log batch in one
    TransactWriteItems call; :class:`VersionConflict` when the registration changed meanwhile."""
    launch = LaunchItem(item.pk, f"LAUNCH#{launch_id}")
    actions = [getattr(LaunchItem, name).set(value) for name, value in launch_actions.items() if value is not None]
    actions.append(LaunchItem.log_batches.add(1))
    try:
        with transactions.transaction() as txn:
            txn.save(item)
            txn.update(launch, actions=actions, condition=LaunchItem.pk.exists())
            if log:
                txn.save(LogItem(item.pk, _log_sk(launch_id), entries=log))
    except TransactWriteError as err:
        reasons = err.cancellation_reasons or []
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            raise VersionConflict(item.registration_id) from err
        raise


def append_log(realm_id: str, registration_id: str, launch_id: str, entries: list[Any]) -> None:
    """A debug-log batch outside a commit (launch events, rejected commits)."""
    LogItem(reg_pk(realm_id, registration_id), _log_sk(launch_id), entries=entries).save()


# --- launch tokens -----------------------------------------------------------------------------


def _token_pk(realm_id: str, secret: str) -> str:
    return f"{realm_id}#LAUNCHTOKEN#{hashlib.sha256(secret.encode()).hexdigest()}"


def create_token(realm_id: str, secret: str, registration_id: str, seconds: int, options: dict[str, Any]) -> None:
    LaunchTokenItem(_token_pk(realm_id, secret), "TOKEN", realm_id=realm_id, registration_id=registration_id,
                    expires=int(time.time()) + seconds, options=options).save()


def get_token(realm_id: str, secret: str) -> LaunchTokenItem | None:
    """A token as stored (used or not, expired or not), without using it up."""
    try:
        return LaunchTokenItem.get(_token_pk(realm_id, secret), "TOKEN")
    except DoesNotExist:
        return None


def consume_token(realm_id: str, secret: str) -> LaunchTokenItem | None:
    """Mark a live, unused token used and return it; None if unknown, expired or already used.

    The conditional update makes "single use" hold even for two simultaneous requests."""
    item = LaunchTokenItem(_token_pk(realm_id, secret), "TOKEN")
    try:
        item.update(actions=[LaunchTokenItem.used.set(True)],
                    condition=LaunchTokenItem.pk.exists() & (LaunchTokenItem.used == False)  # noqa: E712
                    & (LaunchTokenItem.expires > int(time.time())))
    except UpdateError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return item
