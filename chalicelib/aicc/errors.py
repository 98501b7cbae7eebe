"""HACP error numbers and texts (AICC CMI001 v4, the HACP response message: ``error`` and
``error_text``), as data; :class:`HacpError` carries one of them and a diagnostic that goes to
the launch's debug log (never into the answer, whose text is the table's).

CMI001 defines no number for data the CMI cannot accept: a request whose ``aicc_data`` is
malformed (a keyword line without ``=``, a value outside its vocabulary or type, a CSV file
whose rows do not match its header) is refused as a whole with 1, "Invalid Command", and
nothing of it is stored.
"""

from __future__ import annotations

SUCCESSFUL = 0
INVALID_COMMAND = 1
INVALID_AU_PASSWORD = 2
INVALID_SESSION_ID = 3

#: CMI001 HACP error number → error text.
ERRORS: dict[int, str] = {
    SUCCESSFUL: "Successful",
    INVALID_COMMAND: "Invalid Command",
    INVALID_AU_PASSWORD: "Invalid AU password",
    INVALID_SESSION_ID: "Invalid Session ID",
}


class HacpError(Exception):
    """A request answered with a non-zero HACP error; ``detail`` says why (for the debug log)."""

    def __init__(self, code: int, detail: str = "") -> None:
        super().__init__(detail or ERRORS[code])
        self.code = code
        self.detail = detail or ERRORS[code]

    @property
    def text(self) -> str:
        return ERRORS[self.code]
