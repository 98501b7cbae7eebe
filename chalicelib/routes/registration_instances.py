"""``/api/v2/registrations/...``: instances, global data and the postback test of SCORM Cloud API v2
RegistrationApi (the rest is in :mod:`chalicelib.routes.registrations`)."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib import registration_instances
from chalicelib.routes import caller
from chalicelib.routes.courses import version_number

api = Blueprint(__name__)


def _no_content() -> Response:
    return Response(body="", status_code=204)


@api.route("/registrations/{registrationId}/instances", methods=["POST"])
def create_new_registration_instance(registrationId: str) -> Response:  # noqa: N803 - the API's names
    registration_instances.create(caller(api).realm_id, registrationId)
    return _no_content()


@api.route("/registrations/{registrationId}/instances/{instanceId}", methods=["DELETE"])
def delete_registration_instance(registrationId: str, instanceId: str) -> Response:  # noqa: N803
    registration_instances.delete(caller(api).realm_id, registrationId, version_number(instanceId, "instanceId"))
    return _no_content()


@api.route("/registrations/{registrationId}/globalData", methods=["DELETE"])
def delete_registration_global_data(registrationId: str) -> Response:  # noqa: N803
    registration_instances.delete_global_data(caller(api).realm_id, registrationId)
    return _no_content()


