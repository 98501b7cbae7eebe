"""GET /statements: parameters, index choice, filtering, ``more`` paging and formats.

xAPI 1.0.3 Communication §2.1.3 and Data §2.5; IEEE 9274.1.1 §4.1.6.1, §4.2.4.
The query reads the index entries of the most selective filter given (registration, agent,
activity, verb, else all) in stored order and keeps the statements whose index keys contain
every other filter — no Scan. One page examines at most :data:`MAX_EXAMINED` entries; when it
stops early it still returns a ``more`` cursor, so a sparse combination never times out.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.errors import BadRequest, Forbidden, NotFound
from chalicelib.lrs import agents, learner_access, schema
from chalicelib.lrs.validation import fail
from chalicelib.store import documents as doc_store
from chalicelib.store import statements as store

if TYPE_CHECKING:
    from chalicelib.lrs.endpoint import Endpoint

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
MAX_EXAMINED = 2000
FORMATS = ("exact", "ids", "canonical")
FILTERS = ("agent", "verb", "activity", "registration", "related_activities",
           "related_agents", "since", "until", "limit", "format", "attachments", "ascending")
SINGLE = ("statementId", "voidedStatementId")


@dataclass
class Query:
    required: list[str] = field(default_factory=list)  # index keys; the first is the primary
    since: str | None = None
    until: str | None = None
    limit: int = DEFAULT_LIMIT
    ascending: bool = False
    format: str = "exact"
    attachments: bool = False
    cursor: str | None = None

    def token(self, cursor: str) -> str:
        data = {"r": self.required, "s": self.since, "u": self.until, "l": self.limit,
                "a": self.ascending, "f": self.format, "t": self.attachments, "c": cursor}
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    @classmethod
    def from_token(cls, token: str) -> Query:
        try:
            data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            return cls(required=list(data["r"]), since=data["s"], until=data["u"],
                       limit=int(data["l"]), ascending=bool(data["a"]), format=data["f"],
                       attachments=bool(data["t"]), cursor=data["c"])
        except (ValueError, KeyError, TypeError, binascii.Error) as err:
            raise BadRequest("more: not a cursor this LRS issued") from err


def _boolean(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "false").lower()
    if value not in ("true", "false"):
        raise fail(name, "must be true or false")
    return value == "true"


def timestamp_param(params: dict[str, str], name: str) -> str | None:
    raw = params.get(name)
    if raw is None:
        return None
    match = schema.TIMESTAMP.match(raw)
    if not match:
        raise fail(name, "must be an ISO 8601 timestamp")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as err:
        raise fail(name, "must be an ISO 8601 timestamp") from err
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse(params: dict[str, str], endpoint: Endpoint) -> Query | tuple[str, str]:
    """A :class:`Query`, or ``(param, id)`` for a single-statement fetch."""
    allowed = (*FILTERS, *SINGLE, "more")
    for name in params:
        if name not in allowed:
            raise BadRequest(f"{name}: is not a parameter of GET statements")
    single = [name for name in SINGLE if name in params]
    if single:
        extra = set(params) - {single[0], "format", "attachments"}
        if len(single) > 1 or extra:
            raise BadRequest(f"{single[0]}: may only be combined with format and attachments")
        if not schema.UUID.match(params[single[0]]):
            raise fail(single[0], "must be a UUID")
        _format(params)
        _boolean(params, "attachments")
        return single[0], params[single[0]].lower()
    if "more" in params:
        query = Query.from_token(params["more"])
    else:
        query = Query(since=timestamp_param(params, "since"),
                      until=timestamp_param(params, "until"),
                      ascending=_boolean(params, "ascending"), format=_format(params),
                      attachments=_boolean(params, "attachments"))
        query.limit = _limit(params)
        query.required = _filters(params)
    # A ``more`` cursor is the client's to send back (unsigned), so "own" reads are re-imposed
    # on it too: a forged cursor must not widen what these credentials may read.
    own = _own(endpoint)
    if not endpoint.can_read_any and own not in query.required:
        query.required.append(own)
    return query


def _own(endpoint: Endpoint) -> str:
    """The index key of what "own" means: a learner's statements (their actor, narrowed
    exactly in :func:`run`), else the ones this credential stored."""
    if endpoint.actor_key:
        return f"agent|{endpoint.actor_key}"
    return f"authority|{endpoint.credential_id}"


def _format(params: dict[str, str]) -> str:
    value = params.get("format", "exact")
    if value not in FORMATS:
        raise fail("format", "must be exact, ids or canonical")
    return value


def _limit(params: dict[str, str]) -> int:
    raw = params.get("limit", str(DEFAULT_LIMIT))
    if not raw.isdigit():
        raise fail("limit", "must be a non-negative integer")
    return min(int(raw) or MAX_LIMIT, MAX_LIMIT)


def _filters(params: dict[str, str]) -> list[str]:
    related_agents = _boolean(params, "related_agents")
    related_activities = _boolean(params, "related_activities")
    required = []
    if "registration" in params:
        if not schema.UUID.match(params["registration"]):
            raise fail("registration", "must be a UUID")
        required.append(f"registration|{params['registration'].lower()}")
    if "agent" in params:
        agent = agents.parse_param(params["agent"])
        required.append(f"{'ragent' if related_agents else 'agent'}|{agents.key(agent)}")
    if "activity" in params:
        if not schema.IRI.match(params["activity"]):
            raise fail("activity", "must be an IRI")
        required.append(f"{'ractivity' if related_activities else 'activity'}|"
                        f"{params['activity']}")
    if "verb" in params:
        if not schema.IRI.match(params["verb"]):
            raise fail("verb", "must be an IRI")
        required.append(f"verb|{params['verb']}")
    required.append("all|")
    return required


@dataclass(frozen=True)
class Page:
    statements: list[dict[str, Any]]
    more: str
    last_modified: str | None


def fetch_one(endpoint: Endpoint, param: str, statement_id: str) -> dict[str, Any]:
    """statementId / voidedStatementId (Communication §2.1.3): voided ones only by the latter."""
    found = store.get_statements(endpoint.scope, [statement_id]).get(statement_id)
    if found is None or found.voided != (param == "voidedStatementId"):
        raise NotFound(f"{param}: no such statement")
    statement: dict[str, Any] = json.loads(found.body)
    if not endpoint.can_read_any and (_own(endpoint) not in found.index_keys or (
            endpoint.actor_key and not learner_access.is_actor(statement, endpoint.actor_key))):
        raise Forbidden("these credentials may only read their own statements")
    return statement


def run(endpoint: Endpoint, query: Query) -> Page:
    primary, *others = query.required
    statements: list[dict[str, Any]] = []
    examined, cursor, last_key = 0, query.cursor, None
    entries = store.query_index(endpoint.scope, primary, ascending=query.ascending,
                                since=query.since, until=query.until, start_after=cursor,
                                page=min(100, query.limit + 10))
    exhausted = False
    while len(statements) < query.limit and examined < MAX_EXAMINED:
        chunk = []
        for sort_key, statement_id in entries:
            chunk.append((sort_key, statement_id))
            if len(chunk) >= min(100, query.limit - len(statements) + 10):
                break
        if not chunk:
            exhausted = True
            break
        examined += len(chunk)
        found = store.get_statements(endpoint.scope, [sid for _, sid in chunk])
        for sort_key, statement_id in chunk:
            last_key = sort_key
            item = found.get(statement_id)
            if item is None or item.voided or not set(others) <= set(item.index_keys):
                continue
            body = json.loads(item.body)
            if endpoint.actor_key and not learner_access.is_actor(body, endpoint.actor_key):
                continue  # "agent" also matches an Agent object; learners read their actor
            statements.append(body)
            if len(statements) >= query.limit:
                break
    more = ""
    if not exhausted and last_key is not None and _has_more(endpoint, query, primary, last_key):
        more = f"{endpoint.base_path}/statements?more={query.token(last_key)}"
    newest = max((s["stored"] for s in statements), default=None)
    return Page(statements, more, newest)


def _has_more(endpoint: Endpoint, query: Query, primary: str, last_key: str) -> bool:
    following = store.query_index(endpoint.scope, primary, ascending=query.ascending,
                                  since=query.since, until=query.until, start_after=last_key,
                                  page=1)
    return next(following, None) is not None


# --- formats (Communication §2.1.3 "format") ---------------------------------------------------


def shape(statement: dict[str, Any], query_format: str, languages: list[str],
          endpoint: Endpoint) -> dict[str, Any]:
    if query_format == "ids":
        return _ids(statement)
    if query_format == "canonical":
        return _canonical(statement, languages, endpoint)
    return statement


def _agent_ids(agent: dict[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in agent.items() if k in (*schema.IFIS, "objectType")}
    if agent.get("objectType") == "Group" and "member" in agent and not agents.ifi(agent):
        kept["member"] = [_agent_ids(m) for m in agents.members(agent)]
    return kept


def _ids(statement: dict[str, Any]) -> dict[str, Any]:
    """Only what identifies agents, groups, verbs and activities (Communication §2.1.3)."""
    out = dict(statement)
    for key in ("actor", "authority"):
        if isinstance(out.get(key), dict):
            out[key] = _agent_ids(out[key])
    out["verb"] = {"id": statement["verb"]["id"]}
    target = statement["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        out["object"] = {"id": target["id"]}
    elif kind in ("Agent", "Group"):
        out["object"] = _agent_ids(target)
    elif kind == "SubStatement":
        out["object"] = _ids(target)
    context = out.get("context")
    if isinstance(context, dict):
        context = dict(context)
        for key in ("instructor", "team"):
            if isinstance(context.get(key), dict):
                context[key] = _agent_ids(context[key])
        if isinstance(context.get("contextActivities"), dict):
            context["contextActivities"] = {
                k: [{"id": a["id"]} for a in v] for k, v in context["contextActivities"].items()}
        out["context"] = context
    return out


def _pick(langmap: dict[str, str], languages: list[str]) -> dict[str, str]:
    for wanted in languages:
        for tag, text in langmap.items():
            if tag.lower() == wanted.lower() or tag.lower().split("-")[0] == wanted.lower():
                return {tag: text}
    first = next(iter(langmap.items()), None)
    return dict([first]) if first else {}


def _canonical(statement: dict[str, Any], languages: list[str],
               endpoint: Endpoint) -> dict[str, Any]:
    """Canonical activity definitions and verb displays, one language each (§2.1.3)."""
    out: dict[str, Any] = json.loads(json.dumps(statement))
    _canonical_parts(out, languages, endpoint)
    return out


def _canonical_activity(activity: dict[str, Any], languages: list[str],
                        endpoint: Endpoint) -> dict[str, Any]:
    known = doc_store.get_activity(endpoint.scope, activity["id"])
    found: dict[str, Any] = json.loads(known) if known else dict(activity)
    definition = found.get("definition")
    if isinstance(definition, dict):
        for key in ("name", "description"):
            if isinstance(definition.get(key), dict):
                definition[key] = _pick(definition[key], languages)
        for key in ("choices", "scale", "source", "target", "steps"):
            for component in definition.get(key) or []:
                if isinstance(component.get("description"), dict):
                    component["description"] = _pick(component["description"], languages)
    return found


def _canonical_parts(out: dict[str, Any], languages: list[str], endpoint: Endpoint) -> None:
    if isinstance(out["verb"].get("display"), dict):
        out["verb"]["display"] = _pick(out["verb"]["display"], languages)
    target = out["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        out["object"] = _canonical_activity(target, languages, endpoint)
    elif kind == "SubStatement":
        _canonical_parts(target, languages, endpoint)
    context = out.get("context") or {}
    for key, values in (context.get("contextActivities") or {}).items():
        context["contextActivities"][key] = [_canonical_activity(a, languages, endpoint)
                                             for a in values]
