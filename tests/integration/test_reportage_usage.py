"""The Apps page's 13-month registration overview per app and the Account tab's usage report read
the Reportage aggregates (issue 15): their numbers equal what the registrations imply.

Registrations made today go through the API and the change-stream consumer; registrations of
earlier months are change records (as the table's stream delivers them) applied by the consumer
``chalicelib.reports.aggregates.apply_change``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tests.builders import course_zip as cz
from tests.builders.events import registration_change
from tests.integration.registration_world import Player, create, drain_reportage, import_course, launch_link

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials



def _owner(realm: RealmCredentials) -> dict[str, str]:
    from chalicelib import accounts
    from chalicelib.store import repos

    user = repos.get_user(realm.owner_email)
    assert user is not None
    done = accounts.open_session(user, realm.realm_id)
    return {"Cookie": f"nimbus_session={done.token}", "X-CSRF-Token": done.csrf_token}


def _month(today: datetime, back: int) -> datetime:
    index = today.year * 12 + today.month - 1 - back
    return datetime(index // 12, index % 12 + 1, 15, 12, tzinfo=UTC)


def _past_registration(realm_id: str, n: int, app_id: str, when: datetime, course: str = "golf") -> dict[str, Any]:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.%f+0000")
    return {"pk": f"{realm_id}#REG#old{n}", "sk": "REG", "realm_id": realm_id, "registration_id": f"old{n}",
            "course_id": course, "learner": json.dumps({"id": f"old-learner-{n}"}), "completion": "COMPLETED",
            "success": "UNKNOWN", "total_seconds": 0, "sandbox": False, "created": stamp, "updated": stamp,
            "version": 1, "details": json.dumps({"courseTitle": course, "appId": app_id,
                                                 "completedDate": stamp.replace("+0000", "Z")})}


def test_app_overview_and_account_usage_read_the_aggregates(client, realm: RealmCredentials) -> None:
    from chalicelib.reports import aggregates
    from chalicelib.store import changes

    owner = _owner(realm)
    other = json.loads(client.http.post("/api/apps", headers={**owner, "Content-Type": "application/json"},
                                        body=json.dumps({"name": "Second LMS"})).body)
    other_basic = {"Authorization": "Basic " + __import__("base64").b64encode(
        f"{other['id']}:{other['secret']}".encode()).decode()}
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    for n in range(3):
        assert create(client, realm.basic, f"a{n}", "golf", learner_id=f"l{n}").status_code == 204
    assert create(client, other_basic, "b0", "golf", learner_id="l0").status_code == 204
    player = Player(client, launch_link(client, realm.basic, "a0"))
    for item in ("item_1", "item_2"):
        delivered = player.deliver(item) if item != "item_1" else player.deliver()
        player.commit(delivered, [["set", "cmi.core.lesson_status", "passed"], ["finish"]])
    drain_reportage()

    today = datetime.now(UTC)
    past = {2: 2, 12: 1, 13: 5}  # months back → registrations of the first app (13 back: outside the overview)
    n = 0
    for back, count in past.items():
        for _ in range(count):
            record = registration_change(None, _past_registration(realm.realm_id, n, realm.app_id, _month(today, back)))
            assert aggregates.apply_change(changes.parse(record))
            assert not aggregates.apply_change(changes.parse(record))  # a replayed record changes nothing
            n += 1

    details = json.loads(client.http.get(f"/api/apps/{realm.app_id}", headers=owner).body)
    months = details["registrationsByMonth"]
    assert len(months) == 13 and months[-1]["month"] == today.strftime("%Y-%m")
    assert [m["registrations"] for m in months] == [1, *([0] * 9), 2, 0, 3]  # 12 back, 2 back, this month
    second = json.loads(client.http.get(f"/api/apps/{other['id']}", headers=owner).body)["registrationsByMonth"]
    assert [m["registrations"] for m in second] == [*([0] * 12), 1]

    usage = json.loads(client.http.get("/api/account/usage", headers=owner).body)
    recent, overall = usage["last30Days"], usage["overall"]
    assert (recent["registrations"], recent["completions"], recent["learners"], recent["courses"]) == (4, 1, 3, 1)
    assert recent["to"] == today.date().isoformat()
    assert recent["from"] == (today.date() - timedelta(days=29)).isoformat() and len(recent["days"]) == 30
    assert recent["days"][-1]["registrations"] == 4
    assert recent["storageBytes"] > 0 and overall["storageBytes"] > 0  # the imported course
    # overall runs from the realm's creation (today here), so the back-dated records fall before it
    assert overall["from"] == today.date().isoformat() and overall["registrations"] == 4
    assert overall["learners"] == 3 + n and overall["courses"] == 1  # every learner the aggregates have seen

    exported = client.http.get("/api/account/usage.csv", headers=owner)
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in exported.headers["Content-Disposition"]
    lines = exported.body.decode().splitlines()
    assert lines[0].startswith("period,from,to,registrations,") and "learners,courses,storage_bytes" in lines[0]
    assert lines[2].startswith(f"last 30 days,{recent['from']},{recent['to']},4,") and len(lines) == 3 + 30

    administrator_refused = client.http.get("/api/account/usage", headers=realm.basic)
    assert administrator_refused.status_code in (401, 403)
