"""Acceptance (issue 16): configuration settings change what Chromium shows. Set through the
unchanged official SDK against the running local stack, ``PlayerLaunchType`` decides whether the
course opens in the player's frame, in a new window at once, or in a new window after a click;
``PlayerShowCourseStructure`` hides the table of contents. The SCO in its own window finds the
runtime through ``window.opener`` and what it sets is tracked."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest

from tests.builders import sco_pages
from tests.e2e import play

if TYPE_CHECKING:
    from tests.e2e.stack import LocalStack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def _register(sdk: Any, course_id: str, **settings: str) -> str:
    scorm, _, regs = sdk
    registration_id = f"set-{uuid.uuid4().hex[:8]}"
    initial = scorm.SettingsPostSchema(settings=[scorm.SettingsIndividualSchema(setting_id=k, value=v)
                                                 for k, v in settings.items()]) if settings else None
    regs.create_registration(scorm.CreateRegistrationSchema(
        course_id=course_id, registration_id=registration_id, initial_settings=initial,
        learner=scorm.LearnerSchema(id="grace@example.com", first_name="Grace", last_name="Hopper")))
    return registration_id


def test_player_launch_type_decides_how_the_course_opens(browser, stack: LocalStack, sdk, tmp_path) -> None:
    from playwright.sync_api import expect

    scorm, courses, regs = sdk
    play.import_course(sdk, tmp_path, "settings-golf", sco_pages.playable_scorm12_zip())
    framed = _register(sdk, "settings-golf")
    windowed = _register(sdk, "settings-golf", PlayerLaunchType="NEW_WINDOW", PlayerShowCourseStructure="false")
    effective = {item.id: item for item in regs.get_registration_configuration(windowed).setting_items}
    assert effective["PlayerLaunchType"].effective_value == "NEW_WINDOW"
    assert effective["PlayerLaunchType"].effective_value_source == "registration"

    context = browser.new_context()
    page = context.new_page()
    page.goto(play.launch_link(sdk, framed))  # FRAMESET, the default: the SCO plays inside the player
    frame = page.frame_locator("#content")
    expect(frame.get_by_role("heading", name="Lesson 1")).to_be_visible(timeout=15_000)
    expect(frame.locator("#state")).to_have_text("running")
    expect(page.locator("#toc")).to_be_visible()
    assert len(context.pages) == 1
    page.close()

    page = context.new_page()
    with context.expect_page(timeout=15_000) as opened:
        page.goto(play.launch_link(sdk, windowed))  # NEW_WINDOW: the SCO gets a window of its own
    content = opened.value
    expect(content.get_by_role("heading", name="Lesson 1")).to_be_visible(timeout=15_000)
    expect(content.locator("#state")).to_have_text("running")  # found the runtime through window.opener
    expect(page.locator("#content")).to_be_hidden()
    expect(page.locator("#toc")).to_be_hidden()  # PlayerShowCourseStructure=false
    expect(page.locator("#message")).to_contain_text("open in its own window")
    content.locator("#finish").click()
    play.saved(page)
    lesson = regs.get_registration_progress(windowed, include_child_results=True).activity_details.children[0]
    assert lesson.activity_completion == "COMPLETED"
    content.close()
    page.close()

    courses.set_course_configuration("settings-golf", scorm.SettingsPostSchema(settings=[
        scorm.SettingsIndividualSchema(setting_id="PlayerLaunchType", value="NEW_WINDOW_AFTER_CLICK")]))
    clicked = _register(sdk, "settings-golf")  # inherits the course's value
    page = context.new_page()
    page.goto(play.launch_link(sdk, clicked))
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
