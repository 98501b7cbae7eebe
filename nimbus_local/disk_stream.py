"""moto's DynamoDB Streams with their records on disk, written in the same SQLite transaction as
the item change they describe.

moto keeps a table's stream records in a list in memory (``StreamShard.items``): a ``kill -9``
loses every record not yet consumed, and a ``TransactWriteItems`` that moto refuses half-way
keeps the records of the items it had already written (moto restores the items by hand, not
the stream). Here :class:`DiskStreamShard` keeps them in one SQLite table per DynamoDB table,
``"stream:{account}:{region}:{table}"``, inserted through the item store's connection inside
the request's transaction (:mod:`nimbus_local.dynamo_disk`): an acknowledged write always has
its record, a rolled-back request leaves none, and a restart finds every record the event pump
had not yet consumed. moto's own DynamoDB Streams API (``GetShardIterator`` / ``GetRecords``)
reads them unchanged; sequence numbers are the row ids offset by moto's starting sequence
number, so they never repeat (``AUTOINCREMENT``) and survive restarts.

:func:`trim` forgets the records every consumer has checkpointed past (as the stream's
retention would on AWS), so the log stays as small as the consumers' lag.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from moto.dynamodb.models.table import StreamRecord, StreamShard, Table
from moto.dynamodbstreams.models import DynamoDBStreamsBackend
from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

if TYPE_CHECKING:
    from collections.abc import Callable

    from moto.dynamodb.models.dynamo_type import Item

    from nimbus_local.dynamo_disk import ItemStore

#: moto creates a new shard iterator for every GetShardIterator and GetRecords call and never
#: forgets one (AWS expires them after 15 minutes); a long-running pump would leak them.
MAX_ITERATORS = 256
_ORIGINAL_SET_STREAM = Table.set_stream_specification
_ORIGINAL_GET_RECORDS = DynamoDBStreamsBackend.get_records
_ORIGINAL_HANDLER_GET_RECORDS = DynamoDBStreamsHandler.get_records



def _wire(value: Any) -> str:
    """Binary values as DynamoDB's JSON API gives them: base64 (moto's images keep the bytes of
    binary values inside maps and lists)."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")

class _Count:
    """Stands in for ``StreamShard.items`` where moto only takes its length (a ``LATEST``
    iterator): the number of records ever written, trimmed ones included."""

    def __init__(self, shard: DiskStreamShard) -> None:
        self.shard = shard

    def __len__(self) -> int:
        return self.shard.last_row()


class DiskStreamShard(StreamShard):
    """A table's stream shard whose records are rows of the item store."""

    store: ItemStore
    sql_name: str

    def __init__(self, store: ItemStore, table: Table) -> None:
        super().__init__(table.account_id, table)
        self.attach(store)

    def attach(self, store: ItemStore) -> None:
        self.sql_name = f'"stream:{self.table.account_id}:{self.table.region_name}:{self.table.name}"'
        self._open(store)

    def _open(self, store: ItemStore) -> None:
        self.store = store
        with store.lock:
            store.conn.execute(f"CREATE TABLE IF NOT EXISTS {self.sql_name} "
                               "(seq INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)")

    @property  # type: ignore[override]
    def items(self) -> _Count:  # moto's attribute; only its length is read (LATEST iterators)
        return _Count(self)

    @items.setter
    def items(self, _value: Any) -> None:  # StreamShard.__init__ sets it to []
        pass

    def last_row(self) -> int:
        with self.store.lock:
            row = self.store.conn.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = ?", (self.sql_name.strip('"'),)).fetchone()
        return int(row[0]) if row else 0

    def add(self, old: Item | None, new: Item | None) -> None:
        """Record one item change inside the request's transaction (moto's ``StreamShard.add``;
        Lambda event-source mappings, which moto would also feed from here, are not used)."""
        spec = self.table.stream_specification or {}
        if not spec.get("StreamEnabled"):
            return
        event_name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
        wanted = CAPTURE.get(self.table.name)
        if wanted is not None and not wanted(event_name, _keys(self.table, new or old)):
            return  # no consumer's filter would ever deliver it (see CAPTURE)
        record = StreamRecord(self.table, spec["StreamViewType"], event_name, old, new, 0).to_json()
        created = record["dynamodb"]["ApproximateCreationDateTime"]
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        record["dynamodb"]["ApproximateCreationDateTime"] = created.timestamp()
        del record["dynamodb"]["SequenceNumber"]  # the row id gives it (see get)
        with self.store.lock:
            self.store.begin()
            self.store.conn.execute(f"INSERT INTO {self.sql_name} (record) VALUES (?)",
                                    (json.dumps(record, separators=(",", ":"), default=_wire),))

    def get(self, start: int, quantity: int) -> list[dict[str, Any]]:
        first = max(1, start - self.starting_sequence_number + 1)
        with self.store.lock:
            rows = self.store.conn.execute(
                f"SELECT seq, record FROM {self.sql_name} WHERE seq >= ? ORDER BY seq LIMIT ?",
                (first, quantity)).fetchall()
        records = []
        for seq, text in rows:
            record = json.loads(text)
            record["dynamodb"]["SequenceNumber"] = str(self.starting_sequence_number + seq - 1)
            stamp = record["dynamodb"]["ApproximateCreationDateTime"]
            record["dynamodb"]["ApproximateCreationDateTime"] = datetime.fromtimestamp(stamp, UTC)
            records.append(record)
        return records

    def trim(self, through: str) -> int:
        """Forget the records up to sequence number ``through``; how many went."""
        last = int(through) - self.starting_sequence_number + 1
        with self.store.lock:
            self.store.begin()
            gone = self.store.conn.execute(f"DELETE FROM {self.sql_name} WHERE seq <= ?", (last,)).rowcount
            self.store.end(True)
        return int(gone)

    def pending(self) -> int:
        with self.store.lock:
            return int(self.store.conn.execute(f"SELECT COUNT(*) FROM {self.sql_name}").fetchone()[0])

    # --- pickling (the snapshot holds the shard's identity, never its records) ----------------

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("store", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)  # (its table may still be half unpickled: not read here)
        from nimbus_local.disk_table import STORE  # noqa: PLC0415 - set once installed

        self._open(STORE[0])


def adopt(table: Table, store: ItemStore) -> None:
    """Give a (disk-backed) table a disk-backed stream shard if its stream is enabled."""
    shard = getattr(table, "stream_shard", None)
    if shard is not None and not isinstance(shard, DiskStreamShard):
        disk = DiskStreamShard(store, table)
        disk.id, disk.created_on = shard.id, shard.created_on
        table.stream_shard = disk


#: table name → whether a change (event name, DynamoDB JSON keys) is kept in its change log:
#: set by the stack from its stream consumers' Lambda ``FilterCriteria`` (``nimbus_local.
#: event_filters.capture``) when every filter looks only at the event name and the keys. A change no
#: consumer's filter matches would never be delivered (Lambda drops filtered records as
#: processed), so it is not written: under xAPI load 7 of 8 changes of the statements table are
#: index items no consumer reads, each a JSON record of its whole image.
CAPTURE: dict[str, Callable[[str, dict[str, Any]], bool]] = {}


def _keys(table: Table, item: Item | None) -> dict[str, Any]:
    if item is None:
        return {}
    keys = {table.hash_key_attr: item.hash_key.to_json()}
    if table.range_key_attr and item.range_key is not None:
        keys[table.range_key_attr] = item.range_key.to_json()
    return keys


def _set_stream_specification(self: Table, streams: dict[str, Any] | None) -> None:
    had = getattr(self, "stream_shard", None)
    _ORIGINAL_SET_STREAM(self, streams)
    store = getattr(self, "store", None)
    if store is None:
        return
    if isinstance(had, DiskStreamShard) and self.stream_shard is not had:
        self.stream_shard = had  # re-enabling a stream keeps reading the same log
    adopt(self, store)


def _get_records(self: DynamoDBStreamsBackend, iterator_arn: str, limit: int) -> dict[str, Any]:
    answer = _ORIGINAL_GET_RECORDS(self, iterator_arn, limit)
    while len(self.shard_iterators) > MAX_ITERATORS:
        self.shard_iterators.pop(next(iter(self.shard_iterators)))
    return answer


def _json_time(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"{type(value).__name__} in a stream record")


def _handler_get_records(self: DynamoDBStreamsHandler) -> str:
    """``GetRecords`` answered as DynamoDB's JSON directly: the records are already DynamoDB JSON,
    and moto's generic, shape-driven serializer spent ~25% of the stack's CPU on them under the
    learner load (each of the registrations table's consumers reads every record). Timestamps
    as epoch seconds, as the JSON protocol has them."""
    limit = self._get_param("Limit")
    result = self.backend.get_records(self._get_param("ShardIterator"), 1000 if limit is None else limit)
    return json.dumps(result, separators=(",", ":"), default=_json_time)


def install() -> None:
    Table.set_stream_specification = _set_stream_specification  # type: ignore[method-assign]
    DynamoDBStreamsBackend.get_records = _get_records  # type: ignore[method-assign]
    DynamoDBStreamsHandler.get_records = _handler_get_records  # type: ignore[assignment,method-assign]


def uninstall() -> None:
    Table.set_stream_specification = _ORIGINAL_SET_STREAM  # type: ignore[method-assign]
    DynamoDBStreamsBackend.get_records = _ORIGINAL_GET_RECORDS  # type: ignore[method-assign]
    DynamoDBStreamsHandler.get_records = _ORIGINAL_HANDLER_GET_RECORDS  # type: ignore[method-assign]


def trim(table: Table, through: str) -> int:
    shard = getattr(table, "stream_shard", None)
    return shard.trim(through) if isinstance(shard, DiskStreamShard) else 0
