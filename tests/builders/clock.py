"""A clock the tests set by hand (the sequencer's ``now``), so time-based behaviour is tested
without sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self, start: datetime | None = None) -> None:
        self.at = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)

    def iso(self, **delta: float) -> str:
        """An xs:dateTime ``delta`` from now."""
        return (self.at + timedelta(**delta)).isoformat()
