"""Postbacks of dispatch registrations (issue 15: "on registrations (and those created through
invitations and dispatches)"): a dispatch's postBack goes to every registration its launches
create, so a learner playing through the host LMS sends their results to the dispatch's
receiver (a real HTTP server on 127.0.0.1, allowed by ``NIMBUS_OUTBOUND_ALLOW``) with the
dispatch's credentials."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.builders import course_zip as cz
from tests.builders.receiver import Receiver
from tests.integration.registration_world import import_course
from tests.integration.test_dispatch_package import _frame_config, _package_config, _play, _player, _zip
from tests.integration.test_postbacks import _deliver_all, _pump, loopback  # noqa: F401 - a fixture


def _dispatch(client: Any, realm: Any, post_back: dict[str, Any]) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(scos=1), "golf")
    headers = {**realm.basic, "Content-Type": "application/json"}
    assert client.http.post("/api/v2/dispatch/destinations", headers=headers, body=json.dumps(
        {"destinations": [{"id": "acme", "data": {"name": "Acme LMS"}}]})).status_code == 204
    made = client.http.post("/api/v2/dispatch/dispatches", headers=headers, body=json.dumps(
        {"dispatches": [{"id": "d1", "data": {"courseId": "golf", "destinationId": "acme", "postBack": post_back}}]}))
    assert made.status_code == 204, made.body


def test_a_dispatch_learner_s_results_reach_the_dispatch_s_receiver(client, realm, loopback) -> None:  # noqa: F811
    with Receiver([200, 200, 200]) as receiver:
        _dispatch(client, realm, {"url": receiver.url, "authType": "HTTPBASIC", "userName": "acme-hook",
                                  "password": "dispatch:secret", "resultsFormat": "COURSE"})
        config = _package_config(_zip(client, realm, "dispatches/d1/zip").body)
        launched = _play(client, config, "host-42")
        assert launched.status_code == 200, launched.body
        player = _player(client, _frame_config(launched))
        done = player.commit(player.deliver(), [["set", "cmi.core.lesson_status", "passed"],
                                                ["set", "cmi.core.score.raw", "88"], ["finish"]])
        assert done.status_code == 200, done.body
        pump, sources = _pump()
        _deliver_all(pump, sources, lambda: len(receiver.requests) >= 1)

    sent = receiver.requests[-1]
    assert sent.headers["authorization"] == "Basic " + base64.b64encode(b"acme-hook:dispatch:secret").decode()
    payload = json.loads(sent.body)
    [registration] = client.http.get("/api/v2/registrations", headers=realm.basic).json_body["registrations"]
    assert payload["id"] == registration["id"] and registration["dispatchId"] == "d1"
    assert (payload["registrationCompletion"], payload["registrationSuccess"], payload["score"]) == (
        "COMPLETED", "PASSED", {"scaled": 88.0})
    assert payload["learner"]["id"] == "host-42"
    log = client.http.get(f"/api/v2/registrations/{registration['id']}/postBackLog", headers=realm.basic).json_body
    assert log["postBack"] == {"url": receiver.url, "authType": "HTTPBASIC", "userName": "acme-hook",
                               "resultsFormat": "COURSE", "passwordSet": True}  # the registration's own copy
    assert [a["outcome"] for a in log["attempts"]][0] == "DELIVERED"


def test_a_dispatch_without_a_postback_gives_its_registrations_none(client, realm) -> None:
    _dispatch(client, realm, {})
    config = _package_config(_zip(client, realm, "dispatches/d1/zip").body)
    assert _play(client, config, "host-43").status_code == 200
    [registration] = client.http.get("/api/v2/registrations", headers=realm.basic).json_body["registrations"]
    log = client.http.get(f"/api/v2/registrations/{registration['id']}/postBackLog", headers=realm.basic).json_body
    assert log["postBack"] is None and log["attempts"] == []
