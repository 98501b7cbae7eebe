"""Learners on their realm's LRS with their own email and password (issue 5): only their own
statements, Argon2 verification with the realm's lockout — over chalice's test client and moto."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.builders import statements as b
from tests.integration.test_lrs_api import Lrs

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials

PASSWORD = "learner password 1"


def _me(name: str) -> dict[str, Any]:
    return {"objectType": "Agent", "mbox": f"mailto:{name}@acme.test"}


def _by(name: str, **extra: Any) -> dict[str, Any]:
    made = b.statement(**extra)
    made["actor"] = _me(name)
    return made


@pytest.fixture
def learner(client: Any, realm: RealmCredentials) -> tuple[Lrs, Lrs]:
    """(ana's own-password client, root client) on the realm's own endpoint."""
    from chalicelib import accounts
    from chalicelib.lrs import credentials

    accounts.create_user("ana@acme.test", PASSWORD, realm.realm_id, "learner")
    root = credentials.create_root(realm.realm_id, "root", "rootkey-test", "rootsecret-test")
    return (Lrs(client, realm.realm_id, "ana@acme.test", PASSWORD),
            Lrs(client, realm.realm_id, root.credential_id, root.secret))


def test_stores_and_reads_only_statements_where_she_is_the_actor(
        learner: tuple[Lrs, Lrs]) -> None:
    lrs, root = learner
    mine = _by("ana")
    assert lrs.post(mine).status_code == 200
    by_root = _by("ana")  # hers, stored by a provider
    about_her = _by("bob", object=_me("ana"))  # she is only the object
    someone_else = _by("bob")
    assert root.post([by_root, about_her, someone_else]).status_code == 200
    listed = {s["id"] for s in lrs.query()["statements"]}
    assert listed == {mine["id"], by_root["id"]}
    assert lrs.query(agent=json.dumps(_me("bob")))["statements"] == []
    for hidden in (about_her, someone_else):
        got = lrs.call("GET", "/statements", params={"statementId": hidden["id"]})
        assert got.status_code == 403, got.body
    assert lrs.query(statementId=by_root["id"])["id"] == by_root["id"]


def test_refuses_other_actors_voiding_and_documents(learner: tuple[Lrs, Lrs]) -> None:
    lrs, root = learner
    response = lrs.post([_by("ana"), _by("bob")])
    assert response.status_code == 403 and "statement.actor" in response.body.decode()
    other = _by("bob")
    assert root.post(other).status_code == 200
    voiding = b.voiding(other["id"])
    voiding["actor"] = _me("ana")
    assert lrs.post(voiding).status_code == 403
    assert root.query()["statements"] == [root.query(statementId=other["id"])]
    state = lrs.call("GET", "/activities/state", params={
        "activityId": "http://example.com/a1", "agent": json.dumps(_me("ana")),
        "stateId": "s"})
    assert state.status_code == 403


def test_wrong_password_other_realm_and_lockout(client: Any, realm: RealmCredentials,
                                                learner: tuple[Lrs, Lrs]) -> None:
    from chalicelib import accounts

    lrs, _root = learner
    other = accounts.create_realm("Other", "owner@other.test", "another password 9")
    assert Lrs(client, other.realm_id, "ana@acme.test", PASSWORD).call(
        "GET", "/statements").status_code == 403
    assert Lrs(client, other.app.app_id, "ana@acme.test", PASSWORD).call(
        "GET", "/statements").status_code == 403
    assert Lrs(client, realm.app_id, "ana@acme.test", PASSWORD).call(
        "GET", "/statements").status_code == 200  # her realm's apps' endpoints too
    accounts.set_lockout_settings(realm.realm_id, {"lockoutAttempts": 2, "lockoutMinutes": 5})
    wrong = Lrs(client, realm.realm_id, "ana@acme.test", "not her password")
    assert [wrong.call("GET", "/statements").status_code for _ in range(2)] == [401, 401]
    assert lrs.call("GET", "/statements").status_code == 429  # locked out, right password too
    assert Lrs(client, realm.realm_id, "nobody@acme.test", PASSWORD).call(
        "GET", "/statements").status_code == 401
