"""``/api/v2/learner/...``: SCORM Cloud API v2 LearnerApi (tags, ``updateInfo``,
``delete-information``)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import courses, learner_erasure, learners
from chalicelib.errors import BadRequest
from chalicelib.middleware import request_json
from chalicelib.routes import caller

api = Blueprint(__name__)


def _no_content() -> Response:
    return Response(body="", status_code=204)


def _tags_body() -> list[str]:
    body = request_json(api.current_request)
    if not isinstance(body, dict) or not isinstance(body.get("tags"), list):
        raise BadRequest("The body must be a JSON object with tags, a list of strings (TagListSchema).")
    return courses.parse_tags(body["tags"])


@api.route("/learner/{learnerId}/tags", methods=["GET"])
def get_learner_tags(learnerId: str) -> dict[str, list[str]]:  # noqa: N803 - the API's names
    return {"tags": learners.tags(caller(api).realm_id, learnerId)}


@api.route("/learner/{learnerId}/tags", methods=["PUT"])
def put_learner_tags(learnerId: str) -> Response:  # noqa: N803
    learners.change_tags(caller(api).realm_id, learnerId, add=_tags_body())
    return _no_content()


@api.route("/learner/{learnerId}/tags", methods=["DELETE"])
def delete_learner_tags(learnerId: str) -> Response:  # noqa: N803
    learners.change_tags(caller(api).realm_id, learnerId, remove=_tags_body())
    return _no_content()


@api.route("/learner/tags", methods=["PUT"])
def put_learner_tags_batch() -> Response:
    body = request_json(api.current_request)
    if not isinstance(body, dict) or not isinstance(body.get("ids"), list) or not body["ids"]:
        raise BadRequest("The body must be a JSON object with ids (a non-empty list) and tags (BatchTagsSchema).")
    if not isinstance(body.get("tags"), list):
        raise BadRequest("tags must be a list of strings (BatchTagsSchema).")
    tags = courses.parse_tags(body["tags"])
    ids = [learners.check_learner_id(learner_id) for learner_id in body["ids"]]
    for learner_id in ids:
        learners.change_tags(caller(api).realm_id, learner_id, add=tags)
    return _no_content()


@api.route("/learner/{learnerId}/updateInfo", methods=["POST"])
def update_learner_info(learnerId: str) -> Response:  # noqa: N803
    learners.update_info(caller(api).realm_id, learnerId, request_json(api.current_request))
    return _no_content()


@api.route("/learner/{learnerId}/delete-information", methods=["POST"])
def delete_all_learner_data(learnerId: str) -> dict[str, Any]:  # noqa: N803
    """Erases now and answers 200 with the report (the SDK ignores the body of this call)."""
    user_email = dict(api.current_request.query_params or {}).get("userEmail")
    return learner_erasure.erase(caller(api).realm_id, learnerId, user_email)
