"""``TransactWriteItems`` that a retry cannot turn against itself.

botocore retries a call whose answer was lost (a timeout, a dropped connection). A transaction
that did commit the first time would then fail its own conditions on the retry — an optimistic
lock on the version it has just written, or "does not exist" on the item it has just put — and
the caller would report a conflict with itself. DynamoDB's ``ClientRequestToken`` makes the call
idempotent for ten minutes (API Reference, TransactWriteItems: "ClientRequestToken"): the retry
carries the same token and gets the first call's success. Every transaction of the store is
opened here, with a token of its own; the local stack honours the token too
(``nimbus_local.aws``).
"""

from __future__ import annotations

import uuid

from pynamodb.connection import Connection
from pynamodb.transactions import TransactWrite

from chalicelib.config import settings

_CONNECTION: list[Connection] = []


def connection() -> Connection:
    """The one connection transactions run on (models keep their own)."""
    if not _CONNECTION:
        _CONNECTION.append(Connection(region=settings().region))
    return _CONNECTION[0]


def transaction() -> TransactWrite:
    """A ``TransactWrite`` whose retries are recognised as the same call."""
    return TransactWrite(connection=connection(), client_request_token=uuid.uuid4().hex)
