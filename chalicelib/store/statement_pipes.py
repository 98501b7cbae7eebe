"""Statement pipes (forwarding) on the statements table, beside the LRS they read.

Key layout:

* ``{realm}#PIPES`` / ``PIPE#{pipeId}``               a pipe: source LRS, target (password sealed),
  position (the last forwarded entry of the source's stored-order index), counters, state;
* ``{realm}#PIPE#{pipeId}#DEAD`` / ``{indexSk}``       a statement the target refused for good.

Forwarding tasks wait in the SQS forwarding queue: at most one per pipe (its *chain*, like
postbacks), so one pipe's statements are sent by one worker at a time, in order.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import boto3
from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.models import Model

from chalicelib.config import env, settings

if TYPE_CHECKING:
    from collections.abc import Iterator


def _meta() -> Any:
    return type("Meta", (), {"table_name": settings().statements_table, "region": settings().region})


class PipeItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    realm_id = UnicodeAttribute()
    pipe_id = UnicodeAttribute()
    lrs_id = UnicodeAttribute()  # the source: an app id or the realm id (chalicelib.lrs.endpoint)
    source_url = UnicodeAttribute()
    target_url = UnicodeAttribute()
    target_user = UnicodeAttribute(default="")
    target_password = UnicodeAttribute(null=True)  # sealed (chalicelib.vault)
    position = UnicodeAttribute(default="")  # index sort key of the last forwarded statement
    last_stored = UnicodeAttribute(null=True)  # ``stored`` of the last forwarded statement
    forwarded = NumberAttribute(default=0)
    dead = NumberAttribute(default=0)
    attempts = NumberAttribute(default=0)  # consecutive failed deliveries
    visible_after = UnicodeAttribute(null=True)  # the next attempt, after a failure
    last_error = UnicodeAttribute(null=True)
    paused = BooleanAttribute(default=False)
    chain = NumberAttribute(null=True)  # set while a forwarding task is queued or running
    dirty = BooleanAttribute(default=False)  # new statements since the chain last looked
    created = UnicodeAttribute()
    updated = UnicodeAttribute()


class DeadLetterItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    statement_id = UnicodeAttribute()
    status = NumberAttribute(null=True)
    error = UnicodeAttribute()
    at = UnicodeAttribute()


def _pk(realm_id: str) -> str:
    return f"{realm_id}#PIPES"


def create(item: PipeItem) -> PipeItem:
    item.pk, item.sk = _pk(item.realm_id), f"PIPE#{item.pipe_id}"
    try:
        item.save(condition=PipeItem.pk.does_not_exist())
    except PutError as err:
        raise ValueError(f"pipe {item.pipe_id} exists") from err
    return item


def get(realm_id: str, pipe_id: str) -> PipeItem | None:
    try:
        return PipeItem.get(_pk(realm_id), f"PIPE#{pipe_id}", consistent_read=True)
    except DoesNotExist:
        return None


def list_pipes(realm_id: str) -> list[PipeItem]:
    return list(PipeItem.query(_pk(realm_id), PipeItem.sk.startswith("PIPE#"), consistent_read=True))


def update(realm_id: str, pipe_id: str, **values: Any) -> bool:
    """Set attributes of an existing pipe; False if it is gone."""
    item = PipeItem(_pk(realm_id), f"PIPE#{pipe_id}")
    actions = [getattr(PipeItem, name).set(value) if value is not None else getattr(PipeItem, name).remove()
               for name, value in values.items()]
    try:
        item.update(actions=actions, condition=PipeItem.pk.exists())
    except UpdateError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def delete(realm_id: str, pipe_id: str) -> None:
    PipeItem(_pk(realm_id), f"PIPE#{pipe_id}").delete()
    with DeadLetterItem.batch_write() as batch:
        for dead in DeadLetterItem.query(f"{realm_id}#PIPE#{pipe_id}#DEAD"):
            batch.delete(dead)


def _conditional(realm_id: str, pipe_id: str, actions: list[Any], condition: Any) -> bool:
    try:
        PipeItem(_pk(realm_id), f"PIPE#{pipe_id}").update(actions=actions, condition=PipeItem.pk.exists() & condition)
    except UpdateError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def start_chain(realm_id: str, pipe_id: str) -> bool:
    """Note new statements; True if no chain runs and the pipe is not paused (start one)."""
    if _conditional(realm_id, pipe_id, [PipeItem.chain.set(1), PipeItem.dirty.set(False)],
                    PipeItem.chain.does_not_exist() & (PipeItem.paused == False)):  # noqa: E712 - an expression
        return True
    _conditional(realm_id, pipe_id, [PipeItem.dirty.set(True)], PipeItem.chain.exists())
    return False


def look(realm_id: str, pipe_id: str) -> None:
    """The chain is about to read: statements stored from now on mark the pipe dirty again."""
    _conditional(realm_id, pipe_id, [PipeItem.dirty.set(False)], PipeItem.chain.exists())


def end_chain(realm_id: str, pipe_id: str, *, force: bool = False) -> bool:
    """End the chain unless new statements came meanwhile (then False: go on)."""
    condition = PipeItem.chain.exists() if force else PipeItem.chain.exists() & (PipeItem.dirty == False)  # noqa: E712
    if _conditional(realm_id, pipe_id, [PipeItem.chain.remove()], condition):
        return True
    pipe = get(realm_id, pipe_id)
    return pipe is None or pipe.chain is None


def add_dead_letter(realm_id: str, pipe_id: str, index_sk: str, *, statement_id: str, status: int | None,
                    error: str, at: str) -> None:
    DeadLetterItem(f"{realm_id}#PIPE#{pipe_id}#DEAD", index_sk, statement_id=statement_id, status=status,
                   error=error[:1000], at=at).save()


def dead_letters(realm_id: str, pipe_id: str, limit: int = 200) -> Iterator[DeadLetterItem]:
    return DeadLetterItem.query(f"{realm_id}#PIPE#{pipe_id}#DEAD", limit=limit, scan_index_forward=False)


@lru_cache(maxsize=1)
def _queue_url() -> str:
    client = boto3.client("sqs", region_name=settings().region)
    return str(client.get_queue_url(QueueName=env("FORWARDING_QUEUE"))["QueueUrl"])


def enqueue(task: dict[str, Any], delay_seconds: float) -> None:
    boto3.client("sqs", region_name=settings().region).send_message(
        QueueUrl=_queue_url(), MessageBody=json.dumps(task), DelaySeconds=max(0, min(900, int(delay_seconds))))
