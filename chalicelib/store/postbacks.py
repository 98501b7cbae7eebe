"""Postbacks: the delivery log, the delivered state and the delivery queue.

Key layout (registrations table, beside what the postback is about):

* ``{realm}#REG#{id}`` / ``POSTBACK#{when}#{attempt}``   one delivery attempt of a registration's
  postback (deleted with the registration);
* ``{realm}#REG#{id}`` / ``POSTBACK``                    the newest registration version delivered
  (a separate item: writing it never touches the registration's own version);
* ``{realm}#IMPORTPOSTBACK#{job}`` / ``POSTBACK#…``      an import job's attempts (TTL, as the job).

Deliveries wait in the SQS postback queue (a message per due attempt, delayed up to SQS' 15
minutes; a later attempt is re-queued until it is due).
"""

from __future__ import annotations

import json
import time
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import boto3
from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.models import Model

from chalicelib.config import env, settings

if TYPE_CHECKING:
    from collections.abc import Iterator

MAX_DELAY_SECONDS = 900  # SQS' DelaySeconds limit
IMPORT_LOG_SECONDS = 30 * 24 * 3600


def _meta() -> Any:
    return type("Meta", (), {"table_name": settings().registrations_table, "region": settings().region})


class PostbackAttemptItem(Model):
    """One delivery attempt: when, where, what came back."""

    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    attempt = NumberAttribute()
    at = UnicodeAttribute()
    url = UnicodeAttribute()
    outcome = UnicodeAttribute()  # DELIVERED, FAILED, GAVE_UP
    status = NumberAttribute(null=True)  # the HTTP status, if one came back
    error = UnicodeAttribute(null=True)
    seconds = NumberAttribute(default=0)
    version = NumberAttribute(null=True)  # the registration version the payload carried
    next_at = UnicodeAttribute(null=True)
    detail = JSONAttribute(null=True)
    expires = NumberAttribute(null=True)


class PostbackStateItem(Model):
    """A registration's postback state: the newest version wanted (seen changed) and delivered,
    and whether a delivery chain (one task in the queue at a time) is running."""

    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    wanted_version = NumberAttribute(default=0)
    delivered_version = NumberAttribute(default=0)
    chain = NumberAttribute(null=True)  # set while a delivery task is queued or running


def subject_pk(kind: str, realm_id: str, subject_id: str) -> str:
    return f"{realm_id}#REG#{subject_id}" if kind == "registration" else f"{realm_id}#IMPORTPOSTBACK#{subject_id}"


def record_attempt(kind: str, realm_id: str, subject_id: str, **fields: Any) -> None:
    pk = subject_pk(kind, realm_id, subject_id)
    expires = int(time.time()) + IMPORT_LOG_SECONDS if kind == "import" else None
    PostbackAttemptItem(pk, f"POSTBACK#{fields['at']}#{int(fields['attempt']):03d}", expires=expires,
                        **fields).save()


def attempts(kind: str, realm_id: str, subject_id: str, limit: int = 200) -> Iterator[PostbackAttemptItem]:
    """Newest first."""
    return PostbackAttemptItem.query(subject_pk(kind, realm_id, subject_id),
                                     PostbackAttemptItem.sk.startswith("POSTBACK#"),
                                     scan_index_forward=False, limit=limit)


def delivered_version(realm_id: str, registration_id: str) -> int:
    try:
        return int(PostbackStateItem.get(subject_pk("registration", realm_id, registration_id), "POSTBACK",
                                         consistent_read=True).delivered_version)
    except PostbackStateItem.DoesNotExist:
        return 0


def _state(realm_id: str, registration_id: str) -> PostbackStateItem:
    return PostbackStateItem(subject_pk("registration", realm_id, registration_id), "POSTBACK")


def _conditional(state: PostbackStateItem, actions: list[Any], condition: Any) -> bool:
    try:
        state.update(actions=actions, condition=condition)
    except UpdateError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def want(realm_id: str, registration_id: str, version: int) -> bool:
    """Record that ``version`` should be delivered; True if no delivery chain runs (the caller
    starts one). A version seen before (a replayed change) changes nothing and starts nothing;
    a newer one while a chain runs is picked up by that chain (:func:`end_chain`)."""
    if not _conditional(_state(realm_id, registration_id), [PostbackStateItem.wanted_version.set(version)],
                        PostbackStateItem.wanted_version.does_not_exist()
                        | (PostbackStateItem.wanted_version < version)):
        return False
    return _conditional(_state(realm_id, registration_id), [PostbackStateItem.chain.set(1)],
                        PostbackStateItem.chain.does_not_exist())


def end_chain(realm_id: str, registration_id: str, delivered: int | None) -> bool:
    """End the running chain unless a version newer than ``delivered`` is wanted (then False:
    the chain goes on). ``None``: end it whatever is wanted (given up, or nothing to send)."""
    condition = PostbackStateItem.chain.exists()
    if delivered is not None:
        condition = condition & (PostbackStateItem.wanted_version <= delivered)
    if _conditional(_state(realm_id, registration_id), [PostbackStateItem.chain.remove()], condition):
        return True
    try:  # refused: either a newer version is wanted, or there was no chain to end
        state = PostbackStateItem.get(_state(realm_id, registration_id).pk, "POSTBACK", consistent_read=True)
    except PostbackStateItem.DoesNotExist:
        return True
    return state.chain is None


def mark_delivered(realm_id: str, registration_id: str, version: int) -> None:
    """Raise the delivered version to ``version`` (never lower it)."""
    state = PostbackStateItem(subject_pk("registration", realm_id, registration_id), "POSTBACK")
    try:
        state.update(actions=[PostbackStateItem.delivered_version.set(version)],
                     condition=(PostbackStateItem.delivered_version.does_not_exist()
                                | (PostbackStateItem.delivered_version < version)))
    except UpdateError as err:
        if err.cause_response_code != "ConditionalCheckFailedException":
            raise


@lru_cache(maxsize=1)
def _queue_url() -> str:
    client = boto3.client("sqs", region_name=settings().region)
    return str(client.get_queue_url(QueueName=env("POSTBACK_QUEUE"))["QueueUrl"])


def enqueue(task: dict[str, Any], delay_seconds: float) -> None:
    """Queue a delivery task, visible after ``delay_seconds`` (at most SQS' 15 minutes)."""
    boto3.client("sqs", region_name=settings().region).send_message(
        QueueUrl=_queue_url(), MessageBody=json.dumps(task),
        DelaySeconds=max(0, min(MAX_DELAY_SECONDS, int(delay_seconds))))
