"""xAPI statement persistence on the statements table (the LRS's own items).

Key layout (``scope`` is ``{realmId}#{lrsId}``, so every key starts with the realm id):

* statement  ``pk={scope}#STMT#{statementId}``, ``sk=STMT`` — the stored statement (JSON text),
  its ``stored`` time, ``voided`` flag and the list of index keys it was filed under.
* index entry ``pk={scope}#IX#{dimension}#{digest}``, ``sk={stored}#{statementId}`` — one per
  query path the statement answers to (``all``, ``agent``, ``verb``, ``activity``,
  ``registration``, ``ragent``, ``ractivity``). A GET queries the most selective entry list
  with ``ConsistentRead`` (no Scan, no eventually consistent GSI), so
  ``X-Experience-API-Consistent-Through`` can be "now". A related entry (``ragent|X``,
  ``ractivity|A``) is not written where the statement has the direct one for the same value
  (``agent|X`` — the actor, or an Agent object —, ``activity|A``): every direct match is also a
  related one (xAPI Communication §2.1.3, ``related_agents``/``related_activities``), so a related
  list is read as the union of both (:func:`query_index`), and a typical statement writes two
  entries fewer (a quarter of its items).
* attachment bodies live in S3 under ``lrs/{realm}/{lrsId}/attachments/{sha2}``.

Batch writes: index entries first (idempotent, harmless while their statement is missing),
then every statement of the batch in one conditional ``TransactWriteItems`` (the DynamoDB cap is
100 items, the xAPI batch cap we accept) — or one conditional ``PutItem`` for a lone statement;
if the write is refused the entries are deleted again, so nothing of a rejected batch remains.
A retried batch that had committed is recognised as itself (``ClientRequestToken``, and a
read-back that finds every statement stored as this request would store it), never a conflict.
"""

from __future__ import annotations

import hashlib
import heapq
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import ClientError
from pynamodb.attributes import BooleanAttribute, ListAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.models import Model

from chalicelib.config import settings
from chalicelib.store import blobs, transactions

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

_S = settings()
#: DynamoDB's TransactWriteItems limit, and so the most statements one request may carry.
MAX_BATCH = 100
#: The most index entries one DynamoDB Query page asks for.
MAX_PAGE = 1000


def _meta() -> Any:
    return type("Meta", (), {"table_name": _S.statements_table, "region": _S.region})


class StatementItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    realm_id = UnicodeAttribute()
    statement_id = UnicodeAttribute()
    body = UnicodeAttribute()  # the stored statement, compact JSON
    stored = UnicodeAttribute()
    voided = BooleanAttribute(default=False)
    index_keys = ListAttribute(of=UnicodeAttribute, default=list)


class IndexEntryItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    statement_id = UnicodeAttribute()


class StatementConflict(Exception):
    """A statement id is already stored (with possibly different content)."""

    def __init__(self, statement_id: str) -> None:
        super().__init__(statement_id)
        self.statement_id = statement_id


@dataclass(frozen=True)
class NewStatement:
    statement_id: str
    body: str
    stored: str
    index_keys: list[str]


def digest(value: str) -> str:
    """A fixed-length key part for an arbitrary IRI/IFI (keys stay far below 2 KB)."""
    return hashlib.sha256(value.encode()).hexdigest()[:40]


def _statement_pk(scope: str, statement_id: str) -> str:
    return f"{scope}#STMT#{statement_id}"


#: A related dimension and the direct one whose entries it is read together with.
RELATED_TO_DIRECT = {"ragent": "agent", "ractivity": "activity"}


def entry_keys(index_keys: Iterable[str]) -> list[str]:
    """The index keys an entry is written for: ``index_keys`` less each related key whose direct
    key is there too (see the module docstring)."""
    present = set(index_keys)
    written = []
    for key in present:
        dimension, _, value = key.partition("|")
        direct = RELATED_TO_DIRECT.get(dimension)
        if direct is None or f"{direct}|{value}" not in present:
            written.append(key)
    return sorted(written)


def index_pk(scope: str, index_key: str) -> str:
    """``index_key`` is ``dimension|value``; the pk hashes the value."""
    dimension, _, value = index_key.partition("|")
    return f"{scope}#IX#{dimension}#{digest(value)}"


def get_statements(scope: str, statement_ids: Iterable[str]) -> dict[str, StatementItem]:
    """Stored statements by id (strongly consistent), missing ids left out."""
    keys = [(_statement_pk(scope, sid), "STMT") for sid in dict.fromkeys(statement_ids)]
    found: dict[str, StatementItem] = {}
    for start in range(0, len(keys), 100):
        for item in StatementItem.batch_get(keys[start:start + 100], consistent_read=True):
            found[item.statement_id] = item
    return found


def put_statements(scope: str, realm_id: str, statements: list[NewStatement],
                   void_ids: list[str]) -> None:
    """Store a whole batch or nothing; raise :class:`StatementConflict` if an id is taken."""
    if len(statements) + len(void_ids) > MAX_BATCH:
        raise ValueError("batch too large")
    entries = [IndexEntryItem(index_pk(scope, key), f"{new.stored}#{new.statement_id}",
                              statement_id=new.statement_id)
               for new in statements for key in entry_keys(new.index_keys)]
    with IndexEntryItem.batch_write() as batch:
        for entry in entries:
            batch.save(entry)
    items = [StatementItem(_statement_pk(scope, new.statement_id), "STMT", realm_id=realm_id,
                           statement_id=new.statement_id, body=new.body, stored=new.stored,
                           voided=False, index_keys=new.index_keys) for new in statements]
    try:
        if len(items) == 1 and not void_ids:  # one conditional put is atomic, at half the cost
            _put_one(items[0])
            return
        with transactions.transaction() as txn:
            for item in items:
                txn.save(item, condition=StatementItem.pk.does_not_exist())
            for target in void_ids:
                txn.update(StatementItem(_statement_pk(scope, target), "STMT"),
                           actions=[StatementItem.voided.set(True)],
                           condition=StatementItem.pk.exists())
    except (TransactWriteError, StatementConflict) as err:
        if _already_ours(scope, statements, void_ids):
            return  # a retry of this very write that had committed: done, not a conflict
        with IndexEntryItem.batch_write() as batch:
            for entry in entries:
                batch.delete(entry)
        if isinstance(err, StatementConflict):
            raise
        for reason, new in zip(err.cancellation_reasons or [], statements, strict=False):
            if reason is not None and reason.code == "ConditionalCheckFailed":
                raise StatementConflict(new.statement_id) from err
        raise


def _already_ours(scope: str, statements: list[NewStatement], void_ids: list[str]) -> bool:
    """Whether the whole batch is stored exactly as this request would store it (the equivalent
    of DynamoDB's ``ClientRequestToken`` check, for a store that lacks it)."""
    stored = get_statements(scope, [new.statement_id for new in statements])
    if any(stored.get(new.statement_id) is None or stored[new.statement_id].body != new.body
           or stored[new.statement_id].stored != new.stored for new in statements):
        return False
    targets = get_statements(scope, void_ids) if void_ids else {}
    return all(targets.get(target) is not None and targets[target].voided for target in void_ids)


def _put_one(item: StatementItem) -> None:
    try:
        item.save(condition=StatementItem.pk.does_not_exist())
    except PutError as err:
        if err.cause_response_code == "ConditionalCheckFailedException":
            raise StatementConflict(item.statement_id) from err
        raise


def query_index(scope: str, index_key: str, *, ascending: bool, since: str | None,
                until: str | None, start_after: str | None,
                page: int = 20) -> Iterator[tuple[str, str]]:
    """(sort key, statement id) of one index in stored order, strongly consistent (see
    :func:`_entries`); a related index (``ragent|X``) merged with its direct one (``agent|X``),
    each statement once (one stored before the entries were thinned has both)."""
    dimension, _, value = index_key.partition("|")
    direct = RELATED_TO_DIRECT.get(dimension)
    window = _Window(ascending, since, until, start_after, page)
    if direct is None:
        yield from _entries(scope, index_key, window)
        return
    last = None
    for entry in heapq.merge(_entries(scope, index_key, window), _entries(scope, f"{direct}|{value}", window),
                             key=lambda found: found[0], reverse=not ascending):
        if entry[0] != last:
            yield entry
        last = entry[0]


@dataclass(frozen=True)
class _Window:
    ascending: bool
    since: str | None
    until: str | None
    start_after: str | None
    page: int


def _entries(scope: str, index_key: str, window: _Window) -> Iterator[tuple[str, str]]:
    """(sort key, statement id) of one entry list in stored order, strongly consistent.

    ``since`` is exclusive and ``until`` inclusive (xAPI §2.1.3); ``start_after`` resumes
    after a sort key returned earlier (the ``more`` cursor). The first DynamoDB page holds
    ``page`` entries and each further page twice as many (up to :data:`MAX_PAGE`), so a GET that
    needs a few entries reads a few, however many the partition holds.
    """
    start_after = window.start_after
    low = f"{window.since}#~" if window.since else "0"
    high = f"{window.until}#~" if window.until else "9999"
    if start_after:
        if window.ascending:
            low = max(low, start_after + "\x00")
        else:
            high = min(high, start_after)
    if low > high:
        return
    condition = IndexEntryItem.sk.between(low, high)
    size, resume = max(1, window.page), None
    while True:
        found = IndexEntryItem.query(index_pk(scope, index_key), condition,
                                     scan_index_forward=window.ascending, consistent_read=True,
                                     limit=size, page_size=size, last_evaluated_key=resume)
        for entry in found:
            if entry.sk != start_after:
                yield entry.sk, entry.statement_id
        resume = found.last_evaluated_key
        if not resume:
            return
        size = min(size * 2, MAX_PAGE)


def delete_statements(scope: str, statement_ids: Iterable[str]) -> list[StatementItem]:
    """Erase stored statements with every index entry filed for them (learner data erasure);
    returns the items that were stored."""
    found = list(get_statements(scope, statement_ids).values())
    with StatementItem.batch_write() as batch:
        for item in found:
            for key in item.index_keys or []:
                batch.delete(IndexEntryItem(index_pk(scope, str(key)), f"{item.stored}#{item.statement_id}"))
            batch.delete(item)
    return found


def delete_attachment(scope: str, sha2: str) -> int:
    """Delete an attachment body, every version of it (the bucket is versioned)."""
    return blobs.delete_prefix(_attachment_key(scope, sha2))


# --- attachments (S3) ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def _s3() -> Any:
    return boto3.client("s3", region_name=_S.region)


def _attachment_key(scope: str, sha2: str) -> str:
    realm, _, lrs = scope.partition("#")
    return f"lrs/{realm}/{lrs}/attachments/{sha2}"


def put_attachment(scope: str, sha2: str, content_type: str, body: bytes) -> None:
    _s3().put_object(Bucket=_S.content_bucket, Key=_attachment_key(scope, sha2), Body=body,
                     ContentType=content_type)


def get_attachment(scope: str, sha2: str) -> bytes | None:
    try:
        found = _s3().get_object(Bucket=_S.content_bucket, Key=_attachment_key(scope, sha2))
    except ClientError as err:
        if err.response["Error"]["Code"] in ("NoSuchKey", "404"):
            return None
        raise
    return found["Body"].read()  # type: ignore[no-any-return]
