"""Every registration change reaches Reportage exactly once, whatever is killed when
(issue 15; docs/events.md): the change stream is written with the item, the pump's checkpoints
are durable, and Reportage applies each change once."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from tests.e2e.stack import LocalStack

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.e2e
REALM = "realm-durable"
BATCH = 100  # app.py: registration_events' batch size


def _ddb(stack: LocalStack) -> Any:
    return boto3.client("dynamodb", endpoint_url=stack.aws_endpoint, region_name="us-east-1",
                        aws_access_key_id="local", aws_secret_access_key="local")


def _write_completed(stack: LocalStack, numbers: range) -> None:
    """Registrations written completed and passed (as a commit leaves them), one write each, each
    of its own course (so a batch's changes take several aggregate transactions: a kill can fall
    between them)."""
    ddb = _ddb(stack)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+0000")
    for n in numbers:
        ddb.put_item(TableName="nimbus-registrations", Item={
            "pk": {"S": f"{REALM}#REG#r{n}"}, "sk": {"S": "REG"}, "realm_id": {"S": REALM},
            "registration_id": {"S": f"r{n}"}, "course_id": {"S": f"course{n}"}, "completion": {"S": "COMPLETED"},
            "success": {"S": "PASSED"}, "total_seconds": {"N": "60"}, "version": {"N": "1"},
            "created": {"S": now}, "updated": {"S": now}, "gsi1pk": {"S": f"{REALM}#REGS"},
            "gsi1sk": {"S": f"{now}#r{n}"}})


def _counted(stack: LocalStack) -> dict[str, int]:
    """The realm's Reportage counters (dimension ``all``), as the reports read them."""
    from chalicelib.store.aggregates import aggregate_pk, unpack

    items = _ddb(stack).query(TableName="nimbus-reports", KeyConditionExpression="pk = :p",
                              ExpressionAttributeValues={":p": {"S": aggregate_pk(REALM, "all", "-")}},
                              ConsistentRead=True)["Items"]
    totals = {"events": 0, "completions": 0, "passes": 0}
    for item in items:
        for counters in unpack(item).values():
            totals["events"] += int(counters.get("registrations", 0))
            totals["completions"] += int(counters.get("completions", 0))
            totals["passes"] += int(counters.get("passes", 0))
    return totals


def _checkpoint(stack: LocalStack) -> int | None:
    items = _ddb(stack).scan(TableName="nimbus-local-checkpoints")["Items"]
    mine = [int(i["sequence"]["S"]) for i in items if i["shard"]["S"].startswith("registration_events:")]
    return mine[0] if mine else None


def _until(check: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_kill_9_between_the_write_and_its_event_loses_nothing(fresh_home: Path) -> None:
    # The pump off: every write is acknowledged and none of its events handed over yet.
    first = LocalStack(home=fresh_home, env={"NIMBUS_EVENT_PUMP": "off"}).start()
    try:
        _write_completed(first, range(30))
    finally:
        first.kill_hard()
    second = LocalStack(home=fresh_home).start()
    try:
        _until(lambda: _counted(second)["events"] >= 30)
        time.sleep(1.5)  # three more pump polls: nothing more may arrive
        assert _counted(second) == {"events": 30, "completions": 30, "passes": 30}
    finally:
        second.stop()


def test_a_consumer_killed_mid_batch_counts_every_event_once(fresh_home: Path) -> None:
    total = 4 * BATCH
    first = LocalStack(home=fresh_home, env={"NIMBUS_EVENT_PUMP": "off"}).start()
    try:
        _write_completed(first, range(total))
    finally:
        first.stop()

    consuming = LocalStack(home=fresh_home).start()
    try:
        # Kill while a batch is half applied: 10..90 records into one of 100.
        applied = _until(lambda: (n := _counted(consuming)["events"]) and 10 <= n % BATCH <= 90 and n)
    finally:
        consuming.kill_hard()

    looking = LocalStack(home=fresh_home, env={"NIMBUS_EVENT_PUMP": "off"}).start()
    try:
        counted, checkpoint = _counted(looking)["events"], _checkpoint(looking)
    finally:
        looking.stop()
    assert counted >= applied
    # The killed batch was not checkpointed: records already counted will be delivered again.
    first_sequence = 1100000000017454423009
    behind = 0 if checkpoint is None else checkpoint - first_sequence + 1
    assert behind < counted < total, (behind, counted)

    resumed = LocalStack(home=fresh_home).start()
    try:
        _until(lambda: _counted(resumed)["events"] >= total)
        _until(lambda: (c := _checkpoint(resumed)) is not None and c - first_sequence + 1 == total)
        assert _counted(resumed) == {"events": total, "completions": total, "passes": total}
    finally:
        resumed.stop()
