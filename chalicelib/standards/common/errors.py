"""The record of one API error code (SCORM 1.2 RTE 3.3.3; SCORM 2004 RTE 3.1.7)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorCode:
    code: int
    message: str  # GetErrorString / LMSGetErrorString
    diagnostic: str  # GetDiagnostic / LMSGetDiagnostic when the call gives no more detail


def error_table(*codes: ErrorCode) -> dict[int, ErrorCode]:
    return {c.code: c for c in codes}
