"""``python -m bench.load lrs | lrs-soak | lrs-ratio``: the built-in LRS under load, over HTTP.

All three use the stack's root provider (``lrsEndpoint``, ``lrsKey``, ``lrsSecret`` from
``$NIMBUS_HOME/credentials.json``) with ``X-Experience-API-Version: 2.0.0``. Statement ``i`` of a
run has one of 50 agents, 20 verbs and 50 activities (``i`` modulo each), and one in fifty is in
the run's probe registration (the others each in their own), so the probe filters (those of
statement 0) match 1/50, 1/20, 1/50 and 1/50 of the statements: at 1,000 stored every filter
already has more matches than a page holds, so a larger store changes only what is stored, not
how much a GET must return (a ratio between a 1-row and a 10-row answer would measure the rows).
Agents, verbs and activities carry the run's id, so statements an earlier run left in the store match none of them.

* ``lrs``: ``--clients`` clients, each posting a ``--batch``-statement batch then one filtered GET
  (agent, verb, activity, registration in turn; limit 10), for ``--duration`` seconds;
* ``lrs-soak``: batches posted back to back (``--clients``, default 1) for ``--duration`` (600 s);
* ``lrs-ratio``: the median of ``--repeat`` GETs per filter with ``--small`` statements stored and
  again after growing to ``--large`` (loaded by ``--fill-clients`` clients); each answer must hold
  ``min(10, matches)`` statements. Target: large / small ≤ 1.5 for every filter.

Afterwards (``lrs``, ``lrs-soak``) up to ``--verify`` acknowledged statement ids, picked at random,
must each be retrievable with ``GET statements?statementId=``. A 409 counts as an error like any
status but 200. The stack's resident memory is sampled every ``--rss-every`` seconds.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import secrets
import statistics
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

from bench.load_client import Load, RssSampler, percentiles

if TYPE_CHECKING:
    import argparse

    from bench.load_client import Target, User

EVERY = {"agent": 50, "verb": 20, "activity": 50, "registration": 50}
XAPI = {"X-Experience-API-Version": "2.0.0"}
MAX_ROUNDS = 10_000_000  # a bound on any client's loop besides its deadline
RATIO_TARGET = 1.5


class Statements:
    """The run's statements, numbered from 0 across all clients."""

    def __init__(self) -> None:
        self.run = secrets.token_hex(4)
        self.registration = str(uuid.uuid4())
        self._numbers = itertools.count()
        self._lock = threading.Lock()
        self.taken = 0

    def take(self, count: int, below: int | None = None) -> list[int]:
        """The next ``count`` numbers (fewer when ``below`` is reached)."""
        with self._lock:
            count = count if below is None else max(0, min(count, below - self.taken))
            self.taken += count
            return [next(self._numbers) for _ in range(count)]

    def statement(self, i: int) -> dict[str, Any]:
        return {"id": str(uuid.uuid4()),
                "actor": {"objectType": "Agent", "mbox": f"mailto:learner{i % EVERY['agent']}.{self.run}@example.com"},
                "verb": {"id": f"http://example.com/load/{self.run}/verbs/v{i % EVERY['verb']}"},
                "object": {"objectType": "Activity",
                           "id": f"http://example.com/load/{self.run}/activities/a{i % EVERY['activity']}"},
                "context": {"registration": self.registration if i % EVERY['registration'] == 0 else str(uuid.uuid4())}}

    def filters(self, i: int = 0) -> dict[str, dict[str, str]]:
        """The GET parameters matching statement ``i`` by each filter (registration: the probe's)."""
        probe = self.statement(i)
        return {"agent": {"agent": json.dumps(probe["actor"])}, "verb": {"verb": probe["verb"]["id"]},
                "activity": {"activity": probe["object"]["id"]}, "registration": {"registration": self.registration}}


def _endpoint(stack: Target) -> tuple[str, dict[str, Any]]:
    creds = stack.credentials()
    return creds["lrsEndpoint"] + "/statements", {"auth": (creds["lrsKey"], creds["lrsSecret"]), "headers": XAPI}


async def _post(user: User, url: str, gen: Statements, numbers: list[int], acked: list[str]) -> bool:
    batch = [gen.statement(i) for i in numbers]
    answer = await user.call("POST statements", "POST", url, json=batch)
    if answer is None:
        return False
    if answer.json() != [s["id"] for s in batch]:
        user.load.recorder.add_note(f"POST answered ids that differ from the batch's: {answer.text[:200]}")
        return False
    acked.extend(s["id"] for s in batch)
    return True


async def _client(load: Load, session: dict[str, Any], url: str, gen: Statements, *, args: argparse.Namespace,
                  deadline: float, acked: list[str], query: bool) -> None:
    loop = asyncio.get_running_loop()
    user = load.user(**session)
    names = list(EVERY)
    for round_ in range(MAX_ROUNDS):
        if loop.time() >= deadline:
            return
        await _post(user, url, gen, gen.take(args.batch), acked)
        if query and loop.time() < deadline:
            name = names[round_ % len(names)]
            params = gen.filters(random.randrange(max(1, gen.taken)))[name]  # noqa: S311 - spread, not secrets
            await user.call(f"GET {name}", "GET", url, params={**params, "limit": "10"})


def _verify(stack: Target, url: str, session: dict[str, Any], ids: list[str], *, most: int,
            timeout: float) -> dict[str, Any]:
    sample = ids if len(ids) <= most else random.sample(ids, most)

    def found(statement_id: str) -> bool:
        answer = load.thread_user(**session).call_sync("GET statementId", "GET", url,
                                                        params={"statementId": statement_id})
        return answer is not None and answer.json().get("id") == statement_id

    with Load(stack.base_url, 8, timeout) as load:
        missing = [sid for sid, ok in zip(sample, load.pool.map(found, sample), strict=True) if not ok]
        load.recorder.stop()
    return {"acknowledged": len(ids), "checked": len(sample), "missing": len(missing), "missing_ids": missing[:50],
            "requests": load.recorder.summary()}


def _trend(load: Load) -> dict[str, Any]:
    """POST latency of the first and the last tenth of the run (does it slow as the store grows?)."""
    posts = [s.ms for s in load.recorder.samples if s.kind == "POST statements" and s.ok]
    tenth = max(1, len(posts) // 10)
    return {"first_tenth_p50": percentiles(posts[:tenth]).get("p50"),
            "last_tenth_p50": percentiles(posts[-tenth:]).get("p50")}


def run_load(stack: Target, args: argparse.Namespace, *, soak: bool) -> tuple[dict[str, Any], str]:
    url, session = _endpoint(stack)
    gen = Statements()
    acked: list[str] = []
    what = "back to back" if soak else "each followed by a filtered GET"
    print(f"{args.clients} LRS clients posting {args.batch}-statement batches {what} for {args.duration:g}s ...",
          flush=True)

    async def drive(load: Load) -> None:
        deadline = asyncio.get_running_loop().time() + args.duration
        await asyncio.gather(*(_client(load, session, url, gen, args=args, deadline=deadline,
                                       acked=acked, query=not soak)
                               for _ in range(args.clients)))

    with RssSampler(stack.pid, args.rss_every) as rss, Load(stack.base_url, args.clients, args.timeout) as load:
        asyncio.run(drive(load))
        load.recorder.stop()
    summary = load.recorder.summary()
    per_second = len(acked) / summary["seconds"] if summary["seconds"] else 0.0
    verified = _verify(stack, url, session, acked, most=args.verify, timeout=args.timeout)
    gets = [k for k in load.recorder.kinds() if k.startswith("GET ")]
    result = {"config": {k: getattr(args, k) for k in ("clients", "duration", "batch", "verify", "timeout")},
              **summary, "statements_acknowledged": len(acked), "statements_per_second": round(per_second, 1),
              "post_ms": load.recorder.latency("POST statements"), "get_ms": load.recorder.latency(*gets),
              "post_trend_ms": _trend(load), "notes": load.recorder.notes[:20], "rss": rss.summary(),
              "verify": verified}
    print(load.recorder.table())
    if gets:
        print(f"GET (all filters): {result['get_ms']}")
    print(f"POST p50 first tenth {result['post_trend_ms']['first_tenth_p50']} ms, "
          f"last tenth {result['post_trend_ms']['last_tenth_p50']} ms")
    for note in result["notes"]:
        print(f"  {note}")
    print(f"statements acknowledged: {len(acked):,} in {summary['seconds']:.1f}s = {per_second:,.1f} statements/s;"
          f" errors by status: {summary['errors_by_status'] or 'none'}")
    print(rss.line())
    print(f"acknowledged statements checked: {verified['checked']:,} of {len(acked):,}, missing: {verified['missing']}")
    if soak:
        posts = sum(1 for s in load.recorder.samples if s.kind == "POST statements")
        verdict = ("every batch accepted" if summary["errors"] == 0
                   else f"{summary['errors']} of {posts} batches refused")
        rss_part = ""
        if "start_mb" in result["rss"]:
            rss_part = f", RSS {result['rss']['start_mb']:.0f}→{result['rss']['end_mb']:.0f} MB"
        return result, (f"load lrs-soak: {args.duration:g}s, {verdict}, {per_second:,.0f} statements/s{rss_part}, "
                         f"{verified['missing']} missing")
    p95 = result["get_ms"].get("p95")
    return result, (f"load lrs: {args.clients} clients, {per_second:,.0f} statements/s, p95 POST "
                    f"{result['post_ms'].get('p95', float('nan')):.0f} ms, p95 GET "
                    f"{p95 if p95 is not None else float('nan'):.0f} ms, {summary['errors']} errors, "
                    f"{verified['missing']} missing")


def _fill(stack: Target, url: str, session: dict[str, Any], gen: Statements, *, size: int,
          args: argparse.Namespace) -> list[int]:
    """Post statements until ``size`` numbers are taken; the numbers acknowledged."""
    done: list[int] = []
    have, step = gen.taken, max(1, (size - gen.taken) // 10)

    async def client(load: Load) -> None:
        user = load.user(**session)
        for _ in range(MAX_ROUNDS):
            numbers = gen.take(args.batch, below=size)
            if not numbers:
                return
            for _attempt in range(3):
                if await _post(user, url, gen, numbers, []):
                    done.extend(numbers)
                    if len(done) // step != (len(done) - len(numbers)) // step:
                        print(f"  stored {have + len(done):,} of {size:,}", flush=True)
                    break

    async def drive(load: Load) -> None:
        await asyncio.gather(*(client(load) for _ in range(args.fill_clients)))

    with Load(stack.base_url, args.fill_clients, args.timeout) as load:
        asyncio.run(drive(load))
        load.recorder.stop()
    errors = load.recorder.summary()["errors_by_status"]
    if errors:
        print(f"  fill errors by status: {errors}")
    return done


def _measure(user: User, url: str, gen: Statements, stored: list[int], repeat: int) -> dict[str, dict[str, Any]]:
    row: dict[str, dict[str, Any]] = {}
    for name, params in gen.filters().items():
        expected = min(10, sum(1 for i in stored if i % EVERY[name] == 0))
        times, returned = [], set()
        user.call_sync(f"warm-up GET {name}", "GET", url, params={**params, "limit": "10"})
        for _ in range(repeat):
            started = time.perf_counter()
            answer = user.call_sync(f"GET {name}", "GET", url, params={**params, "limit": "10"})
            times.append((time.perf_counter() - started) * 1000)
            returned.add(len(answer.json()["statements"]) if answer is not None else -1)
        row[name] = {"median_ms": round(statistics.median(times), 2), "expected": expected,
                     "returned": sorted(returned), "right": returned == {expected}}
    return row


def run_ratio(stack: Target, args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    url, session = _endpoint(stack)
    gen = Statements()
    stored: list[int] = []
    sizes: list[tuple[int, dict[str, dict[str, Any]]]] = []
    with RssSampler(stack.pid, args.rss_every) as rss, Load(stack.base_url, 1, args.timeout) as probe:
        for size in (args.small, args.large):
            started = time.perf_counter()
            stored += _fill(stack, url, session, gen, size=size, args=args)
            print(f"stored {len(stored):,} statements (+{time.perf_counter() - started:.0f}s); measuring ...",
                  flush=True)
            sizes.append((len(stored), _measure(probe.user(**session), url, gen, stored, args.repeat)))
    (small, first), (large, second) = sizes
    print(f"| filter | {small:,} stored (ms) | {large:,} stored (ms) | ratio | answers right |")
    print("|---|---:|---:|---:|---|")
    ratios = {}
    for name in EVERY:
        ratios[name] = round(second[name]["median_ms"] / first[name]["median_ms"], 2)
        right = first[name]["right"] and second[name]["right"]
        print(f"| {name} | {first[name]['median_ms']:.1f} | {second[name]['median_ms']:.1f} | {ratios[name]:.2f} "
              f"| {'yes' if right else 'NO: ' + str((first[name]['returned'], second[name]['returned']))} |")
    print(rss.line())
    worst = max(ratios, key=lambda n: ratios[n])
    wrong = [n for n in EVERY if not (first[n]["right"] and second[n]["right"])]
    result = {"config": {k: getattr(args, k) for k in ("small", "large", "repeat", "batch", "fill_clients")},
              "sizes": [{"stored": k, "filters": v} for k, v in sizes], "ratios": ratios, "target": RATIO_TARGET,
              "within_target": all(r <= RATIO_TARGET for r in ratios.values()), "wrong_answers": wrong,
              "rss": rss.summary()}
    verdict = "within" if result["within_target"] else "OVER"
    return result, (f"load lrs-ratio: {small:,} → {large:,} statements, worst ratio {ratios[worst]:.2f} ({worst}), "
                    f"{verdict} target ≤ {RATIO_TARGET}" + (f", wrong answers: {', '.join(wrong)}" if wrong else ""))
