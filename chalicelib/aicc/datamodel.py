"""The HACP data model (AICC CMI001 v4: ``[Core]``, ``[Core_Lesson]``, ``[Core_Vendor]``,
``[Comments]``, ``[Evaluation]``, ``[Objectives_Status]``, ``[Student_Data]``,
``[Student_Preferences]``) ↔ the SCORM 1.2 run-time data a registration keeps for each AU.

SCORM 1.2's ``cmi`` data model is CMI001's, renamed; an AU's data is stored under the SCORM 1.2
element names (``cmi.core.lesson_status``, ``cmi.core.score.raw``, ``cmi.suspend_data``, ...),
so the registration's results, rollup, runtime view and reports are the SCORM 1.2 ones
(``chalicelib.results.progress``, ``schema``) and a session ends with SCORM 1.2's LMSFinish
rules (``scorm12_attempt.close_session``: total time, mastery score).

HACP differs in its syntax, which these tables hold: vocabulary values may be abbreviated to
their first letter; ``Lesson_Status`` carries a flag (GetParam: the entry, ``ab-initio`` or
``resume``; PutParam: the exit, ``suspend``, ``logout`` or ``time-out``); ``Score`` is
``raw[,max[,min]]`` with no 0-100 range (CMIDecimal); ``Time`` is the session time.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chalicelib.aicc.errors import INVALID_COMMAND, HacpError
from chalicelib.aicc.protocol import render_groups
from chalicelib.standards.common.durations import parse_timespan

if TYPE_CHECKING:
    from chalicelib.aicc.protocol import Group
    from chalicelib.results.runtime_data import RuntimeData

#: CMI001 lesson status vocabulary, full words and first letters.
LESSON_STATUS: dict[str, str] = {
    **{word: word for word in ("passed", "completed", "failed", "incomplete", "browsed", "not attempted")},
    "p": "passed", "c": "completed", "f": "failed", "i": "incomplete", "b": "browsed", "n": "not attempted",
}  # fmt: skip
#: PutParam ``Lesson_Status`` flag → SCORM 1.2 ``cmi.core.exit``.
EXIT_FLAGS: dict[str, str] = {"": "", "logout": "logout", "l": "logout", "suspend": "suspend", "s": "suspend",
                              "time-out": "time-out", "timeout": "time-out", "t": "time-out"}
#: SCORM 1.2 ``cmi.core.entry`` → GetParam ``Lesson_Status`` flag.
ENTRY_FLAGS: dict[str, str] = {"ab-initio": "ab-initio", "resume": "resume", "": ""}
#: [Core] keywords the AU may write → their SCORM 1.2 element (others are the LMS's: ignored).
CORE_WRITES: dict[str, str] = {"lesson_location": "cmi.core.lesson_location", "lesson_status": "cmi.core.lesson_status",
                               "score": "cmi.core.score", "time": "cmi.core.session_time"}
#: Free-form groups the AU may write → their SCORM 1.2 element.
FREE_WRITES: dict[str, str] = {"core_lesson": "cmi.suspend_data", "comments": "cmi.comments"}
#: [Student_Preferences] keyword → (element, low, high); language has no range.
PREFERENCES: dict[str, tuple[str, int | None, int | None]] = {
    "audio": ("cmi.student_preference.audio", -1, 100), "speed": ("cmi.student_preference.speed", -100, 100),
    "text": ("cmi.student_preference.text", -1, 1), "language": ("cmi.student_preference.language", None, None),
}  # fmt: skip
MAX_CHARS: dict[str, int] = {"cmi.core.lesson_location": 255, "cmi.suspend_data": 64000, "cmi.comments": 64000,
                             "cmi.student_preference.language": 255, "cmi.objectives.n.id": 255}
MAX_OBJECTIVES = 250
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$|^-?\.\d+$")
_INTEGER = re.compile(r"^-?\d+$")
_OBJECTIVE_KEY = re.compile(r"^j_(id|score|status|mastery_time)\.(\d{1,4})$")


def _bad(what: str, value: str, why: str) -> HacpError:
    return HacpError(INVALID_COMMAND, f"{what}={value[:60]!r}: {why}")


def status(value: str, what: str = "Lesson_Status") -> str:
    found = LESSON_STATUS.get(value.strip().lower())
    if found is None:
        raise _bad(what, value, "not a lesson status (passed, completed, failed, incomplete, browsed, not attempted)")
    return found


def score(value: str, what: str = "Score") -> tuple[str, str, str]:
    """``raw[,max[,min]]`` → (raw, max, min), each a CMIDecimal or blank."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) > 3 or any(p and not _DECIMAL.match(p) for p in parts):
        raise _bad(what, value, "not raw[,max[,min]] decimals")
    parts += [""] * (3 - len(parts))
    return parts[0], parts[1], parts[2]


def timespan(value: str, what: str = "Time") -> str:
    try:
        parse_timespan(value.strip())
    except (ValueError, TypeError) as err:
        raise _bad(what, value, "not a time span HH[HH]:MM:SS[.SS]") from err
    return value.strip()


def _limited(element: str, value: str, what: str) -> str:
    limit = MAX_CHARS.get(element)
    if limit is not None and len(value) > limit:
        raise _bad(what, value, f"longer than {limit} characters")
    return value


def _set_score(sets: dict[str, str], prefix: str, value: str, what: str) -> None:
    raw, high, low = score(value, what)
    sets.update({f"{prefix}.raw": raw, f"{prefix}.max": high, f"{prefix}.min": low})


def _core(group: Group, sets: dict[str, str]) -> None:
    words = group.keywords
    if "lesson_location" in words:
        sets["cmi.core.lesson_location"] = _limited("cmi.core.lesson_location", words["lesson_location"],
                                                    "Lesson_Location")
    if words.get("lesson_status", "").strip():
        main, _, flag = words["lesson_status"].partition(",")
        if flag.strip().lower() not in EXIT_FLAGS:
            raise _bad("Lesson_Status", words["lesson_status"], "the flag is not suspend, logout or time-out")
        sets["cmi.core.lesson_status"] = status(main)
        sets["cmi.core.exit"] = EXIT_FLAGS[flag.strip().lower()]
    if "score" in words:
        _set_score(sets, "cmi.core.score", words["score"], "Score")
    if words.get("time", "").strip():
        sets["cmi.core.session_time"] = timespan(words["time"])


def _objectives(group: Group) -> list[dict[str, str]]:
    """[Objectives_Status] ``J_ID.n``, ``J_Score.n``, ``J_Status.n`` → records by n."""
    found: dict[int, dict[str, str]] = {}
    for key, value in group.keywords.items():
        match = _OBJECTIVE_KEY.match(key)
        if match is None:
            raise _bad(f"[Objectives_Status] {key}", value, "not J_ID.n, J_Score.n, J_Status.n or J_Mastery_Time.n")
        found.setdefault(int(match.group(2)), {})[match.group(1)] = value
    records = []
    for number in sorted(found):
        record = found[number]
        if not record.get("id", "").strip():
            raise _bad(f"[Objectives_Status] J_ID.{number}", "", "every objective needs its J_ID")
        records.append({"id": record["id"].strip(), "score": record.get("score", ""),
                        "status": record.get("status", "")})
    return records


def objective_sets(data: RuntimeData, records: list[dict[str, str]], sets: dict[str, str],
                   counts: dict[str, int]) -> None:
    """``cmi.objectives.n.*`` for ``records`` (id, score, status): an objective already there
    (same id) is updated, a new one appended."""
    ids = {data.values.get(f"cmi.objectives.{i}.id", ""): i for i in range(data.count("cmi.objectives"))}
    total = counts.get("cmi.objectives", data.count("cmi.objectives"))
    for record in records:
        identifier = _limited("cmi.objectives.n.id", record["id"], "objective id")
        index = ids.get(identifier)
        if index is None:
            index = ids[identifier] = total
            total += 1
            if total > MAX_OBJECTIVES:
                raise HacpError(INVALID_COMMAND, f"more than {MAX_OBJECTIVES} objectives")
            sets[f"cmi.objectives.{index}.id"] = identifier
        if record.get("score", "").strip():
            _set_score(sets, f"cmi.objectives.{index}.score", record["score"], f"objective {identifier} score")
        if record.get("status", "").strip():
            sets[f"cmi.objectives.{index}.status"] = status(record["status"], f"objective {identifier} status")
    counts["cmi.objectives"] = total


def _preferences(group: Group, sets: dict[str, str]) -> None:
    for key, value in group.keywords.items():
        if key not in PREFERENCES or not value.strip():
            continue  # Lesson_Type, Text_Color, Video, Window...: kept by the AU, not tracked
        element, low, high = PREFERENCES[key]
        if low is None:
            sets[element] = _limited(element, value.strip(), key)
            continue
        if not _INTEGER.match(value.strip()) or not low <= int(value) <= (high or 0):
            raise _bad(f"[Student_Preferences] {key}", value, f"not a whole number from {low} to {high}")
        sets[element] = str(int(value))


def put_param(groups: dict[str, Group], data: RuntimeData) -> dict[str, str]:
    """Validate a PutParam's groups and apply them to ``data`` (nothing applied if one value is
    refused). Returns the elements set."""
    sets: dict[str, str] = {}
    counts: dict[str, int] = {}
    if "core" in groups:
        _core(groups["core"], sets)
    for name, element in FREE_WRITES.items():
        if name in groups:
            sets[element] = _limited(element, groups[name].text, f"[{name}]")
    if "objectives_status" in groups:
        objective_sets(data, _objectives(groups["objectives_status"]), sets, counts)
    if "student_preferences" in groups:
        _preferences(groups["student_preferences"], sets)
    data.values.update(sets)
    data.counts.update(counts)
    return sets


# --- GetParam -----------------------------------------------------------------------------------


def _score_text(values: dict[str, str], prefix: str) -> str:
    parts = [values.get(f"{prefix}.{k}", "") for k in ("raw", "max", "min")]
    while parts and not parts[-1]:
        parts.pop()
    return ",".join(parts)


def get_param(data: RuntimeData, course_id: str) -> str:
    """The ``aicc_data`` of a GetParam answer: what the AU needs to start (CMI001 GetParam)."""
    v = data.values
    flag = ENTRY_FLAGS.get(v.get("cmi.core.entry", ""), "")
    lesson_status = v.get("cmi.core.lesson_status", "not attempted") + (f",{flag}" if flag else "")
    groups: list[tuple[str, list[tuple[str, str]] | str]] = [
        ("Core", [("Student_ID", v.get("cmi.core.student_id", "")),
                  ("Student_Name", v.get("cmi.core.student_name", "")),
                  ("Lesson_Location", v.get("cmi.core.lesson_location", "")),
                  ("Credit", v.get("cmi.core.credit", "credit")), ("Lesson_Status", lesson_status),
                  ("Score", _score_text(v, "cmi.core.score")), ("Time", v.get("cmi.core.total_time", "00:00:00")),
                  ("Lesson_Mode", v.get("cmi.core.lesson_mode", "normal"))]),
        ("Core_Lesson", v.get("cmi.suspend_data", "")),
        ("Core_Vendor", v.get("cmi.launch_data", "")),
    ]
    if v.get("cmi.comments_from_lms"):
        groups.append(("Comments", v["cmi.comments_from_lms"]))
    groups.append(("Evaluation", [("Course_ID", course_id)]))
    objectives = []
    for i in range(data.count("cmi.objectives")):
        n = i + 1
        objectives += [(f"J_ID.{n}", v.get(f"cmi.objectives.{i}.id", "")),
                       (f"J_Score.{n}", _score_text(v, f"cmi.objectives.{i}.score")),
                       (f"J_Status.{n}", v.get(f"cmi.objectives.{i}.status", ""))]
    if objectives:
        groups.append(("Objectives_Status", objectives))
    groups.append(("Student_Data", [("Mastery_Score", v.get("cmi.student_data.mastery_score", "")),
                                    ("Max_Time_Allowed", v.get("cmi.student_data.max_time_allowed", "")),
                                    ("Time_Limit_Action", v.get("cmi.student_data.time_limit_action", ""))]))
    preferences = [(key.capitalize(), v[element]) for key, (element, _, _) in PREFERENCES.items() if v.get(element)]
    if preferences:
        groups.append(("Student_Preferences", preferences))
    return render_groups(groups)
