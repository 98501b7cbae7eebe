"""Learner erasure reaches the invitations and dispatches that registered the learner (issue 16:
"no item in any table ... holds that learner's id, name or email"): a privately invited person
(their name, address, personal link, the invitation email's address list) and a dispatch's
record of a host-LMS learner go; the other people and the counters stay."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.builders import course_zip as cz
from tests.integration.registration_world import import_course
from tests.integration.test_dispatch_package import _package_config, _play, _zip
from tests.integration.test_learners_api import _needles_in_tables

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import RealmCredentials

EMAIL, FIRST, LAST = "ottoline.wrexham@erase.test", "Ottoline", "Wrexham"


@pytest.fixture
def outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NIMBUS_OUTBOX", str(tmp_path / "outbox"))
    return tmp_path / "outbox"


def _send(client: Any, realm: RealmCredentials, method: str, path: str, body: Any = None) -> Any:
    return client.http.request(method, path, headers={**realm.basic, "Content-Type": "application/json"},
                               body=json.dumps(body) if body is not None else b"")


def test_erasure_removes_the_invited_person_and_the_dispatch_learner(client, realm, outbox) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(scos=1), "golf")
    invited = _send(client, realm, "POST", "/api/v2/invitations/private", {
        "courseId": "golf", "invitationEmail": {"subject": "Golf", "body": "Please take this course.", "addresses": [
            {"email": EMAIL, "firstName": FIRST, "lastName": LAST}, "grace@keep.test"]}})
    assert invited.status_code == 200, invited.body
    invitation_id = invited.json_body["id"]
    assert _send(client, realm, "POST", "/api/v2/dispatch/destinations",
                 {"destinations": [{"id": "acme", "data": {"name": "Acme LMS"}}]}).status_code == 204
    assert _send(client, realm, "POST", "/api/v2/dispatch/dispatches", {
        "dispatches": [{"id": "d1", "data": {"courseId": "golf", "destinationId": "acme"}}]}).status_code == 204
    config = _package_config(_zip(client, realm, "dispatches/d1/zip").body)
    assert _play(client, config, EMAIL, learner_name=f"{LAST}, {FIRST}").status_code == 200  # the same person
    assert _play(client, config, "host-keep").status_code == 200
    needles = (EMAIL, FIRST, LAST)
    assert len(_needles_in_tables(needles)) >= 4  # registrations, invited person, address list, dispatch learner

    erased = _send(client, realm, "POST", f"/api/v2/learner/{EMAIL}/delete-information?userEmail={realm.owner_email}")
    assert erased.status_code == 200, erased.body
    report = erased.json_body["erased"]
    assert (report["registrations"], report["invitationPeople"], report["dispatchLearners"]) == (2, 1, 1)
    assert _needles_in_tables(needles) == []

    people = _send(client, realm, "GET", f"/api/v2/invitations/private/{invitation_id}/userInvitations").json_body
    assert [p["email"] for p in people["userInvitations"]] == ["grace@keep.test"]
    detail = _send(client, realm, "GET", f"/api/v2/invitations/private/{invitation_id}").json_body
    assert detail["invitationEmail"]["addresses"] == ["grace@keep.test"]
    registrations = _send(client, realm, "GET", "/api/v2/registrations").json_body["registrations"]
    assert sorted(r["learner"]["id"] for r in registrations) == ["grace@keep.test", "host-keep"]
    assert _play(client, config, "host-keep").status_code == 200  # the other host learner resumes
    dispatch = _send(client, realm, "GET", "/api/v2/dispatch/dispatches/d1").json_body
    assert dispatch["registrationCount"] == 2  # SCORM Cloud's convenience counter: a count only
