"""cmi5, the LMS side (issue 12), over chalice's test client and moto: launch URL, the one-time
fetch URL, LMS.LaunchData, the session rules the LRS enforces, moveOn and satisfied statements,
waive and abandon through the Nimbus API extension, and the registration's results."""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from tests.builders import cmi5_statements as au_side
from tests.builders import course_zip as cz
from tests.integration.registration_world import create, import_course

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials

SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
V = "1.0.3"


def _post(client: Any, path: str, headers: dict[str, str], body: Any = None) -> Any:
    return client.http.post(path, body=json.dumps(body if body is not None else {}),
                            headers={**headers, "Content-Type": "application/json"})


class Au:
    """The AU side of one launch: fetch, read LaunchData, send statements."""

    def __init__(self, client: Any, launch_url: str) -> None:
        self.client, self.launch = client, au_side.AuLaunch.from_url(launch_url)
        self.path = urlsplit(self.launch.endpoint).path.rstrip("/")
        self.auth = ""

    def fetch(self) -> dict[str, Any]:
        got = self.client.http.post(urlsplit(self.launch.fetch).path, body="")
        assert got.status_code == 200, got.body
        found: dict[str, Any] = json.loads(got.body)
        if "auth-token" in found:
            self.auth = "Basic " + found["auth-token"]
        return found

    def headers(self, **more: str) -> dict[str, str]:
        return {"Authorization": self.auth, "X-Experience-API-Version": V, **more}

    def read_launch_data(self) -> dict[str, Any]:
        params = {"activityId": self.launch.activity_id, "agent": json.dumps(self.launch.actor),
                  "registration": self.launch.registration, "stateId": "LMS.LaunchData"}
        from urllib.parse import urlencode

        got = self.client.http.get(f"{self.path}/activities/state?{urlencode(params)}", headers=self.headers())
        assert got.status_code == 200, got.body
        self.launch.launch_data = json.loads(got.body)
        return self.launch.launch_data  # type: ignore[return-value]

    def read_preferences(self) -> int:
        """cmi5 §11: the AU reads its learner preferences on startup (404 until someone wrote them)."""
        from urllib.parse import urlencode

        params = {"agent": json.dumps(self.launch.actor), "profileId": "cmi5LearnerPreferences"}
        return int(self.client.http.get(f"{self.path}/agents/profile?{urlencode(params)}",
                                        headers=self.headers()).status_code)

    def send(self, *statements: dict[str, Any]) -> Any:
        body = list(statements) if len(statements) > 1 else statements[0]
        return self.client.http.post(f"{self.path}/statements", body=json.dumps(body),
                                     headers=self.headers(**{"Content-Type": "application/json"}))

    def start(self) -> Au:
        self.fetch()
        self.read_launch_data()
        assert self.read_preferences() == 404
        assert self.send(au_side.initialized(self.launch)).status_code == 200
        return self


@pytest.fixture
def world(client: Any, realm: RealmCredentials) -> tuple[Any, RealmCredentials]:
    from chalicelib.lrs import credentials

    import_course(client, realm.basic, cz.cmi5_zip(), "pilot")
    credentials.create_root(realm.realm_id, "root", "rootkey-cmi5", "rootsecret-cmi5")
    return client, realm


def _register(client: Any, realm: RealmCredentials, registration_id: str = "r-cmi5") -> str:
    made = create(client, realm.basic, registration_id, "pilot", learner_id="ada")
    assert made.status_code == 204, made.body
    return registration_id


def _launch(client: Any, realm: RealmCredentials, registration_id: str, **body: Any) -> Any:
    return _post(client, f"/api/v2/registrations/{registration_id}/cmi5/launch", realm.basic,
                 {"auIndex": 0, **body})


def _statements(client: Any, realm: RealmCredentials, registration: str) -> list[dict[str, Any]]:
    auth = "Basic " + base64.b64encode(b"rootkey-cmi5:rootsecret-cmi5").decode()
    got = client.http.get(f"/lrs/{realm.app_id}/statements?registration={registration}&ascending=true&limit=100",
                          headers={"Authorization": auth, "X-Experience-API-Version": V})
    assert got.status_code == 200, got.body
    return json.loads(got.body)["statements"]  # type: ignore[no-any-return]


def _verbs(found: list[dict[str, Any]]) -> list[str]:
    return [s["verb"]["id"].rsplit("/", 1)[-1] for s in found]


def test_a_session_launches_fetches_once_completes_passes_and_satisfies(world) -> None:
    client, realm = world
    registration_id = _register(client, realm)
    made = _launch(client, realm, registration_id)
    assert made.status_code == 200, made.body
    launched = made.json_body
    au = Au(client, launched["launchUrl"])
    assert au.launch.endpoint.endswith(f"/lrs/{realm.app_id}/")
    assert au.launch.actor["account"]["name"] == "ada"
    assert au.launch.activity_id != "https://example.com/courses/pilot/au1"  # the LMS's own id (§8.1.5)

    assert "auth-token" in au.fetch()
    again = au.fetch()
    assert again["error-code"] == "1" and again["error-text"]
    assert client.http.post("/launch/cmi5/fetch/nope.nope", body="").json_body["error-code"] == "2"

    data = au.read_launch_data()
    assert data["contextTemplate"]["extensions"][au_side.SESSION] == launched["sessionId"]
    assert data["contextTemplate"]["contextActivities"]["grouping"] == [
        {"id": "https://example.com/courses/pilot/au1", "objectType": "Activity"}]
    assert (data["launchMode"], data["moveOn"], data["masteryScore"], data["launchParameters"]) == (
        "Normal", "CompletedAndPassed", 0.8, "mode=strict")
    assert data["entitlementKey"] == {"courseStructure": "ent-1"}

    unprepared = au.send(au_side.initialized(au.launch))
    assert unprepared.status_code == 403 and "§11" in json.loads(unprepared.body)["message"]
    assert au.read_preferences() == 404
    early = au.send(au_side.completed(au.launch))
    assert early.status_code == 403 and "§9.3.2" in json.loads(early.body)["message"]
    assert au.send(au_side.initialized(au.launch)).status_code == 200
    assert au.send(au_side.completed(au.launch)).status_code == 200
    assert au.send(au_side.passed(au.launch, 0.9)).status_code == 200
    assert au.send(au_side.terminated(au.launch)).status_code == 200
    after = au.send(au_side.statement(au.launch, "experienced", defined=False))
    assert after.status_code in (401, 403)

    found = _statements(client, realm, au.launch.registration)
    assert _verbs(found) == ["launched", "initialized", "completed", "passed", "satisfied", "satisfied",
                             "terminated"]
    launched_statement = found[0]["context"]["extensions"]
    assert launched_statement["https://w3id.org/xapi/cmi5/context/extensions/sessionid"] == launched["sessionId"]
    assert launched_statement["https://w3id.org/xapi/cmi5/context/extensions/masteryscore"] == 0.8
    block, course = found[4], found[5]
    assert block["object"]["definition"]["type"].endswith("/block")
    assert course["object"]["definition"]["type"].endswith("/course")
    assert {"id": "https://example.com/courses/pilot", "objectType": "Activity"} in \
        course["context"]["contextActivities"]["grouping"]

    got = client.http.get(f"/api/v2/registrations/{registration_id}?includeChildResults=true&includeRuntime=true",
                          headers=realm.basic).json_body
    assert (got["registrationCompletion"], got["registrationSuccess"], got["score"]) == (
        "COMPLETED", "PASSED", {"scaled": 90.0})
    assert got["totalSecondsTracked"] == 180.0


@pytest.mark.parametrize(("change", "section"), [
    pytest.param(lambda s: s.pop("timestamp"), "§9.7", id="no timestamp"),
    pytest.param(lambda s: s.update(timestamp=s["timestamp"].replace("Z", "-06:00")), "§9.7", id="not UTC"),
    pytest.param(lambda s: s["context"]["extensions"].pop(au_side.SESSION), "§9.6.3.1", id="no session id"),
    pytest.param(lambda s: s["object"].update(id="https://example.com/courses/pilot/au1"), "§9.4",
                 id="publisher id as object"),
    pytest.param(lambda s: s["result"].update(completion=True), "§9.5.3", id="passed with completion"),
    pytest.param(lambda s: s["result"]["score"].update(scaled=0.5), "§9.3.4", id="passed below mastery"),
    pytest.param(lambda s: s["context"]["contextActivities"]["category"].pop(), "§9.6.2.2", id="no moveon"),
    pytest.param(lambda s: s["result"].pop("duration"), "§9.5.4.1", id="no duration"),
])
def test_statements_that_break_the_rules_are_refused_and_nothing_is_stored(world, change, section) -> None:
    client, realm = world
    registration_id = _register(client, realm)
    au = Au(client, _launch(client, realm, registration_id).json_body["launchUrl"]).start()
    bad = au_side.passed(au.launch)
    change(bad)
    refused = au.send(au_side.statement(au.launch, "experienced", defined=False), bad)
    assert refused.status_code == 403 and section in json.loads(refused.body)["message"]
    assert _verbs(_statements(client, realm, au.launch.registration)) == ["launched", "initialized"]
    launch_id = client.http.get(f"/api/v2/registrations/{registration_id}/launchHistory",
                                headers=realm.basic).json_body["launchHistory"][0]["id"]
    from chalicelib.store import registrations as store

    logged = [e for e in store.log_entries(realm.realm_id, registration_id, launch_id)
              if e.get("kind") == "statement-refused"]
    assert logged and section == logged[0]["section"]


def test_browse_mode_refuses_passed_and_a_second_passed_is_refused(world) -> None:
    client, realm = world
    registration_id = _register(client, realm)
    browse = Au(client, _launch(client, realm, registration_id, launchMode="Browse").json_body["launchUrl"]).start()
    assert "§10.2.2" in json.loads(browse.send(au_side.passed(browse.launch)).body)["message"]
    normal = Au(client, _launch(client, realm, registration_id).json_body["launchUrl"]).start()
    assert normal.send(au_side.passed(normal.launch)).status_code == 200
    assert normal.send(au_side.passed(normal.launch)).status_code == 403


def test_relaunch_abandons_the_open_session_and_its_credential_ends(world) -> None:
    client, realm = world
    registration_id = _register(client, realm)
    first = Au(client, _launch(client, realm, registration_id).json_body["launchUrl"]).start()
    second = _launch(client, realm, registration_id).json_body
    assert first.send(au_side.statement(first.launch, "experienced", defined=False)).status_code == 401
    found = _statements(client, realm, first.launch.registration)
    assert _verbs(found) == ["launched", "initialized", "abandoned", "launched"]
    assert found[2]["context"]["extensions"][au_side.SESSION] == first.launch.session_id
    assert found[2]["result"]["duration"].startswith("PT")
    assert found[3]["context"]["extensions"][au_side.SESSION] == second["sessionId"]
    again = _post(client, f"/api/v2/registrations/{registration_id}/cmi5/sessions/{first.launch.session_id}/abandon",
                  realm.basic)
    assert again.status_code == 409
    ended = _post(client, f"/api/v2/registrations/{registration_id}/cmi5/sessions/{second['sessionId']}/abandon",
                  realm.basic)
    assert ended.status_code == 200, ended.body
    assert _verbs(_statements(client, realm, first.launch.registration))[-1] == "abandoned"


def test_waive_satisfies_and_a_waived_or_unknown_au_cannot_be_launched_normally(world) -> None:
    client, realm = world
    registration_id = _register(client, realm)
    waived = _post(client, f"/api/v2/registrations/{registration_id}/cmi5/waive", realm.basic,
                   {"auIndex": 0, "reason": "Tested Out"})
    assert waived.status_code == 200, waived.body
    twice = _post(client, f"/api/v2/registrations/{registration_id}/cmi5/waive", realm.basic,
                  {"auIndex": 0, "reason": "Tested Out"})
    assert twice.status_code == 409
    registration = client.http.get(f"/api/v2/registrations/{registration_id}", headers=realm.basic).json_body
    found = _statements(client, realm, registration["xapiRegistrationId"])
    assert _verbs(found) == ["waived", "satisfied", "satisfied"]
    assert found[0]["result"]["extensions"]["https://w3id.org/xapi/cmi5/result/extensions/reason"] == "Tested Out"
    assert registration["registrationCompletion"] == "COMPLETED"
    assert _launch(client, realm, registration_id, launchMode="Normal").status_code == 409
    assert _launch(client, realm, registration_id, auId="https://example.com/nope").status_code == 404
    assert _launch(client, realm, registration_id, auIndex=7).status_code == 400
    assert _verbs(_statements(client, realm, registration["xapiRegistrationId"])) == [
        "waived", "satisfied", "satisfied"]  # nothing stored for the refused launches
    review = _launch(client, realm, registration_id)
    assert review.status_code == 200 and review.json_body["launchMode"] == "Review"


def test_the_au_may_not_overwrite_launch_data(world) -> None:
    client, realm = world
    registration_id = _register(client, realm)
    au = Au(client, _launch(client, realm, registration_id).json_body["launchUrl"]).start()
    from urllib.parse import urlencode

    params = {"activityId": au.launch.activity_id, "agent": json.dumps(au.launch.actor),
              "registration": au.launch.registration, "stateId": "LMS.LaunchData"}
    put = client.http.put(f"{au.path}/activities/state?{urlencode(params)}", body="{}",
                          headers=au.headers(**{"Content-Type": "application/json"}))
    assert put.status_code == 403
    assert client.http.delete(f"{au.path}/activities/state?{urlencode(params)}", headers=au.headers()).status_code \
        == 403


def test_a_session_silent_past_the_timeout_is_abandoned(world) -> None:
    from datetime import UTC, datetime, timedelta

    from chalicelib.store import registrations as store

    client, realm = world
    registration_id = _register(client, realm)
    au = Au(client, _launch(client, realm, registration_id).json_body["launchUrl"]).start()
    item = store.get(realm.realm_id, registration_id)
    assert item is not None
    details = dict(item.details or {})
    silent = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    details["cmi5"]["sessions"][au.launch.session_id]["last"] = silent
    item.details = details
    store.save(item)
    late = au.send(au_side.completed(au.launch))
    assert late.status_code == 403 and "§9.3.6" in json.loads(late.body)["message"]
    assert _verbs(_statements(client, realm, au.launch.registration)) == ["launched", "initialized", "abandoned"]


def test_content_on_another_origin_may_call_the_lrs(world) -> None:
    """A cmi5 AU hosted elsewhere (absolute URL) talks to the LRS from the learner's browser:
    every answer, a refusal included, is readable cross-origin (the preflight is answered by the
    gateway: tests/e2e/test_statement_launch_browser.py)."""
    client, realm = world
    registration_id = _register(client, realm)
    au = Au(client, _launch(client, realm, registration_id).json_body["launchUrl"])
    au.fetch()
    refused = client.http.post(f"{au.path}/statements", body=json.dumps(au_side.completed(au.launch)),
                               headers=au.headers(**{"Content-Type": "application/json",
                                                     "Origin": "https://content.example.com"}))
    assert refused.status_code == 403 and refused.headers["Access-Control-Allow-Origin"] == "*"
    read = au.read_launch_data()
    assert read["launchMode"] == "Normal"
