"""Lenient manifest reading: what real packages get wrong is tolerated with a warning; what
cannot be delivered is refused naming the file, the line and the rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from chalicelib.standards import read_package
from chalicelib.standards.package import PackageError
from tests.builders import course_zip as cz

if TYPE_CHECKING:
    from pathlib import Path

    from chalicelib.standards import PackageReading


def _read(tmp_path: Path, files: dict[str, bytes | str], name: str = "course.zip") -> PackageReading:
    path = tmp_path / name
    path.write_bytes(cz.zip_bytes(files))
    return read_package(path, name)


def test_scorm12_item_data(tmp_path: Path) -> None:
    found = _read(tmp_path, {"imsmanifest.xml": cz.scorm12_manifest(), "lesson1/index.html": "x",
                             "lesson2/index.html": "x", "shared/style.css": ""}).structure
    first, second = found.root.children
    assert (first.mastery_score, first.max_time_allowed, first.time_limit_action, first.data_from_lms) == \
        (80.0, "00:30:00", "exit,message", "hello=1")
    assert second.prerequisites == "item_1" and found.standard == "SCORM12"


def test_no_namespaces_no_schemaversion_odd_case_and_missing_files(tmp_path: Path) -> None:
    manifest = """<manifest identifier="m"><organizations><organization identifier="o"><title>Plain</title>
      <item identifier="i1" identifierref="r1"><title>One</title></item>
      <item identifier="i2" identifierref="nope"><title>Two</title></item></organization></organizations>
      <resources><resource identifier="r1" type="webcontent" scormtype="sco" href="Start.HTML"/></resources>
    </manifest>"""
    found = _read(tmp_path, {"imsmanifest.xml": manifest, "start.html": "x"}).structure
    assert found.standard == "SCORM12" and found.root.children[0].href == "start.html"
    assert any("letter case differs" in w for w in found.warnings)
    assert any("'nope', which does not exist" in w for w in found.warnings)


def test_scorm2004_without_schemaversion_is_guessed_with_a_warning(tmp_path: Path) -> None:
    manifest = cz.scorm2004_manifest(edition="4th").replace("<schemaversion>2004 4th Edition</schemaversion>", "")
    files = {"imsmanifest.xml": manifest, **{f"content/m{n}/index.html": "x" for n in (1, 2, 3)}}
    found = _read(tmp_path, files).structure
    assert found.standard == "SCORM20044THEDITION"
    assert any("no schemaversion" in w for w in found.warnings)


def test_broken_xml_is_recovered_with_the_line_in_the_warning(tmp_path: Path) -> None:
    manifest = cz.scorm12_manifest().replace("<title>Lesson 2</title>", "<title>Lesson 2 & more</title>")
    reading = _read(tmp_path, {"imsmanifest.xml": manifest, "lesson1/index.html": "x", "lesson2/index.html": "x"})
    assert any(w.startswith("imsmanifest.xml, line") and "tolerated" in w for w in reading.structure.warnings)


def test_unreadable_xml_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match=r"imsmanifest.xml(, line \d+)?: is not"):
        _read(tmp_path, {"imsmanifest.xml": "this is not xml at all", "a.html": "x"})


def test_nothing_launchable_is_refused_with_the_rule(tmp_path: Path) -> None:
    manifest = """<manifest identifier="m" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2">
      <organizations default="o"><organization identifier="o"><title>T</title>
      <item identifier="i1"><title>Empty</title></item></organization></organizations><resources/></manifest>"""
    with pytest.raises(PackageError, match="imsmanifest.xml: no activity can be launched.*SCORM CAM"):
        _read(tmp_path, {"imsmanifest.xml": manifest})


def test_sub_manifest_items_are_inlined(tmp_path: Path) -> None:
    manifest = """<manifest identifier="root" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
        xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
      <metadata><schemaversion>2004 3rd Edition</schemaversion></metadata>
      <organizations default="o"><organization identifier="o"><title>Outer</title>
        <item identifier="unit" identifierref="sub"><title>Unit</title></item></organization></organizations>
      <resources/>
      <manifest identifier="sub" xml:base="unit1/">
        <organizations default="so"><organization identifier="so"><title>Inner</title>
          <item identifier="leaf" identifierref="r"><title>Leaf</title></item></organization></organizations>
        <resources><resource identifier="r" adlcp:scormType="sco" type="webcontent" href="go.html"/></resources>
      </manifest></manifest>"""
    found = _read(tmp_path, {"imsmanifest.xml": manifest, "unit1/go.html": "x"}).structure
    unit = found.root.children[0]
    assert unit.kind == "AGGREGATION" and [(c.identifier, c.href) for c in unit.children] == [("leaf", "unit1/go.html")]


def test_unknown_rule_vocabulary_drops_the_rule_with_a_warning(tmp_path: Path) -> None:
    manifest = cz.scorm2004_manifest().replace('action="skip"', 'action="teleport"')
    files = {"imsmanifest.xml": manifest, **{f"content/m{n}/index.html": "x" for n in (1, 2, 3)}}
    found = _read(tmp_path, files).structure
    assert [r.action for r in found.root.children[0].sequencing.rules] == ["retry"]
    assert any("'teleport'" in w for w in found.warnings)


def test_bare_cmi5_xml_needs_absolute_urls(tmp_path: Path) -> None:
    path = tmp_path / "cmi5.xml"
    path.write_text(cz.cmi5_xml("https://content.example.com/au1/index.html"))
    found = read_package(path, "cmi5.xml").structure
    assert found.standard == "CMI5" and found.root.leaves()[0].href.startswith("https://")
    au = found.root.children[0].children[0]
    assert au.cmi5 is not None and (au.cmi5.move_on, au.cmi5.mastery_score, au.cmi5.launch_method,
                                    au.cmi5.launch_parameters, au.cmi5.entitlement_key) == \
        ("CompletedAndPassed", 0.8, "OwnWindow", "mode=strict", "ent-1")
    path.write_text(cz.cmi5_xml())
    with pytest.raises(PackageError, match=r"cmi5.xml: AU .* relative url"):
        read_package(path, "cmi5.xml")


def test_aicc_structure_case_insensitive(tmp_path: Path) -> None:
    for upper in (True, False):
        path = tmp_path / f"aicc{upper}.zip"
        path.write_bytes(cz.aicc_zip(upper_case=upper))
        found = read_package(path, path.name).structure
        block = found.root.children[0]
        assert found.standard == "AICC" and found.title == "Safety Basics" and block.title == "Module 1"
        fire, exits = block.children
        assert (fire.title, fire.mastery_score, fire.time_limit_action, exits.prerequisites) == \
            ("Fire", 75.0, "exit,message", "A1")


def test_mp3_becomes_cmi5_with_an_audio_player(tmp_path: Path) -> None:
    path = tmp_path / "talk.mp3"
    path.write_bytes(cz.mp3_bytes())
    reading = read_package(path, "talk.mp3", media_metadata={"title": "A <talk>"})
    assert reading.structure.standard == "CMI5" and reading.upload_as == "media/talk.mp3"
    page = reading.generated["index.html"].decode()
    assert '<audio id="media" src="media/talk.mp3"' in page and "A &lt;talk&gt;" in page
