"""``python -m bench.load learners``: learners launching a course and committing as the player does.

Setup imports a one-SCO SCORM 1.2 course (and with ``--scorm2004`` a one-SCO SCORM 2004 course
without sequencing, every second learner on it) through ``POST /api/v2/courses/importJobs/upload``.
Each learner then, its start staggered over the first interval:

* ``POST /api/v2/registrations``, ``POST .../launchLink``, ``GET /launch/{token}`` (302 to the
  player), ``GET .../player``, ``POST .../deliver`` — the launch;
* every ``--interval`` seconds a commit as ``player.js`` sends it (``POST .../commit`` with
  ``{attemptId, seq, activityId, ops, log}``), each with its own location ``page-{seq}``, suspend
  data and score, ending with ``["commit"]``; a failed commit is sent again with the same ``seq``
  (at most 4 times, backing off), as the player does;
* when the next commit would fall after ``--duration``: a final commit completing the course
  (status, score 90, ``["finish"]``).

Afterwards every learner's registration is read back through the API
(``GET /registrations/{id}?includeChildResults=true&includeRuntime=true``): the SCO's location must
name the last acknowledged ``seq`` (or a later one, sent but unanswered), with that commit's suspend
data, and a learner whose final commit was acknowledged must be completed.
"""

from __future__ import annotations

import asyncio
import random
import re
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bench.load_client import Load, import_course, percentiles

if TYPE_CHECKING:
    import argparse

    from bench.load_client import Target, User

CHECKERS = 8  # threads reading the registrations back
RETRIES = 4  # sends of one commit before the learner gives up (the next seq would be a gap)
LOCATION = re.compile(r"page-(\d+)$")


@dataclass
class Learner:
    index: int
    registration: str
    course: str
    scorm12: bool
    acked: int = 0  # last acknowledged seq
    sent: int = 0  # last seq sent (acknowledged or not)
    finished: bool = False  # the final commit was acknowledged
    launched_ms: float | None = None  # launch link → delivered
    problem: str = ""


def _ops(learner: Learner, seq: int, suspend_bytes: int, final: bool) -> list[list[str]]:
    data = f"{learner.registration}:{seq}:".ljust(suspend_bytes, "x")
    if learner.scorm12:
        ops = [["set", "cmi.core.lesson_location", f"page-{seq}"], ["set", "cmi.suspend_data", data],
               ["set", "cmi.core.score.raw", "90" if final else str(seq % 80)],
               ["set", "cmi.core.lesson_status", "completed" if final else "incomplete"],
               ["set", "cmi.core.session_time", "00:00:10"], ["commit"]]
    else:
        ops = [["set", "cmi.location", f"page-{seq}"], ["set", "cmi.suspend_data", data],
               ["set", "cmi.score.raw", "90" if final else str(seq % 80)],
               ["set", "cmi.score.scaled", "0.9" if final else f"{seq % 80 / 100:.2f}"],
               ["set", "cmi.progress_measure", "1" if final else "0.5"],
               ["set", "cmi.completion_status", "completed" if final else "incomplete"],
               ["set", "cmi.session_time", "PT10S"], ["commit"]]
        if final:
            ops.insert(-1, ["set", "cmi.success_status", "passed"])
    return [*ops, ["finish"]] if final else ops


async def _commit(user: User, base: str, body: dict[str, Any]) -> bool:
    """Send one batch until it is acknowledged (at most :data:`RETRIES` times)."""
    for attempt in range(RETRIES):
        answer = await user.call("commit", "POST", base + "/commit", json=body)
        if answer is not None:
            return True
        await asyncio.sleep(min(30.0, 2.0**attempt) * random.uniform(0.5, 1.0))  # noqa: S311 - jitter
    return False


async def _launch(user: User, learner: Learner, auth: tuple[str, str]) -> tuple[str, dict[str, Any]] | None:
    made = await user.call("registration", "POST", "/api/v2/registrations", ok=(204,), auth=auth, json={
        "courseId": learner.course, "registrationId": learner.registration,
        "learner": {"id": f"learner-{learner.registration}", "firstName": "Load", "lastName": f"L{learner.index}"}})
    if made is None:
        learner.problem = "registration refused"
        return None
    started = time.perf_counter()
    link = await user.call("launch link", "POST", f"/api/v2/registrations/{learner.registration}/launchLink",
                           auth=auth, json={"expiry": 600, "redirectOnExitUrl": "message"})
    opened = link and await user.call("launch", "GET", link.json()["launchLink"], ok=(302,))
    if not opened:
        learner.problem = "launch refused"
        return None
    base = opened.headers["Location"].rsplit("/player", 1)[0]
    await user.call("player page", "GET", opened.headers["Location"])
    delivered = await user.call("deliver", "POST", base + "/deliver", json={})
    if delivered is None:
        learner.problem = "delivery refused"
        return None
    learner.launched_ms = (time.perf_counter() - started) * 1000
    return base, delivered.json()


async def _learner(load: Load, learner: Learner, args: argparse.Namespace, *, auth: tuple[str, str],
                   begin: float, count: int) -> None:
    loop = asyncio.get_running_loop()
    user = load.user()
    start = begin + learner.index * args.interval / count  # staggered over the first interval
    await asyncio.sleep(max(0.0, start - loop.time()))
    launched = await _launch(user, learner, auth)
    if launched is None:
        return
    base, delivered = launched
    end = begin + args.duration
    most = max(1, int(args.duration // args.interval))
    for seq in range(1, most + 1):  # bounded: the last slot before the end is the final commit
        final = seq == most or start + (seq + 1) * args.interval > end
        await asyncio.sleep(max(0.0, start + seq * args.interval - loop.time()))
        learner.sent = seq
        body = {"attemptId": delivered["attemptId"], "seq": seq, "activityId": delivered["activityId"],
                "ops": _ops(learner, seq, args.suspend_bytes, final), "log": []}
        if not await _commit(user, base, body):
            learner.problem = f"commit {seq} never acknowledged"
            return
        learner.acked, learner.finished = seq, final
        if final:
            return


def _check(user: User, learner: Learner, suspend_bytes: int, auth: tuple[str, str]) -> tuple[int, str]:
    """(acknowledged commits the server does not have, what is wrong) for one learner."""
    if learner.acked == 0:
        return 0, ""
    found = user.call_sync("verify", "GET", f"/api/v2/registrations/{learner.registration}"
                           "?includeChildResults=true&includeRuntime=true", auth=auth)
    if found is None:
        return learner.acked, "registration not readable"
    body = found.json()
    runtime = body["activityDetails"]["children"][0].get("runtime") or {}
    matched = LOCATION.match(runtime.get("location", ""))
    stored = int(matched.group(1)) if matched else 0
    if stored < learner.acked:
        return learner.acked - stored, f"location {runtime.get('location')!r}, acknowledged page-{learner.acked}"
    if stored > learner.sent:
        return 0, f"location page-{stored} was never sent"
    wrong = ""
    if runtime.get("suspendData") != f"{learner.registration}:{stored}:".ljust(suspend_bytes, "x"):
        wrong = f"suspend data of page-{stored} differs"
    elif learner.finished and body.get("registrationCompletion") != "COMPLETED":
        wrong = f"final commit acknowledged but registrationCompletion is {body.get('registrationCompletion')}"
    return 0, wrong


def run(stack: Target, args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    from tests.builders import course_zip as cz

    creds = stack.credentials()
    auth = (creds["appId"], creds["secretKey"])
    run_id = secrets.token_hex(3)
    courses = {True: f"load12-{run_id}", False: f"load2004-{run_id}"}
    with Load(stack.base_url, 1, args.timeout) as setup:
        importer = setup.user()
        import_course(importer, courses[True], cz.scorm12_zip("Load 1.2", scos=1), auth)
        if args.scorm2004:
            import_course(importer, courses[False], cz.scorm2004_zip("Load 2004", sequencing=False, scos=1), auth)
    print(f"courses imported: {', '.join(courses[k] for k in (True, False) if k or args.scorm2004)}", flush=True)
    learners = [Learner(i, f"load-{run_id}-{i:05d}", courses[scorm12], scorm12)
                for i in range(args.learners) for scorm12 in [not (args.scorm2004 and i % 2)]]

    async def drive(load: Load) -> None:
        begin = asyncio.get_running_loop().time() + 0.5
        await asyncio.gather(*(_learner(load, one, args, auth=auth, begin=begin, count=len(learners))
                               for one in learners))

    print(f"{len(learners)} learners, a commit every {args.interval:g}s for {args.duration:g}s ...", flush=True)
    with Load(stack.base_url, len(learners), args.timeout) as load:
        asyncio.run(drive(load))
        load.recorder.stop()
    with Load(stack.base_url, CHECKERS, args.timeout) as checker:
        checks = list(checker.pool.map(lambda one: _check(checker.thread_user(), one, args.suspend_bytes, auth),
                                       learners))
    verify = checker.recorder
    missing = sum(n for n, _ in checks)
    wrong = [f"{one.registration}: {why}" for one, (_, why) in zip(learners, checks, strict=True) if why]
    problems = [f"{one.registration}: {one.problem}" for one in learners if one.problem]
    summary = load.recorder.summary()
    result = {
        "config": {"learners": args.learners, "interval": args.interval, "duration": args.duration,
                   "scorm2004": args.scorm2004, "suspend_bytes": args.suspend_bytes, "timeout": args.timeout},
        **summary, "commit_ms": load.recorder.latency("commit"),
        "launch_ms": percentiles(one.launched_ms for one in learners if one.launched_ms is not None),
        "acknowledged_commits": sum(one.acked for one in learners),
        "completed_acknowledged": sum(one.finished for one in learners),
        "acknowledged_commits_missing": missing, "verify_problems": wrong, "learner_problems": problems,
        "verify_requests": verify.summary()}
    print(load.recorder.table())
    print(f"launch (launch link → delivered): {result['launch_ms']}")
    print(f"requests: {summary['requests']:,} in {summary['seconds']:.1f}s"
          f" = {summary['requests_per_second']:.1f} req/s; errors by status: {summary['errors_by_status'] or 'none'}")
    print(f"commits acknowledged: {result['acknowledged_commits']:,}; learners completed (final commit acknowledged):"
          f" {result['completed_acknowledged']}/{len(learners)}")
    for line in (problems + wrong)[:20]:
        print(f"  {line}")
    print(f"acknowledged commits missing: {missing}")
    p95 = result["commit_ms"].get("p95")
    headline = (f"load learners: {len(learners)} learners, p95 commit {p95:.0f} ms" if p95 is not None
                else f"load learners: {len(learners)} learners, no commit acknowledged")
    headline += f", {summary['errors']} errors, {missing} missing"
    return result, headline + (f", {len(wrong)} wrong" if wrong else "")
