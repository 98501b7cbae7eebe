"""Sequencing behaviour the ADL SCORM 2004 cases pin down where the SN Book's pseudo-code is terse
(SN Book 4th Ed. Appendix C): each test names the pseudo-code step and the learner-visible effect
(which activity is delivered, which status rolls up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from chalicelib.standards import read_package
from chalicelib.standards.activity_tree import (
    CompletionThreshold,
    ConstrainedChoice,
    DeliveryControls,
    MapInfo,
    Objective,
    RollupControls,
)
from chalicelib.standards.scorm2004.sequencing import Sequencer
from tests.builders import course_zip as cz
from tests.builders.activity_trees import cluster, leaf, objective, rollup_rule, rule

if TYPE_CHECKING:
    from pathlib import Path

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


def test_objective_ids_read_with_encoded_spaces_decoded_and_whitespace_collapsed(tmp_path: Path) -> None:
    """CAM §5.1.7 objectiveID / referencedObjective (xs:anyURI): the SCO finds the objective in
    cmi.objectives.n.id as "obj 1" (``%20`` decoded, whitespace collapsed, as ADL's LMS shows
    it, OB-12a), and a rule that references it by another spelling still names it."""
    manifest = (cz.scorm2004_manifest().replace('objectiveID="obj_1"', 'objectiveID="obj%201"')
                .replace('objectiveID="obj_2"', 'objectiveID="  obj%20%202   "')
                .replace('referencedObjective="obj_1"', 'referencedObjective=" obj%20 1"'))
    path = tmp_path / "course.zip"
    path.write_bytes(cz.zip_bytes({"imsmanifest.xml": manifest,
                                   **{f"content/m{n}/index.html": "x" for n in (1, 2, 3)}}))
    structure = read_package(path, path.name).structure
    first = structure.root.children[0]
    assert [o.objective_id for o in first.sequencing.objectives] == ["obj 1", "obj 2"]
    retry = next(r for r in first.sequencing.rules if r.action == "retry")
    assert retry.conditions[1].referenced_objective == "obj 1"
    assert first.sequencing.objectives[0].map_info[-1].write_completion_status  # adlseq map matched
    assert not any("matches no imsss objective" in w for w in structure.warnings)


def test_a_measure_decides_a_satisfied_by_measure_objective_and_is_shared() -> None:
    """SN §3.10 / §4.2.3: the SCO reports only a score on an objective satisfied by measure; the
    measure (0.4 >= 0.25) makes it satisfied, and its write map shares that status, so a2's
    "skip if satisfied" on the global objective skips it (OB-13c, OB-14b)."""
    root = cluster("root", [
        leaf("a1", objectives=[objective("o1", primary=False, writes="g1", by_measure=0.25)]),
        leaf("a2", rule("pre", "skip", "satisfied", referenced="o2"),
             objectives=[objective("o2", primary=False, reads="g1")]),
        leaf("a3"),
    ])
    shared: dict = {}
    engine = Sequencer(root, global_objectives=shared)
    assert delivered(engine, "start") == "a1"
    engine.report({"cmi.objectives._count": "1", "cmi.objectives.0.id": "o1", "cmi.objectives.0.score.scaled": "0.4"})
    assert (shared["g1"].progress_status, shared["g1"].satisfied_status) == (True, True)
    assert delivered(engine, "continue") == "a3"


def test_up_4_keeps_a_primary_status_the_sco_reported_unknown_through_cmi_objectives() -> None:
    """UP.4 step 1.1.2 only fills in a status the content did not set: a SCO that sets its
    primary objective (cmi.objectives.n with the primary objective's id) to "unknown" leaves
    it unknown, not satisfied (OB-17b)."""
    root = cluster("root", [leaf("a1", objectives=[objective("P")]), leaf("a2")])
    engine = Sequencer(root)
    engine.navigate("start")
    engine.report({"cmi.objectives._count": "1", "cmi.objectives.0.id": "P",
                   "cmi.objectives.0.success_status": "unknown"})
    assert delivered(engine, "continue") == "a2"
    assert not engine.tree.nodes["a1"].track.objectives["P"].progress_status


def _completion_map(target: str, *, read: bool) -> MapInfo:
    return MapInfo(target, read_satisfied_status=False, read_normalized_measure=False,
                   read_completion_status=read, read_progress_measure=read,
                   write_completion_status=True, write_progress_measure=True)


def _by_measure(node: Activity, minimum: float) -> Activity:
    node.completion_threshold = CompletionThreshold(completed_by_measure=True, min_progress_measure=minimum)
    return node


def test_readers_of_a_global_completion_do_not_overwrite_it_with_their_own_threshold() -> None:
    """RB.1.5 / RB.1.3a: a1 (completed by measure at 0.15) shares progress 0.3 and "completed";
    a2 and a3 read and write them, with a threshold of 0.6. Rolling up after a1 starts at the
    readers' parents (a2 is not evaluated on its own), and a3, not tracked, records nothing when
    its attempt ends (SN §3.13.1): the learner's global objective stays completed (CO-10)."""
    a1 = _by_measure(leaf("a1", objectives=[Objective("P", True, map_info=[_completion_map("g", read=False)])]), 0.15)
    a2, a3 = (_by_measure(leaf(name, objectives=[Objective("P", True, map_info=[_completion_map("g", read=True)])]),
                          0.6) for name in ("a2", "a3"))
    a3.sequencing.delivery = DeliveryControls(tracked=False)
    shared: dict = {}
    engine = Sequencer(cluster("root", [a1, a3, cluster("m", [a2])]), global_objectives=shared)
    engine.navigate("start")
    engine.report({"cmi.objectives._count": "1", "cmi.objectives.0.id": "P",
                   "cmi.objectives.0.progress_measure": "0.3"})
    assert delivered(engine, "continue") == "a3"
    assert (shared["g"].completion_known, shared["g"].completed, shared["g"].progress_measure) == (True, True, 0.3)
    assert delivered(engine, "continue") == "a2"
    assert (shared["g"].completion_known, shared["g"].completed) == (True, True)


def test_a_read_map_gives_the_global_status_even_while_it_is_unknown() -> None:
    """SN §4.2.3 read objective satisfied status: a2 and its cluster m read g1, which nothing
    writes. Though UP.4 makes a2 (and a3) satisfied locally, sequencing sees g1's unknown
    status, so "hiddenFromChoice if satisfied" hides neither and the learner can
    choose a2 again (CM-13)."""
    reads = [objective("P", reads="g1")]
    root = cluster("root", [
        cluster("m", [leaf("a2", rule("pre", "hiddenFromChoice", "satisfied"), objectives=reads),
                      leaf("a3", objectives=[objective("P", reads="g1")])],
                rule("pre", "hiddenFromChoice", "satisfied"), objectives=[objective("P", reads="g1")]),
        leaf("a4"),
    ])
    engine = Sequencer(root)
    assert delivered(engine, "start") == "a2"
    assert delivered(engine, "choice", "a3") == "a3"
    assert delivered(engine, "choice", "a2") == "a2"
    assert engine.tree.nodes["a3"].track.objectives["P"].satisfied_status  # locally, by UP.4


def test_completed_by_measure_is_known_only_through_a_progress_measure() -> None:
    """SN §3.11 / RB.1.3a (4th Ed. completedByMeasure): a2's completion comes from its (possibly
    global) progress measure alone. a1 shares "completed" without a progress measure, so a2's
    progress stays unknown and "skip if not activityProgressKnown" skips it (CO-04b)."""
    a1 = leaf("a1", objectives=[Objective("P", True, map_info=[_completion_map("g", read=False)])])
    a2 = _by_measure(leaf("a2", rule("pre", "skip", "not activityProgressKnown"),
                          objectives=[Objective("P", True, map_info=[_completion_map("g", read=True)])]), 0.75)
    engine = Sequencer(cluster("root", [a1, a2, leaf("a3")]))
    engine.navigate("start")
    engine.report({"cmi.objectives._count": "1", "cmi.objectives.0.id": "P",
                   "cmi.objectives.0.completion_status": "completed"})
    assert delivered(engine, "continue") == "a3"


def test_sb_2_2_previous_through_a_skipped_forward_only_cluster_keeps_going_backward() -> None:
    """SB.2.1 step 3 / SB.2.2 step 3.3.1: Previous from c enters the forwardOnly cluster m2 at its
    first child; b1 and b2 are skipped (attempted, not completed), the traversal turns backward
    at the end of m2 and must go on backward, into m1's last activity a2 (not a1) (CM-03b)."""
    skip = rule("pre", "skip", "attempted", "not completed")
    root = cluster("root", [
        cluster("m1", [leaf("a1"), leaf("a2")]),
        cluster("m2", [leaf("b1", skip), leaf("b2", skip)], forward_only=True),
        leaf("c"),
    ])
    engine = Sequencer(root)
    assert delivered(engine, "start") == "a1"
    assert delivered(engine, "continue") == "a2"
    assert delivered(engine, "continue") == "b1"
    engine.report({"cmi.completion_status": "incomplete"})
    assert delivered(engine, "continue") == "b2"
    engine.report({"cmi.completion_status": "incomplete"})
    assert delivered(engine, "continue") == "c"
    assert delivered(engine, "previous") == "a2"


def test_sb_2_9_constrain_choice_on_the_current_leaf_itself_does_not_constrain() -> None:
    """SB.2.9 step 7 case 5: the constrained activity is looked for among the current activity's
    ancestors below the common ancestor. a1 (a leaf) carries constrainChoice, its cluster m does
    not, so the learner may choose c, two activities on (CM-07d); were m constrained, c would
    be refused (SB.2.9-8)."""
    for constrained_cluster, expected in ((False, "c"), (True, "SB.2.9-8")):
        a1 = leaf("a1")
        a1.sequencing.constrained_choice = ConstrainedChoice(constrain_choice=True)
        m = cluster("m", [a1, leaf("a2")])
        m.sequencing.constrained_choice = ConstrainedChoice(constrain_choice=constrained_cluster)
        engine = Sequencer(cluster("top", [cluster("outer", [m, leaf("b"), leaf("c")])]))
        assert delivered(engine, "start") == "a1"
        assert delivered(engine, "choice", "c") == expected


def test_rollup_after_an_activity_revisits_only_readers_of_what_it_wrote() -> None:
    """RB.1.5 with global objectives: m (satisfied by measure, 0.6) shares its measure through g
    and is skipped once satisfied. In the next attempt on the course a0 ends, writing nothing;
    m, whose child b2 reads the status of an unrelated global h, must not be rolled up again from children
    whose data belong to the previous attempt, which would share an unknown measure and make
    the learner redo m (OB-03b)."""
    shares = MapInfo("g", read_satisfied_status=False, write_satisfied_status=True, write_normalized_measure=True)
    reads_h = Objective("Q", True, map_info=[MapInfo("h", read_normalized_measure=False)])
    m = cluster("m", [leaf("b1"), leaf("b2", objectives=[reads_h])],
                rule("pre", "skip", "satisfied"),
                objectives=[Objective("P", True, satisfied_by_measure=True, min_normalized_measure=0.6,
                                      map_info=[shares])])
    engine = Sequencer(cluster("root", [leaf("a0"), m, leaf("c")]))
    assert delivered(engine, "start") == "a0"
    assert delivered(engine, "continue") == "b1"
    engine.report({"cmi.score.scaled": "1.0"})
    assert delivered(engine, "continue") == "b2"
    engine.report({"cmi.score.scaled": "1.0"})
    assert engine.navigate("exitAll").exception is None
    assert (engine.tree.globals["g"].measure_status, engine.tree.globals["g"].normalized_measure) == (True, 1.0)
    assert delivered(engine, "start") == "a0"
    assert delivered(engine, "continue") == "c"
