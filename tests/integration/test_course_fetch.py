"""POST /courses/importJobs: the import function fetches the package itself, SSRF-safe.

A loopback HTTP server stands in for the internet; the address policy is widened to exactly
its address for these tests (in production loopback is refused, see test_courses_api)."""

from __future__ import annotations

import ipaddress
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest

from tests.builders import course_zip as cz
from tests.integration.import_pump import drain

if TYPE_CHECKING:
    from collections.abc import Iterator

PACKAGE = cz.scorm12_zip("Fetched Golf")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/golf.zip":
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.send_header("Content-Length", str(len(PACKAGE)))
            self.end_headers()
            self.wfile.write(PACKAGE)
        elif self.path == "/moved.zip":
            self.send_response(302)
            self.send_header("Location", "/golf.zip")
            self.end_headers()
        elif self.path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()


@pytest.fixture
def origin(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from chalicelib import outbound

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    loopback = ipaddress.ip_address("127.0.0.1")
    monkeypatch.setattr(outbound, "address_allowed", lambda address: address == loopback)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _fetch(client: Any, realm: Any, url: str, course_id: str) -> dict[str, Any]:
    started = client.http.post(f"/api/v2/courses/importJobs?courseId={course_id}", body=json.dumps({"url": url}),
                               headers={**realm.basic, "Content-Type": "application/json"})
    assert started.status_code == 200, started.body
    drain(client)
    return client.http.get(f"/api/v2/courses/importJobs/{started.json_body['result']}",  # type: ignore[no-any-return]
                           headers=realm.basic).json_body


def test_fetched_package_is_imported_following_a_redirect(client, realm, origin: str) -> None:
    job = _fetch(client, realm, origin + "/moved.zip", "fetched")
    assert job["status"] == "COMPLETE", job
    assert job["importResult"]["course"]["title"] == "Fetched Golf"


def test_a_redirect_to_the_metadata_address_is_refused(client, realm, origin: str) -> None:
    job = _fetch(client, realm, origin + "/to-metadata", "meta")
    assert job["status"] == "ERROR" and "169.254.169.254" in job["message"]


def test_missing_remote_file_ends_in_error(client, realm, origin: str) -> None:
    job = _fetch(client, realm, origin + "/nothing.zip", "missing")
    assert job["status"] == "ERROR" and "404" in job["message"]


def test_no_upload_fetch_request_form(client, realm, origin: str) -> None:
    started = client.http.post("/api/v2/courses/importJobs/noUpload?courseId=nu", headers={
        **realm.basic, "Content-Type": "application/json"},
        body=json.dumps({"fetchRequest": {"url": origin + "/golf.zip"}}))
    assert started.status_code == 200
    drain(client)
    assert client.http.get("/api/v2/courses/nu", headers=realm.basic).json_body["title"] == "Fetched Golf"
