"""Reportage's reports equal a brute-force recomputation from the registrations table
(issue 15 acceptance), on generated data: registrations created, launched, answering questions,
completed, passed, failed, scored, timed and deleted over many days, their changes delivered as
Kinesis Data Streams for DynamoDB delivers them — repeated and out of order, one by one or in
stream batches — through the real consumer, for every report (overview, course, learner,
invitation, destination, app), every report's table, the question analysis of every course, and
generated date ranges; the learner dimension counted under pseudonyms, reports and tables still by
learner id."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders.events import registration_change

REALM = "realm-prop"
START = date(2026, 1, 1)
DIMS = ("course", "learner", "invitation", "destination", "app")

day_offsets = st.integers(min_value=0, max_value=150)
results = st.fixed_dictionaries({
    "completion": st.sampled_from(["UNKNOWN", "INCOMPLETE", "COMPLETED"]),
    "success": st.sampled_from(["UNKNOWN", "PASSED", "FAILED"]),
    "score": st.one_of(st.none(), st.integers(min_value=0, max_value=100)),
    "seconds": st.integers(min_value=0, max_value=5000),
    "day": day_offsets,
    # interactions the SCO journals in this write (cmi.interactions.n, appended): id, response, result
    "answers": st.lists(st.tuples(st.sampled_from(["q1", "q2", "q10"]), st.sampled_from(["a", "b", "c"]),
                                  st.sampled_from(["correct", "wrong", "neutral"])), max_size=3),
})
registration = st.fixed_dictionaries({
    "course": st.sampled_from(["golf", "tennis", "chess"]),
    "learner": st.sampled_from(["ada", "bob", "cy", "di"]),
    "invitation": st.sampled_from([None, "inv1", "inv2"]),
    "destination": st.sampled_from([None, "dest1"]),
    "app": st.sampled_from([None, "APP1", "APP2"]),
    "created": day_offsets,
    "updates": st.lists(results, max_size=4),
    "deleted": st.booleans(),
    "sandbox": st.booleans(),
    "launches": st.lists(st.integers(min_value=0, max_value=40), max_size=3),  # days after creation
})


def _moment(offset: int) -> str:
    return (datetime(2026, 1, 1, 12, tzinfo=UTC) + timedelta(days=offset)).strftime("%Y-%m-%dT%H:%M:%S.%f+0000")


def _images(n: int, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The registration's item after each write (as pynamodb stores it: JSON attributes as text)."""
    created = spec["created"]
    base = {"pk": f"{REALM}#REG#r{n}", "sk": "REG", "realm_id": REALM, "registration_id": f"r{n}",
            "course_id": spec["course"], "learner": json.dumps({"id": spec["learner"], "firstName": spec["learner"]}),
            "completion": "UNKNOWN", "success": "UNKNOWN", "total_seconds": 0, "sandbox": spec["sandbox"],
            "created": _moment(created), "updated": _moment(created), "version": 1}
    details = {"courseTitle": spec["course"].title(), **{f"{d}Id": spec[d] for d in ("invitation", "destination", "app")
                                                        if spec[d]}}
    images = [{**base, "details": json.dumps(details)}]
    for number, update in enumerate(spec["updates"], start=2):
        when = created + update["day"] % 30
        now = dict(images[-1])
        now_details = json.loads(now["details"])
        if update["completion"] == "COMPLETED" and now["completion"] != "COMPLETED":
            now_details["completedDate"] = _moment(when).replace("+0000", "Z")
        data = now_details.setdefault("activities", {}).setdefault("sco1", {}).setdefault(
            "data", {"values": {}, "counts": {"cmi.interactions": 0}})
        for ident, response, result in update["answers"]:
            n = data["counts"]["cmi.interactions"]
            data["values"].update({f"cmi.interactions.{n}.id": ident, f"cmi.interactions.{n}.result": result,
                                   f"cmi.interactions.{n}.student_response": response})
            data["counts"]["cmi.interactions"] = n + 1
        now.update(completion=update["completion"], success=update["success"], total_seconds=update["seconds"],
                   version=number, updated=_moment(when), details=json.dumps(now_details))
        now["score_scaled"] = update["score"]
        images.append(now)
    return images


def _launches(n: int, spec: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """Each launch item as the player writes it, then as a commit updates it."""
    out = []
    for number, offset in enumerate(spec["launches"]):
        opened = {"pk": f"{REALM}#REG#r{n}", "sk": f"LAUNCH#{number:013d}-abc", "launch_id": f"{number}",
                  "launch_time": _moment(spec["created"] + offset).replace("+0000", "+00:00"),
                  "details": json.dumps({"sandbox": spec["sandbox"]}), "completion": "UNKNOWN",
                  "reportage": json.dumps({"realm_id": REALM, "course_id": spec["course"],
                                           "learner": {"id": spec["learner"]},
                                           "details": {f"{d}Id": spec[d] for d in ("invitation", "destination", "app")
                                                       if spec[d]}})}
        out.append([opened, {**opened, "completion": "INCOMPLETE", "log_batches": 2}])
    return out


def _launch_brute_force(items: list[dict[str, Any]], dim: str, key: str, first: str, last: str) -> int:
    """Launch items of the table in the range and report (docs/reportage.md)."""
    counted = 0
    for item in items:
        if json.loads(item["details"]).get("sandbox"):
            continue
        recorded = json.loads(item["reportage"])
        keys = {"all": "-", "course": recorded["course_id"], "learner": recorded["learner"]["id"],
                **{d: recorded["details"].get(f"{d}Id") for d in ("invitation", "destination", "app")}}
        counted += keys[dim] == key and first <= item["launch_time"][:10] <= last
    return counted


def _question_brute_force(items: list[dict[str, Any]], course: str, first: str, last: str) -> dict[str, Any]:
    """interaction → (attempts, correct, wrong, {wrong response: count}), each registration's latest
    answer per interaction on its results day (docs/reportage.md)."""
    found: dict[str, Any] = {}
    for item in items:
        details = json.loads(item["details"])
        if item.get("sandbox") or item["course_id"] != course:
            continue
        completed = item["completion"] == "COMPLETED" and details.get("completedDate")
        if not first <= (details["completedDate"] if completed else item["created"])[:10] <= last:
            continue
        data = details.get("activities", {}).get("sco1", {}).get("data", {"values": {}, "counts": {}})
        latest = {}
        for n in range(data["counts"].get("cmi.interactions", 0)):
            values = data["values"]
            latest[values[f"cmi.interactions.{n}.id"]] = (values[f"cmi.interactions.{n}.student_response"],
                                                         values[f"cmi.interactions.{n}.result"])
        for ident, (response, result) in latest.items():
            attempts, correct, wrong, answers = found.get(ident, (0, 0, 0, {}))
            if result == "wrong":
                answers = {**answers, response: answers.get(response, 0) + 1}
            found[ident] = (attempts + 1, correct + (result == "correct"), wrong + (result == "wrong"), answers)
    return found


def _records(n: int, spec: dict[str, Any]) -> list[bytes]:
    """Every change of the registration's items, in the order they were written."""
    images = _images(n, spec)
    pairs = list(zip([None, *images], images, strict=False))
    if spec["deleted"]:
        pairs.append((images[-1], None))
    records = [registration_change(old, new) for old, new in pairs]
    for opened, updated in _launches(n, spec):  # launches: inserted, updated by a commit, deleted with it
        records += [registration_change(None, opened), registration_change(opened, updated)]
        if spec["deleted"]:
            records.append(registration_change(updated, None))
    return records


def _check_questions(table: list[dict[str, Any]], course: str, first: str, last: str) -> None:
    from chalicelib.reports import questions

    analysis = questions.analysis(REALM, course, first, last)["questions"]
    got = {q["id"]: (q["attempts"], q["correct"], q["wrong"], {a["response"]: a["count"] for a in q["wrongAnswers"]})
           for q in analysis}
    assert got == _question_brute_force(table, course, first, last), (course, first, last)
    assert [q["id"] for q in analysis] == sorted(got, key=lambda i: int(i[1:]))  # q2 before q10
    assert all(q["otherWrong"] == 0 for q in analysis)  # three responses: every one named


def _brute_force(items: list[dict[str, Any]], dim: str, key: str, first: str, last: str) -> dict[str, Any]:
    """Straight from the definition (docs/reportage.md), over the table's registrations."""
    totals: dict[str, float] = defaultdict(float)
    for item in items:
        if item.get("sandbox"):
            continue
        details, learner = json.loads(item["details"]), json.loads(item["learner"])
        keys = {"all": "-", "course": item["course_id"], "learner": learner["id"],
                "invitation": details.get("invitationId"), "destination": details.get("destinationId"),
                "app": details.get("appId")}
        if keys[dim] != key:
            continue
        created = item["created"][:10]
        completed = item["completion"] == "COMPLETED"
        results_day = details["completedDate"][:10] if completed and details.get("completedDate") else created
        if first <= created <= last:
            totals["registrations"] += 1
        if first <= results_day <= last:
            totals["completions"] += completed
            totals["passes"] += item["success"] == "PASSED"
            totals["failures"] += item["success"] == "FAILED"
            totals["seconds"] += float(item["total_seconds"])
            if item.get("score_scaled") is not None:
                totals["score_sum"] += float(item["score_scaled"])
                totals["score_count"] += 1
                totals[f"h{min(9, int(float(item['score_scaled']) // 10))}"] += 1
    return totals


def _check_table(table: list[dict[str, Any]], launches: list[dict[str, Any]], dim: str, keys: list[str],
                 span: tuple[str, str]) -> None:
    """A report's table: every key with anything in the range, with its totals, and no other."""
    from chalicelib.reports import queries

    first, last = span
    rows = {row["key"]: row for row in queries.table(REALM, dim, first, last)}
    for key in keys:
        want = _brute_force(table, dim, key, first, last)
        launched = _launch_brute_force(launches, dim, key, first, last)
        if not any(round(v, 4) for v in want.values()) and not launched:
            assert key not in rows, (dim, key, first, last)
            continue
        row = rows.pop(key)
        names = ("registrations", "completions", "passes", "failures", "score_count")
        assert (row["registrations"], row["completions"], row["passes"], row["failures"],
                row["scored"]) == tuple(int(want[n]) for n in names), (dim, key, first, last)
        assert abs(row["secondsTracked"] - want["seconds"]) < 0.01
        assert row["launches"] == launched, (dim, key, first, last)
    assert not rows, (dim, rows)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(registrations=st.lists(registration, min_size=1, max_size=12), seed=st.integers(0, 2**16),
       ranges=st.lists(st.tuples(day_offsets, st.integers(min_value=0, max_value=120)), min_size=1, max_size=3))
def test_reports_equal_a_recomputation_from_the_registrations_table(registrations, seed, ranges) -> None:
    from moto import mock_aws

    from chalicelib import reportage
    from chalicelib.reports import queries
    from chalicelib.store import changes
    from nimbus_local import bootstrap

    with mock_aws():
        bootstrap.create_all("us-east-1")
        records = [record for n, spec in enumerate(registrations) for record in _records(n, spec)]
        rng = random.Random(seed)
        delivered = records + rng.sample(records, k=len(records) // 3)  # some delivered again…
        rng.shuffle(delivered)  # …and out of order (Kinesis Data Streams for DynamoDB may do both)
        parsed = [changes.parse(data) for data in delivered]
        cut = rng.randrange(len(parsed) + 1)
        for change in parsed[:cut]:  # one by one, as a record retried alone is…
            reportage.apply_change(change)
        for start in range(cut, len(parsed), 7):  # …and in batches, several changes per transaction
            reportage.apply_changes(parsed[start:start + 7])

        ddb = boto3.client("dynamodb", region_name="us-east-1")
        serializer, deserializer = TypeSerializer(), TypeDeserializer()
        for n, spec in enumerate(registrations):  # the registrations table as the writes left it
            if not spec["deleted"]:
                final = _images(n, spec)[-1]
                plain = {k: Decimal(str(v)) if isinstance(v, float) else v for k, v in final.items() if v is not None}
                ddb.put_item(TableName="nimbus-registrations", Item=serializer.serialize(plain)["M"])
                for _opened, updated in _launches(n, spec):
                    ddb.put_item(TableName="nimbus-registrations", Item=serializer.serialize(updated)["M"])
        scanned = [{k: deserializer.deserialize(v) for k, v in item.items()}
                   for item in ddb.scan(TableName="nimbus-registrations")["Items"]]
        table = [item for item in scanned if item["sk"] == "REG"]
        launches = [item for item in scanned if item["sk"].startswith("LAUNCH#")]

        whole = queries.report(REALM, "all", "-", "2026-01-01", "2026-12-31")["totals"]
        assert whole["registrations"] == sum(1 for s in registrations if not s["deleted"] and not s["sandbox"])

        keys = {"course": ["golf", "tennis", "chess"], "learner": ["ada", "bob", "cy", "di"],
                "invitation": ["inv1", "inv2"], "destination": ["dest1"], "app": ["APP1", "APP2"]}
        reports = [("all", "-")] + [(d, k) for d in DIMS for k in keys[d]]
        for start, length in ranges:
            first = (START + timedelta(days=start)).isoformat()
            last = (START + timedelta(days=start + length)).isoformat()
            for dim, key in reports:
                report = queries.report(REALM, dim, key, first, last)
                shown = report["totals"]
                want = _brute_force(table, dim, key, first, last)
                for name in ("registrations", "completions", "passes", "failures"):  # the daily series adds up
                    assert sum(d[name] for d in report["series"]) == int(want[name]), (dim, key, name)
                assert abs(sum(d["seconds"] for d in report["series"]) - want["seconds"]) < 0.1
                got = {"registrations": shown["registrations"], "completions": shown["completions"],
                       "passes": shown["passes"], "failures": shown["failures"], "score_count": shown["scored"]}
                assert got == {n: int(want[n]) for n in got}, (dim, key, first, last)
                assert abs(shown["secondsTracked"] - want["seconds"]) < 0.01
                hist = [b["count"] for b in shown["scoreDistribution"]]
                assert hist == [int(want[f"h{n}"]) for n in range(10)]
                if want["score_count"]:
                    assert abs(shown["averageScore"] - want["score_sum"] / want["score_count"]) < 0.01
                assert shown["launches"] == _launch_brute_force(launches, dim, key, first, last), (dim, key)
            for course in keys["course"]:
                _check_questions(table, course, first, last)
            for dim in DIMS:  # every table, the learners' by learner id (as their reports)
                _check_table(table, launches, dim, keys[dim], (first, last))

        # The learner dimension is counted under pseudonyms (docs/reportage.md), never the learner id.
        from chalicelib.reports.aggregates import learner_key

        learner_pks = {item["pk"]["S"] for item in ddb.scan(TableName="nimbus-reports")["Items"]
                       if "#AGG#learner#" in item["pk"]["S"]}
        assert learner_pks <= {f"{REALM}#AGG#learner#{learner_key(REALM, k)}" for k in keys["learner"]}
