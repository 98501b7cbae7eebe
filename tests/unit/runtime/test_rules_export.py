"""The JSON export of the rule tables for the browser runtime: lossless, and its regular
expressions mean the same in JavaScript as in Python."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from chalicelib.standards.common.datatypes import TYPES_12, TYPES_2004
from chalicelib.standards.export import export_rules, rules_from_json
from chalicelib.standards.scorm12.datamodel import ELEMENTS as ELEMENTS_12
from chalicelib.standards.scorm2004.datamodel import ELEMENTS as ELEMENTS_2004

if TYPE_CHECKING:
    from pathlib import Path

SAMPLES = [
    "", "0", "-1", "+3", "1.5", ".5", "5.", "1e5", "abc", "a b", "x" * 256, "00:00:09", "0000:00:09", "24:00:00",
    "23:59:59.99", "PT1M", "P1DT2H3M4.55S", "P", "PT", "2004-04-01T09:45:58.55-03:00", "2004-04-01T09:45:58Z",
    "1969", "2038-12-31", "urn:ADL:obj-1", "urn:", "http://x/y?z=1", "a[,]b", "en", "en-US", "fr-CA-x", "true",
    "correct", "wrong", "0.75", "line\nbreak", "q1\n", "1.5\n", "true\n",
]  # fmt: skip


def test_export_round_trips() -> None:
    document = json.loads(json.dumps(export_rules()))
    tables = rules_from_json(document)
    assert tables["scorm12"] == ELEMENTS_12
    assert tables["scorm2004"] == ELEMENTS_2004
    for name, types in (("scorm12", TYPES_12), ("scorm2004", TYPES_2004)):
        exported = document[name]["types"]
        assert {k: (v["pattern"], v["maxLength"], v["numeric"]) for k, v in exported.items()} == {
            k: (t.pattern, t.max_length, t.numeric) for k, t in types.items()
        }
    assert document["scorm2004"]["errors"]["406"]["message"] == "Data Model Element Type Mismatch"
    assert document["scorm12"]["errors"]["405"]["message"] == "Incorrect Data Type"
    assert document["scorm2004"]["interactions"]["true-false"]["maxPatterns"] == 1


def test_command_line_writes_the_document(tmp_path: Path) -> None:
    out = tmp_path / "public" / "runtime-rules.json"
    subprocess.run([sys.executable, "-m", "chalicelib.standards.export", "--out", str(out)], check=True)
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(json.dumps(export_rules()))


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_patterns_mean_the_same_in_javascript() -> None:
    patterns = sorted({t.pattern for t in (*TYPES_12.values(), *TYPES_2004.values())})
    script = (
        "const {patterns, samples} = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(patterns.map(p => samples.map(s => new RegExp(p).test(s)))));"
    )
    payload = json.dumps({"patterns": patterns, "samples": SAMPLES})
    result = subprocess.run(["node", "-e", script], input=payload, capture_output=True, text=True, check=True)
    in_js = json.loads(result.stdout)
    for pattern, js_row in zip(patterns, in_js, strict=True):
        py_row = [_py(pattern, s) for s in SAMPLES]
        assert js_row == py_row, pattern


def _py(pattern: str, sample: str) -> bool:
    return re.compile(pattern, re.DOTALL).fullmatch(sample) is not None  # as datatypes.check does
