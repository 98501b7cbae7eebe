"""Every ADL SCORM 2004 4th Ed. conformance manifest (189) reads into the right activity tree:
items in order under the right parents, sequencing rules, rollup rules, control modes and
objectives (with their global maps) preserved, sequencingCollection references resolved.

The expectations are computed here straight from the XML with XPath, independently of the
parser, which must agree with them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lxml import etree

from chalicelib.standards import read_package
from chalicelib.standards.activity_tree import CourseStructure, from_dict, to_dict
from tests.builders.course_zip import adl_case_zip, adl_cases
from tests.conformance import adl_suite

pytestmark = pytest.mark.skipif(not adl_suite.available(), reason=adl_suite.missing_reason())

NS = {"cp": "http://www.imsglobal.org/xsd/imscp_v1p1", "ss": "http://www.imsglobal.org/xsd/imsss",
      "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3"}
RULE_KINDS = {"preConditionRule": "pre", "exitConditionRule": "exit", "postConditionRule": "post"}


def _declared(seq: Any, collection: dict[str, Any]) -> dict[str, Any]:
    """Child elements of an item's sequencing by local name, collection entry first."""
    found: dict[str, Any] = {}
    if seq is None:
        return found
    ref = (seq.get("IDRef") or "").strip()  # xs:IDREF, whitespace-collapsed
    if ref in collection:
        found.update({etree.QName(c).localname + etree.QName(c).namespace: c for c in collection[ref]})
    found.update({etree.QName(c).localname + etree.QName(c).namespace: c for c in seq})
    return found


def _expected(case: str) -> list[dict[str, Any]]:
    root = etree.parse(str(adl_suite.manifest(case))).getroot()
    collection = {s.get("ID").strip(): s for s in root.xpath("cp:sequencingCollection/ss:sequencing|"
                                                        "ss:sequencingCollection/ss:sequencing", namespaces=NS)}
    default = root.xpath("cp:organizations/@default", namespaces=NS)[0]
    org = root.xpath(f"cp:organizations/cp:organization[normalize-space(@identifier)='{default.strip()}']",
                     namespaces=NS)[0]
    rows = []
    for node in [org, *org.iterdescendants(f"{{{NS['cp']}}}item")]:
        seq = node.find("ss:sequencing", NS)
        parts = _declared(seq, collection)
        rules = parts.get("sequencingRules" + NS["ss"])
        objectives = parts.get("objectives" + NS["ss"])
        rollup = parts.get("rollupRules" + NS["ss"])
        control = parts.get("controlMode" + NS["ss"])
        parent = node.getparent()
        rows.append({
            "id": node.get("identifier").strip(),  # xs:ID values are whitespace-collapsed
            "parent": parent.get("identifier").strip() if node is not org else None,
            "title": " ".join("".join(node.find("cp:title", NS).itertext()).split()),
            "rules": sorted((RULE_KINDS[etree.QName(r).localname], r.find("ss:ruleAction", NS).get("action"),
                             len(r.findall("ss:ruleConditions/ss:ruleCondition", NS)))
                            for r in (rules if rules is not None else [])),
            # objectiveID and targetObjectiveID are xs:anyURI: surrounding whitespace is collapsed;
            # an objectiveID is read as ADL's LMS shows it to the SCO (%20 decoded, spaces collapsed)
            "objectives": sorted((" ".join((o.get("objectiveID") or "").replace("%20", " ").split()),
                                  etree.QName(o).localname == "primaryObjective",
                                  tuple(sorted(m.get("targetObjectiveID").strip()
                                               for m in o.findall("ss:mapInfo", NS))))
                                 for o in (objectives if objectives is not None else [])),
            "rollup_rules": len(rollup.findall("ss:rollupRule", NS)) if rollup is not None else 0,
            "choice": (control.get("choice", "true") if control is not None else "true") == "true",
            "flow": (control.get("flow", "false") if control is not None else "false") == "true",
        })
    return rows


def _actual(found: CourseStructure) -> list[dict[str, Any]]:
    rows = []

    def visit(activity: Any, parent: str | None) -> None:
        seq = activity.sequencing
        rows.append({
            "id": activity.identifier, "parent": parent, "title": activity.title,
            "rules": sorted((r.kind, r.action, len(r.conditions)) for r in seq.rules),
            "objectives": sorted((o.objective_id, o.primary, tuple(sorted(m.target_objective_id for m in o.map_info
                                                                          if m.read_satisfied_status or
                                                                          m.write_satisfied_status or
                                                                          m.read_normalized_measure or
                                                                          m.write_normalized_measure)))
                                 for o in seq.objectives),
            "rollup_rules": len(seq.rollup_rules), "choice": seq.control_mode.choice, "flow": seq.control_mode.flow,
        })
        for child in activity.children:
            visit(child, activity.identifier)

    visit(found.root, None)
    return rows


@pytest.mark.parametrize("case", adl_cases())
def test_adl_manifest_reads_into_the_right_tree(case: str, tmp_path) -> None:
    path = tmp_path / f"{case}.zip"
    path.write_bytes(adl_case_zip(case))
    reading = read_package(path, path.name)
    try:
        found = reading.structure
        assert found.standard == "SCORM20044THEDITION"
        assert _actual(found) == _expected(case)
        assert found.warnings == []  # every file exists, every value is in its vocabulary
        for leaf in found.root.leaves():
            assert leaf.href.split("?")[0] in reading.package.entries  # type: ignore[union-attr]
        # The stored JSON gives the same tree back (the sequencing engine reads it).
        assert from_dict(CourseStructure, json.loads(json.dumps(to_dict(found)))) == found
    finally:
        reading.close()


def test_all_189_cases_are_there() -> None:
    assert len(adl_cases()) == 189
