"""Reportage aggregates on the reports table: counters per realm × dimension × UTC day.

Key layout:

* ``{realm}#AGG#{dimension}#{key}`` / ``{yyyy-mm-dd}``   the counters of one day
  (dimension ``all`` with key ``-``, ``course``, ``learner``, ``invitation``, ``destination``, ``app``);
* ``{realm}#AGGKEYS#{dimension}`` / ``{key}``           the keys seen per dimension (and a label);
* ``AGG#{change}`` / ``EVENT``                           a registration change applied (TTL 7 days).

A change's deltas, its key entries and its marker are written in one ``TransactWriteItems``, so a
change is applied once and wholly, or not at all. Reports read these items only (a date range of a
key is one Query), never the registrations: their cost does not grow with the registrations.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model

from chalicelib.config import settings
from chalicelib.store import transactions

if TYPE_CHECKING:
    from collections.abc import Iterator

COUNTERS = ("registrations", "completions", "passes", "failures", "score_sum", "score_count", "seconds",
            *(f"h{n}" for n in range(10)))
MARKER_SECONDS = 7 * 24 * 3600


def _meta() -> Any:
    return type("Meta", (), {"table_name": settings().reports_table, "region": settings().region})


class AggregateItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    registrations = NumberAttribute(default=0)
    completions = NumberAttribute(default=0)
    passes = NumberAttribute(default=0)
    failures = NumberAttribute(default=0)
    score_sum = NumberAttribute(default=0)
    score_count = NumberAttribute(default=0)
    seconds = NumberAttribute(default=0)
    h0 = NumberAttribute(default=0)
    h1 = NumberAttribute(default=0)
    h2 = NumberAttribute(default=0)
    h3 = NumberAttribute(default=0)
    h4 = NumberAttribute(default=0)
    h5 = NumberAttribute(default=0)
    h6 = NumberAttribute(default=0)
    h7 = NumberAttribute(default=0)
    h8 = NumberAttribute(default=0)
    h9 = NumberAttribute(default=0)


class KeyItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    label = UnicodeAttribute(default="")


class MarkerItem(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    expires = NumberAttribute()


def aggregate_pk(realm_id: str, dimension: str, key: str) -> str:
    return f"{realm_id}#AGG#{dimension}#{key}"


def apply(change_id: str, realm_id: str, deltas: dict[tuple[str, str, str], dict[str, float]],
          labels: dict[tuple[str, str], str]) -> bool:
    """Add ``deltas`` ((dimension, key, day) → counter → amount) once per ``change_id``; False
    if that change was applied before."""
    try:
        with transactions.transaction() as txn:
            txn.save(MarkerItem(f"AGG#{change_id}", "EVENT", expires=int(time.time()) + MARKER_SECONDS),
                     condition=MarkerItem.pk.does_not_exist())
            for (dimension, key, day), counters in deltas.items():
                actions = [getattr(AggregateItem, name).add(amount) for name, amount in counters.items() if amount]
                if actions:
                    txn.update(AggregateItem(aggregate_pk(realm_id, dimension, key), day), actions=actions)
            for (dimension, key), label in labels.items():
                txn.save(KeyItem(f"{realm_id}#AGGKEYS#{dimension}", key, label=label))
    except TransactWriteError as err:
        reasons = err.cancellation_reasons or []
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            return False
        raise
    return True


def days(realm_id: str, dimension: str, key: str, first: str, last: str) -> Iterator[AggregateItem]:
    return AggregateItem.query(aggregate_pk(realm_id, dimension, key), AggregateItem.sk.between(first, last))


def keys(realm_id: str, dimension: str) -> Iterator[KeyItem]:
    return KeyItem.query(f"{realm_id}#AGGKEYS#{dimension}")
