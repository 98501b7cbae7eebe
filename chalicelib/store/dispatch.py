"""DynamoDB for dispatch: destinations, dispatches, the learners a dispatch has registered, LTI
nonces and PENS records. Everything lives in the courses table (single-table design, TTL on
``expires``); every key starts with the realm id.

* destination  ``pk={realm}#DEST#{id}``, ``sk=DEST``; listed by ``gsi1pk={realm}#DESTS``;
* dispatch     ``pk={realm}#DISPATCH#{id}``, ``sk=DISPATCH``; listed by ``gsi1pk={realm}#DISPATCHES``;
* pair guard   ``pk={realm}#DISPATCHPAIR#{courseId}#{destinationId}``, ``sk=PAIR``: written in
  the same transaction as the dispatch, so one course + destination can have one dispatch;
* learner      ``pk={realm}#DISPATCH#{id}``, ``sk=LEARNER#{learnerKey}``: the registration of
  one host-LMS learner (the cap counts these);
* course flag  ``pk={realm}#COURSE#{courseId}``, ``sk=DISPATCHES``: how many dispatches the
  course has (``dispatched`` on CourseSchema), an atomic counter of its own item;
* LTI nonce    ``pk=LTINONCE#{consumerKey}#{nonce}``, ``sk=NONCE``: used once, expires (TTL);
* PENS record  ``pk={realm}#DISPATCH#{id}``, ``sk=PENS#{iso time}#{n}``: a collect sent and the
  receipts and alerts that came back;
* rate window ``pk={realm}#DISPATCH#{id}``, ``sk=RATE#{epoch minute}``: new learners admitted that
  minute (TTL).
"""

from __future__ import annotations

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
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.models import Model

from chalicelib.config import settings
from chalicelib.store import conditions, transactions
from chalicelib.store.tables import Gsi1

if TYPE_CHECKING:
    from collections.abc import Iterator


def _meta() -> Any:
    return type("Meta", (), {"table_name": settings().courses_table, "region": settings().region})


class _Item(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class DestinationItem(_Item):
    """A destination: a label for an LMS outside Nimbus (DestinationSchema)."""

    Meta = _meta()
    realm_id = UnicodeAttribute()
    destination_id = UnicodeAttribute()
    name = UnicodeAttribute()
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    email = UnicodeAttribute(default="")
    notes = UnicodeAttribute(default="")
    launch_auth = JSONAttribute(null=True)
    hash_user_info = BooleanAttribute(default=False)
    created = UTCDateTimeAttribute()
    updated = UTCDateTimeAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    version = VersionAttribute()
    by_group = Gsi1()


class DispatchItem(_Item):
    """A dispatch: one course delivered to one destination (DispatchSchema)."""

    Meta = _meta()
    realm_id = UnicodeAttribute()
    dispatch_id = UnicodeAttribute()
    destination_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    allow_new_registrations = BooleanAttribute(default=True)
    instanced = BooleanAttribute(default=True)
    enabled = BooleanAttribute(default=True)
    registration_cap = NumberAttribute(default=0)
    registration_count = NumberAttribute(default=0)
    registration_reset_date = UTCDateTimeAttribute(null=True)
    expiration_date = UTCDateTimeAttribute(null=True)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    email = UnicodeAttribute(default="")
    notes = UnicodeAttribute(default="")
    post_back = JSONAttribute(null=True)
    hash_user_info = BooleanAttribute(default=False)
    package_key = UnicodeAttribute()  # sealed: the unguessable key the shell packages carry
    lti_key = UnicodeAttribute(default="")  # LTI 1.1 consumer key
    lti_secret = UnicodeAttribute(default="")  # sealed LTI 1.1 shared secret
    created = UTCDateTimeAttribute()
    updated = UTCDateTimeAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    version = VersionAttribute()
    by_group = Gsi1()


class DispatchCounterItem(_Item):
    """The dispatch item seen as a counter: ``ADD`` to its registration count and its version
    in one update, so a concurrent versioned save of the dispatch fails and re-reads instead of
    writing back a stale count."""

    Meta = _meta()
    registration_count = NumberAttribute(default=0)
    version = NumberAttribute(default=0)


class PairItem(_Item):
    """Holds a course + destination pair for one dispatch."""

    Meta = _meta()
    dispatch_id = UnicodeAttribute()


class DispatchLearnerItem(_Item):
    """The Nimbus registration of one host-LMS learner of a dispatch."""

    Meta = _meta()
    registration_id = UnicodeAttribute()
    learner_id = UnicodeAttribute()
    created = UTCDateTimeAttribute()
    host_attempt = UnicodeAttribute(default="")  # the host attempt the current instance serves


class CourseDispatchCountItem(_Item):
    """How many dispatches a course has (``sk=DISPATCHES``)."""

    Meta = _meta()
    dispatches = NumberAttribute(default=0)


class RateItem(_Item):
    """New learners a dispatch admitted in one minute (``sk=RATE#{epoch minute}``), expires (TTL)."""

    Meta = _meta()
    admitted = NumberAttribute(default=0)
    expires = NumberAttribute()


class NonceItem(_Item):
    """An OAuth 1.0a nonce seen once (LTI launches); gone after ``expires`` (TTL)."""

    Meta = _meta()
    expires = NumberAttribute()


class PensRecordItem(_Item):
    """One PENS exchange of a dispatch: the collect sent, or a receipt / alert received."""

    Meta = _meta()
    kind = UnicodeAttribute()  # collect | receipt | alert
    details = JSONAttribute(default=dict)
    created = UTCDateTimeAttribute()


class AlreadyExists(Exception):
    """The id is taken (``what`` says whether by the id or the course + destination pair)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class VersionConflict(Exception):
    """Someone else changed the item since it was read."""


def dest_pk(realm_id: str, destination_id: str) -> str:
    return f"{realm_id}#DEST#{destination_id}"


def dispatch_pk(realm_id: str, dispatch_id: str) -> str:
    return f"{realm_id}#DISPATCH#{dispatch_id}"


def _pair_pk(realm_id: str, course_id: str, destination_id: str) -> str:
    return f"{realm_id}#DISPATCHPAIR#{course_id}#{destination_id}"


def _course_pk(realm_id: str, course_id: str) -> str:
    return f"{realm_id}#COURSE#{course_id}"


# --- destinations -----------------------------------------------------------------------------


def get_destination(realm_id: str, destination_id: str) -> DestinationItem | None:
    try:
        return DestinationItem.get(dest_pk(realm_id, destination_id), "DEST")
    except DoesNotExist:
        return None


def create_destination(item: DestinationItem) -> None:
    item.pk, item.sk = dest_pk(item.realm_id, item.destination_id), "DEST"
    conditions.listed(item, f"{item.realm_id}#DESTS", item.created, item.destination_id)
    conditions.put_new(item, lambda: AlreadyExists("destination"))


def save_destination(item: DestinationItem) -> None:
    conditions.save_versioned(item, lambda: VersionConflict(item.destination_id))


def list_destinations(realm_id: str) -> Iterator[DestinationItem]:
    return DestinationItem.by_group.query(f"{realm_id}#DESTS")


def delete_destination(item: DestinationItem) -> None:
    item.delete()


# --- dispatches -------------------------------------------------------------------------------


def get_dispatch(realm_id: str, dispatch_id: str, *, consistent: bool = True) -> DispatchItem | None:
    try:
        return DispatchItem.get(dispatch_pk(realm_id, dispatch_id), "DISPATCH", consistent_read=consistent)
    except DoesNotExist:
        return None


def pair_owner(realm_id: str, course_id: str, destination_id: str) -> str | None:
    """The id of the dispatch that holds a course + destination pair, or None."""
    try:
        return PairItem.get(_pair_pk(realm_id, course_id, destination_id), "PAIR").dispatch_id
    except DoesNotExist:
        return None


def create_dispatch(item: DispatchItem) -> None:
    """The dispatch, its pair guard and the course's dispatch count, all or nothing."""
    item.pk, item.sk = dispatch_pk(item.realm_id, item.dispatch_id), "DISPATCH"
    conditions.listed(item, f"{item.realm_id}#DISPATCHES", item.created, item.dispatch_id)
    pair = PairItem(_pair_pk(item.realm_id, item.course_id, item.destination_id), "PAIR",
                    dispatch_id=item.dispatch_id)
    try:
        with transactions.transaction() as txn:
            txn.save(item, condition=DispatchItem.pk.does_not_exist())
            txn.save(pair, condition=PairItem.pk.does_not_exist())
            txn.update(CourseDispatchCountItem(_course_pk(item.realm_id, item.course_id), "DISPATCHES"),
                       actions=[CourseDispatchCountItem.dispatches.add(1)])
    except TransactWriteError as err:
        what = conditions.refused_write(err, ("dispatch", "pair"))
        if what is not None:
            raise AlreadyExists(what) from err
        raise


def save_dispatch(item: DispatchItem) -> None:
    conditions.save_versioned(item, lambda: VersionConflict(item.dispatch_id))


def list_dispatches(realm_id: str) -> Iterator[DispatchItem]:
    return DispatchItem.by_group.query(f"{realm_id}#DISPATCHES")


def delete_dispatch(item: DispatchItem) -> None:
    """The dispatch, its learners and PENS records, its pair guard; the course count goes down."""
    with _Item.batch_write() as batch:
        for child in _Item.query(item.pk):
            batch.delete(child)
        batch.delete(PairItem(_pair_pk(item.realm_id, item.course_id, item.destination_id), "PAIR"))
    CourseDispatchCountItem(_course_pk(item.realm_id, item.course_id), "DISPATCHES").update(
        actions=[CourseDispatchCountItem.dispatches.add(-1)])


def course_dispatch_counts(realm_id: str, course_ids: list[str]) -> dict[str, int]:
    """Course id → how many dispatches it has (0 when none)."""
    keys = [(_course_pk(realm_id, c), "DISPATCHES") for c in dict.fromkeys(course_ids)]
    counts = dict.fromkeys(course_ids, 0)
    for start in range(0, len(keys), 100):
        for found in CourseDispatchCountItem.batch_get(keys[start:start + 100]):
            counts[found.pk.removeprefix(f"{realm_id}#COURSE#")] = max(int(found.dispatches or 0), 0)
    return counts


def forget_course(realm_id: str, course_id: str) -> None:
    """Remove a deleted course's dispatch counter."""
    CourseDispatchCountItem(_course_pk(realm_id, course_id), "DISPATCHES").delete()


# --- learners of a dispatch -------------------------------------------------------------------


def get_learner(realm_id: str, dispatch_id: str, learner_key: str) -> DispatchLearnerItem | None:
    try:
        return DispatchLearnerItem.get(dispatch_pk(realm_id, dispatch_id), f"LEARNER#{learner_key}")
    except DoesNotExist:
        return None


def add_learner(realm_id: str, dispatch_id: str, learner_key: str, item: DispatchLearnerItem,
                cap: int) -> None:
    """Record a new learner and count it on the dispatch, refusing past ``cap`` (0: no cap).

    One transaction: the learner (must be new) and the dispatch counter (must be under the cap),
    so two first launches at once cannot both take the last place. :class:`AlreadyExists`
    ("learner") when the learner was recorded meanwhile, ("cap") when the cap is reached."""
    item.pk, item.sk = dispatch_pk(realm_id, dispatch_id), f"LEARNER#{learner_key}"
    dispatch = DispatchCounterItem(dispatch_pk(realm_id, dispatch_id), "DISPATCH")
    condition = DispatchCounterItem.pk.exists()
    if cap > 0:
        condition = condition & (DispatchCounterItem.registration_count < cap)
    try:
        with transactions.transaction() as txn:
            txn.save(item, condition=DispatchLearnerItem.pk.does_not_exist())
            txn.update(dispatch, actions=[DispatchCounterItem.registration_count.add(1),
                                          DispatchCounterItem.version.add(1)], condition=condition)
    except TransactWriteError as err:
        what = conditions.refused_write(err, ("learner", "cap"))
        if what is not None:
            raise AlreadyExists(what) from err
        raise


def take_new_learner_slot(realm_id: str, dispatch_id: str, per_minute: int) -> bool:
    """Count one new learner in this minute's window; False when the window is full."""
    minute = int(time.time() // 60)
    item = RateItem(dispatch_pk(realm_id, dispatch_id), f"RATE#{minute}")
    try:
        item.update(actions=[RateItem.admitted.add(1), RateItem.expires.set(minute * 60 + 180)],
                    condition=RateItem.admitted.does_not_exist() | (RateItem.admitted < per_minute))
    except UpdateError as err:
        if conditions.refused(err):
            return False
        raise
    return True


def set_learner_attempt(learner: DispatchLearnerItem, host_attempt: str) -> None:
    learner.update(actions=[DispatchLearnerItem.host_attempt.set(host_attempt)])


def learners(realm_id: str, dispatch_id: str) -> list[DispatchLearnerItem]:
    return list(DispatchLearnerItem.query(dispatch_pk(realm_id, dispatch_id),
                                          DispatchLearnerItem.sk.startswith("LEARNER#")))


# --- LTI nonces, PENS records -----------------------------------------------------------------


def use_nonce(consumer_key: str, nonce: str, ttl_seconds: int) -> bool:
    """Store a nonce once; False when it was seen before (a replay)."""
    item = NonceItem(f"LTINONCE#{consumer_key}#{nonce}", "NONCE", expires=int(time.time()) + ttl_seconds)
    try:
        item.save(condition=NonceItem.pk.does_not_exist())
    except PutError as err:
        if conditions.refused(err):
            return False
        raise
    return True


def add_pens_record(realm_id: str, dispatch_id: str, item: PensRecordItem) -> None:
    item.pk = dispatch_pk(realm_id, dispatch_id)
    item.sk = f"PENS#{item.created.isoformat()}#{time.time_ns()}"
    item.save()


def pens_records(realm_id: str, dispatch_id: str) -> list[PensRecordItem]:
    return list(PensRecordItem.query(dispatch_pk(realm_id, dispatch_id), PensRecordItem.sk.startswith("PENS#")))


def forget_learners(realm_id: str, dispatch_id: str, registration_ids: set[str]) -> int:
    """Delete the records of the host learners whose registrations are ``registration_ids`` (a
    learner's erasure); the dispatch's registration count, a counter only, stays."""
    doomed = [item for item in learners(realm_id, dispatch_id) if item.registration_id in registration_ids]
    with DispatchLearnerItem.batch_write() as batch:
        for item in doomed:
            batch.delete(item)
    return len(doomed)
