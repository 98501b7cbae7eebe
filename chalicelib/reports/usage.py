"""Usage read from the Reportage aggregates: the Apps page's 13-month registration overview per
app and the Account tab's usage report (overall and the last 30 days, with its CSV).

Both read the same counters as the reports (:mod:`chalicelib.reports.queries`), never the
registrations:

* an app's overview is the ``app`` report of that app over the 13 calendar months ending with the
  current one, summed per month (a registration belongs to the app whose credentials created it,
  ``details.appId``);
* the usage report is the ``all`` report (the realm) **since the realm began** (its creation day,
  UTC, to today) and over the last 30 days (today included): registrations, launches (when the
  aggregates count them), completions; learners and courses: overall, every learner / course that
  ever had a counted registration (the aggregates' key lists); for 30 days, those with activity in
  the window. Storage is not a Reportage counter: it comes from the plan's usage counters (bytes
  stored now; bytes added per day).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chalicelib.reports import queries
from chalicelib.store import accounts as account_store
from chalicelib.store import repos

MONTHS = 13
WINDOW_DAYS = 30
#: Counters the usage report shows, in order (``launches`` only once the aggregates keep it).
COUNTED = ("registrations", "launches", "completions")


def _today() -> date:
    return datetime.now(UTC).date()


def _months(today: date, months: int) -> list[str]:
    start = today.year * 12 + today.month - 1 - (months - 1)
    return [f"{index // 12:04d}-{index % 12 + 1:02d}" for index in range(start, start + months)]


def app_registrations_by_month(realm_id: str, app_id: str, months: int = MONTHS,
                               today: date | None = None) -> list[dict[str, Any]]:
    """Registrations the app created per calendar month, the last ``months`` months, oldest first."""
    labels = _months(today or _today(), months)
    shown = queries.report(realm_id, "app", app_id, f"{labels[0]}-01", (today or _today()).isoformat())
    counts: dict[str, int] = dict.fromkeys(labels, 0)
    for row in shown["series"]:
        counts[row["day"][:7]] = counts.get(row["day"][:7], 0) + int(row.get("registrations", 0))
    return [{"month": month, "registrations": counts[month]} for month in labels]


def _counted(totals: dict[str, Any]) -> dict[str, int]:
    return {name: int(totals[name]) for name in COUNTED if name in totals}


def _period(realm_id: str, first: str, last: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    shown = queries.report(realm_id, "all", "-", first, last)
    return {"from": first, "to": last, **_counted(shown["totals"])}, shown["series"]


def account_usage(realm_id: str, today: date | None = None) -> dict[str, Any]:
    """The Account tab's usage report (see the module docstring)."""
    end = today or _today()
    realm = repos.get_realm(realm_id)
    began = realm.created.astimezone(UTC).date() if realm and realm.created else end
    overall, _series = _period(realm_id, min(began, end).isoformat(), end.isoformat())
    window_start = end - timedelta(days=WINDOW_DAYS - 1)
    recent, series = _period(realm_id, window_start.isoformat(), end.isoformat())
    usage = account_store.get_usage(realm_id)
    added = {d.day: int(d.storage_bytes or 0) for d in account_store.daily_usage(realm_id, window_start.isoformat())}
    overall.update(learners=queries.key_count(realm_id, "learner"), courses=queries.key_count(realm_id, "course"),
                   storageBytes=int(usage.storage_bytes or 0),
                   registrationsAllTime=int(usage.registrations_all_time or 0))
    recent.update(learners=queries.active_count(realm_id, "learner", recent["from"], recent["to"]),
                  courses=queries.active_count(realm_id, "course", recent["from"], recent["to"]),
                  storageBytes=sum(added.values()),
                  days=[{"day": row["day"], **_counted(row), "storageBytes": added.get(row["day"], 0)}
                        for row in series])
    return {"realmId": realm_id, "overall": overall, "last30Days": recent}


def usage_csv(report: dict[str, Any]) -> str:
    """The usage report as CSV: one row overall, one for the last 30 days, then one per day."""
    counted = [name for name in COUNTED if name in report["overall"]]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["period", "from", "to", *counted, "learners", "courses", "storage_bytes"])
    for name, period in (("overall", report["overall"]), ("last 30 days", report["last30Days"])):
        writer.writerow([name, period["from"], period["to"], *(period[c] for c in counted), period["learners"],
                         period["courses"], period["storageBytes"]])
    for row in report["last30Days"]["days"]:
        writer.writerow([row["day"], row["day"], row["day"], *(row.get(c, 0) for c in counted), "", "",
                         row["storageBytes"]])
    return out.getvalue()
