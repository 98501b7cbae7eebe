"""Reportage aggregation: registration events from the Kinesis stream become per-realm,
per-day counters (the first Reportage aggregate; per course/learner/invitation follow).

An event is a JSON object ``{"eventId", "realmId", "registrationId", "occurred",
"completion", "success"}`` written by the runtime when a commit changes a registration.
Stream delivery is at-least-once; :func:`repos.apply_daily_activity` applies each
``eventId`` once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from chalicelib.store import repos


class MalformedEvent(ValueError):
    """A stream record that is not a registration event (it is logged and skipped)."""


@dataclass(frozen=True)
class RegistrationEvent:
    event_id: str
    realm_id: str
    registration_id: str
    day: str
    completed: bool
    passed: bool
    failed: bool


def parse_event(data: bytes) -> RegistrationEvent:
    """Decode one stream record's data, naming the field that is wrong."""
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError) as err:
        raise MalformedEvent(f"record is not JSON: {err}") from err
    if not isinstance(raw, dict):
        raise MalformedEvent("record is not a JSON object")
    for field in ("eventId", "realmId", "registrationId", "occurred"):
        if not isinstance(raw.get(field), str) or not raw[field]:
            raise MalformedEvent(f"{field} is missing or not a string")
    try:
        occurred = datetime.fromisoformat(raw["occurred"].replace("Z", "+00:00"))
    except ValueError as err:
        raise MalformedEvent(f"occurred is not an ISO 8601 time: {raw['occurred']}") from err
    success = raw.get("success", "UNKNOWN")
    return RegistrationEvent(
        event_id=raw["eventId"], realm_id=raw["realmId"], registration_id=raw["registrationId"],
        day=occurred.date().isoformat(), completed=raw.get("completion") == "COMPLETED",
        passed=success == "PASSED", failed=success == "FAILED",
    )


def record(event: RegistrationEvent) -> bool:
    """Add the event to its realm's day; False if it had been counted already."""
    return repos.apply_daily_activity(
        event.event_id, event.realm_id, event.day, completions=int(event.completed),
        passes=int(event.passed), failures=int(event.failed))


def daily(realm_id: str) -> list[dict[str, object]]:
    """The realm's counters, oldest day first."""
    return [{"day": d.day, "events": d.events, "completions": d.completions,
             "passes": d.passes, "failures": d.failures} for d in repos.daily_activity(realm_id)]
