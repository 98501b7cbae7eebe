"""The LRS viewer of the web app (issue 5): browse, inspect and export an endpoint's statements.

Signed-in owners and administrators read the LRS of one of their realm's apps, or the realm's
own (docs/lrs.md), through the same query code as ``GET /lrs/{id}/statements``
(:mod:`chalicelib.lrs.queries`: index entries in stored order, no Scan). The viewer reads as
a ROOT credential of that endpoint would, but only for the caller's realm: the scope of every
read is ``{realmId}#{lrsId}`` with the realm taken from the session, never from the request.

Exports walk the same pages (:data:`EXPORT_PAGE` statements each), so at most one page of
statements is held at a time besides the encoded output; one export holds at most
:data:`MAX_EXPORT` statements (API Gateway/Lambda answer at most ~6 MB) and hands back a
``more`` cursor for the rest.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from chalicelib import apps
from chalicelib.errors import BadRequest, NotFound
from chalicelib.lrs import queries, schema
from chalicelib.lrs.endpoint import Endpoint

if TYPE_CHECKING:
    from collections.abc import Iterator

#: Viewer parameters → GET statements parameters (Communication §2.1.3).
PARAMS = ("agent", "verb", "activity", "registration", "since", "until")
PAGE = 50
EXPORT_PAGE = 500
MAX_EXPORT = 5000
CSV_COLUMNS = ("id", "timestamp", "stored", "actor", "verb", "object", "result_success",
               "result_completion", "result_score", "registration")
#: A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def endpoint(realm_id: str, lrs_id: str | None) -> Endpoint:
    """The realm's own LRS (no ``endpoint`` given) or one of its apps' (404 for any other)."""
    chosen = lrs_id or realm_id
    if chosen != realm_id:
        apps.get_app(realm_id, chosen)
    return Endpoint(realm_id=realm_id, lrs_id=chosen, version="2.0.0", credential_id="",
                    authority={}, can_read_any=True, can_read_own=True, can_write=False)


def endpoints(realm_id: str) -> list[dict[str, str]]:
    """What the viewer may pick: the realm's own LRS, then each app's."""
    return [{"id": realm_id, "name": "Realm LRS", "kind": "realm"},
            *({"id": app.app_id, "name": app.name, "kind": "app"} for app in apps.list_apps(realm_id))]


def _query(params: dict[str, str], where: Endpoint, limit: int) -> queries.Query:
    unknown = sorted(set(params) - {*PARAMS, "endpoint", "more", "limit"})
    if unknown:
        raise BadRequest(f"{unknown[0]}: is not a filter of the LRS viewer")
    if params.get("more"):
        query = queries.Query.from_token(params["more"])
        query.limit = min(query.limit, limit)
        return query
    wanted = {name: params[name] for name in PARAMS if params.get(name)}
    wanted["limit"] = params.get("limit") or str(limit)
    parsed = queries.parse(wanted, where)
    if isinstance(parsed, tuple):  # cannot happen: no statementId was passed
        raise BadRequest("statementId: use /api/lrs/statements/{id}")
    parsed.limit = min(parsed.limit, limit)
    return parsed


def _cursor(more_link: str) -> str:
    return more_link.split("more=", 1)[1] if more_link else ""


def page(realm_id: str, params: dict[str, str]) -> dict[str, Any]:
    """One page of statements, newest first, and the cursor of the next."""
    where = endpoint(realm_id, params.get("endpoint"))
    found = queries.run(where, _query(params, where, PAGE))
    return {"statements": found.statements, "more": _cursor(found.more)}


def statement(realm_id: str, lrs_id: str | None, statement_id: str) -> dict[str, Any]:
    """One statement as stored, voided or not."""
    where = endpoint(realm_id, lrs_id)
    if not schema.UUID.match(statement_id):
        raise BadRequest("statementId: must be a UUID")
    try:
        return queries.fetch_one(where, "statementId", statement_id.lower())
    except NotFound:  # a voided one is only found by voidedStatementId
        return queries.fetch_one(where, "voidedStatementId", statement_id.lower())


def walk(realm_id: str, params: dict[str, str]) -> Iterator[dict[str, Any] | str]:
    """The statements of an export, page by page; last, the cursor of the rest ("" if none)."""
    where = endpoint(realm_id, params.get("endpoint"))
    query, sent = _query(params, where, EXPORT_PAGE), 0
    query.limit = EXPORT_PAGE
    while True:
        found = queries.run(where, query)
        yield from found.statements
        sent += len(found.statements)
        cursor = _cursor(found.more)
        if not cursor or sent >= MAX_EXPORT:
            yield cursor
            return
        query = queries.Query.from_token(cursor)


def export_json(realm_id: str, params: dict[str, str]) -> tuple[str, str]:
    """``{"statements": [...], "more": cursor}`` as text, and the cursor."""
    chunks, cursor = ['{"statements":['], ""
    first = True
    for item in walk(realm_id, params):
        if isinstance(item, str):
            cursor = item
            break
        chunks.append(("" if first else ",") + json.dumps(item, ensure_ascii=False))
        first = False
    chunks.append(f'],"more":{json.dumps(cursor)}}}')
    return "".join(chunks), cursor


def export_csv(realm_id: str, params: dict[str, str]) -> tuple[str, str]:
    """One row per statement (:data:`CSV_COLUMNS`), formula-looking cells neutralised."""
    out, cursor = io.StringIO(), ""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in walk(realm_id, params):
        if isinstance(item, str):
            cursor = item
            break
        writer.writerow([safe_cell(cell) for cell in row(item)])
    return out.getvalue(), cursor


def safe_cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def agent_label(agent: Any) -> str:
    """An agent or group by its identifier (Data §2.4.2.1), else its name."""
    if not isinstance(agent, dict):
        return ""
    account = agent.get("account")
    if isinstance(account, dict):
        return f"{account.get('name', '')} ({account.get('homePage', '')})"
    for key in ("mbox", "mbox_sha1sum", "openid"):
        if agent.get(key):
            return str(agent[key])
    return str(agent.get("name", ""))


def object_label(target: dict[str, Any]) -> str:
    kind = target.get("objectType", "Activity")
    if kind in ("Agent", "Group"):
        return agent_label(target)
    if kind == "SubStatement":
        return "SubStatement"
    return str(target.get("id", ""))


def _flag(value: Any) -> str:
    return "" if value is None else str(bool(value)).lower()


def row(item: dict[str, Any]) -> list[str]:
    result = item.get("result") or {}
    score = result.get("score") or {}
    shown_score = score.get("scaled", score.get("raw"))
    return [item["id"], str(item.get("timestamp", "")), str(item.get("stored", "")),
            agent_label(item.get("actor")), str(item["verb"]["id"]), object_label(item["object"]),
            _flag(result.get("success")), _flag(result.get("completion")),
            "" if shown_score is None else str(shown_score),
            str((item.get("context") or {}).get("registration", ""))]
