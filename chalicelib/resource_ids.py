"""Ids the customer chooses for API v2 resources (``courseId``, ``registrationId``, destination
and dispatch ids): 1-255 characters, none of them white space, a control character, or one that
would change a URL path or our key layout (``/``, ``\\``, ``#``, ``?``, ``%``)."""

from __future__ import annotations

import re

from chalicelib.errors import BadRequest

ID = re.compile(r"^[^\s/\\#?%\x00-\x1f\x7f]{1,255}$")


def check(raw: object, what: str) -> str:
    """``raw`` when it is such an id; else 400 naming the field ``what``."""
    if not isinstance(raw, str) or not ID.match(raw):
        raise BadRequest(f"{what} is required: 1-255 characters without spaces, '/', '\\', '#', '?' or '%'.")
    return raw
