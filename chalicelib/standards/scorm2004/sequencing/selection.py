"""Selection and randomisation (SN Book 4th Ed. Appendix C, SR.1 and SR.2; SN §3.12).

- SR.1 Select Children Process: :func:`select_children`
- SR.2 Randomize Children Process: :func:`randomize_children`

Both change only the activity's *available children* (``Node.children``) and record the order
in the tracking state (``Track.order``) so it survives suspend/resume.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import random

    from chalicelib.standards.scorm2004.sequencing.state import Node


def select_children(node: Node, rng: random.Random) -> None:
    """SR.1: on the first attempt ("once"), keep ``selectCount`` children, in their order."""
    if node.is_leaf or node.track.active or node.track.suspended:  # SR.1 steps 1-2
        return
    control = node.seq.randomization
    if control.selection_timing != "once" or node.track.activity_progress_status:
        return  # "never", and "onEachNewAttempt" (undefined behaviour in the SN Book)
    count = control.select_count
    if count is not None and 0 <= count < len(node.all_children):
        kept = sorted(rng.sample(range(len(node.all_children)), count))
        node.children = [node.all_children[i] for i in kept]
    node.track.order = [c.id for c in node.children]


def randomize_children(node: Node, rng: random.Random) -> None:
    """SR.2: reorder the available children once, or on each new attempt."""
    if node.is_leaf or node.track.active or node.track.suspended:
        return
    control = node.seq.randomization
    if not control.reorder_children or control.randomization_timing == "never":
        return
    if control.randomization_timing == "once" and node.track.activity_progress_status:
        return
    children = list(node.children)
    rng.shuffle(children)
    node.children = children
    node.track.order = [c.id for c in children]
