"""API v2 registrations over HTTP (chalice's test client, moto), and the player's HTTP API driven
as the browser runtime drives it: launch tokens, deliveries, commits, rollup, Kinesis events."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from tests.builders import course_zip as cz
from tests.integration.registration_world import Player, create, import_course, launch_link, registration_events

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials


@pytest.fixture
def golf(client: Any, realm: RealmCredentials) -> str:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    return "golf"


def _get(client: Any, realm: RealmCredentials, path: str) -> Any:
    return client.http.get(path, headers=realm.basic)


def test_create_get_list_tags_and_delete(client, realm, golf) -> None:
    made = create(client, realm.basic, "r1", golf, registrationTags=["blue"])
    assert made.status_code == 204, made.body
    assert create(client, realm.basic, "r1", golf).status_code == 409
    assert client.http.head("/api/v2/registrations/r1", headers=realm.basic).status_code == 200
    assert client.http.head("/api/v2/registrations/nope", headers=realm.basic).status_code == 404
    got = _get(client, realm, "/api/v2/registrations/r1?includeChildResults=True").json_body
    assert got["id"] == "r1" and got["registrationCompletion"] == "UNKNOWN" and got["tags"] == ["blue"]
    assert got["learner"] == {"id": "l-1", "firstName": "Ada", "lastName": "Lovelace", "email": ""}
    assert got["course"] == {"id": "golf", "title": "Golf Explained", "version": 0}
    assert [c["title"] for c in got["activityDetails"]["children"]] == ["Lesson 1", "Lesson 2"]
    assert got["activityDetails"]["children"][0]["staticProperties"]["scaledPassingScore"] == 0.8

    assert create(client, realm.basic, "r2", golf, learner_id="l-2").status_code == 204
    listed = _get(client, realm, "/api/v2/registrations?learnerId=l-2").json_body
    assert [r["id"] for r in listed["registrations"]] == ["r2"]
    tagged = _get(client, realm, "/api/v2/registrations?tags=blue").json_body
    assert [r["id"] for r in tagged["registrations"]] == ["r1"]
    put = client.http.put("/api/v2/registrations/r2/tags", body=json.dumps({"tags": ["red", "blue"]}),
                          headers={**realm.basic, "Content-Type": "application/json"})
    assert put.status_code == 204
    assert _get(client, realm, "/api/v2/registrations/r2/tags").json_body == {"tags": ["red", "blue"]}
    assert client.http.delete("/api/v2/registrations/r2", headers=realm.basic).status_code == 204
    assert _get(client, realm, "/api/v2/registrations/r2").status_code == 404


def test_bad_input_names_the_field(client, realm, golf) -> None:
    for body, field in (({"courseId": golf, "learner": {"id": "x"}}, "registrationId"),
                        ({"courseId": golf, "registrationId": "a"}, "learner"),
                        ({"courseId": golf, "registrationId": "a", "learner": {"id": ""}}, "learner.id"),
                        ({"courseId": "missing", "registrationId": "a", "learner": {"id": "x"}}, "missing")):
        answer = client.http.post("/api/v2/registrations", body=json.dumps(body),
                                  headers={**realm.basic, "Content-Type": "application/json"})
        assert 400 <= answer.status_code < 500 and field in answer.json_body["message"], (body, answer.body)
    assert _get(client, realm, "/api/v2/registrations").json_body == {"registrations": []}


def test_plan_limit_stops_the_eleventh_trial_registration(client, realm, golf) -> None:
    for n in range(10):
        assert create(client, realm.basic, f"t{n}", golf).status_code == 204
    over = create(client, realm.basic, "t10", golf)
    assert over.status_code == 402 and "Registration limit" in over.json_body["message"]
    assert "Clear Existing Registrations" in over.json_body["message"]
    signed = client.http.post("/api/session", headers={"Content-Type": "application/json"}, body=json.dumps(
        {"email": realm.owner_email, "password": realm.owner_password}))
    owner = {"Cookie": signed.headers["Set-Cookie"].split(";")[0], "X-CSRF-Token": signed.json_body["csrfToken"]}
    assert client.http.post("/api/account/registrations/clear", headers=owner).status_code == 200
    assert _get(client, realm, "/api/v2/registrations").json_body == {"registrations": []}
    assert create(client, realm.basic, "t10", golf).status_code == 204


def test_deleting_a_course_deletes_its_registrations(client, realm, golf) -> None:
    assert create(client, realm.basic, "doomed", golf).status_code == 204
    assert client.http.delete(f"/api/v2/courses/{golf}", headers=realm.basic).status_code == 204
    assert client.http.head("/api/v2/registrations/doomed", headers=realm.basic).status_code == 404
    assert _get(client, realm, "/api/v2/registrations").json_body == {"registrations": []}


def test_launch_play_commit_rollup_and_event(client, realm, golf) -> None:
    create(client, realm.basic, "r1", golf)
    link = launch_link(client, realm.basic, "r1", redirectOnExitUrl="https://lms.example/done")
    player = Player(client, link)
    reused = client.http.get(urlsplit(link).path)
    assert reused.status_code == 410  # single use
    one = player.deliver()
    assert one["activityId"] == "item_1" and one["data"]["values"]["cmi.core.entry"] == "ab-initio"
    assert one["data"]["values"]["cmi.student_data.mastery_score"] == "80"
    assert one["data"]["values"]["cmi.launch_data"] == "hello=1"
    assert one["data"]["values"]["cmi.core.student_name"] == "Lovelace, Ada"
    ops = [["set", "cmi.core.score.raw", "92"], ["set", "cmi.core.session_time", "00:01:30"],
           ["set", "cmi.interactions.0.id", "q1"], ["set", "cmi.interactions.0.type", "choice"],
           ["set", "cmi.interactions.0.student_response", "a"], ["set", "cmi.interactions.0.result", "correct"],
           ["set", "cmi.objectives.0.id", "obj1"], ["set", "cmi.objectives.0.status", "passed"],
           ["commit"], ["finish"]]
    answer = player.commit(one, ops)
    assert answer.status_code == 200 and answer.json_body["applied"] is True, answer.body
    again = player.commit(one, ops, seq=1)  # a retry of the same batch
    assert again.status_code == 200 and again.json_body["duplicate"] is True

    got = _get(client, realm, "/api/v2/registrations/r1?includeChildResults=true"
                              "&includeInteractionsAndObjectives=true&includeRuntime=true").json_body
    lesson = got["activityDetails"]["children"][0]
    assert lesson["activitySuccess"] == "PASSED" and lesson["score"] == {"scaled": 92.0}
    assert lesson["runtime"]["totalTime"] == "0000:01:30.00" and lesson["runtime"]["completionStatus"] == "passed"
    assert lesson["runtime"]["runtimeInteractions"][0]["learnerResponse"] == "a"
    assert lesson["objectives"][0]["id"] == "obj1" and lesson["objectives"][0]["objectiveSuccess"] == "PASSED"
    assert got["registrationCompletion"] == "INCOMPLETE" and got["totalSecondsTracked"] == 90.0

    two = player.deliver("item_2")  # lesson 2's prerequisite (item_1) is now met
    assert player.commit(two, [["set", "cmi.core.lesson_status", "completed"], ["finish"]]).status_code == 200
    got = _get(client, realm, "/api/v2/registrations/r1").json_body
    assert got["registrationCompletion"] == "COMPLETED" and got["registrationSuccess"] == "PASSED"
    assert got["score"] == {"scaled": 92.0} and got["completedDate"]
    events = registration_events()
    assert events and events[-1]["registrationId"] == "r1" and events[-1]["completion"] == "COMPLETED"
    history = _get(client, realm, "/api/v2/registrations/r1/launchHistory").json_body["launchHistory"]
    assert len(history) == 1 and history[0]["completionStatus"] == "COMPLETED" and history[0]["exitTime"]


def test_prerequisites_block_lesson_two(client, realm, golf) -> None:
    create(client, realm.basic, "r1", golf)
    player = Player(client, launch_link(client, realm.basic, "r1"))
    blocked = player.post("deliver", {"activityId": "item_2"})
    assert blocked.status_code == 409 and "prerequisites" in blocked.json_body["message"]


def test_bad_commits_store_nothing(client, realm, golf) -> None:
    create(client, realm.basic, "r1", golf)
    player = Player(client, launch_link(client, realm.basic, "r1"))
    one = player.deliver()
    bad = player.commit(one, [["set", "cmi.core.lesson_location", "p3"], ["set", "cmi.core.score.raw", "200"]])
    assert bad.status_code == 400 and "405" in bad.json_body["message"]
    oversize = player.commit(one, [["set", "cmi.suspend_data", "x" * 64001]], seq=1)
    assert oversize.status_code == 400
    malformed = player.post("commit", {"attemptId": one["attemptId"], "seq": "one", "activityId": "item_1", "ops": []})
    assert malformed.status_code == 400 and "seq" in malformed.json_body["message"]
    gap = player.commit(one, [["set", "cmi.core.lesson_location", "p9"]], seq=3)
    assert gap.status_code == 409
    runtime = _get(client, realm, "/api/v2/registrations/r1?includeChildResults=true&includeRuntime=true").json_body
    assert runtime["activityDetails"]["children"][0]["runtime"]["location"] == ""
    ok = player.commit(one, [["set", "cmi.core.lesson_location", "p3"]], seq=1)
    assert ok.status_code == 200 and ok.json_body["applied"]


def test_suspend_and_resume(client, realm, golf) -> None:
    create(client, realm.basic, "r1", golf)
    player = Player(client, launch_link(client, realm.basic, "r1"))
    one = player.deliver()
    player.commit(one, [["set", "cmi.core.lesson_location", "page-7"], ["set", "cmi.suspend_data", "abc"],
                        ["set", "cmi.core.exit", "suspend"], ["finish"]])
    again = Player(client, launch_link(client, realm.basic, "r1")).deliver()
    values = again["data"]["values"]
    assert values["cmi.core.entry"] == "resume" and values["cmi.core.lesson_location"] == "page-7"
    assert values["cmi.suspend_data"] == "abc"


def test_reset_makes_a_new_instance(client, realm, golf) -> None:
    create(client, realm.basic, "r1", golf)
    player = Player(client, launch_link(client, realm.basic, "r1"))
    one = player.deliver()
    player.commit(one, [["set", "cmi.core.lesson_status", "completed"], ["finish"]])
    assert client.http.delete("/api/v2/registrations/r1/progress", headers=realm.basic).status_code == 204
    got = _get(client, realm, "/api/v2/registrations/r1").json_body
    assert got["instance"] == 1 and got["activityDetails"]["activityCompletion"] == "UNKNOWN"
    instances = _get(client, realm, "/api/v2/registrations/r1/instances").json_body["registrations"]
    assert [i["instance"] for i in instances] == [0, 1]
    stale = player.commit(one, [["set", "cmi.core.lesson_location", "x"]])
    assert stale.status_code == 409  # the old launch belongs to instance 0


def test_preview_is_not_billed_or_listed(client, realm, golf) -> None:
    made = client.http.post(f"/api/v2/courses/{golf}/preview", body="{}",
                            headers={**realm.basic, "Content-Type": "application/json"})
    assert made.status_code == 200
    player = Player(client, made.json_body["launchLink"])
    one = player.deliver()
    assert player.commit(one, [["set", "cmi.core.lesson_status", "completed"]]).status_code == 200
    assert _get(client, realm, "/api/v2/registrations").json_body == {"registrations": []}
    usage = client.http.get("/api/v2/registrations", headers=realm.basic)
    assert usage.status_code == 200
    from chalicelib import plans

    assert plans.registrations_counted(plans.coverage_root(realm.realm_id), plans.plan_of(realm.realm_id)) == 0


def test_a_learner_sees_and_launches_only_their_own_registrations(client, realm, golf) -> None:
    from chalicelib import accounts

    accounts.create_user("Lea@Acme.test", "learner-password-1", realm.realm_id, "learner")
    assert create(client, realm.basic, "mine", golf, learner_id="lea@acme.test").status_code == 204
    assert create(client, realm.basic, "theirs", golf, learner_id="someone-else").status_code == 204
    signed = client.http.post("/api/session", headers={"Content-Type": "application/json"},
                              body=json.dumps({"email": "lea@acme.test", "password": "learner-password-1"}))
    learner = {"Cookie": signed.headers["Set-Cookie"].split(";")[0], "X-CSRF-Token": signed.json_body["csrfToken"]}
    mine = client.http.get("/api/me/registrations", headers=learner).json_body["registrations"]
    assert [(r["id"], r["course"]["title"]) for r in mine] == [("mine", "Golf Explained")]
    link = client.http.post("/api/me/registrations/mine/launch", headers=learner)
    assert link.status_code == 200 and "/launch/" in link.json_body["launchLink"]
    player = client.http.get(urlsplit(link.json_body["launchLink"]).path)
    assert player.status_code in (200, 302, 303)
    refused = client.http.post("/api/me/registrations/theirs/launch", headers=learner)
    assert refused.status_code == 404 and "theirs" in refused.json_body["message"]
    assert client.http.get("/api/v2/registrations/mine", headers=learner).status_code == 401


def test_scorm2004_sequencing_drives_delivery(client, realm) -> None:
    import_course(client, realm.basic, cz.skip_rule_2004_zip(), "skip")
    create(client, realm.basic, "s1", "skip")
    player = Player(client, launch_link(client, realm.basic, "s1"))
    one = player.deliver()  # Start
    assert one["activityId"] == "item_1"
    assert [e["id"] for e in one["toc"] if e["launchable"]] == ["item_1", "item_3"]  # item_2 hidden from choice
    assert one["buttons"] == {"previous": False, "continue": True}
    done = player.commit(one, [["set", "cmi.completion_status", "completed"], ["set", "adl.nav.request", "continue"],
                               ["finish"]])
    assert done.status_code == 200, done.body
    three = player.post("deliver", {"navRequest": "continue"})
    assert three.status_code == 200 and three.json_body["activityId"] == "item_3"  # the skip rule, not tree order
    refused = player.post("deliver", {"navRequest": "{target=item_2}choice"})
    assert refused.status_code == 200 and "activityId" not in refused.json_body
    assert "SB.2.9" in refused.json_body["sequencing"]["refused"] and not refused.json_body["sequencing"]["ended"]
    back = player.post("deliver", {"navRequest": "choice", "target": "item_1"})
    assert back.status_code == 200 and back.json_body["activityId"] == "item_1"
    ended = player.post("deliver", {"navRequest": "exitAll"})
    assert ended.status_code == 200 and ended.json_body["sequencing"]["ended"] is True
    bad = player.post("deliver", {"navRequest": "sideways"})
    assert bad.status_code == 400 and "navRequest" in bad.json_body["message"]
    assert "not possible" in refused.json_body["sequencing"]["message"]


def test_scorm2004_request_valid_answers_come_from_the_sequencer(client, realm) -> None:
    import_course(client, realm.basic, cz.skip_rule_2004_zip(), "skip")
    create(client, realm.basic, "s2", "skip")
    player = Player(client, launch_link(client, realm.basic, "s2"))
    one = player.deliver()
    valid = one["navValid"]  # what the SCO's GetValue("adl.nav.request_valid.*") answers
    assert valid["continue"] == "true" and valid["previous"] == "false"
    assert valid["choice.{target=item_2}"] == "false" and valid["choice.{target=item_3}"] == "true"
    asked = player.commit(one, [["set", "adl.nav.request", "{target=item_3}choice"], ["finish"]])
    assert asked.status_code == 200, asked.body
    three = player.post("deliver", {"navRequest": "{target=item_3}choice"}).json_body
    assert three["activityId"] == "item_3" and three["navValid"]["previous"] == "true"
    assert three["navValid"]["continue"] == "true"  # continue from the last SCO ends the session


def test_navigation_requests_are_only_for_sequenced_courses(client, realm, golf) -> None:
    create(client, realm.basic, "r1", golf)
    player = Player(client, launch_link(client, realm.basic, "r1"))
    refused = player.post("deliver", {"navRequest": "continue"})
    assert refused.status_code == 400 and "navRequest" in refused.json_body["message"]


def test_scorm2004_suspend_all_resumes_and_reset_starts_over(client, realm) -> None:
    import_course(client, realm.basic, cz.skip_rule_2004_zip(), "skip")
    create(client, realm.basic, "s3", "skip")
    player = Player(client, launch_link(client, realm.basic, "s3"))
    one = player.deliver()
    player.commit(one, [["set", "adl.nav.request", "continue"], ["finish"]])
    three = player.post("deliver", {"navRequest": "continue"}).json_body
    assert three["activityId"] == "item_3"
    player.commit(three, [["set", "cmi.exit", "suspend"], ["set", "adl.nav.request", "suspendAll"], ["finish"]])
    assert player.post("deliver", {"navRequest": "suspendAll"}).json_body["sequencing"]["ended"] is True
    second = Player(client, launch_link(client, realm.basic, "s3"))
    again = second.deliver()  # Resume All
    assert again["activityId"] == "item_3" and again["data"]["values"]["cmi.entry"] == "resume"
    second.commit(again, [["set", "adl.nav.request", "suspendAll"], ["finish"]])
    assert second.post("deliver", {"navRequest": "suspendAll"}).json_body["sequencing"]["ended"] is True
    assert client.http.delete("/api/v2/registrations/s3/progress", headers=realm.basic).status_code == 204
    fresh = Player(client, launch_link(client, realm.basic, "s3")).deliver()  # Start on the new instance
    assert fresh["activityId"] == "item_1" and fresh["data"]["values"]["cmi.entry"] == "ab-initio"
