"""cmi5 routes: the one-time fetch URL AUs call (cmi5 §8.2), and the Nimbus extension of the API v2
that SCORM Cloud's API lacks (docs/cmi5.md): launch one AU of a registration with a given actor
and launch mode, waive an AU, abandon a session.

    POST /launch/cmi5/fetch/{token}                                   -> {"auth-token"} | {"error-code", "error-text"}
    POST /api/v2/registrations/{id}/cmi5/launch                       {auId | auIndex, actor?, launchMode?, returnUrl?}
    POST /api/v2/registrations/{id}/cmi5/waive                        {auId | auIndex, reason}
    POST /api/v2/registrations/{id}/cmi5/sessions/{sessionId}/abandon
    POST /api/app/registrations/{id}/cmi5/waive                       the web app's "Waive" (owners, administrators)
"""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import permissions
from chalicelib.cmi5 import administration
from chalicelib.cmi5 import launch as cmi5_launch
from chalicelib.errors import BadRequest
from chalicelib.lrs import agents
from chalicelib.middleware import request_json
from chalicelib.routes import caller
from chalicelib.runtime import launch, sessions

api = Blueprint(__name__)  # registered under /api/v2
fetch_api = Blueprint(__name__)  # registered at the root, beside the player's /launch routes
web_api = Blueprint(__name__)  # the web app's /api/app routes (web sessions)
ANY = ["*/*"]


@fetch_api.route("/launch/cmi5/fetch/{token}", methods=["POST"], content_types=ANY)
@permissions.declare(permissions.public("the fetch URL is the AU's one-time capability (cmi5 §8.2)"))
def fetch(token: str) -> Response:
    return Response(body=cmi5_launch.fetch(token), status_code=200,
                    headers={"Content-Type": "application/json", "Cache-Control": "no-store",
                             "Access-Control-Allow-Origin": "*"})


def _actor(raw: object) -> dict[str, Any] | None:
    """cmi5 §9.2: an Agent identified by an account."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or raw.get("objectType", "Agent") != "Agent" or not isinstance(raw.get("account"),
                                                                                                   dict):
        raise BadRequest("actor must be an Agent identified by an account (cmi5 §9.2).")
    agents.parse_param(json.dumps(raw), "actor")
    return raw


def _return_url(raw: object) -> str | None:
    if raw in (None, ""):
        return None
    target = launch.redirect_target(raw)
    if target in launch.REDIRECT_WORDS:
        raise BadRequest("returnUrl must be an http(s) URL.")
    return target


def _app_lrs(who: Any) -> str | None:
    """The calling app, whose LRS gets the statements (SCORM Cloud's ``/lrs/{APPID}/``)."""
    return str(who.principal) if who.kind in ("app", "oauth") else None


@api.route("/registrations/{registrationId}/cmi5/launch", methods=["POST"])
def launch_au(registrationId: str) -> dict[str, Any]:  # noqa: N803 - the API's name
    who = caller(api)
    body = request_json(api.current_request)
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object: {auId or auIndex, actor?, launchMode?, returnUrl?}.")
    item = administration.registration(who.realm_id, registrationId)
    mode = body.get("launchMode")
    if mode is not None and not isinstance(mode, str):
        raise BadRequest("launchMode must be Normal, Browse or Review.")
    au_id = administration.launchable(item, body, mode)
    actor, return_url = _actor(body.get("actor")), _return_url(body.get("returnUrl"))
    lrs_id = _app_lrs(who) or who.realm_id
    token = launch.start(who.realm_id, registrationId, {"redirect": "message", "lrs": lrs_id},
                         str(api.current_request.headers.get("user-agent", "")))
    made = cmi5_launch.launch_au(sessions.player_session(token), au_id, lrs_id=lrs_id, launch_mode=mode,
                                 actor=actor, return_url=return_url)
    return {"launchUrl": made.url, "sessionId": made.session_id, "auId": made.au_id, "activityId": made.activity_id,
            "launchMode": made.launch_mode, "launchMethod": made.launch_method, "registrationId": registrationId,
            "xapiRegistrationId": cmi5_launch.xapi_registration(item)}


@api.route("/registrations/{registrationId}/cmi5/waive", methods=["POST"])
def waive(registrationId: str) -> dict[str, Any]:  # noqa: N803
    who = caller(api)
    return administration.waive(who.realm_id, registrationId, request_json(api.current_request),
                                lrs_id=_app_lrs(who))


@api.route("/registrations/{registrationId}/cmi5/sessions/{sessionId}/abandon", methods=["POST"])
def abandon(registrationId: str, sessionId: str) -> dict[str, Any]:  # noqa: N803
    return administration.abandon(caller(api).realm_id, registrationId, sessionId)


@web_api.route("/api/app/registrations/{registrationId}/cmi5/waive", methods=["POST"])
@permissions.declare(permissions.web(permissions.ADMINS))
def web_waive(registrationId: str) -> dict[str, Any]:  # noqa: N803
    return administration.waive(caller(web_api).realm_id, registrationId, request_json(web_api.current_request))
