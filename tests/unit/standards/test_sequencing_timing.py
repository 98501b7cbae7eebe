"""Time in the sequencing engine (SN Book 4th Ed.): the tracking model's durations (§4.2.1,
§4.2.2), the time-based limit conditions (§3.3, UP.1 steps 4-9) and the ``timeLimitExceeded`` /
``outsideAvailableTimeRange`` rule conditions (§3.4.2), and the ``onEachNewAttempt`` timing of
selection and randomisation (§3.12, SR.1 / SR.2). A hand-set clock replaces sleeping."""

from __future__ import annotations

import json
from typing import Any

from lxml import etree

from chalicelib.standards.activity_tree import Activity, ControlMode, LimitConditions, RandomizationControls
from chalicelib.standards.scorm2004 import sequencing_definition
from chalicelib.standards.scorm2004.sequencing import EXCEPTIONS, Sequencer
from tests.builders.activity_trees import cluster, flat, leaf, rule
from tests.builders.clock import Clock

DONE = {"cmi.completion_status": "completed", "cmi.success_status": "passed"}


def limited(ident: str, *rules: Any, **limits: str) -> Activity:
    activity = leaf(ident, *rules)
    activity.sequencing.limit_conditions = LimitConditions(**limits)
    return activity


def delivered(engine: Sequencer, request: str, target: str | None = None) -> str | None:
    trace = engine.navigate(request, target)
    return trace.delivered if trace.exception is None else trace.exception


# --- durations (SN §4.2.1 / §4.2.2) ------------------------------------------------------------


def test_durations_come_from_the_sco_and_the_clock_and_survive_suspend_and_resume() -> None:
    """Attempt/activity absolute durations are wall-clock (suspended time included); experienced
    durations are the SCO's cmi.total_time, else the session's wall-clock time; a cluster's
    experienced duration is its leaves'."""
    clock = Clock()
    engine = Sequencer(flat(2), now=clock)
    engine.navigate("start")
    clock.advance(minutes=10)
    engine.report({**DONE, "cmi.session_time": "PT7M", "cmi.total_time": "PT7M"})
    assert delivered(engine, "continue") == "a2"
    assert engine.durations("a1") == {
        "attemptAbsoluteDuration": "PT10M", "attemptExperiencedDuration": "PT7M",
        "activityAbsoluteDuration": "PT10M", "activityExperiencedDuration": "PT7M"}
    clock.advance(minutes=5)  # a2 reports no time: its session's clock time counts
    engine.report({"cmi.exit": "suspend"})
    assert engine.navigate("suspendAll").exception is None
    assert engine.durations("a2")["attemptExperiencedDuration"] == "PT5M"
    assert engine.durations("root")["attemptExperiencedDuration"] == "PT12M"

    clock.advance(days=1)  # the learner comes back the next day
    later = Sequencer(flat(2), now=clock)
    later.restore(json.loads(json.dumps(engine.state())))
    assert delivered(later, "resumeAll") == "a2"
    clock.advance(minutes=3)
    root = later.durations("root")
    assert root["attemptAbsoluteDuration"] == "P1DT18M"  # suspended time included
    assert root["attemptExperiencedDuration"] == "PT15M"  # 12 minutes + the open session's 3
    assert later.durations("a1")["attemptAbsoluteDuration"] == "PT10M"  # ended: stays


def test_a_new_attempt_starts_its_durations_at_zero_and_the_activity_keeps_counting() -> None:
    """SN §4.2.2: attempt durations belong to one attempt; §4.2.1: activity durations to all."""
    clock = Clock()
    engine = Sequencer(flat(2), now=clock)
    engine.navigate("start")
    clock.advance(minutes=4)
    engine.report({**DONE, "cmi.total_time": "PT4M"})
    engine.navigate("continue")
    clock.advance(minutes=1)
    assert delivered(engine, "choice", "a1") == "a1"  # a second attempt on a1
    clock.advance(minutes=2)
    engine.report({"cmi.total_time": "PT2M"})
    found = engine.durations("a1")
    assert found["attemptAbsoluteDuration"] == "PT2M" and found["attemptExperiencedDuration"] == "PT2M"
    assert found["activityAbsoluteDuration"] == "PT7M" and found["activityExperiencedDuration"] == "PT6M"


# --- UP.1 limit conditions ---------------------------------------------------------------------


def test_up_1_step_6_an_attempt_over_its_absolute_duration_limit_cannot_be_attempted_again() -> None:
    """UP.1 step 6 (attemptAbsoluteDurationLimit, the limit SCORM requires): once an attempt has
    taken the limit, the activity violates its limit conditions and choice is refused."""
    clock = Clock()
    engine = Sequencer(cluster("root", [limited("quiz", attempt_absolute_duration_limit="PT10M"),
                                        leaf("review")]), now=clock)
    engine.navigate("start")
    clock.advance(minutes=15)
    engine.report(DONE)
    assert delivered(engine, "continue") == "review"
    trace = engine.navigate("choice", "quiz")
    assert trace.exception is not None and trace.exception in EXCEPTIONS
    assert any("attemptAbsoluteDurationLimit violated on quiz" in line for line in trace.lines())
    assert engine.current is not None and engine.current.id == "review"  # the learner stays


def test_up_1_step_6_an_attempt_within_its_limit_may_be_retried() -> None:
    clock = Clock()
    engine = Sequencer(cluster("root", [limited("quiz", attempt_absolute_duration_limit="PT10M"),
                                        leaf("review")]), now=clock)
    engine.navigate("start")
    clock.advance(minutes=9)
    engine.report(DONE)
    engine.navigate("continue")
    assert delivered(engine, "choice", "quiz") == "quiz"


def test_up_1_step_4_the_activity_absolute_duration_limit_spans_all_attempts() -> None:
    """UP.1 step 4: from the start of the first attempt to the end of the last one."""
    clock = Clock()
    engine = Sequencer(cluster("root", [limited("lab", activity_absolute_duration_limit="PT1H"),
                                        leaf("notes")]), now=clock)
    engine.navigate("start")
    clock.advance(minutes=20)
    engine.report(DONE)
    engine.navigate("continue")
    clock.advance(minutes=30)
    assert delivered(engine, "choice", "lab") == "lab"  # 50 minutes after the first start
    clock.advance(minutes=15)
    engine.report(DONE)
    engine.navigate("continue")
    assert delivered(engine, "choice", "lab") != "lab"  # 65 minutes: no more attempts


def test_up_1_steps_8_9_outside_the_begin_and_end_time_limits_is_refused() -> None:
    """UP.1 step 8 (before beginTimeLimit) and step 9 (after endTimeLimit)."""
    clock = Clock()
    root = cluster("root", [leaf("intro"), limited("exam", begin_time_limit=clock.iso(days=1),
                                                   end_time_limit=clock.iso(days=2))])
    engine = Sequencer(root, now=clock)
    engine.navigate("start")
    engine.report(DONE)
    assert delivered(engine, "choice", "exam") in EXCEPTIONS  # not open yet
    clock.advance(days=1, hours=1)
    assert delivered(engine, "choice", "exam") == "exam"
    engine.report(DONE)
    engine.navigate("choice", "intro")
    clock.advance(days=1)
    assert delivered(engine, "choice", "exam") in EXCEPTIONS  # closed


def test_an_untracked_activity_has_no_limit_conditions() -> None:
    """UP.1 step 1: a tracked=false activity never violates its limits."""
    clock = Clock()
    quiz = limited("quiz", attempt_absolute_duration_limit="PT1M")
    quiz.sequencing.delivery.tracked = False
    engine = Sequencer(cluster("root", [quiz, leaf("review")]), now=clock)
    engine.navigate("start")
    clock.advance(minutes=5)
    engine.navigate("continue")
    assert delivered(engine, "choice", "quiz") == "quiz"


# --- rule conditions (SN §3.4.2) ---------------------------------------------------------------


def test_time_limit_exceeded_skips_an_activity_that_took_too_long() -> None:
    """SB.2.2 step 3 with a skip rule on ``timeLimitExceeded``: going back passes over it."""
    clock = Clock()
    root = cluster("root", [leaf("a1"), limited("a2", rule("pre", "skip", "timeLimitExceeded"),
                                                attempt_absolute_duration_limit="PT10M"), leaf("a3")])
    engine = Sequencer(root, now=clock)
    engine.navigate("start")
    assert delivered(engine, "continue") == "a2"  # not attempted: nothing exceeded
    clock.advance(minutes=12)
    assert delivered(engine, "continue") == "a3"
    assert delivered(engine, "previous") == "a1"


def test_time_limit_exceeded_is_false_without_a_duration_limit() -> None:
    """A limit that is not defined is never exceeded (UP.1 skips limits whose control is false)."""
    clock = Clock()
    root = cluster("root", [leaf("a1"), leaf("a2", rule("pre", "skip", "timeLimitExceeded")), leaf("a3")])
    engine = Sequencer(root, now=clock)
    engine.navigate("start")
    engine.navigate("continue")
    clock.advance(days=30)
    engine.navigate("continue")
    assert delivered(engine, "previous") == "a2"


def test_outside_available_time_range_drives_a_skip_rule() -> None:
    """``outsideAvailableTimeRange`` before beginTimeLimit: a skip rule passes over the activity."""
    clock = Clock()
    root = cluster("root", [leaf("a1"), limited("live", rule("pre", "skip", "outsideAvailableTimeRange"),
                                                begin_time_limit=clock.iso(hours=2)), leaf("a3")])
    engine = Sequencer(root, now=clock)
    engine.navigate("start")
    assert delivered(engine, "continue") == "a3"
    clock.advance(hours=3)
    assert delivered(engine, "previous") == "live"


def test_outside_available_time_range_is_false_without_time_limits() -> None:
    root = cluster("root", [leaf("a1"), leaf("a2", rule("pre", "skip", "outsideAvailableTimeRange"))])
    engine = Sequencer(root, now=Clock())
    engine.navigate("start")
    assert delivered(engine, "continue") == "a2"


def test_time_limit_exceeded_on_an_active_cluster_fires_its_exit_rule() -> None:
    """TB.2.1 on an active cluster: its running attempt duration counts for the condition."""
    clock = Clock()
    module = cluster("module", [leaf("m1"), leaf("m2")], rule("exit", "exit", "timeLimitExceeded"))
    module.sequencing.limit_conditions = LimitConditions(attempt_absolute_duration_limit="PT30M")
    engine = Sequencer(cluster("root", [module, leaf("wrap_up")]), now=clock)
    engine.navigate("start")
    clock.advance(minutes=31)
    engine.report(DONE)
    trace = engine.navigate("continue")
    assert any("exitConditionRule 'exit' fired on module" in line for line in trace.lines())
    assert trace.delivered == "wrap_up"


# --- import (CAM §5.1.6) ----------------------------------------------------------------------


def test_the_import_carries_every_limit_condition_and_warns_about_bad_values() -> None:
    xml = """<imsss:sequencing xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
      <imsss:limitConditions attemptLimit="3" attemptAbsoluteDurationLimit="PT45M"
        activityAbsoluteDurationLimit="P1D" attemptExperiencedDurationLimit="PT0.125S"
        beginTimeLimit="2026-03-01T08:00:00Z" endTimeLimit="soon" activityExperiencedDurationLimit="1h"/>
    </imsss:sequencing>"""
    warnings: list[str] = []
    seq = sequencing_definition.build(sequencing_definition.parts(etree.fromstring(xml), "quiz", warnings),
                                      "quiz", warnings)
    limits = seq.limit_conditions
    assert (limits.attempt_limit, limits.attempt_absolute_duration_limit, limits.activity_absolute_duration_limit,
            limits.attempt_experienced_duration_limit, limits.begin_time_limit) == (
        3, "PT45M", "P1D", "PT0.125S", "2026-03-01T08:00:00Z")
    assert limits.end_time_limit is None and limits.activity_experienced_duration_limit is None
    assert any("endTimeLimit='soon' is not an xs:dateTime" in w for w in warnings)
    assert any("activityExperiencedDurationLimit='1h' is not an xs:duration" in w for w in warnings)


# --- SR.1 / SR.2 timing (SN §3.12) -------------------------------------------------------------


def _quiz(**controls: Any) -> Activity:
    quiz = cluster("quiz", [leaf(f"q{i}") for i in range(1, 6)])
    quiz.sequencing.randomization = RandomizationControls(**controls)
    return cluster("root", [quiz, leaf("results")])


def _attempt(engine: Sequencer, first: str | None) -> list[str]:
    """The quiz's questions in the order flow delivers them, from ``first`` to the results."""
    seen = []
    current = first
    while current is not None and current.startswith("q"):
        seen.append(current)
        engine.report(DONE)
        current = delivered(engine, "continue")
    assert current == "results"
    return seen


def test_sr_2_on_each_new_attempt_reorders_the_questions_for_every_retry() -> None:
    """SR.2 with randomizationTiming onEachNewAttempt: each new attempt on the quiz walks a new
    order, and an attempt never changes order while it is under way."""
    engine = Sequencer(_quiz(randomization_timing="onEachNewAttempt", reorder_children=True), seed=7)
    orders = [_attempt(engine, delivered(engine, "start"))]
    for _ in range(4):
        orders.append(_attempt(engine, delivered(engine, "choice", "quiz")))
    assert all(sorted(order) == ["q1", "q2", "q3", "q4", "q5"] for order in orders)  # no question lost
    assert len({tuple(order) for order in orders}) > 1


def test_sr_2_once_keeps_one_order_for_every_retry() -> None:
    engine = Sequencer(_quiz(randomization_timing="once", reorder_children=True), seed=7)
    orders = [_attempt(engine, delivered(engine, "start"))]
    for _ in range(3):
        orders.append(_attempt(engine, delivered(engine, "choice", "quiz")))
    assert len({tuple(order) for order in orders}) == 1


def test_sr_1_on_each_new_attempt_selects_new_questions_for_every_retry() -> None:
    """SR.1 with selectionTiming onEachNewAttempt and selectCount 2: two questions, in tree
    order, chosen again for each new attempt."""
    engine = Sequencer(_quiz(selection_timing="onEachNewAttempt", select_count=2), seed=11)
    picks = [_attempt(engine, delivered(engine, "start"))]
    for _ in range(5):
        picks.append(_attempt(engine, delivered(engine, "choice", "quiz")))
    assert all(len(pick) == 2 and pick == sorted(pick) for pick in picks)
    assert len({tuple(pick) for pick in picks}) > 1


def test_a_resumed_registration_keeps_the_order_it_was_given() -> None:
    """The order is part of the serialised state: after suspend all, resume all walks the rest of
    the same order, whatever the new sequencer's seed."""
    engine = Sequencer(_quiz(randomization_timing="onEachNewAttempt", reorder_children=True), seed=5)
    engine.navigate("start")
    order = [c.id for c in engine.tree.nodes["quiz"].children]
    engine.report(DONE)
    engine.navigate("continue")
    engine.report({"cmi.exit": "suspend"})
    engine.navigate("suspendAll")
    later = Sequencer(_quiz(randomization_timing="onEachNewAttempt", reorder_children=True), seed=99)
    later.restore(json.loads(json.dumps(engine.state())))
    assert delivered(later, "resumeAll") == order[1]
    assert _attempt(later, order[1]) == order[1:]


def _unselected_current(select_count: int) -> Sequencer:
    """A first choice of a cluster that cannot be entered (flow off) makes it the current
    activity (SB.2.9 step 12, exception SB.2.9-7); the root's selection, made afterwards for the
    first session, may leave that cluster out of the available children."""
    module = cluster("module", [leaf("l2")])
    module.sequencing.control_mode = ControlMode(choice=False, flow=False)
    root = cluster("root", [leaf("l1"), module] if select_count else [module])
    root.sequencing.control_mode = ControlMode(choice=True, flow=bool(not select_count))
    root.sequencing.randomization = RandomizationControls(selection_timing="onEachNewAttempt",
                                                          select_count=select_count)
    engine = Sequencer(root, seed=1)
    trace = engine.navigate("choice", "module")
    assert trace.exception == "SB.2.9-7" and engine.current is not None
    assert engine.current.id == "module" and engine.tree.nodes["module"] not in \
        engine.tree.root.children
    return engine


def test_choice_from_a_current_activity_left_out_by_selection() -> None:
    """SB.2.9 case 2 compares the current activity's and the target's places among the
    siblings; a current activity selection left out has none, so it is treated as case 5 (found
    by the property test: this raised ValueError)."""
    engine = _unselected_current(1)
    assert engine.request_valid()["choice.{target=l1}"] == "true"
    assert delivered(engine, "choice", "l1") == "l1"


def test_flow_from_a_cluster_with_no_available_children() -> None:
    """SB.2.1: flow from an activity whose parent has no available children (selectCount 0)
    leaves the cluster instead of indexing an empty list (found by the property test)."""
    engine = _unselected_current(0)
    assert engine.request_valid()["continue"] in {"true", "false"}
    trace = engine.navigate("continue")
    assert trace.exception is None or trace.exception in EXCEPTIONS
