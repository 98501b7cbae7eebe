"""``GET .../xAPIStatements`` of SCORM Cloud API v2: per course, course version, registration and
registration instance (:mod:`chalicelib.xapi_statements`)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib import xapi_statements
from chalicelib.routes import caller
from chalicelib.routes.courses import version_number

api = Blueprint(__name__)


def _params() -> dict[str, str]:
    return dict(api.current_request.query_params or {})


@api.route("/courses/{courseId}/xAPIStatements", methods=["GET"])
def get_course_statements(courseId: str) -> dict[str, Any]:  # noqa: N803 - the API's names
    return xapi_statements.for_course(caller(api).realm_id, courseId, _params())


@api.route("/courses/{courseId}/versions/{versionId}/xAPIStatements", methods=["GET"])
def get_course_version_statements(courseId: str, versionId: str) -> dict[str, Any]:  # noqa: N803
    return xapi_statements.for_course(caller(api).realm_id, courseId, _params(), version_number(versionId))


@api.route("/registrations/{registrationId}/xAPIStatements", methods=["GET"])
def get_registration_statements(registrationId: str) -> dict[str, Any]:  # noqa: N803
    return xapi_statements.for_registration(caller(api).realm_id, registrationId, _params())


@api.route("/registrations/{registrationId}/instances/{instanceId}/xAPIStatements", methods=["GET"])
def get_registration_instance_statements(registrationId: str, instanceId: str) -> dict[str, Any]:  # noqa: N803
    return xapi_statements.for_instance(caller(api).realm_id, registrationId,
                                        version_number(instanceId, "instanceId"), _params())
