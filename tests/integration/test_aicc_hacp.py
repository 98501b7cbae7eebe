"""AICC delivery over HACP through the chalice app (moto): an AICC course imported through the real
upload path, launched, its AU's ``aicc_sid``/``aicc_url`` used for every HACP command from CMI001,
the errors (malformed ``aicc_data``, unknown and expired sessions, wrong commands, a wrong AU
password) with nothing half-stored, and the results in the registration like SCORM 1.2's."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.builders.aicc_course import hacp_course_zip
from tests.integration.registration_world import Player, create, import_course, launch_link, registration_events

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials

FORM = "application/x-www-form-urlencoded"


def hacp(client: Any, command: str, sid: str, data: str = "", content_type: str = FORM, **more: str) -> dict[str, str]:
    body = urlencode({"command": command, "version": "4.0", "session_id": sid, "aicc_data": data, **more})
    answered = client.http.post("/launch/aicc/hacp", body=body, headers={"Content-Type": content_type})
    assert answered.status_code == 200, answered.body
    assert answered.headers["Content-Type"].startswith("text/plain")
    text = answered.body.decode()
    head, _, aicc_data = text.partition("aicc_data=")
    fields = dict(line.split("=", 1) for line in head.split("\r\n") if "=" in line)
    return {**fields, "aicc_data": aicc_data}


def sid_of(delivered: dict[str, Any]) -> tuple[str, str]:
    query = parse_qs(urlsplit(delivered["contentUrl"]).query)
    return query["aicc_sid"][0], query["aicc_url"][0]


def registration(client: Any, realm: RealmCredentials, registration_id: str) -> dict[str, Any]:
    got = client.http.get(f"/api/v2/registrations/{registration_id}?includeChildResults=true"
                          "&includeRuntime=true&includeInteractionsAndObjectives=true", headers=realm.basic)
    assert got.status_code == 200, got.body
    return got.json_body  # type: ignore[no-any-return]


def activity(found: dict[str, Any], activity_id: str) -> dict[str, Any]:
    nodes = [found["activityDetails"]]
    while nodes:
        node = nodes.pop()
        if node["id"] == activity_id:
            return node
        nodes.extend(node.get("children", []))
    raise AssertionError(activity_id)


def debug_entries(client: Any, realm: RealmCredentials, registration_id: str) -> list[dict[str, Any]]:
    from chalicelib.runtime import sessions

    history = client.http.get(f"/api/v2/registrations/{registration_id}/launchHistory", headers=realm.basic)
    launch_id = history.json_body["launchHistory"][-1]["id"]
    share = sessions.share_token(realm.realm_id, registration_id, launch_id)
    return json.loads(client.http.get(f"/launch/debug/{share}/log.json").body)["entries"]  # type: ignore[no-any-return]


@pytest.fixture
def hacp_course(client: Any, realm: RealmCredentials) -> str:
    import_course(client, realm.basic, hacp_course_zip(), "hacp")
    return "hacp"


def _launch(client: Any, realm: RealmCredentials, registration_id: str, course_id: str, **options: Any) -> Player:
    assert create(client, realm.basic, registration_id, course_id).status_code == 204
    return Player(client, launch_link(client, realm.basic, registration_id, **options))


PUT_PARAM = ("[CORE]\r\nlesson_location = page 3\r\nLESSON_STATUS=p\r\nScore=85,100,0\r\nTime=00:02:05\r\n"
             "[core_lesson]\r\nbookmark=3\r\nanything [goes] here\r\n[Comments]\r\nGreat course\r\n"
             "[Objectives_Status]\r\nJ_ID.1=obj-a\r\nJ_Score.1=90\r\nJ_Status.1=passed\r\n"
             "[Student_Preferences]\r\nAudio=50\r\nLanguage=en\r\nLesson_Type=whatever\r\n")


def test_an_au_plays_through_hacp_and_the_registration_shows_its_results(client, realm, hacp_course) -> None:
    player = _launch(client, realm, "r1", hacp_course)
    delivered = player.deliver()
    assert delivered["activityId"] == "A1"
    sid, url = sid_of(delivered)
    assert url == "http://127.0.0.1:8000/launch/aicc/hacp"
    assert urlsplit(delivered["contentUrl"]).path.endswith("/c/au1/index.html") and len(sid) > 60

    got = hacp(client, "GetParam", sid)
    assert (got["error"], got["error_text"], got["version"]) == ("0", "Successful", "4.0")
    text = got["aicc_data"]
    for line in ("[Core]", "Student_ID=l-1", "Student_Name=Lovelace, Ada", "Lesson_Status=not attempted,ab-initio",
                 "Credit=credit", "Lesson_Mode=normal", "[Core_Vendor]", "vendor=1", "Course_ID=HACP01",
                 "Mastery_Score=80", "Max_Time_Allowed=00:30:00", "Time_Limit_Action=continue,no message"):
        assert line in text.split("\r\n"), (line, text)

    assert hacp(client, "putparam", sid, PUT_PARAM)["error"] == "0"  # commands are case-insensitive
    objectives = ('"course_id","student_id","lesson_id","date","time","objective_id","score","status"\r\n'
                  '"HACP01","l-1","A1","2026/03/02","09:00:00","obj-b","70","f"\r\n')
    interactions = ('"course_id","student_id","lesson_id","date","time","interaction_id","objective_id",'
                    '"type_interaction","correct_response","student_response","result","weighting","latency"\r\n'
                    '"HACP01","l-1","A1","2026/03/02","09:01:00","q1","obj-a","C","b","b","C","1","00:00:07"\r\n'
                    '"HACP01","l-1","A1","2026/03/02","09:01:30","q2","obj-a","t","t","f","w","1","00:00:03"\r\n')
    comments = ('"course_id","student_id","lesson_id","date","time","comment"\r\n'
                '"HACP01","l-1","A1","","","Too short"\r\n')
    path = ('"course_id","student_id","lesson_id","date","time","element_location","status","why_left",'
            '"time_in_element"\r\n"HACP01","l-1","A1","2026/03/02","09:00:00","page 1","c","n","00:00:30"\r\n')
    performance = ('"course_id","student_id","lesson_id","date","time","step_id","response"\r\n'
                   '"HACP01","l-1","A1","","","s1","ok"\r\n')
    for command, data in (("PutObjectives", objectives), ("PutInteractions", interactions),
                          ("PutComments", comments), ("PutPath", path), ("PutPerformance", performance)):
        assert hacp(client, command, sid, data)["error"] == "0", command
    again = hacp(client, "GetParam", sid)["aicc_data"].split("\r\n")
    for line in ("Lesson_Location=page 3", "Lesson_Status=passed,ab-initio", "Score=85,100,0", "bookmark=3",
                 "anything [goes] here", "J_ID.1=obj-a", "J_Score.1=90", "J_Status.1=passed", "J_ID.2=obj-b",
                 "J_Status.2=failed", "Audio=50", "Language=en"):
        assert line in again, (line, again)

    assert hacp(client, "ExitAU", sid)["error"] == "0"
    found = registration(client, realm, "r1")
    one = activity(found, "A1")
    assert one["activityCompletion"] == "COMPLETED" and one["activitySuccess"] == "PASSED"
    assert one["score"] == {"scaled": 85.0}
    runtime = one["runtime"]
    assert runtime["completionStatus"] == "passed" and runtime["scoreRaw"] == "85" and runtime["scoreMax"] == "100"
    assert runtime["totalTime"] == "0000:02:05.00" and runtime["location"] == "page 3"
    assert runtime["suspendData"] == "bookmark=3\r\nanything [goes] here"
    assert runtime["learnerComments"][0]["value"] == "Great course\r\nToo short"
    assert [(i["id"], i["type"], i["result"], i["learnerResponse"], i["objectives"]) for i in
            runtime["runtimeInteractions"]] == [("q1", "choice", "correct", "b", ["obj-a"]),
                                                ("q2", "true-false", "wrong", "f", ["obj-a"])]
    assert [(o["id"], o["runtimeObjectiveSuccessStatus"]) for o in runtime["runtimeObjectives"]] == [
        ("obj-a", "PASSED"), ("obj-b", "FAILED")]
    assert runtime["learnerPreference"]["audioLevel"] == 50.0
    # .cmp: the block is passed when A1 is passed (A2 optional), so the course is too
    assert activity(found, "B1")["activitySuccess"] == "PASSED"
    assert found["registrationCompletion"] == "COMPLETED" and found["registrationSuccess"] == "PASSED"
    assert found["totalSecondsTracked"] == 125.0 and found["score"] == {"scaled": 85.0}
    events = [e for e in registration_events() if e["registrationId"] == "r1"]
    assert events[-1]["completion"] == "COMPLETED" and events[-1]["success"] == "PASSED"
    history = client.http.get("/api/v2/registrations/r1/launchHistory", headers=realm.basic).json_body
    assert history["launchHistory"][-1]["exitTime"] and history["launchHistory"][-1]["successStatus"] == "PASSED"

    # the session is over: every command answers 3, and nothing changes
    assert hacp(client, "PutParam", sid, "[Core]\r\nLesson_Status=failed\r\n")["error"] == "3"
    assert hacp(client, "GetParam", sid)["error"] == "3"
    assert activity(registration(client, realm, "r1"), "A1")["activitySuccess"] == "PASSED"
    logged = [e for e in debug_entries(client, realm, "r1") if e.get("kind") == "hacp"]
    assert [e["command"] for e in logged][:3] == ["GetParam", "PutParam", "PutObjectives"]
    assert "Student_ID=l-1" in logged[0]["result"] and logged[1]["args"][0].startswith("[CORE]")
    assert logged[1]["call"] == "HACP PutParam" and logged[1]["result"] == "Successful"
    assert logged[-1]["error"] == 3 and logged[-1]["errorText"] == "Invalid Session ID"
    path_kept = client.http.get("/api/v2/registrations/r1", headers=realm.basic)
    assert path_kept.status_code == 200


BAD_DATA = [
    ("PutParam", "Lesson_Status=passed\r\n"),  # outside any group
    ("PutParam", "[Core]\r\nLesson_Status passed\r\n"),  # no '='
    ("PutParam", "[Core]\r\nLesson_Status=done\r\n"),  # not in the vocabulary
    ("PutParam", "[Core]\r\nLesson_Status=passed,away\r\n"),  # not an exit flag
    ("PutParam", "[Core]\r\nScore=eighty\r\n"),
    ("PutParam", "[Core]\r\nScore=80,100,0,5\r\n"),
    ("PutParam", "[Core]\r\nTime=2 minutes\r\n"),
    ("PutParam", "[Core]\r\nLesson_Status=passed\r\nlesson_status=failed\r\n"),  # twice
    ("PutParam", "[Objectives_Status]\r\nJ_Score.1=80\r\n"),  # no J_ID
    ("PutParam", "[Student_Preferences]\r\nAudio=loud\r\n"),
    ("PutParam", ""),
    ("PutInteractions", '"interaction_id","type_interaction"\r\n"q1","essay"\r\n'),
    ("PutInteractions", '"interaction_id","result"\r\n"q1","maybe"\r\n'),
    ("PutInteractions", '"interaction_id","latency"\r\n"q1","7s"\r\n'),
    ("PutInteractions", '"interaction_id"\r\n"q1","extra"\r\n'),  # more fields than the header
    ("PutObjectives", '"objective_id","status"\r\n"","passed"\r\n'),
    ("PutComments", '"course_id","comment"\r\n'),  # a header and no record
    ("PutComments", '"comment"\r\n"unterminated\r\n'),
]


@pytest.mark.parametrize(("command", "data"), BAD_DATA)
def test_malformed_aicc_data_is_invalid_command_and_nothing_is_stored(client, realm, hacp_course, command,
                                                                       data) -> None:
    player = _launch(client, realm, "r1", hacp_course)
    sid, _ = sid_of(player.deliver())
    assert hacp(client, "PutParam", sid, "[Core]\r\nLesson_Location=kept\r\n")["error"] == "0"
    before = registration(client, realm, "r1")
    # a valid first part does not get stored when a later part is refused
    answer = hacp(client, command, sid, "[Core]\r\nLesson_Location=changed\r\n" + data if command == "PutParam"
                  and data.startswith("[") else data)
    assert (answer["error"], answer["error_text"]) == ("1", "Invalid Command")
    after = registration(client, realm, "r1")
    assert activity(after, "A1")["runtime"] == activity(before, "A1")["runtime"]
    assert after["updated"] == before["updated"]
    refused = [e for e in debug_entries(client, realm, "r1") if e.get("kind") == "hacp"][-1]
    assert refused["error"] == 1 and refused["detail"]


def test_wrong_commands_and_session_ids(client, realm, hacp_course) -> None:
    player = _launch(client, realm, "r1", hacp_course)
    sid, _ = sid_of(player.deliver())
    assert hacp(client, "GetParams", sid)["error"] == "1"
    assert hacp(client, "", sid)["error"] == "1"
    assert hacp(client, "GetParam", "")["error"] == "3"
    assert hacp(client, "GetParam", "made-up-session")["error"] == "3"
    realm_id, body, mac = sid.split(".")
    assert hacp(client, "GetParam", f"{realm_id}.{body}.{mac[::-1]}")["error"] == "3"  # forged
    player_token = player.base.rsplit("/", 1)[-1]  # a player session is not a HACP session
    assert hacp(client, "GetParam", player_token)["error"] == "3"
    answered = hacp(client, "GetParam", "nope")
    assert (answered["error_text"], answered["aicc_data"]) == ("Invalid Session ID", "")
    # field names are case-insensitive and a charset on the content type is fine
    body = urlencode({"COMMAND": "getparam", "Version": "4.0", "Session_ID": sid, "AICC_DATA": ""})
    got = client.http.post("/launch/aicc/hacp", body=body, headers={"Content-Type": FORM + "; charset=UTF-8"})
    assert got.body.decode().startswith("error=0\r\nerror_text=Successful\r\n")
    assert got.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.http.request("OPTIONS", "/launch/aicc/hacp", headers={"Origin": "https://au.example.com"})
    assert preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_sessions_expire_and_end_when_the_au_is_launched_again(client, realm, hacp_course, monkeypatch) -> None:
    from chalicelib.aicc import sessions

    player = _launch(client, realm, "r1", hacp_course)
    delivered = player.deliver()
    first, _ = sid_of(delivered)
    assert hacp(client, "PutParam", first, "[Core]\r\nLesson_Status=incomplete,suspend\r\nTime=00:01:00\r\n")[
        "error"] == "0"
    left = player.post("commit", {"attemptId": delivered["attemptId"], "seq": 1, "activityId": "A1", "ops": [],
                                  "unload": True})  # the player unloads the AU (leave(): Next, the TOC, Exit)
    assert left.status_code == 200, left.body
    again = player.deliver("A1")  # the AU again: the first session is closed, a new one opens
    second, _ = sid_of(again)
    assert second != first and hacp(client, "GetParam", first)["error"] == "3"
    resumed = hacp(client, "GetParam", second)["aicc_data"].split("\r\n")
    assert "Lesson_Status=incomplete,resume" in resumed and "Time=0000:01:00.00" in resumed
    monkeypatch.setattr(sessions, "SESSION_SECONDS", -1)
    expired, _ = sid_of(player.deliver("A1"))
    assert hacp(client, "GetParam", expired)["error"] == "3"


def test_prerequisites_and_reset(client, realm, hacp_course) -> None:
    player = _launch(client, realm, "r1", hacp_course)
    blocked = player.post("deliver", {"activityId": "A2"})
    assert blocked.status_code == 409 and "prerequisites" in blocked.json_body["message"]
    sid, _ = sid_of(player.deliver("A1"))
    assert hacp(client, "PutParam", sid, "[Core]\r\nLesson_Status=failed\r\nScore=40\r\n")["error"] == "0"
    assert player.post("deliver", {"activityId": "A2"}).status_code == 409  # failed does not satisfy A1
    assert hacp(client, "PutParam", sid, "[Core]\r\nLesson_Status=passed\r\nScore=90\r\n")["error"] == "0"
    toc = {e["id"]: e for e in player.deliver("A2")["toc"]}
    assert toc["A2"]["available"] and toc["B1"]["success"] == "PASSED"
    reset = client.http.delete("/api/v2/registrations/r1/progress", headers=realm.basic)
    assert reset.status_code in (200, 204), reset.body
    assert hacp(client, "GetParam", sid)["error"] == "3"


def test_external_au_and_au_password(client, realm) -> None:
    import_course(client, realm.basic, hacp_course_zip(external_url="https://au.example.com/lesson2/start.htm?x=1",
                                                       password="s3cret"), "ext")
    player = _launch(client, realm, "r2", "ext")
    delivered = player.deliver("A1")
    sid, _ = sid_of(delivered)
    assert hacp(client, "GetParam", sid)["error"] == "2"
    assert hacp(client, "GetParam", sid, au_password="guess")["error_text"] == "Invalid AU password"
    assert hacp(client, "GetParam", sid, au_password="s3cret")["error"] == "0"
    assert hacp(client, "PutParam", sid, "[Core]\r\nLesson_Status=passed\r\n", au_password="s3cret")["error"] == "0"
    external = player.deliver("A2")["contentUrl"]
    parts = urlsplit(external)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "au.example.com", "/lesson2/start.htm")
    query = parse_qs(parts.query)
    assert query["x"] == ["1"] and query["aicc_url"] == ["http://127.0.0.1:8000/launch/aicc/hacp"]
    assert hacp(client, "GetParam", query["aicc_sid"][0])["error"] == "0"


def test_a_launch_without_tracking_answers_but_keeps_nothing(client, realm, hacp_course) -> None:
    player = _launch(client, realm, "r1", hacp_course, tracking=False)
    sid, _ = sid_of(player.deliver())
    assert hacp(client, "PutParam", sid, "[Core]\r\nLesson_Status=passed\r\n")["error"] == "0"
    assert hacp(client, "PutParam", sid, "[Core]\r\nLesson_Status=nope\r\n")["error"] == "1"
    assert activity(registration(client, realm, "r1"), "A1")["activitySuccess"] == "UNKNOWN"


def test_an_au_left_without_exit_au_is_closed_on_relaunch_and_counts(client, realm, hacp_course) -> None:
    player = _launch(client, realm, "r1", hacp_course)
    delivered = player.deliver("A1")
    sid, _ = sid_of(delivered)
    assert hacp(client, "PutParam", sid, "[Core]\r\nScore=90\r\nTime=00:03:00\r\n")["error"] == "0"
    assert registration(client, realm, "r1")["registrationSuccess"] == "UNKNOWN"
    left = player.post("commit", {"attemptId": delivered["attemptId"], "seq": 1, "activityId": "A1", "ops": [],
                                  "unload": True})  # the tab went away before ExitAU
    assert left.status_code == 200, left.body
    player.deliver("A1")  # the abandoned session is closed like ExitAU: mastery 80 ≤ 90 → passed
    found = registration(client, realm, "r1")
    assert activity(found, "A1")["runtime"]["completionStatus"] == "passed"
    assert activity(found, "A1")["runtime"]["totalTime"] == "0000:03:00.00"
    assert found["registrationSuccess"] == "PASSED"  # .cmp: B1 passed with A1


def test_a_put_that_would_overflow_the_registration_item_is_refused(client, realm, hacp_course) -> None:
    player = _launch(client, realm, "r1", hacp_course)
    sid, _ = sid_of(player.deliver("A1"))
    big = "x" * 64000
    assert hacp(client, "PutParam", sid, f"[Core_Lesson]\r\n{big}\r\n[Comments]\r\n{big}\r\n")["error"] == "0"
    huge = ('"interaction_id","student_response"\r\n' + '"q1","' + "y" * 115_000 + '"\r\n'
            + '"q2","' + "z" * 115_000 + '"\r\n')
    answered = hacp(client, "PutInteractions", sid, huge)
    assert answered["error"] == "1"
    runtime = activity(registration(client, realm, "r1"), "A1")["runtime"]
    assert runtime["runtimeInteractions"] == [] and len(runtime["suspendData"]) == 64000
    refused = [e for e in debug_entries(client, realm, "r1") if e.get("kind") == "hacp"][-1]
    assert "400 KB" in refused["detail"]
