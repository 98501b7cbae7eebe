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
    # accounts (issue 6): lockout policy, plan coverage, OAuth signing key (encrypted)
    lockout_attempts = NumberAttribute(null=True)
    lockout_minutes = NumberAttribute(null=True)
    coverage_root = UnicodeAttribute(null=True)  # linked realm: whose plan covers this one
    signing_key = UnicodeAttribute(null=True)  # AES-GCM sealed, see chalicelib.tokens
    management_app_id = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True)  # COVERAGE#{root} for linked realms
    gsi1sk = UnicodeAttribute(null=True)
    by_group = Gsi1()


class AppItem(_Item):
    """An API application. ``pk=APP#{appId}``, ``sk=APP``; listed per realm by gsi1."""

    Meta = _meta(_S.accounts_table)
    app_id = UnicodeAttribute()
    realm_id = UnicodeAttribute()
    name = UnicodeAttribute()
    created = UTCDateTimeAttribute()
    kind = UnicodeAttribute(default="normal")  # "normal" | "management" (APP_MANAGEMENT)
    updated = UTCDateTimeAttribute(null=True)
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
    updated = UTCDateTimeAttribute(null=True)


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
    realm_id = UnicodeAttribute(null=True)  # the realm this session works in (switchable)


class MembershipItem(_Item):
    """A user's role in one realm (``pk=USER#{email}``, ``sk=MEMBER#{realmId}``); a user may
    belong to several realms. Listed per realm by gsi1 (``REALM#{realmId}#MEMBERS``)."""

    Meta = _meta(_S.accounts_table)
    email = UnicodeAttribute()
    realm_id = UnicodeAttribute()
    role = UnicodeAttribute()
    created = UTCDateTimeAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_group = Gsi1()


class UsageItem(_Item):
    """A realm's usage counters (``pk=REALM#{id}``, ``sk=USAGE``): registrations counted
    against the plan since the last reset, all-time registrations, stored bytes."""

    Meta = _meta(_S.accounts_table)
    realm_id = UnicodeAttribute()
    registrations = NumberAttribute(default=0)
    registrations_all_time = NumberAttribute(default=0)
    storage_bytes = NumberAttribute(default=0)
    reset_at = UTCDateTimeAttribute(null=True)


class DailyUsageItem(_Item):
    """Usage added on one UTC day (``pk=REALM#{id}``, ``sk=USAGE#DAY#{yyyy-mm-dd}``)."""

    Meta = _meta(_S.accounts_table)
    realm_id = UnicodeAttribute()
    day = UnicodeAttribute()
    registrations = NumberAttribute(default=0)
    storage_bytes = NumberAttribute(default=0)


class BillingRecordItem(_Item):
    """A billing event kept as a record (``pk=REALM#{id}``, ``sk=BILLING#{iso time}``);
    there is no payment processor."""

    Meta = _meta(_S.accounts_table)
    realm_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # "tier-selected" | "registrations-cleared"
    plan = UnicodeAttribute()
    amount_cents = NumberAttribute(default=0)
    actor = UnicodeAttribute(default="")
    created = UTCDateTimeAttribute()


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
    description = UnicodeAttribute(default="")  # course import (issue 3)
    activity_id = UnicodeAttribute(default="")
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
    # course import (issue 3): the full activity tree is in S3 at tree_key (items cap at 400 KB)
    standard = UnicodeAttribute(default="UNKNOWN")
    title = UnicodeAttribute(default="")
    package_key = UnicodeAttribute(default="")
    tree_key = UnicodeAttribute(default="")
    file_count = NumberAttribute(default=0)
    import_job_id = UnicodeAttribute(default="")


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
    options = JSONAttribute(null=True)  # course import (issue 3): tags, file name, media metadata...
    claimed_until = NumberAttribute(null=True)  # epoch seconds: a run holds the job until then
    expires = NumberAttribute(null=True)  # epoch seconds; the courses table's TTL attribute


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
    # registrations and runtime (issue 4): see chalicelib.store.registrations
    details = JSONAttribute(default=dict)  # dates, course title, xAPI id, activity tree + runtime state
    sandbox = BooleanAttribute(default=False)  # a course preview: not listed, not billed, expires
    expires = NumberAttribute(null=True)  # epoch seconds; the table's TTL attribute (sandbox only)
    postback = JSONAttribute(null=True)  # PostBackSchema as chalicelib.postbacks.config stores it


ALL_MODELS: tuple[type[Model], ...] = (
    RealmItem, AppItem, SecretKeyItem, UserItem, SessionItem,
    MembershipItem, UsageItem, DailyUsageItem, BillingRecordItem,
    CourseItem, CourseVersionItem, ImportJobItem, RegistrationItem,
)
