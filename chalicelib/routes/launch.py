"""``/launch/...``: where launch links point. The player arrives with the runtime issue; until
then every launch answers 501 with a JSON message, so a link handed out today fails clearly."""

from __future__ import annotations

from http import HTTPStatus

from chalice.app import Blueprint

from chalicelib import permissions
from chalicelib.errors import ApiError

api = Blueprint(__name__)
PERMISSION = permissions.public("a launch link is its own credential (the player is not built yet)")


class PlayerNotAvailable(ApiError):
    status = HTTPStatus.NOT_IMPLEMENTED


@api.route("/launch/preview/{courseId}/{versionId}", methods=["GET"])
def preview(courseId: str, versionId: str) -> None:  # noqa: N803 - path names as in the API
    raise PlayerNotAvailable("The player is not available yet; course preview launches arrive with the runtime.")
