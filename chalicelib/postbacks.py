"""Registration postbacks: the ``PostBackSchema`` settings and the test send
(SCORM Cloud API v2 ``testRegistrationPostback``: "send a test postback with the given settings").

A postback POSTs a registration's results to the customer's URL. ``resultsFormat`` picks how much
(``COURSE``: the registration's summary; ``ACTIVITY``: plus the activity tree; ``FULL``: plus
run-time data, interactions and objectives); ``authType`` ``HTTPBASIC`` sends the user name and
password as Basic credentials, ``FORM`` (the default) sends them as form fields beside ``data``.
Every request goes through :mod:`chalicelib.outbound` (SSRF-safe).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from chalicelib import outbound
from chalicelib.errors import BadRequest

AUTH_TYPES = ("FORM", "HTTPBASIC")
RESULTS_FORMATS = ("COURSE", "ACTIVITY", "FULL")


@dataclass(frozen=True)
class PostBack:
    url: str
    auth_type: str = "FORM"
    user_name: str = ""
    password: str = ""
    results_format: str = "COURSE"
    legacy: bool = False


def _choice(raw: object, name: str, allowed: tuple[str, ...]) -> str:
    if raw in (None, ""):
        return allowed[0]
    value = str(raw).upper()
    if value not in allowed:
        raise BadRequest(f"{name} must be one of {', '.join(allowed)}, not {raw!r}.")
    return value


def parse(body: object) -> PostBack:
    """PostBackSchema → :class:`PostBack` (400 naming the field when it is wrong)."""
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object (PostBackSchema).")
    url = body.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise BadRequest("url is required: an http(s) URL.")
    try:
        outbound.resolve(url)
    except outbound.OutboundRefused as err:
        raise BadRequest(f"url is refused: {err}.") from err
    for name in ("userName", "password"):
        if not isinstance(body.get(name) or "", str):
            raise BadRequest(f"{name} must be a string.")
    legacy = body.get("legacy", False)
    if not isinstance(legacy, bool):
        raise BadRequest("legacy must be true or false.")
    return PostBack(url, _choice(body.get("authType"), "authType", AUTH_TYPES), body.get("userName") or "",
                    body.get("password") or "", _choice(body.get("resultsFormat"), "resultsFormat", RESULTS_FORMATS),
                    legacy)


def payload(registration: dict[str, Any], results_format: str) -> dict[str, Any]:
    """The registration as ``resultsFormat`` shows it."""
    if results_format == "COURSE":
        return {k: v for k, v in registration.items() if k != "activityDetails"}
    return registration


def send(target: PostBack, registration: dict[str, Any]) -> int:
    """POST the registration's results; return the receiver's HTTP status."""
    data = json.dumps(payload(registration, target.results_format))
    headers: dict[str, str] = {}
    if target.auth_type == "HTTPBASIC":
        token = base64.b64encode(f"{target.user_name}:{target.password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    if target.auth_type == "FORM" or target.legacy:
        body = urlencode({"username": target.user_name, "password": target.password, "data": data}).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    else:
        body = data.encode()
        headers["Content-Type"] = "application/json"
    return outbound.send("POST", target.url, body, headers).status


def sample_registration() -> dict[str, Any]:
    """The registration a test postback carries (clearly not a real one)."""
    return {
        "id": "postback-test-registration", "instance": 0, "xapiRegistrationId": "00000000-0000-4000-8000-000000000000",
        "registrationCompletion": "COMPLETED", "registrationCompletionAmount": 1.0, "registrationSuccess": "PASSED",
        "score": {"scaled": 100.0}, "totalSecondsTracked": 60.0,
        "course": {"id": "postback-test-course", "title": "Postback test", "version": 0},
        "learner": {"id": "postback-test-learner", "firstName": "Test", "lastName": "Learner", "email": ""},
        "tags": [], "globalObjectives": [], "sharedData": [],
        "activityDetails": {"id": "postback-test-course", "title": "Postback test", "attempts": 1,
                            "activityCompletion": "COMPLETED", "activitySuccess": "PASSED",
                            "score": {"scaled": 100.0}, "timeTracked": "0000:01:00", "children": []},
    }


def test(body: object) -> None:
    """Send the sample registration; 400 naming the receiver's answer unless it was 2xx/3xx."""
    target = parse(body)
    try:
        status = send(target, sample_registration())
    except outbound.OutboundRefused as err:
        raise BadRequest(f"The test postback could not be delivered: {err}.") from err
    if status >= 400:
        raise BadRequest(f"The test postback was answered with HTTP {status} by {target.url}.")
