"""The ``Put`` commands that carry a file (AICC CMI001 v4, HACP; the student performance file
formats): ``PutComments``, ``PutObjectives``, ``PutInteractions``, ``PutPath`` and
``PutPerformance``. Each ``aicc_data`` is CSV with a header row of field names (any case, any
order; ``course_id``, ``student_id``, ``lesson_id``, ``date`` and ``time`` open every record).

Comments, objectives and interactions become the AU's SCORM 1.2 ``cmi.comments``,
``cmi.objectives.n.*`` and ``cmi.interactions.n.*`` (so the API's runtime view shows them);
path and performance records, which SCORM has no place for, are kept as they came (the newest
:data:`MAX_RECORDS` of each) with the AU's state and shown in the launch's debug log.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from chalicelib.aicc.datamodel import objective_sets, timespan
from chalicelib.aicc.errors import INVALID_COMMAND, HacpError
from chalicelib.aicc.protocol import parse_table

if TYPE_CHECKING:
    from chalicelib.results.runtime_data import RuntimeData

MAX_RECORDS = 200
MAX_FIELD_CHARS = 255  # a kept path/performance field (the registration is one 400 KB item)
MAX_INTERACTIONS = 1000
#: CMI001 interaction types (and their first letters) → SCORM 1.2 ``cmi.interactions.n.type``.
INTERACTION_TYPES: dict[str, str] = {
    **{word: word for word in ("true-false", "choice", "fill-in", "matching", "performance", "likert",
                               "sequencing", "numeric")},
    "t": "true-false", "c": "choice", "f": "fill-in", "m": "matching", "p": "performance", "l": "likert",
    "s": "sequencing", "n": "numeric",
}  # fmt: skip
#: CMI001 interaction results (and first letters); a number is a result too.
RESULTS: dict[str, str] = {"correct": "correct", "c": "correct", "wrong": "wrong", "w": "wrong",
                           "unanticipated": "unanticipated", "u": "unanticipated", "neutral": "neutral",
                           "n": "neutral"}
#: Where each file's fields may be named differently by AUs: field → accepted header names.
ALIASES: dict[str, tuple[str, ...]] = {
    "objective_id": ("objective_id", "j_id", "objective"), "score": ("score", "j_score"),
    "status": ("status", "j_status"), "comment": ("comment", "comments"),
    "interaction_id": ("interaction_id", "interaction"), "type": ("type_interaction", "interaction_type", "type"),
    "correct_response": ("correct_response", "correct_responses"), "student_response": ("student_response",),
}  # fmt: skip
_TIME = re.compile(r"^\d{1,2}:\d{2}:\d{2}(\.\d{1,2})?$")
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


def _field(record: dict[str, str], name: str) -> str:
    return next((record[alias] for alias in ALIASES.get(name, (name,)) if record.get(alias)), "")


def comments(data: RuntimeData, aicc_data: str) -> dict[str, Any]:
    """PutComments: each record's comment is appended to ``cmi.comments`` (one per line)."""
    records = parse_table(aicc_data, "PutComments")
    texts = [_field(r, "comment") for r in records]
    if not all(texts):
        raise HacpError(INVALID_COMMAND, "PutComments: every record needs a comment field")
    joined = "\r\n".join(filter(None, [data.values.get("cmi.comments", ""), *texts]))
    if len(joined) > 64000:
        raise HacpError(INVALID_COMMAND, "PutComments: the learner's comments would pass 64000 characters")
    data.values["cmi.comments"] = joined
    return {"records": len(records)}


def objectives(data: RuntimeData, aicc_data: str) -> dict[str, Any]:
    """PutObjectives: each record updates (same id) or adds one of ``cmi.objectives``."""
    records = parse_table(aicc_data, "PutObjectives")
    found = [{"id": _field(r, "objective_id"), "score": _field(r, "score"), "status": _field(r, "status")}
             for r in records]
    if not all(r["id"] for r in found):
        raise HacpError(INVALID_COMMAND, "PutObjectives: every record needs an objective_id")
    sets: dict[str, str] = {}
    counts: dict[str, int] = {}
    objective_sets(data, found, sets, counts)
    data.values.update(sets)
    data.counts.update(counts)
    return {"records": len(records)}


def _interaction(record: dict[str, str], number: int) -> dict[str, str]:
    where = f"PutInteractions record {number}"
    identifier = _field(record, "interaction_id")
    if not identifier:
        raise HacpError(INVALID_COMMAND, f"{where}: no interaction_id")
    kind = _field(record, "type").lower()
    if kind and kind not in INTERACTION_TYPES:
        raise HacpError(INVALID_COMMAND, f"{where}: type_interaction {kind!r} is not a CMI001 interaction type")
    result = record.get("result", "").strip()
    if result and result.lower() not in RESULTS and not _DECIMAL.match(result):
        raise HacpError(INVALID_COMMAND, f"{where}: result {result!r} is not correct, wrong, unanticipated, neutral "
                                         "or a number")
    weighting, moment = record.get("weighting", ""), record.get("time", "")
    if weighting and not _DECIMAL.match(weighting):
        raise HacpError(INVALID_COMMAND, f"{where}: weighting {weighting!r} is not a number")
    if moment and not _TIME.match(moment):
        raise HacpError(INVALID_COMMAND, f"{where}: time {moment!r} is not HH:MM:SS")
    latency = timespan(record["latency"], f"{where} latency") if record.get("latency") else ""
    return {"id": identifier, "type": INTERACTION_TYPES.get(kind, ""), "time": moment, "weighting": weighting,
            "student_response": _field(record, "student_response"), "result": RESULTS.get(result.lower(), result),
            "latency": latency, "objective": _field(record, "objective_id"),
            "pattern": _field(record, "correct_response")}


def interactions(data: RuntimeData, aicc_data: str) -> dict[str, Any]:
    """PutInteractions: each record is a new ``cmi.interactions.n`` (interactions are a journal)."""
    records = [_interaction(r, n) for n, r in enumerate(parse_table(aicc_data, "PutInteractions"), start=2)]
    start = data.count("cmi.interactions")
    if start + len(records) > MAX_INTERACTIONS:
        raise HacpError(INVALID_COMMAND, f"PutInteractions: more than {MAX_INTERACTIONS} interactions for this AU")
    for offset, found in enumerate(records):
        prefix = f"cmi.interactions.{start + offset}"
        for key in ("id", "type", "time", "weighting", "student_response", "result", "latency"):
            if found[key]:
                data.values[f"{prefix}.{key}"] = found[key]
        if found["objective"]:
            data.values[f"{prefix}.objectives.0.id"] = found["objective"]
            data.counts[f"{prefix}.objectives"] = 1
        if found["pattern"]:
            data.values[f"{prefix}.correct_responses.0.pattern"] = found["pattern"]
            data.counts[f"{prefix}.correct_responses"] = 1
    data.counts["cmi.interactions"] = start + len(records)
    return {"records": len(records)}


def journal(state: dict[str, Any], kind: str, aicc_data: str, command: str) -> dict[str, Any]:
    """PutPath / PutPerformance: the records kept as sent (fields cut at :data:`MAX_FIELD_CHARS`),
    the newest :data:`MAX_RECORDS`."""
    records = parse_table(aicc_data, command)
    kept = state.setdefault("hacp", {}).setdefault(kind, [])
    kept.extend({k: v[:MAX_FIELD_CHARS] for k, v in r.items()} for r in records)
    del kept[: max(0, len(kept) - MAX_RECORDS)]
    return {"records": len(records)}
