"""xAPI statements, agents and multipart bodies for the LRS tests."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from typing import Any

VERB = "http://adlnet.gov/expapi/verbs/experienced"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def agent(name: str = "learner") -> dict[str, Any]:
    return {"objectType": "Agent", "name": name, "mbox": f"mailto:{name}@example.com"}


def statement(*, actor: str = "learner", verb: str = VERB, activity: str = "http://example.com/a1",
              registration: str | None = None, **extra: Any) -> dict[str, Any]:
    made: dict[str, Any] = {"id": str(uuid.uuid4()), "actor": agent(actor),
                            "verb": {"id": verb, "display": {"en-US": "experienced"}},
                            "object": {"objectType": "Activity", "id": activity,
                                       "definition": {"name": {"en-US": "Activity"}}}}
    if registration:
        made["context"] = {"registration": registration}
    made.update(extra)
    return made


def voiding(target_id: str) -> dict[str, Any]:
    return statement(verb=VOIDED, object={"objectType": "StatementRef", "id": target_id})


def with_attachment(body: bytes, content_type: str = "text/plain") -> tuple[dict[str, Any], str]:
    sha2 = hashlib.sha256(body).hexdigest()
    made = statement(attachments=[{"usageType": "http://example.com/usage", "display":
                                   {"en-US": "notes"}, "contentType": content_type,
                                   "length": len(body), "sha2": sha2}])
    return made, sha2


def multipart(statements: Any, parts: list[tuple[bytes, str, str]],
              boundary: str = "nimbusboundary") -> tuple[bytes, str]:
    """(body, content type) of a multipart/mixed xAPI request; parts are (body, type, sha2)."""
    out = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
           json.dumps(statements).encode(), b"\r\n"]
    for body, content_type, sha2 in parts:
        out += [f"--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: "
                f"binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n".encode(), body, b"\r\n"]
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/mixed; boundary={boundary}"


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
