"""The SCORM 2004 sequencing engine, process by process (SN Book 4th Ed. Appendix C): each test
names the pseudo-code step it exercises."""

from __future__ import annotations

import json

import pytest

from chalicelib.standards.activity_tree import ConstrainedChoice, RandomizationControls, RollupConsiderations
from chalicelib.standards.scorm2004.sequencing import EXCEPTIONS, Sequencer
from tests.builders.activity_trees import cluster, flat, leaf, objective, rollup_rule, rule

PASSED = {"cmi.completion_status": "completed", "cmi.success_status": "passed"}
FAILED = {"cmi.completion_status": "completed", "cmi.success_status": "failed"}


def delivered(engine: Sequencer, request: str, target: str | None = None) -> str | None:
    trace = engine.navigate(request, target)
    return trace.delivered if trace.exception is None else trace.exception


def test_nb_2_1_start_then_continue_walks_the_flow_in_order() -> None:
    """NB.2.1 steps 1 and 3 -> SB.2.5 / SB.2.7 -> SB.2.3 flow subprocess."""
    engine = Sequencer(flat(3))
    assert [delivered(engine, "start"), delivered(engine, "continue"), delivered(engine, "continue")] == [
        "a1", "a2", "a3"]


def test_nb_2_1_start_twice_is_refused() -> None:
    """NB.2.1 step 1.2: the sequencing session has already begun."""
    engine = Sequencer(flat(2))
    engine.navigate("start")
    assert delivered(engine, "start") == "NB.2.1-1"


def test_nb_2_1_continue_without_flow_is_refused() -> None:
    """NB.2.1 step 3.1.2: flow is false on the parent."""
    engine = Sequencer(flat(2, flow=False))
    assert delivered(engine, "choice", "a1") == "a1"
    assert delivered(engine, "continue") == "NB.2.1-4"


def test_nb_2_1_previous_with_forward_only_is_refused() -> None:
    """NB.2.1 step 4.1.1: forwardOnly forbids previous."""
    engine = Sequencer(flat(2, forward_only=True))
    engine.navigate("start")
    engine.navigate("continue")
    assert delivered(engine, "previous") == "NB.2.1-5"


def test_sb_2_1_continue_from_the_last_activity_ends_the_session() -> None:
    """SB.2.1 step 3.1 (4th Ed.): forward from the last activity ends the sequencing session."""
    engine = Sequencer(flat(1))
    engine.navigate("start")
    trace = engine.navigate("continue")
    assert trace.delivered is None and trace.exception is None and engine.ended


def test_sb_2_1_previous_from_the_first_activity_is_refused() -> None:
    """SB.2.1 step 4.2 via SB.2.8: nothing is before the first activity."""
    engine = Sequencer(flat(2))
    engine.navigate("start")
    assert delivered(engine, "previous") == "SB.2.1-3"
    assert engine.current is not None and engine.current.id == "a1"


def test_sb_2_2_skip_rule_is_passed_over_by_flow() -> None:
    """SB.2.2 step 3: a pre-condition skip rule that applies makes flow move on."""
    root = cluster("root", [leaf("a1", rule("pre", "skip", "always")), leaf("a2")])
    assert delivered(Sequencer(root), "start") == "a2"


def test_sb_2_2_disabled_activity_stops_flow() -> None:
    """SB.2.2 step 4 / UP.5: a disabled activity cannot be flowed into."""
    root = cluster("root", [leaf("a1"), leaf("a2", rule("pre", "disabled", "always"))])
    engine = Sequencer(root)
    engine.navigate("start")
    assert delivered(engine, "continue") == "SB.2.2-2"


def test_up_2_1_not_and_any_combinations() -> None:
    """UP.2.1: "not" negates, "any" combines; unknown never fires a rule."""
    root = cluster("root", [
        leaf("a1"),
        leaf("a2", rule("pre", "skip", "not attempted", "satisfied", combination="all")),
        leaf("a3", rule("pre", "skip", "satisfied", "completed", combination="any")),
        leaf("a4"),
    ])
    engine = Sequencer(root)
    engine.navigate("start")
    engine.report(FAILED)  # a1 completed but failed
    # a2: not attempted is true, satisfied unknown -> all = unknown -> no skip
    assert delivered(engine, "continue") == "a2"
    engine.report(PASSED)
    assert delivered(engine, "continue") == "a3"


def test_up_1_attempt_limit_disables_the_activity() -> None:
    """UP.1 step 3: attempt count reached the attempt limit -> DB.1.1-3 / SB.2.2-2."""
    root = cluster("root", [leaf("a1", attempt_limit=1), leaf("a2")])
    engine = Sequencer(root)
    engine.navigate("start")
    engine.navigate("continue")
    assert delivered(engine, "previous") == "SB.2.2-2"


def test_tb_2_2_post_condition_retry_starts_a_new_attempt() -> None:
    """TB.2.2 step 3 (retry) -> SB.2.10: the same activity again, a new attempt."""
    root = cluster("root", [leaf("a1", rule("post", "retry", "not satisfied")), leaf("a2")])
    engine = Sequencer(root)
    engine.navigate("start")
    engine.report(FAILED)
    assert delivered(engine, "continue") == "a1"
    assert engine.tree.nodes["a1"].track.attempt_count == 2
    engine.report(PASSED)
    assert delivered(engine, "continue") == "a2"


def test_tb_2_1_exit_action_rule_exits_the_cluster() -> None:
    """TB.2.1: an exit rule on an ancestor ends its attempt; flow continues after it."""
    root = cluster("root", [
        cluster("m1", [leaf("a1"), leaf("a2")], rule("exit", "exit", "satisfied")),
        leaf("b1"),
    ])
    engine = Sequencer(root)
    engine.navigate("start")
    engine.report(PASSED)  # m1 rolls up satisfied? not yet: a2 unknown
    engine.navigate("continue")
    engine.report(PASSED)  # now every child of m1 is satisfied -> m1 satisfied -> exit m1
    assert delivered(engine, "continue") == "b1"
    assert not engine.tree.nodes["m1"].track.active


def test_tb_2_3_exit_all_ends_the_session() -> None:
    """TB.2.3 step 4 + SB.2.11: exit all ends every attempt and the session."""
    engine = Sequencer(flat(2))
    engine.navigate("start")
    trace = engine.navigate("exitAll")
    assert trace.exception is None and engine.ended
    assert not any(n.track.active for n in engine.tree.preorder)


def test_sb_2_9_choice_hidden_and_choice_disabled() -> None:
    """SB.2.9 step 4 (hiddenFromChoice) and NB.2.1 step 6 (choice false on the parent)."""
    root = cluster("root", [leaf("a1"), leaf("a2", rule("pre", "hiddenFromChoice", "always")),
                            cluster("m", [leaf("c1")], choice=False)])
    engine = Sequencer(root)
    engine.navigate("start")
    assert delivered(engine, "choice", "a2") == "SB.2.9-4"
    assert delivered(engine, "choice", "c1") == "NB.2.1-10"
    assert delivered(engine, "choice", "nowhere") == "NB.2.1-11"
    assert engine.request_valid()["choice.{target=a2}"] == "false"
    assert engine.request_valid()["choice.{target=a1}"] == "true"


def test_sb_2_9_choice_exit_false_keeps_the_learner_inside() -> None:
    """NB.2.1 step 6.1.2.3: an active ancestor with choiceExit false refuses a choice outside."""
    root = cluster("root", [cluster("m", [leaf("a1"), leaf("a2")], choice_exit=False), leaf("b1")])
    engine = Sequencer(root)
    engine.navigate("start")
    assert delivered(engine, "choice", "b1") == "NB.2.1-8"
    assert delivered(engine, "choice", "a2") == "a2"


def test_sb_2_9_constrain_choice_limits_to_the_next_activity() -> None:
    """SB.2.9 step 7 case 5: constrainChoice allows only the flow neighbours."""
    root = cluster("root", [leaf("a1"), leaf("a2"), leaf("a3")])
    root.children[0].sequencing.constrained_choice = ConstrainedChoice(constrain_choice=True)
    wrapper = cluster("top", [cluster("m", [root.children[0]]), root.children[1], root.children[2]])
    wrapper.children[0].sequencing.constrained_choice = ConstrainedChoice(constrain_choice=True)
    engine = Sequencer(wrapper)
    engine.navigate("start")
    assert delivered(engine, "choice", "a3") == "SB.2.9-8"
    assert delivered(engine, "choice", "a2") == "a2"


def test_rb_1_2_default_rollup_satisfied_and_not_satisfied() -> None:
    """RB.1.2b with the default rules (SN §4.6.5): all satisfied -> satisfied; all known and one
    not satisfied -> not satisfied."""
    engine = Sequencer(flat(2))
    engine.navigate("start")
    engine.report(PASSED)
    engine.navigate("continue")
    engine.report(FAILED)
    root = engine.tree.root.track.objectives[engine.tree.root.primary_key or ""]
    assert (root.progress_status, root.satisfied_status) == (True, False)


def test_rb_1_1_measure_rollup_and_satisfied_by_measure() -> None:
    """RB.1.1 weighted measure average, then RB.1.2a against minNormalizedMeasure."""
    root = cluster("root", [leaf("a1"), leaf("a2")], objectives=[objective(by_measure=0.6)])
    engine = Sequencer(root)
    engine.navigate("start")
    engine.report({"cmi.score.scaled": "1.0"})
    engine.navigate("continue")
    engine.report({"cmi.score.scaled": "0.4"})
    primary = engine.tree.root.track.objectives[""]
    assert primary.measure_status and primary.normalized_measure == pytest.approx(0.7)
    assert primary.satisfied_status


def test_rb_1_4_rollup_rule_any_completed() -> None:
    """RB.1.3b / RB.1.4: a "completed if any child completed" rule."""
    root = cluster("root", [leaf("a1"), leaf("a2")],
                   rollup_rules=[rollup_rule("completed", "completed", child_set="any")])
    engine = Sequencer(root)
    engine.navigate("start")
    engine.report({"cmi.completion_status": "completed"})
    assert engine.tree.root.track.attempt_progress_status and engine.tree.root.track.attempt_completion_status


def test_rb_1_4_2_if_attempted_leaves_unattempted_children_out() -> None:
    """RB.1.4.2 step 2: requiredForSatisfied=ifAttempted excludes a child never attempted."""
    root = cluster("root", [leaf("a1"), leaf("a2")])
    root.children[1].sequencing.rollup_considerations = RollupConsiderations(
        required_for_satisfied="ifAttempted", required_for_not_satisfied="ifAttempted")
    engine = Sequencer(root)
    engine.navigate("start")
    engine.report(PASSED)
    assert engine.tree.root.track.objectives[""].satisfied_status


def test_global_objectives_written_by_one_activity_are_read_by_another() -> None:
    """SN §4.2.3 mapInfo: write satisfied status in a1, read it in a2 (skip if satisfied)."""
    root = cluster("root", [
        leaf("a1", objectives=[objective("o1", writes="g1")]),
        leaf("a2", rule("pre", "skip", "satisfied"), objectives=[objective("o2", reads="g1")]),
        leaf("a3"),
    ])
    shared: dict = {}
    engine = Sequencer(root, global_objectives=shared)
    engine.navigate("start")
    engine.report(PASSED)
    engine.request_valid()  # tries requests on a copy of the state: the learner's dict stays shared
    assert engine.tree.globals is shared and shared["g1"].satisfied_status
    assert delivered(engine, "continue") == "a3"


def test_suspend_all_and_resume_all_across_serialisation() -> None:
    """TB.2.3 step 5 (suspend all), SB.2.6 (resume all) on state restored from JSON."""
    engine = Sequencer(flat(3))
    engine.navigate("start")
    engine.navigate("continue")
    engine.report({"cmi.exit": "suspend", "cmi.completion_status": "incomplete"})
    assert engine.navigate("suspendAll").exception is None
    saved = json.loads(json.dumps(engine.state()))
    later = Sequencer(flat(3))
    later.restore(saved)
    assert delivered(later, "resumeAll") == "a2"
    assert later.tree.nodes["a2"].track.attempt_count == 1  # the same attempt goes on


def test_sr_1_select_count_keeps_that_many_children_in_order() -> None:
    """SR.1 step 3: selectCount children chosen once, in their original order."""
    root = flat(4)
    root.sequencing.randomization = RandomizationControls(selection_timing="once", select_count=2)
    engine = Sequencer(root, seed=3)
    engine.navigate("start")
    ids = [c.id for c in engine.tree.root.children]
    assert len(ids) == 2 and ids == sorted(ids)


def test_jump_is_4th_edition_only() -> None:
    """NB.2.1 step 7 (4th Ed.); earlier editions have no jump."""
    engine = Sequencer(flat(3), edition="3rd")
    engine.navigate("start")
    assert delivered(engine, "jump", "a3") == "NB.2.1-13"
    engine = Sequencer(flat(3))
    engine.navigate("start")
    assert delivered(engine, "jump", "a3") == "a3"


def test_trace_explains_a_denied_request() -> None:
    engine = Sequencer(flat(2))
    trace = engine.navigate("continue")
    assert trace.exception == "NB.2.1-2"
    assert any(EXCEPTIONS["NB.2.1-2"] in line for line in trace.lines())


def test_request_valid_answers_for_the_current_state() -> None:
    engine = Sequencer(flat(2))
    engine.navigate("start")
    answers = engine.request_valid()
    assert answers["previous"] == "false" and answers["continue"] == "true"
    assert answers["choice.{target=a2}"] == "true" and answers["jump.{target=a2}"] == "true"
    assert engine.current is not None and engine.current.id == "a1"  # nothing moved


def test_request_valid_choice_is_false_for_a_leaf_delivery_would_refuse() -> None:
    """RTE §4.4.2 / SN DB.1.1 step 2 (UP.5): a choice the delivery request would refuse —
    a leaf disabled by a pre-condition rule, or one whose attempt limit is used up — is not
    offered to the SCO or the table of contents."""
    from chalicelib.standards.activity_tree import LimitConditions

    once = leaf("a2")
    once.sequencing.limit_conditions = LimitConditions(attempt_limit=1)
    root = cluster("root", [leaf("a1"), once, leaf("a3", rule("pre", "disabled", "always"))])
    engine = Sequencer(root)
    engine.navigate("start")
    answers = engine.request_valid()
    assert answers["choice.{target=a2}"] == "true" and answers["choice.{target=a3}"] == "false"
    assert delivered(engine, "choice", "a3") == "DB.1.1-3"  # the answer matches what choice does
    engine.navigate("choice", "a1")
    engine.report(PASSED)
    assert delivered(engine, "choice", "a2") == "a2"
    engine.report(PASSED)
    assert delivered(engine, "choice", "a1") == "a1"
    assert engine.request_valid()["choice.{target=a2}"] == "false"  # its one attempt is used
    assert delivered(engine, "choice", "a2") == "DB.1.1-3"
