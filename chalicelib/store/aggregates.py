"""Reportage aggregates on the reports table: counters per realm × dimension × UTC day, one item
per key and month, the month's days packed into one attribute.

Key layout:

* ``{realm}#AGG#{dimension}#{key}`` / ``M#{yyyy-mm}``   the counters of every day of one month,
  packed (:func:`pack`) into text attributes — ``n`` the counter names, ``s`` the month's running
  totals at each day with activity, ``t`` its totals row; a 90-day report reads at most four items
  per key, each five attributes however full its days are, and a table row takes two running
  totals per month (dimension ``all`` with key ``-``, ``course``, ``learner``, ``invitation``,
  ``destination``, ``app``);
* ``{realm}#AGGKEYS#{dimension}`` / ``{key}``          a key seen in a dimension: its label, its
  registrations (all time) and, on index ``gsi1`` (``{realm}#AGGRANK#{dimension}`` / registrations
  descending), its rank, so a table of the busiest keys reads a bounded number of items; a
  learner's key is a pseudonym and its entry holds the learner id as ``ref``, or ``erased``: the
  time the learner's data was erased, when there is nothing of them left but counts elsewhere;
* ``{realm}#AGGCOUNT`` / ``{dimension}``                 how many keys a dimension has;
* ``{realm}#AGGCLOCK`` / ``-``                           the realm's aggregates version (below);
* ``AGG#{change}`` / ``EVENT``                          a registration change applied (TTL 7 days).

Writing is read–modify–write with optimistic concurrency: the changes of a batch read their
realm's clock (``{realm}#AGGCLOCK``), then their markers, month items and key items in one
``BatchGetItem``, skip those whose marker exists, add their deltas, and write everything back in
one ``TransactWriteItems`` (up to 100 items; a larger batch takes several) that moves the clock on,
conditioned on the value read — so of two writers of a realm's aggregates only one commits, and
the other reads again. A change is therefore applied once and wholly, or not at all; a conflict
with a concurrent writer re-reads and retries. Reports read these items only, never the
registrations.

Erasure (GDPR Art. 17, :func:`forget`) writes its tombstone under the same clock, so a writer that
read the key entry before the tombstone fails its condition and reads again: a *guarded* key (a
pseudonym, :class:`Change`) whose entry says ``erased`` at or after the registration's creation
gets no counts and no label from that change.
"""

from __future__ import annotations

import bisect
import calendar
import json
import logging
import random
import re
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
            *(f"h{n}" for n in range(10)), "launches")
MARKER_SECONDS = 7 * 24 * 3600
TRANSACTION_ITEMS = 100  # DynamoDB's limit per TransactWriteItems, and per BatchGetItem
ATTEMPTS = 10
RANK_TOP = 10**12
_LEGACY_DAY = re.compile(r"^d(\d\d)_(\w+)$")  # the earlier layout: one attribute per day and counter
LOG = logging.getLogger("nimbus.reports")

Deltas = dict[tuple[str, str, str], dict[str, float]]  # (dimension, key, day) → counter → amount
Labels = dict[tuple[str, str], str]  # (dimension, key) → label
Guarded = dict[tuple[str, str], tuple[str, str]]  # (dimension, key) → (id behind the key, since)


def _meta() -> Any:
    return type("Meta", (), {"table_name": settings().reports_table, "region": settings().region})


class KeyItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    label = UnicodeAttribute(default="")
    registrations = NumberAttribute(default=0)
    ref = UnicodeAttribute(null=True)  # the id behind a pseudonymous key (learners)
    erased = UnicodeAttribute(null=True)  # when that id's data was erased (then no label, no ref)


@lru_cache(maxsize=1)
def _client() -> Any:
    return boto3.client("dynamodb", region_name=settings().region)


def aggregate_pk(realm_id: str, dimension: str, key: str) -> str:
    return f"{realm_id}#AGG#{dimension}#{key}"


def _keys_pk(realm_id: str, dimension: str) -> str:
    return f"{realm_id}#AGGKEYS#{dimension}"


def _rank_pk(realm_id: str, dimension: str) -> str:
    return f"{realm_id}#AGGRANK#{dimension}"


# --- the packed month ---------------------------------------------------------------------------


def _days_in(month: str) -> int:
    return calendar.monthrange(int(month[:4]), int(month[5:7]))[1]


def pack(days: dict[str, dict[str, float]]) -> dict[str, dict[str, str]]:
    """A month's days (``dd`` → counter → amount) as item attributes: ``n`` the counter names
    (JSON) and ``s`` the month's running totals at each day with activity — the day numbers, then
    a row per day, in the order of ``n`` (``3,10;2.0,0.5;3.0,0.5``). A day's counters are the
    difference of its row and the one before; a range's totals the difference of two rows, found
    by splitting text, never a sum over its days; ``t`` repeats the last row (the month's totals,
    all a table reads of a month its range covers whole). Zero days and counters are left out."""
    kept = {dd: {n: a for n, a in counters.items() if round(a, 4)} for dd, counters in days.items()}
    kept = {dd: counters for dd, counters in kept.items() if counters}
    names = sorted({name for counters in kept.values() for name in counters})
    running, rows = [0.0] * len(names), []
    for dd in sorted(kept):
        running = [round(total + kept[dd].get(name, 0.0), 4) for total, name in zip(running, names, strict=True)]
        rows.append(",".join(map(repr, running)))
    return {"n": {"S": json.dumps(names, separators=(",", ":"))},
            "s": {"S": ";".join([",".join(str(int(dd)) for dd in sorted(kept)), *rows])},
            "t": {"S": rows[-1] if rows else ""}}


def unpack(item: dict[str, Any]) -> dict[str, dict[str, float]]:
    """A month item's days (``dd`` → counter → amount), packed or in the earlier layout."""
    month: dict[str, dict[str, float]] = defaultdict(dict)
    if "s" in item and "n" in item and item["s"]["S"]:
        names = json.loads(item["n"]["S"])
        parts = item["s"]["S"].split(";")
        before = [0.0] * len(names)
        for day, text in zip(parts[0].split(","), parts[1:], strict=True):
            row = [float(a) for a in text.split(",")]
            moved = ((name, round(b - a, 4)) for name, a, b in zip(names, before, row, strict=True))
            month[f"{int(day):02d}"].update((name, amount) for name, amount in moved if amount)
            before = row
    for attribute, value in item.items():
        matched = _LEGACY_DAY.match(attribute)
        if matched and "N" in value:
            counters = month[matched.group(1)]
            counters[matched.group(2)] = counters.get(matched.group(2), 0.0) + float(value["N"])
    return {dd: counters for dd, counters in month.items() if counters}


def _range(item: dict[str, Any], start: int, end: int) -> dict[str, float]:
    """A packed month item's totals over days ``start + 1`` … ``end``: two running totals."""
    parts = item["s"]["S"].split(";")
    days = [int(day) for day in parts[0].split(",")] if parts[0] else []
    at_end, at_start = bisect.bisect_right(days, end) - 1, bisect.bisect_right(days, start) - 1
    if at_end < 0 or at_end == at_start:
        return {}
    last = [float(a) for a in parts[1 + at_end].split(",")]
    first = [float(a) for a in parts[1 + at_start].split(",")] if at_start >= 0 else [0.0] * len(last)
    return {name: b - a for name, a, b in zip(json.loads(item["n"]["S"]), first, last, strict=True) if b - a}


# --- applying changes ---------------------------------------------------------------------------


@dataclass
class Change:
    """One registration change for :func:`apply_many`."""

    change_id: str
    realm_id: str
    deltas: Deltas
    labels: Labels = field(default_factory=dict)
    guarded: Guarded = field(default_factory=dict)

    def marker(self) -> tuple[str, str]:
        return f"AGG#{self.change_id}", "EVENT"

    def months(self) -> set[tuple[str, str]]:
        return {(aggregate_pk(self.realm_id, d, k), f"M#{day[:7]}") for (d, k, day) in self.deltas}

    def key_items(self) -> set[tuple[str, str]]:
        named = {(d, k) for (d, k, _day) in self.deltas if d != "all"} | set(self.labels) | set(self.guarded)
        return {(_keys_pk(self.realm_id, d), k) for (d, k) in named}

    def touched(self) -> set[tuple[str, str]]:
        """Every item the change's transaction may write (a new key also counts in AGGCOUNT)."""
        counts = {(f"{self.realm_id}#AGGCOUNT", pk.rsplit("#", 1)[1]) for pk, _key in self.key_items()}
        return {self.marker(), _clock(self.realm_id)} | self.months() | self.key_items() | counts


def apply(change_id: str, realm_id: str, deltas: Deltas, labels: Labels, *,
          guarded: Guarded | None = None) -> bool:
    """Add ``deltas`` ((dimension, key, day) → counter → amount) once per ``change_id``; False
    if that change was applied before. ``guarded`` keys ((dimension, key) → (id, since)) are
    pseudonyms whose entry keeps the id: if that id's data was erased at or after ``since`` (the
    registration's creation), the change adds nothing to those keys and does not name them."""
    return apply_many([Change(change_id, realm_id, deltas, labels, guarded or {})])[0]


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
        if len(mine) > TRANSACTION_ITEMS:  # its marker must be in the same transaction as its counts
            msg = f"change {change.change_id} touches {len(mine)} aggregate items (at most {TRANSACTION_ITEMS})"
            raise ValueError(msg)
        if group and len(touched) + len(mine - touched) > TRANSACTION_ITEMS:
            _apply_group([changes[i] for i in group], group, results)
            group, touched = [], set()
        group.append(index)
        touched |= mine
    if group:
        _apply_group([changes[i] for i in group], group, results)
    return results


def _clock(realm_id: str) -> tuple[str, str]:
    """The realm's aggregates version: every transaction that writes the realm's aggregates moves
    it, conditioned on the value it read before reading anything else."""
    return f"{realm_id}#AGGCLOCK", "-"


def _apply_group(changes: list[Change], indexes: list[int], results: list[bool]) -> None:
    """Read the realms' clocks, then (consistently) every item the changes touch, then write it all
    back with the clocks moved on, conditioned on the values read: a transaction that wrote any of
    those realms' aggregates after the clocks were read fails the condition, and we read again.
    (One condition per realm instead of one per item: a realm's writers meet on its ``all``
    items anyway.)"""
    for attempt in range(ATTEMPTS):
        wanted = {_clock(change.realm_id) for change in changes}
        clocks = _batch_get(wanted)
        items = _batch_get({key for change in changes for key in change.touched()} - wanted)
        read = items | clocks  # the clocks as first read, even if they moved since
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
            continue  # a concurrent writer moved a clock (and may have applied a change): read again
        for index, _change in fresh:
            results[index] = True
        return
    msg = f"Reportage aggregates: {ATTEMPTS} conflicting attempts for {len(changes)} change(s)"
    raise RuntimeError(msg)


def _batch_get(keys: set[tuple[str, str]], *, consistent: bool = True,
               attributes: tuple[str, ...] = ()) -> dict[tuple[str, str], dict[str, Any]]:
    """The items of ``keys`` that exist (read consistently for a read–modify–write; only
    ``attributes`` and the keys, when given)."""
    table = settings().reports_table
    found: dict[tuple[str, str], dict[str, Any]] = {}
    wanted = [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in sorted(keys)]
    projection = ({"ProjectionExpression": ", ".join(f"#a{n}" for n in range(len(attributes) + 2)),
                   "ExpressionAttributeNames": {f"#a{n}": a for n, a in enumerate(("pk", "sk", *attributes))}}
                  if attributes else {})
    for start in range(0, len(wanted), TRANSACTION_ITEMS):
        request: dict[str, Any] = {table: {"Keys": wanted[start:start + TRANSACTION_ITEMS],
                                           "ConsistentRead": consistent, **projection}}
        for attempt in range(ATTEMPTS):
            answer = _client().batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(table, []):
                found[(item["pk"]["S"], item["sk"]["S"])] = item
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                break
            time.sleep(0.01 * 2 ** attempt)
    return found


def _clock_write(table: str, realm_id: str, read: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    pk, sk = _clock(realm_id)
    before = read.get((pk, sk))
    item = {"pk": {"S": pk}, "sk": {"S": sk}}
    if before is None:
        return {"Put": {"TableName": table, "Item": {**item, "v": {"N": "1"}},
                        "ConditionExpression": "attribute_not_exists(pk)"}}
    version = int(before["v"]["N"])
    return {"Put": {"TableName": table, "Item": {**item, "v": {"N": str(version + 1)}},
                    "ConditionExpression": "v = :v", "ExpressionAttributeValues": {":v": {"N": str(version)}}}}


class _KeyItems:
    """The key items a transaction rewrites: label, registrations (all time), rank and, of a
    pseudonymous key, the id behind it (``ref``) or the time that id's data was erased."""

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
                                   "rank": _rank_pk(realm_id, dimension),
                                   "ref": before.get("ref", {}).get("S"), "erased": before.get("erased", {}).get("S")}
        return self.entries[where]

    def erased(self, realm_id: str, dimension: str, key: str) -> str:
        """When the id behind the key had its data erased ("" if never, or not since a later
        registration named it again), as this transaction leaves it."""
        where = (_keys_pk(realm_id, dimension), key)
        entry = self.entries.get(where) or {"erased": (self.read.get(where) or {}).get("erased", {}).get("S")}
        return entry["erased"] or ""

    def admit(self, change: Change) -> set[tuple[str, str]]:
        """The guarded keys of ``change`` whose id had its data erased at or after the change's
        registration was created: the change neither counts nor names them. The others get their
        id (``ref``); a tombstone older than the registration gives way to it (a new learner)."""
        refused = set()
        for (dimension, key), (ref, since) in change.guarded.items():
            erased = self.erased(change.realm_id, dimension, key)
            if erased and erased >= since:
                refused.add((dimension, key))
                continue
            entry = self.entry(change.realm_id, dimension, key)
            if erased:
                self.added[(change.realm_id, dimension)] += 1  # counted again (forget() took it out)
            entry["changed"] = entry["changed"] or entry["ref"] != ref or bool(erased)
            entry["ref"], entry["erased"] = ref, None
        return refused

    def writes(self, table: str) -> list[dict[str, Any]]:
        out = []
        for (pk, key), entry in self.entries.items():
            if not entry["changed"]:
                continue
            count = round(entry["registrations"])  # below 0 only while changes arrive out of order
            item = {"pk": {"S": pk}, "sk": {"S": key}, "label": {"S": entry["label"]},
                    "registrations": {"N": str(count)}, "gsi1pk": {"S": entry["rank"]},
                    "gsi1sk": {"S": f"{RANK_TOP - max(0, count):013d}#{key}"}}
            item |= {name: {"S": entry[name]} for name in ("ref", "erased") if entry[name]}
            out.append({"Put": {"TableName": table, "Item": item}})
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
        # No condition of its own: two writers of the same change both move the realm's clock
        # from the value they read, so only one commits (the other reads again, sees the
        # marker, and counts nothing).
        writes.append({"Put": {"TableName": table,
                               "Item": {"pk": {"S": pk}, "sk": {"S": sk}, "expires": {"N": expires}}}})
        refused = keys.admit(change)
        for (dimension, key, day), counters in change.deltas.items():
            if (dimension, key) in refused:
                continue
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
            if (dimension, key) in refused:
                continue
            entry = keys.entry(change.realm_id, dimension, key)
            entry["changed"] = entry["changed"] or entry["label"] != label
            entry["label"] = label
    for (pk, sk), month in months.items():
        writes.append({"Put": {"TableName": table, "Item": {"pk": {"S": pk}, "sk": {"S": sk}, **pack(month)}}})
    realms = sorted({change.realm_id for change in changes})
    return writes + keys.writes(table) + [_clock_write(table, realm_id, read) for realm_id in realms]


def _transact(writes: list[dict[str, Any]]) -> None:
    _client().transact_write_items(TransactItems=writes, ClientRequestToken=uuid.uuid4().hex)


def forget(realm_id: str, dimension: str, key: str) -> int:
    """Erase what a (pseudonymous) key says of its id: its entry keeps only the time of erasure
    (no label, no id, no rank), its month items are deleted. The tombstone moves the realm's clock
    like any write, so a writer that read the entry before it reads again and sees it. The number
    of items removed or blanked."""
    erased_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+0000")  # as registrations' ``created``
    table = settings().reports_table
    tombstone = {"Put": {"TableName": table, "Item": {
        "pk": {"S": _keys_pk(realm_id, dimension)}, "sk": {"S": key}, "label": {"S": ""},
        "registrations": {"N": "0"}, "erased": {"S": erased_at}}}}
    where = (_keys_pk(realm_id, dimension), key)
    for attempt in range(ATTEMPTS):
        read = _batch_get({_clock(realm_id)})
        read |= _batch_get({where})  # after the clock: a key its condition lets no one change unseen
        counted = where in read and "erased" not in read[where]
        uncount = [{"Update": {  # a key fewer in the dimension (tableMore), until it is named again
            "TableName": table, "Key": {"pk": {"S": f"{realm_id}#AGGCOUNT"}, "sk": {"S": dimension}},
            "UpdateExpression": "ADD #k :n", "ExpressionAttributeNames": {"#k": "keys"},
            "ExpressionAttributeValues": {":n": {"N": "-1"}}}}] if counted else []
        try:
            _transact([tombstone, *uncount, _clock_write(table, realm_id, read)])
            break
        except ClientError as err:
            reasons = [r.get("Code") for r in err.response.get("CancellationReasons") or []]
            if not {"ConditionalCheckFailed", "TransactionConflict"} & set(reasons):
                raise
            time.sleep(min(0.5, 0.01 * 2 ** attempt) * random.random())  # noqa: S311 - jitter
    else:
        msg = f"Reportage aggregates: {ATTEMPTS} conflicting attempts to forget a {dimension} key"
        raise RuntimeError(msg)
    months = list(KeyItem.query(aggregate_pk(realm_id, dimension, key), attributes_to_get=["pk", "sk"],
                                consistent_read=True))  # all written before the tombstone; later ones it refuses
    with KeyItem.batch_write() as batch:
        for item in months:
            batch.delete(item)
    return 1 + len(months)


# --- reading ------------------------------------------------------------------------------------


def _in_range(month: str, days: dict[str, dict[str, float]], first: str,
              last: str) -> Iterator[tuple[str, dict[str, float]]]:
    for dd in sorted(days):
        day = f"{month}-{dd}"
        if first <= day <= last and days[dd]:
            yield day, days[dd]


def _month_items(realm_id: str, dimension: str, key: str, first: str, last: str) -> Iterator[dict[str, Any]]:
    pages = _client().get_paginator("query").paginate(
        TableName=settings().reports_table, KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
        ExpressionAttributeValues={":p": {"S": aggregate_pk(realm_id, dimension, key)},
                                   ":a": {"S": f"M#{first[:7]}"}, ":b": {"S": f"M#{last[:7]}"}})
    for page in pages:
        yield from page.get("Items", [])


def days(realm_id: str, dimension: str, key: str, first: str, last: str) -> Iterator[tuple[str, dict[str, float]]]:
    """(day, counters) of every day from ``first`` to ``last`` that has any, in order."""
    for item in _month_items(realm_id, dimension, key, first, last):
        yield from _in_range(item["sk"]["S"][2:], unpack(item), first, last)


def report_data(realm_id: str, dimension: str, key: str, first: str, last: str, *,
                series: tuple[str, ...]) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """One key's totals from ``first`` to ``last`` (two running totals per month) and, per day with
    activity, the ``series`` counters only: what a report shows, from one Query."""
    totals: dict[str, float] = defaultdict(float)
    by_day: dict[str, dict[str, float]] = {}
    for item in _month_items(realm_id, dimension, key, first, last):
        month = item["sk"]["S"][2:]
        if "s" not in item:  # the earlier layout
            for day, counters in _in_range(month, unpack(item), first, last):
                by_day[day] = {name: counters.get(name, 0.0) for name in series}
                for name, amount in counters.items():
                    totals[name] += amount
            continue
        start = int(first[8:10]) - 1 if month == first[:7] else 0
        end = int(last[8:10]) if month == last[:7] else 31
        for name, amount in _range(item, start, end).items():
            totals[name] += amount
        names = json.loads(item["n"]["S"])
        where = [(name, names.index(name)) for name in series if name in names]
        parts = item["s"]["S"].split(";")
        before = [0.0] * len(where)
        for day, text in zip(parts[0].split(",") if parts[0] else [], parts[1:], strict=True):
            cells = text.split(",")
            row = [float(cells[n]) for _name, n in where]
            if start < int(day) <= end:
                by_day[f"{month}-{int(day):02d}"] = {name: round(b - a, 4) for (name, _n), a, b
                                                     in zip(where, before, row, strict=True)}
            before = row
    return dict(totals), by_day


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last[:7]:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def totals_of_keys(realm_id: str, dimension: str, keys: Iterable[str], first: str,
                   last: str) -> dict[str, dict[str, float]]:
    """Each key's counters summed from ``first`` to ``last``, never a sum over the days: of a month
    the range covers whole, its totals row ``t`` only; of the (at most two) others, two running
    totals (``BatchGetItem``, 100 items a call)."""
    wanted = list(dict.fromkeys(keys))
    months = _months(first, last)
    ends = {m: _days_in(m) for m in months}
    bounds = {m: (int(first[8:10]) - 1 if m == first[:7] else 0, int(last[8:10]) if m == last[:7] else ends[m])
              for m in months}  # running total at the end minus at the start (0: the month's start)
    whole = [m for m in months if bounds[m] == (0, ends[m])]
    found = _batch_get({(aggregate_pk(realm_id, dimension, key), f"M#{m}") for key in wanted for m in months
                        if m not in whole}, consistent=False)
    found |= _batch_get({(aggregate_pk(realm_id, dimension, key), f"M#{m}") for key in wanted for m in whole},
                        consistent=False, attributes=("n", "t"))
    totals: dict[str, dict[str, float]] = {key: defaultdict(float) for key in wanted}
    prefix = len(aggregate_pk(realm_id, dimension, ""))
    for (pk, sk), item in found.items():
        key, month = pk[prefix:], sk[2:]
        moved: Iterable[tuple[str, float]]
        if month in whole and "t" in item and "n" in item:
            moved = (zip(json.loads(item["n"]["S"]), map(float, item["t"]["S"].split(",")), strict=True)
                     if item["t"]["S"] else ())
        elif "s" in item:
            moved = _range(item, *bounds[month]).items()
        else:  # a month item of an earlier layout: read it whole
            moved = ((name, amount) for _day, counters in days(
                realm_id, dimension, key, max(first, f"{month}-01"), min(last, f"{month}-{ends[month]:02d}"))
                for name, amount in counters.items())
        for name, amount in moved:
            totals[key][name] += amount
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
                    registrations=int(item.get("registrations", {}).get("N", "0")),
                    ref=item.get("ref", {}).get("S"), erased=item.get("erased", {}).get("S"))
            for item in answer["Items"]]


def key_count(realm_id: str, dimension: str) -> int:
    """How many keys ``dimension`` has."""
    item = _client().get_item(TableName=settings().reports_table,
                              Key={"pk": {"S": f"{realm_id}#AGGCOUNT"}, "sk": {"S": dimension}}).get("Item") or {}
    return int(Decimal(item.get("keys", {}).get("N", "0")))
