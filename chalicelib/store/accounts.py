"""Storage for accounts (issue 6): realm settings and plan coverage, memberships, apps and
their keys, usage counters and billing records. Key layouts live here and in
:mod:`chalicelib.store.repos` only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.store import courses, registrations
from chalicelib.store.repos import AlreadyExists, now
from chalicelib.store.tables import (
    AppItem,
    BillingRecordItem,
    DailyUsageItem,
    MembershipItem,
    RealmItem,
    RegistrationItem,
    SecretKeyItem,
    SessionItem,
    UsageItem,
)

if TYPE_CHECKING:
    from datetime import datetime


def _realm_pk(realm_id: str) -> str:
    return f"REALM#{realm_id}"


# --- realms ---------------------------------------------------------------------------------


def save_realm(realm: RealmItem) -> None:
    realm.save()


def set_signing_key_once(realm: RealmItem, sealed: str) -> str:
    """Store ``sealed`` as the realm's signing key unless one is there already; return the one
    that is stored (two first uses at once agree on the winner's key)."""
    try:
        realm.update(actions=[RealmItem.signing_key.set(sealed)],
                     condition=RealmItem.signing_key.does_not_exist())
    except UpdateError as err:
        if err.cause_response_code != "ConditionalCheckFailedException":
            raise
        realm.refresh(consistent_read=True)
    return str(realm.signing_key)


def link_realm(realm: RealmItem, root_id: str | None) -> None:
    """Make ``root_id``'s plan cover ``realm`` (None: the realm covers itself again)."""
    realm.coverage_root = root_id
    realm.gsi1pk = f"COVERAGE#{root_id}" if root_id else None
    realm.gsi1sk = realm.realm_id if root_id else None
    realm.save()


def realms_covered_by(root_id: str) -> list[RealmItem]:
    """Realms linked to ``root_id`` (not including the root itself)."""
    return list(RealmItem.by_group.query(f"COVERAGE#{root_id}"))


# --- memberships ----------------------------------------------------------------------------


def add_membership(email: str, realm_id: str, role: str) -> MembershipItem:
    email = email.strip().lower()
    item = MembershipItem(f"USER#{email}", f"MEMBER#{realm_id}", email=email, realm_id=realm_id,
                          role=role, created=now(), gsi1pk=f"REALM#{realm_id}#MEMBERS", gsi1sk=email)
    try:
        item.save(condition=MembershipItem.sk.does_not_exist())
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            raise AlreadyExists(item.sk) from err
        raise
    return item


def get_membership(email: str, realm_id: str) -> MembershipItem | None:
    try:
        return MembershipItem.get(f"USER#{email.strip().lower()}", f"MEMBER#{realm_id}")
    except DoesNotExist:
        return None


def memberships_of(email: str) -> list[MembershipItem]:
    return list(MembershipItem.query(f"USER#{email.strip().lower()}",
                                     MembershipItem.sk.startswith("MEMBER#")))


def members_of(realm_id: str) -> list[MembershipItem]:
    return list(MembershipItem.by_group.query(f"REALM#{realm_id}#MEMBERS"))


def save_membership(item: MembershipItem) -> None:
    item.save()


def delete_membership(item: MembershipItem) -> None:
    item.delete()


# --- sessions -------------------------------------------------------------------------------


def set_session_realm(session: SessionItem, realm_id: str) -> None:
    session.update(actions=[SessionItem.realm_id.set(realm_id)])


# --- apps and keys --------------------------------------------------------------------------


def apps_of(realm_id: str) -> list[AppItem]:
    return list(AppItem.by_group.query(f"REALM#{realm_id}#APPS"))


def save_app(app: AppItem) -> None:
    app.updated = now()
    app.save()


def delete_app(app: AppItem) -> None:
    for key in SecretKeyItem.query(app.pk, SecretKeyItem.sk.startswith("KEY#")):
        key.delete()
    app.delete()


def get_secret_key(app_id: str, key_id: str) -> SecretKeyItem | None:
    try:
        return SecretKeyItem.get(f"APP#{app_id}", f"KEY#{key_id}")
    except DoesNotExist:
        return None


def save_secret_key(key: SecretKeyItem) -> None:
    key.updated = now()
    key.save()


def delete_secret_key(key: SecretKeyItem) -> None:
    key.delete()


# --- usage ----------------------------------------------------------------------------------


def get_usage(realm_id: str) -> UsageItem:
    try:
        return UsageItem.get(_realm_pk(realm_id), "USAGE")
    except DoesNotExist:
        return UsageItem(_realm_pk(realm_id), "USAGE", realm_id=realm_id)


def usage_updates(realm_id: str, *, registrations: int = 0, storage_bytes: int = 0) -> list[tuple[Any, list[Any]]]:
    """(item, update actions) adding to the realm's counters and to today's (atomic ``ADD``s), for
    :func:`add_usage` or for a transaction that counts what it creates (a registration)."""
    day = now().date().isoformat()
    return [
        (UsageItem(_realm_pk(realm_id), "USAGE"), [
            UsageItem.realm_id.set(realm_id),
            UsageItem.registrations.add(registrations),
            UsageItem.registrations_all_time.add(max(registrations, 0)),
            UsageItem.storage_bytes.add(storage_bytes)]),
        (DailyUsageItem(_realm_pk(realm_id), f"USAGE#DAY#{day}"), [
            DailyUsageItem.realm_id.set(realm_id),
            DailyUsageItem.day.set(day),
            DailyUsageItem.registrations.add(max(registrations, 0)),
            DailyUsageItem.storage_bytes.add(storage_bytes)]),
    ]


def add_usage(realm_id: str, *, registrations: int = 0, storage_bytes: int = 0) -> None:
    """Add to the realm's counters and to today's (atomic ``ADD`` updates)."""
    for item, actions in usage_updates(realm_id, registrations=registrations, storage_bytes=storage_bytes):
        item.update(actions=actions)


def reset_registration_count(realm_id: str, when: datetime) -> None:
    UsageItem(_realm_pk(realm_id), "USAGE").update(actions=[
        UsageItem.realm_id.set(realm_id), UsageItem.registrations.set(0), UsageItem.reset_at.set(when)])


def daily_usage(realm_id: str, since_day: str) -> list[DailyUsageItem]:
    return list(DailyUsageItem.query(_realm_pk(realm_id), DailyUsageItem.sk >= f"USAGE#DAY#{since_day}"))


def delete_registrations(realm_id: str) -> int:
    """Delete every registration of a realm ("Clear Existing Registrations") with its instances,
    launches and debug logs, and zero its courses' registration counts; returns how many."""
    doomed = list(RegistrationItem.by_group.query(f"{realm_id}#REGS"))
    for item in doomed:
        registrations.delete(realm_id, item.registration_id)
    with courses.RegistrationCountItem.batch_write() as batch:
        for course_id in {item.course_id for item in doomed}:
            batch.delete(courses.RegistrationCountItem(courses.course_pk(realm_id, course_id),
                                                       "REGISTRATIONS"))
    return len(doomed)


# --- billing --------------------------------------------------------------------------------


def add_billing_record(realm_id: str, kind: str, plan: str, amount_cents: int, actor: str) -> BillingRecordItem:
    when = now()
    item = BillingRecordItem(_realm_pk(realm_id), f"BILLING#{when.isoformat()}", realm_id=realm_id,
                             kind=kind, plan=plan, amount_cents=amount_cents, actor=actor, created=when)
    item.save()
    return item


def billing_records(realm_id: str) -> list[BillingRecordItem]:
    return list(BillingRecordItem.query(_realm_pk(realm_id), BillingRecordItem.sk.startswith("BILLING#"),
                                        scan_index_forward=False))


__all__ = ["AlreadyExists"]
