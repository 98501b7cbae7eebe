"""API v2 list queries: the opaque ``more`` token and enumerated parameters (API_V2.md,
"Lists page with an opaque `more` token. When `more` is given, no other filters may be sent").

The token is the list's filters plus the next offset, base64 JSON. It carries no realm: the
realm always comes from the caller, so a token replayed elsewhere reads nothing it may not.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC
from typing import TYPE_CHECKING, Any, TypeVar

from chalicelib.errors import BadRequest

if TYPE_CHECKING:
    from collections.abc import Iterable

Q = TypeVar("Q")
T = TypeVar("T")


def from_more(params: dict[str, str], allowed_with_more: Iterable[str], query_type: type[Q]) -> Q | None:
    """The query a ``more`` token stands for; None when there is no token."""
    if not params.get("more"):
        return None
    others = set(params) - {"more", *allowed_with_more}
    if others:
        raise BadRequest(f"With 'more', no other filters may be sent (got {', '.join(sorted(others))}).")
    try:
        return query_type(**json.loads(base64.urlsafe_b64decode(params["more"].encode())))
    except (ValueError, TypeError, binascii.Error) as err:
        raise BadRequest("The 'more' token is not valid.") from err


def more_token(query: Any, next_offset: int) -> str:
    """The ``more`` token for the page that starts at ``next_offset``."""
    return base64.urlsafe_b64encode(json.dumps({**vars(query), "offset": next_offset}).encode()).decode()


def one_of(params: dict[str, str], name: str, default: str, allowed: Iterable[str]) -> str:
    """A case-insensitive enumerated parameter, or a 400 listing the allowed values."""
    value = (params.get(name) or default).lower()
    choices = list(allowed)
    if value not in choices:
        raise BadRequest(f"{name} must be one of {', '.join(choices)}.")
    return value


def moment(item: Any, which: str) -> str:
    """``item.created`` or ``item.updated`` (``which``, as ``datetimeFilter`` names them) in UTC,
    ISO 8601, comparable with the ``since`` / ``until`` of a query."""
    return str(getattr(item, "created" if which == "created" else "updated").astimezone(UTC).isoformat())


def passes(query: Any, item: Any, field: str) -> bool:
    """Whether ``item`` passes the filters lists share: ``since`` / ``until`` on its
    ``datetimeFilter`` time, ``tags`` (any of them; only when the query has tags) and ``filter``
    (a case-insensitive substring of ``field``, the value ``filterBy`` names)."""
    when = moment(item, query.datetime_filter)
    tags = getattr(query, "tags", None)
    return all((
        not query.since or when >= query.since,
        not query.until or when <= query.until,
        not tags or bool(set(tags) & set(item.tags or [])),
        not query.filter or query.filter.lower() in field.lower(),
    ))


def page_of(found: list[T], query: Any, size: int) -> tuple[list[T], str | None, int]:
    """The page of ``found`` (filtered and sorted) at ``query.offset``, the ``more`` token of the
    next page (None on the last) and the total."""
    end = query.offset + size
    return found[query.offset:end], (more_token(query, end) if end < len(found) else None), len(found)
