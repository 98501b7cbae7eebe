"""What a cmi5 AU sends, built from its launch (the launch URL's parameters and the
``LMS.LaunchData`` context template): cmi5 defined and allowed statements."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

ADL = "http://adlnet.gov/expapi/verbs/"
CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVE_ON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"


@dataclass
class AuLaunch:
    endpoint: str
    fetch: str
    actor: dict[str, Any]
    registration: str
    activity_id: str
    launch_data: dict[str, Any] | None = None

    @classmethod
    def from_url(cls, url: str) -> AuLaunch:
        import json

        q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        return cls(q["endpoint"], q["fetch"], json.loads(q["actor"]), q["registration"], q["activityId"])

    @property
    def session_id(self) -> str:
        return str((self.launch_data or {})["contextTemplate"]["extensions"][SESSION])


def statement(au: AuLaunch, verb: str, *, result: dict[str, Any] | None = None, defined: bool = True,
              move_on: bool | None = None) -> dict[str, Any]:
    """A statement of the session: ``verb`` (a name of ADL's verbs or an IRI), cmi5 defined unless
    ``defined`` is False; the moveon category for completed / passed / failed."""
    iri = verb if "/" in verb else ADL + verb
    context = copy.deepcopy((au.launch_data or {}).get("contextTemplate") or {})
    context["registration"] = au.registration
    categories = context.setdefault("contextActivities", {}).setdefault("category", [])
    if defined:
        categories.append({"id": CMI5})
    if move_on if move_on is not None else defined and verb in ("completed", "passed", "failed"):
        categories.append({"id": MOVE_ON})
    if defined and verb in ("passed", "failed") and (au.launch_data or {}).get("masteryScore") is not None:
        context.setdefault("extensions", {})[MASTERY] = au.launch_data["masteryScore"]  # type: ignore[index]
    made = {"id": str(uuid.uuid4()), "actor": au.actor, "verb": {"id": iri, "display": {"en-US": verb}},
            "object": {"objectType": "Activity", "id": au.activity_id}, "context": context,
            "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")}
    if result is not None:
        made["result"] = result
    return made


def initialized(au: AuLaunch) -> dict[str, Any]:
    return statement(au, "initialized")


def completed(au: AuLaunch) -> dict[str, Any]:
    return statement(au, "completed", result={"completion": True, "duration": "PT1M"})


def passed(au: AuLaunch, scaled: float = 0.9) -> dict[str, Any]:
    return statement(au, "passed", result={"success": True, "score": {"scaled": scaled}, "duration": "PT2M"})


def failed(au: AuLaunch, scaled: float = 0.5) -> dict[str, Any]:
    return statement(au, "failed", result={"success": False, "score": {"scaled": scaled}, "duration": "PT2M"})


def terminated(au: AuLaunch) -> dict[str, Any]:
    return statement(au, "terminated", result={"duration": "PT3M"})
