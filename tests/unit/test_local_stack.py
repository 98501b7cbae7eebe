"""The local stack's moving parts in-process: snapshots of moto's state and the event pump."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import boto3

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import RealmCredentials

REGION = "us-east-1"


def test_snapshot_round_trips_every_service(aws: dict[str, str], tmp_path: Path) -> None:
    from moto import mock_aws
    from moto.core.base_backend import BackendDict

    from nimbus_local import aws as local_aws
    from nimbus_local import bootstrap

    ddb, s3 = boto3.client("dynamodb", region_name=REGION), boto3.client("s3", region_name=REGION)
    sqs, kinesis = boto3.client("sqs", region_name=REGION), boto3.client("kinesis", region_name=REGION)
    ddb.put_item(TableName=aws["RegistrationsTable"], Item={"pk": {"S": "r#REG#1"}, "sk": {"S": "REG"},
                                                             "note": {"S": "kept"}})
    s3.put_object(Bucket=aws["ContentBucket"], Key="courses/c1/index.html", Body=b"<h1>hi</h1>" * 1000)
    queue = sqs.create_queue(QueueName="roundtrip")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="still here")
    kinesis.put_record(StreamName=aws["StatementStream"], Data=b"event", PartitionKey="p")
    moto = local_aws.SerializedMoto()
    path = tmp_path / "state.pickle"
    assert local_aws.save(path, moto) > 10_000

    with mock_aws():
        BackendDict.reset()  # a fresh, empty AWS, as after a restart
        assert boto3.client("dynamodb", region_name=REGION).list_tables()["TableNames"] == []
        assert local_aws.restore(path) == 0  # the journal generation it covers (none here)
        bootstrap.create_all(REGION)  # as every start does: must not replace restored resources
        ddb, s3 = boto3.client("dynamodb", region_name=REGION), boto3.client("s3", region_name=REGION)
        item = ddb.get_item(TableName=aws["RegistrationsTable"],
                            Key={"pk": {"S": "r#REG#1"}, "sk": {"S": "REG"}})["Item"]
        assert item["note"] == {"S": "kept"}
        body = s3.get_object(Bucket=aws["ContentBucket"], Key="courses/c1/index.html")["Body"].read()
        assert body == b"<h1>hi</h1>" * 1000
        sqs = boto3.client("sqs", region_name=REGION)
        url = sqs.get_queue_url(QueueName="roundtrip")["QueueUrl"]
        assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "still here"
        kinesis = boto3.client("kinesis", region_name=REGION)
        shard = kinesis.list_shards(StreamName=aws["StatementStream"])["Shards"][0]["ShardId"]
        iterator = kinesis.get_shard_iterator(StreamName=aws["StatementStream"], ShardId=shard,
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        assert [r["Data"] for r in kinesis.get_records(ShardIterator=iterator)["Records"]] == [b"event"]


def test_restore_without_a_snapshot_is_a_fresh_start(tmp_path: Path) -> None:
    from nimbus_local import aws as local_aws

    assert local_aws.restore(tmp_path / "missing.pickle") is None


def _pump():
    import app as app_module
    from nimbus_local.pump import EventPump

    pump = EventPump(app_module.app, app_module, REGION)
    pump.ensure_checkpoint_table()
    sources = {s.name: (s, h) for s, h in pump.sources}
    return pump, sources


def test_s3_upload_reaches_the_import_handler_through_sqs(aws, realm: RealmCredentials) -> None:
    from chalicelib.store import repos
    from chalicelib.store.tables import ImportJobItem

    now = repos.now()
    repos.create_import_job(ImportJobItem(realm_id=realm.realm_id, job_id="J1", course_id="c",
                                          created=now, updated=now))
    key = f"uploads/{realm.realm_id}/J1/big course.zip"
    boto3.client("s3", region_name=REGION).put_object(Bucket=aws["ContentBucket"], Key=key, Body=b"PK")
    pump, sources = _pump()
    source, handler = sources["import_course"]
    polls = 0
    while pump.poll_queue(source, handler):  # s3:TestEvent, then the upload; each deleted
        polls += 1
        assert polls < 5
    job = repos.get_import_job(realm.realm_id, "J1")
    assert (job.upload_key, job.upload_size) == (key, 2)


def _complete(realm_id: str, registration_id: str) -> None:
    """A registration created, then completed and passed: two writes of the registrations table."""
    from chalicelib.store import repos
    from chalicelib.store.tables import RegistrationItem

    now = repos.now()
    item = repos.create_registration(RegistrationItem(
        realm_id=realm_id, registration_id=registration_id, course_id="golf", created=now, updated=now))
    item.completion, item.success, item.updated = "COMPLETED", "PASSED", repos.now()
    item.save()


def _reportage_totals(realm_id: str) -> dict:
    from chalicelib.reports import queries

    today = datetime.now(UTC).date()
    return queries.report(realm_id, "all", "-", (today - timedelta(days=1)).isoformat(),
                          (today + timedelta(days=1)).isoformat())["totals"]


def test_table_changes_reach_the_kinesis_consumer_once_across_pump_restarts(aws, realm: RealmCredentials) -> None:
    for n in range(3):
        _complete(realm.realm_id, f"r{n}")
    pump, sources = _pump()
    source, handler = sources["registration_events"]
    assert pump.table_streams[aws["RegistrationEventsStream"]] == aws["RegistrationsTable"]
    assert pump.poll_table(source, handler) is True
    assert pump.poll_table(source, handler) is False  # checkpoint reached the end
    restarted, _ = _pump()  # a new pump reads the checkpoint from DynamoDB
    assert restarted.poll_table(source, handler) is False
    totals = _reportage_totals(realm.realm_id)
    assert (totals["registrations"], totals["completions"], totals["passes"], totals["failures"]) == (3, 3, 3, 0)


def test_a_failed_change_is_retried_from_the_checkpoint(aws, realm, monkeypatch) -> None:
    from nimbus_local import pump as pump_module

    monkeypatch.setattr(pump_module, "RETRY_SECONDS", 0)
    _complete(realm.realm_id, "r1")
    _complete(realm.realm_id, "r2")
    pump, sources = _pump()
    source, handler = sources["registration_events"]
    calls = {"n": 0}

    def fail_last(event, context):
        calls["n"] += 1
        result = handler(event, context)  # every record applied...
        if calls["n"] == 1:  # ...but the last one reported failed on the first delivery
            return {"batchItemFailures": [
                {"itemIdentifier": event["Records"][-1]["kinesis"]["sequenceNumber"]}]}
        return result

    assert pump.poll_table(source, fail_last) is True
    assert pump.poll_table(source, fail_last) is True  # redelivers only the last record
    assert pump.poll_table(source, fail_last) is False
    # The last change was delivered twice; its marker, in its transaction, counted it once.
    assert _reportage_totals(realm.realm_id)["completions"] == 2


def test_sqs_failure_is_retried_then_dead_lettered(aws, monkeypatch) -> None:
    from nimbus_local import pump as pump_module

    monkeypatch.setattr(pump_module, "RETRY_SECONDS", 0)
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.get_queue_url(QueueName=aws["ImportQueue"])["QueueUrl"]
    sqs.purge_queue(QueueUrl=url)  # drop the s3:TestEvent of the bucket's notification setup
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"Records": []}))
    pump, sources = _pump()
    source, _handler = sources["import_course"]

    def always_fails(event, context):
        raise RuntimeError("boom")

    attempts = 0
    while pump.poll_queue(source, always_fails):
        attempts += 1
        assert attempts <= 10
    assert attempts == 5  # the template's maxReceiveCount
    dlq = sqs.get_queue_url(QueueName=aws["ImportQueue"] + "-dlq")["QueueUrl"]
    assert len(sqs.receive_message(QueueUrl=dlq).get("Messages", [])) == 1


def test_a_torn_journal_record_is_ignored(tmp_path: Path) -> None:
    import pickle
    import struct

    from nimbus_local.journal import records

    journal = tmp_path / "journal.7.bin"
    whole = pickle.dumps(({"REQUEST_METHOD": "POST"}, b"body"))
    torn = pickle.dumps(({"REQUEST_METHOD": "PUT"}, b"x" * 100))
    journal.write_bytes(struct.pack(">I", len(whole)) + whole + struct.pack(">I", len(torn)) + torn[:10])
    assert list(records(journal)) == [({"REQUEST_METHOD": "POST"}, b"body")]
    assert list(records(tmp_path / "missing.bin")) == []
