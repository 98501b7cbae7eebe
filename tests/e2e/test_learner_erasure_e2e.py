"""Learner erasure on the real local stack with its event pump running (issues 15 and 16): a
learner's registrations with results reach Reportage through the registrations change stream;
``delete-information`` through the unchanged SDK; once every consumer of that stream has handled
the erasure's own changes too, no DynamoDB table and no S3 object holds the learner's id, name or
email, and the Reportage overview counts are what they were (aggregates keep only counts)."""

from __future__ import annotations

import json
import time
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import boto3
import pytest
import requests
from botocore.config import Config

from tests.builders import course_zip as cz
from tests.e2e.stack import LocalStack

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.e2e
LEARNER_ID = "e2e-erasable-7731"
FIRST, LAST, EMAIL = "Perpetua", "Vandermeer", "perpetua.vandermeer@erase.test"
NEEDLES = (LEARNER_ID, FIRST, LAST, EMAIL)
TABLE = "nimbus-registrations"


def _aws(stack: LocalStack, service: str) -> Any:
    return boto3.client(service, endpoint_url=stack.aws_endpoint, region_name="us-east-1",
                        aws_access_key_id="local", aws_secret_access_key="local",
                        config=Config(account_id_endpoint_mode="disabled"))


def _sdk(stack: LocalStack) -> tuple[Any, Any, Any, Any]:
    import rustici_software_cloud_v2 as scorm

    creds = stack.credentials()
    config = scorm.Configuration()
    config.host = creds["apiBase"]
    config.username, config.password = creds["appId"], creds["secretKey"]
    client = scorm.ApiClient(config)
    return scorm, scorm.CourseApi(client), scorm.RegistrationApi(client), scorm.LearnerApi(client)


def _until(check: Any, what: str, timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def _drained(stack: LocalStack) -> bool:
    """Every consumer of the registrations change stream has handled its last record (the pump's
    durable checkpoints, read as the pump reads the stream)."""
    ddb, streams = _aws(stack, "dynamodb"), _aws(stack, "dynamodbstreams")
    arn = ddb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    checkpoints = {i["shard"]["S"]: i["sequence"]["S"] for i in ddb.scan(TableName="nimbus-local-checkpoints")["Items"]
                   if f":{TABLE}:" in i["shard"]["S"]}
    consumers = {key.split(":")[0] for key in checkpoints}
    if not {"registration_events", "registration_postbacks"} <= consumers:
        return False
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        for consumer in consumers:
            after = checkpoints.get(f"{consumer}:{TABLE}:{shard['ShardId']}")
            args = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after} if after
                    else {"ShardIteratorType": "TRIM_HORIZON"})
            iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], **args)["ShardIterator"]
            if streams.get_records(ShardIterator=iterator, Limit=1)["Records"]:
                return False
    return True


def _play(stack: LocalStack, regs: Any, scorm: Any, registration_id: str, score: str) -> None:
    """Both SCOs of the course passed with ``score``, over the player's HTTP API (as the browser)."""
    link = regs.build_registration_launch_link(registration_id, scorm.LaunchLinkRequestSchema(
        redirect_on_exit_url="https://lms.test/done")).launch_link
    opened = requests.get(stack.base_url + urlsplit(link).path, allow_redirects=False, timeout=10)
    assert opened.status_code == 302, opened.text
    base = stack.base_url + urlsplit(opened.headers["Location"]).path.rsplit("/player", 1)[0]
    for item in (None, "item_2"):
        answer = requests.post(f"{base}/deliver", json={"activityId": item} if item else {}, timeout=10)
        assert answer.status_code == 200, answer.text
        delivered = answer.json()
        committed = requests.post(f"{base}/commit", timeout=10, json={
            "attemptId": delivered["attemptId"], "seq": 1, "activityId": delivered["activityId"], "log": [],
            "ops": [["set", "cmi.core.lesson_status", "passed"], ["set", "cmi.core.score.raw", score], ["finish"]]})
        assert committed.status_code == 200, committed.text


def _needles(stack: LocalStack) -> list[str]:
    ddb, s3 = _aws(stack, "dynamodb"), _aws(stack, "s3")
    found = []
    for table in ddb.list_tables()["TableNames"]:
        for page in ddb.get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                text = json.dumps(item, default=lambda v: v.decode("latin-1") if isinstance(v, bytes) else str(v))
                found += [f"{table}: {n} in {text[:200]}" for n in NEEDLES if n.lower() in text.lower()]
    for bucket in s3.list_buckets()["Buckets"]:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket["Name"]):
            for version in page.get("Versions", []):
                body = s3.get_object(Bucket=bucket["Name"], Key=version["Key"], VersionId=version["VersionId"])
                text = version["Key"] + body["Body"].read().decode("latin-1")
                found += [f"s3://{bucket['Name']}/{version['Key']}: {n}" for n in NEEDLES if n.lower() in text.lower()]
    return found


def _overview(stack: LocalStack) -> dict[str, Any]:
    answer = stack.api("GET", "/reporting/reports/overview?table=learner")
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_erasure_with_consumers_running_leaves_only_counts(fresh_home: Path, tmp_path: Path) -> None:
    stack = LocalStack(home=fresh_home).start()
    try:
        scorm, courses, regs, learners = _sdk(stack)
        package = tmp_path / "golf.zip"
        package.write_bytes(cz.scorm12_zip())
        job = courses.create_upload_and_import_course_job("golf", file=str(package))
        _until(lambda: courses.get_import_job_status(job.result).status == "COMPLETE", "the import")
        person = scorm.LearnerSchema(id=LEARNER_ID, first_name=FIRST, last_name=LAST, email=EMAIL)
        for n in range(2):
            regs.create_registration(scorm.CreateRegistrationSchema(
                course_id="golf", registration_id=f"mine-{n}", learner=person))
        regs.create_registration(scorm.CreateRegistrationSchema(
            course_id="golf", registration_id="theirs",
            learner=scorm.LearnerSchema(id="someone-else", first_name="Ada", last_name="Lovelace")))
        _play(stack, regs, scorm, "mine-0", "90")
        _play(stack, regs, scorm, "theirs", "85")
        learners.put_learner_tags(LEARNER_ID, scorm.TagListSchema(tags=["cohort-7"]))

        counted = _until(lambda: (o := _overview(stack))["totals"]["completions"] == 2 and o, "Reportage to count")
        assert (counted["totals"]["registrations"], counted["totals"]["averageScore"]) == (3, 87.5)
        mine = stack.api("GET", f"/reporting/reports/learner?key={LEARNER_ID}").json()["totals"]
        assert (mine["registrations"], mine["completions"]) == (2, 1)
        assert {r["key"] for r in counted["table"]} == {LEARNER_ID, "someone-else"}
        _until(lambda: _drained(stack), "the consumers to catch up")
        assert _needles(stack)  # the scan sees the learner before the erasure

        learners.delete_all_learner_data(LEARNER_ID, stack.credentials()["ownerEmail"])
        time.sleep(1)  # the erasure's writes are in the change stream: let the pump pick them up…
        _until(lambda: _drained(stack), "the consumers to drain the erasure's changes")  # …and finish

        assert _needles(stack) == []
        after = _overview(stack)
        assert after["totals"] == counted["totals"]  # counts unchanged
        assert after["series"] == counted["series"]
        assert [r["key"] for r in after["table"]] == ["someone-else"]
        mine = stack.api("GET", f"/reporting/reports/learner?key={LEARNER_ID}").json()["totals"]
        assert mine["registrations"] == 0
        with pytest.raises(scorm.rest.ApiException) as gone:
            regs.get_registration_progress("mine-0")
        assert gone.value.status == 404
        assert regs.get_registration_progress("theirs").registration_completion == "COMPLETED"
        assert uuid.UUID(regs.get_registration_progress("theirs").xapi_registration_id)
    finally:
        stack.stop()
