"""The local stack's DynamoDB Streams (``nimbus_local.disk_stream``): each item change's record is
written with the item, in the same SQLite transaction, so a refused request leaves none and a
restart finds every record not yet consumed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.unit.test_local_storage import local_aws  # noqa: F401 - the fixture

if TYPE_CHECKING:
    from pathlib import Path

REGION = "us-east-1"
TABLE = "changing"


def _clients(endpoint: str) -> tuple[Any, Any]:
    ddb = boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint)
    streams = boto3.client("dynamodbstreams", region_name=REGION, endpoint_url=endpoint)
    return ddb, streams


def _create(ddb: Any) -> None:
    ddb.create_table(
        TableName=TABLE, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})


def _records(ddb: Any, streams: Any, after: str | None = None) -> list[dict[str, Any]]:
    arn = ddb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    where: dict[str, Any] = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
                             if after else {"ShardIteratorType": "TRIM_HORIZON"})
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, **where)["ShardIterator"]
    return streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]


def test_every_change_has_its_record_in_order(local_aws) -> None:  # noqa: F811
    ddb, streams = _clients(local_aws[0])
    _create(ddb)
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    ddb.update_item(TableName=TABLE, Key={"pk": {"S": "a"}}, UpdateExpression="SET n = :n",
                    ExpressionAttributeValues={":n": {"N": "2"}})
    ddb.delete_item(TableName=TABLE, Key={"pk": {"S": "a"}})
    records = _records(ddb, streams)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    assert records[1]["dynamodb"]["OldImage"]["n"] == {"N": "1"}
    assert records[1]["dynamodb"]["NewImage"]["n"] == {"N": "2"}
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    assert [r["eventName"] for r in _records(ddb, streams, after=records[0]["dynamodb"]["SequenceNumber"])] == [
        "MODIFY", "REMOVE"]


def test_items_with_binary_values_are_written_and_recorded(local_aws) -> None:  # noqa: F811
    """An xAPI document body is a binary attribute: writing it must not fail on its stream record."""
    ddb, streams = _clients(local_aws[0])
    _create(ddb)
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "doc"}, "body": {"B": b"slide 7"},
                                        "meta": {"M": {"raw": {"B": b"\x00\xff"}}}})
    [record] = _records(ddb, streams)
    image = record["dynamodb"]["NewImage"]
    assert record["eventName"] == "INSERT" and set(image) == {"pk", "body", "meta"}
    assert "B" in image["body"] and "B" in image["meta"]["M"]["raw"]
    got = ddb.get_item(TableName=TABLE, Key={"pk": {"S": "doc"}})["Item"]
    assert got["body"] == {"B": b"slide 7"} and got["meta"]["M"]["raw"] == {"B": b"\x00\xff"}


def test_a_refused_transaction_leaves_no_record(local_aws) -> None:  # noqa: F811
    ddb, streams = _clients(local_aws[0])
    _create(ddb)
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "taken"}})
    with pytest.raises(ClientError):  # the first put is applied by moto, then the second refused
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "new"}}}},
            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "taken"}},
                     "ConditionExpression": "attribute_not_exists(pk)"}}])
    assert "Item" not in ddb.get_item(TableName=TABLE, Key={"pk": {"S": "new"}})
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in _records(ddb, streams)] == ["taken"]


def test_unconsumed_records_survive_a_restart_and_numbers_go_on(local_aws, tmp_path: Path) -> None:  # noqa: F811
    from moto.core.base_backend import BackendDict

    from nimbus_local import aws as local
    from nimbus_local import disk_stream

    endpoint, moto = local_aws
    ddb, streams = _clients(endpoint)
    _create(ddb)
    local.save(tmp_path / "state.pickle", moto)  # the table's definition; its records are in SQLite
    for key in ("a", "b", "c"):
        ddb.put_item(TableName=TABLE, Item={"pk": {"S": key}})
    before = _records(ddb, streams)
    arn = ddb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    assert local.trim_stream(moto, arn, "shard", before[0]["dynamodb"]["SequenceNumber"]) == 1  # a consumer's done

    with moto.lock:  # a restart: moto's memory gone, the snapshot read back
        BackendDict.reset()
        local.restore(tmp_path / "state.pickle")
    shard = ddb_table_shard()
    assert isinstance(shard, disk_stream.DiskStreamShard)
    after = _records(ddb, streams)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in after] == ["b", "c"]
    assert after == before[1:]
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "d"}})
    newest = _records(ddb, streams)[-1]
    assert int(newest["dynamodb"]["SequenceNumber"]) == int(before[-1]["dynamodb"]["SequenceNumber"]) + 1


def ddb_table_shard() -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends["123456789012"][REGION].get_table(TABLE).stream_shard


def test_moto_forgets_shard_iterators(local_aws) -> None:  # noqa: F811
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    from nimbus_local import disk_stream

    ddb, streams = _clients(local_aws[0])
    _create(ddb)
    for _ in range(disk_stream.MAX_ITERATORS + 50):
        _records(ddb, streams)
    assert len(dynamodbstreams_backends["123456789012"][REGION].shard_iterators) <= disk_stream.MAX_ITERATORS + 1
