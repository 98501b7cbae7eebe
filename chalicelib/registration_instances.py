"""Registration instances and global data (SCORM Cloud API v2 RegistrationApi:
``createNewRegistrationInstance``, ``deleteRegistrationInstance``, ``deleteRegistrationGlobalData``).

An instance is one run of a registration through its course. The current instance lives on the
registration item; earlier ones are frozen snapshots (:func:`chalicelib.registrations.new_instance`).
A new instance starts on the course's newest version, like a launch after a new version was
imported. Global data is what outlives an attempt: the SCORM 2004 global objectives of the
sequencing state (SN Book §4.2.3) and ``adl.data`` shared data buckets (RTE §4.3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import courses, registrations
from chalicelib.errors import BadRequest, NotFound
from chalicelib.store import registrations as store

if TYPE_CHECKING:
    from chalicelib.store.tables import RegistrationItem


def create(realm_id: str, registration_id: str) -> int:
    """Freeze the current instance and start the next on the course's newest version."""

    def next_instance(item: RegistrationItem) -> None:
        course = courses.require(realm_id, item.course_id)
        registrations.new_instance(item, int(course.latest_version))

    return int(registrations.change(realm_id, registration_id, next_instance).instance)


def delete(realm_id: str, registration_id: str, number: int) -> None:
    """Delete a frozen instance with its launches and debug logs. The current instance is the
    registration itself: reset it (``DELETE .../progress``) or delete the registration."""
    item = registrations.require(realm_id, registration_id)
    if number == int(item.instance or 0):
        raise BadRequest(f"instanceId {number} is the registration's current instance; delete the "
                         "registration or reset its progress instead.")
    if not store.delete_instance(realm_id, registration_id, number):
        raise NotFound(f"Registration {registration_id!r} has no instance {number}.")


def delete_global_data(realm_id: str, registration_id: str) -> None:
    """Forget the global objectives and shared data buckets (the next launch starts without them)."""

    def forget(item: RegistrationItem) -> None:
        details = dict(item.details or {})
        details["sharedData"] = {}
        sequencer = dict(details.get("sequencer") or {})
        state = dict(sequencer.get("state") or {})
        if state:
            state["globals"], state["shared_data"] = {}, {}
            sequencer["state"] = state
            details["sequencer"] = sequencer
        item.details = details

    registrations.change(realm_id, registration_id, forget)
