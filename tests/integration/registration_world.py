"""Helpers for registration tests: import a built course through the real upload → S3 → SQS →
import function path, create registrations, open a launch and drive the player's HTTP API
(deliver / commit) as the browser runtime does."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlsplit

import boto3

from tests.integration.import_pump import drain


def import_course(client: Any, headers: dict[str, str], data: bytes, course_id: str) -> dict[str, Any]:
    boundary = "nimbusBoundary42"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"course.zip\"\r\n"
            "Content-Type: application/zip\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    started = client.http.post(f"/api/v2/courses/importJobs/upload?courseId={course_id}&mayCreateNewVersion=true",
                               body=body,
                               headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert started.status_code == 200, started.body
    drain(client)
    job = client.http.get(f"/api/v2/courses/importJobs/{started.json_body['result']}", headers=headers).json_body
    assert job["status"] == "COMPLETE", job
    return job  # type: ignore[no-any-return]


def create(client: Any, headers: dict[str, str], registration_id: str, course_id: str, learner_id: str = "l-1",
           **extra: Any) -> Any:
    body = {"courseId": course_id, "registrationId": registration_id,
            "learner": {"id": learner_id, "firstName": "Ada", "lastName": "Lovelace"}, **extra}
    return client.http.post("/api/v2/registrations", body=json.dumps(body),
                            headers={**headers, "Content-Type": "application/json"})


def launch_link(client: Any, headers: dict[str, str], registration_id: str, **options: Any) -> str:
    made = client.http.post(f"/api/v2/registrations/{registration_id}/launchLink",
                            body=json.dumps({"expiry": 120, "tracking": True, **options}),
                            headers={**headers, "Content-Type": "application/json"})
    assert made.status_code == 200, made.body
    return str(made.json_body["launchLink"])


class Player:
    """The browser side of one launch, over HTTP."""

    def __init__(self, client: Any, link: str) -> None:
        self.client = client
        opened = client.http.get(urlsplit(link).path)
        assert opened.status_code == 302, opened.body
        self.base = opened.headers["Location"].rsplit("/player", 1)[0]
        self.seq: dict[str, int] = {}

    def post(self, what: str, body: Any) -> Any:
        return self.client.http.post(f"{self.base}/{what}", body=json.dumps(body),
                                     headers={"Content-Type": "application/json"})

    def deliver(self, activity_id: str | None = None) -> dict[str, Any]:
        found = self.post("deliver", {"activityId": activity_id} if activity_id else {})
        assert found.status_code == 200, found.body
        return found.json_body  # type: ignore[no-any-return]

    def commit(self, delivered: dict[str, Any], ops: list[list[str]], *, seq: int | None = None,
               log: list[Any] | None = None) -> Any:
        attempt = delivered["attemptId"]
        number = seq if seq is not None else self.seq.get(attempt, 0) + 1
        self.seq[attempt] = max(self.seq.get(attempt, 0), number)
        return self.post("commit", {"attemptId": attempt, "seq": number, "activityId": delivered["activityId"],
                                    "ops": ops, "log": log or []})


def registration_change_records() -> list[bytes]:
    """Every change of the registrations table so far, as the Kinesis record data the stream
    consumers receive (Kinesis Data Streams for DynamoDB's shape, made by the local pump)."""
    from botocore.config import Config

    from nimbus_local.pump import kinesis_change_record

    arn = boto3.client("dynamodb", region_name="us-east-1").describe_table(
        TableName="nimbus-registrations")["Table"]["LatestStreamArn"]
    streams = boto3.client("dynamodbstreams", region_name="us-east-1",
                           config=Config(account_id_endpoint_mode="disabled"))
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    return [base64.b64decode(kinesis_change_record(record, "nimbus-registrations", "us-east-1", "arn:test")
                             ["kinesis"]["data"]) for record in streams.get_records(ShardIterator=iterator)["Records"]]


def registration_events() -> list[dict[str, Any]]:
    """Every registration event the registrations table's change stream carries so far (what
    Reportage consumes): each change as the pump hands it over, read by Reportage's own parser."""
    from chalicelib import reportage
    from chalicelib.store import changes

    events = []
    for data in registration_change_records():
        change = changes.parse(data)
        if reportage.from_change(change) is not None:
            new = change.new
            events.append({"registrationId": new["registration_id"], "completion": new["completion"],
                           "success": new["success"],
                           "score": float(new["score_scaled"]) if new.get("score_scaled") is not None else None})
    return events


def drain_reportage() -> None:
    """Run the registrations change stream's Reportage consumer (through the local event pump, as
    ``make run`` does) until it has caught up."""
    import app as app_module
    from nimbus_local.pump import EventPump

    pump = EventPump(app_module.app, app_module, "us-east-1")
    pump.ensure_checkpoint_table()
    source, handler = next((s, h) for s, h in pump.sources if s.name == "registration_events")
    while pump.poll_table(source, handler):
        pass
