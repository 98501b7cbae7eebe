"""The sequencer: OP.1 Overall Sequencing Process (SN Book 4th Ed. Appendix C) and what an LMS
needs around it — the SCO's run-time data turned into tracking data (SN §4.2 / RTE §4.2 mapping),
the ``adl.nav.request_valid`` answers, the objective values a SCO is launched with, the shared
``adl.data`` buckets, the sequencing trace, and serialisable state (suspend all / resume all).

Edition differences: ``edition="2nd"``/``"3rd"`` refuse ``jump`` (4th Ed. only, NB.2.1-13).

Time: ``now`` (default: the real clock) is read once per request; durations and time limits
(:mod:`.timing`) use it, so tests set the clock instead of sleeping.
"""

from __future__ import annotations

import random
from collections import deque
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.standards.common.durations import format_iso, parse_iso
from chalicelib.standards.scorm2004.sequencing import timing
from chalicelib.standards.scorm2004.sequencing.delivery import content_delivery, delivery_request
from chalicelib.standards.scorm2004.sequencing.exceptions import SequencingError
from chalicelib.standards.scorm2004.sequencing.navigation import navigation_request
from chalicelib.standards.scorm2004.sequencing.requests import choice_exception, sequencing_request
from chalicelib.standards.scorm2004.sequencing.rollup import overall_rollup
from chalicelib.standards.scorm2004.sequencing.rules import check_activity
from chalicelib.standards.scorm2004.sequencing.selection import randomize_children, select_children
from chalicelib.standards.scorm2004.sequencing.state import (
    GlobalObjective,
    Tree,
    read_objective,
    set_completion,
    set_completion_amount,
    uri_id,
    write_objective,
)
from chalicelib.standards.scorm2004.sequencing.termination import termination_request
from chalicelib.standards.scorm2004.sequencing.trace import Trace

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.standards.activity_tree import Activity
    from chalicelib.standards.scorm2004.sequencing.state import Node


def _duration(value: str | None) -> int | None:
    try:
        return parse_iso(value) if value else None
    except ValueError:
        return None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


class Sequencer:
    """One learner's sequencing session(s) on one activity tree."""

    def __init__(self, root: Activity, *, edition: str = "4th", seed: int | None = None,
                 global_objectives: dict[str, GlobalObjective] | None = None,
                 objectives_global_to_system: bool = True, now: Callable[[], datetime] | None = None) -> None:
        self.tree = Tree(root, objectives_global_to_system=objectives_global_to_system)
        if global_objectives is not None:
            self.tree.globals = global_objectives  # shared with other courses of the learner
        self.edition = edition
        self.rng = random.Random(seed)  # noqa: S311 -- SR.1/SR.2 shuffles, not security
        self.tree.rng = self.rng
        self.now = now or (lambda: datetime.now(UTC))
        self._tick()
        self.traces: deque[Trace] = deque(maxlen=50)
        self.started = False

    # --- OP.1 -----------------------------------------------------------------------------

    def navigate(self, request: str, target: str | None = None) -> Trace:
        """OP.1: process one navigation request; the trace says what was delivered or why not."""
        trace = Trace(request + (f" {target}" if target else ""))
        self.traces.append(trace)
        if request == "jump" and self.edition != "4th":
            trace.exception = "NB.2.1-13"
            return trace
        self._tick()
        before = timing.snapshot(self.tree)
        try:
            return self._navigate(trace, request, target)
        finally:
            timing.account(self.tree, before)  # durations: sessions / attempts begun or ended

    def _tick(self) -> None:
        self.tree.now = self.now().timestamp()

    def _navigate(self, trace: Trace, request: str, target: str | None) -> Trace:
        tree = self.tree
        if not self.started and request in ("start", "resumeAll"):
            self._select_and_randomize()
        try:
            requests = navigation_request(tree, request, target)  # OP.1 step 1.1
            trace.note("NB.2.1", f"termination={requests.termination} sequencing={requests.sequencing}")
            sequencing = requests.sequencing
            if requests.termination:  # step 1.3
                implied = termination_request(tree, requests.termination, trace)
                if implied is not None:
                    sequencing = implied
            if sequencing is None:
                return trace
            outcome = sequencing_request(tree, sequencing, requests.target, trace)  # step 1.4
            if outcome.end:
                tree.ended = True
                tree.current = None
                trace.note("OP.1", "end of the sequencing session")
                return trace
            if outcome.deliver is None:
                return trace
            delivery_request(tree, outcome.deliver, trace)  # step 1.5
            content_delivery(tree, outcome.deliver, trace)
            tree.ended = False
            self.started = True
            trace.delivered = outcome.deliver.id
        except SequencingError as error:
            trace.exception = error.code
            trace.note("OP.1", f"exception {error}")
        return trace

    def _select_and_randomize(self) -> None:
        """SR.1 / SR.2 at the start of the first session (timing ``once``)."""
        for node in self.tree.preorder:
            if node.track.order is None:
                select_children(node, self.rng)
                randomize_children(node, self.rng)
        self.tree.reordered()

    @property
    def current(self) -> Node | None:
        return self.tree.current

    @property
    def ended(self) -> bool:
        return self.tree.ended

    # --- SCO data -> tracking (RTE §4.2 / SN §4.2) -------------------------------------------

    def report(self, values: dict[str, str]) -> None:
        """The SCO's run-time data of the current attempt becomes the activity's tracking data:
        completion and success status, progress measure, scores, ``cmi.objectives.n``, and the
        attempt's experienced duration from ``cmi.total_time`` (timing.py)."""
        node = self.tree.current
        if node is None or not node.tracked:
            return
        if values.get("adl.nav.request") in ("abandon", "abandonAll"):
            return  # an abandoned attempt's data is discarded (SN §4.4.3 abandon)
        tree = self.tree
        self._tick()
        total = _duration(values.get("cmi.total_time"))
        if total is not None and node.is_leaf:
            timing.report_experienced(node, total)
        count = int(values.get("cmi.objectives._count", "0") or 0)
        indexes = sorted({int(k.split(".")[2]) for k in values if k.startswith("cmi.objectives.")
                          and k.split(".")[2].isdigit()} | set(range(count)))
        reported = "cmi.success_status" in values
        for index in indexes:
            prefix = f"cmi.objectives.{index}."
            ident = uri_id(values.get(prefix + "id") or "")
            if not ident or ident not in node.objectives:
                continue
            self._objective_from(node, ident, values, prefix)
            # the primary objective set through cmi.objectives.n (even "unknown"): UP.4 keeps it
            reported |= ident == node.primary_key and prefix + "success_status" in values
        node.track.objective_reported |= reported
        node.track.completion_reported |= "cmi.completion_status" in values
        completion = values.get("cmi.completion_status")
        if completion in ("completed", "incomplete", "not attempted"):
            set_completion(tree, node, True, completion == "completed")
        elif completion == "unknown":  # reported unknown: the activity's completion is unknown
            set_completion(tree, node, False, False)
        measure = _float(values.get("cmi.progress_measure"))
        if measure is not None:
            set_completion_amount(tree, node, True, measure)
        assert node.primary_key is not None
        self._objective_from(node, node.primary_key, values, "cmi.")
        node.track.suspended = values.get("cmi.exit") == "suspend"  # RTE §4.2.8 / SN §4.2.1
        overall_rollup(tree, node)

    def _objective_from(self, node: Node, key: str, values: dict[str, str], prefix: str) -> None:
        """Only what the SCO reported changes the objective (a new attempt starts unknown)."""
        success = values.get(prefix + "success_status", "unknown")
        changes: dict[str, Any] = {}
        if success in ("passed", "failed"):
            changes.update(progress_status=True, satisfied_status=success == "passed")
        elif success == "unknown" and prefix + "success_status" in values:
            changes.update(progress_status=False)
        scaled = _float(values.get(prefix + "score.scaled"))
        if scaled is not None:
            changes.update(measure_status=True, normalized_measure=scaled)
        for score in ("raw", "min", "max"):
            value = _float(values.get(f"{prefix}score.{score}"))
            if value is not None:
                changes[score] = value
        done = values.get(prefix + "completion_status", "unknown")
        if prefix != "cmi." and done in ("completed", "incomplete", "not attempted"):
            changes.update(completion_known=True, completed=done == "completed")
            if key == node.primary_key:
                set_completion(self.tree, node, True, done == "completed")
        elif prefix != "cmi." and done == "unknown" and prefix + "completion_status" in values:
            changes.update(completion_known=False, completed=False)
        progress = _float(values.get(prefix + "progress_measure"))
        if prefix != "cmi." and progress is not None:
            changes.update(progress_known=True, progress_measure=progress)
            if key == node.primary_key:  # the primary objective's progress is the activity's
                set_completion_amount(self.tree, node, True, progress)
        if changes:
            write_objective(self.tree, node, key, **changes)

    def launch_objectives(self, node: Node) -> dict[str, dict[str, str]]:
        """What cmi.objectives.n starts with for an objective id (RTE §4.2.17 via SN §4.2.3):
        the (possibly global) success status, scaled score and completion the sequencer knows."""
        out: dict[str, dict[str, str]] = {}
        for key, objective in node.objectives.items():
            if not objective.objective_id:
                continue
            seen = read_objective(self.tree, node, key)
            values: dict[str, str] = {}
            if seen.progress_status:
                values["success_status"] = "passed" if seen.satisfied_status else "failed"
            if seen.measure_status:
                values["score.scaled"] = repr(seen.normalized_measure)
            for score in ("raw", "min", "max"):
                if getattr(seen, score) is not None:
                    values[f"score.{score}"] = repr(getattr(seen, score))
            if seen.completion_known:
                values["completion_status"] = "completed" if seen.completed else "incomplete"
            if seen.progress_known:
                values["progress_measure"] = repr(seen.progress_measure)
            out[objective.objective_id] = values
        return out

    def durations(self, ident: str) -> dict[str, str | None]:
        """An activity's durations of the tracking model (SN §4.2.1, §4.2.2), ISO 8601, up to now
        for an open attempt; None before its first attempt."""
        self._tick()
        node = self.tree.nodes[ident]
        found = {"attemptAbsoluteDuration": timing.attempt_absolute(self.tree, node),
                 "attemptExperiencedDuration": timing.attempt_experienced(self.tree, node),
                 "activityAbsoluteDuration": timing.activity_absolute(self.tree, node),
                 "activityExperiencedDuration": timing.activity_experienced(self.tree, node)}
        return {name: None if value is None else format_iso(value) for name, value in found.items()}

    # --- adl.nav.request_valid ------------------------------------------------------------

    def request_valid(self) -> dict[str, str]:
        """``continue``, ``previous`` and ``choice.{target=ID}`` / ``jump.{target=ID}`` answers for
        the current state (RTE §4.4.2): each request is tried on a copy of the state."""
        self._tick()
        answers = {"continue": self._would_deliver("continue"), "previous": self._would_deliver("previous")}
        for node in self.tree.preorder:
            answers[f"choice.{{target={node.id}}}"] = self._choice_valid(node)
            answers[f"jump.{{target={node.id}}}"] = "true" if node.is_leaf and self.edition == "4th" else "false"
        return answers

    def _would_deliver(self, request: str) -> str:
        tree = self.tree
        saved, traces, draws = tree.checkpoint(), list(self.traces), self.rng.getstate()
        try:
            trace = self.navigate(request)
            return "true" if trace.exception is None and (trace.delivered or self.tree.ended) else "false"
        finally:
            self.tree = tree
            tree.rollback(saved)
            self.traces = deque(traces, maxlen=50)
            self.rng.setstate(draws)  # a trial request must not change the next real shuffle

    def _choice_valid(self, node: Node) -> str:
        tree = self.tree
        if node.parent is not None and not node.parent.seq.control_mode.choice:
            return "false"
        if tree.current is not None and tree.current.parent is not node.parent:
            common = tree.common_ancestor(tree.current, node)
            for activity in tree.current.path_to_root():
                if activity is common:
                    break
                if activity.track.active and not activity.seq.control_mode.choice_exit:
                    return "false"
        if choice_exception(tree, node):
            return "false"
        # a leaf the delivery request would refuse (DB.1.1 step 2: UP.5 on its path: disabled,
        # or over a limit condition) is not a valid choice either
        if node.is_leaf and any(check_activity(tree, a) for a in node.path_to_root()):
            return "false"
        return "true"

    def new_course_attempt(self) -> None:
        """A new attempt on the whole course (the learner relaunches after the session ended
        without suspend all, RTE §4.2.1 cmi.entry): fresh tracking; the learner's global
        objectives and shared data stay."""
        tree = self.tree
        fresh = Tree(tree.root.activity, objectives_global_to_system=tree.objectives_global_to_system)
        fresh.globals, fresh.shared_data, fresh.rng = tree.globals, tree.shared_data, self.rng
        self.tree = fresh
        self._tick()
        self.started = False

    # --- state ----------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        return {**self.tree.state(), "started": self.started}

    def restore(self, state: dict[str, Any]) -> None:
        self.tree.restore(state)
        self.started = bool(state.get("started", False))
        self._tick()
