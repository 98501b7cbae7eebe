"""``.cmp`` completion requirements (AICC CMI001 §5, Completion Requirements file): a structure
element — a block, an AU or the course (``root``) — takes the status its row names when the
row's requirement (an aicc_script expression over AUs and blocks, as ``.pre`` prerequisites)
holds, and is not complete while it does not; elements without a row keep the default rollup
(complete when all their AUs are).

The results go into the registration's details as ``aiccResults`` (element id → completion,
success, score), which the rollup of ``chalicelib.results.progress`` applies the way it applies
a sequencer's results, so the registration, its activity details and the player's table of
contents show them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.aicc.datamodel import LESSON_STATUS
from chalicelib.results import progress
from chalicelib.runtime import prerequisites

if TYPE_CHECKING:
    from chalicelib.standards.activity_tree import Activity, CourseStructure

#: A result status → (completion, success or None for "the rollup's").
RESULTS: dict[str, tuple[str, str | None]] = {
    "passed": ("COMPLETED", "PASSED"), "failed": ("COMPLETED", "FAILED"), "completed": ("COMPLETED", None),
    "incomplete": ("INCOMPLETE", None), "browsed": ("INCOMPLETE", None), "not attempted": ("UNKNOWN", None),
}  # fmt: skip
STATUS_OF = {("COMPLETED", "PASSED"): "passed", ("COMPLETED", "FAILED"): "failed"}


def _status(rolled: dict[str, Any]) -> str:
    found = STATUS_OF.get((rolled["completion"], rolled["success"]))
    if found:
        return found
    return {"COMPLETED": "completed", "INCOMPLETE": "incomplete"}.get(rolled["completion"], "not attempted")


def _keys(identifier: str) -> list[str]:
    return list(dict.fromkeys([identifier, identifier.lower(), identifier.upper()]))


def evaluate(details: dict[str, Any], structure: CourseStructure) -> dict[str, dict[str, Any]] | None:
    """The results the ``.cmp`` rows give, per element id (None: the course has none)."""
    if not any(a.aicc_completion for a in structure.root.walk()):
        return None
    tree = details.get("tree") or {}
    nodes = {n["id"]: n for n in progress.nodes(tree)}
    activities = details.get("activities", {})
    found: dict[str, dict[str, Any]] = {}
    statuses: dict[str, str] = {}

    def visit(activity: Activity) -> None:
        for child in activity.children:
            visit(child)
        node = nodes.get(activity.identifier)
        if node is None:
            return
        rolled = progress.rollup(node, activities, found)
        if activity.aicc_completion:
            requirement, result = activity.aicc_completion
            completion, success = RESULTS.get(LESSON_STATUS.get(result.strip().lower(), "completed"),
                                              ("COMPLETED", None))
            if not prerequisites.evaluate(requirement, statuses):
                completion = "INCOMPLETE" if rolled["launched"] else "UNKNOWN"
                success = "FAILED" if rolled["success"] == "FAILED" else "UNKNOWN"
            found[activity.identifier] = {"completion": completion, "success": success or rolled["success"],
                                          "score": rolled["score"]}
            rolled = progress.rollup(node, activities, found)
        for key in _keys(activity.identifier):
            statuses[key] = _status(rolled)

    visit(structure.root)
    return found


def block_statuses(details: dict[str, Any]) -> dict[str, str]:
    """The lesson status of every block (and the course) of an AICC registration, from the rollup
    (``.cmp`` results included): ``.pre`` prerequisites may name blocks as well as AUs (CMI001 §5)."""
    tree = details.get("tree") or {}
    activities, results = details.get("activities", {}), progress.engine_results(details)
    return {node["id"]: _status(progress.rollup(node, activities, results))
            for node in progress.nodes(tree) if node.get("children")}
