"""Web sign-in: POST/GET/DELETE /api/session with cookies, CSRF and lockout."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials

JSON = {"Content-Type": "application/json"}


def _sign_in(client, email: str, password: str):
    return client.http.post("/api/session", headers=JSON,
                            body=json.dumps({"email": email, "password": password}))


def _cookie(response) -> str:
    return response.headers["Set-Cookie"].split(";")[0]


def test_sign_in_sets_a_safe_cookie_and_returns_the_session(client, realm: RealmCredentials) -> None:
    response = _sign_in(client, "Owner@Acme.test", realm.owner_password)
    assert response.status_code == 200
    body = json.loads(response.body)
    assert body["user"]["email"] == "owner@acme.test"
    assert body["user"]["role"] == "owner"
    assert body["realm"] == {"id": realm.realm_id, "name": "Acme Training"}
    assert body["csrfToken"]
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie

    again = client.http.get("/api/session", headers={"Cookie": _cookie(response)})
    assert again.status_code == 200
    assert json.loads(again.body)["csrfToken"] == body["csrfToken"]


def test_wrong_password_and_unknown_email_answer_alike(client, realm: RealmCredentials) -> None:
    wrong = _sign_in(client, realm.owner_email, "nope")
    unknown = _sign_in(client, "nobody@acme.test", "nope")
    assert wrong.status_code == unknown.status_code == 401
    assert json.loads(wrong.body) == json.loads(unknown.body) == {
        "message": "Email or password is incorrect."}


def test_missing_fields_and_bad_json_are_400_naming_the_problem(client, realm: RealmCredentials) -> None:
    missing = client.http.post("/api/session", headers=JSON, body=json.dumps({"email": "a@b.c"}))
    assert missing.status_code == 400
    assert "password" in json.loads(missing.body)["message"]
    broken = client.http.post("/api/session", headers=JSON, body='{"email": ')
    assert broken.status_code == 400
    assert json.loads(broken.body)["message"].startswith("Request body is not valid JSON")
    not_object = client.http.post("/api/session", headers=JSON, body="[1, 2]")
    assert not_object.status_code == 400


def test_repeated_failures_lock_the_account(client, realm: RealmCredentials) -> None:
    for _ in range(5):
        assert _sign_in(client, realm.owner_email, "guess").status_code == 401
    locked = _sign_in(client, realm.owner_email, realm.owner_password)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0


def test_no_cookie_or_a_forged_one_is_401(client, realm: RealmCredentials) -> None:
    assert client.http.get("/api/session").status_code == 401
    forged = client.http.get("/api/session", headers={"Cookie": "nimbus_session=forged"})
    assert forged.status_code == 401


def test_sign_out_needs_the_csrf_token_then_ends_the_session(client, realm: RealmCredentials) -> None:
    response = _sign_in(client, realm.owner_email, realm.owner_password)
    cookie, csrf = _cookie(response), json.loads(response.body)["csrfToken"]
    refused = client.http.delete("/api/session", headers={"Cookie": cookie})
    assert refused.status_code == 403
    assert "X-CSRF-Token" in json.loads(refused.body)["message"]
    done = client.http.delete("/api/session", headers={"Cookie": cookie, "X-CSRF-Token": csrf})
    assert done.status_code == 204
    assert "Max-Age=0" in done.headers["Set-Cookie"]
    assert client.http.get("/api/session", headers={"Cookie": cookie}).status_code == 401


def test_a_web_session_is_not_an_api_credential(client, realm: RealmCredentials) -> None:
    response = _sign_in(client, realm.owner_email, realm.owner_password)
    api = client.http.get("/api/v2/ping", headers={"Cookie": _cookie(response)})
    assert api.status_code == 401
