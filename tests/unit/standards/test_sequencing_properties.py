"""Property: on any generated activity tree (random control modes, pre/post/exit rules, attempt,
duration and time limits, time-based rule conditions, selection and randomisation timings,
rollup rules), any series of navigation requests, SCO reports and clock advances either
succeeds or is refused with a sequencing exception of SN Appendix D — the engine never raises,
and every cluster's available children stay a subset of its children."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.standards.activity_tree import (
    Activity,
    ControlMode,
    LimitConditions,
    RandomizationControls,
    Sequencing,
)
from chalicelib.standards.scorm2004.sequencing import EXCEPTIONS, Sequencer
from chalicelib.standards.scorm2004.sequencing.navigation import NAVIGATION_REQUESTS
from tests.builders.activity_trees import rollup_rule, rule
from tests.builders.clock import Clock

START = Clock()

CONDITIONS = ["satisfied", "not satisfied", "completed", "attempted", "objectiveStatusKnown",
              "activityProgressKnown", "always", "not always", "attemptLimitExceeded", "bogus",
              "timeLimitExceeded", "not timeLimitExceeded", "outsideAvailableTimeRange"]
DURATIONS = [None, "PT0S", "PT5M", "PT1H", "P1D"]
MOMENTS = [None, START.iso(hours=-1), START.iso(hours=1), START.iso(days=2)]
TIMINGS = ["never", "once", "onEachNewAttempt"]
PRE = ["skip", "disabled", "hiddenFromChoice", "stopForwardTraversal"]
POST = ["exitParent", "exitAll", "retry", "retryAll", "continue", "previous"]


@st.composite
def sequencing(draw: st.DrawFn) -> Sequencing:
    rules = []
    for kind, actions in (("pre", PRE), ("post", POST), ("exit", ["exit"])):
        for _ in range(draw(st.integers(0, 1))):
            rules.append(rule(kind, draw(st.sampled_from(actions)),
                              *draw(st.lists(st.sampled_from(CONDITIONS), min_size=1, max_size=2)),
                              combination=draw(st.sampled_from(["all", "any"]))))
    return Sequencing(
        control_mode=ControlMode(choice=draw(st.booleans()), choice_exit=draw(st.booleans()),
                                 flow=draw(st.booleans()), forward_only=draw(st.booleans())),
        rules=rules,
        limit_conditions=LimitConditions(
            attempt_limit=draw(st.sampled_from([None, 1, 2])),
            attempt_absolute_duration_limit=draw(st.sampled_from(DURATIONS)),
            attempt_experienced_duration_limit=draw(st.sampled_from(DURATIONS)),
            activity_absolute_duration_limit=draw(st.sampled_from(DURATIONS)),
            activity_experienced_duration_limit=draw(st.sampled_from(DURATIONS)),
            begin_time_limit=draw(st.sampled_from(MOMENTS)), end_time_limit=draw(st.sampled_from(MOMENTS))),
        randomization=RandomizationControls(
            randomization_timing=draw(st.sampled_from(TIMINGS)), select_count=draw(st.sampled_from([None, 0, 1, 2])),
            reorder_children=draw(st.booleans()), selection_timing=draw(st.sampled_from(TIMINGS))),
        rollup_rules=draw(st.lists(st.builds(
            lambda a, c, s: rollup_rule(a, c, child_set=s),
            st.sampled_from(["satisfied", "notSatisfied", "completed", "incomplete"]),
            st.sampled_from(CONDITIONS), st.sampled_from(["all", "any", "none"])), max_size=2)),
    )


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> Activity:
    counter = draw(st.integers(0, 10**6))
    if depth >= 2 or draw(st.booleans()) and depth > 0:
        return Activity(f"l{depth}_{counter}", "leaf", "SCO", href="x.html", sequencing=draw(sequencing()))
    children = draw(st.lists(trees(depth + 1), min_size=1, max_size=3))
    for index, child in enumerate(children):
        child.identifier += f"_{index}"
    return Activity(f"c{depth}_{counter}", "cluster", children=children, sequencing=draw(sequencing()))


REPORTS = st.sampled_from([
    {}, {"cmi.completion_status": "completed", "cmi.success_status": "passed"},
    {"cmi.completion_status": "incomplete", "cmi.success_status": "failed", "cmi.score.scaled": "0.2"},
    {"cmi.exit": "suspend"}, {"cmi.session_time": "PT20M", "cmi.total_time": "PT40M"},
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees(), steps=st.lists(st.tuples(st.sampled_from(sorted(NAVIGATION_REQUESTS)),
                                              st.integers(0, 20), REPORTS, st.sampled_from([0, 3, 45, 1500])),
                                    max_size=12))
def test_no_navigation_request_raises_anything_but_a_spec_exception(
        tree: Activity, steps: list[tuple[str, int, dict[str, str], int]]) -> None:
    clock = Clock(START.at)
    engine = Sequencer(tree, seed=1, now=clock)
    ids = [a.identifier for a in tree.walk()]
    for request, pick, report, minutes in steps:
        clock.advance(minutes=minutes)
        engine.report(report)
        trace = engine.navigate(request, ids[pick % len(ids)])
        assert trace.exception is None or trace.exception in EXCEPTIONS
        if trace.delivered:
            assert engine.tree.nodes[trace.delivered].is_leaf
        before = engine.tree.state()
        engine.request_valid()
        assert engine.tree.state() == before  # request_valid tries requests without a trace
        for node in engine.tree.preorder:
            assert {c.id for c in node.children} <= {c.id for c in node.all_children}
            assert all(value is None or value.startswith("P") for value in engine.durations(node.id).values())
