"""Forwarding SCORM results as xAPI statements (setting ``XapiForwardScormResults``,
docs/settings.md): when a SCORM or AICC registration becomes completed, passed or failed, the
realm's own LRS (``/lrs/{realmId}``) receives a statement saying so, filed under the
registration's ``xapiRegistrationId`` — so ``GET /registrations/{id}/xAPIStatements`` and every
xAPI consumer of the realm see SCORM courses too.

The statement (xAPI 1.0.3 Data §2.4): actor — the learner as an ``account`` on Nimbus's base URL
named by the learner id (xAPI §2.4.2.4; no email is sent); verb — ADL ``completed``, ``passed``
or ``failed``; object — the course as an Activity (its ``activityId`` from the import, else
``{base}/courses/{courseId}``) with its title; result — completion, success, ``score.scaled``
(0–1) and the time tracked as ``duration``; context — the registration, and the instance as an
extension. The authority is Nimbus itself.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from chalicelib.config import settings
from chalicelib.lrs.endpoint import Endpoint
from chalicelib.lrs.statements import store_statements

if TYPE_CHECKING:
    from chalicelib.store.tables import RegistrationItem

VERBS = {"completed": "http://adlnet.gov/expapi/verbs/completed", "passed": "http://adlnet.gov/expapi/verbs/passed",
         "failed": "http://adlnet.gov/expapi/verbs/failed"}
INSTANCE_EXTENSION = "https://nimbus.dev/xapi/extensions/registration-instance"
#: Every statement's id is derived from these: a retried transition files the same statement.
NAMESPACE = uuid.UUID("8f7b0c55-2f0e-4f44-9b5e-0d2f7a1c6e11")


def _base() -> str:
    return settings().base_url.rstrip("/")


def transitions(before: tuple[str, str], after: tuple[str, str]) -> list[str]:
    """The verbs a change of (completion, success) calls for."""
    verbs = []
    if after[0] == "COMPLETED" and before[0] != "COMPLETED":
        verbs.append("completed")
    if after[1] in ("PASSED", "FAILED") and after[1] != before[1]:
        verbs.append(after[1].lower())
    return verbs


def _duration(seconds: float) -> str:
    return f"PT{round(seconds, 2)}S"


def statement(item: RegistrationItem, verb: str) -> dict[str, Any]:
    details = item.details or {}
    course_title = str(details.get("courseTitle") or item.course_id)
    result: dict[str, Any] = {"completion": item.completion == "COMPLETED",
                              "duration": _duration(float(item.total_seconds or 0))}
    if item.success in ("PASSED", "FAILED"):
        result["success"] = item.success == "PASSED"
    if item.score_scaled is not None:
        result["score"] = {"scaled": max(-1.0, min(1.0, float(item.score_scaled) / 100))}
    activity = str(details.get("activityId") or f"{_base()}/courses/{quote(item.course_id, safe='')}")
    name = f"{verb}:{item.registration_id}:{int(item.instance or 0)}:{item.completion}:{item.success}"
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"{item.realm_id}:{name}")),
        "actor": {"objectType": "Agent",
                  "account": {"homePage": _base(), "name": str((item.learner or {}).get("id", ""))}},
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": activity,
                   "definition": {"name": {"en-US": course_title},
                                  "type": "http://adlnet.gov/expapi/activities/course"}},
        "result": result,
        "context": {"registration": str(details.get("xapiRegistrationId", "")),
                    "extensions": {INSTANCE_EXTENSION: int(item.instance or 0)}},
    }


def forward(item: RegistrationItem, before: tuple[str, str]) -> list[str]:
    """Store the statements for the registration's change of results; their ids."""
    verbs = transitions(before, (item.completion, item.success))
    if not verbs or not (item.details or {}).get("xapiRegistrationId"):
        return []
    endpoint = Endpoint(realm_id=item.realm_id, lrs_id=item.realm_id, version="1.0.3", credential_id="nimbus-runtime",
                        authority={"objectType": "Agent", "name": "Nimbus",
                                   "account": {"homePage": _base(), "name": "nimbus-runtime"}},
                        can_read_any=True, can_read_own=True, can_write=True)
    return store_statements(endpoint, [statement(item, verb) for verb in verbs], {})
