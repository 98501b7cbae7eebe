"""API v2 ``xAPIStatements`` per course, course version, registration and instance (issue 16):
statements really posted to the realm's and an app's LRS, read back through the API v2 routes
with ``since``, ``until``, ``learnerId`` and ``more``."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from tests.builders import course_zip as cz
from tests.builders import statements as b
from tests.integration.registration_world import create, import_course

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials


class World:
    def __init__(self, client: Any, realm: RealmCredentials) -> None:
        from chalicelib.lrs import credentials

        self.client, self.realm = client, realm
        made = credentials.create_root(realm.realm_id, "root", "rootkey-stmts", "rootsecret-stmts")
        self.lrs_auth = b.basic(made.credential_id, made.secret)

    def xapi_id(self, registration_id: str) -> str:
        got = self.client.http.get(f"/api/v2/registrations/{registration_id}", headers=self.realm.basic)
        return str(got.json_body["xapiRegistrationId"])

    def post(self, lrs_id: str, statements: list[dict[str, Any]]) -> list[str]:
        answer = self.client.http.post(f"/lrs/{lrs_id}/statements", body=json.dumps(statements), headers={
            "Authorization": self.lrs_auth, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"})
        assert answer.status_code == 200, answer.body
        return list(json.loads(answer.body))

    def say(self, registration_id: str, count: int, lrs_id: str | None = None, **extra: Any) -> list[str]:
        xapi = self.xapi_id(registration_id)
        return self.post(lrs_id or self.realm.app_id, [b.statement(registration=xapi, **extra) for _ in range(count)])

    def read(self, path: str, **params: str) -> Any:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return self.client.http.get(f"/api/v2{path}" + (f"?{query}" if query else ""), headers=self.realm.basic)

    def ids(self, path: str, **params: str) -> list[str]:
        answer = self.read(path, **params)
        assert answer.status_code == 200, answer.body
        return [s["id"] for s in answer.json_body["statements"]]


@pytest.fixture
def world(client: Any, realm: RealmCredentials) -> World:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    for registration_id, learner in (("r1", "l-1"), ("r2", "l-2")):
        assert create(client, realm.basic, registration_id, "golf", learner_id=learner).status_code == 204
    return World(client, realm)


def test_course_and_registration_statements_come_from_every_lrs_of_the_realm(world: World) -> None:
    r1 = world.say("r1", 3)  # the app's LRS
    r2 = world.say("r2", 2, lrs_id=world.realm.realm_id)  # the realm's own LRS
    world.post(world.realm.app_id, [b.statement(registration="0b4b5f3c-0000-4000-8000-000000000001")])
    voided = world.say("r1", 1)[0]
    voiding = world.post(world.realm.app_id, [b.voiding(voided)])  # found through its target (xAPI §2.1.3)

    listed = world.ids("/registrations/r1/xAPIStatements")
    assert sorted(listed[:3]) == sorted(r1) and listed[3:] == voiding  # oldest first, the voided one left out
    assert sorted(world.ids("/courses/golf/xAPIStatements")) == sorted(r1 + r2 + voiding)
    assert sorted(world.ids("/courses/golf/xAPIStatements", learnerId="l-2")) == sorted(r2)
    shown = world.read("/registrations/r1/xAPIStatements").json_body["statements"][0]
    assert shown["actor"]["objectType"] == "Agent" and shown["verb"]["id"] == b.VERB
    assert shown["objectActivity"]["id"] == "http://example.com/a1" == shown["object"]["id"]
    assert shown["context"]["registration"] == world.xapi_id("r1")


def test_since_until_and_more_page_through_statements(world: World) -> None:
    first = world.say("r2", 100)
    time.sleep(0.01)
    middle = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "")  # naive: UTC
    time.sleep(0.01)
    second = world.say("r2", 50)

    page = world.read("/registrations/r2/xAPIStatements").json_body
    assert sorted(s["id"] for s in page["statements"]) == sorted(first) and page["more"]
    rest = world.read("/registrations/r2/xAPIStatements", more=page["more"]).json_body
    assert sorted(s["id"] for s in rest["statements"]) == sorted(second) and "more" not in rest
    assert sorted(world.ids("/registrations/r2/xAPIStatements", since=middle)) == sorted(second)
    assert sorted(world.ids("/registrations/r2/xAPIStatements", until=middle)) == sorted(first)
    course_page = world.read("/courses/golf/xAPIStatements", learnerId="l-2").json_body
    following = world.read("/courses/golf/xAPIStatements", more=course_page["more"]).json_body
    assert sorted(s["id"] for s in following["statements"]) == sorted(second)  # the token keeps learnerId

    mixed = world.read("/registrations/r2/xAPIStatements", more=page["more"], since=middle)
    assert mixed.status_code == 400 and "since" in mixed.json_body["message"]
    bad = world.read("/registrations/r2/xAPIStatements", since="yesterday")
    assert bad.status_code == 400 and "since" in bad.json_body["message"]
    garbled = world.read("/registrations/r2/xAPIStatements", more="%%%")
    assert garbled.status_code == 400 and "more" in garbled.json_body["message"]


def test_instances_and_versions_cover_their_own_statements(world: World) -> None:
    before = world.say("r1", 2)
    headers = {**world.realm.basic, "Content-Type": "application/json"}
    assert world.client.http.post("/api/v2/registrations/r1/instances", headers=headers, body="{}").status_code == 204
    after = world.say("r1", 3)
    assert sorted(world.ids("/registrations/r1/instances/0/xAPIStatements")) == sorted(before)
    assert sorted(world.ids("/registrations/r1/instances/1/xAPIStatements")) == sorted(after)
    assert sorted(world.ids("/registrations/r1/xAPIStatements")) == sorted(before + after)
    assert world.read("/registrations/r1/instances/7/xAPIStatements").status_code == 404
    assert world.read("/registrations/r1/instances/x/xAPIStatements").status_code == 400

    import_course(world.client, world.realm.basic, cz.scorm12_zip("Golf, second edition"), "golf")  # version 1
    assert create(world.client, world.realm.basic, "r3", "golf", learner_id="l-3").status_code == 204
    newest = world.say("r3", 1)
    assert world.ids("/courses/golf/versions/1/xAPIStatements") == newest
    assert sorted(world.ids("/courses/golf/versions/0/xAPIStatements")) == sorted(before + after)
    assert world.read("/courses/golf/versions/4/xAPIStatements").status_code == 404
    assert world.read("/courses/nope/xAPIStatements").status_code == 404
    assert world.read("/registrations/nope/xAPIStatements").status_code == 404
