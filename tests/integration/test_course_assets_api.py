"""API v2 course assets (issue 16): list, get, upload, fetch-import and delete files of a course
version, with the package's structure and launch files protected and storage kept true."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest

from tests.builders import course_zip as cz
from tests.integration.registration_world import Player, create, import_course, launch_link

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conftest import RealmCredentials

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def _upload(client: Any, realm: RealmCredentials, path: str, data: bytes, destination: str | None, *,
            file_name: str = "logo.png", query: str = "") -> Any:
    boundary = "assetBoundary7"
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n"
             "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n"]
    if destination is not None:
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"destination\"\r\n\r\n"
                     f"{destination}\r\n".encode())
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return client.http.post(f"/api/v2{path}{query}", body=body,
                            headers={**realm.basic, "Content-Type": f"multipart/form-data; boundary={boundary}"})


def _call(client: Any, realm: RealmCredentials, method: str, path: str, body: Any = None) -> Any:
    """As the SDK calls: JSON bodies; assets are asked for with ``Accept: application/octet-stream``."""
    accept = "application/octet-stream" if method == "GET" and "/asset?" in path else "application/json"
    return client.http.request(method, f"/api/v2{path}", body=json.dumps({} if body is None else body),
                               headers={**realm.basic, "Content-Type": "application/json", "Accept": accept})


def _storage(client: Any, realm: RealmCredentials) -> int:
    from chalicelib import courses

    return courses.storage_used(realm.realm_id)["bytesExpanded"]


def test_list_get_upload_and_delete_assets_of_the_latest_and_an_older_version(client, realm) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    import_course(client, realm.basic, cz.scorm12_zip("Golf, second edition"), "golf")  # version 1
    listed = _call(client, realm, "GET", "/courses/golf/asset/list").json_body["files"]
    assert [f["path"] for f in listed] == ["imsmanifest.xml", "lesson1/index.html", "lesson2/index.html",
                                           "shared/style.css"]
    assert all(f["size"] > 0 and f["modified"].endswith("Z") for f in listed)
    style = _call(client, realm, "GET", "/courses/golf/asset?relativePath=shared/style.css")
    assert style.status_code == 200 and style.body == b"body{}" and style.headers["Content-Type"] == "text/css"

    before = _storage(client, realm)
    made = _upload(client, realm, "/courses/golf/asset/upload", PNG, "/shared/img/")
    assert made.status_code == 200, made.body
    assert made.json_body == {"filename": "logo.png", "destination": "/shared/img/logo.png"}
    got = _call(client, realm, "GET", "/courses/golf/asset?relativePath=/shared/img/logo.png")
    assert got.body == PNG and got.headers["Content-Type"] == "image/png"
    assert _storage(client, realm) == before + len(PNG)
    older = _upload(client, realm, "/courses/golf/versions/0/asset/upload", b"v0 only", "notes.txt")
    assert older.status_code == 200
    assert "notes.txt" in [f["path"] for f in
                           _call(client, realm, "GET", "/courses/golf/versions/0/asset/list").json_body["files"]]
    latest = _call(client, realm, "GET", "/courses/golf/asset/list").json_body["files"]
    assert "notes.txt" not in [f["path"] for f in latest]

    rejected = _upload(client, realm, "/courses/golf/asset/upload", b"x", "shared/style.css",
                       query="?updateAssetPolicy=reject")
    assert rejected.status_code == 409 and "reject" in rejected.json_body["message"]
    strict = _upload(client, realm, "/courses/golf/asset/upload", b"x", "shared/new.css",
                     query="?updateAssetPolicy=strict")
    assert strict.status_code == 409 and "strict" in strict.json_body["message"]
    replaced = _upload(client, realm, "/courses/golf/asset/upload", b"body{color:red}", "shared/style.css",
                       query="?updateAssetPolicy=strict")
    assert replaced.status_code == 200
    assert _call(client, realm, "GET", "/courses/golf/asset?relativePath=shared/style.css").body == b"body{color:red}"

    assert _call(client, realm, "DELETE", "/courses/golf/asset?relativePath=shared/img/logo.png").status_code == 204
    assert _call(client, realm, "GET", "/courses/golf/asset?relativePath=shared/img/logo.png").status_code == 404
    assert _storage(client, realm) == before + len(b"v0 only") + len(b"body{color:red}") - len(b"body{}")


def test_the_package_stays_deliverable(client, realm) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    launch_file = _call(client, realm, "DELETE", "/courses/golf/asset?relativePath=lesson1/index.html")
    assert launch_file.status_code == 409 and "Lesson 1" in launch_file.json_body["message"]
    manifest = _call(client, realm, "DELETE", "/courses/golf/asset?relativePath=imsmanifest.xml")
    assert manifest.status_code == 400 and "structure" in manifest.json_body["message"]
    replaced = _upload(client, realm, "/courses/golf/asset/upload", b"<manifest/>", "imsmanifest.xml")
    assert replaced.status_code == 400 and "new version" in replaced.json_body["message"]

    changed = _upload(client, realm, "/courses/golf/asset/upload", b"<html><body>Lesson one, revised</body></html>",
                      "lesson1/index.html")
    assert changed.status_code == 200
    create(client, realm.basic, "r1", "golf")
    player = Player(client, launch_link(client, realm.basic, "r1"))
    served = client.http.get(f"{player.base}/c/lesson1/index.html")
    assert served.status_code == 200 and b"revised" in served.body  # the player serves the new file

    for path, named in (("/courses/golf/asset?relativePath=../../other/file", "relativePath"),
                        ("/courses/golf/asset", "relativePath"),
                        ("/courses/golf/asset?relativePath=shared/missing.css", "missing.css"),
                        ("/courses/golf/versions/9/asset?relativePath=a.txt", "no version 9"),
                        ("/courses/nope/asset/list", "nope")):
        refused = _call(client, realm, "GET", path)
        assert 400 <= refused.status_code < 500 and named in refused.json_body["message"], (path, refused.body)
    no_file = _upload(client, realm, "/courses/golf/asset/upload", b"", None)
    assert no_file.status_code == 400 and "destination" in no_file.json_body["message"]
    bad_policy = _upload(client, realm, "/courses/golf/asset/upload", b"x", "a.txt", query="?updateAssetPolicy=maybe")
    assert bad_policy.status_code == 400 and "updateAssetPolicy" in bad_policy.json_body["message"]


@pytest.fixture
def file_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if self.path != "/files/banner.png":
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PNG)))
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("NIMBUS_OUTBOUND_ALLOW", "127.0.0.1/32")
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_import_an_asset_from_a_url(client, realm, file_server) -> None:
    import_course(client, realm.basic, cz.scorm12_zip(), "golf")
    made = _call(client, realm, "POST", "/courses/golf/asset",
                 {"fetchUrl": f"{file_server}/files/banner.png", "destination": "/shared/banner.png"})
    assert made.status_code == 200, made.body
    assert made.json_body == {"filename": "banner.png", "destination": "/shared/banner.png"}
    assert _call(client, realm, "GET", "/courses/golf/versions/0/asset?relativePath=shared/banner.png").body == PNG
    missing = _call(client, realm, "POST", "/courses/golf/versions/0/asset",
                    {"fetchUrl": f"{file_server}/files/none.png", "destination": "x.png"})
    assert missing.status_code == 400 and "404" in missing.json_body["message"]
    for body, named in (({"destination": "x.png"}, "fetchUrl"), ({"fetchUrl": f"{file_server}/a"}, "destination"),
                        ({"fetchUrl": "http://169.254.169.254/latest", "destination": "x"}, "fetchUrl")):
        refused = _call(client, realm, "POST", "/courses/golf/asset", body)
        assert refused.status_code == 400 and named in refused.json_body["message"], (body, refused.body)
