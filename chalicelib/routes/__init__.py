"""HTTP adapters: one chalice Blueprint per resource. Routes parse, call one domain
function and shape the response; they hold no rules of their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.errors import ApiError

if TYPE_CHECKING:
    from chalice.app import Blueprint, Request

    from chalicelib.identity import Caller


def caller(bp: Blueprint) -> Caller:
    """The caller that the middleware authenticated for the current request."""
    request: Request = bp.current_request
    found = (request.context or {}).get("caller")
    if found is None:  # a private route reached without auth would be a wiring bug
        raise ApiError("Request was not authenticated.")
    return found  # type: ignore[no-any-return]
