"""Durations: ISO 8601 ``timeinterval(second,10,2)`` (SCORM 2004 RTE 4.1.1.8) and SCORM 1.2
``CMITimespan`` (RTE 1.2 3.4.2), both held as whole hundredths of a second, and their sums
(``cmi.total_time`` = previous total + ``cmi.session_time``, RTE 2004 4.2.26 / 1.2 3.4.4.1).
The manifest's ``xs:duration`` / ``xs:dateTime`` limits (imsss:limitConditions, CAM §5.1.6) are
read by :func:`parse_xs_duration` / :func:`parse_xs_datetime`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

CENTI_PER_SECOND = 100
CENTI_PER_MINUTE = 60 * CENTI_PER_SECOND
CENTI_PER_HOUR = 60 * CENTI_PER_MINUTE
CENTI_PER_DAY = 24 * CENTI_PER_HOUR
# ISO 8601 leaves years and months variable; like most LMSs we count 365 and 30 days.
CENTI_PER_MONTH = 30 * CENTI_PER_DAY
CENTI_PER_YEAR = 365 * CENTI_PER_DAY

_ISO = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,2})?)S)?)?$"
)
_TIMESPAN = re.compile(r"^(\d{2,4}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,2}))?$")

ZERO_ISO = "PT0H0M0S"
ZERO_TIMESPAN = "0000:00:00.00"


def parse_iso(value: str) -> int:
    """``PT1H2M3.5S`` -> 372350 hundredths. ValueError if not an ISO 8601 duration."""
    match = _ISO.fullmatch(value)
    if not match or value in ("P", "PT") or value.endswith("T"):
        raise ValueError(f"not an ISO 8601 duration: {value!r}")
    years, months, days, hours, minutes = (int(g or 0) for g in match.groups()[:5])
    seconds = match.group(6) or "0"
    whole, _, frac = seconds.partition(".")
    centi = int(whole) * CENTI_PER_SECOND + int((frac + "00")[:2])
    return (
        years * CENTI_PER_YEAR
        + months * CENTI_PER_MONTH
        + days * CENTI_PER_DAY
        + hours * CENTI_PER_HOUR
        + minutes * CENTI_PER_MINUTE
        + centi
    )


def format_iso(centi: int) -> str:
    """Hundredths -> the shortest ISO 8601 duration: ``PT2H20S``, ``P29D``; zero is ``PT0H0M0S``."""
    if centi <= 0:
        return ZERO_ISO
    days, rest = divmod(centi, CENTI_PER_DAY)
    hours, rest = divmod(rest, CENTI_PER_HOUR)
    minutes, rest = divmod(rest, CENTI_PER_MINUTE)
    seconds, hundredths = divmod(rest, CENTI_PER_SECOND)
    out = "P" + (f"{days}D" if days else "")
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or hundredths:
        clock += f"{seconds}.{hundredths:02d}".rstrip("0").rstrip(".") + "S"
    return out + ("T" + clock if clock else "")


def parse_timespan(value: str) -> int:
    """SCORM 1.2 ``HHHH:MM:SS.SS`` (2 to 4 hour digits, ``0000:00:09`` included) -> hundredths."""
    match = _TIMESPAN.fullmatch(value)
    if not match:
        raise ValueError(f"not a CMITimespan: {value!r}")
    hours, minutes, seconds = (int(g) for g in match.groups()[:3])
    frac = match.group(4) or "0"
    return (
        hours * CENTI_PER_HOUR
        + minutes * CENTI_PER_MINUTE
        + seconds * CENTI_PER_SECOND
        + int((frac + "0")[:2])
    )


def format_timespan(centi: int) -> str:
    """Hundredths -> ``HHHH:MM:SS.SS`` (hours grow past 4 digits rather than wrap)."""
    centi = max(centi, 0)
    hours, rest = divmod(centi, CENTI_PER_HOUR)
    minutes, rest = divmod(rest, CENTI_PER_MINUTE)
    seconds, hundredths = divmod(rest, CENTI_PER_SECOND)
    return f"{hours:04d}:{minutes:02d}:{seconds:02d}.{hundredths:02d}"


def add_iso(total: str, session: str) -> str:
    """``cmi.total_time`` after a session: the ISO sum, formatted as ``format_iso``."""
    return format_iso(parse_iso(total) + parse_iso(session))


def add_timespan(total: str, session: str) -> str:
    """``cmi.core.total_time`` after a session (SCORM 1.2 RTE 3.4.4.1)."""
    return format_timespan(parse_timespan(total) + parse_timespan(session))


_XS_DURATION = re.compile(r"^P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$")


def parse_xs_duration(value: str) -> int:
    """An ``xs:duration`` (no sign) -> hundredths, finer fractions of a second dropped.
    ValueError if it is not one."""
    text = value.strip()
    if not _XS_DURATION.fullmatch(text):
        raise ValueError(f"not an xs:duration: {value!r}")
    return parse_iso(re.sub(r"(\.\d{2})\d+S$", r"\1S", text))


def parse_xs_datetime(value: str) -> datetime:
    """An ``xs:dateTime`` -> an aware datetime (no time zone: UTC). ValueError if not one."""
    text = value.strip()
    if "T" not in text:
        raise ValueError(f"not an xs:dateTime: {value!r}")
    moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
