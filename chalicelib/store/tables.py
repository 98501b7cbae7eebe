"""pynamodb models for the tables defined in ``infra/resources.json``.

Items of one aggregate family share a table; their key prefixes (``REALM#``, ``APP#``...)
keep them apart. Every key that belongs to a realm starts with the realm id, so a query can
never cross realms. ``Meta.host`` stays unset: pynamodb honours ``AWS_ENDPOINT_URL``, which
points at moto in the local stack and is absent on AWS.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.config import settings

_S = settings()


def _meta(table: str) -> Any:
    return type("Meta", (), {"table_name": table, "region": _S.region})


class Gsi1(GlobalSecondaryIndex[Any]):  # type: ignore[no-untyped-call]
    """Listing index shared by every table: ``gsi1pk`` groups, ``gsi1sk`` orders."""

    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class _Item(Model):
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


# --- accounts table -------------------------------------------------------------------------


class RealmItem(_Item):
    """A realm: the unit of isolation. ``pk=REALM#{id}``, ``sk=REALM``."""

    Meta = _meta(_S.accounts_table)
    realm_id = UnicodeAttribute()
    name = UnicodeAttribute()
    plan = UnicodeAttribute(default="trial")
    created = UTCDateTimeAttribute()


class AppItem(_Item):
    """An API application. ``pk=APP#{appId}``, ``sk=APP``; listed per realm by gsi1."""

    Meta = _meta(_S.accounts_table)
    app_id = UnicodeAttribute()
    realm_id = UnicodeAttribute()
    name = UnicodeAttribute()
    created = UTCDateTimeAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_group = Gsi1()


class SecretKeyItem(_Item):
    """One secret key of an app (``pk=APP#{appId}``, ``sk=KEY#{keyId}``); only its hash is kept."""

    Meta = _meta(_S.accounts_table)
    key_id = UnicodeAttribute()
    name = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    enabled = BooleanAttribute(default=True)
    created = UTCDateTimeAttribute()


class UserItem(_Item):
    """A person who signs in to the web app. ``pk=USER#{email}``, ``sk=USER``."""

    Meta = _meta(_S.accounts_table)
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    realm_id = UnicodeAttribute()
    role = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    failed_signins = NumberAttribute(default=0)
    locked_until = UTCDateTimeAttribute(null=True)
    created = UTCDateTimeAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    version = VersionAttribute()
    by_group = Gsi1()


class SessionItem(_Item):
    """A web-app session, keyed by the SHA-256 of its cookie token; expires by TTL."""

    Meta = _meta(_S.accounts_table)
    email = UnicodeAttribute()
    csrf_token = UnicodeAttribute()
    expires = NumberAttribute()  # epoch seconds; the table's TTL attribute


# --- courses table --------------------------------------------------------------------------


class CourseItem(_Item):
    """A course. ``pk={realm}#COURSE#{courseId}``, ``sk=COURSE``; listed per realm by gsi1."""

    Meta = _meta(_S.courses_table)
    realm_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    title = UnicodeAttribute(default="")
    standard = UnicodeAttribute(default="UNKNOWN")
    latest_version = NumberAttribute(default=0)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    created = UTCDateTimeAttribute()
    updated = UTCDateTimeAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    version = VersionAttribute()
    by_group = Gsi1()


class CourseVersionItem(_Item):
    """One imported version of a course (``sk=VERSION#{n:06d}``) with its activity tree."""

    Meta = _meta(_S.courses_table)
    realm_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    number = NumberAttribute()
    content_prefix = UnicodeAttribute()
    size_bytes = NumberAttribute(default=0)
    tree = JSONAttribute(default=dict)
    warnings = ListAttribute(of=UnicodeAttribute, default=list)
    created = UTCDateTimeAttribute()


class ImportJobItem(_Item):
    """An import job (``pk={realm}#JOB#{jobId}``, ``sk=JOB``): RUNNING → COMPLETE | ERROR."""

    Meta = _meta(_S.courses_table)
    realm_id = UnicodeAttribute()
    job_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    status = UnicodeAttribute(default="RUNNING")
    message = UnicodeAttribute(default="")
    upload_key = UnicodeAttribute(default="")
    upload_size = NumberAttribute(null=True)
    may_create_new_version = BooleanAttribute(default=False)
    postback_url = UnicodeAttribute(null=True)
    result = JSONAttribute(null=True)
    created = UTCDateTimeAttribute()
    updated = UTCDateTimeAttribute()


# --- registrations table --------------------------------------------------------------------


class RegistrationItem(_Item):
    """A registration (``pk={realm}#REG#{id}``, ``sk=REG``).

    ``version`` is a :class:`VersionAttribute`: two tabs committing at once cannot overwrite
    each other; the loser re-reads and retries.
    """

    Meta = _meta(_S.registrations_table)
    realm_id = UnicodeAttribute()
    registration_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    course_version = NumberAttribute(default=0)
    instance = NumberAttribute(default=0)
    learner = JSONAttribute(default=dict)
    completion = UnicodeAttribute(default="UNKNOWN")
    success = UnicodeAttribute(default="UNKNOWN")
    score_scaled = NumberAttribute(null=True)
    total_seconds = NumberAttribute(default=0)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    created = UTCDateTimeAttribute()
    updated = UTCDateTimeAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    version = VersionAttribute()
    by_group = Gsi1()


# --- reports table --------------------------------------------------------------------------


class DailyActivityItem(_Item):
    """Reportage counters per realm and UTC day (``pk={realm}#DAY``, ``sk={yyyy-mm-dd}``)."""

    Meta = _meta(_S.reports_table)
    realm_id = UnicodeAttribute()
    day = UnicodeAttribute()
    events = NumberAttribute(default=0)
    completions = NumberAttribute(default=0)
    passes = NumberAttribute(default=0)
    failures = NumberAttribute(default=0)


class ProcessedEventItem(_Item):
    """Marks a stream event as applied (``pk=EVENT#{id}``) so redelivery changes nothing."""

    Meta = _meta(_S.reports_table)
    expires = NumberAttribute()


ALL_MODELS: tuple[type[Model], ...] = (
    RealmItem, AppItem, SecretKeyItem, UserItem, SessionItem,
    CourseItem, CourseVersionItem, ImportJobItem, RegistrationItem,
    DailyActivityItem, ProcessedEventItem,
)
