"""Reportage aggregates on the reports table: counters per realm × dimension × UTC day, one item
per key and month.

Key layout:

* ``{realm}#AGG#{dimension}#{key}`` / ``M#{yyyy-mm}``   the counters of every day of one month,
  as attributes ``d{dd}_{counter}`` (``d07_completions``), so a 90-day report reads at most four
  items per key however many registrations there are (dimension ``all`` with key ``-``,
  ``course``, ``learner``, ``invitation``, ``destination``, ``app``);
* ``{realm}#AGGKEYS#{dimension}`` / ``{key}``          the keys seen per dimension (and a label);
* ``AGG#{change}`` / ``EVENT``                          a registration change applied (TTL 7 days).

A change's deltas (``ADD`` on the day's attributes), its key entries and its marker are written in
one ``TransactWriteItems`` with a ``ClientRequestToken``, so a change is applied once and wholly,
or not at all; reports read these items only, never the registrations.
"""

from __future__ import annotations

import re
import time
import uuid
from collections import defaultdict
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import ClientError
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from chalicelib.config import settings

if TYPE_CHECKING:
    from collections.abc import Iterator

COUNTERS = ("registrations", "completions", "passes", "failures", "score_sum", "score_count", "seconds",
            *(f"h{n}" for n in range(10)), "launches")
MARKER_SECONDS = 7 * 24 * 3600
_DAY_ATTRIBUTE = re.compile(r"^d(\d\d)_(\w+)$")


def _meta() -> Any:
    return type("Meta", (), {"table_name": settings().reports_table, "region": settings().region})


class KeyItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    label = UnicodeAttribute(default="")


@lru_cache(maxsize=1)
def _client() -> Any:
    return boto3.client("dynamodb", region_name=settings().region)


def aggregate_pk(realm_id: str, dimension: str, key: str) -> str:
    return f"{realm_id}#AGG#{dimension}#{key}"


def _number(amount: float) -> str:
    return format(Decimal(str(round(amount, 4))).normalize(), "f")  # never "1E+2"


def month_updates(realm_id: str, deltas: dict[tuple[str, str, str], dict[str, float]], *,
                  max_clauses: int = 60) -> list[dict[str, Any]]:
    """``Update`` operations for (key, month): ``ADD d{dd}_{counter} :n`` for every non-zero amount,
    at most ``max_clauses`` per operation (a change touches two days at most: one operation per
    item, as a transaction requires; a bulk load may get several per item)."""
    months: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for (dimension, key, day), counters in deltas.items():
        for name, amount in counters.items():
            if round(amount, 4):
                months[(aggregate_pk(realm_id, dimension, key), day[:7])][f"d{day[8:10]}_{name}"] = amount
    updates = []
    for (pk, month), values in months.items():
        pairs = list(values.items())
        for start in range(0, len(pairs), max_clauses):
            chunk = pairs[start:start + max_clauses]
            updates.append({"Update": {
                "TableName": settings().reports_table, "Key": {"pk": {"S": pk}, "sk": {"S": f"M#{month}"}},
                "UpdateExpression": "ADD " + ", ".join(f"#a{n} :v{n}" for n in range(len(chunk))),
                "ExpressionAttributeNames": {f"#a{n}": attribute for n, (attribute, _v) in enumerate(chunk)},
                "ExpressionAttributeValues": {f":v{n}": {"N": _number(v)} for n, (_a, v) in enumerate(chunk)}}})
    return updates


def apply(change_id: str, realm_id: str, deltas: dict[tuple[str, str, str], dict[str, float]],
          labels: dict[tuple[str, str], str]) -> bool:
    """Add ``deltas`` ((dimension, key, day) → counter → amount) once per ``change_id``; False
    if that change was applied before."""
    table = settings().reports_table
    items: list[dict[str, Any]] = [{"Put": {
        "TableName": table, "ConditionExpression": "attribute_not_exists(pk)",
        "Item": {"pk": {"S": f"AGG#{change_id}"}, "sk": {"S": "EVENT"},
                 "expires": {"N": str(int(time.time()) + MARKER_SECONDS)}}}}]
    items += month_updates(realm_id, deltas)
    items += [{"Put": {"TableName": table, "Item": {"pk": {"S": f"{realm_id}#AGGKEYS#{dimension}"}, "sk": {"S": key},
                                                     "label": {"S": label}}}}
              for (dimension, key), label in labels.items()]
    try:
        _client().transact_write_items(TransactItems=items, ClientRequestToken=uuid.uuid4().hex)
    except ClientError as err:
        reasons = err.response.get("CancellationReasons") or []
        if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
            return False
        raise
    return True


def days(realm_id: str, dimension: str, key: str, first: str, last: str) -> Iterator[tuple[str, dict[str, float]]]:
    """(day, counters) of every day from ``first`` to ``last`` that has any, in order."""
    pages = _client().get_paginator("query").paginate(
        TableName=settings().reports_table, KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
        ExpressionAttributeValues={":p": {"S": aggregate_pk(realm_id, dimension, key)},
                                   ":a": {"S": f"M#{first[:7]}"}, ":b": {"S": f"M#{last[:7]}"}})
    for page in pages:
        for item in page.get("Items", []):
            month = item["sk"]["S"][2:]
            by_day: dict[str, dict[str, float]] = defaultdict(dict)
            for attribute, value in item.items():
                matched = _DAY_ATTRIBUTE.match(attribute)
                if matched and "N" in value:
                    by_day[f"{month}-{matched.group(1)}"][matched.group(2)] = float(value["N"])
            for day in sorted(by_day):
                if first <= day <= last:
                    yield day, by_day[day]


def keys(realm_id: str, dimension: str) -> Iterator[KeyItem]:
    return KeyItem.query(f"{realm_id}#AGGKEYS#{dimension}")
