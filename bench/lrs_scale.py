"""The LRS's GET latency at 10 thousand and 1 million stored statements, on an indexed store.

``bench/lrs.py`` cannot show this: moto answers every DynamoDB ``Query`` by walking all items of
the table, so its latency grows with the table whatever the LRS asks for. Here the statements
table lives in dynalite (npm ``dynalite``, pinned in ``bench/dynalite/package.json``): an open
implementation of the DynamoDB API on LevelDB whose ``Query`` reads only the key range of the
queried partition, as DynamoDB does. Everything else (realm, app, LRS credentials) stays in moto,
and the requests go through the real LRS code: chalice's test client → auth → query planning →
``store.statements`` (pynamodb) → dynalite over HTTP on 127.0.0.1.

Each size in ``LRS_SCALE_SIZES`` (default ``10000,1000000``) gets its own dynalite store, loaded
with statements prepared by the LRS's own ``_prepare``, ``_index_keys`` and ``entry_keys`` (so each
is filed under exactly the index entries a POST would write) and written as the items ``put_statements`` writes,
with ``BatchWriteItem`` in parallel threads — dynalite has no ``TransactWriteItems``, and POSTing
a million statements one by one would take hours without measuring anything more. ``stored``
times are one millisecond apart. Once every store is loaded and LevelDB's compaction has settled,
the stores are measured in alternating rounds, so a busy machine slows every size alike: GET
/statements (limit 10) filtered by agent, verb, activity and registration, each answer checked
(the newest ten matches), with the DynamoDB items each query reads (``Query`` and
``BatchGetItem`` items returned).

LevelDB files go to a temporary directory (``LRS_SCALE_DIR`` to choose another place); a million
statements take about 3 GB there and most of an hour to load on 2 cores.
``python -m bench lrs_scale`` or ``make bench-lrs-scale`` (not part of ``python -m bench``).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.measure import save

if TYPE_CHECKING:
    from collections.abc import Iterator

SIZES = [int(n) for n in os.environ.get("LRS_SCALE_SIZES", "10000,1000000").split(",")]
DYNALITE = Path(__file__).resolve().parent / "dynalite" / "node_modules" / "dynalite" / "cli.js"
REGISTRATION = "7f0c8a4e-6a43-4b0e-9c55-3d1b0f6f2a10"
BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)
#: statement ``i`` matches the probe (statement 0) of each filter when ``i % EVERY[name] == 0``
EVERY = {"agent": 500, "verb": 20, "activity": 1000, "registration": 100}
THREADS = 4
CHUNK = 2000  # statements handed to one loader thread at a time


def statement(i: int) -> dict[str, Any]:
    """Statement ``i`` of the load: 500 learners, 20 verbs, 1,000 activities, and one in a
    hundred in the probed registration (the others each in their own)."""
    return {"id": str(uuid.UUID(int=i + 1)),
            "actor": {"mbox": f"mailto:learner{i % 500}@example.com", "objectType": "Agent"},
            "verb": {"id": f"http://example.com/verbs/v{i % 20}"},
            "object": {"id": f"http://example.com/activities/a{i % 1000}",
                       "objectType": "Activity"},
            "context": {"registration": REGISTRATION if i % 100 == 0 else str(uuid.UUID(int=i + 1
                                                                                  + 2**100))}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def dynalite(path: Path) -> Iterator[str]:
    """A dynalite server on a free loopback port storing its tables under ``path``."""
    if not DYNALITE.exists():
        raise SystemExit("dynalite is not installed: run `make bench-lrs-scale`")
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own pinned node package
        ["node", str(DYNALITE), "--host", "127.0.0.1", "--port", str(port), "--path", str(path),
         "--createTableMs", "0", "--deleteTableMs", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _statements_table(url: str) -> None:
    """The statements table exactly as ``infra/resources.json`` declares it, in dynalite."""
    import boto3
    from botocore.exceptions import ClientError

    from nimbus_local import bootstrap

    named = bootstrap.named_resources(bootstrap.load_template())
    name, resource = named["StatementsTable"]
    props = {k: v for k, v in resource["Properties"].items() if k in bootstrap.TABLE_KEYS}
    client = boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1")
    try:
        client.create_table(TableName=name, **props)
    except ClientError as err:
        if err.response["Error"]["Code"] != "ResourceInUseException":
            raise


def _load(endpoint: Any, start: int, stop: int) -> None:
    """Statements ``start``..``stop`` as the items a POST of each would write."""
    from chalicelib.lrs.statements import _index_keys, _prepare
    from chalicelib.store import statements as store

    statements: list[Any] = []
    entries: list[Any] = []
    for i in range(start, stop):
        stored = (BASE_TIME + timedelta(milliseconds=i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        prepared = _prepare(statement(i), endpoint, stored)
        keys = _index_keys(prepared, endpoint)
        statements.append(store.StatementItem(
            f"{endpoint.scope}#STMT#{prepared['id']}", "STMT", realm_id=endpoint.realm_id,
            statement_id=prepared["id"], body=json.dumps(prepared, separators=(",", ":")),
            stored=stored, voided=False, index_keys=keys))
        entries.extend(store.IndexEntryItem(store.index_pk(endpoint.scope, key),
                                            f"{stored}#{prepared['id']}",
                                            statement_id=prepared["id"]) for key in store.entry_keys(keys))
    with store.IndexEntryItem.batch_write() as batch:
        for entry in entries:
            batch.save(entry)
    with store.StatementItem.batch_write() as batch:
        for item in statements:
            batch.save(item)


def _fill(endpoint: Any, have: int, want: int) -> int:
    """Load statements ``have``..``want`` in parallel chunks; return ``want``."""
    chunks = [(s, min(s + CHUNK, want)) for s in range(have, want, CHUNK)]
    started = time.perf_counter()

    def load(chunk: tuple[int, int]) -> int:
        _load(endpoint, *chunk)
        return chunk[1]

    with ThreadPoolExecutor(THREADS) as pool:
        for done in pool.map(load, chunks):
            if done % 50_000 == 0:
                rate = (done - have) / (time.perf_counter() - started)
                print(f"  loaded {done:,} statements ({rate:.0f}/s)", flush=True)
    return want


ROUNDS = 6
CALLS = 8  # timed calls per query, store and round (after a warm-up call)


def _use(url: str) -> None:
    """Point the statements table's models at one dynalite store (every other table: moto)."""
    from chalicelib.store import statements as store

    for model in (store.StatementItem, store.IndexEntryItem):
        model.Meta.host = url
        model._connection = None  # noqa: SLF001 - pynamodb caches it per model


class ItemsRead:
    """Counts the items dynalite returns to ``Query`` and ``BatchGetItem`` calls."""

    def __init__(self) -> None:
        from chalicelib.store import statements as store

        self.items = 0
        self._clients = {id(m._get_connection().connection.client):  # noqa: SLF001
                         m._get_connection().connection.client  # noqa: SLF001
                         for m in (store.StatementItem, store.IndexEntryItem)}
        for client in self._clients.values():
            client.meta.events.register("after-call.dynamodb.*", self._count)

    def _count(self, parsed: dict[str, Any], **_: Any) -> None:
        self.items += len(parsed.get("Items", []))
        self.items += sum(len(found) for found in (parsed.get("Responses") or {}).values())

    def close(self) -> None:
        for client in self._clients.values():
            client.meta.events.unregister("after-call.dynamodb.*", self._count)


def _settle(path: Path, quiet: float = 20.0, longest: float = 600.0) -> None:
    """Wait until LevelDB stops rewriting files (compaction after the load) — at most ``longest``."""
    def snapshot() -> tuple[tuple[str, int], ...]:
        return tuple(sorted((f.name, f.stat().st_size) for f in path.rglob("*") if f.is_file()))

    deadline = time.monotonic() + longest
    last, since = snapshot(), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(2)
        now = snapshot()
        if now != last:
            last, since = now, time.monotonic()


def _setup() -> tuple[Any, dict[str, str], str]:
    from chalicelib import accounts
    from chalicelib.lrs import credentials
    from chalicelib.lrs.endpoint import Endpoint

    made = accounts.create_realm("Bench", "bench@example.com", "correct horse battery")
    cred = credentials.create_root(made.realm_id, "bench", "benchkey01", "benchsecret01")
    token = base64.b64encode(f"{cred.credential_id}:{cred.secret}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "2.0.0"}
    endpoint = Endpoint(made.realm_id, made.app.app_id, "2.0.0", cred.credential_id,
                        {"objectType": "Agent", "account": {"homePage": "https://nimbus",
                                                            "name": cred.credential_id}},
                        True, True, True)
    return endpoint, headers, f"/lrs/{made.app.app_id}/statements"


QUERIES = {
    "agent": {"agent": json.dumps({"mbox": statement(0)["actor"]["mbox"]})},
    "verb": {"verb": statement(0)["verb"]["id"]},
    "activity": {"activity": statement(0)["object"]["id"]},
    "registration": {"registration": REGISTRATION},
}


def run(stores: dict[int, tuple[str, Path]]) -> dict[str, Any]:
    """Load each store to its size, then measure them in alternating rounds."""
    from chalice.test import Client

    from app import app

    endpoint, headers, base = _setup()
    result: dict[str, Any] = {"sizes": {}, "store": "dynalite 4.0.0 (LevelDB)",
                              "rounds": ROUNDS, "calls_per_round": CALLS}
    for size, (url, folder) in stores.items():
        _use(url)
        _statements_table(url)
        started = time.perf_counter()
        _fill(endpoint, 0, size)
        _settle(folder)
        result["sizes"][str(size)] = {"load_seconds": round(time.perf_counter() - started, 1)}
        print(f"  {size:,} statements loaded", flush=True)
    times: dict[tuple[int, str], list[float]] = {(s, q): [] for s in stores for q in QUERIES}
    logging.getLogger("nimbus").setLevel(logging.WARNING)
    with Client(app) as client:
        for round_number in range(ROUNDS):
            order = list(stores) if round_number % 2 == 0 else list(stores)[::-1]
            for size in order:
                _use(stores[size][0])
                for name, params in QUERIES.items():
                    query = f"{base}?limit=10&" + "&".join(f"{k}={v}" for k, v in params.items())
                    counter = ItemsRead()
                    answer = client.http.get(query, headers=headers)
                    counter.close()
                    assert answer.status_code == 200, answer.body
                    found = [s["id"] for s in json.loads(answer.body)["statements"]]
                    matching = range(0, size, EVERY[name])  # the statements this filter selects
                    assert found == [statement(i)["id"] for i in matching[::-1][:10]], name
                    result["sizes"][str(size)][f"{name}_items_read"] = counter.items
                    for _ in range(CALLS):
                        started = time.perf_counter()
                        client.http.get(query, headers=headers)
                        times[(size, name)].append((time.perf_counter() - started) * 1000)
    for (size, name), samples in times.items():
        result["sizes"][str(size)][name] = statistics.median(samples)
    return result


def main() -> None:
    from moto import mock_aws

    from nimbus_local import bootstrap

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so the dynalite servers stop too
    for var in [v for v in os.environ if v.startswith("AWS_ENDPOINT_URL")]:
        del os.environ[var]
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                       "AWS_DEFAULT_REGION": "us-east-1"})
    root = Path(tempfile.mkdtemp(prefix="nimbus-lrs-scale-", dir=os.environ.get("LRS_SCALE_DIR")))
    try:
        with ExitStack() as servers, mock_aws():
            stores = {}
            for size in SIZES:
                path = root / str(size)
                path.mkdir()
                stores[size] = (servers.enter_context(dynalite(path)), path)
            bootstrap.create_all("us-east-1")
            result = run(stores)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    path = save("lrs_scale", result)
    print("| query | " + " | ".join(f"{s:,} stored (ms)" for s in SIZES)
          + f" | ratio {SIZES[-1]:,} / {SIZES[0]:,} | DynamoDB items read |")
    for name in QUERIES:
        values = [result["sizes"][str(s)][name] for s in SIZES]
        reads = [result["sizes"][str(s)][f"{name}_items_read"] for s in SIZES]
        print(f"| {name} | " + " | ".join(f"{v:.1f}" for v in values)
              + f" | {values[-1] / values[0]:.2f} | {reads} |")
    print(f"raw: {path}")
