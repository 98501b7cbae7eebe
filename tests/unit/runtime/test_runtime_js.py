"""The browser runtime (chalicelib/runtime/static/runtime.js, run in Node) and the server's Python
API state machines answer every call of generated sequences identically — return value and error
code — so the player and the commit validation can never disagree (BRIEF "One rule set")."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from chalicelib.runtime.scorm12_api import Scorm12Api
from chalicelib.runtime.scorm2004_api import Scorm2004Api
from chalicelib.runtime.scorm2004_attempt import Launch2004, new_attempt
from chalicelib.standards.export import export_rules
from tests.builders.runtime_calls import sequences

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
REPLAY = Path(__file__).with_name("replay_runtime_js.cjs")
SEQUENCES = 400


def _python(standard: str, calls_list: list[list[list[str]]],
            launch: Launch2004 | None = None) -> list[list[list[str]]]:
    out = []
    for calls in calls_list:
        if standard == "scorm12":
            api: Scorm12Api | Scorm2004Api = Scorm12Api()
        else:
            api = Scorm2004Api(launch, new_attempt(launch)) if launch else Scorm2004Api()
        last = api.LMSGetLastError if isinstance(api, Scorm12Api) else api.GetLastError
        out.append([[str(getattr(api, method)(*args)), last()] for method, *args in calls])
    return out


def _node(standard: str, calls_list: list[list[list[str]]], tmp_path: Path, **extra: object) -> list[list[list[str]]]:
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps({"standard": standard, "rules": export_rules(), "sequences": calls_list, **extra}))
    subprocess.run(["node", str(REPLAY), str(source), str(target)], check=True, timeout=120)
    return json.loads(target.read_text())  # type: ignore[no-any-return]


def _first_difference(calls_list, ours, theirs) -> str | None:  # noqa: ANN001
    for calls, our_row, their_row in zip(calls_list, ours, theirs, strict=True):
        for call, our, their in zip(calls, our_row, their_row, strict=True):
            if our != their:
                return f"{[c[:80] for c in call]}: python={our} js={their}"
    return None


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_runtime_js_agrees_with_the_python_state_machine(standard: str, tmp_path: Path) -> None:
    generated = sequences(standard, SEQUENCES, seed=7)
    assert _first_difference(generated, _python(standard, generated), _node(standard, generated, tmp_path)) is None


def test_runtime_js_agrees_on_launch_values_objectives_and_navigation(tmp_path: Path) -> None:
    launch = Launch2004(learner_id="l1", learner_name="Ada", completion_threshold="0.8", scaled_passing_score="0.6",
                        objective_ids=("obj-1", "obj-2"), nav_valid={"continue": "true", "previous": "false",
                                                                     "choice.{target=sco-1}": "true"})
    calls = [["Initialize", ""], ["GetValue", "cmi.objectives._count"], ["GetValue", "cmi.objectives.1.id"],
             ["SetValue", "cmi.objectives.1.id", "other"], ["GetValue", "cmi.completion_status"],
             ["SetValue", "cmi.progress_measure", "0.9"], ["GetValue", "cmi.completion_status"],
             ["SetValue", "cmi.score.scaled", "0.5"], ["GetValue", "cmi.success_status"],
             ["GetValue", "adl.nav.request_valid.continue"], ["GetValue", "adl.nav.request_valid.previous"],
             ["GetValue", "adl.nav.request_valid.choice.{target=sco-1}"], ["GetValue", "cmi.learner_id"],
             ["SetValue", "cmi.interactions.0.id", "q1"], ["SetValue", "cmi.interactions.0.type", "numeric"],
             ["SetValue", "cmi.interactions.0.correct_responses.0.pattern", "1[:]5"],
             ["SetValue", "cmi.interactions.0.correct_responses.1.pattern", "2"],
             ["SetValue", "cmi.interactions.0.learner_response", "3.5"], ["Terminate", ""],
             ["GetValue", "cmi.location"]]
    data = new_attempt(launch).to_dict()
    theirs = _node("scorm2004", [calls], tmp_path, data=data,
                   launch={"navValid": launch.nav_valid, "sharedData": []})
    assert _first_difference([calls], _python("scorm2004", [calls], launch), theirs) is None
