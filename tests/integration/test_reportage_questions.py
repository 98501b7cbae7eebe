"""Reportage launches and question analysis through the real consumer (issue 15): SCORM 1.2
learners answer ``cmi.interactions`` in the player, a cmi5 AU states ``answered``, the
registrations table's change stream reaches the aggregates, and the reports count every launch
and the latest answer of each registration once — a replayed stream changes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tests.builders import cmi5_statements as au_side
from tests.builders import course_zip as cz
from tests.integration.registration_world import (
    Player,
    create,
    drain_reportage,
    import_course,
    launch_link,
    registration_change_records,
)

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials



def _answer(n: int, ident: str, response: str, result: str) -> list[list[str]]:
    prefix = f"cmi.interactions.{n}"
    return [["set", f"{prefix}.id", ident], ["set", f"{prefix}.type", "choice"],
            ["set", f"{prefix}.student_response", response], ["set", f"{prefix}.result", result]]


def _session(client: Any, realm: RealmCredentials, registration_id: str, *answers: tuple[str, str, str],
              start: int = 0) -> None:
    player = Player(client, launch_link(client, realm.basic, registration_id))
    ops = [op for n, answer in enumerate(answers, start=start) for op in _answer(n, *answer)]
    made = player.commit(player.deliver(), [*ops, ["set", "cmi.core.lesson_status", "incomplete"], ["finish"]])
    assert made.status_code == 200, made.body


def test_launches_and_question_analysis_from_the_player(client, realm: RealmCredentials) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(scos=1), "golf")
    for n in range(3):
        assert create(client, realm.basic, f"r{n}", "golf", learner_id=f"l{n}").status_code == 204
    _session(client, realm, "r0", ("q1", "a", "wrong"), ("q2", "t", "correct"))
    _session(client, realm, "r1", ("q1", "b", "wrong"))
    _session(client, realm, "r1", ("q1", "a", "wrong"), start=1)  # tried again: its latest answer counts
    _session(client, realm, "r2", ("q1", "c", "correct"), ("q2", "f", "wrong"))
    drain_reportage()

    def report(path: str) -> Any:
        got = client.http.get(f"/api/v2/reporting/reports/{path}", headers=realm.basic)
        assert got.status_code == 200, got.body
        return got.json_body

    def snapshot() -> Any:
        return (report("overview")["totals"], report("learner?key=l1")["totals"],
                report("course/golf/questions"))

    overview, learner, analysis = snapshot()
    assert overview["launches"] == 4 and learner["launches"] == 2
    today = datetime.now(UTC).date().isoformat()
    last = report("course?key=golf")["series"][-1]
    assert (last["day"], last["launches"]) == (today, 4)  # launches per day, for the charts
    q1, q2 = analysis["questions"]
    assert (q1["id"], q1["type"], q1["attempts"], q1["correct"], q1["wrong"]) == ("q1", "choice", 3, 1, 2)
    assert q1["wrongAnswers"] == [{"response": "a", "count": 2}] and q1["otherWrong"] == 0  # r1's "b" was replaced
    assert round(q1["correctRate"], 4) == 0.3333
    assert (q2["id"], q2["attempts"], q2["correct"]) == ("q2", 2, 1)
    assert q2["wrongAnswers"] == [{"response": "f", "count": 1}]

    from chalicelib import reportage
    from chalicelib.store import changes

    for data in registration_change_records():  # the whole stream delivered again
        reportage.apply_change(changes.parse(data))
    assert snapshot() == (overview, learner, analysis)

    csv = client.http.get("/api/v2/reporting/reports/course/golf/questions?format=csv", headers=realm.basic)
    assert csv.headers["Content-Type"].startswith("text/csv") and "attachment" in csv.headers["Content-Disposition"]
    lines = csv.body.decode().splitlines()
    assert lines[0].startswith("interaction,activity,description,type,attempts,correct,wrong,correctRate")
    assert lines[1].startswith("q1,item_1,,choice,3,1,2,0.3333,a (2),0")
    assert report("course/golf/questions?from=2020-01-01&to=2020-02-01")["questions"] == []
    assert analysis["courseTitle"] == "Golf Explained"
    missing = client.http.get("/api/v2/reporting/reports/course/nope/questions", headers=realm.basic)
    assert missing.status_code == 404 and "nope" in missing.json_body["message"]
    bad = client.http.get("/api/v2/reporting/reports/course/golf/questions?from=2020-13-01", headers=realm.basic)
    assert bad.status_code == 400 and "from" in bad.json_body["message"]

    from urllib.parse import urlencode, urlsplit

    auth = client.http.get("/api/v2/reporting/reportageAuth?navPermission=FREENAV",
                           headers=realm.basic).json_body["queryString"]
    link = client.http.get("/api/v2/reporting/reportageLink?" + urlencode(
        {"auth": auth, "reportUrl": "report=course&key=golf"}), headers=realm.basic).json_body["reportageLink"]
    opened = client.http.get(f"{urlsplit(link).path}?{urlsplit(link).query}")  # the link signs in
    cookie = opened.headers["Set-Cookie"].split(";")[0]
    shown = client.http.get("/api/app/reportage-link/reports/course?key=golf", headers={"Cookie": cookie}).json_body
    assert shown["totals"]["launches"] == 4


def test_cmi5_answered_statements_count_in_question_analysis(client, realm: RealmCredentials) -> None:
    from tests.integration.test_cmi5_lms import Au

    import_course(client, realm.basic, cz.cmi5_zip(), "pilot")
    for n, (response, success) in enumerate([("paris", True), ("lyon", False)]):
        assert create(client, realm.basic, f"c{n}", "pilot", learner_id=f"l{n}").status_code == 204
        made = client.http.post(f"/api/v2/registrations/c{n}/cmi5/launch", body=json.dumps({"auIndex": 0}),
                                headers={**realm.basic, "Content-Type": "application/json"})
        au = Au(client, made.json_body["launchUrl"]).start()
        answered = au_side.statement(au.launch, "answered", defined=False,
                                     result={"response": response, "success": success})
        answered["object"] = {"objectType": "Activity", "id": "https://example.com/q/capital", "definition": {
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType": "fill-in",
            "description": {"en-US": "The capital of France?"}}}
        assert au.send(answered).status_code == 200
    drain_reportage()
    got = client.http.get("/api/v2/reporting/reports/course/pilot/questions", headers=realm.basic).json_body
    (question,) = got["questions"]
    assert (question["id"], question["description"], question["type"]) == (
        "https://example.com/q/capital", "The capital of France?", "fill-in")
    assert (question["attempts"], question["correct"], question["wrongAnswers"]) == (
        2, 1, [{"response": "lyon", "count": 1}])
    overview = client.http.get("/api/v2/reporting/reports/overview", headers=realm.basic).json_body
    assert overview["totals"]["launches"] == 2


def test_xapi_answered_statements_from_a_tincan_launch_count(client, realm: RealmCredentials) -> None:
    import uuid
    from urllib.parse import parse_qs, urlsplit

    from tests.builders import statement_courses

    import_course(client, realm.basic, statement_courses.tincan_course_zip(), "tc")
    for n, response in enumerate(["driver", "driver", "putter"]):
        assert create(client, realm.basic, f"t{n}", "tc", learner_id=f"l{n}").status_code == 204
        delivered = Player(client, launch_link(client, realm.basic, f"t{n}")).deliver()
        params = {k: v[0] for k, v in parse_qs(urlsplit(delivered["contentUrl"]).query).items()}
        statement = {"id": str(uuid.uuid4()), "actor": json.loads(params["actor"]),
                     "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                     "object": {"objectType": "Activity", "id": params["activity_id"] + "/q/putt", "definition": {
                         "type": "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType": "choice",
                         "name": {"en-US": "Which club do you putt with?"}}},
                     "result": {"response": response, "success": response == "putter"},
                     "context": {"registration": params["registration"]}}
        sent = client.http.post(f"{urlsplit(params['endpoint']).path}statements", body=json.dumps(statement),
                                headers={"Authorization": params["auth"], "X-Experience-API-Version": "1.0.3",
                                         "Content-Type": "application/json"})
        assert sent.status_code == 200, sent.body
    drain_reportage()
    got = client.http.get("/api/v2/reporting/reports/course/tc/questions", headers=realm.basic).json_body
    (question,) = got["questions"]
    assert (question["id"], question["description"], question["attempts"], question["correct"]) == (
        statement_courses.TINCAN_ACTIVITY + "/q/putt", "Which club do you putt with?", 3, 1)
    assert question["wrongAnswers"] == [{"response": "driver", "count": 2}]
