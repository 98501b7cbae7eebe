"""Issue 4, faults: the local stack killed mid-session loses no acknowledged commit."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest
import requests

from tests.builders import course_zip as cz
from tests.e2e.stack import LocalStack
from tests.integration.registration_world import Player

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.e2e


class Answer:
    """A requests response shaped like chalice's test-client response (what Player reads)."""

    def __init__(self, response: requests.Response) -> None:
        self.status_code, self.headers, self.body = response.status_code, response.headers, response.content
        self.json_body = response.json() if response.content and "json" in response.headers.get(
            "Content-Type", "") else None


class Http:
    """chalice-test-client-like ``.http`` over real HTTP to a running stack."""

    def __init__(self, base_url: str) -> None:
        self.base_url, self.session = base_url, requests.Session()
        self.http = self

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return Answer(self.session.get(self.base_url + path, headers=headers, allow_redirects=False, timeout=10))

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Answer:
        return Answer(self.session.post(self.base_url + path, data=body, headers=headers, allow_redirects=False,
                                        timeout=10))


def _import_course(stack: LocalStack) -> None:
    started = stack.api("POST", "/courses/importJobs/upload?courseId=golf",
                        files={"file": ("golf.zip", cz.scorm12_zip(), "application/zip")})
    assert started.status_code == 200, started.text
    job = started.json()["result"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = stack.api("GET", f"/courses/importJobs/{job}").json()["status"]
        if status != "RUNNING":
            assert status == "COMPLETE"
            return
        time.sleep(0.2)
    raise AssertionError("import did not finish")


def test_kill_9_mid_session_keeps_every_acknowledged_commit(fresh_home: Path) -> None:
    first = LocalStack(home=fresh_home).start()
    try:
        _import_course(first)
        made = first.api("POST", "/registrations", json={
            "courseId": "golf", "registrationId": "r1", "learner": {"id": "l1", "firstName": "A", "lastName": "B"}})
        assert made.status_code == 204, made.text
        link = first.api("POST", "/registrations/r1/launchLink", json={"expiry": 120}).json()["launchLink"]
        player = Player(Http(first.base_url), link)
        delivered = player.deliver()
        answer = player.commit(delivered, [["set", "cmi.core.score.raw", "77"],
                                           ["set", "cmi.core.lesson_location", "page-7"],
                                           ["set", "cmi.suspend_data", "bookmark:7"], ["commit"]])
        assert answer.status_code == 200 and answer.json_body["applied"] is True
    finally:
        first.kill_hard()  # mid-session: the SCO never finished, the last commit was just acknowledged

    second = LocalStack(home=fresh_home).start()
    try:
        got = second.api("GET", "/registrations/r1?includeChildResults=true&includeRuntime=true").json()
        lesson = got["activityDetails"]["children"][0]
        assert lesson["score"] == {"scaled": 77.0}
        assert lesson["runtime"]["location"] == "page-7"
        assert lesson["runtime"]["suspendData"] == "bookmark:7"
    finally:
        second.stop()
