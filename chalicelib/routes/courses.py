"""``/api/v2/courses...``: SCORM Cloud API v2 CourseApi (paths and fields as the official SDK
``rustici_software_cloud_v2`` sends and reads them) plus one extension,
``POST /courses/importJobs/upload/presigned`` for packages over API Gateway's 10 MB body cap."""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import courses, imports
from chalicelib.errors import BadRequest
from chalicelib.middleware import request_json
from chalicelib.routes import caller
from chalicelib.routes.forms import parse
from chalicelib.runtime import launch

api = Blueprint(__name__)
MAX_INLINE_UPLOAD = 100 * 1024 * 1024  # API Gateway stops bodies at 10 MB; the local server does not


def raw_bytes(raw: str | bytes | None) -> bytes:
    return raw.encode() if isinstance(raw, str) else raw or b""


def _params() -> dict[str, str]:
    return dict(api.current_request.query_params or {})


def flag(params: dict[str, str], name: str) -> bool:
    """Query booleans arrive as ``True``/``true``/``1`` (the Python SDK sends ``True``)."""
    raw = params.get(name, "").strip().lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise BadRequest(f"{name} must be true or false, not {params[name]!r}.")


def version_number(raw: str, what: str = "versionId") -> int:
    if not raw.lstrip("-").isdigit():
        raise BadRequest(f"{what} must be a number, not {raw!r}.")
    return int(raw)


def import_options(params: dict[str, str], **extra: Any) -> imports.Options:
    return imports.Options(course_id=courses.check_course_id(params.get("courseId")),
                           may_create_new_version=flag(params, "mayCreateNewVersion"),
                           postback_url=params.get("postbackUrl") or None,
                           tags=courses.parse_tags(params.get("tags")), **extra)


def _media_metadata(raw: object) -> dict[str, Any]:
    if raw in (None, "", b""):
        return {}
    try:
        found = json.loads(raw) if isinstance(raw, (str, bytes)) else raw
    except ValueError as err:
        raise BadRequest(f"contentMetadata is not JSON: {err}") from err
    if not isinstance(found, dict):
        raise BadRequest("contentMetadata must be a JSON object (MediaFileMetadataSchema).")
    return found


# --- import jobs ----------------------------------------------------------------------------


@api.route("/courses/importJobs/upload", methods=["POST"],
           content_types=["multipart/form-data", "application/octet-stream", "application/zip"])
def create_upload_job() -> dict[str, str]:
    request = api.current_request
    body = raw_bytes(request.raw_body)
    imports.too_big(len(body), MAX_INLINE_UPLOAD)
    headers = request.headers
    if (headers.get("content-type") or "").startswith("multipart/"):
        parts = parse(headers.get("content-type"), body)
        if "file" not in parts:
            raise BadRequest("The multipart body has no 'file' part holding the package.")
        file_part, meta = parts["file"], parts.get("contentMetadata")
        data, name = file_part.data, file_part.file_name
        metadata = _media_metadata(meta.data if meta else None)
    else:
        data, name, metadata = body, _params().get("fileName"), {}
    options = import_options(_params(), file_name=name or "course.zip", media_metadata=metadata,
                             content_type=headers.get("uploadedcontenttype") or None)
    return {"result": imports.start_upload(caller(api).realm_id, options, data)}


@api.route("/courses/importJobs/upload/presigned", methods=["POST"])
def create_presigned_job() -> dict[str, Any]:
    body = request_json(api.current_request) or {}
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object with fileName (and optionally contentType).")
    options = import_options(_params(), file_name=str(body.get("fileName") or "course.zip"),
                             content_type=body.get("contentType") or None,
                             media_metadata=_media_metadata(body.get("mediaFileMetadata")))
    return imports.start_presigned(caller(api).realm_id, options)


def _fetch_job(fetch_request: object) -> dict[str, str]:
    if not isinstance(fetch_request, dict):
        raise BadRequest("The body must be a JSON object with url (ImportFetchRequestSchema).")
    options = import_options(_params(), content_type=fetch_request.get("contentType") or None,
                             media_metadata=_media_metadata(fetch_request.get("mediaFileMetadata")))
    return {"result": imports.start_fetch(caller(api).realm_id, options, fetch_request.get("url"))}


@api.route("/courses/importJobs", methods=["POST"])
def create_fetch_job() -> dict[str, str]:
    return _fetch_job(request_json(api.current_request))


@api.route("/courses/importJobs/noUpload", methods=["POST"])
def create_no_upload_job() -> dict[str, str]:
    body = request_json(api.current_request)
    if isinstance(body, dict) and body.get("fetchRequest") is not None:
        return _fetch_job(body["fetchRequest"])
    raise BadRequest("Only fetchRequest is supported; mediaFileReferenceRequest and "
                     "connectorReferenceRequest are not.")


@api.route("/courses/importJobs/{importJobId}", methods=["GET"])
def get_import_job(importJobId: str) -> dict[str, Any]:  # noqa: N803 - the API's name
    return imports.status(caller(api).realm_id, importJobId)


# --- courses --------------------------------------------------------------------------------


@api.route("/courses", methods=["GET"])
def get_courses() -> Response:
    params = _params()
    found, more, total = courses.list_page(
        caller(api).realm_id, courses.query_from(params),
        include_metadata=flag(params, "includeCourseMetadata"),
        include_registration_count=flag(params, "includeRegistrationCount"))
    body: dict[str, Any] = {"courses": found, **({"more": more} if more else {})}
    headers: dict[str, str | list[str]] = {}
    if flag(params, "includeTotalCount") and "more" not in params:
        headers["X-Total-Count"] = str(total)
    return Response(body=body, headers=headers)


@api.route("/courses/{courseId}", methods=["GET"])
def get_course(courseId: str) -> dict[str, Any]:  # noqa: N803
    params = _params()
    return courses.get(caller(api).realm_id, courseId,
                       include_metadata=flag(params, "includeCourseMetadata"),
                       include_registration_count=flag(params, "includeRegistrationCount"))


@api.route("/courses/{courseId}", methods=["DELETE"])
def delete_course(courseId: str) -> Response:  # noqa: N803
    courses.delete(caller(api).realm_id, courseId)
    return Response(body="", status_code=204)


@api.route("/courses/{courseId}/versions", methods=["GET"])
def get_course_versions(courseId: str) -> dict[str, Any]:  # noqa: N803
    return {"courses": courses.versions(caller(api).realm_id, courseId)}


@api.route("/courses/{courseId}/versions/{versionId}", methods=["GET"])
def get_course_version(courseId: str, versionId: str) -> dict[str, Any]:  # noqa: N803
    return courses.version_detail(caller(api).realm_id, courseId, version_number(versionId))


@api.route("/courses/{courseId}/versions/{versionId}", methods=["DELETE"])
def delete_course_version(courseId: str, versionId: str) -> Response:  # noqa: N803
    courses.delete_version(caller(api).realm_id, courseId, version_number(versionId))
    return Response(body="", status_code=204)


def _zip_response(found: courses.ZipDownload) -> Response:
    """Small packages inline to clients that accept zip; otherwise a redirect to S3 (the SDK
    sends ``Accept: application/json`` and follows it; Lambda responses cap at 6 MB)."""
    accept = (api.current_request.headers.get("accept") or "").lower()
    if found.inline and ("application/zip" in accept or "application/octet-stream" in accept):
        return Response(body=found.body(), status_code=200, headers={
            "Content-Type": "application/zip",
            "Content-Disposition": f'attachment; filename="{found.file_name}"'})
    return Response(body="", status_code=302, headers={"Location": found.link()})


@api.route("/courses/{courseId}/zip", methods=["GET"])
def get_course_zip(courseId: str) -> Response:  # noqa: N803
    return _zip_response(courses.package_zip(caller(api).realm_id, courseId))


@api.route("/courses/{courseId}/versions/{versionId}/zip", methods=["GET"])
def get_versioned_course_zip(courseId: str, versionId: str) -> Response:  # noqa: N803
    return _zip_response(courses.package_zip(caller(api).realm_id, courseId, version_number(versionId)))


# --- tags, title, preview -------------------------------------------------------------------


def _tags_body() -> list[str]:
    body = request_json(api.current_request)
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object with tags (TagListSchema).")
    return courses.parse_tags(body.get("tags"))


@api.route("/courses/{courseId}/tags", methods=["GET"])
def get_course_tags(courseId: str) -> dict[str, list[str]]:  # noqa: N803
    return {"tags": courses.tags(caller(api).realm_id, courseId)}


@api.route("/courses/{courseId}/tags", methods=["PUT"])
def put_course_tags(courseId: str) -> Response:  # noqa: N803
    courses.change_tags(caller(api).realm_id, courseId, add=_tags_body())
    return Response(body="", status_code=204)


@api.route("/courses/{courseId}/tags", methods=["DELETE"])
def delete_course_tags(courseId: str) -> Response:  # noqa: N803
    courses.change_tags(caller(api).realm_id, courseId, remove=_tags_body())
    return Response(body="", status_code=204)


@api.route("/courses/tags", methods=["PUT"])
def put_course_tags_batch() -> Response:
    body = request_json(api.current_request)
    if not isinstance(body, dict) or not isinstance(body.get("ids"), list):
        raise BadRequest("The body must be a JSON object with ids and tags (BatchTagsSchema).")
    tags = courses.parse_tags(body.get("tags"))
    for course_id in body["ids"]:
        courses.change_tags(caller(api).realm_id, str(course_id), add=tags)
    return Response(body="", status_code=204)


@api.route("/courses/{courseId}/title", methods=["PUT"])
def set_course_title(courseId: str) -> Response:  # noqa: N803
    body = request_json(api.current_request)
    courses.set_title(caller(api).realm_id, courseId, body.get("title") if isinstance(body, dict) else None)
    return Response(body="", status_code=204)


@api.route("/courses/{courseId}/preview", methods=["POST"])
def build_course_preview_launch_link(courseId: str) -> dict[str, str]:  # noqa: N803
    who = caller(api)
    return {"launchLink": launch.preview_link(who.realm_id, courseId, None, request_json(api.current_request),
                                              who.principal)}


@api.route("/courses/{courseId}/versions/{versionId}/preview", methods=["POST"])
def build_course_preview_launch_link_with_version(courseId: str, versionId: str) -> dict[str, str]:  # noqa: N803
    who = caller(api)
    return {"launchLink": launch.preview_link(who.realm_id, courseId, version_number(versionId),
                                              request_json(api.current_request), who.principal)}
