"""SCORM 1.2 API, table-driven: every element of the data model table with its access rule, type,
vocabulary and range, every keyword, and every error code of RTE 1.2 3.3.3.

The samples below are written from the RTE 1.2 data type definitions (3.4.2), independently of the
regular expressions in chalicelib.standards.common.datatypes.
"""

from __future__ import annotations

import pytest

from chalicelib.results.runtime_data import RuntimeData
from chalicelib.runtime.scorm12_api import Scorm12Api
from chalicelib.runtime.scorm12_attempt import Launch12, relaunch
from chalicelib.standards.common.elements import Access
from chalicelib.standards.scorm12.datamodel import ELEMENTS

# type -> (values the SCO may set, values it may not)
SAMPLES: dict[str, tuple[list[str], list[str]]] = {
    "CMIString255": (["", "Chapter 3, page 2", "x" * 255], ["x" * 256]),
    "CMIString4096": (["", "y" * 4096], ["y" * 4097]),
    "CMIString64000": (["", "z" * 64000], ["z" * 64001]),
    "CMIIdentifier": (["q1", "obj_1.a-b"], ["", "has space", "i" * 256, "q1\n"]),
    "CMIDecimal": (["0", "55.5", "100"], ["abc", "1,5", "ten", "5\n"]),
    "CMISInteger": (["0", "-1", "1"], ["1.5", "abc"]),
    "CMITime": (["09:15:00", "23:59:59.99"], ["24:00:00", "9:15", "noon"]),
    "CMITimespan": (["00:00:09", "0000:00:09", "9999:59:59.99"], ["1:00:00", "00:60:00", "PT1M"]),
    "CMIFeedback": (["a", "true", "x" * 255], ["x" * 256]),
    "CMIResult": (["correct", "wrong", "unanticipated", "neutral", "0.75"], ["incorrect", "right"]),
}

LMS_VALUES = {
    "cmi.core.student_id": "learner-7",
    "cmi.core.student_name": "Doe, Jane",
    "cmi.core.credit": "credit",
    "cmi.core.entry": "ab-initio",
    "cmi.core.lesson_mode": "normal",
    "cmi.core.total_time": "0000:00:00.00",
    "cmi.launch_data": "chapter=3",
    "cmi.comments_from_lms": "Well done",
    "cmi.student_data.mastery_score": "80",
    "cmi.student_data.max_time_allowed": "00:30:00",
    "cmi.student_data.time_limit_action": "continue,no message",
}


def started() -> Scorm12Api:
    api = Scorm12Api(
        Launch12(
            student_id="learner-7",
            student_name="Doe, Jane",
            launch_data="chapter=3",
            mastery_score="80",
            max_time_allowed="00:30:00",
            time_limit_action="continue,no message",
            comments_from_lms="Well done",
        )
    )
    assert api.LMSInitialize("") == "true"
    return api


def with_parents(api: Scorm12Api, path: str) -> None:
    """Create the array entries ``path`` lives in (index 0 of each array)."""
    if path.startswith("cmi.objectives.0."):
        assert api.LMSSetValue("cmi.objectives.0.id", "obj1") == "true"
    if path.startswith("cmi.interactions.0."):
        assert api.LMSSetValue("cmi.interactions.0.id", "int1") == "true"


def concrete(pattern: str) -> str:
    return pattern.replace(".n.", ".0.")


LEAVES = sorted(p for p, e in ELEMENTS.items() if not e.keyword)
VOCABULARY = [p for p in LEAVES if ELEMENTS[p].vocabulary]
RANGED = [p for p in LEAVES if ELEMENTS[p].minimum is not None]
TYPED = [p for p in LEAVES if ELEMENTS[p].type in SAMPLES]


def test_every_element_type_has_samples() -> None:
    missing = {ELEMENTS[p].type for p in LEAVES} - set(SAMPLES) - {"CMIVocabulary"}
    assert not missing


@pytest.mark.parametrize("pattern", [p for p in LEAVES if ELEMENTS[p].access is Access.READ_ONLY])
def test_read_only_elements_read_and_refuse_writes(pattern: str) -> None:
    api = started()
    assert api.LMSGetValue(pattern) == LMS_VALUES[pattern]
    assert api.LMSGetLastError() == "0"
    assert api.LMSSetValue(pattern, LMS_VALUES[pattern]) == "false"
    assert api.LMSGetLastError() == "403"


@pytest.mark.parametrize("pattern", [p for p in LEAVES if ELEMENTS[p].access is Access.WRITE_ONLY])
def test_write_only_elements_take_writes_and_refuse_reads(pattern: str) -> None:
    api = started()
    path = concrete(pattern)
    with_parents(api, path)
    spec = ELEMENTS[pattern]
    value = spec.vocabulary[0] if spec.vocabulary else SAMPLES[spec.type][0][0] or SAMPLES[spec.type][0][1]
    assert api.LMSSetValue(path, value) == "true", api.LMSGetDiagnostic("")
    assert api.LMSGetValue(path) == ""
    assert api.LMSGetLastError() == "404"


@pytest.mark.parametrize("pattern", [p for p in LEAVES if ELEMENTS[p].access is Access.READ_WRITE])
def test_read_write_elements_read_back_what_was_written(pattern: str) -> None:
    api = started()
    path = concrete(pattern)
    with_parents(api, path)
    spec = ELEMENTS[pattern]
    values = list(spec.vocabulary) if spec.vocabulary else SAMPLES[spec.type][0]
    for value in values:
        if spec.minimum is not None and value and not spec.minimum <= float(value) <= (spec.maximum or 1e9):
            continue
        assert api.LMSSetValue(path, value) == "true", (path, value, api.LMSGetDiagnostic(""))
        assert api.LMSGetValue(path) == value
        assert api.LMSGetLastError() == "0"


@pytest.mark.parametrize("pattern", [p for p in TYPED if ELEMENTS[p].writable])
def test_values_of_the_wrong_type_are_405_and_keep_the_old_value(pattern: str) -> None:
    api = started()
    path = concrete(pattern)
    with_parents(api, path)
    before = api.data.values.get(path)
    for value in SAMPLES[ELEMENTS[pattern].type][1]:
        assert api.LMSSetValue(path, value) == "false", (path, value)
        assert api.LMSGetLastError() == "405"
        assert api.data.values.get(path) == before


@pytest.mark.parametrize("pattern", [p for p in VOCABULARY if ELEMENTS[p].writable])
def test_tokens_outside_the_vocabulary_are_405(pattern: str) -> None:
    api = started()
    path = concrete(pattern)
    with_parents(api, path)
    for value in ("not-a-token", ELEMENTS[pattern].vocabulary[0].upper() + "X"):
        assert api.LMSSetValue(path, value) == "false"
        assert api.LMSGetLastError() == "405"


def test_lesson_status_not_attempted_is_for_the_lms_only() -> None:
    api = started()
    assert api.LMSSetValue("cmi.core.lesson_status", "not attempted") == "false"
    assert api.LMSGetLastError() == "405"
    assert api.LMSSetValue("cmi.objectives.0.id", "o") == "true"
    assert api.LMSSetValue("cmi.objectives.0.status", "not attempted") == "true"


@pytest.mark.parametrize("pattern", RANGED)
def test_out_of_range_numbers_are_405(pattern: str) -> None:
    api = started()
    path = concrete(pattern)
    with_parents(api, path)
    spec = ELEMENTS[pattern]
    assert spec.minimum is not None and spec.maximum is not None
    for value in (str(int(spec.minimum) - 1), str(int(spec.maximum) + 1)):
        assert api.LMSSetValue(path, value) == "false", (path, value)
        assert api.LMSGetLastError() == "405"
    assert api.LMSSetValue(path, str(int(spec.maximum))) == "true"


@pytest.mark.parametrize("pattern", sorted(p for p, e in ELEMENTS.items() if e.keyword))
def test_keywords_read_and_cannot_be_set(pattern: str) -> None:
    api = started()
    path = concrete(pattern)
    with_parents(api, path)
    spec = ELEMENTS[pattern]
    expected = spec.value if spec.keyword != "_count" else "0"
    if spec.keyword == "_count" and path.startswith(("cmi.interactions._", "cmi.objectives._")):
        expected = "1" if api.data.counts.get(path.rsplit(".", 1)[0]) else "0"
    assert api.LMSGetValue(path) == expected
    assert api.LMSGetLastError() == "0"
    assert api.LMSSetValue(path, "1") == "false"
    assert api.LMSGetLastError() == "402"


def test_arrays_grow_one_index_at_a_time_and_count() -> None:
    api = started()
    assert api.LMSSetValue("cmi.interactions.1.id", "late") == "false"
    assert api.LMSGetLastError() == "201"
    for index in range(3):
        assert api.LMSSetValue(f"cmi.interactions.{index}.id", f"q{index}") == "true"
        assert api.LMSSetValue(f"cmi.interactions.{index}.objectives.0.id", "obj") == "true"
    assert api.LMSGetValue("cmi.interactions._count") == "3"
    assert api.LMSGetValue("cmi.interactions.2.objectives._count") == "1"
    assert api.LMSGetValue("cmi.interactions.2.correct_responses._count") == "0"
    assert api.LMSGetValue("cmi.objectives.0.id") == ""
    assert api.LMSGetLastError() == "201"


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda a: a.LMSGetValue("cmi.core.student_id._children"), "202"),
        (lambda a: a.LMSGetValue("cmi.core._count"), "203"),
        (lambda a: a.LMSGetValue("cmi.core.nonsense"), "401"),
        (lambda a: a.LMSSetValue("cmi.nonsense", "x"), "401"),
        (lambda a: a.LMSGetValue(""), "201"),
        (lambda a: a.LMSCommit("x"), "201"),
        (lambda a: a.LMSFinish("x"), "201"),
        (lambda a: a.LMSInitialize(""), "101"),
        (lambda a: a.LMSSetValue("cmi.core.score.raw", "101"), "405"),
        (lambda a: a.LMSSetValue("cmi.core._children", "x"), "402"),
        (lambda a: a.LMSSetValue("cmi.core.credit", "credit"), "403"),
        (lambda a: a.LMSGetValue("cmi.core.exit"), "404"),
    ],
)
def test_error_codes_while_running(call: object, code: str) -> None:
    api = started()
    assert callable(call)
    call(api)
    assert api.LMSGetLastError() == code
    assert api.LMSGetErrorString(code) == api.errors[int(code)].message
    assert api.LMSGetDiagnostic("") != ""


def test_session_errors_before_and_after() -> None:
    api = Scorm12Api()
    assert api.LMSGetValue("cmi.core.lesson_status") == ""
    assert api.LMSGetLastError() == "301"
    assert api.LMSSetValue("cmi.core.lesson_location", "x") == "false"
    assert api.LMSGetLastError() == "301"
    assert api.LMSCommit("") == "false"
    assert api.LMSGetLastError() == "301"
    assert api.LMSFinish("") == "false"
    assert api.LMSGetLastError() == "301"
    assert api.LMSInitialize("x") == "false"
    assert api.LMSGetLastError() == "201"
    assert api.LMSInitialize("") == "true"
    assert api.LMSGetLastError() == "0"
    assert api.LMSFinish("") == "true"
    for call in (lambda: api.LMSGetValue("cmi.core.lesson_status"), lambda: api.LMSCommit(""), api.LMSInitialize):
        call()
        assert api.LMSGetLastError() == "101"


def test_a_later_successful_call_clears_the_error() -> None:
    api = started()
    api.LMSGetValue("cmi.nope")
    assert api.LMSGetLastError() == "401"
    assert api.LMSGetLastError() == "401"  # reading the error does not clear it
    assert api.LMSGetValue("cmi.core.lesson_location") == ""
    assert api.LMSGetLastError() == "0"


def test_error_strings() -> None:
    api = Scorm12Api()
    assert api.LMSGetErrorString("401") == "Not implemented error"
    assert api.LMSGetErrorString("999") == ""
    assert api.LMSGetErrorString("") == ""


def test_numbers_from_content_are_taken_as_their_string() -> None:
    api = started()
    assert api.LMSSetValue("cmi.core.lesson_location", 0) == "true"
    assert api.LMSGetValue("cmi.core.lesson_location") == "0"
    assert api.LMSSetValue("cmi.core.score.raw", 87.5) == "true"
    assert api.LMSGetValue("cmi.core.score.raw") == "87.5"


def test_finish_adds_session_time_and_applies_the_mastery_score() -> None:
    api = started()
    api.LMSSetValue("cmi.core.session_time", "0000:00:09")
    api.LMSSetValue("cmi.core.score.raw", "85")
    api.LMSSetValue("cmi.core.exit", "suspend")
    api.LMSSetValue("cmi.suspend_data", "page=4")
    assert api.LMSFinish("") == "true"
    assert api.data.values["cmi.core.total_time"] == "0000:00:09.00"
    assert api.data.values["cmi.core.lesson_status"] == "passed"

    stored = RuntimeData.from_dict(api.data.to_dict())
    again = Scorm12Api(Launch12(mastery_score="80"), relaunch(stored, Launch12(mastery_score="80")))
    again.LMSInitialize("")
    assert again.LMSGetValue("cmi.core.entry") == "resume"
    assert again.LMSGetValue("cmi.suspend_data") == "page=4"
    assert again.LMSGetValue("cmi.core.total_time") == "0000:00:09.00"
    again.LMSSetValue("cmi.core.session_time", "01:00:00.5")
    again.LMSSetValue("cmi.core.score.raw", "10")
    again.LMSFinish("")
    assert again.data.values["cmi.core.total_time"] == "0001:00:09.50"
    assert again.data.values["cmi.core.lesson_status"] == "failed"


def test_untouched_status_becomes_completed_or_incomplete() -> None:
    api = started()
    api.LMSFinish("")
    assert api.data.values["cmi.core.lesson_status"] == "completed"
    suspended = Scorm12Api()
    suspended.LMSInitialize("")
    suspended.LMSSetValue("cmi.core.exit", "suspend")
    suspended.LMSFinish("")
    assert suspended.data.values["cmi.core.lesson_status"] == "incomplete"
