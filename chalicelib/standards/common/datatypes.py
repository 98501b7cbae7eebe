"""The data types of the SCORM run-time data models, as a table.

Every element of ``scorm12/datamodel.py`` and ``scorm2004/datamodel.py`` names one type of
``TYPES``. A type is a regular expression (written so that JavaScript's ``RegExp`` reads it the same
way, for the browser runtime that gets this table exported) plus, for a few types, a check that a
regular expression cannot express (ranges, language codes, the ``{lang=}`` delimiter).

Sources: SCORM 1.2 RTE section 3.4.2 (CMIBlank ... CMIVocabulary); SCORM 2004 4th Edition RTE
section 4.1.1 (characterstring, localized_string_type, long/short_identifier_type, language_type,
real(10,7), integer, state, time(second,10,0), timeinterval(second,10,2)).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from chalicelib.standards.common.languages import ISO_639_1, ISO_639_2, ISO_3166_1, WITHDRAWN


class Verdict(Enum):
    """The result of checking a value against its type (RTE 2004 3.1.7.6: 406 vs 407)."""

    OK = "ok"
    TYPE_MISMATCH = "type"
    OUT_OF_RANGE = "range"


@dataclass(frozen=True)
class DataType:
    """One data type: its pattern and, if any, the longest value it takes (SPM, enforced)."""

    name: str
    pattern: str
    max_length: int | None = None
    numeric: bool = False  # ranges of the element apply
    note: str = ""

    def compiled(self) -> re.Pattern[str]:
        return _compiled(self.pattern)


_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    found = _CACHE.get(pattern)
    if found is None:
        found = _CACHE[pattern] = re.compile(pattern, re.DOTALL)
    return found


# ---------------------------------------------------------------------------------------------
# SCORM 2004 4th Edition, RTE 4.1.1
# ---------------------------------------------------------------------------------------------
# ISO 8601 time, RTE 4.1.1.7: YYYY[-MM[-DD[Thh[:mm[:ss[.s[TZD]]]]]]], year 1970-2038; the time zone
# designator only after fractional seconds (ADL DMI rejects 2004-04-01T09:45:58Z).
_TZD = r"(Z|[+-](?:[01][0-9]|2[0-3])(?::[0-5][0-9])?)"
TIME_2004 = (
    r"^(19[7-9][0-9]|20[0-2][0-9]|203[0-8])"
    r"(-(0[1-9]|1[0-2])"
    r"(-(0[1-9]|[12][0-9]|3[01])"
    r"(T([01][0-9]|2[0-3])"
    r"(:[0-5][0-9]"
    r"(:[0-5][0-9](\.[0-9]{1,2}" + _TZD + r"?)?"
    r")?)?)?)?)?$"
)
# ISO 8601 duration, RTE 4.1.1.8: P[yY][mM][dD][T[hH][mM][s[.s]S]], at least one part.
TIMEINTERVAL_2004 = r"^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$"
REAL_2004 = r"^[-+]?(\d+(\.\d*)?|\.\d+)$"
INTEGER_2004 = r"^[-+]?\d+$"
# RFC 3986 URI characters, no whitespace (RTE 4.1.1.3: identifiers "shall be URIs").
# "[" and "]" are left out: they are the response delimiters ([,] [.] [:]) of RTE 4.2.9.1.
_URI_CHARS = r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]"
LONG_IDENTIFIER = r"^(?!urn:)" + _URI_CHARS + r"{1,4000}$|^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:" + _URI_CHARS + r"+$"
SHORT_IDENTIFIER = r"^" + _URI_CHARS + r"{1,250}$"
# RFC 3066 language tag (RTE 4.1.1.6): primary 1-8 letters ("i", "x" or an ISO 639 code of 2-3),
# subtags of 1-8 letters or digits; the empty string is allowed for learner_preference.language.
LANGUAGE = r"^$|^(([A-Za-z]{2,3}|[iIxX])(-[A-Za-z0-9]{1,8})*)$"

TYPES_2004: dict[str, DataType] = {
    t.name: t
    for t in (
        DataType("characterstring", r"^[\s\S]*$"),
        DataType("localized_string_type", r"^[\s\S]*$", note="an optional {lang=<language_type>} prefix"),
        DataType("long_identifier_type", LONG_IDENTIFIER, 4000),
        DataType("short_identifier_type", SHORT_IDENTIFIER, 250),
        DataType("language_type", LANGUAGE, 250),
        DataType("real(10,7)", REAL_2004, numeric=True),
        DataType("integer", INTEGER_2004, numeric=True),
        DataType("state", r"^[\s\S]*$", note="one token of the element's vocabulary"),
        DataType("time(second,10,0)", TIME_2004),
        DataType("timeinterval(second,10,2)", TIMEINTERVAL_2004),
        DataType("nav_request", r"^[\s\S]*$", note="adl.nav.request vocabulary, RTE 4.4.2"),
        DataType("interaction_pattern", r"^[\s\S]*$", note="by interaction type, scorm2004/interactions.py"),
        DataType("interaction_result", r"^[\s\S]*$", note="a state token or real(10,7), RTE 4.2.9.1"),
    )
}

# ---------------------------------------------------------------------------------------------
# SCORM 1.2, RTE 3.4.2
# ---------------------------------------------------------------------------------------------
TYPES_12: dict[str, DataType] = {
    t.name: t
    for t in (
        DataType("CMIBlank", r"^$"),
        DataType("CMIBoolean", r"^(true|false)$"),
        # SPM 255 in the spec (3.4.2 CMIString255); scorm-again names this CMIString256.
        DataType("CMIString255", r"^[\s\S]{0,255}$"),
        DataType("CMIString4096", r"^[\s\S]{0,4096}$"),
        # SPEC DEVIATION: cmi.suspend_data is CMIString4096 in SCORM 1.2; real content stores far
        # more (scorm-again and SCORM Cloud accept it), so we accept 64000 characters like 2004.
        DataType("CMIString64000", r"^[\s\S]{0,64000}$", note="widened suspend_data, see docs/runtime.md"),
        DataType("CMIIdentifier", r"^[\u0021-\u007E]{1,255}$"),
        DataType("CMIDecimal", r"^-?([0-9]{1,10})(\.[0-9]*)?$|^-?\.[0-9]+$", numeric=True),
        DataType("CMIInteger", r"^\d+$", numeric=True),
        DataType("CMISInteger", r"^[-+]?\d+$", numeric=True),
        DataType("CMITime", r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,2})?$"),
        # 3.4.2 says HHHH:MM:SS.SS with 2-4 digit hours; content also sends 4-digit hours (0000:00:09).
        DataType("CMITimespan", r"^[0-9]{2,4}:[0-5]?[0-9]:[0-5]?[0-9](\.[0-9]{1,2})?$"),
        DataType("CMIFeedback", r"^[\s\S]{0,255}$"),
        # 3.4.11 cmi.interactions.n.result: a result token or a CMIDecimal.
        DataType("CMIResult", r"^(correct|wrong|unanticipated|neutral|-?[0-9]+(\.[0-9]+)?)$"),
        DataType("CMIVocabulary", r"^[\s\S]*$", note="one token of the element's vocabulary"),
    )
}

_LANG_PREFIX = re.compile(r"^\{lang=([^}]*)\}")


def check_language(value: str) -> bool:
    """RTE 4.1.1.6 language_type: ``ll[-subtag]*`` with an ISO 639 primary code; empty allowed."""
    if value == "":
        return True
    if len(value) > 250 or not _compiled(LANGUAGE).fullmatch(value):
        return False
    primary, *subtags = value.lower().split("-")
    known = primary in ("i", "x") or primary in WITHDRAWN
    if not known and primary not in (ISO_639_1 if len(primary) == 2 else ISO_639_2):
        return False
    return not (subtags and len(subtags[0]) == 2 and subtags[0].upper() not in ISO_3166_1)


def strip_lang(value: str) -> tuple[str | None, str]:
    """Split a localized string's ``{lang=xx}`` delimiter (RTE 4.1.1.5) from its text."""
    match = _LANG_PREFIX.match(value)
    if not match:
        return None, value
    return match.group(1), value[match.end() :]


def check_localized(value: str) -> bool:
    """A localized_string_type: any text, with an optional well-formed ``{lang=}`` prefix."""
    lang, _ = strip_lang(value)
    return lang is None or (lang != "" and check_language(lang))


def in_range(value: str, minimum: float | None, maximum: float | None) -> bool:
    number = float(value)
    return (minimum is None or number >= minimum) and (maximum is None or number <= maximum)


def check(
    types: dict[str, DataType],
    type_name: str,
    value: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    vocabulary: tuple[str, ...] = (),
) -> Verdict:
    """Check ``value`` against the type ``type_name`` of table ``types`` and the element's range."""
    datatype = types[type_name]
    well_formed = (
        (not vocabulary or value in vocabulary)
        and (datatype.max_length is None or len(value) <= datatype.max_length)
        and bool(datatype.compiled().fullmatch(value))
        and (type_name != "localized_string_type" or check_localized(value))
        and (type_name != "language_type" or check_language(value))
    )
    if not well_formed:
        return Verdict.TYPE_MISMATCH
    if datatype.numeric and not in_range(value, minimum, maximum):
        return Verdict.OUT_OF_RANGE
    return Verdict.OK
