"""xAPI statements per course, course version, registration and registration instance
(SCORM Cloud API v2 CourseApi ``getCourseStatements`` / ``getCourseVersionStatements``,
RegistrationApi ``getRegistrationStatements`` / ``getRegistrationInstanceStatements``).

Which registrations (and which period of each) a view covers is decided here; reading the
statements is :mod:`chalicelib.lrs.registration_statements`. A course covers every registration
of the course (``learnerId`` narrows it to one learner's); a course version covers the
registrations whose current instance runs on that version; an instance covers its registration's
statements stored while it was the current instance.
"""

from __future__ import annotations

from typing import Any

from chalicelib import courses, registrations
from chalicelib.errors import NotFound
from chalicelib.lrs import registration_statements as reading
from chalicelib.store import registrations as store


def _xapi_id(item: Any) -> str:
    return str((item.details or {}).get("xapiRegistrationId") or "")


def for_course(realm_id: str, course_id: str, params: dict[str, str], version: int | None = None) -> dict[str, Any]:
    courses.require(realm_id, course_id)
    if version is not None:
        courses.version_of(realm_id, courses.require(realm_id, course_id), version)
    window = reading.window_from(params, learner=True)
    learner = window.learner
    sources = [reading.Source(_xapi_id(item)) for item in store.list_group(realm_id)
               if item.course_id == course_id and _xapi_id(item)
               and (version is None or int(item.course_version) == version)
               and (learner is None or (item.learner or {}).get("id") == learner)]
    return reading.page(realm_id, sources, window)


def for_registration(realm_id: str, registration_id: str, params: dict[str, str]) -> dict[str, Any]:
    item = registrations.require(realm_id, registration_id)
    return reading.page(realm_id, [reading.Source(_xapi_id(item))], reading.window_from(params))


def for_instance(realm_id: str, registration_id: str, number: int, params: dict[str, str]) -> dict[str, Any]:
    """Statements stored while instance ``number`` was current: after the previous instance was
    frozen, up to the moment this one was (or now, for the current instance)."""
    item = registrations.require(realm_id, registration_id)
    frozen = {int(i.instance): i.archived for i in store.instances(realm_id, registration_id)}
    if number != int(item.instance or 0) and number not in frozen:
        raise NotFound(f"Registration {registration_id!r} has no instance {number}.")
    began = frozen.get(number - 1) if number > 0 else None
    ended = frozen.get(number) if number != int(item.instance or 0) else None
    source = reading.Source(_xapi_id(item), reading.stored_form(began), reading.stored_form(ended))
    return reading.page(realm_id, [source], reading.window_from(params))
