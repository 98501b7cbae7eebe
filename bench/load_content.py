"""``python -m bench.load content``: big SCORM packages imported one after another, then a restart.

1. The 200 MB / 5,000-file SCORM 1.2 package of ``bench/course_import.py`` is built once (kept in
   ``$TMPDIR/nimbus-bench-content/`` and reused) and ``unzip -q`` of it is timed in the same run;
2. it is imported ``--copies`` times, one after another, as a client with a file over API
   Gateway's 10 MB cap does: ``POST /api/v2/courses/importJobs/upload/presigned``, the file POSTed
   to S3 with that form (streamed from disk), the job polled until COMPLETE; each import is timed
   from the first request to COMPLETE and set against the unzip time (target ≤ 3x);
3. meanwhile a probe thread sends ``GET /api/v2/ping`` (Basic auth) every 50 ms, and the stack's
   VmRSS is sampled (target: under 1 GB);
4. then: the bytes under ``NIMBUS_HOME``; the stack is stopped with SIGTERM (target < 2 s) and
   started again on the same home and ports (target: serving in < 10 s); a launch of the first and
   the last copy must serve ``index.html`` and one asset byte for byte as in the package, and
   ``GET /api/v2/courses`` must list every copy.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlsplit

from bench import course_import
from bench.load_client import Load, RssSampler, loopback, percentiles, wait_for_import
from bench.measure import RESULTS

if TYPE_CHECKING:
    import argparse

    from bench.load_client import Target, User

PACKAGE_DIR = Path(tempfile.gettempdir()) / "nimbus-bench-content"
PROBE_EVERY = 0.05  # seconds between probe requests
SLOW_MS = 100.0  # a probe slower than this counts as slow
MAX_PROBES = 2_000_000  # a bound on the probe loop (over a day at 20 a second)
IMPORT_TIMEOUT = 900.0  # seconds for one import (upload + job)
CHECKED = ("index.html", "assets/000/file00000.bin")  # the launch file and one asset
MB = 1_000_000


def package() -> Path:
    """The benchmark package, built on first use and reused afterwards."""
    path = PACKAGE_DIR / f"scorm12-{course_import.FILES}x{course_import.FILE_BYTES}.zip"
    if not path.exists():
        PACKAGE_DIR.mkdir(exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.part")
        started = time.perf_counter()
        course_import.build_package(partial)
        partial.replace(path)
        print(f"package built in {time.perf_counter() - started:.1f}s: {path}", flush=True)
    return path


class FormBody:
    """A ``multipart/form-data`` body — the S3 form's fields, then the file — read from disk as it is
    sent (``requests`` takes its length from ``len`` and reads it in blocks)."""

    def __init__(self, fields: dict[str, str], file: BinaryIO, name: str, size: int) -> None:
        self.boundary = secrets.token_hex(16)
        head = "".join(f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                       for name, value in fields.items())
        head += (f'--{self.boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                 "Content-Type: application/zip\r\n\r\n")
        tail = f"\r\n--{self.boundary}--\r\n".encode()
        self.size = len(head.encode()) + size + len(tail)
        self.parts: list[BinaryIO] = [io.BytesIO(head.encode()), file, io.BytesIO(tail)]

    def __len__(self) -> int:
        return self.size

    def read(self, size: int = -1) -> bytes:
        out = b""
        while self.parts and (size < 0 or len(out) < size):
            chunk = self.parts[0].read(-1 if size < 0 else size - len(out))
            if chunk:
                out += chunk
            else:
                self.parts.pop(0)
        return out


def import_copy(user: User, auth: tuple[str, str], course_id: str, path: Path) -> dict[str, float]:
    """One import through the presigned upload: seconds in all, for the upload, and after it."""
    started = time.perf_counter()
    form = user.call_sync("presigned form", "POST", f"/api/v2/courses/importJobs/upload/presigned?courseId={course_id}",
                          auth=auth, json={"fileName": path.name})
    if form is None:
        raise SystemExit(f"the presigned upload form for {course_id} was refused")
    job = form.json()
    with path.open("rb") as file:
        body = FormBody(job["fields"], file, path.name, path.stat().st_size)
        sent = user.session.post(loopback(job["url"]), data=body, timeout=IMPORT_TIMEOUT,
                                 headers={"Content-Type": f"multipart/form-data; boundary={body.boundary}"})
    if sent.status_code not in (200, 201, 204):
        raise SystemExit(f"the S3 upload of {course_id} answered {sent.status_code}: {sent.text[:500]}")
    uploaded = time.perf_counter()
    wait_for_import(user, job["jobId"], auth, course_id, timeout=IMPORT_TIMEOUT, every=0.1)
    done = time.perf_counter()
    return {"seconds": done - started, "upload_seconds": uploaded - started, "job_seconds": done - uploaded}


class Probe:
    """``GET /api/v2/ping`` on a thread, each :data:`PROBE_EVERY` seconds after the previous one was
    sent (at once if its answer took longer), until the ``with`` block ends."""

    def __init__(self, base_url: str, auth: tuple[str, str], timeout: float) -> None:
        self.load = Load(base_url, 1, timeout)
        self.user = self.load.user(auth=auth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="probe", daemon=True)

    def _run(self) -> None:
        for _ in range(MAX_PROBES):
            sent = time.monotonic()
            self.user.call_sync("ping", "GET", "/api/v2/ping")
            if self._stop.wait(max(0.0, sent + PROBE_EVERY - time.monotonic())):
                return

    def __enter__(self) -> Probe:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=120)
        self.load.close()

    def summary(self) -> dict[str, Any]:
        samples = self.load.recorder.samples
        return {"every_ms": PROBE_EVERY * 1000, **percentiles(s.ms for s in samples),
                f"over_{SLOW_MS:.0f}_ms": sum(s.ms > SLOW_MS for s in samples),
                "errors": dict(self.load.recorder.errors())}


def sizes(home: Path) -> dict[str, int]:
    """Bytes on disk under ``home`` (as ``du``), apparent bytes, the S3 files, the two state files."""
    found = {"disk_bytes": 0, "apparent_bytes": 0, "s3_bytes": 0, "files": 0}
    for path in home.rglob("*"):
        try:
            stat = path.lstat()
        except OSError:
            continue
        found["disk_bytes"] += stat.st_blocks * 512
        if path.is_file():
            found["files"] += 1
            found["apparent_bytes"] += stat.st_size
            found["s3_bytes"] += stat.st_size if (home / "s3") in path.parents else 0
    for name in ("state.pickle", "dynamodb.sqlite", "dynamodb.sqlite-wal"):
        found[name] = (home / name).stat().st_size if (home / name).exists() else 0
    return found


def check_content(user: User, auth: tuple[str, str], course_id: str, path: Path) -> str:
    """'' if a launch of ``course_id`` serves :data:`CHECKED` as in the package, else what is wrong."""
    registration = f"{course_id}-check"
    made = user.call_sync("registration", "POST", "/api/v2/registrations", ok=(204,), auth=auth, json={
        "courseId": course_id, "registrationId": registration,
        "learner": {"id": registration, "firstName": "Content", "lastName": "Check"}})
    link = made and user.call_sync("launch link", "POST", f"/api/v2/registrations/{registration}/launchLink",
                                   auth=auth, json={"expiry": 600, "redirectOnExitUrl": "message"})
    opened = link and user.call_sync("launch", "GET", link.json()["launchLink"], ok=(302,))
    if not opened:
        return "launch refused"
    base = opened.headers["Location"].rsplit("/player", 1)[0]
    if user.call_sync("deliver", "POST", base + "/deliver", json={}) is None:
        return "delivery refused"
    with zipfile.ZipFile(path) as archive:
        for name in CHECKED:
            got = user.call_sync("content", "GET", f"{base}/c/{name}")
            if got is None or got.content != archive.read(name):
                return f"{name}: " + ("not served" if got is None else "differs from the package")
    return ""


def listed(user: User, auth: tuple[str, str], prefix: str) -> int:
    """How many courses ``GET /api/v2/courses`` lists whose id starts with ``prefix`` (-1: refused)."""
    count, more = 0, None
    for _ in range(1000):
        params = {"more": more} if more else {"filter": prefix, "filterBy": "course_id"}
        page = user.call_sync("course list", "GET", "/api/v2/courses", auth=auth, params=params)
        if page is None:
            return -1
        count += sum(course["id"].startswith(prefix) for course in page.json()["courses"])
        more = page.json().get("more")
        if not more:
            break
    return count


def restart(stack: Target, timeout: float) -> tuple[Any, dict[str, Any]]:
    """SIGTERM the stack, start it again on the same home and ports: (the new LocalStack, timings)."""
    from nimbus_local.child import LocalStack

    process = stack.process
    started = time.perf_counter()
    process.terminate()
    try:
        code = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        code = f"killed after 60 s: {process.wait()}"
    found: dict[str, Any] = {"stop_seconds": round(time.perf_counter() - started, 2), "stop_exit_code": code}
    aws_port = urlsplit(stack.credentials()["awsEndpoint"]).port
    again = LocalStack(home=stack.home, port=urlsplit(stack.base_url).port or 80, aws_port=aws_port or 0)
    started = time.perf_counter()
    try:
        again.start(timeout=120)
    except (RuntimeError, TimeoutError) as err:
        again.stop()
        return None, {**found, "restart_problem": str(err)[-3000:]}
    found["running_seconds"] = round(time.perf_counter() - started, 2)
    creds = again.credentials()
    with Load(again.base_url, 1, timeout) as load:
        for _ in range(400):
            if load.user().call_sync("ping", "GET", "/api/v2/ping", auth=(creds["appId"], creds["secretKey"])):
                break
            time.sleep(0.05)
    found["restart_seconds"] = round(time.perf_counter() - started, 2)
    found["restart_rss_mb"] = RssSampler(again.process.pid if again.process else None).rss_mb()
    return again, found


def log_problems(log: Path | None) -> list[str]:
    """The stack log's lines that look like trouble (at most 20)."""
    lines = log.read_text(errors="replace").splitlines() if log and log.exists() else []
    return [one for one in lines if any(w in one for w in ("Traceback", "ERROR", "Error", "WARNING"))][:20]


def restart_and_check(stack: Target, auth: tuple[str, str], prefix: str, path: Path,
                      args: argparse.Namespace) -> dict[str, Any]:
    """Stop, restart, check the first and last copy's files and the course list; stop again."""
    result: dict[str, Any] = {}
    again = None
    try:
        again, result["restart"] = restart(stack, args.timeout)
        result["home_after_stop"] = sizes(stack.home)
        if again is not None:
            with Load(again.base_url, 1, args.timeout) as checker:
                user = checker.user()
                result["content_check"] = {course: check_content(user, auth, course, path) or "ok"
                                           for course in sorted({f"{prefix}000", f"{prefix}{args.copies - 1:03d}"})}
                result["courses_listed"] = listed(user, auth, prefix)
                result["check_requests"] = checker.recorder.summary()
            if again.process is not None and again.process.poll() is not None:
                result["stack_died"] = f"the restarted stack exited with code {again.process.returncode}"
    finally:
        if again is not None:
            again.stop()
            result["restart_log_problems"] = log_problems(again.log)
            if again.log and again.log.exists():
                RESULTS.mkdir(exist_ok=True)
                shutil.copyfile(again.log, RESULTS / "load_content_restart.log")
        stack.process = None  # stopped on purpose (its log is kept by bench.load as load_stack.log)
    return result


def headline(result: dict[str, Any], copies: int) -> str:
    probe, restarted = result["probe"], result.get("restart", {})
    slow = probe[f"over_{SLOW_MS:.0f}_ms"]
    line = (f"load content: {copies} copies ({copies * result['config']['expanded_bytes'] / 1e9:.1f} GB), import"
            f" {result['first_ratio']:.1f}x unzip (median {result['median_ratio']:.1f}x), RSS max"
            f" {result['rss'].get('max_mb', 0):.0f} MB, worst probe {probe.get('max', 0):.0f} ms ({slow} over"
            f" {SLOW_MS:.0f} ms)")
    if "restart_seconds" in restarted:
        line += f", stop {restarted['stop_seconds']:.1f} s, restart {restarted['restart_seconds']:.1f} s"
    elif restarted:
        line += ", RESTART FAILED"
    wrong = [f"{course} {why}" for course, why in result.get("content_check", {}).items() if why != "ok"]
    if "courses_listed" in result and result["courses_listed"] != copies:
        wrong.append(f"{result['courses_listed']}/{copies} listed")
    return line + (", " + "; ".join(wrong) if wrong else "")


def run(stack: Target, args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    creds = stack.credentials()
    auth = (creds["appId"], creds["secretKey"])
    prefix = f"content-{secrets.token_hex(3)}-"
    path = package()
    unzip = course_import.unzip_baseline(path)
    expanded = course_import.FILES * course_import.FILE_BYTES
    print(f"package: {course_import.FILES:,} files, {expanded / MB:.0f} MB expanded, {path.stat().st_size / MB:.0f} MB"
          f" zipped; unzip -q {unzip['seconds']:.2f}s", flush=True)
    imports: list[dict[str, float]] = []
    with Load(stack.base_url, 1, IMPORT_TIMEOUT) as load, Probe(stack.base_url, auth, args.timeout) as probe, \
            RssSampler(stack.pid, args.rss_every) as rss:
        for n in range(args.copies):
            one = {k: round(v, 2) for k, v in import_copy(load.user(), auth, f"{prefix}{n:03d}", path).items()}
            imports.append(one)
            print(f"import {n + 1}/{args.copies}: {one['seconds']:.1f}s = {one['seconds'] / unzip['seconds']:.1f}x"
                  f" unzip (upload {one['upload_seconds']:.1f}s, job {one['job_seconds']:.1f}s);"
                  f" RSS {rss.rss_mb() or 0:.0f} MB", flush=True)
    ratios = [one["seconds"] / unzip["seconds"] for one in imports]
    result: dict[str, Any] = {
        "config": {"copies": args.copies, "files": course_import.FILES, "expanded_bytes": expanded,
                   "zip_bytes": path.stat().st_size, "package": str(path)},
        "unzip": unzip, "imports": imports, "first_ratio": round(ratios[0], 2),
        "median_ratio": round(statistics.median(ratios), 2), "probe": probe.summary(),
        "import_requests": load.recorder.summary(), "rss": rss.summary(), "home_after_imports": sizes(stack.home)}
    print(f"probe GET /api/v2/ping every {PROBE_EVERY * 1000:.0f} ms: {result['probe']}")
    print(rss.line())
    log = stack.log
    if stack.process is None:
        print("stop/restart skipped: the stack was not started by this run")
    else:
        result.update(restart_and_check(stack, auth, prefix, path, args))
    result["log_problems"] = log_problems(log)
    shown = ("home_after_imports", "home_after_stop", "restart", "content_check", "courses_listed")
    problems = result["log_problems"] + result.get("restart_log_problems", [])
    print("\n".join([f"{name}: {result[name]}" for name in shown if name in result]
                    + [f"  stack log: {line}" for line in problems]))
    return result, headline(result, args.copies)
