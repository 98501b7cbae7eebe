"""moto as the local AWS: a serialized WSGI server on 127.0.0.1 and its snapshots.

moto 5 keeps state in memory and has no snapshot feature. We pickle the backends of the
services Nimbus uses (DynamoDB, S3, SQS, Kinesis) to ``$NIMBUS_HOME/state.pickle`` — written
to a temporary file, fsynced and renamed into place, at most once a second while something
changed and on shutdown — and restore them on start.

Between snapshots, every AWS call that changed something is appended to a journal
(``$NIMBUS_HOME/journal.bin``) and fsynced *before* moto's answer leaves the process; a start
restores the snapshot and replays the journal in order. So a ``kill -9`` loses no write that
was acknowledged: at most the one call in flight, which its caller never saw succeed. Each
snapshot is written under the same lock and then empties the journal. This relies on moto
internals: moto is pinned exactly and ``tests/unit/test_local_stack.py`` round-trips every
service and the journal.
"""

from __future__ import annotations

import copyreg
import io
import logging
import os
import pickle
import struct
import threading
import time
from typing import TYPE_CHECKING, Any

from moto.backends import get_backend
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.s3.models import s3_backends
from werkzeug.serving import BaseWSGIServer, make_server

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

LOG = logging.getLogger("nimbus.local.aws")
SERVICES = ("dynamodb", "s3", "sqs", "kinesis")
S3_BUCKET_ACCOUNTS = "s3:bucket_accounts"
SNAPSHOT_INTERVAL = 1.0
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
})

# SQS queues hold a threading.Condition, which cannot be pickled as such.
copyreg.pickle(threading.Condition, lambda _c: (threading.Condition, ()))  # type: ignore[arg-type]


class SerializedMoto:
    """moto's WSGI app with one lock around every request, so snapshots are consistent, and a
    journal of the changing requests since the last snapshot."""

    def __init__(self, journal: Path | None = None) -> None:
        self.lock = threading.RLock()
        self.dirty = False
        self._app = DomainDispatcherApplication(create_backend_app)
        self._journal = open(journal, "ab") if journal else None  # noqa: SIM115 - lives with the app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        reading = environ.get("REQUEST_METHOD") in ("GET", "HEAD") or target in READ_TARGETS
        if reading or self._journal is None:
            with self.lock:
                self.dirty |= not reading
                # Materialise the body inside the lock: moto streams from live state.
                return [b"".join(self._app(environ, start_response))]
        body = _read_body(environ)
        status: list[str] = []

        def capture(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(code)
            return start_response(code, headers, exc_info)

        with self.lock:
            self.dirty = True
            answer = b"".join(self._app(environ, capture))
            if status and int(status[0].split()[0]) < 400:
                self._append(environ, body)
        return [answer]

    def _append(self, environ: dict[str, Any], body: bytes) -> None:
        kept = {k: v for k, v in environ.items() if isinstance(v, str) and not k.startswith("wsgi.")}
        record = pickle.dumps((kept, body), protocol=pickle.HIGHEST_PROTOCOL)
        assert self._journal is not None  # noqa: S101 - only called with a journal
        self._journal.write(struct.pack(">I", len(record)) + record)
        self._journal.flush()
        os.fsync(self._journal.fileno())

    def clear_journal(self) -> None:
        """Empty the journal (call with the lock held, right after a snapshot is on disk)."""
        if self._journal is not None:
            self._journal.truncate(0)
            self._journal.flush()
            os.fsync(self._journal.fileno())

    def replay(self, journal: Path) -> int:
        """Apply the journal's requests in order (after :func:`restore`); returns how many."""
        count = 0
        for kept, body in _records(journal):
            environ = {**kept, "wsgi.input": io.BytesIO(body), "wsgi.errors": io.StringIO(),
                       "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.multithread": True,
                       "wsgi.multiprocess": False, "wsgi.run_once": False, "CONTENT_LENGTH": str(len(body))}
            with self.lock:
                b"".join(self._app(environ, lambda *_args: None))
                self.dirty = True
            count += 1
        return count


def _read_body(environ: dict[str, Any]) -> bytes:
    """Read the request body once and put it back for moto."""
    length = environ.get("CONTENT_LENGTH")
    stream = environ["wsgi.input"]
    body = stream.read(int(length)) if length else stream.read()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return bytes(body)


def _records(journal: Path) -> Iterable[tuple[dict[str, str], bytes]]:
    """The complete records of a journal; a torn last record (a crash mid-append) is ignored."""
    if not journal.exists():
        return
    data = journal.read_bytes()
    offset = 0
    while offset + 4 <= len(data):
        (size,) = struct.unpack(">I", data[offset:offset + 4])
        if offset + 4 + size > len(data):
            LOG.warning("ignoring a torn journal record at byte %d", offset)
            return
        yield pickle.loads(data[offset + 4:offset + 4 + size])  # noqa: S301 - our own file
        offset += 4 + size


class QuietMotoRequestHandler(MotoRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Silenced: one line per AWS call would drown the app's own logs."""


def start_server(host: str, port: int, journal: Path | None = None) -> tuple[BaseWSGIServer, SerializedMoto]:
    """Start moto on ``host:port`` in a daemon thread (port 0 picks a free one)."""
    app = SerializedMoto(journal)
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


def save(path: Path, moto: SerializedMoto) -> int:
    """Write a snapshot atomically, then empty the journal; returns the snapshot's size."""
    tmp = path.with_suffix(".tmp")
    with moto.lock:
        data = pickle.dumps(_state(), protocol=pickle.HIGHEST_PROTOCOL)
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
        moto.clear_journal()
        moto.dirty = False
    return len(data)


def restore(path: Path) -> bool:
    """Load a snapshot into moto's backends; False if there is none."""
    if not path.exists():
        return False
    state = pickle.loads(path.read_bytes())  # noqa: S301 - our own file under NIMBUS_HOME
    s3_backends.bucket_accounts.update(state.pop(S3_BUCKET_ACCOUNTS, {}))
    for svc, accounts in state.items():
        backend = get_backend(svc)  # type: ignore[call-overload]
        for acct, regions in accounts.items():
            target = backend[acct]
            for region, value in regions.items():
                dict.__setitem__(target, region, value)
    return True


class Snapshotter(threading.Thread):
    """Saves a snapshot every ``SNAPSHOT_INTERVAL`` seconds while moto's state is dirty."""

    def __init__(self, path: Path, moto: SerializedMoto) -> None:
        super().__init__(name="snapshotter", daemon=True)
        self.path, self.moto = path, moto
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(SNAPSHOT_INTERVAL):
            if self.moto.dirty:
                try:
                    save(self.path, self.moto)
                except Exception:  # keep trying; the next tick may succeed
                    LOG.exception("snapshot failed")

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)
        save(self.path, self.moto)
        time.sleep(0)
