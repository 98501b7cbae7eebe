"""``python -m nimbus_local``: the whole of Nimbus in one local process (``make run``).

Environment: ``NIMBUS_HOME`` (data, default ``.local/``), ``NIMBUS_PORT`` (web + API, default
8000), ``NIMBUS_AWS_PORT`` (moto, default 4566), ``NIMBUS_HOST`` (default 127.0.0.1). Port 0
picks a free port; the chosen ones are printed and written to ``$NIMBUS_HOME/credentials.json``.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SWITCH_INTERVAL = 0.0005  # seconds; see main()


def _prepare_environment(host: str, aws_port: int) -> None:
    os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{aws_port}"
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(var, "local")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.pop("AWS_PROFILE", None)


def _hold(home: Path) -> None:
    """One stack per NIMBUS_HOME: an exclusive lock on ``$NIMBUS_HOME/lock`` for the process's
    life (a snapshot writer it forked holds it too, so a restart waits for that to finish)."""
    import fcntl

    handle = open(home / "lock", "a")  # noqa: SIM115 - held until the process ends
    deadline = time.monotonic() + 30
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                sys.exit(f"Nimbus: another Nimbus is using {home} (its lock file is held)")
            time.sleep(0.1)
    _HELD.append(handle)


_HELD: list[object] = []


def _open_aws(home: Path, host: str, snapshot: Path) -> tuple[Any, Any, Any, bool]:
    """The local AWS on its port, with its state restored: the snapshot, then the journal."""
    from nimbus_local import aws, s3_disk
    from nimbus_local.journal import Journal

    fsync = os.environ.get("NIMBUS_FSYNC", "0") not in ("", "0", "false", "no")
    store = aws.install_storage(home, fsync=fsync)
    journal = Journal(home, fsync=fsync)
    moto_server, moto = aws.start_server(host, int(os.environ.get("NIMBUS_AWS_PORT", "4566")),
                                         journal, store)
    _prepare_environment(host, moto_server.server_port)
    from nimbus_local import transport

    transport.install(os.environ["AWS_ENDPOINT_URL"], moto)  # the app's own calls skip the socket
    generation = aws.restore(snapshot)
    replayed = moto.replay(generation or 0)
    # Object files left by a crash: listed in the background (the listing grows with content).
    live = s3_disk.live_files()
    threading.Thread(target=s3_disk.collect_garbage, args=(live, 60.0), name="s3-gc", daemon=True).start()
    return moto_server, moto, store, generation is not None or replayed > 0


def _home() -> Path:
    """``$NIMBUS_HOME`` (created), and the process settings that go with serving from it."""
    # One process serves every request: a thread back from a short GIL-free call (SQLite, a
    # socket, hashing, os.urandom in each botocore call) waits for the GIL up to the switch
    # interval while another thread computes. 0.5 ms instead of CPython's 5 ms keeps those
    # waits short (docs/performance.md, "The local stack under load").
    sys.setswitchinterval(SWITCH_INTERVAL)
    home = Path(os.environ.get("NIMBUS_HOME") or ROOT / ".local").resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("NIMBUS_OUTBOX", str(home / "outbox"))  # invitation emails as .eml files (issue 13)
    return home


def main() -> int:
    host = os.environ.get("NIMBUS_HOST", "127.0.0.1")
    home = _home()
    started = time.perf_counter()

    _hold(home)
    from nimbus_local import aws  # moto import is slow; keep it after argument handling

    snapshot = home / "state.pickle"
    moto_server, moto, store, restored = _open_aws(home, host, snapshot)
    aws_port = moto_server.server_port

    from nimbus_local import bootstrap, disk_stream, seed, warm, web

    region = os.environ["AWS_DEFAULT_REGION"]
    bootstrap.create_all(region)

    # The web server's port must be known before the app reads BASE_URL.
    server_port = int(os.environ.get("NIMBUS_PORT", "8000"))
    probe = web.NimbusHTTPServer((host, server_port), web.NimbusRequestHandler,
                                 bind_and_activate=True)
    server_port = probe.server_address[1]
    probe.server_close()
    os.environ.setdefault("BASE_URL", f"http://{host}:{server_port}")
    from chalicelib.config import settings

    settings.cache_clear()  # the bootstrap read the settings before BASE_URL was known (launch links use it)

    from chalice.config import Config

    import app as app_module  # noqa: PLC0415 - reads settings from the environment above
    from nimbus_local.pump import EventPump

    warm.pynamodb_clients()

    creds = seed.ensure(home, os.environ["BASE_URL"], aws_port)
    snapshotter = aws.Snapshotter(snapshot, moto)
    aws.save(snapshot, moto)
    aws.settle_heap()  # the restored state: out of every later collection
    snapshotter.start()
    pump = EventPump(app_module.app, app_module, region,
                     trim=lambda arn, shard, seq: aws.trim_stream(moto, arn, shard, seq),
                     read=lambda arn, shard, after, limit: aws.read_stream(moto, arn, shard, after, limit))
    disk_stream.CAPTURE.update(pump.capture_filters())
    if os.environ.get("NIMBUS_EVENT_PUMP", "on") != "off":  # off: inspect a home, consume nothing
        pump.start()
    dist = Path(os.environ.get("NIMBUS_FRONTEND_DIST") or ROOT / "frontend" / "dist")
    http = web.create_server(app_module.app, Config(chalice_stage="dev"), host, server_port, dist)
    threading.Thread(target=http.server.serve_forever, name="http", daemon=True).start()

    stop = threading.Event()

    def _shutdown(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _shutdown)
    signal.signal(signal.SIGINT, _shutdown)
    seed.announce(creds, home, restored, time.perf_counter() - started)
    stop.wait()
    print("Nimbus: stopping; saving state…", flush=True)
    stopping = time.perf_counter()
    pump.stop()
    with moto.lock:  # no request is half-way through the local AWS from here on
        http.server.socket.close()
    snapshotter.stop()
    with moto.lock:  # a request still running elsewhere finishes its transaction first
        store.close()
    print(f"Nimbus: stopped ({time.perf_counter() - stopping:.1f}s)", flush=True)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Everything is on disk: skip tearing down the heap object by object (seconds with a big
    # one) and the servers' polling loops; the threads left are daemons.
    os._exit(code)
