"""A SCORM 1.2 attempt on one SCO: LMS-set values at launch and the LMS's work at LMSFinish.

- Launch (RTE 1.2 3.4.4): ``cmi.core.entry`` is ``ab-initio`` on the first launch, ``resume`` after
  a session that exited with ``suspend``, ``""`` otherwise; ``cmi.core.lesson_status`` starts as
  ``not attempted``; credit, lesson_mode, student id and name, launch_data
  (``adlcp:datafromlms``), mastery_score, max_time_allowed, time_limit_action.
- LMSFinish (3.4.4 cmi.core.total_time, lesson_status): ``total_time`` += ``session_time``; with a
  mastery score, credit and a raw score, the LMS sets passed / failed; a SCO that never set its
  status is ``completed`` on a normal exit; in browse mode an untouched status becomes ``browsed``.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.results.runtime_data import RuntimeData
from chalicelib.standards.common.durations import ZERO_TIMESPAN, add_timespan


@dataclass(frozen=True)
class Launch12:
    student_id: str = ""
    student_name: str = ""
    credit: str = "credit"
    lesson_mode: str = "normal"
    launch_data: str = ""
    mastery_score: str = ""
    max_time_allowed: str = ""
    time_limit_action: str = ""
    comments_from_lms: str = ""


_PER_SESSION = ("cmi.core.exit", "cmi.core.session_time")


def new_attempt(launch: Launch12) -> RuntimeData:
    data = RuntimeData()
    data.values.update({"cmi.core.entry": "ab-initio", "cmi.core.lesson_status": "not attempted"})
    data.values["cmi.core.total_time"] = ZERO_TIMESPAN
    _apply_launch(data, launch)
    return data


def relaunch(previous: RuntimeData, launch: Launch12) -> RuntimeData:
    """The next session of the same attempt: ``resume`` after ``suspend``, else ``""``."""
    data = RuntimeData(dict(previous.values), dict(previous.counts))
    entry = "resume" if previous.values.get("cmi.core.exit") == "suspend" else ""
    for key in _PER_SESSION:
        data.values.pop(key, None)
    data.values["cmi.core.entry"] = entry
    _apply_launch(data, launch)
    return data


def _apply_launch(data: RuntimeData, launch: Launch12) -> None:
    data.values.update({
        "cmi.core.student_id": launch.student_id,
        "cmi.core.student_name": launch.student_name,
        "cmi.core.credit": launch.credit,
        "cmi.core.lesson_mode": launch.lesson_mode,
        "cmi.launch_data": launch.launch_data,
        "cmi.student_data.mastery_score": launch.mastery_score,
        "cmi.student_data.max_time_allowed": launch.max_time_allowed,
        "cmi.student_data.time_limit_action": launch.time_limit_action,
        "cmi.comments_from_lms": launch.comments_from_lms,
    })  # fmt: skip


def close_session(data: RuntimeData) -> None:
    """LMSFinish: total time, then the lesson status the LMS decides (RTE 1.2 3.4.4)."""
    values = data.values
    session = values.get("cmi.core.session_time")
    if session:
        values["cmi.core.total_time"] = add_timespan(values.get("cmi.core.total_time", ZERO_TIMESPAN), session)
    status = values.get("cmi.core.lesson_status", "not attempted")
    mastery, raw = values.get("cmi.student_data.mastery_score", ""), values.get("cmi.core.score.raw", "")
    if mastery and raw and values.get("cmi.core.credit") == "credit":
        values["cmi.core.lesson_status"] = "passed" if float(raw) >= float(mastery) else "failed"
    elif status == "not attempted":
        values["cmi.core.lesson_status"] = _untouched_status(values)


def _untouched_status(values: dict[str, str]) -> str:
    if values.get("cmi.core.lesson_mode") == "browse":
        return "browsed"
    return "incomplete" if values.get("cmi.core.exit") == "suspend" else "completed"
