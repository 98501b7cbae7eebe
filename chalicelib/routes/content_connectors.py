"""``/api/v2/contentConnectors``: SCORM Cloud API v2 ContentConnectorsApi. Nimbus offers no content
connectors (SCORM Cloud's links to third-party content libraries); every operation answers
``501 Not Implemented`` with a JSON message saying so, rather than "no such route"."""

from __future__ import annotations

from http import HTTPStatus

from chalice.app import Blueprint

from chalicelib.errors import ApiError

api = Blueprint(__name__)


class NotOffered(ApiError):
    status = HTTPStatus.NOT_IMPLEMENTED


def _refuse() -> None:
    raise NotOffered("Content connectors are not offered by Nimbus: import packages with "
                     "POST /courses/importJobs (upload or fetch) instead.")


@api.route("/contentConnectors", methods=["GET", "POST"])
def connectors() -> None:
    _refuse()


@api.route("/contentConnectors/{connectorId}", methods=["PUT", "DELETE"])
def connector(connectorId: str) -> None:  # noqa: N803, ARG001 - the API's name
    _refuse()
