"""``/api/account``: the Account section, for owners only: plan and usage overview, billing
tier selection and summary (records only), "Clear Existing Registrations", and the usage
report (overall and last 30 days) as JSON or CSV."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import permissions, plans
from chalicelib.errors import BadRequest
from chalicelib.middleware import request_json
from chalicelib.reports import usage as reported_usage
from chalicelib.routes import caller

api = Blueprint(__name__)
PERMISSION = permissions.web(permissions.OWNER)


@api.route("/api/account", methods=["GET"])
def overview() -> dict[str, Any]:
    return plans.overview(caller(api).realm_id)


@api.route("/api/account/plan", methods=["PUT"], content_types=["application/json"])
def select_tier() -> dict[str, Any]:
    body = request_json(api.current_request)
    if not isinstance(body, dict):
        raise BadRequest("Request body must be a JSON object with plan.")
    who = caller(api)
    plans.select_tier(who.realm_id, body.get("plan"), who.principal)
    return plans.overview(who.realm_id)


@api.route("/api/account/registrations/clear", methods=["POST"])
def clear_registrations() -> dict[str, Any]:
    """"Clear Existing Registrations": deletes them and resets the plan's count."""
    who = caller(api)
    deleted = plans.clear_registrations(who.realm_id, who.principal)
    return {"deleted": deleted, **plans.overview(who.realm_id)}


@api.route("/api/account/usage", methods=["GET"])
def usage() -> dict[str, Any]:
    """The usage report, read from the Reportage aggregates (chalicelib/reports/usage.py)."""
    return reported_usage.account_usage(caller(api).realm_id)


@api.route("/api/account/usage.csv", methods=["GET"])
def usage_csv() -> Response:
    text = reported_usage.usage_csv(reported_usage.account_usage(caller(api).realm_id))
    return Response(body=text, headers={"Content-Type": "text/csv; charset=utf-8",
                                        "Content-Disposition": 'attachment; filename="nimbus-usage.csv"'})
