"""``/api/v2/invitations...``: SCORM Cloud API v2 InvitationsApi (16 operations; paths, parameters
and fields as the official SDK ``rustici_software_cloud_v2`` 5.0.0 sends and reads them). The
permission rule is the API v2 default for ``/api/v2/invitations`` (scope area ``invitation``)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import courses
from chalicelib.errors import BadRequest
from chalicelib.invitations import catalog, jobs, private, public
from chalicelib.middleware import request_json
from chalicelib.routes import caller
from chalicelib.routes.courses import flag

api = Blueprint(__name__)


def _params() -> dict[str, str]:
    return dict(api.current_request.query_params or {})


def _listed(key: str, found: list[dict[str, Any]], more: str | None, total: int, params: dict[str, str]) -> Response:
    headers: dict[str, str | list[str]] = {}
    if flag(params, "includeTotalCount") and "more" not in params:
        headers["X-Total-Count"] = str(total)
    return Response(body={key: found, **({"more": more} if more else {})}, headers=headers)


def _no_content() -> Response:
    return Response(body="", status_code=204)


@api.route("/invitations", methods=["GET"])
def get_all_invitations() -> Response:
    params = _params()
    found, more, total = catalog.list_page(caller(api).realm_id, catalog.query_from(params, "all"))
    return _listed("invitations", found, more, total, params)


@api.route("/invitations/public", methods=["POST"])
def create_public_invitation() -> dict[str, Any]:
    return public.create(caller(api).realm_id, request_json(api.current_request))


@api.route("/invitations/public", methods=["GET"])
def get_public_invitations() -> Response:
    params = _params()
    found, more, total = catalog.list_page(caller(api).realm_id, catalog.query_from(params, "public"))
    return _listed("invitations", found, more, total, params)


@api.route("/invitations/public/{invitationId}", methods=["GET"])
def get_public_invitation(invitationId: str) -> dict[str, Any]:  # noqa: N803 - the API's names
    return public.get(caller(api).realm_id, invitationId)


@api.route("/invitations/public/{invitationId}", methods=["PUT"])
def update_public_invitation(invitationId: str) -> dict[str, Any]:  # noqa: N803
    return public.update(caller(api).realm_id, invitationId, request_json(api.current_request))


@api.route("/invitations/public/{invitationId}/userInvitations", methods=["GET"])
def get_public_user_invitations(invitationId: str) -> Response:  # noqa: N803
    params = _params()
    found, more, total = catalog.users_page(caller(api).realm_id, True, catalog.user_query_from(params, invitationId),
                                            with_report=flag(params, "includeRegistrationReport"))
    return _listed("userInvitations", found, more, total, params)


@api.route("/invitations/private", methods=["POST"])
def create_private_invitation() -> dict[str, Any]:
    return private.create(caller(api).realm_id, request_json(api.current_request))


@api.route("/invitations/private", methods=["GET"])
def get_private_invitations() -> Response:
    params = _params()
    found, more, total = catalog.list_page(caller(api).realm_id, catalog.query_from(params, "private"),
                                           with_counts=flag(params, "includeRegistrationCount"))
    return _listed("invitations", found, more, total, params)


@api.route("/invitations/private/{invitationId}", methods=["GET"])
def get_private_invitation(invitationId: str) -> dict[str, Any]:  # noqa: N803
    return private.get(caller(api).realm_id, invitationId,
                       with_counts=flag(_params(), "includeRegistrationCount"))


@api.route("/invitations/private/{invitationId}", methods=["PUT"])
def update_private_invitation(invitationId: str) -> dict[str, Any]:  # noqa: N803
    return private.update(caller(api).realm_id, invitationId, request_json(api.current_request))


@api.route("/invitations/private/{invitationId}/jobStatus", methods=["GET"])
def get_private_invitation_job_status(invitationId: str) -> dict[str, Any]:  # noqa: N803
    return jobs.status(caller(api).realm_id, invitationId)


@api.route("/invitations/private/{invitationId}/userInvitations", methods=["GET"])
def get_private_user_invitations(invitationId: str) -> Response:  # noqa: N803
    params = _params()
    found, more, total = catalog.users_page(caller(api).realm_id, False, catalog.user_query_from(params, invitationId),
                                            with_report=flag(params, "includeRegistrationReport"))
    return _listed("userInvitations", found, more, total, params)


def _tags_body() -> list[str]:
    body = request_json(api.current_request)
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object with tags (TagListSchema).")
    return courses.parse_tags(body.get("tags"))


@api.route("/invitations/{invitationId}/tags", methods=["GET"])
def get_invitation_tags(invitationId: str) -> dict[str, list[str]]:  # noqa: N803
    return {"tags": catalog.tags(caller(api).realm_id, invitationId)}


@api.route("/invitations/{invitationId}/tags", methods=["PUT"])
def put_invitation_tags(invitationId: str) -> Response:  # noqa: N803
    catalog.change_tags(caller(api).realm_id, invitationId, add=_tags_body())
    return _no_content()


@api.route("/invitations/{invitationId}/tags", methods=["DELETE"])
def delete_invitation_tags(invitationId: str) -> Response:  # noqa: N803
    catalog.change_tags(caller(api).realm_id, invitationId, remove=_tags_body())
    return _no_content()


@api.route("/invitations/tags", methods=["PUT"])
def put_invitation_tags_batch() -> Response:
    catalog.tag_batch(caller(api).realm_id, request_json(api.current_request))
    return _no_content()
