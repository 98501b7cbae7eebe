"""Create the local AWS resources from ``infra/resources.json``: one source of truth.

Every resource that carries ``Metadata."Nimbus::EnvVar"`` is created under the name that
environment variable (or its default in :mod:`chalicelib.config`) gives. Creation is
idempotent, so it runs on every start, after a snapshot has been restored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from chalicelib.config import env

TEMPLATE = Path(__file__).resolve().parent.parent / "infra" / "resources.json"
TABLE_KEYS = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
#: What a table with ``KinesisStreamSpecification`` gets locally: its DynamoDB stream, which the
#: event pump feeds to the Kinesis consumers as Kinesis Data Streams for DynamoDB would.
LOCAL_CHANGE_STREAM = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}


def load_template() -> dict[str, Any]:
    return json.loads(TEMPLATE.read_text())  # type: ignore[no-any-return]


def named_resources(template: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Logical id → (local name, resource) for every resource that names an env var."""
    found = {}
    for logical_id, resource in template["Resources"].items():
        var = (resource.get("Metadata") or {}).get("Nimbus::EnvVar")
        if var:
            found[logical_id] = (env(var), resource)
    return found


def _ignore_exists(call: Any, *codes: str) -> None:
    try:
        call()
    except ClientError as err:
        if err.response["Error"]["Code"] not in codes:
            raise


def _create_table(ddb: Any, name: str, props: dict[str, Any]) -> None:
    args = {k: props[k] for k in TABLE_KEYS if k in props}
    if "KinesisStreamSpecification" in props:
        args["StreamSpecification"] = LOCAL_CHANGE_STREAM
    _ignore_exists(lambda: ddb.create_table(TableName=name, **args), "ResourceInUseException")
    if "KinesisStreamSpecification" in props:
        _enable_change_stream(ddb, name)
    ttl = props.get("TimeToLiveSpecification")
    if ttl:
        ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)


def _enable_change_stream(ddb: Any, name: str) -> None:
    """A table made before its change stream existed (an older local home) gets it now."""
    spec = ddb.describe_table(TableName=name)["Table"].get("StreamSpecification") or {}
    if not spec.get("StreamEnabled"):
        ddb.update_table(TableName=name, StreamSpecification=LOCAL_CHANGE_STREAM)


def change_streams(template: dict[str, Any] | None = None) -> dict[str, str]:
    """Kinesis stream → table whose changes it carries (``KinesisStreamSpecification``), by
    local name: the event pump reads the table's change stream for that stream's consumers."""
    template = template or load_template()
    named = named_resources(template)
    found = {}
    for _logical_id, (name, res) in named.items():
        spec = res.get("Properties", {}).get("KinesisStreamSpecification")
        if res["Type"] == "AWS::DynamoDB::Table" and spec:
            stream_id = spec["StreamArn"]["Fn::GetAtt"][0]
            found[named[stream_id][0]] = name
    return found


def create_all(region: str) -> dict[str, str]:
    """Create every table, queue, bucket and stream; return logical id → local name."""
    template = load_template()
    named = named_resources(template)
    ddb = boto3.client("dynamodb", region_name=region)
    sqs = boto3.client("sqs", region_name=region)
    s3 = boto3.client("s3", region_name=region)
    kinesis = boto3.client("kinesis", region_name=region)
    queue_arns: dict[str, str] = {}
    for logical_id, (name, res) in named.items():
        props = res["Properties"]
        kind = res["Type"]
        if kind == "AWS::DynamoDB::Table":
            _create_table(ddb, name, props)
        elif kind == "AWS::SQS::Queue":
            dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
            dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])
            redrive = dict(props.get("RedrivePolicy") or {})
            attrs = {"VisibilityTimeout": str(props.get("VisibilityTimeout", 30))}
            if redrive:
                redrive["deadLetterTargetArn"] = dlq_arn["Attributes"]["QueueArn"]
                attrs["RedrivePolicy"] = json.dumps(redrive)
            url = sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
            queue_arns[logical_id] = sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        elif kind == "AWS::Kinesis::Stream":
            _ignore_exists(lambda n=name: kinesis.create_stream(StreamName=n, ShardCount=1),
                           "ResourceInUseException")
    for _logical_id, (name, res) in named.items():
        if res["Type"] != "AWS::S3::Bucket":
            continue
        _ignore_exists(lambda n=name: s3.create_bucket(Bucket=n),
                       "BucketAlreadyOwnedByYou", "BucketAlreadyExists")
        notification = res["Properties"].get("NotificationConfiguration") or {}
        queues = []
        for conf in notification.get("QueueConfigurations", []):
            target = conf["Queue"]["Fn::GetAtt"][0]
            queues.append({"Events": [conf["Event"]], "QueueArn": queue_arns[target],
                           "Filter": {"Key": {"FilterRules": conf["Filter"]["S3Key"]["Rules"]}}})
        if queues:
            s3.put_bucket_notification_configuration(
                Bucket=name, NotificationConfiguration={"QueueConfigurations": queues})
    return {logical_id: name for logical_id, (name, _res) in named.items()}
