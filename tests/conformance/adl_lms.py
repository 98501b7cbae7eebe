"""A minimal LMS around our SCORM 2004 API instance, enough to replay ADL's LMS test cases.

It reads from each test package's manifest what the LMS sets before launch (completion threshold,
scaled passing score, launch data, time limit action, shared data maps), keeps each activity's
attempt data between visits (resume after a suspend, a new attempt otherwise), keeps the shared
data stores (``adl.data``, global to the system unless the organization says otherwise), and
delivers the visits in the order the case file lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from chalicelib.runtime.scorm2004_api import Scorm2004Api
from chalicelib.runtime.scorm2004_attempt import (
    Launch2004,
    SharedDataMap,
    continues,
    new_attempt,
    relaunch,
    shared_stores,
)
from tests.conformance.adl_cases import ADL_DIR, Call, Visit

if TYPE_CHECKING:
    from pathlib import Path

    from chalicelib.runtime.api_state import RuntimeData

NS = {
    "cp": "http://www.imsglobal.org/xsd/imscp_v1p1",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
    "imsss": "http://www.imsglobal.org/xsd/imsss",
}
LEARNER_ID = "nimbus-learner-1"
LEARNER_NAME = "Nimbus Tester"


@dataclass
class Item:
    identifier: str
    completion_threshold: str | None = None
    scaled_passing_score: str | None = None
    launch_data: str | None = None
    time_limit_action: str | None = None
    objective_ids: tuple[str, ...] = ()
    maps: tuple[SharedDataMap, ...] = ()


@dataclass
class Package:
    name: str
    global_data: bool
    items: dict[str, Item] = field(default_factory=dict)
    flow: bool = False  # the organization's imsss:controlMode (SN 3.2.1 defaults)
    choice: bool = True
    forward_only: bool = False

    def nav_valid(self, identifier: str) -> dict[str, str]:
        """adl.nav.request_valid answers for a SCO of this flat organization (what our sequencer
        will compute; here from the control modes alone, enough for these cases)."""
        order = list(self.items)
        position = order.index(identifier)
        answers = {
            "continue": _tf(self.flow and position + 1 < len(order)),
            "previous": _tf(self.flow and not self.forward_only and position > 0),
        }
        for other in order:
            answers[f"choice.{{target={other}}}"] = _tf(self.choice)
            answers[f"jump.{{target={other}}}"] = "true"
        return answers


def _tf(flag: bool) -> str:
    return "true" if flag else "false"


def _bool(value: str | None, default: bool) -> bool:
    return default if value is None else value.strip().lower() == "true"


def read_package(name: str, manifest: Path | None = None) -> Package:
    """The launch-relevant parts of ``manifests/<name>.xml`` (CAM 3.4.1 / SN 5.1 / RTE 4.3)."""
    tree = etree.parse(str(manifest or ADL_DIR / "manifests" / f"{name}.xml"))
    org = tree.find(".//cp:organization", NS)
    assert org is not None
    package = Package(name, _bool(org.get(f"{{{NS['adlcp']}}}sharedDataGlobalToSystem"), True))
    control = org.find("imsss:sequencing/imsss:controlMode", NS)
    if control is not None:
        package.flow = _bool(control.get("flow"), False)
        package.choice = _bool(control.get("choice"), True)
        package.forward_only = _bool(control.get("forwardOnly"), False)
    for node in org.iter(f"{{{NS['cp']}}}item"):
        item = Item(node.get("identifier", ""))
        threshold = node.find("adlcp:completionThreshold", NS)
        if threshold is not None and _bool(threshold.get("completedByMeasure"), False):
            item.completion_threshold = threshold.get("minProgressMeasure", "1.0")
        primary = node.find("imsss:sequencing/imsss:objectives/imsss:primaryObjective", NS)
        if primary is not None and _bool(primary.get("satisfiedByMeasure"), False):
            measure = primary.find("imsss:minNormalizedMeasure", NS)
            item.scaled_passing_score = measure.text.strip() if measure is not None and measure.text else "1.0"
        data_from_lms = node.find("adlcp:dataFromLMS", NS)
        if data_from_lms is not None:
            item.launch_data = data_from_lms.text or ""
        action = node.find("adlcp:timeLimitAction", NS)
        if action is not None:
            item.time_limit_action = (action.text or "").strip()
        ids = [o.get("objectiveID") for o in node.findall("imsss:sequencing/imsss:objectives/*", NS)]
        item.objective_ids = tuple(i for i in ids if i)
        item.maps = tuple(
            SharedDataMap(
                m.get("targetID", "").strip(),
                _bool(m.get("readSharedData"), True),
                _bool(m.get("writeSharedData"), True),
            )
            for m in node.findall("adlcp:data/adlcp:map", NS)
        )
        package.items[item.identifier] = item
    return package


@dataclass
class Outcome:
    """One replayed call: what the case expects and what our API answered."""

    visit: str
    call: Call
    returned: str
    error: str

    @property
    def passed(self) -> bool:
        if self.call.method == "GetValue" and self.call.expected == ANY_VALUE:
            return True  # "a valid value or error code": comments_from_lms is the LMS's choice
        return self.error == self.call.error and _matches(self.call, self.returned)


ANY_VALUE = "Returned a valid value or error code"
# Delimiters whose value is the default may be kept or dropped by the LMS (RTE 4.2.9.1).
_DEFAULT_DELIMITERS = ("{case_matters=false}", "{order_matters=true}", "{lang=en}")
_DELIMITER = re.compile(r"^\{(case_matters|order_matters|lang)=[^}]*\}")


def _canonical_response(value: str) -> tuple[frozenset[str], str]:
    """A pattern's leading delimiters as a set (defaults dropped) and the rest of the value."""
    delimiters: set[str] = set()
    while (match := _DELIMITER.match(value)) is not None:
        if match.group(0) not in _DEFAULT_DELIMITERS:
            delimiters.add(match.group(0))
        value = value[match.end() :]
    return frozenset(delimiters), value


def _numbers_equal(a: str, b: str) -> bool:
    try:
        return float(a) == float(b)
    except ValueError:
        return False


_PLACEHOLDERS = {
    "A characterstring value less than 255 characters": lambda text: len(text) < 255,
    "An empty characterstring value": lambda text: text == "",
}


def _matches(call: Call, returned: str) -> bool:
    """How ADL's test SCOs compare: _children as a set (its order is not specified, RTE 4.1.3),
    reals by value (the case reads "0.0" back once as "0" and once as "0.0"), interaction
    patterns by meaning (default delimiters optional, delimiters in any order), learner id and
    name against the learner the LMS launched with, GetErrorString/GetDiagnostic by length."""
    expected = call.expected
    if call.method in ("GetErrorString", "GetDiagnostic") and expected in _PLACEHOLDERS:
        return _PLACEHOLDERS[expected](returned)
    if call.method != "GetValue" or returned == expected:
        return returned == expected
    learner = {"cmi.learner_id": LEARNER_ID, "cmi.learner_name": LEARNER_NAME}
    if call.element in learner:
        return returned == learner[call.element]
    if call.element.endswith("._children"):
        return set(expected.split(",")) == set(returned.split(","))
    if call.expected_type:
        return _canonical_response(expected) == _canonical_response(returned)
    return _numbers_equal(expected, returned)


class AdlLms:
    """Delivers the visits of one case to fresh or resumed API instances."""

    def __init__(self, packages: list[Package]) -> None:
        self.packages = {p.name: p for p in packages}
        self.attempts: dict[tuple[str, str], RuntimeData] = {}
        self.stores: dict[tuple[str, str], str] = {}
        self.current: str | None = None
        self.suspended: set[str] = set()  # packages whose last session ended with suspendAll

    def _enter(self, package: Package) -> None:
        """Launching a package starts a new attempt on it unless it was left with suspendAll:
        the activities' attempts and its own (not global) shared data start empty (RTE 4.3)."""
        if self.current == package.name:
            return
        self.current = package.name
        if package.name in self.suspended:
            self.suspended.discard(package.name)
            return
        for key in [k for k in self.attempts if k[0] == package.name]:
            del self.attempts[key]
        for key in [k for k in self.stores if k[0] == package.name]:
            del self.stores[key]

    def _item(self, activity: str) -> tuple[Package, Item]:
        number = activity.rstrip("abcdefghijklmnopqrstuvwxyz")
        suffix = activity[len(number) :]
        # "1a" is activity_1 of package DDMa; plain "1" is activity_1 of the case's only package.
        package = next(p for n, p in self.packages.items() if not suffix or n.lower().endswith(suffix))
        return package, package.items[f"activity_{number}"]

    def _launch(self, package: Package, item: Item) -> Launch2004:
        scope = "system" if package.global_data else package.name
        maps = tuple(
            SharedDataMap(m.target_id, m.readable, m.writable, self.stores.get((scope, m.target_id)))
            for m in item.maps
        )
        return Launch2004(
            learner_id=LEARNER_ID,
            learner_name=LEARNER_NAME,
            launch_data=item.launch_data,
            completion_threshold=item.completion_threshold,
            scaled_passing_score=item.scaled_passing_score,
            time_limit_action=item.time_limit_action,
            objective_ids=item.objective_ids,
            shared_data=maps,
            nav_valid=package.nav_valid(item.identifier),
        )

    def play(self, visit: Visit) -> list[Outcome]:
        package, item = self._item(visit.activity)
        self._enter(package)
        launch = self._launch(package, item)
        key = (package.name, item.identifier)
        previous = self.attempts.get(key)
        data = relaunch(previous, launch) if previous is not None and continues(previous) else new_attempt(launch)
        api = Scorm2004Api(launch, data)
        label = f"Act{visit.activity}V{visit.visit}"
        outcomes = [self._call(api, launch, label, call) for call in visit.calls]
        if api.state.value == "running":
            assert api.Terminate("") == "true", f"{label}: Terminate failed with {api.GetLastError()}"
        self.attempts[key] = api.data
        if api.data.values.get("adl.nav.request") == "suspendAll":
            self.suspended.add(package.name)
        if visit.ui.lower().startswith(("relaunch", "exitlaunch", "autoendrelaunch")):
            self.current = None
        scope = "system" if package.global_data else package.name
        for target, store in shared_stores(api.data, launch).items():
            self.stores[(scope, target)] = store
        return outcomes

    def _call(self, api: Scorm2004Api, launch: Launch2004, label: str, call: Call) -> Outcome:
        element = call.element
        for target in call.map_refs:
            index = next(i for i, m in enumerate(launch.shared_data) if m.target_id == target)
            element = element.replace(f"&{target}&", str(index))
        method = getattr(api, call.method)
        if call.method == "SetValue":
            returned = method(element, call.value)
        elif call.method == "GetLastError":
            returned = method()
        else:
            returned = method(element)
        return Outcome(label, call, returned, api.GetLastError())
