"""What the AICC importer keeps for HACP (``.au`` AU passwords, ``.cmp`` completion requirements)
and the ``.cmp`` evaluation over a registration's progress (CMI001 §5 completion requirements)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.aicc import completion
from chalicelib.results import progress
from chalicelib.standards import read_package
from tests.builders.aicc_course import hacp_course_zip

if TYPE_CHECKING:
    from pathlib import Path

    from chalicelib.standards.activity_tree import CourseStructure


def _structure(tmp_path: Path, **options: Any) -> CourseStructure:
    path = tmp_path / "hacp.zip"
    path.write_bytes(hacp_course_zip(**options))
    return read_package(path, path.name).structure


def _details(structure: CourseStructure, statuses: dict[str, str]) -> dict[str, Any]:
    activities = {}
    for au, status in statuses.items():
        state = {"data": {"values": {"cmi.core.lesson_status": status, "cmi.core.total_time": "00:01:00"}},
                 "attempts": 1}
        progress.refresh("AICC", state)
        activities[au] = state
    return {"standard": "AICC", "tree": progress.compact_tree(structure.root), "activities": activities}


def test_the_importer_keeps_au_passwords_and_completion_requirements(tmp_path: Path) -> None:
    found = _structure(tmp_path, password="s3cret", external_url="https://au.example.com/a2.htm")
    block = found.root.children[0]
    one, two = block.children
    assert (one.aicc_password, two.aicc_password, two.href) == ("s3cret", "", "https://au.example.com/a2.htm")
    assert block.aicc_completion == ["A1", "P"] and one.aicc_completion == []
    assert _structure(tmp_path, cmp=False).root.children[0].aicc_completion == []


def test_a_block_is_passed_when_its_requirement_holds(tmp_path: Path) -> None:
    found = _structure(tmp_path)
    assert completion.evaluate(_details(found, {}), found) == {
        "B1": {"completion": "UNKNOWN", "success": "UNKNOWN", "score": None}}
    # A2 completed alone: by default the block would wait for A1; the requirement is not met
    waiting = completion.evaluate(_details(found, {"A2": "completed"}), found)
    assert waiting is not None and waiting["B1"]["completion"] == "INCOMPLETE"
    met = completion.evaluate(_details(found, {"A1": "passed"}), found)
    assert met == {"B1": {"completion": "COMPLETED", "success": "PASSED", "score": None}}
    details = {**_details(found, {"A1": "passed"}), "aiccResults": met}
    rolled = progress.rollup(details["tree"], details["activities"], progress.engine_results(details))
    assert (rolled["completion"], rolled["success"]) == ("COMPLETED", "PASSED")  # the course follows its block
    failed = completion.evaluate(_details(found, {"A1": "failed", "A2": "completed"}), found)
    assert failed is not None and failed["B1"]["success"] == "FAILED"


def test_without_a_cmp_file_nothing_changes(tmp_path: Path) -> None:
    found = _structure(tmp_path, cmp=False)
    assert completion.evaluate(_details(found, {"A1": "passed"}), found) is None


def test_prerequisites_may_name_blocks(tmp_path: Path) -> None:
    from chalicelib.runtime import delivery

    found = _structure(tmp_path)
    details = _details(found, {"A1": "passed"})
    node = {"id": "A3", "href": "a3.html", "prerequisites": "B1 & ~A2"}
    assert delivery.statuses(details)["B1"] == "incomplete"  # the default rollup: A2 is not done
    assert not delivery.available(details, node)
    details["aiccResults"] = completion.evaluate(details, found)
    assert delivery.statuses(details)["B1"] == "passed" and delivery.available(details, node)
    assert not delivery.available(_details(found, {"A2": "completed"}), node)
