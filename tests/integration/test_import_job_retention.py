"""Import jobs are kept for 30 days, then DynamoDB's TTL removes them (the courses table has TTL
on ``expires`` in the template, so the local stack and AWS agree); courses never expire."""

from __future__ import annotations

import time
from typing import Any

import boto3

from chalicelib.config import settings
from tests.builders import course_zip as cz
from tests.integration.registration_world import import_course


def test_import_jobs_expire_after_thirty_days_and_courses_do_not(client: Any, realm: Any) -> None:
    before = time.time()
    job = import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    table = settings().courses_table
    ttl = ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires" and ttl["TimeToLiveStatus"] == "ENABLED"
    items = ddb.scan(TableName=table)["Items"]
    jobs = [i for i in items if i["sk"]["S"] == "JOB"]
    assert len(jobs) == 1 and job["jobId"] in jobs[0]["pk"]["S"]
    expires = int(jobs[0]["expires"]["N"])
    assert before + 29.9 * 86400 < expires < time.time() + 30.1 * 86400
    assert all("expires" not in i for i in items if i["sk"]["S"] != "JOB")  # the course stays
