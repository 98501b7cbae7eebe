"""The SCORM 2004 4th Edition run-time data model (RTE section 4.2, ``cmi.*``; section 4.3,
``adl.data.*``; section 4.4, ``adl.nav.*``) as one table of ``Element`` records.

Patterns use ``n`` for array indices. ``requires`` is the RTE's dependency rule ("the id shall be
set before any other element of interactions.n / objectives.n", RTE 4.2.9 and 4.2.17; "the type
shall be set before correct_responses / learner_response", RTE 4.2.9.1): a SetValue that breaks it
answers 408. ``lms_set`` elements are initialised by the LMS at launch from the manifest and the
registration (RTE 4.2 "LMS behavior" of each element).
"""

from __future__ import annotations

from chalicelib.standards.common.elements import Access, Element, keyword, table

RO, WO, RW = Access.READ_ONLY, Access.WRITE_ONLY, Access.READ_WRITE

VERSION = "1.0"
COMPLETION = ("completed", "incomplete", "not attempted", "unknown")
SUCCESS = ("passed", "failed", "unknown")
INTERACTION_TYPES = (
    "true-false", "choice", "fill-in", "long-fill-in", "matching",
    "performance", "sequencing", "likert", "numeric", "other",
)  # fmt: skip
RESULTS = ("correct", "incorrect", "unanticipated", "neutral")
EXIT = ("time-out", "suspend", "logout", "normal", "")
TIME_LIMIT_ACTIONS = ("exit,message", "continue,message", "exit,no message", "continue,no message")
NAV_REQUESTS = ("continue", "previous", "exit", "exitAll", "abandon", "abandonAll", "suspendAll", "_none_")

REAL, TIME, SPAN = "real(10,7)", "time(second,10,0)", "timeinterval(second,10,2)"
LONG_ID, SHORT_ID = "long_identifier_type", "short_identifier_type"
STRING, LOCALIZED, STATE = "characterstring", "localized_string_type", "state"

CHILDREN_COMMENTS = "comment,location,timestamp"
CHILDREN_SCORE = "scaled,raw,min,max"
CHILDREN_INTERACTIONS = (
    "id,type,objectives,timestamp,correct_responses,weighting,learner_response,result,latency,description"
)
CHILDREN_OBJECTIVES = "id,score,success_status,completion_status,progress_measure,description"
CHILDREN_PREFERENCES = "audio_level,language,delivery_speed,audio_captioning"


def _score(prefix: str, requires: str = "") -> list[Element]:
    """``score._children`` and scaled/raw/min/max (RTE 4.2.20 and 4.2.17 score)."""
    return [
        keyword(f"{prefix}.score._children", CHILDREN_SCORE),
        Element(f"{prefix}.score.scaled", RW, REAL, minimum=-1, maximum=1, requires=requires),
        Element(f"{prefix}.score.raw", RW, REAL, requires=requires),
        Element(f"{prefix}.score.min", RW, REAL, requires=requires),
        Element(f"{prefix}.score.max", RW, REAL, requires=requires),
    ]


ELEMENTS: dict[str, Element] = table(
    keyword("cmi._version", VERSION),
    # 4.2.1 / 4.2.2 comments
    keyword("cmi.comments_from_learner._children", CHILDREN_COMMENTS),
    keyword("cmi.comments_from_learner._count"),
    Element("cmi.comments_from_learner.n.comment", RW, LOCALIZED, spm=4000),
    Element("cmi.comments_from_learner.n.location", RW, STRING, spm=250),
    Element("cmi.comments_from_learner.n.timestamp", RW, TIME),
    keyword("cmi.comments_from_lms._children", CHILDREN_COMMENTS),
    keyword("cmi.comments_from_lms._count"),
    Element("cmi.comments_from_lms.n.comment", RO, LOCALIZED, spm=4000, lms_set=True),
    Element("cmi.comments_from_lms.n.location", RO, STRING, spm=250, lms_set=True),
    Element("cmi.comments_from_lms.n.timestamp", RO, TIME, lms_set=True),
    # 4.2.4 - 4.2.7
    Element("cmi.completion_status", RW, STATE, COMPLETION, default="unknown"),
    Element("cmi.completion_threshold", RO, REAL, minimum=0, maximum=1, lms_set=True),
    Element("cmi.credit", RO, STATE, ("credit", "no-credit"), default="credit", lms_set=True),
    Element("cmi.entry", RO, STATE, ("ab-initio", "resume", ""), default="ab-initio", lms_set=True),
    Element("cmi.exit", WO, STATE, EXIT),
    # 4.2.9 interactions
    keyword("cmi.interactions._children", CHILDREN_INTERACTIONS),
    keyword("cmi.interactions._count"),
    Element("cmi.interactions.n.id", RW, LONG_ID, spm=4000),
    Element("cmi.interactions.n.type", RW, STATE, INTERACTION_TYPES, requires="id"),
    keyword("cmi.interactions.n.objectives._count"),
    Element("cmi.interactions.n.objectives.n.id", RW, LONG_ID, spm=4000, requires="id"),
    Element("cmi.interactions.n.timestamp", RW, TIME, requires="id"),
    keyword("cmi.interactions.n.correct_responses._count"),
    Element("cmi.interactions.n.correct_responses.n.pattern", RW, "interaction_pattern", requires="type"),
    Element("cmi.interactions.n.weighting", RW, REAL, requires="id"),
    Element("cmi.interactions.n.learner_response", RW, "interaction_pattern", requires="type"),
    Element("cmi.interactions.n.result", RW, "interaction_result", RESULTS, requires="id"),
    Element("cmi.interactions.n.latency", RW, SPAN, requires="id"),
    Element("cmi.interactions.n.description", RW, LOCALIZED, spm=250, requires="id"),
    # 4.2.10 - 4.2.16
    Element("cmi.launch_data", RO, STRING, spm=4000, lms_set=True),
    Element("cmi.learner_id", RO, LONG_ID, spm=4000, default="", lms_set=True),
    Element("cmi.learner_name", RO, LOCALIZED, spm=250, default="", lms_set=True),
    keyword("cmi.learner_preference._children", CHILDREN_PREFERENCES),
    Element("cmi.learner_preference.audio_level", RW, REAL, minimum=0, default="1"),
    Element("cmi.learner_preference.language", RW, "language_type", spm=250, default=""),
    Element("cmi.learner_preference.delivery_speed", RW, REAL, minimum=0, default="1"),
    Element("cmi.learner_preference.audio_captioning", RW, STATE, ("-1", "0", "1"), default="0"),
    Element("cmi.location", RW, STRING, spm=1000),
    Element("cmi.max_time_allowed", RO, SPAN, lms_set=True),
    Element("cmi.mode", RO, STATE, ("browse", "normal", "review"), default="normal", lms_set=True),
    # 4.2.17 objectives
    keyword("cmi.objectives._children", CHILDREN_OBJECTIVES),
    keyword("cmi.objectives._count"),
    Element("cmi.objectives.n.id", RW, LONG_ID, spm=4000),
    *_score("cmi.objectives.n", requires="id"),
    Element("cmi.objectives.n.success_status", RW, STATE, SUCCESS, default="unknown", requires="id"),
    Element("cmi.objectives.n.completion_status", RW, STATE, COMPLETION, default="unknown", requires="id"),
    Element("cmi.objectives.n.progress_measure", RW, REAL, minimum=0, maximum=1, requires="id"),
    Element("cmi.objectives.n.description", RW, LOCALIZED, spm=250, requires="id"),
    # 4.2.18 - 4.2.26
    Element("cmi.progress_measure", RW, REAL, minimum=0, maximum=1),
    Element("cmi.scaled_passing_score", RO, REAL, minimum=-1, maximum=1, lms_set=True),
    *_score("cmi"),
    Element("cmi.session_time", WO, SPAN),
    Element("cmi.success_status", RW, STATE, SUCCESS, default="unknown"),
    Element("cmi.suspend_data", RW, STRING, spm=64000),
    Element("cmi.time_limit_action", RO, STATE, TIME_LIMIT_ACTIONS, default="continue,no message", lms_set=True),
    Element("cmi.total_time", RO, SPAN, default="PT0H0M0S", lms_set=True),
    # 4.3 adl.data (4th Edition shared data); access of .store is per map (readSharedData/writeSharedData)
    keyword("adl.data._children", "id,store"),
    keyword("adl.data._count"),
    Element("adl.data.n.id", RO, LONG_ID, spm=4000, lms_set=True),
    Element("adl.data.n.store", RW, STRING, spm=64000),
    # 4.4 adl.nav
    Element("adl.nav.request", RW, "nav_request", default="_none_"),
    Element("adl.nav.request_valid.continue", RO, STATE, ("true", "false", "unknown"), default="unknown"),
    Element("adl.nav.request_valid.previous", RO, STATE, ("true", "false", "unknown"), default="unknown"),
    Element("adl.nav.request_valid.choice.{target=ID}", RO, STATE, ("true", "false", "unknown"), default="unknown"),
    Element("adl.nav.request_valid.jump.{target=ID}", RO, STATE, ("true", "false", "unknown"), default="unknown"),
)

# Arrays: their concrete paths hold a count; new entries are appended at index == _count.
ARRAYS = tuple(p[: -len("._count")] for p, e in ELEMENTS.items() if e.keyword == "_count")
# Elements with children (the prefix of an X._children keyword).
PARENTS = tuple(p[: -len("._children")] for p, e in ELEMENTS.items() if e.keyword == "_children")

# Identifiers that must stay unique within their array (RTE 4.2.9 / 4.2.17: 351 on a duplicate).
UNIQUE_IDS = ("cmi.objectives.n.id", "cmi.interactions.n.objectives.n.id")
# An objective's id cannot change once set (RTE 4.2.17: 351 "WriteOnceViolation" in ADL's DMI case).
WRITE_ONCE = ("cmi.objectives.n.id",)
# Arrays whose entries only the LMS creates (one per adlcp:map): a SetValue past the end is a 351.
FIXED_ARRAYS = ("adl.data",)
# A shared data store set to "" reads as not initialized (403), as ADL's DDM case expects.
EMPTY_IS_UNSET = ("adl.data.n.store",)
