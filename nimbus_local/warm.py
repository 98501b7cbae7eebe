"""Clients made before the first request (a local-stack concern, not a Lambda one).

pynamodb keeps one botocore client per model class but makes it in whichever thread first uses
the model, each thread with a botocore session of its own (``Connection.session`` is
thread-local): the local web server runs every request in a new thread, so the first use of each
of the ~60 models paid for a new session — loading botocore's endpoint rules and the DynamoDB
service model from JSON, ~20–40 ms each — in the middle of the first learners' requests
(measured: 22% of the stack's CPU during the ramp of ``python -m bench.load learners``). Made
here once, in one session, before the server takes requests. A Lambda container pays the same once
per cold start and keeps its clients for every later invocation, so the app needs nothing of this.
"""

from __future__ import annotations

import time

from pynamodb.models import Model


def _models() -> list[type[Model]]:
    found, todo = [], list(Model.__subclasses__())
    while todo:
        model = todo.pop()
        todo.extend(model.__subclasses__())
        meta = getattr(model, "Meta", None)
        if getattr(meta, "table_name", None):
            found.append(model)
    return found


def pynamodb_clients() -> float:
    """One botocore DynamoDB client for every model (and the store's transactions), made now in
    this thread's session; the seconds it took. pynamodb would make one per model — ~60 models,
    ~0.25 s and ~7 MB each (measured: 15 s and 400 MB). They are interchangeable: same region,
    endpoint, credentials and settings (``Meta`` sets only the table name and region), and the
    per-connection hook pynamodb adds only sends ``extra_headers``, which no model sets."""
    from chalicelib.store import transactions  # noqa: PLC0415 - after the app set the settings up

    started = time.perf_counter()
    # Subclasses first: pynamodb reuses a connection it finds on the class — inherited from a base
    # class too — so a base's connection (without the subclass's indexes) must not be made first.
    ordered = sorted(_models(), key=lambda model: len(model.__mro__), reverse=True)
    for model in ordered:  # and a class given none of its own yet must not take its base's
        if "_connection" not in model.__dict__:
            model._connection = None  # noqa: SLF001
    connections = [model._get_connection().connection for model in ordered]  # noqa: SLF001
    connections.append(transactions.connection())
    shared = connections[0].client
    for connection in connections:
        if connection._extra_headers is None and connection.region == connections[0].region:  # noqa: SLF001
            connection._client = shared  # noqa: SLF001 - pynamodb's cached client
        else:
            connection.client  # noqa: B018 - its own, made now
    return time.perf_counter() - started
