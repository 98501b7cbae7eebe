"""The import function (S3 → SQS) and the Reportage consumer (Kinesis), invoked as Lambda
would invoke them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tests.builders.events import registration_event, s3_notification

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials


def _job(realm_id: str, job_id: str):
    from chalicelib.store import repos
    from chalicelib.store.tables import ImportJobItem

    now = repos.now()
    return repos.create_import_job(ImportJobItem(realm_id=realm_id, job_id=job_id, course_id="c1",
                                                 created=now, updated=now))


def test_upload_notification_reaches_its_import_job_once(client, realm: RealmCredentials) -> None:
    from chalicelib.store import repos

    _job(realm.realm_id, "job1")
    key = f"uploads/{realm.realm_id}/job1/My Course (v2).zip"
    event = client.events.generate_sqs_event([s3_notification("bucket", key, size=4096)])
    first = client.lambda_.invoke("import_course", event)
    assert first.payload == {"batchItemFailures": []}
    job = repos.get_import_job(realm.realm_id, "job1")
    assert job.upload_key == key and job.upload_size == 4096
    updated = job.updated
    # S3 may deliver twice (moto does for multipart uploads): the second changes nothing.
    client.lambda_.invoke("import_course", event)
    assert repos.get_import_job(realm.realm_id, "job1").updated == updated


def test_test_events_foreign_keys_and_garbage_are_dropped_not_retried(client, realm) -> None:
    bodies = [json.dumps({"Event": "s3:TestEvent"}), s3_notification("b", "elsewhere/x.zip"),
              "not json at all", s3_notification("b", f"uploads/{realm.realm_id}/nojob/x.zip")]
    result = client.lambda_.invoke("import_course", client.events.generate_sqs_event(bodies))
    assert result.payload == {"batchItemFailures": []}


def test_registration_events_become_daily_counters_once(client, realm: RealmCredentials) -> None:
    from chalicelib import reportage

    day = datetime(2026, 11, 2, 10, tzinfo=UTC)
    passed = registration_event(realm.realm_id, occurred=day, event_id="e1")
    failed = registration_event(realm.realm_id, completion="INCOMPLETE", success="FAILED", occurred=day)
    batch = client.events.generate_kinesis_event([passed, failed, b"{broken", passed])
    result = client.lambda_.invoke("registration_events", batch)
    assert result.payload == {"batchItemFailures": []}
    assert reportage.daily(realm.realm_id) == [
        {"day": "2026-11-02", "events": 2, "completions": 1, "passes": 1, "failures": 1}]
    assert reportage.daily("other-realm") == []


def test_a_failing_record_is_reported_and_later_ones_wait(client, realm, monkeypatch) -> None:
    from chalicelib import reportage
    from chalicelib.store import repos

    calls = []

    def flaky(event_id, *args, **kwargs):
        calls.append(event_id)
        raise RuntimeError("throttled")

    monkeypatch.setattr(repos, "apply_daily_activity", flaky)
    batch = client.events.generate_kinesis_event(
        [registration_event(realm.realm_id), registration_event(realm.realm_id)])
    result = client.lambda_.invoke("registration_events", batch)
    failures = result.payload["batchItemFailures"]
    assert len(failures) == 1 and len(calls) == 1
    assert failures[0]["itemIdentifier"] == batch["Records"][0]["kinesis"]["sequenceNumber"]
    monkeypatch.undo()
    assert reportage.daily(realm.realm_id) == []
