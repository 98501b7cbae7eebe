"""Where our SCORM API state machines deliberately answer differently from scorm-again, and why.

Each deviation names the calls it covers; the differential test accepts a mismatch only when one
of these matches the first call of a sequence where the two runtimes differ. ``docs/runtime.md``
lists the same deviations for readers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.standards.common.datatypes import check_language, strip_lang

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass(frozen=True)
class Diff:
    standard: str
    method: str  # without the LMS prefix: GetValue, SetValue, Commit, ...
    element: str
    value: str
    ours: tuple[str, str]  # (returned, last error)
    theirs: tuple[str, str]
    after_finish: bool


@dataclass(frozen=True)
class Deviation:
    key: str
    reason: str
    applies: Callable[[Diff], bool]
    stateless: bool = False  # the runtimes' data still agree afterwards: keep comparing


def _element(pattern: str) -> Callable[[Diff], bool]:
    compiled = re.compile(pattern)
    return lambda d: bool(compiled.search(d.element))


def _errors(ours: str | None = None, theirs: str | None = None) -> Callable[[Diff], bool]:
    return lambda d: (ours is None or d.ours[1] == ours) and (theirs is None or d.theirs[1] == theirs)


def _all(*checks: Callable[[Diff], bool]) -> Callable[[Diff], bool]:
    return lambda d: all(check(d) for check in checks)


def _method(name: str) -> Callable[[Diff], bool]:
    return lambda d: d.method == name


def _std(name: str) -> Callable[[Diff], bool]:
    return lambda d: d.standard == name


def _bad_language(diff: Diff) -> bool:
    if diff.element.endswith("learner_preference.language"):
        return not check_language(diff.value)
    lang, _ = strip_lang(diff.value)
    return lang is not None and not check_language(lang)


_INDEXED = r"\.\d+\."
_KEYWORD = r"\._(children|count|version)$"

DEVIATIONS: list[Deviation] = [
    Deviation(
        "children-order",
        "_children lists the same names in a different order; RTE 4.1.3 / 1.2 3.3 do not order them.",
        lambda d: d.element.endswith("._children") and set(d.ours[0].split(",")) == set(d.theirs[0].split(",")),
        stateless=True,
    ),
    Deviation(
        "lms-initialised-values",
        "We are the LMS: entry (ab-initio), credit, total_time (PT0H0M0S as ADL's DMB case expects, "
        "0000:00:00.00 in 1.2) and the sequencer's request_valid answers (unknown until it gives them) "
        "are set before launch; scorm-again leaves them to its host (and, for request_valid, keeps the "
        "previous error code).",
        _all(
            _method("GetValue"),
            _element(r"(entry|credit|total_time|request_valid\..*)$"),
            _errors("0"),
        ),
        stateless=True,
    ),
    Deviation(
        "score-max-default",
        "scorm-again reads cmi.core.score.max as 100 before it is set; RTE 1.2 3.4.4 gives it no initial "
        "value, so we answer the empty string.",
        _all(_std("scorm12"), _method("GetValue"), _element(r"score\.max$"), lambda d: d.ours[0] == ""),
        stateless=True,
    ),
    Deviation(
        "successful-call-clears-error",
        "scorm-again keeps the previous error code after a successful GetValue of an evaluated element; "
        "RTE 2004 3.1.4.4 says a successful call sets it to 0.",
        _all(_method("GetValue"), _errors("0"), lambda d: d.ours[0] == d.theirs[0] and d.theirs[1] != "0"),
        stateless=True,
    ),
    Deviation(
        "nav-request-readable",
        "adl.nav.request is read-write (RTE 4.4.1, default _none_); scorm-again answers 405.",
        _all(_method("GetValue"), _element(r"^adl\.nav\.request$"), _errors("0", "405")),
        stateless=True,
    ),
    Deviation(
        "index-past-count",
        "Reading an array index at or past _count: ADL's DMI case expects 301 (2004); in 1.2 we answer 201 "
        "(invalid argument, 3.3.3). scorm-again answers 403/0, or already holds an entry it created during an "
        "earlier SetValue that failed (we create entries only when the value is stored).",
        _all(_method("GetValue"), _element(_INDEXED + "|" + r"\.\d+\._count$"), lambda d: d.ours[1] in ("301", "201")),
        stateless=True,
    ),
    Deviation(
        "failed-set-leaves-no-entry",
        "scorm-again adds an array entry before validating the value, so a failed SetValue still raises "
        "_count; ours stores nothing when a SetValue fails.",
        _all(_method("GetValue"), _element(r"\._count$"), _errors("0", "0"), lambda d: d.theirs[0] > d.ours[0]),
    ),
    Deviation(
        "cmi-root",
        "GetValue('cmi') returns '[object Object]' and SetValue('cmi', x) succeeds in scorm-again; 'cmi' is "
        "not an element: 401.",
        _all(_element(r"^cmi$"), _errors("401", "0")),
    ),
    Deviation(
        "unset-lms-values-403",
        "cmi.launch_data, completion_threshold etc. not given by the manifest are not initialised: 403 "
        "(RTE 4.2.10; ADL DMI); scorm-again answers ''.",
        _all(_std("scorm2004"), _method("GetValue"), _errors("403", "0")),
        stateless=True,
    ),
    Deviation(
        "empty-characterstring",
        "characterstring elements accept the empty string (RTE 4.1.1.1; ADL DMI sets cmi.location to ''); "
        "scorm-again answers 406.",
        _all(_method("SetValue"), lambda d: d.value == "", _errors("0", "406")),
    ),
    Deviation(
        "zero-speed-and-level",
        "learner_preference.delivery_speed and audio_level range over 0..* (RTE 4.2.14), zero included.",
        _all(_method("SetValue"), _element(r"(delivery_speed|audio_level)$"), _errors("0", "407")),
    ),
    Deviation(
        "shared-data-maps",
        "adl.data entries come from the SCO's adlcp:map list (RTE 4.3): past _count a SetValue is 351 and "
        ".id is read-only (404); scorm-again creates entries on demand.",
        _all(_element(r"^adl\.data\."), lambda d: d.ours[1] in ("351", "404")),
    ),
    Deviation(
        "keywords-read-only",
        "SetValue of _children/_count/_version is 404 (2004, RTE 3.1.7.6) / 402 (1.2, 3.3.3) even on an "
        "entry that does not exist yet; scorm-again checks the index first (351/201) or answers 401.",
        _all(_method("SetValue"), _element(_KEYWORD), lambda d: d.ours[1] in ("404", "402")),
    ),
    Deviation(
        "read-only-first",
        "A read-only element is 404 whatever its index; scorm-again checks the index first (351).",
        _all(_method("SetValue"), _errors("404", "351")),
    ),
    Deviation(
        "identifier-syntax",
        "Identifiers are URIs without spaces or braces (RTE 4.1.1.3; CMIIdentifier in 1.2 3.4.2); "
        "scorm-again accepts 'a b' and '{lang=en}hello'.",
        _all(_method("SetValue"), _element(r"\.id$"), lambda d: d.ours[1] in ("406", "405") and d.theirs[1] == "0"),
    ),
    Deviation(
        "dependency-first",
        "Before interactions.n.id / objectives.n.id (and the interaction type) are set, other fields of "
        "the entry are 408 (RTE 4.2.9, 4.2.17; ADL DMI); scorm-again accepts them or reports the type.",
        _all(_std("scorm2004"), _method("SetValue"), _errors("408")),
    ),
    Deviation(
        "unique-objective-ids",
        "An objective id already used by another objective, or changed once set, is 351 (RTE 4.2.17; "
        "ADL DMI WriteOnceViolation); scorm-again accepts it.",
        _all(_std("scorm2004"), _method("SetValue"), _element(r"\.id$"), _errors("351", "0")),
    ),
    Deviation(
        "index-gaps",
        "SetValue at an index past _count is 351 (2004) / 201 (1.2): arrays grow one entry at a time; "
        "scorm-again accepts gaps or reports a dependency or type error first.",
        _all(_method("SetValue"), _element(_INDEXED), lambda d: d.ours[1] in ("351", "201")),
    ),
    Deviation(
        "empty-element-name",
        "An empty element name is 201 in 1.2 (3.3.3 invalid argument) and 301/351 in 2004; scorm-again 1.2 "
        "returns '' / false without setting an error.",
        _all(lambda d: d.element == "", lambda d: d.ours[1] in ("201", "301", "351")),
        stateless=True,
    ),
    Deviation(
        "calls-after-finish",
        "After LMSFinish every call but the error functions is 101 (ADL 1.2 test suite); scorm-again 1.2 "
        "still answers LMSGetValue/LMSCommit and reports read-only/type errors.",
        _all(_std("scorm12"), lambda d: d.after_finish, _errors("101")),
    ),
    Deviation(
        "feedback-length",
        "1.2 CMIFeedback (correct_responses.n.pattern, student_response) holds at most 255 characters "
        "(3.4.2); scorm-again accepts longer values.",
        _all(
            _std("scorm12"), _element(r"(pattern|student_response)$"), _errors("405", "0"), lambda d: len(d.value) > 255
        ),
    ),
    Deviation(
        "captioning-state",
        "learner_preference.audio_captioning is a state (-1, 0, 1) in RTE 4.2.14, so another number is a "
        "type mismatch (406); scorm-again treats it as an integer range (407).",
        _all(_element(r"audio_captioning$"), _errors("406", "407")),
    ),
    Deviation(
        "language-codes",
        "language_type is checked against the ISO 639 / ISO 3166 code lists (RTE 4.1.1.6; ADL DMI rejects "
        "{lang=frl}, {lang=sp}); scorm-again checks only the shape.",
        _all(_std("scorm2004"), _method("SetValue"), _errors("406", "0"), _bad_language),
    ),
    Deviation(
        "interaction-id-change",
        "An interaction's id may be set again (RTE 4.2.9 makes only objective ids write-once); scorm-again "
        "answers 351.",
        _all(_std("scorm2004"), _method("SetValue"), _element(r"^cmi\.interactions\.\d+\.id$"), _errors("0", "351")),
    ),
    Deviation(
        "weighting-unbounded",
        "1.2 cmi.interactions.n.weighting is a CMIDecimal without a range (3.4.11); scorm-again limits it.",
        _all(_std("scorm12"), _element(r"weighting$"), _errors("0", "405")),
    ),
    Deviation(
        "spm-is-a-minimum",
        "In SCORM 2004 the SPM is the least an LMS must store (RTE 4.1.1.1), not a limit: we keep longer "
        "characterstrings whole rather than refuse them; scorm-again answers 406.",
        _all(_std("scorm2004"), _method("SetValue"), _errors("0", "406"), lambda d: len(d.value) > 250),
    ),
    Deviation(
        "negative-result",
        "cmi.interactions.n.result is a CMIDecimal (1.2 3.4.11): negative numbers are decimals too.",
        _all(_std("scorm12"), _element(r"\.result$"), _errors("0", "405")),
    ),
]


def explain(diff: Diff) -> Deviation | None:
    return next((d for d in DEVIATIONS if d.applies(diff)), None)
