"""cmi5 over HTTP against a fresh local stack (``python -m nimbus_local``):

* **launch to first statement**: from the ``POST …/cmi5/launch`` request (the LMS abandons the
  open session, writes ``LMS.LaunchData``, stores "launched") to the AU's "initialized" being
  stored, with what an AU does in between — POST the fetch URL, GET ``LMS.LaunchData``, GET
  its learner preferences. A Python client plays the AU (no browser: the browser's own time is
  not the LMS's). ``CMI5_BENCH_LAUNCHES`` launches (default 20), each one relaunching the AU.
* **statements/s through a cmi5 session with the rule checks on** (cmi5 allowed statements sent
  with the session's credential: every one is checked against the rule table and tracked into
  the registration) **as a ratio to plain LRS ingest** (the same statements, same endpoint, sent
  with the root credential) in the same run, 1 and 10 statements per request.
"""

from __future__ import annotations

import base64
import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from bench.measure import save

LAUNCHES = int(os.environ.get("CMI5_BENCH_LAUNCHES", "20"))
STATEMENTS = int(os.environ.get("CMI5_BENCH_STATEMENTS", "200"))
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
V = {"X-Experience-API-Version": "1.0.3"}


class Au:
    """The AU side of a launch, over HTTP."""

    def __init__(self, http: requests.Session, url: str) -> None:
        q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        self.http, self.endpoint, self.fetch_url = http, q["endpoint"], q["fetch"]
        self.actor, self.registration, self.activity = json.loads(q["actor"]), q["registration"], q["activityId"]
        self.auth = ""
        self.context: dict[str, Any] = {}

    def start(self) -> None:
        token = self.http.post(self.fetch_url, timeout=30).json()["auth-token"]
        self.auth = "Basic " + token
        params = {"activityId": self.activity, "agent": json.dumps(self.actor), "registration": self.registration,
                  "stateId": "LMS.LaunchData"}
        data = self.http.get(f"{self.endpoint}activities/state?{urlencode(params)}", headers=self.headers(),
                             timeout=30).json()
        self.context = data["contextTemplate"]
        prefs = {"agent": json.dumps(self.actor), "profileId": "cmi5LearnerPreferences"}
        self.http.get(f"{self.endpoint}agents/profile?{urlencode(prefs)}", headers=self.headers(), timeout=30)
        self.post([self.statement("http://adlnet.gov/expapi/verbs/initialized", defined=True)])

    def headers(self) -> dict[str, str]:
        return {"Authorization": self.auth, **V}

    def statement(self, verb: str, *, defined: bool = False) -> dict[str, Any]:
        context = json.loads(json.dumps(self.context))
        context["registration"] = self.registration
        if defined:
            context["contextActivities"].setdefault("category", []).append(
                {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"})
        return {"id": str(uuid.uuid4()), "actor": self.actor, "verb": {"id": verb},
                "object": {"objectType": "Activity", "id": self.activity}, "context": context,
                "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())}

    def post(self, batch: list[dict[str, Any]], auth: str | None = None) -> None:
        got = self.http.post(f"{self.endpoint}statements", json=batch, timeout=60,
                             headers={"Authorization": auth or self.auth, **V})
        assert got.status_code == 200, got.text


def _course() -> bytes:
    from tests.builders.course_zip import cmi5_zip

    return cmi5_zip()


def _import(api: Any) -> None:
    made = api("POST", "/courses/importJobs/upload?courseId=bench-cmi5&mayCreateNewVersion=true",
               files={"file": ("course.zip", _course(), "application/zip")})
    job = made.json()["result"]
    for _ in range(300):
        status = api("GET", f"/courses/importJobs/{job}").json()
        if status["status"] != "RUNNING":
            assert status["status"] == "COMPLETE", status
            return
        time.sleep(0.2)
    raise TimeoutError("import did not finish")


def _rate(send: Any, batches: list[list[dict[str, Any]]]) -> float:
    started = time.perf_counter()
    for batch in batches:
        send(batch)
    return sum(len(b) for b in batches) / (time.perf_counter() - started)


def run() -> dict[str, Any]:
    from nimbus_local.child import LocalStack

    with tempfile.TemporaryDirectory(prefix="nimbus-bench-cmi5-") as home:
        stack = LocalStack(home=Path(home)).start()
        try:
            return _measure(stack)
        finally:
            stack.stop()


def _measure(stack: Any) -> dict[str, Any]:
    creds = stack.credentials()
    api = stack.api
    http = requests.Session()
    _import(api)
    made = api("POST", "/registrations", json={"courseId": "bench-cmi5", "registrationId": "bench-reg",
                                              "learner": {"id": "bench-learner"}})
    assert made.status_code == 204, made.text
    latencies, au = [], None
    for _ in range(LAUNCHES):
        started = time.perf_counter()
        launched = api("POST", "/registrations/bench-reg/cmi5/launch", json={"auIndex": 1})
        au = Au(http, launched.json()["launchUrl"])
        au.start()
        latencies.append((time.perf_counter() - started) * 1000)
    assert au is not None
    root = "Basic " + base64.b64encode(f"{creds['lrsKey']}:{creds['lrsSecret']}".encode()).decode()
    experienced = "http://adlnet.gov/expapi/verbs/experienced"
    result: dict[str, Any] = {
        "launches": LAUNCHES, "launch_to_first_statement_ms": {
            "median": round(statistics.median(latencies), 1),
            "p90": round(sorted(latencies)[int(len(latencies) * 0.9) - 1], 1),
            "min": round(min(latencies), 1)}}
    for size in (1, 10):
        count = STATEMENTS // size
        plain = _rate(lambda b: au.post(b, root), [[au.statement(experienced) for _ in range(size)]
                                                   for _ in range(count)])
        session = _rate(au.post, [[au.statement(experienced) for _ in range(size)] for _ in range(count)])
        result[f"batch{size}"] = {"plain_per_second": round(plain, 1), "cmi5_session_per_second": round(session, 1),
                                  "ratio": round(session / plain, 2)}
    return result


def main() -> None:
    result = run()
    save("cmi5", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
