"""moto's DynamoDB with its items on disk: one SQLite database, one table per DynamoDB table.

moto keeps every item in a dict, answers each ``Query`` by walking the whole table and deep-copies
the tables a ``TransactWriteItems`` touches (measured: one 100-statement xAPI batch with 14,000
items stored grew the process to 24 GB). Here moto still parses and validates every request,
evaluates condition / update / filter / projection expressions and shapes every answer — all of
that is its code — but items live in SQLite:

- tables are :class:`nimbus_local.disk_table.DiskTable`: ``table.items`` is a thin adapter over
  the rows of the table's SQLite table, so moto's own ``put_item`` / ``get_item`` /
  ``delete_item`` work unchanged, and ``Query`` and ``Scan`` read only the partition (and key
  range) they ask for, in key order, from SQLite indexes on the table's and each index's keys;
- every AWS request is one SQLite transaction (:meth:`ItemStore.begin` / :meth:`ItemStore.end`,
  called by the local server around each request): an answer below 400 commits, anything else
  rolls back, so a failed ``TransactWriteItems`` leaves nothing behind without any copy of the
  table; the commit reaches the OS (WAL) before the answer is sent, and the disk too with
  ``NIMBUS_FSYNC=1`` (``synchronous=FULL``); checkpoints run in a thread of their own;
- a DynamoDB answer that is plain JSON skips moto's model-driven serializer (:func:`_serialized`),
  and a request without binary values its model-driven parser (:func:`_parse_parameters`).
- a table's DynamoDB Streams records are rows of the same database, written in the request's
  transaction (:mod:`nimbus_local.disk_stream`);
- items that moto changes in place (``UpdateItem``) are written back at the end of the request:
  every item read during a request is kept in an identity map with the bytes it was read as.

Only single-attribute key schemas (every Nimbus table and index) take the indexed path; anything
else falls back to moto's walk over ``DiskTable.all_items``.

This relies on moto internals (``Table``, ``Item``, ``DynamoType``, the response serializer): moto
is pinned exactly and ``tests/unit/test_local_storage.py`` replays the same operations against plain moto and
compares every answer.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from typing import TYPE_CHECKING, Any

from moto.core.responses import ActionResult, BaseResponse
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.responses import DynamoHandler

from nimbus_local import disk_stream
from nimbus_local.disk_table import STORE, DiskTable

if TYPE_CHECKING:
    from pathlib import Path

    from moto.dynamodb.models.table import Table

__all__ = ["DiskTable", "ItemStore", "commit", "install", "installed", "uninstall"]
_ORIGINAL_CREATE = DynamoDBBackend.create_table
_ORIGINAL_DELETE = DynamoDBBackend.delete_table
CHECKPOINT_SECONDS = 1.0


class ItemStore:
    """The SQLite database holding every item; one transaction per AWS request."""

    def __init__(self, path: Path, *, fsync: bool = False) -> None:
        self.path = path
        self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        # WAL with synchronous=NORMAL: a commit is in the OS before the answer (a killed process
        # loses nothing); FULL also fsyncs each commit (survives power loss, ~2x slower writes).
        self.conn.execute(f"PRAGMA synchronous={'FULL' if fsync else 'NORMAL'}")
        self.conn.execute("PRAGMA cache_size=-32768")  # 32 MiB page cache, whatever the data size
        # Checkpoints (copying the WAL into the database, with its fsync) run in a thread of their
        # own on a second connection, not inside whichever request happens to fill the WAL.
        self.conn.execute("PRAGMA wal_autocheckpoint=0")
        self.lock = threading.RLock()
        self.in_transaction = False
        self.touched: set[DiskTable] = set()
        self._closing = threading.Event()
        self._checkpointer = threading.Thread(target=self._checkpoint, name="item-store-checkpoint",
                                              daemon=True)
        self._checkpointer.start()

    def _checkpoint(self) -> None:
        conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        try:
            while not self._closing.wait(CHECKPOINT_SECONDS):
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:  # the next start checkpoints what is left
            pass
        finally:
            conn.close()

    def begin(self) -> None:
        with self.lock:
            if not self.in_transaction:
                self.conn.execute("BEGIN")
                self.in_transaction = True

    def end(self, ok: bool) -> None:
        """Write back items changed in place, then commit (``ok``) or roll back the request."""
        with self.lock:
            try:
                if ok:
                    for table in self.touched:
                        table.flush()
                if self.in_transaction:
                    self.conn.execute("COMMIT" if ok else "ROLLBACK")
            finally:
                self.in_transaction = False
                for table in self.touched:
                    table.forget()
                self.touched.clear()

    def close(self) -> None:
        self._closing.set()
        self._checkpointer.join(timeout=5)
        with self.lock:
            try:
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:  # busy: the next start checkpoints it
                pass
            self.conn.close()


def install(path: Path, *, fsync: bool = False) -> ItemStore:
    """Open the item store and make moto create (and restore) disk-backed tables from now on."""
    STORE[:] = [ItemStore(path, fsync=fsync)]  # one per process, as moto has one backend
    disk_stream.install()
    DynamoDBBackend.create_table = _create_table  # type: ignore[method-assign,assignment]
    DynamoDBBackend.delete_table = _delete_table  # type: ignore[method-assign]
    DynamoHandler.serialized = _serialized  # type: ignore[method-assign,assignment]
    DynamoHandler.parse_parameters = _parse_parameters  # type: ignore[method-assign,assignment]
    return STORE[0]


def uninstall() -> None:
    disk_stream.uninstall()
    DynamoDBBackend.create_table = _ORIGINAL_CREATE  # type: ignore[method-assign]
    DynamoDBBackend.delete_table = _ORIGINAL_DELETE  # type: ignore[method-assign]
    for patched in ("serialized", "parse_parameters"):
        if patched in DynamoHandler.__dict__:
            delattr(DynamoHandler, patched)
    if STORE:
        STORE.pop().close()


def _plain(value: Any) -> bool:
    """Whether ``value`` is JSON as it stands (no bytes, dates or other objects to convert)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, str | bool | int | float)


def _serialized(self: DynamoHandler, action_result: ActionResult) -> Any:
    """A DynamoDB answer that is plain JSON already, written as it is. moto's generic,
    model-driven serializer walks the API's shape model for every attribute value of every
    item: 60% of a 20-item ``BatchGetItem`` (measured with py-spy). Anything else (errors,
    binary values) still goes through it; ``tests/unit/test_local_storage.py`` compares every
    answer with plain moto's."""
    result = action_result.result
    if isinstance(result, dict) and _plain(result):
        headers = {"Content-Type": "application/x-amz-json-1.0", **self.response_headers}
        return 200, headers, json.dumps(result, separators=(",", ":"))
    return BaseResponse.serialized(self, action_result)


def _parse_parameters(self: DynamoHandler, request: Any) -> None:
    """A DynamoDB request body as it stands: the JSON protocol's only conversions are binary
    values (base64 → bytes) and timestamps, and DynamoDB requests carry no timestamps; a body that
    may hold binary attribute values goes through moto's model-driven parser (its shape walk was
    ~7% of a 100-statement xAPI batch)."""
    body = request.data or b"{}"
    if b'"B"' in body or b'"BS"' in body:
        BaseResponse.parse_parameters(self, request)
        return
    self.params = json.loads(body)


def installed() -> bool:
    return bool(STORE)


def commit() -> None:
    """Commit what was written outside a request (a start-up migration)."""
    if STORE:
        STORE[0].end(True)


def _create_table(self: DynamoDBBackend, name: str, **params: Any) -> Table:
    table = _ORIGINAL_CREATE(self, name, **params)
    return DiskTable.adopt(table)


def _delete_table(self: DynamoDBBackend, name: str) -> Table:
    table = _ORIGINAL_DELETE(self, name)
    if isinstance(table, DiskTable):
        table.drop()
    return table
