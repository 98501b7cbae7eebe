"""Reportage aggregates on the reports table: counters per realm × dimension × UTC day, one item
per key and month.

Key layout:

* ``{realm}#AGG#{dimension}#{key}`` / ``M#{yyyy-mm}``   the counters of every day of one month,
  as attributes ``d{dd}_{counter}`` (``d07_completions``), so a 90-day report reads at most four
  items per key however many registrations there are (dimension ``all`` with key ``-``,
  ``course``, ``learner``, ``invitation``, ``destination``, ``app``);
* ``{realm}#AGGKEYS#{dimension}`` / ``{key}``          the keys seen per dimension (and a label; a
  learner's key is a pseudonym and its entry holds the learner id as ``ref``, or ``erased``: the
  time the learner's data was erased, when there is nothing of them left but counts elsewhere);
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
from datetime import UTC, datetime
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
    ref = UnicodeAttribute(null=True)  # the id behind a pseudonymous key (learners)
    erased = UnicodeAttribute(null=True)  # when that id's data was erased (then no label, no ref)


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


def _guarded_entry(pk: str, key: str, label: str, ref: str, since: str) -> dict[str, Any]:
    """The key's entry with its label and id, unless that id's data was erased after ``since``."""
    return {"Update": {
        "TableName": settings().reports_table, "Key": {"pk": {"S": pk}, "sk": {"S": key}},
        "UpdateExpression": "SET #l = :l, #r = :r REMOVE #e",
        "ConditionExpression": "attribute_not_exists(#e) OR #e < :s",
        "ExpressionAttributeNames": {"#l": "label", "#r": "ref", "#e": "erased"},
        "ExpressionAttributeValues": {":l": {"S": label}, ":r": {"S": ref}, ":s": {"S": since}}}}


def apply(change_id: str, realm_id: str, deltas: dict[tuple[str, str, str], dict[str, float]],
          labels: dict[tuple[str, str], str], *, guarded: dict[tuple[str, str], tuple[str, str]] | None = None) -> bool:
    """Add ``deltas`` ((dimension, key, day) → counter → amount) once per ``change_id``; False
    if that change was applied before. ``guarded`` keys ((dimension, key) → (id, since)) are
    pseudonyms whose entry keeps the id: if that id's data was erased after ``since`` (the
    registration's creation), the change adds nothing to those keys and does not name them."""
    table = settings().reports_table
    guarded = guarded or {}
    items: list[dict[str, Any]] = [{"Put": {
        "TableName": table, "ConditionExpression": "attribute_not_exists(pk)",
        "Item": {"pk": {"S": f"AGG#{change_id}"}, "sk": {"S": "EVENT"},
                 "expires": {"N": str(int(time.time()) + MARKER_SECONDS)}}}}]
    items += [_guarded_entry(f"{realm_id}#AGGKEYS#{dimension}", key, labels.get((dimension, key), ""), ref, since)
              for (dimension, key), (ref, since) in guarded.items()]
    items += month_updates(realm_id, deltas)
    items += [{"Put": {"TableName": table, "Item": {"pk": {"S": f"{realm_id}#AGGKEYS#{dimension}"}, "sk": {"S": key},
                                                     "label": {"S": label}}}}
              for (dimension, key), label in labels.items() if (dimension, key) not in guarded]
    try:
        _client().transact_write_items(TransactItems=items, ClientRequestToken=uuid.uuid4().hex)
    except ClientError as err:
        reasons = err.response.get("CancellationReasons") or []
        if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
            return False
        refused = {key for key, reason in zip(guarded, reasons[1:], strict=False)
                   if reason.get("Code") == "ConditionalCheckFailed"}
        if refused:  # erased since: the change again, without those keys
            return apply(change_id, realm_id, {k: v for k, v in deltas.items() if k[:2] not in refused},
                         {k: v for k, v in labels.items() if k not in refused},
                         guarded={k: v for k, v in guarded.items() if k not in refused})
        raise
    return True


def forget(realm_id: str, dimension: str, key: str) -> int:
    """Erase what a (pseudonymous) key says of its id: its entry keeps only the time of erasure
    (no label, no id), its counters are deleted. The number of items removed or blanked."""
    erased_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+0000")  # as registrations' ``created``
    KeyItem(f"{realm_id}#AGGKEYS#{dimension}", key, label="", erased=erased_at).save()
    months = list(KeyItem.query(aggregate_pk(realm_id, dimension, key), attributes_to_get=["pk", "sk"],
                                consistent_read=True))  # all written before the tombstone; later ones it refuses
    with KeyItem.batch_write() as batch:
        for item in months:
            batch.delete(item)
    return 1 + len(months)


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
