"""``/api/v2/appManagement/*`` (SCORM Cloud API v2 ApplicationManagementApi): the realm's
apps and their credentials, for the application-management credentials (``APP_MANAGEMENT``)
or a token minted with them; and ``POST /appManagement/token``, which any app may call."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import apps, permissions, tokens
from chalicelib.errors import BadRequest
from chalicelib.middleware import request_object
from chalicelib.routes import caller
from chalicelib.store import accounts as store

api = Blueprint(__name__)
PERMISSION = permissions.app_management()


def _no_content() -> Response:
    return Response(body="", status_code=204)




@api.route("/appManagement/token", methods=["POST"], content_types=["application/json"])
@permissions.declare(permissions.token_endpoint())
def create_token() -> dict[str, str]:
    """TokenRequestSchema ``{permissions:{scopes,applicationName?}, expiry}`` → ``{result}``.

    With management credentials, ``applicationName`` picks the realm's app the token acts for
    (a normal token); without it the token is a management token.
    """
    body, who = request_object(api.current_request), caller(api)
    granted = body.get("permissions")
    if not isinstance(granted, dict):
        raise BadRequest("permissions is required: {\"scopes\": [...]}.")
    scopes = tokens.parse_scopes(granted.get("scopes"), "permissions.scopes")
    seconds = tokens.parse_expiry(body.get("expiry"))
    app_id, management = who.principal, who.kind == "app_management"
    name = granted.get("applicationName")
    if name is not None and management:
        matches = [app for app in apps.list_apps(who.realm_id) if app.name == name]
        if not matches:
            raise BadRequest(f"permissions.applicationName: no app named {name!r} in this realm.")
        app_id, management = matches[0].app_id, False
    return {"result": tokens.mint(who.realm_id, app_id, scopes, seconds, management=management)}


def _info(app: Any) -> dict[str, Any]:
    return {"id": app.app_id, "name": app.name, "createDate": app.created.isoformat(),
            "updateDate": (app.updated or app.created).isoformat(), "allowDelete": True,
            "courseCount": 0, "registrationCount": int(store.get_usage(app.realm_id).registrations or 0)}


def _credential(key: Any, secret: str = "") -> dict[str, Any]:
    """CredentialSchema. The secret is returned only when made: only its hash is kept."""
    return {"id": key.key_id, "name": key.name, "credential": secret, "pensCredential": "",
            "status": "Enabled" if key.enabled else "Disabled", "created": key.created.isoformat(),
            "updated": (key.updated or key.created).isoformat()}


@api.route("/appManagement/applications", methods=["GET"])
def list_applications() -> dict[str, Any]:
    return {"applications": [{"id": a.app_id, "name": a.name} for a in apps.list_apps(caller(api).realm_id)]}


@api.route("/appManagement/applicationList", methods=["GET"])
def application_list() -> dict[str, Any]:
    return {"applications": [_info(a) for a in apps.list_apps(caller(api).realm_id)]}


@api.route("/appManagement/applications", methods=["POST"], content_types=["application/json"])
def create_application() -> dict[str, str]:
    made = apps.create_app(caller(api).realm_id, request_object(api.current_request).get("name"), with_key=True)
    return {"id": made.app_id, "name": apps.get_app(made.realm_id, made.app_id).name}


@api.route("/appManagement/applications/{childAppId}", methods=["GET"])
def get_application(childAppId: str) -> dict[str, Any]:  # noqa: N803 - the SDK's path name
    return _info(apps.get_app(caller(api).realm_id, childAppId))


@api.route("/appManagement/applications/{childAppId}", methods=["PUT"], content_types=["application/json"])
def update_application(childAppId: str) -> Response:  # noqa: N803
    body = request_object(api.current_request)
    if "name" in body:
        apps.rename_app(caller(api).realm_id, childAppId, body["name"])
    else:
        apps.get_app(caller(api).realm_id, childAppId)
    return _no_content()


@api.route("/appManagement/applications/{childAppId}", methods=["DELETE"])
def delete_application(childAppId: str) -> Response:  # noqa: N803
    apps.delete_app(caller(api).realm_id, childAppId)
    return _no_content()


@api.route("/appManagement/{childAppId}/credentials", methods=["GET"])
def list_credentials(childAppId: str) -> dict[str, Any]:  # noqa: N803
    app = apps.get_app(caller(api).realm_id, childAppId)
    return {"credentials": [_credential(key) for key in apps.keys(app)]}


@api.route("/appManagement/{childAppId}/credentials", methods=["POST"], content_types=["application/json"])
def create_credential(childAppId: str) -> dict[str, Any]:  # noqa: N803
    body = request_object(api.current_request)
    active = body.get("active", True)
    if not isinstance(active, bool):
        raise BadRequest("active must be true or false.")
    made = apps.add_key(apps.get_app(caller(api).realm_id, childAppId), body.get("name"), enabled=active)
    return _credential(made.key, made.secret)


@api.route("/appManagement/{childAppId}/credentials/{credentialId}", methods=["PUT"],
           content_types=["application/json"])
def update_credential(childAppId: str, credentialId: str) -> Response:  # noqa: N803
    body = request_object(api.current_request)
    app = apps.get_app(caller(api).realm_id, childAppId)
    enabled = body.get("active", body.get("status"))
    if isinstance(enabled, str):
        enabled = {"enabled": True, "disabled": False}.get(enabled.lower(), enabled)
    apps.update_key(app, credentialId, enabled=enabled, name=body.get("name"))
    return _no_content()


@api.route("/appManagement/{childAppId}/credentials/{credentialId}", methods=["DELETE"])
def delete_credential(childAppId: str, credentialId: str) -> Response:  # noqa: N803
    apps.delete_key(apps.get_app(caller(api).realm_id, childAppId), credentialId)
    return _no_content()
