"""``/api/realms``: the realms the signed-in person belongs to, creating another one, linking
realms so that one plan covers them, and a realm's sign-in lockout settings."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib import accounts, permissions, plans
from chalicelib.middleware import request_object
from chalicelib.routes import caller

api = Blueprint(__name__)
PERMISSION = permissions.web(permissions.MEMBERS)
JSON = ["application/json"]




@api.route("/api/realms", methods=["GET"])
def my_realms() -> dict[str, Any]:
    return {"realms": accounts.my_realms(caller(api).principal)}


@api.route("/api/realms", methods=["POST"], content_types=JSON)
def create_realm() -> dict[str, Any]:
    """Create another realm (trial plan) with the caller as its Owner."""
    realm_id = accounts.create_another_realm(caller(api), request_object(api.current_request).get("name"))
    return {"id": realm_id, "realms": accounts.my_realms(caller(api).principal)}


@api.route("/api/realms/{realmId}/coverage", methods=["PUT"], content_types=JSON)
@permissions.declare(permissions.web(permissions.OWNER))
def link_realm(realmId: str) -> dict[str, Any]:  # noqa: N803
    """``{"coveredBy": "<realm id>" | null}``: share that realm's plan (the caller must own both)."""
    who = caller(api)
    owned = {r["id"] for r in accounts.my_realms(who.principal) if r["role"] == "owner"}
    plans.link(realmId, request_object(api.current_request).get("coveredBy"), owned)
    return {"realms": accounts.my_realms(who.principal)}


@api.route("/api/realm/settings", methods=["GET"])
@permissions.declare(permissions.web(permissions.ADMINS))
def realm_settings() -> dict[str, Any]:
    return accounts.lockout_settings(caller(api).realm_id)


@api.route("/api/realm/settings", methods=["PUT"], content_types=JSON)
@permissions.declare(permissions.web(permissions.ADMINS))
def change_realm_settings() -> dict[str, Any]:
    return accounts.set_lockout_settings(caller(api).realm_id, request_object(api.current_request))
