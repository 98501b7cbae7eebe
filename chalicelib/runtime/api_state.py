"""What every SCORM API instance shares: the session state machine and the last error.

SCORM 2004 RTE 3.1.6 (API Instance State Transitions) and SCORM 1.2 RTE 3.3.2: an API instance is
*not initialized* until Initialize("") / LMSInitialize("") succeeds, then *running*, then
*terminated* after Terminate("") / LMSFinish(""); it never goes back. Every call except
GetLastError, GetErrorString and GetDiagnostic sets the last error, so a successful call clears
the error of an earlier failed one (RTE 2004 3.1.4.4).

``RuntimeData`` is the serialisable run-time data of one attempt on one SCO: element path ->
string value, plus the count of each array. It is what the server persists and validates commits
against (a plain dict through ``to_dict``/``from_dict``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.standards.common.errors import ErrorCode


class ApiState(StrEnum):
    NOT_INITIALIZED = "not-initialized"
    RUNNING = "running"
    TERMINATED = "terminated"


@dataclass
class RuntimeData:
    """The values of one attempt: ``values[path] = str``, ``counts[array path] = int``."""

    values: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"values": dict(self.values), "counts": dict(self.counts)}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> RuntimeData:
        data = data or {}
        return cls(
            {str(k): str(v) for k, v in (data.get("values") or {}).items()},
            {str(k): int(v) for k, v in (data.get("counts") or {}).items()},
        )

    def count(self, array: str) -> int:
        return self.counts.get(array, 0)

    def append_if_new(self, array: str, index: int) -> None:
        if index == self.count(array):
            self.counts[array] = index + 1


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
