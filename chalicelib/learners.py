"""Learners (SCORM Cloud API v2 LearnerApi): tags and ``updateInfo``.

"A learner in SCORM Cloud is not an entity on its own": learners exist as the ``learner`` of
registrations. ``updateInfo`` changes the name and email on every registration (and every frozen
instance) of the learner id; a field left out stays, an empty string empties it, as SCORM Cloud
documents. Tags are kept per learner id (:mod:`chalicelib.store.learners`). Erasing a learner's
personal data is :mod:`chalicelib.learner_erasure`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import courses, registrations
from chalicelib.errors import BadRequest, Conflict, NotFound
from chalicelib.store import learners as store
from chalicelib.store import registrations as registration_store

if TYPE_CHECKING:
    from chalicelib.store.tables import RegistrationItem

INFO_FIELDS = ("firstName", "lastName", "email")


def check_learner_id(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 255:
        raise BadRequest("learnerId is required: a string of 1-255 characters.")
    return raw


def registrations_of(realm_id: str, learner_id: str) -> list[RegistrationItem]:
    """Every registration (course previews included) whose learner is ``learner_id``."""
    return [item for sandbox in (False, True) for item in registration_store.list_group(realm_id, sandbox=sandbox)
            if (item.learner or {}).get("id") == learner_id]


def _known(realm_id: str, learner_id: str) -> bool:
    return store.get_tags(realm_id, learner_id) is not None or bool(registrations_of(realm_id, learner_id))


def tags(realm_id: str, learner_id: str) -> list[str]:
    check_learner_id(learner_id)
    found = store.get_tags(realm_id, learner_id)
    if found is None and not registrations_of(realm_id, learner_id):
        raise NotFound(f"Learner {learner_id!r} has no registrations or tags.")
    return found or []


def change_tags(realm_id: str, learner_id: str, *, add: list[str] | None = None,
                remove: list[str] | None = None) -> list[str]:
    """Add or remove tags. Tags may be put on a learner id before its first registration."""
    check_learner_id(learner_id)
    current = store.get_tags(realm_id, learner_id)
    if current is None and remove is not None and not _known(realm_id, learner_id):
        raise NotFound(f"Learner {learner_id!r} has no registrations or tags.")
    changed = courses.retagged(current, add, remove)
    store.put_tags(realm_id, learner_id, changed)
    return changed


def _info(body: object, learner_id: str) -> dict[str, str]:
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object (LearnerSchema).")
    if body.get("id") not in (None, learner_id):
        raise BadRequest(f"learner id {body.get('id')!r} does not match the learnerId of the path ({learner_id!r}).")
    changes: dict[str, str] = {}
    for name in INFO_FIELDS:
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > 255:
            raise BadRequest(f"{name} must be a string of at most 255 characters.")
        changes[name] = value
    return changes


def _with_learner(snapshot: dict[str, Any], changes: dict[str, str]) -> dict[str, Any]:
    return {**snapshot, "learner": {**(snapshot.get("learner") or {}), **changes}}


def update_info(realm_id: str, learner_id: str, body: object) -> int:
    """Set name / email on every registration of the learner; returns how many changed."""
    check_learner_id(learner_id)
    changes = _info(body, learner_id)
    found = registrations_of(realm_id, learner_id)
    if not found:
        raise NotFound(f"Learner {learner_id!r} has no registrations.")
    for item in found:
        _update_one(realm_id, item.registration_id, changes)
        for frozen in registration_store.instances(realm_id, item.registration_id):
            frozen.snapshot = _with_learner(dict(frozen.snapshot or {}), changes)
            frozen.save()
    return len(found)


def _update_one(realm_id: str, registration_id: str, changes: dict[str, str]) -> None:
    for _ in range(5):
        item = registration_store.get(realm_id, registration_id)
        if item is None:
            return
        item.learner = {**(item.learner or {}), **changes}
        item.updated = registrations.now()
        try:
            registration_store.save(item)
            return
        except registration_store.VersionConflict:
            continue
    raise Conflict("The registration kept changing; try again.")
