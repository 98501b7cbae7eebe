"""Postbacks (issue 15): a registration's results POSTed to the customer's receiver when they
change, retried with backoff, every attempt in the delivery log; the import job's postback;
``registrations/postBackTest``. The real app over moto, the local event pump's own polling, and a
real HTTP receiver on 127.0.0.1 (allowed by ``NIMBUS_OUTBOUND_ALLOW``)."""

from __future__ import annotations

import base64
import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import pytest

from tests.builders import course_zip as cz
from tests.builders.receiver import Receiver
from tests.integration.registration_world import Player, create, import_course, launch_link

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials

REGION = "us-east-1"


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIMBUS_OUTBOUND_ALLOW", "127.0.0.1/32")
    monkeypatch.setenv("NIMBUS_POSTBACK_BACKOFF_SECONDS", "0.01")


def _pump() -> tuple[Any, dict[str, tuple[Any, Any]]]:
    import app as app_module
    from nimbus_local.pump import EventPump

    pump = EventPump(app_module.app, app_module, REGION)
    pump.ensure_checkpoint_table()
    return pump, {source.name: (source, handler) for source, handler in pump.sources}


def _deliver_all(pump: Any, sources: dict[str, Any], until: Any, rounds: int = 40) -> None:
    """What the local stack's pump does in a loop: the change stream, then the postback queue."""
    for _ in range(rounds):
        pump.poll_table(*sources["registration_postbacks"])
        pump.poll_queue(*sources["postback_deliveries"])
        if until():
            return
        time.sleep(0.05)
    raise AssertionError("the postbacks did not arrive")


def _complete(client: Any, realm: RealmCredentials, registration_id: str) -> None:
    player = Player(client, launch_link(client, realm.basic, registration_id))
    one = player.deliver()
    done = player.commit(one, [["set", "cmi.core.lesson_status", "passed"], ["set", "cmi.core.score.raw", "92"],
                               ["set", "cmi.core.session_time", "0000:01:30"], ["finish"]])
    assert done.status_code == 200, done.body


def test_a_failing_receiver_gets_the_full_results_on_the_third_attempt(client, realm, loopback) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    with Receiver([500, 500, 200]) as receiver:
        made = create(client, realm.basic, "r1", "golf", postBack={
            "url": receiver.url, "authType": "HTTPBASIC", "userName": "hook", "password": "s3cret:pw",
            "resultsFormat": "FULL"})
        assert made.status_code == 204, made.body
        _complete(client, realm, "r1")
        pump, sources = _pump()
        _deliver_all(pump, sources, lambda: len(receiver.requests) >= 3)
        time.sleep(0.2)
        pump.poll_table(*sources["registration_postbacks"])
        pump.poll_queue(*sources["postback_deliveries"])
        assert len(receiver.requests) == 3  # delivered: nothing more is sent
    last = receiver.requests[-1]
    assert last.method == "POST" and last.headers["content-type"] == "application/json"
    assert last.headers["authorization"] == "Basic " + base64.b64encode(b"hook:s3cret:pw").decode()
    sent = json.loads(last.body)
    assert sent["id"] == "r1" and sent["totalSecondsTracked"] == 90.0  # lesson 1 of 2 done
    lesson = sent["activityDetails"]["children"][0]  # FULL: activities with their runtime data
    assert lesson["runtime"]["completionStatus"] == "passed" and lesson["score"] == {"scaled": 92.0}
    assert all(r.body == last.body for r in receiver.requests)

    log = client.http.get("/api/v2/registrations/r1/postBackLog", headers=realm.basic).json_body
    assert log["postBack"] == {"url": receiver.url, "authType": "HTTPBASIC", "userName": "hook",
                               "resultsFormat": "FULL", "passwordSet": True}  # never the password
    attempts = log["attempts"]
    assert [(a["attempt"], a["outcome"], a["status"]) for a in attempts] == [
        (3, "DELIVERED", 200), (2, "FAILED", 500), (1, "FAILED", 500)]
    assert attempts[1]["nextAttemptAt"] and attempts[1]["error"].startswith("HTTP 500")


def test_course_format_as_a_form_and_3xx_counts_as_delivered(client, realm, loopback) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    with Receiver([302]) as receiver:
        create(client, realm.basic, "r2", "golf", postBack={
            "url": receiver.url, "authType": "FORM", "userName": "u", "password": "p", "resultsFormat": "COURSE"})
        _complete(client, realm, "r2")
        pump, sources = _pump()
        _deliver_all(pump, sources, lambda: len(receiver.requests) >= 1)
    form = parse_qs(receiver.requests[0].body.decode())
    assert receiver.requests[0].headers["content-type"] == "application/x-www-form-urlencoded"
    assert form["username"] == ["u"] and form["password"] == ["p"]
    data = json.loads(form["data"][0])
    assert data["id"] == "r2" and data["registrationSuccess"] == "UNKNOWN"
    assert not data.get("activityDetails", {}).get("children")  # COURSE: registration level only
    log = client.http.get("/api/v2/registrations/r2/postBackLog", headers=realm.basic).json_body
    assert [(a["outcome"], a["status"]) for a in log["attempts"]] == [("DELIVERED", 302)]


def test_postback_test_and_refused_settings(client, realm: RealmCredentials, loopback) -> None:
    headers = {**realm.basic, "Content-Type": "application/json"}
    with Receiver([200, 500]) as receiver:
        ok = client.http.post("/api/v2/registrations/postBackTest", headers=headers, body=json.dumps(
            {"url": receiver.url, "authType": "HTTPBASIC", "userName": "a", "password": "b"}))
        assert ok.status_code == 204, ok.body
        assert receiver.requests[0].headers["authorization"] == "Basic " + base64.b64encode(b"a:b").decode()
        failed = client.http.post("/api/v2/registrations/postBackTest", headers=headers,
                                  body=json.dumps({"url": receiver.url}))
        assert failed.status_code == 400 and "HTTP 500" in failed.json_body["message"]
    for body, field in (({"url": "ftp://x.example/"}, "postBack.url"),
                        ({"url": "https://x.example/", "authType": "OTHER"}, "postBack.authType"),
                        ({"url": "https://x.example/", "resultsFormat": "XML"}, "postBack.resultsFormat"),
                        ({"url": "https://x.example/", "authType": "HTTPBASIC"}, "postBack.userName"),
                        ({"url": "https://x.example/", "legacy": True}, "postBack.legacy"),
                        ({"url": "http://169.254.169.254/latest"}, "postBack.url")):
        refused = client.http.post("/api/v2/registrations/postBackTest", headers=headers, body=json.dumps(body))
        assert refused.status_code == 400 and field in refused.json_body["message"], (body, refused.body)


def test_a_private_receiver_is_refused_without_the_allowlist(client, realm, monkeypatch) -> None:
    monkeypatch.delenv("NIMBUS_OUTBOUND_ALLOW", raising=False)
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    answer = create(client, realm.basic, "r3", "golf", postBack={"url": "http://10.0.0.5/hook"})
    assert answer.status_code == 400 and "postBack.url" in answer.json_body["message"]
    assert client.http.head("/api/v2/registrations/r3", headers=realm.basic).status_code == 404  # nothing stored


def test_an_import_jobs_postback_is_retried_and_logged(client, realm, loopback) -> None:
    from chalicelib.postbacks import delivery
    from tests.integration.import_pump import drain

    boundary = "nimbusBoundary42"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"course.zip\"\r\n"
            "Content-Type: application/zip\r\n\r\n").encode() + cz.scorm12_zip() + f"\r\n--{boundary}--\r\n".encode()
    with Receiver([503, 200]) as receiver:
        started = client.http.post(f"/api/v2/courses/importJobs/upload?courseId=golf&postbackUrl={receiver.url}",
                                   body=body, headers={**realm.basic,
                                                       "Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert started.status_code == 200, started.body
        job_id = started.json_body["result"]
        drain(client)  # the import runs; its postback is queued
        pump, sources = _pump()
        for _ in range(40):
            pump.poll_queue(*sources["postback_deliveries"])
            if len(receiver.requests) >= 2:
                break
            time.sleep(0.05)
    sent = json.loads(receiver.requests[-1].body)
    assert sent["jobId"] == job_id and sent["status"] == "COMPLETE"
    assert [a["outcome"] for a in delivery.log("import", realm.realm_id, job_id)] == ["DELIVERED", "FAILED"]
