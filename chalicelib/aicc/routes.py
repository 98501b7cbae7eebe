"""``POST /launch/aicc/hacp``: the HACP endpoint an AICC AU's ``aicc_url`` names (AICC CMI001 v4, HACP).

Public: the ``session_id`` is the capability (``chalicelib.aicc.sessions``). Answers are
``text/plain`` and allow any origin, so externally hosted AUs can read them from script
(no credentials are involved; a simple form post needs no preflight, OPTIONS answers one anyway).
"""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib import permissions
from chalicelib.aicc import endpoint

api = Blueprint(__name__)
PERMISSION = permissions.public("AICC HACP: the form's session_id is a signed, expiring capability for one AU "
                                "attempt, checked by chalicelib.aicc")
FORMS = ["application/x-www-form-urlencoded", "text/plain", "application/octet-stream"]
HEADERS: dict[str, str | list[str]] = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store",
           "Access-Control-Allow-Origin": "*"}


@api.route("/launch/aicc/hacp", methods=["POST"], content_types=FORMS)
def hacp() -> Response:
    body = api.current_request.raw_body or b""
    return Response(body=endpoint.handle(body), status_code=200, headers=dict(HEADERS))


@api.route("/launch/aicc/hacp", methods=["OPTIONS"])
def hacp_preflight() -> Response:
    return Response(body="", status_code=204, headers={
        **HEADERS, "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Max-Age": "600"})
