"""ISO 8601 durations and SCORM 1.2 timespans, including the 4-digit hours content sends."""

from __future__ import annotations

import pytest

from chalicelib.standards.common.durations import add_iso, add_timespan, format_iso, parse_iso, parse_timespan


@pytest.mark.parametrize(
    ("text", "centi"),
    [("PT0H0M0S", 0), ("PT1M", 6000), ("PT01H059M020S", 716_000), ("P0Y029DT0H", 29 * 8_640_000), ("PT1.5S", 150)],
)
def test_parse_iso(text: str, centi: int) -> None:
    assert parse_iso(text) == centi


@pytest.mark.parametrize("text", ["P", "PT", "P1DT", "1H", "PT1.555S", "PT-1S"])
def test_parse_iso_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_iso(text)


def test_iso_sums_format_like_adl_expects() -> None:
    assert add_iso("PT1M", "PT01H059M020S") == "PT2H20S"
    assert add_iso("PT2H20S", "PT0H05M49S") == "PT2H6M9S"
    assert add_iso("PT0H0M0S", "P0Y029DT0H") == "P29D"
    assert format_iso(0) == "PT0H0M0S"
    assert format_iso(150) == "PT1.5S"


@pytest.mark.parametrize(
    ("text", "centi"),
    [("00:00:09", 900), ("0000:00:09", 900), ("9999:59:59.99", 3_599_999_999), ("01:02:03.5", 372_350)],
)
def test_parse_timespan(text: str, centi: int) -> None:
    assert parse_timespan(text) == centi


def test_timespan_sum() -> None:
    assert add_timespan("0000:00:00.00", "0000:00:09") == "0000:00:09.00"
    assert add_timespan("9999:00:00", "02:00:00") == "10001:00:00.00"
    with pytest.raises(ValueError, match="CMITimespan"):
        parse_timespan("1:00:00")
