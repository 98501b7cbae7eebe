"""The import function (S3 → SQS) and the Reportage consumer (Kinesis), invoked as Lambda
would invoke them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tests.builders.events import registration_change, registration_item, s3_notification

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


def _totals(realm_id: str, first: str = "2026-11-01", last: str = "2026-11-30") -> dict:
    from chalicelib.reports import queries

    return queries.report(realm_id, "all", "-", first, last)["totals"]


def test_registration_changes_become_reportage_counters_once(client, realm: RealmCredentials) -> None:
    day = datetime(2026, 11, 2, 10, tzinfo=UTC)
    created = registration_item(realm.realm_id, "r1", updated=day)
    done = registration_item(realm.realm_id, "r1", completion="COMPLETED", success="PASSED", score=90,
                             seconds=60, version=2, updated=day)
    rescored = {**done, "score_scaled": 95, "version": 3}
    other = registration_item(realm.realm_id, "r2", updated=day)
    failed = {**other, "completion": "INCOMPLETE", "success": "FAILED", "version": 2}
    preview = registration_item(realm.realm_id, "r3", updated=day, sandbox=True)
    launch = {**created, "sk": "LAUNCH#l1", "version": 9}  # the table's other items: not registrations
    records = [registration_change(None, created), registration_change(created, done),
               registration_change(None, other), registration_change(other, failed), b"{broken",
               registration_change(created, done), registration_change(done, rescored),
               registration_change(None, launch),
               registration_change(preview, {**preview, "completion": "COMPLETED", "version": 2})]
    batch = client.events.generate_kinesis_event(records)
    result = client.lambda_.invoke("registration_events", batch)
    assert result.payload == {"batchItemFailures": []}
    # r1 completed+passed, then a new score (not a second completion); r2 failed; the repeated
    # change, the launch record and the preview count for nothing
    totals = _totals(realm.realm_id)
    assert (totals["registrations"], totals["completions"], totals["passes"], totals["failures"]) == (2, 1, 1, 1)
    assert (totals["scored"], totals["averageScore"], totals["secondsTracked"]) == (1, 95.0, 60.0)
    again = client.lambda_.invoke("registration_events", batch)  # a replayed batch changes nothing
    assert again.payload == {"batchItemFailures": []}
    assert _totals(realm.realm_id) == totals
    assert _totals("other-realm")["registrations"] == 0
    # a removal takes the registration out of every counter
    gone = client.lambda_.invoke("registration_events",
                                 client.events.generate_kinesis_event([registration_change(rescored, None)]))
    assert gone.payload == {"batchItemFailures": []}
    totals = _totals(realm.realm_id)
    assert (totals["registrations"], totals["completions"], totals["passes"], totals["failures"]) == (1, 0, 0, 1)


def test_a_failing_record_is_reported_and_retried_alone(client, realm, monkeypatch) -> None:
    from chalicelib.store import aggregates as store

    real, throttled = store.apply_many, {"left": 2}  # the batch's transaction, then record a's own

    def flaky(changes):
        if throttled["left"] and any("#REG#a#" in c.change_id for c in changes):
            throttled["left"] -= 1
            raise RuntimeError("throttled")
        return real(changes)

    monkeypatch.setattr(store, "apply_many", flaky)
    day = datetime(2026, 11, 2, 10, tzinfo=UTC)
    one, two = registration_item(realm.realm_id, "a", updated=day), registration_item(realm.realm_id, "b", updated=day)
    batch = client.events.generate_kinesis_event(
        [registration_change(one, {**one, "completion": "COMPLETED", "version": 2}),
         registration_change(two, {**two, "completion": "COMPLETED", "version": 2})])
    result = client.lambda_.invoke("registration_events", batch)
    failures = result.payload["batchItemFailures"]
    assert failures == [{"itemIdentifier": batch["Records"][0]["kinesis"]["sequenceNumber"]}]
    assert _totals(realm.realm_id)["completions"] == 1  # the second one counted
    retried = client.lambda_.invoke("registration_events", batch)  # Lambda retries from the failure
    assert retried.payload == {"batchItemFailures": []}
    assert _totals(realm.realm_id)["completions"] == 2  # each once


def test_a_writer_that_read_before_another_committed_reads_again(client, realm, monkeypatch) -> None:
    """Two consumers adding to the same realm at once: the one whose reads are stale must not
    overwrite the other's counts (its transaction fails on the realm's clock and it reads again)."""
    from chalicelib.store import aggregates as store

    assert store.apply("C#v1", realm.realm_id, {("all", "-", "2026-11-02"): {"registrations": 1}}, {})
    real, calls = store._transact, {"n": 0}  # noqa: SLF001 - the moment between read and write

    def another_writer_first(writes):
        calls["n"] += 1
        if calls["n"] == 1:  # A has read the items; B applies its change before A writes
            assert store.apply("B#v1", realm.realm_id, {("all", "-", "2026-11-02"): {"registrations": 1},
                                                        ("course", "golf", "2026-11-02"): {"registrations": 1}},
                               {("course", "golf"): "Golf"})
        return real(writes)

    monkeypatch.setattr(store, "_transact", another_writer_first)
    assert store.apply("A#v1", realm.realm_id, {("all", "-", "2026-11-02"): {"registrations": 1, "completions": 1}},
                       {}) is True
    assert calls["n"] == 3  # A's first write was refused, its second (after reading again) went through
    assert list(store.days(realm.realm_id, "all", "-", "2026-11-01", "2026-11-30")) == [
        ("2026-11-02", {"registrations": 3.0, "completions": 1.0})]
    assert store.apply("A#v1", realm.realm_id, {("all", "-", "2026-11-02"): {"registrations": 1}}, {}) is False
    assert [(k.sk, k.label, k.registrations) for k in store.top_keys(realm.realm_id, "course", 10)] == [
        ("golf", "Golf", 1)]
    assert store.key_count(realm.realm_id, "course") == 1


def test_a_writer_that_read_a_learner_before_the_erasure_reads_again_and_leaves_them_out(
        client, realm, monkeypatch) -> None:
    """Issue 16: a change of an erased learner's registration still in flight, whose writer read
    the learner's entry just before the erasure's tombstone, must not count or name the learner:
    the tombstone moves the realm's clock, the writer reads again and sees it."""
    from chalicelib.store import aggregates as store

    since = "2026-11-01T10:00:00.000000+0000"  # the registration's creation, before the erasure
    learner = ("learner", "pseudonym-of-ada")
    assert store.apply("R#v1", realm.realm_id, {("all", "-", "2026-11-02"): {"registrations": 1},
                                                (*learner, "2026-11-02"): {"registrations": 1}},
                       {learner: "Ada Lovelace"}, guarded={learner: ("ada@example.com", since)})
    real, calls = store._transact, {"n": 0}  # noqa: SLF001 - the moment between read and write

    def erased_meanwhile(writes):
        calls["n"] += 1
        if calls["n"] == 1:  # the writer has read the entry (not erased yet); the erasure runs now
            assert store.forget(realm.realm_id, *learner) == 2  # the tombstone and one month item
        return real(writes)

    monkeypatch.setattr(store, "_transact", erased_meanwhile)
    assert store.apply("R#v2", realm.realm_id, {("all", "-", "2026-11-02"): {"completions": 1},
                                                (*learner, "2026-11-02"): {"completions": 1}},
                       {learner: "Ada Lovelace"}, guarded={learner: ("ada@example.com", since)}) is True
    assert calls["n"] == 3  # refused on the clock the tombstone moved, then written without the learner
    assert list(store.days(realm.realm_id, "all", "-", "2026-11-01", "2026-11-30")) == [
        ("2026-11-02", {"registrations": 1.0, "completions": 1.0})]
    assert list(store.days(realm.realm_id, *learner, "2026-11-01", "2026-11-30")) == []
    (entry,) = list(store.keys(realm.realm_id, "learner"))
    assert (entry.label, entry.ref, entry.registrations) == ("", None, 0) and entry.erased > since
    assert store.top_keys(realm.realm_id, "learner", 10) == []
    assert store.key_count(realm.realm_id, "learner") == 0
    # a registration made for the same id after the erasure starts a fresh learner
    assert store.apply("S#v1", realm.realm_id, {(*learner, "2026-12-01"): {"registrations": 1}},
                       {learner: "Ada"}, guarded={learner: ("ada@example.com", "2999-01-01T00:00:00.000000+0000")})
    assert [(k.label, k.ref, k.registrations) for k in store.top_keys(realm.realm_id, "learner", 10)] == [
        ("Ada", "ada@example.com", 1)]
    assert store.key_count(realm.realm_id, "learner") == 1
