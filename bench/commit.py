"""One runtime commit: its server-side cost, its DynamoDB calls, and its round trip.

Baseline: a bare GetItem + PutItem of the registration item with pynamodb on moto in-process
(the least a read-modify-write can cost here). Measured in the same run:

* validate + apply only (``runtime.commit.apply``: the batch replayed through the SCORM 1.2 state
  machine, rollup), no I/O;
* the whole server side (``runtime.launch.apply_commit``: read, validate, apply, one
  TransactWriteItems, Kinesis), moto in-process, with the DynamoDB and Kinesis calls counted;
* ``POST /launch/s/{session}/commit`` over HTTP keep-alive to a running local stack.

Each commit carries 10 SetValue calls (a typical batch between two LMSCommit calls).
"""

from __future__ import annotations

import collections
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from bench.measure import rate, save

OPS = [["set", "cmi.core.lesson_location", "page-{n}"], ["set", "cmi.core.score.raw", "75"],
       ["set", "cmi.suspend_data", "x" * 2000], ["set", "cmi.core.session_time", "00:00:05"],
       ["set", "cmi.interactions.0.id", "q1"], ["set", "cmi.interactions.0.type", "choice"],
       ["set", "cmi.interactions.0.student_response", "b"], ["set", "cmi.interactions.0.result", "correct"],
       ["set", "cmi.objectives.0.id", "obj1"], ["set", "cmi.objectives.0.status", "passed"]]


def _ops(n: int) -> list[list[str]]:
    return [[op[0], op[1], op[2].replace("{n}", str(n))] for op in OPS]


def _calls_per_commit(one_commit: Any, commits: int = 20) -> dict[str, float]:
    """AWS API calls one commit makes (pynamodb's, counted at the seam); its event reaches the
    consumers from the table's change stream, with no call of its own."""
    from pynamodb.connection.base import Connection

    calls: collections.Counter[str] = collections.Counter()
    original = Connection._make_api_call

    def counting(self: Any, operation: str, operation_kwargs: Any) -> Any:
        calls[operation] += 1
        return original(self, operation, operation_kwargs)

    Connection._make_api_call = counting  # type: ignore[method-assign,assignment]
    try:
        for _ in range(commits):
            one_commit()
    finally:
        Connection._make_api_call = original  # type: ignore[method-assign]
    return {name: count / commits for name, count in calls.items()}


def _in_process() -> dict[str, Any]:
    from chalice.test import Client
    from moto import mock_aws

    from app import app
    from chalicelib import accounts
    from chalicelib.runtime import commit, launch, sessions
    from chalicelib.store import registrations as store
    from nimbus_local import bootstrap
    from tests.builders import course_zip as cz
    from tests.integration.registration_world import Player, create, import_course, launch_link

    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("AWS_ENDPOINT_URL")}
    try:
        with mock_aws(), Client(app) as client:
            bootstrap.create_all("us-east-1")
            made = accounts.create_realm("Bench", "owner@bench.test", "correct horse battery")
            headers = {"Authorization": "Basic " + __import__("base64").b64encode(
                f"{made.app.app_id}:{made.app.secret_key}".encode()).decode()}
            import_course(client, headers, cz.scorm12_zip(scos=1), "golf")
            create(client, headers, "r1", "golf")
            player = Player(client, launch_link(client, headers, "r1"))
            delivered = player.deliver()
            session = sessions.player_session(urlsplit(player.base).path.split("/")[3])
            item = store.get(made.realm_id, "r1")
            assert item is not None

            counter = {"seq": 0}

            def one_commit() -> None:
                counter["seq"] += 1
                launch.apply_commit(session, {"attemptId": delivered["attemptId"], "seq": counter["seq"],
                                              "activityId": "item_1", "ops": _ops(counter["seq"])})

            details = json.loads(json.dumps(item.details))
            batch_seq = {"n": 0}

            def pure() -> None:
                batch_seq["n"] += 1
                state = details["activities"]["item_1"]
                state["seen"][delivered["attemptId"]]["seq"] = 0
                commit.apply(details, commit.Batch(delivered["attemptId"], 1, "item_1", _ops(batch_seq["n"])),
                             {"id": "l1"}, launch.now())

            def baseline() -> None:
                found = store.get(made.realm_id, "r1")
                assert found is not None
                found.save()

            return {"baseline": rate(baseline), "pure": rate(pure), "calls": _calls_per_commit(one_commit),
                    "server": rate(one_commit)}
    finally:
        os.environ.update(saved)


def _round_trip() -> float:
    import rustici_software_cloud_v2 as scorm

    from nimbus_local.child import LocalStack
    from tests.builders import course_zip as cz

    with tempfile.TemporaryDirectory() as home:
        stack = LocalStack(home=Path(home)).start()
        try:
            creds = stack.credentials()
            config = scorm.Configuration()
            config.host, config.username, config.password = creds["apiBase"], creds["appId"], creds["secretKey"]
            client = scorm.ApiClient(config)
            package = Path(home) / "golf.zip"
            package.write_bytes(cz.scorm12_zip(scos=1))
            courses, regs = scorm.CourseApi(client), scorm.RegistrationApi(client)
            job = courses.create_upload_and_import_course_job("golf", file=str(package))
            while courses.get_import_job_status(job.result).status == "RUNNING":
                time.sleep(0.2)
            regs.create_registration(scorm.CreateRegistrationSchema(
                course_id="golf", registration_id="r1", learner=scorm.LearnerSchema(id="l1")))
            link = regs.build_registration_launch_link("r1", scorm.LaunchLinkRequestSchema(
                redirect_on_exit_url="message", expiry=60)).launch_link
            web = requests.Session()
            opened = web.get(link, allow_redirects=False, timeout=10)
            base = stack.base_url + opened.headers["Location"].rsplit("/player", 1)[0]
            delivered = web.post(base + "/deliver", json={}, timeout=10).json()
            seq = {"n": 0}

            def post() -> None:
                seq["n"] += 1
                web.post(base + "/commit", timeout=10, json={
                    "attemptId": delivered["attemptId"], "seq": seq["n"], "activityId": delivered["activityId"],
                    "ops": _ops(seq["n"])}).raise_for_status()

            return rate(post)
        finally:
            stack.stop()


def main() -> None:
    found = _in_process()
    trip = _round_trip()
    rows = [
        ("baseline: GetItem + PutItem of the registration (pynamodb, moto in-process)", found["baseline"]),
        ("validate + apply only (state machine replay + rollup, no I/O)", found["pure"]),
        ("whole server side: read + validate + apply + TransactWriteItems + Kinesis", found["server"]),
        ("round trip: POST commit to the local stack over HTTP keep-alive", trip),
    ]
    lines = ["| measurement | per second | ms each | ratio to baseline |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | {value:,.0f} | {1000 / value:.2f} | {value / found['baseline']:.2f} |"
              for name, value in rows]
    save("commit", {"rows": dict(rows), "calls_per_commit": found["calls"]})
    print("\n".join(lines))
    print("AWS calls per commit:", json.dumps(found["calls"]))


if __name__ == "__main__":
    main()
