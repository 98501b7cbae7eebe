"""``/api/v2/xapi/credentials``: the LRS's activity-provider credentials (SCORM Cloud API v2
XapiApi: create/get/set/delete_xapi_credential(s)).

Credentials made through the API belong to the calling app's LRS endpoint (``/lrs/{appId}``)
unless the body names another ``endpoint`` (an app id of the realm, or ``*``). ``auth`` and
``permissionsLevel`` are accepted as bare strings or in the SDK's object form
(API_V2.md gotcha 4) and always returned in the object form.
"""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.lrs import credentials
from chalicelib.middleware import request_json
from chalicelib.routes import caller

api = Blueprint(__name__)
JSON = ["application/json"]


def _body(default_endpoint: str) -> dict[str, Any]:
    body = request_json(api.current_request)
    if isinstance(body, dict):
        body.setdefault("endpoint", default_endpoint)
    return body  # type: ignore[no-any-return]


@api.route("/xapi/credentials", methods=["GET"])
def list_credentials() -> dict[str, Any]:
    """XapiCredentialsListSchema: this app's credentials and the realm-wide ones."""
    who = caller(api)
    found = [c.to_api() for c in credentials.list_all(who.realm_id)
             if c.endpoint in ("*", who.principal)]
    return {"xapiCredentials": found, "more": None}


@api.route("/xapi/credentials", methods=["POST"], content_types=JSON)
def create_credential() -> dict[str, str]:
    who = caller(api)
    made = credentials.save(who.realm_id, _body(who.principal))
    return {"result": made.credential_id}


@api.route("/xapi/credentials/{xapiCredentialId}", methods=["GET"])
def get_credential(xapiCredentialId: str) -> dict[str, Any]:  # noqa: N803 - the API's spelling
    return credentials.get(caller(api).realm_id, xapiCredentialId).to_api()


@api.route("/xapi/credentials/{xapiCredentialId}", methods=["PUT"], content_types=JSON)
def set_credential(xapiCredentialId: str) -> dict[str, str]:  # noqa: N803
    who = caller(api)
    current = credentials.get(who.realm_id, xapiCredentialId)
    credentials.save(who.realm_id, _body(current.endpoint), xapiCredentialId)
    return {"result": xapiCredentialId}


@api.route("/xapi/credentials/{xapiCredentialId}", methods=["DELETE"])
def delete_credential(xapiCredentialId: str) -> Response:  # noqa: N803
    credentials.delete(caller(api).realm_id, xapiCredentialId)
    return Response(body="", status_code=204)
