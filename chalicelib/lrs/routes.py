"""``/lrs/{lrsId}/…``: the xAPI resources (Communication §2; IEEE 9274.1.1 §4.1.6).

``lrsId`` is an app id (that app's LRS) or the realm id (the realm's own LRS). The middleware
authenticates every route here but About with :func:`chalicelib.lrs.auth.lrs_caller`.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, CaseInsensitiveMapping, CORSConfig, Response

from chalicelib import permissions
from chalicelib.errors import ApiError, BadRequest, Forbidden
from chalicelib.lrs import (
    agents,
    attachments,
    documents,
    launch_credentials,
    learner_access,
    protocol,
    queries,
    schema,
    statements,
)
from chalicelib.lrs.validation import fail
from chalicelib.routes import caller
from chalicelib.runtime import statement_launch
from chalicelib.store import documents as doc_store
from chalicelib.store import statements as stmt_store

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.lrs.endpoint import Endpoint

    _View = Callable[[str], Response]

api = Blueprint(__name__)
ANY = ["*/*"]
#: xAPI content hosted on another origin (a cmi5 AU or TinCan activity at an absolute URL) calls
#: the LRS from the learner's browser: preflights are answered (chalice local / API Gateway) and
#: responses, errors included (``chalicelib.middleware``), let the page read them.
CORS = CORSConfig(allow_origin="*", max_age=600,
                  allow_headers=["Authorization", "X-Experience-API-Version", "Content-Type", "If-Match",
                                 "If-None-Match"],
                  expose_headers=["ETag", "Last-Modified", "X-Experience-API-Consistent-Through",
                                  "X-Experience-API-Version"])
DOC_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]


def _context() -> tuple[protocol.LrsRequest, Endpoint]:
    event = api.current_request
    request = protocol.unwrap(event)
    return request, protocol.endpoint_for(event, request, caller(api))  # type: ignore[arg-type]


def _xapi_headers(*, consistent: bool = False) -> Callable[[_View], _View]:
    """Errors answer in the asked version too; GET statements always sends Consistent-Through
    (Communication §2.1.3: "regardless of the code returned")."""
    def wrap(view: _View) -> _View:
        @functools.wraps(view)
        def run(lrsId: str) -> Response:  # noqa: N803
            try:
                return view(lrsId)
            except ApiError as err:
                err.headers.setdefault(protocol.VERSION_HEADER,
                                       protocol.asked_version(api.current_request))
                if consistent:
                    err.headers.setdefault("X-Experience-API-Consistent-Through",
                                           statements.now_stored())
                raise
        return run
    return wrap


def _allow_binary(content_type: str) -> None:
    """chalice refuses a binary-typed response unless Accept names the type; xAPI clients
    do not send one, so the stored document's type is added to this request's Accept."""
    request = api.current_request
    accept = request.headers.get("accept", "")
    request.headers = CaseInsensitiveMapping(
        {**request.headers, "accept": f"{accept}, {content_type}".strip(", ")})


@permissions.declare(permissions.public("xAPI About is readable without credentials "
                                       "(IEEE 9274.1.1 §4.1.6.7)"))
@api.route("/lrs/{lrsId}/about", methods=["GET", "HEAD"], cors=CORS)
def about(lrsId: str) -> Response:  # noqa: N803 - chalice passes the URI parameter by name
    asked, body = protocol.about(api.current_request)
    return protocol.respond(asked, body)


@api.route("/lrs/{lrsId}/statements", methods=["GET", "HEAD", "PUT", "POST"], content_types=ANY, cors=CORS)
@_xapi_headers(consistent=True)
def statement_resource(lrsId: str) -> Response:  # noqa: N803
    request, endpoint = _context()
    if request.method in ("PUT", "POST"):
        protocol.require(endpoint, write=True)
        return _store(request, endpoint)
    protocol.require(endpoint, write=False)
    return _query(request, endpoint)


def _store(request: protocol.LrsRequest, endpoint: Endpoint) -> Response:
    sent, parts = protocol.json_body(request)
    if endpoint.launch is not None:
        launch_credentials.check_statements(endpoint.launch, sent)
    if endpoint.actor_key is not None:
        learner_access.check_statements(endpoint.actor_key, sent)
    if request.method == "PUT":
        statement_id = request.params.get("statementId")
        if statement_id is None:
            raise fail("statementId", "is required to PUT a statement")
        if set(request.params) - {"statementId"}:
            raise BadRequest("PUT statements takes no parameter but statementId")
        if not schema.UUID.match(statement_id):
            raise fail("statementId", "must be a UUID")
        if not isinstance(sent, dict):
            raise fail("statement", "must be a JSON object")
        statement_launch.check(endpoint, sent, statement_id.lower())
        statements.store_statements(endpoint, sent, parts, put_id=statement_id.lower())
        _track(endpoint, sent, [statement_id.lower()])
        return protocol.respond(endpoint.version, status=204)
    if request.params:
        raise BadRequest(f"{next(iter(request.params))}: POST statements takes no parameters")
    statement_launch.check(endpoint, sent)
    ids = statements.store_statements(endpoint, sent, parts)
    _track(endpoint, sent, ids)
    return protocol.respond(endpoint.version, ids)


def _track(endpoint: Endpoint, sent: Any, ids: list[str]) -> None:
    """Statements of content the player launched update its registration (launch credentials
    issued by the player only: other writers pay nothing for this)."""
    if endpoint.launch is not None and endpoint.launch.launch is not None:
        statement_launch.track(endpoint, sent, ids)


def _languages(request: protocol.LrsRequest) -> list[str]:
    header = request.headers.get("accept-language", "")
    return [part.split(";")[0].strip() for part in header.split(",") if part.strip()]


def _query(request: protocol.LrsRequest, endpoint: Endpoint) -> Response:
    parsed = queries.parse(request.params, endpoint)
    consistent = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    languages = _languages(request)
    if isinstance(parsed, tuple):
        param, statement_id = parsed
        found = queries.fetch_one(endpoint, param, statement_id)
        body: Any = queries.shape(found, request.params.get("format", "exact"), languages,
                                  endpoint)
        last, wanted, shown = found["stored"], request.params.get("attachments") == "true", [found]
    else:
        page = queries.run(endpoint, parsed)
        shown = [queries.shape(s, parsed.format, languages, endpoint) for s in page.statements]
        body = {"statements": shown, "more": page.more}
        last, wanted = page.last_modified, parsed.attachments
    headers = {"X-Experience-API-Consistent-Through": consistent,
               "Last-Modified": protocol.http_date(last)}
    if request.method == "HEAD":
        return protocol.respond(endpoint.version, headers={**headers,
                                                           "Content-Type": "application/json"})
    if not wanted:
        return protocol.respond(endpoint.version, body, headers=headers)
    document = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    parts: list[tuple[str, str, bytes]] = []
    for statement in shown:
        for attachment in attachments.declared(statement):
            content = stmt_store.get_attachment(endpoint.scope, attachment["sha2"].lower())
            if content is not None and all(p[0] != attachment["sha2"] for p in parts):
                parts.append((attachment["sha2"], attachment["contentType"], content))
    multipart, content_type = attachments.build(document, parts)
    return protocol.respond(endpoint.version, multipart,
                            headers={**headers, "Content-Type": content_type})


def _document(kind: str) -> Response:
    request, endpoint = _context()
    method = request.method
    write = method in ("PUT", "POST", "DELETE")
    protocol.require(endpoint, write=write)
    where = documents.address(kind, request.params, method)
    if endpoint.launch is not None:
        launch_credentials.check_document(endpoint.launch, kind, request.params, write=write)
    if endpoint.actor_key is not None:
        raise Forbidden("learners' own credentials may not use the document resources")
    if method in ("PUT", "POST"):
        etag = documents.write(endpoint, where, request.body, request.content_type,
                               merge=method == "POST", if_match=request.headers.get("if-match"),
                               if_none_match=request.headers.get("if-none-match"))
        return protocol.respond(endpoint.version, status=204, headers={"ETag": etag})
    if method == "DELETE":
        documents.delete(endpoint, where, request.headers.get("if-match"))
        return protocol.respond(endpoint.version, status=204)
    if where.document_id is None:
        ids, newest = documents.list_ids(endpoint, where)
        return protocol.respond(endpoint.version, None if method == "HEAD" else ids,
                                headers={"Last-Modified": protocol.http_date(newest),
                                         "Content-Type": "application/json"})
    statement_launch.document_read(endpoint, kind, request.params)
    found = documents.get(endpoint, where)
    headers = {"ETag": found.etag, "Last-Modified": protocol.http_date(found.updated),
               "Content-Type": found.content_type}
    _allow_binary(found.content_type)
    return protocol.respond(endpoint.version, None if method == "HEAD" else found.content,
                            headers=headers)


@api.route("/lrs/{lrsId}/activities/state", methods=DOC_METHODS, content_types=ANY, cors=CORS)
@_xapi_headers()
def state(lrsId: str) -> Response:  # noqa: N803
    return _document("state")


@api.route("/lrs/{lrsId}/activities/profile", methods=DOC_METHODS, content_types=ANY, cors=CORS)
@_xapi_headers()
def activity_profile(lrsId: str) -> Response:  # noqa: N803
    return _document("activity_profile")


@api.route("/lrs/{lrsId}/agents/profile", methods=DOC_METHODS, content_types=ANY, cors=CORS)
@_xapi_headers()
def agent_profile(lrsId: str) -> Response:  # noqa: N803
    return _document("agent_profile")


@api.route("/lrs/{lrsId}/activities", methods=["GET", "HEAD"], content_types=ANY, cors=CORS)
@_xapi_headers()
def activities(lrsId: str) -> Response:  # noqa: N803
    """Communication §2.5: the canonical Activity object for ``activityId``."""
    request, endpoint = _context()
    protocol.require(endpoint, write=False)
    if set(request.params) - {"activityId"}:
        raise BadRequest("GET activities takes only the activityId parameter")
    activity_id = request.params.get("activityId")
    if activity_id is None or not schema.IRI.match(activity_id):
        raise fail("activityId", "is required and must be an IRI")
    known = doc_store.get_activity(endpoint.scope, activity_id)
    body = {"objectType": "Activity", **json.loads(known)} if known else \
        {"objectType": "Activity", "id": activity_id}
    return protocol.respond(endpoint.version, None if request.method == "HEAD" else body,
                            headers={"Content-Type": "application/json"})


@api.route("/lrs/{lrsId}/agents", methods=["GET", "HEAD"], content_types=ANY, cors=CORS)
@_xapi_headers()
def agent_resource(lrsId: str) -> Response:  # noqa: N803
    """Communication §2.4: the Person object of ``agent``."""
    request, endpoint = _context()
    protocol.require(endpoint, write=False)
    if set(request.params) - {"agent"}:
        raise BadRequest("GET agents takes only the agent parameter")
    if "agent" not in request.params:
        raise fail("agent", "is required")
    person = agents.person(agents.parse_param(request.params["agent"]))
    return protocol.respond(endpoint.version, None if request.method == "HEAD" else person,
                            headers={"Content-Type": "application/json"})
