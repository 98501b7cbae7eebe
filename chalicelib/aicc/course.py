"""What HACP needs from an AICC course version: the AU's password (``.au`` ``AU_Password``) and
the ``.cmp`` completion requirements, read from the version's stored activity tree (one S3 read
per import per process: a tree key names one import, so the cache never goes stale)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import courses
from chalicelib.aicc import completion, sessions
from chalicelib.store import courses as course_store

if TYPE_CHECKING:
    from chalicelib.runtime.sessions import PlayerSession
    from chalicelib.standards.activity_tree import CourseStructure

def structure(realm_id: str, course_id: str, version_number: int) -> CourseStructure | None:
    version = course_store.get_version(realm_id, course_id, version_number)
    if version is None or not version.tree_key:
        return None
    return courses.structure(version)


def launch_url(player: PlayerSession, item: Any, delivered: dict[str, Any]) -> str:
    """The AU's URL with ``aicc_sid`` and ``aicc_url`` (``chalicelib.aicc.sessions.au_url``)."""
    found = structure(item.realm_id, item.course_id, int(item.course_version))
    au = next((a for a in found.root.walk() if a.identifier == delivered["activityId"]), None) if found else None
    return sessions.au_url(player, str(delivered["contentUrl"]), str(delivered["activityId"]),
                           str(delivered["attemptId"]), au.aicc_password if au is not None else "")


def refresh_completion(item: Any, details: dict[str, Any]) -> None:
    """Re-evaluate the ``.cmp`` completion requirements into ``details["aiccResults"]`` (after an
    AU's data changed: a HACP put, or a delivery that closed an abandoned session)."""
    found = structure(item.realm_id, item.course_id, int(item.course_version))
    results = completion.evaluate(details, found) if found is not None else None
    if results is not None:
        details["aiccResults"] = results
