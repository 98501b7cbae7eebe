"""Invitations against the running local stack: the official SDK, unchanged, drives every
InvitationsApi operation (paging with ``more``, tag filters); Chromium plays a course through a
public invitation's splash page and through the personal links of a private invitation's .eml
files; the cap, disabled and expired pages create nothing; a trial realm refuses what does not fit."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from typing import TYPE_CHECKING, Any

import pytest
import requests

from tests.builders import sco_pages
from tests.e2e import play

if TYPE_CHECKING:
    from pathlib import Path

    from tests.e2e.stack import LocalStack

pytestmark = [pytest.mark.e2e]


@pytest.fixture(scope="module")
def invitations_api(stack: LocalStack) -> Any:
    import rustici_software_cloud_v2 as scorm

    creds = stack.credentials()
    config = scorm.Configuration()
    config.host = creds["apiBase"]
    config.username, config.password = creds["appId"], creds["secretKey"]
    return scorm.InvitationsApi(scorm.ApiClient(config))


@pytest.fixture(scope="module")
def course(sdk: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A one-SCO SCORM 1.2 course (tests/builders) whose #finish completes it."""
    course_id = f"inv-golf-{uuid.uuid4().hex[:6]}"
    play.import_course(sdk, tmp_path_factory.mktemp("inv"), course_id,
                       sco_pages.playable_scorm12_zip("Golf Invitations", scos=1))
    return course_id


def _future(days: int = 30) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0, tzinfo=None)


def _job_done(api: Any, invitation_id: str) -> Any:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = api.get_private_invitation_job_status(invitation_id)
        if status.status != "STARTED":
            return status
        time.sleep(0.3)
    raise AssertionError("the email job did not finish")


def _registration_ids(sdk: Any, course_id: str) -> set[str]:
    _, _, regs = sdk
    found, more = set(), None
    while True:
        page = regs.get_registrations(more=more) if more else regs.get_registrations(course_id=course_id)
        found |= {r.id for r in page.registrations}
        more = page.more
        if not more:
            return found


def _counted(web: requests.Session, stack: LocalStack) -> int:
    return int(web.get(f"{stack.base_url}/api/account", timeout=10).json()["registrationsCounted"])


def test_sdk_drives_every_invitations_operation(stack: LocalStack, sdk: Any, invitations_api: Any,
                                                course: str) -> None:
    import rustici_software_cloud_v2 as scorm

    api = invitations_api
    run = uuid.uuid4().hex[:6]
    made = api.create_public_invitation(scorm.CreatePublicInvitationSchema(
        course_id=course, creating_user_email="owner@nimbus.local", registration_cap=5,
        expiration_date=_future(), tags=[f"pub-{run}"],
        post_back=scorm.PostBackSchema(url="https://hooks.example.com/inv", auth_type="FORM", results_format="COURSE")))
    assert made.course_id == course and made.course_title == "Golf Invitations" and made.registration_cap == 5
    assert made.url.startswith(stack.base_url + "/invite/") and made.allow_launch and made.allow_new_registrations
    got = api.get_public_invitation(made.id, include_registration_count=True)
    assert got.registration_count == 0 and got.post_back.url == "https://hooks.example.com/inv"
    changed = api.update_public_invitation(made.id, scorm.PublicInvitationUpdateSchema(
        allow_new_registrations=False, registration_cap=7))
    assert changed.allow_new_registrations is False and changed.registration_cap == 7 and changed.allow_launch

    # paging with more, over a tag filter
    page_run = [api.create_public_invitation(scorm.CreatePublicInvitationSchema(
        course_id=course, creating_user_email="owner@nimbus.local", tags=[f"page-{run}"])).id for _ in range(52)]
    first = api.get_public_invitations(tags=[f"page-{run}"])
    assert len(first.invitations) == 50 and first.more
    second = api.get_public_invitations(more=first.more)
    assert second.more is None
    assert sorted(i.id for i in first.invitations + second.invitations) == sorted(page_run)
    everything = api.get_all_invitations(tags=[f"page-{run}", f"pub-{run}"], order_by="created_asc")
    rest = api.get_all_invitations(more=everything.more)
    assert [i.id for i in everything.invitations + rest.invitations] == [made.id, *page_run]
    assert all(i.is_public for i in everything.invitations)

    # private: three good addresses and a bad one
    summary = api.create_private_invitation(scorm.CreatePrivateInvitationSchema(
        course_id=course, creating_user_email="owner@nimbus.local", expiration_date=_future(), tags=[f"priv-{run}"],
        invitation_email=scorm.InvitationEmailSchema(subject="Your golf course", body="Hello from the SDK test.",
                                                     addresses=[f"a-{run}@example.com", f"b-{run}@example.com",
                                                                f"c-{run}@example.com", "no-at-sign"])))
    assert summary.is_public is False and summary.course_id == course
    status = _job_done(api, summary.id)
    assert status.status == "COMPLETE" and status.total == 4 and status.processed == 4
    assert len(status.errors) == 1 and "no-at-sign" in status.errors[0]
    private = api.get_private_invitation(summary.id, include_registration_count=True)
    assert private.registration_count == 3 and private.launched_registration_count == 0
    assert private.invitation_email.subject == "Your golf course"
    updated = api.update_private_invitation(summary.id, scorm.PrivateInvitationUpdateSchema(
        allow_launch=False, invitation_email=scorm.InvitationEmailUpdateSchema(subject="Golf, again")))
    assert updated.allow_launch is False and updated.invitation_email.subject == "Golf, again"
    listed = api.get_private_invitations(tags=[f"priv-{run}"], include_registration_count=True)
    assert [i.id for i in listed.invitations] == [summary.id]
    people = api.get_private_user_invitations(summary.id, include_registration_report=True)
    assert sorted(p.email for p in people.user_invitations) == sorted(
        [f"a-{run}@example.com", f"b-{run}@example.com", f"c-{run}@example.com"])
    assert all(p.registration_report.complete == "UNKNOWN" and not p.is_started for p in people.user_invitations)
    assert all("/u/" in p.url for p in people.user_invitations)
    assert api.get_public_user_invitations(made.id).user_invitations == []

    # tags, one and in batch
    api.put_invitation_tags(summary.id, scorm.TagListSchema(tags=["x", "y"]))
    api.delete_invitation_tags(summary.id, scorm.TagListSchema(tags=["y"]))
    assert api.get_invitation_tags(summary.id).tags == [f"priv-{run}", "x"]
    api.put_invitation_tags_batch(scorm.BatchTagsSchema(ids=[summary.id, made.id], tags=[f"batch-{run}"]))
    both = api.get_all_invitations(tags=[f"batch-{run}"])
    assert sorted(i.id for i in both.invitations) == sorted([summary.id, made.id])

    # refusals come back as 4xx the SDK raises
    with pytest.raises(scorm.rest.ApiException) as refused:
        api.create_public_invitation(scorm.CreatePublicInvitationSchema(
            course_id="no-such-course", creating_user_email="owner@nimbus.local"))
    assert refused.value.status == 404
    with pytest.raises(scorm.rest.ApiException) as refused:
        api.get_public_invitation(summary.id)
    assert refused.value.status == 404


def _play(browser: Any, url: str, email: str, first: str, last: str) -> Any:
    """Open a public invitation, fill the splash form, finish the course; returns the page."""
    from playwright.sync_api import expect

    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Start the course").click()
    frame = page.frame_locator("#content")
    expect(frame.get_by_role("heading", name="Lesson 1")).to_be_visible(timeout=15_000)
    expect(frame.locator("#learner")).to_have_text(f"{last}, {first}")
    return page


def _finish(page: Any) -> None:
    frame = page.frame_locator("#content")
    frame.locator("#finish").click()
    page.wait_for_function("() => { const s = window.nimbusPlayer && window.nimbusPlayer.state();"
                           " return s && s.queued === 0 && s.pending === 0; }", timeout=20_000)


@pytest.mark.browser
def test_public_invitation_in_chromium(browser: Any, stack: LocalStack, sdk: Any, invitations_api: Any,
                                       course: str) -> None:
    import rustici_software_cloud_v2 as scorm
    from playwright.sync_api import expect

    api = invitations_api
    web = play.owner_session(stack, csrf=True)
    before_regs, before_count = _registration_ids(sdk, course), _counted(web, stack)
    inv = api.create_public_invitation(scorm.CreatePublicInvitationSchema(
        course_id=course, creating_user_email="owner@nimbus.local", registration_cap=2))
    run = uuid.uuid4().hex[:6]
    for email, first, last in ((f"ada-{run}@example.com", "Ada", "Lovelace"),
                               (f"grace-{run}@example.com", "Grace", "Hopper")):
        page = _play(browser, inv.url, email, first, last)
        _finish(page)
        page.context.close()
    people = {p.email: p for p in api.get_public_user_invitations(
        inv.id, include_registration_report=True).user_invitations}
    assert set(people) == {f"ada-{run}@example.com", f"grace-{run}@example.com"}
    for person in people.values():
        assert person.is_started and person.registration_report.complete == "COMPLETED"
    assert api.get_public_invitation(inv.id).registration_count == 2
    assert _counted(web, stack) == before_count + 2
    made = _registration_ids(sdk, course) - before_regs
    assert made == {p.registration_id for p in people.values()}

    # the same address again resumes its registration: nothing new
    page = _play(browser, inv.url, f"ADA-{run}@example.com", "Ada", "Lovelace")
    page.context.close()
    assert _registration_ids(sdk, course) - before_regs == made

    # a third person: the invitation is full
    context = browser.new_context()
    page = context.new_page()
    page.goto(inv.url)
    page.get_by_label("First name").fill("Alan")
    page.get_by_label("Last name").fill("Turing")
    page.get_by_label("Email").fill(f"alan-{run}@example.com")
    page.get_by_role("button", name="Start the course").click()
    expect(page.get_by_role("heading", name="This invitation is full")).to_be_visible()
    context.close()

    # disabled, then expired: their pages, and still no registration
    api.update_public_invitation(inv.id, scorm.PublicInvitationUpdateSchema(allow_launch=False))
    context = browser.new_context()
    page = context.new_page()
    page.goto(inv.url)
    expect(page.get_by_role("heading", name="This invitation has been disabled")).to_be_visible()
    api.update_public_invitation(inv.id, scorm.PublicInvitationUpdateSchema(
        allow_launch=True, expiration_date=(datetime.now(UTC) - timedelta(minutes=1)).replace(tzinfo=None)))
    page.goto(inv.url)
    expect(page.get_by_role("heading", name="This invitation has expired")).to_be_visible()
    context.close()
    assert _registration_ids(sdk, course) - before_regs == made
    assert _counted(web, stack) == before_count + 2


def _messages(stack: LocalStack, invitation_id: str) -> list[Any]:
    folder = stack.home / "outbox" / invitation_id
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(list(folder.glob("*.eml"))) < 3:
        time.sleep(0.2)
    found = []
    for path in sorted(folder.glob("*.eml")):
        with path.open("rb") as handle:
            found.append(BytesParser(policy=policy.default).parse(handle))
    return found


@pytest.mark.browser
def test_private_invitation_emails_links_that_launch_the_right_registration(
        browser: Any, stack: LocalStack, sdk: Any, invitations_api: Any, course: str) -> None:
    import rustici_software_cloud_v2 as scorm
    from playwright.sync_api import expect

    api = invitations_api
    web = play.owner_session(stack, csrf=True)
    before = _counted(web, stack)
    run = uuid.uuid4().hex[:6]
    learners = {f"{name.lower()}-{run}@example.com": (name, last) for name, last in
                (("Ada", "Lovelace"), ("Grace", "Hopper"), ("Alan", "Turing"))}
    summary = api.create_private_invitation(scorm.CreatePrivateInvitationSchema(
        course_id=course, creating_user_email="owner@nimbus.local",
        invitation_email=scorm.InvitationEmailSchema(subject="Golf", addresses=[
            f"{first} {last} <{email}>" for email, (first, last) in learners.items()] + ["nobody@@example"])))
    assert _counted(web, stack) == before + 3  # counted at invitation time, before any launch
    people = {p.email: p for p in api.get_private_user_invitations(summary.id).user_invitations}
    assert set(people) == set(learners)
    messages = _messages(stack, summary.id)
    assert len(messages) == 3
    status = _job_done(api, summary.id)
    assert status.status == "COMPLETE" and any("nobody@@example" in e for e in status.errors)
    _, _, regs = sdk
    for message in messages:
        address = message["To"].addresses[0].addr_spec
        first, last = learners[address]
        text = message.get_body(preferencelist=("plain",)).get_content()
        link = re.search(r"https?://\S+/invite/\S+", text).group(0)  # type: ignore[union-attr]
        context = browser.new_context()
        page = context.new_page()
        page.goto(link)
        frame = page.frame_locator("#content")
        expect(frame.get_by_role("heading", name="Lesson 1")).to_be_visible(timeout=15_000)
        expect(frame.locator("#learner")).to_have_text(f"{last}, {first}")
        _finish(page)
        context.close()
        progress = regs.get_registration_progress(people[address].registration_id)
        assert progress.learner.email == address and progress.registration_completion == "COMPLETED"
    assert api.get_private_invitation(summary.id, include_registration_count=True).launched_registration_count == 3


def test_trial_realm_refuses_an_invitation_that_does_not_fit(stack: LocalStack, tmp_path: Path) -> None:
    web = requests.Session()
    run = uuid.uuid4().hex[:6]
    signed = web.post(f"{stack.base_url}/api/signup", timeout=10, json={
        "realmName": f"Trial {run}", "email": f"trial-{run}@example.com", "password": "correct horse battery"})
    assert signed.status_code == 200, signed.text
    web.headers["X-CSRF-Token"] = signed.json()["csrfToken"]
    started = web.post(f"{stack.base_url}/api/app/courses/import", timeout=30,
                       files={"file": ("golf.zip", sco_pages.playable_scorm12_zip(scos=1), "application/zip")})
    assert started.status_code == 200, started.text
    deadline = time.monotonic() + 60
    while web.get(f"{stack.base_url}/api/app/importJobs/{started.json()['jobId']}", timeout=10).json()[
            "status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.3)
    course_id = started.json()["courseId"]
    nine = web.post(f"{stack.base_url}/api/app/invitations/private", timeout=30, json={
        "courseId": course_id, "invitationEmail": {"addresses": [f"p{n}-{run}@example.com" for n in range(9)]}})
    assert nine.status_code == 200, nine.text
    assert web.get(f"{stack.base_url}/api/account", timeout=10).json()["registrationsCounted"] == 9
    two = web.post(f"{stack.base_url}/api/app/invitations/private", timeout=30, json={
        "courseId": course_id, "invitationEmail": {"addresses": [f"x-{run}@example.com", f"y-{run}@example.com"]}})
    assert two.status_code == 402, two.text
    assert "Trial plan allows 10 registrations" in two.json()["message"] and "This needs 2" in two.json()["message"]
    assert web.get(f"{stack.base_url}/api/account", timeout=10).json()["registrationsCounted"] == 9
    listed = web.get(f"{stack.base_url}/api/app/invitations", timeout=10).json()["invitations"]
    assert len(listed) == 1


@pytest.mark.browser
def test_web_app_shares_a_course_and_shows_the_invitation_and_outbox(browser: Any, stack: LocalStack,
                                                                    course: str) -> None:
    """The owner creates a public and a private invitation from the course page's Share menu in
    the SPA, copies the public URL, sees the people and their results, and reads the Outbox."""
    from playwright.sync_api import expect

    creds = stack.credentials()
    context = browser.new_context()
    errors: list[str] = []
    page = play.watched_page(context, errors)
    page.goto(f"{stack.base_url}/library/{course}")
    page.get_by_label("Email").fill(creds["ownerEmail"])
    page.get_by_label("Password").fill(creds["ownerPassword"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Golf Invitations")).to_be_visible(timeout=15_000)

    page.get_by_role("button", name="Share").click()
    page.get_by_role("menuitem", name="Public invitation…").click()
    page.get_by_label("Registration cap").fill("3")
    page.get_by_role("button", name="Create link").click()
    expect(page.get_by_role("heading", level=1, name="Public invitation")).to_be_visible(timeout=10_000)
    url = page.get_by_label("Invitation URL").inner_text()
    assert url.startswith(stack.base_url + "/invite/")
    expect(page.get_by_role("button", name="Copy URL")).to_be_visible()

    visitor = browser.new_context()
    splash = visitor.new_page()
    splash.goto(url)
    expect(splash.get_by_role("heading", name="Golf Invitations")).to_be_visible()
    run = uuid.uuid4().hex[:6]
    splash.get_by_label("First name").fill("Ada")
    splash.get_by_label("Last name").fill("Lovelace")
    splash.get_by_label("Email").fill(f"web-{run}@example.com")
    splash.get_by_role("button", name="Start the course").click()
    _finish(splash)
    visitor.close()

    page.reload()
    people = page.get_by_role("table", name="People")
    expect(people).to_contain_text(f"web-{run}@example.com", timeout=10_000)
    expect(people).to_contain_text("COMPLETED")
    page.get_by_role("switch", name="Enabled (learners may launch)").click()
    expect(page.get_by_text("Disabled", exact=True)).to_be_visible(timeout=10_000)

    page.goto(f"{stack.base_url}/library/{course}")
    # the page settled (its invitations listed): a re-render while the menu is open closes it
    expect(page.get_by_role("table", name="Invitations")).to_contain_text("Public", timeout=15_000)
    page.get_by_role("button", name="Share").click()
    page.get_by_role("menuitem", name="Private invitation…").click()
    page.get_by_label("Learners").fill(f"Grace Hopper <grace-web-{run}@example.com>\nnot-an-address")
    page.get_by_label("Subject").fill("Golf from the web app")
    page.get_by_role("button", name="Invite and send emails").click()
    expect(page.get_by_role("heading", level=1, name="Private invitation")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("list", name="Email problems")).to_contain_text("not-an-address", timeout=15_000)
    expect(page.get_by_role("table", name="People")).to_contain_text("Grace Hopper")

    page.goto(f"{stack.base_url}/invitations/outbox")
    outbox = page.get_by_role("table", name="Outbox")
    expect(outbox).to_contain_text(f"grace-web-{run}@example.com", timeout=10_000)
    expect(outbox).to_contain_text("Golf from the web app")
    link = outbox.locator("a[href*='/u/']").first.get_attribute("href")
    assert link and link.startswith(stack.base_url + "/invite/")

    page.goto(f"{stack.base_url}/invitations")
    table = page.get_by_role("table", name="Invitations")
    expect(table).to_contain_text("Golf Invitations", timeout=10_000)
    assert errors == []
    context.close()
