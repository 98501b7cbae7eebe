"""A SCORM 2004 attempt on one SCO: the LMS-side values set before launch, what a relaunch carries
over, and the values the LMS evaluates itself.

- Launch (RTE 4.2 "LMS behavior" of each element): ``cmi.entry`` is ``ab-initio`` for a new attempt
  and ``resume`` when the previous session ended suspended (``cmi.exit`` = ``suspend``, or the
  ``suspendAll`` navigation request, RTE 4.2.8 / SN 4.2); credit, mode, learner id and name,
  launch_data (``adlcp:dataFromLMS``), completion_threshold (``adlcp:completionThreshold``),
  scaled_passing_score (``imsss:minNormalizedMeasure`` when ``satisfiedByMeasure``),
  max_time_allowed and time_limit_action, objectives seeded from the manifest's objective ids, and
  the shared data maps of ``adl.data`` (RTE 4.3).
- Evaluation: ``cmi.completion_status`` against the completion threshold (RTE 4.2.4.1) and
  ``cmi.success_status`` against the scaled passing score (RTE 4.2.22.1).
- Terminate: ``cmi.total_time`` += ``cmi.session_time`` (RTE 4.2.23 / 4.2.26).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.results.runtime_data import RuntimeData
from chalicelib.standards.common.durations import add_iso


@dataclass(frozen=True)
class SharedDataMap:
    """One ``adlcp:map`` of the SCO (RTE 4.3): target id, access, and the store's current value."""

    target_id: str
    readable: bool = True
    writable: bool = True
    store: str | None = None


@dataclass(frozen=True)
class Launch2004:
    """What the LMS knows before the SCO starts (from the manifest and the registration)."""

    learner_id: str = ""
    learner_name: str = ""
    credit: str = "credit"
    mode: str = "normal"
    launch_data: str | None = None
    completion_threshold: str | None = None
    scaled_passing_score: str | None = None
    max_time_allowed: str | None = None
    time_limit_action: str | None = None
    objective_ids: tuple[str, ...] = ()
    shared_data: tuple[SharedDataMap, ...] = ()
    comments_from_lms: tuple[tuple[str, str, str], ...] = ()  # (comment, location, timestamp)
    # adl.nav.request_valid answers computed by the sequencer: "continue", "previous",
    # "choice.{target=ID}", "jump.{target=ID}" -> "true" / "false" / "unknown".
    nav_valid: dict[str, str] = field(default_factory=dict)


# The session-only elements dropped when a suspended attempt is resumed.
_PER_SESSION = ("cmi.exit", "cmi.session_time", "adl.nav.request")


def new_attempt(launch: Launch2004) -> RuntimeData:
    """The data of a new attempt: LMS-set values, entry ``ab-initio``, seeded objectives."""
    data = RuntimeData()
    _apply_launch(data, launch)
    data.values["cmi.entry"] = "ab-initio"
    for index, objective_id in enumerate(launch.objective_ids):
        data.values[f"cmi.objectives.{index}.id"] = objective_id
    data.counts["cmi.objectives"] = len(launch.objective_ids)
    return data


def continues(previous: RuntimeData) -> bool:
    """Whether the next launch of this SCO continues the attempt: it ended suspended."""
    return previous.values.get("cmi.exit") == "suspend" or previous.values.get("adl.nav.request") == "suspendAll"


def relaunch(previous: RuntimeData, launch: Launch2004) -> RuntimeData:
    """The data for the next session of the same attempt: ``resume`` after a suspend, else ``""``."""
    data = RuntimeData(dict(previous.values), dict(previous.counts))
    entry = "resume" if continues(previous) else ""
    for key in _PER_SESSION:
        data.values.pop(key, None)
    _apply_launch(data, launch)
    data.values["cmi.entry"] = entry
    return data


def _apply_launch(data: RuntimeData, launch: Launch2004) -> None:
    values = data.values
    optional = {
        "cmi.launch_data": launch.launch_data,
        "cmi.completion_threshold": launch.completion_threshold,
        "cmi.scaled_passing_score": launch.scaled_passing_score,
        "cmi.max_time_allowed": launch.max_time_allowed,
        "cmi.time_limit_action": launch.time_limit_action,
    }
    for key, value in optional.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    values.update({
        "cmi.learner_id": launch.learner_id,
        "cmi.learner_name": launch.learner_name,
        "cmi.credit": launch.credit,
        "cmi.mode": launch.mode,
    })  # fmt: skip
    for index, shared in enumerate(launch.shared_data):
        values[f"adl.data.{index}.id"] = shared.target_id
        store_key = f"adl.data.{index}.store"
        if shared.store is None:
            values.pop(store_key, None)
        else:
            values[store_key] = shared.store
    data.counts["adl.data"] = len(launch.shared_data)
    for index, (comment, location, timestamp) in enumerate(launch.comments_from_lms):
        values[f"cmi.comments_from_lms.{index}.comment"] = comment
        values[f"cmi.comments_from_lms.{index}.location"] = location
        values[f"cmi.comments_from_lms.{index}.timestamp"] = timestamp
    data.counts["cmi.comments_from_lms"] = len(launch.comments_from_lms)


def close_session(data: RuntimeData) -> None:
    """At Terminate: add the session time to the total time (RTE 4.2.26)."""
    session = data.values.get("cmi.session_time")
    if session:
        data.values["cmi.total_time"] = add_iso(data.values.get("cmi.total_time", "PT0H0M0S"), session)


def shared_stores(data: RuntimeData, launch: Launch2004) -> dict[str, str]:
    """The adl.data stores the SCO may write, by target id, for the LMS to save (RTE 4.3)."""
    out: dict[str, str] = {}
    for index, shared in enumerate(launch.shared_data):
        value = data.values.get(f"adl.data.{index}.store")
        if shared.writable and value is not None:
            out[shared.target_id] = value
    return out
