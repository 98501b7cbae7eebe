"""Reportage aggregates on the reports table: counters per realm × dimension × UTC day, one item
per key and month, the month's days packed into one attribute.

Key layout:

* ``{realm}#AGG#{dimension}#{key}`` / ``M#{yyyy-mm}``   the counters of every day of one month,
  packed (:func:`pack`) into the text attribute ``c`` — counter names once, then one row of
  numbers per day with activity — with a version ``v``; a 90-day report reads at most four items
  per key, each four attributes however full its days are (dimension ``all`` with key ``-``,
  ``course``, ``learner``, ``invitation``, ``destination``, ``app``);
* ``{realm}#AGGKEYS#{dimension}`` / ``{key}``          a key seen in a dimension: its label, its
  registrations (all time) and, on index ``gsi1`` (``{realm}#AGGRANK#{dimension}`` / registrations
  descending), its rank, so a table of the busiest keys reads a bounded number of items;
* ``{realm}#AGGCOUNT`` / ``{dimension}``                 how many keys a dimension has;
* ``AGG#{change}`` / ``EVENT``                          a registration change applied (TTL 7 days).

Writing is read–modify–write with optimistic versions: the changes of a batch read their markers,
month items and key items in one ``BatchGetItem``, skip those whose marker exists, add their
deltas, and write everything back in one ``TransactWriteItems`` (up to 100 items; a larger batch
takes several) — every month and key item conditioned on the version it was read at, so of two
writers of the same items only one commits. A change is therefore applied once and wholly, or not at all; a conflict
with a concurrent writer re-reads and retries. Reports read these items only, never the
registrations.
"""

from __future__ import annotations

import calendar
import json
import logging
import random
import re
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import ClientError
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.config import settings

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

COUNTERS = ("registrations", "completions", "passes", "failures", "score_sum", "score_count", "seconds",
            *(f"h{n}" for n in range(10)))
MARKER_SECONDS = 7 * 24 * 3600
TRANSACTION_ITEMS = 100  # DynamoDB's limit per TransactWriteItems, and per BatchGetItem
ATTEMPTS = 10
RANK_TOP = 10**12
_LEGACY_DAY = re.compile(r"^d(\d\d)_(\w+)$")  # the earlier layout: one attribute per day and counter
LOG = logging.getLogger("nimbus.reports")

Deltas = dict[tuple[str, str, str], dict[str, float]]  # (dimension, key, day) → counter → amount
Labels = dict[tuple[str, str], str]  # (dimension, key) → label


def _meta() -> Any:
    return type("Meta", (), {"table_name": settings().reports_table, "region": settings().region})


class KeyItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    label = UnicodeAttribute(default="")
    registrations = NumberAttribute(default=0)


@lru_cache(maxsize=1)
def _client() -> Any:
    return boto3.client("dynamodb", region_name=settings().region)


def aggregate_pk(realm_id: str, dimension: str, key: str) -> str:
    return f"{realm_id}#AGG#{dimension}#{key}"


def _keys_pk(realm_id: str, dimension: str) -> str:
    return f"{realm_id}#AGGKEYS#{dimension}"


def _rank_pk(realm_id: str, dimension: str) -> str:
    return f"{realm_id}#AGGRANK#{dimension}"


def _plain(amount: float) -> float | int:
    rounded = round(amount, 4)
    return int(rounded) if rounded == int(rounded) else rounded


# --- the packed month ---------------------------------------------------------------------------


def _days_in(month: str) -> int:
    return calendar.monthrange(int(month[:4]), int(month[5:7]))[1]


def pack(month: str, days: dict[str, dict[str, float]]) -> dict[str, dict[str, str]]:
    """A month's days (``dd`` → counter → amount) as item attributes: ``n`` the counter names
    (JSON), ``c`` the days with activity (``{dd: [amounts in the order of n]}``) and ``s{dd}`` the
    running totals from the month's first day through ``dd`` (a JSON row), for every day from the
    first with activity to the month's end — so a range's totals are two running totals per key
    and month, whatever the number of days with activity. Zero days and counters are left out."""
    kept = {dd: {n: a for n, a in counters.items() if round(a, 4)} for dd, counters in days.items()}
    kept = {dd: counters for dd, counters in kept.items() if counters}
    names = sorted({name for counters in kept.values() for name in counters})
    rows = {dd: [days[dd].get(name, 0.0) for name in names] for dd in sorted(kept)}
    attributes = {"n": {"S": json.dumps(names, separators=(",", ":"))},
                  "c": {"S": json.dumps({dd: [_plain(a) for a in row] for dd, row in rows.items()},
                                        separators=(",", ":"))}}
    running = [0.0] * len(names)
    for day in range(int(min(rows)) if rows else 32, _days_in(month) + 1):
        for n, amount in enumerate(rows.get(f"{day:02d}", ())):
            running[n] += amount
        attributes[f"s{day:02d}"] = {"S": json.dumps([round(a, 4) for a in running], separators=(",", ":"))}
    return attributes


def unpack(item: dict[str, Any]) -> dict[str, dict[str, float]]:
    """A month item's days (``dd`` → counter → amount), packed or in the earlier layout."""
    month: dict[str, dict[str, float]] = defaultdict(dict)
    if "c" in item and "n" in item:
        names = json.loads(item["n"]["S"])
        for dd, row in json.loads(item["c"]["S"]).items():
            month[dd].update((name, float(amount)) for name, amount in zip(names, row, strict=True) if amount)
    for attribute, value in item.items():
        matched = _LEGACY_DAY.match(attribute)
        if matched and "N" in value:
            counters = month[matched.group(1)]
            counters[matched.group(2)] = counters.get(matched.group(2), 0.0) + float(value["N"])
    return dict(month)


def _running(item: dict[str, Any], day: int) -> dict[str, float]:
    """The running totals of a packed month item through ``day`` (0: nothing yet)."""
    value = item.get(f"s{day:02d}") if day else None
    if value is None:
        return {}
    return dict(zip(json.loads(item["n"]["S"]), json.loads(value["S"]), strict=True))


# --- applying changes ---------------------------------------------------------------------------


@dataclass
class Change:
    """One registration change for :func:`apply_many`."""

    change_id: str
    realm_id: str
    deltas: Deltas
    labels: Labels = field(default_factory=dict)

    def marker(self) -> tuple[str, str]:
        return f"AGG#{self.change_id}", "EVENT"

    def months(self) -> set[tuple[str, str]]:
        return {(aggregate_pk(self.realm_id, d, k), f"M#{day[:7]}") for (d, k, day) in self.deltas}

    def key_items(self) -> set[tuple[str, str]]:
        named = {(d, k) for (d, k, _day) in self.deltas if d != "all"} | set(self.labels)
        return {(_keys_pk(self.realm_id, d), k) for (d, k) in named}

    def touched(self) -> set[tuple[str, str]]:
        """Every item the change's transaction may write (a new key also counts in AGGCOUNT)."""
        counts = {(f"{self.realm_id}#AGGCOUNT", pk.rsplit("#", 1)[1]) for pk, _key in self.key_items()}
        return {self.marker()} | self.months() | self.key_items() | counts


def apply(change_id: str, realm_id: str, deltas: Deltas, labels: Labels) -> bool:
    """Add ``deltas`` ((dimension, key, day) → counter → amount) once per ``change_id``; False
    if that change was applied before."""
    return apply_many([Change(change_id, realm_id, deltas, labels)])[0]


def apply_many(changes: list[Change]) -> list[bool]:
    """Apply several changes, as few transactions as DynamoDB's limits allow (a change repeated
    in the list counts once); True for each change applied now, False for one applied before.
    Raises if a group could not be written; the groups before it stay applied (each change is
    wholly in one group), so a caller may retry every change."""
    results: list[bool] = [False] * len(changes)
    group: list[int] = []
    touched: set[tuple[str, str]] = set()
    for index, change in enumerate(changes):
        mine = change.touched()
        if group and len(touched) + len(mine - touched) > TRANSACTION_ITEMS:
            _apply_group([changes[i] for i in group], group, results)
            group, touched = [], set()
        group.append(index)
        touched |= mine
    if group:
        _apply_group([changes[i] for i in group], group, results)
    return results


def _apply_group(changes: list[Change], indexes: list[int], results: list[bool]) -> None:
    for attempt in range(ATTEMPTS):
        read = _batch_get({key for change in changes for key in change.touched()})
        seen: set[str] = set()
        fresh: list[tuple[int, Change]] = []
        for index, change in zip(indexes, changes, strict=True):
            if change.marker() not in read and change.change_id not in seen:
                fresh.append((index, change))
            seen.add(change.change_id)
        if not fresh:
            return
        try:
            _transact(_writes([c for _i, c in fresh], read))
        except ClientError as err:
            reasons = [r.get("Code") for r in err.response.get("CancellationReasons") or []]
            if not {"ConditionalCheckFailed", "TransactionConflict"} & set(reasons):
                raise
            time.sleep(min(0.5, 0.01 * 2 ** attempt) * random.random())  # noqa: S311 - jitter
            continue  # a concurrent writer moved a version (or applied a change): read again
        for index, _change in fresh:
            results[index] = True
        return
    msg = f"Reportage aggregates: {ATTEMPTS} conflicting attempts for {len(changes)} change(s)"
    raise RuntimeError(msg)


def _batch_get(keys: set[tuple[str, str]],
               attributes: list[str] | None = None) -> dict[tuple[str, str], dict[str, Any]]:
    """The items of ``keys`` that exist (only ``attributes``, when given), read consistently."""
    table = settings().reports_table
    found: dict[tuple[str, str], dict[str, Any]] = {}
    wanted = [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in sorted(keys)]
    projection = ({"ProjectionExpression": ", ".join(f"#p{n}" for n in range(len(attributes))),
                   "ExpressionAttributeNames": {f"#p{n}": name for n, name in enumerate(attributes)}}
                  if attributes else {})
    for start in range(0, len(wanted), TRANSACTION_ITEMS):
        request: dict[str, Any] = {table: {"Keys": wanted[start:start + TRANSACTION_ITEMS], "ConsistentRead": True,
                                           **projection}}
        for attempt in range(ATTEMPTS):
            answer = _client().batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(table, []):
                found[(item["pk"]["S"], item["sk"]["S"])] = item
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                break
            time.sleep(0.01 * 2 ** attempt)
    return found


def _versioned(table: str, item: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
    """A Put of ``item`` at the next version of ``before`` (None: the item must not exist)."""
    if before is None:
        return {"Put": {"TableName": table, "Item": {**item, "v": {"N": "1"}},
                        "ConditionExpression": "attribute_not_exists(pk)"}}
    if "v" not in before:
        return {"Put": {"TableName": table, "Item": {**item, "v": {"N": "1"}},
                        "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(v)"}}
    version = int(before["v"]["N"])
    return {"Put": {"TableName": table, "Item": {**item, "v": {"N": str(version + 1)}},
                    "ConditionExpression": "v = :v", "ExpressionAttributeValues": {":v": {"N": str(version)}}}}


class _KeyItems:
    """The key items a transaction rewrites: label, registrations (all time) and rank."""

    def __init__(self, read: dict[tuple[str, str], dict[str, Any]]) -> None:
        self.read = read
        self.entries: dict[tuple[str, str], dict[str, Any]] = {}
        self.added: dict[tuple[str, str], int] = defaultdict(int)  # (realm, dimension) → new keys

    def entry(self, realm_id: str, dimension: str, key: str) -> dict[str, Any]:
        where = (_keys_pk(realm_id, dimension), key)
        if where not in self.entries:
            before = self.read.get(where) or {}
            if not before:
                self.added[(realm_id, dimension)] += 1
            self.entries[where] = {"changed": not before, "label": before.get("label", {}).get("S", ""),
                                   "registrations": float(before.get("registrations", {}).get("N", "0")),
                                   "rank": _rank_pk(realm_id, dimension)}
        return self.entries[where]

    def writes(self, table: str) -> list[dict[str, Any]]:
        out = []
        for (pk, key), entry in self.entries.items():
            if not entry["changed"]:
                continue
            count = round(entry["registrations"])  # below 0 only while changes arrive out of order
            item = {"pk": {"S": pk}, "sk": {"S": key}, "label": {"S": entry["label"]},
                    "registrations": {"N": str(count)}, "gsi1pk": {"S": entry["rank"]},
                    "gsi1sk": {"S": f"{RANK_TOP - max(0, count):013d}#{key}"}}
            out.append(_versioned(table, item, self.read.get((pk, key))))
        for (realm_id, dimension), added in self.added.items():
            out.append({"Update": {
                "TableName": table, "Key": {"pk": {"S": f"{realm_id}#AGGCOUNT"}, "sk": {"S": dimension}},
                "UpdateExpression": "ADD #k :n", "ExpressionAttributeNames": {"#k": "keys"},
                "ExpressionAttributeValues": {":n": {"N": str(added)}}}})
        return out


def _writes(changes: list[Change], read: dict[tuple[str, str], dict[str, Any]]) -> list[dict[str, Any]]:
    """The transaction of ``changes`` over the items as ``read``."""
    table = settings().reports_table
    expires = str(int(time.time()) + MARKER_SECONDS)
    writes: list[dict[str, Any]] = []
    months: dict[tuple[str, str], dict[str, dict[str, float]]] = {}
    keys = _KeyItems(read)
    for change in changes:
        pk, sk = change.marker()
        # No condition of its own: the change rewrites at least one month item at the version it
        # read, so two writers of the same change cannot both commit (the second re-reads, sees
        # the marker, and counts nothing).
        writes.append({"Put": {"TableName": table,
                               "Item": {"pk": {"S": pk}, "sk": {"S": sk}, "expires": {"N": expires}}}})
        for (dimension, key, day), counters in change.deltas.items():
            where = (aggregate_pk(change.realm_id, dimension, key), f"M#{day[:7]}")
            if where not in months:
                months[where] = unpack(read[where]) if where in read else {}
            counters_of_day = months[where].setdefault(day[8:10], {})
            for name, amount in counters.items():
                counters_of_day[name] = counters_of_day.get(name, 0.0) + amount
            if dimension != "all":
                entry = keys.entry(change.realm_id, dimension, key)
                if counters.get("registrations"):
                    entry["registrations"] += counters["registrations"]
                    entry["changed"] = True
        for (dimension, key), label in change.labels.items():
            entry = keys.entry(change.realm_id, dimension, key)
            entry["changed"] = entry["changed"] or entry["label"] != label
            entry["label"] = label
    for (pk, sk), month in months.items():
        writes.append(_versioned(table, {"pk": {"S": pk}, "sk": {"S": sk}, **pack(sk[2:], month)},
                                 read.get((pk, sk))))
    return writes + keys.writes(table)


def _transact(writes: list[dict[str, Any]]) -> None:
    _client().transact_write_items(TransactItems=writes, ClientRequestToken=uuid.uuid4().hex)


# --- reading ------------------------------------------------------------------------------------


def _in_range(month: str, days: dict[str, dict[str, float]], first: str,
              last: str) -> Iterator[tuple[str, dict[str, float]]]:
    for dd in sorted(days):
        day = f"{month}-{dd}"
        if first <= day <= last and days[dd]:
            yield day, days[dd]


def days(realm_id: str, dimension: str, key: str, first: str, last: str) -> Iterator[tuple[str, dict[str, float]]]:
    """(day, counters) of every day from ``first`` to ``last`` that has any, in order."""
    pages = _client().get_paginator("query").paginate(
        TableName=settings().reports_table, KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
        ExpressionAttributeValues={":p": {"S": aggregate_pk(realm_id, dimension, key)},
                                   ":a": {"S": f"M#{first[:7]}"}, ":b": {"S": f"M#{last[:7]}"}})
    for page in pages:
        for item in page.get("Items", []):
            yield from _in_range(item["sk"]["S"][2:], unpack(item), first, last)


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last[:7]:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def totals_of_keys(realm_id: str, dimension: str, keys: Iterable[str], first: str,
                   last: str) -> dict[str, dict[str, float]]:
    """Each key's counters summed from ``first`` to ``last``, from two running totals per month
    item (``BatchGetItem`` projecting only those, 100 items a call): what a table reads does not
    grow with the number of days that have activity."""
    wanted = list(dict.fromkeys(keys))
    months = _months(first, last)
    ends = {m: _days_in(m) for m in months}
    bounds = {m: (int(first[8:10]) - 1 if m == first[:7] else 0, int(last[8:10]) if m == last[:7] else ends[m])
              for m in months}  # running total at the end minus at the start (0: the month's start)
    projected = ["pk", "sk", "n", *sorted({f"s{d:02d}" for pair in bounds.values() for d in pair if d})]
    found = _batch_get({(aggregate_pk(realm_id, dimension, key), f"M#{m}") for key in wanted for m in months},
                       projected) if wanted else {}
    totals: dict[str, dict[str, float]] = {key: defaultdict(float) for key in wanted}
    prefix = len(aggregate_pk(realm_id, dimension, ""))
    for (pk, sk), item in found.items():
        key = pk[prefix:]
        if "n" not in item:  # a month item of the earlier layout: read it whole
            for _day, counters in days(realm_id, dimension, key, max(first, f"{sk[2:]}-01"),
                                       min(last, f"{sk[2:]}-{ends[sk[2:]]:02d}")):
                for name, amount in counters.items():
                    totals[key][name] += amount
            continue
        start, end = bounds[sk[2:]]
        before = _running(item, start)
        for name, amount in _running(item, end).items():
            totals[key][name] += amount - before.get(name, 0.0)
    return {key: dict(counters) for key, counters in totals.items()}


def keys(realm_id: str, dimension: str) -> Iterator[KeyItem]:
    """Every key seen in ``dimension`` (in key order)."""
    return KeyItem.query(_keys_pk(realm_id, dimension))


def top_keys(realm_id: str, dimension: str, limit: int) -> list[KeyItem]:
    """The ``limit`` keys of ``dimension`` with the most registrations (all time), most first."""
    answer = _client().query(
        TableName=settings().reports_table, IndexName="gsi1", KeyConditionExpression="gsi1pk = :p",
        ExpressionAttributeValues={":p": {"S": _rank_pk(realm_id, dimension)}}, ScanIndexForward=True, Limit=limit)
    return [KeyItem(item["pk"]["S"], item["sk"]["S"], label=item.get("label", {}).get("S", ""),
                    registrations=int(item.get("registrations", {}).get("N", "0"))) for item in answer["Items"]]


def key_count(realm_id: str, dimension: str) -> int:
    """How many keys ``dimension`` has."""
    item = _client().get_item(TableName=settings().reports_table,
                              Key={"pk": {"S": f"{realm_id}#AGGCOUNT"}, "sk": {"S": dimension}}).get("Item") or {}
    return int(Decimal(item.get("keys", {}).get("N", "0")))
