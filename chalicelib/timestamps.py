"""ISO 8601 timestamps in API parameters (``since``, ``until``, ...).

The SDK sends naive datetimes without a zone (API_V2.md "Wire format"), so a time without an
offset is taken as UTC. Answers are normalised to UTC ISO strings, which sort as text.
"""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.errors import BadRequest


def parse_api_time(raw: str | None, name: str) -> str | None:
    """The UTC ISO form of ``raw`` (None if empty), or a 400 naming the parameter."""
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as err:
        raise BadRequest(f"{name} must be an ISO 8601 timestamp, not {raw!r}.") from err
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
