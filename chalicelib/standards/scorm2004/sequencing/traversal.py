# ruff: noqa: C901, PLR0911, PLR0912, PLR0915, PLR0917 -- each function follows one SN pseudo-code process step by step
"""Flow and choice traversal (SN Book 4th Ed. Appendix C).

- SB.2.1 Flow Tree Traversal Subprocess: :func:`flow_tree_traversal`
- SB.2.2 Flow Activity Traversal Subprocess: :func:`flow_activity_traversal`
- SB.2.3 Flow Subprocess: :func:`flow`
- SB.2.4 Choice Activity Traversal Subprocess: :func:`choice_activity_traversal`
- SB.2.9.1 Choice Flow Subprocess / SB.2.9.2 Choice Flow Tree Traversal Subprocess:
  :func:`choice_flow`

A traversal returns a :class:`Step`: the activity found (or ``None``), the direction it moved in,
and either the exception of Appendix D or ``end`` (4th Ed.: walking forward off the last activity
ends the sequencing session).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.standards.scorm2004.sequencing.rules import check_activity, rules_check
from chalicelib.standards.scorm2004.sequencing.termination import end_attempt, terminate_descendent_attempts

if TYPE_CHECKING:
    from chalicelib.standards.scorm2004.sequencing.state import Node, Tree
    from chalicelib.standards.scorm2004.sequencing.trace import Trace


@dataclass
class Step:
    node: Node | None
    direction: str = "forward"
    exception: str | None = None
    end: bool = False


def _last_in_tree(tree: Tree) -> Node:
    node = tree.root
    while node.children:
        node = node.children[-1]
    return node


def _siblings(node: Node) -> list[Node]:
    return node.parent.children if node.parent is not None else [node]


def flow_tree_traversal(tree: Tree, node: Node, direction: str, previous: str | None,
                        consider_children: bool, trace: Trace | None = None) -> Step:
    """SB.2.1."""
    reversed_ = False
    siblings = _siblings(node)
    if previous == "backward" and node.parent is not None and siblings and siblings[-1] is node:
        direction, node, reversed_ = "backward", siblings[0], True  # SB.2.1 step 3
    if direction == "forward":
        if node is _last_in_tree(tree) or (node.parent is None and not consider_children):
            terminate_descendent_attempts(tree, tree.root, trace)  # step 4.1 (4th Ed.)
            end_attempt(tree, tree.root, trace)
            return Step(None, direction, None, end=True)
        if node.is_leaf or not consider_children:
            if node.parent is None:
                return Step(None, direction, "SB.2.1-1")
            if node not in siblings or siblings[-1] is node:
                return flow_tree_traversal(tree, node.parent, "forward", None, False, trace)
            return Step(siblings[siblings.index(node) + 1], "forward")
        if node.children:
            return Step(node.children[0], "forward")
        return Step(None, direction, "SB.2.1-2")
    if node.parent is None:  # backward, step 5.1
        return Step(None, direction, "SB.2.1-3")
    if node.is_leaf or not consider_children:
        if not reversed_ and node.parent.seq.control_mode.forward_only:
            return Step(None, direction, "SB.2.1-4")
        if node not in siblings or siblings[0] is node:
            return flow_tree_traversal(tree, node.parent, "backward", None, False, trace)
        return Step(siblings[siblings.index(node) - 1], "backward")
    if node.children:
        if node.seq.control_mode.forward_only:
            return Step(node.children[0], "forward")
        return Step(node.children[-1], "backward")
    return Step(None, direction, "SB.2.1-2")


def flow_activity_traversal(tree: Tree, node: Node, direction: str, previous: str | None,
                            trace: Trace | None = None) -> Step:
    """SB.2.2: skip, disabled/limit checks, and descend into clusters."""
    if node.parent is not None and not node.parent.seq.control_mode.flow:
        return Step(None, direction, "SB.2.2-1")
    if rules_check(tree, node, "pre", {"skip"}, trace):  # SB.2.2 step 3
        step = flow_tree_traversal(tree, node, direction, previous, False, trace)
        if step.node is None:
            return step
        if previous == "backward" and step.direction == "backward":  # step 3.3.1: the returned direction
            return flow_activity_traversal(tree, step.node, step.direction, None, trace)
        return flow_activity_traversal(tree, step.node, direction, previous, trace)
    if check_activity(tree, node, trace):  # step 4
        return Step(None, direction, "SB.2.2-2")
    if not node.is_leaf:  # step 5
        step = flow_tree_traversal(tree, node, direction, None, True, trace)
        if step.node is None:
            return step
        if direction == "backward" and step.direction == "forward":
            return flow_activity_traversal(tree, step.node, "forward", "backward", trace)
        return flow_activity_traversal(tree, step.node, direction, None, trace)
    return Step(node, direction)


def flow(tree: Tree, node: Node, direction: str, consider_children: bool,
         trace: Trace | None = None) -> Step:
    """SB.2.3: traverse from the activity, then find a deliverable activity from there."""
    step = flow_tree_traversal(tree, node, direction, None, consider_children, trace)
    if step.node is None:
        return step
    return flow_activity_traversal(tree, step.node, direction, None, trace)


def choice_activity_traversal(tree: Tree, node: Node, direction: str,
                              trace: Trace | None = None) -> str | None:
    """SB.2.4: the exception that stops a choice passing the activity, or None."""
    if direction == "forward":
        if rules_check(tree, node, "pre", {"stopForwardTraversal"}, trace):
            return "SB.2.4-1"
        return None
    if node.parent is not None:
        if node.parent.seq.control_mode.forward_only:
            return "SB.2.4-2"
        return None
    return "SB.2.4-3"


def choice_flow(tree: Tree, node: Node, direction: str) -> Node:
    """SB.2.9.1 / SB.2.9.2: the next (or previous) activity in the tree, else the activity."""
    found = _choice_flow_tree(tree, node, direction)
    return found if found is not None else node


def _choice_flow_tree(tree: Tree, node: Node, direction: str) -> Node | None:
    siblings = _siblings(node)
    if direction == "forward":
        if node is _last_in_tree(tree) or node.parent is None:
            return None
        if node not in siblings or siblings[-1] is node:  # not available: leave its cluster
            return _choice_flow_tree(tree, node.parent, "forward")
        return siblings[siblings.index(node) + 1]
    if node.parent is None:
        return None
    if node not in siblings or siblings[0] is node:
        return _choice_flow_tree(tree, node.parent, "backward")
    return siblings[siblings.index(node) - 1]
