"""What every SCORM API instance shares: the session state machine and the last error.

SCORM 2004 RTE 3.1.6 (API Instance State Transitions) and SCORM 1.2 RTE 3.3.2: an API instance is
*not initialized* until Initialize("") / LMSInitialize("") succeeds, then *running*, then
*terminated* after Terminate("") / LMSFinish(""); it never goes back. Every call except
GetLastError, GetErrorString and GetDiagnostic sets the last error, so a successful call clears
the error of an earlier failed one (RTE 2004 3.1.4.4).

The run-time data the instances read and write is
:class:`chalicelib.results.runtime_data.RuntimeData`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.standards.common.errors import ErrorCode


class ApiState(StrEnum):
    NOT_INITIALIZED = "not-initialized"
    RUNNING = "running"
    TERMINATED = "terminated"


def as_text(value: object) -> str:
    """The string a browser's ``String(value)`` gives, for numbers and booleans that content passes
    where the API expects a characterstring (``SetValue("cmi.location", 0)``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


class ApiSession:
    """State and error bookkeeping common to the 1.2 and 2004 API instances."""

    errors: dict[int, ErrorCode]

    def __init__(self) -> None:
        self.state = ApiState.NOT_INITIALIZED
        self.last_error = 0
        self.diagnostic = ""

    def _ok(self, result: str = "true") -> str:
        self.last_error, self.diagnostic = 0, ""
        return result

    def _fail(self, code: int, detail: str = "", result: str = "false") -> str:
        self.last_error = code
        self.diagnostic = detail or self.errors[code].diagnostic
        return result

    # GetLastError / GetErrorString / GetDiagnostic never change the last error (RTE 2004 3.1.4.4).
    def last_error_text(self) -> str:
        return str(self.last_error)

    def error_string(self, code: object) -> str:
        """The message of an error code given as text; "" for an unknown code (``"001"`` included)."""
        text = as_text(code)
        if not text.isdigit() or (len(text) > 1 and text.startswith("0")):
            return ""
        known = self.errors.get(int(text))
        return known.message if known else ""

    def diagnostic_text(self, code: object) -> str:
        """Details of the last error (empty argument) or of the given code."""
        text = as_text(code)
        if text == "":
            return self.diagnostic or self.errors[self.last_error].diagnostic
        if text == str(self.last_error) and self.diagnostic:
            return self.diagnostic
        message = self.error_string(text)
        return self.errors[int(text)].diagnostic if message else ""
