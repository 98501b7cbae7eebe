"""Forwarding: each pipe sends its source LRS's statements to its target, in stored order.

A pipe reads the source's stored-order index (the LRS's ``all`` entries, chalicelib.store.
statements) from its *position* — the last entry forwarded — and POSTs up to :data:`BATCH`
statements at a time to ``{target}/statements`` (xAPI 1.0.3 body, ids kept, so a conformant
target stores each statement once however often it is sent). Only entries older than
``NIMBUS_FORWARD_SETTLE_SECONDS`` (default 2 s) are read: a statement stored a moment earlier by a
request that is still writing cannot be skipped over. The position moves only after the target
accepted the batch (2xx), so a crash re-sends, never loses: **at least once, in order**.

One forwarding chain runs per pipe (a single task in the SQS forwarding queue): started by the
statements table's change stream when a statement is stored in a pipe's source, by creating or
resuming the pipe; it goes on while there is more, and ends when the pipe has caught up.

On failure (5xx, 408, 429, a timeout, a refused connection) the same batch is retried after
``base × 2^(n−1)`` seconds (``NIMBUS_FORWARD_BACKOFF_SECONDS``, default 5; capped at 15 minutes)
with equal jitter, forever, while ``attempts``, ``lastError`` and ``visibleAfter`` show it. A
4xx for a batch is narrowed down statement by statement: a statement the target refuses on its
own (4xx) goes to the pipe's dead letters and forwarding moves on.
"""

from __future__ import annotations

import base64
import json
import os
import random
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any

from chalicelib import outbound
from chalicelib.statement_pipes import pipes
from chalicelib.store import statement_pipes as store
from chalicelib.store import statements as statement_store

if TYPE_CHECKING:
    from chalicelib.store.changes import TableChange
    from chalicelib.store.statement_pipes import PipeItem

BATCH = 100
CAP_SECONDS = 900.0
RETRYABLE = frozenset({408, 429})
ALL_INDEX = "all|"
_RANDOM = random.SystemRandom()


def _seconds(name: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ.get(name) or default))
    except ValueError:
        return default


def backoff(failures: int) -> float:
    ceiling = min(CAP_SECONDS, _seconds("NIMBUS_FORWARD_BACKOFF_SECONDS", 5.0) * 2 ** (failures - 1))
    return float(ceiling / 2 + _RANDOM.uniform(0, ceiling / 2))


# --- starting chains ------------------------------------------------------------------------


def kick(realm_id: str, pipe_id: str) -> bool:
    """Start the pipe's chain unless one runs (it will see the new statements) or it is paused."""
    if store.start_chain(realm_id, pipe_id):
        store.enqueue({"realm": realm_id, "pipe": pipe_id}, 0)
        return True
    return False


class ChangeBatch:
    """The statements table's changes of one stream batch → the pipes to kick, each once."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, change: TableChange) -> bool:
        pk = str(change.keys.get("pk", ""))
        if change.event_name != "INSERT" or change.keys.get("sk") != "STMT" or "#STMT#" not in pk:
            return False
        scope = pk.split("#STMT#", 1)[0]
        if scope in self.seen:
            return False
        realm_id, _, lrs_id = scope.partition("#")
        for pipe in store.list_pipes(realm_id):
            if pipe.lrs_id == lrs_id and not pipe.paused:
                kick(realm_id, pipe.pipe_id)
        self.seen.add(scope)  # only once every pipe was kicked: a failure retries the record
        return True


# --- one step of a chain --------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    """As the LRS writes ``stored`` (fixed width, microseconds): comparable as strings."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _due(pipe: PipeItem, limit: int) -> tuple[list[tuple[str, str]], bool]:
    """Up to ``limit`` settled entries after the position; whether newer ones wait to settle."""
    cutoff = _iso(_now() - timedelta(seconds=_seconds("NIMBUS_FORWARD_SETTLE_SECONDS", 2.0)))
    scope = f"{pipe.realm_id}#{pipe.lrs_id}"
    found = list(islice(statement_store.query_index(scope, ALL_INDEX, ascending=True, since=None, until=None,
                                                    start_after=pipe.position or None, page=limit + 1), limit + 1))
    settled = [(sk, sid) for sk, sid in found if sk.split("#", 1)[0] <= cutoff]
    return settled[:limit], len(settled) < len(found)


def run(task: dict[str, Any]) -> str:
    """One step of a pipe's chain (the forwarding queue's consumer); what it did."""
    realm_id, pipe_id = str(task["realm"]), str(task["pipe"])
    pipe = store.get(realm_id, pipe_id)
    if pipe is None:
        return "GONE"
    if pipe.paused:
        store.end_chain(realm_id, pipe_id, force=True)
        return "PAUSED"
    store.look(realm_id, pipe_id)
    entries, waiting = _due(pipe, BATCH)
    if not entries:
        return _caught_up(task, waiting)
    stored = statement_store.get_statements(f"{realm_id}#{pipe.lrs_id}", [sid for _sk, sid in entries])
    ready = []
    for sk, sid in entries:
        if sid not in stored:  # an index entry whose statement write failed or is in flight: stop here
            break
        ready.append((sk, json.loads(stored[sid].body)))
    outcome = _forward(pipe, ready)
    if outcome == "FAILED":
        fresh = store.get(realm_id, pipe_id)
        after = fresh.visible_after if fresh is not None and fresh.visible_after else _iso(_now())
        delay = (datetime.fromisoformat(after.replace("Z", "+00:00")) - _now()).total_seconds()
        store.enqueue(task, max(0.0, delay))
        return outcome
    store.enqueue(task, 0 if ready else _seconds("NIMBUS_FORWARD_SETTLE_SECONDS", 2.0))
    return outcome


def _caught_up(task: dict[str, Any], waiting: bool) -> str:
    """Nothing to send: wait for entries to settle, or end the chain (unless statements came)."""
    realm_id, pipe_id = str(task["realm"]), str(task["pipe"])
    if waiting:
        store.enqueue(task, max(1.0, _seconds("NIMBUS_FORWARD_SETTLE_SECONDS", 2.0)))
        return "SETTLING"
    if store.end_chain(realm_id, pipe_id):
        return "IDLE"
    store.enqueue(task, 0)
    return "MORE"


def _send(pipe: PipeItem, statements: list[dict[str, Any]]) -> tuple[int | None, str | None]:
    headers = {"Content-Type": "application/json", "X-Experience-API-Version": "1.0.3"}
    if pipe.target_user or pipe.target_password:
        token = base64.b64encode(f"{pipe.target_user}:{pipes.password(pipe)}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    url = pipe.target_url.rstrip("/") + "/statements"
    try:
        reply = outbound.send("POST", url, json.dumps(statements).encode(), headers, timeout=30)
    except outbound.OutboundRefused as err:
        return None, str(err)
    if 200 <= reply.status < 300:
        return reply.status, None
    return reply.status, f"HTTP {reply.status}: {reply.body[:300].decode('utf-8', 'replace')}"


def _advance(pipe: PipeItem, done: list[tuple[str, dict[str, Any]]], dead: int = 0) -> None:
    last_sk, last = done[-1]
    pipe.position, pipe.forwarded = last_sk, int(pipe.forwarded or 0) + len(done) - dead
    pipe.dead = int(pipe.dead or 0) + dead
    store.update(pipe.realm_id, pipe.pipe_id, position=last_sk, last_stored=str(last.get("stored") or last_sk),
                 forwarded=pipe.forwarded, dead=pipe.dead, attempts=0, visible_after=None, last_error=None,
                 updated=pipes.now())


def _fail(pipe: PipeItem, error: str) -> str:
    attempts = int(pipe.attempts or 0) + 1
    after = _now() + timedelta(seconds=backoff(attempts))
    store.update(pipe.realm_id, pipe.pipe_id, attempts=attempts, last_error=error[:1000],
                 visible_after=_iso(after), updated=pipes.now())
    return "FAILED"


def _forward(pipe: PipeItem, ready: list[tuple[str, dict[str, Any]]]) -> str:
    if not ready:
        return "WAITING"
    status, error = _send(pipe, [statement for _sk, statement in ready])
    if error is None:
        _advance(pipe, ready)
        return "FORWARDED"
    if status is None or status >= 500 or status in RETRYABLE or len(ready) == 1 and status in (401, 403):
        return _fail(pipe, error)
    return _one_by_one(pipe, ready)


def _one_by_one(pipe: PipeItem, ready: list[tuple[str, dict[str, Any]]]) -> str:
    """A batch refused with a 4xx: find the statements the target refuses on their own."""
    for entry in ready:
        sk, statement = entry
        status, error = _send(pipe, [statement])
        if error is None:
            _advance(pipe, [entry])
            continue
        if status is None or status >= 500 or status in RETRYABLE or status in (401, 403):
            return _fail(pipe, error)
        store.add_dead_letter(pipe.realm_id, pipe.pipe_id, sk, statement_id=str(statement.get("id", "")),
                              status=status, error=error, at=pipes.now())
        _advance(pipe, [entry], dead=1)
    return "FORWARDED"


# --- how far behind -------------------------------------------------------------------------


def lag(pipe: PipeItem, cap: int = 1000) -> dict[str, Any]:
    """Statements not yet forwarded (up to ``cap``) and the age of the oldest of them."""
    scope = f"{pipe.realm_id}#{pipe.lrs_id}"
    pending = list(islice(statement_store.query_index(scope, ALL_INDEX, ascending=True, since=None, until=None,
                                                      start_after=pipe.position or None, page=cap + 1), cap + 1))
    seconds = None
    if pending:
        oldest = datetime.fromisoformat(pending[0][0].split("#", 1)[0].replace("Z", "+00:00"))
        seconds = max(0.0, round((_now() - oldest).total_seconds(), 1))
    return {"pending": min(len(pending), cap), "pendingCapped": len(pending) > cap, "lagSeconds": seconds}


def dead_letters(realm_id: str, pipe_id: str) -> list[dict[str, Any]]:
    return [{"statementId": d.statement_id, "position": d.sk, "status": int(d.status) if d.status is not None else None,
             "error": d.error, "at": d.at} for d in store.dead_letters(realm_id, pipe_id)]
