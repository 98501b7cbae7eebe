"""A stand-in for a customer's LMS in browser tests: it imports a package (unzips it and finds the
launch page in ``imsmanifest.xml`` as an LMS does), plays it in a frame with npm ``scorm-again``
(pinned in ``tests/differential``) as the SCORM 1.2 ``API`` / 2004 ``API_1484_11``, keeps each
learner's data from the commits scorm-again posts (``lmsCommitUrl``), and on the next launch
loads it back (suspend data, total time, entry=resume after exit=suspend) as an LMS resumes.

It runs on its own port, so its origin differs from Nimbus's as a real LMS's would.
"""

from __future__ import annotations

import io
import json
import os
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
DIST_CANDIDATES = [Path(os.environ.get("SCORM_AGAIN_DIST", "/nonexistent")),
                   ROOT / "differential" / "node_modules" / "scorm-again" / "dist"]


def scorm_again_dist() -> Path | None:
    return next((p for p in DIST_CANDIDATES if (p / "scorm12.js").is_file()), None)


def launch_href(files: dict[str, bytes]) -> str:
    """The launch page of an imported package (the SCO resource of the default organization)."""
    manifest = etree.fromstring(files["imsmanifest.xml"])
    for resource in manifest.iter("{*}resource"):
        kinds = [v for k, v in resource.attrib.items() if k.lower().endswith("scormtype")]
        if kinds and kinds[0].lower() == "sco":
            return str(resource.get("href"))
    raise AssertionError("no SCO in the package")


_HOST = """<!doctype html><html><head><meta charset="utf-8"><title>Host LMS</title>
<script src="/scorm-again/{script}"></script></head><body><h1>Host LMS</h1>
<iframe id="sco" style="width:100%;height:600px" title="course"></iframe>
<script>
var saved = {saved};
var std = {std};
var settings = {{ lmsCommitUrl: {commit}, autocommit: false, dataCommitFormat: 'json', logLevel: 5 }};
var api = std === 'scorm12' ? new Scorm12API(settings) : new Scorm2004API(settings);
api.loadFromJSON(saved);
window.hostFinished = false;
api.on(std === 'scorm12' ? 'LMSFinish' : 'Terminate', function () {{ window.hostFinished = true; }});
if (std === 'scorm12') {{ window.API = api; }} else {{ window.API_1484_11 = api; }}
document.getElementById('sco').src = {launch};
</script></body></html>"""


class LmsHost:
    """``start()`` / ``stop()``; ``import_package(name, zip)``; ``url(name, learner, std)``."""

    def __init__(self) -> None:
        self.packages: dict[str, dict[str, bytes]] = {}
        self.commits: dict[tuple[str, str], list[dict[str, Any]]] = {}
        #: AICC HACP calls per (package, learner): (command, aicc_data)
        self.hacp: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.server: ThreadingHTTPServer | None = None
        self.dist = scorm_again_dist()

    @property
    def origin(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def import_package(self, name: str, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.packages[name] = {n: archive.read(n) for n in archive.namelist()}

    def url(self, name: str, learner: str, std: str = "scorm12") -> str:
        return f"{self.origin}/host/{name}?learner={learner}&std={std}"

    def aicc_url(self, name: str, learner: str) -> str:
        """The AU launched as an AICC LMS does (CMI001 §6.4): ``aicc_sid`` and ``aicc_url``."""
        hacp = quote(f"{self.origin}/hacp/{name}/{learner}", safe="")
        return f"{self.origin}/pkg/{name}/index.html?aicc_sid=sid-{learner}&aicc_url={hacp}"

    def _hacp(self, name: str, learner: str, body: bytes) -> bytes:
        form = {k.lower(): v for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        command = form.get("command", [""])[0].lower()
        self.hacp.setdefault((name, learner), []).append((command, form.get("aicc_data", [""])[0]))
        data = ""
        if command == "getparam":
            data = (f"[Core]\r\nStudent_ID={learner}\r\nStudent_Name=Learner, Host\r\nLesson_Location=\r\n"
                    "Credit=C\r\nLesson_Status=n,a\r\nScore=\r\nTime=00:00:00\r\n[Core_Lesson]\r\n\r\n")
        return f"error=0\r\nerror_text=Successful\r\naicc_data={data}".encode()

    def last_cmi(self, name: str, learner: str) -> dict[str, Any]:
        found = self.commits.get((name, learner)) or [{}]
        return found[-1].get("cmi", found[-1])  # type: ignore[no-any-return]

    def finished_cmi(self, name: str, learner: str, count: int, timeout: float = 20) -> dict[str, Any]:
        """The data of the ``count``-th terminating commit (the one with the total time), once it arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = [c.get("cmi", c) for c in self.commits.get((name, learner), [])
                    if "total_time" in c.get("cmi", c).get("core", c.get("cmi", c))]
            if len(done) >= count:
                return done[count - 1]  # type: ignore[no-any-return]
            time.sleep(0.05)
        raise AssertionError(f"no terminating commit #{count} from {learner}: {self.commits.get((name, learner))}")

    def _saved(self, name: str, learner: str, std: str) -> dict[str, Any]:
        """What the LMS gives the SCO: the learner, and what the last attempt left (if suspended)."""
        before = self.last_cmi(name, learner)
        if std == "scorm12":
            core = before.get("core", {})
            start: dict[str, Any] = {"core": {"student_id": learner, "student_name": "Learner, Host"}}
            if core.get("exit") == "suspend":
                start["core"].update(entry="resume", total_time=core.get("total_time", "00:00:00"),
                                     lesson_status=core.get("lesson_status", "incomplete"))
                start["suspend_data"] = before.get("suspend_data", "")
            return start
        start = {"learner_id": learner, "learner_name": "Learner, Host"}
        if before.get("exit") == "suspend":
            start.update(entry="resume", total_time=before.get("total_time", "PT0S"),
                         suspend_data=before.get("suspend_data", ""))
        return start

    def start(self) -> LmsHost:
        host = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _send(self, body: bytes, kind: str, status: int = 200) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                segments = parts.path.strip("/").split("/")
                if segments[0] == "scorm-again" and host.dist is not None:
                    self._send((host.dist / segments[1]).read_bytes(), "text/javascript")
                elif segments[0] == "pkg" and segments[1] in host.packages:
                    data = host.packages[segments[1]].get("/".join(segments[2:]))
                    if data is None:
                        self._send(b"missing", "text/plain", 404)
                    else:
                        kind = "text/html" if segments[-1].endswith(".html") else "text/javascript"
                        self._send(data, kind)
                elif segments[0] == "host":
                    name, learner, std = segments[1], query["learner"], query.get("std", "scorm12")
                    page = _HOST.format(
                        script="scorm12.js" if std == "scorm12" else "scorm2004.js",
                        saved=json.dumps(host._saved(name, learner, std)), std=json.dumps(std),
                        commit=json.dumps(f"/commit/{name}/{learner}"),
                        launch=json.dumps(f"/pkg/{name}/{launch_href(host.packages[name])}"))
                    self._send(page.encode(), "text/html")
                else:
                    self._send(b"not found", "text/plain", 404)

            def do_POST(self) -> None:  # noqa: N802
                segments = urlsplit(self.path).path.strip("/").split("/")
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if segments[0] == "hacp":
                    self._send(host._hacp(segments[1], segments[2], body), "text/plain")
                elif segments[0] == "commit":
                    host.commits.setdefault((segments[1], segments[2]), []).append(json.loads(body or b"{}"))
                    self._send(b'{"result":"true","errorCode":0}', "application/json")
                else:
                    self._send(b"not found", "text/plain", 404)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
