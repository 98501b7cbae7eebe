"""LRS activity-provider credentials and OAuth 1.0a nonces (statements table).

* credential ``pk=LRSCRED#{key}``, ``sk=CRED`` — found by the key a provider sends; listed per
  realm through ``gsi1`` (``gsi1pk={realm}#LRSCREDS``). The secret is stored encrypted
  (:mod:`chalicelib.lrs.credentials` does the crypto; OAuth's HMAC needs the clear secret).
* nonce ``pk=LRSNONCE#{key}#{nonce}``, ``sk={timestamp}`` — written with a "must not exist"
  condition, so a replayed OAuth request is refused; expires by the table's TTL.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.config import settings

if TYPE_CHECKING:
    from collections.abc import Iterator

_S = settings()


def _meta() -> Any:
    return type("Meta", (), {"table_name": _S.statements_table, "region": _S.region})


class _ByRealm(GlobalSecondaryIndex[Any]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class CredentialItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    credential_id = UnicodeAttribute()
    realm_id = UnicodeAttribute()
    name = UnicodeAttribute()
    info = UnicodeAttribute(default="")
    secret_sealed = UnicodeAttribute()
    enabled = BooleanAttribute(default=True)
    auth = UnicodeAttribute(default="BASICAUTH")
    permissions = UnicodeAttribute(default="USER")
    endpoint = UnicodeAttribute(default="*")  # an app id, or "*" for every endpoint of the realm
    created = UnicodeAttribute()
    last_version = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_realm = _ByRealm()


class NonceItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    expires = NumberAttribute()


def get_credential(key: str) -> CredentialItem | None:
    try:
        return CredentialItem.get(f"LRSCRED#{key}", "CRED")
    except DoesNotExist:
        return None


def save_credential(item: CredentialItem) -> None:
    item.pk, item.sk = f"LRSCRED#{item.credential_id}", "CRED"
    item.gsi1pk, item.gsi1sk = f"{item.realm_id}#LRSCREDS", item.credential_id
    item.save()


def set_last_version(key: str, version: str) -> None:
    CredentialItem(f"LRSCRED#{key}", "CRED").update(
        actions=[CredentialItem.last_version.set(version)])


def delete_credential(key: str) -> None:
    CredentialItem(f"LRSCRED#{key}", "CRED").delete()


def list_credentials(realm_id: str) -> Iterator[CredentialItem]:
    return CredentialItem.by_realm.query(f"{realm_id}#LRSCREDS")


def use_nonce(key: str, nonce: str, timestamp: str, ttl_seconds: int) -> bool:
    """Record a nonce; False if this key already used it (a replay)."""
    item = NonceItem(f"LRSNONCE#{key}#{nonce}", timestamp,
                     expires=int(time.time()) + ttl_seconds)
    try:
        item.save(condition=NonceItem.pk.does_not_exist())
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


class LaunchItem(Model):
    """A launch-scoped credential: ``pk=LRSLAUNCH#{key}``, ``sk=LAUNCH``; ``expires`` is the
    table's TTL attribute (DynamoDB deletes it some time after; the LRS checks it on use)."""

    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    realm_id = UnicodeAttribute()
    endpoint = UnicodeAttribute()
    secret_sealed = UnicodeAttribute()
    actor = UnicodeAttribute()  # JSON of the Agent
    registration = UnicodeAttribute()
    activity_id = UnicodeAttribute()
    expires = NumberAttribute()
    launch = UnicodeAttribute(null=True)  # JSON: the registration launch it belongs to (player launches)


def get_launch(key: str) -> LaunchItem | None:
    try:
        return LaunchItem.get(f"LRSLAUNCH#{key}", "LAUNCH")
    except DoesNotExist:
        return None


def save_launch(key: str, item: LaunchItem) -> None:
    item.pk, item.sk = f"LRSLAUNCH#{key}", "LAUNCH"
    item.save(condition=LaunchItem.pk.does_not_exist())


def set_launch_expires(key: str, expires: int) -> None:
    LaunchItem(f"LRSLAUNCH#{key}", "LAUNCH").update(actions=[LaunchItem.expires.set(expires)])
