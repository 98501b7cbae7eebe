"""The LRS's GET latency at 10 thousand and 1 million stored statements, on an indexed store.

``bench/lrs.py`` cannot show this: moto answers every DynamoDB ``Query`` by walking all items of
the table, so its latency grows with the table whatever the LRS asks for. Here the statements
table lives in dynalite (npm ``dynalite``, pinned in ``bench/dynalite/package.json``): an open
implementation of the DynamoDB API on LevelDB whose ``Query`` reads only the key range of the
queried partition, as DynamoDB does. Everything else (realm, app, LRS credentials) stays in moto,
and the requests go through the real LRS code: chalice's test client → auth → query planning →
``store.statements`` (pynamodb) → dynalite over HTTP on 127.0.0.1.

Loading: statements are prepared by the LRS's own ``_prepare`` and ``_index_keys`` (so each is
filed under exactly the index entries a POST would write) and written as the same items
``put_statements`` writes, with ``BatchWriteItem`` in parallel threads — dynalite has no
``TransactWriteItems``, and POSTing a million statements one by one would take hours without
measuring anything more. ``stored`` times are spread one millisecond apart.

At each size in ``LRS_SCALE_SIZES`` (default ``10000,1000000``) it times GET /statements
(limit 10, median of 30) filtered by agent, verb, activity and registration, checks that each
answers the newest ten matches, and counts the DynamoDB items each query reads. dynalite's
LevelDB files go to a temporary directory (``LRS_SCALE_DIR`` to choose another place; it is
emptied first); a million statements take about 3 GB there and most of an hour to load here.

``python -m bench lrs_scale`` (not part of the default ``python -m bench``).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.lrs import ReadCounter
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
                                            statement_id=prepared["id"]) for key in keys)
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


def _ms(call: Any, repeat: int = 30) -> float:
    for _ in range(3):
        call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(url: str) -> dict[str, Any]:  # noqa: PLR0914 - one linear measurement script
    from chalice.test import Client

    from app import app
    from chalicelib import accounts
    from chalicelib.lrs import credentials
    from chalicelib.lrs.endpoint import Endpoint
    from chalicelib.store import statements as store

    for model in (store.StatementItem, store.IndexEntryItem):
        model.Meta.host = url  # the statements table is dynalite's; every other table moto's
    _statements_table(url)
    made = accounts.create_realm("Bench", "bench@example.com", "correct horse battery")
    cred = credentials.create_root(made.realm_id, "bench", "benchkey01", "benchsecret01")
    token = base64.b64encode(f"{cred.credential_id}:{cred.secret}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "2.0.0"}
    base = f"/lrs/{made.app.app_id}/statements"
    endpoint = Endpoint(made.realm_id, made.app.app_id, "2.0.0", cred.credential_id,
                        {"objectType": "Agent", "account": {"homePage": "https://nimbus",
                                                            "name": cred.credential_id}},
                        True, True, True)
    probe = statement(0)
    queries = {
        "agent": {"agent": json.dumps({"mbox": probe["actor"]["mbox"]})},
        "verb": {"verb": probe["verb"]["id"]},
        "activity": {"activity": probe["object"]["id"]},
        "registration": {"registration": REGISTRATION},
    }
    result: dict[str, Any] = {"sizes": {}, "store": "dynalite 4.0.0 (LevelDB)"}
    logging.getLogger("nimbus").setLevel(logging.WARNING)
    stored = 0
    with Client(app) as client:
        for size in SIZES:
            started = time.perf_counter()
            stored = _fill(endpoint, stored, size)
            row: dict[str, Any] = {"load_seconds": round(time.perf_counter() - started, 1)}
            for name, params in queries.items():
                query = "&".join(f"{k}={v}" for k, v in params.items())
                url_path = f"{base}?limit=10&{query}"
                answer = client.http.get(url_path, headers=headers)
                assert answer.status_code == 200, answer.body
                found = json.loads(answer.body)["statements"]
                matching = range(0, size, EVERY[name])  # the statements this filter selects
                assert [s["id"] for s in found] == [statement(i)["id"] for i in
                                                    matching[::-1][:10]], f"{name}: wrong answer"
                row[name] = _ms(lambda u=url_path: client.http.get(u, headers=headers))
                counter = ReadCounter()
                client.http.get(url_path, headers=headers)
                row[f"{name}_items_read"] = counter.items
                counter.restore()
            result["sizes"][str(size)] = row
            print(f"  {size:,} statements: " + ", ".join(
                f"{n} {row[n]:.1f} ms" for n in queries), flush=True)
    return result


def main() -> None:
    from moto import mock_aws

    from nimbus_local import bootstrap

    for var in [v for v in os.environ if v.startswith("AWS_ENDPOINT_URL")]:
        del os.environ[var]
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                       "AWS_DEFAULT_REGION": "us-east-1"})
    kept = os.environ.get("LRS_SCALE_DIR")
    data = Path(kept) if kept else Path(tempfile.mkdtemp(prefix="nimbus-lrs-scale-"))
    if kept:
        shutil.rmtree(data, ignore_errors=True)  # a fresh table: sizes are counted from zero
    data.mkdir(parents=True, exist_ok=True)
    try:
        with dynalite(data) as url, mock_aws():
            bootstrap.create_all("us-east-1")
            result = run(url)
    finally:
        if not kept:
            shutil.rmtree(data, ignore_errors=True)
    path = save("lrs_scale", result)
    print("| query | " + " | ".join(f"{s:,} stored (ms)" for s in SIZES)
          + f" | ratio {SIZES[-1]:,} / {SIZES[0]:,} | items read |")
    first = result["sizes"][str(SIZES[0])]
    for name in [n for n in first if n in ("agent", "verb", "activity", "registration")]:
        values = [result["sizes"][str(s)][name] for s in SIZES]
        reads = [result["sizes"][str(s)][f"{name}_items_read"] for s in SIZES]
        print(f"| {name} | " + " | ".join(f"{v:.1f}" for v in values)
              + f" | {values[-1] / values[0]:.2f} | {reads} |")
    print(f"raw: {path}")
