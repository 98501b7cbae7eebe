"""nimbus_local.moto_speed: each patch gives what unpatched moto gives, with less work."""

from __future__ import annotations

import copy
import pickle
from typing import TYPE_CHECKING, Any

import pytest
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.parsing import expressions

from nimbus_local import moto_speed

if TYPE_CHECKING:
    from collections.abc import Iterator

ATTRS = {"pk": {"S": "p"}, "sk": {"S": "s"}, "n": {"N": "1.50"}, "m": {"M": {"l": {"L": [{"S": "a"}, {"N": "2"}]}}},
         "b": {"BOOL": True}, "ss": {"SS": ["x", "y"]}}


@pytest.fixture
def patched() -> Iterator[None]:
    moto_speed.install()
    try:
        yield
    finally:
        moto_speed.uninstall()


def _item(attrs: dict[str, Any]) -> Item:
    return Item(DynamoType(attrs["pk"]), DynamoType(attrs["sk"]), attrs)


def _tree(node: Any) -> Any:
    """A node's shape: its type, plain attributes and children, and that children point back."""
    children = getattr(node, "children", None)
    if isinstance(children, list):
        for child in children:
            if hasattr(child, "parent"):
                assert child.parent is node
        return (type(node).__name__, [_tree(c) for c in children])
    if hasattr(node, "__dict__"):
        return (type(node).__name__, {k: _tree(v) for k, v in vars(node).items() if k != "parent"})
    return repr(node)


def test_items_are_built_and_restored_as_moto_builds_them(patched: None) -> None:
    item = _item(ATTRS)
    assert isinstance(item.attrs, LimitedSizeDict)
    restored = pickle.loads(pickle.dumps(item))  # noqa: S301 - our own bytes
    assert isinstance(restored.attrs, LimitedSizeDict)
    assert restored == item and restored.to_json() == item.to_json()
    moto_speed.uninstall()
    assert _item(ATTRS).to_json() == item.to_json()


@pytest.mark.parametrize("kilobytes", [200, 203])
def test_the_400_kb_item_limit_holds_as_in_moto(kilobytes: int) -> None:
    attrs = {**ATTRS, "a": {"S": "x" * kilobytes * 1000}, "z": {"S": "y" * kilobytes * 1000}}
    outcomes: list[int | str] = []
    for install in (False, True):
        if install:
            moto_speed.install()
        try:
            outcomes.append(_item(attrs).size())
        except ItemSizeTooLarge:
            outcomes.append("too large")
        finally:
            moto_speed.uninstall()
    assert outcomes[0] == outcomes[1]
    assert (outcomes[0] == "too large") is (kilobytes == 203)


def test_update_expression_copies_keep_shape_and_parents(patched: None) -> None:
    parser = vars(expressions)["UpdateExpressionParser"]
    ast = parser.make("SET a.b[1] = :v, c = if_not_exists(c, :z) + :one REMOVE d ADD e :one")
    fast = copy.deepcopy(ast)
    moto_speed.uninstall()
    generic = copy.deepcopy(ast)
    assert fast is not ast
    assert _tree(fast) == _tree(generic) == _tree(ast)


def test_call_action_sees_every_handler_method(patched: None) -> None:
    from moto.core import utils
    from moto.dynamodb.responses import DynamoHandler

    responses: Any = moto_speed.core_responses
    cached = responses.method_names_from_class(DynamoHandler)
    assert cached == utils.method_names_from_class(DynamoHandler)
    assert {"query", "put_item", "transact_write_items"} <= set(cached)
    assert responses.method_names_from_class(DynamoHandler) is cached  # computed once


def test_kinesis_puts_leave_no_cloudwatch_metrics(patched: None) -> None:
    import boto3
    from moto import mock_aws
    from moto.cloudwatch.models import cloudwatch_backends

    with mock_aws():
        kinesis = boto3.client("kinesis", region_name="us-east-1")
        kinesis.create_stream(StreamName="s", ShardCount=1)
        for _ in range(3):
            kinesis.put_record(StreamName="s", Data=b"x", PartitionKey="p")
        assert kinesis.describe_stream(StreamName="s")["StreamDescription"]["StreamStatus"] == "ACTIVE"
        backend = cloudwatch_backends["123456789012"]["us-east-1"]
        assert backend.get_all_metrics() == []


def test_responses_get_their_request_id_as_in_moto_without_scanning_json(patched: None) -> None:
    responses: Any = moto_speed.core_responses
    original = moto_speed._ORIGINALS["enrich_response"]  # noqa: SLF001 - the unpatched function
    for body in ('{"Items": [{"pk": {"S": "x"}}]}' * 1000, "<R><RequestId>old</RequestId></R>", b"\x00raw", ""):
        patched_headers, patched_body = responses.BaseResponse._enrich_response({"status": 200}, body)  # noqa: SLF001
        plain_headers, plain_body = original({"status": 200}, body)
        assert patched_headers["status"] == plain_headers["status"] == "200"
        assert set(patched_headers) == set(plain_headers) and "x-amzn-requestid" in plain_headers
        if isinstance(body, str) and "<RequestId>" in body:  # the XML body carries the header's id
            assert patched_body == f"<R><RequestId>{patched_headers['x-amzn-requestid']}</RequestId></R>"
            assert plain_body.startswith("<R><RequestId>") and "old" not in plain_body
        else:
            assert patched_body == plain_body == body
