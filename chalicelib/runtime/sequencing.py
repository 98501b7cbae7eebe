"""SCORM 2004 sequencing in the player: the registration's :class:`Sequencer` (its state kept in
the progress dict as ``details["sequencer"]``) decides what is delivered (SN Book 4th Ed. §4,
OP.1), from the SCO's ``adl.nav.request`` (RTE §4.4) or the player's Previous / Next / TOC.

- A launch starts with Start, or Resume All when the last session ended with Suspend All (SN
  §4.4.3). A session the last launch left open (tab closed) is first closed: Suspend All when the
  SCO set ``cmi.exit = suspend``, else Exit All.
- Before every request the current SCO's run-time data becomes its tracking data
  (:meth:`Sequencer.report`, RTE §4.2 / SN §4.2) — the mapping the ADL harness uses too.
- ``adl.nav.request_valid.*`` (RTE §4.4.2) and the TOC (hidden from choice, choice refused) come
  from the engine.
- A launch after the session ended without Suspend All (Exit All, the end of the course) begins
  a new attempt on the root with fresh tracking (SN §4.2.1; RTE §4.2.8 ``cmi.entry``
  ab-initio); global objectives and shared data stay.
- The registration's results are the engine's tracking after rollup (SN §4.6, RB.1.5) of every
  tracked activity (:func:`outcomes`, kept as ``details["sequencer"]["results"]``), refreshed by
  every request and every commit (:func:`refresh_results`).

Courses that declare no ``imsss:sequencing`` at all keep the plain tree-order player
(:mod:`chalicelib.runtime.delivery`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib.errors import BadRequest
from chalicelib.results.evaluation import completion_status, success_status
from chalicelib.results.runtime_data import RuntimeData
from chalicelib.standards.activity_tree import Sequencing
from chalicelib.standards.scorm2004.sequencing import Sequencer
from chalicelib.standards.scorm2004.sequencing.exceptions import meaning
from chalicelib.standards.scorm2004.sequencing.rules import rules_check
from chalicelib.standards.scorm2004.sequencing.state import completion, completion_amount, primary

if TYPE_CHECKING:
    from chalicelib.standards.activity_tree import CourseStructure

#: RTE §4.4.2 / SN §4.4: the navigation requests a SCO or the player may make.
REQUESTS = frozenset({"start", "resumeAll", "continue", "previous", "forward", "backward", "choice", "jump",
                      "exit", "exitAll", "suspendAll", "abandon", "abandonAll"})
_TARGETED = re.compile(r"^\{target=(?P<target>[^}]*)\}(?P<request>choice|jump)$")
EDITIONS = (("2NDEDITION", "2nd"), ("3RDEDITION", "3rd"))


def declares_sequencing(structure: CourseStructure | None) -> bool:
    """True for a SCORM 2004 course with any sequencing definition (SN §3) on any activity."""
    if structure is None or not structure.standard.startswith("SCORM2004"):
        return False
    return any(activity.sequencing != Sequencing() for activity in structure.root.walk())


def parse_request(raw: object, target: object = None) -> tuple[str, str | None]:
    """``navRequest`` of a delivery: a request name (``target`` for choice / jump) or the SCO's
    ``adl.nav.request`` value (``{target=ID}choice``); 400 naming the field otherwise."""
    if not isinstance(raw, str):
        raise BadRequest("navRequest must be a navigation request such as continue or {target=ID}choice.")
    match = _TARGETED.match(raw)
    if match:
        return match["request"], match["target"]
    if raw not in REQUESTS:
        raise BadRequest(f"navRequest {raw[:80]!r} is not a navigation request (RTE 4.4.2).")
    if raw in ("choice", "jump"):
        if not isinstance(target, str) or not target:
            raise BadRequest(f"navRequest {raw} needs a target activity identifier.")
        return raw, target
    return raw, None


def tracking_values(data: RuntimeData) -> dict[str, str]:
    """The SCO's run-time values as sequencing reads them: completion and success status as the
    LMS evaluates them against the threshold / passing score (RTE §4.2.4.1, §4.2.22.1)."""
    values = dict(data.values)
    if "cmi.completion_status" in values or "cmi.completion_threshold" in values:
        values["cmi.completion_status"] = completion_status(data)
    if "cmi.success_status" in values or "cmi.scaled_passing_score" in values:
        values["cmi.success_status"] = success_status(data)
    return values


@dataclass
class Navigation:
    """What one request decided: the activity to deliver, or the end of the session, or why not."""

    delivered: str | None = None
    resumed: bool = False  # the delivered activity continues its suspended attempt (DB.2 step 5)
    ended: bool = False
    refused: str | None = None
    nav_valid: dict[str, str] = field(default_factory=dict)
    objectives: dict[str, dict[str, str]] = field(default_factory=dict)
    trace: list[str] = field(default_factory=list)


def edition(standard: str) -> str:
    """The SN edition of a course standard (``SCORM20043RDEDITION`` -> ``3rd``; 4th by default)."""
    return next((found for suffix, found in EDITIONS if standard.endswith(suffix)), "4th")


def engine_for(details: dict[str, Any], structure: CourseStructure) -> Sequencer:
    """The registration's sequencer, its state restored from ``details``. Global objectives are
    kept per registration (a learner-wide store is not built yet)."""
    engine = Sequencer(structure.root, edition=edition(structure.standard),
                       objectives_global_to_system=structure.objectives_global_to_system)
    saved = (details.get("sequencer") or {}).get("state")
    if saved:
        engine.restore(saved)
    return engine


def _report_current(details: dict[str, Any], engine: Sequencer) -> dict[str, str]:
    """The current SCO's run-time data into tracking, while its attempt is active (an ended
    attempt's data was reported when it ended)."""
    current = engine.current
    if current is None or not current.track.active:
        return {}
    state = (details.get("activities") or {}).get(current.id)
    if not state or not state.get("data"):
        return {}
    values = tracking_values(RuntimeData.from_dict(state["data"]))
    engine.report(values)
    return values


def _hidden(engine: Sequencer) -> list[str]:
    """Activities hidden from choice (SN §3.4 pre-condition ``hiddenFromChoice``), descendants too."""
    hidden: list[str] = []
    for node in engine.tree.preorder:
        if (node.parent is not None and node.parent.id in hidden) or rules_check(
                engine.tree, node, "pre", {"hiddenFromChoice"}):
            hidden.append(node.id)
    return hidden


def _open(engine: Sequencer, values: dict[str, str], wanted: str | None) -> tuple[tuple[str, str | None], list[str]]:
    """A new launch: close the session the last launch left open (Suspend All when the SCO set
    ``cmi.exit = suspend``, else Exit All), then Resume All after Suspend All; otherwise a new
    attempt on the root with fresh tracking once a session has ended, and Start (or the choice of
    ``wanted``)."""
    lines: list[str] = []
    current = engine.current
    if current is not None:
        closing = engine.navigate("suspendAll" if current.track.active and values.get("cmi.exit") == "suspend"
                                  else "exitAll")
        lines += closing.lines()
    if engine.tree.suspended is not None:
        return ("resumeAll", None), lines
    if engine.started:
        engine.new_course_attempt()
        lines.append("new attempt on the root: the last sequencing session ended without Suspend All")
    return (("choice", wanted) if wanted else ("start", None)), lines


def navigate(details: dict[str, Any], structure: CourseStructure, request: tuple[str, str | None] | None,
             wanted: str | None = None) -> Navigation:
    """Run one navigation request on the registration's sequencer (``details`` updated in place).
    ``request`` None is a new launch (:func:`_open`; ``wanted`` is the launch link's ``startSco``)."""
    engine = engine_for(details, structure)
    values = _report_current(details, engine)
    lines: list[str] = []
    if request is None and wanted and engine.current is not None and engine.current.track.active:
        request = ("choice", wanted)  # a TOC choice during the session
    if request is None:
        request, lines = _open(engine, values, wanted)
    attempts = {n.id: n.track.attempt_count for n in engine.tree.preorder if n.is_leaf}
    suspended = {n.id for n in engine.tree.preorder if n.is_leaf and n.track.suspended}
    trace = engine.navigate(*request)
    lines += trace.lines()
    if trace.exception is not None and request[0] == "choice" and not engine.started:
        trace = engine.navigate("start")  # a startSco the sequencing does not allow: start instead
        lines += trace.lines()
    outcome = Navigation(delivered=trace.delivered, ended=engine.ended, trace=lines)
    if trace.delivered is not None:  # DB.2: a suspended activity continues its attempt
        node = engine.tree.nodes[trace.delivered]
        outcome.resumed = trace.delivered in suspended and node.track.attempt_count == attempts.get(node.id)
    if trace.exception is not None:
        outcome.refused = f"{meaning(trace.exception)} ({trace.exception})"
    answers = engine.request_valid()
    if trace.delivered is not None and engine.current is not None:
        outcome.nav_valid = answers
        outcome.objectives = engine.launch_objectives(engine.current)
    details["sequencer"] = {
        "state": engine.state(), "hidden": _hidden(engine),
        "choice": {n.id: answers.get(f"choice.{{target={n.id}}}") == "true" for n in engine.tree.preorder},
        "continue": answers["continue"] == "true", "previous": answers["previous"] == "true",
        "results": outcomes(engine),
    }
    return outcome


def refresh_results(details: dict[str, Any], structure: CourseStructure) -> None:
    """After a commit: the results as the engine would roll them up with the current SCO's data
    reported now (the stored sequencing state itself changes only with navigation requests)."""
    sequenced = details.get("sequencer")
    if not sequenced:
        return
    engine = engine_for(details, structure)
    _report_current(details, engine)
    details["sequencer"] = {**sequenced, "results": outcomes(engine)}


def outcomes(engine: Sequencer) -> dict[str, dict[str, Any]]:
    """Each tracked activity's results from its tracking after rollup: completion from the attempt
    completion status (SN §4.2.2; unknown once attempted is INCOMPLETE), success from the primary
    objective's satisfied status and score from its normalized measure (SN §4.2.3, 0-100), and
    the completion amount (0-1) when known. Not-tracked activities (SN §3.13.1) have none."""
    tree = engine.tree
    found: dict[str, dict[str, Any]] = {}
    for node in tree.preorder:
        if not node.tracked:
            continue
        known, completed = completion(tree, node)
        objective = primary(tree, node)
        entry: dict[str, Any] = {
            "completion": "COMPLETED" if known and completed
            else "INCOMPLETE" if known or node.track.attempt_count else "UNKNOWN",
            "success": ("PASSED" if objective.satisfied_status else "FAILED") if objective.progress_status
            else "UNKNOWN",
        }
        if objective.measure_status:
            entry["score"] = round(objective.normalized_measure * 100, 4)
        amount_known, amount = completion_amount(tree, node)
        if amount_known:
            entry["amount"] = round(amount, 4)
        found[node.id] = entry
    return found


def seed_objectives(data: RuntimeData, known: dict[str, dict[str, str]]) -> None:
    """A new attempt's ``cmi.objectives.n`` start with what sequencing knows of each objective
    (global reads included; RTE §4.2.17 via SN §4.2.3)."""
    for index in range(data.counts.get("cmi.objectives", 0)):
        ident = data.values.get(f"cmi.objectives.{index}.id", "")
        for name, value in known.get(ident, {}).items():
            data.values[f"cmi.objectives.{index}.{name}"] = value
