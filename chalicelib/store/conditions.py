"""Conditional writes, as every store module makes them: tell a refused condition from other
errors, find which write of a transaction was refused, put an item only when its key is new, save
a versioned item (optimistic lock), and give an item its place in a realm's ``gsi1`` listing.

DynamoDB answers a refused condition of a single write with ``ConditionalCheckFailedException``
and, in a ``TransactWriteItems``, with one cancellation reason per write, ``ConditionalCheckFailed``
on those refused (API Reference, PutItem / TransactWriteItems: "Errors")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import PutError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import datetime

    from pynamodb.exceptions import DeleteError, TransactWriteError, UpdateError
    from pynamodb.models import Model


def refused(err: PutError | UpdateError | DeleteError) -> bool:
    """Whether a single write failed because its condition did not hold."""
    return err.cause_response_code == "ConditionalCheckFailedException"


def refused_write(err: TransactWriteError, names: Sequence[str]) -> str | None:
    """The name (``names[i]`` for the transaction's i-th write) of the first write whose
    condition did not hold; None when the transaction failed for another reason."""
    reasons = err.cancellation_reasons or []
    for reason, name in zip(reasons, names, strict=False):
        if reason is not None and reason.code == "ConditionalCheckFailed":
            return name
    return None


def put_new(item: Model, taken: Callable[[], Exception]) -> None:
    """Put ``item`` only if no item has its key; ``taken()`` is raised when one has."""
    try:
        item.save(condition=type(item).pk.does_not_exist())  # type: ignore[attr-defined]
    except PutError as err:
        if refused(err):
            raise taken() from err
        raise


def save_versioned(item: Model, conflict: Callable[[], Exception]) -> None:
    """Save ``item`` under its ``VersionAttribute``; ``conflict()`` is raised when someone else
    saved it since it was read."""
    try:
        item.save()
    except PutError as err:
        if refused(err):
            raise conflict() from err
        raise


def listed(item: Any, group: str, created: datetime, item_id: str) -> None:
    """Place ``item`` in the ``gsi1`` group ``group``, ordered by creation time then id."""
    item.gsi1pk, item.gsi1sk = group, f"{created.isoformat()}#{item_id}"
