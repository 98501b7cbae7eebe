"""The SCORM 1.2 API instance (``window.API``) as a pure-Python state machine.

RTE 1.2 section 3.3 (LMSInitialize, LMSFinish, LMSGetValue, LMSSetValue, LMSCommit,
LMSGetLastError, LMSGetErrorString, LMSGetDiagnostic) with the error codes of 3.3.3, driven by
the element table of ``chalicelib.standards.scorm12.datamodel``:

- 101 for LMSInitialize twice or after LMSFinish, and for any call after LMSFinish (the ADL 1.2
  test suite's reading; 301 is "not initialized", i.e. before LMSInitialize);
- 201 for a non-empty argument to LMSInitialize/LMSFinish/LMSCommit, an empty element name, or an
  array index past the end; 401 for an element the data model does not define;
- 202 / 203 for LMSGetValue of ``_children`` / ``_count`` of an element without children / not
  an array (LMSSetValue of such a name is 401: it names no element);
- 402 for setting a keyword, 403 read-only, 404 write-only, 405 type, vocabulary or range.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.runtime.api_state import ApiSession, ApiState, as_text
from chalicelib.runtime.scorm12_attempt import Launch12, close_session, new_attempt
from chalicelib.standards.common.datatypes import TYPES_12, Verdict, check
from chalicelib.standards.common.elements import Element, Path, parse
from chalicelib.standards.scorm12 import errors as E
from chalicelib.standards.scorm12.datamodel import BLANK_ALLOWED, ELEMENTS

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.results.runtime_data import RuntimeData

_KEYWORDS = ("_children", "_count", "_version")


class CallFailure(Exception):
    def __init__(self, code: int, detail: str = "") -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


class Scorm12Api(ApiSession):
    """One SCO session; ``commit`` persists the data (False -> 101 on LMSCommit/LMSFinish)."""

    errors = E.ERRORS

    def __init__(
        self,
        launch: Launch12 | None = None,
        data: RuntimeData | None = None,
        commit: Callable[[RuntimeData], bool] | None = None,
    ) -> None:
        super().__init__()
        self.launch = launch or Launch12()
        self.data = data if data is not None else new_attempt(self.launch)
        self._commit = commit

    def _session_error(self) -> int:
        if self.state is ApiState.NOT_INITIALIZED:
            return E.NOT_INITIALIZED
        return E.GENERAL_EXCEPTION if self.state is ApiState.TERMINATED else 0

    def LMSInitialize(self, parameter: object = "") -> str:  # noqa: N802 - the API's own name
        if as_text(parameter) != "":
            return self._fail(E.INVALID_ARGUMENT, "LMSInitialize takes the empty string.")
        if self.state is not ApiState.NOT_INITIALIZED:
            return self._fail(E.GENERAL_EXCEPTION, "LMSInitialize was already called.")
        self.state = ApiState.RUNNING
        return self._ok()

    def LMSFinish(self, parameter: object = "") -> str:  # noqa: N802
        if as_text(parameter) != "":
            return self._fail(E.INVALID_ARGUMENT, "LMSFinish takes the empty string.")
        code = self._session_error()
        if code:
            return self._fail(code)
        close_session(self.data)
        if self._commit is not None and not self._commit(self.data):
            return self._fail(E.GENERAL_EXCEPTION, "The data could not be saved.")
        self.state = ApiState.TERMINATED
        return self._ok()

    def LMSCommit(self, parameter: object = "") -> str:  # noqa: N802
        if as_text(parameter) != "":
            return self._fail(E.INVALID_ARGUMENT, "LMSCommit takes the empty string.")
        code = self._session_error()
        if code:
            return self._fail(code)
        if self._commit is not None and not self._commit(self.data):
            return self._fail(E.GENERAL_EXCEPTION, "The data could not be saved.")
        return self._ok()

    def LMSGetLastError(self) -> str:  # noqa: N802
        return self.last_error_text()

    def LMSGetErrorString(self, code: object = "") -> str:  # noqa: N802
        return self.error_string(code)

    def LMSGetDiagnostic(self, code: object = "") -> str:  # noqa: N802
        return self.diagnostic_text(code)

    # -- LMSGetValue, RTE 1.2 3.3.2.2 ------------------------------------------------------
    def LMSGetValue(self, element: object = "") -> str:  # noqa: N802
        code = self._session_error()
        if code:
            return self._fail(code, result="")
        try:
            value = self._get(parse(as_text(element)))
        except CallFailure as failure:
            return self._fail(failure.code, failure.detail, result="")
        return self._ok(value)

    def _get(self, path: Path) -> str:
        spec = self._resolve(path)
        if not spec.readable:
            raise CallFailure(E.ELEMENT_IS_WRITE_ONLY, f"{path.text} is write-only.")
        self._check_indices(path, setting=False)
        if spec.keyword == "_count":
            return str(self.data.count(path.text.rsplit(".", 1)[0]))
        if spec.keyword:
            return spec.value
        value = self.data.values.get(path.text)
        return value if value is not None else (spec.default or "")

    def _resolve(self, path: Path) -> Element:
        if path.text == "":
            raise CallFailure(E.INVALID_ARGUMENT, "An element name is required.")
        spec = ELEMENTS.get(path.pattern)
        if spec is not None:
            return spec
        base, _, last = path.pattern.rpartition(".")
        if last == "_children" and _defined(base):
            raise CallFailure(E.ELEMENT_CANNOT_HAVE_CHILDREN, f"{base} has no children.")
        if last == "_count" and _defined(base):
            raise CallFailure(E.ELEMENT_NOT_AN_ARRAY, f"{base} is not an array.")
        raise CallFailure(E.NOT_IMPLEMENTED, f"{path.text} is not a SCORM 1.2 element.")

    def _check_indices(self, path: Path, *, setting: bool) -> None:
        for array, index in path.array_paths():
            count = self.data.count(array)
            if index > count or (index == count and not setting):
                raise CallFailure(E.INVALID_ARGUMENT, f"{array}.{index} does not exist (count {count}).")

    # -- LMSSetValue, RTE 1.2 3.3.2.3 ------------------------------------------------------
    def LMSSetValue(self, element: object = "", value: object = "") -> str:  # noqa: N802
        code = self._session_error()
        if code:
            return self._fail(code)
        try:
            self._set(parse(as_text(element)), as_text(value))
        except CallFailure as failure:
            return self._fail(failure.code, failure.detail)
        return self._ok()

    def _set(self, path: Path, value: str) -> None:
        if path.text != "" and path.pattern not in ELEMENTS:
            raise CallFailure(E.NOT_IMPLEMENTED, f"{path.text} is not a SCORM 1.2 element.")
        spec = self._resolve(path)
        if spec.keyword:
            raise CallFailure(E.INVALID_SET_VALUE_KEYWORD, f"{spec.keyword} is a keyword.")
        if not spec.writable:
            raise CallFailure(E.ELEMENT_IS_READ_ONLY, f"{path.text} is read-only.")
        self._check_indices(path, setting=True)
        blank_ok = value == "" and path.pattern in BLANK_ALLOWED
        if not blank_ok:
            verdict = check(
                TYPES_12, spec.type, value, minimum=spec.minimum, maximum=spec.maximum, vocabulary=spec.vocabulary
            )
            if verdict is not Verdict.OK:
                raise CallFailure(E.INCORRECT_DATA_TYPE, f"{value!r} is not a valid {spec.type} for {path.text}.")
        self.data.values[path.text] = value
        for array, index in path.array_paths():
            self.data.append_if_new(array, index)


def _defined(pattern: str) -> bool:
    prefix = pattern + "."
    return pattern in ELEMENTS or any(p.startswith(prefix) for p in ELEMENTS)
