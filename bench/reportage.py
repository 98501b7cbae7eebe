"""Reportage: report time as registrations grow, and the consumer's throughput.

On the local stack's own storage (moto with items and stream records in SQLite, in-process on a
free port), so a Query costs what it reads, as on DynamoDB:

* **report time at 100k ÷ at 1k registrations** (goal ≤ 1.2: reports read the aggregates, never
  the registrations). The aggregates of each size are what the consumer would have written —
  ``chalicelib.reports.aggregates.contribution`` of every registration, summed per key (the
  property test proves the consumer's counters equal that sum) and written by the consumer's own
  ``store.apply_many``, because pushing 100,000 changes through the stream takes long here. Same key sets
  at both sizes (20 courses, 50 learners, 180 days): the overview with its course table, with its
  learner table, a course report and a learner report, 90 days; and the overview with its learner
  table when learners grow with registrations (200 at 1k, 2,000 at 100k: the table reads the 100
  busiest and counts the rest). Median of 21 calls, the two sizes taking turns call by call.
* **consumer events/s ÷ a bare read of the same records**: ``REPORTAGE_EVENTS`` (default 1,000)
  registrations written to the table; the bare read pages through the table's change stream as the
  event pump does (GetRecords, 100 at a time) and does nothing else; the consumer run is the event
  pump feeding ``registration_events`` (Powertools batch; the batch's changes read in one
  BatchGetItem and written in one TransactWriteItems per 100 items) until every event is counted.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.measure import save

if TYPE_CHECKING:
    from collections.abc import Callable

COURSES, LEARNERS, DAYS = 20, 50, 180
GROW_MIN_LEARNERS = 200  # learners growing with registrations: 200 at 1k, 2,000 at 100k
SIZES = (1_000, 100_000)
EVENTS = int(os.environ.get("REPORTAGE_EVENTS", "1000"))
TODAY = date(2026, 12, 1)


def _image(realm_id: str, n: int, rng: random.Random, learners: int = LEARNERS) -> dict[str, Any]:
    created = datetime(2026, 12, 1, 9, tzinfo=UTC) - timedelta(days=rng.randrange(DAYS))
    done = rng.random() < 0.6
    details: dict[str, Any] = {"courseTitle": f"Course {n % COURSES}"}
    if done:
        details["completedDate"] = (created + timedelta(days=rng.randrange(3))).isoformat()
    return {"pk": f"{realm_id}#REG#r{n}", "sk": "REG", "realm_id": realm_id, "registration_id": f"r{n}",
            "course_id": f"c{rng.randrange(COURSES)}", "learner": json.dumps({"id": f"l{rng.randrange(learners)}"}),
            "completion": "COMPLETED" if done else "INCOMPLETE",
            "success": rng.choice(["PASSED", "FAILED"]) if done else "UNKNOWN",
            "score_scaled": rng.randrange(101) if done else None, "total_seconds": rng.randrange(3600),
            "created": created.strftime("%Y-%m-%dT%H:%M:%S.%f+0000"), "details": json.dumps(details),
            "version": 1, "sandbox": False}


def _load_aggregates(realm_id: str, size: int, learners: int = LEARNERS) -> int:
    from chalicelib.reports.aggregates import contribution, memberships
    from chalicelib.store import aggregates as store

    rng = random.Random(size)
    summed: dict[tuple[str, str], dict[tuple[str, str, str], dict[str, float]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(float)))
    labels: dict[tuple[str, str], str] = {}
    for n in range(size):
        image = _image(realm_id, n, rng, learners)
        for (dimension, key, day), counters in contribution(image).items():
            for name, amount in counters.items():
                summed[(dimension, key)][(dimension, key, day)][name] += amount
        for dim, (key, label) in memberships(image).items():
            if dim in ("course", "learner"):
                labels[(dim, key)] = label
    # What the consumer leaves behind, written by the consumer's own code (store.apply_many): one
    # "change" per key holding the sum of its registrations' contributions.
    changes = [store.Change(f"bench-{realm_id}-{dim}-{key}", realm_id, {w: dict(c) for w, c in deltas.items()},
                            {(dim, key): labels[(dim, key)]} if (dim, key) in labels else {})
               for (dim, key), deltas in summed.items()]
    store.apply_many(changes)
    return sum(len(change.months()) for change in changes)


def _report_times(realms: dict[int, dict[str, str]], repeat: int = 21) -> dict[int, dict[str, float]]:
    """Median ms of each report at each size. The sizes take turns, call by call, so both see the
    same machine (it is shared: a run of one size after the other measures the load as much)."""
    from chalicelib.reports import queries

    first, last = (TODAY - timedelta(days=89)).isoformat(), TODAY.isoformat()
    reports: dict[str, Callable[[dict[str, str]], Any]] = {
        "overview+courses": lambda r: queries.report(r["fixed"], "all", "-", first, last, with_table="course"),
        "overview+learners": lambda r: queries.report(r["fixed"], "all", "-", first, last, with_table="learner"),
        "course": lambda r: queries.report(r["fixed"], "course", "c7", first, last),
        "learner": lambda r: queries.report(r["fixed"], "learner", "l42", first, last),
        "overview+learners, learners grow": lambda r: queries.report(r["grow"], "all", "-", first, last,
                                                                      with_table="learner"),
    }
    times: dict[int, dict[str, list[float]]] = {size: defaultdict(list) for size in realms}
    for turn in range(repeat + 1):
        for name, call in reports.items():
            for size, realm in realms.items():
                started = time.perf_counter()
                call(realm)
                if turn:  # the first turn warms up
                    times[size][name].append((time.perf_counter() - started) * 1000)
    return {size: {name: round(statistics.median(t), 2) for name, t in by_name.items()}
            for size, by_name in times.items()}


def _consumer(region: str) -> dict[str, float]:
    import boto3
    from boto3.dynamodb.types import TypeSerializer

    import app as app_module
    from chalicelib.reports import queries
    from nimbus_local.pump import EventPump

    realm_id, rng, serializer = "realm-events", random.Random(7), TypeSerializer()
    ddb = boto3.client("dynamodb", region_name=region)
    for n in range(EVENTS):
        image = {k: v for k, v in _image(realm_id, n, rng).items() if v is not None}
        ddb.put_item(TableName="nimbus-registrations", Item=serializer.serialize(image)["M"])
    pump = EventPump(app_module.app, app_module, region)
    pump.ensure_checkpoint_table()
    arn = ddb.describe_table(TableName="nimbus-registrations")["Table"]["LatestStreamArn"]
    shard = pump.changes.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    started, read, after = time.perf_counter(), 0, None
    while True:  # the bare read: what the pump's GetRecords loop costs, nothing applied
        where = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after} if after
                 else {"ShardIteratorType": "TRIM_HORIZON"})
        iterator = pump.changes.get_shard_iterator(StreamArn=arn, ShardId=shard, **where)["ShardIterator"]
        records = pump.changes.get_records(ShardIterator=iterator, Limit=100)["Records"]
        if not records:
            break
        read += len(records)
        after = records[-1]["dynamodb"]["SequenceNumber"]
    bare = read / (time.perf_counter() - started)
    source, handler = next((s, h) for s, h in pump.sources if s.name == "registration_events")
    started = time.perf_counter()
    while pump.poll_table(source, handler):
        pass
    consumer = EVENTS / (time.perf_counter() - started)
    counted = queries.report(realm_id, "all", "-", "2025-01-01", "2026-12-31")["totals"]["registrations"]
    assert counted == EVENTS, counted
    return {"events": EVENTS, "bare_read_per_s": round(bare, 1), "consumer_events_per_s": round(consumer, 1),
            "ratio": round(consumer / bare, 3)}


def main() -> None:
    from nimbus_local import aws as local
    from nimbus_local import bootstrap

    region = "us-east-1"
    with tempfile.TemporaryDirectory(prefix="nimbus-bench-reportage-") as home:
        store = local.install_storage(Path(home))
        server, _moto = local.start_server("127.0.0.1", 0, None, store)
        os.environ.update(AWS_ENDPOINT_URL=f"http://127.0.0.1:{server.server_port}", AWS_ACCESS_KEY_ID="local",
                          AWS_SECRET_ACCESS_KEY="local", AWS_DEFAULT_REGION=region)
        bootstrap.create_all(region)
        result: dict[str, Any] = {"reports_ms": {}, "aggregate_items": {}, "learners_grow": {}}
        realms = {size: {"fixed": f"realm-{size}", "grow": f"grow-{size}"} for size in SIZES}
        for size in SIZES:
            result["aggregate_items"][size] = _load_aggregates(realms[size]["fixed"], size)
            learners = max(GROW_MIN_LEARNERS, size // 50)
            result["learners_grow"][size] = {"learners": learners,
                                             "items": _load_aggregates(realms[size]["grow"], size, learners)}
        result["reports_ms"] = _report_times(realms)
        small, large = (result["reports_ms"][s] for s in SIZES)
        result["ratio_100k_over_1k"] = {name: round(large[name] / small[name], 3) for name in small}
        result["consumer"] = _consumer(region)
        server.shutdown()
    for line in (f"report ms at {SIZES[0]:,}: {result['reports_ms'][SIZES[0]]}",
                 f"report ms at {SIZES[1]:,}: {result['reports_ms'][SIZES[1]]}",
                 f"ratio 100k / 1k: {result['ratio_100k_over_1k']} (goal <= 1.2)",
                 f"consumer: {result['consumer']}"):
        print(line)  # noqa: T201
    save("reportage", result)


if __name__ == "__main__":
    main()
