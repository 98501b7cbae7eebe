"""People and roles, own settings, per-realm lockout, realms and plans over HTTP (issue 6)."""

from __future__ import annotations

import json
import logging

import pytest

from tests.builders.accounts import PASSWORD, build_world

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def world(aws):
    return build_world()


def _as(world, name):
    return {**world.new_sessions()[name], **JSON}


def _sign_in(client, email, password):
    return client.http.post("/api/session", headers=JSON, body=json.dumps({"email": email, "password": password}))


def test_people_are_added_with_roles_and_the_last_owner_stays(client, world) -> None:
    admin = _as(world, "administrator")
    added = client.http.post("/api/users", headers=admin,
                             body=json.dumps({"email": "New@Acme.test", "role": "learner", "name": "Nia"}))
    body = json.loads(added.body)
    assert body["person"]["email"] == "new@acme.test" and body["initialPassword"]
    assert _sign_in(client, "new@acme.test", body["initialPassword"]).status_code == 200
    people = json.loads(client.http.get("/api/users", headers=admin).body)["people"]
    assert {p["email"]: p["role"] for p in people}["new@acme.test"] == "learner"
    refused = client.http.post("/api/users", headers=admin, body=json.dumps({"email": "o2@acme.test", "role": "owner"}))
    assert refused.status_code == 403 and "owner" in json.loads(refused.body)["message"]
    bad = client.http.post("/api/users", headers=admin, body=json.dumps({"email": "x@acme.test", "role": "boss"}))
    assert bad.status_code == 400 and "role" in json.loads(bad.body)["message"]
    owner = _as(world, "owner")
    demote = client.http.put("/api/users/owner%40acme.test", headers=owner, body=json.dumps({"role": "learner"}))
    assert demote.status_code == 409 and "at least one owner" in json.loads(demote.body)["message"]
    assert client.http.delete("/api/users/new%40acme.test", headers=admin).status_code == 204
    orphan = _sign_in(client, "new@acme.test", body["initialPassword"])  # the account remains, in no realm
    assert orphan.status_code == 401 and "no longer belong" in json.loads(orphan.body)["message"]


def _cookie(response) -> str:
    return response.headers["Set-Cookie"].split(";")[0]


def test_a_person_in_two_realms_switches_between_them(client, world) -> None:
    owner = _as(world, "owner")
    client.http.post("/api/users", headers=owner, body=json.dumps({"email": "admin@other.test", "role": "learner"}))
    signed = _sign_in(client, "admin@other.test", PASSWORD)
    session = json.loads(signed.body)
    assert {r["id"]: r["role"] for r in session["realms"]} == {world.realm_a: "learner", world.realm_b: "administrator"}
    headers = {"Cookie": _cookie(signed), "X-CSRF-Token": session["csrfToken"], **JSON}
    target = world.realm_a if session["realm"]["id"] == world.realm_b else world.realm_b
    switched = json.loads(client.http.put("/api/session/realm", headers=headers,
                                          body=json.dumps({"realmId": target})).body)
    assert switched["realm"]["id"] == target
    assert client.http.get("/api/session", headers=headers).status_code == 200
    assert json.loads(client.http.get("/api/session", headers=headers).body)["realm"]["id"] == target
    stranger = client.http.put("/api/session/realm", headers=headers, body=json.dumps({"realmId": "nope"}))
    assert stranger.status_code == 404


def test_password_change_needs_the_current_password(client, world) -> None:
    learner = _as(world, "learner")
    wrong = client.http.put("/api/me/password", headers=learner,
                            body=json.dumps({"currentPassword": "nope", "newPassword": "a much longer one"}))
    assert wrong.status_code == 400 and "currentPassword" in json.loads(wrong.body)["message"]
    short = client.http.put("/api/me/password", headers=learner,
                            body=json.dumps({"currentPassword": PASSWORD, "newPassword": "short"}))
    assert short.status_code == 400 and "newPassword" in json.loads(short.body)["message"]
    done = client.http.put("/api/me/password", headers=learner,
                           body=json.dumps({"currentPassword": PASSWORD, "newPassword": "a much longer one"}))
    assert done.status_code == 204
    assert _sign_in(client, world.emails["learner"], PASSWORD).status_code == 401
    assert _sign_in(client, world.emails["learner"], "a much longer one").status_code == 200


def test_email_change_moves_the_account_and_its_realms(client, world) -> None:
    learner = _as(world, "learner")
    taken = client.http.put("/api/me/email", headers=learner,
                            body=json.dumps({"email": world.emails["owner"], "currentPassword": PASSWORD}))
    assert taken.status_code == 409
    moved = client.http.put("/api/me/email", headers=learner,
                            body=json.dumps({"email": "renamed@acme.test", "currentPassword": PASSWORD}))
    assert moved.status_code == 200
    assert _sign_in(client, world.emails["learner"], PASSWORD).status_code == 401
    session = json.loads(_sign_in(client, "renamed@acme.test", PASSWORD).body)
    assert session["realm"]["id"] == world.realm_a and session["user"]["role"] == "learner"


def test_lockout_follows_the_realm_setting_and_expires(client, world) -> None:
    from chalicelib.store import repos

    admin = _as(world, "administrator")
    bad = client.http.put("/api/realm/settings", headers=admin, body=json.dumps({"lockoutAttempts": 0}))
    assert bad.status_code == 400 and "lockoutAttempts" in json.loads(bad.body)["message"]
    saved = client.http.put("/api/realm/settings", headers=admin,
                            body=json.dumps({"lockoutAttempts": 2, "lockoutMinutes": 30}))
    assert json.loads(saved.body) == {"lockoutAttempts": 2, "lockoutMinutes": 30}
    email = world.emails["learner"]
    assert [_sign_in(client, email, "guess").status_code for _ in range(2)] == [401, 401]
    locked = _sign_in(client, email, PASSWORD)
    assert locked.status_code == 429
    assert 29 * 60 < int(locked.headers["Retry-After"]) <= 30 * 60 + 1
    # Time passes: move the lock's end into the past, as the clock would.
    user = repos.get_user(email)
    user.locked_until = repos.now().replace(microsecond=0) - __import__("datetime").timedelta(seconds=1)
    repos.save_user(user)
    assert _sign_in(client, email, PASSWORD).status_code == 200
    assert repos.get_user(email).locked_until is None


def test_passwords_never_reach_the_logs(client, world, caplog) -> None:
    secret = "Pa55word-that-must-not-leak"
    caplog.set_level(logging.DEBUG)
    owner = _as(world, "owner")
    _sign_in(client, world.emails["owner"], secret)
    client.http.put("/api/me/password", headers=owner,
                    body=json.dumps({"currentPassword": PASSWORD, "newPassword": secret}))
    _sign_in(client, world.emails["owner"], secret)
    client.http.put("/api/me/email", headers=owner,
                    body=json.dumps({"email": "x@acme.test", "currentPassword": secret}))
    client.http.post("/api/signup", headers=JSON,
                     body=json.dumps({"realmName": "New", "email": "n@new.test", "password": secret}))
    assert caplog.records
    logged = "\n".join(record.getMessage() + repr(record.__dict__) for record in caplog.records)
    assert secret not in logged and PASSWORD not in logged


def test_sign_up_creates_a_trial_realm_with_its_owner(client, aws) -> None:
    response = client.http.post("/api/signup", headers=JSON, body=json.dumps(
        {"realmName": "Fresh Co", "email": "me@fresh.test", "password": "long enough pw"}))
    assert response.status_code == 200
    session = json.loads(response.body)
    assert session["user"]["role"] == "owner" and session["realm"]["name"] == "Fresh Co"
    account = json.loads(client.http.get("/api/account", headers={"Cookie": _cookie(response)}).body)
    assert account["plan"]["id"] == "trial"
    assert account["plan"]["registrationLimit"] == 10 and account["plan"]["storageLimitBytes"] == 100 * 1024 * 1024
    again = client.http.post("/api/signup", headers=JSON, body=json.dumps(
        {"realmName": "Dup", "email": "me@fresh.test", "password": "long enough pw"}))
    assert again.status_code == 409


def test_trial_refuses_the_eleventh_registration_until_cleared(client, world) -> None:
    """Registrations are not implemented yet: this drives the counters and the check that the
    registrations issue will call."""
    from chalicelib import plans

    for _ in range(10):
        plans.check_registration_allowed(world.realm_a)
        plans.record_registration(world.realm_a)
    with pytest.raises(plans.PlanLimitReached) as refused:
        plans.check_registration_allowed(world.realm_a)
    assert refused.value.status == 402
    assert "10 registrations" in refused.value.message and "Clear Existing Registrations" in refused.value.message
    owner = _as(world, "owner")
    cleared = client.http.post("/api/account/registrations/clear", headers=owner)
    assert cleared.status_code == 200 and json.loads(cleared.body)["registrationsCounted"] == 0
    plans.check_registration_allowed(world.realm_a)
    usage = json.loads(client.http.get("/api/account/usage", headers=owner).body)
    assert usage["overall"]["registrationsAllTime"] == 10  # the plan's counter, kept through the clear
    csv = client.http.get("/api/account/usage.csv", headers=owner)  # numbers: tests/integration/test_reportage_usage.py
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert "\nlast 30 days," in csv.body.decode()


def test_storage_limit_and_linked_realms_share_the_plan(client, world) -> None:
    from chalicelib import accounts, plans
    from chalicelib.store import accounts as store

    plans.record_storage(world.realm_a, 90 * plans.MB)
    plans.check_storage(world.realm_a, 9 * plans.MB)
    with pytest.raises(plans.PlanLimitReached) as refused:
        plans.check_storage(world.realm_a, 20 * plans.MB)
    assert "Storage limit" in refused.value.message and "100 MB" in refused.value.message
    # the owner makes a second realm and links it under realm A's plan
    owner_caller = __import__("chalicelib.identity", fromlist=["Caller"]).Caller(
        "user", world.realm_a, world.emails["owner"], "owner")
    second = accounts.create_another_realm(owner_caller, "Second")
    owner = _as(world, "owner")
    linked = client.http.put(f"/api/realms/{second}/coverage", headers=owner,
                             body=json.dumps({"coveredBy": world.realm_a}))
    assert linked.status_code == 200
    assert [r.realm_id for r in store.realms_covered_by(world.realm_a)] == [second]
    with pytest.raises(plans.PlanLimitReached):
        plans.check_storage(second, 20 * plans.MB)  # realm A's usage counts for the linked realm
    for _ in range(10):
        plans.record_registration(second)
    with pytest.raises(plans.PlanLimitReached) as shared:
        plans.check_registration_allowed(world.realm_a)
    assert "linked" in shared.value.message or world.realm_a in shared.value.message
    overview = json.loads(client.http.get("/api/account", headers=owner).body)
    assert {r["id"] for r in overview["realms"]} == {world.realm_a, second}
    other = client.http.put(f"/api/realms/{second}/coverage", headers=owner,
                            body=json.dumps({"coveredBy": world.realm_b}))
    assert other.status_code == 403


def test_billing_tier_selection_is_recorded_and_lifts_limits(client, world) -> None:
    from chalicelib import plans

    owner = _as(world, "owner")
    bad = client.http.put("/api/account/plan", headers=owner, body=json.dumps({"plan": "unlimited"}))
    assert bad.status_code == 400 and "plan must be one of" in json.loads(bad.body)["message"]
    chosen = json.loads(client.http.put("/api/account/plan", headers=owner, body=json.dumps({"plan": "pro"})).body)
    assert chosen["plan"]["id"] == "pro" and chosen["billing"]["monthlyPriceCents"] == 29900
    assert chosen["billing"]["records"][0]["kind"] == "tier-selected"
    for _ in range(11):
        plans.record_registration(world.realm_a)
    plans.check_registration_allowed(world.realm_a)
