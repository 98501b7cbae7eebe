"""Targeted speed-ups of pinned moto's hot paths: the same answers, less CPU per request.

The local stack is one Python process, so every microsecond moto spends under the request lock
is a microsecond no other request runs (the GIL). Profiles of the LRS and runtime-commit loads
(docs/performance.md, "The local stack under load") found work that grows with nothing useful:

* ``LimitedSizeDict`` (an item's attributes) re-sums the size of *every* attribute on each
  insert, to enforce DynamoDB's 400 KB item limit. Building an item attribute by attribute is
  therefore quadratic, and so is unpickling one (pickle re-inserts a dict subclass's entries one
  by one) — which the disk store does for every item it reads. Here an item is built with one
  size check over all its attributes (the same limit, the same error: sizes are never negative,
  so the sum of a prefix exceeds the limit only if the whole does), and unpickling restores the
  attributes in one ``dict.update``: they passed the check when they were written.
* ``BaseResponse.call_action`` lists the handler class's methods with ``inspect.getmembers`` on
  every request; the list of a class does not change, so it is computed once per class.
* The update-expression validator deep-copies the parsed expression with the generic
  ``copy.deepcopy``; the AST nodes get a ``__deepcopy__`` that copies their attributes directly.
* ``UpdateItem`` with the simple expressions Nimbus sends skips moto's expression machinery
  (:mod:`nimbus_local.fast_update`).
* A condition expression is parsed once per (expression, names, values), not twice per item.
* Kinesis ``PutRecord(s)`` records CloudWatch metrics in memory that nothing local reads and
  nothing ever trims — a slow leak under xAPI load; they are not recorded.
* ``BaseResponse._enrich_response`` runs a look-behind regex for an XML ``<RequestId>`` over
  every response body, JSON ones included: time that grows with the bytes answered (a 600 KB
  ``BatchGetItem`` of Reportage month items spent a third of its time there). The regex now runs
  only on a body that contains ``<RequestId>``; any other body is returned as it was (the regex
  could not match it), and the headers get their request id as before.

Every patch is checked against unpatched moto by ``tests/unit/test_local_storage.py`` (the same
answers for the same calls) and by ``tests/unit/test_moto_speed.py``; moto is pinned exactly.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import moto.core.responses
import moto.dynamodb.comparisons
import moto.dynamodb.models
import moto.dynamodb.parsing.ast_nodes
import moto.dynamodb.responses
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.utilities import bytesize
from moto.kinesis.models import KinesisBackend

from nimbus_local import fast_update

#: moto modules seen through ``Any`` (one is untyped, one does not re-export what it imports).
core_responses: Any = moto.core.responses
Node: Any = vars(moto.dynamodb.parsing.ast_nodes)["Node"]

#: moto's own figure for the item size limit (``LimitedSizeDict.__setitem__``).
ITEM_SIZE_LIMIT = 405000

_ORIGINALS: dict[str, Any] = {}

#: modules that bound ``create_condition_expression_parser`` by name (the comparisons module's own
#: ``get_filter_expression`` reads it from its globals)
_CONDITION_USERS: tuple[Any, ...] = (
    vars(moto.dynamodb)["comparisons"], vars(moto.dynamodb)["models"], vars(moto.dynamodb)["responses"])
_PARSED: dict[tuple[str, str, str], tuple[Any, list[str], list[str]]] = {}
PARSED_KEPT = 512


class _Parsed:
    """What ``create_condition_expression_parser`` returns, its ``parse()`` already done: the tree,
    and fresh copies of the placeholders it used (moto checks them for unused ones, and one caller
    extends the list it gets)."""

    def __init__(self, op: Any, names: list[str], values: list[str]) -> None:
        self.op = op
        self.expr_attr_names_found = list(names)
        self.expr_attr_values_found = list(values)

    def parse(self) -> Any:
        return self.op


def _condition_parser(expression: str | None, names: dict[str, str] | None, values: dict[str, Any] | None) -> Any:
    """A condition expression parsed once per (expression, names, values): a 100-statement batch
    puts 100 items with the same ``attribute_not_exists (#0)``, and moto parsed it twice for each
    (request validation and the put). The parsed tree is only evaluated against items afterwards,
    never changed; an expression that does not parse raises as before and is not kept."""
    key = (expression or "", json.dumps(names, sort_keys=True) if names else "",
           json.dumps(values, sort_keys=True, default=str) if values else "")
    found = _PARSED.get(key)
    if found is None:
        parser = _ORIGINALS["condition_parser"](expression, names, values)
        found = (parser.parse(), list(parser.expr_attr_names_found), list(parser.expr_attr_values_found))
        while len(_PARSED) >= PARSED_KEPT:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = found
    return _Parsed(*found)


def _rebuild_attributes(entries: dict[str, Any]) -> LimitedSizeDict:
    return LimitedSizeDict(entries)  # its __init__ uses dict.update: no per-entry size check


def _reduce_attributes(self: LimitedSizeDict) -> tuple[Any, tuple[dict[str, Any]]]:
    return _rebuild_attributes, (dict(self),)


def _size(value: Any) -> int:
    return value.size() if type(value) is DynamoType else bytesize(str(value))


def _item_init(self: Item, hash_key: DynamoType, range_key: DynamoType | None, attrs: dict[str, Any]) -> None:
    self.hash_key = hash_key
    self.range_key = range_key
    converted = {key: DynamoType(value) for key, value in attrs.items()}
    if sum(bytesize(key) + _size(value) for key, value in converted.items()) > ITEM_SIZE_LIMIT:
        raise ItemSizeTooLarge
    self.attrs = LimitedSizeDict(converted)


_METHOD_NAMES: dict[type, list[str]] = {}


def _method_names(clazz: Any) -> list[str]:
    found = _METHOD_NAMES.get(clazz)
    if found is None:
        found = _METHOD_NAMES[clazz] = _ORIGINALS["method_names_from_class"](clazz)
    return found


def _node_deepcopy(self: Any, memo: dict[int, Any]) -> Any:
    """What ``copy.deepcopy`` makes of a node (parent links included, through ``memo``),
    without ``__reduce_ex__`` for every node."""
    clone = object.__new__(type(self))
    memo[id(self)] = clone
    state: dict[str, Any] = {}
    for name, value in self.__dict__.items():
        if value is None or isinstance(value, str | int | float | bool):
            state[name] = value
        elif isinstance(value, list):
            state[name] = [child if child is None or isinstance(child, str)
                           else copy.deepcopy(child, memo) for child in value]
        else:
            state[name] = copy.deepcopy(value, memo)
    clone.__dict__.update(state)
    return clone


def _no_stream_metrics(self: KinesisBackend, *_args: Any, **_kwargs: Any) -> None:
    """CloudWatch metrics of a stream: not kept locally (nothing reads them)."""


def _enrich_response(headers: dict[str, str], body: Any) -> tuple[dict[str, str], Any]:
    if isinstance(body, str) and "<RequestId>" in body:
        return _ORIGINALS["enrich_response"](headers, body)  # type: ignore[no-any-return]
    enriched, _empty = _ORIGINALS["enrich_response"](headers, "")
    return enriched, body


def install() -> None:
    """Apply the patches (idempotent)."""
    if _ORIGINALS:
        return
    _ORIGINALS["reduce"] = LimitedSizeDict.__dict__.get("__reduce__")
    _ORIGINALS["item_init"] = Item.__init__
    _ORIGINALS["method_names_from_class"] = core_responses.method_names_from_class
    _ORIGINALS["node_deepcopy"] = Node.__dict__.get("__deepcopy__")
    _ORIGINALS["stream_metrics"] = KinesisBackend._send_stream_metrics  # noqa: SLF001 - moto's method
    _ORIGINALS["enrich_response"] = core_responses.BaseResponse._enrich_response  # noqa: SLF001
    LimitedSizeDict.__reduce__ = _reduce_attributes  # type: ignore[assignment,method-assign]
    Item.__init__ = _item_init  # type: ignore[method-assign]
    core_responses.method_names_from_class = _method_names
    Node.__deepcopy__ = _node_deepcopy
    KinesisBackend._send_stream_metrics = _no_stream_metrics  # type: ignore[method-assign]  # noqa: SLF001
    fast_update.install()
    _ORIGINALS["condition_parser"] = vars(moto.dynamodb)["comparisons"].create_condition_expression_parser
    for module in (*_CONDITION_USERS, fast_update):
        module.create_condition_expression_parser = _condition_parser
    core_responses.BaseResponse._enrich_response = staticmethod(_enrich_response)  # noqa: SLF001


def uninstall() -> None:
    """Back to plain moto (tests compare against it)."""
    if not _ORIGINALS:
        return
    if _ORIGINALS["reduce"] is None:
        del LimitedSizeDict.__reduce__
    Item.__init__ = _ORIGINALS["item_init"]  # type: ignore[method-assign]
    core_responses.method_names_from_class = _ORIGINALS["method_names_from_class"]
    if _ORIGINALS["node_deepcopy"] is None:
        del Node.__deepcopy__
    KinesisBackend._send_stream_metrics = _ORIGINALS["stream_metrics"]  # type: ignore[method-assign]  # noqa: SLF001
    fast_update.uninstall()
    for module in (*_CONDITION_USERS, fast_update):
        module.create_condition_expression_parser = _ORIGINALS["condition_parser"]
    _PARSED.clear()
    core_responses.BaseResponse._enrich_response = staticmethod(_ORIGINALS["enrich_response"])  # noqa: SLF001
    _ORIGINALS.clear()
    _METHOD_NAMES.clear()


def installed() -> bool:
    return bool(_ORIGINALS)
