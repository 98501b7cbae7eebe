"""Launch-scoped LRS credentials (issue 5): one learner, one registration, one endpoint, until
they expire — over chalice's test client and moto."""

from __future__ import annotations

import json
import time
import uuid
from typing import TYPE_CHECKING, Any

import pytest

from tests.builders import statements as b
from tests.integration.test_lrs_api import Lrs

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials

ACTIVITY = "http://example.com/course/au1"


@pytest.fixture
def launch(client: Any, realm: RealmCredentials) -> tuple[Lrs, Lrs, str]:
    """(launch client for learner "ana", root client, registration) on the app's endpoint."""
    from chalicelib.lrs import credentials, launch_credentials

    root = credentials.create_root(realm.realm_id, "root", "rootkey-test", "rootsecret-test")
    registration = str(uuid.uuid4())
    key, secret = launch_credentials.issue(realm.realm_id, realm.app_id, b.agent("ana"),
                                           registration, ACTIVITY, 3600)
    return (Lrs(client, realm.app_id, key, secret),
            Lrs(client, realm.app_id, root.credential_id, root.secret), registration)


def _state(lrs: Lrs, method: str, registration: str, *, actor: str = "ana",
           activity: str = ACTIVITY, body: Any = None) -> Any:
    params = {"activityId": activity, "agent": json.dumps(b.agent(actor)),
              "registration": registration, "stateId": "LMS.LaunchData"}
    return lrs.call(method, "/activities/state", params=params, body=body)


def test_writes_and_reads_its_learners_statements_and_state(
        launch: tuple[Lrs, Lrs, str]) -> None:
    lrs, root, registration = launch
    sent = b.statement(actor="ana", activity=ACTIVITY, registration=registration)
    response = lrs.post(sent)
    assert response.status_code == 200, response.body
    assert [s["id"] for s in lrs.query()["statements"]] == [sent["id"]]
    assert root.query(statementId=sent["id"])["actor"]["mbox"] == "mailto:ana@example.com"
    assert _state(lrs, "PUT", registration, body={"bookmark": "p3"}).status_code == 204
    got = _state(lrs, "GET", registration)
    assert got.status_code == 200 and json.loads(got.body) == {"bookmark": "p3"}


@pytest.mark.parametrize("change", [
    pytest.param({"actor": "bob"}, id="another actor"),
    pytest.param({"registration": str(uuid.uuid4())}, id="another registration"),
    pytest.param({"registration": None}, id="no registration"),
])
def test_refuses_statements_outside_the_launch(launch: tuple[Lrs, Lrs, str],
                                               change: dict[str, Any]) -> None:
    lrs, root, registration = launch
    made = {"actor": "ana", "activity": ACTIVITY, "registration": registration, **change}
    good = b.statement(actor="ana", registration=registration)
    bad = b.statement(**made)
    response = lrs.post([good, bad])
    assert response.status_code == 403, response.body
    assert "statement" in json.loads(response.body)["message"]
    assert root.query()["statements"] == []  # nothing of the batch was stored


def test_refuses_voiding_and_other_learners_state(launch: tuple[Lrs, Lrs, str]) -> None:
    lrs, root, registration = launch
    other = b.statement(actor="bob", registration=registration)
    assert root.post(other).status_code == 200
    voiding = b.voiding(other["id"])
    voiding.update(actor=b.agent("ana"), context={"registration": registration})
    assert lrs.post(voiding).status_code == 403
    assert _state(lrs, "GET", registration, actor="bob").status_code == 403
    assert _state(lrs, "PUT", str(uuid.uuid4()), body={"x": 1}).status_code == 403
    assert _state(lrs, "PUT", registration, activity="http://example.com/other",
                  body={"x": 1}).status_code == 403


def test_never_lists_other_learners_statements(launch: tuple[Lrs, Lrs, str]) -> None:
    lrs, root, registration = launch
    others = [b.statement(actor="bob", registration=registration),
              b.statement(actor="cy", activity=ACTIVITY)]
    assert root.post(others).status_code == 200
    own = b.statement(actor="ana", registration=registration)
    assert lrs.post(own).status_code == 200
    assert [s["id"] for s in lrs.query()["statements"]] == [own["id"]]
    agent = json.dumps(b.agent("bob"))
    assert lrs.query(agent=agent)["statements"] == []
    assert lrs.query(registration=registration)["statements"][0]["id"] == own["id"]
    by_id = lrs.call("GET", "/statements", params={"statementId": others[0]["id"]})
    assert by_id.status_code == 403 and "bob" not in by_id.body.decode()


def test_refused_on_another_endpoint(client: Any, realm: RealmCredentials,
                                     launch: tuple[Lrs, Lrs, str]) -> None:
    lrs, _root, _registration = launch
    elsewhere = Lrs(client, realm.realm_id, "x", "y")
    elsewhere.headers = lrs.headers
    assert elsewhere.call("GET", "/statements").status_code == 403


def test_refused_after_expiry_and_with_a_wrong_secret(client: Any, realm: RealmCredentials,
                                                      launch: tuple[Lrs, Lrs, str]) -> None:
    from chalicelib.store import lrs_credentials

    lrs, _root, registration = launch
    launch_key = _key_of(lrs)
    for key, secret in ((launch_key, "wrong-secret"), ("launch-doesnotexist", "nope")):
        wrong = Lrs(client, realm.app_id, key, secret)
        assert wrong.call("GET", "/statements").status_code == 401
    lrs_credentials.set_launch_expires(launch_key, int(time.time()) - 1)
    response = lrs.post(b.statement(actor="ana", registration=registration))
    assert response.status_code == 401
    assert "expired" in json.loads(response.body)["message"]


def _key_of(lrs: Lrs) -> str:
    import base64

    return base64.b64decode(lrs.headers["Authorization"][6:]).decode().partition(":")[0]


def test_issue_checks_its_arguments(realm: RealmCredentials) -> None:
    from chalicelib.errors import ApiError
    from chalicelib.lrs import launch_credentials

    good = (realm.realm_id, realm.app_id, b.agent("ana"), str(uuid.uuid4()), ACTIVITY, 60)
    for index, bad in ((1, "someone-elses-app"), (2, {"name": "no ifi"}), (3, "not-a-uuid"),
                       (4, "not an iri"), (5, 0)):
        args = list(good)
        args[index] = bad
        with pytest.raises(ApiError):
            launch_credentials.issue(*args)  # type: ignore[arg-type]


def test_a_forged_more_cursor_does_not_widen_what_it_reads(launch: tuple[Lrs, Lrs, str]) -> None:
    """The ``more`` cursor comes back from the client: one without the credential's "own"
    restriction must still list only this credential's statements."""
    import base64

    lrs, root, registration = launch
    assert root.post(b.statement(actor="bob", registration=registration)).status_code == 200
    own = b.statement(actor="ana", registration=registration)
    assert lrs.post(own).status_code == 200
    forged = {"r": ["all|"], "s": None, "u": None, "l": 10, "a": False, "f": "exact",
              "t": False, "c": None}
    token = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    assert [s["id"] for s in lrs.query(more=token)["statements"]] == [own["id"]]
    assert len(root.query(more=token)["statements"]) == 2  # the cursor itself is well formed
