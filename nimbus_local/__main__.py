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

ROOT = Path(__file__).resolve().parent.parent


def _prepare_environment(host: str, aws_port: int) -> None:
    os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{aws_port}"
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(var, "local")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.pop("AWS_PROFILE", None)


def main() -> int:
    host = os.environ.get("NIMBUS_HOST", "127.0.0.1")
    home = Path(os.environ.get("NIMBUS_HOME") or ROOT / ".local").resolve()
    home.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    from nimbus_local import aws  # moto import is slow; keep it after argument handling

    snapshot, journal = home / "state.pickle", home / "journal.bin"
    moto_server, moto = aws.start_server(host, int(os.environ.get("NIMBUS_AWS_PORT", "4566")), journal)
    aws_port = moto_server.server_port
    _prepare_environment(host, aws_port)
    restored = aws.restore(snapshot)
    replayed = moto.replay(journal)
    restored = restored or replayed > 0

    from nimbus_local import bootstrap, seed

    region = os.environ["AWS_DEFAULT_REGION"]
    bootstrap.create_all(region)

    # The web server's port must be known before the app reads BASE_URL.
    from nimbus_local import web

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

    creds = seed.ensure(home, os.environ["BASE_URL"], aws_port)
    snapshotter = aws.Snapshotter(snapshot, moto)
    aws.save(snapshot, moto)
    snapshotter.start()
    pump = EventPump(app_module.app, app_module, region)
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
    pump.stop()
    http.server.shutdown()
    snapshotter.stop()
    moto_server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
