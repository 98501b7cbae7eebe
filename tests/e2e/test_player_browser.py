"""Acceptance: courses built in tests/builders play in Chromium (Playwright) against the running
local stack, through the official SDK's launch links, and the registration read back with the
SDK shows exactly what the SCOs set. Suspend / close / relaunch resumes; a dropped commit
response arrives once; two tabs lose nothing; used and expired launch links are refused."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest
import requests

from tests.builders import course_zip as cz
from tests.builders import sco_pages
from tests.e2e import play

if TYPE_CHECKING:

    from tests.e2e.stack import LocalStack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def _progress(sdk: Any, registration_id: str) -> Any:
    _, _, regs = sdk
    return regs.get_registration_progress(registration_id, include_child_results=True,
                                          include_interactions_and_objectives=True, include_runtime=True)


def test_scorm12_plays_suspends_resumes_and_completes(browser, stack: LocalStack, sdk, tmp_path) -> None:
    from playwright.sync_api import expect

    play.import_course(sdk, tmp_path, "golf-play", sco_pages.playable_scorm12_zip())
    registration_id = play.register(sdk, "golf-play")
    errors: list[str] = []
    page = play.watched_page(browser, errors)
    page.goto(play.launch_link(sdk, registration_id))
    frame = play.sco_frame(page, "Lesson 1")
    expect(frame.locator("#entry")).to_have_text("ab-initio")
    expect(frame.locator("#learner")).to_have_text("Lovelace, Ada")
    expect(frame.locator("#launch-data")).to_have_text("hello=1")
    frame.locator("#answer").click()
    frame.locator("#suspend-btn").click()
    play.saved(page)
    page.close()  # the learner closes the tab

    page = browser.new_page()
    page.goto(play.launch_link(sdk, registration_id))
    frame = play.sco_frame(page, "Lesson 1")
    expect(frame.locator("#entry")).to_have_text("resume")
    expect(frame.locator("#location")).to_have_text("page-3")
    expect(frame.locator("#suspend")).to_have_text("page=3;answers=b")
    frame.locator("#finish").click()
    play.saved(page)
    page.get_by_role("button", name="Next").click()  # lesson 2: its prerequisite (lesson 1) is met
    frame = play.sco_frame(page, "Lesson 2")
    frame.locator("#finish").click()
    play.saved(page)
    assert errors == []

    got = _progress(sdk, registration_id)
    assert got.registration_completion == "COMPLETED" and got.registration_success == "PASSED"
    assert got.score.scaled == 90.0 and got.total_seconds_tracked == 360.0  # 1:00 + 2:30 + 2:30
    lesson = got.activity_details.children[0]
    assert lesson.activity_success == "PASSED" and lesson.activity_completion == "COMPLETED"
    assert lesson.runtime.total_time == "0000:03:30.00" and lesson.runtime.score_raw == "90"
    interaction = lesson.runtime.runtime_interactions[0]
    assert (interaction.id, interaction.type, interaction.learner_response, interaction.result,
            interaction.correct_responses, interaction.latency) == ("q1", "choice", "b", "correct", ["b"], "00:00:05")
    assert len(lesson.runtime.runtime_interactions) == 1
    objective = lesson.runtime.runtime_objectives[0]
    assert (objective.id, objective.score_raw, objective.runtime_objective_success_status) == (
        "obj_golf", "90", "PASSED")
    history = sdk[2].get_registration_launch_history(registration_id).launch_history
    assert len(history) == 2


def test_scorm2004_plays_resumes_and_flows_to_the_next_sco(browser, stack: LocalStack, sdk, tmp_path) -> None:
    from playwright.sync_api import expect

    play.import_course(sdk, tmp_path, "photo-play", sco_pages.playable_scorm2004_zip())
    registration_id = play.register(sdk, "photo-play")
    page = browser.new_page()
    page.goto(play.launch_link(sdk, registration_id))
    frame = play.sco_frame(page, "Module 1")
    expect(frame.locator("#entry")).to_have_text("ab-initio")
    frame.locator("#answer").click()
    frame.locator("#suspend-btn").click()
    play.saved(page)
    page.close()

    page = browser.new_page()
    page.goto(play.launch_link(sdk, registration_id))
    frame = play.sco_frame(page, "Module 1")
    expect(frame.locator("#entry")).to_have_text("resume")
    expect(frame.locator("#location")).to_have_text("slide-4")
    expect(frame.locator("#suspend")).to_have_text("slide=4;answers=b")
    frame.locator("#finish").click()  # adl.nav.request=continue: the player moves on by itself
    frame = play.sco_frame(page, "Module 2")
    expect(frame.locator("#entry")).to_have_text("ab-initio")
    frame.locator("#finish").click()
    play.saved(page)

    got = _progress(sdk, registration_id)
    assert got.registration_completion == "COMPLETED" and got.registration_success == "PASSED"
    module = got.activity_details.children[0]
    assert module.score.scaled == 90.0 and module.runtime.score_scaled == "0.9"
    assert module.runtime.total_time == "PT3M30S"
    assert got.total_seconds_tracked == 360.0
    interaction = module.runtime.runtime_interactions[0]
    assert (interaction.id, interaction.learner_response, interaction.result, interaction.latency) == (
        "q1", "b", "correct", "PT5S")
    objective = next(o for o in module.runtime.runtime_objectives if o.id == "obj_photo")
    assert objective.score_scaled == "0.9" and objective.runtime_objective_success_status == "PASSED"
    assert objective.runtime_objective_completion_status == "COMPLETED"


def test_scorm2004_sequencing_skips_and_hides_an_activity(browser, stack: LocalStack, sdk, tmp_path) -> None:
    from playwright.sync_api import expect

    play.import_course(sdk, tmp_path, "skip-play", cz.skip_rule_2004_zip(
        page=lambda n: sco_pages.sco_page(f"Module {n}", sco_pages.PLAN_2004)))
    registration_id = play.register(sdk, "skip-play")
    page = browser.new_page()
    page.goto(play.launch_link(sdk, registration_id))
    frame = play.sco_frame(page, "Module 1")
    expect(page.locator("#toc-list button")).to_have_text(["Module 1", "Module 3"])  # hidden from choice
    expect(page.locator("#prev")).to_be_disabled()
    frame.locator("#finish").click()  # adl.nav.request=continue: the sequencer skips Module 2
    frame = play.sco_frame(page, "Module 3")
    expect(page.locator("#prev")).to_be_enabled()
    page.locator("#prev").click()  # previous skips Module 2 too
    play.sco_frame(page, "Module 1")


def test_a_lost_commit_response_is_retried_and_applied_once(browser, stack: LocalStack, sdk, tmp_path) -> None:
    play.import_course(sdk, tmp_path, "golf-faults", sco_pages.playable_scorm12_zip(scos=1))
    registration_id = play.register(sdk, "golf-faults")
    page = browser.new_page()
    dropped: list[str] = []

    def lose_the_answer(route: Any) -> None:
        if not dropped:  # the server gets the commit; the browser never hears back
            route.fetch()
            dropped.append(route.request.post_data or "")
            route.abort("connectionreset")
        else:
            route.continue_()

    page.goto(play.launch_link(sdk, registration_id))
    frame = play.sco_frame(page, "Lesson 1")
    page.route("**/commit", lose_the_answer)
    frame.locator("#answer").click()
    play.saved(page)
    page.unroute("**/commit")
    assert dropped
    lesson = _progress(sdk, registration_id).activity_details.children[0]
    assert len(lesson.runtime.runtime_interactions) == 1 and lesson.runtime.location == "page-3"

    launch_id = sdk[2].get_registration_launch_history(registration_id).launch_history[0].id
    web = play.owner_session(stack)
    log = web.get(f"{stack.base_url}/api/app/registrations/{registration_id}/launches/{launch_id}/log",
                  timeout=10).json()
    commits = [e for e in log["entries"] if e.get("kind") == "commit" and e.get("seq") == 1]
    assert len(commits) == 1  # applied once, although sent twice
    assert any(e.get("call") == "LMSSetValue" and e.get("args") == ["cmi.core.score.raw", 90] for e in log["entries"])
    shared = requests.get(log["shareUrl"], timeout=10)
    assert shared.status_code == 200 and "LMSSetValue" in shared.text


def test_two_tabs_lose_no_update(browser, stack: LocalStack, sdk, tmp_path) -> None:
    play.import_course(sdk, tmp_path, "golf-tabs", sco_pages.playable_scorm12_zip(scos=1))
    registration_id = play.register(sdk, "golf-tabs")
    context = browser.new_context()
    first, second = context.new_page(), context.new_page()
    first.goto(play.launch_link(sdk, registration_id))
    second.goto(play.launch_link(sdk, registration_id))
    play.sco_frame(first, "Lesson 1")
    play.sco_frame(second, "Lesson 1")
    script = ("([element, value]) => setTimeout(() => {"
              " const sco = document.getElementById('content').contentWindow.sco;"
              " sco.call('LMSSetValue', element, value); sco.call('LMSCommit', ''); }, 300)")
    first.evaluate(script, ["cmi.core.lesson_location", "from-first-tab"])
    second.evaluate(script, ["cmi.suspend_data", "from-second-tab"])
    for page in (first, second):
        page.wait_for_function("() => document.getElementById('content').contentWindow.sco.calls"
                               ".some((c) => c[0] === 'LMSCommit')")
        play.saved(page)
    runtime = _progress(sdk, registration_id).activity_details.children[0].runtime
    assert runtime.location == "from-first-tab" and runtime.suspend_data == "from-second-tab"
    context.close()


def test_used_and_expired_links_are_refused(browser, stack: LocalStack, sdk, tmp_path) -> None:
    play.import_course(sdk, tmp_path, "golf-links", sco_pages.playable_scorm12_zip(scos=1))
    registration_id = play.register(sdk, "golf-links")
    link = play.launch_link(sdk, registration_id)
    page = browser.new_page()
    page.goto(link)
    play.sco_frame(page, "Lesson 1")
    again = page.goto(link)
    assert again is not None and again.status == 410 and "already used" in page.content()
    short = play.launch_link(sdk, registration_id, expiry=1)
    time.sleep(1.5)
    late = page.goto(short)
    assert late is not None and late.status == 410
