"""``/launch/...``: the player. No app credentials here — each URL carries its own capability:

* ``/launch/{token}``: a launch link's single-use, expiring token (``chalicelib.runtime.launch``);
* ``/launch/s/{session}/...``: the signed player session that token opened; the course's files
  are served under it (``/c/...``), on the same origin as the runtime API they call;
* ``/launch/debug/{share}``: a launch's debug log, shared by an unguessable signed link;
* ``/launch/player/{asset}``: the player's own static files (runtime.js, the rule tables);
* ``/launch/preview/{courseId}/{versionId}``: the web app's "Launch in sandbox" (web session).

Capabilities are checked in the domain functions, so these routes are declared public in the
permission model (``permissions.public``), except the preview, which a web-session gate guards.
"""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import permissions
from chalicelib.errors import ApiError, BadRequest
from chalicelib.routes import caller
from chalicelib.routes.courses import version_number
from chalicelib.runtime import content, launch, page, sessions

api = Blueprint(__name__)
PERMISSION = permissions.public("the URL carries its own capability: a single-use launch token, a signed "
                                "player session or a signed debug-log share link, checked by chalicelib.runtime")
DEPTH = 12  # content paths up to this many segments (chalice routes have no greedy parameter)
TEXT = ["application/json", "text/plain"]


def _agent() -> str:
    return str(api.current_request.headers.get("user-agent", ""))


def _html(body: str, status: int = 200) -> Response:
    return Response(body=body, status_code=status, headers={
        "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer"})


def _see(session_token: str) -> Response:
    return Response(body="", status_code=302, headers={"Location": f"/launch/s/{session_token}/player",
                                                       "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def _problem(err: ApiError) -> Response:
    return _html(page.problem(err.message), int(err.status))


@api.route("/launch/{token}", methods=["GET"])
def open_link(token: str) -> Response:
    try:
        return _see(launch.open_token(token, _agent()))
    except ApiError as err:
        return _problem(err)


@api.route("/launch/preview/{courseId}/{versionId}", methods=["GET"])
@permissions.declare(permissions.web(permissions.ADMINS))
def open_preview(courseId: str, versionId: str) -> Response:  # noqa: N803 - the path's names
    who = caller(api)
    number = None if versionId == "latest" else version_number(versionId)
    return _see(launch.open_preview(who.realm_id, courseId, number, who.principal, _agent()))


@api.route("/launch/s/{session}/player", methods=["GET"])
def player(session: str) -> Response:
    try:
        found = sessions.player_session(session)
        return _html(page.player(session, launch.player_context(found)))
    except ApiError as err:
        return _problem(err)


def _body() -> Any:
    raw = api.current_request.raw_body or b""
    try:
        return json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError) as err:
        raise BadRequest(f"The body is not valid JSON: {err}") from err


@api.route("/launch/s/{session}/deliver", methods=["POST"], content_types=TEXT)
def deliver(session: str) -> dict[str, Any]:
    return launch.deliver(sessions.player_session(session), _body())


@api.route("/launch/s/{session}/commit", methods=["POST"], content_types=TEXT)
def commit(session: str) -> dict[str, Any]:
    return launch.apply_commit(sessions.player_session(session), _body())


@api.route("/launch/s/{session}/toc", methods=["GET"])
def toc(session: str) -> dict[str, Any]:
    return launch.table_of_contents(sessions.player_session(session))


@api.route("/launch/s/{session}/exit", methods=["POST"], content_types=TEXT)
def exit_launch(session: str) -> dict[str, str]:
    return launch.exit_launch(sessions.player_session(session))


def _content(session: str, *parts: str) -> Response:
    found = content.fetch(sessions.player_session(session), parts)
    return Response(body=found.body, status_code=found.status, headers=dict(found.headers))


def _register_content_routes() -> None:
    """``/launch/s/{session}/c/{p1}`` ... ``/{p1}/.../{p12}``: one route per depth."""
    for depth in range(1, DEPTH + 1):
        names = [f"p{n}" for n in range(1, depth + 1)]
        path = "/launch/s/{session}/c/" + "/".join("{" + n + "}" for n in names)

        def view(session: str, **segments: str) -> Response:
            return _content(session, *(segments[f"p{n}"] for n in range(1, len(segments) + 1)))

        view.__name__ = f"content_depth_{depth}"
        api.route(path, methods=["GET", "HEAD"])(view)


_register_content_routes()


@api.route("/launch/player/{asset}", methods=["GET"])
def player_asset(asset: str) -> Response:
    found = content.asset(asset)
    return Response(body=found.body, status_code=found.status, headers=dict(found.headers))


@api.route("/launch/debug/{share}", methods=["GET"])
def shared_log(share: str) -> Response:
    try:
        return _html(page.debug_log(launch.shared_debug_log(share), share))
    except ApiError as err:
        return _problem(err)


@api.route("/launch/debug/{share}/log.json", methods=["GET"])
def shared_log_download(share: str) -> Response:
    found = launch.shared_debug_log(share)
    return Response(body=json.dumps(found, indent=1), headers={
        "Content-Type": "application/json",
        "Content-Disposition": f'attachment; filename="debug-log-{found["launchId"]}.json"'})
