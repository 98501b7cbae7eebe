"""Utility processes: limit conditions and sequencing rule checks (SN Book 4th Ed. Appendix C).

- UP.1 Limit Conditions Check Process: :func:`limit_conditions_violated`
- UP.2 Sequencing Rules Check Process: :func:`rules_check`
- UP.2.1 Sequencing Rule Check Subprocess: :func:`rule_check`
- UP.5 Check Activity Process: :func:`check_activity`

Conditions evaluate to ``True``, ``False`` or ``None`` (unknown, SN §3.4.2): ``not`` leaves
unknown unknown; ``all`` is false if any condition is false, unknown if any is unknown; ``any``
is true if any condition is true, unknown if any is unknown. A rule applies only when its
combination evaluates to true. A condition outside the vocabulary evaluates to unknown.
``timeLimitExceeded`` and ``outsideAvailableTimeRange`` read the limits of :mod:`.timing`; with
no such limit defined they are false (a limit that is not defined cannot be exceeded, as UP.1
skips every limit whose control is false).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.standards.scorm2004.sequencing import timing
from chalicelib.standards.scorm2004.sequencing.state import (
    ObjectiveTrack,
    completion,
    completion_is_global,
    read_objective,
    uri_id,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from chalicelib.standards.activity_tree import RuleCondition
    from chalicelib.standards.scorm2004.sequencing.state import Node, Tree
    from chalicelib.standards.scorm2004.sequencing.trace import Trace

Ternary = bool | None


def limit_conditions_violated(tree: Tree, node: Node) -> str | None:
    """UP.1: for a tracked activity not active or suspended, the first limit condition it
    violates (None if none): the attempt limit (step 3), the activity / attempt absolute and
    experienced duration limits (steps 4-7) and the begin / end time limits (steps 8-9)."""
    if not node.tracked:  # UP.1 step 1
        return None
    if node.track.active or node.track.suspended:  # step 2
        return None
    limit = node.seq.limit_conditions.attempt_limit
    if limit is not None and limit > 0 and node.track.activity_progress_status \
            and node.track.attempt_count >= limit:  # step 3
        return "attemptLimit"
    reached = timing.durations_reached(tree, node)  # steps 4-7
    return reached[0] if reached else timing.outside_time_range(tree, node)  # steps 8-9


_NO_OBJECTIVE = frozenset({"completed", "activityProgressKnown", "attempted", "attemptLimitExceeded",
                           "timeLimitExceeded", "outsideAvailableTimeRange", "always", "never"})


def _objective_key(node: Node, referenced: str | None) -> str:
    if referenced and referenced in node.objectives:
        return referenced
    assert node.primary_key is not None
    return node.primary_key


def condition_value(tree: Tree, node: Node, name: str, referenced: str | None = None,
                    threshold: float = 0.0) -> Ternary:
    """The value of one rule or rollup condition on an activity (SN §3.4.2 / §3.7.2)."""
    referenced = uri_id(referenced) if referenced else None
    if referenced and referenced not in node.objectives and name not in _NO_OBJECTIVE:
        return False  # a dangling referencedObjective: a known objective it is not (never unknown)
    key = _objective_key(node, referenced)
    # deliveryControls tracked=false: sequencing sees no status of the activity (SN §3.13)
    objective = read_objective(tree, node, key) if node.tracked else ObjectiveTrack()
    track = node.track
    if key != node.primary_key:  # 4th Ed.: a referenced objective's own completion
        progress_known, completed = objective.completion_known, objective.completed
    else:
        progress_known, completed = completion(tree, node)
    evaluators: dict[str, Callable[[], Ternary]] = {
        "satisfied": lambda: objective.satisfied_status if objective.progress_status else None,
        "objectiveStatusKnown": lambda: objective.progress_status,
        "objectiveMeasureKnown": lambda: objective.measure_status,
        "objectiveMeasureGreaterThan": lambda: (objective.normalized_measure > threshold
                                                if objective.measure_status else None),
        "objectiveMeasureLessThan": lambda: (objective.normalized_measure < threshold
                                             if objective.measure_status else None),
        "completed": lambda: completed if progress_known else None,
        "activityProgressKnown": lambda: progress_known and (
            track.activity_progress_status or completion_is_global(tree, node)),
        "attempted": lambda: track.activity_progress_status and track.attempt_count > 0,
        "attemptLimitExceeded": lambda: _limit_exceeded(node),
        "timeLimitExceeded": lambda: bool(timing.durations_reached(tree, node, as_rule=True)),
        "outsideAvailableTimeRange": lambda: timing.outside_time_range(tree, node) is not None,
        "always": lambda: True,
        "never": lambda: False,
    }
    evaluate = evaluators.get(name)
    return evaluate() if evaluate else None


def _limit_exceeded(node: Node) -> bool:
    limit = node.seq.limit_conditions.attempt_limit
    return bool(limit and node.track.activity_progress_status and node.track.attempt_count >= limit)


def negate(value: Ternary, operator: str) -> Ternary:
    return (not value) if operator == "not" and value is not None else value


def combine(values: Iterable[Ternary], combination: str) -> Ternary:
    items = list(values)
    if not items:
        return None
    if combination == "any":
        return True if True in items else (None if None in items else False)
    return False if False in items else (None if None in items else True)


def rule_check(tree: Tree, node: Node, conditions: list[RuleCondition], combination: str) -> bool:
    """UP.2.1: evaluate each condition, apply its operator, combine; true only if true."""
    values = (negate(condition_value(tree, node, c.condition, c.referenced_objective,
                                     c.measure_threshold), c.operator) for c in conditions)
    return combine(values, combination) is True


def rules_check(tree: Tree, node: Node, kind: str, actions: set[str],
                trace: Trace | None = None) -> str | None:
    """UP.2: the action of the first rule of ``kind`` with an action in ``actions`` that applies."""
    for rule in node.seq.rules_of(kind):
        if rule.action in actions and rule_check(tree, node, rule.conditions, rule.condition_combination):
            if trace is not None:
                trace.note("UP.2", f"{kind}ConditionRule {rule.action!r} fired on {node.id}")
            return rule.action
    return None


def check_activity(tree: Tree, node: Node, trace: Trace | None = None) -> bool:
    """UP.5: true when the activity is disabled (pre-condition rule) or violates its limits."""
    if rules_check(tree, node, "pre", {"disabled"}, trace):  # UP.5 step 1-2
        return True
    violated = limit_conditions_violated(tree, node)  # step 3-4
    if violated:
        if trace is not None:
            trace.note("UP.1", f"limit condition {violated} violated on {node.id}")
        return True
    return False
