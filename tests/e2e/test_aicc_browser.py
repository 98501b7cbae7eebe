"""Acceptance: an AICC course built in tests/builders plays in Chromium against the running local
stack. Its AUs read ``aicc_sid`` and ``aicc_url`` from their URL and talk HACP through real
``application/x-www-form-urlencoded`` posts — one AU from the course's own files, one hosted on
another origin (an absolute ``file_name``) — and the registration read back with the official SDK
shows the status, score and time they reported."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest
import requests

from tests.builders.aicc_course import au_page, hacp_course_zip
from tests.e2e import play

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.e2e.stack import LocalStack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


class _ExternalAu(BaseHTTPRequestHandler):
    """Another origin serving AU ``A2`` (externally hosted content)."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = au_page("A2", status="completed", score="").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        return


@pytest.fixture
def external_host() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ExternalAu)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_aicc_aus_talk_hacp_and_the_registration_shows_status_score_and_time(
        browser, stack: LocalStack, sdk, tmp_path, external_host) -> None:
    from playwright.sync_api import expect

    scorm, _, regs = sdk
    play.import_course(sdk, tmp_path, "hacp-play", hacp_course_zip(external_url=f"{external_host}/lesson2/start.html"))
    registration_id = play.register(sdk, "hacp-play")
    errors: list[str] = []
    page = play.watched_page(browser, errors)
    page.goto(play.launch_link(sdk, registration_id))

    frame = page.frame_locator("#content")
    expect(frame.get_by_role("heading", name="AU A1")).to_be_visible(timeout=15_000)
    expect(frame.locator("#state")).to_have_text("ready", timeout=15_000)  # GetParam answered
    expect(frame.locator("#log")).to_contain_text("Student_Name=Lovelace, Ada")
    expect(frame.locator("#log")).to_contain_text("Lesson_Status=not attempted,ab-initio")
    frame.locator("#finish").click()
    expect(frame.locator("#state")).to_have_text("done", timeout=15_000)

    page.get_by_role("button", name="Next").click()  # A2 needs A1 (.pre): it is passed now
    frame = page.frame_locator("#content")
    expect(frame.get_by_role("heading", name="AU A2")).to_be_visible(timeout=15_000)
    expect(frame.locator("#state")).to_have_text("ready", timeout=15_000)  # cross-origin HACP
    frame.locator("#finish").click()
    expect(frame.locator("#state")).to_have_text("done", timeout=15_000)
    assert errors == []

    got = regs.get_registration_progress(registration_id, include_child_results=True,
                                         include_interactions_and_objectives=True, include_runtime=True)
    assert got.registration_completion == "COMPLETED" and got.registration_success == "PASSED"
    assert got.score.scaled == 85.0 and got.total_seconds_tracked == 250.0  # 2:05 in each AU
    block = got.activity_details.children[0]
    one, two = block.children
    assert (one.activity_completion, one.activity_success, one.score.scaled) == ("COMPLETED", "PASSED", 85.0)
    assert one.runtime.total_time == "0000:02:05.00" and one.runtime.score_raw == "85"
    assert one.runtime.location == "page 3" and one.runtime.suspend_data == "bookmark=3"
    assert [(i.id, i.type, i.result, i.latency) for i in one.runtime.runtime_interactions] == [
        ("q1-A1", "choice", "correct", "00:00:07")]
    assert [(o.id, o.runtime_objective_success_status) for o in one.runtime.runtime_objectives] == [
        ("obj-A1", "PASSED")]
    assert (two.activity_completion, two.runtime.total_time) == ("COMPLETED", "0000:02:05.00")

    # the launch's debug log shows the HACP exchanges
    history = regs.get_registration_launch_history(registration_id).launch_history
    assert len(history) == 1 and history[0].exit_time
    creds = stack.credentials()
    session = requests.Session()
    signed_in = session.post(f"{creds['baseUrl']}/api/session", timeout=10,
                             json={"email": creds["ownerEmail"], "password": creds["ownerPassword"]})
    assert signed_in.status_code == 200, signed_in.text
    log = session.get(f"{creds['baseUrl']}/api/app/registrations/{registration_id}/launches/{history[0].id}/log",
                      timeout=10)
    assert log.status_code == 200, log.text
    commands = [e["command"] for e in log.json()["entries"] if e.get("kind") == "hacp"]
    assert commands.count("GetParam") == 2 and commands.count("ExitAU") == 2, commands
