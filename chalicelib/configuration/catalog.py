"""The settings Nimbus offers, as data: what each is, its type, allowed values, default, and the
part of Nimbus that reads it. Every setting here changes what Nimbus does; docs/settings.md lists
them for people. Values travel as strings (SCORM Cloud's ``SettingsIndividualSchema.value``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.errors import BadRequest

ALL_STANDARDS = ("SCORM12", "SCORM20042NDEDITION", "SCORM20043RDEDITION", "SCORM20044THEDITION", "AICC",
                 "XAPI", "CMI5")
SCORM_STANDARDS = ALL_STANDARDS[:4]
TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")


@dataclass(frozen=True)
class Setting:
    """One setting: ``data_type`` is ``bool``, ``int`` or ``enum`` (``values`` with descriptions)."""

    id: str
    data_type: str
    default: str
    description: str
    used_by: str
    values: dict[str, str] = field(default_factory=dict)
    minimum: int | None = None
    maximum: int | None = None
    standards: tuple[str, ...] = ALL_STANDARDS

    def normalise(self, raw: object) -> str:
        """The stored form of ``raw``, or a 400 naming the setting and what it accepts."""
        text = str(raw).strip() if isinstance(raw, (str, int, bool)) else None
        if self.data_type == "bool":
            if isinstance(raw, bool):
                return "true" if raw else "false"
            if text is not None and text.lower() in TRUE_WORDS + FALSE_WORDS:
                return "true" if text.lower() in TRUE_WORDS else "false"
            raise BadRequest(f"{self.id} must be true or false, not {raw!r}.")
        if self.data_type == "int":
            if isinstance(raw, bool) or text is None or not text.lstrip("-").isdigit():
                raise BadRequest(f"{self.id} must be a whole number, not {raw!r}.")
            number = int(text)
            if (self.minimum is not None and number < self.minimum) or (
                    self.maximum is not None and number > self.maximum):
                raise BadRequest(f"{self.id} must be from {self.minimum} to {self.maximum}, not {number}.")
            return str(number)
        wanted = (text or "").upper()
        if wanted not in self.values:
            raise BadRequest(f"{self.id} must be one of {', '.join(self.values)}, not {raw!r}.")
        return wanted

    def metadata(self) -> dict[str, Any]:
        """SettingMetadata."""
        return {"default": self.default, "dataType": self.data_type, "settingDescription": self.description,
                "level": "registration", "learningStandards": list(self.standards), "fallback": None,
                "validValues": [{"value": v, "valueDescription": d} for v, d in self.values.items()]}


SETTINGS: dict[str, Setting] = {s.id: s for s in (
    Setting("PlayerLaunchType", "enum", "FRAMESET",
            "How the player opens the course's content.", "player page (player.js)",
            values={"FRAMESET": "In a frame inside the player page, beside the table of contents.",
                    "NEW_WINDOW": "In a new browser window the player opens at once; the player page stays "
                                  "open behind it with the table of contents and navigation.",
                    "NEW_WINDOW_AFTER_CLICK": "In a new window once the learner clicks Open (for browsers "
                                              "that block pop-ups opened without a click)."}),
    Setting("PlayerShowCourseStructure", "bool", "true",
            "Whether the player shows the table of contents (course structure) at all.", "player page"),
    Setting("PlayerCourseStructureStartsOpen", "bool", "true",
            "Whether the table of contents starts open (it can be toggled with Contents).", "player page"),
    Setting("PlayerShowNavBar", "bool", "true",
            "Whether the player shows its Previous / Next / Exit buttons (courses with their own "
            "navigation may hide them).", "player page"),
    Setting("ApiCommitFrequency", "int", "15",
            "Seconds between the player's automatic saves of what the content set but did not commit.",
            "player commit transport", minimum=1, maximum=3600, standards=SCORM_STANDARDS + ("AICC",)),
    Setting("PlayerTimeLimit", "int", "0",
            "Minutes a learner may spend in the course, over all launches of a registration instance (0: no "
            "limit). When they are used up the player saves and closes the course, and further launches "
            "deliver nothing.", "player page and delivery", minimum=0, maximum=100_000,
            standards=SCORM_STANDARDS + ("AICC",)),
    Setting("PlayerDebugLogLevel", "enum", "ALL",
            "Which runtime calls each launch's debug log keeps (launch events are always kept).",
            "commit handling (launch debug log)",
            values={"ALL": "Every runtime call.", "ERRORS": "Only runtime calls that returned an error.",
                    "OFF": "No runtime calls."}, standards=SCORM_STANDARDS + ("AICC",)),
    Setting("XapiForwardScormResults", "bool", "false",
            "Forward SCORM results as xAPI: when a SCORM or AICC registration becomes completed, passed or failed, "
            "the realm's own LRS receives a completed / passed / failed statement for the registration.",
            "commit handling (chalicelib/lrs/scorm_forwarding.py)", standards=SCORM_STANDARDS + ("AICC",)),
    Setting("RegistrationStatusIsSticky", "bool", "false",
            "Sticky completion: once a registration is completed (or passed) it stays so, even when a "
            "new attempt begins after an Exit All or the course is taken again.",
            "registration rollup"),
)}


def setting(setting_id: object) -> Setting:
    """The setting named ``setting_id``, or a 400 naming the unknown id."""
    found = SETTINGS.get(setting_id) if isinstance(setting_id, str) else None
    if found is None:
        raise BadRequest(f"Unknown setting id {setting_id!r}; the settings are: {', '.join(SETTINGS)}.")
    return found
