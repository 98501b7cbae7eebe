"""Reportage and learner erasure (issues 15 and 16): the learner dimension is keyed by a
pseudonym; after ``delete-information`` the realm's and courses' counts stay, while nothing in the
reports table names the learner — whether the Reportage consumer had caught up before the
erasure or receives the learner's changes only after it (in flight), and although the
erasure's own changes reach it through the change stream like any other."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tests.builders import course_zip as cz
from tests.integration.registration_world import Player, create, drain_reportage, import_course, launch_link
from tests.integration.test_learners_api import _needles_in_tables

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials

LEARNER_ID = "erasable-learner-0042"
FIRST, LAST, EMAIL = "Ottoline", "Wrexham", "ottoline.wrexham@erase.test"
NEEDLES = (LEARNER_ID, FIRST, LAST, EMAIL)



def _report(client: Any, realm: RealmCredentials, report: str, query: str = "") -> dict[str, Any]:
    answer = client.http.get(f"/api/v2/reporting/reports/{report}?{query}", headers=realm.basic)
    assert answer.status_code == 200, answer.body
    return answer.json_body  # type: ignore[no-any-return]


def _totals(shown: dict[str, Any]) -> tuple[int, int, int, float | None]:
    totals = shown["totals"]
    return totals["registrations"], totals["completions"], totals["passes"], totals["averageScore"]


def _world(client: Any, realm: RealmCredentials) -> None:
    """Two registrations of the learner (one passed with 80), one of somebody else."""
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    learner = {"id": LEARNER_ID, "firstName": FIRST, "lastName": LAST, "email": EMAIL}
    for registration_id in ("mine-1", "mine-2"):
        made = client.http.post("/api/v2/registrations", headers={**realm.basic, "Content-Type": "application/json"},
                                body=json.dumps({"courseId": "golf", "registrationId": registration_id,
                                                 "learner": learner}))
        assert made.status_code == 204, made.body
    assert create(client, realm.basic, "theirs", "golf", learner_id="someone-else").status_code == 204
    player = Player(client, launch_link(client, realm.basic, "mine-1"))
    for item in (None, "item_2"):  # both SCOs of the course passed: the registration completes
        assert player.commit(player.deliver(item), [["set", "cmi.core.lesson_status", "passed"],
                                                    ["set", "cmi.core.score.raw", "80"], ["finish"]]).status_code == 200


EXPECTED = (3, 1, 1, 80.0)


def test_learner_report_by_id_and_erasure_keeps_only_counts(client, realm: RealmCredentials) -> None:
    _world(client, realm)
    drain_reportage()
    assert _totals(_report(client, realm, "overview")) == EXPECTED
    mine = _report(client, realm, "learner", f"key={LEARNER_ID}")
    assert _totals(mine) == (2, 1, 1, 80.0) and mine["key"] == LEARNER_ID  # asked by learner id, as before
    rows = {r["key"]: r for r in _report(client, realm, "overview", "table=learner")["table"]}
    assert rows[LEARNER_ID]["label"] == f"{FIRST} {LAST}" and rows[LEARNER_ID]["registrations"] == 2
    assert set(rows) == {LEARNER_ID, "someone-else"}  # a drill-down asks with the row's key: the learner id
    # The learner dimension's keys are pseudonyms: the id is only in the learner's own entry.
    assert [hit for hit in _needles_in_tables((LEARNER_ID,)) if "nimbus-reports" in hit and "#AGG#" in hit] == []

    erased = client.http.post(f"/api/v2/learner/{LEARNER_ID}/delete-information?userEmail={realm.owner_email}",
                              headers=realm.basic)
    assert erased.status_code == 200, erased.body
    assert erased.json_body["erased"]["reportageItems"] >= 2
    drain_reportage()  # the erasure's own changes (mark, removals) go through the consumer too

    assert _needles_in_tables(NEEDLES) == []
    assert _totals(_report(client, realm, "overview")) == EXPECTED  # counts only, unchanged
    assert _totals(_report(client, realm, "course", "key=golf")) == EXPECTED
    assert _totals(_report(client, realm, "learner", f"key={LEARNER_ID}")) == (0, 0, 0, None)
    assert [r["key"] for r in _report(client, realm, "overview", "table=learner")["table"]] == ["someone-else"]

    # The same learner id registering again later is a fresh learner in Reportage.
    assert create(client, realm.basic, "mine-3", "golf", learner_id=LEARNER_ID).status_code == 204
    drain_reportage()
    assert _totals(_report(client, realm, "learner", f"key={LEARNER_ID}")) == (1, 0, 0, None)
    assert _totals(_report(client, realm, "overview")) == (4, 1, 1, 80.0)


def test_changes_still_in_flight_at_the_erasure_never_name_the_learner(client, realm: RealmCredentials) -> None:
    _world(client, realm)  # nothing consumed yet: every change of the learner is still in the stream
    erased = client.http.post(f"/api/v2/learner/{LEARNER_ID}/delete-information?userEmail={realm.owner_email}",
                              headers=realm.basic)
    assert erased.status_code == 200, erased.body
    drain_reportage()

    assert _needles_in_tables(NEEDLES) == []
    assert _totals(_report(client, realm, "overview")) == EXPECTED  # what the registrations counted
    assert _totals(_report(client, realm, "learner", f"key={LEARNER_ID}")) == (0, 0, 0, None)
    assert [r["key"] for r in _report(client, realm, "overview", "table=learner")["table"]] == ["someone-else"]


def test_update_info_renames_the_learner_in_reportage(client, realm: RealmCredentials) -> None:
    _world(client, realm)
    drain_reportage()
    renamed = client.http.post(f"/api/v2/learner/{LEARNER_ID}/updateInfo", body=json.dumps({"firstName": "Otto"}),
                               headers={**realm.basic, "Content-Type": "application/json"})
    assert renamed.status_code == 204, renamed.body
    drain_reportage()
    rows = {r["key"]: r for r in _report(client, realm, "overview", "table=learner")["table"]}
    assert rows[LEARNER_ID]["label"] == f"Otto {LAST}" and rows[LEARNER_ID]["registrations"] == 2  # counts as before
    assert _totals(_report(client, realm, "overview")) == EXPECTED
    assert [hit for hit in _needles_in_tables((FIRST,)) if "nimbus-reports" in hit] == []  # the old name is gone
