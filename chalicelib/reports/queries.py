"""Reports over the aggregates: a date range (default: the last 90 days, UTC), totals, a daily
series for the charts, the score distribution, pass rate, and tables of the keys of a dimension
(courses, learners…) with their totals. Each report reads one Query per key shown, never a
registration; :func:`csv_text` renders any of them for download."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chalicelib.errors import BadRequest, NotFound
from chalicelib.reports.aggregates import DIMENSIONS, stored_key
from chalicelib.store import aggregates as store

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366
SERIES = ("registrations", "completions", "passes", "failures", "seconds", "launches")
REPORT_DIMENSIONS = {"courses": "course", "learners": "learner", "invitations": "invitation",
                     "destinations": "destination", "apps": "app"}


def date_range(params: dict[str, str], today: date | None = None) -> tuple[str, str]:
    """``from`` / ``to`` (yyyy-mm-dd, inclusive); the last 90 days by default."""
    end_day = today or datetime.now(UTC).date()
    try:
        last = date.fromisoformat(params["to"]) if params.get("to") else end_day
        first = date.fromisoformat(params["from"]) if params.get("from") else last - timedelta(days=DEFAULT_DAYS - 1)
    except ValueError as err:
        raise BadRequest(f"from and to must be dates (yyyy-mm-dd): {err}.") from err
    if first > last:
        raise BadRequest("from must not be after to.")
    if (last - first).days >= MAX_DAYS:
        raise BadRequest(f"The date range may span at most {MAX_DAYS} days.")
    return first.isoformat(), last.isoformat()


def _zero() -> dict[str, float]:
    return dict.fromkeys(store.COUNTERS, 0.0)


def _summary(counters: dict[str, float]) -> dict[str, Any]:
    decided, scored = counters["passes"] + counters["failures"], counters["score_count"]
    return {"registrations": int(counters["registrations"]), "completions": int(counters["completions"]),
            "passes": int(counters["passes"]), "failures": int(counters["failures"]),
            "passRate": round(counters["passes"] / decided, 4) if decided else None,
            "averageScore": round(counters["score_sum"] / scored, 2) if scored else None,
            "scored": int(counters["score_count"]), "secondsTracked": round(counters["seconds"], 2),
            "launches": int(counters["launches"]),
            "scoreDistribution": [{"from": n * 10, "to": n * 10 + (10 if n == 9 else 9),
                                   "count": int(counters[f"h{n}"])} for n in range(10)]}


def _sum(realm_id: str, dimension: str, key: str, first: str, last: str) -> tuple[dict[str, float], dict[str, Any]]:
    totals, by_day = _zero(), {}
    for day, counters in store.days(realm_id, dimension, key, first, last):
        row = {name: counters.get(name, 0.0) for name in store.COUNTERS}
        by_day[day] = row
        for name, amount in row.items():
            totals[name] += amount
    return totals, by_day


def report(realm_id: str, dimension: str, key: str, first: str, last: str, *,
           with_table: str | None = None) -> dict[str, Any]:
    """One key's report (``all``/``-`` is the overview; a learner's by learner id)."""
    if dimension not in DIMENSIONS:
        raise NotFound(f"There is no {dimension!r} report.")
    totals, by_day = _sum(realm_id, dimension, stored_key(realm_id, dimension, key), first, last)
    series, day = [], date.fromisoformat(first)
    while day.isoformat() <= last:
        row = by_day.get(day.isoformat(), {})
        series.append({"day": day.isoformat(),
                       **{n: round(row.get(n, 0.0), 2) if n == "seconds" else int(row.get(n, 0)) for n in SERIES}})
        day += timedelta(days=1)
    shown: dict[str, Any] = {"dimension": dimension, "key": key, "from": first, "to": last,
                             "totals": _summary(totals), "series": series}
    if with_table:
        shown["table"] = table(realm_id, with_table, first, last)
    return shown


def table(realm_id: str, dimension: str, first: str, last: str) -> list[dict[str, Any]]:
    """Every key of ``dimension`` with its totals in the range (keys with nothing in it left out,
    and erased learners: they are only counts in the other dimensions now). A row's ``key`` is
    the id to ask its report with (a learner's id, not the pseudonym it is counted under)."""
    rows = []
    for key_item in store.keys(realm_id, dimension):
        if key_item.erased or (dimension == "learner" and not key_item.ref):
            continue
        totals, _by_day = _sum(realm_id, dimension, key_item.sk, first, last)
        if any(totals.values()):
            summary = _summary(totals)
            summary.pop("scoreDistribution")
            rows.append({"key": key_item.ref or key_item.sk, "label": key_item.label, **summary})
    return sorted(rows, key=lambda r: (-r["registrations"], r["key"]))


def csv_text(shown: dict[str, Any]) -> str:
    """A report as CSV: its table if it has one, else its daily series."""
    rows = shown.get("table") if shown.get("table") is not None else shown["series"]
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _cell(value: Any) -> Any:
    """Spreadsheet-safe: a text cell starting with = + - @ is not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def key_count(realm_id: str, dimension: str) -> int:
    """How many keys of ``dimension`` (learners, courses…) ever had a counted registration."""
    if dimension not in DIMENSIONS:
        raise NotFound(f"There is no {dimension!r} report.")
    return sum(1 for _key in store.keys(realm_id, dimension))
