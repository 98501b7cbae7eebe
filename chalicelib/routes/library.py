"""``/api/app/courses...`` and ``/api/app/importJobs/...``: the web app's Library (signed-in
owners and administrators, session cookie + CSRF). Same domain functions as API v2."""

from __future__ import annotations

import re
import uuid
from pathlib import PurePosixPath
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import courses, imports, permissions
from chalicelib.configuration import levels as configuration
from chalicelib.errors import BadRequest
from chalicelib.middleware import request_json
from chalicelib.routes import caller
from chalicelib.routes.courses import MAX_INLINE_UPLOAD, flag, raw_bytes
from chalicelib.routes.forms import parse

api = Blueprint(__name__)
PERMISSION = permissions.web(permissions.ADMINS)


def _params() -> dict[str, str]:
    return dict(api.current_request.query_params or {})


def course_id_for(file_name: str) -> str:
    """A readable course id from a file name, made unique with a short random suffix."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", PurePosixPath(file_name).stem).strip("-")[:60] or "course"
    return f"{stem}-{uuid.uuid4().hex[:6]}"


@api.route("/api/app/courses", methods=["GET"])
def library() -> dict[str, Any]:
    realm_id = caller(api).realm_id
    found, more, total = courses.list_page(realm_id, courses.query_from(_params()))
    return {"courses": found, "more": more, "total": total, "storage": courses.storage_used(realm_id)}


@api.route("/api/app/courses/{courseId}", methods=["GET"])
def course_page(courseId: str) -> dict[str, Any]:  # noqa: N803
    realm_id = caller(api).realm_id
    detail = courses.get(realm_id, courseId, include_metadata=True)
    detail["versions"] = courses.version_history(realm_id, courseId)
    detail["previewLink"] = courses.preview_link(realm_id, courseId)
    return detail


@api.route("/api/app/courses/{courseId}", methods=["DELETE"])
def delete_course(courseId: str) -> Response:  # noqa: N803
    courses.delete(caller(api).realm_id, courseId)
    return Response(body="", status_code=204)


@api.route("/api/app/courses/import", methods=["POST"], content_types=["multipart/form-data"])
def import_course() -> dict[str, str]:
    request = api.current_request
    body = raw_bytes(request.raw_body)
    imports.too_big(len(body), MAX_INLINE_UPLOAD)
    parts = parse(request.headers.get("content-type"), body)
    if "file" not in parts or not parts["file"].data:
        raise BadRequest("Choose a file to upload: the form has no 'file'.")
    file_part = parts["file"]
    name = file_part.file_name or "course.zip"
    given = parts["courseId"].data.decode("utf-8", "replace").strip() if "courseId" in parts else ""
    options = imports.Options(course_id=courses.check_course_id(given or course_id_for(name)),
                              may_create_new_version=flag(_params(), "mayCreateNewVersion"),
                              file_name=name, content_type=file_part.content_type)
    job_id = imports.start_upload(caller(api).realm_id, options, file_part.data)
    return {"jobId": job_id, "courseId": options.course_id}


@api.route("/api/app/importJobs/{jobId}", methods=["GET"])
def import_status(jobId: str) -> dict[str, Any]:  # noqa: N803
    return imports.status(caller(api).realm_id, jobId)


# --- course settings (issue 16: the configuration of docs/settings.md, at the course level) ---


def _course_settings(course_id: str) -> dict[str, Any]:
    return configuration.listing(configuration.course(caller(api).realm_id, course_id), include_metadata=True)


@api.route("/api/app/courses/{courseId}/configuration", methods=["GET"])
def course_settings(courseId: str) -> dict[str, Any]:  # noqa: N803
    return _course_settings(courseId)


@api.route("/api/app/courses/{courseId}/configuration", methods=["POST"])
def change_course_settings(courseId: str) -> dict[str, Any]:  # noqa: N803
    configuration.change(configuration.course(caller(api).realm_id, courseId), request_json(api.current_request))
    return _course_settings(courseId)


@api.route("/api/app/courses/{courseId}/configuration/{settingId}", methods=["DELETE"])
def reset_course_setting(courseId: str, settingId: str) -> dict[str, Any]:  # noqa: N803
    configuration.remove(configuration.course(caller(api).realm_id, courseId), settingId)
    return _course_settings(courseId)
