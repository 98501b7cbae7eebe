"""``/api/dispatch/...``: what the web app asks of dispatch beyond API v2 (a signed-in
Administrator or Owner): PENS publishing of a dispatch and its receipts and alerts."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib import permissions
from chalicelib.dispatch import pens
from chalicelib.middleware import request_json
from chalicelib.routes import caller

api = Blueprint(__name__)
PERMISSION = permissions.web(permissions.ADMINS)


@api.route("/api/dispatch/dispatches/{dispatchId}/pens", methods=["POST"])
def publish(dispatchId: str) -> dict[str, Any]:  # noqa: N803 - the API's names
    return pens.publish(caller(api).realm_id, dispatchId, request_json(api.current_request))


@api.route("/api/dispatch/dispatches/{dispatchId}/pens", methods=["GET"])
def pens_records(dispatchId: str) -> dict[str, Any]:  # noqa: N803
    return {"records": pens.records(caller(api).realm_id, dispatchId)}
