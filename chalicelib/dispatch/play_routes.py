"""``/launch/dispatch/...`` (beside the player, outside the API): what a dispatch package talks to
from inside a host LMS.

* ``POST /launch/dispatch/play``: the package's form (realm, dispatch id, key, host learner, attempt
  marker, host origin) → the frame page playing the course, or the reason it cannot play;
* ``GET /launch/dispatch/s/{session}/status``: the registration's results for the relay (the player
  session is the capability);
* ``GET /launch/dispatch/static/{asset}``: the frame page's script;
* ``POST /launch/dispatch/lti/{realm}/{dispatchId}``: a Basic LTI 1.1 launch (OAuth 1.0a signed form,
  :mod:`chalicelib.dispatch.lti`) → the player, or a page saying what is wrong;
* PENS (:mod:`chalicelib.dispatch.pens`): ``GET /launch/dispatch/pens/package/{token}/package.zip``
  (a published package: signed, expiring, Basic credentials), ``/launch/dispatch/pens/callback/{token}``
  (receipts and alerts), and ``/api/pens/collect`` (authoring tools publish into the Library).

The package's key, and the signed player session, are the capabilities (``permissions.public``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from chalice.app import Blueprint, Response

from chalicelib import permissions
from chalicelib.dispatch import frame, learners, lti, pens
from chalicelib.errors import ApiError
from chalicelib.runtime import launch, sessions

api = Blueprint(__name__)
PERMISSION = permissions.public("a dispatch package's key (checked by chalicelib.dispatch.learners) or a signed "
                                "player session is the capability")
FORM = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]
STATIC = Path(__file__).resolve().parent / "static"


def _html(body: str, status: int = 200) -> Response:
    return Response(body=body, status_code=status, headers={
        "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def _form() -> dict[str, str]:
    raw = api.current_request.raw_body or b""
    text = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
    parsed = parse_qs(text, keep_blank_values=True)
    return {name: values[0][:2000] for name, values in parsed.items()}


def _origin(raw: str) -> str:
    parts = urlsplit(raw)
    ok = parts.scheme in ("http", "https") and parts.netloc and not parts.path and not parts.query
    return f"{parts.scheme}://{parts.netloc}" if ok else ""


@api.route("/launch/dispatch/play", methods=["POST"], content_types=FORM)
def play() -> Response:
    form = _form()
    host = _origin(form.get("host_origin", ""))
    try:
        host_learner = learners.HostLearner.from_scorm_name(form.get("learner_id", ""), form.get("learner_name", ""))
        admitted = learners.admit(form.get("realm", ""), form.get("dispatch", ""), form.get("key", ""),
                                  host_learner, form.get("attempt", "")[:64])
        agent = str(api.current_request.headers.get("user-agent", ""))
        session = launch.start(admitted.dispatch.realm_id, admitted.registration_id,
                               {"redirect": "message", "tracking": True}, agent)
        return _html(frame.playing(session, host, admitted.attempt, frame.title_of(admitted.dispatch)))
    except ApiError as err:
        return _html(frame.refused(err.message, host), int(err.status))


@api.route("/launch/dispatch/s/{session}/status", methods=["GET"])
def status(session: str) -> dict[str, Any]:
    found = sessions.player_session(session)
    return learners.status(found.realm_id, found.registration_id)


@api.route("/launch/dispatch/static/{asset}", methods=["GET"])
def static(asset: str) -> Response:
    if asset != "frame.js":
        return Response(body="Not found", status_code=404, headers={"Content-Type": "text/plain"})
    return Response(body=(STATIC / asset).read_text(), headers={
        "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=300"})


@api.route("/launch/dispatch/lti/{realm}/{dispatchId}", methods=["POST"], content_types=FORM)
def lti_launch(realm: str, dispatchId: str) -> Response:  # noqa: N803 - the path's names
    request = api.current_request
    raw = request.raw_body or b""
    body = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
    try:
        item = learners.playable(realm, dispatchId)
        admitted, launched = lti.admit(realm, dispatchId, lti.launch_url(item), body,
                                       str(request.headers.get("content-type", "")))
        options = {"redirect": launch.redirect_target(launched.return_url or None), "tracking": True}
        session = launch.start(realm, admitted.registration_id, options, str(request.headers.get("user-agent", "")))
        return Response(body="", status_code=302, headers={
            "Location": f"/launch/s/{session}/player", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
    except ApiError as err:
        return _html(frame.refused(err.message, ""), int(err.status))


def _text(body: str, status: int = 200) -> Response:
    return Response(body=body, status_code=status, headers={"Content-Type": "text/plain; charset=utf-8",
                                                            "Cache-Control": "no-store"})


def _raw() -> str:
    request = api.current_request
    raw = request.raw_body or b""
    body = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
    params = request.query_params
    query = urlencode([(k, v) for k in params for v in params.getlist(k)]) if params is not None else ""
    return "&".join(part for part in (query, body) if part)


@api.route("/launch/dispatch/pens/package/{token}/package.zip", methods=["GET"])
def pens_package(token: str) -> Response:
    try:
        made = pens.package_download(token, api.current_request.headers.get("authorization"))
    except ApiError as err:
        return Response(body={"message": err.message}, status_code=int(err.status), headers=dict(err.headers))
    return Response(body=made.body, headers={"Content-Type": "application/zip",
                                             "Content-Disposition": f'attachment; filename="{made.file_name}"'})


@api.route("/launch/dispatch/pens/callback/{token}", methods=["GET", "POST"], content_types=FORM)
def pens_callback(token: str) -> Response:
    return _text(pens.callback(token, _raw()))


@api.route("/api/pens/collect", methods=["GET", "POST"], content_types=FORM)
@permissions.declare(permissions.public("PENS collect from authoring tools: the realm's API credentials travel "
                                        "in system-user-id / system-password (CMI010 §6.2.13-14)"))
def pens_collect() -> Response:
    status, body = pens.receive(_raw())
    return _text(body, status)
