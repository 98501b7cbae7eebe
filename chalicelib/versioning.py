"""Optimistic locking of read-modify-write changes (the items carry a pynamodb
``VersionAttribute``): read the item, change it, save it on the condition that its version is
still the one read; when another writer got there first, read and change it again.

Each domain keeps its own ``change()`` (what to read, how to save, which conflict its store
raises, what the item is called in the 409); this module holds the loop they share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from chalicelib.errors import Conflict

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")

#: Reads of an item that changed meanwhile before a change gives up with 409 Conflict.
TRIES = 5


def change(read: Callable[[], T], apply: Callable[[T], None], save: Callable[[T], None], *,
           conflict: type[Exception], noun: str) -> T:
    """``read()`` the item, ``apply`` the change, ``save`` it; on ``conflict`` (the version moved)
    start again from a fresh read, at most :data:`TRIES` times, then 409 naming ``noun``. An
    exception from ``read`` or ``apply`` (not found, bad input) ends it with nothing saved."""
    for _ in range(TRIES):
        item = read()
        apply(item)
        try:
            save(item)
        except conflict:
            continue
        return item
    raise Conflict(f"The {noun} kept changing; try again.")
