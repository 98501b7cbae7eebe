"""Statement forwarding (issue 15): ``xapi/statementPipes`` over the real app and moto, the local
event pump's own polling (the statements change stream, then the forwarding queue), and a real
HTTP target LRS on 127.0.0.1 (allowed by ``NIMBUS_OUTBOUND_ALLOW``)."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import pytest

from tests.builders import statements as b
from tests.builders.receiver import Receiver

if TYPE_CHECKING:
    from tests.conftest import RealmCredentials

REGION = "us-east-1"
PIPES = "/api/v2/xapi/statementPipes"


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIMBUS_OUTBOUND_ALLOW", "127.0.0.1/32")
    monkeypatch.setenv("NIMBUS_FORWARD_BACKOFF_SECONDS", "0.01")
    monkeypatch.setenv("NIMBUS_FORWARD_SETTLE_SECONDS", "0")


@pytest.fixture
def lrs_headers(realm: RealmCredentials) -> dict[str, str]:
    from chalicelib.lrs import credentials

    made = credentials.create_root(realm.realm_id, "root", "rootkey-pipes", "rootsecret-pipes")
    return {"Authorization": b.basic(made.credential_id, made.secret), "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json"}


def _store(client: Any, realm: RealmCredentials, headers: dict[str, str], count: int) -> list[str]:
    """Store ``count`` statements; their ids in the LRS's stored order."""
    ids = []
    for start in range(0, count, 100):
        batch = [b.statement(actor=f"learner{n}") for n in range(start, min(count, start + 100))]
        answer = client.http.post(f"/lrs/{realm.app_id}/statements", headers=headers, body=json.dumps(batch))
        assert answer.status_code == 200, answer.body
        ids += sorted(s["id"] for s in batch)  # one request shares one ``stored``: then id order
    return ids


def _api(client: Any, realm: RealmCredentials, method: str, path: str, body: Any = None) -> Any:
    headers = {**realm.basic, "Content-Type": "application/json"}
    return getattr(client.http, method)(path, headers=headers, body=json.dumps(body) if body is not None else None)


def _pump() -> tuple[Any, dict[str, tuple[Any, Any]]]:
    import app as app_module
    from nimbus_local.pump import EventPump

    pump = EventPump(app_module.app, app_module, REGION)
    pump.ensure_checkpoint_table()
    return pump, {source.name: (source, handler) for source, handler in pump.sources}


def _run(pump: Any, sources: dict[str, Any], until: Any, rounds: int = 200) -> None:
    for _ in range(rounds):
        pump.poll_table(*sources["statement_forwarding"])
        pump.poll_queue(*sources["statement_pipe_steps"])
        if until():
            return
        time.sleep(0.02)
    raise AssertionError("forwarding did not get there")


def _accepted_ids(receiver: Receiver) -> list[str]:
    """Statement ids in the order the target accepted them (2xx answers only)."""
    ids = []
    for request, status in zip(receiver.requests, receiver.answers, strict=True):
        if 200 <= status < 300:
            ids += [s["id"] for s in json.loads(request.body)]
    return ids


def _target(receiver: Receiver) -> dict[str, str]:
    return {"url": receiver.url.rsplit("/", 1)[0] + "/xapi/", "userName": "fwd", "password": "pw:secret"}


def test_pausing_and_resuming_loses_nothing(client, realm, lrs_headers, loopback) -> None:
    """(The 1,000-statement run through a failing target is tests/e2e/test_statement_forwarding.py:
    moto's in-memory tables walk every item per query, too slow for that many here.)"""
    ids = _store(client, realm, lrs_headers, 130)
    with Receiver([200]) as receiver:
        pipe_id = _api(client, realm, "post", PIPES, {"source": {"url": realm.app_id},
                                                     "target": _target(receiver)}).json_body["result"]
        pump, sources = _pump()
        pump.poll_queue(*sources["statement_pipe_steps"])  # one batch of 100 goes
        assert _api(client, realm, "post", f"{PIPES}/{pipe_id}/pause").json_body["paused"] is True
        ids += _store(client, realm, lrs_headers, 50)  # stored while paused
        for _ in range(5):
            pump.poll_table(*sources["statement_forwarding"])
            pump.poll_queue(*sources["statement_pipe_steps"])
        assert len(_accepted_ids(receiver)) == 100  # nothing while paused
        paused = _api(client, realm, "get", f"{PIPES}/{pipe_id}").json_body
        assert paused["pending"] == 80 and paused["lagSeconds"] is not None
        assert _api(client, realm, "post", f"{PIPES}/{pipe_id}/resume").json_body["paused"] is False
        _run(pump, sources, lambda: len(_accepted_ids(receiver)) >= 180)
    assert _accepted_ids(receiver) == ids


def test_statements_the_target_refuses_go_to_the_dead_letters(client, realm, lrs_headers, loopback) -> None:
    ids = _store(client, realm, lrs_headers, 30)
    bad = ids[7]

    def decide(request: Any, _number: int) -> int:
        return 400 if bad in request.body.decode() else 200

    with Receiver([200], decide=decide) as receiver:
        pipe_id = _api(client, realm, "post", PIPES, {"source": {"url": realm.app_id},
                                                     "target": _target(receiver)}).json_body["result"]
        pump, sources = _pump()
        _run(pump, sources, lambda: len(_accepted_ids(receiver)) >= 29)
    assert _accepted_ids(receiver) == [i for i in ids if i != bad]
    dead = _api(client, realm, "get", f"{PIPES}/{pipe_id}/deadLetters").json_body["deadLetters"]
    assert [(d["statementId"], d["status"]) for d in dead] == [(bad, 400)]
    shown = _api(client, realm, "get", f"{PIPES}/{pipe_id}").json_body
    assert (shown["forwarded"], shown["deadLetters"], shown["pending"]) == (29, 1, 0)


def test_bad_and_private_targets_are_refused(client, realm: RealmCredentials, monkeypatch) -> None:
    monkeypatch.delenv("NIMBUS_OUTBOUND_ALLOW", raising=False)
    for body, field in (
            ({"source": {"url": realm.app_id}, "target": {"url": "http://10.0.0.8/xapi/"}}, "target.url"),
            ({"source": {"url": realm.app_id}, "target": {"url": "http://127.0.0.1:9/xapi/"}}, "target.url"),
            ({"source": {"url": realm.app_id}, "target": {"url": "http://169.254.169.254/"}}, "target.url"),
            ({"source": {"url": realm.app_id}, "target": {"url": "ftp://lrs.example/"}}, "target.url"),
            ({"source": {"url": "http://x/lrs/someone-elses-app"}, "target": {"url": "https://93.184.216.34/"}},
             "source.url"),
            ({"target": {"url": "https://93.184.216.34/"}}, "source")):
        answer = _api(client, realm, "post", PIPES, body)
        assert answer.status_code == 400 and field in answer.json_body["message"], (body, answer.body)
    assert _api(client, realm, "get", PIPES).json_body == {"xapiStatementPipes": []}
    assert _api(client, realm, "get", f"{PIPES}/nope").status_code == 404
