"""Answers of statement-tracked content (xAPI / TinCan packages, cmi5 AUs), for question analysis.

SCORM content keeps its answers in ``cmi.interactions``; xAPI content states them: an
``answered`` statement (ADL vocabulary) — or any statement whose object is an interaction activity
(``definition.type`` ``…/activities/cmi.interaction``, xAPI Data §2.4.4.1 "Interaction
Activities") — with ``result.response`` and ``result.success`` (xAPI Data §2.4.5). The launched
activity's state keeps, per question (the statement's ``object.id``), the latest such answer:
``answers[id] = {response, success, type, description}``, at most :data:`KEPT_ANSWERS` questions
and :data:`TEXT_CHARS` characters per text (:data:`ID_CHARS` per id), so the registration item stays small.
:mod:`chalicelib.reports.questions` counts them as it counts SCORM interactions.
"""

from __future__ import annotations

from typing import Any

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
KEPT_ANSWERS = 100  # the registration item holds them (DynamoDB: 400 KB an item)
TEXT_CHARS = 200
ID_CHARS = 500


def _language_map(value: Any) -> str:
    """``{"en-US": "…"}`` → its first text (xAPI Data §4.2.7 Language Map)."""
    if isinstance(value, dict):
        for text in value.values():
            if isinstance(text, str):
                return text
    return ""


def is_answer(statement: dict[str, Any]) -> bool:
    target = statement.get("object")
    if not isinstance(target, dict) or target.get("objectType", "Activity") != "Activity" or not target.get("id"):
        return False
    definition: dict[str, Any] = target["definition"] if isinstance(target.get("definition"), dict) else {}
    verb = (statement.get("verb") or {}).get("id") if isinstance(statement.get("verb"), dict) else None
    return verb == ANSWERED or definition.get("type") == INTERACTION


def record(state: dict[str, Any], statement: dict[str, Any]) -> bool:
    """Keep the statement's answer in the activity ``state``; True if it was an answer."""
    if not is_answer(statement):
        return False
    target = statement["object"]
    definition: dict[str, Any] = target["definition"] if isinstance(target.get("definition"), dict) else {}
    result: dict[str, Any] = statement["result"] if isinstance(statement.get("result"), dict) else {}
    response, success = result.get("response"), result.get("success")
    if not isinstance(response, str) and not isinstance(success, bool):
        return False  # answered nothing we can count
    kept = state.setdefault("answers", {})
    question = str(target["id"])[:ID_CHARS]
    if question not in kept and len(kept) >= KEPT_ANSWERS:
        return False
    kept.pop(question, None)  # the latest answer last
    kept[question] = {"response": response[:TEXT_CHARS] if isinstance(response, str) else "",
                      "success": success if isinstance(success, bool) else None,
                      "type": str(definition.get("interactionType") or "")[:40],
                      "description": _language_map(definition.get("description"))[:TEXT_CHARS]
                      or _language_map(definition.get("name"))[:TEXT_CHARS]}
    return True
