# ruff: noqa: C901, PLR0911, PLR0912, PLR0915, PLR0917 -- each function follows one SN pseudo-code process step by step
"""Sequencing request behaviour (SN Book 4th Ed. Appendix C).

- SB.2.5 Start, SB.2.6 Resume All, SB.2.7 Continue, SB.2.8 Previous, SB.2.9 Choice,
  SB.2.10 Retry, SB.2.11 Exit, SB.2.13 Jump Sequencing Request Processes
- SB.2.12 Sequencing Request Process: :func:`sequencing_request` (the dispatcher)

Each returns a :class:`Outcome`: the activity to deliver, or ``end`` (end the sequencing
session), or nothing (wait for the learner); failures raise :class:`SequencingError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.standards.scorm2004.sequencing.exceptions import SequencingError
from chalicelib.standards.scorm2004.sequencing.rules import rules_check
from chalicelib.standards.scorm2004.sequencing.termination import end_attempt, terminate_descendent_attempts
from chalicelib.standards.scorm2004.sequencing.traversal import (
    choice_activity_traversal,
    choice_flow,
    flow,
)

if TYPE_CHECKING:
    from chalicelib.standards.scorm2004.sequencing.state import Node, Tree
    from chalicelib.standards.scorm2004.sequencing.trace import Trace


@dataclass
class Outcome:
    deliver: Node | None = None
    end: bool = False


def _flowed(step_node: Node | None, exception: str | None, end: bool, code: str) -> Outcome:
    if step_node is not None:
        return Outcome(step_node)
    if end:
        return Outcome(None, end=True)
    raise SequencingError(exception or code)


def start(tree: Tree, trace: Trace | None) -> Outcome:
    """SB.2.5."""
    if tree.current is not None:
        raise SequencingError("SB.2.5-1")
    if tree.root.is_leaf:
        return Outcome(tree.root)
    step = flow(tree, tree.root, "forward", True, trace)
    return _flowed(step.node, step.exception, step.end, "SB.2.5-1")


def resume_all(tree: Tree) -> Outcome:
    """SB.2.6."""
    if tree.current is not None:
        raise SequencingError("SB.2.6-1")
    if tree.suspended is None:
        raise SequencingError("SB.2.6-2")
    return Outcome(tree.suspended)


def continue_(tree: Tree, trace: Trace | None) -> Outcome:
    """SB.2.7."""
    current = tree.current
    if current is None:
        raise SequencingError("SB.2.7-1")
    if current.parent is not None and not current.parent.seq.control_mode.flow:
        raise SequencingError("SB.2.7-2")
    step = flow(tree, current, "forward", False, trace)
    return _flowed(step.node, step.exception, step.end, "SB.2.7-2")


def previous(tree: Tree, trace: Trace | None) -> Outcome:
    """SB.2.8."""
    current = tree.current
    if current is None:
        raise SequencingError("SB.2.8-1")
    if current.parent is not None and not current.parent.seq.control_mode.flow:
        raise SequencingError("SB.2.8-2")
    step = flow(tree, current, "backward", False, trace)
    if step.node is None:
        raise SequencingError(step.exception or "SB.2.8-2")
    return Outcome(step.node)


def choice_exception(tree: Tree, target: Node, trace: Trace | None = None) -> str | None:
    """The checks of SB.2.9 steps 1-7 (no state changes): why the choice is not allowed."""
    path = list(reversed(target.path_to_root()))
    for activity in path[1:]:  # step 3: every activity on the path must be available
        if activity.parent is not None and activity not in activity.parent.children:
            return "SB.2.9-2"
    for activity in path:  # step 4
        if rules_check(tree, activity, "pre", {"hiddenFromChoice"}, trace):
            return "SB.2.9-4"
    if target.parent is not None and not target.parent.seq.control_mode.choice:  # step 5
        return "SB.2.9-5"
    current = tree.current
    common = tree.common_ancestor(current, target) if current is not None else tree.root
    if current is target:  # case 1
        return None
    if current is not None and current.parent is target.parent and target.parent is not None \
            and current in target.parent.children:  # case 2 (a current activity that selection
        # onEachNewAttempt left out of its cluster's new order is not between anything: case 5)
        siblings = target.parent.children
        start_at, stop_at = siblings.index(current), siblings.index(target)
        if stop_at > start_at:
            between, direction = siblings[start_at:stop_at], "forward"
        else:
            between, direction = list(reversed(siblings[stop_at + 1:start_at + 1])), "backward"
        for activity in between:
            problem = choice_activity_traversal(tree, activity, direction, trace)
            if problem:
                return problem
        return None
    if current is None or common is current:  # case 3: the target is a descendant
        for activity in list(reversed(target.path_to_root()))[path.index(common):-1]:
            problem = choice_activity_traversal(tree, activity, "forward", trace)
            if problem:
                return problem
            if not activity.track.active and activity is not common and \
                    activity.seq.constrained_choice.prevent_activation:
                return "SB.2.9-6"
        return None
    if common is target:  # case 4: the target is an ancestor
        for activity in current.path_to_root():
            if activity is target:
                break
            if not activity.seq.control_mode.choice_exit:
                return "SB.2.9-8"
        return None
    # Case 5 of SB.2.9 step 7: the target is forward or backward in the tree.
    up = []
    for activity in current.path_to_root():
        if activity is common:
            break
        up.append(activity)
    for activity in up:
        if activity.track.active and not activity.seq.control_mode.choice_exit:
            return "SB.2.9-8"
    forward = tree.position(target) > tree.position(current)
    # the constraining activity is an ancestor of the current activity (its own constrainChoice,
    # as a leaf with no children to constrain, does not count; ADL's sample LMS, case CM-07d)
    constrained = next((a for a in up[1:] if a.seq.constrained_choice.constrain_choice), None)
    if constrained is not None:
        consider = choice_flow(tree, constrained, "forward" if tree.position(target) >
                               tree.position(constrained) else "backward")
        if target is not consider and target is not constrained and not consider.is_ancestor_of(target):
            return "SB.2.9-8"
    down = list(reversed(target.path_to_root()))
    down = down[down.index(common):]
    if forward:
        for activity in down[:-1]:
            problem = choice_activity_traversal(tree, activity, "forward", trace)
            if problem:
                return problem
            if not activity.track.active and activity is not common and \
                    activity.seq.constrained_choice.prevent_activation:
                return "SB.2.9-6"
    else:
        for activity in down:
            if not activity.track.active and activity is not common and \
                    activity.seq.constrained_choice.prevent_activation:
                return "SB.2.9-6"
    return None


def choice(tree: Tree, target: Node, trace: Trace | None) -> Outcome:
    """SB.2.9."""
    problem = choice_exception(tree, target, trace)
    if problem:
        raise SequencingError(problem, target.id)
    if target.is_leaf:  # step 8
        return Outcome(target)
    step = flow(tree, target, "forward", True, trace)  # step 9
    if step.node is None:
        common = tree.common_ancestor(tree.current, target) if tree.current else tree.root
        terminate_descendent_attempts(tree, common, trace)
        end_attempt(tree, common, trace)
        tree.current = target
        raise SequencingError("SB.2.9-7", target.id)
    return Outcome(step.node)


def retry(tree: Tree, trace: Trace | None) -> Outcome:
    """SB.2.10."""
    current = tree.current
    if current is None:
        raise SequencingError("SB.2.10-1")
    if current.track.active or current.track.suspended:
        raise SequencingError("SB.2.10-2")
    if current.is_leaf:
        return Outcome(current)
    step = flow(tree, current, "forward", True, trace)
    if step.node is None:
        raise SequencingError("SB.2.10-3")
    return Outcome(step.node)


def exit_(tree: Tree) -> Outcome:
    """SB.2.11: exiting the root ends the sequencing session; else wait for the learner."""
    current = tree.current
    if current is None:
        raise SequencingError("SB.2.11-1")
    if current.track.active:
        raise SequencingError("SB.2.11-2")
    return Outcome(None, end=current.parent is None)


def jump(tree: Tree, target: Node) -> Outcome:
    """SB.2.13."""
    if tree.current is None:
        raise SequencingError("SB.2.13-1")
    return Outcome(target)


def sequencing_request(tree: Tree, request: str, target: Node | None, trace: Trace | None) -> Outcome:
    """SB.2.12."""
    if trace is not None:
        trace.note("SB.2.12", f"sequencing request {request}" + (f" {target.id}" if target else ""))
    if request == "start":
        return start(tree, trace)
    if request == "resumeAll":
        return resume_all(tree)
    if request == "continue":
        return continue_(tree, trace)
    if request == "previous":
        return previous(tree, trace)
    if request == "retry":
        return retry(tree, trace)
    if request == "exit":
        return exit_(tree)
    if request == "choice" and target is not None:
        return choice(tree, target, trace)
    if request == "jump" and target is not None:
        return jump(tree, target)
    raise SequencingError("SB.2.12-1", request)
