"""The LRS of a running local stack, driven by real clients (issue 5): PyPI ``tincan`` and
OAuth 1.0a requests signed by oauthlib."""

from __future__ import annotations

import json
import time
import uuid
from typing import TYPE_CHECKING

import pytest
import requests
from oauthlib.oauth1 import Client

if TYPE_CHECKING:
    from tests.e2e.stack import LocalStack

pytestmark = pytest.mark.e2e


def test_credentials_file_names_the_lrs(stack: LocalStack) -> None:
    creds = stack.credentials()
    assert creds["lrsEndpoint"] == f"{stack.base_url}/lrs/{creds['appId']}"
    about = requests.get(f"{creds['lrsEndpoint']}/about", timeout=10)
    assert "2.0.0" in about.json()["version"]


def test_tincan_client_round_trip(stack: LocalStack) -> None:
    from tincan import (
        Activity,
        Agent,
        RemoteLRS,
        Statement,
        Verb,
    )

    creds = stack.credentials()
    lrs = RemoteLRS(endpoint=creds["lrsEndpoint"] + "/", username=creds["lrsKey"],
                    password=creds["lrsSecret"], version="1.0.1")
    assert lrs.about().success
    learner = Agent(name="Tin Can", mbox=f"mailto:tincan-{uuid.uuid4().hex}@example.com")
    activity = Activity(id="http://example.com/tincan/activity")
    statement = Statement(actor=learner, verb=Verb(id="http://adlnet.gov/expapi/verbs/completed"),
                          object=activity)
    saved = lrs.save_statement(statement)
    assert saved.success, saved.response.data
    fetched = lrs.retrieve_statement(saved.content.id)
    assert fetched.success and fetched.content.actor.mbox == learner.mbox
    for _ in range(3):
        assert lrs.save_statement(Statement(actor=learner, verb=statement.verb,
                                            object=activity)).success
    page = lrs.query_statements({"agent": learner, "limit": 2})
    assert page.success and len(page.content.statements) == 2 and page.content.more
    rest = lrs.more_statements(page.content)
    assert rest.success and len(rest.content.statements) == 2
    assert lrs.save_state(_state(learner, activity)).success
    state = lrs.retrieve_state(activity=activity, agent=learner, state_id="bookmark")
    assert state.success and state.content.content == b"slide 7"
    assert lrs.delete_state(_state(learner, activity)).success


def _state(agent: object, activity: object) -> object:
    from tincan import StateDocument

    return StateDocument(activity=activity, agent=agent, id="bookmark", content="slide 7",
                         content_type="text/plain")


def _oauth_credential(stack: LocalStack) -> tuple[str, str]:
    secret = "oauth-secret-" + uuid.uuid4().hex[:8]
    made = stack.api("POST", "/xapi/credentials", json={
        "name": "OAuth provider", "secret": secret, "isEnabled": True,
        "auth": {"xapiCredentialAuthType": "OAUTH"},
        "permissionsLevel": {"xapiCredentialPermissionsLevel": "ROOT"}})
    assert made.status_code == 200, made.text
    return made.json()["result"], secret


def _signed(key: str, secret: str, url: str) -> dict[str, str]:
    _uri, headers, _body = Client(key, client_secret=secret).sign(url, http_method="GET")
    return {**headers, "X-Experience-API-Version": "2.0.0"}


def test_oauth_signed_requests_accepted_replays_and_forgeries_refused(stack: LocalStack) -> None:
    creds = stack.credentials()
    key, secret = _oauth_credential(stack)
    url = f"{creds['lrsEndpoint']}/statements?limit=1"
    headers = _signed(key, secret, url)
    assert requests.get(url, headers=headers, timeout=10).status_code == 200
    replay = requests.get(url, headers=headers, timeout=10)
    assert replay.status_code == 401
    forged = requests.get(url, headers=_signed(key, "not-the-secret", url), timeout=10)
    assert forged.status_code == 401
    tampered = requests.get(url.replace("limit=1", "limit=2"), headers=_signed(key, secret, url),
                            timeout=10)
    assert tampered.status_code == 401
    other = f"{stack.base_url}/lrs/{creds['realmId']}/statements"
    assert requests.get(other, headers=_signed(key, secret, other), timeout=10).status_code == 403
    basic = requests.get(url, auth=(key, secret), timeout=10,
                         headers={"X-Experience-API-Version": "2.0.0"})
    assert basic.status_code == 401  # an OAuth credential is not a Basic one


def test_a_statement_is_readable_at_once(stack: LocalStack) -> None:
    creds = stack.credentials()
    auth = (creds["lrsKey"], creds["lrsSecret"])
    headers = {"X-Experience-API-Version": "2.0.0"}
    sid = str(uuid.uuid4())
    started = time.time()
    put = requests.put(f"{creds['lrsEndpoint']}/statements", params={"statementId": sid},
                       auth=auth, headers=headers, timeout=10,
                       json={"actor": {"mbox": "mailto:now@example.com"},
                             "verb": {"id": "http://example.com/v"},
                             "object": {"id": "http://example.com/a"}})
    assert put.status_code == 204
    got = requests.get(f"{creds['lrsEndpoint']}/statements", params={"statementId": sid},
                       auth=auth, headers=headers, timeout=10)
    assert got.status_code == 200 and json.loads(got.text)["id"] == sid
    assert got.headers["X-Experience-API-Consistent-Through"] >= time.strftime(
        "%Y-%m-%dT%H:%M:%S", time.gmtime(started))
    assert len(got.raw.headers.getlist("Date")) == 1
