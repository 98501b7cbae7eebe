"""Selection and randomisation (SN Book 4th Ed. Appendix C, SR.1 and SR.2; SN §3.12).

- SR.1 Select Children Process: :func:`select_children`
- SR.2 Randomize Children Process: :func:`randomize_children`
- :func:`new_attempt_order`: the ``onEachNewAttempt`` timings

Both change only the activity's *available children* (``Node.children``) and record them in the
tracking state (``Track.order``), which is serialised with the rest of the state, so a resumed
registration sees the same children in the same order.

When they run: timing ``once`` at the start of the first sequencing session on the tree (before
the first attempt on any activity). Timing ``onEachNewAttempt`` (SN §3.12: selection / ordering
"each time a new attempt on the activity begins") also then, and again each time an attempt on
the cluster ends without being suspended (UP.4), so the next attempt's traversal already walks
the new children — never while the cluster is active or suspended (SR.1/SR.2 step 2), and never
between choosing an activity and delivering it. SR.1's pseudo-code leaves ``onEachNewAttempt``
undefined (step 3.3); we apply the same selection as ``once`` on each new attempt, as SN §3.12
and CAM §5.1.9 (imsss:randomizationControls) describe the timing. An abandoned attempt (no UP.4)
keeps its order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import random

    from chalicelib.standards.scorm2004.sequencing.state import Node, Tree

EACH = "onEachNewAttempt"


def select_children(node: Node, rng: random.Random, *, new_attempt: bool = False) -> None:
    """SR.1: keep ``selectCount`` of the children, in their order — once (before the first
    attempt), or before each new attempt with ``onEachNewAttempt``."""
    if node.is_leaf or node.track.active or node.track.suspended:  # SR.1 steps 1-2
        return
    control = node.seq.randomization
    timing = control.selection_timing
    if timing == "never" or (timing == "once" and (new_attempt or node.track.activity_progress_status)):
        return  # step 3.1 / 3.2 (already attempted)
    count = control.select_count
    if count is not None and 0 <= count < len(node.all_children):  # step 3.2.1
        kept = sorted(rng.sample(range(len(node.all_children)), count))
        node.children = [node.all_children[i] for i in kept]
    node.track.order = [c.id for c in node.children]


def randomize_children(node: Node, rng: random.Random, *, new_attempt: bool = False) -> None:
    """SR.2: reorder the available children once (before the first attempt), or before each new
    attempt with ``onEachNewAttempt``."""
    if node.is_leaf or node.track.active or node.track.suspended:  # SR.2 steps 1-2
        return
    control = node.seq.randomization
    timing = control.randomization_timing
    if not control.reorder_children or timing == "never":
        return
    if timing == "once" and (new_attempt or node.track.activity_progress_status):  # step 3.2
        return
    children = list(node.children)
    rng.shuffle(children)  # step 3.2.1 / 3.3.1
    node.children = children
    node.track.order = [c.id for c in children]


def new_attempt_order(tree: Tree, node: Node) -> None:
    """At the end of a cluster's (not suspended) attempt: SR.1 then SR.2 with the
    ``onEachNewAttempt`` timings, ready for the next attempt."""
    control = node.seq.randomization
    if node.is_leaf or node.track.active or node.track.suspended or EACH not in (
            control.selection_timing, control.randomization_timing):
        return
    select_children(node, tree.rng, new_attempt=True)
    randomize_children(node, tree.rng, new_attempt=True)
    tree.reordered()
