"""``/api/v2/courses/{courseId}[/versions/{versionId}]/asset...``: SCORM Cloud API v2 course
assets (:mod:`chalicelib.course_assets`)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import course_assets
from chalicelib.errors import BadRequest
from chalicelib.middleware import request_json
from chalicelib.routes import caller
from chalicelib.routes.courses import MAX_INLINE_UPLOAD, raw_bytes, version_number
from chalicelib.routes.forms import parse
from chalicelib.runtime.content import BINARY_TYPES

api = Blueprint(__name__)
UPLOAD_TYPES = ["multipart/form-data"]


def _param(name: str) -> str | None:
    return dict(api.current_request.query_params or {}).get(name)


def _asset_response(found: course_assets.Asset) -> Response:
    if found.link:
        return Response(body="", status_code=302, headers={"Location": found.link})
    headers = {"Content-Disposition": f'attachment; filename="{found.file_name}"', "X-Content-Type-Options": "nosniff"}
    if found.content_type not in BINARY_TYPES:
        try:
            return Response(body=found.body.decode("utf-8"), headers={**headers, "Content-Type": found.content_type})
        except UnicodeDecodeError:
            pass
    kind = found.content_type if found.content_type in BINARY_TYPES else "application/octet-stream"
    return Response(body=found.body, headers={**headers, "Content-Type": kind})


def _upload(course_id: str, number: int | None) -> dict[str, str]:
    request = api.current_request
    body = raw_bytes(request.raw_body)
    if len(body) > MAX_INLINE_UPLOAD:
        raise BadRequest(f"The upload is larger than {MAX_INLINE_UPLOAD} bytes.")
    parts = parse(request.headers.get("content-type"), body)
    if "file" not in parts:
        raise BadRequest("The multipart body has no 'file' part holding the asset.")
    destination = parts["destination"].data.decode("utf-8", "replace") if "destination" in parts else None
    return course_assets.put(caller(api).realm_id, course_id, destination, parts["file"].data,
                             file_name=parts["file"].file_name or "", policy=_param("updateAssetPolicy"),
                             number=number)


@api.route("/courses/{courseId}/asset/list", methods=["GET"])
def get_course_file_list(courseId: str) -> dict[str, Any]:  # noqa: N803 - the API's names
    return course_assets.file_list(caller(api).realm_id, courseId)


@api.route("/courses/{courseId}/versions/{versionId}/asset/list", methods=["GET"])
def get_course_version_file_list(courseId: str, versionId: str) -> dict[str, Any]:  # noqa: N803
    return course_assets.file_list(caller(api).realm_id, courseId, version_number(versionId))


@api.route("/courses/{courseId}/asset", methods=["GET"])
def get_course_asset(courseId: str) -> Response:  # noqa: N803
    return _asset_response(course_assets.get(caller(api).realm_id, courseId, _param("relativePath")))


@api.route("/courses/{courseId}/versions/{versionId}/asset", methods=["GET"])
def get_course_version_asset(courseId: str, versionId: str) -> Response:  # noqa: N803
    return _asset_response(course_assets.get(caller(api).realm_id, courseId, _param("relativePath"),
                                             version_number(versionId)))


@api.route("/courses/{courseId}/asset", methods=["DELETE"])
def delete_course_asset(courseId: str) -> Response:  # noqa: N803
    course_assets.delete(caller(api).realm_id, courseId, _param("relativePath"))
    return Response(body="", status_code=204)


@api.route("/courses/{courseId}/versions/{versionId}/asset", methods=["DELETE"])
def delete_course_version_asset(courseId: str, versionId: str) -> Response:  # noqa: N803
    course_assets.delete(caller(api).realm_id, courseId, _param("relativePath"), version_number(versionId))
    return Response(body="", status_code=204)


@api.route("/courses/{courseId}/asset", methods=["POST"])
def import_course_asset_file(courseId: str) -> dict[str, str]:  # noqa: N803
    return course_assets.fetch(caller(api).realm_id, courseId, request_json(api.current_request),
                               policy=_param("updateAssetPolicy"))


@api.route("/courses/{courseId}/versions/{versionId}/asset", methods=["POST"])
def import_course_version_asset_file(courseId: str, versionId: str) -> dict[str, str]:  # noqa: N803
    return course_assets.fetch(caller(api).realm_id, courseId, request_json(api.current_request),
                               policy=_param("updateAssetPolicy"), number=version_number(versionId))


@api.route("/courses/{courseId}/asset/upload", methods=["POST"], content_types=UPLOAD_TYPES)
def upload_course_asset_file(courseId: str) -> dict[str, str]:  # noqa: N803
    return _upload(courseId, None)


@api.route("/courses/{courseId}/versions/{versionId}/asset/upload", methods=["POST"], content_types=UPLOAD_TYPES)
def upload_course_version_asset_file(courseId: str, versionId: str) -> dict[str, str]:  # noqa: N803
    return _upload(courseId, version_number(versionId))
