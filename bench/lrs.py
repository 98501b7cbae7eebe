"""The LRS: statements stored per second, and GET latency as the store grows.

In-process (moto ``mock_aws`` + chalice's test client, no HTTP), so the numbers show what the
LRS code and its DynamoDB access cost, not the network:

* POST /statements with 1 statement and with 100 statements per request (statements/s). The
  100-statement figure is taken while the table is small: moto deep-copies the whole table for
  each item of a ``TransactWriteItems``, a cost DynamoDB does not have;
* GET /statements filtered by agent, verb, activity and registration (ms per query, limit 10)
  after the store holds each size in ``LRS_BENCH_SIZES`` (default ``10000``; add ``1000000``
  for the large run — loading it takes a long time on moto). Indexed queries should cost the
  same at every size: the ratio column compares each size with the first.
* DynamoDB writes per statement: the statement item plus one index entry per query path it
  answers to (counted from what was written).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import statistics
import time
import uuid
from typing import Any

from bench.measure import save

SIZES = [int(n) for n in os.environ.get("LRS_BENCH_SIZES", "10000").split(",")]


def _statement(i: int, registration: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()),
            "actor": {"mbox": f"mailto:learner{i % 500}@example.com"},
            "verb": {"id": f"http://example.com/verbs/v{i % 20}"},
            "object": {"id": f"http://example.com/activities/a{i % 1000}"},
            "context": {"registration": registration if i % 100 == 0 else str(uuid.uuid4())}}


def _ms(call: Any, repeat: int = 30) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


class ReadCounter:
    """Counts the DynamoDB items the LRS reads (index entries + statements) per query.

    moto answers a Query by walking every item of the table, so its latency grows with the
    table; DynamoDB reads only the partition. What the LRS asks for is what should not grow.
    """

    def __init__(self) -> None:
        from chalicelib.store import statements as store

        self.items = 0
        self._store, self._query, self._get = store, store.query_index, store.get_statements
        store.query_index = self._count_query  # type: ignore[assignment]
        store.get_statements = self._count_get  # type: ignore[assignment]

    def restore(self) -> None:
        self._store.query_index = self._query  # type: ignore[assignment]
        self._store.get_statements = self._get  # type: ignore[assignment]

    def _count_query(self, *args: Any, **kwargs: Any) -> Any:
        for entry in self._query(*args, **kwargs):
            self.items += 1
            yield entry

    def _count_get(self, scope: str, ids: Any) -> Any:
        ids = list(ids)
        self.items += len(ids)
        return self._get(scope, ids)


def run() -> dict[str, Any]:  # noqa: PLR0914 - one linear measurement script
    from chalice.test import Client

    from app import app
    from chalicelib import accounts
    from chalicelib.lrs import credentials

    made = accounts.create_realm("Bench", "bench@example.com", "correct horse battery")
    cred = credentials.create_root(made.realm_id, "bench", "benchkey01", "benchsecret01")
    token = base64.b64encode(f"{cred.credential_id}:{cred.secret}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "2.0.0",
               "Content-Type": "application/json"}
    base = f"/lrs/{made.app.app_id}/statements"
    registration = str(uuid.uuid4())
    result: dict[str, Any] = {"sizes": {}}
    logging.getLogger("nimbus").setLevel(logging.WARNING)  # one access-log line per call otherwise
    with Client(app) as client:
        def post(batch: list[dict[str, Any]]) -> None:
            response = client.http.post(base, headers=headers, body=json.dumps(batch))
            assert response.status_code == 200, response.body

        started = time.perf_counter()
        for i in range(200):
            post([_statement(i, registration)])
        result["single_per_second"] = 200 / (time.perf_counter() - started)
        started = time.perf_counter()
        for start in range(200, 700, 100):  # measured while the table is small: see below
            post([_statement(i, registration) for i in range(start, start + 100)])
        result["batch100_per_second"] = 500 / (time.perf_counter() - started)
        probe = _statement(0, registration)
        stored = 700
        queries = {
            "agent": {"agent": json.dumps(probe["actor"])},
            "verb": {"verb": probe["verb"]["id"]},
            "activity": {"activity": probe["object"]["id"]},
            "registration": {"registration": registration},
        }
        for size in SIZES:
            while stored < size:  # filled one statement per request: moto copies the whole
                post([_statement(stored, registration)])  # table per transaction item
                stored += 1
            row: dict[str, float] = {}
            for name, params in queries.items():
                query = "&".join(f"{k}={v}" for k, v in params.items())
                url = f"{base}?limit=10&{query}"
                row[name] = _ms(lambda u=url: client.http.get(u, headers=headers))
                counter = ReadCounter()
                client.http.get(url, headers=headers)
                row[f"{name}_items_read"] = counter.items
                counter.restore()
            result["sizes"][str(size)] = row
    sample = {"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://e.com/v"},
              "object": {"id": "http://e.com/a"}, "context": {"registration": registration}}
    from chalicelib.lrs.endpoint import Endpoint
    from chalicelib.lrs.statements import _index_keys
    from chalicelib.store.statements import entry_keys

    endpoint = Endpoint("r", "l", "2.0.0", "k", {}, True, True, True)
    result["writes_per_statement"] = 1 + len(entry_keys(_index_keys(sample, endpoint)))
    return result


def main() -> None:
    from moto import mock_aws

    from nimbus_local import bootstrap

    for var in [v for v in os.environ if v.startswith("AWS_ENDPOINT_URL")]:
        del os.environ[var]
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                       "AWS_DEFAULT_REGION": "us-east-1"})
    with mock_aws():
        bootstrap.create_all("us-east-1")
        result = run()
    path = save("lrs", result)
    first = result["sizes"][str(SIZES[0])]
    print(f"POST 1 statement/request: {result['single_per_second']:.0f} statements/s")
    print(f"POST 100 statements/request: {result['batch100_per_second']:.0f} statements/s")
    print(f"DynamoDB writes per statement: {result['writes_per_statement']}")
    print("| query | " + " | ".join(f"{s:,} stored (ms)" for s in SIZES) + " | ratio |")
    for name in [n for n in first if not n.endswith("_items_read")]:
        values = [result["sizes"][str(s)][name] for s in SIZES]
        reads = [result["sizes"][str(s)][f"{name}_items_read"] for s in SIZES]
        print(f"| {name} | " + " | ".join(f"{v:.1f}" for v in values)
              + f" | {values[-1] / values[0]:.2f} | items read: {reads} |")
    print(f"raw: {path}")
