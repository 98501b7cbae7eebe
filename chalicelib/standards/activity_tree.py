"""The normalised course structure every standard's parser produces.

One shape for SCORM 1.2, SCORM 2004 (all editions), AICC, xAPI (tincan.xml) and cmi5: a tree of
:class:`Activity` nodes under a :class:`CourseStructure`. It is stored (as JSON) with each course
version and is what the runtime and the SCORM 2004 sequencing engine read, so it keeps every
piece of the sequencing definition model of SCORM 2004 4th Ed. SN Book §3 (with the defaults of
SN Book Table 3.x / CAM §5) and the per-item data of CAM §3.4 (IMS CP + ADL extensions), already
resolved:

* ``sequencingCollection`` IDRefs are merged in (CAM §5.1.2), so each activity's
  :class:`Sequencing` is complete and self-contained, defaults filled in;
* ``xml:base`` chains and item ``parameters`` are applied, so :attr:`Activity.href` is the launch
  path relative to the package root (or an absolute URL);
* sub-manifests referenced by items are inlined (CAM §3.4.1.4).

The dataclasses are plain values; :func:`to_dict` / :func:`from_dict` turn them into JSON and
back without loss (``tests/unit/standards/test_activity_tree.py`` round-trips every ADL case).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar, Union

# --- SCORM 2004 sequencing definition model (SN Book §3) ------------------------------------


@dataclass
class MapInfo:
    """Objective map to a global objective (imsss:mapInfo, SN §3.10.1; adlseq:mapInfo 4th Ed.)."""

    target_objective_id: str
    read_satisfied_status: bool = True
    read_normalized_measure: bool = True
    write_satisfied_status: bool = False
    write_normalized_measure: bool = False
    # adlseq:mapInfo (4th Edition extension, CAM §5.1.10). False unless an adlseq:mapInfo for
    # the same target is declared, whose own defaults are read=true, write=false.
    read_completion_status: bool = False
    write_completion_status: bool = False
    read_progress_measure: bool = False
    write_progress_measure: bool = False
    read_raw_score: bool = False
    write_raw_score: bool = False
    read_min_score: bool = False
    write_min_score: bool = False
    read_max_score: bool = False
    write_max_score: bool = False


@dataclass
class Objective:
    """A learning objective of an activity (imsss:primaryObjective / imsss:objective, SN §3.10)."""

    objective_id: str
    primary: bool = False
    satisfied_by_measure: bool = False
    min_normalized_measure: float = 1.0
    map_info: list[MapInfo] = field(default_factory=list)


@dataclass
class RuleCondition:
    """One imsss:ruleCondition (SN §3.4.2): condition, operator, referenced objective, threshold."""

    condition: str
    operator: str = "noOp"
    referenced_objective: str | None = None
    measure_threshold: float = 0.0


@dataclass
class SequencingRule:
    """A pre-condition, exit-condition or post-condition rule (SN §3.4)."""

    kind: str  # "pre" | "exit" | "post"
    action: str
    condition_combination: str = "all"
    conditions: list[RuleCondition] = field(default_factory=list)


@dataclass
class RollupCondition:
    condition: str
    operator: str = "noOp"


@dataclass
class RollupRule:
    """imsss:rollupRule (SN §3.7): child activity set, conditions and the rollup action."""

    action: str
    child_activity_set: str = "all"
    minimum_count: int = 0
    minimum_percent: float = 0.0
    condition_combination: str = "any"
    conditions: list[RollupCondition] = field(default_factory=list)


@dataclass
class ControlMode:
    """Sequencing control modes (SN §3.2.1)."""

    choice: bool = True
    choice_exit: bool = True
    flow: bool = False
    forward_only: bool = False
    use_current_attempt_objective_info: bool = True
    use_current_attempt_progress_info: bool = True


@dataclass
class LimitConditions:
    """imsss:limitConditions (SN §3.3, CAM §5.1.6): durations as written (xs:duration), time
    limits as written (xs:dateTime); the sequencer enforces them in UP.1."""

    attempt_limit: int | None = None
    attempt_absolute_duration_limit: str | None = None
    attempt_experienced_duration_limit: str | None = None
    activity_absolute_duration_limit: str | None = None
    activity_experienced_duration_limit: str | None = None
    begin_time_limit: str | None = None
    end_time_limit: str | None = None


@dataclass
class RollupControls:
    """imsss:rollupRules attributes (SN §3.7.1)."""

    rollup_objective_satisfied: bool = True
    rollup_progress_completion: bool = True
    objective_measure_weight: float = 1.0


@dataclass
class RollupConsiderations:
    """adlseq:rollupConsiderations (SN §3.7.3)."""

    required_for_satisfied: str = "always"
    required_for_not_satisfied: str = "always"
    required_for_completed: str = "always"
    required_for_incomplete: str = "always"
    measure_satisfaction_if_active: bool = True


@dataclass
class DeliveryControls:
    """imsss:deliveryControls (SN §3.13)."""

    tracked: bool = True
    completion_set_by_content: bool = False
    objective_set_by_content: bool = False


@dataclass
class ConstrainedChoice:
    """adlseq:constrainedChoiceConsiderations (SN §3.14)."""

    prevent_activation: bool = False
    constrain_choice: bool = False


@dataclass
class RandomizationControls:
    """imsss:randomizationControls (SN §3.12)."""

    randomization_timing: str = "never"
    select_count: int | None = None
    reorder_children: bool = False
    selection_timing: str = "never"


@dataclass
class Sequencing:
    """The complete sequencing definition of one activity, defaults filled in (SN §3)."""

    control_mode: ControlMode = field(default_factory=ControlMode)
    rules: list[SequencingRule] = field(default_factory=list)
    limit_conditions: LimitConditions = field(default_factory=LimitConditions)
    rollup: RollupControls = field(default_factory=RollupControls)
    rollup_rules: list[RollupRule] = field(default_factory=list)
    rollup_considerations: RollupConsiderations = field(default_factory=RollupConsiderations)
    objectives: list[Objective] = field(default_factory=list)
    randomization: RandomizationControls = field(default_factory=RandomizationControls)
    delivery: DeliveryControls = field(default_factory=DeliveryControls)
    constrained_choice: ConstrainedChoice = field(default_factory=ConstrainedChoice)

    def rules_of(self, kind: str) -> list[SequencingRule]:
        return [rule for rule in self.rules if rule.kind == kind]

    @property
    def primary_objective(self) -> Objective | None:
        return next((o for o in self.objectives if o.primary), None)


# --- per-activity data (CAM §3.4 + ADL extensions, AICC, cmi5) ------------------------------


@dataclass
class CompletionThreshold:
    """adlcp:completionThreshold (CAM §3.4.1.16, 4th Ed. attributes)."""

    declared: bool = False  # cmi.completion_threshold is defined only when declared
    completed_by_measure: bool = False
    min_progress_measure: float = 1.0
    progress_weight: float = 1.0


@dataclass
class DataMap:
    """adlcp:data/adlcp:map: shared data buckets (SCORM 2004 4th Ed. CAM §3.4.1.20)."""

    target_id: str
    read_shared_data: bool = True
    write_shared_data: bool = False


@dataclass
class Cmi5Au:
    """cmi5 AU properties (cmi5 §13.1.4)."""

    activity_id: str = ""
    move_on: str = "NotApplicable"
    mastery_score: float | None = None
    launch_method: str = "AnyWindow"
    launch_parameters: str = ""
    entitlement_key: str = ""


@dataclass
class Activity:
    """One node of the course tree: the organization, a cluster, or a launchable leaf.

    ``kind`` is the API's ``activityType`` vocabulary: AGGREGATION (has children), SCO (talks
    to the runtime: SCORM SCO, AICC AU, cmi5 AU, xAPI activity), ASSET (launch only).
    """

    identifier: str
    title: str
    kind: str = "AGGREGATION"
    resource_identifier: str = ""
    href: str = ""  # launch location relative to the package root, parameters applied
    parameters: str = ""
    visible: bool = True
    children: list[Activity] = field(default_factory=list)
    sequencing: Sequencing = field(default_factory=Sequencing)
    hide_lms_ui: list[str] = field(default_factory=list)  # adlnav:presentation (CAM §3.4.1.18)
    completion_threshold: CompletionThreshold = field(default_factory=CompletionThreshold)
    data_from_lms: str = ""  # adlcp:dataFromLMS / 1.2 adlcp:datafromlms / AICC core_vendor
    time_limit_action: str = ""  # adlcp:timeLimitAction / 1.2 adlcp:timelimitaction
    max_time_allowed: str = ""  # 1.2 adlcp:maxtimeallowed / AICC max_time_allowed
    mastery_score: float | None = None  # 1.2 adlcp:masteryscore (0-100) / AICC mastery_score
    scaled_passing_score: float | None = None  # 2004: primary objective minNormalizedMeasure
    prerequisites: str = ""  # 1.2 adlcp:prerequisites / AICC .pre (aicc_script)
    aicc_password: str = ""  # AICC .au AU_Password: HACP requests must carry it (CMI001 HACP error 2)
    aicc_completion: list[str] = field(default_factory=list)  # AICC .cmp [requirement, result] (chalicelib.aicc)
    shared_data: list[DataMap] = field(default_factory=list)
    cmi5: Cmi5Au | None = None

    def walk(self) -> list[Activity]:
        """This activity and its descendants in preorder (the SN activity tree order)."""
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found

    def leaves(self) -> list[Activity]:
        return [a for a in self.walk() if not a.children and a.href]


@dataclass
class CourseStructure:
    """What a package is: its standard, title, metadata, activity tree and import warnings."""

    standard: str  # the API's courseLearningStandard value, e.g. "SCORM20044THEDITION"
    title: str
    root: Activity
    identifier: str = ""
    description: str = ""
    version_label: str = ""
    keywords: list[str] = field(default_factory=list)
    duration: str = ""
    languages: list[str] = field(default_factory=list)
    objectives_global_to_system: bool = True
    shared_data_global_to_system: bool = True
    activity_id: str = ""  # xAPI / cmi5 course activity IRI
    warnings: list[str] = field(default_factory=list)


# --- JSON round trip ------------------------------------------------------------------------

T = TypeVar("T")


def to_dict(value: Any) -> Any:
    """Plain JSON-ready data for a structure (dataclasses become dicts)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


def _decode(kind: Any, raw: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (Union, types.UnionType):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        return None if raw is None else _decode(options[0], raw)
    if origin is list:
        (item,) = typing.get_args(kind)
        return [_decode(item, x) for x in raw or []]
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return from_dict(kind, raw)
    if kind is float and isinstance(raw, int):
        return float(raw)
    return raw


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a dataclass (recursively) from :func:`to_dict` output; unknown keys are ignored."""
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    args = {name: _decode(hints[name], value) for name, value in data.items() if name in known}
    return cls(**args)


# --- the API's CourseActivitySchema ---------------------------------------------------------


def api_activity(activity: Activity) -> dict[str, Any]:
    """``rootActivity`` as SCORM Cloud API v2 shows it (CourseActivitySchema)."""
    shown: dict[str, Any] = {
        "externalIdentifier": activity.identifier,
        "itemIdentifier": activity.identifier,
        "resourceIdentifier": activity.resource_identifier,
        "activityType": activity.kind,
        "href": activity.href,
        "title": activity.title,
        "children": [api_activity(child) for child in activity.children],
    }
    if activity.scaled_passing_score is not None:
        shown["scaledPassingScore"] = str(activity.scaled_passing_score)
    return shown
