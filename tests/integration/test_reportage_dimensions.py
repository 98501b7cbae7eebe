"""Reportage's invitation, destination and app dimensions have data (issue 15): registrations made
by a private invitation carry ``invitationId``, by a dispatch launch ``destinationId``, through
the API by an app ``appId`` — written when the registration is created — so the registrations
change stream's records, run through the Reportage consumer, count them in those reports and
list them in the overview's tables."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.builders import course_zip as cz
from tests.integration.registration_world import create, import_course, registration_change_records
from tests.integration.test_dispatch_package import _package_config, _play, _zip

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import RealmCredentials


@pytest.fixture
def outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NIMBUS_OUTBOX", str(tmp_path / "outbox"))
    return tmp_path / "outbox"


def _post(client: Any, realm: RealmCredentials, path: str, body: Any) -> Any:
    return client.http.post(path, headers={**realm.basic, "Content-Type": "application/json"}, body=json.dumps(body))


def _consume() -> int:
    """Every change record of the registrations table so far through the Reportage consumer."""
    from chalicelib import reportage
    from chalicelib.store import changes

    return sum(bool(reportage.apply_change(changes.parse(data))) for data in registration_change_records())


def _report(client: Any, realm: RealmCredentials, report: str, query: str) -> dict[str, Any]:
    answer = client.http.get(f"/api/v2/reporting/reports/{report}?{query}", headers=realm.basic)
    assert answer.status_code == 200, answer.body
    return answer.json_body  # type: ignore[no-any-return]


def test_invitation_destination_and_app_reports_count_their_registrations(client, realm, outbox) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(scos=1), "golf")
    invited = _post(client, realm, "/api/v2/invitations/private", {
        "courseId": "golf", "creatingUserEmail": "owner@acme.test", "invitationEmail": {
            "subject": "Golf", "body": "Please take this course.",
            "addresses": ["ada@example.com", "grace@example.com"]}})
    assert invited.status_code == 200, invited.body
    invitation_id = invited.json_body["id"]
    assert _post(client, realm, "/api/v2/dispatch/destinations",
                 {"destinations": [{"id": "acme", "data": {"name": "Acme LMS"}}]}).status_code == 204
    assert _post(client, realm, "/api/v2/dispatch/dispatches", {
        "dispatches": [{"id": "d1", "data": {"courseId": "golf", "destinationId": "acme"}}]}).status_code == 204
    config = _package_config(_zip(client, realm, "dispatches/d1/zip").body)
    assert _play(client, config, "host-1").status_code == 200
    assert create(client, realm.basic, "api-made", "golf", learner_id="l-api").status_code == 204

    assert _consume() >= 4
    assert _consume() == 0  # a replay changes nothing
    assert _report(client, realm, "overview", "")["totals"]["registrations"] == 4
    assert _report(client, realm, "invitation", f"key={invitation_id}")["totals"]["registrations"] == 2
    assert _report(client, realm, "destination", "key=acme")["totals"]["registrations"] == 1
    assert _report(client, realm, "app", f"key={realm.app_id}")["totals"]["registrations"] == 1
    for table, expected in (("invitation", {invitation_id: 2}), ("destination", {"acme": 1}),
                            ("app", {realm.app_id: 1})):
        rows = _report(client, realm, "overview", f"table={table}")["table"]
        assert {r["key"]: r["registrations"] for r in rows} == expected, table
