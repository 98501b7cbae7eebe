"""``.../configuration`` routes of SCORM Cloud API v2 at every level: application
(``/appManagement/configuration``, which takes the app's own credentials, not the
application-management ones), course, course version, registration and registration instance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Response

from chalicelib import permissions
from chalicelib.configuration import levels
from chalicelib.configuration.catalog import ALL_STANDARDS
from chalicelib.errors import BadRequest
from chalicelib.middleware import request_json
from chalicelib.routes import caller
from chalicelib.routes.courses import flag, version_number

if TYPE_CHECKING:
    from chalicelib.configuration.levels import Chain

api = Blueprint(__name__)
APPLICATION = permissions.api("application")


def _params() -> dict[str, str]:
    return dict(api.current_request.query_params or {})


def _list(chain: Chain) -> dict[str, Any]:
    params = _params()
    standard = (params.get("learningStandard") or "").upper() or None
    if standard is not None and standard not in ALL_STANDARDS:
        raise BadRequest(f"learningStandard must be one of {', '.join(ALL_STANDARDS)}, not {standard!r}.")
    return levels.listing(chain, include_metadata=flag(params, "includeMetadata"), standard=standard)


def _set(chain: Chain) -> Response:
    levels.change(chain, request_json(api.current_request))
    return Response(body="", status_code=204)


def _remove(chain: Chain, setting_id: str) -> Response:
    levels.remove(chain, setting_id)
    return Response(body="", status_code=204)


def _realm() -> str:
    return caller(api).realm_id


# --- application ---------------------------------------------------------------------------


@api.route("/appManagement/configuration", methods=["GET"])
@permissions.declare(APPLICATION)
def get_application_configuration() -> dict[str, Any]:
    return _list(levels.application(_realm()))


@api.route("/appManagement/configuration", methods=["POST"])
@permissions.declare(APPLICATION)
def set_application_configuration() -> Response:
    return _set(levels.application(_realm()))


@api.route("/appManagement/configuration/{settingId}", methods=["DELETE"])
@permissions.declare(APPLICATION)
def delete_application_configuration_setting(settingId: str) -> Response:  # noqa: N803 - the API's names
    return _remove(levels.application(_realm()), settingId)


# --- course and course version ----------------------------------------------------------------


@api.route("/courses/{courseId}/configuration", methods=["GET"])
def get_course_configuration(courseId: str) -> dict[str, Any]:  # noqa: N803
    return _list(levels.course(_realm(), courseId))


@api.route("/courses/{courseId}/configuration", methods=["POST"])
def set_course_configuration(courseId: str) -> Response:  # noqa: N803
    return _set(levels.course(_realm(), courseId))


@api.route("/courses/{courseId}/configuration/{settingId}", methods=["DELETE"])
def delete_course_configuration_setting(courseId: str, settingId: str) -> Response:  # noqa: N803
    return _remove(levels.course(_realm(), courseId), settingId)


@api.route("/courses/{courseId}/versions/{versionId}/configuration", methods=["GET"])
def get_course_version_configuration(courseId: str, versionId: str) -> dict[str, Any]:  # noqa: N803
    return _list(levels.course(_realm(), courseId, version_number(versionId)))


@api.route("/courses/{courseId}/versions/{versionId}/configuration", methods=["POST"])
def set_course_version_configuration(courseId: str, versionId: str) -> Response:  # noqa: N803
    return _set(levels.course(_realm(), courseId, version_number(versionId)))


@api.route("/courses/{courseId}/versions/{versionId}/configuration/{settingId}", methods=["DELETE"])
def delete_course_version_configuration_setting(courseId: str, versionId: str, settingId: str) -> Response:  # noqa: N803
    return _remove(levels.course(_realm(), courseId, version_number(versionId)), settingId)


# --- registration and instance ------------------------------------------------------------------


@api.route("/registrations/{registrationId}/configuration", methods=["GET"])
def get_registration_configuration(registrationId: str) -> dict[str, Any]:  # noqa: N803
    return _list(levels.registration(_realm(), registrationId))


@api.route("/registrations/{registrationId}/configuration", methods=["POST"])
def set_registration_configuration(registrationId: str) -> Response:  # noqa: N803
    return _set(levels.registration(_realm(), registrationId))


@api.route("/registrations/{registrationId}/configuration/{settingId}", methods=["DELETE"])
def delete_registration_configuration_setting(registrationId: str, settingId: str) -> Response:  # noqa: N803
    return _remove(levels.registration(_realm(), registrationId), settingId)


@api.route("/registrations/{registrationId}/instances/{instanceId}/configuration", methods=["GET"])
def get_registration_instance_configuration(registrationId: str, instanceId: str) -> dict[str, Any]:  # noqa: N803
    return _list(levels.registration(_realm(), registrationId, version_number(instanceId, "instanceId")))


@api.route("/registrations/{registrationId}/instances/{instanceId}/configuration", methods=["POST"])
def set_registration_instance_configuration(registrationId: str, instanceId: str) -> Response:  # noqa: N803
    return _set(levels.registration(_realm(), registrationId, version_number(instanceId, "instanceId")))


@api.route("/registrations/{registrationId}/instances/{instanceId}/configuration/{settingId}", methods=["DELETE"])
def delete_registration_instance_configuration_setting(registrationId: str, instanceId: str,  # noqa: N803
                                                       settingId: str) -> Response:  # noqa: N803
    return _remove(levels.registration(_realm(), registrationId, version_number(instanceId, "instanceId")),
                   settingId)
