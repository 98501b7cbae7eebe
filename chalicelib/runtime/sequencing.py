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

Courses that declare no ``imsss:sequencing`` at all keep the plain tree-order player
(:mod:`chalicelib.runtime.delivery`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib.errors import BadRequest
from chalicelib.runtime.api_state import RuntimeData
from chalicelib.runtime.scorm2004_attempt import completion_status, success_status
from chalicelib.standards.activity_tree import Sequencing
from chalicelib.standards.scorm2004.sequencing import Sequencer
from chalicelib.standards.scorm2004.sequencing.exceptions import meaning
from chalicelib.standards.scorm2004.sequencing.rules import rules_check

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
    ended: bool = False
    refused: str | None = None
    nav_valid: dict[str, str] = field(default_factory=dict)
    objectives: dict[str, dict[str, str]] = field(default_factory=dict)
    trace: list[str] = field(default_factory=list)


def _edition(standard: str) -> str:
    return next((edition for suffix, edition in EDITIONS if standard.endswith(suffix)), "4th")


def engine_for(details: dict[str, Any], structure: CourseStructure) -> Sequencer:
    """The registration's sequencer, its state restored from ``details``. Global objectives are
    kept per registration (a learner-wide store is not built yet)."""
    engine = Sequencer(structure.root, edition=_edition(structure.standard))
    saved = (details.get("sequencer") or {}).get("state")
    if saved:
        engine.restore(saved)
    return engine


def _report_current(details: dict[str, Any], engine: Sequencer) -> dict[str, str]:
    current = engine.current
    state = (details.get("activities") or {}).get(current.id) if current is not None else None
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


def navigate(details: dict[str, Any], structure: CourseStructure, request: tuple[str, str | None] | None,
             wanted: str | None = None) -> Navigation:
    """Run one navigation request on the registration's sequencer (``details`` updated in place).
    ``request`` None is a new launch: close what the last one left open, then Start / Resume All
    (or the choice of ``wanted``, the launch link's ``startSco``)."""
    engine = engine_for(details, structure)
    values = _report_current(details, engine)
    lines: list[str] = []
    if request is None and wanted and engine.current is not None:
        request = ("choice", wanted)  # a TOC choice during the session
    if request is None:
        current = engine.current
        if current is not None and current.track.active:
            closing = engine.navigate("suspendAll" if values.get("cmi.exit") == "suspend" else "exitAll")
            lines += closing.lines()
        first = "resumeAll" if engine.tree.suspended is not None else "start"
        request = ("choice", wanted) if wanted and first == "start" else (first, None)
    trace = engine.navigate(*request)
    lines += trace.lines()
    if trace.exception is not None and request[0] == "choice" and not engine.started:
        trace = engine.navigate("start")  # a startSco the sequencing does not allow: start instead
        lines += trace.lines()
    outcome = Navigation(delivered=trace.delivered, ended=engine.ended, trace=lines)
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
    }
    return outcome


def seed_objectives(data: RuntimeData, known: dict[str, dict[str, str]]) -> None:
    """A new attempt's ``cmi.objectives.n`` start with what sequencing knows of each objective
    (global reads included; RTE §4.2.17 via SN §4.2.3)."""
    for index in range(data.counts.get("cmi.objectives", 0)):
        ident = data.values.get(f"cmi.objectives.{index}.id", "")
        for name, value in known.get(ident, {}).items():
            data.values[f"cmi.objectives.{index}.{name}"] = value
