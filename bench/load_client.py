"""The load benchmark's client side (``bench/load.py``).

* :func:`target`: the stack to drive — a fresh ``python -m nimbus_local`` started by
  :class:`nimbus_local.child.LocalStack` on a temporary ``NIMBUS_HOME`` with free ports (what
  ``make run`` runs), or the one already running at ``NIMBUS_URL`` whose data is in ``NIMBUS_HOME``;
* :class:`Load` and :class:`User`: simulated users are asyncio tasks, each with its own
  ``requests.Session`` whose calls run on a thread pool (one thread per user), so a user waiting
  for an answer never holds up another; every request's latency and status is recorded;
* :class:`RssSampler`: the stack process's resident memory (``VmRSS``) every few seconds;
* :func:`import_course` and :func:`wait_for_import`: a course imported through API v2, its job
  polled until COMPLETE.

Everything goes to 127.0.0.1: a URL on another host is refused before it is requested.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import math
import os
import shutil
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from bench.measure import RESULTS

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

LOOPBACK = "127.0.0.1"
MAX_SAMPLES = 5_000_000  # recorded requests kept per run (a bound, far above any scenario's count)


def loopback(url: str) -> str:
    """``url`` if it is on 127.0.0.1, else a ``SystemExit``: the benchmark talks to nothing else."""
    if urlsplit(url).hostname != LOOPBACK:
        raise SystemExit(f"refusing {url!r}: the load benchmark only talks to {LOOPBACK}")
    return url


def percentiles(values: Iterable[float]) -> dict[str, float]:
    """count, p50, p95, p99 (nearest rank) and max of ``values`` (ms); ``{}`` when empty."""
    ordered = sorted(values)
    if not ordered:
        return {}

    def rank(p: float) -> float:
        return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 1)

    return {"count": len(ordered), "p50": rank(50), "p95": rank(95), "p99": rank(99), "max": round(ordered[-1], 1)}


@dataclass
class Target:
    """A running local stack: its URL, its ``NIMBUS_HOME`` and (when known) its process id."""

    base_url: str
    home: Path
    pid: int | None
    process: Any = None  # the LocalStack we started, if any
    log: Path | None = None

    def credentials(self) -> dict[str, Any]:
        return json.loads((self.home / "credentials.json").read_text())  # type: ignore[no-any-return]

    def alive(self) -> str:
        """'' while the stack runs; else what happened to it (and its log's last lines)."""
        if self.process is None or self.process.poll() is None:
            return ""
        tail = self.log.read_text(errors="replace")[-2000:] if self.log else ""
        return f"the local stack exited with code {self.process.returncode}:\n{tail}"


def _listening_pid(port: int) -> int | None:
    """The process listening on 127.0.0.1:``port`` (from /proc), if it is ours to see."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[1].rsplit(":", 1)[1] == f"{port:04X}" and fields[3] == "0A":
                    inodes.add(f"socket:[{fields[9]}]")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if any(str(fd.readlink()) in inodes for fd in (proc / "fd").iterdir()):
                return int(proc.name)
    return None


@contextlib.contextmanager
def target(start_timeout: float = 120) -> Iterator[Target]:
    """The stack at ``NIMBUS_URL`` + ``NIMBUS_HOME`` (``NIMBUS_PID`` for its memory, else found by
    its port), or a fresh one on a temporary home, stopped afterwards."""
    url, home = os.environ.get("NIMBUS_URL"), os.environ.get("NIMBUS_HOME")
    if url:
        if not home:
            raise SystemExit("NIMBUS_URL needs NIMBUS_HOME (its credentials.json) too")
        port = urlsplit(loopback(url)).port or 80
        pid = int(os.environ["NIMBUS_PID"]) if os.environ.get("NIMBUS_PID") else _listening_pid(port)
        yield Target(url.rstrip("/"), Path(home), pid)
        return
    from nimbus_local.child import LocalStack

    with tempfile.TemporaryDirectory(prefix="nimbus-load-") as tmp:
        started = time.perf_counter()
        stack = LocalStack(home=Path(tmp) / "home").start(timeout=start_timeout)
        print(f"local stack started in {time.perf_counter() - started:.1f}s at {stack.base_url}", flush=True)
        try:
            assert stack.process is not None
            yield Target(stack.base_url, stack.home, stack.process.pid, stack.process, stack.log)
        finally:
            stack.stop()
            if stack.log and stack.log.exists():  # kept: the temporary home goes
                RESULTS.mkdir(exist_ok=True)
                shutil.copyfile(stack.log, RESULTS / "load_stack.log")


@dataclass
class Sample:
    kind: str
    status: str  # the HTTP status, or the exception's class name
    ms: float
    ok: bool


@dataclass
class Recorder:
    """Every request of a phase: kind, status, latency."""

    samples: list[Sample] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    ended: float | None = None
    notes: list[str] = field(default_factory=list)  # what went wrong besides a status
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self._lock:
            if len(self.samples) < MAX_SAMPLES:
                self.samples.append(sample)

    def add_note(self, note: str) -> None:
        with self._lock:
            if len(self.notes) < 1000:
                self.notes.append(note)

    def stop(self) -> None:
        self.ended = time.perf_counter()

    def kinds(self) -> list[str]:
        return list(dict.fromkeys(s.kind for s in self.samples))

    def latency(self, *kinds: str) -> dict[str, float]:
        """Percentiles of the answered-as-expected requests of ``kinds`` (all kinds when none)."""
        return percentiles(s.ms for s in self.samples if s.ok and (not kinds or s.kind in kinds))

    def errors(self) -> Counter[str]:
        return Counter(s.status for s in self.samples if not s.ok)

    def summary(self) -> dict[str, Any]:
        seconds = (self.ended or time.perf_counter()) - self.started
        return {"requests": len(self.samples), "seconds": round(seconds, 2),
                "requests_per_second": round(len(self.samples) / seconds, 2) if seconds else 0.0,
                "errors": sum(self.errors().values()), "errors_by_status": dict(self.errors()),
                "errors_by_kind": dict(Counter(f"{s.kind} {s.status}" for s in self.samples if not s.ok)),
                "latency_ms": {kind: self.latency(kind) for kind in self.kinds()}}

    def table(self) -> str:
        lines = ["| request | count | errors | p50 ms | p95 ms | p99 ms | max ms |",
                 "|---|---:|---:|---:|---:|---:|---:|"]
        for kind in self.kinds():
            found = self.latency(kind)
            errors = sum(1 for s in self.samples if s.kind == kind and not s.ok)
            count = sum(1 for s in self.samples if s.kind == kind)
            cells = [f"{found[p]:,.1f}" if found else "-" for p in ("p50", "p95", "p99", "max")]
            lines.append(f"| {kind} | {count:,} | {errors:,} | " + " | ".join(cells) + " |")
        return "\n".join(lines)


class Load:
    """The thread pool and recorder shared by one phase's users."""

    def __init__(self, base_url: str, users: int, timeout: float) -> None:
        self.base_url, self.timeout = base_url, timeout
        self.pool = ThreadPoolExecutor(max_workers=max(1, users), thread_name_prefix="load-user")
        self.recorder = Recorder()
        self._local = threading.local()

    def user(self, **session: Any) -> User:
        return User(self, **session)

    def thread_user(self, **session: Any) -> User:
        """The calling thread's own user (for work spread over :attr:`pool` with ``map``)."""
        found: User | None = getattr(self._local, "user", None)
        if found is None:
            found = self._local.user = User(self, **session)
        return found

    def close(self) -> None:
        self.pool.shutdown(wait=True)

    def __enter__(self) -> Load:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class User:
    """One simulated user: its own ``requests.Session`` (keep-alive), its calls timed."""

    def __init__(self, load: Load, *, auth: tuple[str, str] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        self.load, self.session = load, requests.Session()
        self.session.auth = auth
        self.session.headers.update(headers or {})

    def path(self, path_or_url: str) -> str:
        return loopback(path_or_url if "://" in path_or_url else self.load.base_url + path_or_url)

    def call_sync(self, kind: str, method: str, url: str, ok: tuple[int, ...] = (200,),
                  **kwargs: Any) -> requests.Response | None:
        """The answer if its status is one of ``ok``, else None; recorded either way."""
        kwargs.setdefault("timeout", self.load.timeout)
        kwargs.setdefault("allow_redirects", False)
        started = time.perf_counter()
        try:
            answer = self.session.request(method, self.path(url), **kwargs)
        except requests.RequestException as err:
            self.load.recorder.add(Sample(kind, type(err).__name__, (time.perf_counter() - started) * 1000, False))
            return None
        good = answer.status_code in ok
        self.load.recorder.add(Sample(kind, str(answer.status_code), (time.perf_counter() - started) * 1000, good))
        return answer if good else None

    async def call(self, kind: str, method: str, url: str, ok: tuple[int, ...] = (200,),
                   **kwargs: Any) -> requests.Response | None:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.load.pool, functools.partial(
            self.call_sync, kind, method, url, ok, **kwargs))


def wait_for_import(user: User, job: str, auth: tuple[str, str], what: str, *, timeout: float = 120.0,
                    every: float = 0.2) -> dict[str, Any]:
    """Poll ``GET /api/v2/courses/importJobs/{job}`` until it leaves RUNNING (at most ``timeout``
    seconds): its answer when COMPLETE, else a ``SystemExit`` naming ``what``."""
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / every) + 1):
        status = user.call_sync("import status", "GET", f"/api/v2/courses/importJobs/{job}", auth=auth)
        if status is not None and status.json()["status"] != "RUNNING":
            if status.json()["status"] != "COMPLETE":
                raise SystemExit(f"course import of {what} failed: {status.text[:500]}")
            return status.json()  # type: ignore[no-any-return]
        if time.monotonic() > deadline:
            break
        time.sleep(every)
    raise SystemExit(f"course import of {what} did not finish in {timeout:g} s")


def import_course(user: User, course_id: str, package: bytes, auth: tuple[str, str]) -> None:
    """A small package imported through ``POST /api/v2/courses/importJobs/upload`` (multipart, as
    the SDK sends it), waited for until COMPLETE."""
    started = user.call_sync("import", "POST", f"/api/v2/courses/importJobs/upload?courseId={course_id}", auth=auth,
                             files={"file": (f"{course_id}.zip", package, "application/zip")})
    if started is None:
        raise SystemExit(f"course import of {course_id} was refused")
    wait_for_import(user, started.json()["result"], auth, course_id)


class RssSampler:
    """``VmRSS`` of a process every ``every`` seconds on a thread, until :meth:`stop`."""

    def __init__(self, pid: int | None, every: float = 5.0, longest: float = 24 * 3600) -> None:
        self.pid, self.every = pid, every
        self.samples: list[tuple[float, float]] = []  # (seconds since start, MB)
        self._stop = threading.Event()
        self._started = time.perf_counter()
        self._limit = int(longest / every) + 1
        self._thread = threading.Thread(target=self._run, name="rss", daemon=True)

    def rss_mb(self) -> float | None:
        if self.pid is None:
            return None
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None

    def _run(self) -> None:
        for _ in range(self._limit):
            found = self.rss_mb()
            if found is not None:
                self.samples.append((round(time.perf_counter() - self._started, 1), round(found, 1)))
            if self._stop.wait(self.every):
                return

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self) -> None:
        if not self._stop.is_set():
            self._stop.set()
            self._thread.join(timeout=10)
            found = self.rss_mb()  # one more at the end
            if found is not None:
                self.samples.append((round(time.perf_counter() - self._started, 1), round(found, 1)))

    def summary(self) -> dict[str, Any]:
        if not self.samples:
            return {"pid": self.pid, "samples": []}
        values = [mb for _, mb in self.samples]
        half = self.samples[len(self.samples) // 2:]
        minutes = (half[-1][0] - half[0][0]) / 60
        return {"pid": self.pid, "start_mb": values[0], "end_mb": values[-1], "max_mb": max(values),
                "second_half_mb_per_minute": round((half[-1][1] - half[0][1]) / minutes, 2) if minutes else 0.0,
                "samples": self.samples}

    def line(self) -> str:
        found = self.summary()
        if "start_mb" not in found:
            return f"stack RSS: not sampled (pid {self.pid} unknown or not readable; set NIMBUS_PID)"
        return (f"stack RSS (pid {self.pid}): start {found['start_mb']:.0f} MB, end {found['end_mb']:.0f} MB, "
                f"max {found['max_mb']:.0f} MB; second half {found['second_half_mb_per_minute']:+.1f} MB/min "
                f"({len(self.samples)} samples every {self.every:g}s)")
