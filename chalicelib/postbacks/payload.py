"""What a postback sends.

Registration postbacks carry the registration as ``GET /registrations/{id}`` (RegistrationSchema)
shows it, at the settings' ``resultsFormat`` (SCORM Cloud's three levels):

============  ====================================================================
COURSE        registration-level results only
ACTIVITY      plus the activity tree (``includeChildResults``)
FULL          plus interactions, objectives and runtime data
              (``includeInteractionsAndObjectives`` + ``includeRuntime``)
============  ====================================================================

Encoding (RegistrationApi ``testRegistrationPostback``): HTTPBASIC and UNDEFINED send the JSON
as the body (``application/json``), HTTPBASIC with ``Authorization: Basic``; FORM sends an
``application/x-www-form-urlencoded`` body with ``username``, ``password`` and ``data`` (the JSON).
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlencode

FORMATS = {"COURSE": {"children": False, "with_io": False, "with_runtime": False},
           "ACTIVITY": {"children": True, "with_io": False, "with_runtime": False},
           "FULL": {"children": True, "with_io": True, "with_runtime": True}}


def includes(results_format: str) -> dict[str, bool]:
    return FORMATS.get(results_format, FORMATS["COURSE"])


def encode(data: dict[str, Any], auth_type: str, user: str, password: str) -> tuple[bytes, dict[str, str]]:
    """The request body and headers for ``data`` under ``auth_type``."""
    text = json.dumps(data, separators=(",", ":"), default=str)
    if auth_type == "FORM":
        fields = {"username": user, "password": password, "data": text} if user else {"data": text}
        return urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    headers = {"Content-Type": "application/json"}
    if auth_type == "HTTPBASIC":
        headers["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    return text.encode(), headers
