"""Delivery behaviour (SN Book 4th Ed. Appendix C).

- DB.1.1 Delivery Request Process: :func:`delivery_request`
- DB.2 Content Delivery Environment Process: :func:`content_delivery`
- DB.2.1 Clear Suspended Activity Subprocess: :func:`clear_suspended_activity`
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.standards.scorm2004.sequencing.exceptions import SequencingError
from chalicelib.standards.scorm2004.sequencing.rules import check_activity
from chalicelib.standards.scorm2004.sequencing.state import ObjectiveTrack
from chalicelib.standards.scorm2004.sequencing.termination import terminate_descendent_attempts

if TYPE_CHECKING:
    from chalicelib.standards.scorm2004.sequencing.state import Node, Tree
    from chalicelib.standards.scorm2004.sequencing.trace import Trace


def delivery_request(tree: Tree, node: Node, trace: Trace | None = None) -> None:
    """DB.1.1: only a leaf, and no activity on its path disabled or over its limits."""
    if not node.is_leaf:
        raise SequencingError("DB.1.1-1", node.id)
    for activity in reversed(node.path_to_root()):
        if check_activity(tree, activity, trace):
            raise SequencingError("DB.1.1-3", activity.id)


def clear_suspended_activity(tree: Tree, node: Node) -> None:
    """DB.2.1: unsuspend the old suspended activity up to the common ancestor."""
    if tree.suspended is None:
        return
    common = tree.common_ancestor(node, tree.suspended)
    for activity in tree.suspended.path_to_root():
        if activity.is_leaf or not any(c.track.suspended for c in activity.children):
            activity.track.suspended = False
        if activity is common:
            break
    tree.suspended = None


def _new_attempt(node: Node) -> None:
    """DB.2 step 5.1.1.2: fresh objective and attempt progress information for a new attempt;
    with useCurrentAttempt*Info, the descendants' older data stops counting in rollup."""
    track = node.track
    track.attempt_count += 1
    if track.attempt_count == 1:
        track.activity_progress_status = True
    track.objectives = {key: ObjectiveTrack() for key in node.objectives}
    track.attempt_progress_status = track.attempt_completion_status = False
    track.completion_amount_status, track.completion_amount = False, 0.0
    track.stale_objective = track.stale_progress = False
    track.objective_reported = track.completion_reported = False
    control = node.seq.control_mode
    for child in node.preorder_descendants():
        if control.use_current_attempt_objective_info:
            child.track.stale_objective = True
        if control.use_current_attempt_progress_info:
            child.track.stale_progress = True


def content_delivery(tree: Tree, node: Node, trace: Trace | None = None) -> None:
    """DB.2: begin attempts on the path to the activity and make it the current activity."""
    if tree.current is not None and tree.current.track.active:
        raise SequencingError("DB.2-1", tree.current.id)
    if node is not tree.suspended:
        clear_suspended_activity(tree, node)
    terminate_descendent_attempts(tree, node, trace)
    for activity in reversed(node.path_to_root()):
        if not activity.track.active:
            if activity.track.suspended:
                activity.track.suspended = False
            elif activity.tracked:
                _new_attempt(activity)
            activity.track.active = True
    tree.current = node
    tree.suspended = None
    if trace is not None:
        trace.note("DB.2", f"deliver {node.id}")
