"""Registration events: what a change of the registrations table means to its consumers.

Every write to the registrations table reaches this consumer through Kinesis Data Streams for
DynamoDB (docs/events.md): an acknowledged write always produces its event, with no second
write that could fail. A registration's change is an *event* when its results (completion,
success, score, time) changed; a completion, pass or failure is counted when the registration
enters that state. Sandbox (preview) registrations are never counted.

Postbacks (``chalicelib.postbacks.delivery``) and LTI outcomes (``chalicelib.dispatch.lti``) act on
:func:`from_change`'s events; Reportage's counters are kept by :mod:`chalicelib.reports.aggregates`
(:func:`apply_change`, :func:`apply_changes`: per realm × course / learner / invitation /
destination / app × day). Delivery is at-least-once and may repeat a change: each is keyed on the
registration and the version the change wrote (``RegistrationItem.version`` rises with every
write) and applied once, in one transaction with its marker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from chalicelib.reports import aggregates, launches, questions

if TYPE_CHECKING:
    from chalicelib.store.changes import TableChange

#: A registration item's sort key (``pk={realm}#REG#{id}``, ``sk=REG``); the table holds
#: launches, logs and tokens too.
REGISTRATION_SK = "REG"
_DEFAULTS = ("UNKNOWN", "UNKNOWN", None, 0.0)


@dataclass(frozen=True)
class RegistrationEvent:
    event_id: str
    realm_id: str
    registration_id: str
    day: str
    completed: bool
    passed: bool
    failed: bool


def _results(image: dict[str, Any]) -> tuple[str, str, float | None, float]:
    if not image:
        return _DEFAULTS
    score = image.get("score_scaled")
    return (str(image.get("completion") or "UNKNOWN"), str(image.get("success") or "UNKNOWN"),
            float(score) if isinstance(score, Decimal | int | float) else None,
            float(image.get("total_seconds") or 0))


def _day(image: dict[str, Any], created_us: int) -> str:
    """The UTC day of the change: the registration's ``updated`` time, else the stream's."""
    updated = image.get("updated")
    if isinstance(updated, str):
        try:
            return datetime.fromisoformat(updated.replace("Z", "+00:00")).astimezone(UTC).date().isoformat()
        except ValueError:
            pass
    return datetime.fromtimestamp(created_us / 1_000_000, UTC).date().isoformat()


def from_change(change: TableChange) -> RegistrationEvent | None:
    """The registration event a change of the registrations table is, or None (another kind
    of item, a removal, a sandbox registration, or no change of results)."""
    new = change.new
    if change.event_name == "REMOVE" or change.keys.get("sk") != REGISTRATION_SK or not new:
        return None
    if new.get("sandbox") or not new.get("realm_id") or not new.get("registration_id"):
        return None
    before, after = _results(change.old), _results(new)
    if before == after:
        return None
    return RegistrationEvent(
        event_id=f"{change.keys['pk']}#v{new.get('version', 0)}", realm_id=str(new["realm_id"]),
        registration_id=str(new["registration_id"]), day=_day(new, change.created_us),
        completed=after[0] == "COMPLETED" and before[0] != "COMPLETED",
        passed=after[1] == "PASSED" and before[1] != "PASSED",
        failed=after[1] == "FAILED" and before[1] != "FAILED",
    )


def apply_change(change: TableChange) -> bool:
    """A registrations-table change into Reportage (its aggregates, launches, answers), once;
    False if it counts for nothing or was counted already."""
    return apply_changes([change])[0]


def apply_changes(changes: list[TableChange]) -> list[bool]:
    """A stream batch's changes into Reportage: registration and launch changes into the
    aggregates in as few transactions as DynamoDB allows (each change whole in one), answers into
    the question counters (:mod:`chalicelib.reports.questions`, their own items) one by one."""
    counted = aggregates.apply_entries([aggregates.entry(c) or launches.entry(c) for c in changes])
    answered = [questions.apply_change(change) for change in changes]
    return [a or b for a, b in zip(counted, answered, strict=True)]
