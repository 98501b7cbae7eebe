"""Acceptance, in Chromium against the running local stack: the player's Suspend, Exit and Exit All
buttons of a SCORM 2004 course with sequencing are the navigation requests suspendAll, exit and
exitAll (SN §4.4.3). Suspend → the relaunch resumes the attempt; Exit → the activity ends and the
learner picks the next one; Exit All → the relaunch is a new attempt on the root with fresh
tracking. The registration read with the official SDK shows the sequencer's rollup (the course's
"any child" rules), not the default rollup."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest

from tests.builders import sco_pages
from tests.builders.sequenced_courses import rollup_rules_2004_zip
from tests.e2e import play

if TYPE_CHECKING:

    from tests.e2e.stack import LocalStack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
EXITED = "You have exited the course"


def _course(sdk: Any, tmp_path: Any) -> str:
    """Import the 'any child' course with playable SCOs; a new registration on it."""
    course_id = f"any-{uuid.uuid4().hex[:6]}"
    play.import_course(sdk, tmp_path, course_id, rollup_rules_2004_zip(
        page=lambda n: sco_pages.sco_page(f"Module {n}", sco_pages.PLAN_2004)))
    return play.register(sdk, course_id)


def _launch(browser: Any, sdk: Any, registration_id: str, errors: list[str]) -> Any:
    page = play.watched_page(browser, errors)
    page.goto(play.launch_link(sdk, registration_id))
    return page


def test_suspend_exit_and_exit_all_buttons_are_navigation_requests(browser, stack: LocalStack, sdk,
                                                                   tmp_path) -> None:
    from playwright.sync_api import expect

    registration_id = _course(sdk, tmp_path)
    _, _, regs = sdk
    errors: list[str] = []
    page = _launch(browser, sdk, registration_id, errors)
    frame = play.sco_frame(page, "Module 1")
    expect(frame.locator("#entry")).to_have_text("ab-initio")
    frame.locator("#answer").click()  # location slide-4, committed
    play.saved(page)
    page.get_by_role("button", name="Suspend").click()  # suspendAll while the SCO still runs
    expect(page.locator("#message")).to_contain_text(EXITED)
    page.close()

    page = _launch(browser, sdk, registration_id, errors)  # Resume All
    frame = play.sco_frame(page, "Module 1")
    expect(page.locator("#suspend-all")).to_be_visible()
    expect(frame.locator("#entry")).to_have_text("resume")
    expect(frame.locator("#location")).to_have_text("slide-4")
    frame.locator("#finish").click()  # completed + passed, adl.nav.request=continue
    frame = play.sco_frame(page, "Module 2")
    got = regs.get_registration_progress(registration_id, include_child_results=True)
    # the root's "any child" rules: one completed, passed SCO completes and satisfies the course
    assert (got.registration_completion, got.registration_success) == ("COMPLETED", "PASSED")
    assert got.score.scaled == 90.0
    assert got.activity_details.children[1].activity_completion == "INCOMPLETE"

    page.get_by_role("button", name="Exit", exact=True).click()  # exit: Module 2's attempt ends
    expect(page.locator("#message")).to_contain_text("Choose an activity")
    page.locator("#toc-list button", has_text="Module 3").click()  # choice
    frame = play.sco_frame(page, "Module 3")
    expect(frame.locator("#entry")).to_have_text("ab-initio")
    expect(page.locator("#suspend-all")).to_be_hidden()  # Module 3's adlnav:hideLMSUI
    page.get_by_role("button", name="Exit All").click()  # exitAll: the course attempt ends
    expect(page.locator("#message")).to_contain_text(EXITED)
    page.close()

    page = _launch(browser, sdk, registration_id, errors)  # a new attempt on the root
    frame = play.sco_frame(page, "Module 1")
    expect(frame.locator("#entry")).to_have_text("ab-initio")
    expect(frame.locator("#location")).to_have_text("")
    got = regs.get_registration_progress(registration_id, include_child_results=True)
    assert (got.registration_completion, got.registration_success) == ("INCOMPLETE", "UNKNOWN")
    assert got.activity_details.children[0].attempts == 2
    page.close()
    assert errors == []
