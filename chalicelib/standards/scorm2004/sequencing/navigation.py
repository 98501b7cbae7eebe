# ruff: noqa: C901, PLR0911, PLR0912, PLR0915, PLR0917 -- each function follows one SN pseudo-code process step by step
"""Navigation behaviour (SN Book 4th Ed. Appendix C, NB.2.1 Navigation Request Process).

:func:`navigation_request` validates a navigation request against the current state and turns
it into a termination request and a sequencing request (SN Table 4.4.2a).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.standards.scorm2004.sequencing.exceptions import SequencingError

if TYPE_CHECKING:
    from chalicelib.standards.scorm2004.sequencing.state import Node, Tree

NAVIGATION_REQUESTS = frozenset({
    "start", "resumeAll", "continue", "previous", "forward", "backward", "choice", "jump", "exit",
    "exitAll", "suspendAll", "abandon", "abandonAll",
})


@dataclass
class Requests:
    termination: str | None
    sequencing: str | None
    target: Node | None = None


def navigation_request(tree: Tree, request: str, target_id: str | None = None) -> Requests:
    """NB.2.1."""
    current = tree.current
    active = current is not None and current.track.active
    exit_first = "exit" if active else None
    if request == "start":  # NB.2.1 step 1
        if current is None:
            return Requests(None, "start")
        raise SequencingError("NB.2.1-1")
    if request == "resumeAll":  # step 2
        if current is not None:
            raise SequencingError("NB.2.1-1")
        if tree.suspended is None:
            raise SequencingError("NB.2.1-3")
        return Requests(None, "resumeAll")
    if request in ("continue", "previous") and current is None:
        raise SequencingError("NB.2.1-2")
    if request == "continue":  # step 3
        if current is not None and current.parent is not None and current.parent.seq.control_mode.flow:
            return Requests(exit_first, "continue")
        raise SequencingError("NB.2.1-4")
    if request == "previous":  # step 4
        assert current is not None
        if current.parent is None:
            raise SequencingError("NB.2.1-6")
        mode = current.parent.seq.control_mode
        if mode.flow and not mode.forward_only:
            return Requests(exit_first, "previous")
        raise SequencingError("NB.2.1-5")
    if request in ("forward", "backward"):  # step 5
        raise SequencingError("NB.2.1-7")
    if request == "choice":  # step 6
        target = tree.nodes.get(target_id or "")
        if target is None:
            raise SequencingError("NB.2.1-11", target_id or "")
        if target.parent is not None and not target.parent.seq.control_mode.choice:
            raise SequencingError("NB.2.1-10", target.id)
        if current is None:
            return Requests(None, "choice", target)
        if current.parent is not target.parent or target.parent is None:  # step 6.1.2
            common = tree.common_ancestor(current, target)
            for activity in current.path_to_root():
                if activity is common:
                    break
                if activity.track.active and not activity.seq.control_mode.choice_exit:
                    raise SequencingError("NB.2.1-8", activity.id)
        return Requests(exit_first, "choice", target)
    if request == "jump":  # step 7 (4th Ed.)
        target = tree.nodes.get(target_id or "")
        if target is None:
            raise SequencingError("NB.2.1-11", target_id or "")
        if current is None:
            raise SequencingError("NB.2.1-2")
        return Requests(exit_first, "jump", target)
    if request in ("exit", "abandon"):  # steps 8, 11
        if current is None:
            raise SequencingError("NB.2.1-2")
        if not active:
            raise SequencingError("NB.2.1-12")
        return Requests(request, "exit")
    if request in ("exitAll", "abandonAll", "suspendAll"):  # steps 9, 10, 12
        if current is None:
            raise SequencingError("NB.2.1-2")
        return Requests(request, "exit")
    raise SequencingError("NB.2.1-13", request)
