"""The API base: ping/about with Basic auth, request ids, and JSON errors (API_V2.md, Auth)."""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_ping_with_app_credentials(client, realm: RealmCredentials) -> None:
    response = client.http.get("/api/v2/ping", headers=realm.basic)
    assert response.status_code == 200
    body = json.loads(response.body)
    assert body["apiMessage"] == "pong"
    assert body["currentTime"].endswith("Z")
    assert response.headers["X-Request-Id"]


def test_about_names_the_distribution(client, realm: RealmCredentials) -> None:
    body = json.loads(client.http.get("/api/v2/about", headers=realm.basic).body)
    assert body["distribution"] == "Nimbus"
    assert body["version"]


def test_missing_credentials_get_401_json(client, realm: RealmCredentials) -> None:
    response = client.http.get("/api/v2/ping")
    assert response.status_code == 401
    assert json.loads(response.body) == {"message": "Authorization Required."}
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_wrong_secret_and_unknown_app_get_401(client, realm: RealmCredentials) -> None:
    for headers in (_basic(realm.app_id, "not-the-secret"), _basic("NOAPP", realm.secret_key),
                    {"Authorization": "Basic !!!notbase64"}, {"Authorization": "Bearer abc"}):
        response = client.http.get("/api/v2/ping", headers=headers)
        assert response.status_code == 401, headers
        assert "message" in json.loads(response.body)


def test_disabled_key_is_refused(client, realm: RealmCredentials) -> None:
    from chalicelib.store import repos

    for key in repos.list_secret_keys(realm.app_id):
        key.enabled = False
        key.save()
    assert client.http.get("/api/v2/ping", headers=realm.basic).status_code == 401


def test_each_response_has_its_own_request_id(client, realm: RealmCredentials) -> None:
    ids = {client.http.get("/api/v2/ping", headers=realm.basic).headers["X-Request-Id"]
           for _ in range(3)}
    assert len(ids) == 3


def test_unexpected_error_is_500_json_without_traceback(client, realm: RealmCredentials,
                                                         monkeypatch) -> None:
    from chalicelib.routes import about

    monkeypatch.setattr(about, "datetime", None)  # ping now fails with an AttributeError
    response = client.http.get("/api/v2/ping", headers=realm.basic)
    assert response.status_code == 500
    body = json.loads(response.body)
    assert set(body) == {"message"}
    assert "Traceback" not in body["message"] and "NoneType" not in body["message"]
    assert response.headers["X-Request-Id"] in body["message"]
