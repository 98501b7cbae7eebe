"""``/api/app/invitations...`` and ``/api/app/outbox``: the web app's Invitations pages (signed-in
owners and administrators, session cookie + CSRF). Same domain functions as API v2, plus the
detail page (people with their results, the email job), resending and the local outbox."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib import permissions
from chalicelib.errors import BadRequest
from chalicelib.invitations import catalog, common, emails, jobs, private, public
from chalicelib.middleware import request_json
from chalicelib.routes import caller
from chalicelib.store import invitations as store

api = Blueprint(__name__)
PERMISSION = permissions.web(permissions.ADMINS)
PEOPLE_SHOWN = 200  # the detail page's people (each with its registration's results)


def _params() -> dict[str, str]:
    return dict(api.current_request.query_params or {})


def _shape(item: Any) -> dict[str, Any]:
    shown = common.public_json(item) if item.public else common.private_json(item, common.private_counts(item))
    shown["kind"] = "public" if item.public else "private"
    shown["url"] = common.public_url(item.realm_id, item.invitation_id) if item.public else None
    shown["registrationCount"] = shown.get("registrationCount", 0)
    return shown


@api.route("/api/app/invitations", methods=["GET"])
def invitation_list() -> dict[str, Any]:
    params = _params()
    kind = params.pop("kind", "all") or "all"
    if kind not in ("all", "public", "private"):
        raise BadRequest("kind must be one of all, public, private.")
    items, more, total = catalog.list_items(caller(api).realm_id, catalog.query_from(params, kind))
    return {"invitations": [_shape(i) for i in items], "more": more, "total": total}


@api.route("/api/app/invitations/public", methods=["POST"])
def create_public() -> dict[str, Any]:
    who = caller(api)
    return public.create(who.realm_id, request_json(api.current_request), who.principal)


@api.route("/api/app/invitations/private", methods=["POST"])
def create_private() -> dict[str, Any]:
    who = caller(api)
    made = private.create(who.realm_id, request_json(api.current_request), who.principal)
    return {**made, "jobStatus": jobs.status(who.realm_id, made["id"])}


@api.route("/api/app/invitations/{invitationId}", methods=["GET"])
def invitation_detail(invitationId: str) -> dict[str, Any]:  # noqa: N803 - the API's names
    realm_id = caller(api).realm_id
    item = common.require(realm_id, invitationId)
    people: list[dict[str, Any]] = []
    query, total = catalog.UserQuery(invitationId), 0
    while len(people) < PEOPLE_SHOWN:
        page, more, total = catalog.users_page(realm_id, bool(item.public), query, with_report=True)
        people.extend(page)
        if not more:
            break
        query.offset += catalog.PAGE_SIZE
    detail = _shape(item)
    detail["people"], detail["peopleTotal"] = people, total
    detail["jobStatus"] = None if item.public else jobs.status(realm_id, invitationId)
    return detail


@api.route("/api/app/invitations/{invitationId}", methods=["PUT"])
def invitation_update(invitationId: str) -> dict[str, Any]:  # noqa: N803
    realm_id = caller(api).realm_id
    item = common.require(realm_id, invitationId)
    body = request_json(api.current_request)
    changed = public.update(realm_id, invitationId, body) if item.public else \
        private.update(realm_id, invitationId, body)
    return {**changed, "kind": "public" if item.public else "private"}


@api.route("/api/app/invitations/{invitationId}/resend", methods=["POST"])
def invitation_resend(invitationId: str) -> dict[str, Any]:  # noqa: N803
    body = request_json(api.current_request)
    people = body.get("people") if isinstance(body, dict) else None
    if people is not None and (not isinstance(people, list) or not all(isinstance(n, int) for n in people)):
        raise BadRequest("people must be a list of person numbers (or absent: everyone).")
    return private.resend(caller(api).realm_id, invitationId, people)


@api.route("/api/app/outbox", methods=["GET"])
def outbox() -> dict[str, Any]:
    realm_id = caller(api).realm_id
    return emails.outbox({i.invitation_id for i in store.list_group(realm_id)})
