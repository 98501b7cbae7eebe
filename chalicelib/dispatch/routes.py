"""``/api/v2/dispatch/...``: SCORM Cloud API v2 DispatchApi (paths, parameters and fields as the
official SDK ``rustici_software_cloud_v2`` 5.0.0 sends and reads them). Permissions come from
``permissions.API_AREAS`` (scope area ``dispatch``)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import courses, permissions
from chalicelib.dispatch import destinations, dispatches, fields, lti, package
from chalicelib.errors import ApiError, BadRequest
from chalicelib.middleware import request_json
from chalicelib.routes import caller
from chalicelib.routes.courses import flag

api = Blueprint(__name__)


class NotImplementedYet(ApiError):
    """LTI 1.3 dispatch is not offered yet (501 with a message the SDK can show)."""

    status = HTTPStatus.NOT_IMPLEMENTED


def _realm() -> str:
    return caller(api).realm_id


def _params() -> dict[str, str]:
    return dict(api.current_request.query_params or {})


def _body() -> Any:
    return request_json(api.current_request)


def _done() -> Response:
    return Response(body="", status_code=204)


def _tags_body() -> list[str]:
    body = _body()
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object with tags (TagListSchema).")
    return courses.parse_tags(body.get("tags"))


def _batch_body() -> tuple[list[str], list[str]]:
    body = _body()
    if not isinstance(body, dict) or not isinstance(body.get("ids"), list):
        raise BadRequest("The body must be a JSON object with ids and tags (BatchTagsSchema).")
    return [str(i) for i in body["ids"]], courses.parse_tags(body.get("tags"))


def _zip(made: package.Package) -> Response:
    """Exactly ``application/zip`` (API_V2.md gotcha 2); the SDK saves it under this name."""
    return Response(body=made.body, headers={"Content-Type": "application/zip",
                                             "Content-Disposition": f'attachment; filename="{made.file_name}"'})


def _listed(key: str, found: list[dict[str, Any]], more: str | None, total: int) -> Response:
    params = _params()
    headers: dict[str, str | list[str]] = {}
    if flag(params, "includeTotalCount") and "more" not in params:
        headers["X-Total-Count"] = str(total)
    return Response(body={key: found, **({"more": more} if more else {})}, headers=headers)


# --- destinations -----------------------------------------------------------------------------


@api.route("/dispatch/destinations", methods=["POST"])
def create_destinations() -> Response:
    destinations.create_many(_realm(), _body())
    return _done()


@api.route("/dispatch/destinations", methods=["GET"])
def get_destinations() -> Response:
    params = _params()
    found, more, total = destinations.list_page(_realm(), destinations.query_from(params),
                                                include_dispatch_count=flag(params, "includeDispatchCount"))
    return _listed("destinations", found, more, total)


@api.route("/dispatch/destinations/tags", methods=["PUT"])
def put_destination_tags_batch() -> Response:
    ids, tags = _batch_body()
    for destination_id in ids:
        destinations.change_tags(_realm(), destination_id, add=tags)
    return _done()


@api.route("/dispatch/destinations/{destinationId}", methods=["GET"])
def get_destination(destinationId: str) -> dict[str, Any]:  # noqa: N803 - the API's names
    return destinations.get(_realm(), destinationId,
                            include_dispatch_count=flag(_params(), "includeDispatchCount"))


@api.route("/dispatch/destinations/{destinationId}", methods=["PUT"])
def set_destination(destinationId: str) -> Response:  # noqa: N803
    destinations.put(_realm(), destinationId, _body())
    return _done()


@api.route("/dispatch/destinations/{destinationId}", methods=["DELETE"])
def delete_destination(destinationId: str) -> Response:  # noqa: N803
    destinations.delete(_realm(), destinationId)
    return _done()


@api.route("/dispatch/destinations/{destinationId}/tags", methods=["GET"])
def get_destination_tags(destinationId: str) -> dict[str, list[str]]:  # noqa: N803
    return {"tags": destinations.tags(_realm(), destinationId)}


@api.route("/dispatch/destinations/{destinationId}/tags", methods=["PUT"])
def put_destination_tags(destinationId: str) -> Response:  # noqa: N803
    destinations.change_tags(_realm(), destinationId, add=_tags_body())
    return _done()


@api.route("/dispatch/destinations/{destinationId}/tags", methods=["DELETE"])
def delete_destination_tags(destinationId: str) -> Response:  # noqa: N803
    destinations.change_tags(_realm(), destinationId, remove=_tags_body())
    return _done()


@api.route("/dispatch/destinations/{destinationId}/dispatches", methods=["GET"])
def get_destination_dispatches(destinationId: str) -> Response:  # noqa: N803
    destinations.require(_realm(), destinationId)
    found, more, total = dispatches.list_page(_realm(), dispatches.query_from(_params(), destinationId))
    return _listed("dispatches", found, more, total)


@api.route("/dispatch/destinations/{destinationId}/dispatches", methods=["DELETE"])
def delete_destination_dispatches(destinationId: str) -> Response:  # noqa: N803
    destinations.require(_realm(), destinationId)
    dispatches.delete_many(_realm(), dispatches.Query(destination_id=destinationId), narrowed=False)
    return _done()


@api.route("/dispatch/destinations/{destinationId}/dispatches/enabled", methods=["POST"])
def set_destination_dispatch_enabled(destinationId: str) -> Response:  # noqa: N803
    destinations.set_dispatch_field(_realm(), destinationId, "enabled", fields.enabled_body(_body()))
    return _done()


@api.route("/dispatch/destinations/{destinationId}/dispatches/registrationInstancing", methods=["POST"])
def enable_registration_instancing(destinationId: str) -> Response:  # noqa: N803
    destinations.set_dispatch_field(_realm(), destinationId, "instanced", fields.enabled_body(_body()))
    return _done()


@api.route("/dispatch/destinations/{destinationId}/dispatches/hashUserInfo", methods=["GET"])
def get_destination_hash_user_info(destinationId: str) -> dict[str, bool]:  # noqa: N803
    return {"enabled": destinations.hash_user_info(_realm(), destinationId)}


@api.route("/dispatch/destinations/{destinationId}/dispatches/hashUserInfo", methods=["PUT"])
def update_destination_hash_user_info(destinationId: str) -> Response:  # noqa: N803
    destinations.set_hash_user_info(_realm(), destinationId, fields.enabled_body(_body()))
    return _done()


@api.route("/dispatch/destinations/{destinationId}/dispatches/registrationCount", methods=["GET"])
def get_destination_dispatch_registration_count(destinationId: str) -> dict[str, int]:  # noqa: N803
    return {"result": destinations.registration_count(_realm(), destinationId)}


@api.route("/dispatch/destinations/{destinationId}/dispatches/registrationCount", methods=["DELETE"])
def reset_destination_dispatch_registration_count(destinationId: str) -> Response:  # noqa: N803
    destinations.reset_registration_count(_realm(), destinationId)
    return _done()


@api.route("/dispatch/destinations/{destinationId}/dispatches/zip", methods=["GET"])
def get_destination_dispatch_zip(destinationId: str) -> Response:  # noqa: N803
    params = _params()
    return _zip(package.for_destination(_realm(), destinationId, params.get("type"), params.get("cssUrl"),
                                        params.get("tags")))


@api.route("/dispatch/destinations/{destinationId}/lti13", methods=["GET"])
def get_lti13_tool_configuration_schema(destinationId: str) -> Response:  # noqa: N803
    destinations.require(_realm(), destinationId)
    raise NotImplementedYet("LTI 1.3 dispatch is not available in Nimbus yet; use the Basic LTI 1.1 launch "
                            "(GET /dispatch/dispatches/{dispatchId}/lti) or a dispatch package.")


# --- dispatches -------------------------------------------------------------------------------


@api.route("/dispatch/dispatches", methods=["POST"])
def create_dispatches() -> Response:
    dispatches.create_many(_realm(), _body())
    return _done()


@api.route("/dispatch/dispatches", methods=["GET"])
def get_dispatches() -> Response:
    found, more, total = dispatches.list_page(_realm(), dispatches.query_from(_params()))
    return _listed("dispatches", found, more, total)


@api.route("/dispatch/dispatches", methods=["PUT"])
def update_dispatches() -> Response:
    query = dispatches.query_from(_params(), paged=False)
    count = dispatches.update_many(_realm(), query, _body())
    return Response(body="", status_code=204, headers={"X-Total-Count": str(count)})


@api.route("/dispatch/dispatches", methods=["DELETE"])
def delete_dispatches() -> Response:
    count = dispatches.delete_many(_realm(), dispatches.query_from(_params(), paged=False))
    return Response(body="", status_code=204, headers={"X-Total-Count": str(count)})


@api.route("/dispatch/dispatches/tags", methods=["PUT"])
def put_dispatch_tags_batch() -> Response:
    ids, tags = _batch_body()
    for dispatch_id in ids:
        dispatches.change_tags(_realm(), dispatch_id, add=tags)
    return _done()


@api.route("/dispatch/dispatches/{dispatchId}", methods=["GET"])
def get_dispatch(dispatchId: str) -> dict[str, Any]:  # noqa: N803
    return dispatches.get(_realm(), dispatchId)


@api.route("/dispatch/dispatches/{dispatchId}", methods=["PUT"])
def update_dispatch(dispatchId: str) -> Response:  # noqa: N803
    dispatches.update(_realm(), dispatchId, _body())
    return _done()


@api.route("/dispatch/dispatches/{dispatchId}", methods=["DELETE"])
def delete_dispatch(dispatchId: str) -> Response:  # noqa: N803
    dispatches.delete(_realm(), dispatchId)
    return _done()


@api.route("/dispatch/dispatches/{dispatchId}/enabled", methods=["GET"])
def get_dispatch_enabled(dispatchId: str) -> dict[str, bool]:  # noqa: N803
    return {"enabled": bool(dispatches.require(_realm(), dispatchId).enabled)}


@api.route("/dispatch/dispatches/{dispatchId}/enabled", methods=["PUT"])
def set_dispatch_enabled(dispatchId: str) -> Response:  # noqa: N803
    enabled = fields.enabled_body(_body())
    dispatches.change(_realm(), dispatchId, lambda item: setattr(item, "enabled", enabled))
    return _done()


@api.route("/dispatch/dispatches/{dispatchId}/hashUserInfo", methods=["GET"])
def get_dispatch_hash_user_info(dispatchId: str) -> dict[str, bool]:  # noqa: N803
    return {"enabled": bool(dispatches.require(_realm(), dispatchId).hash_user_info)}


@api.route("/dispatch/dispatches/{dispatchId}/hashUserInfo", methods=["PUT"])
def update_dispatch_hash_user_info(dispatchId: str) -> Response:  # noqa: N803
    enabled = fields.enabled_body(_body())
    dispatches.change(_realm(), dispatchId, lambda item: setattr(item, "hash_user_info", enabled))
    return _done()


@api.route("/dispatch/dispatches/{dispatchId}/registrationCount", methods=["GET"])
def get_dispatch_registration_count(dispatchId: str) -> dict[str, Any]:  # noqa: N803
    return dispatches.registration_count(_realm(), dispatchId)


@api.route("/dispatch/dispatches/{dispatchId}/registrationCount", methods=["DELETE"])
def reset_dispatch_registration_count(dispatchId: str) -> Response:  # noqa: N803
    dispatches.reset_count(_realm(), dispatchId)
    return _done()


@api.route("/dispatch/dispatches/{dispatchId}/postback", methods=["DELETE"])
def delete_dispatch_postback_info(dispatchId: str) -> Response:  # noqa: N803
    dispatches.change(_realm(), dispatchId, lambda item: setattr(item, "post_back", None))
    return _done()


@api.route("/dispatch/dispatches/{dispatchId}/tags", methods=["GET"])
def get_dispatch_tags(dispatchId: str) -> dict[str, list[str]]:  # noqa: N803
    return {"tags": dispatches.tags(_realm(), dispatchId)}


@api.route("/dispatch/dispatches/{dispatchId}/tags", methods=["PUT"])
def put_dispatch_tags(dispatchId: str) -> Response:  # noqa: N803
    dispatches.change_tags(_realm(), dispatchId, add=_tags_body())
    return _done()


@api.route("/dispatch/dispatches/{dispatchId}/tags", methods=["DELETE"])
def delete_dispatch_tags(dispatchId: str) -> Response:  # noqa: N803
    dispatches.change_tags(_realm(), dispatchId, remove=_tags_body())
    return _done()


@api.route("/dispatch/dispatches/{dispatchId}/zip", methods=["GET"])
def get_dispatch_zip(dispatchId: str) -> Response:  # noqa: N803
    params = _params()
    return _zip(package.for_dispatch(_realm(), dispatchId, params.get("type"), params.get("cssUrl")))


@api.route("/dispatch/dispatches/{dispatchId}/lti", methods=["GET"])
def get_lti_dispatch(dispatchId: str) -> dict[str, str]:  # noqa: N803
    return lti.descriptor(dispatches.require(_realm(), dispatchId))


@api.route("/dispatch/dispatches/{dispatchId}/lti13", methods=["GET"])
def get_lti13_dispatch(dispatchId: str) -> Response:  # noqa: N803
    dispatches.require(_realm(), dispatchId)
    raise NotImplementedYet("LTI 1.3 dispatch is not available in Nimbus yet; use the Basic LTI 1.1 launch "
                            "(GET /dispatch/dispatches/{dispatchId}/lti) or a dispatch package.")


@api.route("/dispatch/dispatches/{dispatchId}/launches", methods=["GET"])
@permissions.declare(permissions.public("the LTI 1.3 platform calls it without app credentials (the SDK sends "
                                        "none); it answers 501 and reads nothing"))
def get_lti13_dispatch_launch(dispatchId: str) -> Response:  # noqa: N803, ARG001
    raise NotImplementedYet("LTI 1.3 launches of dispatches are not available in Nimbus yet; use Basic LTI 1.1.")
