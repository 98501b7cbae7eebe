"""Interaction response formats of SCORM 2004 4th Edition (RTE 4.2.9.1 correct_responses.n.pattern,
RTE 4.2.9.2 learner_response), one rule per interaction type.

Each rule says how many correct-response patterns the type allows (RTE 4.2.9.1 Table 4.2.9.1a:
true-false, likert, numeric and other take one; the rest up to the SPM) and checks a pattern or a
learner response. Delimiters: items ``[,]``, pairs ``[.]``, numeric ranges ``[:]``, and the
``{case_matters=}``, ``{order_matters=}``, ``{lang=}`` prefixes of RTE 4.1.1.5 / 4.2.9.1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.standards.common.datatypes import REAL_2004, SHORT_IDENTIFIER, check_language, strip_lang

if TYPE_CHECKING:
    from collections.abc import Callable

ITEM, PAIR, RANGE = "[,]", "[.]", "[:]"
_SHORT_ID = re.compile(SHORT_IDENTIFIER)
_REAL = re.compile(REAL_2004)
_DELIMITER = re.compile(r"^\{(case_matters|order_matters)=([^}]*)\}")


def short_id(value: str) -> bool:
    """RTE 4.1.1.4 short_identifier_type."""
    return bool(_SHORT_ID.fullmatch(value))


def real(value: str) -> bool:
    return bool(_REAL.fullmatch(value))


def strip_flags(value: str, allowed: tuple[str, ...]) -> tuple[bool, str]:
    """Remove the leading ``{case_matters=..}`` / ``{order_matters=..}`` delimiters that the type
    allows, in any order, each at most once (RTE 4.2.9.1). A delimiter with an invalid value
    (``{case_matters=maybe}``) makes the whole value invalid. A ``{lang=..}`` ends the delimiters:
    it belongs to the first item, and what follows it is that item's text."""
    seen: set[str] = set()
    while True:
        match = _DELIMITER.match(value)
        if not match or match.group(1) not in allowed:
            return True, value
        name, setting = match.group(1), match.group(2)
        if name in seen or setting not in ("true", "false"):
            return False, value
        seen.add(name)
        value = value[match.end() :]


def localized(value: str, max_length: int) -> bool:
    """A localized string: optional ``{lang=xx}`` (a valid language) then text."""
    lang, text = strip_lang(value)
    if lang is not None and (not lang or not check_language(lang)):
        return False
    return len(text) <= max_length


def _ids(value: str, *, unique: bool) -> bool:
    """``a[,]b[,]c`` of short identifiers; the empty string is the empty list."""
    if value == "":
        return True
    items = value.split(ITEM)
    return all(short_id(i) for i in items) and (not unique or len(set(items)) == len(items))


def _choice(value: str) -> bool:
    return _ids(value, unique=True)


def _sequencing(value: str) -> bool:
    return value != "" and _ids(value, unique=False)


def _true_false(value: str) -> bool:
    return value in ("true", "false")


def _matching(value: str) -> bool:
    if value == "":
        return False
    for item in value.split(ITEM):
        parts = item.split(PAIR)
        if len(parts) != 2 or not all(short_id(p) for p in parts):
            return False
    return True


def _fill_in_pattern(value: str) -> bool:
    ok, rest = strip_flags(value, ("case_matters", "order_matters"))
    return ok and all(localized(i, 250) for i in rest.split(ITEM))


def _fill_in_response(value: str) -> bool:
    return all(localized(i, 250) for i in value.split(ITEM))


def _long_fill_in_pattern(value: str) -> bool:
    """One localized string; ``{case_matters=}`` may come before or after its ``{lang=}``."""
    ok, rest = strip_flags(value, ("case_matters",))
    lang, text = strip_lang(rest)
    if lang is not None and not rest.startswith("{case_matters="):
        ok2, text = strip_flags(text, ("case_matters",) if value == rest else ())
        ok = ok and ok2
        return ok and bool(lang) and check_language(lang) and len(text) <= 4000
    return ok and localized(rest, 4000)


def _long_fill_in_response(value: str) -> bool:
    return localized(value, 4000)


def _numeric_range(value: str) -> bool:
    """``min[:]max`` with either bound optional; min <= max when both are given."""
    low, sep, high = value.partition(RANGE)
    if not sep:
        return real(value)
    if RANGE in high or (low and not real(low)) or (high and not real(high)):
        return False
    return not (low and high and float(low) > float(high))


def _step(item: str, *, pattern: bool) -> bool:
    name, sep, answer = item.partition(PAIR)
    if not sep or PAIR in answer or (name == "" and answer == ""):
        return False
    if name and not short_id(name):
        return False
    if pattern and RANGE in answer:
        return _numeric_range(answer)
    return len(answer) <= 250


def _performance_pattern(value: str) -> bool:
    ok, rest = strip_flags(value, ("order_matters",))
    return ok and rest != "" and all(_step(i, pattern=True) for i in rest.split(ITEM))


def _performance_response(value: str) -> bool:
    return value != "" and all(_step(i, pattern=False) for i in value.split(ITEM))


def _likert(value: str) -> bool:
    return short_id(value)


def _other(value: str) -> bool:
    return len(value) <= 4000


@dataclass(frozen=True)
class InteractionRule:
    """How one interaction type formats its correct responses and learner response."""

    type: str
    max_patterns: int | None  # None: up to the SPM, no fixed limit
    pattern: Callable[[str], bool]
    response: Callable[[str], bool]
    unique_patterns: bool = False  # RTE 4.2.9.1: two equal patterns are a 351


RULES: dict[str, InteractionRule] = {
    r.type: r
    for r in (
        InteractionRule("true-false", 1, _true_false, _true_false),
        InteractionRule("choice", None, _choice, _choice, unique_patterns=True),
        InteractionRule("fill-in", None, _fill_in_pattern, _fill_in_response),
        InteractionRule("long-fill-in", None, _long_fill_in_pattern, _long_fill_in_response),
        InteractionRule("likert", 1, _likert, _likert),
        InteractionRule("matching", None, _matching, _matching),
        InteractionRule("performance", None, _performance_pattern, _performance_response),
        InteractionRule("sequencing", None, _sequencing, _sequencing, unique_patterns=True),
        InteractionRule("numeric", 1, _numeric_range, real),
        InteractionRule("other", 1, _other, _other),
    )
}


def check_result(value: str, vocabulary: tuple[str, ...]) -> bool:
    """RTE 4.2.9 result: one of the state tokens or a real(10,7)."""
    return value in vocabulary or real(value)
