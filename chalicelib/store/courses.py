"""DynamoDB for courses, course versions, import jobs and per-realm storage usage.

Keys (courses table; every key starts with the realm id):

* course   ``pk={realm}#COURSE#{courseId}``, ``sk=COURSE``; listed by ``gsi1pk={realm}#COURSES``;
* version  same pk, ``sk=VERSION#{n:06d}``;
* job      ``pk={realm}#JOB#{jobId}``, ``sk=JOB``;
* storage  ``pk={realm}#USAGE``, ``sk=STORAGE`` (bytes expanded, courses, versions);
* registrations of a course: same pk as the course, ``sk=REGISTRATIONS`` — a counter of its own
  item, so an atomic ``ADD`` never races the course's versioned full-item saves.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.models import Model

from chalicelib.config import settings
from chalicelib.store import transactions
from chalicelib.store.repos import now
from chalicelib.store.tables import CourseItem, CourseVersionItem, ImportJobItem

if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any

    from pynamodb.expressions.update import Action


class Conflict(Exception):
    """A concurrent writer changed the course first, or the course already exists."""


class StorageUsageItem(Model):
    """Expanded bytes of every stored course version of a realm (``pk={realm}#USAGE``)."""

    class Meta:
        table_name = settings().courses_table
        region = settings().region

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    realm_id = UnicodeAttribute()
    bytes_expanded = NumberAttribute(default=0)
    courses = NumberAttribute(default=0)
    versions = NumberAttribute(default=0)


class RegistrationCountItem(Model):
    """How many (non-preview) registrations a course has (``sk=REGISTRATIONS``)."""

    class Meta:
        table_name = settings().courses_table
        region = settings().region

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    registrations = NumberAttribute(default=0)


def course_pk(realm_id: str, course_id: str) -> str:
    return f"{realm_id}#COURSE#{course_id}"


def version_sk(number: int) -> str:
    return f"VERSION#{number:06d}"


# --- courses and versions -------------------------------------------------------------------


def get_course(realm_id: str, course_id: str) -> CourseItem | None:
    try:
        return CourseItem.get(course_pk(realm_id, course_id), "COURSE", consistent_read=True)
    except DoesNotExist:
        return None


def list_courses(realm_id: str) -> list[CourseItem]:
    """Every course of a realm, oldest first (filtering and paging happen in the domain)."""
    return list(CourseItem.by_group.query(f"{realm_id}#COURSES"))


def get_version(realm_id: str, course_id: str, number: int) -> CourseVersionItem | None:
    try:
        return CourseVersionItem.get(course_pk(realm_id, course_id), version_sk(number))
    except DoesNotExist:
        return None


def list_versions(realm_id: str, course_id: str) -> list[CourseVersionItem]:
    return list(CourseVersionItem.query(course_pk(realm_id, course_id),
                                        CourseVersionItem.sk.startswith("VERSION#")))


def new_course(realm_id: str, course_id: str, when: datetime) -> CourseItem:
    return CourseItem(course_pk(realm_id, course_id), "COURSE", realm_id=realm_id, course_id=course_id,
                      created=when, updated=when, gsi1pk=f"{realm_id}#COURSES",
                      gsi1sk=f"{when.isoformat()}#{course_id}")


def new_version(realm_id: str, course_id: str, number: int, when: datetime) -> CourseVersionItem:
    return CourseVersionItem(course_pk(realm_id, course_id), version_sk(number), realm_id=realm_id,
                             course_id=course_id, number=number, created=when)


def save_version(course: CourseItem, version: CourseVersionItem, *, creating: bool) -> None:
    """Write a course and its new version together; :class:`Conflict` if someone was first."""
    try:
        with transactions.transaction() as txn:
            if creating:
                txn.save(course, condition=CourseItem.pk.does_not_exist())
            else:
                txn.save(course)  # VersionAttribute adds the optimistic-lock condition
            txn.save(version, condition=CourseVersionItem.pk.does_not_exist())
    except TransactWriteError as err:
        raise Conflict(str(err)) from err


def save_course(course: CourseItem) -> None:
    try:
        course.save()
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            raise Conflict(course.course_id) from err
        raise


def save_version_counts(version: CourseVersionItem) -> None:
    """Store a version's ``size_bytes`` and ``file_count`` after its files changed."""
    version.update(actions=[CourseVersionItem.size_bytes.set(int(version.size_bytes or 0)),
                            CourseVersionItem.file_count.set(int(version.file_count or 0))])


def delete_version(version: CourseVersionItem) -> None:
    version.delete()


def delete_course(course: CourseItem) -> list[CourseVersionItem]:
    """Delete a course and its versions; return the versions removed."""
    versions = list_versions(course.realm_id, course.course_id)
    for version in versions:
        version.delete()
    RegistrationCountItem(course_pk(course.realm_id, course.course_id), "REGISTRATIONS").delete()
    course.delete()
    return versions


def registrations_update(realm_id: str, course_id: str, delta: int) -> tuple[Any, list[Any]]:
    """(item, update actions) adding ``delta`` to a course's registration count."""
    return (RegistrationCountItem(course_pk(realm_id, course_id), "REGISTRATIONS"),
            [RegistrationCountItem.registrations.add(delta)])


def add_registrations(realm_id: str, course_id: str, delta: int) -> None:
    """Atomically add ``delta`` to a course's registration count."""
    item, actions = registrations_update(realm_id, course_id, delta)
    item.update(actions=actions)


def registration_counts(realm_id: str, course_ids: list[str]) -> dict[str, int]:
    """Course id → registration count (0 for a course that never had one)."""
    keys = [(course_pk(realm_id, c), "REGISTRATIONS") for c in dict.fromkeys(course_ids)]
    counts = dict.fromkeys(course_ids, 0)
    for start in range(0, len(keys), 100):
        for item in RegistrationCountItem.batch_get(keys[start:start + 100]):
            counts[item.pk.removeprefix(f"{realm_id}#COURSE#")] = max(int(item.registrations or 0), 0)
    return counts


# --- import jobs ----------------------------------------------------------------------------


def create_job(item: ImportJobItem) -> ImportJobItem:
    item.pk, item.sk = f"{item.realm_id}#JOB#{item.job_id}", "JOB"
    item.save(condition=ImportJobItem.pk.does_not_exist())
    return item


def get_job(realm_id: str, job_id: str) -> ImportJobItem | None:
    try:
        return ImportJobItem.get(f"{realm_id}#JOB#{job_id}", "JOB", consistent_read=True)
    except DoesNotExist:
        return None


def claim_job(realm_id: str, job_id: str, lease_seconds: int) -> bool:
    """Take a RUNNING job for one run (duplicate events, concurrent Lambdas); False if it is
    finished or another run holds an unexpired claim."""
    job = ImportJobItem(f"{realm_id}#JOB#{job_id}", "JOB")
    moment = int(time.time())
    try:
        job.update(actions=[ImportJobItem.claimed_until.set(moment + lease_seconds)],
                   condition=(ImportJobItem.pk.exists() & (ImportJobItem.status == "RUNNING")
                              & (ImportJobItem.claimed_until.does_not_exist()
                                 | (ImportJobItem.claimed_until < moment))))
    except UpdateError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def finish_job(realm_id: str, job_id: str, status: str, message: str, result: dict[str, Any] | None, *,
               course_id: str | None = None) -> None:
    job = ImportJobItem(f"{realm_id}#JOB#{job_id}", "JOB")
    actions: list[Action] = [ImportJobItem.status.set(status), ImportJobItem.message.set(message),
               ImportJobItem.updated.set(now()), ImportJobItem.claimed_until.remove()]
    if result is not None:
        actions.append(ImportJobItem.result.set(result))
    if course_id:
        actions.append(ImportJobItem.course_id.set(course_id))
    job.update(actions=actions, condition=ImportJobItem.pk.exists())


# --- storage usage --------------------------------------------------------------------------


def add_storage(realm_id: str, *, bytes_expanded: int, courses: int = 0, versions: int = 0) -> None:
    StorageUsageItem(f"{realm_id}#USAGE", "STORAGE").update(actions=[
        StorageUsageItem.realm_id.set(realm_id),
        StorageUsageItem.bytes_expanded.add(bytes_expanded),
        StorageUsageItem.courses.add(courses),
        StorageUsageItem.versions.add(versions),
    ])


def storage(realm_id: str) -> StorageUsageItem:
    try:
        return StorageUsageItem.get(f"{realm_id}#USAGE", "STORAGE", consistent_read=True)
    except DoesNotExist:
        return StorageUsageItem(f"{realm_id}#USAGE", "STORAGE", realm_id=realm_id)
