"""xAPI statements of registrations, as SCORM Cloud API v2 reads them per course, course version,
registration and registration instance (``GET .../xAPIStatements``, the SDK's
``XapiStatementResult``: ``{"statements": [...], "more": "..."}``).

A statement belongs to a registration when its ``context.registration`` is the registration's
``xapiRegistrationId`` (xAPI Data §2.4.6); it may have been sent to the realm's own LRS or to any
of its apps' (``/lrs/{realmId}``, ``/lrs/{appId}``). Each (LRS, registration) pair is one index
of the statement store (``registration|{uuid}``); pages merge those indexes in ``stored`` order,
oldest first, without a Scan. ``since`` is exclusive and ``until`` inclusive (xAPI
Communication §2.1.3). An instance is the registration's statements stored between the moment
the instance began and the moment it was frozen. Voided statements are left out.

The ``more`` token holds the filters and the last sort key returned; when it is given no other
filter may be sent (API v2 paging).
"""

from __future__ import annotations

import base64
import binascii
import heapq
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib import apps
from chalicelib.errors import BadRequest
from chalicelib.store import statements as store
from chalicelib.timestamps import parse_api_time

if TYPE_CHECKING:
    from collections.abc import Iterator

PAGE_SIZE = 100
STORED_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
#: XapiStatement splits ``object`` by kind (API_V2.md, "Surprises" 5).
OBJECT_KEYS = {"Activity": "objectActivity", "Agent": "objectAgentGroup", "Group": "objectAgentGroup",
               "StatementRef": "objectStatementReference", "SubStatement": "objectSubStatement"}


@dataclass
class Window:
    """What a page covers: ``since`` < stored <= ``until``, after ``cursor`` (a sort key), and
    for a course, only ``learner``'s registrations."""

    since: str | None = None
    until: str | None = None
    cursor: str | None = None
    learner: str | None = None

    def narrowed(self, since: str | None, until: str | None) -> Window:
        """This window within [since, until] (an instance's lifetime)."""
        low = max(filter(None, (self.since, since)), default=None)
        high = min(filter(None, (self.until, until)), default=None)
        return Window(low, high, self.cursor, self.learner)


def stored_form(iso: str | None) -> str | None:
    """An ISO time as the store's fixed-width ``stored`` text (so it compares as a string)."""
    return datetime.fromisoformat(iso).astimezone(UTC).strftime(STORED_FORMAT) if iso else None


def window_from(params: dict[str, str], *, learner: bool = False) -> Window:
    """``since`` / ``until`` (ISO 8601; a naive time is UTC), ``learnerId`` when ``learner``, or
    the ``more`` token alone."""
    if params.get("more"):
        others = set(params) - {"more"}
        if others:
            raise BadRequest(f"With 'more', no other filters may be sent (got {', '.join(sorted(others))}).")
        try:
            return Window(**json.loads(base64.urlsafe_b64decode(params["more"].encode())))
        except (ValueError, TypeError, binascii.Error) as err:
            raise BadRequest("The 'more' token is not valid.") from err
    since = stored_form(parse_api_time(params.get("since"), "since"))
    until = stored_form(parse_api_time(params.get("until"), "until"))
    if since and until and since > until:
        raise BadRequest("since must be before until.")
    return Window(since, until, None, (params.get("learnerId") or None) if learner else None)


def scopes(realm_id: str) -> list[str]:
    """Every LRS of a realm: its own, then each app's."""
    return [f"{realm_id}#{realm_id}", *(f"{realm_id}#{app.app_id}" for app in apps.list_apps(realm_id))]


@dataclass(frozen=True)
class Source:
    """One registration's statements over one period (an instance's lifetime, or all time)."""

    xapi_registration: str
    since: str | None = None
    until: str | None = None


def _entries(realm_scopes: list[str], source: Source, window: Window,
             first_page: int) -> Iterator[tuple[str, str, str]]:
    """(sort key, scope, statement id) of one source in every LRS of the realm, oldest first."""
    bounded = window.narrowed(source.since, source.until)
    if bounded.since and bounded.until and bounded.since > bounded.until:
        return iter(())
    key = f"registration|{source.xapi_registration.lower()}"
    return heapq.merge(*(_labelled(scope, key, bounded, first_page) for scope in realm_scopes))


def _labelled(scope: str, key: str, window: Window, first_page: int) -> Iterator[tuple[str, str, str]]:
    """One index, read lazily: the first DynamoDB page holds ``first_page`` entries, later ones
    twice as many each (so a course with many registrations reads a few entries of each)."""
    for sort_key, statement_id in store.query_index(scope, key, ascending=True, since=window.since,
                                                    until=window.until, start_after=window.cursor, page=first_page):
        yield sort_key, scope, statement_id


def page(realm_id: str, sources: list[Source], window: Window) -> dict[str, Any]:
    """One page of XapiStatementResult for the statements of ``sources``, oldest first."""
    realm_scopes = scopes(realm_id)
    first_page = max(2, PAGE_SIZE // max(1, len(sources) * len(realm_scopes))) + 1
    merged = heapq.merge(*(_entries(realm_scopes, source, window, first_page) for source in sources))
    picked: list[tuple[str, str, str]] = []
    last = None
    for entry in merged:
        if last is not None and entry[0] == last:
            continue  # the same statement reached through two sources
        last = entry[0]
        if len(picked) == PAGE_SIZE:
            following = Window(window.since, window.until, picked[-1][0], window.learner)
            more = base64.urlsafe_b64encode(json.dumps(asdict(following)).encode()).decode()
            return {"statements": _load(picked), "more": more}
        picked.append(entry)
    return {"statements": _load(picked)}


def _load(entries: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    by_scope: dict[str, list[str]] = {}
    for _, scope, statement_id in entries:
        by_scope.setdefault(scope, []).append(statement_id)
    found = {(scope, sid): item for scope, ids in by_scope.items()
             for sid, item in store.get_statements(scope, ids).items()}
    shown = []
    for _, scope, statement_id in entries:
        item = found.get((scope, statement_id))
        if item is not None and not item.voided:
            shown.append(sdk_statement(json.loads(item.body)))
    return shown


def _agent(agent: Any) -> Any:
    if isinstance(agent, dict):
        agent = {**agent, "objectType": agent.get("objectType") or "Agent"}
        if isinstance(agent.get("member"), list):
            agent["member"] = [_agent(member) for member in agent["member"]]
    return agent


def sdk_statement(statement: dict[str, Any]) -> dict[str, Any]:
    """The stored statement plus the SDK's ``object*`` keys and explicit agent ``objectType``s
    (the SDK's XapiAgentGroup requires one; xAPI Data §2.4.2.1 defaults it to Agent)."""
    shown = dict(statement)
    for key in ("actor", "authority"):
        if key in shown:
            shown[key] = _agent(shown[key])
    target = shown.get("object")
    if isinstance(target, dict):
        kind = target.get("objectType") or "Activity"
        target = _agent(target) if kind in ("Agent", "Group") else {**target, "objectType": kind}
        if kind == "SubStatement":
            target = sdk_statement(target)
        shown["object"] = target
        shown[OBJECT_KEYS.get(kind, "objectActivity")] = target
    context = shown.get("context")
    if isinstance(context, dict):
        shown["context"] = {**context, **{k: _agent(context[k]) for k in ("instructor", "team") if k in context}}
    return shown
