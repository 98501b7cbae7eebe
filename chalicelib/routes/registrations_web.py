"""``/api/app/registrations...``: the web app's Registrations pages (signed-in owners and
administrators). Same domain functions as API v2, plus launch debug logs."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib import permissions, registrations
from chalicelib.configuration import levels as configuration
from chalicelib.middleware import request_json
from chalicelib.routes import caller
from chalicelib.runtime import launch

api = Blueprint(__name__)
PERMISSION = permissions.web(permissions.ADMINS)


@api.route("/api/app/registrations", methods=["GET"])
def registration_list() -> dict[str, Any]:
    params = dict(api.current_request.query_params or {})
    found, more, total = registrations.list_page(caller(api).realm_id, registrations.query_from(params))
    return {"registrations": found, "more": more, "total": total}


@api.route("/api/app/registrations/{registrationId}", methods=["GET"])
def registration_detail(registrationId: str) -> dict[str, Any]:  # noqa: N803 - the API's name
    realm_id = caller(api).realm_id
    detail = registrations.get(realm_id, registrationId, children=True, with_io=True, with_runtime=True)
    detail["launchHistory"] = registrations.launch_history(realm_id, registrationId)
    detail["instances"] = [i["instance"] for i in registrations.instances(realm_id, registrationId)]
    detail["standard"] = (registrations.require(realm_id, registrationId).details or {}).get("standard", "")
    return detail


@api.route("/api/app/registrations/{registrationId}/launches/{launchId}/log", methods=["GET"])
def launch_log(registrationId: str, launchId: str) -> dict[str, Any]:  # noqa: N803
    realm_id = caller(api).realm_id
    registrations.require(realm_id, registrationId)
    return launch.debug_log(realm_id, registrationId, launchId)


# --- registration settings (issue 16: docs/settings.md, at the registration level) ---


def _settings(registration_id: str) -> dict[str, Any]:
    return configuration.listing(configuration.registration(caller(api).realm_id, registration_id),
                                 include_metadata=True)


@api.route("/api/app/registrations/{registrationId}/configuration", methods=["GET"])
def registration_settings(registrationId: str) -> dict[str, Any]:  # noqa: N803
    return _settings(registrationId)


@api.route("/api/app/registrations/{registrationId}/configuration", methods=["POST"])
def change_registration_settings(registrationId: str) -> dict[str, Any]:  # noqa: N803
    configuration.change(configuration.registration(caller(api).realm_id, registrationId),
                         request_json(api.current_request))
    return _settings(registrationId)


@api.route("/api/app/registrations/{registrationId}/configuration/{settingId}", methods=["DELETE"])
def reset_registration_setting(registrationId: str, settingId: str) -> dict[str, Any]:  # noqa: N803
    configuration.remove(configuration.registration(caller(api).realm_id, registrationId), settingId)
    return _settings(registrationId)
