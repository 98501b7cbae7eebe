"""``/api/v2/registrations...``: SCORM Cloud API v2 RegistrationApi (paths, parameters and fields
as the official SDK ``rustici_software_cloud_v2`` sends and reads them)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import courses, registrations
from chalicelib.configuration import levels as configuration
from chalicelib.errors import BadRequest
from chalicelib.middleware import request_json
from chalicelib.routes import caller
from chalicelib.routes.courses import flag, version_number
from chalicelib.runtime import launch

api = Blueprint(__name__)
#: Callers that are an app (Basic app credentials, an app's OAuth token): the registration records which.
APP_KINDS = frozenset({"app", "oauth"})


def _params() -> dict[str, str]:
    return dict(api.current_request.query_params or {})


def _includes(params: dict[str, str]) -> dict[str, bool]:
    return {"children": flag(params, "includeChildResults"),
            "with_io": flag(params, "includeInteractionsAndObjectives"),
            "with_runtime": flag(params, "includeRuntime")}


def _no_content() -> Response:
    return Response(body="", status_code=204)


@api.route("/registrations", methods=["POST"])
def create_registration() -> Response:
    raw = _params().get("courseVersion")
    body = request_json(api.current_request)
    initial = body.get("initialSettings") if isinstance(body, dict) else None
    checked = configuration.entries(initial) if initial is not None else []  # before anything is stored
    who = caller(api)
    made_by = {"appId": who.principal} if who.kind in APP_KINDS else None  # Reportage's app dimension
    item = registrations.create(who.realm_id, body, version_number(raw) if raw not in (None, "") else None,
                                details=made_by)
    if checked:
        configuration.apply(configuration.registration_chain(item), checked)
    return _no_content()


@api.route("/registrations", methods=["GET"])
def get_registrations() -> Response:
    params = _params()
    found, more, total = registrations.list_page(caller(api).realm_id, registrations.query_from(params),
                                                 **_includes(params))
    headers: dict[str, str | list[str]] = {}
    if flag(params, "includeTotalCount") and "more" not in params:
        headers["X-Total-Count"] = str(total)
    return Response(body={"registrations": found, **({"more": more} if more else {})}, headers=headers)


@api.route("/registrations/{registrationId}", methods=["HEAD"])
def registration_exists(registrationId: str) -> Response:  # noqa: N803 - the API's names
    found = registrations.exists(caller(api).realm_id, registrationId)
    return Response(body="", status_code=200 if found else 404)


@api.route("/registrations/{registrationId}", methods=["GET"])
def get_registration_progress(registrationId: str) -> dict[str, Any]:  # noqa: N803
    return registrations.get(caller(api).realm_id, registrationId, **_includes(_params()))


@api.route("/registrations/{registrationId}", methods=["DELETE"])
def delete_registration(registrationId: str) -> Response:  # noqa: N803
    registrations.delete(caller(api).realm_id, registrationId)
    return _no_content()


@api.route("/registrations/{registrationId}/progress", methods=["DELETE"])
def delete_registration_progress(registrationId: str) -> Response:  # noqa: N803
    registrations.reset(caller(api).realm_id, registrationId)
    return _no_content()


@api.route("/registrations/{registrationId}/instances", methods=["GET"])
def get_registration_instances(registrationId: str) -> dict[str, Any]:  # noqa: N803
    return {"registrations": registrations.instances(caller(api).realm_id, registrationId)}


@api.route("/registrations/{registrationId}/instances/{instanceId}", methods=["GET"])
def get_registration_instance_progress(registrationId: str, instanceId: str) -> dict[str, Any]:  # noqa: N803
    return registrations.instance(caller(api).realm_id, registrationId, version_number(instanceId))


@api.route("/registrations/{registrationId}/launchHistory", methods=["GET"])
def get_registration_launch_history(registrationId: str) -> dict[str, Any]:  # noqa: N803
    return {"launchHistory": registrations.launch_history(caller(api).realm_id, registrationId)}


@api.route("/registrations/{registrationId}/instances/{instanceId}/launchHistory", methods=["GET"])
def get_registration_instance_launch_history(registrationId: str, instanceId: str) -> dict[str, Any]:  # noqa: N803
    return {"launchHistory": registrations.launch_history(caller(api).realm_id, registrationId,
                                                          instance_number=version_number(instanceId))}


@api.route("/registrations/{registrationId}/launchLink", methods=["POST"])
def build_registration_launch_link(registrationId: str) -> dict[str, str]:  # noqa: N803
    body = request_json(api.current_request)
    who = caller(api)
    app_id = who.principal if who.kind in ("app", "oauth") else None  # its LRS gets xAPI/cmi5 statements
    return {"launchLink": launch.launch_link(who.realm_id, registrationId, body, lrs_id=app_id)}


# --- tags -----------------------------------------------------------------------------------


def _tags_body() -> list[str]:
    body = request_json(api.current_request)
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object with tags (TagListSchema).")
    return courses.parse_tags(body.get("tags"))


@api.route("/registrations/{registrationId}/tags", methods=["GET"])
def get_registration_tags(registrationId: str) -> dict[str, list[str]]:  # noqa: N803
    return {"tags": registrations.tags(caller(api).realm_id, registrationId)}


@api.route("/registrations/{registrationId}/tags", methods=["PUT"])
def put_registration_tags(registrationId: str) -> Response:  # noqa: N803
    registrations.change_tags(caller(api).realm_id, registrationId, add=_tags_body())
    return _no_content()


@api.route("/registrations/{registrationId}/tags", methods=["DELETE"])
def delete_registration_tags(registrationId: str) -> Response:  # noqa: N803
    registrations.change_tags(caller(api).realm_id, registrationId, remove=_tags_body())
    return _no_content()


@api.route("/registrations/tags", methods=["PUT"])
def put_registration_tags_batch() -> Response:
    body = request_json(api.current_request)
    if not isinstance(body, dict) or not isinstance(body.get("ids"), list):
        raise BadRequest("The body must be a JSON object with ids and tags (BatchTagsSchema).")
    tags = courses.parse_tags(body.get("tags"))
    for registration_id in body["ids"]:
        registrations.change_tags(caller(api).realm_id, str(registration_id), add=tags)
    return _no_content()
