"""moto as the local AWS: a serialized WSGI server on 127.0.0.1 and its snapshots.

moto 5 keeps state in memory and has no snapshot feature. We pickle the backends of the
services Nimbus uses (DynamoDB, S3, SQS, Kinesis) to ``$NIMBUS_HOME/state.pickle`` — written
to a temporary file, fsynced and renamed into place, at most once a second while something
changed and on shutdown — and restore them on start. A ``kill -9`` therefore loses at most
the writes of the last ~1 s (``SNAPSHOT_INTERVAL``). This relies on moto internals: moto is
pinned exactly and ``tests/unit/test_local_snapshot.py`` round-trips every service.
"""

from __future__ import annotations

import copyreg
import logging
import os
import pickle
import threading
import time
from typing import TYPE_CHECKING, Any

from moto.backends import get_backend
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

LOG = logging.getLogger("nimbus.local.aws")
SERVICES = ("dynamodb", "s3", "sqs", "kinesis")
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
    """moto's WSGI app with one lock around every request, so snapshots are consistent."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.dirty = False
        self._app = DomainDispatcherApplication(create_backend_app)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        reading = environ.get("REQUEST_METHOD") in ("GET", "HEAD") or target in READ_TARGETS
        with self.lock:
            if not reading:
                self.dirty = True
            # Materialise the body inside the lock: moto streams from live state.
            return [b"".join(self._app(environ, start_response))]


class QuietMotoRequestHandler(MotoRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Silenced: one line per AWS call would drown the app's own logs."""


def start_server(host: str, port: int) -> tuple[BaseWSGIServer, SerializedMoto]:
    """Start moto on ``host:port`` in a daemon thread (port 0 picks a free one)."""
    app = SerializedMoto()
    server = make_server(host, port, app, threaded=True, request_handler=QuietMotoRequestHandler)
    threading.Thread(target=server.serve_forever, name="moto", daemon=True).start()
    return server, app


def _state() -> dict[str, dict[str, dict[str, Any]]]:
    return {svc: {acct: dict(regions) for acct, regions in get_backend(svc).items()}  # type: ignore[call-overload]
            for svc in SERVICES}


def save(path: Path, moto: SerializedMoto) -> int:
    """Write a snapshot atomically; returns its size in bytes."""
    tmp = path.with_suffix(".tmp")
    with moto.lock:
        data = pickle.dumps(_state(), protocol=pickle.HIGHEST_PROTOCOL)
        moto.dirty = False
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    return len(data)


def restore(path: Path) -> bool:
    """Load a snapshot into moto's backends; False if there is none."""
    if not path.exists():
        return False
    state = pickle.loads(path.read_bytes())  # noqa: S301 - our own file under NIMBUS_HOME
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
