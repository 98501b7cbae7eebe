"""Launches in Reportage (chalicelib.reports.launches): one per launch item, on its UTC day, in
every dimension its registration belongs to; commits updating the launch move nothing."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.reports import launches
from chalicelib.reports.aggregates import learner_key


def _launch(**more: Any) -> dict[str, Any]:
    return {"pk": "realm-l#REG#r1", "sk": "LAUNCH#0001-ab", "launch_time": "2026-03-01T23:30:00.000+00:00",
            "details": json.dumps({"sandbox": False}), "completion": "UNKNOWN",
            "reportage": json.dumps({"realm_id": "realm-l", "course_id": "golf", "learner": {"id": "ada"},
                                     "details": {"invitationId": "inv1", "appId": "APP1"}}), **more}


def test_a_launch_counts_once_in_each_dimension_of_its_registration() -> None:
    assert launches.contribution(_launch()) == {
        (dimension, key, "2026-03-01"): {"launches": 1.0}
        for dimension, key in (("all", "-"), ("course", "golf"), ("learner", learner_key("realm-l", "ada")),
                               ("invitation", "inv1"), ("app", "APP1"))}  # the learner under a pseudonym
    later = _launch(launch_time="2026-03-01T19:30:00-05:00")  # 00:30 UTC the next day
    assert {day for (_d, _k, day) in launches.contribution(later)} == {"2026-03-02"}


def test_commits_previews_and_other_items_move_nothing() -> None:
    opened = _launch()
    assert launches.delta(opened, {**opened, "completion": "COMPLETED", "log_batches": 3}) == {}
    assert launches.contribution(_launch(details=json.dumps({"sandbox": True}))) == {}
    assert launches.contribution({**_launch(), "reportage": None}) == {}  # recorded before launches counted
    assert launches.contribution({**_launch(), "sk": "REG"}) == {}
    removed = launches.delta(opened, {})  # a launch deleted (with its registration) leaves the counters
    assert len(removed) == 5 and all(v == {"launches": -1.0} for v in removed.values())
