"""Question analysis (chalicelib.reports.questions, chalicelib.store.question_stats): what a
registration contributes per interaction, and the counters kept exactly once, bounded."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.reports import questions
from chalicelib.store import question_stats

REALM = "realm-q"


def _registration(interactions: list[dict[str, str]], *, version: int = 1, completed: str | None = None,
                  sandbox: bool = False, answers: dict[str, Any] | None = None) -> dict[str, Any]:
    values: dict[str, str] = {}
    for n, fields in enumerate(interactions):
        values.update({f"cmi.interactions.{n}.{k}": v for k, v in fields.items()})
    data = {"values": values, "counts": {"cmi.interactions": len(interactions)}}
    activities: dict[str, Any] = {"sco1": {"data": data}}
    if answers is not None:
        activities["xapi-activity"] = {"answers": answers}
    details: dict[str, Any] = {"courseTitle": "Golf", "activities": activities}
    if completed:
        details["completedDate"] = completed
    return {"pk": f"{REALM}#REG#r1", "sk": "REG", "realm_id": REALM, "course_id": "golf", "version": version,
            "created": "2026-03-01T10:00:00.000000+0000", "completion": "COMPLETED" if completed else "INCOMPLETE",
            "sandbox": sandbox, "details": json.dumps(details)}


def _by_interaction(image: dict[str, Any]) -> dict[str, dict[str, float]]:
    ids = {a.question: a.interaction for a in questions.answers(image)}
    return {ids[q]: counters for (_c, _d, q), counters in questions.contribution(image).items()}


def test_the_latest_answer_per_interaction_counts_once() -> None:
    image = _registration([
        {"id": "q1", "type": "choice", "student_response": "a", "result": "wrong"},  # SCORM 1.2 journal: tried…
        {"id": "q2", "type": "true-false", "learner_response": "true", "result": "correct"},
        {"id": "q1", "type": "choice", "student_response": "b", "result": "wrong"},  # …and tried again
        {"id": "q3", "type": "numeric", "learner_response": "7", "result": "unanticipated"},
        {"id": "q4", "type": "fill-in"},  # never answered: no attempt
    ])
    assert _by_interaction(image) == {
        "q1": {"attempts": 1, "wrong": 1, "w:b": 1},
        "q2": {"attempts": 1, "correct": 1},
        "q3": {"attempts": 1},
    }
    day = {slot[1] for slot in questions.contribution(image)}
    assert day == {"2026-03-01"}  # the creation day while not completed…
    done = _registration([{"id": "q1", "learner_response": "b", "result": "incorrect"}],
                         completed="2026-03-04T08:00:00Z")
    assert {slot[1] for slot in questions.contribution(done)} == {"2026-03-04"}  # …its completion day once completed


def test_xapi_answers_count_and_previews_do_not() -> None:
    image = _registration([], answers={"http://x/q1": {"response": "paris", "success": True, "description": "Capital?"},
                                       "http://x/q2": {"response": "lyon", "success": False}})
    assert _by_interaction(image) == {"http://x/q1": {"attempts": 1, "correct": 1},
                                      "http://x/q2": {"attempts": 1, "wrong": 1, "w:lyon": 1}}
    assert questions.contribution(_registration([{"id": "q1", "result": "correct"}], sandbox=True)) == {}


def test_a_changed_answer_moves_from_one_response_to_the_other() -> None:
    old = _registration([{"id": "q1", "student_response": "a", "result": "wrong"}])
    new = _registration([{"id": "q1", "student_response": "a", "result": "wrong"},
                         {"id": "q1", "student_response": "c", "result": "correct"}], version=2)
    (moved,) = questions.delta(old, new).values()
    assert moved == {"correct": 1, "wrong": -1, "w:a": -1}


def _apply(old: dict[str, Any] | None, new: dict[str, Any] | None) -> bool:
    from chalicelib.store import changes
    from tests.builders.events import registration_change

    return questions.apply_change(changes.parse(registration_change(old, new)))


def test_changes_apply_once_and_the_report_counts_answers(aws) -> None:
    first = _registration([{"id": "q1", "student_response": "a", "result": "wrong", "description": "Pick one"},
                           {"id": "q2", "student_response": "t", "result": "correct"}])
    second = _registration([{"id": "q1", "student_response": "a", "result": "wrong", "description": "Pick one"},
                            {"id": "q2", "student_response": "t", "result": "correct"},
                            {"id": "q1", "student_response": "c", "result": "correct"}], version=2)
    assert _apply(None, first) is True
    assert _apply(first, second) is True
    assert _apply(None, first) is False and _apply(first, second) is False  # replays change nothing
    shown = questions.analysis(REALM, "golf", "2026-02-01", "2026-03-31")
    assert [(q["id"], q["attempts"], q["correct"], q["wrong"], q["correctRate"]) for q in shown["questions"]] == [
        ("q1", 1, 1, 0, 1.0), ("q2", 1, 1, 0, 1.0)]
    assert shown["questions"][0]["description"] == "Pick one" and shown["questions"][0]["wrongAnswers"] == []
    assert questions.analysis(REALM, "golf", "2026-03-02", "2026-03-31")["questions"] == []  # out of range
    q1_item = next(i for i in question_stats.days(REALM, "golf", "2026-03-01", "2026-03-01")
                   if i["interaction"] == "q1")
    digest = question_stats.answer_hash("a")
    assert q1_item[f"w_{digest}"] == 0 and f"t_{digest}" not in q1_item  # nobody answers "a" now: its text is gone
    third = _registration([{"id": "q1", "student_response": "a", "result": "wrong"}], version=3)
    assert _apply(second, third) is True  # answered "a" again (and q2 no more): counted and shown again
    (q1,) = questions.analysis(REALM, "golf", "2026-03-01", "2026-03-01")["questions"]
    assert q1["wrongAnswers"] == [{"response": "a", "count": 1}]


def test_wrong_answers_beyond_the_cap_count_as_other_and_sums_stay_exact(aws) -> None:
    cap = question_stats.NAMED_CAP
    for n in range(cap + 5):  # cap + 5 learners, each a different wrong answer (the first twice as often)
        image = {**_registration([{"id": "q1", "student_response": f"answer {n:02d}", "result": "wrong"}]),
                 "pk": f"{REALM}#REG#r{n}"}
        assert _apply(None, image) is True
        if n == 0:
            assert _apply(None, {**image, "pk": f"{REALM}#REG#again"}) is True
    (q1,) = questions.analysis(REALM, "golf", "2026-03-01", "2026-03-01")["questions"]
    assert (q1["attempts"], q1["wrong"], q1["correct"]) == (cap + 6, cap + 6, 0)
    assert q1["wrongAnswers"][0] == {"response": "answer 00", "count": 2}
    assert len(q1["wrongAnswers"]) == questions.TOP_WRONG
    assert q1["otherWrong"] == cap + 6 - sum(a["count"] for a in q1["wrongAnswers"])
    (item,) = question_stats.days(REALM, "golf", "2026-03-01", "2026-03-01")  # the item stays bounded
    assert sum(1 for a in item if a.startswith("w_")) == cap and (item["named"], item["other"]) == (cap, 5)
    # an answer that was not named leaves "other" when it is taken back: the sums stay exact
    last = {**_registration([{"id": "q1", "student_response": f"answer {cap + 4:02d}", "result": "wrong"}]),
            "pk": f"{REALM}#REG#r{cap + 4}"}
    assert _apply(last, None) is True
    (q1,) = questions.analysis(REALM, "golf", "2026-03-01", "2026-03-01")["questions"]
    assert (q1["attempts"], q1["wrong"]) == (cap + 5, cap + 5)
    assert q1["otherWrong"] == cap + 5 - sum(a["count"] for a in q1["wrongAnswers"])
    csv = questions.csv_text(questions.analysis(REALM, "golf", "2026-03-01", "2026-03-01"))
    assert csv.splitlines()[0].startswith("interaction,activity,description,type,attempts,correct,wrong")
    assert "answer 00 (2)" in csv


def test_the_link_page_section_escapes_what_learners_typed() -> None:
    shown = {"questions": [{"id": "q<1>", "description": "<script>x</script>", "attempts": 2, "correctRate": 0.5,
                            "wrongAnswers": [{"response": "<img src=x onerror=alert(1)>", "count": 1}],
                            "otherWrong": 0}]}
    text = questions.html_section(shown)
    assert "<script>" not in text and "<img" not in text
    assert "&lt;img src=x onerror=alert(1)&gt; × 1" in text and "<td>50%</td>" in text
    assert "No answered questions" in questions.html_section({"questions": []})
