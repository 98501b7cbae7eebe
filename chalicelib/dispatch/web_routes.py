"""``/api/app/dispatch/...``: the web app's Dispatch tab (a signed-in Administrator or Owner,
session cookie + CSRF). The same domain functions as API v2, in the shapes the tab shows, plus
what API v2 does not offer: PENS publishing of a dispatch with its receipts and alerts."""

from __future__ import annotations

import secrets
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import permissions
from chalicelib.dispatch import destinations, dispatches, lti, package, pens
from chalicelib.errors import BadRequest
from chalicelib.middleware import request_json, request_object
from chalicelib.routes import caller

api = Blueprint(__name__)
PERMISSION = permissions.web(permissions.ADMINS)


def _realm() -> str:
    return caller(api).realm_id


def _params() -> dict[str, str]:
    return dict(api.current_request.query_params or {})


@api.route("/api/app/dispatch/destinations", methods=["GET"])
def list_destinations() -> dict[str, Any]:
    found, _, total = destinations.list_page(_realm(), destinations.query_from({"orderBy": "name_asc", **_params()}),
                                             include_dispatch_count=True)
    return {"destinations": found, "total": total}


@api.route("/api/app/dispatch/destinations", methods=["POST"])
def create_destination() -> Response:
    body = request_object(api.current_request)
    destinations.create_many(_realm(), {"destinations": [{"id": body.get("id"), "data": body}]})
    return Response(body="", status_code=204)


@api.route("/api/app/dispatch/destinations/{destinationId}", methods=["DELETE"])
def delete_destination(destinationId: str) -> Response:  # noqa: N803 - the API's names
    destinations.delete(_realm(), destinationId)
    return Response(body="", status_code=204)


@api.route("/api/app/dispatch/dispatches", methods=["GET"])
def list_dispatches() -> dict[str, Any]:
    params = _params()
    query = dispatches.query_from(params, params.get("destinationId") or None)
    found, more, total = dispatches.list_page(_realm(), query)
    return {"dispatches": found, "more": more, "total": total}


@api.route("/api/app/dispatch/dispatches", methods=["POST"])
def create_dispatches() -> dict[str, list[str]]:
    """Share > Dispatch: one dispatch per chosen course to one destination (ids made here)."""
    body = request_object(api.current_request)
    course_ids = body.get("courseIds")
    if not isinstance(course_ids, list) or not course_ids:
        raise BadRequest("courseIds: choose at least one course.")
    data = {k: v for k, v in body.items() if k != "courseIds"}
    entries = [{"id": f"{str(c)[:200]}-{secrets.token_hex(3)}", "data": {**data, "courseId": c}} for c in course_ids]
    made = dispatches.create_many(_realm(), {"dispatches": entries})
    return {"ids": [d.dispatch_id for d in made]}


@api.route("/api/app/dispatch/dispatches/{dispatchId}", methods=["PUT"])
def update_dispatch(dispatchId: str) -> Response:  # noqa: N803
    dispatches.update(_realm(), dispatchId, request_json(api.current_request))
    return Response(body="", status_code=204)


@api.route("/api/app/dispatch/dispatches/{dispatchId}", methods=["DELETE"])
def delete_dispatch(dispatchId: str) -> Response:  # noqa: N803
    dispatches.delete(_realm(), dispatchId)
    return Response(body="", status_code=204)


@api.route("/api/app/dispatch/dispatches/{dispatchId}/zip", methods=["GET"])
def download_zip(dispatchId: str) -> Response:  # noqa: N803
    made = package.for_dispatch(_realm(), dispatchId, _params().get("type"), _params().get("cssUrl"))
    return Response(body=made.body, headers={"Content-Type": "application/zip",
                                             "Content-Disposition": f'attachment; filename="{made.file_name}"'})


@api.route("/api/app/dispatch/dispatches/{dispatchId}/lti", methods=["GET"])
def lti_descriptor(dispatchId: str) -> dict[str, str]:  # noqa: N803
    return lti.descriptor(dispatches.require(_realm(), dispatchId))


@api.route("/api/app/dispatch/dispatches/{dispatchId}/pens", methods=["POST"])
def publish(dispatchId: str) -> dict[str, Any]:  # noqa: N803
    return pens.publish(_realm(), dispatchId, request_json(api.current_request))


@api.route("/api/app/dispatch/dispatches/{dispatchId}/pens", methods=["GET"])
def pens_records(dispatchId: str) -> dict[str, Any]:  # noqa: N803
    return {"records": pens.records(_realm(), dispatchId)}
