"""The SCORM 1.2 run-time data model (RTE 1.2 section 3.4, "cmi" data model) as one table.

Access, type (``TYPES_12`` of ``common/datatypes.py``), vocabulary and range per element; the
keywords ``_children``, ``_count`` and ``_version``. The LMS sets the ``lms_set`` elements before
launch (student id/name, credit, entry, lesson_mode, launch_data, student_data.*, comments_from_lms).
"""

from __future__ import annotations

from chalicelib.standards.common.elements import Access, Element, keyword, table

RO, WO, RW = Access.READ_ONLY, Access.WRITE_ONLY, Access.READ_WRITE

VERSION = "3.4"
# 3.4.4 cmi.core.lesson_status: the SCO may set all but "not attempted", which only the LMS sets.
LESSON_STATUS_SET = ("passed", "completed", "failed", "incomplete", "browsed")
LESSON_STATUS = (*LESSON_STATUS_SET, "not attempted")
EXIT = ("time-out", "suspend", "logout", "")
INTERACTION_TYPES = ("true-false", "choice", "fill-in", "matching", "performance", "sequencing", "likert", "numeric")
TIME_LIMIT_ACTIONS = ("exit,message", "exit,no message", "continue,message", "continue,no message")

CHILDREN_CMI = "core,suspend_data,launch_data,comments,objectives,student_data,student_preference,interactions"
CHILDREN_CORE = (
    "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time"
)
CHILDREN_SCORE = "raw,min,max"
CHILDREN_OBJECTIVES = "id,score,status"
CHILDREN_STUDENT_DATA = "mastery_score,max_time_allowed,time_limit_action"
CHILDREN_PREFERENCES = "audio,language,speed,text"
CHILDREN_INTERACTIONS = "id,objectives,time,type,correct_responses,weighting,student_response,result,latency"


def _score(prefix: str) -> list[Element]:
    """3.4.4 / 3.4.6 score.raw, min, max: CMIDecimal 0-100 or blank."""
    return [
        keyword(f"{prefix}.score._children", CHILDREN_SCORE),
        *(Element(f"{prefix}.score.{x}", RW, "CMIDecimal", minimum=0, maximum=100) for x in ("raw", "min", "max")),
    ]


ELEMENTS: dict[str, Element] = table(
    keyword("cmi._version", VERSION),
    keyword("cmi._children", CHILDREN_CMI),
    # 3.4.4 cmi.core
    keyword("cmi.core._children", CHILDREN_CORE),
    Element("cmi.core.student_id", RO, "CMIIdentifier", default="", lms_set=True),
    Element("cmi.core.student_name", RO, "CMIString255", default="", lms_set=True),
    Element("cmi.core.lesson_location", RW, "CMIString255", default=""),
    Element("cmi.core.credit", RO, "CMIVocabulary", ("credit", "no-credit"), default="credit", lms_set=True),
    Element("cmi.core.lesson_status", RW, "CMIVocabulary", LESSON_STATUS_SET, default="not attempted"),
    Element("cmi.core.entry", RO, "CMIVocabulary", ("ab-initio", "resume", ""), default="ab-initio", lms_set=True),
    *_score("cmi.core"),
    Element("cmi.core.total_time", RO, "CMITimespan", default="0000:00:00.00", lms_set=True),
    Element("cmi.core.lesson_mode", RO, "CMIVocabulary", ("browse", "normal", "review"), default="normal",
            lms_set=True),  # fmt: skip
    Element("cmi.core.exit", WO, "CMIVocabulary", EXIT),
    Element("cmi.core.session_time", WO, "CMITimespan"),
    # 3.4.5 - 3.4.7
    # SPEC DEVIATION: CMIString64000 instead of CMIString4096, see common/datatypes.py.
    Element("cmi.suspend_data", RW, "CMIString64000", default=""),
    Element("cmi.launch_data", RO, "CMIString4096", default="", lms_set=True),
    Element("cmi.comments", RW, "CMIString4096", default=""),
    Element("cmi.comments_from_lms", RO, "CMIString4096", default="", lms_set=True),
    # 3.4.8 cmi.objectives
    keyword("cmi.objectives._children", CHILDREN_OBJECTIVES),
    keyword("cmi.objectives._count"),
    Element("cmi.objectives.n.id", RW, "CMIIdentifier", default=""),
    *_score("cmi.objectives.n"),
    Element("cmi.objectives.n.status", RW, "CMIVocabulary", LESSON_STATUS, default=""),
    # 3.4.9 cmi.student_data
    keyword("cmi.student_data._children", CHILDREN_STUDENT_DATA),
    Element("cmi.student_data.mastery_score", RO, "CMIDecimal", default="", lms_set=True),
    Element("cmi.student_data.max_time_allowed", RO, "CMITimespan", default="", lms_set=True),
    Element("cmi.student_data.time_limit_action", RO, "CMIVocabulary", TIME_LIMIT_ACTIONS, default="", lms_set=True),
    # 3.4.10 cmi.student_preference
    keyword("cmi.student_preference._children", CHILDREN_PREFERENCES),
    Element("cmi.student_preference.audio", RW, "CMISInteger", minimum=-1, maximum=100, default=""),
    Element("cmi.student_preference.language", RW, "CMIString255", default=""),
    Element("cmi.student_preference.speed", RW, "CMISInteger", minimum=-100, maximum=100, default=""),
    Element("cmi.student_preference.text", RW, "CMISInteger", minimum=-1, maximum=1, default=""),
    # 3.4.11 cmi.interactions (all write-only but the counts)
    keyword("cmi.interactions._children", CHILDREN_INTERACTIONS),
    keyword("cmi.interactions._count"),
    Element("cmi.interactions.n.id", WO, "CMIIdentifier"),
    keyword("cmi.interactions.n.objectives._count"),
    Element("cmi.interactions.n.objectives.n.id", WO, "CMIIdentifier"),
    Element("cmi.interactions.n.time", WO, "CMITime"),
    Element("cmi.interactions.n.type", WO, "CMIVocabulary", INTERACTION_TYPES),
    keyword("cmi.interactions.n.correct_responses._count"),
    Element("cmi.interactions.n.correct_responses.n.pattern", WO, "CMIFeedback"),
    Element("cmi.interactions.n.weighting", WO, "CMIDecimal"),
    Element("cmi.interactions.n.student_response", WO, "CMIFeedback"),
    Element("cmi.interactions.n.result", WO, "CMIResult"),
    Element("cmi.interactions.n.latency", WO, "CMITimespan"),
)

ARRAYS = tuple(p[: -len("._count")] for p, e in ELEMENTS.items() if e.keyword == "_count")
# Elements that may be blank (CMIBlank) as well as their type: score raw/min/max (3.4.2, 3.4.4).
BLANK_ALLOWED = ("cmi.core.score.raw", "cmi.core.score.min", "cmi.core.score.max",
                 "cmi.objectives.n.score.raw", "cmi.objectives.n.score.min", "cmi.objectives.n.score.max")  # fmt: skip
