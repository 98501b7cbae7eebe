"""State, Activity Profile and Agent Profile documents.

xAPI 1.0.3 Communication §2.2 (Document APIs), §2.3 (State), §2.6 (Agent Profile), §2.7
(Activity Profile), §3.1 (Concurrency: ETag, If-Match, If-None-Match, 409/412); IEEE
9274.1.1 §4.1.4, §4.1.6.2/5/6. POST merges JSON objects at the top level; anything else must
be replaced with PUT.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.errors import BadRequest, Conflict, NotFound, PayloadTooLarge, PreconditionFailed
from chalicelib.lrs import agents, schema
from chalicelib.lrs.queries import timestamp_param
from chalicelib.lrs.statements import now_stored
from chalicelib.lrs.validation import fail
from chalicelib.store import documents as store

if TYPE_CHECKING:
    from chalicelib.lrs.endpoint import Endpoint


@dataclass(frozen=True)
class Kind:
    """One document resource: its id parameter and the parameters naming its parent."""

    name: str
    id_param: str
    parent_params: tuple[str, ...]
    delete_many: bool  # DELETE without an id removes every document of the parent


KINDS = {
    "state": Kind("state", "stateId", ("activityId", "agent"), delete_many=True),
    "activity_profile": Kind("activity_profile", "profileId", ("activityId",), delete_many=False),
    "agent_profile": Kind("agent_profile", "profileId", ("agent",), delete_many=False),
}


@dataclass(frozen=True)
class Address:
    kind: Kind
    parent: str
    registration: str
    document_id: str | None
    since: str | None


@dataclass(frozen=True)
class Document:
    content: bytes
    content_type: str
    etag: str
    updated: str


def address(kind_name: str, params: dict[str, str], method: str) -> Address:
    """Check a document request's parameters (400 naming the first bad one)."""
    kind = KINDS[kind_name]
    allowed = {*kind.parent_params, kind.id_param, "since"}
    if kind.name == "state":
        allowed.add("registration")
    for name in params:
        if name not in allowed:
            raise BadRequest(f"{name}: is not a parameter of this resource")
    parent = []
    for name in kind.parent_params:
        if name not in params:
            raise fail(name, "is required")
        if name == "agent":
            parent.append(agents.key(agents.parse_param(params[name])) or "")
        elif not schema.IRI.match(params[name]):
            raise fail(name, "must be an IRI")
        else:
            parent.append(params[name])
    registration = params.get("registration", "")
    if registration and not schema.UUID.match(registration):
        raise fail("registration", "must be a UUID")
    document_id = params.get(kind.id_param)
    if document_id is None and (method in ("PUT", "POST") or
                                (method == "DELETE" and not kind.delete_many)):
        raise fail(kind.id_param, "is required")
    if document_id is not None and "since" in params:
        raise BadRequest("since: only applies when listing document ids")
    since = None
    if "since" in params:
        since = timestamp_param(params, "since")
    return Address(kind, "\n".join(parent), registration.lower(), document_id, since)


def _etag(content: bytes) -> str:
    return '"' + hashlib.sha1(content, usedforsecurity=False).hexdigest() + '"'


def _tags(header: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def _check_preconditions(current: store.DocumentItem | None, if_match: str | None,
                         if_none_match: str | None, *, strict: bool) -> None:
    """Communication §3.1: 412 when a precondition fails; 409 when a write has none."""
    if if_match is not None:
        if current is None or ("*" not in _tags(if_match) and current.etag not in _tags(if_match)):
            raise PreconditionFailed("If-Match does not match the document's current ETag")
    if if_none_match is not None and current is not None and (
            "*" in _tags(if_none_match) or current.etag in _tags(if_none_match)):
        raise PreconditionFailed("If-None-Match: the document already exists")
    if strict and current is not None and if_match is None and if_none_match is None:
        raise Conflict("The document exists: send If-Match (or If-None-Match) to change it")


def get(endpoint: Endpoint, where: Address) -> Document:
    found = store.get_document(endpoint.scope, where.kind.name, where.parent, where.registration,
                               where.document_id or "")
    if found is None:
        raise NotFound(f"{where.kind.id_param}: no such document")
    return Document(found.content, found.content_type, found.etag, found.updated)


def list_ids(endpoint: Endpoint, where: Address) -> tuple[list[str], str | None]:
    """Ids of the parent's documents (``since`` exclusive) and the newest update time."""
    ids, newest = [], None
    for document_id, item in store.list_documents(endpoint.scope, where.kind.name, where.parent):
        if item.registration != where.registration:
            continue
        if where.since and item.updated <= where.since:
            continue
        ids.append(document_id)
        newest = max(newest or item.updated, item.updated)
    return ids, newest


def write(endpoint: Endpoint, where: Address, content: bytes, content_type: str, *,
          merge: bool, if_match: str | None, if_none_match: str | None) -> str:
    """PUT (replace) or POST (merge JSON objects); returns the new ETag."""
    if len(content) > store.MAX_DOCUMENT_BYTES:
        raise PayloadTooLarge(f"documents may be at most {store.MAX_DOCUMENT_BYTES} bytes")
    document_id = where.document_id or ""
    current = store.get_document(endpoint.scope, where.kind.name, where.parent,
                                 where.registration, document_id)
    # 1.0.3 §3.1 demands preconditions for profiles only; 2.0 (§4.1.4) for State too.
    strict = not merge and (where.kind.name != "state" or endpoint.version == "2.0.0")
    _check_preconditions(current, if_match, if_none_match, strict=strict)
    if strict and endpoint.version == "1.0.3" and if_match is None and if_none_match is None:
        # 1.0.3 §3.1 (as the ADL suite reads it): a profile PUT must state its precondition.
        raise BadRequest("PUT of a profile needs If-Match or If-None-Match")
    if merge:
        content, content_type = _merged(current, content, content_type)
    etag = _etag(content)
    try:
        store.put_document(endpoint.scope, endpoint.realm_id, where.kind.name, where.parent,
                           where.registration, document_id, content=content,
                           content_type=content_type or "application/octet-stream", etag=etag,
                           updated=now_stored(),
                           expected_etag=current.etag if current else None,
                           must_not_exist=current is None)
    except store.EtagMismatch as err:
        raise PreconditionFailed("The document changed during this request; retry") from err
    return etag


def _json_object(content: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(content)
    except (ValueError, UnicodeDecodeError) as err:
        raise BadRequest(f"{what} is not a JSON object, so it cannot be merged") from err
    if not isinstance(value, dict):
        raise BadRequest(f"{what} is not a JSON object, so it cannot be merged")
    return value


def _merged(current: store.DocumentItem | None, content: bytes,
            content_type: str) -> tuple[bytes, str]:
    """Communication §2.2: POST merges the top-level properties of two JSON objects."""
    if not content_type.lower().startswith("application/json"):
        raise BadRequest("Content-Type must be application/json to merge a document with POST")
    incoming = _json_object(content, "the request body")
    if current is None:
        return content, "application/json"
    if not current.content_type.lower().startswith("application/json"):
        raise BadRequest("the stored document is not JSON, so it cannot be merged")
    merged = {**_json_object(current.content, "the stored document"), **incoming}
    return json.dumps(merged, separators=(",", ":")).encode(), "application/json"


def delete(endpoint: Endpoint, where: Address, if_match: str | None) -> None:
    if where.document_id is not None:
        current = store.get_document(endpoint.scope, where.kind.name, where.parent,
                                     where.registration, where.document_id)
        if current is None:
            if if_match is not None:
                raise PreconditionFailed("If-Match: the document does not exist")
            return
        _check_preconditions(current, if_match, None, strict=False)
        try:
            store.delete_document(endpoint.scope, where.kind.name, where.parent,
                                  where.registration, where.document_id, current.etag)
        except store.EtagMismatch as err:
            raise PreconditionFailed("The document changed during this request; retry") from err
        return
    doomed = [item for _, item in store.list_documents(endpoint.scope, where.kind.name,
                                                       where.parent)
              if item.registration == where.registration]
    store.delete_documents(doomed)
