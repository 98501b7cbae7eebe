"""Reportage over HTTP (issue 15): reports from the aggregates the registrations change stream
keeps, their CSV, API v2 ReportingApi and the reportage link's page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from tests.builders import course_zip as cz
from tests.integration.registration_world import Player, create, drain_reportage, import_course, launch_link

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials



def _get(client: Any, realm: RealmCredentials, path: str) -> Any:
    return client.http.get(path, headers=realm.basic)


def test_reports_csv_and_the_reportage_link(client, realm: RealmCredentials) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    for n in range(3):
        assert create(client, realm.basic, f"r{n}", "golf", learner_id=f"l{n}").status_code == 204
    player = Player(client, launch_link(client, realm.basic, "r0"))
    for item in ("item_1", "item_2"):
        delivered = player.deliver(item) if item != "item_1" else player.deliver()
        player.commit(delivered, [["set", "cmi.core.lesson_status", "passed"], ["set", "cmi.core.score.raw", "85"],
                                  ["set", "cmi.core.session_time", "0000:01:00"], ["finish"]])
    drain_reportage()

    overview = _get(client, realm, "/api/v2/reporting/reports/overview").json_body
    today = datetime.now(UTC).date()
    assert (overview["from"], overview["to"]) == ((today - timedelta(days=89)).isoformat(), today.isoformat())
    totals = overview["totals"]
    assert (totals["registrations"], totals["completions"], totals["passes"], totals["passRate"]) == (3, 1, 1, 1.0)
    assert totals["averageScore"] == 85.0 and totals["scoreDistribution"][8]["count"] == 1
    assert totals["launches"] == 1
    assert len(overview["series"]) == 90 and overview["series"][-1]["registrations"] == 3
    assert [(r["key"], r["label"], r["registrations"]) for r in overview["table"]] == [("golf", "Golf Explained", 3)]
    learner = _get(client, realm, "/api/v2/reporting/reports/learner?key=l0").json_body["totals"]
    assert (learner["registrations"], learner["completions"]) == (1, 1)
    old = _get(client, realm, "/api/v2/reporting/reports/overview?from=2020-01-01&to=2020-03-01").json_body
    assert old["totals"]["registrations"] == 0 and len(old["series"]) == 61  # the range changes the report
    csv = _get(client, realm, "/api/v2/reporting/reports/overview?table=learner&format=csv")
    assert csv.headers["Content-Type"].startswith("text/csv") and "attachment" in csv.headers["Content-Disposition"]
    lines = csv.body.decode().splitlines()
    assert lines[0].startswith("key,label,registrations,completions") and len(lines) == 4
    capped = _get(client, realm, "/api/v2/reporting/reports/overview?table=learner&tableLimit=2").json_body
    assert len(capped["table"]) == 2 and capped["tableMore"] == 1  # 3 learners: the busiest 2 read
    assert overview["tableMore"] == 0
    for bad in ("from=2026-13-01", "from=2026-05-02&to=2026-05-01", "table=nope", "tableLimit=0",
                "tableLimit=many", "tableLimit=1001"):
        answer = _get(client, realm, f"/api/v2/reporting/reports/overview?{bad}")
        assert answer.status_code == 400, bad
    assert _get(client, realm, "/api/v2/reporting/reports/course").status_code == 400  # key needed

    info = _get(client, realm, "/api/v2/reporting/accountInfo").json_body
    assert info["usage"]["totalCourses"] == 1 and info["usage"]["totalRegistrations"] == 3
    auth = _get(client, realm, "/api/v2/reporting/reportageAuth?navPermission=FREENAV&admin=false").json_body
    assert auth["authEnabled"] is True and "auth=" in auth["queryString"]
    query = urlencode({"auth": auth["queryString"], "reportUrl": "report=course&key=golf"})
    linked = client.http.get(f"/api/v2/reporting/reportageLink?{query}", headers=realm.basic)
    link = linked.json_body["reportageLink"]
    parts = urlsplit(link)
    opened = client.http.get(f"{parts.path}?{parts.query}")  # no credentials: the link is the sign-in
    assert opened.status_code == 303 and opened.headers["Location"] == "/reportage/link?report=course&key=golf"
    cookie = opened.headers["Set-Cookie"].split(";")[0]
    shown = client.http.get("/api/app/reportage-link/reports/course?key=golf", headers={"Cookie": cookie}).json_body
    assert (shown["totals"]["registrations"], shown["totals"]["completions"]) == (3, 1)
    assert shown["totals"]["launches"] == 1  # r0's one launch
    assert client.http.get(f"{parts.path}?{parts.query}").status_code == 401  # opened once only
    assert client.http.get("/reportage/view?report=overview").status_code == 401
    # the full checks of the link's session: tests/integration/test_reportage_link.py
