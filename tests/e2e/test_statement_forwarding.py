"""Statement forwarding on the real local stack (issue 15 acceptance): 1,000 statements stored in
an app's LRS reach a target LRS that fails its first three deliveries, in stored order, each id
once; the pipe is made and read with the official SDK."""

from __future__ import annotations

import base64
import json
import time
from typing import TYPE_CHECKING, Any

import pytest
import requests

from tests.builders import statements as b
from tests.builders.receiver import Receiver
from tests.e2e.stack import LocalStack

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.e2e


def _store(creds: dict[str, Any], count: int) -> list[str]:
    ids = []
    headers = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
    for start in range(0, count, 100):
        batch = [b.statement(actor=f"learner{n}") for n in range(start, start + 100)]
        answer = requests.post(f"{creds['lrsEndpoint']}/statements", data=json.dumps(batch), headers=headers,
                               auth=(creds["lrsKey"], creds["lrsSecret"]), timeout=30)
        assert answer.status_code == 200, answer.text
        ids += sorted(s["id"] for s in batch)  # one request shares one ``stored``: then id order
    return ids


def _until(check: Any, timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError("timed out")


def _accepted(receiver: Receiver) -> list[str]:
    ids = []
    for request, status in zip(list(receiver.requests), list(receiver.answers), strict=False):
        if 200 <= status < 300:
            ids += [s["id"] for s in json.loads(request.body)]
    return ids


def test_a_thousand_statements_reach_a_recovering_target_in_order_once(fresh_home: Path) -> None:
    import rustici_software_cloud_v2 as scorm

    stack = LocalStack(home=fresh_home, env={"NIMBUS_OUTBOUND_ALLOW": "127.0.0.1/32",
                                             "NIMBUS_FORWARD_BACKOFF_SECONDS": "0.5",
                                             "NIMBUS_FORWARD_SETTLE_SECONDS": "0.5"}).start()
    try:
        creds = stack.credentials()
        ids = _store(creds, 1000)
        config = scorm.Configuration()
        config.host, config.username, config.password = creds["apiBase"], creds["appId"], creds["secretKey"]
        xapi = scorm.XapiApi(scorm.ApiClient(config))
        with Receiver([503, 503, 503, 200]) as receiver:
            target = receiver.url.rsplit("/", 1)[0] + "/xapi/"
            made = xapi.create_statement_pipe(scorm.XapiStatementPipePostSchema(
                source=scorm.XapiEndpointSchema(url=creds["lrsEndpoint"]),
                target=scorm.XapiEndpointSchema(url=target, user_name="fwd", password="pw")))
            failing = _until(lambda: (p := xapi.get_statement_pipe(made.result)).attempts >= 1 and p)
            assert failing.visible_after and failing.last_forwarded_statement_date is None
            _until(lambda: len(_accepted(receiver)) >= 1000)
            time.sleep(2)  # nothing more may come
            assert _accepted(receiver) == ids  # every one, in stored order, each once
            assert receiver.answers[:4] == [503, 503, 503, 200]
        assert receiver.requests[0].headers["authorization"] == "Basic " + base64.b64encode(b"fwd:pw").decode()
        pipe = xapi.get_statement_pipe(made.result)
        assert pipe.attempts == 0 and pipe.last_forwarded_statement_date
        assert pipe.target.url == target and not pipe.target.password
        assert [p.id for p in xapi.get_statement_pipes().xapi_statement_pipes] == [made.result]
        shown = stack.api("GET", f"/xapi/statementPipes/{made.result}").json()
        assert (shown["forwarded"], shown["pending"], shown["lastError"]) == (1000, 0, None)
    finally:
        stack.stop()
