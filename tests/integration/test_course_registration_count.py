"""A course's ``registrationCount`` (API v2 get_course / get_courses with
``includeRegistrationCount``) follows registrations being created, deleted and cleared, and
"Clear Existing Registrations" leaves nothing of a registration behind."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tests.builders import course_zip as cz
from tests.integration.registration_world import Player, create, import_course, launch_link

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials


def _counts(client: Any, realm: RealmCredentials) -> dict[str, int]:
    listed = client.http.get("/api/v2/courses?includeRegistrationCount=true", headers=realm.basic)
    return {c["id"]: c["registrationCount"] for c in listed.json_body["courses"]}


def _one(client: Any, realm: RealmCredentials, course_id: str, flag: str = "true") -> int:
    got = client.http.get(f"/api/v2/courses/{course_id}?includeRegistrationCount={flag}",
                          headers=realm.basic)
    assert got.status_code == 200, got.body
    return int(got.json_body["registrationCount"])


def _owner(client: Any, realm: RealmCredentials) -> dict[str, str]:
    signed = client.http.post("/api/session", headers={"Content-Type": "application/json"},
                              body=json.dumps({"email": realm.owner_email,
                                               "password": realm.owner_password}))
    return {"Cookie": signed.headers["Set-Cookie"].split(";")[0],
            "X-CSRF-Token": signed.json_body["csrfToken"]}


def test_registration_count_follows_create_delete_and_clear(client, realm) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    import_course(client, realm.basic, cz.scorm12_zip(), "tennis")
    assert _counts(client, realm) == {"golf": 0, "tennis": 0}
    for registration_id in ("g1", "g2", "g3"):
        assert create(client, realm.basic, registration_id, "golf").status_code == 204
    assert create(client, realm.basic, "t1", "tennis").status_code == 204
    assert create(client, realm.basic, "g1", "golf").status_code == 409  # not counted twice
    assert _counts(client, realm) == {"golf": 3, "tennis": 1}
    assert _one(client, realm, "golf") == 3
    assert _one(client, realm, "golf", flag="false") == 0  # only when asked for, as SCORM Cloud

    preview = client.http.post("/api/v2/courses/golf/preview", body="{}",
                               headers={**realm.basic, "Content-Type": "application/json"})
    assert preview.status_code == 200
    assert _one(client, realm, "golf") == 3  # previews are not registrations

    assert client.http.delete("/api/v2/registrations/g2", headers=realm.basic).status_code == 204
    assert client.http.delete("/api/v2/registrations/g2", headers=realm.basic).status_code == 404
    assert _counts(client, realm) == {"golf": 2, "tennis": 1}

    assert client.http.post("/api/account/registrations/clear",
                            headers=_owner(client, realm)).status_code == 200
    assert _counts(client, realm) == {"golf": 0, "tennis": 0}


def test_clearing_registrations_leaves_no_launch_history_behind(client, realm) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    assert create(client, realm.basic, "again", "golf").status_code == 204
    player = Player(client, launch_link(client, realm.basic, "again"))
    sco = player.deliver()
    assert player.commit(sco, [["set", "cmi.core.lesson_status", "completed"]]).status_code == 200
    history = client.http.get("/api/v2/registrations/again/launchHistory", headers=realm.basic)
    assert len(history.json_body["launchHistory"]) == 1

    assert client.http.post("/api/account/registrations/clear",
                            headers=_owner(client, realm)).status_code == 200
    assert create(client, realm.basic, "again", "golf").status_code == 204
    history = client.http.get("/api/v2/registrations/again/launchHistory", headers=realm.basic)
    assert history.json_body["launchHistory"] == []  # the cleared registration's launches are gone
    got = client.http.get("/api/v2/registrations/again", headers=realm.basic).json_body
    assert got["registrationCompletion"] == "UNKNOWN"
    assert _one(client, realm, "golf") == 1
