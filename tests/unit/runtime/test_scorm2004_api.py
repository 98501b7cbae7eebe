"""SCORM 2004 API behaviour that ADL's cases leave implicit: launch values, coercion of numbers,
persistence as a dict, suspend/resume, total time, shared data and the navigation request."""

from __future__ import annotations

from chalicelib.results.runtime_data import RuntimeData
from chalicelib.runtime.scorm2004_api import Scorm2004Api
from chalicelib.runtime.scorm2004_attempt import Launch2004, SharedDataMap, continues, relaunch, shared_stores

LAUNCH = Launch2004(
    learner_id="learner-7",
    learner_name="{lang=en}Jane Doe",
    credit="no-credit",
    mode="review",
    launch_data="level=2",
    completion_threshold="0.75",
    scaled_passing_score="0.6",
    max_time_allowed="PT30M",
    time_limit_action="exit,message",
    objective_ids=("obj-intro", "obj-quiz"),
    shared_data=(SharedDataMap("shared-1", store="hello"), SharedDataMap("shared-2", readable=False)),
    nav_valid={"continue": "true", "choice.{target=sco-2}": "false"},
)


def started(data: RuntimeData | None = None) -> Scorm2004Api:
    api = Scorm2004Api(LAUNCH, data)
    assert api.Initialize("") == "true"
    return api


def test_lms_values_set_before_launch() -> None:
    api = started()
    expected = {
        "cmi.entry": "ab-initio",
        "cmi.learner_id": "learner-7",
        "cmi.learner_name": "{lang=en}Jane Doe",
        "cmi.credit": "no-credit",
        "cmi.mode": "review",
        "cmi.launch_data": "level=2",
        "cmi.completion_threshold": "0.75",
        "cmi.scaled_passing_score": "0.6",
        "cmi.max_time_allowed": "PT30M",
        "cmi.time_limit_action": "exit,message",
        "cmi.total_time": "PT0H0M0S",
        "cmi.objectives._count": "2",
        "cmi.objectives.1.id": "obj-quiz",
        "adl.data._count": "2",
        "adl.data.0.store": "hello",
        "adl.nav.request": "_none_",
        "adl.nav.request_valid.continue": "true",
        "adl.nav.request_valid.previous": "unknown",
        "adl.nav.request_valid.choice.{target=sco-2}": "false",
    }
    for element, value in expected.items():
        assert (element, api.GetValue(element), api.GetLastError()) == (element, value, "0")


def test_defaults_when_the_lms_sets_nothing() -> None:
    api = Scorm2004Api()
    api.Initialize("")
    assert api.GetValue("cmi.credit") == "credit"
    assert api.GetValue("cmi.mode") == "normal"
    assert api.GetValue("cmi.completion_status") == "unknown"
    for element in ("cmi.launch_data", "cmi.completion_threshold", "cmi.scaled_passing_score", "cmi.max_time_allowed"):
        assert api.GetValue(element) == ""
        assert api.GetLastError() == "403"


def test_numbers_and_booleans_from_content_are_coerced() -> None:
    api = started()
    assert api.SetValue("cmi.location", 0) == "true"
    assert api.GetValue("cmi.location") == "0"
    assert api.SetValue("cmi.score.scaled", 0.5) == "true"
    assert api.GetValue("cmi.score.scaled") == "0.5"
    assert api.SetValue("cmi.score.raw", 80.0) == "true"
    assert api.GetValue("cmi.score.raw") == "80"


def test_get_last_error_is_reset_by_a_later_successful_call() -> None:
    api = started()
    assert api.SetValue("cmi.score.scaled", "2") == "false"
    assert api.GetLastError() == "407"
    assert api.GetErrorString("407") == "Data Model Element Value Out Of Range"
    assert api.GetLastError() == "407"
    assert api.GetValue("cmi.mode") == "review"
    assert api.GetLastError() == "0"


def test_evaluated_statuses() -> None:
    api = started()
    api.SetValue("cmi.completion_status", "completed")
    api.SetValue("cmi.success_status", "passed")
    assert api.GetValue("cmi.completion_status") == "unknown"  # threshold without a measure
    api.SetValue("cmi.progress_measure", "0.8")
    api.SetValue("cmi.score.scaled", "0.5")
    assert api.GetValue("cmi.completion_status") == "completed"
    assert api.GetValue("cmi.success_status") == "failed"


def test_suspend_and_resume_carries_data_and_adds_time() -> None:
    api = started()
    api.SetValue("cmi.location", "page-9")
    api.SetValue("cmi.suspend_data", "state=1")
    api.SetValue("cmi.session_time", "PT1H30M")
    api.SetValue("cmi.exit", "suspend")
    api.SetValue("adl.data.0.store", "shared by sco 1")
    assert api.SetValue("adl.data.1.store", "write-only map") == "true"
    assert api.GetValue("adl.data.1.store") == ""
    assert api.GetLastError() == "405"
    assert api.Terminate("") == "true"
    assert api.GetValue("cmi.location") == ""
    assert api.GetLastError() == "123"
    assert shared_stores(api.data, LAUNCH) == {"shared-1": "shared by sco 1", "shared-2": "write-only map"}

    stored = RuntimeData.from_dict(api.data.to_dict())  # what the server persists
    assert continues(stored)
    again = started(relaunch(stored, LAUNCH))
    assert again.GetValue("cmi.entry") == "resume"
    assert again.GetValue("cmi.location") == "page-9"
    assert again.GetValue("cmi.suspend_data") == "state=1"
    assert again.GetValue("cmi.total_time") == "PT1H30M"
    again.SetValue("cmi.session_time", "PT45M10.5S")
    again.SetValue("adl.nav.request", "{target=sco-2}choice")
    again.Terminate("")
    assert again.data.values["cmi.total_time"] == "PT2H15M10.5S"
    assert again.data.values["adl.nav.request"] == "{target=sco-2}choice"
    assert not continues(again.data)


def test_commit_failure_is_391_and_terminate_failure_111() -> None:
    api = Scorm2004Api(LAUNCH, commit=lambda data: False)
    api.Initialize("")
    assert api.Commit("") == "false"
    assert api.GetLastError() == "391"
    assert api.Terminate("") == "false"
    assert api.GetLastError() == "111"


def test_commits_hand_over_the_data() -> None:
    saved: list[dict[str, object]] = []
    api = Scorm2004Api(LAUNCH, commit=lambda data: saved.append(data.to_dict()) is None)
    api.Initialize("")
    api.SetValue("cmi.interactions.0.id", "q1")
    api.SetValue("cmi.interactions.0.type", "choice")
    api.SetValue("cmi.interactions.0.learner_response", "a[,]b")
    assert api.Commit("") == "true"
    counts = {"cmi.objectives": 2, "adl.data": 2, "cmi.comments_from_lms": 0, "cmi.interactions": 1}
    assert saved[-1]["counts"] == counts
    assert saved[-1]["values"]["cmi.interactions.0.learner_response"] == "a[,]b"  # type: ignore[index]
