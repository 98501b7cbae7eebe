"""Reportage link grants and the reports-only sessions they open (accounts table).

* ``RPTGRANT#{sha256(token)}`` / ``GRANT``: what ``reportageAuth`` handed out: realm, app,
  navigation permission; taken (deleted under a condition) by the one request that opens the link,
  so a second opening finds nothing;
* ``RPTSESSION#{sha256(cookie)}`` / ``SESSION``: a reports-only web session: realm, app, the report
  the link named and its navigation permission.

Only digests of the tokens are stored; both kinds expire by the table's TTL (``expires``) and are
refused once past it even before TTL removes them.
"""

from __future__ import annotations

import time
from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist
from pynamodb.models import Model

from chalicelib.config import settings


def _meta() -> Any:
    return type("Meta", (), {"table_name": settings().accounts_table, "region": settings().region})


class ReportageGrantItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    realm_id = UnicodeAttribute()
    app_id = UnicodeAttribute()
    nav = UnicodeAttribute()
    admin = BooleanAttribute(default=False)
    expires = NumberAttribute()


class ReportageSessionItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    realm_id = UnicodeAttribute()
    app_id = UnicodeAttribute()
    nav = UnicodeAttribute()
    report = UnicodeAttribute()
    key = UnicodeAttribute(default="")
    expires = NumberAttribute()


def save_grant(digest: str, realm_id: str, app_id: str, nav: str, *, admin: bool, seconds: int) -> None:
    ReportageGrantItem(f"RPTGRANT#{digest}", "GRANT", realm_id=realm_id, app_id=app_id, nav=nav, admin=admin,
                       expires=int(time.time()) + seconds).save()


def get_grant(digest: str) -> ReportageGrantItem | None:
    """The live grant, left in place (reportageLink only looks)."""
    try:
        found = ReportageGrantItem.get(f"RPTGRANT#{digest}", "GRANT")
    except DoesNotExist:
        return None
    return found if found.expires > time.time() else None


def take_grant(digest: str) -> ReportageGrantItem | None:
    """The live grant, deleted in the same step: of two concurrent openings only one gets it."""
    found = get_grant(digest)
    if found is None:
        return None
    try:
        found.delete(condition=ReportageGrantItem.pk.exists())
    except DeleteError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return found


def save_session(digest: str, grant: ReportageGrantItem, report: str, key: str, seconds: int) -> ReportageSessionItem:
    item = ReportageSessionItem(f"RPTSESSION#{digest}", "SESSION", realm_id=grant.realm_id, app_id=grant.app_id,
                                nav=grant.nav, report=report, key=key, expires=int(time.time()) + seconds)
    item.save()
    return item


def get_session(digest: str) -> ReportageSessionItem | None:
    try:
        found = ReportageSessionItem.get(f"RPTSESSION#{digest}", "SESSION")
    except DoesNotExist:
        return None
    return found if found.expires > time.time() else None
