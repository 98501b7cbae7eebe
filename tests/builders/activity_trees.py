"""Activity trees for the sequencing engine's tests, built in code (no manifest needed)."""

from __future__ import annotations

from typing import Any

from chalicelib.standards.activity_tree import (
    Activity,
    ControlMode,
    LimitConditions,
    MapInfo,
    Objective,
    RollupCondition,
    RollupRule,
    RuleCondition,
    Sequencing,
    SequencingRule,
)


def rule(kind: str, action: str, *conditions: str, combination: str = "all",
         referenced: str | None = None) -> SequencingRule:
    """A rule whose conditions are names, ``"not x"`` for a negated one."""
    made = [RuleCondition(c.removeprefix("not "), "not" if c.startswith("not ") else "noOp", referenced)
            for c in conditions]
    return SequencingRule(kind, action, combination, made)


def rollup_rule(action: str, *conditions: str, child_set: str = "all", **options: Any) -> RollupRule:
    made = [RollupCondition(c.removeprefix("not "), "not" if c.startswith("not ") else "noOp")
            for c in conditions]
    return RollupRule(action, child_set, conditions=made, **options)


def objective(ident: str = "", *, primary: bool = True, reads: str | None = None, writes: str | None = None,
              by_measure: float | None = None) -> Objective:
    maps = []
    if reads or writes:
        maps.append(MapInfo(target_objective_id=reads or writes or "", read_satisfied_status=bool(reads),
                            read_normalized_measure=bool(reads), write_satisfied_status=bool(writes),
                            write_normalized_measure=bool(writes)))
    return Objective(ident, primary, by_measure is not None, by_measure if by_measure is not None else 1.0, maps)


def leaf(ident: str, *rules: SequencingRule, attempt_limit: int | None = None,
         objectives: list[Objective] | None = None, **modes: Any) -> Activity:
    seq = Sequencing(control_mode=ControlMode(**modes), rules=list(rules),
                     limit_conditions=LimitConditions(attempt_limit=attempt_limit),
                     objectives=objectives or [])
    return Activity(ident, ident.replace("_", " ").title(), "SCO", href=f"{ident}.html", sequencing=seq)


def cluster(ident: str, children: list[Activity], *rules: SequencingRule, flow: bool = True,
            choice: bool = True, rollup_rules: list[RollupRule] | None = None,
            objectives: list[Objective] | None = None, **modes: Any) -> Activity:
    seq = Sequencing(control_mode=ControlMode(flow=flow, choice=choice, **modes), rules=list(rules),
                     rollup_rules=rollup_rules or [], objectives=objectives or [])
    return Activity(ident, ident.title(), "AGGREGATION", children=children, sequencing=seq)


def flat(count: int, **modes: Any) -> Activity:
    """A root with ``count`` leaves a1..aN."""
    return cluster("root", [leaf(f"a{i}") for i in range(1, count + 1)], **modes)


def generated(leaves: int, fanout: int = 10) -> Activity:
    """A balanced tree of about ``leaves`` leaves with rollup rules and pre-condition rules, for
    the benchmark (``bench/sequencing``)."""
    counter = iter(range(10**9))

    def build(size: int, depth: int) -> Activity:
        if size <= 1:
            return leaf(f"leaf_{next(counter)}", rule("pre", "skip", "satisfied"))
        part = max(1, -(-size // fanout))
        kids = [build(min(part, size - i), depth + 1) for i in range(0, size, part)]
        return cluster(f"cluster_{next(counter)}", kids,
                       rollup_rules=[rollup_rule("satisfied", "satisfied", child_set="atLeastPercent",
                                                 minimum_percent=0.5)])

    root = build(leaves, 0)
    root.identifier = "root"
    return root
