"""Question analysis (Reportage): per course and interaction, how many learners answered, how
many answered correctly, and the most common wrong answers.

Where answers come from, per activity of the registration (``details.activities``):

* SCORM 1.2 / 2004 (and AICC ``PutInteractions``, stored as SCORM 1.2): the run-time data's
  ``cmi.interactions.n`` — ``id``, ``type``, ``description`` (2004), ``student_response`` (1.2,
  RTE 3.4.2.7) / ``learner_response`` (2004, RTE 4.2.9) and ``result``;
* xAPI / cmi5: the ``answered`` statements (and any statement about a ``cmi.interaction``
  activity) of the launch, kept per question in the activity's ``answers``
  (:mod:`chalicelib.results.answers`): ``object.id``, its definition, ``result.response`` and
  ``result.success``.

What a registration contributes — chosen so that a report is a pure function of the registrations
table, like the other counters (:mod:`chalicelib.reports.aggregates`): **its latest answer per
(activity, interaction)**. SCORM 1.2 interactions are a journal (each try appends
``cmi.interactions.n`` with the same id) and SCORM 2004 content may either append or update; the
last entry with an id is the learner's answer now. So ``attempts`` counts learners' registrations
that answered the question (not every try), ``correct`` those whose latest answer is correct, and
the wrong answers those whose latest answer is wrong, by response. A change (old → new image) adds
``contribution(new) − contribution(old)``: a changed answer moves from one response to the other,
a reset or deleted registration takes its answers out; applied once each (the registration and
its version), however changes repeat or arrive out of order, the counters equal a recomputation.

Which results count (data: :data:`RESULTS`): ``correct``; ``wrong`` (1.2) / ``incorrect`` (2004)
and an xAPI ``result.success`` of false are wrong; ``unanticipated``, ``neutral`` and numeric
results count as attempts only. Answers count on the registration's results day (its completion
day if completed, else its creation day — as passes, failures and scores do), never on the
content's clock. Sandbox (preview) registrations never count. Questions are per activity: two
SCOs that both name an interaction ``q1`` are two questions.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.errors import NotFound
from chalicelib.reports.aggregates import _day, _json
from chalicelib.store import courses as course_store
from chalicelib.store import question_stats as store

if TYPE_CHECKING:
    from chalicelib.store.changes import TableChange

#: a SCORM ``cmi.interactions.n.result`` token (lower-cased) → how it counts
RESULTS: dict[str, str] = {"correct": "correct", "wrong": "wrong", "incorrect": "wrong",
                           "unanticipated": "attempt", "neutral": "attempt"}
RESPONSE_CHARS = store.TEXT_CHARS
TOP_WRONG = 5  # wrong answers a report names per question; the rest are "other"
Slot = store.Slot


@dataclass(frozen=True)
class Answer:
    """A registration's latest answer to one interaction of one activity."""

    activity: str
    interaction: str
    kind: str  # the interaction type (true-false, choice, fill-in…)
    description: str
    response: str
    outcome: str  # correct | wrong | attempt

    @property
    def question(self) -> str:
        return hashlib.sha256(f"{self.activity}\n{self.interaction}".encode()).hexdigest()[:20]


def _outcome(result: str) -> str:
    return RESULTS.get(result.strip().lower(), "attempt")


def _scorm(activity: str, data: dict[str, Any]) -> dict[str, Answer]:
    """The last ``cmi.interactions.n`` per id that has a response or a result."""
    values, counts = data.get("values") or {}, data.get("counts") or {}
    found: dict[str, Answer] = {}
    for n in range(int(counts.get("cmi.interactions", 0) or 0)):
        prefix = f"cmi.interactions.{n}."
        ident = str(values.get(prefix + "id") or "")
        response = str(values.get(prefix + "learner_response", values.get(prefix + "student_response", "")))
        result = str(values.get(prefix + "result") or "")
        if ident and (response or result):
            found[ident] = Answer(activity, ident, str(values.get(prefix + "type") or ""),
                                  str(values.get(prefix + "description") or ""), response.strip()[:RESPONSE_CHARS],
                                  _outcome(result))
    return found


def _statements(activity: str, kept: dict[str, Any]) -> dict[str, Answer]:
    found: dict[str, Answer] = {}
    for ident, answer in kept.items():
        if isinstance(answer, dict):
            success = answer.get("success")
            outcome = "attempt" if not isinstance(success, bool) else "correct" if success else "wrong"
            found[str(ident)] = Answer(activity, str(ident), str(answer.get("type") or ""),
                                       str(answer.get("description") or ""),
                                       str(answer.get("response") or "").strip()[:RESPONSE_CHARS], outcome)
    return found


def answers(image: dict[str, Any]) -> list[Answer]:
    """The registration's latest answer per (activity, interaction)."""
    found: list[Answer] = []
    activities = _json(image.get("details")).get("activities") or {}
    for activity, state in sorted(activities.items()) if isinstance(activities, dict) else []:
        if not isinstance(state, dict):
            continue
        if isinstance(state.get("data"), dict):
            found += _scorm(str(activity), state["data"]).values()
        if isinstance(state.get("answers"), dict):
            found += _statements(str(activity), state["answers"]).values()
    return found


def _results_day(image: dict[str, Any]) -> str | None:
    created = _day(image.get("created"))
    if image.get("completion") == "COMPLETED":
        return _day(_json(image.get("details")).get("completedDate")) or created
    return created


def contribution(image: dict[str, Any]) -> dict[Slot, dict[str, float]]:
    """What a registration adds: per (course, results day, question) ``attempts``, ``correct``,
    ``wrong`` and ``w:{response}`` (a wrong answer)."""
    if not image or image.get("sk") != "REG" or image.get("sandbox") or not image.get("realm_id"):
        return {}
    day, course = _results_day(image), str(image.get("course_id") or "")
    if day is None or not course:
        return {}
    out: dict[Slot, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for answer in answers(image):
        counters = out[(course, day, answer.question)]
        counters["attempts"] += 1
        if answer.outcome == "correct":
            counters["correct"] += 1
        elif answer.outcome == "wrong":
            counters["wrong"] += 1
            counters[store.ANSWER_PREFIX + answer.response] += 1
    return {k: dict(v) for k, v in out.items()}


def delta(old: dict[str, Any], new: dict[str, Any]) -> dict[Slot, dict[str, float]]:
    """``contribution(new) − contribution(old)``, zeros left out."""
    out: dict[Slot, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for sign, image in ((-1, old), (1, new)):
        for slot, counters in contribution(image).items():
            for name, amount in counters.items():
                out[slot][name] += sign * amount
    return {k: {n: a for n, a in v.items() if a} for k, v in out.items() if any(v.values())}


def meta(image: dict[str, Any]) -> dict[str, dict[str, str]]:
    """question → interaction, activity, description, type (what a report shows of it)."""
    return {a.question: {"interaction": a.interaction, "activity": a.activity, "description": a.description,
                         "itype": a.kind} for a in answers(image)}


def apply_change(change: TableChange) -> bool:
    """A registrations-table change into the question counters, once (keyed on the version)."""
    if change.keys.get("sk") != "REG":
        return False
    moved = delta(change.old, change.new)
    if not moved:
        return False
    image = change.new or change.old
    change_id = (f"{change.keys['pk']}#v{change.new.get('version')}" if change.new
                 else f"{change.keys['pk']}#removed#v{change.old.get('version')}")
    return store.apply(change_id, str(image["realm_id"]), moved, {**meta(change.old), **meta(change.new)})


# --- the report ---------------------------------------------------------------------------------


def _natural(text: str) -> list[tuple[int, int, str]]:
    """``q2`` before ``q10``."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text)]


def analysis(realm_id: str, course_id: str, first: str, last: str) -> dict[str, Any]:
    """``{courseId, from, to, questions: [{id, activity, description, type, attempts, correct,
    wrong, correctRate, wrongAnswers: [{response, count}], otherWrong}]}``."""
    merged: dict[str, dict[str, Any]] = {}
    for item in store.days(realm_id, course_id, first, last):
        row = merged.setdefault(item["question"], {
            "id": "", "activity": "", "description": "", "type": "", "attempts": 0.0, "correct": 0.0,
            "wrong": 0.0, "answers": defaultdict(float), "texts": {}})
        for name, field in (("interaction", "id"), ("activity", "activity"), ("description", "description"),
                            ("itype", "type")):
            row[field] = row[field] or str(item.get(name) or "")
        for name in store.COUNTERS:
            row[name] += float(item.get(name) or 0)
        for attribute, value in item.items():
            if attribute.startswith("w_"):
                row["answers"][attribute[2:]] += float(value)
                row["texts"][attribute[2:]] = str(item.get("t_" + attribute[2:], ""))
    questions = []
    for row in merged.values():
        if not row["attempts"] and not row["wrong"]:
            continue
        named = sorted(((int(c), row["texts"][h]) for h, c in row["answers"].items() if int(c) > 0),
                       key=lambda p: (-p[0], p[1]))[:TOP_WRONG]
        attempts, correct, wrong = int(row["attempts"]), int(row["correct"]), int(row["wrong"])
        questions.append({
            "id": row["id"], "activity": row["activity"], "description": row["description"], "type": row["type"],
            "attempts": attempts, "correct": correct, "wrong": wrong,
            "correctRate": round(correct / attempts, 4) if attempts else None,
            "wrongAnswers": [{"response": text, "count": count} for count, text in named],
            "otherWrong": wrong - sum(count for count, _text in named)})
    questions.sort(key=lambda q: (q["activity"], _natural(q["id"])))
    return {"courseId": course_id, "from": first, "to": last, "questions": questions}


def for_course(realm_id: str, course_id: str, first: str, last: str) -> dict[str, Any]:
    """:func:`analysis` with the course's title; 404 for a course the realm neither has nor has
    answers of (a deleted course's answers stay reportable while they last)."""
    shown = analysis(realm_id, course_id, first, last)
    course = course_store.get_course(realm_id, course_id)
    if course is None and not shown["questions"] and not store.has_any(realm_id, course_id):
        raise NotFound(f"Course {course_id!r} does not exist.")
    return {**shown, "courseTitle": course.title if course is not None else ""}


def csv_text(shown: dict[str, Any]) -> str:
    """The question table as CSV (text cells that would start a formula are quoted)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["interaction", "activity", "description", "type", "attempts", "correct", "wrong",
                     "correctRate", "commonWrongAnswers", "otherWrong"])
    for q in shown["questions"]:
        common = "; ".join(f"{a['response']} ({a['count']})" for a in q["wrongAnswers"])
        writer.writerow([_cell(q["id"]), _cell(q["activity"]), _cell(q["description"]), _cell(q["type"]),
                         q["attempts"], q["correct"], q["wrong"], "" if q["correctRate"] is None else q["correctRate"],
                         _cell(common), q["otherWrong"]])
    return out.getvalue()


def _html_row(q: dict[str, Any]) -> str:
    esc = html.escape
    rate = "–" if q["correctRate"] is None else f"{round(100 * q['correctRate'])}%"
    common = [f"{a['response'] or '(no response)'} × {a['count']}" for a in q["wrongAnswers"]]
    if q["otherWrong"]:
        common.append(f"other × {q['otherWrong']}")
    return (f"<tr><td>{esc(q['id'])}</td><td>{esc(q['description'])}</td><td>{q['attempts']}</td>"
            f"<td>{rate}</td><td>{esc('; '.join(common))}</td></tr>")


def html_section(shown: dict[str, Any]) -> str:
    """The question table for the reportage link's page (every value escaped)."""
    if not shown["questions"]:
        return "<h2>Question analysis</h2><p>No answered questions in this range.</p>"
    return ("<h2>Question analysis</h2><table aria-label='Question analysis'><tr><th>Interaction</th>"
            "<th>Description</th><th>Attempts</th><th>% correct</th><th>Common wrong answers</th></tr>"
            + "".join(_html_row(q) for q in shown["questions"]) + "</table>")


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
