"""Rollup behaviour (SN Book 4th Ed. Appendix C, RB.1.x).

- RB.1.1 Measure Rollup Process: :func:`measure_rollup`
- RB.1.1b Completion Measure Rollup Process: :func:`completion_measure_rollup`
- RB.1.2a/b Objective Rollup Using Measure / Rules (default rules when none, SN §4.6.5):
  :func:`objective_rollup`
- RB.1.3a/b Activity Progress Rollup Using Measure / Rules: :func:`progress_rollup`
- RB.1.4 Rollup Rule Check Subprocess: :func:`rollup_rule_check`
- RB.1.4.1 Evaluate Rollup Conditions Subprocess: :func:`_evaluate_conditions`
- RB.1.4.2 Check Child for Rollup Subprocess: :func:`check_child_for_rollup`
- RB.1.5 Overall Rollup Process: :func:`overall_rollup`
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.standards.activity_tree import RollupCondition, RollupRule
from chalicelib.standards.scorm2004.sequencing.rules import combine, condition_value, negate, rules_check
from chalicelib.standards.scorm2004.sequencing.state import (
    completion,
    completion_amount,
    primary,
    set_completion,
    set_completion_amount,
    set_primary,
    uri_id,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from chalicelib.standards.activity_tree import Objective
    from chalicelib.standards.scorm2004.sequencing.state import Node, Tree
    from chalicelib.standards.scorm2004.sequencing.trace import Trace

#: SN §4.6.5 default rollup rules, used when an activity defines none for an action pair.
DEFAULT_SATISFACTION = [
    RollupRule("notSatisfied", "all", conditions=[RollupCondition("objectiveStatusKnown")]),
    RollupRule("satisfied", "all", conditions=[RollupCondition("satisfied")]),
]
DEFAULT_COMPLETION = [
    RollupRule("incomplete", "all", conditions=[RollupCondition("activityProgressKnown")]),
    RollupRule("completed", "all", conditions=[RollupCondition("completed")]),
]


def measure_rollup(tree: Tree, node: Node) -> None:
    """RB.1.1: the weighted average of the tracked children's primary objective measures."""
    total = counted = 0.0
    valid = False
    for child in node.children:
        if not child.tracked:
            continue
        weight = child.seq.rollup.objective_measure_weight
        counted += weight
        objective = primary(tree, child)
        if objective.measure_status:
            total += objective.normalized_measure * weight
            valid = True
    if not valid or counted <= 0:  # RB.1.1 step 5
        set_primary(tree, node, measure_status=False)
    else:
        set_primary(tree, node, measure_status=True, normalized_measure=total / counted)


def completion_measure_rollup(tree: Tree, node: Node) -> None:
    """RB.1.1b: the progress-weighted average of the children's attempt completion amounts."""
    total = counted = 0.0
    valid = False
    for child in node.children:
        if not child.tracked:
            continue
        weight = child.activity.completion_threshold.progress_weight
        counted += weight
        known, amount = completion_amount(tree, child)
        if known:
            total += amount * weight
            valid = True
    if valid and counted > 0:
        set_completion_amount(tree, node, True, total / counted)
    else:
        set_completion_amount(tree, node, False, 0.0)


def check_child_for_rollup(tree: Tree, child: Node, action: str) -> bool:
    """RB.1.4.2: whether a child contributes to the rollup of ``action``."""
    considerations = child.seq.rollup_considerations
    if action in ("satisfied", "notSatisfied"):
        if not child.seq.rollup.rollup_objective_satisfied:
            return False
        required = (considerations.required_for_satisfied if action == "satisfied"
                    else considerations.required_for_not_satisfied)
    else:
        if not child.seq.rollup.rollup_progress_completion:
            return False
        required = (considerations.required_for_completed if action == "completed"
                    else considerations.required_for_incomplete)
    track = child.track
    if required == "ifAttempted":
        return track.activity_progress_status and track.attempt_count > 0
    if required == "ifNotSkipped":
        return rules_check(tree, child, "pre", {"skip"}) is None
    if required == "ifNotSuspended":
        return not (track.activity_progress_status and track.attempt_count > 0 and track.suspended)
    return True


def _evaluate_conditions(tree: Tree, child: Node, rule: RollupRule) -> bool | None:
    """RB.1.4.1: the rule's conditions on one child, each with its operator, combined."""
    values = [negate(condition_value(tree, child, c.condition), c.operator) for c in rule.conditions]
    return combine(values, rule.condition_combination)


def rollup_rule_check(tree: Tree, node: Node, action: str, rules: list[RollupRule]) -> bool:
    """RB.1.4: does a rollup rule with this action apply to the activity's children?

    Step 1.2.4 reads the contributing children bag literally: ``all`` changes the status when
    the bag holds no false or unknown value and ``none`` when it holds no true or unknown value
    (so both hold for an empty bag: no child contributes, as in ADL's sample LMS); ``atLeast*``
    need a known value to count (an empty or all-unknown bag changes nothing)."""
    for rule in rules:
        if rule.action != action:
            continue
        bag: list[bool | None] = []
        for child in node.children:
            if child.tracked and check_child_for_rollup(tree, child, action):
                bag.append(_evaluate_conditions(tree, child, rule))
        trues = bag.count(True)
        known = any(v is not None for v in bag)
        kind = rule.child_activity_set
        if kind == "all":
            change = all(v is True for v in bag)
        elif kind == "any":
            change = trues > 0
        elif kind == "none":
            change = all(v is False for v in bag)
        elif kind == "atLeastCount":
            change = known and trues >= rule.minimum_count
        else:  # atLeastPercent
            change = known and trues / len(bag) >= rule.minimum_percent - 1e-9
        if change:
            return True
    return False


def objective_rollup(tree: Tree, node: Node, trace: Trace | None = None) -> None:
    """RB.1.2: by measure when the primary objective is satisfied by measure (RB.1.2a), else by
    rules (RB.1.2b, the default rules of SN §4.6.5 when none are defined)."""
    key = node.primary_key
    objective = node.objectives[key or ""]
    if objective.satisfied_by_measure:  # RB.1.2a
        current = primary(tree, node)
        considers = node.seq.rollup_considerations.measure_satisfaction_if_active
        if not current.measure_status:
            set_primary(tree, node, progress_status=False)
        elif node.track.active and not considers:
            set_primary(tree, node, progress_status=False)
        else:
            set_primary(tree, node, progress_status=True,
                        satisfied_status=current.normalized_measure >= objective.min_normalized_measure)
        return
    if node.is_leaf:
        return
    rules = [r for r in node.seq.rollup_rules if r.action in ("satisfied", "notSatisfied")]
    rules = rules or DEFAULT_SATISFACTION
    if rollup_rule_check(tree, node, "notSatisfied", rules):  # RB.1.2b step 2
        set_primary(tree, node, progress_status=True, satisfied_status=False)
    if rollup_rule_check(tree, node, "satisfied", rules):  # step 3
        set_primary(tree, node, progress_status=True, satisfied_status=True)
        if trace is not None:
            trace.note("RB.1.2b", f"{node.id} satisfied by rollup")


def progress_rollup(tree: Tree, node: Node) -> None:
    """RB.1.3: by measure with completedByMeasure (RB.1.3a), else by rules (RB.1.3b)."""
    threshold = node.activity.completion_threshold
    if threshold.completed_by_measure:  # RB.1.3a
        known, amount = completion_amount(tree, node)
        if not known:
            set_completion(tree, node, False, False)
        else:
            set_completion(tree, node, True, amount >= threshold.min_progress_measure)
        return
    if node.is_leaf:
        return
    rules = [r for r in node.seq.rollup_rules if r.action in ("completed", "incomplete")]
    rules = rules or DEFAULT_COMPLETION
    if rollup_rule_check(tree, node, "incomplete", rules):
        set_completion(tree, node, True, False)
    if rollup_rule_check(tree, node, "completed", rules):
        set_completion(tree, node, True, True)


def overall_rollup(tree: Tree, node: Node, trace: Trace | None = None) -> None:
    """RB.1.5 on the activity, then from the parents of the activities that read a global
    objective this rollup may have written (the activity's objectives, its ancestors' primary
    objectives): their values may have changed, and ADL's sample LMS rolls those parents up too.
    The readers themselves see the global values when read; evaluating a reader again on its
    own would let its completedByMeasure / satisfiedByMeasure threshold overwrite what the
    writer just shared (ADL case CO-10), and rolling up parents whose children read nothing
    written would re-judge older attempts' data (OB-03b)."""
    _rollup_path(tree, node, trace)
    targets = _written(node, node.objectives.values())
    for ancestor in node.path_to_root()[1:]:
        targets |= _written(ancestor, [ancestor.objectives[ancestor.primary_key or ""]])
    done = {node}
    for target in sorted(targets):
        for reader in tree.readers.get(target, []):
            parent = reader.parent
            if parent is not None and parent not in done:
                done.add(parent)
                _rollup_path(tree, parent, trace)


def _written(node: Node, objectives: Iterable[Objective]) -> set[str]:
    """The global objectives these objectives of the activity write (any write map)."""
    if not node.tracked:
        return set()
    return {uri_id(info.target_objective_id) for objective in objectives for info in objective.map_info
            if any(value for name, value in vars(info).items() if name.startswith("write_"))}


def _rollup_path(tree: Tree, node: Node, trace: Trace | None = None) -> None:
    """RB.1.5: from the activity up to the root."""
    tree.in_rollup = True
    try:
        for activity in node.path_to_root():
            if not activity.is_leaf:
                measure_rollup(tree, activity)
                completion_measure_rollup(tree, activity)
            objective_rollup(tree, activity, trace)
            progress_rollup(tree, activity)
    finally:
        tree.in_rollup = False


def is_completed(tree: Tree, node: Node) -> bool:
    known, done = completion(tree, node)
    return known and done
