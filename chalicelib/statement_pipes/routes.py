"""Statement pipe routes: API v2 ``/xapi/statementPipes`` (XapiApi ``createStatementPipe``,
``getStatementPipes``, ``getStatementPipe``, ``setStatementPipe``, ``deleteStatementPipe``), Nimbus'
pause / resume / dead letters beside them, and the same for the web app's LRS › Forwarding page."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import permissions
from chalicelib.middleware import request_json
from chalicelib.routes import caller
from chalicelib.statement_pipes import forwarder, pipes

api = Blueprint(__name__)
WEB = permissions.web(permissions.ADMINS)
V2 = "/api/v2/xapi/statementPipes"
APP = "/api/app/lrs/statementPipes"


def _realm() -> str:
    return caller(api).realm_id


def _create() -> dict[str, Any]:
    pipe = pipes.create(_realm(), request_json(api.current_request))
    forwarder.kick(pipe.realm_id, pipe.pipe_id)  # forward what the source holds already
    return {"result": pipe.pipe_id}


def _list() -> dict[str, Any]:
    return {"xapiStatementPipes": [pipes.shown(p, lag=forwarder.lag(p)) for p in pipes.list_pipes(_realm())]}


def _get(pipe_id: str) -> dict[str, Any]:
    pipe = pipes.require(_realm(), pipe_id)
    return pipes.shown(pipe, lag=forwarder.lag(pipe))


def _put(pipe_id: str) -> dict[str, Any]:
    pipe = pipes.replace(_realm(), pipe_id, request_json(api.current_request))
    forwarder.kick(pipe.realm_id, pipe.pipe_id)
    return {"result": pipe.pipe_id}


def _pause(pipe_id: str, paused: bool) -> dict[str, Any]:
    pipe = pipes.set_paused(_realm(), pipe_id, paused)
    if not paused:
        forwarder.kick(pipe.realm_id, pipe.pipe_id)
    return pipes.shown(pipe)


def _dead(pipe_id: str) -> dict[str, Any]:
    pipes.require(_realm(), pipe_id)
    return {"deadLetters": forwarder.dead_letters(_realm(), pipe_id)}


@api.route(V2, methods=["POST"])
def create_statement_pipe() -> dict[str, Any]:
    return _create()


@api.route(V2, methods=["GET"])
def get_statement_pipes() -> dict[str, Any]:
    return _list()


@api.route(V2 + "/{statementPipeId}", methods=["GET"])
def get_statement_pipe(statementPipeId: str) -> dict[str, Any]:  # noqa: N803 - the API's names
    return _get(statementPipeId)


@api.route(V2 + "/{statementPipeId}", methods=["PUT"])
def set_statement_pipe(statementPipeId: str) -> dict[str, Any]:  # noqa: N803
    return _put(statementPipeId)


@api.route(V2 + "/{statementPipeId}", methods=["DELETE"])
def delete_statement_pipe(statementPipeId: str) -> Response:  # noqa: N803
    pipes.delete(_realm(), statementPipeId)
    return Response(body="", status_code=204)


@api.route(V2 + "/{statementPipeId}/pause", methods=["POST"])
def pause_statement_pipe(statementPipeId: str) -> dict[str, Any]:  # noqa: N803
    return _pause(statementPipeId, True)


@api.route(V2 + "/{statementPipeId}/resume", methods=["POST"])
def resume_statement_pipe(statementPipeId: str) -> dict[str, Any]:  # noqa: N803
    return _pause(statementPipeId, False)


@api.route(V2 + "/{statementPipeId}/deadLetters", methods=["GET"])
def statement_pipe_dead_letters(statementPipeId: str) -> dict[str, Any]:  # noqa: N803
    return _dead(statementPipeId)


@api.route(APP, methods=["GET"])
@permissions.declare(WEB)
def web_statement_pipes() -> dict[str, Any]:
    return _list()


@api.route(APP, methods=["POST"])
@permissions.declare(WEB)
def web_create_statement_pipe() -> dict[str, Any]:
    return _create()


@api.route(APP + "/{statementPipeId}", methods=["GET"])
@permissions.declare(WEB)
def web_statement_pipe(statementPipeId: str) -> dict[str, Any]:  # noqa: N803
    return _get(statementPipeId)


@api.route(APP + "/{statementPipeId}", methods=["DELETE"])
@permissions.declare(WEB)
def web_delete_statement_pipe(statementPipeId: str) -> Response:  # noqa: N803
    pipes.delete(_realm(), statementPipeId)
    return Response(body="", status_code=204)


@api.route(APP + "/{statementPipeId}/pause", methods=["POST"])
@permissions.declare(WEB)
def web_pause_statement_pipe(statementPipeId: str) -> dict[str, Any]:  # noqa: N803
    return _pause(statementPipeId, True)


@api.route(APP + "/{statementPipeId}/resume", methods=["POST"])
@permissions.declare(WEB)
def web_resume_statement_pipe(statementPipeId: str) -> dict[str, Any]:  # noqa: N803
    return _pause(statementPipeId, False)


@api.route(APP + "/{statementPipeId}/deadLetters", methods=["GET"])
@permissions.declare(WEB)
def web_statement_pipe_dead_letters(statementPipeId: str) -> dict[str, Any]:  # noqa: N803
    return _dead(statementPipeId)
