"""Storing statements: ids, stored/authority/version, voiding, immutability, indexing.

xAPI 1.0.3 Communication §2.1.1 (PUT) and §2.1.2 (POST), Data §2.3 (immutability and
voiding), §2.4.8–2.4.10 (stored, authority, version); IEEE 9274.1.1 §4.1.6.1, §4.2.
A batch is validated completely before anything is written and is then stored whole or not at
all (see :mod:`chalicelib.store.statements`).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.errors import BadRequest, Conflict, PayloadTooLarge
from chalicelib.lrs import agents, attachments, signatures
from chalicelib.lrs.schema import VOIDED
from chalicelib.lrs.validation import validate_statement
from chalicelib.store import documents as doc_store
from chalicelib.store import statements as store

if TYPE_CHECKING:
    from chalicelib.lrs.endpoint import Endpoint

#: A stored statement must fit a DynamoDB item (400 KB) with its other attributes.
MAX_STATEMENT_BYTES = 300_000


def now_stored() -> str:
    """``stored`` values: UTC, microseconds, fixed width, so they sort as strings."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _index_keys(statement: dict[str, Any], endpoint: Endpoint) -> list[str]:
    """Every ``dimension|value`` a GET may filter this statement by (Communication §2.1.3)."""
    keys = {"all|", f"authority|{endpoint.credential_id}"}
    _add_own(statement, keys, top=True)
    return sorted(keys)


def _add_agent(agent: Any, dims: tuple[str, ...], keys: set[str]) -> None:
    if not isinstance(agent, dict):
        return
    found = agents.key(agent)
    if found:
        keys.update(f"{dim}|{found}" for dim in dims)
    for member in agents.members(agent):
        member_key = agents.key(member)
        if member_key:
            keys.add(f"ragent|{member_key}")


def _add_own(statement: dict[str, Any], keys: set[str], *, top: bool) -> None:
    direct = ("agent", "ragent") if top else ("ragent",)
    _add_agent(statement.get("actor"), direct, keys)
    verb = (statement.get("verb") or {}).get("id")
    if verb and top:
        keys.add(f"verb|{verb}")
    target = statement.get("object") or {}
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        keys.add(f"ractivity|{target.get('id')}")
        if top:
            keys.add(f"activity|{target.get('id')}")
    elif kind in ("Agent", "Group"):
        _add_agent(target, direct, keys)
    elif kind == "SubStatement":
        _add_own(target, keys, top=False)
    context = statement.get("context") or {}
    if context.get("registration") and top:
        keys.add(f"registration|{context['registration'].lower()}")
    _add_agent(context.get("instructor"), ("ragent",), keys)
    _add_agent(context.get("team"), ("ragent",), keys)
    for item in context.get("contextAgents") or []:
        _add_agent(item.get("agent"), ("ragent",), keys)
    for item in context.get("contextGroups") or []:
        _add_agent(item.get("group"), ("ragent",), keys)
    for values in (context.get("contextActivities") or {}).values():
        for activity in values if isinstance(values, list) else [values]:
            keys.add(f"ractivity|{activity.get('id')}")
    if top:
        _add_agent(statement.get("authority"), ("ragent",), keys)


def _same(stored: dict[str, Any], sent: dict[str, Any]) -> bool:
    """Immutability (Data §2.3.1): equal except what the LRS itself fills in."""
    ignore = ("stored", "authority", "version", "timestamp")
    one = {k: v for k, v in stored.items() if k not in ignore}
    two = {k: v for k, v in sent.items() if k not in ignore}
    return one == two


def _arrays(statement: dict[str, Any]) -> dict[str, Any]:
    """Data §2.4.6.2: context activities are always returned as arrays."""
    context = statement.get("context")
    if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict):
        lists = {k: v if isinstance(v, list) else [v]
                 for k, v in context["contextActivities"].items()}
        statement = {**statement, "context": {**context, "contextActivities": lists}}
    target = statement.get("object")
    if isinstance(target, dict) and target.get("objectType") == "SubStatement":
        statement = {**statement, "object": _arrays(target)}
    return statement


def _prepare(statement: dict[str, Any], endpoint: Endpoint, stored: str) -> dict[str, Any]:
    prepared = _arrays(statement)
    prepared.setdefault("id", str(uuid.uuid4()))
    prepared["id"] = prepared["id"].lower()
    prepared["stored"] = stored
    prepared.setdefault("timestamp", stored)
    prepared["authority"] = endpoint.authority
    prepared.setdefault("version", "2.0.0" if endpoint.version == "2.0.0" else "1.0.0")
    return prepared


def store_statements(endpoint: Endpoint, sent: Any, parts: dict[str, attachments.Part], *,
                     put_id: str | None = None) -> list[str]:
    """Validate and store one statement or a batch; return the ids (in order)."""
    batch = sent if isinstance(sent, list) else [sent]
    if not batch:
        raise BadRequest("statements: the batch is empty")
    if len(batch) > store.MAX_BATCH:
        raise PayloadTooLarge(f"statements: at most {store.MAX_BATCH} statements per request")
    for index, statement in enumerate(batch):
        path = "statement" if put_id is not None or not isinstance(sent, list) else \
            f"statements[{index}]"
        validate_statement(statement, endpoint.version, path)
    if put_id is not None:
        if "id" in batch[0] and batch[0]["id"].lower() != put_id.lower():
            raise BadRequest("statement.id: differs from the statementId parameter")
        batch[0] = {**batch[0], "id": put_id}
    attachments.match(batch, parts)
    bodies = {sha2: part.body for sha2, part in parts.items()}
    for index, statement in enumerate(batch):
        signatures.check(statement, bodies, f"statements[{index}]")
    stored = now_stored()
    prepared = [_prepare(statement, endpoint, stored) for statement in batch]
    ids = [p["id"] for p in prepared]
    if len(set(ids)) != len(ids):
        raise BadRequest("statements: the batch uses the same id twice")
    existing = store.get_statements(endpoint.scope, ids)
    fresh, void_ids = _resolve(prepared, batch, existing, endpoint)
    for sha2, part in parts.items():
        store.put_attachment(endpoint.scope, sha2, part.content_type or
                             "application/octet-stream", part.body)
    if fresh:
        _write(endpoint, fresh, void_ids, stored)
    return ids


def _resolve(prepared: list[dict[str, Any]], sent: list[dict[str, Any]],
             existing: dict[str, store.StatementItem],
             endpoint: Endpoint) -> tuple[list[dict[str, Any]], list[str]]:
    """Drop already-stored identical statements (409 on a different one); find void targets."""
    fresh = []
    for statement, original in zip(prepared, sent, strict=True):
        found = existing.get(statement["id"])
        if found is None:
            fresh.append(statement)
        elif not _same(json.loads(found.body), {**original, "id": statement["id"]}):
            raise Conflict(f"statement {statement['id']} is already stored with other content")
    targets = {s["object"]["id"].lower(): s for s in fresh if s["verb"]["id"] == VOIDED}
    void_ids = []
    if targets:
        found_targets = store.get_statements(endpoint.scope, targets)
        batch_voiders = {s["id"] for s in fresh if s["verb"]["id"] == VOIDED}
        for target_id in targets:
            target = found_targets.get(target_id)
            if target_id in batch_voiders or (
                    target and json.loads(target.body)["verb"]["id"] == VOIDED):
                raise BadRequest(f"statement {targets[target_id]['id']}: a voiding statement "
                                 "cannot void another voiding statement")
            if target is not None and not target.voided:
                void_ids.append(target_id)
    return fresh, void_ids


def _write(endpoint: Endpoint, fresh: list[dict[str, Any]], void_ids: list[str],
           stored: str) -> None:
    referenced = [s["object"]["id"].lower() for s in fresh
                  if s["object"].get("objectType") == "StatementRef"]
    targets = store.get_statements(endpoint.scope, referenced) if referenced else {}
    rows = []
    for statement in fresh:
        body = json.dumps(statement, separators=(",", ":"), ensure_ascii=False)
        if len(body.encode()) > MAX_STATEMENT_BYTES:
            raise PayloadTooLarge(f"statement {statement['id']} is larger than "
                                  f"{MAX_STATEMENT_BYTES} bytes")
        keys = set(_index_keys(statement, endpoint))
        if statement["object"].get("objectType") == "StatementRef":
            target = targets.get(statement["object"]["id"].lower())
            if target is not None:  # Communication §2.1.3: filters also match referrers
                inherited: list[str] = list(target.index_keys)  # type: ignore[arg-type]
                keys.update(k for k in inherited if not k.startswith(("all|", "authority|")))
        rows.append(store.NewStatement(statement["id"], body, stored, sorted(keys)))
    try:
        store.put_statements(endpoint.scope, endpoint.realm_id, rows, void_ids)
    except store.StatementConflict as err:
        raise Conflict(f"statement {err.statement_id} was stored by a concurrent request") from err
    _remember_activities(endpoint, fresh)


def activities_of(statement: dict[str, Any]) -> list[dict[str, Any]]:
    """Every Activity object in a statement: object, context activities, SubStatement's."""
    found = []
    target = statement.get("object") or {}
    if target.get("objectType", "Activity") == "Activity":
        found.append(target)
    elif target.get("objectType") == "SubStatement":
        found += activities_of(target)
    for values in ((statement.get("context") or {}).get("contextActivities") or {}).values():
        found += [a for a in (values if isinstance(values, list) else [values])
                  if isinstance(a, dict)]
    return found


def _remember_activities(endpoint: Endpoint, statements: list[dict[str, Any]]) -> None:
    """Keep the merged definition of each Activity for GET /activities (Communication §2.5):
    language maps gain languages, other properties take the latest value."""
    merged: dict[str, dict[str, Any]] = {}
    for statement in statements:
        for activity in activities_of(statement):
            if "definition" not in activity:
                continue
            if activity["id"] not in merged:
                known = doc_store.get_activity(endpoint.scope, activity["id"])
                merged[activity["id"]] = json.loads(known) if known else {"id": activity["id"]}
            current = merged[activity["id"]]
            if "objectType" in activity:
                current["objectType"] = activity["objectType"]
            definition = current.setdefault("definition", {})
            for key, value in activity["definition"].items():
                if isinstance(value, dict) and isinstance(definition.get(key), dict):
                    definition[key] = {**definition[key], **value}
                else:
                    definition[key] = value
    for activity_id, activity in merged.items():
        doc_store.put_activity(endpoint.scope, endpoint.realm_id, activity_id,
                               json.dumps(activity, separators=(",", ":")))
