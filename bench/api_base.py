"""The API base through the local stack, against a direct moto call in the same run.

Baseline: ``GetItem`` with boto3 on moto in-process (``mock_aws``): the cheapest way to read one
item here. Measured against it, over HTTP keep-alive to a real ``python -m nimbus_local``:

* ``GetItem`` through the local stack's moto server (the path every handler's read takes),
* ``GET /api/v2/ping`` with Basic auth (the middleware resolves the app and its keys with one
  Query, then the view), one client and four concurrent clients.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import boto3
import requests

from bench.measure import concurrent_rate, rate, save, table
from nimbus_local.child import LocalStack

ITEM = {"pk": {"S": "bench#REG#1"}, "sk": {"S": "REG"}, "course_id": {"S": "golf"}}
KEY = {"pk": ITEM["pk"], "sk": ITEM["sk"]}


def _direct_moto_get_rate() -> float:
    from moto import mock_aws

    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("AWS_ENDPOINT_URL")}
    try:
        with mock_aws():
            ddb = boto3.client("dynamodb", region_name="us-east-1", aws_access_key_id="x",
                               aws_secret_access_key="x")
            ddb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                   {"AttributeName": "sk", "AttributeType": "S"}],
                             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                        {"AttributeName": "sk", "KeyType": "RANGE"}])
            ddb.put_item(TableName="t", Item=ITEM)
            return rate(lambda: ddb.get_item(TableName="t", Key=KEY))
    finally:
        os.environ.update(saved)


def main() -> None:
    baseline = _direct_moto_get_rate()
    with tempfile.TemporaryDirectory() as home:
        stack = LocalStack(home=Path(home)).start()
        try:
            ddb = boto3.client("dynamodb", endpoint_url=stack.aws_endpoint, region_name="us-east-1",
                               aws_access_key_id="local", aws_secret_access_key="local")
            ddb.put_item(TableName="nimbus-registrations", Item=ITEM)
            stack_get = rate(lambda: ddb.get_item(TableName="nimbus-registrations", Key=KEY))
            creds = stack.credentials()
            url = f"{stack.base_url}/api/v2/ping"

            def client() -> object:
                session = requests.Session()
                session.auth = (creds["appId"], creds["secretKey"])
                return lambda: session.get(url, timeout=10).raise_for_status()

            ping_1 = rate(client())  # type: ignore[arg-type]
            ping_4 = concurrent_rate(client, workers=4)  # type: ignore[arg-type]
        finally:
            stack.stop()
    rows = [
        ("baseline: GetItem, moto in-process (mock_aws)", baseline, 1.0),
        ("GetItem through the local stack's moto server", stack_get, stack_get / baseline),
        ("GET /api/v2/ping, 1 client (auth = one Query)", ping_1, ping_1 / baseline),
        ("GET /api/v2/ping, 4 concurrent clients", ping_4, ping_4 / baseline),
    ]
    save("api_base", {name: {"per_second": value, "ratio": ratio} for name, value, ratio in rows})
    print(table(rows))


if __name__ == "__main__":
    main()
