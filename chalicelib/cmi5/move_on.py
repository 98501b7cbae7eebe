"""moveOn: when an AU, a block and the course are satisfied (cmi5 §13.1.4 moveOn, §9.3.9).

An AU meets its moveOn criterion from what the registration recorded for it (completed, passed,
waived); a waived AU has met it whatever it is (§9.3.9). A block is satisfied when every AU and
block in it is; the course when everything in it is. ``NotApplicable`` AUs are satisfied from the
start, so a block of them is satisfied at registration (§9.6.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

#: moveOn value -> met, from the AU's registration-wide record
MOVE_ON: dict[str, Callable[[dict[str, Any]], bool]] = {
    "Completed": lambda au: bool(au.get("completed")),
    "Passed": lambda au: bool(au.get("passed")),
    "CompletedAndPassed": lambda au: bool(au.get("completed")) and bool(au.get("passed")),
    "CompletedOrPassed": lambda au: bool(au.get("completed")) or bool(au.get("passed")),
    "NotApplicable": lambda au: True,
}


def au_properties(node: dict[str, Any]) -> dict[str, Any]:
    return dict(node.get("statements") or {})


def au_met(node: dict[str, Any], record: dict[str, Any]) -> bool:
    """Has the AU of ``node`` met its moveOn criterion (or been waived)?"""
    if record.get("waived"):
        return True
    rule = MOVE_ON.get(str(au_properties(node).get("moveOn") or "NotApplicable"), MOVE_ON["NotApplicable"])
    return rule(record)


def satisfied(node: dict[str, Any], aus: dict[str, dict[str, Any]]) -> bool:
    kids = node.get("children")
    if not kids:
        return au_met(node, aus.get(node["id"]) or {})
    return all(satisfied(kid, aus) for kid in kids)


def newly_satisfied(tree: dict[str, Any], aus: dict[str, dict[str, Any]], already: list[str]) -> list[dict[str, Any]]:
    """Blocks (innermost first) and then the course that are satisfied now and were not before."""
    found: list[dict[str, Any]] = []

    def walk(node: dict[str, Any]) -> None:
        for kid in node.get("children") or []:
            if kid.get("children"):
                walk(kid)
        if node.get("children") and node["id"] not in already and satisfied(node, aus):
            found.append(node)

    walk(tree)
    return found


def path_to(tree: dict[str, Any], node_id: str) -> list[dict[str, Any]]:
    """The nodes from the root down to ``node_id`` (empty if absent)."""
    if tree["id"] == node_id:
        return [tree]
    for kid in tree.get("children") or []:
        found = path_to(kid, node_id)
        if found:
            return [tree, *found]
    return []
