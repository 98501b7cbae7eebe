"""Question analysis counters on the reports table: per realm × course × UTC day × interaction.

Key layout:

* ``{realm}#QA#{courseId}`` / ``{yyyy-mm-dd}#{question}``  one interaction's answers on one day
  (``question``: a hash of the activity and interaction ids), so a report over a date range is one
  Query of the course's partition;
* ``QA#{change}#{chunk}`` / ``EVENT``                      a registration change applied (TTL 7 days).

An item holds ``attempts``, ``correct``, ``wrong``, the wrong answers it names — ``w_{h}`` (how
many) and ``t_{h}`` (the response, at most :data:`TEXT_CHARS` characters), ``h`` a hash of the
response — their number ``named``, and ``other``: the wrong answers not named. At most
:data:`NAMED_CAP` answers are named per item, so an item stays small however many learners type
something different: a response is named when it first reaches the item while there is room, and
stays named (attributes are never removed, ``named`` never falls), so every later change of the
same response — an increment or a decrement — goes to the same attribute, and the sums stay exact.
Whether a response is named is read first and then asserted in the write (``named`` unchanged),
so two consumers naming answers at once cannot exceed the cap; the loser reads again.

A change's updates and its marker are one ``TransactWriteItems`` (at most :data:`CHUNK` items
each: a change touching more is split in a fixed order, one marker per part), so each part is
applied once and wholly; a replayed change finds its markers and changes nothing.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

from chalicelib.config import settings

if TYPE_CHECKING:
    from collections.abc import Iterator

NAMED_CAP = 20
TEXT_CHARS = 200
CHUNK = 90  # a transaction holds at most 100 items: the marker plus the updates
RETRIES = 8
MARKER_SECONDS = 7 * 24 * 3600
#: counters every item may carry; a wrong answer comes as ``w:{response}``
COUNTERS = ("attempts", "correct", "wrong")
ANSWER_PREFIX = "w:"
META = ("interaction", "activity", "description", "itype")
_DESERIALIZER = TypeDeserializer()

Slot = tuple[str, str, str]  # (course id, day, question)


class StillContended(RuntimeError):
    """Other consumers kept naming answers of the same items; the record is retried later."""


@lru_cache(maxsize=1)
def _client() -> Any:
    return boto3.client("dynamodb", region_name=settings().region)


def stats_pk(realm_id: str, course_id: str) -> str:
    return f"{realm_id}#QA#{course_id}"


def answer_hash(response: str) -> str:
    return hashlib.sha256(response.encode()).hexdigest()[:16]


def _key(realm_id: str, slot: Slot) -> dict[str, Any]:
    course_id, day, question = slot
    return {"pk": {"S": stats_pk(realm_id, course_id)}, "sk": {"S": f"{day}#{question}"}}


def _number(amount: float) -> str:
    return str(int(amount)) if float(amount).is_integer() else repr(round(amount, 4))


def _named(realm_id: str, slots: list[Slot]) -> dict[Slot, tuple[int, set[str]]]:
    """(named, the hashes of the named answers) of each item, read consistently."""
    found: dict[Slot, tuple[int, set[str]]] = {}
    table = settings().reports_table
    by_key = {(k["pk"]["S"], k["sk"]["S"]): slot for slot in slots for k in [_key(realm_id, slot)]}
    wanted: dict[str, Any] = {table: {"Keys": [_key(realm_id, s) for s in slots], "ConsistentRead": True}}
    while wanted.get(table, {}).get("Keys"):
        answer = _client().batch_get_item(RequestItems=wanted)
        for item in answer.get("Responses", {}).get(table, []):
            slot = by_key[(item["pk"]["S"], item["sk"]["S"])]
            found[slot] = (int(item.get("named", {}).get("N", "0")), {a[2:] for a in item if a.startswith("w_")})
        wanted = answer.get("UnprocessedKeys") or {}
    return found


def _assign(counters: dict[str, float], state: tuple[int, set[str]]) -> tuple[dict[str, float], dict[str, str]]:
    """The amounts to add (wrong answers named ``w_{h}`` or counted as ``other``, ``named`` for
    newly named ones) and the texts to keep (``t_{h}``), given the item's named answers."""
    named, known = state
    adds: dict[str, float] = {n: counters[n] for n in COUNTERS if counters.get(n)}
    texts: dict[str, str] = {}
    newly = 0
    for name, amount in sorted(counters.items()):
        if not name.startswith(ANSWER_PREFIX) or not amount:
            continue
        response = name[len(ANSWER_PREFIX):][:TEXT_CHARS]
        digest = answer_hash(response)
        if digest not in known and named + newly >= NAMED_CAP:
            adds["other"] = adds.get("other", 0.0) + amount
            continue
        if digest not in known:
            known = known | {digest}
            newly += 1
        if amount > 0:  # (again) someone's answer: its text is kept while its count is above 0
            texts[f"t_{digest}"] = response
        adds[f"w_{digest}"] = adds.get(f"w_{digest}", 0.0) + amount
    if newly:
        adds["named"] = newly
    return adds, texts


def _update(realm_id: str, slot: Slot, counters: dict[str, float], meta: dict[str, str],
            state: tuple[int, set[str]]) -> dict[str, Any]:
    """The ``Update`` of one item: counters added, answers named or counted as other."""
    named = state[0]
    adds, texts = _assign(counters, state)
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    clauses_add, clauses_set = [], []
    for n, (attribute, amount) in enumerate(adds.items()):
        names[f"#a{n}"], values[f":a{n}"] = attribute, {"N": _number(amount)}
        clauses_add.append(f"#a{n} :a{n}")
    for n, (attribute, text) in enumerate(texts.items()):
        names[f"#t{n}"], values[f":t{n}"] = attribute, {"S": text}
        clauses_set.append(f"#t{n} = if_not_exists(#t{n}, :t{n})")
    for attribute in META:
        if meta.get(attribute):
            names[f"#{attribute}"], values[f":{attribute}"] = attribute, {"S": meta[attribute][:2000]}
            keep = attribute in ("interaction", "activity")
            clauses_set.append(f"#{attribute} = if_not_exists(#{attribute}, :{attribute})" if keep
                               else f"#{attribute} = :{attribute}")
    expression = (f"SET {', '.join(clauses_set)} " if clauses_set else "") + (
        f"ADD {', '.join(clauses_add)}" if clauses_add else "")
    update: dict[str, Any] = {"TableName": settings().reports_table, "Key": _key(realm_id, slot),
                              "UpdateExpression": expression.strip(), "ExpressionAttributeNames": names}
    if any(n.startswith(ANSWER_PREFIX) and a for n, a in counters.items()):
        names["#named"], values[":seen"] = "named", {"N": str(named)}
        update["ConditionExpression"] = ("attribute_not_exists(#named) OR #named = :seen" if named == 0
                                         else "#named = :seen")
    if values:
        update["ExpressionAttributeValues"] = values
    return {"Update": update}


def _apply_part(marker: str, realm_id: str, part: dict[Slot, dict[str, float]],
                meta: dict[str, dict[str, str]]) -> bool:
    table = settings().reports_table
    for _attempt in range(RETRIES):
        answering = [s for s, c in part.items() if any(n.startswith(ANSWER_PREFIX) and a for n, a in c.items())]
        states = _named(realm_id, answering) if answering else {}
        items: list[dict[str, Any]] = [{"Put": {
            "TableName": table, "ConditionExpression": "attribute_not_exists(pk)",
            "Item": {"pk": {"S": marker}, "sk": {"S": "EVENT"},
                     "expires": {"N": str(int(time.time()) + MARKER_SECONDS)}}}}]
        items += [_update(realm_id, slot, counters, meta.get(slot[2], {}), states.get(slot, (0, set())))
                  for slot, counters in sorted(part.items())]
        try:
            _client().transact_write_items(TransactItems=items, ClientRequestToken=uuid.uuid4().hex)
        except ClientError as err:
            codes = [(r or {}).get("Code") for r in err.response.get("CancellationReasons") or []]
            if codes and codes[0] == "ConditionalCheckFailed":
                return False  # applied before
            if "ConditionalCheckFailed" in codes or "TransactionConflict" in codes \
                    or err.response.get("Error", {}).get("Code") == "TransactionConflictException":
                time.sleep(0.01 * (_attempt + 1))
                continue  # another consumer named answers of these items meanwhile: read again
            raise
        _forget_unanswered(realm_id, part)
        return True
    raise StillContended(f"question stats of change {marker} still contended after {RETRIES} tries")


def _forget_unanswered(realm_id: str, part: dict[Slot, dict[str, float]]) -> None:
    """Remove the text of a named answer nobody gives any more (its count fell to 0: the learner
    changed it, or was reset, deleted or erased), so a response typed by an erased learner is not
    kept; the counter stays (at 0) so the answer keeps its slot."""
    for slot, counters in part.items():
        for name, amount in counters.items():
            if name.startswith(ANSWER_PREFIX) and amount < 0:
                digest = answer_hash(name[len(ANSWER_PREFIX):][:TEXT_CHARS])
                try:
                    _client().update_item(
                        TableName=settings().reports_table, Key=_key(realm_id, slot), UpdateExpression="REMOVE #t",
                        ConditionExpression="#w = :zero", ExpressionAttributeValues={":zero": {"N": "0"}},
                        ExpressionAttributeNames={"#t": f"t_{digest}", "#w": f"w_{digest}"})
                except ClientError as err:
                    if err.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                        raise


def apply(change_id: str, realm_id: str, deltas: dict[Slot, dict[str, float]],
          meta: dict[str, dict[str, str]]) -> bool:
    """Add ``deltas`` ((course, day, question) → counter → amount; wrong answers as ``w:{text}``)
    once per ``change_id``; ``meta``: question → interaction, activity, description, itype.
    False if every part of the change was applied before."""
    slots = sorted(s for s, c in deltas.items() if any(c.values()))
    applied = False
    for start in range(0, len(slots), CHUNK):
        part = {s: deltas[s] for s in slots[start:start + CHUNK]}
        applied = _apply_part(f"QA#{change_id}#{start // CHUNK}", realm_id, part, meta) or applied
    return applied


def days(realm_id: str, course_id: str, first: str, last: str) -> Iterator[dict[str, Any]]:
    """Every (day, question) item of the course from ``first`` to ``last``: plain values, with
    ``day`` and ``question`` from its key."""
    pages = _client().get_paginator("query").paginate(
        TableName=settings().reports_table, KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
        ExpressionAttributeValues={":p": {"S": stats_pk(realm_id, course_id)}, ":a": {"S": f"{first}#"},
                                   ":b": {"S": f"{last}#~"}})
    for page in pages:
        for item in page.get("Items", []):
            plain = {k: float(v["N"]) if "N" in v else _DESERIALIZER.deserialize(v) for k, v in item.items()}
            plain["day"], _, plain["question"] = str(item["sk"]["S"]).partition("#")
            yield plain


def has_any(realm_id: str, course_id: str) -> bool:
    """Whether any answer of the course was ever counted (one item read at most)."""
    found = _client().query(TableName=settings().reports_table, KeyConditionExpression="pk = :p", Limit=1,
                            ExpressionAttributeValues={":p": {"S": stats_pk(realm_id, course_id)}})
    return bool(found.get("Items"))
