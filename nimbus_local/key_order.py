"""DynamoDB key order in SQLite, for the disk-backed moto tables (``nimbus_local.disk_table``).

A key attribute is stored twice: exactly (:func:`exact`: type-tagged, numbers normalised) for
identity, and as an ordering value (:func:`order`) that SQLite compares the way DynamoDB orders
keys (numbers as numbers, strings and binary as UTF-8 / raw bytes). :func:`narrow` turns a range
condition into SQL on that ordering column.
"""

from __future__ import annotations

import base64
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from moto.dynamodb.models.dynamo_type import DynamoType

#: moto's range comparison names (responses.py) → the SQL narrowing of the ordering column.
SQL_RANGE = {"EQ": "= ?", "LT": "< ?", "LE": "<= ?", "GT": "> ?", "GE": ">= ?"}


def exact(value: DynamoType | None) -> str:
    """A key attribute's identity: type tag + value (numbers normalised, as DynamoDB compares them)."""
    if value is None:
        return ""
    if value.type == "N":
        try:
            return "N" + str(Decimal(value.value).normalize())
        except InvalidOperation:
            return "N" + str(value.value)
    if value.type == "B":
        raw = value.value
        return "B" + (base64.b64encode(raw).decode() if isinstance(raw, bytes) else str(raw))
    return value.type + str(value.value)


def order(value: DynamoType | None) -> bytes | float | None:
    """A key attribute's position in DynamoDB's key order, as SQLite compares it."""
    if value is None:
        return None
    if value.type == "N":
        return float(value.value)
    if value.type == "B":
        raw = value.value
        return raw if isinstance(raw, bytes) else base64.b64decode(raw)
    return str(value.value).encode("utf-8")


def next_text(prefix: str) -> str | None:
    """The smallest string greater than every string starting with ``prefix`` (code point order,
    which is UTF-8 byte order)."""
    trimmed = prefix.rstrip("\U0010ffff")
    if not trimmed:
        return None
    return trimmed[:-1] + chr(ord(trimmed[-1]) + 1)


def next_prefix(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string starting with ``prefix``."""
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return None
    return trimmed[:-1] + bytes([trimmed[-1] + 1])


def narrow(column: str, comparison: str, values: list[DynamoType],
           value_of: Callable[[DynamoType], Any]) -> tuple[list[str], list[Any]]:
    """A key condition (moto's comparison name and values) as SQL on the ordering ``column``: the
    WHERE terms and their parameters; none where SQL cannot narrow it (moto's comparison still
    checks every row)."""
    if comparison in SQL_RANGE:
        return [f"{column} {SQL_RANGE[comparison]}"], [value_of(values[0])]
    if comparison == "BETWEEN":
        return [f"{column} BETWEEN ? AND ?"], [value_of(values[0]), value_of(values[1])]
    if comparison == "BEGINS_WITH":
        low = value_of(values[0])
        high = next_prefix(low) if isinstance(low, bytes) else next_text(low) if isinstance(low, str) else 0
        if high == 0:
            return [], []
        if high is None:
            return [f"{column} >= ?"], [low]
        return [f"{column} >= ?", f"{column} < ?"], [low, high]
    return [], []
