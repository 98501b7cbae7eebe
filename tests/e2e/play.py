"""What the end-to-end tests share to play a course through the official SDK: import a package and
wait for the job, register Ada, build a launch link, open a page that records script errors, wait
for the player's commit queue to drain, find the running SCO's frame, sign the owner in.

Chromium itself is launched once per session by the ``browser`` fixture in ``conftest.py``."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from tests.e2e.stack import LocalStack


def import_course(sdk: Any, tmp_path: Any, course_id: str, data: bytes) -> None:
    """Upload ``data`` as ``course_id`` with the SDK and wait (60 s at most) for a COMPLETE import."""
    _scorm, courses, _ = sdk
    package = tmp_path / f"{course_id}.zip"
    package.write_bytes(data)
    job = courses.create_upload_and_import_course_job(course_id, file=str(package), may_create_new_version=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = courses.get_import_job_status(job.result)
        if status.status != "RUNNING":
            assert status.status == "COMPLETE", status.message
            return
        time.sleep(0.2)
    raise AssertionError("import did not finish")


def register(sdk: Any, course_id: str) -> str:
    """A new registration of Ada Lovelace (``ada@example.com``) on ``course_id``; its id."""
    scorm, _, regs = sdk
    registration_id = f"reg-{uuid.uuid4().hex[:8]}"
    regs.create_registration(scorm.CreateRegistrationSchema(
        course_id=course_id, registration_id=registration_id,
        learner=scorm.LearnerSchema(id="ada@example.com", first_name="Ada", last_name="Lovelace")))
    return registration_id


def launch_link(sdk: Any, registration_id: str, expiry: int = 120) -> str:
    """The SDK's launch link for ``registration_id`` (exit shows a message)."""
    scorm, _, regs = sdk
    made = regs.build_registration_launch_link(registration_id, scorm.LaunchLinkRequestSchema(
        redirect_on_exit_url="message", expiry=expiry))
    return str(made.launch_link)


def watched_page(opener: Any, errors: list[str]) -> Any:
    """A new page of ``opener`` (a browser or a context) whose uncaught script errors go to ``errors``."""
    page = opener.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page


def saved(page: Any, timeout: float = 20) -> None:
    """Wait until the player has nothing queued or in flight (every commit answered)."""
    page.wait_for_function("() => { const s = window.nimbusPlayer && window.nimbusPlayer.state();"
                           " return s && s.queued === 0 && s.pending === 0; }", timeout=timeout * 1000)


def sco_frame(page: Any, title: str) -> Any:
    """The player's content frame once the SCO headed ``title`` is running."""
    from playwright.sync_api import expect

    frame = page.frame_locator("#content")
    expect(frame.get_by_role("heading", name=title)).to_be_visible(timeout=15_000)
    expect(frame.locator("#state")).to_have_text("running")
    return frame


def owner_session(stack: LocalStack, *, csrf: bool = False) -> requests.Session:
    """The realm owner signed in to the web app (with the CSRF header set when ``csrf``)."""
    creds = stack.credentials()
    web = requests.Session()
    signed = web.post(f"{stack.base_url}/api/session", timeout=10,
                      json={"email": creds["ownerEmail"], "password": creds["ownerPassword"]})
    assert signed.status_code == 200, signed.text
    if csrf:
        web.headers["X-CSRF-Token"] = signed.json()["csrfToken"]
    return web
