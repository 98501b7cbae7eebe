"""``imsss:sequencing`` (and its ``adlseq:`` extensions) → :class:`Sequencing`.

SCORM 2004 4th Ed. CAM §5 (Sequencing Definition Model binding) and SN Book §3. Parsing is in
two steps so ``sequencingCollection`` references can be merged (CAM §5.1.2): :func:`parts`
reads what one ``<imsss:sequencing>`` element declares, keyed by its child element; an item
that names ``IDRef`` starts from the collection entry's parts and its own parts replace them
element by element; :func:`build` fills every default in.

Vocabularies are data (the XSD enumerations of imsss_v1p0util.xsd / adlseq_v1p3.xsd); a rule,
condition or value outside them is dropped with a warning instead of failing the import.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any

from chalicelib.standards.activity_tree import (
    ConstrainedChoice,
    ControlMode,
    DeliveryControls,
    LimitConditions,
    MapInfo,
    Objective,
    RandomizationControls,
    RollupCondition,
    RollupConsiderations,
    RollupControls,
    RollupRule,
    RuleCondition,
    Sequencing,
    SequencingRule,
)
from chalicelib.standards.common.durations import parse_xs_datetime, parse_xs_duration
from chalicelib.standards.imscp import attr, flag, kid, kids, local, number, text

if TYPE_CHECKING:
    from collections.abc import Callable

#: Sequencing rule condition vocabulary (SN §3.4.2, imsss:sequencingRuleConditionType).
RULE_CONDITIONS = frozenset({
    "satisfied", "objectiveStatusKnown", "objectiveMeasureKnown", "objectiveMeasureGreaterThan",
    "objectiveMeasureLessThan", "completed", "activityProgressKnown", "attempted",
    "attemptLimitExceeded", "timeLimitExceeded", "outsideAvailableTimeRange", "always",
})
#: Rule actions by rule kind (SN §3.4.3).
RULE_ACTIONS = {
    "pre": frozenset({"skip", "disabled", "hiddenFromChoice", "stopForwardTraversal"}),
    "exit": frozenset({"exit"}),
    "post": frozenset({"exitParent", "exitAll", "retry", "retryAll", "continue", "previous"}),
}
RULE_ELEMENTS = {"preConditionRule": "pre", "exitConditionRule": "exit", "postConditionRule": "post"}
#: Rollup rule vocabularies (SN §3.7.2).
ROLLUP_CONDITIONS = frozenset({
    "satisfied", "objectiveStatusKnown", "objectiveMeasureKnown", "completed",
    "activityProgressKnown", "attempted", "attemptLimitExceeded", "timeLimitExceeded",
    "outsideAvailableTimeRange", "never",
})
ROLLUP_ACTIONS = frozenset({"satisfied", "notSatisfied", "completed", "incomplete"})
CHILD_ACTIVITY_SETS = frozenset({"all", "any", "none", "atLeastCount", "atLeastPercent"})
ROLLUP_CONSIDERATION_VALUES = frozenset({"always", "ifAttempted", "ifNotSkipped", "ifNotSuspended"})
RANDOMIZATION_TIMINGS = frozenset({"never", "once", "onEachNewAttempt"})
OPERATORS = frozenset({"noOp", "not"})
COMBINATIONS = frozenset({"all", "any"})

#: XML attribute → dataclass field, for the attribute-only elements (defaults are the fields').
ATTRIBUTE_ELEMENTS: dict[str, tuple[type, dict[str, str]]] = {
    "controlMode": (ControlMode, {
        "choice": "choice", "choiceExit": "choice_exit", "flow": "flow", "forwardOnly": "forward_only",
        "useCurrentAttemptObjectiveInfo": "use_current_attempt_objective_info",
        "useCurrentAttemptProgressInfo": "use_current_attempt_progress_info"}),
    "deliveryControls": (DeliveryControls, {
        "tracked": "tracked", "completionSetByContent": "completion_set_by_content",
        "objectiveSetByContent": "objective_set_by_content"}),
    "constrainedChoiceConsiderations": (ConstrainedChoice, {
        "preventActivation": "prevent_activation", "constrainChoice": "constrain_choice"}),
}
MAP_INFO_FLAGS = {
    "readSatisfiedStatus": "read_satisfied_status", "readNormalizedMeasure": "read_normalized_measure",
    "writeSatisfiedStatus": "write_satisfied_status", "writeNormalizedMeasure": "write_normalized_measure",
}
ADL_MAP_INFO_FLAGS = {
    "readCompletionStatus": "read_completion_status", "writeCompletionStatus": "write_completion_status",
    "readProgressMeasure": "read_progress_measure", "writeProgressMeasure": "write_progress_measure",
    "readRawScore": "read_raw_score", "writeRawScore": "write_raw_score",
    "readMinScore": "read_min_score", "writeMinScore": "write_min_score",
    "readMaxScore": "read_max_score", "writeMaxScore": "write_max_score",
}


def _is_adl(element: Any) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    return "adlseq" in tag.lower()


def _flags(element: Any, cls: type, names: dict[str, str], warnings: list[str]) -> Any:
    defaults = {f.name: f.default for f in fields(cls)}
    return cls(**{field: flag(element, xml, bool(defaults[field]), warnings) for xml, field in names.items()})


def _choice(value: str | None, allowed: frozenset[str], default: str, what: str, warnings: list[str]) -> str:
    if value is None or value == "":
        return default
    if value in allowed:
        return value
    match = next((a for a in allowed if a.lower() == value.lower()), None)
    if match:
        warnings.append(f"{what}={value!r} has the wrong letter case; read as {match!r}.")
        return match
    warnings.append(f"{what}={value!r} is not allowed; used {default!r}.")
    return default


def parts(element: Any, owner: str, warnings: list[str]) -> dict[str, Any]:
    """What one ``<imsss:sequencing>`` declares, by child element (see module docstring)."""
    found: dict[str, Any] = {}
    for child in element:
        name = local(child)
        if name == "objectives" and _is_adl(child):
            found["adlObjectives"] = _adl_objectives(child)
        elif name in ATTRIBUTE_ELEMENTS:
            cls, names = ATTRIBUTE_ELEMENTS[name]
            found[name] = _flags(child, cls, names, warnings)
        elif name in PART_READERS:
            found[name] = PART_READERS[name](child, owner, warnings)
        elif name == "auxiliaryResources":
            warnings.append(f"{owner}: auxiliaryResources are not supported (removed in SCORM 2004 "
                            "3rd Edition); ignored.")
        elif name:
            warnings.append(f"{owner}: unknown sequencing element <{name}> ignored.")
    return found


def merge(base: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """A collection entry's parts overridden by the item's own (CAM §5.1.2)."""
    return {**base, **own}


def build(declared: dict[str, Any], owner: str, warnings: list[str]) -> Sequencing:
    """A complete :class:`Sequencing` from declared parts, every default filled in."""
    seq = Sequencing()
    if "controlMode" in declared:
        seq.control_mode = declared["controlMode"]
    if "deliveryControls" in declared:
        seq.delivery = declared["deliveryControls"]
    if "constrainedChoiceConsiderations" in declared:
        seq.constrained_choice = declared["constrainedChoiceConsiderations"]
    seq.rules = list(declared.get("sequencingRules", []))
    if "limitConditions" in declared:
        seq.limit_conditions = declared["limitConditions"]
    if "rollupRules" in declared:
        seq.rollup, seq.rollup_rules = declared["rollupRules"]
    if "rollupConsiderations" in declared:
        seq.rollup_considerations = declared["rollupConsiderations"]
    if "randomizationControls" in declared:
        seq.randomization = declared["randomizationControls"]
    seq.objectives = [Objective(o.objective_id, o.primary, o.satisfied_by_measure,
                                o.min_normalized_measure, [MapInfo(**vars(m)) for m in o.map_info])
                      for o in declared.get("objectives", [])]
    for objective_id, maps in declared.get("adlObjectives", {}).items():
        _apply_adl_maps(seq.objectives, objective_id, maps, owner, warnings)
    return seq


# --- pieces ---------------------------------------------------------------------------------


def _rules(element: Any, owner: str, warnings: list[str]) -> list[SequencingRule]:
    rules = []
    for rule_el in element:
        kind = RULE_ELEMENTS.get(local(rule_el))
        if kind is None:
            continue
        action_el = kid(rule_el, "ruleAction")
        action = attr(action_el, "action") if action_el is not None else None
        if action not in RULE_ACTIONS[kind]:
            warnings.append(f"{owner}: a {local(rule_el)} has action {action!r}, which is not one of "
                            f"{sorted(RULE_ACTIONS[kind])}; the rule was ignored.")
            continue
        block = kid(rule_el, "ruleConditions")
        conditions = []
        valid = True
        for cond in kids(block, "ruleCondition") if block is not None else []:
            name = attr(cond, "condition") or ""
            if name not in RULE_CONDITIONS:
                warnings.append(f"{owner}: rule condition {name!r} is unknown; its rule was ignored.")
                valid = False
                break
            threshold = number(attr(cond, "measureThreshold"), 0.0, warnings, "measureThreshold")
            conditions.append(RuleCondition(
                name, _choice(attr(cond, "operator"), OPERATORS, "noOp", "operator", warnings),
                objective_id(attr(cond, "referencedObjective")) or None, threshold or 0.0))
        if not valid:
            continue
        combination = attr(block, "conditionCombination") if block is not None else None
        rules.append(SequencingRule(kind, str(action), _choice(
            combination, COMBINATIONS, "all", "conditionCombination", warnings), conditions))
    return rules


def _rollup(element: Any, owner: str, warnings: list[str]) -> tuple[RollupControls, list[RollupRule]]:
    weight = number(attr(element, "objectiveMeasureWeight"), 1.0, warnings, "objectiveMeasureWeight")
    controls = RollupControls(flag(element, "rollupObjectiveSatisfied", True, warnings),
                              flag(element, "rollupProgressCompletion", True, warnings),
                              1.0 if weight is None else weight)
    rules = []
    for rule_el in kids(element, "rollupRule"):
        action_el = kid(rule_el, "rollupAction")
        action = attr(action_el, "action") if action_el is not None else None
        if action not in ROLLUP_ACTIONS:
            warnings.append(f"{owner}: a rollupRule has action {action!r}; the rule was ignored.")
            continue
        block = kid(rule_el, "rollupConditions")
        conditions = []
        for cond in kids(block, "rollupCondition") if block is not None else []:
            name = attr(cond, "condition") or ""
            if name not in ROLLUP_CONDITIONS:
                warnings.append(f"{owner}: rollup condition {name!r} is unknown; ignored.")
                continue
            conditions.append(RollupCondition(
                name, _choice(attr(cond, "operator"), OPERATORS, "noOp", "operator", warnings)))
        count = number(attr(rule_el, "minimumCount"), 0, warnings, "minimumCount")
        percent = number(attr(rule_el, "minimumPercent"), 0.0, warnings, "minimumPercent")
        rules.append(RollupRule(
            str(action),
            _choice(attr(rule_el, "childActivitySet"), CHILD_ACTIVITY_SETS, "all", "childActivitySet", warnings),
            int(count or 0), float(percent or 0.0),
            _choice(attr(block, "conditionCombination") if block is not None else None, COMBINATIONS,
                    "any", "conditionCombination", warnings),
            conditions))
    return controls, rules


def objective_id(value: str | None) -> str:
    """An ``objectiveID`` / ``referencedObjective`` as the LMS uses it (and shows the SCO in
    ``cmi.objectives.n.id``): encoded spaces (``%20``) decoded, whitespace trimmed and collapsed,
    as ADL's sample LMS reads these xs:anyURI values (ADL case OB-12a)."""
    return " ".join((value or "").replace("%20", " ").split())


def _map_info(element: Any, warnings: list[str]) -> MapInfo | None:
    target = attr(element, "targetObjectiveID")
    if not target:
        warnings.append("An objective mapInfo has no targetObjectiveID; ignored.")
        return None
    info = MapInfo(target)
    for xml, field in MAP_INFO_FLAGS.items():
        setattr(info, field, flag(element, xml, getattr(info, field), warnings))
    return info


def _objectives(element: Any, owner: str, warnings: list[str]) -> list[Objective]:
    found = []
    for obj in element:
        name = local(obj)
        if name not in ("primaryObjective", "objective"):
            continue
        identifier = objective_id(attr(obj, "objectiveID"))
        if not identifier and name == "objective":
            warnings.append(f"{owner}: an <objective> has no objectiveID; ignored.")
            continue
        minimum = number(text(kid(obj, "minNormalizedMeasure")) or None, 1.0, warnings,
                         "minNormalizedMeasure")
        maps = [m for m in (_map_info(m, warnings) for m in kids(obj, "mapInfo")) if m]
        found.append(Objective(identifier, name == "primaryObjective",
                               flag(obj, "satisfiedByMeasure", False, warnings),
                               1.0 if minimum is None else minimum, maps))
    return found


def _adl_objectives(element: Any) -> dict[str, list[Any]]:
    return {objective_id(attr(obj, "objectiveID")): kids(obj, "mapInfo") for obj in kids(element, "objective")}


def _apply_adl_maps(objectives: list[Objective], objective_id: str, maps: list[Any], owner: str,
                    warnings: list[str]) -> None:
    """Fold adlseq:objectives mapInfo (4th Ed. CAM §5.1.10) into the imsss objective."""
    objective = next((o for o in objectives if o.objective_id == objective_id), None)
    if objective is None:
        warnings.append(f"{owner}: adlseq:objective {objective_id!r} matches no imsss objective; ignored.")
        return
    for element in maps:
        target = attr(element, "targetObjectiveID")
        if not target:
            continue
        info = next((m for m in objective.map_info if m.target_objective_id == target), None)
        if info is None:
            info = MapInfo(target, read_satisfied_status=False, read_normalized_measure=False)
            objective.map_info.append(info)
        for xml, field in ADL_MAP_INFO_FLAGS.items():
            setattr(info, field, flag(element, xml, xml.startswith("read"), warnings))


#: imsss:limitConditions attributes (CAM §5.1.6, imsss_v1p0limit.xsd) -> field, value parser.
LIMIT_ATTRIBUTES: dict[str, tuple[str, Callable[[str], object]]] = {
    "attemptAbsoluteDurationLimit": ("attempt_absolute_duration_limit", parse_xs_duration),
    "attemptExperiencedDurationLimit": ("attempt_experienced_duration_limit", parse_xs_duration),
    "activityAbsoluteDurationLimit": ("activity_absolute_duration_limit", parse_xs_duration),
    "activityExperiencedDurationLimit": ("activity_experienced_duration_limit", parse_xs_duration),
    "beginTimeLimit": ("begin_time_limit", parse_xs_datetime),
    "endTimeLimit": ("end_time_limit", parse_xs_datetime),
}


def _limits(element: Any, owner: str, warnings: list[str]) -> LimitConditions:
    limit = number(attr(element, "attemptLimit"), None, warnings, "attemptLimit")
    limits = LimitConditions(int(limit) if limit is not None else None)
    for xml, (name, parse) in LIMIT_ATTRIBUTES.items():
        raw = (attr(element, xml) or "").strip()
        if not raw:
            continue
        try:
            parse(raw)
        except ValueError:
            kind = "xs:dateTime" if xml.endswith("TimeLimit") else "xs:duration"
            warnings.append(f"{owner}: limitConditions {xml}={raw!r} is not an {kind}; ignored.")
            continue
        setattr(limits, name, raw)
    return limits


def _randomization(element: Any, _owner: str, warnings: list[str]) -> RandomizationControls:
    count = number(attr(element, "selectCount"), None, warnings, "selectCount")
    return RandomizationControls(
        _choice(attr(element, "randomizationTiming"), RANDOMIZATION_TIMINGS, "never",
                "randomizationTiming", warnings),
        int(count) if count is not None else None,
        flag(element, "reorderChildren", False, warnings),
        _choice(attr(element, "selectionTiming"), RANDOMIZATION_TIMINGS, "never", "selectionTiming",
                warnings))


def _considerations(element: Any, _owner: str, warnings: list[str]) -> RollupConsiderations:
    def value(name: str) -> str:
        return _choice(attr(element, name), ROLLUP_CONSIDERATION_VALUES, "always", name, warnings)

    return RollupConsiderations(value("requiredForSatisfied"), value("requiredForNotSatisfied"),
                                value("requiredForCompleted"), value("requiredForIncomplete"),
                                flag(element, "measureSatisfactionIfActive", True, warnings))


#: Sequencing child elements with their own reader (element name → reader).
PART_READERS: dict[str, Callable[[Any, str, list[str]], Any]] = {
    "sequencingRules": _rules, "limitConditions": _limits, "rollupRules": _rollup, "objectives": _objectives,
    "randomizationControls": _randomization, "rollupConsiderations": _considerations,
}
