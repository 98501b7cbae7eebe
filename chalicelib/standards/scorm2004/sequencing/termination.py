# ruff: noqa: C901, PLR0911, PLR0912, PLR0915, PLR0917 -- each function follows one SN pseudo-code process step by step
"""Termination behaviour and the attempt-ending utilities (SN Book 4th Ed. Appendix C).

- UP.3 Terminate Descendent Attempts Process: :func:`terminate_descendent_attempts`
- UP.4 End Attempt Process: :func:`end_attempt`
- TB.2.1 Sequencing Exit Action Rules Subprocess: :func:`exit_action_rules`
- TB.2.2 Sequencing Post Condition Rules Subprocess: :func:`post_condition_rules`
- TB.2.3 Termination Request Process: :func:`termination_request`
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.standards.scorm2004.sequencing.exceptions import SequencingError
from chalicelib.standards.scorm2004.sequencing.rollup import overall_rollup
from chalicelib.standards.scorm2004.sequencing.rules import rules_check
from chalicelib.standards.scorm2004.sequencing.selection import new_attempt_order
from chalicelib.standards.scorm2004.sequencing.state import primary, set_completion, set_primary

if TYPE_CHECKING:
    from chalicelib.standards.scorm2004.sequencing.state import Node, Tree
    from chalicelib.standards.scorm2004.sequencing.trace import Trace

POST_ACTIONS = {"exitParent", "exitAll", "retry", "retryAll", "continue", "previous"}


def end_attempt(tree: Tree, node: Node, trace: Trace | None = None) -> None:
    """UP.4: a tracked leaf not suspended that reported nothing counts as completed and
    satisfied (unless set by content); a cluster is suspended if a child is; then rollup."""
    track = node.track
    if node.is_leaf:
        if node.tracked and not track.suspended:  # UP.4 step 1.1
            delivery = node.seq.delivery
            if not delivery.completion_set_by_content and not track.attempt_progress_status \
                    and not track.completion_reported:
                set_completion(tree, node, True, True)  # step 1.1.1
            if not delivery.objective_set_by_content and not primary(tree, node).progress_status \
                    and not track.objective_reported:
                set_primary(tree, node, progress_status=True, satisfied_status=True)  # step 1.1.2
    else:
        track.suspended = any(c.track.suspended for c in node.children)  # step 2
    track.active = False  # step 3
    if not node.is_leaf and not track.suspended:
        new_attempt_order(tree, node)  # SR.1/SR.2 onEachNewAttempt: the next attempt's children
    if trace is not None:
        trace.note("UP.4", f"end attempt on {node.id}")
    overall_rollup(tree, node, trace)  # step 4


def terminate_descendent_attempts(tree: Tree, node: Node, trace: Trace | None = None) -> None:
    """UP.3: end the attempts between the current activity and the common ancestor (exclusive)."""
    if tree.current is None:
        return
    common = tree.common_ancestor(tree.current, node)
    for activity in tree.current.path_to_root():
        if activity is common:
            break
        if activity is not tree.current:
            end_attempt(tree, activity, trace)


def exit_action_rules(tree: Tree, trace: Trace | None = None) -> None:
    """TB.2.1: the first ancestor (from the root down) whose exit rule fires is exited."""
    assert tree.current is not None
    path = list(reversed(tree.current.path_to_root()[1:]))
    for activity in path:
        if rules_check(tree, activity, "exit", {"exit"}, trace):
            terminate_descendent_attempts(tree, activity, trace)
            end_attempt(tree, activity, trace)
            tree.current = activity
            return


def post_condition_rules(tree: Tree, trace: Trace | None = None) -> tuple[str | None, str | None]:
    """TB.2.2: (termination request, sequencing request) from the current activity's post rules."""
    assert tree.current is not None
    if tree.current.track.suspended:  # TB.2.2 step 1
        return None, None
    action = rules_check(tree, tree.current, "post", POST_ACTIONS, trace)
    if action in ("retry", "continue", "previous"):
        return None, action
    if action in ("exitParent", "exitAll"):
        return action, None
    if action == "retryAll":
        return "exitAll", "retry"
    return None, None


def termination_request(tree: Tree, request: str, trace: Trace | None = None) -> str | None:
    """TB.2.3: process a termination request; the sequencing request it implies, if any."""
    current = tree.current
    if current is None:
        raise SequencingError("TB.2.3-1")
    if request in ("exit", "abandon") and not current.track.active:
        raise SequencingError("TB.2.3-2")
    if trace is not None:
        trace.note("TB.2.3", f"termination request {request} on {current.id}")
    sequencing = _termination(tree, request, current, trace)
    if sequencing == "retry" and tree.current is tree.root and not tree.objectives_global_to_system:
        # a new attempt on the whole activity tree: global objectives scoped to one attempt of the
        # tree (objectivesGlobalToSystem false, CAM §3.4.1.2) start over, as in ADL's sample LMS
        tree.globals.clear()
        if trace is not None:
            trace.note("TB.2.3", "retry of the root: objectives not global to system cleared")
    return sequencing


def _termination(tree: Tree, request: str, current: Node, trace: Trace | None) -> str | None:
    """TB.2.3 steps 3-7 for a validated request."""
    if request == "exit":
        end_attempt(tree, current, trace)  # step 3.1
        exit_action_rules(tree, trace)  # step 3.2
        sequencing: str | None = None
        while True:  # step 3.3
            termination, sequencing = post_condition_rules(tree, trace)
            if termination == "exitAll":
                return _exit_all(tree, trace, sequencing)
            if termination == "exitParent":
                assert tree.current is not None
                if tree.current.parent is None:
                    raise SequencingError("TB.2.3-4")
                tree.current = tree.current.parent
                end_attempt(tree, tree.current, trace)
                continue
            assert tree.current is not None
            if tree.current.parent is None and sequencing != "retry":
                return "exit"  # step 3.3.5
            return sequencing
    if request == "exitAll":
        return _exit_all(tree, trace, None)
    if request == "suspendAll":
        if current.track.active or current.track.suspended:
            overall_rollup(tree, current, trace)
            tree.suspended = current
        elif current.parent is not None:
            tree.suspended = current.parent
        else:
            raise SequencingError("TB.2.3-3")
        for activity in tree.suspended.path_to_root():
            activity.track.active = False
            activity.track.suspended = True
        tree.current = tree.root
        return "exit"
    if request == "abandon":
        current.track.active = False
        return None
    if request == "abandonAll":
        for activity in current.path_to_root():
            activity.track.active = False
        tree.current = tree.root
        return "exit"
    raise SequencingError("TB.2.3-7")


def _exit_all(tree: Tree, trace: Trace | None, sequencing: str | None) -> str:
    """TB.2.3 step 4 (exit all)."""
    assert tree.current is not None
    if tree.current.track.active:
        end_attempt(tree, tree.current, trace)
    terminate_descendent_attempts(tree, tree.root, trace)
    end_attempt(tree, tree.root, trace)
    for node in tree.preorder:  # every attempt has ended: nothing stays suspended
        node.track.suspended = False
    tree.suspended = None
    tree.current = tree.root
    return sequencing or "exit"
