"""The batched and transactional writes of ``tests/unit/test_local_storage.py``'s scenario: the
shapes Nimbus sends (a ``BatchWriteItem`` of plain puts is served by ``nimbus_local.fast_batch``),
every shape that path hands to moto, and the edge cases of transactions of puts. Each call goes
through ``call``, which records its answer or its error; the scenario runs against plain moto and
the local stack, and the records must be the same. Bad entries come first in their request where
moto in memory would keep what came before an error (the disk store rolls the whole request
back)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

def batches(ddb: Any, call: Callable[[Callable[[], Any]], Any], changes: str, other: str) -> None:
    """``BatchWriteItem`` as Nimbus sends it (puts into one table) and every other shape: deletes,
    two tables, duplicates, empty or missing keys, wrong key types, an oversize item, an unknown
    table."""
    def put(key: str, **more: Any) -> dict[str, Any]:
        return {"PutRequest": {"Item": {"pk": {"S": key}, "sk": {"S": "b"}, **more}}}

    for request in (
        {changes: [put(f"b{i}", n={"N": str(i)}, **({"g": {"S": f"g{i % 3}"}} if i % 2 else {}))
                   for i in range(25)]},
        {changes: [put("b3", n={"N": "33"}), put("u1", sk={"S": "1"}, a={"S": "replaced"})]},
        {changes: [put("b1", n={"N": "1"}), put("b1", n={"N": "1"})]},  # identical: moto's error
        {changes: [put("b5", n={"N": "5"}), put("b5", n={"N": "6"})]},  # one key, two items
        {changes: [put("b7", g={"S": ""})]}, {changes: [put("")]},
        {changes: [{"PutRequest": {"Item": {"pk": {"S": "b8"}}}}]},
        {changes: [{"PutRequest": {"Item": {"pk": {"N": "8"}, "sk": {"S": "b"}}}}]},
        {changes: [put("b9", big={"S": "x" * 410_000}), put("b10")]},
        {"nope": [put("b11")]},
        {changes: [put("b12")], other: [{"PutRequest": {"Item": {"pk": {"S": "t"}, "sk": {"S": "b"}}}}]},
        {changes: [put("b13"), {"DeleteRequest": {"Key": {"pk": {"S": "b0"}, "sk": {"S": "b"}}}}]},
    ):
        call(lambda request=request: ddb.batch_write_item(RequestItems=request, ReturnConsumedCapacity="TOTAL"))
    call(lambda: ddb.query(TableName=changes, IndexName="byg", KeyConditionExpression="g = :g",
                           ExpressionAttributeValues={":g": {"S": "g1"}}))


def transactions(ddb: Any, call: Callable[[Callable[[], Any]], Any], changes: str, other: str) -> None:
    """``TransactWriteItems`` of conditional puts as Nimbus sends them (an xAPI batch's
    statements), puts without a condition, into two tables, with names and values, a put with an
    update; and the ones DynamoDB refuses: a condition that fails (with and without
    ``ReturnValuesOnConditionCheckFailure``), two entries for one item, empty key and index-key
    values, a wrong key type, an unused name, empty values, an oversize item, an unknown table.
    A refused transaction leaves nothing (the query and the stream show it)."""
    new = "attribute_not_exists(pk)"

    def put(key: str, table: str = changes, condition: str | None = new, **more: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"TableName": table, "Item": {"pk": {"S": key}, "sk": {"S": "t"}, **more}}
        if condition is not None:
            body["ConditionExpression"] = condition
        return {"Put": body}

    named = {"ExpressionAttributeNames": {"#p": "pk", "#n": "n"}, "ExpressionAttributeValues": {":v": {"N": "5"}}}
    for entries in (
        [put(f"t{i}", n={"N": str(i)}, **({"g": {"S": f"g{i % 3}"}} if i % 2 else {})) for i in range(12)],
        [put("t1", condition=None, n={"N": "100"}), put("t20", table=other), put("t21", condition=None)],
        [{"Put": {**put("t2", n={"N": "7"})["Put"], "ConditionExpression": "attribute_not_exists(#p) OR #n < :v",
                  **named}}],
        [put("t30"), put("t3")],  # t3 exists: cancelled, t30 not kept
        [put("t31"), {"Put": {**put("t4")["Put"], "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}],
        [put("t32"), put("t32", condition=None)],
        [put("t33", g={"S": ""})], [put("")],
        [{"Put": {"TableName": changes, "Item": {"pk": {"N": "9"}, "sk": {"S": "t"}}}}],
        [{"Put": {**put("t34")["Put"], "ExpressionAttributeNames": {"#x": "unused"}}}],
        [{"Put": {**put("t36")["Put"], "ExpressionAttributeValues": {}}}],
        [put("t37", big={"S": "x" * 410_000}), put("t38")],
        [put("t39", table="nope")],
        [put("t40"), {"Update": {"TableName": changes, "Key": {"pk": {"S": "t5"}, "sk": {"S": "t"}},
                                 "UpdateExpression": "SET #n = :v", "ExpressionAttributeNames": {"#n": "n"},
                                 "ExpressionAttributeValues": {":v": {"N": "5"}}}}],
    ):
        call(lambda entries=entries: ddb.transact_write_items(TransactItems=entries))
    call(lambda: ddb.query(TableName=changes, KeyConditionExpression="pk = :p",
                           ExpressionAttributeValues={":p": {"S": "t30"}}, ConsistentRead=True))
    call(lambda: ddb.query(TableName=changes, IndexName="byg", KeyConditionExpression="g = :g",
                           ExpressionAttributeValues={":g": {"S": "g1"}}))
