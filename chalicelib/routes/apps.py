"""``/api/apps``: the web app's Apps section (owners and administrators): apps, their secret
keys (create, enable/disable, rotate, delete; a secret is shown once) and the realm's
application-management credentials."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import apps, permissions
from chalicelib.middleware import request_object
from chalicelib.reports import usage as reported_usage
from chalicelib.routes import caller

api = Blueprint(__name__)
PERMISSION = permissions.web(permissions.ADMINS)
JSON = ["application/json"]




def _app(app_id: str) -> Any:
    realm_id = caller(api).realm_id
    if app_id == "management":
        return apps.management_app(realm_id)
    return apps.get_app(realm_id, app_id)


def _details(app: Any) -> dict[str, Any]:
    return {**apps.app_json(app), "keys": [apps.key_json(k) for k in apps.keys(app)],
            "registrationsByMonth": reported_usage.app_registrations_by_month(app.realm_id, app.app_id)}


@api.route("/api/apps", methods=["GET"])
def list_apps() -> dict[str, Any]:
    return {"apps": [apps.app_json(app) for app in apps.list_apps(caller(api).realm_id)]}


@api.route("/api/apps", methods=["POST"], content_types=JSON)
def create_app() -> dict[str, Any]:
    made = apps.create_app(caller(api).realm_id, request_object(api.current_request).get("name"))
    app = apps.get_app(made.realm_id, made.app_id)
    return {**_details(app), "secret": made.secret_key, "secretKeyId": made.key_id}


@api.route("/api/apps/{appId}", methods=["GET"])
def app_details(appId: str) -> dict[str, Any]:  # noqa: N803 - matches the API's spelling
    """The app's Details page: keys (never their secrets) and a 13-month registration overview."""
    return _details(_app(appId))


@api.route("/api/apps/{appId}", methods=["PUT"], content_types=JSON)
def rename_app(appId: str) -> dict[str, Any]:  # noqa: N803
    return apps.app_json(apps.rename_app(caller(api).realm_id, appId, request_object(api.current_request).get("name")))


@api.route("/api/apps/{appId}", methods=["DELETE"])
def delete_app(appId: str) -> Response:  # noqa: N803
    apps.delete_app(caller(api).realm_id, appId)
    return Response(body="", status_code=204)


@api.route("/api/apps/{appId}/keys", methods=["POST"], content_types=JSON)
def add_key(appId: str) -> dict[str, Any]:  # noqa: N803
    made = apps.add_key(_app(appId), request_object(api.current_request).get("name"))
    return apps.key_json(made.key, made.secret)


@api.route("/api/apps/{appId}/keys/{keyId}", methods=["PUT"], content_types=JSON)
def update_key(appId: str, keyId: str) -> dict[str, Any]:  # noqa: N803
    body = request_object(api.current_request)
    return apps.key_json(apps.update_key(_app(appId), keyId, enabled=body.get("enabled"), name=body.get("name")))


@api.route("/api/apps/{appId}/keys/{keyId}/rotate", methods=["POST"])
def rotate_key(appId: str, keyId: str) -> dict[str, Any]:  # noqa: N803
    made = apps.rotate_key(_app(appId), keyId)
    return apps.key_json(made.key, made.secret)


@api.route("/api/apps/{appId}/keys/{keyId}", methods=["DELETE"])
def delete_key(appId: str, keyId: str) -> Response:  # noqa: N803
    apps.delete_key(_app(appId), keyId)
    return Response(body="", status_code=204)
