"""Acceptance (issue 12): an xAPI (TinCan) package built in tests/builders plays in Chromium through
the official SDK's launch link; its page posts statements with plain ``fetch`` to the LRS it was
launched with; the statements are in that LRS under the registration, and the registration read
back with the SDK is completed, passed, scored and timed from them; the debug log shows them."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.builders import statement_courses
from tests.e2e import play

if TYPE_CHECKING:
    from tests.e2e.stack import LocalStack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def _register(sdk: Any, course_id: str, email: str = "") -> str:
    scorm, _, regs = sdk
    registration_id = f"reg-{uuid.uuid4().hex[:8]}"
    regs.create_registration(scorm.CreateRegistrationSchema(
        course_id=course_id, registration_id=registration_id,
        learner=scorm.LearnerSchema(id="learner-7", first_name="Ada", last_name="Lovelace", email=email)))
    return registration_id


def test_a_tincan_package_plays_and_completes_from_its_statements(browser, stack: LocalStack, sdk,
                                                                    tmp_path) -> None:
    from playwright.sync_api import expect

    play.import_course(sdk, tmp_path, "tincan-golf", statement_courses.tincan_course_zip())
    registration_id = _register(sdk, "tincan-golf", email="ada@example.com")
    xapi_registration = sdk[2].get_registration_progress(registration_id).xapi_registration_id
    errors: list[str] = []
    page = play.watched_page(browser, errors)
    page.goto(play.launch_link(sdk, registration_id))
    frame = page.frame_locator("#content")
    expect(frame.get_by_role("heading", name="Golf Explained")).to_be_visible(timeout=15_000)
    expect(frame.locator("#state")).to_have_text("running", timeout=15_000)

    launched = urlsplit(page.locator("#content").get_attribute("src") or "")
    params = {k: v[0] for k, v in parse_qs(launched.query).items()}
    creds = stack.credentials()
    assert params["endpoint"] == f"{stack.base_url}/lrs/{creds['appId']}/"  # the app that made the link
    assert params["registration"] == xapi_registration
    assert params["activity_id"] == statement_courses.TINCAN_ACTIVITY
    assert json.loads(params["actor"])["account"] == {"homePage": stack.base_url, "name": "learner-7"}
    assert params["auth"].startswith("Basic ")

    frame.locator("#finish").click()
    expect(frame.locator("#state")).to_have_text("done", timeout=15_000)
    assert errors == []

    got = sdk[2].get_registration_progress(registration_id, include_child_results=True, include_runtime=True)
    assert (got.registration_completion, got.registration_success) == ("COMPLETED", "PASSED")
    assert got.score.scaled == 90.0 and got.total_seconds_tracked == 90.0  # one launch's 1:30, not three
    activity = got.activity_details.children[0]
    assert activity.activity_completion == "COMPLETED" and activity.activity_success == "PASSED"

    lrs = requests.get(f"{stack.base_url}/lrs/{creds['appId']}/statements",
                       params={"registration": xapi_registration}, auth=(creds["lrsKey"], creds["lrsSecret"]),
                       headers={"X-Experience-API-Version": "1.0.3"}, timeout=10)
    assert lrs.status_code == 200, lrs.text
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in lrs.json()["statements"]]
    assert sorted(verbs) == ["completed", "initialized", "passed", "terminated"]

    web = play.owner_session(stack)
    detail = web.get(f"{stack.base_url}/api/app/registrations/{registration_id}", timeout=10).json()
    shown = detail["activityDetails"]["children"][0]["runtime"]["statements"]
    assert [s["verb"].rsplit("/", 1)[-1] for s in shown] == ["initialized", "completed", "passed", "terminated"]
    launch_id = detail["launchHistory"][0]["id"]
    log = web.get(f"{stack.base_url}/api/app/registrations/{registration_id}/launches/{launch_id}/log",
                  timeout=10).json()
    logged = [e for e in log["entries"] if e.get("kind") == "statement"]
    assert len(logged) == 4 and all(e["counted"] for e in logged)
    assert not any("auth" in (e.get("launchParameters") or {}) for e in log["entries"])  # no secret in logs


def test_a_cmi5_course_written_with_xapi_cmi5_completes_and_passes(browser, stack: LocalStack, sdk,
                                                                     tmp_path) -> None:
    """AUs written with npm @xapi/cmi5, launched from the player's table of contents: the quiz
    (launchMethod AnyWindow) plays framed — fetch, launch data, learner preferences, initialized;
    completed, passed, terminated — then goes to the returnURL, which brings the player back;
    the debrief (OwnWindow) takes the whole window and comes back the same way. The block is
    satisfied after the quiz, the course after the debrief."""
    from playwright.sync_api import expect

    from tests.builders import cmi5_courses

    play.import_course(sdk, tmp_path, "cmi5-quiz", cmi5_courses.xapi_cmi5_course_zip())
    registration_id = _register(sdk, "cmi5-quiz")
    errors: list[str] = []
    page = play.watched_page(browser, errors)
    page.goto(play.launch_link(sdk, registration_id))
    frame = page.frame_locator("#content")
    expect(frame.get_by_role("heading", name="Flight Quiz")).to_be_visible(timeout=15_000)
    expect(frame.locator("#state")).to_have_text("running", timeout=20_000)
    expect(frame.locator("#mode")).to_have_text("Normal")
    frame.locator("#finish").click()
    back = "Choose an activity from the table of contents."
    expect(page.locator("#message")).to_have_text(back, timeout=20_000)
    assert "returned=1" in page.url
    expect(page.locator("#toc-list button[data-completion='COMPLETED']")).to_have_count(1)
    got = sdk[2].get_registration_progress(registration_id)
    assert got.registration_completion == "INCOMPLETE"  # the debrief is still to do

    page.get_by_role("button", name="Debrief").click()  # OwnWindow: the AU gets the whole window
    expect(page.locator("#state")).to_have_text("running", timeout=20_000)
    assert "/c/debrief/index.html?" in page.url
    page.locator("#finish").click()
    expect(page.locator("#message")).to_have_text(back, timeout=20_000)
    expect(page.locator("#toc-list button[data-completion='COMPLETED']")).to_have_count(2)
    assert errors == []

    got = sdk[2].get_registration_progress(registration_id, include_child_results=True, include_runtime=True)
    assert (got.registration_completion, got.registration_success) == ("COMPLETED", "PASSED")
    assert got.score.scaled == 90.0
    creds = stack.credentials()
    lrs = requests.get(f"{stack.base_url}/lrs/{creds['appId']}/statements",
                       params={"registration": got.xapi_registration_id, "ascending": "true"},
                       auth=(creds["lrsKey"], creds["lrsSecret"]), headers={"X-Experience-API-Version": "1.0.3"},
                       timeout=10)
    found = lrs.json()["statements"]
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in found]
    assert verbs == ["launched", "initialized", "completed", "passed", "satisfied", "terminated",  # block
                     "launched", "initialized", "completed", "satisfied", "passed", "terminated"]  # course
    # (the debrief's moveOn is Completed: the course is satisfied as soon as it is completed)
    kinds = [s["object"]["definition"]["type"].rsplit("/", 1)[-1] for s in found
             if s["verb"]["id"].endswith("satisfied")]
    assert kinds == ["block", "course"]


def test_the_lrs_answers_cross_origin_preflights(stack: LocalStack) -> None:
    """xAPI / cmi5 content on another origin: the browser's preflight for a statement PUT with
    Authorization is answered by the local gateway (as API Gateway does on AWS)."""
    creds = stack.credentials()
    preflight = requests.options(f"{stack.base_url}/lrs/{creds['appId']}/statements", timeout=10, headers={
        "Origin": "https://content.example.com", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization,x-experience-api-version,content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert {"Authorization", "X-Experience-API-Version", "Content-Type"} <= {
        h.strip() for h in preflight.headers["Access-Control-Allow-Headers"].split(",")}
    assert "PUT" in preflight.headers["Access-Control-Allow-Methods"]
