"""Launches in Reportage: each launch of a registration counts once, on its UTC launch day, in
every dimension the registration belongs to.

A launch is its own item of the registrations table (``{realm}#REG#{id}`` / ``LAUNCH#{launchId}``,
written when the player opens, updated by every commit after). The player records on it, under
``reportage``, what Reportage counts it under — the registration's realm, course, learner id and
invitation / destination / app — so the launch's change alone says where it counts, even when it
is streamed after its registration was deleted (a deleted registration's launches are deleted
with it, and leave the counters the same way).

Like :mod:`chalicelib.reports.aggregates`, a launch's *contribution* depends only on the item as
stored (``launches: 1`` on ``(dimension, key, launch day)``), and a change adds
``contribution(new) − contribution(old)``: a commit updating the launch moves nothing, its insert
adds one, its removal takes it out. Each is applied once, under the marker
``{pk}#{sk}`` (insert) or ``{pk}#{sk}#removed``. Sandbox (preview) launches never count; launches
recorded before launches were counted (no ``reportage``) do not count either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.reports.aggregates import Key, _day, _json, learner_key, memberships
from chalicelib.store import aggregates as store

if TYPE_CHECKING:
    from chalicelib.store.changes import TableChange
    from chalicelib.store.tables import RegistrationItem

LAUNCH_SK = "LAUNCH#"
#: the registration's details that name a Reportage dimension (chalicelib.reports.aggregates)
KEYED_DETAILS = ("invitationId", "destinationId", "appId")


def belongs(item: RegistrationItem) -> dict[str, Any]:
    """What a new launch of ``item`` records under ``reportage`` (no learner name or email)."""
    details = dict(item.details or {})
    learner = dict(item.learner or {})
    return {"realm_id": item.realm_id, "course_id": item.course_id,
            "learner": {"id": learner.get("id", "")},
            "details": {k: details[k] for k in KEYED_DETAILS if details.get(k)}}


def contribution(image: dict[str, Any]) -> dict[Key, dict[str, float]]:
    """What a launch item adds to the counters: one launch on its UTC day, per dimension."""
    if not image or not str(image.get("sk") or "").startswith(LAUNCH_SK):
        return {}
    if _json(image.get("details")).get("sandbox"):
        return {}
    recorded = _json(image.get("reportage"))
    day = _day(image.get("launch_time"))
    if not recorded.get("realm_id") or day is None:
        return {}
    registration = {"sk": "REG", "realm_id": recorded["realm_id"], "course_id": recorded.get("course_id"),
                    "learner": _json(recorded.get("learner")), "details": _json(recorded.get("details"))}
    return {(dimension, key, day): {"launches": 1.0} for dimension, (key, _label) in memberships(registration).items()}


def delta(old: dict[str, Any], new: dict[str, Any]) -> dict[Key, dict[str, float]]:
    """``contribution(new) − contribution(old)``, zeros left out."""
    moved: dict[Key, dict[str, float]] = {}
    for sign, image in ((-1.0, old), (1.0, new)):
        for key, counters in contribution(image).items():
            moved[key] = {"launches": moved.get(key, {}).get("launches", 0.0) + sign * counters["launches"]}
    return {k: v for k, v in moved.items() if v["launches"]}


def _erased(image: dict[str, Any] | None) -> bool:
    return bool(image) and bool(_json((image or {}).get("reportage")).get("erased"))


def entry(change: TableChange) -> store.Change | None:
    """What a launch item's change adds to the aggregates; None if it moves nothing. The learner's
    key is guarded like a registration's (:mod:`chalicelib.reports.aggregates`), since the launch:
    a launch from before the learner's erasure, streamed after it, does not count for them."""
    if not str(change.keys.get("sk") or "").startswith(LAUNCH_SK):
        return None
    if _erased(change.new) or (not change.new and _erased(change.old)):
        return None  # the learner's erasure: its launches stay counted (as its registrations do)
    moved = delta(change.old, change.new)
    if not moved:
        return None
    image = change.new or change.old
    recorded = _json(image.get("reportage"))
    realm_id = str(recorded["realm_id"])
    change_id = f"{change.keys['pk']}#{change.keys['sk']}" + ("" if change.new else "#removed")
    learner_id = str(_json(recorded.get("learner")).get("id") or "")
    guarded = {("learner", learner_key(realm_id, learner_id)): (learner_id, str(image.get("launch_time") or ""))} \
        if learner_id else {}
    return store.Change(change_id, realm_id, moved, {}, guarded)


def apply_change(change: TableChange) -> bool:
    """A launch item's change into the aggregates, once; False if it moves nothing or was applied."""
    found = entry(change)
    return store.apply_many([found])[0] if found is not None else False
