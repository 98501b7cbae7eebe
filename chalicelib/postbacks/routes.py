"""Postback routes: API v2 ``POST /registrations/postBackTest`` (RegistrationApi
``testRegistrationPostback``), the delivery log of a registration in API v2 (a Nimbus addition,
``GET /registrations/{id}/postBackLog``) and for the web app's registration page."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import permissions, registrations
from chalicelib.errors import BadRequest
from chalicelib.middleware import request_json
from chalicelib.postbacks import config, delivery
from chalicelib.routes import caller

api = Blueprint(__name__)
WEB = permissions.web(permissions.ADMINS)


@api.route("/api/v2/registrations/postBackTest", methods=["POST"])
def test_registration_postback() -> Response:
    outcome = delivery.test_delivery(request_json(api.current_request), caller(api).realm_id)
    if not outcome["delivered"]:
        answer = f"HTTP {outcome['status']}" if "status" in outcome else outcome.get("error", "no answer")
        raise BadRequest(f"postBack.url did not accept the test postback: {answer}.")
    return Response(body="", status_code=204)


def _log(registration_id: str) -> dict[str, Any]:
    realm_id = caller(api).realm_id
    item = registrations.require(realm_id, registration_id)
    return {"postBack": config.shown(item.postback),
            "attempts": delivery.log("registration", realm_id, registration_id)}


@api.route("/api/v2/registrations/{registrationId}/postBackLog", methods=["GET"])
def registration_postback_log(registrationId: str) -> dict[str, Any]:  # noqa: N803 - the API's names
    return _log(registrationId)


@api.route("/api/app/registrations/{registrationId}/postbacks", methods=["GET"])
@permissions.declare(WEB)
def registration_postbacks(registrationId: str) -> dict[str, Any]:  # noqa: N803
    return _log(registrationId)
