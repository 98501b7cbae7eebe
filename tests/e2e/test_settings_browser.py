"""Acceptance (issue 16): configuration settings change what Chromium shows. Set through the
unchanged official SDK against the running local stack, ``PlayerLaunchType`` decides whether the
course opens in the player's frame, in a new window at once, or in a new window after a click;
``PlayerShowCourseStructure`` hides the table of contents. The SCO in its own window finds the
runtime through ``window.opener`` and what it sets is tracked."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

import pytest

from tests.builders import sco_pages

if TYPE_CHECKING:
    from tests.e2e.stack import LocalStack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def _import(sdk: Any, tmp_path: Any, course_id: str) -> None:
    _scorm, courses, _ = sdk
    package = tmp_path / f"{course_id}.zip"
    package.write_bytes(sco_pages.playable_scorm12_zip())
    job = courses.create_upload_and_import_course_job(course_id, file=str(package), may_create_new_version=True)
    deadline = time.monotonic() + 60
    while courses.get_import_job_status(job.result).status == "RUNNING":
        assert time.monotonic() < deadline, "import did not finish"
        time.sleep(0.2)


def _register(sdk: Any, course_id: str, **settings: str) -> str:
    scorm, _, regs = sdk
    registration_id = f"set-{uuid.uuid4().hex[:8]}"
    initial = scorm.SettingsPostSchema(settings=[scorm.SettingsIndividualSchema(setting_id=k, value=v)
                                                 for k, v in settings.items()]) if settings else None
    regs.create_registration(scorm.CreateRegistrationSchema(
        course_id=course_id, registration_id=registration_id, initial_settings=initial,
        learner=scorm.LearnerSchema(id="grace@example.com", first_name="Grace", last_name="Hopper")))
    return registration_id


def _link(sdk: Any, registration_id: str) -> str:
    scorm, _, regs = sdk
    made = regs.build_registration_launch_link(registration_id, scorm.LaunchLinkRequestSchema(
        redirect_on_exit_url="message", expiry=120))
    return str(made.launch_link)


def _saved(page: Any) -> None:
    page.wait_for_function("() => { const s = window.nimbusPlayer && window.nimbusPlayer.state();"
                           " return s && s.queued === 0 && s.pending === 0; }", timeout=20_000)


def test_player_launch_type_decides_how_the_course_opens(browser, stack: LocalStack, sdk, tmp_path) -> None:
    from playwright.sync_api import expect

    scorm, courses, regs = sdk
    _import(sdk, tmp_path, "settings-golf")
    framed = _register(sdk, "settings-golf")
    windowed = _register(sdk, "settings-golf", PlayerLaunchType="NEW_WINDOW", PlayerShowCourseStructure="false")
    effective = {item.id: item for item in regs.get_registration_configuration(windowed).setting_items}
    assert effective["PlayerLaunchType"].effective_value == "NEW_WINDOW"
    assert effective["PlayerLaunchType"].effective_value_source == "registration"

    context = browser.new_context()
    page = context.new_page()
    page.goto(_link(sdk, framed))  # FRAMESET, the default: the SCO plays inside the player
    frame = page.frame_locator("#content")
    expect(frame.get_by_role("heading", name="Lesson 1")).to_be_visible(timeout=15_000)
    expect(frame.locator("#state")).to_have_text("running")
    expect(page.locator("#toc")).to_be_visible()
    assert len(context.pages) == 1
    page.close()

    page = context.new_page()
    with context.expect_page(timeout=15_000) as opened:
        page.goto(_link(sdk, windowed))  # NEW_WINDOW: the SCO gets a window of its own
    content = opened.value
    expect(content.get_by_role("heading", name="Lesson 1")).to_be_visible(timeout=15_000)
    expect(content.locator("#state")).to_have_text("running")  # found the runtime through window.opener
    expect(page.locator("#content")).to_be_hidden()
    expect(page.locator("#toc")).to_be_hidden()  # PlayerShowCourseStructure=false
    expect(page.locator("#message")).to_contain_text("open in its own window")
    content.locator("#finish").click()
    _saved(page)
    lesson = regs.get_registration_progress(windowed, include_child_results=True).activity_details.children[0]
    assert lesson.activity_completion == "COMPLETED"
    content.close()
    page.close()

    courses.set_course_configuration("settings-golf", scorm.SettingsPostSchema(settings=[
        scorm.SettingsIndividualSchema(setting_id="PlayerLaunchType", value="NEW_WINDOW_AFTER_CLICK")]))
    clicked = _register(sdk, "settings-golf")  # inherits the course's value
    page = context.new_page()
    page.goto(_link(sdk, clicked))
    opener = page.get_by_role("button", name='Open "Lesson 1"')
    expect(opener).to_be_visible(timeout=15_000)
    assert len(context.pages) == 1  # nothing opened before the click
    with context.expect_page(timeout=15_000) as opened:
        opener.click()
    expect(opened.value.locator("#state")).to_have_text("running", timeout=15_000)
    context.close()

    with pytest.raises(scorm.rest.ApiException) as refused:
        regs.set_registration_configuration(clicked, scorm.SettingsPostSchema(settings=[
            scorm.SettingsIndividualSchema(setting_id="PlayerLaunchType", value="POPUP")]))
    assert refused.value.status == 400 and "PlayerLaunchType" in refused.value.body
