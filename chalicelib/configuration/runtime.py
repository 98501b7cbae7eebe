"""The effective settings a launch runs with, read once when the launch opens (from the
registration's current instance up to the application: :func:`chalicelib.configuration.levels.values_for`)
and carried, signed, in the player session — so commits, the hot path, read no settings.

* the player page gets :func:`player_config` (launch type, table of contents, navigation bar,
  commit frequency, the time left under ``PlayerTimeLimit``), and deliveries are refused once that
  time is used up (:func:`check_time_left`);
* commit handling filters each batch's debug-log entries (:func:`debug_log`);
* rollup keeps a completed / passed registration so when ``RegistrationStatusIsSticky``
  (:func:`sticky`);
* commits forward result changes as xAPI statements when ``XapiForwardScormResults``
  (:func:`forwards_xapi`, :mod:`chalicelib.lrs.scorm_forwarding`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.configuration import levels
from chalicelib.configuration.catalog import SETTINGS
from chalicelib.errors import Conflict

if TYPE_CHECKING:
    from chalicelib.store.tables import RegistrationItem


def for_launch(item: RegistrationItem) -> dict[str, str]:
    """The effective values that differ from the defaults (kept small: they travel in the token)."""
    return {sid: value for sid, value in levels.values_for(item).items() if value != SETTINGS[sid].default}


def _value(chosen: dict[str, str], setting_id: str) -> str:
    return chosen.get(setting_id, SETTINGS[setting_id].default)


def time_left(chosen: dict[str, str], seconds_tracked: float) -> float | None:
    """Seconds left under ``PlayerTimeLimit`` (None: no limit)."""
    minutes = int(_value(chosen, "PlayerTimeLimit"))
    return None if minutes == 0 else max(0.0, minutes * 60 - seconds_tracked)


def check_time_left(chosen: dict[str, str], seconds_tracked: float) -> None:
    """Refuse a delivery once ``PlayerTimeLimit`` is used up (409 saying so)."""
    left = time_left(chosen, seconds_tracked)
    if left is not None and left <= 0:
        raise Conflict(f"The time limit of {_value(chosen, 'PlayerTimeLimit')} minutes for this course is used up.")


def player_config(chosen: dict[str, str], seconds_tracked: float = 0.0) -> dict[str, Any]:
    """What player.js reads from its configuration."""
    return {"timeLeftSeconds": time_left(chosen, seconds_tracked),
            "launchType": _value(chosen, "PlayerLaunchType"),
            "showCourseStructure": _value(chosen, "PlayerShowCourseStructure") == "true",
            "courseStructureStartsOpen": _value(chosen, "PlayerCourseStructureStartsOpen") == "true",
            "showNavBar": _value(chosen, "PlayerShowNavBar") == "true",
            "commitSeconds": int(_value(chosen, "ApiCommitFrequency"))}


def debug_log(chosen: dict[str, str], entries: list[Any]) -> list[Any]:
    """The runtime calls of a commit batch the launch's debug log keeps (``PlayerDebugLogLevel``)."""
    level = _value(chosen, "PlayerDebugLogLevel")
    if level == "ALL":
        return entries
    if level == "OFF":
        return []
    return [entry for entry in entries if isinstance(entry, dict) and entry.get("error") not in (None, "", 0, "0")]


def sticky(chosen: dict[str, str]) -> bool:
    return _value(chosen, "RegistrationStatusIsSticky") == "true"


def forwards_xapi(chosen: dict[str, str]) -> bool:
    """XapiForwardScormResults: results become statements in the realm's LRS."""
    return _value(chosen, "XapiForwardScormResults") == "true"
