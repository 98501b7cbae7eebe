"""moto as the local AWS: a serialized WSGI server on 127.0.0.1, its item store and snapshots.

Where the state lives (see README, "The local stack"):

- DynamoDB items: in SQLite (``$NIMBUS_HOME/dynamodb.sqlite``, :mod:`nimbus_local.dynamo_disk`),
  one transaction per request, committed before the answer leaves; a request answered
  with an error rolls back. Queries read only the partition and key range they ask for.
- S3 object bytes: one file per object under ``$NIMBUS_HOME/s3/`` (:mod:`nimbus_local.s3_disk`).
- Everything else moto holds (S3 keys and buckets, SQS, Kinesis, table definitions — small): in
  memory, pickled to ``$NIMBUS_HOME/state.pickle`` by a *forked child* (copy-on-write, as Redis'
  BGSAVE does), so the request lock is held only for the fork, whatever the data size; between
  snapshots the requests that changed it are in the journal (:mod:`nimbus_local.journal`).
  Commits and journal records reach the OS before the answer (a killed process loses nothing);
  ``NIMBUS_FSYNC=1`` also fsyncs them (a power loss loses nothing either).

So a ``kill -9`` loses no write that was acknowledged: at most the one call in flight, which its
caller never saw succeed. This relies on moto internals: moto is pinned exactly and
``tests/unit/test_local_stack.py`` and ``tests/unit/test_local_storage.py`` round-trip it.
"""

from __future__ import annotations

import copyreg
import gc
import hashlib
import io
import json
import logging
import os
import pickle
import re
import threading
import time
from typing import TYPE_CHECKING, Any

from moto.backends import get_backend
from moto.core.common_models import BaseModel
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.s3.models import s3_backends
from werkzeug.serving import BaseWSGIServer, make_server

from nimbus_local import disk_stream, dynamo_disk, fast_batch, moto_speed, s3_disk
from nimbus_local.journal import Journal

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

LOG = logging.getLogger("nimbus.local.aws")
SERVICES = ("dynamodb", "s3", "sqs", "kinesis")
S3_BUCKET_ACCOUNTS = "s3:bucket_accounts"
GENERATION = "journal:generation"
#: A snapshot is taken this often while something changed, or sooner when the journal is big.
SNAPSHOT_INTERVAL = 30.0
SNAPSHOT_JOURNAL_BYTES = 64 * 1024 * 1024
#: An object file is deleted only once this old (a key being written may not be in its bucket yet).
GARBAGE_MIN_AGE = 60.0
#: A request (or snapshot fork) holding the request lock this long is logged.
SLOW_SECONDS = 0.1
#: Requests that only read state: they do not mark the snapshot dirty.
READ_TARGETS = frozenset({
    "DynamoDB_20120810.GetItem", "DynamoDB_20120810.Query", "DynamoDB_20120810.Scan",
    "DynamoDB_20120810.BatchGetItem", "DynamoDB_20120810.DescribeTable",
    "DynamoDB_20120810.ListTables", "DynamoDB_20120810.TransactGetItems",
    "DynamoDB_20120810.DescribeTimeToLive",
    "Kinesis_20131202.GetRecords", "Kinesis_20131202.GetShardIterator",
    "Kinesis_20131202.ListShards", "Kinesis_20131202.DescribeStream",
    "Kinesis_20131202.DescribeStreamSummary", "AmazonSQS.GetQueueUrl",
    "AmazonSQS.GetQueueAttributes", "AmazonSQS.ReceiveMessage",
    # moto's shard iterators are throw-away (nimbus_local.disk_stream); the records are on disk
    "DynamoDBStreams_20120810.DescribeStream", "DynamoDBStreams_20120810.ListStreams",
    "DynamoDBStreams_20120810.GetShardIterator", "DynamoDBStreams_20120810.GetRecords",
})
#: DynamoDB requests whose writes go to the item store (durable there): never journaled.
ITEM_TARGETS = frozenset(f"DynamoDB_20120810.{name}" for name in (
    "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
    "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction"))

TRANSACT_WRITE = "DynamoDB_20120810.TransactWriteItems"
#: The service of a SigV4-signed request: ``Credential=KEY/DATE/REGION/SERVICE/aws4_request``.
_SIGNED_SERVICE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request")
#: How long DynamoDB remembers a ClientRequestToken (API Reference, TransactWriteItems).
TOKEN_SECONDS = 600.0

# SQS queues hold a threading.Condition, which cannot be pickled as such.
copyreg.pickle(threading.Condition, lambda _c: (threading.Condition, ()))  # type: ignore[arg-type]


def install_storage(home: Path, *, fsync: bool = False) -> dynamo_disk.ItemStore:
    """Items in SQLite and object bytes in files under ``home`` (before any snapshot is restored);
    ``fsync``: every acknowledged write also survives a power loss (``NIMBUS_FSYNC=1``)."""
    stop_instance_tracking()
    moto_speed.install()
    s3_disk.install(home / "s3")
    return dynamo_disk.install(home / "dynamodb.sqlite", fsync=fsync)


_TRACKING_NEW = BaseModel.__new__


def _untracked(cls: type, *_args: Any, **_kwargs: Any) -> Any:
    return object.__new__(cls)


def stop_instance_tracking() -> None:
    """moto appends every model object it ever makes (each DynamoDB item read, S3 key, SQS
    message, Kinesis record) to a class-level ``instances_tracked`` list, only so that its test
    mocks can reset them; a long-running server never resets, so that list is a leak that grew
    the stack by ~180 MB a minute under xAPI load. Objects are made untracked from now on."""
    BaseModel.__new__ = _untracked  # type: ignore[assignment,method-assign]
    for cls in _subclasses(BaseModel):
        tracked = getattr(cls, "instances_tracked", None)
        if isinstance(tracked, list):
            tracked.clear()


def resume_instance_tracking() -> None:
    """Undo :func:`stop_instance_tracking` (tests that go back to moto's mocks)."""
    BaseModel.__new__ = _TRACKING_NEW  # type: ignore[method-assign]


def _subclasses(cls: type) -> list[type]:
    found: list[type] = []
    subclasses: list[type] = cls.__subclasses__()
    for sub in subclasses:
        found += [sub, *_subclasses(sub)]
    return found


class SerializedMoto:
    """moto's WSGI app with one lock around every request (each a transaction of the item store),
    and a journal of the requests that changed the in-memory state since the last snapshot."""

    def __init__(self, journal: Journal | None = None, store: dynamo_disk.ItemStore | None = None) -> None:
        self.lock = threading.RLock()
        self.dirty = False
        self._app = DomainDispatcherApplication(create_backend_app)
        self.journal = journal
        self.store = store
        self._apps: dict[tuple[str, str], Callable[..., Any]] = {}
        #: ClientRequestToken → (digest of the request, status, headers, answer, when)
        self.tokens: dict[str, tuple[str, str, list[Any], bytes, float]] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target == TRANSACT_WRITE:
            return self._idempotent(environ, start_response)
        if target == fast_batch.TARGET and self.store is not None:
            served = self._batch_write(environ, self.store)
            if served is not None:
                start_response(served[0], served[1])
                return [served[2]]
        return self._serve(environ, start_response)

    def _batch_write(self, environ: dict[str, Any],
                     store: dynamo_disk.ItemStore) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """A plain ``BatchWriteItem`` (``nimbus_local.fast_batch``), committed; None: rolled back,
        for moto to serve."""
        body = _read_body(environ)
        with self.lock:
            held = time.perf_counter()
            served = None
            try:
                served = fast_batch.serve(environ, body)
            finally:
                store.end(served is not None)  # nothing half-written stays for moto's turn
            _report_slow("request", held, fast_batch.TARGET, len(body))
        return served

    def _serve(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if "HTTP_RANGE" in environ:
            with self.lock:
                ranged = s3_disk.ranged_get(environ)
            if ranged is not None:
                start_response(ranged[0], ranged[1])
                return [ranged[2]]
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        reading = environ.get("REQUEST_METHOD") in ("GET", "HEAD") or target in READ_TARGETS
        in_memory_change = not reading and target not in ITEM_TARGETS  # items commit to SQLite
        journaled = self.journal is not None and in_memory_change
        body = _read_body(environ) if journaled else b""
        record = Journal.encode(environ, body) if journaled else b""
        status: list[str] = []

        def capture(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(code)
            return start_response(code, headers, exc_info)

        with self.lock:
            held = time.perf_counter()
            ok = False
            try:
                # Materialise the body inside the lock: moto streams from live state.
                answer = b"".join(self._backend_app(environ)(environ, capture))
                ok = bool(status) and int(status[0].split()[0]) < 400
            finally:
                if self.store is not None:
                    self.store.end(ok)  # commit or roll back before anyone sees the answer
            self.dirty |= in_memory_change
            if journaled and ok:
                assert self.journal is not None  # noqa: S101 - for the type checker
                self.journal.append(record)
            _report_slow("request", held, target or f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}",
                         len(answer) + len(body))
        return [answer]

    def _idempotent(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """``TransactWriteItems`` with a ``ClientRequestToken`` as DynamoDB runs it (moto ignores
        the token): a repeat within ten minutes gets the first call's answer without running
        again; the same token with other parameters is refused."""
        body = _read_body(environ)
        try:
            request = json.loads(body)
        except ValueError:
            request = {}
        token = request.pop("ClientRequestToken", None) if isinstance(request, dict) else None
        if not token:
            return self._serve(environ, start_response)
        digest = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()
        with self.lock:
            now = time.monotonic()
            while self.tokens:  # oldest first (insertion order): drop the expired ones only
                oldest = next(iter(self.tokens))
                if now - self.tokens[oldest][4] < TOKEN_SECONDS:
                    break
                del self.tokens[oldest]
            seen = self.tokens.get(token)
            if seen is not None and seen[0] != digest:
                start_response("400 Bad Request", [("Content-Type", "application/x-amz-json-1.0")])
                return [json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#"
                                    "IdempotentParameterMismatchException",
                                    "message": "ClientRequestToken was used with other parameters"}).encode()]
            if seen is not None:
                start_response(seen[1], seen[2])
                return [seen[3]]
            captured: list[Any] = []

            def capture(code: str, headers: Any, exc_info: Any = None) -> Any:
                captured[:] = [code, list(headers)]
                return start_response(code, headers, exc_info)

            answer = b"".join(self._serve(environ, capture))
            if captured and int(captured[0].split()[0]) < 400:
                self.tokens[token] = (digest, captured[0], captured[1], answer, now)
        return [answer]

    def _backend_app(self, environ: dict[str, Any]) -> Callable[..., Any]:
        """The moto service app for a request: moto works it out from host, path, headers and
        body on every call (walking its list of services); a signed request's service and
        target prefix decide it, so that answer is remembered."""
        scope = _SIGNED_SERVICE.search(environ.get("HTTP_AUTHORIZATION", ""))
        if scope is None or environ.get("PATH_INFO", "").startswith("/moto-api"):
            return self._app.get_application(environ)
        key = (scope.group(1), environ.get("HTTP_X_AMZ_TARGET", "").split(".")[0])
        app = self._apps.get(key)
        if app is None:
            app = self._apps[key] = self._app.get_application(environ)
        return app

    def replay(self, generation: int) -> int:
        """Apply the journal's requests newer than ``generation`` in order (after :func:`restore`)."""
        if self.journal is None:
            return 0
        count = 0
        for kept, body in self.journal.after(generation):
            environ = {**kept, "wsgi.input": io.BytesIO(body), "wsgi.errors": io.StringIO(),
                       "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.multithread": True,
                       "wsgi.multiprocess": False, "wsgi.run_once": False, "CONTENT_LENGTH": str(len(body))}
            with self.lock:
                try:
                    b"".join(self._app(environ, lambda *_args: None))
                finally:
                    if self.store is not None:
                        self.store.end(True)
                self.dirty = True
            count += 1
        return count


def _report_slow(what: str, since: float, name: str, size: int) -> None:
    """Log what held the local AWS's request lock longer than ``SLOW_SECONDS`` (every other
    request waited that long)."""
    held = time.perf_counter() - since
    if held >= SLOW_SECONDS:
        LOG.warning("local AWS lock held %.0f ms by %s %s (%d bytes)", held * 1000, what, name, size)


def _read_body(environ: dict[str, Any]) -> bytes:
    """Read the request body once and put it back for moto."""
    length = environ.get("CONTENT_LENGTH")
    stream = environ["wsgi.input"]
    body = stream.read(int(length)) if length else stream.read()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return bytes(body)


class QuietMotoRequestHandler(MotoRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Silenced: one line per AWS call would drown the app's own logs."""


def start_server(host: str, port: int, journal: Journal | None = None,
                 store: dynamo_disk.ItemStore | None = None) -> tuple[BaseWSGIServer, SerializedMoto]:
    """Start moto on ``host:port`` in a daemon thread (port 0 picks a free one)."""
    app = SerializedMoto(journal, store)
    server = make_server(host, port, app, threaded=True, request_handler=QuietMotoRequestHandler)
    threading.Thread(target=server.serve_forever, name="moto", daemon=True).start()
    return server, app


def _state() -> dict[str, Any]:
    state: dict[str, Any] = {
        svc: {acct: dict(regions) for acct, regions in get_backend(svc).items()}  # type: ignore[call-overload]
        for svc in SERVICES}
    # S3 keeps its bucket → account map on the backend dict itself; without it a restored
    # bucket is unknown to CreateBucket, which would replace it with an empty one.
    state[S3_BUCKET_ACCOUNTS] = dict(s3_backends.bucket_accounts)
    return state


def _write_snapshot(path: Path, generation: int, *, sync: bool) -> None:
    state = _state()
    state[GENERATION] = generation
    data = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    if sync:  # NIMBUS_FSYNC: object files and item store on disk before the journal goes
        os.sync()
    tmp.replace(path)


def save(path: Path, moto: SerializedMoto) -> int:
    """Write a snapshot atomically and drop the journal it covers; returns the snapshot's size.

    The request lock is held only while the journal rotates and the process forks: the child
    pickles its copy-on-write view of the state and writes it while the parent goes on serving.
    """
    with moto.lock:
        held = time.perf_counter()
        generation = moto.journal.rotate() if moto.journal else 0
        moto.dirty = False
        pid = os.fork()
        if pid == 0:  # the child: write and leave, touching nothing the parent owns
            code = 1
            try:
                gc.disable()
                _write_snapshot(path, generation, sync=bool(moto.journal and moto.journal.fsync))
                code = 0
            finally:
                os._exit(code)
        _report_slow("snapshot fork", held, f"generation {generation}", 0)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        moto.dirty = True
        raise RuntimeError(f"the snapshot writer failed (status {status}); the journal is kept")
    if moto.journal:
        moto.journal.drop_through(generation)
    with moto.lock:
        live = s3_disk.live_files()
    s3_disk.collect_garbage(live, min_age=GARBAGE_MIN_AGE)
    return path.stat().st_size


def restore(path: Path) -> int | None:
    """Load a snapshot into moto's backends; the journal generation it covers, None if none."""
    if not path.exists():
        return None
    state = pickle.loads(path.read_bytes())  # noqa: S301 - our own file under NIMBUS_HOME
    generation = int(state.pop(GENERATION, 0))
    s3_backends.bucket_accounts.update(state.pop(S3_BUCKET_ACCOUNTS, {}))
    for svc, accounts in state.items():
        backend = get_backend(svc)  # type: ignore[call-overload]
        for acct, regions in accounts.items():
            target = backend[acct]
            for region, value in regions.items():
                dict.__setitem__(target, region, value)
    _adopt_tables()
    return generation


def _adopt_tables() -> None:
    """Tables of a snapshot written before items moved to SQLite: move their items there."""
    if not dynamo_disk.installed():
        return
    for regions in get_backend("dynamodb").values():  # type: ignore[call-overload]
        for backend in regions.values():
            for name, table in list(backend.tables.items()):
                if not isinstance(table, dynamo_disk.DiskTable):
                    backend.tables[name] = dynamo_disk.DiskTable.adopt(table)
    dynamo_disk.commit()


def trim_stream(moto: SerializedMoto, stream_arn: str, shard_id: str, through: str) -> int:
    """:func:`trim_kinesis`, or for a DynamoDB stream ARN the table's change log on disk."""
    if ":dynamodb:" not in stream_arn:
        return trim_kinesis(moto, stream_arn, shard_id, through)
    table_name = stream_arn.split(":table/", 1)[1].split("/stream/", 1)[0]
    with moto.lock:
        for regions in get_backend("dynamodb").values():  # type: ignore[call-overload]
            for backend in regions.values():
                table = backend.tables.get(table_name)
                if table is not None:
                    return disk_stream.trim(table, through)
    return 0


def read_stream(moto: SerializedMoto, stream_arn: str, shard_id: str, after: str | None,
                limit: int) -> list[dict[str, Any]] | None:
    """The change records of a table's stream after sequence number ``after`` (from the oldest
    kept when None), at most ``limit``, read from the change log on disk — what ``GetRecords``
    answers, without a request through moto and botocore for each (under the xAPI load the event
    pump spent a third of its time serialising and parsing records it then skipped). None if the
    stream is not a disk log here (the pump then asks the API)."""
    table_name = stream_arn.split(":table/", 1)[1].split("/stream/", 1)[0] if ":table/" in stream_arn else ""
    with moto.lock:  # records of a request still running are not committed yet
        for regions in get_backend("dynamodb").values():  # type: ignore[call-overload]
            for backend in regions.values():
                table = backend.tables.get(table_name)
                shard = getattr(table, "stream_shard", None)
                if isinstance(shard, disk_stream.DiskStreamShard) and shard.id == shard_id:
                    start = int(after) + 1 if after else shard.starting_sequence_number
                    return shard.get(start, limit)
    return None


def trim_kinesis(moto: SerializedMoto, stream_arn: str, shard_id: str, through: str) -> int:
    """Forget a shard's records up to the checkpoint ``through`` (every consumer is past them),
    as Kinesis' retention would: memory stays flat however many events went by."""
    with moto.lock:
        for regions in get_backend("kinesis").values():  # type: ignore[call-overload]
            for backend in regions.values():
                for stream in backend.streams.values():
                    if stream.arn != stream_arn or shard_id not in stream.shards:
                        continue
                    records = stream.shards[shard_id].records
                    old = [number for number in records if number <= int(through)]
                    for number in old:
                        del records[number]
                    return len(old)
    return 0


def settle_heap() -> None:
    """Collect what is new since the last call, then freeze the rest out of the cyclic GC.

    moto holds a Python object graph per S3 key (about 40 objects each): with tens of thousands
    of course files, each full collection, which CPython runs whenever the heap grew by a
    quarter, walks millions of objects while holding the GIL — every request stalls for
    seconds (measured: 7.8 s while 2 GB of courses were imported). Frozen objects are skipped
    by collections; they are still freed by reference counting when deleted."""
    gc.collect()
    gc.freeze()


class Snapshotter(threading.Thread):
    """Saves a snapshot while moto's state is dirty: every ``SNAPSHOT_INTERVAL`` seconds, or as
    soon as the journal passes ``SNAPSHOT_JOURNAL_BYTES``."""

    def __init__(self, path: Path, moto: SerializedMoto) -> None:
        super().__init__(name="snapshotter", daemon=True)
        self.path, self.moto = path, moto
        self.stopping = threading.Event()
        self.last = time.monotonic()

    def due(self) -> bool:
        journal = self.moto.journal.size if self.moto.journal else 0
        return self.moto.dirty and (journal >= SNAPSHOT_JOURNAL_BYTES
                                    or time.monotonic() - self.last >= SNAPSHOT_INTERVAL)

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            if self.due():
                try:
                    save(self.path, self.moto)
                except Exception:  # keep trying; the next tick may succeed
                    LOG.exception("snapshot failed")
                self.last = time.monotonic()
                settle_heap()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=30)
        if self.moto.dirty:
            save(self.path, self.moto)
