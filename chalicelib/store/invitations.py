"""Invitations in the registrations table (they group registrations), under their own prefixes.

Key layout (every key starts with the realm id):

* ``{realm}#INV#{id}`` / ``INV``             the invitation (:class:`InvitationItem`), listed per
  realm by gsi1 ``{realm}#INVS`` (``gsi1sk`` = creation time + id);
* ``{realm}#INV#{id}`` / ``COUNT``           how many people it registered (atomic ``ADD``; a
  public invitation's cap is a condition on it, so two visitors can never both take the last seat);
* ``{realm}#INV#{id}`` / ``USER#{n:06d}``    one invited person (:class:`UserInvitationItem`);
* ``{realm}#INV#{id}`` / ``EMAIL#{sha256}``  which person an email address already is (public
  invitations reuse the registration of an address they have seen);
* ``{realm}#INV#{id}`` / ``JOB``             a private invitation's email job (:class:`JobItem`);
* ``{realm}#INVGONE#{id}`` / ``GONE``        an invitation whose course was deleted (TTL), so its
  link can say so;
* ``INVRATE#{realm}#{id}#{sha256(ip)}#{window}`` / ``RATE``  splash-page rate limit counters (TTL).
"""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.models import Model

from chalicelib.config import settings
from chalicelib.store import conditions, transactions
from chalicelib.store.tables import Gsi1

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

_S = settings()
GONE_SECONDS = 90 * 24 * 3600


def _meta() -> Any:
    return type("Meta", (), {"table_name": _S.registrations_table, "region": _S.region})


class _Item(Model):
    """Base of the models below; never used itself (pynamodb caches a model's connection, with its
    index definitions, on the class, and subclasses would inherit it)."""

    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class _Any(_Item):
    """Any item of an invitation (batch writes and deletes, queries over a whole partition)."""

    Meta = _meta()


class InvitationItem(_Item):
    """A public or private invitation to a course."""

    Meta = _meta()
    realm_id = UnicodeAttribute()
    invitation_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    course_title = UnicodeAttribute(default="")
    public = BooleanAttribute()
    allow_launch = BooleanAttribute(default=True)
    allow_new_registrations = BooleanAttribute(default=True)
    expiration = UTCDateTimeAttribute(null=True)
    registration_cap = NumberAttribute(default=0)  # 0: no cap
    post_back = JSONAttribute(null=True)  # PostBackSchema; password sealed (chalicelib.vault)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    email = JSONAttribute(null=True)  # private: {subject, body, addresses}
    creating_user_email = UnicodeAttribute(default="")
    duplicate_option = UnicodeAttribute(null=True)
    created = UTCDateTimeAttribute()
    updated = UTCDateTimeAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    version = VersionAttribute()
    by_group = Gsi1()


class CountItem(_Item):
    Meta = _meta()
    registrations = NumberAttribute(default=0)


class UserInvitationItem(_Item):
    """One person an invitation registered (UserInvitationSchema)."""

    Meta = _meta()
    number = NumberAttribute()
    email = UnicodeAttribute()
    first_name = UnicodeAttribute(default="")
    last_name = UnicodeAttribute(default="")
    registration_id = UnicodeAttribute()
    link_secret = UnicodeAttribute(null=True)  # private: the personal link's secret, sealed (chalicelib.vault)
    launched = BooleanAttribute(default=False)
    emails_sent = NumberAttribute(default=0)
    created = UTCDateTimeAttribute()
    updated = UTCDateTimeAttribute()


class EmailIndexItem(_Item):
    Meta = _meta()
    number = NumberAttribute()


class JobItem(_Item):
    """A private invitation's email job (InvitationJobStatusSchema)."""

    Meta = _meta()
    status = UnicodeAttribute(default="STARTED")
    total = NumberAttribute(default=0)
    processed = NumberAttribute(default=0)
    errors = ListAttribute(of=UnicodeAttribute, default=list)
    updated = UTCDateTimeAttribute(null=True)


class GoneItem(_Item):
    Meta = _meta()
    course_title = UnicodeAttribute(default="")
    expires = NumberAttribute()


class RateItem(_Item):
    Meta = _meta()
    hits = NumberAttribute(default=0)
    expires = NumberAttribute()


class Exists(Exception):
    """The item was already there (conditional write refused)."""


class CapReached(Exception):
    """A public invitation has as many registrations as its cap allows."""


class VersionConflict(Exception):
    """The invitation changed since it was read."""


def inv_pk(realm_id: str, invitation_id: str) -> str:
    return f"{realm_id}#INV#{invitation_id}"


def user_sk(number: int) -> str:
    return f"USER#{number:06d}"


def email_sk(address: str) -> str:
    return "EMAIL#" + hashlib.sha256(address.strip().lower().encode()).hexdigest()


# --- invitations --------------------------------------------------------------------------------


def create(item: InvitationItem, users: list[UserInvitationItem], job: JobItem | None) -> InvitationItem:
    """Write a new invitation with its people and job (people in batches; the invitation last,
    so nothing lists it before it is whole)."""
    item.pk, item.sk = inv_pk(item.realm_id, item.invitation_id), "INV"
    conditions.listed(item, f"{item.realm_id}#INVS", item.created, item.invitation_id)
    with _Any.batch_write() as batch:
        for user in users:
            user.pk, user.sk = item.pk, user_sk(int(user.number))
            batch.save(user)
            batch.save(EmailIndexItem(item.pk, email_sk(user.email), number=int(user.number)))
        batch.save(CountItem(item.pk, "COUNT", registrations=len(users)))
        if job is not None:
            job.pk, job.sk = item.pk, "JOB"
            batch.save(job)
    conditions.put_new(item, lambda: Exists(item.invitation_id))
    return item


def get(realm_id: str, invitation_id: str) -> InvitationItem | None:
    try:
        return InvitationItem.get(inv_pk(realm_id, invitation_id), "INV")
    except DoesNotExist:
        return None


def save(item: InvitationItem) -> None:
    conditions.save_versioned(item, lambda: VersionConflict(item.invitation_id))


def list_group(realm_id: str) -> Iterator[InvitationItem]:
    return InvitationItem.by_group.query(f"{realm_id}#INVS")


def registration_count(realm_id: str, invitation_id: str) -> int:
    try:
        return int(CountItem.get(inv_pk(realm_id, invitation_id), "COUNT").registrations or 0)
    except DoesNotExist:
        return 0


def delete(realm_id: str, invitation_id: str, course_title: str) -> None:
    """Remove an invitation and everything under it; leave a tombstone that expires."""
    pk = inv_pk(realm_id, invitation_id)
    with _Any.batch_write() as batch:
        for found in _Any.query(pk):
            batch.delete(found)
    GoneItem(f"{realm_id}#INVGONE#{invitation_id}", "GONE", course_title=course_title,
             expires=int(time.time()) + GONE_SECONDS).save()


def gone(realm_id: str, invitation_id: str) -> GoneItem | None:
    try:
        found = GoneItem.get(f"{realm_id}#INVGONE#{invitation_id}", "GONE")
    except DoesNotExist:
        return None
    return found if int(found.expires) > time.time() else None


# --- people ---------------------------------------------------------------------------------------


def users(realm_id: str, invitation_id: str) -> list[UserInvitationItem]:
    return list(UserInvitationItem.query(inv_pk(realm_id, invitation_id),
                                         UserInvitationItem.sk.startswith("USER#")))


def get_user(realm_id: str, invitation_id: str, number: int) -> UserInvitationItem | None:
    try:
        return UserInvitationItem.get(inv_pk(realm_id, invitation_id), user_sk(number))
    except DoesNotExist:
        return None


def user_by_email(realm_id: str, invitation_id: str, address: str) -> UserInvitationItem | None:
    try:
        index = EmailIndexItem.get(inv_pk(realm_id, invitation_id), email_sk(address))
    except DoesNotExist:
        return None
    return get_user(realm_id, invitation_id, int(index.number))


def take_seat(realm_id: str, invitation_id: str, cap: int) -> int:
    """Count one more registration and return its number (1-based); :class:`CapReached` when
    ``cap`` (> 0) registrations exist already. One conditional ``ADD``: no two callers get the
    same seat or exceed the cap."""
    item = CountItem(inv_pk(realm_id, invitation_id), "COUNT")
    condition = (CountItem.registrations < cap) if cap > 0 else None
    try:
        item.update(actions=[CountItem.registrations.add(1)], condition=condition)
    except UpdateError as err:
        if conditions.refused(err):
            raise CapReached(invitation_id) from err
        raise
    return int(item.registrations)


def give_back_seat(realm_id: str, invitation_id: str) -> None:
    CountItem(inv_pk(realm_id, invitation_id), "COUNT").update(actions=[CountItem.registrations.add(-1)])


def add_user(user: UserInvitationItem, realm_id: str, invitation_id: str) -> None:
    """A new person and their email index in one transaction; :class:`Exists` when the address
    is already there (two submissions of one address at once)."""
    pk = inv_pk(realm_id, invitation_id)
    user.pk, user.sk = pk, user_sk(int(user.number))
    index = EmailIndexItem(pk, email_sk(user.email), number=int(user.number))
    try:
        with transactions.transaction() as txn:
            txn.save(index, condition=EmailIndexItem.pk.does_not_exist())
            txn.save(user)
    except TransactWriteError as err:
        if conditions.refused_write(err, ("email index",)) is not None:
            raise Exists(user.email) from err
        raise


def remove_user(realm_id: str, invitation_id: str, user: UserInvitationItem) -> None:
    pk = inv_pk(realm_id, invitation_id)
    with _Any.batch_write() as batch:
        batch.delete(UserInvitationItem(pk, user_sk(int(user.number))))
        batch.delete(EmailIndexItem(pk, email_sk(user.email)))


def mark_user(user: UserInvitationItem, *, launched: bool | None = None, email_sent: bool = False,
              when: datetime) -> None:
    actions: list[Any] = [UserInvitationItem.updated.set(when)]
    if launched is not None:
        actions.append(UserInvitationItem.launched.set(launched))
    if email_sent:
        actions.append(UserInvitationItem.emails_sent.add(1))
    user.update(actions=actions)


# --- email job --------------------------------------------------------------------------------------


def get_job(realm_id: str, invitation_id: str) -> JobItem | None:
    try:
        return JobItem.get(inv_pk(realm_id, invitation_id), "JOB")
    except DoesNotExist:
        return None


def job_progress(realm_id: str, invitation_id: str, *, processed: int = 0, errors: list[str] | None = None,
                 status: str | None = None, total: int | None = None, reset: bool = False,
                 when: datetime) -> None:
    actions: list[Any] = [JobItem.updated.set(when)]
    if reset:
        actions += [JobItem.processed.set(0), JobItem.errors.set([])]
    elif processed:
        actions.append(JobItem.processed.add(processed))
    if errors:
        actions.append(JobItem.errors.set((JobItem.errors | []).append(errors)))
    if status:
        actions.append(JobItem.status.set(status))
    if total is not None:
        actions.append(JobItem.total.set(total))
    JobItem(inv_pk(realm_id, invitation_id), "JOB").update(actions=actions)


# --- splash-page rate limits --------------------------------------------------------------------------


def hit(realm_id: str, invitation_id: str, client: str, window_seconds: int) -> int:
    """Count one request of ``client`` (an IP address) on an invitation in the current window and
    return the count so far."""
    window = int(time.time()) // window_seconds
    digest = hashlib.sha256(client.encode()).hexdigest()[:32]
    item = RateItem(f"INVRATE#{realm_id}#{invitation_id}#{digest}#{window}", "RATE")
    item.update(actions=[RateItem.hits.add(1), RateItem.expires.set(int(time.time()) + 2 * window_seconds)])
    return int(item.hits)


def forget_people(realm_id: str, invitation_id: str, registration_ids: set[str], emails: set[str]) -> int:
    """A learner's erasure: remove the invited people of ``registration_ids`` (with their email
    index), and every address of ``emails`` from the invitation's email and its job's errors.
    The invitation's registration count, a counter only, stays. The number of people removed."""
    gone = [user for user in users(realm_id, invitation_id) if user.registration_id in registration_ids]
    for user in gone:
        remove_user(realm_id, invitation_id, user)

    def named(text: object) -> bool:
        return any(email.lower() in str(text).lower() for email in emails)

    for _ in range(5):
        item = get(realm_id, invitation_id)
        if item is None or not item.email or not any(named(a) for a in item.email.get("addresses") or []):
            break
        item.email = {**item.email, "addresses": [a for a in item.email.get("addresses") or [] if not named(a)]}
        try:
            save(item)
            break
        except VersionConflict:
            continue
    try:
        job = JobItem.get(inv_pk(realm_id, invitation_id), "JOB")
    except DoesNotExist:
        return len(gone)
    if any(named(error) for error in job.errors or []):
        job.update(actions=[JobItem.errors.set([e for e in job.errors or [] if not named(e)])])
    return len(gone)
