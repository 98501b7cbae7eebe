"""The activity tree at run time: definition + tracking state (SN Book 4th Ed. §4.2).

:class:`Node` wraps one :class:`~chalicelib.standards.activity_tree.Activity` with its tracking
model (SN §4.2.1 activity state, §4.2.2 attempt progress, §4.2.3 objective progress) and its
parent/available-children links (SR.1/SR.2 may reorder or select the children). Objective
status is read and written through :func:`read_objective` / :func:`write_objective`, which
apply the objective's global ``mapInfo`` (imsss read/write of satisfied status and normalized
measure, adlseq read/write of completion, progress measure and raw/min/max score).

The whole state (tracking, globals, current/suspended activity, shared data buckets) is plain
data: :meth:`Tree.state` and :meth:`Tree.restore` serialise it for suspend all / resume all.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote

from chalicelib.standards.activity_tree import MapInfo, Objective

if TYPE_CHECKING:
    from chalicelib.standards.activity_tree import Activity

PRIMARY = ""  # the key of a primary objective that has no objectiveID


def uri_id(value: str) -> str:
    """An objective id as ADL's LMS compares them (xs:anyURI): %-escapes decoded, whitespace
    collapsed and trimmed, so ``obj%201`` and `` %20obj%20%201 `` name the same objective."""
    return " ".join(unquote(value).split())


@dataclass
class ObjectiveTrack:
    """Objective progress information (SN §4.2.3)."""

    progress_status: bool = False
    satisfied_status: bool = False
    measure_status: bool = False
    normalized_measure: float = 0.0
    raw: float | None = None
    min: float | None = None
    max: float | None = None
    # 4th Ed.: objectives also carry completion and progress measure (adlseq:mapInfo)
    completion_known: bool = False
    completed: bool = False
    progress_known: bool = False
    progress_measure: float = 0.0


@dataclass
class GlobalObjective(ObjectiveTrack):
    """A shared global objective (SN §4.2.3, with the 4th Ed. completion and progress measure)."""


@dataclass
class Track:
    """Activity state and attempt progress information of one activity (SN §4.2.1, §4.2.2)."""

    active: bool = False
    suspended: bool = False
    attempt_count: int = 0
    activity_progress_status: bool = False
    attempt_progress_status: bool = False
    attempt_completion_status: bool = False
    completion_amount_status: bool = False
    completion_amount: float = 0.0
    objectives: dict[str, ObjectiveTrack] = field(default_factory=dict)
    # set when an ancestor begins a new attempt with useCurrentAttempt*Info: older data of this
    # activity no longer counts in that ancestor's rollup
    stale_objective: bool = False
    stale_progress: bool = False
    # the SCO reported a status this attempt (even "unknown"): UP.4 leaves it as reported
    objective_reported: bool = False
    completion_reported: bool = False
    order: list[str] | None = None  # SR.1/SR.2: the available children, once selected/randomised
    # durations (SN §4.2.1/§4.2.2, timing.py): clock times in POSIX seconds, durations in 1/100 s
    first_attempt_start: float | None = None
    attempt_start: float | None = None
    attempt_end: float | None = None
    session_start: float | None = None  # a leaf's current session (delivery)
    attempt_experienced: int = 0
    activity_experienced: int = 0
    experienced_reported: bool = False  # the SCO reported cmi.total_time for this attempt


class Node:
    """One activity of the run-time tree."""

    def __init__(self, activity: Activity, parent: Node | None) -> None:
        self.activity = activity
        self.id = activity.identifier
        self.parent = parent
        self.seq = activity.sequencing
        self.all_children = [Node(child, self) for child in activity.children]
        self.children = list(self.all_children)  # the available children (SN §4.6)
        self.track = Track()
        self.objectives: dict[str, Objective] = {}
        for objective in self.seq.objectives:
            key = PRIMARY if objective.primary and not objective.objective_id else uri_id(objective.objective_id)
            self.objectives.setdefault(key, objective)
        self.primary_key = next((k for k, o in self.objectives.items() if o.primary), None)
        if self.primary_key is None:  # every activity has a primary objective (SN §3.10)
            self.objectives[PRIMARY] = Objective(objective_id="", primary=True)
            self.primary_key = PRIMARY
        self.track.objectives = {key: ObjectiveTrack() for key in self.objectives}

    @property
    def is_leaf(self) -> bool:
        return not self.all_children

    @property
    def tracked(self) -> bool:
        return self.activity.sequencing.delivery.tracked

    def preorder_descendants(self) -> list[Node]:
        out: list[Node] = []
        for child in self.all_children:
            out.append(child)
            out.extend(child.preorder_descendants())
        return out

    def path_to_root(self) -> list[Node]:
        """This activity and its ancestors, deepest first."""
        out: list[Node] = []
        node: Node | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        return out

    def is_ancestor_of(self, other: Node) -> bool:
        return self in other.path_to_root()

    def __repr__(self) -> str:
        return f"Node({self.id})"


class Tree:
    """The run-time activity tree plus the sequencing session's global state."""

    def __init__(self, root: Activity, *, objectives_global_to_system: bool = True) -> None:
        self.root = Node(root, None)
        self.nodes: dict[str, Node] = {}
        self.preorder: list[Node] = []
        self._index(self.root)
        # the activities whose objectives read each global objective: their parents are rolled
        # up again when an activity writes it (see rollup.overall_rollup)
        self.readers: dict[str, list[Node]] = {}
        for node in self.preorder:
            for info in (info for o in node.objectives.values() for info in o.map_info):
                if info.read_satisfied_status or info.read_normalized_measure or info.read_completion_status \
                        or info.read_progress_measure:
                    readers = self.readers.setdefault(uri_id(info.target_objective_id), [])
                    if node not in readers:
                        readers.append(node)
        self.current: Node | None = None
        self.suspended: Node | None = None
        self.globals: dict[str, GlobalObjective] = {}
        self.shared_data: dict[str, str] = {}  # adl.data buckets by targetID
        self.objectives_global_to_system = objectives_global_to_system
        self.ended = False
        # rollup reads an activity's older data as unknown when an ancestor has begun a new
        # attempt with useCurrentAttempt*Info (sequencing rules still see it)
        self.in_rollup = False
        self._positions: dict[str, int] | None = None
        self.now = 0.0  # the clock of the request being processed (POSIX seconds, timing.py)
        self.rng = random.Random()  # noqa: S311 -- SR.1/SR.2 shuffles, not security

    def _index(self, node: Node) -> None:
        self.nodes.setdefault(node.id, node)
        self.preorder.append(node)
        for child in node.all_children:
            self._index(child)

    def position(self, node: Node) -> int:
        """The activity's place in a preorder walk of the *available* tree (for ordering);
        cached until the available children change (:meth:`reordered`)."""
        if self._positions is None:
            order: list[Node] = []
            stack = [self.root]
            while stack:
                current = stack.pop()
                order.append(current)
                stack.extend(reversed(current.children))
            self._positions = {n.id: i for i, n in enumerate(order)}
        return self._positions.get(node.id, -1)

    def reordered(self) -> None:
        self._positions = None

    def common_ancestor(self, a: Node, b: Node) -> Node:
        ancestors = a.path_to_root()
        return next(n for n in b.path_to_root() if n in ancestors)

    # --- serialisation (suspend all / resume all) --------------------------------------------

    def state(self) -> dict[str, Any]:
        return {
            "current": self.current.id if self.current else None,
            "suspended": self.suspended.id if self.suspended else None,
            "ended": self.ended,
            "tracks": {n.id: asdict(n.track) for n in self.preorder},
            "globals": {k: asdict(v) for k, v in self.globals.items()},
            "shared_data": dict(self.shared_data),
        }

    def checkpoint(self) -> Checkpoint:
        """An in-memory copy of everything a request may change, for trial requests
        (``request_valid``): what :meth:`state` holds, without the JSON round trip."""
        return Checkpoint(self.current, self.suspended, self.ended,
                          [(n, _copy_track(n.track), list(n.children)) for n in self.preorder],
                          {k: _copy(v) for k, v in self.globals.items()}, dict(self.shared_data))

    def rollback(self, saved: Checkpoint) -> None:
        """Back to a :meth:`checkpoint` (the copies become the live state)."""
        for node, track, children in saved.tracks:
            node.track, node.children = track, children
        self.globals.clear()  # in place: the dicts may be the learner's (see restore)
        self.globals.update(saved.globals)
        self.shared_data.clear()
        self.shared_data.update(saved.shared_data)
        self.current, self.suspended, self.ended = saved.current, saved.suspended, saved.ended
        self.reordered()

    def restore(self, state: dict[str, Any]) -> None:
        for ident, raw in state.get("tracks", {}).items():
            node = self.nodes.get(ident)
            if node is None:
                continue
            objectives = {k: ObjectiveTrack(**v) for k, v in raw.get("objectives", {}).items()}
            node.track = Track(**{**raw, "objectives": objectives})
            for key in node.objectives:
                node.track.objectives.setdefault(key, ObjectiveTrack())
            by_id = {c.id: c for c in node.all_children}
            order = node.track.order
            node.children = list(node.all_children) if order is None else [by_id[i] for i in order if i in by_id]
        # in place: the dicts may be the learner's, shared with other courses
        restored = {k: GlobalObjective(**v) for k, v in state.get("globals", {}).items()}
        self.globals.clear()
        self.globals.update(restored)
        shared = dict(state.get("shared_data", {}))
        self.shared_data.clear()
        self.shared_data.update(shared)
        self.current = self.nodes.get(state.get("current") or "")
        self.suspended = self.nodes.get(state.get("suspended") or "")
        self.ended = bool(state.get("ended", False))
        self.reordered()


@dataclass
class Checkpoint:
    """:meth:`Tree.checkpoint`: tracking copies by node, with each node's available children."""

    current: Node | None
    suspended: Node | None
    ended: bool
    tracks: list[tuple[Node, Track, list[Node]]]
    globals: dict[str, GlobalObjective]
    shared_data: dict[str, str]


_T = TypeVar("_T")


def _copy(value: _T) -> _T:
    """A shallow copy of a plain dataclass instance (its fields are immutable values)."""
    made = object.__new__(type(value))
    made.__dict__.update(value.__dict__)
    return made


def _copy_track(track: Track) -> Track:
    made = _copy(track)
    made.objectives = {k: _copy(o) for k, o in track.objectives.items()}
    made.order = None if track.order is None else list(track.order)
    return made


# --- objectives through their global maps (SN §4.2.3, §3.10.1; CAM §5.1.10) -------------------


def _global(tree: Tree, target: str) -> GlobalObjective:
    return tree.globals.setdefault(target, GlobalObjective())


def read_objective(tree: Tree, node: Node, key: str) -> ObjectiveTrack:
    """The objective's status as sequencing sees it (SN §4.2.3): a map that reads the satisfied
    status / normalized measure gives the global objective's value, unknown included (the
    global objectives of a course exist, unknown, from its start: ADL's sample LMS, case CM-13);
    scores, completion and progress measure come from the global objective where it knows them;
    otherwise the local values."""
    local = node.track.objectives.setdefault(key, ObjectiveTrack())
    objective = node.objectives.get(key)
    stale = node.track.stale_objective and tree.in_rollup
    if objective is None or not (objective.map_info or objective.satisfied_by_measure or stale):
        return local
    # data from before an ancestor's current attempt does not count (useCurrentAttemptObjectiveInfo)
    seen = ObjectiveTrack() if stale else ObjectiveTrack(**asdict(local))
    for info in objective.map_info:
        shared = tree.globals.get(uri_id(info.target_objective_id)) or GlobalObjective()
        _read_map(seen, info, shared)
    if objective.satisfied_by_measure:  # SN §3.10: satisfaction judged by the measure
        if not seen.measure_status:
            seen.progress_status = False
        elif not node.track.active or node.seq.rollup_considerations.measure_satisfaction_if_active:
            seen.progress_status = True
            seen.satisfied_status = seen.normalized_measure >= objective.min_normalized_measure
    return seen


def _read_map(seen: ObjectiveTrack, info: MapInfo, shared: GlobalObjective) -> None:
    """The global values a map reads, where the global objective knows them."""
    if info.read_satisfied_status:
        seen.progress_status, seen.satisfied_status = shared.progress_status, shared.satisfied_status
    if info.read_normalized_measure:
        seen.measure_status, seen.normalized_measure = shared.measure_status, shared.normalized_measure
    if info.read_raw_score and shared.raw is not None:
        seen.raw = shared.raw
    if info.read_min_score and shared.min is not None:
        seen.min = shared.min
    if info.read_max_score and shared.max is not None:
        seen.max = shared.max
    if info.read_completion_status and shared.completion_known:
        seen.completion_known, seen.completed = True, shared.completed
    if info.read_progress_measure and shared.progress_known:
        seen.progress_known, seen.progress_measure = True, shared.progress_measure


def write_objective(tree: Tree, node: Node, key: str, **changes: Any) -> None:
    """Set local objective progress information and write it through the write maps. An
    activity that is not tracked records nothing (SN §3.13.1, deliveryControls tracked)."""
    if not node.tracked:
        return
    local = node.track.objectives.setdefault(key, ObjectiveTrack())
    if node.track.stale_objective:  # new data within the current attempts: no longer stale
        node.track.stale_objective = False
        local = node.track.objectives[key] = ObjectiveTrack()
    for name, value in changes.items():
        setattr(local, name, value)
    objective = node.objectives.get(key)
    if objective is None:
        return
    if "normalized_measure" in changes and _judge_by_measure(node, objective, local):
        changes = {**changes, "progress_status": True}
    _write_maps(tree, objective, local, changes)


def _write_maps(tree: Tree, objective: Objective, local: ObjectiveTrack, changes: dict[str, Any]) -> None:
    """The changed values through the objective's write maps (SN §4.2.3, CAM §5.1.10)."""
    for info in objective.map_info:
        shared = _global(tree, uri_id(info.target_objective_id))
        if info.write_satisfied_status and ("progress_status" in changes or "satisfied_status" in changes):
            shared.progress_status = local.progress_status
            shared.satisfied_status = local.satisfied_status
        if info.write_normalized_measure and ("measure_status" in changes or "normalized_measure" in changes):
            shared.measure_status = local.measure_status
            shared.normalized_measure = local.normalized_measure
        for score in ("raw", "min", "max"):
            if getattr(info, f"write_{score}_score") and score in changes:
                setattr(shared, score, changes[score])
        if info.write_completion_status and "completion_known" in changes:
            shared.completion_known, shared.completed = local.completion_known, local.completed
        if info.write_progress_measure and "progress_known" in changes:
            shared.progress_known, shared.progress_measure = local.progress_known, local.progress_measure


def _judge_by_measure(node: Node, objective: Objective, local: ObjectiveTrack) -> bool:
    """SN §3.10 satisfiedByMeasure: a new measure decides the satisfied status, which the write
    maps then share like any other status (ADL case OB-13c); a primary objective of an active
    activity only with measureSatisfactionIfActive."""
    if not (objective.satisfied_by_measure and local.measure_status):
        return False
    if objective.primary and node.track.active and not node.seq.rollup_considerations.measure_satisfaction_if_active:
        return False
    local.progress_status = True
    local.satisfied_status = local.normalized_measure >= objective.min_normalized_measure
    return True


def primary(tree: Tree, node: Node) -> ObjectiveTrack:
    assert node.primary_key is not None
    return read_objective(tree, node, node.primary_key)


def set_primary(tree: Tree, node: Node, **changes: Any) -> None:
    assert node.primary_key is not None
    write_objective(tree, node, node.primary_key, **changes)


def completion(tree: Tree, node: Node) -> tuple[bool, bool]:
    """(attempt progress status, attempt completion status), read through adlseq completion maps;
    with completedByMeasure the (possibly global) completion amount decides (SN §3.11 4th Ed.)."""
    if not node.tracked:
        return False, False
    threshold = node.activity.completion_threshold
    if threshold.completed_by_measure:  # only the (possibly global) progress measure decides
        known, amount = completion_amount(tree, node)
        return known, known and amount >= threshold.min_progress_measure
    track = node.track
    objective = node.objectives.get(node.primary_key or "")
    for info in objective.map_info if objective else []:
        shared = tree.globals.get(uri_id(info.target_objective_id))
        if info.read_completion_status and shared is not None and shared.completion_known:
            return True, shared.completed
    if track.stale_progress and tree.in_rollup:  # useCurrentAttemptProgressInfo
        return False, False
    return track.attempt_progress_status, track.attempt_completion_status


def completion_is_global(tree: Tree, node: Node) -> bool:
    """Whether the activity's completion is read from a known global objective."""
    objective = node.objectives.get(node.primary_key or "") if node.tracked else None
    return any(info.read_completion_status and (shared := tree.globals.get(uri_id(info.target_objective_id)))
               is not None and shared.completion_known for info in (objective.map_info if objective else []))


def completion_amount(tree: Tree, node: Node) -> tuple[bool, float]:
    track = node.track
    objective = node.objectives.get(node.primary_key or "")
    for info in objective.map_info if objective else []:
        shared = tree.globals.get(uri_id(info.target_objective_id))
        if info.read_progress_measure and shared is not None and shared.progress_known:
            return True, shared.progress_measure
    if track.stale_progress and tree.in_rollup:
        return False, 0.0
    return track.completion_amount_status, track.completion_amount


def set_completion(tree: Tree, node: Node, known: bool, completed: bool) -> None:
    if not node.tracked:  # SN §3.13.1: nothing is recorded for an activity that is not tracked
        return
    _fresh_progress(node)
    node.track.attempt_progress_status = known
    node.track.attempt_completion_status = completed
    for shared in _primary_writes(tree, node, "write_completion_status"):
        shared.completion_known, shared.completed = known, completed


def _fresh_progress(node: Node) -> None:
    if node.track.stale_progress:
        node.track.stale_progress = False
        node.track.completion_amount_status = node.track.attempt_progress_status = False


def set_completion_amount(tree: Tree, node: Node, known: bool, amount: float) -> None:
    if not node.tracked:
        return
    _fresh_progress(node)
    node.track.completion_amount_status = known
    node.track.completion_amount = amount
    for shared in _primary_writes(tree, node, "write_progress_measure"):
        shared.progress_known, shared.progress_measure = known, amount


def _primary_writes(tree: Tree, node: Node, flag: str) -> list[GlobalObjective]:
    """The global objectives the primary objective's maps write with ``flag`` (adlseq:mapInfo
    writeCompletionStatus / writeProgressMeasure, SN §4.2.3)."""
    objective = node.objectives.get(node.primary_key or "")
    return [_global(tree, uri_id(info.target_objective_id))
            for info in (objective.map_info if objective else []) if getattr(info, flag)]
