"""A direct path for the simple update expressions Nimbus sends, beside pinned moto's general one.

moto answers every ``UpdateItem`` (and every ``Update`` of a transaction) by parsing the
expression into an AST, deep-copying it, walking it with half a dozen validators and then with an
executor, after a deep copy of the item for the stream's old image. Under the 200-learner load
(``python -m bench.load learners``) that was 17% of the stack's CPU: each commit updates its
launch record, each Reportage event adds to day counters. What pynamodb and the store send is
always of one shape — ``SET #a = :v, …``, ``ADD #n :v, …``, ``REMOVE #a, …``, ``DELETE #s :v, …``
with placeholders only — and that shape is applied here directly:

* ``SET`` stores the value; ``ADD`` adds a number (moto's own ``DynamoType`` arithmetic, 0 when
  absent) or unions a set; ``REMOVE`` drops the attribute; ``DELETE`` takes elements from a set;
* an existing attribute value is never changed in place, so a shallow copy of the item is its
  exact old image for the stream;
* anything else — a document path (``a.b``, ``a[0]``), a function (``if_not_exists``,
  ``list_append``), arithmetic, a literal name, a missing placeholder, an attribute named twice,
  a key attribute of the table or of an index, a type mismatch, an empty set — goes to moto's
  general path unchanged, which gives DynamoDB's errors.

Conditions (``ConditionExpression``) are evaluated by moto as before; a new item is created as
moto creates it. ``tests/unit/test_local_storage.py`` runs the same calls on this path and on
unpatched moto and requires identical answers and stream images.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from moto.dynamodb.comparisons import create_condition_expression_parser
from moto.dynamodb.exceptions import ConditionalCheckFailed, ItemSizeTooLarge, ItemSizeToUpdateTooLarge
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item

_NAME = r"#[A-Za-z0-9_]+"
_VALUE = r":[A-Za-z0-9_]+"
_ACTION = {
    "SET": re.compile(rf"^\s*({_NAME})\s*=\s*({_VALUE})\s*$"),
    "ADD": re.compile(rf"^\s*({_NAME})\s+({_VALUE})\s*$"),
    "DELETE": re.compile(rf"^\s*({_NAME})\s+({_VALUE})\s*$"),
    "REMOVE": re.compile(rf"^\s*({_NAME})\s*$"),
}
_CLAUSE = re.compile(r"\b(SET|ADD|REMOVE|DELETE)\b", re.IGNORECASE)
_SETS = ("SS", "NS", "BS")
_ORIGINAL: list[Any] = []

Action = tuple[str, str, Any]  # (clause, attribute name, DynamoType or None)


def parse(expression: str, names: dict[str, str], values: dict[str, Any]) -> list[Action] | None:
    """The actions of a simple update expression, or None when moto must take it."""
    marks = list(_CLAUSE.finditer(expression))
    if not marks or expression[:marks[0].start()].strip():
        return None
    actions: list[Action] = []
    seen_clauses: set[str] = set()
    for number, mark in enumerate(marks):
        clause = mark.group(1).upper()
        if clause in seen_clauses:
            return None
        seen_clauses.add(clause)
        end = marks[number + 1].start() if number + 1 < len(marks) else len(expression)
        for part in expression[mark.end():end].split(","):
            matched = _ACTION[clause].match(part)
            if matched is None or matched.group(1) not in names:
                return None
            value = None
            if clause != "REMOVE":
                raw = values.get(matched.group(2))
                if not isinstance(raw, dict) or len(raw) != 1:
                    return None
                value = DynamoType(raw)
            actions.append((clause, names[matched.group(1)], value))
    attributes = [name for _clause, name, _value in actions]
    return actions if len(set(attributes)) == len(attributes) else None


def _key_attributes(table: Any) -> set[str]:
    found = {table.hash_key_attr, table.range_key_attr}
    for index in (table.global_indexes or []) + (table.indexes or []):
        found.update(index.schema_key_attrs)
    return {name for name in found if name}


def _applicable(actions: list[Action], item: Item | None) -> bool:
    """Whether every action has an obvious outcome on ``item`` (else moto decides, with its errors)."""
    attrs = item.attrs if item is not None else {}
    for clause, name, value in actions:
        current = attrs.get(name)
        if clause == "ADD":
            if value.type == "N":
                if current is not None and current.type != "N":
                    return False
            elif value.type in _SETS:
                if not value.value or (current is not None and current.type != value.type):
                    return False
            else:
                return False
        elif clause == "DELETE" and (value.type not in _SETS or not value.value
                                     or (current is not None and current.type != value.type)):
            return False
        elif clause == "SET" and value.type in _SETS and not value.value:
            return False
    return True


def _apply(item: Item, actions: list[Action]) -> None:
    attrs = item.attrs
    for clause, name, value in actions:
        if clause == "SET":
            attrs[name] = value
        elif clause == "REMOVE":
            attrs.pop(name, None)
        elif clause == "ADD" and value.type == "N":
            attrs[name] = (attrs.get(name) or DynamoType({"N": "0"})) + value
        elif clause == "ADD":  # a set: the new elements appended in order, once each (as moto)
            current = list(attrs[name].value) if name in attrs else []
            for element in value.value:
                if element not in current:
                    current.append(element)
            attrs[name] = DynamoType({value.type: current})
        elif name in attrs:  # DELETE from a set; a set left empty goes, as in DynamoDB
            left = [v for v in attrs[name].value if v not in value.value]
            if left:
                attrs[name] = DynamoType({value.type: left})
            else:
                del attrs[name]


def _moto(original: Any, backend: DynamoDBBackend, everything: tuple[Any, ...]) -> Item:
    found: Item = original(backend, *everything)
    return found


def update_item(  # noqa: PLR0917 - moto's signature, called positionally by its transactions
        self: DynamoDBBackend, table_name: str, key: dict[str, dict[str, Any]], update_expression: str,
                expression_attribute_names: dict[str, Any], expression_attribute_values: dict[str, Any],
                attribute_updates: dict[str, Any] | None = None, expected: dict[str, Any] | None = None,
                condition_expression: str | None = None,
                return_values_on_condition_check_failure: str | None = None) -> Item:
    """moto's ``DynamoDBBackend.update_item``, directly for simple expressions."""
    original = _ORIGINAL[0]
    everything = (table_name, key, update_expression, expression_attribute_names, expression_attribute_values,
                  attribute_updates, expected, condition_expression, return_values_on_condition_check_failure)
    if not update_expression or attribute_updates or expected:
        return _moto(original, self, everything)
    table = self.get_table(table_name)
    actions = parse(update_expression, expression_attribute_names or {}, expression_attribute_values or {})
    if actions is None or _key_attributes(table) & {name for _c, name, _v in actions}:
        return _moto(original, self, everything)
    hash_value, range_value = self.get_keys_value(table, key)
    item = table.get_item(hash_value, range_value)
    if not _applicable(actions, item):
        return _moto(original, self, everything)
    condition = create_condition_expression_parser(condition_expression, expression_attribute_names,
                                                   expression_attribute_values).parse()
    if not condition.expr(item):
        if return_values_on_condition_check_failure == "ALL_OLD" and item is not None:
            raise ConditionalCheckFailed(item=item.to_json()["Attributes"])
        raise ConditionalCheckFailed
    old_image = None
    if item is None:
        data = {table.hash_key_attr: {hash_value.type: hash_value.value}}
        if range_value is not None and table.range_key_attr:
            data[table.range_key_attr] = {range_value.type: range_value.value}
        table.put_item(data)
        item = table.get_item(hash_value, range_value)
        assert item is not None  # noqa: S101 - just put
    else:
        old_image = copy.copy(item)
        old_image.attrs = copy.copy(item.attrs)
    try:
        _apply(item, actions)
    except ItemSizeTooLarge as err:
        raise ItemSizeToUpdateTooLarge from err
    if table.stream_shard is not None:
        table.stream_shard.add(old_image, item)
    return item


def install() -> None:
    if not _ORIGINAL:
        _ORIGINAL.append(DynamoDBBackend.update_item)
        DynamoDBBackend.update_item = update_item  # type: ignore[method-assign]


def uninstall() -> None:
    if _ORIGINAL:
        DynamoDBBackend.update_item = _ORIGINAL.pop()  # type: ignore[method-assign]
