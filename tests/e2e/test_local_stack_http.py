"""`make run`'s process, started for real and driven over HTTP (issue: foundation)."""

from __future__ import annotations

import json
import stat
import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import boto3
import pytest
import requests
from boto3.dynamodb.types import TypeSerializer

from tests.builders.events import registration_item

if TYPE_CHECKING:
    from tests.e2e.stack import LocalStack

pytestmark = pytest.mark.e2e


def _aws(stack: LocalStack, service: str):
    return boto3.client(service, endpoint_url=stack.aws_endpoint, region_name="us-east-1",
                        aws_access_key_id="local", aws_secret_access_key="local")


def _until(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_credentials_file_is_private_and_complete(stack: LocalStack) -> None:
    path = stack.home / "credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    creds = stack.credentials()
    assert {"baseUrl", "apiBase", "appId", "secretKey", "ownerEmail", "ownerPassword"} <= set(creds)
    assert creds["baseUrl"] == stack.base_url
    assert creds["apiBase"] == stack.base_url + "/api/v2"


def test_ping_about_and_double_slashes(stack: LocalStack) -> None:
    ping = stack.api("GET", "/ping")
    assert ping.status_code == 200 and ping.json()["apiMessage"] == "pong"
    assert ping.headers["X-Request-Id"]
    assert stack.api("GET", "//ping").status_code == 200
    assert requests.get(f"{stack.base_url}//api/v2///about", timeout=5,
                        auth=(stack.credentials()["appId"], stack.credentials()["secretKey"])
                        ).json()["distribution"] == "Nimbus"


def test_errors_are_json_never_tracebacks(stack: LocalStack) -> None:
    creds = stack.credentials()
    cases = [
        (requests.get(f"{stack.base_url}/api/v2/ping", timeout=5), 401),
        (stack.api("GET", "/ping", auth=(creds["appId"], "wrong")), 401),
        (stack.api("GET", "/no/such/thing"), 404),
        (stack.api("PUT", "/ping"), 405),
        (requests.post(f"{stack.base_url}/api/session", data="{nope", timeout=5,
                       headers={"Content-Type": "application/json"}), 400),
        (requests.post(f"{stack.base_url}/api/elsewhere", timeout=5), 404),
    ]
    for response, status in cases:
        assert response.status_code == status, (response.request.method, response.url, response.text)
        assert response.headers["Content-Type"].startswith("application/json")
        body = response.json()
        assert isinstance(body["message"], str) and body["message"]
        assert "Traceback" not in response.text


def test_the_spa_is_served_with_client_side_routes(stack: LocalStack) -> None:
    for path in ("/", "/library", "/signin"):
        page = requests.get(stack.base_url + path, timeout=5)
        assert page.status_code == 200
        assert page.headers["Content-Type"].startswith("text/html")
        assert '<div id="root">' in page.text
    assert requests.get(stack.base_url + "/assets/nope.js", timeout=5).status_code == 404
    assert requests.get(stack.base_url + "/../../etc/passwd", timeout=5).status_code in (200, 404)
    assert "root:" not in requests.get(stack.base_url + "/%2e%2e/%2e%2e/etc/passwd", timeout=5).text


def test_owner_signs_in_through_the_api(stack: LocalStack) -> None:
    creds = stack.credentials()
    with requests.Session() as browser:
        signed = browser.post(f"{stack.base_url}/api/session", timeout=5,
                              json={"email": creds["ownerEmail"], "password": creds["ownerPassword"]})
        assert signed.status_code == 200
        assert browser.get(f"{stack.base_url}/api/session", timeout=5).json()["user"]["role"] == "owner"


def test_upload_to_s3_reaches_the_import_function(stack: LocalStack) -> None:
    creds = stack.credentials()
    job_id = uuid.uuid4().hex
    now = datetime.now(UTC).isoformat()
    _aws(stack, "dynamodb").put_item(TableName="nimbus-courses", Item={
        "pk": {"S": f"{creds['realmId']}#JOB#{job_id}"}, "sk": {"S": "JOB"},
        "realm_id": {"S": creds["realmId"]}, "job_id": {"S": job_id}, "course_id": {"S": "c"},
        "status": {"S": "RUNNING"}, "created": {"S": now}, "updated": {"S": now}})
    key = f"uploads/{creds['realmId']}/{job_id}/course.zip"
    _aws(stack, "s3").put_object(Bucket="nimbus-content", Key=key, Body=b"PK\x05\x06" + b"\0" * 18)

    def received():
        item = _aws(stack, "dynamodb").get_item(TableName="nimbus-courses", Key={
            "pk": {"S": f"{creds['realmId']}#JOB#{job_id}"}, "sk": {"S": "JOB"}})["Item"]
        return item.get("upload_size")
    assert _until(received) == {"N": "22"}


def test_registration_changes_flow_from_the_table_to_reportage(stack: LocalStack) -> None:
    realm = "realm-" + uuid.uuid4().hex[:6]
    ddb = _aws(stack, "dynamodb")
    for n in range(3):
        item = registration_item(realm, f"r{n}", completion="COMPLETED", success="PASSED")
        ddb.put_item(TableName="nimbus-registrations", Item=TypeSerializer().serialize(
            {k: v for k, v in item.items() if v is not None})["M"])

    def counted():
        from chalicelib.store.aggregates import aggregate_pk, unpack

        items = _aws(stack, "dynamodb").query(
            TableName="nimbus-reports", KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": aggregate_pk(realm, "all", "-")}})["Items"]
        days = [counters for item in items for counters in unpack(item).values()]
        return sum(d.get("registrations", 0) for d in days) == 3 and sum(d.get("passes", 0) for d in days) == 3
    _until(counted)


def test_official_sdk_pings_with_its_default_trailing_slash(stack: LocalStack) -> None:
    import rustici_software_cloud_v2 as scorm

    creds = stack.credentials()
    config = scorm.Configuration()
    config.host = creds["apiBase"] + "/"  # the SDK's documented host ends in a slash
    config.username, config.password = creds["appId"], creds["secretKey"]
    api = scorm.PingApi(scorm.ApiClient(config))
    assert api.ping_app_id().api_message == "pong"
    about = scorm.AboutApi(scorm.ApiClient(config)).get_about()
    assert about.distribution == "Nimbus"
    config.password = "wrong"
    with pytest.raises(scorm.rest.ApiException) as refused:
        scorm.PingApi(scorm.ApiClient(config)).ping_app_id()
    assert refused.value.status == 401
    assert json.loads(refused.value.body)["message"]
