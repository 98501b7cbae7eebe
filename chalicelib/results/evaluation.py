"""The values the LMS evaluates itself from a SCORM 2004 attempt's run-time data: completion against
the completion threshold (RTE 4.2.4.1) and success against the scaled passing score (RTE 4.2.22.1).
The runtime applies them to what a SCO reads back; results roll them up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.results.runtime_data import RuntimeData


def completion_status(data: RuntimeData) -> str:
    """RTE 4.2.4.1: with a completion threshold the progress measure decides; else what was set."""
    values = data.values
    threshold = values.get("cmi.completion_threshold")
    if threshold is not None:
        measure = values.get("cmi.progress_measure")
        if measure is None:
            return "unknown"
        return "completed" if float(measure) >= float(threshold) else "incomplete"
    return values.get("cmi.completion_status", "unknown")


def success_status(data: RuntimeData) -> str:
    """RTE 4.2.22.1: with a scaled passing score the scaled score decides; else what was set."""
    values = data.values
    passing = values.get("cmi.scaled_passing_score")
    if passing is not None:
        scaled = values.get("cmi.score.scaled")
        if scaled is None:
            return "unknown"
        return "passed" if float(scaled) >= float(passing) else "failed"
    return values.get("cmi.success_status", "unknown")
