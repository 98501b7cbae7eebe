"""The statement rules the LMS enforces inside a cmi5 session, as a table (cmi5 §6.3: the LMS
SHOULD reject statements that conflict with §9; we reject them all, so none has to be voided).

A statement sent with a cmi5 launch credential is checked against :data:`RULES` in order; the
first rule it breaks refuses the whole request with 403 Forbidden (what the CATAPULT suite
expects of a rejection), naming the section and the requirement. Nothing of the request is
stored. *cmi5 defined* statements (§7.1.3: an AU verb of §9.3 and the cmi5 category activity)
meet every rule; *cmi5 allowed* ones (any other statement of the session) only the
``ANY``-scoped ones.

Requirement ids are those of the cmi5 requirements list (``@cmi5/requirements``) that the
CATAPULT LMS suite reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib.cmi5 import vocabulary as v

if TYPE_CHECKING:
    from collections.abc import Callable

ANY, DEFINED = "any", "defined"
SCORE_VERBS = frozenset({v.PASSED, v.FAILED})
DURATION_VERBS = frozenset({v.TERMINATED, v.COMPLETED, v.PASSED, v.FAILED})
SCORE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Session:
    """What the rules know of the session and the AU when a statement arrives."""

    activity_id: str  # the AU's activity id (the launch's ``activityId``)
    registration: str  # the registration UUID, lower case
    session_id: str
    launch_mode: str = "Normal"
    mastery_score: float | None = None
    state: str = "launched"  # launched | initialized | terminated | abandoned
    verbs: frozenset[str] = frozenset()  # cmi5 defined verbs already sent in this session
    completed: bool = False  # in the registration, before this session's new statements
    passed: bool = False
    failed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    requirement: str
    section: str
    scope: str  # ANY | DEFINED
    broken: Callable[[dict[str, Any], Session], bool]
    text: str

    def message(self) -> str:
        return f"cmi5 {self.section} ({self.requirement}): {self.text}"


def verb(statement: dict[str, Any]) -> str:
    found = statement.get("verb")
    return str(found.get("id", "")) if isinstance(found, dict) else ""


def _context(statement: dict[str, Any]) -> dict[str, Any]:
    found = statement.get("context")
    return found if isinstance(found, dict) else {}


def _result(statement: dict[str, Any]) -> dict[str, Any]:
    found = statement.get("result")
    return found if isinstance(found, dict) else {}


def _score(statement: dict[str, Any]) -> dict[str, Any]:
    found = _result(statement).get("score")
    return found if isinstance(found, dict) else {}


def categories(statement: dict[str, Any]) -> set[str]:
    found = (_context(statement).get("contextActivities") or {}).get("category") or []
    found = found if isinstance(found, list) else [found]
    return {str(a.get("id")) for a in found if isinstance(a, dict)}


def extension(statement: dict[str, Any], iri: str) -> Any:
    extensions = _context(statement).get("extensions")
    return extensions.get(iri) if isinstance(extensions, dict) else None


def is_defined(statement: dict[str, Any]) -> bool:
    """cmi5 §7.1.3: a cmi5 verb with the cmi5 category activity."""
    return verb(statement) in v.AU_VERBS | v.LMS_VERBS and v.CATEGORY_CMI5 in categories(statement)


def _utc(statement: dict[str, Any]) -> bool:
    stamp = statement.get("timestamp")
    return isinstance(stamp, str) and (stamp.endswith(("Z", "z", "+00:00")))


def _scaled(statement: dict[str, Any]) -> float | None:
    scaled = _score(statement).get("scaled")
    return float(scaled) if isinstance(scaled, int | float) and not isinstance(scaled, bool) else None


def _mastery_differs(statement: dict[str, Any], session: Session) -> bool:
    """§9.6.3.2: a passed / failed judged by the masteryScore (it has a scaled score) carries it;
    a masteryScore extension sent must be the launch's."""
    if session.mastery_score is None or verb(statement) not in SCORE_VERBS:
        return False
    sent = extension(statement, v.MASTERY_SCORE)
    if sent is None:
        return _scaled(statement) is not None
    return not isinstance(sent, int | float) or abs(float(sent) - session.mastery_score) > SCORE_TOLERANCE


def _passed_below_mastery(statement: dict[str, Any], session: Session) -> bool:
    scaled = _scaled(statement)
    return verb(statement) == v.PASSED and session.mastery_score is not None and scaled is not None \
        and scaled < session.mastery_score


def _failed_at_mastery(statement: dict[str, Any], session: Session) -> bool:
    scaled = _scaled(statement)
    return verb(statement) == v.FAILED and session.mastery_score is not None and scaled is not None \
        and scaled >= session.mastery_score


def _raw_without_range(statement: dict[str, Any], _session: Session) -> bool:
    score = _score(statement)
    return "raw" in score and ("min" not in score or "max" not in score)


def _first_not_initialized(statement: dict[str, Any], session: Session) -> bool:
    return session.state == "launched" and not (is_defined(statement) and verb(statement) == v.INITIALIZED)


def _stray_move_on(statement: dict[str, Any], _session: Session) -> bool:
    return v.CATEGORY_MOVE_ON in categories(statement) and not (
        is_defined(statement) and verb(statement) in v.MOVE_ON_VERBS)


#: checked in order; the first broken rule refuses the request
RULES: tuple[Rule, ...] = (
    Rule("9.3.6.0-2", "§9.3.6", ANY, lambda s, c: c.state == "abandoned",
         "this session was abandoned; nothing more may be recorded for it"),
    Rule("9.3.0.0-5", "§9.3.8", ANY, lambda s, c: c.state == "terminated",
         "this session has terminated; terminated must be the last statement"),
    Rule("9.1.0.0-1", "§9.1", ANY, lambda s, c: not isinstance(s.get("id"), str),
         "the AU must assign every statement an id"),
    Rule("9.7.0.0-1", "§9.7", ANY, lambda s, c: "timestamp" not in s, "every statement needs a timestamp"),
    Rule("9.7.0.0-2", "§9.7", ANY, lambda s, c: not _utc(s), "timestamps must be recorded in UTC"),
    Rule("9.6.1.0-1", "§9.6.1", ANY,
         lambda s, c: str(_context(s).get("registration", "")).lower() != c.registration,
         "context.registration must be the launch's registration"),
    Rule("9.6.3.1-4", "§9.6.3.1", ANY, lambda s, c: extension(s, v.SESSION_ID) != c.session_id,
         "context.extensions must carry this session's id"),
    Rule("11.0.0.0-3", "§11", ANY, lambda s, c: c.state == "launched" and not c.extra.get("preferences"),
         "the AU must read its learner preferences (agent profile cmi5LearnerPreferences) on startup, before "
         "its first statement"),
    Rule("9.3.0.0-4", "§9.3.2", ANY, _first_not_initialized,
         "the first statement of a session must be the cmi5 defined initialized"),
    Rule("9.6.2.2-2", "§9.6.2.2", ANY, _stray_move_on,
         "only cmi5 defined completed, passed and failed statements carry the moveon category"),
    Rule("9.3.0.0-1", "§9.3", DEFINED, lambda s, c: verb(s) in v.LMS_VERBS,
         "launched, abandoned, waived and satisfied are the LMS's verbs"),
    Rule("9.2.0.0-2", "§9.2", DEFINED, lambda s, c: (s.get("actor") or {}).get("objectType", "Agent") != "Agent",
         "the actor must be an Agent"),
    Rule("9.2.0.0-3", "§9.2", DEFINED, lambda s, c: "account" not in (s.get("actor") or {}),
         "the actor must be identified by an account"),
    Rule("9.4.0.0-1", "§9.4", DEFINED, lambda s, c: (s.get("object") or {}).get("id") != c.activity_id,
         "the object must be the AU: the launch's activityId"),
    Rule("9.3.2.0-3", "§9.3.2", DEFINED, lambda s, c: verb(s) == v.INITIALIZED and c.state != "launched",
         "initialized may be sent once per session"),
    Rule("9.3.0.0-2", "§9.3", DEFINED, lambda s, c: verb(s) in c.verbs,
         "a cmi5 defined verb may not be repeated in a session"),
    Rule("9.3.0.0-3", "§9.3", DEFINED, lambda s, c: verb(s) in SCORE_VERBS and bool(c.verbs & SCORE_VERBS),
         "only one of passed and failed may be sent in a session"),
    Rule("10.2.2.0-4", "§10.2.2", DEFINED, lambda s, c: c.launch_mode != "Normal" and verb(s) in v.MOVE_ON_VERBS,
         "in Browse and Review launch mode only initialized and terminated may be sent"),
    Rule("9.3.3.0-2", "§9.3.3", DEFINED, lambda s, c: verb(s) == v.COMPLETED and c.completed,
         "completed may be sent once per registration"),
    Rule("9.3.4.0-3", "§9.3.4", DEFINED, lambda s, c: verb(s) == v.PASSED and c.passed,
         "passed may be sent once per registration"),
    Rule("9.3.0.0-8", "§9.3", DEFINED, lambda s, c: verb(s) == v.FAILED and c.passed,
         "failed may not follow passed in a registration"),
    Rule("9.5.1.0-2", "§9.5.1", DEFINED, lambda s, c: bool(_score(s)) and verb(s) not in SCORE_VERBS,
         "only passed and failed may carry a score"),
    Rule("9.5.1.0-3", "§9.5.1", DEFINED, _raw_without_range, "a raw score needs min and max"),
    Rule("9.5.2.0-1", "§9.5.2", DEFINED, lambda s, c: verb(s) == v.PASSED and _result(s).get("success") is not True,
         "passed needs result.success true"),
    Rule("9.5.2.0-2", "§9.5.2", DEFINED, lambda s, c: verb(s) == v.FAILED and _result(s).get("success") is not False,
         "failed needs result.success false"),
    Rule("9.5.2.0-3", "§9.5.2", DEFINED, lambda s, c: verb(s) not in SCORE_VERBS and "success" in _result(s),
         "only passed and failed carry result.success"),
    Rule("9.5.3.0-1", "§9.5.3", DEFINED,
         lambda s, c: verb(s) == v.COMPLETED and _result(s).get("completion") is not True,
         "completed needs result.completion true"),
    Rule("9.5.3.0-2", "§9.5.3", DEFINED, lambda s, c: verb(s) != v.COMPLETED and "completion" in _result(s),
         "only completed carries result.completion"),
    Rule("9.5.4.1-1", "§9.5.4.1", DEFINED,
         lambda s, c: verb(s) in DURATION_VERBS and not isinstance(_result(s).get("duration"), str),
         "terminated, completed, passed and failed need result.duration"),
    Rule("9.3.4.0-2", "§9.3.4", DEFINED, _passed_below_mastery, "a passed score may not be below the masteryScore"),
    Rule("9.3.5.0-2", "§9.3.5", DEFINED, _failed_at_mastery, "a failed score must be below the masteryScore"),
    Rule("9.6.2.2-1", "§9.6.2.2", DEFINED,
         lambda s, c: verb(s) in v.MOVE_ON_VERBS and v.CATEGORY_MOVE_ON not in categories(s),
         "completed, passed and failed need the moveon category activity"),
    Rule("9.6.3.2-2", "§9.6.3.2", DEFINED, _mastery_differs,
         "passed and failed judged by the masteryScore must carry the launch's masteryScore extension"),
)


def broken_rule(statement: dict[str, Any], session: Session) -> Rule | None:
    """The first rule ``statement`` breaks in ``session`` (None: it may be stored)."""
    defined = is_defined(statement)
    for rule in RULES:
        if (rule.scope == ANY or defined) and rule.broken(statement, session):
            return rule
    return None


def after(statement: dict[str, Any], session: Session) -> Session:
    """The session once ``statement`` is stored (initialized / terminated, verbs, AU results)."""
    sent = verb(statement)
    if not is_defined(statement):
        return session
    state = {v.INITIALIZED: "initialized", v.TERMINATED: "terminated"}.get(sent, session.state)
    return Session(session.activity_id, session.registration, session.session_id, session.launch_mode,
                   session.mastery_score, state, session.verbs | {sent},
                   session.completed or sent == v.COMPLETED, session.passed or sent == v.PASSED,
                   session.failed or sent == v.FAILED, session.extra)
