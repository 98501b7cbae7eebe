"""``/invite/...``: what a visitor of an invitation link gets, without signing in (see
:mod:`chalicelib.invitations.splash` for the flow and its defences). Public in the permission
model: the URL is the capability, and the domain checks it."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

from chalice.app import Blueprint, Response

from chalicelib import permissions
from chalicelib.config import settings
from chalicelib.invitations import pages, splash

api = Blueprint(__name__)
PERMISSION = permissions.public("an invitation link: the public invitation's id or a private invitation's "
                                "personal secret is the capability (chalicelib.invitations.splash); CSRF, "
                                "honeypot and rate limits")
MAX_FORM = 8 * 1024


def _client_ip() -> str:
    context = api.current_request.context or {}
    return str((context.get("identity") or {}).get("sourceIp") or "")


def _cookie() -> str | None:
    raw = api.current_request.headers.get("cookie")
    if not raw:
        return None
    try:
        jar: SimpleCookie = SimpleCookie(raw)
    except CookieError:
        return None
    morsel = jar.get(splash.COOKIE)
    return morsel.value if morsel else None


def _secure() -> bool:
    return settings().base_url.startswith("https://")


def _answer(outcome: splash.Outcome) -> Response:
    headers: dict[str, str | list[str]] = dict(pages.HEADERS)
    headers["X-Invitation-State"] = outcome.state
    if outcome.cookies:
        headers["Set-Cookie"] = outcome.cookies if len(outcome.cookies) > 1 else outcome.cookies[0]
    if outcome.location:
        headers["Location"] = outcome.location
    return Response(body=outcome.html, status_code=outcome.status, headers=headers)


@api.route("/invite/{ref}", methods=["GET"])
def splash_page(ref: str) -> Response:
    return _answer(splash.open_public(ref, _client_ip(), _cookie(), _secure()))


@api.route("/invite/{ref}", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
def splash_submit(ref: str) -> Response:
    body = api.current_request.raw_body or b""
    raw = body.encode() if isinstance(body, str) else body
    if len(raw) > MAX_FORM:
        return _answer(splash.Outcome(413, pages.problem("The form is too large."), state="too-large"))
    form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True).items()}
    return _answer(splash.accept(ref, form, _client_ip(), _cookie(), _secure()))


@api.route("/invite/{ref}/u/{token}", methods=["GET"])
def personal_link(ref: str, token: str) -> Response:
    return _answer(splash.open_personal(ref, token, _client_ip()))
