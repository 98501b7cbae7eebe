"""Replays ADL's SCORM 2004 4th Ed. sequencing cases (CT, OB, RU, SX, CO, CM, MS, T) against our
sequencing engine, and the data-model cases (API, DMB, DMI, DDM) against the API state machine.

For a sequencing case: the case's manifest is imported through our package reader (a zip of the
manifest with stub files, ``tests/builders/course_zip.adl_case_zip``), a :class:`Sequencer` is
started on the imported tree, and each visit ``ActNVm`` of the case must be the activity the
engine delivers next. The visit's commands run against our SCORM 2004 API bound to a stub SCO
(every return value and error code checked, with ``adl.nav.request_valid`` answered by the
engine); its run-time data goes back to the engine; then the SCO's ``adl.nav.request`` and, if
that delivered nothing, the visit's ``CUI`` (the tester's next action) are issued. After the last
visit nothing more may be delivered.

The tester actions (``CUI``) are read as: ``Continue``/``Previous``/``Choice~<title>`` the
navigation request; ``Relaunch…`` close (suspend all if the SCO asked to suspend, else exit all)
and launch again (resume all if suspended, else start, or the choice of the activity the
instruction names: ``CHOOSE_AFTER_RELAUNCH``); ``Suspend…`` suspend all and launch again;
``Exit…`` (named) exit the course attempt and start a new one; ``Root…`` choose the root;
``ContinueExit…`` continue, then launch again if the session ended; bare ``Exit`` exit all.

Run alone: ``python -m tests.conformance.adl_sequencing`` (``make conformance``, which fetches the
suite first when no copy is found: ``tests/conformance/run_adl.sh``). The data is wherever
:mod:`tests.conformance.adl_suite` finds it.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from chalicelib.runtime.scorm2004_api import Scorm2004Api
from chalicelib.runtime.scorm2004_attempt import (
    Launch2004,
    SharedDataMap,
    new_attempt,
    relaunch,
    shared_stores,
)
from chalicelib.runtime.sequencing import tracking_values
from chalicelib.standards import read_package as import_package
from chalicelib.standards.scorm2004.sequencing import Sequencer
from tests.conformance import adl_suite
from tests.conformance.adl_cases import Call, Visit, read_case, read_properties
from tests.conformance.adl_lms import LEARNER_ID, LEARNER_NAME, AdlLms, Outcome, replay
from tests.conformance.adl_lms import read_package as read_lms_package

if TYPE_CHECKING:
    from chalicelib.results.runtime_data import RuntimeData
    from chalicelib.standards.activity_tree import Activity, CourseStructure
    from chalicelib.standards.scorm2004.sequencing.state import GlobalObjective, Node

SEQUENCING_FAMILIES = ("CT", "OB", "RU", "SX", "CO", "CM", "MS", "T")
DATA_MODEL_CASES = {"API": ["API"], "DMB": ["DMB"], "DMI": ["DMI"], "DDM": ["DDMa", "DDMb"]}
FAMILIES = (*SEQUENCING_FAMILIES, *DATA_MODEL_CASES)


def family(case: str) -> str:
    return case.split("-", 1)[0]


def sequencing_cases() -> list[str]:
    """The sequencing families' test cases (empty when the suite is not available)."""
    return [case for case in adl_suite.test_case_names() if family(case) in SEQUENCING_FAMILIES]


def import_structure(case: str) -> CourseStructure:
    """The case's manifest through our import (zip with stub files -> read_package)."""
    from tests.builders.course_zip import adl_case_zip

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{case}.zip"
        path.write_bytes(adl_case_zip(case))
        reading = import_package(path, path.name)
        try:
            return reading.structure
        finally:
            reading.close()


@dataclass
class CaseResult:
    case: str
    passed: bool = False
    reason: str = ""
    delivered: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    trace: list[str] = field(default_factory=list)


@dataclass
class System:
    """What the LMS keeps for the learner across courses: global objectives and shared data."""

    objectives: dict[str, GlobalObjective] = field(default_factory=dict)
    shared_data: dict[str, str] = field(default_factory=dict)


_NAV = re.compile(r"^\{target=(?P<target>[^}]*)\}(?P<request>choice|jump)$")

#: Tester instructions that name the activity to choose from the menu after the relaunch (the
#: suite's Instructions.properties text for the ``CUI`` key, e.g. "relaunch ... and then choose
#: Activity 4"); every other relaunch starts the course as usual.
CHOOSE_AFTER_RELAUNCH = {"RelaunchCM10": "Activity 4"}


class CaseRunner:
    """One learner's registration on one case's course."""

    def __init__(self, case: str, system: System | None = None) -> None:
        self.case = case
        self.structure = import_structure(case)
        system = system or System()
        self.engine = Sequencer(self.structure.root, seed=7, global_objectives=(
            system.objectives if self.structure.objectives_global_to_system else None),
            objectives_global_to_system=self.structure.objectives_global_to_system)
        if self.structure.shared_data_global_to_system:
            self.engine.tree.shared_data = system.shared_data
        self.attempts: dict[str, tuple[int, RuntimeData]] = {}
        self.result = CaseResult(case)

    # --- the stub SCO ---------------------------------------------------------------------

    def _launch(self, node: Node) -> Launch2004:
        activity: Activity = node.activity
        threshold = activity.completion_threshold
        primary = node.objectives[node.primary_key or ""]
        stores = self.engine.tree.shared_data
        return Launch2004(
            learner_id=LEARNER_ID,
            learner_name=LEARNER_NAME,
            launch_data=activity.data_from_lms or None,
            completion_threshold=str(threshold.min_progress_measure) if threshold.completed_by_measure else None,
            scaled_passing_score=str(primary.min_normalized_measure) if primary.satisfied_by_measure else None,
            time_limit_action=activity.time_limit_action or None,
            max_time_allowed=activity.sequencing.limit_conditions.attempt_absolute_duration_limit or None,
            objective_ids=tuple(o.objective_id for o in activity.sequencing.objectives if o.objective_id),
            shared_data=tuple(SharedDataMap(m.target_id, m.read_shared_data, m.write_shared_data,
                                            stores.get(m.target_id)) for m in activity.shared_data),
            nav_valid=self.engine.request_valid(),
        )

    def play(self, visit: Visit, node: Node) -> dict[str, str]:
        launch = self._launch(node)
        previous = self.attempts.get(node.id)
        if previous is not None and previous[0] == node.track.attempt_count:
            data = relaunch(previous[1], launch)
        else:
            data = new_attempt(launch)
        # what sequencing knows of each objective (global reads included) is there at launch
        known = self.engine.launch_objectives(node)
        for index in range(data.counts.get("cmi.objectives", 0)):
            ident = data.values.get(f"cmi.objectives.{index}.id", "")
            for name, value in known.get(ident, {}).items():
                data.values[f"cmi.objectives.{index}.{name}"] = value
        api = Scorm2004Api(launch, data)
        label = f"Act{visit.activity}V{visit.visit}"
        for call in visit.calls:
            self.result.outcomes.append(self._call(api, launch, label, call))
        if api.state.value == "running":
            if visit.ui in ("Continue", "Previous") or visit.ui.startswith(("Choice~", "Suspend")):
                # the tester navigates in the LMS before the SCO terminates: the LMS ends the
                # session and the tester's request replaces the SCO's pending one (SN §4.4.3)
                api.SetValue("adl.nav.request", "_none_")
            api.Terminate("")
        self.attempts[node.id] = (node.track.attempt_count, api.data)
        self.engine.tree.shared_data.update(shared_stores(api.data, launch))
        values = tracking_values(api.data)
        self.engine.report(values)
        return values

    def _call(self, api: Scorm2004Api, launch: Launch2004, label: str, call: Call) -> Outcome:
        """One command of the test SCO against our API (``&id&`` resolved as the SCO does)."""
        element = call.element
        for target in call.map_refs:
            element = element.replace(f"&{target}&", str(_index_of(api.data, launch, element, target)))
        if call.method == "CompareObjectiveIds":
            return Outcome(label, call, _compare_ids(api.data, call.element), "")
        if call.method == "GetValue" and call.map_refs and element.endswith(".id") and not call.expected:
            call = replace(call, expected=call.map_refs[-1])  # the SCO found the index by this id
        return replay(api, label, call, element)

    # --- navigation -----------------------------------------------------------------------

    def navigate(self, request: str, target: str | None = None) -> str | None:
        trace = self.engine.navigate(request, target)
        self.result.trace.extend(trace.lines())
        if trace.delivered:
            self.result.delivered.append(trace.delivered)
        return trace.delivered

    def sco_request(self, values: dict[str, str]) -> str | None:
        request = values.get("adl.nav.request", "_none_")
        exit_value = values.get("cmi.exit", "")
        if request == "_none_":
            if exit_value in ("time-out", "logout"):
                return self.navigate("exitAll")
            return None
        match = _NAV.match(request)
        if match:
            return self.navigate(match["request"], match["target"])
        return self.navigate(request)

    def _by_title(self, title: str) -> str | None:
        if "root of" in title:
            return self.engine.tree.root.id
        return next((n.id for n in self.engine.tree.preorder if n.activity.title.strip() == title.strip()), None)

    def _expected_id(self, number: str) -> str:
        """Visit ``ActN`` is the item ``activity_N``, or else the item titled "Activity N"."""
        ident = f"activity_{number}"
        if ident in self.engine.tree.nodes:
            return ident
        return self._by_title(f"Activity {number}") or ident

    def _launch_again(self, *, fresh: bool = False, choose: str = ".") -> str | None:
        if fresh:
            self.engine.tree.suspended = None
        if self.engine.tree.suspended is not None:
            return self.navigate("resumeAll")
        return self._start(choose)

    def _start(self, title: str) -> str | None:
        """Launch: a start request; without flow at the root the tester picks from the menu
        (the case's start activity, "." = the first entry)."""
        delivered = self.navigate("start")
        if delivered is None:
            first = next(n.id for n in self.engine.tree.preorder if n.is_leaf)
            delivered = self.navigate("choice", self._by_title(title) if title != "." else first)
        return delivered

    def ui(self, cui: str, values: dict[str, str]) -> str | None:  # noqa: C901, PLR0911
        """The tester's action after a visit (see the module docstring)."""
        engine = self.engine
        running = engine.current is not None
        if cui == "Continue":
            return self.navigate("continue")
        if cui == "Previous":
            return self.navigate("previous")
        if cui.startswith(("Choice~", "ChoiceExit~")):
            return self.navigate("choice", self._by_title(cui.split("~", 1)[1]))
        if cui.startswith("Root"):
            return self.navigate("choice", engine.tree.root.id)
        if cui.startswith("ContinueExit"):
            delivered = self.navigate("continue")
            return delivered or (self._launch_again() if engine.current is None else None)
        if cui.startswith("Relaunch") or cui.lower().startswith("relaunch"):
            if running:
                self.navigate("suspendAll" if values.get("cmi.exit") == "suspend" else "exitAll")
            return self._launch_again(choose=CHOOSE_AFTER_RELAUNCH.get(cui, "."))
        if cui.startswith("Suspend"):
            if running:
                self.navigate("suspendAll")
            return self._launch_again()
        if cui.startswith("Exit") and cui != "Exit":
            if running:
                self.navigate("exitAll")
            return self._launch_again(fresh=True)
        if cui in ("Exit", "TRIGExitAll") and running:
            self.navigate("exitAll")
        return None

    # --- the case -------------------------------------------------------------------------

    def run(self) -> CaseResult:
        visits = read_case(self.case)
        result = self.result
        delivered = self._start(_start_title(self.case))
        for number, visit in enumerate(visits):
            expected = self._expected_id(visit.activity)
            if delivered != expected:
                result.reason = (f"visit {number + 1} (Act{visit.activity}V{visit.visit}): expected "
                                 f"{expected}, engine delivered {delivered or 'nothing'}")
                return result
            node = self.engine.tree.nodes[expected]
            values = self.play(visit, node)
            delivered = self.sco_request(values)
            if delivered is None and visit.ui:
                delivered = self.ui(visit.ui, values)
        if delivered is not None:
            result.reason = f"after the last visit the engine delivered {delivered}"
            return result
        failures = [o for o in result.outcomes if not o.passed]
        if failures:
            first = failures[0]
            result.reason = (f"{len(failures)} command(s) answered wrongly, first {first.visit} "
                             f"{first.call.raw}: got {first.returned!r} error {first.error}")
            return result
        result.passed = True
        return result


def _start_title(case: str) -> str:
    for key, value in read_properties(adl_suite.test_case(case)):
        if key == "start":
            return value
    return ""


def _index_of(data: RuntimeData, launch: Launch2004, element: str, target: str) -> int:
    """The index a test SCO finds for ``&id&``: the cmi.objectives entry (or adl.data map) with
    that id; a new objective takes the next free index."""
    if element.startswith("adl.data"):
        return next((i for i, m in enumerate(launch.shared_data) if m.target_id == target), 0)
    count = data.counts.get("cmi.objectives", 0)
    ids = [data.values.get(f"cmi.objectives.{i}.id", "") for i in range(count)]
    return ids.index(target) if target in ids else count  # ids are case-sensitive


def _compare_ids(data: RuntimeData, listed: str) -> str:
    """The SCO's compareObjIds check: cmi.objectives holds exactly the listed ids ("" if so)."""
    count = data.counts.get("cmi.objectives", 0)
    ids = sorted(data.values.get(f"cmi.objectives.{i}.id", "") for i in range(count))
    wanted = sorted(listed.split(",")) if "lengthOfString" not in listed else ids
    return "" if ids == wanted else f"objective ids {ids}, expected {wanted}"


def earlier_parts(case: str) -> list[str]:
    """The cases a multi-package case builds on (OB-03c after OB-03a and OB-03b): the learner
    takes them first, so global objectives and shared data carry over (objectivesGlobalToSystem)."""
    match = re.fullmatch(r"(.*\d)([a-z]+)", case)
    if not match:
        return []
    return [c for c in sequencing_cases() if re.fullmatch(re.escape(match[1]) + r"[a-z]+", c) and c < case]


def run_case(case: str) -> CaseResult:
    try:
        system = System()
        for earlier in earlier_parts(case):
            CaseRunner(earlier, system).run()
        return CaseRunner(case, system).run()
    except Exception as error:  # noqa: BLE001 -- a harness or engine crash is a failed case, with its cause
        return CaseResult(case, False, f"crashed: {type(error).__name__}: {error}")


def run_data_model_case(case: str) -> CaseResult:
    lms = AdlLms([read_lms_package(name) for name in DATA_MODEL_CASES[case]])
    outcomes: list[Outcome] = []
    for visit in read_case(case):
        outcomes.extend(lms.play(visit))
    failures = [o for o in outcomes if not o.passed]
    return CaseResult(case, not failures and bool(outcomes),
                      f"{len(failures)} command(s) answered wrongly" if failures else "", outcomes=outcomes)


def main() -> int:
    if not adl_suite.available():
        print(adl_suite.missing_reason(), file=sys.stderr)
        return 2
    results = [run_case(case) for case in sequencing_cases()]
    results += [run_data_model_case(case) for case in DATA_MODEL_CASES]
    passed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    verbose = "-v" in sys.argv
    for result in results:
        total[family(result.case)] += 1
        passed[family(result.case)] += result.passed
        if verbose and not result.passed:
            print(f"FAIL {result.case}: {result.reason}")
    for name in FAMILIES:
        print(f"{name:4} {passed[name]:3} / {total[name]:3}")
    good = sum(passed.values())
    print(f"ADL SCORM 2004 cases: {good} passed, {len(results) - good} failed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
