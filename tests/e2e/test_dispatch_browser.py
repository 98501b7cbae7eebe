"""Acceptance (issue 14): a dispatch package, downloaded with the official SDK, imported into a host
LMS that plays packages with npm scorm-again (tests/e2e/lms_host.py, another origin), plays the
course from the running local stack in Chromium. The course completes and passes; the host's
lesson status / completion and success, score and total time match Nimbus's registration, which
has the full detail (interactions, objectives). A relaunch resumes. Disabled, expired and capped
dispatches show their message inside the host and store nothing."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest

from tests.builders import sco_pages
from tests.e2e import play
from tests.e2e.lms_host import LmsHost, scorm_again_dist

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = [pytest.mark.e2e, pytest.mark.browser,
              pytest.mark.skipif(scorm_again_dist() is None, reason="scorm-again missing: make "
                                 "tests/differential/node_modules/.installed (or set SCORM_AGAIN_DIST)")]


@pytest.fixture
def host() -> Iterator[LmsHost]:
    running = LmsHost().start()
    yield running
    running.stop()


@pytest.fixture
def dispatch_api(sdk: Any) -> Any:
    scorm, courses, _ = sdk
    return scorm.DispatchApi(courses.api_client)


def _dispatch(sdk: Any, api: Any, course_id: str, destination_id: str, dispatch_id: str, **options: Any) -> None:
    scorm = sdk[0]
    api.create_destinations(scorm.DestinationListSchema(destinations=[
        scorm.DestinationIdSchema(id=destination_id, data=scorm.DestinationSchema(name=f"LMS {destination_id}"))]))
    api.create_dispatches(scorm.CreateDispatchListSchema(dispatches=[scorm.CreateDispatchIdSchema(
        id=dispatch_id, data=scorm.CreateDispatchSchema(destination_id=destination_id, course_id=course_id,
                                                        **options))]))


def _package(api: Any, dispatch_id: str, kind: str) -> bytes:
    saved = api.get_dispatch_zip(dispatch_id, type=kind)
    with open(saved, "rb") as handle:
        return handle.read()


def _course(page: Any) -> Any:
    return page.frame_locator("#sco").frame_locator("#nimbus-course")


def _sco(page: Any, title: str) -> Any:
    from playwright.sync_api import expect

    sco = _course(page).frame_locator("#nimbus-player").frame_locator("#content")
    expect(sco.get_by_role("heading", name=title)).to_be_visible(timeout=20_000)
    expect(sco.locator("#state")).to_have_text("running")
    return sco


def _exit_player(page: Any) -> None:
    """The learner leaves with the player's Exit; the package ends the host's session."""
    _course(page).frame_locator("#nimbus-player").get_by_role("button", name="Exit").click()
    page.wait_for_function("() => window.hostFinished === true", timeout=20_000)


def _seconds(hms: str) -> float:
    hours, minutes, seconds = hms.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _registration(sdk: Any, course_id: str) -> Any:
    _, _, regs = sdk
    [found] = regs.get_registrations(course_id=course_id).registrations
    return regs.get_registration_progress(found.id, include_child_results=True,
                                          include_interactions_and_objectives=True, include_runtime=True)


def test_scorm12_dispatch_resumes_completes_and_passes_in_a_scorm_again_host(
        browser, sdk, dispatch_api, host: LmsHost, tmp_path) -> None:
    from playwright.sync_api import expect

    play.import_course(sdk, tmp_path, "golf-dispatch", sco_pages.playable_scorm12_zip(scos=1))
    _dispatch(sdk, dispatch_api, "golf-dispatch", "acme-12", "d-golf")
    host.import_package("golf", _package(dispatch_api, "d-golf", "SCORM_12"))

    errors: list[str] = []
    page = play.watched_page(browser, errors)
    page.goto(host.url("golf", "host-ada"))
    sco = _sco(page, "Lesson 1")
    expect(sco.locator("#entry")).to_have_text("ab-initio")
    expect(sco.locator("#learner")).to_have_text("Learner, Host")
    sco.locator("#suspend-btn").click()  # suspend data, exit=suspend, one minute
    _exit_player(page)
    first = host.finished_cmi("golf", "host-ada", 1)["core"]
    assert first["lesson_status"] == "incomplete" and first["exit"] == "suspend"
    assert _seconds(first["total_time"]) == 60
    assert host.finished_cmi("golf", "host-ada", 1)["suspend_data"].startswith("nimbus:")
    page.close()

    page = browser.new_page()  # the learner comes back: the host resumes its attempt
    page.goto(host.url("golf", "host-ada"))
    sco = _sco(page, "Lesson 1")
    expect(sco.locator("#entry")).to_have_text("resume")
    expect(sco.locator("#suspend")).to_have_text("page=3;answers=b")
    sco.locator("#answer").click()  # an interaction, an objective, score 90
    sco.locator("#finish").click()  # completed, 2:30; score 90 over mastery 80: passed
    page.wait_for_function("() => window.API.cmi.core.lesson_status === 'passed'", timeout=20_000)
    _exit_player(page)
    assert errors == []

    final = host.finished_cmi("golf", "host-ada", 2)["core"]
    got = _registration(sdk, "golf-dispatch")
    assert got.registration_completion == "COMPLETED" and got.registration_success == "PASSED"
    assert final["lesson_status"] == "passed" and final["score"]["raw"] == "90" == str(int(got.score.scaled))
    assert _seconds(final["total_time"]) == got.total_seconds_tracked == 210.0  # 1:00 + 2:30
    assert got.dispatch_id == "d-golf" and got.learner.id == "host-ada" and got.instance == 0
    lesson = got.activity_details.children[0]
    [interaction] = lesson.runtime.runtime_interactions
    assert (interaction.id, interaction.learner_response, interaction.result) == ("q1", "b", "correct")
    objective = lesson.runtime.runtime_objectives[0]
    assert (objective.id, objective.score_raw, objective.runtime_objective_success_status) == (
        "obj_golf", "90", "PASSED")
    assert dispatch_api.get_dispatch("d-golf").registration_count == 1


def test_scorm2004_dispatch_reports_completion_success_score_and_time(
        browser, sdk, dispatch_api, host: LmsHost, tmp_path) -> None:
    play.import_course(sdk, tmp_path, "photo-dispatch", sco_pages.playable_scorm2004_zip(scos=1))
    _dispatch(sdk, dispatch_api, "photo-dispatch", "acme-2004", "d-photo")
    host.import_package("photo", _package(dispatch_api, "d-photo", "SCORM_2004_3RD"))

    page = browser.new_page()
    page.goto(host.url("photo", "host-grace", "scorm2004"))
    sco = _sco(page, "Module 1")
    sco.locator("#answer").click()
    sco.locator("#finish").click()
    page.wait_for_function("() => window.API_1484_11.cmi.success_status === 'passed'", timeout=20_000)
    _exit_player(page)

    final = host.finished_cmi("photo", "host-grace", 1)
    got = _registration(sdk, "photo-dispatch")
    assert got.registration_completion == "COMPLETED" and got.registration_success == "PASSED"
    assert (final["completion_status"], final["success_status"]) == ("completed", "passed")
    assert float(final["score"]["scaled"]) == got.score.scaled / 100 == 0.9
    assert final["total_time"] in ("PT2M30S", "PT2M30.00S", "PT0H2M30S") and got.total_seconds_tracked == 150.0
    module = got.activity_details.children[0]
    assert module.runtime.runtime_interactions[0].id == "q1"
    assert any(o.id == "obj_photo" for o in module.runtime.runtime_objectives)


def test_aicc_dispatch_reports_through_hacp(browser, sdk, dispatch_api, host: LmsHost, tmp_path) -> None:
    from playwright.sync_api import expect

    play.import_course(sdk, tmp_path, "aicc-dispatch", sco_pages.playable_scorm12_zip(scos=1))
    _dispatch(sdk, dispatch_api, "aicc-dispatch", "acme-aicc", "d-aicc")
    host.import_package("aiccpkg", _package(dispatch_api, "d-aicc", "AICC"))
    page = browser.new_page()
    page.goto(host.aicc_url("aiccpkg", "host-alan"))
    sco = page.frame_locator("#nimbus-course").frame_locator("#nimbus-player").frame_locator("#content")
    expect(sco.get_by_role("heading", name="Lesson 1")).to_be_visible(timeout=20_000)
    expect(sco.locator("#learner")).to_have_text("Learner, Host")
    sco.locator("#answer").click()
    sco.locator("#finish").click()
    page.frame_locator("#nimbus-course").frame_locator("#nimbus-player").get_by_role("button", name="Exit").click()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and ("exitau", "") not in host.hacp.get(("aiccpkg", "host-alan"), []):
        time.sleep(0.1)
    calls = host.hacp[("aiccpkg", "host-alan")]
    assert calls[0][0] == "getparam" and calls[-1][0] == "exitau"
    last_put = [data for command, data in calls if command == "putparam"][-1]
    assert "Lesson_Status=passed" in last_put and "Score=90" in last_put and "Time=00:02:30.00" in last_put
    got = _registration(sdk, "aicc-dispatch")
    assert got.registration_success == "PASSED" and got.learner.id == "host-alan" and got.total_seconds_tracked == 150


def _refused(page: Any, text: str) -> None:
    from playwright.sync_api import expect

    expect(_course(page).locator("#nimbus-refused")).to_contain_text(text, timeout=20_000)
    # the package has heard of the refusal (its page shows the text a moment before it is told)
    package = page.locator("#sco").element_handle().content_frame()
    package.wait_for_function("() => window.nimbusDispatch.state().refused === true", timeout=20_000)


def _leave_refused(page: Any) -> None:
    """The learner leaves: the host closes the course's frame, whose pagehide runs at once. The host's
    session stays unfinished (an LMSFinish would make scorm-again record a lesson status)."""
    page.evaluate("() => document.getElementById('sco').remove()")
    assert page.evaluate("() => window.hostFinished") is False


def test_disabled_expired_and_capped_dispatches_show_their_message_and_store_nothing(
        browser, sdk, dispatch_api, host: LmsHost, tmp_path) -> None:
    scorm, _, regs = sdk
    play.import_course(sdk, tmp_path, "golf-limits", sco_pages.playable_scorm12_zip(scos=1))
    _dispatch(sdk, dispatch_api, "golf-limits", "acme-limits", "d-limits", registration_cap=1)
    host.import_package("limits", _package(dispatch_api, "d-limits", "SCORM_12"))
    page = browser.new_page()
    page.goto(host.url("limits", "first"))
    _sco(page, "Lesson 1")
    _exit_player(page)
    host.finished_cmi("limits", "first", 1)  # all the host stores of this launch has arrived
    page.close()

    cases = [
        ({}, "second", "limit of learners"),
        ({"enabled": False}, "first", "disabled by its provider"),
        ({"enabled": True, "expiration_date": "2001-01-01T00:00:00Z"}, "first", "has expired"),
    ]
    for change, learner, text in cases:
        if change:
            dispatch_api.update_dispatch("d-limits", scorm.UpdateDispatchSchema(**change))
        page = browser.new_page()
        page.goto(host.url("limits", learner))
        before = len(host.commits.get(("limits", learner), []))
        _refused(page, text)
        _leave_refused(page)
        page.close()
        assert len(host.commits.get(("limits", learner), [])) == before
    found = regs.get_registrations(course_id="golf-limits").registrations
    assert [r.learner.id for r in found] == ["first"] and len(regs.get_registration_launch_history(
        found[0].id).launch_history) == 1
    assert dispatch_api.get_dispatch("d-limits").registration_count == 1
    assert host.commits.get(("limits", "second")) is None
