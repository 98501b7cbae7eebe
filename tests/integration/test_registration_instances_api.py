"""API v2 registration instances, global data, the postback test and the content connectors'
deliberate 501 (issue 16), over HTTP with chalice's test client on moto."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import pytest

from tests.builders import course_zip as cz
from tests.integration.registration_world import Player, create, import_course, launch_link

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import RealmCredentials


def _get(client: Any, realm: RealmCredentials, path: str) -> Any:
    return client.http.get(path, headers=realm.basic)


def _send(client: Any, realm: RealmCredentials, method: str, path: str, body: Any = None) -> Any:
    return client.http.request(method, path, headers={**realm.basic, "Content-Type": "application/json"},
                               body=json.dumps({} if body is None else body))


def _play_lesson_one(client: Any, realm: RealmCredentials, registration_id: str) -> None:
    player = Player(client, launch_link(client, realm.basic, registration_id))
    one = player.deliver()
    done = player.commit(one, [["set", "cmi.core.lesson_status", "completed"], ["finish"]])
    assert done.status_code == 200, done.body


def test_new_instances_follow_the_newest_version_and_old_ones_can_be_deleted(client, realm) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    assert create(client, realm.basic, "r1", "golf").status_code == 204
    _play_lesson_one(client, realm, "r1")
    assert _send(client, realm, "POST", "/api/v2/registrations/r1/instances").status_code == 204
    import_course(client, realm.basic, cz.scorm12_zip("Golf Explained, again"), "golf")  # version 1
    assert _send(client, realm, "POST", "/api/v2/registrations/r1/instances").status_code == 204

    current = _get(client, realm, "/api/v2/registrations/r1").json_body
    assert current["instance"] == 2 and current["course"]["version"] == 1
    assert current["registrationCompletion"] == "UNKNOWN"
    listed = _get(client, realm, "/api/v2/registrations/r1/instances").json_body["registrations"]
    assert [(i["instance"], i["course"]["version"]) for i in listed] == [(0, 0), (1, 0), (2, 1)]
    assert listed[0]["activityDetails"]["children"][0]["activityCompletion"] == "COMPLETED"
    history = _get(client, realm, "/api/v2/registrations/r1/launchHistory").json_body["launchHistory"]
    assert [h["instance"] for h in history] == [0]

    assert _send(client, realm, "DELETE", "/api/v2/registrations/r1/instances/0").status_code == 204
    listed = _get(client, realm, "/api/v2/registrations/r1/instances").json_body["registrations"]
    assert [i["instance"] for i in listed] == [1, 2]
    assert _get(client, realm, "/api/v2/registrations/r1/launchHistory").json_body["launchHistory"] == []
    assert _get(client, realm, "/api/v2/registrations/r1/instances/0").status_code == 404

    current_delete = _send(client, realm, "DELETE", "/api/v2/registrations/r1/instances/2")
    assert current_delete.status_code == 400 and "current instance" in current_delete.json_body["message"]
    missing = _send(client, realm, "DELETE", "/api/v2/registrations/r1/instances/7")
    assert missing.status_code == 404 and "no instance 7" in missing.json_body["message"]
    bad = _send(client, realm, "DELETE", "/api/v2/registrations/r1/instances/first")
    assert bad.status_code == 400 and "instanceId" in bad.json_body["message"]
    unknown = _send(client, realm, "POST", "/api/v2/registrations/nobody/instances")
    assert unknown.status_code == 404 and "nobody" in unknown.json_body["message"]


def test_global_data_delete_forgets_shared_data_and_global_objectives(client, realm) -> None:
    from chalicelib.store import registrations as store

    import_course(client, realm.basic, cz.scorm2004_zip(), "photo")
    create(client, realm.basic, "g1", "photo")
    player = Player(client, launch_link(client, realm.basic, "g1"))
    one = player.deliver()
    answer = player.commit(one, [["set", "adl.data.0.store", "kept notes"], ["set", "cmi.score.scaled", "0.9"],
                                 ["set", "cmi.success_status", "passed"], ["set", "cmi.completion_status", "completed"],
                                 ["set", "adl.nav.request", "continue"], ["finish"]])
    assert answer.status_code == 200, answer.body
    assert player.post("deliver", {"navRequest": "continue"}).status_code == 200
    got = _get(client, realm, "/api/v2/registrations/g1").json_body
    assert got["sharedData"] == [{"id": "notes", "value": "kept notes"}]
    globals_before = store.get(realm.realm_id, "g1").details["sequencer"]["state"]["globals"]
    assert globals_before  # item_1 writes global_1
    progress_before = got["activityDetails"]

    assert _send(client, realm, "DELETE", "/api/v2/registrations/g1/globalData").status_code == 204
    got = _get(client, realm, "/api/v2/registrations/g1").json_body
    assert got["sharedData"] == []
    state = store.get(realm.realm_id, "g1").details["sequencer"]["state"]
    assert state["globals"] == {} and state["shared_data"] == {}
    assert got["activityDetails"] == progress_before  # progress itself stays
    assert _send(client, realm, "DELETE", "/api/v2/registrations/nobody/globalData").status_code == 404


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list[dict[str, Any]], list[int]]]:
    """A postback receiver on 127.0.0.1 (allowed through NIMBUS_OUTBOUND_ALLOW)."""
    got: list[dict[str, Any]] = []
    answer = [200]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            got.append({"headers": dict(self.headers), "body": body.decode()})
            self.send_response(answer[0])
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("NIMBUS_OUTBOUND_ALLOW", "127.0.0.1/32")
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", got, answer
    server.shutdown()


def test_postback_test_sends_the_sample_registration_as_configured(client, realm, receiver) -> None:
    url, got, answer = receiver
    sent = _send(client, realm, "POST", "/api/v2/registrations/postBackTest",
                 {"url": url, "authType": "HTTPBASIC", "userName": "lms", "password": "pw", "resultsFormat": "FULL"})
    assert sent.status_code == 204, sent.body
    assert got[0]["headers"]["Authorization"] == "Basic " + base64.b64encode(b"lms:pw").decode()
    payload = json.loads(got[0]["body"])
    assert payload["registrationSuccess"] == "PASSED" and "activityDetails" in payload

    assert _send(client, realm, "POST", "/api/v2/registrations/postBackTest",
                 {"url": url, "authType": "FORM", "userName": "lms", "password": "pw"}).status_code == 204
    form = parse_qs(got[1]["body"])
    assert form["username"] == ["lms"] and "activityDetails" not in json.loads(form["data"][0])  # COURSE

    answer[0] = 500
    failed = _send(client, realm, "POST", "/api/v2/registrations/postBackTest", {"url": url})
    assert failed.status_code == 400 and "HTTP 500" in failed.json_body["message"]
    for body, named in (({}, "url"), ({"url": url, "authType": "OAUTH"}, "authType"),
                        ({"url": url, "resultsFormat": "ALL"}, "resultsFormat"),
                        ({"url": "http://169.254.169.254/latest"}, "url is refused")):
        refused = _send(client, realm, "POST", "/api/v2/registrations/postBackTest", body)
        assert refused.status_code == 400 and named in refused.json_body["message"], (body, refused.body)


def test_content_connectors_are_not_offered(client, realm) -> None:
    for method, path in (("GET", "/api/v2/contentConnectors"), ("POST", "/api/v2/contentConnectors"),
                         ("PUT", "/api/v2/contentConnectors/c1"), ("DELETE", "/api/v2/contentConnectors/c1")):
        answer = _send(client, realm, method, path)
        assert answer.status_code == 501 and "not offered" in answer.json_body["message"]
