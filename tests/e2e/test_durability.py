"""Data survives a restart, also after kill -9 (README: "What a hard kill can lose")."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

import boto3
import pytest
import requests

from tests.e2e.stack import LocalStack

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.e2e


def _registrations(stack: LocalStack):
    return boto3.client("dynamodb", endpoint_url=stack.aws_endpoint, region_name="us-east-1",
                        aws_access_key_id="local", aws_secret_access_key="local")


def test_kill_9_keeps_every_acknowledged_write_and_the_credentials(fresh_home: Path) -> None:
    first = LocalStack(home=fresh_home).start()
    try:
        creds = first.credentials()
        time.sleep(1.5)  # let the first snapshot land, so what follows is in the journal only
        ddb = _registrations(first)
        items = [{"pk": {"S": f"local#REG#survivor-{n}"}, "sk": {"S": "REG"},
                  "registration_id": {"S": f"survivor-{n}"}, "course_id": {"S": "golf"}} for n in range(20)]
        for item in items:
            ddb.put_item(TableName="nimbus-registrations", Item=item)
        s3 = boto3.client("s3", endpoint_url=first.aws_endpoint, region_name="us-east-1",
                          aws_access_key_id="local", aws_secret_access_key="local")
        s3.put_object(Bucket="nimbus-content", Key="courses/kept.txt", Body=b"acknowledged")
        upload = os.urandom(3 * 1024 * 1024)  # a browser's presigned POST, as a course upload sends it
        form = s3.generate_presigned_post("nimbus-content", "uploads/kept.zip", ExpiresIn=600)
        posted = requests.post(form["url"], data=form["fields"], files={"file": ("kept.zip", upload)}, timeout=30)
        assert posted.status_code == 204
    finally:
        first.kill_hard()  # straight after the last acknowledged write: no snapshot has it

    second = LocalStack(home=fresh_home, port=first.port).start()
    try:
        assert second.credentials()["appId"] == creds["appId"]
        assert second.credentials()["secretKey"] == creds["secretKey"]
        assert "restored saved data" in second.log.read_text()
        ping = requests.get(f"{second.base_url}/api/v2/ping", auth=(creds["appId"], creds["secretKey"]),
                            timeout=5)
        assert ping.status_code == 200
        ddb = _registrations(second)
        for item in items:
            kept = ddb.get_item(TableName="nimbus-registrations", Key={"pk": item["pk"], "sk": item["sk"]})
            assert kept["Item"]["course_id"] == {"S": "golf"}, item["pk"]
        s3 = boto3.client("s3", endpoint_url=second.aws_endpoint, region_name="us-east-1",
                          aws_access_key_id="local", aws_secret_access_key="local")
        assert s3.get_object(Bucket="nimbus-content", Key="courses/kept.txt")["Body"].read() == b"acknowledged"
        assert s3.get_object(Bucket="nimbus-content", Key="uploads/kept.zip")["Body"].read() == upload
        signed = requests.post(f"{second.base_url}/api/session", timeout=5,
                               json={"email": creds["ownerEmail"], "password": creds["ownerPassword"]})
        assert signed.status_code == 200
    finally:
        second.stop()


def test_graceful_stop_saves_writes_made_just_before(fresh_home: Path) -> None:
    first = LocalStack(home=fresh_home).start()
    _registrations(first).put_item(TableName="nimbus-registrations", Item={
        "pk": {"S": "local#REG#last-second"}, "sk": {"S": "REG"}})
    first.stop()  # SIGTERM straight after the write: the shutdown snapshot must hold it
    second = LocalStack(home=fresh_home).start()
    try:
        kept = _registrations(second).get_item(TableName="nimbus-registrations", Key={
            "pk": {"S": "local#REG#last-second"}, "sk": {"S": "REG"}})
        assert "Item" in kept
    finally:
        second.stop()
