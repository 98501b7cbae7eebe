"""A Reportage link (API v2 reportageAuth + reportageLink) opens once, into a reports-only session
of its realm that no other route accepts (issue 15: "a reportage link opens the report signed in")."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from tests.builders import course_zip as cz
from tests.integration.registration_world import create, drain_reportage, import_course

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials



def _link(client: Any, basic: dict[str, str], nav: str, report_url: str) -> tuple[str, str]:
    auth = client.http.get(f"/api/v2/reporting/reportageAuth?navPermission={nav}&admin=true", headers=basic)
    assert auth.status_code == 200, auth.body
    query = urlencode({"auth": auth.json_body["queryString"], "reportUrl": report_url})
    linked = client.http.get(f"/api/v2/reporting/reportageLink?{query}", headers=basic)
    assert linked.status_code == 200, linked.body
    parts = urlsplit(linked.json_body["reportageLink"])
    assert parts.path == "/reportage/view"
    return f"{parts.path}?{parts.query}", auth.json_body["queryString"]


def _open(client: Any, path: str) -> dict[str, str]:
    opened = client.http.get(path)
    assert opened.status_code == 303, opened.body
    set_cookie = opened.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie and "Path=/api/app/reportage-link" in set_cookie
    assert opened.headers["Cache-Control"] == "no-store" and opened.headers["Referrer-Policy"] == "no-referrer"
    return {"Cookie": set_cookie.split(";")[0], "Location": opened.headers["Location"]}


def test_a_link_opens_once_into_a_session_limited_to_its_realms_reports(client, realm: RealmCredentials) -> None:
    from chalicelib import accounts

    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    for n in range(2):
        assert create(client, realm.basic, f"r{n}", "golf", learner_id=f"l{n}").status_code == 204
    drain_reportage()

    path, _auth = _link(client, realm.basic, "FREENAV", "https://cloud.example/Reportage/reportage.php?courseId=golf")
    session = _open(client, path)
    assert session["Location"] == "/reportage/link?report=course&key=golf"
    cookie = {"Cookie": session["Cookie"]}
    about = client.http.get("/api/app/reportage-link/session", headers=cookie).json_body
    assert about == {"realm": {"id": realm.realm_id, "name": "Acme Training"}, "nav": "FREENAV",
                     "report": "course", "key": "golf"}
    overview = client.http.get("/api/app/reportage-link/reports/overview", headers=cookie)
    assert overview.status_code == 200 and overview.json_body["totals"]["registrations"] == 2
    assert [r["key"] for r in overview.json_body["table"]] == ["golf"]
    exported = client.http.get("/api/app/reportage-link/reports/overview?format=csv", headers=cookie)
    assert exported.headers["Content-Type"].startswith("text/csv")

    replay = client.http.get(path)  # the same link again
    assert replay.status_code == 401 and "opened already" in json.loads(replay.body)["message"]
    assert "Set-Cookie" not in replay.headers

    # reports only: no other route takes the session (the authorization matrix checks every one)
    for other in ("/api/app/reportage/overview", "/api/session", "/api/app/courses", "/api/account/usage",
                  "/api/v2/registrations"):
        assert client.http.get(other, headers=cookie).status_code in (401, 403), other
    assert client.http.post("/api/app/reportage-link/reports/overview", headers=cookie).status_code in (403, 405)

    # NONAV: the linked report only; DOWNONLY from the overview: what the overview drills down to
    nonav = {"Cookie": _open(client, _link(client, realm.basic, "NONAV", "report=course&key=golf")[0])["Cookie"]}
    assert client.http.get("/api/app/reportage-link/reports/course?key=golf&from=2026-01-01",
                           headers=nonav).status_code == 200
    assert client.http.get("/api/app/reportage-link/reports/learner?key=l0", headers=nonav).status_code == 403
    assert client.http.get("/api/app/reportage-link/reports/overview", headers=nonav).status_code == 403
    down = {"Cookie": _open(client, _link(client, realm.basic, "DOWNONLY", "")[0])["Cookie"]}
    assert client.http.get("/api/app/reportage-link/reports/learner?key=l0", headers=down).status_code == 200
    assert client.http.get("/api/app/reportage-link/reports/overview", headers=down).status_code == 200

    # a grant is bound to its realm: another realm's app cannot turn it into a link
    other = accounts.create_realm("Other Org", "owner@other.test", "correct horse battery")
    other_basic = {"Authorization": "Basic " + __import__("base64").b64encode(
        f"{other.app.app_id}:{other.app.secret_key}".encode()).decode()}
    _path, auth = _link(client, realm.basic, "FREENAV", "")
    stolen = client.http.get(f"/api/v2/reporting/reportageLink?{urlencode({'auth': auth})}", headers=other_basic)
    assert stolen.status_code == 400 and "auth" in json.loads(stolen.body)["message"]
    theirs = {"Cookie": _open(client, _link(client, other_basic, "FREENAV", "")[0])["Cookie"]}
    assert client.http.get("/api/app/reportage-link/reports/overview", headers=theirs).json_body["table"] == []

    # bad input: a 4xx naming the field, and the link is not used up by it
    good, _ = _link(client, realm.basic, "FREENAV", "report=course&key=golf")
    assert client.http.get(good.replace("report=course", "report=nope")).status_code == 400
    assert client.http.get(good).status_code == 303
    for bad in ("navPermission=EVERYTHING", "navPermission="):
        answer = client.http.get(f"/api/v2/reporting/reportageAuth?{bad}", headers=realm.basic)
        assert answer.status_code == 400 and "navPermission" in json.loads(answer.body)["message"]
    forged = client.http.get("/reportage/view?auth=forged&report=overview")
    assert forged.status_code == 401
    expired_session = client.http.get("/api/app/reportage-link/session", headers={"Cookie": "nimbus_reportage=nope"})
    assert expired_session.status_code == 401


def test_a_links_course_report_has_its_question_analysis_within_the_links_navigation(
        client, realm: RealmCredentials) -> None:
    from tests.integration.registration_world import Player, launch_link

    import_course(client, realm.basic, cz.scorm12_zip(scos=1), "golf")
    import_course(client, realm.basic, cz.scorm12_zip(scos=1), "tennis")
    for n, (response, result) in enumerate((("driver", "wrong"), ("iron", "correct"))):
        assert create(client, realm.basic, f"r{n}", "golf", learner_id=f"l{n}").status_code == 204
        player = Player(client, launch_link(client, realm.basic, f"r{n}"))
        ops = [["set", "cmi.interactions.0.id", "club"], ["set", "cmi.interactions.0.type", "choice"],
               ["set", "cmi.interactions.0.student_response", response],
               ["set", "cmi.interactions.0.result", result], ["finish"]]
        assert player.commit(player.deliver(), ops).status_code == 200
    drain_reportage()
    path = "/api/app/reportage-link/reports/course/{}/questions"

    # NONAV on the golf course report: its questions (JSON and CSV, any date range), nothing else
    nonav = {"Cookie": _open(client, _link(client, realm.basic, "NONAV", "report=course&key=golf")[0])["Cookie"]}
    answered = client.http.get(path.format("golf") + "?from=2026-01-01", headers=nonav)
    assert answered.status_code == 200, answered.body
    (club,) = answered.json_body["questions"]
    assert (club["id"], club["attempts"], club["correct"]) == ("club", 2, 1)
    assert club["wrongAnswers"] == [{"response": "driver", "count": 1}]
    csv = client.http.get(path.format("golf") + "?format=csv", headers=nonav)
    assert csv.headers["Content-Type"].startswith("text/csv") and b"driver (1)" in csv.body
    refused = client.http.get(path.format("tennis"), headers=nonav)
    assert refused.status_code == 403 and "NONAV" in json.loads(refused.body)["message"]
    assert client.http.post(path.format("golf"), headers=nonav).status_code in (403, 405)

    # a learner's link does not open a course's questions; DOWNONLY from the overview does
    learner = {"Cookie": _open(client, _link(client, realm.basic, "NONAV", "report=learner&key=l0")[0])["Cookie"]}
    assert client.http.get(path.format("golf"), headers=learner).status_code == 403
    down = {"Cookie": _open(client, _link(client, realm.basic, "DOWNONLY", "")[0])["Cookie"]}
    assert client.http.get(path.format("golf"), headers=down).json_body["questions"][0]["id"] == "club"
    assert client.http.get(path.format("nowhere"), headers=down).status_code == 404

    # the session alone: no cookie, or a forged one, gets nothing
    assert client.http.get(path.format("golf")).status_code == 401
    assert client.http.get(path.format("golf"), headers={"Cookie": "nimbus_reportage=forged"}).status_code == 401
