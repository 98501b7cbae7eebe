"""Clients made before the first request (a local-stack concern, not a Lambda one).

pynamodb keeps one botocore client per model class but makes it in whichever thread first uses
the model, each thread with a botocore session of its own (``Connection.session`` is
thread-local): the local web server runs every request in a new thread, so the first use of each
of the ~40 models paid for a new session — loading botocore's endpoint rules and the DynamoDB
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
    """Make every model's client now, all from this thread's session; the seconds it took."""
    started = time.perf_counter()
    from chalicelib.store import transactions  # noqa: PLC0415 - after the app set the settings up

    for model in _models():
        model._get_connection().connection.client  # noqa: B018, SLF001 - made and cached by pynamodb
    transactions.connection().client  # noqa: B018 - the one the store's transactions run on
    return time.perf_counter() - started
