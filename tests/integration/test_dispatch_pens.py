"""PENS (AICC CMI010) over HTTP (chalice's test client, moto).

Publish: a stub target LMS on 127.0.0.1 receives a valid ``collect`` for a dispatch, downloads the
package from the URL given (expiring, with credentials) and sends its receipt and an alert to
Nimbus's callback, which the web app's list then shows. Receive: an authoring tool publishes a
package to Nimbus's PENS endpoint and it lands in the Library; a missing parameter, a bad package
type and bad credentials get CMI010's error numbers."""

from __future__ import annotations

import base64
import io
import json
import threading
import zipfile
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.builders import course_zip as cz
from tests.integration.import_pump import drain
from tests.integration.registration_world import import_course

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import RealmCredentials

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class StubServer:
    """A stub HTTP server on 127.0.0.1: records each request, answers ``answer``."""

    def __init__(self, answer: bytes, kind: str = "text/plain") -> None:
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stub.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST = _answer  # noqa: N815 - http.server's names

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def target_lms(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubServer]:
    monkeypatch.setenv("NIMBUS_OUTBOUND_ALLOW", "127.0.0.1/32")
    stub = StubServer(b"error=0\r\nerror-text=collect command received and understood\r\n"
                      b"version=1.0.0\r\npens-data=\r\n")
    yield stub
    stub.close()


def _owner(realm: RealmCredentials) -> dict[str, str]:
    from chalicelib import accounts
    from chalicelib.store import repos

    user = repos.get_user(realm.owner_email)
    assert user is not None
    done = accounts.open_session(user, realm.realm_id)
    return {"Cookie": f"nimbus_session={done.token}", "X-CSRF-Token": done.csrf_token,
            "Content-Type": "application/json"}


def test_publish_sends_collect_serves_the_package_and_keeps_receipts_and_alerts(
        client: Any, realm: RealmCredentials, target_lms: StubServer) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    headers = {**realm.basic, "Content-Type": "application/json"}
    client.http.post("/api/v2/dispatch/destinations", headers=headers,
                     body=json.dumps({"destinations": [{"id": "lms", "data": {"name": "Target LMS"}}]}))
    client.http.post("/api/v2/dispatch/dispatches", headers=headers, body=json.dumps(
        {"dispatches": [{"id": "d1", "data": {"courseId": "golf", "destinationId": "lms"}}]}))
    owner = _owner(realm)

    sent = client.http.post("/api/app/dispatch/dispatches/d1/pens", headers=owner, body=json.dumps(
        {"targetUrl": target_lms.url("/pens"), "type": "SCORM_12", "systemUserId": "lms-admin",
         "systemPassword": "pw"}))
    assert sent.status_code == 200, sent.body
    assert sent.json_body["kind"] == "collect" and sent.json_body["error"] == "0"
    [(method, path, lms_headers, body)] = target_lms.requests
    assert (method, path, lms_headers["content-type"]) == ("POST", "/pens", "application/x-www-form-urlencoded")
    collect = dict(parse_qsl(body.decode()))
    assert {k: collect[k] for k in ("command", "pens-version", "package-type", "package-type-version",
                                    "package-format", "client", "system-user-id")} == {
        "command": "collect", "pens-version": "1.0.0", "package-type": "scorm-pif", "package-type-version": "1.2",
        "package-format": "zip", "client": "Nimbus", "system-user-id": "lms-admin"}
    expiry = datetime.fromisoformat(collect["package-url-expiry"].replace("Z", "+00:00"))
    assert datetime.now(UTC) < expiry < datetime.now(UTC) + timedelta(days=2)

    package_path = urlsplit(collect["package-url"]).path
    assert client.http.get(package_path).status_code == 401  # credentials are required
    wrong = base64.b64encode(b"nimbus:guess").decode()
    assert client.http.get(package_path, headers={"Authorization": f"Basic {wrong}"}).status_code == 401
    right = base64.b64encode(f"{collect['package-url-user-id']}:{collect['package-url-password']}".encode()).decode()
    got = client.http.get(package_path, headers={"Authorization": f"Basic {right}", "Accept": "*/*"})
    assert got.status_code == 200 and got.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(got.body)) as archive:
        assert "imsmanifest.xml" in archive.namelist()

    callback = urlsplit(collect["receipt"]).path
    for command, text in (("receipt", "package successfully collected"), ("alert", "package deployed")):
        answer = client.http.post(callback, headers=FORM, body=urlencode({
            "command": command, "pens-version": "1.0.0", "package-id": collect["package-id"], "client": "Target LMS",
            "error": "0", "error-text": text}))
        assert answer.status_code == 200 and answer.body.decode().startswith("error=0\r\n")
    forged = client.http.post(callback[:-4] + "AAAA", headers=FORM, body="command=receipt&error=0")
    assert forged.body.decode().startswith("error=1201")
    shown = client.http.get("/api/app/dispatch/dispatches/d1/pens", headers=owner).json_body["records"]
    assert [(r["kind"], r["error"], r.get("errorText")) for r in shown] == [
        ("collect", "0", "collect command received and understood"),
        ("receipt", "0", "package successfully collected"), ("alert", "0", "package deployed")]


def _collect(**changes: str) -> dict[str, str]:
    fields = {"command": "collect", "pens-version": "1.0.0", "package-type": "scorm-pif",
              "package-type-version": "1.2", "package-format": "zip",
              "package-id": "http://author.example.com:course-42", "package-url": "",
              "package-url-expiry": (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "client": "Authoring Tool 9", "receipt": "mailto:author@example.com", "system-user-id": "",
              "system-password": ""}
    fields.update(changes)
    return fields


def test_receive_imports_a_published_package_and_answers_cmi010_errors(
        client: Any, realm: RealmCredentials, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIMBUS_OUTBOUND_ALLOW", "127.0.0.1/32")
    author = StubServer(cz.scorm12_zip("Published Golf"), "application/zip")
    try:
        good = _collect(**{"package-url": author.url("/packages/golf.zip"), "system-user-id": realm.app_id,
                           "system-password": realm.secret_key})
        cases = [
            ({k: v for k, v in good.items() if k != "package-id"}, "2007"),  # a missing parameter
            ({**good, "package-type": "powerpoint"}, "2003"),  # a bad package type
            ({**good, "package-type": "lms-qti"}, "1430"),  # a type Nimbus does not import
            ({**good, "system-password": "wrong"}, "1420"),  # bad credentials
            ({**good, "system-user-id": ""}, "1420"),
            ({**good, "command": "revise"}, "1421"),
        ]
        for fields, code in cases:
            answer = client.http.post("/api/pens/collect", headers=FORM, body=urlencode(fields))
            text = answer.body.decode()
            assert answer.status_code in (400, 401) and text.startswith(f"error={code}\r\n"), (fields, text)
            assert "\r\nversion=1.0.0\r\n" in text and answer.headers["Content-Type"].startswith("text/plain")
        assert author.requests == []  # nothing fetched for a refused command

        answer = client.http.post("/api/pens/collect", headers=FORM, body=urlencode(good))
        assert answer.status_code == 200 and answer.body.decode().startswith("error=0\r\n"), answer.body
        data = dict(part.split("=", 1) for part in answer.body.decode().split("pens-data=")[1].strip().split(";"))
        drain(client)
        job = client.http.get(f"/api/v2/courses/importJobs/{data['importJobId']}", headers=realm.basic).json_body
        assert job["status"] == "COMPLETE", job
        course = client.http.get(f"/api/v2/courses/{data['courseId']}", headers=realm.basic).json_body
        assert course["title"] == "Published Golf" and course["tags"] == ["pens"]
        assert [r[1] for r in author.requests] == ["/packages/golf.zip"]
    finally:
        author.close()

