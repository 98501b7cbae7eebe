"""Sequencing exception codes (SCORM 2004 4th Ed. SN Book, Appendix D) as a data table.

Each process of Appendix C that can fail names its exception by the process id and a number
(``NB.2.1-1``...). :class:`SequencingError` carries the code; :func:`meaning` gives the text the
SN Book attaches to it, for the sequencing trace and the debug log.
"""

from __future__ import annotations

#: Appendix D: exception code -> description.
EXCEPTIONS: dict[str, str] = {
    "OP.1-1": "Undefined navigation request",
    "OP.1-2": "Undefined termination request",
    "OP.1-3": "Undefined sequencing request",
    "OP.1-4": "Undefined delivery request",
    "NB.2.1-1": "Current activity is already defined / sequencing session has already begun",
    "NB.2.1-2": "Current activity is not defined / sequencing session has not begun",
    "NB.2.1-3": "Suspended activity is not defined",
    "NB.2.1-4": "Flow sequencing control mode violation",
    "NB.2.1-5": "Flow or forward only sequencing control mode violation",
    "NB.2.1-6": "No activity is 'previous' to the root",
    "NB.2.1-7": "Unsupported navigation request",
    "NB.2.1-8": "Choice exit sequencing control mode violation",
    "NB.2.1-9": "No activities to consider",
    "NB.2.1-10": "Choice sequencing control mode violation",
    "NB.2.1-11": "Target activity does not exist",
    "NB.2.1-12": "Current activity already terminated",
    "NB.2.1-13": "Undefined navigation request",
    "TB.2.3-1": "Current activity is not defined / sequencing session has not begun",
    "TB.2.3-2": "Current activity already terminated",
    "TB.2.3-3": "Cannot suspend an inactive root",
    "TB.2.3-4": "Activity tree root has no parent",
    "TB.2.3-5": "Nothing to suspend (no active activities)",
    "TB.2.3-6": "Nothing to abandon (no active activities)",
    "TB.2.3-7": "Undefined termination request",
    "SB.2.1-1": "Last activity in the tree",
    "SB.2.1-2": "Cluster has no available children",
    "SB.2.1-3": "No activity is 'previous' to the root",
    "SB.2.1-4": "Forward only sequencing control mode violation",
    "SB.2.2-1": "Flow sequencing control mode violation",
    "SB.2.2-2": "Activity unavailable",
    "SB.2.4-1": "Forward traversal blocked",
    "SB.2.4-2": "Forward only sequencing control mode violation",
    "SB.2.4-3": "No activity is 'previous' to the root",
    "SB.2.5-1": "Current activity is defined / sequencing session already begun",
    "SB.2.6-1": "Current activity is defined / sequencing session already begun",
    "SB.2.6-2": "No suspended activity is defined",
    "SB.2.7-1": "Current activity is not defined / sequencing session has not begun",
    "SB.2.7-2": "Flow sequencing control mode violation",
    "SB.2.8-1": "Current activity is not defined / sequencing session has not begun",
    "SB.2.8-2": "Flow sequencing control mode violation",
    "SB.2.9-1": "Target activity does not exist",
    "SB.2.9-2": "Target activity is not in the activity tree",
    "SB.2.9-3": "Target activity is the root and cannot be delivered by choice",
    "SB.2.9-4": "Activity is hidden from choice",
    "SB.2.9-5": "Choice sequencing control mode violation",
    "SB.2.9-6": "Current activity is not defined (no choice exit check possible)",
    "SB.2.9-7": "No activity to deliver (choice flow)",
    "SB.2.9-8": "Choice exit sequencing control mode violation / constrained choice",
    "SB.2.9-9": "Undefined choice target traversal",
    "SB.2.9-10": "Target activity is not in the activity tree",
    "SB.2.10-1": "Current activity is not defined / sequencing session has not begun",
    "SB.2.10-2": "Current activity is active or suspended",
    "SB.2.10-3": "Flow sequencing control mode violation (retry)",
    "SB.2.11-1": "Current activity is not defined / sequencing session has not begun",
    "SB.2.11-2": "Current activity has not been terminated",
    "SB.2.12-1": "Undefined sequencing request",
    "SB.2.13-1": "Current activity is not defined / sequencing session has not begun",
    "DB.1.1-1": "Cannot deliver a non-leaf activity",
    "DB.1.1-2": "Nothing to deliver",
    "DB.1.1-3": "Activity unavailable: a limit condition or a disabled rule prevents delivery",
    "DB.2-1": "Identified activity is already active",
}


class SequencingError(Exception):
    """A sequencing process ended with an exception of Appendix D."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {meaning(code)}" + (f" ({detail})" if detail else ""))


def meaning(code: str) -> str:
    return EXCEPTIONS.get(code, "Unknown sequencing exception")
