"""``/api/lrs/...``: the web app's LRS viewer (owners and administrators of the signed-in realm,
session cookie). Filters, paging and exports are :mod:`chalicelib.lrs.viewer`'s."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from chalice.app import Blueprint, Response

from chalicelib import permissions
from chalicelib.lrs import viewer
from chalicelib.routes import caller

api = Blueprint(__name__)
PERMISSION = permissions.web(permissions.ADMINS)


def _params() -> dict[str, str]:
    return dict(api.current_request.query_params or {})


@api.route("/api/lrs/endpoints", methods=["GET"])
def endpoints() -> dict[str, Any]:
    return {"endpoints": viewer.endpoints(caller(api).realm_id)}


@api.route("/api/lrs/statements", methods=["GET"])
def statements() -> dict[str, Any]:
    return viewer.page(caller(api).realm_id, _params())


@api.route("/api/lrs/statements/{statementId}", methods=["GET"])
def statement(statementId: str) -> dict[str, Any]:  # noqa: N803 - matches the xAPI spelling
    return viewer.statement(caller(api).realm_id, _params().get("endpoint"), statementId)


def _download(body: str, cursor: str, content_type: str, name: str) -> Response:
    headers: dict[str, str | list[str]] = {"Content-Type": content_type,
               "Content-Disposition": f'attachment; filename="{name}"'}
    if cursor:  # the export stopped at viewer.MAX_EXPORT statements: where the rest starts
        rest = {k: v for k, v in _params().items() if k == "endpoint"} | {"more": cursor}
        headers["Link"] = f'<{api.current_request.path}?{urlencode(rest)}>; rel="next"'
    return Response(body=body, status_code=200, headers=headers)


@api.route("/api/lrs/export.json", methods=["GET"])
def export_json() -> Response:
    body, cursor = viewer.export_json(caller(api).realm_id, _params())
    return _download(body, cursor, "application/json; charset=utf-8", "statements.json")


@api.route("/api/lrs/export.csv", methods=["GET"])
def export_csv() -> Response:
    body, cursor = viewer.export_csv(caller(api).realm_id, _params())
    return _download(body, cursor, "text/csv; charset=utf-8", "statements.csv")
