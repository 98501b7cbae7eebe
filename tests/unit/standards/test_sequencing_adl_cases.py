"""Sequencing behaviour the ADL SCORM 2004 cases pin down where the SN Book's pseudo-code is terse
(SN Book 4th Ed. Appendix C): each test names the pseudo-code step and the learner-visible effect
(which activity is delivered, which status rolls up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from chalicelib.standards.activity_tree import RollupControls
from chalicelib.standards.scorm2004.sequencing import Sequencer
from tests.builders.activity_trees import cluster, leaf, objective, rollup_rule, rule

if TYPE_CHECKING:
    from chalicelib.standards.activity_tree import Activity


def delivered(engine: Sequencer, request: str, target: str | None = None) -> str | None:
    trace = engine.navigate(request, target)
    return trace.delivered if trace.exception is None else trace.exception


def test_rb_1_4_all_rule_with_no_contributing_child_applies() -> None:
    """RB.1.4 step 1.2.4 (child activity set "all"): a bag with no false or unknown value changes
    the status, also when no child contributes. Here the cluster's only child does not count
    for satisfaction, so "not satisfied if all children not completed" applies, and the
    cluster's post-condition "if not satisfied, previous" sends the learner back to a0 (RU-15)."""
    only = leaf("b1", rule("post", "exitParent", "always"))
    only.sequencing.rollup = RollupControls(rollup_objective_satisfied=False)
    root = cluster("root", [
        leaf("a0"),
        cluster("m", [only], rule("post", "continue", "satisfied"), rule("post", "previous", "not satisfied"),
                rollup_rules=[rollup_rule("notSatisfied", "not completed")]),
    ])
    engine = Sequencer(root)
    assert delivered(engine, "start") == "a0"
    assert delivered(engine, "continue") == "b1"
    engine.report({"cmi.completion_status": "completed"})
    assert delivered(engine, "continue") == "a0"
    m = engine.tree.nodes["m"].track.objectives[""]
    assert (m.progress_status, m.satisfied_status) == (True, False)


def test_rb_1_4_at_least_count_needs_a_known_child() -> None:
    """RB.1.4 step 1.2.4 (atLeastCount 0): an empty bag counts nothing, the status stays unknown."""
    only = leaf("b1")
    only.sequencing.rollup = RollupControls(rollup_objective_satisfied=False)
    root = cluster("root", [only], rollup_rules=[
        rollup_rule("satisfied", "satisfied", child_set="atLeastCount", minimum_count=0),
        rollup_rule("notSatisfied", "never", child_set="any")])
    engine = Sequencer(root)
    engine.navigate("start")
    engine.report({"cmi.completion_status": "completed", "cmi.success_status": "passed"})
    assert not engine.tree.root.track.objectives[""].progress_status


def _retry_tree() -> Activity:
    return cluster("root", [
        leaf("a0", rule("pre", "skip", "satisfied"), objectives=[objective("o0", reads="g1")]),
        leaf("a1", rule("post", "retryAll", "satisfied"), objectives=[objective("o1", writes="g1")]),
    ])


@pytest.mark.parametrize(("global_to_system", "after_retry"), [(True, "a1"), (False, "a0")])
def test_tb_2_3_retry_of_the_root_starts_objectives_scoped_to_the_attempt_over(
        global_to_system: bool, after_retry: str) -> None:
    """TB.2.3 step 3.3 / TB.2.2 retryAll -> SB.2.10 on the root: a new attempt on the activity
    tree. Global objectives that are not global to the system (objectivesGlobalToSystem false,
    CAM: one attempt of the activity tree) start unknown, so a0 (failed itself, satisfied through
    g1) is no longer skipped (RU-13d); learner-wide ones stay, and a0 is skipped."""
    engine = Sequencer(_retry_tree(), objectives_global_to_system=global_to_system)
    assert delivered(engine, "start") == "a0"
    engine.report({"cmi.success_status": "failed"})
    assert delivered(engine, "continue") == "a1"
    engine.report({"cmi.success_status": "passed"})  # g1 satisfied
    assert delivered(engine, "continue") == after_retry
