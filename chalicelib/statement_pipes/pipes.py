"""Statement pipes: XapiStatementPipePostSchema / PutSchema in, XapiStatementPipeSchema out.

``source`` names an LRS of this realm by its endpoint URL (``{baseUrl}/lrs/{appId}`` or
``{baseUrl}/lrs/{realmId}``; a bare app id or realm id is accepted too); its ``userName`` and
``password`` are not needed (the pipe reads the store directly) and are ignored. ``target`` is
any xAPI LRS: ``url`` (the endpoint, to which ``/statements`` is added), ``userName``, ``password``
(Basic; the password sealed in the vault). Private, loopback and metadata target addresses are
refused unless the operator allows them (``NIMBUS_OUTBOUND_ALLOW``).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from chalicelib import apps, outbound, vault
from chalicelib.config import settings
from chalicelib.errors import BadRequest, NotFound
from chalicelib.store import statement_pipes as store
from chalicelib.store.statement_pipes import PipeItem

MAX_URL = 2048


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _context(realm_id: str, pipe_id: str) -> str:
    return f"statement-pipe:{realm_id}:{pipe_id}"


def _endpoint(raw: object, where: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise BadRequest(f"{where} must be an object (XapiEndpointSchema: url, userName, password).")
    url = raw.get("url")
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        raise BadRequest(f"{where}.url is required (at most {MAX_URL} characters).")
    for name in ("userName", "password"):
        if raw.get(name) is not None and not isinstance(raw.get(name), str):
            raise BadRequest(f"{where}.{name} must be a string.")
    return {"url": url, "userName": raw.get("userName") or "", "password": raw.get("password") or ""}


def _source_lrs(realm_id: str, url: str) -> str:
    """The LRS id a source URL names; it must be one of this realm's."""
    path = urlsplit(url).path if "/" in url else f"/lrs/{url}"
    parts = [p for p in path.split("/") if p]
    lrs_id = parts[parts.index("lrs") + 1] if "lrs" in parts[:-1] else ""
    if not lrs_id:
        raise BadRequest("source.url must be an LRS endpoint of Nimbus: {baseUrl}/lrs/{appId} or /lrs/{realmId}.")
    if lrs_id != realm_id:
        try:
            apps.get_app(realm_id, lrs_id)
        except NotFound as err:
            raise BadRequest(f"source.url: {lrs_id!r} is neither an app of this realm nor the realm.") from err
    return lrs_id


def _target(raw: object) -> dict[str, str]:
    target = _endpoint(raw, "target")
    if urlsplit(target["url"]).scheme not in ("http", "https"):
        raise BadRequest("target.url must be an http or https URL.")
    if ":" in target["userName"]:
        raise BadRequest("target.userName may not contain ':' (Basic credentials).")
    try:
        outbound.resolve(target["url"])
    except outbound.OutboundRefused as err:
        raise BadRequest(f"target.url is refused: {err}.") from err
    return target


def _parse(realm_id: str, body: object) -> tuple[str, str, dict[str, str]]:
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object with source and target (XapiStatementPipePostSchema).")
    source = _endpoint(body.get("source"), "source")
    lrs_id = _source_lrs(realm_id, source["url"])
    return lrs_id, f"{settings().base_url.rstrip('/')}/lrs/{lrs_id}", _target(body.get("target"))


def create(realm_id: str, body: object) -> PipeItem:
    lrs_id, source_url, target = _parse(realm_id, body)
    pipe_id = secrets.token_hex(12)
    moment = now()
    item = PipeItem(realm_id=realm_id, pipe_id=pipe_id, lrs_id=lrs_id, source_url=source_url,
                    target_url=target["url"], target_user=target["userName"],
                    target_password=vault.seal(target["password"].encode(), _context(realm_id, pipe_id))
                    if target["password"] else None, created=moment, updated=moment)
    return store.create(item)


def list_pipes(realm_id: str) -> list[PipeItem]:
    return store.list_pipes(realm_id)


def require(realm_id: str, pipe_id: str) -> PipeItem:
    found = store.get(realm_id, pipe_id)
    if found is None:
        raise NotFound(f"Statement pipe {pipe_id!r} does not exist.")
    return found


def replace(realm_id: str, pipe_id: str, body: object) -> PipeItem:
    """PUT: new source or target. A new source starts from its first statement."""
    pipe = require(realm_id, pipe_id)
    lrs_id, source_url, target = _parse(realm_id, body)
    values: dict[str, Any] = {"target_url": target["url"], "target_user": target["userName"],
                              "target_password": vault.seal(target["password"].encode(), _context(realm_id, pipe_id))
                              if target["password"] else None, "updated": now(), "attempts": 0,
                              "visible_after": None, "last_error": None}
    if lrs_id != pipe.lrs_id:
        values.update(lrs_id=lrs_id, source_url=source_url, position="", last_stored=None, forwarded=0)
    store.update(realm_id, pipe_id, **values)
    return require(realm_id, pipe_id)


def delete(realm_id: str, pipe_id: str) -> None:
    require(realm_id, pipe_id)
    store.delete(realm_id, pipe_id)


def set_paused(realm_id: str, pipe_id: str, paused: bool) -> PipeItem:
    require(realm_id, pipe_id)
    store.update(realm_id, pipe_id, paused=paused, updated=now())
    return require(realm_id, pipe_id)


def password(pipe: PipeItem) -> str:
    sealed = pipe.target_password
    return vault.unseal(sealed, _context(pipe.realm_id, pipe.pipe_id)).decode() if sealed else ""


def shown(pipe: PipeItem, *, lag: dict[str, Any] | None = None) -> dict[str, Any]:
    """XapiStatementPipeSchema, plus Nimbus' state of the pipe (ignored by the SDK)."""
    return {
        "id": pipe.pipe_id, "lastForwardedStatementDate": pipe.last_stored,
        "moreUrl": (f"{pipe.source_url}/statements?since={pipe.last_stored}&ascending=true"
                    if pipe.last_stored else None),
        "attempts": int(pipe.attempts or 0), "visibleAfter": pipe.visible_after,
        "source": {"url": pipe.source_url, "userName": "", "password": ""},
        "target": {"url": pipe.target_url, "userName": pipe.target_user, "password": ""},
        "paused": bool(pipe.paused), "position": pipe.position or None, "forwarded": int(pipe.forwarded or 0),
        "deadLetters": int(pipe.dead or 0), "lastError": pipe.last_error, "created": pipe.created,
        **(lag or {}),
    }
