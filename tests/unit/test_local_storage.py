"""The local stack's storage: DynamoDB items in SQLite and S3 bytes in files answer exactly as
moto does, keep nothing in memory or in snapshots, and honour ``ClientRequestToken``.

Each DynamoDB scenario runs twice through boto3: against plain moto (``mock_aws``, items in
memory) and against the local stack's server (``nimbus_local.aws`` with ``dynamo_disk`` and
``s3_disk`` installed); every answer must be the same.
"""

from __future__ import annotations

import io
import os
import pickle
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from tests.unit import write_shapes

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

REGION = "us-east-1"
TABLE = "things"


def _create(ddb: Any) -> None:
    ddb.create_table(
        TableName=TABLE, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in
                              (("pk", "S"), ("sk", "S"), ("g", "S"), ("gs", "N"))],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{"IndexName": "byg", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                               {"AttributeName": "gs", "KeyType": "RANGE"}]}])


def _clean(answer: Any) -> Any:
    if isinstance(answer, dict):
        return {k: _clean(v) for k, v in answer.items() if k not in ("ResponseMetadata", "ConsumedCapacity")}
    if isinstance(answer, list):
        return [_clean(v) for v in answer]
    return answer


def _call(record: list[Any], call: Callable[[], Any]) -> Any:
    try:
        answer = call()
    except ClientError as err:
        answer = {"error": err.response["Error"]["Code"],
                  "reasons": [r.get("Code") for r in err.response.get("CancellationReasons", [])]}
    record.append(_clean(answer))
    return answer


def _pages(ddb: Any, record: list[Any], **query: Any) -> None:
    """Every page of a query, recorded without the key to go on from: where the next item in
    key order fails the range condition, moto (in memory) still answers a ``LastEvaluatedKey``
    and then an empty page; the disk store, like DynamoDB, reads only the key range and does not.
    The pages with items must be the same."""
    start = None
    for _ in range(20):
        more = {"ExclusiveStartKey": start} if start else {}
        answer = _call([], lambda more=more: ddb.query(**query, **more))
        if answer.get("Items") or answer.get("Count") or not start:
            record.append({k: v for k, v in _clean(answer).items() if k != "LastEvaluatedKey"})
        start = answer.get("LastEvaluatedKey")
        if not start:
            return


def scenario(ddb: Any) -> list[Any]:
    """Every kind of DynamoDB call Nimbus makes, with the edge cases of keys and pages."""
    record: list[Any] = []
    _create(ddb)
    for p in range(3):
        for s in range(12):
            item = {"pk": {"S": f"p{p}"}, "sk": {"S": f"s{s:02d}"}, "n": {"N": str(s)},
                    "body": {"M": {"tags": {"L": [{"S": "a"}, {"N": "1.50"}]}}}}
            if s % 3:
                item.update(g={"S": f"g{s % 2}"}, gs={"N": str(100 - s * 7)})
            _call(record, lambda item=item: ddb.put_item(TableName=TABLE, Item=item))
    key = {"pk": {"S": "p1"}, "sk": {"S": "s03"}}
    _call(record, lambda: ddb.get_item(TableName=TABLE, Key=key))
    _call(record, lambda: ddb.get_item(TableName=TABLE, Key=key, ProjectionExpression="n, body.tags[1]"))
    _call(record, lambda: ddb.get_item(TableName=TABLE, Key={"pk": {"S": "nope"}, "sk": {"S": "x"}}))
    for condition, values in (("sk = :a", {":a": {"S": "s05"}}), ("sk < :a", {":a": {"S": "s05"}}),
                              ("sk <= :a", {":a": {"S": "s05"}}), ("sk > :a", {":a": {"S": "s05"}}),
                              ("sk >= :a", {":a": {"S": "s05"}}),
                              ("sk BETWEEN :a AND :b", {":a": {"S": "s03"}, ":b": {"S": "s07"}}),
                              ("begins_with(sk, :a)", {":a": {"S": "s1"}})):
        for forward in (True, False):
            _pages(ddb, record, TableName=TABLE, KeyConditionExpression=f"pk = :p AND {condition}",
                   ExpressionAttributeValues={":p": {"S": "p2"}, **values}, ScanIndexForward=forward, Limit=3,
                   ConsistentRead=True)
    _pages(ddb, record, TableName=TABLE, KeyConditionExpression="pk = :p",
           ExpressionAttributeValues={":p": {"S": "p0"}, ":n": {"N": "4"}}, FilterExpression="n > :n", Limit=5)
    _pages(ddb, record, TableName=TABLE, KeyConditionExpression="pk = :p", Select="COUNT",
           ExpressionAttributeValues={":p": {"S": "p0"}})
    for forward in (True, False):
        _pages(ddb, record, TableName=TABLE, IndexName="byg", KeyConditionExpression="g = :g",
               ExpressionAttributeValues={":g": {"S": "g1"}}, ScanIndexForward=forward, Limit=4)
        _pages(ddb, record, TableName=TABLE, IndexName="byg", KeyConditionExpression="g = :g AND gs < :v",
               ExpressionAttributeValues={":g": {"S": "g0"}, ":v": {"N": "60"}}, ScanIndexForward=forward,
               Limit=2, ProjectionExpression="pk, gs")
    _call(record, lambda: ddb.update_item(
        TableName=TABLE, Key=key, UpdateExpression="SET note = :t ADD n :one",
        ExpressionAttributeValues={":t": {"S": "changed"}, ":one": {"N": "1"}}, ReturnValues="ALL_NEW"))
    _call(record, lambda: ddb.get_item(TableName=TABLE, Key=key, ConsistentRead=True))
    _call(record, lambda: ddb.put_item(TableName=TABLE, Item={**key, "x": {"S": "y"}},
                                       ConditionExpression="attribute_not_exists(pk)"))
    fresh = {"pk": {"S": "p9"}, "sk": {"S": "new"}}
    _call(record, lambda: ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": TABLE, "Item": {**fresh, "n": {"N": "1"}}}},
        {"Update": {"TableName": TABLE, "Key": key, "UpdateExpression": "SET n = :z",
                    "ExpressionAttributeValues": {":z": {"N": "0"}}}},
        {"ConditionCheck": {"TableName": TABLE, "Key": {"pk": {"S": "p0"}, "sk": {"S": "s00"}},
                            "ConditionExpression": "attribute_exists(pk)"}}]))
    _call(record, lambda: ddb.transact_write_items(TransactItems=[  # refused: nothing of it stays
        {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "p9"}, "sk": {"S": "never"}}}},
        {"Update": {"TableName": TABLE, "Key": key, "UpdateExpression": "SET n = :z",
                    "ExpressionAttributeValues": {":z": {"N": "99"}}}},
        {"Delete": {"TableName": TABLE, "Key": fresh, "ConditionExpression": "n = :two",
                    "ExpressionAttributeValues": {":two": {"N": "2"}}}}]))
    left = ddb.query(TableName=TABLE, KeyConditionExpression="pk = :p", ConsistentRead=True,
                     ExpressionAttributeValues={":p": {"S": "p9"}})["Items"]
    n = ddb.get_item(TableName=TABLE, Key=key, ConsistentRead=True)["Item"]["n"]["N"]
    # DynamoDB keeps nothing of a refused transaction; the disk store must roll it back too.
    record.append({"after a refused transaction": (sorted(i["sk"]["S"] for i in left), n)})
    ddb.delete_item(TableName=TABLE, Key={"pk": {"S": "p9"}, "sk": {"S": "never"}})
    ddb.update_item(TableName=TABLE, Key=key, UpdateExpression="SET n = :z",
                    ExpressionAttributeValues={":z": {"N": "0"}})
    _call(record, lambda: ddb.get_item(TableName=TABLE, Key=key, ConsistentRead=True))
    _call(record, lambda: ddb.batch_write_item(RequestItems={TABLE: [
        *({"PutRequest": {"Item": {"pk": {"S": "p8"}, "sk": {"S": f"b{i}"}}}} for i in range(20)),
        {"DeleteRequest": {"Key": {"pk": {"S": "p0"}, "sk": {"S": "s00"}}}}]}))
    _call(record, lambda: ddb.batch_get_item(RequestItems={TABLE: {"Keys": [
        {"pk": {"S": "p8"}, "sk": {"S": "b3"}}, {"pk": {"S": "p0"}, "sk": {"S": "s00"}}]}}))
    _call(record, lambda: ddb.delete_item(TableName=TABLE, Key=fresh, ReturnValues="ALL_OLD"))
    start: dict[str, Any] | None = None
    for _ in range(30):
        more = {"ExclusiveStartKey": start} if start else {}
        page = _call(record, lambda more=more: ddb.scan(TableName=TABLE, Limit=7, **more))
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    _call(record, lambda: ddb.scan(TableName=TABLE, IndexName="byg", Limit=100))
    for kilobytes in (200, 210):  # two attributes of that size: under and over the 400 KB item limit
        big = {"pk": {"S": "p7"}, "sk": {"S": f"big{kilobytes}"}, "a": {"S": "x" * kilobytes * 1000},
               "b": {"M": {"c": {"S": "y" * kilobytes * 1000}}}}
        _call(record, lambda big=big: ddb.put_item(TableName=TABLE, Item=big))
        _call(record, lambda big=big: {"size": len(str(ddb.get_item(TableName=TABLE, Key={
            "pk": big["pk"], "sk": big["sk"]}, ConsistentRead=True).get("Item", "")))})
    _call(record, lambda: {"count": ddb.describe_table(TableName=TABLE)["Table"]["ItemCount"]})
    for _ in range(2):  # conditions parsed once and kept: the second round must answer the same
        for more in ({"ConditionExpression": "attribute_exists(pk)"},
                     {"ConditionExpression": "attribute_exists(pk)", "ExpressionAttributeValues": {":u": {"S": "u"}}},
                     {"ConditionExpression": "#n > :v", "ExpressionAttributeNames": {"#n": "n", "#x": "unused"},
                      "ExpressionAttributeValues": {":v": {"N": "1"}}},
                     {"ConditionExpression": "#n > :v", "ExpressionAttributeNames": {"#n": "n"},
                      "ExpressionAttributeValues": {":v": {"N": "-1"}}}):
            _call(record, lambda more=more: ddb.put_item(TableName=TABLE, Item={**key, "x": {"S": "z"}}, **more))
    _updates(ddb, record)
    return record


CHANGES = "changes"


def _update(ddb: Any, record: list[Any], expression: str, values: dict[str, Any] | None = None,
            key: str = "u1", **more: Any) -> None:
    """One UpdateItem on the streamed table, its error recorded with the message (the fast path
    hands anything unusual to moto, whose message must come through unchanged)."""
    names = {f"#{n}": n for n in ("a", "b", "n", "s", "pk", "m", "x", "g")}
    used = {k: v for k, v in names.items() if k in expression + str(more.get("ConditionExpression", ""))}
    call = {"TableName": CHANGES, "Key": {"pk": {"S": key}, "sk": {"S": "1"}}, "UpdateExpression": expression,
            **({"ExpressionAttributeNames": used} if used else {}),
            **({"ExpressionAttributeValues": values} if values else {}), **more}
    try:
        answer: Any = ddb.update_item(**call)
    except ClientError as err:
        answer = {"error": err.response["Error"]["Code"], "message": err.response["Error"]["Message"]}
    record.append({expression: _clean(answer)})


def _updates(ddb: Any, record: list[Any]) -> None:
    """The update expressions Nimbus sends (and the ones it never does) on a table with a stream:
    the answers, the items and every stream image must be moto's."""
    ddb.create_table(
        TableName=CHANGES, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{"IndexName": "byg", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    one, half = {":v": {"N": "1"}}, {":v": {"N": "1.50"}}
    _update(ddb, record, "SET #a = :a, #b = :b ADD #n :v",
            {":a": {"S": "first"}, ":b": {"M": {"c": {"L": [{"N": "2"}]}}}, **one})  # creates the item
    _update(ddb, record, "ADD #n :v", half, ReturnValues="UPDATED_OLD")
    _update(ddb, record, "ADD #n :v", {":v": {"N": "-3"}}, ReturnValues="ALL_NEW")
    _update(ddb, record, "ADD #s :v", {":v": {"SS": ["x", "y"]}})
    _update(ddb, record, "add #s :v", {":v": {"SS": ["y", "z"]}}, ReturnValues="UPDATED_NEW")
    _update(ddb, record, "DELETE #s :v", {":v": {"SS": ["x", "w"]}})
    _update(ddb, record, "REMOVE #b SET #a = :a", {":a": {"S": ""}}, ReturnValues="ALL_OLD")
    _update(ddb, record, "SET #a = :a", {":a": {"S": "no"}, ":n": {"N": "7"}}, ConditionExpression="#n = :n")
    _update(ddb, record, "SET #a = :a", {":a": {"S": "no"}, ":n": {"N": "7"}}, ConditionExpression="#n = :n",
            ReturnValuesOnConditionCheckFailure="ALL_OLD")
    _update(ddb, record, "SET #a = :a", {":a": {"S": "yes"}, ":n": {"N": "-0.50"}}, ConditionExpression="#n = :n")
    _update(ddb, record, "ADD #a :v", one)  # a string: moto's error
    _update(ddb, record, "SET #pk = :v", {":v": {"S": "other"}})  # a key attribute: moto's error
    _update(ddb, record, "SET #g = :v", {":v": {"S": "index key"}})  # an index key: moto's path
    _update(ddb, record, "SET #a = :v, #a = :w", {":v": {"S": "1"}, ":w": {"S": "2"}})
    _update(ddb, record, "SET #a = :missing", one)
    _update(ddb, record, "SET a = :v", {":v": {"S": "literal name"}})
    _update(ddb, record, "SET #m = :v", {":v": {"M": {"x": {"S": "deep"}}}})
    _update(ddb, record, "SET #m.#x = :v", {":v": {"S": "path"}})
    _update(ddb, record, "SET #n = #n + :v", one)
    _update(ddb, record, "ADD #s :v", {":v": {"SS": []}})
    _update(ddb, record, "ADD #s :v", {":v": {"NS": ["1"]}})
    _update(ddb, record, "DELETE #s :v", {":v": {"SS": ["y", "z"]}})  # empties the set: it goes
    _update(ddb, record, "SET #a = :a", {":a": {"S": "never"}}, key="u2", ConditionExpression="attribute_exists(pk)")
    _update(ddb, record, "REMOVE #a", key="u3")  # creates a key-only item
    _call(record, lambda: ddb.transact_write_items(TransactItems=[
        {"Update": {"TableName": CHANGES, "Key": {"pk": {"S": "u1"}, "sk": {"S": "1"}},
                    "UpdateExpression": "ADD #n :v SET #x = :x", "ExpressionAttributeNames": {"#n": "n", "#x": "x"},
                    "ExpressionAttributeValues": {":v": {"N": "10"}, ":x": {"BOOL": True}}}},
        {"Update": {"TableName": CHANGES, "Key": {"pk": {"S": "u4"}, "sk": {"S": "1"}},
                    "UpdateExpression": "ADD #n :v", "ExpressionAttributeNames": {"#n": "n"},
                    "ExpressionAttributeValues": {":v": {"N": "1"}}}}]))
    _call(record, lambda: ddb.transact_write_items(TransactItems=[  # refused: the first update does not stay
        {"Update": {"TableName": CHANGES, "Key": {"pk": {"S": "u1"}, "sk": {"S": "1"}},
                    "UpdateExpression": "ADD #n :v", "ExpressionAttributeNames": {"#n": "n"},
                    "ExpressionAttributeValues": {":v": {"N": "100"}}}},
        {"Update": {"TableName": CHANGES, "Key": {"pk": {"S": "u4"}, "sk": {"S": "1"}},
                    "UpdateExpression": "ADD #n :v", "ConditionExpression": "attribute_not_exists(pk)",
                    "ExpressionAttributeNames": {"#n": "n"}, "ExpressionAttributeValues": {":v": {"N": "1"}}}}]))
    write_shapes.batches(ddb, lambda call: _call(record, call), CHANGES, TABLE)
    write_shapes.transactions(ddb, lambda call: _call(record, call), CHANGES, TABLE)
    _call(record, lambda: ddb.scan(TableName=CHANGES, ConsistentRead=True))
    if "amazonaws.com" in ddb.meta.endpoint_url:  # moto's mock: its records as its API would give them
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends

        shard = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables[CHANGES].stream_shard
        changes = [change.to_json() for change in shard.items]
    else:
        streams = boto3.client("dynamodbstreams", region_name=REGION, endpoint_url=ddb.meta.endpoint_url)
        arn = ddb.describe_table(TableName=CHANGES)["Table"]["LatestStreamArn"]
        shard_id = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")
        changes = streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=1000)["Records"]
    record.append({"stream": [(c["eventName"], c["dynamodb"].get("Keys"), c["dynamodb"].get("OldImage"),
                               c["dynamodb"].get("NewImage")) for c in changes]})


@pytest.fixture
def local_aws(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """The local stack's AWS (disk-backed) on a free port, with a fresh moto behind it."""
    from moto.core.base_backend import BackendDict

    from nimbus_local import aws as local
    from nimbus_local import dynamo_disk, moto_speed, s3_disk
    from nimbus_local.journal import Journal

    BackendDict.reset()
    store = local.install_storage(tmp_path)
    journal = Journal(tmp_path)
    server, moto = local.start_server("127.0.0.1", 0, journal, store)
    os.environ.update(AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local")
    try:
        yield f"http://127.0.0.1:{server.server_port}", moto
    finally:
        server.shutdown()
        journal.close()
        dynamo_disk.uninstall()
        s3_disk.uninstall()
        moto_speed.uninstall()
        local.resume_instance_tracking()
        BackendDict.reset()


def test_dynamodb_on_disk_answers_as_moto_does(local_aws: tuple[str, Any]) -> None:
    from moto import mock_aws

    from nimbus_local import dynamo_disk, fast_batch, moto_speed

    endpoint, _moto = local_aws
    assert moto_speed.installed()
    fast_batch.SERVED[0] = 0
    on_disk = scenario(boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint))
    # The reference is moto as released: items in memory, without the local speed-ups.
    dynamo_disk.uninstall()
    moto_speed.uninstall()
    with mock_aws():
        in_memory = scenario(boto3.client("dynamodb", region_name=REGION))
    assert len(on_disk) == len(in_memory) > 60
    assert {"after a refused transaction": (["new"], "0")} in on_disk  # all or nothing, as DynamoDB
    assert fast_batch.SERVED[0] >= 2  # the batches of plain puts took the direct path
    for number, (got, expected) in enumerate(zip(on_disk, in_memory, strict=True)):
        assert got == expected, f"call {number} differs"


def test_items_live_in_sqlite_not_in_the_snapshot(local_aws: tuple[str, Any], tmp_path: Path) -> None:
    from nimbus_local import aws as local

    endpoint, moto = local_aws
    ddb = boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint)
    _create(ddb)
    blob = "x" * 20_000
    for i in range(200):
        ddb.put_item(TableName=TABLE, Item={"pk": {"S": "p"}, "sk": {"S": f"{i:04d}"}, "blob": {"S": blob}})
    size = local.save(tmp_path / "state.pickle", moto)
    assert size < 200_000  # 4 MB of items, none of it in the snapshot
    state = pickle.loads((tmp_path / "state.pickle").read_bytes())  # noqa: S301 - our own file
    table = state["dynamodb"]["123456789012"]["us-east-1"].tables[TABLE]
    assert len(table) == 200  # and the restored table still reads them from SQLite


def test_s3_bytes_live_in_files_not_in_memory_or_the_snapshot(local_aws: tuple[str, Any], tmp_path: Path) -> None:
    from nimbus_local import aws as local
    from nimbus_local import s3_disk

    endpoint, moto = local_aws
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=endpoint)
    s3.create_bucket(Bucket="content")
    body = os.urandom(3 * 1024 * 1024)
    s3.put_object(Bucket="content", Key="courses/c/big.bin", Body=body)
    s3.put_object(Bucket="content", Key="courses/c/gone.txt", Body=b"bye")
    files = [p for p in (tmp_path / "s3").rglob("*") if p.is_file()]
    assert sorted(p.stat().st_size for p in files) == [3, len(body)]
    assert local.save(tmp_path / "state.pickle", moto) < 100_000
    assert s3.get_object(Bucket="content", Key="courses/c/big.bin")["Body"].read() == body
    s3.delete_object(Bucket="content", Key="courses/c/gone.txt")
    s3.copy_object(Bucket="content", Key="courses/c/copy.bin", CopySource="content/courses/c/big.bin")
    assert s3_disk.collect_garbage() == 1  # the deleted object's file; nothing a key still needs
    assert sorted(p.stat().st_size for p in (tmp_path / "s3").rglob("*") if p.is_file()) == [len(body)] * 2
    assert s3.get_object(Bucket="content", Key="courses/c/big.bin")["Body"].read() == body
    assert s3.get_object(Bucket="content", Key="courses/c/copy.bin")["Body"].read() == body
    s3.put_object(Bucket="content", Key="courses/d/other.txt", Body=b"elsewhere")
    listed = s3.list_object_versions(Bucket="content", Prefix="courses/c/")  # only that prefix's keys
    assert [v["Key"] for v in listed["Versions"]] == ["courses/c/big.bin", "courses/c/copy.bin"]
    everything = s3.list_object_versions(Bucket="content")["Versions"]
    assert sorted(v["Key"] for v in everything) == ["courses/c/big.bin", "courses/c/copy.bin", "courses/d/other.txt"]


def test_moto_keeps_no_reference_to_items_it_has_answered(local_aws: tuple[str, Any]) -> None:
    """moto tracks every model object it makes (for its mocks' reset): in a server that ran for
    hours that list held every item ever read or written (a leak of ~180 MB a minute)."""
    from moto.dynamodb.models.dynamo_type import Item

    endpoint, _moto = local_aws
    ddb = boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint)
    _create(ddb)
    for batch in range(8):
        ddb.batch_write_item(RequestItems={TABLE: [{"PutRequest": {"Item": {
            "pk": {"S": "p"}, "sk": {"S": f"{batch}.{i}"}}}} for i in range(25)]})
    ddb.query(TableName=TABLE, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert Item.instances_tracked == []  # type: ignore[attr-defined]


def test_a_retried_transaction_with_its_token_is_not_a_conflict(local_aws: tuple[str, Any]) -> None:
    endpoint, _moto = local_aws
    ddb = boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint)
    _create(ddb)
    items = [{"Put": {"TableName": TABLE, "Item": {"pk": {"S": "t"}, "sk": {"S": str(i)}},
                      "ConditionExpression": "attribute_not_exists(pk)"}} for i in range(3)]
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="retry-1")
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="retry-1")  # the retry: success
    with pytest.raises(ClientError) as refused:
        ddb.transact_write_items(TransactItems=items, ClientRequestToken="retry-2")  # a new call conflicts
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    with pytest.raises(ClientError) as mismatch:
        ddb.transact_write_items(TransactItems=items[:2], ClientRequestToken="retry-1")
    assert mismatch.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"


def _ranges(s3: Any) -> list[Any]:
    """Ranged GETs as the player's packed-file reads make them, and the edge cases around them."""
    s3.create_bucket(Bucket="content")
    body = bytes(range(256)) * 4000
    s3.put_object(Bucket="content", Key="packages/c/p.zip", Body=body, ContentType="application/zip",
                  Metadata={"origin": "test"})
    s3.upload_fileobj(io.BytesIO(body * 10), "content", "packages/c/multipart.zip",  # 10 MB: 2 parts
                      Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
    etag = s3.head_object(Bucket="content", Key="packages/c/multipart.zip")["ETag"]
    record: list[Any] = []
    for key, spec, condition in (("multipart.zip", "bytes=6000000-6000099", etag),
                                 ("multipart.zip", "bytes=0-99", '"not-the-etag"')):
        try:
            answer = s3.get_object(Bucket="content", Key=f"packages/c/{key}", Range=spec, IfMatch=condition)
            record.append((spec, answer["ContentRange"], answer["ETag"], answer["Body"].read()))
        except ClientError as err:
            record.append((spec, err.response["Error"]["Code"]))
    for spec in ("bytes=0-0", "bytes=10-4095", "bytes=1000-1000000000", "bytes=1023999-1023999",
                 "bytes=5000000-5000010", "bytes=-100", "bytes=7-"):
        try:
            answer = s3.get_object(Bucket="content", Key="packages/c/p.zip", Range=spec)
            # Not compared: per-response headers, and two that differ between moto's server and
            # its in-process mock whoever answers (the PUT's payload hash that moto keeps as
            # metadata, the server's CORS header).
            headers = {k: v for k, v in answer["ResponseMetadata"]["HTTPHeaders"].items()
                       if k not in ("date", "last-modified", "x-amzn-requestid", "x-amz-request-id", "x-amz-id-2",
                                    "server", "connection", "transfer-encoding", "x-amz-content-sha256",
                                    "access-control-allow-origin")}
            record.append((spec, answer["ResponseMetadata"]["HTTPStatusCode"], headers, answer["Body"].read()))
        except ClientError as err:
            record.append((spec, err.response["Error"]["Code"]))
    try:
        s3.get_object(Bucket="content", Key="packages/c/missing.zip", Range="bytes=0-9")
    except ClientError as err:
        record.append(("missing", err.response["Error"]["Code"]))
    return record


def test_ranged_gets_read_only_the_range_and_answer_as_moto(local_aws: tuple[str, Any], monkeypatch: Any) -> None:
    from moto import mock_aws

    from nimbus_local import dynamo_disk, moto_speed, s3_disk

    endpoint, _moto = local_aws
    served: list[int] = []
    original = s3_disk.ranged_get

    def counting(environ: dict[str, Any]) -> Any:
        answer = original(environ)
        served.append(answer is not None)
        return answer

    monkeypatch.setattr(s3_disk, "ranged_get", counting)
    on_disk = _ranges(boto3.client("s3", region_name=REGION, endpoint_url=endpoint))
    assert served.count(True) == 5  # the plain ranges inside the objects; the rest go to moto
    dynamo_disk.uninstall()
    moto_speed.uninstall()
    s3_disk.uninstall()
    with mock_aws():
        in_memory = _ranges(boto3.client("s3", region_name=REGION))
    assert on_disk == in_memory


def test_the_pump_reads_a_change_log_directly_as_getrecords_answers(local_aws: tuple[str, Any]) -> None:
    """The event pump reads a table's change log from disk (``aws.read_stream``) instead of
    through ``GetRecords``: the Kinesis events it makes from either must be the same, binary
    values, removals and positions included."""
    from nimbus_local import aws as local
    from nimbus_local.pump import kinesis_change_record

    endpoint, moto = local_aws
    ddb = boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint)
    ddb.create_table(TableName=CHANGES, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "sk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                {"AttributeName": "sk", "KeyType": "RANGE"}],
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    for n in range(7):
        ddb.put_item(TableName=CHANGES, Item={
            "pk": {"S": f"p{n % 2}"}, "sk": {"S": f"s{n}"}, "b": {"B": bytes([n, 255])},
            "m": {"M": {"inner": {"B": b"\x00\x01"}, "n": {"N": str(n)}}}})
    ddb.update_item(TableName=CHANGES, Key={"pk": {"S": "p0"}, "sk": {"S": "s0"}}, UpdateExpression="ADD #n :one",
                    ExpressionAttributeNames={"#n": "n"}, ExpressionAttributeValues={":one": {"N": "1"}})
    ddb.delete_item(TableName=CHANGES, Key={"pk": {"S": "p1"}, "sk": {"S": "s1"}})
    streams = boto3.client("dynamodbstreams", region_name=REGION, endpoint_url=endpoint)
    arn = ddb.describe_table(TableName=CHANGES)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]

    def through_api(after: str | None) -> list[Any]:
        where = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after} if after else {
            "ShardIteratorType": "TRIM_HORIZON"}
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, **where)["ShardIterator"]
        return streams.get_records(ShardIterator=iterator, Limit=4)["Records"]

    after = None
    pages = 0
    while True:
        expected = through_api(after)
        direct = local.read_stream(moto, arn, shard, after, 4)
        assert direct is not None
        assert [kinesis_change_record(c, CHANGES, REGION, "arn:s") for c in direct] == \
            [kinesis_change_record(c, CHANGES, REGION, "arn:s") for c in expected]
        if not expected:
            break
        pages += 1
        after = expected[-1]["dynamodb"]["SequenceNumber"]
    assert pages == 3  # 7 puts, 1 update, 1 removal: pages of 4, 4, 1
    assert local.read_stream(moto, arn.replace(CHANGES, "elsewhere"), shard, None, 4) is None
