"""Apps, secret keys, application-management credentials and OAuth tokens over HTTP
(issue 6 "Apps"; API_V2.md "Auth")."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.builders.accounts import basic, bearer, build_world

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def world(aws):
    return build_world()


def _owner(world):
    return {**world.new_sessions()["owner"], **JSON}


def _token(client, headers, body="scope=read%20write&expiration=120"):
    return client.http.post("/api/v2/oauth/authenticate/application/token", headers={**headers, **FORM}, body=body)


def test_keys_are_shown_once_stored_hashed_and_can_be_disabled_rotated_and_deleted(client, world) -> None:
    import boto3

    owner = _owner(world)
    made = json.loads(client.http.post("/api/apps", headers=owner, body=json.dumps({"name": "LMS bridge"})).body)
    app_id, first_secret = made["id"], made["secret"]
    assert client.http.get("/api/v2/ping", headers=basic(app_id, first_secret)).status_code == 200
    details = json.loads(client.http.get(f"/api/apps/{app_id}", headers=owner).body)
    assert [k["enabled"] for k in details["keys"]] == [True]
    assert "secret" not in details["keys"][0]
    assert len(details["registrationsByMonth"]) == 13

    added = json.loads(client.http.post(f"/api/apps/{app_id}/keys", headers=owner,
                                        body=json.dumps({"name": "Second"})).body)
    second = added["secret"]
    dump = repr(boto3.client("dynamodb", region_name="us-east-1").scan(TableName="nimbus-accounts")["Items"])
    assert first_secret not in dump and second not in dump

    off = client.http.put(f"/api/apps/{app_id}/keys/{added['id']}", headers=owner, body=json.dumps({"enabled": False}))
    assert json.loads(off.body)["enabled"] is False
    assert client.http.get("/api/v2/ping", headers=basic(app_id, second)).status_code == 401
    client.http.put(f"/api/apps/{app_id}/keys/{added['id']}", headers=owner, body=json.dumps({"enabled": True}))
    rotated = json.loads(client.http.post(f"/api/apps/{app_id}/keys/{added['id']}/rotate", headers=owner).body)
    assert rotated["secret"] != second
    assert client.http.get("/api/v2/ping", headers=basic(app_id, second)).status_code == 401
    assert client.http.get("/api/v2/ping", headers=basic(app_id, rotated["secret"])).status_code == 200
    assert client.http.delete(f"/api/apps/{app_id}/keys/{added['id']}", headers=owner).status_code == 204
    assert client.http.get("/api/v2/ping", headers=basic(app_id, rotated["secret"])).status_code == 401
    last = client.http.delete(f"/api/apps/{app_id}/keys/{details['keys'][0]['id']}", headers=owner)
    assert last.status_code == 409 and "last enabled secret key" in json.loads(last.body)["message"]


def test_bad_app_input_is_a_400_naming_the_field(client, world) -> None:
    owner = _owner(world)
    for body in ('{"name": ""}', '{"name": 5}', "[]", "{nope"):
        response = client.http.post("/api/apps", headers=owner, body=body)
        assert response.status_code == 400, body
        assert json.loads(response.body)["message"]
    toggled = client.http.put(f"/api/apps/{world.app_id}/keys/{world.spare_key_id}", headers=owner,
                              body=json.dumps({"enabled": "yes"}))
    assert toggled.status_code == 404  # the spare key belongs to another app


def test_application_token_grants_its_scopes_and_expires(client, world) -> None:
    response = _token(client, basic(world.app_id, world.secret), "scope=read%3Acourse&expiration=60")
    assert response.status_code == 200
    body = json.loads(response.body)
    assert body["token_type"] == "Bearer" and body["expires_in"] == 60
    token = body["access_token"]
    assert client.http.get("/api/v2/ping", headers=bearer(token)).status_code == 200
    assert world.secret not in token
    expired = client.http.get("/api/v2/ping", headers=bearer(world.token(expired=True)))
    assert expired.status_code == 401 and "expired" in json.loads(expired.body)["message"]
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.http.get("/api/v2/ping", headers=bearer(tampered)).status_code == 401


def test_token_requests_with_bad_scopes_or_expiration_are_400(client, world) -> None:
    creds = basic(world.app_id, world.secret)
    for body, field in (("expiration=60", "scope"), ("scope=read%3Anothing", "read:nothing"),
                        ("scope=admin", "admin"), ("scope=read&expiration=soon", "expiration"),
                        ("scope=read&expiration=0", "expiration")):
        response = _token(client, creds, body)
        assert response.status_code == 400, body
        assert field in json.loads(response.body)["message"]
    assert _token(client, bearer(world.token())).status_code == 403  # a token cannot mint tokens


def test_a_token_is_bound_to_its_realm_and_dies_with_its_app(client, world) -> None:
    from chalicelib import apps, tokens

    spare = tokens.mint(world.realm_a, world.spare_app_id, frozenset({"read"}), 300)
    assert client.http.get("/api/v2/ping", headers=bearer(spare)).status_code == 200
    apps.delete_app(world.realm_a, world.spare_app_id)
    assert client.http.get("/api/v2/ping", headers=bearer(spare)).status_code == 401
    # signed with realm B's key but claiming realm A: refused
    import jwt

    forged = jwt.encode({"iss": "nimbus", "sub": world.app_id, "rlm": world.realm_a, "scope": "read",
                         "iat": 1, "exp": 4_000_000_000}, tokens.signing_key(world.realm_b),
                        algorithm="HS256", headers={"kid": world.realm_a})
    assert client.http.get("/api/v2/ping", headers=bearer(forged)).status_code == 401


def test_signing_keys_are_stored_sealed(client, world) -> None:
    import boto3

    from chalicelib import tokens

    key = tokens.signing_key(world.realm_a)
    dump = repr(boto3.client("dynamodb", region_name="us-east-1").scan(TableName="nimbus-accounts")["Items"])
    assert key.hex() not in dump and repr(key) not in dump


def test_management_credentials_work_only_on_app_management_and_token_endpoints(client, world) -> None:
    mgmt = basic(world.mgmt_app_id, world.mgmt_secret)
    assert client.http.get("/api/v2/ping", headers=mgmt).status_code == 403
    listed = json.loads(client.http.get("/api/v2/appManagement/applications", headers=mgmt).body)
    assert {a["id"] for a in listed["applications"]} == {world.app_id, world.spare_app_id}
    assert client.http.get("/api/v2/appManagement/applications",
                           headers=basic(world.app_id, world.secret)).status_code == 403

    made = json.loads(client.http.post("/api/v2/appManagement/applications", headers={**mgmt, **JSON},
                                       body=json.dumps({"name": "Made by API"})).body)
    cred = json.loads(client.http.post(f"/api/v2/appManagement/{made['id']}/credentials", headers={**mgmt, **JSON},
                                       body=json.dumps({"name": "ci"})).body)
    assert cred["status"] == "Enabled" and cred["credential"]
    assert client.http.get("/api/v2/ping", headers=basic(made["id"], cred["credential"])).status_code == 200
    listing = json.loads(client.http.get(f"/api/v2/appManagement/{made['id']}/credentials", headers=mgmt).body)
    assert cred["credential"] not in json.dumps(listing)  # secrets are shown once
    client.http.put(f"/api/v2/appManagement/{made['id']}/credentials/{cred['id']}", headers={**mgmt, **JSON},
                    body=json.dumps({"status": "Disabled"}))
    assert client.http.get("/api/v2/ping", headers=basic(made["id"], cred["credential"])).status_code == 401

    expiry = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    result = client.http.post("/api/v2/appManagement/token", headers={**mgmt, **JSON},
                              body=json.dumps({"permissions": {"scopes": ["read"]}, "expiry": expiry}))
    mgmt_token = json.loads(result.body)["result"]
    assert client.http.get("/api/v2/appManagement/applications", headers=bearer(mgmt_token)).status_code == 200
    assert client.http.get("/api/v2/ping", headers=bearer(mgmt_token)).status_code == 403
    named = client.http.post("/api/v2/appManagement/token", headers={**mgmt, **JSON}, body=json.dumps(
        {"permissions": {"scopes": ["read"], "applicationName": "Made by API"}, "expiry": expiry}))
    app_token = json.loads(named.body)["result"]
    assert client.http.get("/api/v2/ping", headers=bearer(app_token)).status_code == 200
    past = client.http.post("/api/v2/appManagement/token", headers={**mgmt, **JSON},
                            body=json.dumps({"permissions": {"scopes": ["read"]}, "expiry": "2001-01-01T00:00:00"}))
    assert past.status_code == 400 and "expiry" in json.loads(past.body)["message"]
