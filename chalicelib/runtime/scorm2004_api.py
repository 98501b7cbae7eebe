"""The SCORM 2004 4th Edition API instance (``API_1484_11``) as a pure-Python state machine.

Methods follow RTE section 3.1 (the API): Initialize, Terminate, GetValue, SetValue, Commit,
GetLastError, GetErrorString, GetDiagnostic, each answering the error codes of RTE 3.1.7 from the
element table of ``chalicelib.standards.scorm2004.datamodel``. The same rules back the browser
runtime (exported tables) and the server's validation of commits.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chalicelib.results.evaluation import completion_status, success_status
from chalicelib.runtime.api_state import ApiSession, ApiState, as_text
from chalicelib.runtime.scorm2004_attempt import Launch2004, close_session, new_attempt
from chalicelib.standards.common.datatypes import TYPES_2004, Verdict, check
from chalicelib.standards.common.elements import Element, Path, parse
from chalicelib.standards.scorm2004 import errors as E
from chalicelib.standards.scorm2004.datamodel import (
    ELEMENTS,
    EMPTY_IS_UNSET,
    FIXED_ARRAYS,
    NAV_REQUESTS,
    UNIQUE_IDS,
    WRITE_ONCE,
)
from chalicelib.standards.scorm2004.interactions import RULES, check_result, short_id

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.results.runtime_data import RuntimeData

_KEYWORDS = ("_children", "_count", "_version")
_NAV_TARGET = re.compile(r"^\{target=([^}]*)\}(choice|jump)$")
_EVALUATED: dict[str, Callable[[RuntimeData], str]] = {
    "cmi.completion_status": completion_status,
    "cmi.success_status": success_status,
}


class SetFailure(Exception):
    """A SetValue rule failed: the error code and its detail."""

    def __init__(self, code: int, detail: str = "") -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


class Scorm2004Api(ApiSession):
    """One SCO session. ``data`` is the attempt's run-time data (a new attempt if omitted);
    ``commit`` persists it on Commit/Terminate and returns False when that fails (391/111)."""

    errors = E.ERRORS

    def __init__(
        self,
        launch: Launch2004 | None = None,
        data: RuntimeData | None = None,
        commit: Callable[[RuntimeData], bool] | None = None,
    ) -> None:
        super().__init__()
        self.launch = launch or Launch2004()
        self.data = data if data is not None else new_attempt(self.launch)
        self._commit = commit

    # -- session methods, RTE 3.1.4.1 ------------------------------------------------------
    def Initialize(self, parameter: object = "") -> str:  # noqa: N802 - the API's own name
        if as_text(parameter) != "":
            return self._fail(E.GENERAL_ARGUMENT_ERROR, "Initialize takes the empty string.")
        if self.state is ApiState.RUNNING:
            return self._fail(E.ALREADY_INITIALIZED)
        if self.state is ApiState.TERMINATED:
            return self._fail(E.CONTENT_INSTANCE_TERMINATED)
        self.state = ApiState.RUNNING
        return self._ok()

    def Terminate(self, parameter: object = "") -> str:  # noqa: N802
        if as_text(parameter) != "":
            return self._fail(E.GENERAL_ARGUMENT_ERROR, "Terminate takes the empty string.")
        if self.state is ApiState.NOT_INITIALIZED:
            return self._fail(E.TERMINATION_BEFORE_INITIALIZATION)
        if self.state is ApiState.TERMINATED:
            return self._fail(E.TERMINATION_AFTER_TERMINATION)
        close_session(self.data)
        if self._commit is not None and not self._commit(self.data):
            return self._fail(E.GENERAL_TERMINATION_FAILURE, "The data could not be saved.")
        self.state = ApiState.TERMINATED
        return self._ok()

    def Commit(self, parameter: object = "") -> str:  # noqa: N802
        if as_text(parameter) != "":
            return self._fail(E.GENERAL_ARGUMENT_ERROR, "Commit takes the empty string.")
        if self.state is ApiState.NOT_INITIALIZED:
            return self._fail(E.COMMIT_BEFORE_INITIALIZATION)
        if self.state is ApiState.TERMINATED:
            return self._fail(E.COMMIT_AFTER_TERMINATION)
        if self._commit is not None and not self._commit(self.data):
            return self._fail(E.GENERAL_COMMIT_FAILURE)
        return self._ok()

    def GetLastError(self) -> str:  # noqa: N802
        return self.last_error_text()

    def GetErrorString(self, code: object = "") -> str:  # noqa: N802
        return self.error_string(code)

    def GetDiagnostic(self, code: object = "") -> str:  # noqa: N802
        return self.diagnostic_text(code)

    # -- GetValue, RTE 3.1.4.2 -------------------------------------------------------------
    def GetValue(self, element: object = "") -> str:  # noqa: N802
        if self.state is not ApiState.RUNNING:
            code = E.RETRIEVE_DATA_BEFORE_INITIALIZATION
            if self.state is ApiState.TERMINATED:
                code = E.RETRIEVE_DATA_AFTER_TERMINATION
            return self._fail(code, result="")
        name = as_text(element)
        if name == "":
            return self._fail(E.GENERAL_GET_FAILURE, "GetValue needs an element name.", result="")
        code, detail, value = self._get(parse(name))
        if code:
            return self._fail(code, detail, result="")
        return self._ok(value)

    def _get(self, path: Path) -> tuple[int, str, str]:
        spec = ELEMENTS.get(path.pattern)
        if spec is None:
            return self._undefined_get(path)
        for array, index in path.array_paths():
            limit = self.data.count(array)
            if index >= limit:
                return E.GENERAL_GET_FAILURE, f"{array}.{index} does not exist (count {limit}).", ""
        if spec.keyword:
            return self._keyword_value(path, spec)
        if not spec.readable or not self._map_allows(path, read=True):
            return E.ELEMENT_IS_WRITE_ONLY, f"{path.text} is write-only.", ""
        return self._stored(path, spec)

    def _undefined_get(self, path: Path) -> tuple[int, str, str]:
        base, _, last = path.pattern.rpartition(".")
        if last in _KEYWORDS and (base in ELEMENTS or _has_children(base)):
            return E.GENERAL_GET_FAILURE, f"{base} has no {last}.", ""
        return E.UNDEFINED_ELEMENT, f"{path.text} is not a SCORM 2004 element.", ""

    def _keyword_value(self, path: Path, spec: Element) -> tuple[int, str, str]:
        if spec.keyword == "_count":
            return 0, "", str(self.data.count(path.text.rsplit(".", 1)[0]))
        return 0, "", spec.value

    def _stored(self, path: Path, spec: Element) -> tuple[int, str, str]:
        evaluate = _EVALUATED.get(path.text)
        if evaluate is not None:
            return 0, "", evaluate(self.data)
        if path.target is not None or path.pattern.startswith("adl.nav.request_valid."):
            key = path.pattern.rsplit(".", 1)[1] if path.target is None else path.text[len("adl.nav.request_valid.") :]
            return 0, "", self.launch.nav_valid.get(key, spec.default or "unknown")
        value = self.data.values.get(path.text)
        if value == "" and path.pattern in EMPTY_IS_UNSET:
            value = None
        if value is None:
            value = spec.default
        if value is None:
            return E.VALUE_NOT_INITIALIZED, f"{path.text} has no value yet.", ""
        return 0, "", value

    def _map_allows(self, path: Path, *, read: bool) -> bool:
        """adl.data.n.store access per the map's readSharedData / writeSharedData (RTE 4.3)."""
        if path.pattern != "adl.data.n.store":
            return True
        index = path.indices[0]
        if index >= len(self.launch.shared_data):
            return True
        shared = self.launch.shared_data[index]
        return shared.readable if read else shared.writable

    # -- SetValue, RTE 3.1.4.3 -------------------------------------------------------------
    def SetValue(self, element: object = "", value: object = "") -> str:  # noqa: N802
        if self.state is not ApiState.RUNNING:
            code = E.STORE_DATA_BEFORE_INITIALIZATION
            if self.state is ApiState.TERMINATED:
                code = E.STORE_DATA_AFTER_TERMINATION
            return self._fail(code)
        name = as_text(element)
        if name == "":
            return self._fail(E.GENERAL_SET_FAILURE, "SetValue needs an element name.")
        try:
            self._set(parse(name), as_text(value))
        except SetFailure as failure:
            return self._fail(failure.code, failure.detail)
        return self._ok()

    def _set(self, path: Path, value: str) -> None:
        spec = ELEMENTS.get(path.pattern)
        if spec is None:
            base, _, last = path.pattern.rpartition(".")
            if last in _KEYWORDS and (base in ELEMENTS or _has_children(base)):
                raise SetFailure(E.ELEMENT_IS_READ_ONLY, f"{last} is a keyword.")
            raise SetFailure(E.UNDEFINED_ELEMENT, f"{path.text} is not a SCORM 2004 element.")
        if not spec.writable:
            raise SetFailure(E.ELEMENT_IS_READ_ONLY, f"{path.text} is read-only.")
        if not self._map_allows(path, read=False):
            raise SetFailure(E.ELEMENT_IS_READ_ONLY, f"{path.text} may not be written by this SCO.")
        self._check_indices(path)
        self._check_dependency(path, spec)
        self._check_value(path, spec, value)
        self._check_unique(path, value)
        self.data.values[path.text] = value
        for array, index in path.array_paths():
            self.data.append_if_new(array, index)

    def _check_indices(self, path: Path) -> None:
        for array, index in path.array_paths():
            count = self.data.count(array)
            if array in FIXED_ARRAYS and index >= count:
                raise SetFailure(E.GENERAL_SET_FAILURE, f"{array} has {count} entries, set by the LMS.")
            if index > count:
                raise SetFailure(E.GENERAL_SET_FAILURE, f"{array}.{index}: the next index is {count}.")

    def _check_dependency(self, path: Path, spec: Element) -> None:
        """RTE 4.2.9 / 4.2.17: the id (or the interaction's type) must be set first (408)."""
        if not spec.requires:
            return
        arrays = path.array_paths()
        outer, index = arrays[0]
        required = f"{outer}.{index}.{spec.requires}"
        if required != path.text and required not in self.data.values:
            raise SetFailure(E.DEPENDENCY_NOT_ESTABLISHED, f"{required} must be set before {path.text}.")

    def _check_value(self, path: Path, spec: Element, value: str) -> None:
        if spec.type == "interaction_pattern":
            self._check_response(path, value)
            return
        if spec.type == "interaction_result":
            if not check_result(value, spec.vocabulary):
                raise SetFailure(E.TYPE_MISMATCH, f"{value!r} is not a result.")
            return
        if spec.type == "nav_request":
            if not _nav_request(value):
                raise SetFailure(E.TYPE_MISMATCH, f"{value!r} is not a navigation request.")
            return
        verdict = check(
            TYPES_2004, spec.type, value, minimum=spec.minimum, maximum=spec.maximum, vocabulary=spec.vocabulary
        )
        if verdict is Verdict.TYPE_MISMATCH:
            raise SetFailure(E.TYPE_MISMATCH, f"{value!r} is not a valid {spec.type}.")
        if verdict is Verdict.OUT_OF_RANGE:
            raise SetFailure(E.VALUE_OUT_OF_RANGE, f"{value} is out of the range of {path.text}.")

    def _check_response(self, path: Path, value: str) -> None:
        """RTE 4.2.9.1: patterns and responses by interaction type, and the pattern count."""
        interaction = f"cmi.interactions.{path.indices[0]}"
        rule = RULES[self.data.values[f"{interaction}.type"]]
        if path.pattern.endswith("learner_response"):
            if not rule.response(value):
                raise SetFailure(E.TYPE_MISMATCH, f"{value!r} is not a {rule.type} learner response.")
            return
        index = path.indices[1]
        if rule.max_patterns is not None and index >= rule.max_patterns:
            raise SetFailure(E.GENERAL_SET_FAILURE, f"{rule.type} takes {rule.max_patterns} pattern(s).")
        if not rule.pattern(value):
            raise SetFailure(E.TYPE_MISMATCH, f"{value!r} is not a {rule.type} pattern.")
        if rule.unique_patterns:
            array = f"{interaction}.correct_responses"
            for other in range(self.data.count(array)):
                if other != index and self.data.values.get(f"{array}.{other}.pattern") == value:
                    raise SetFailure(E.GENERAL_SET_FAILURE, f"{value!r} is already a correct response.")

    def _check_unique(self, path: Path, value: str) -> None:
        """Identifiers unique in their array (RTE 4.2.17 objectives, 4.2.9 interaction objectives);
        an objective's id, once set, cannot change (RTE 4.2.17.1, ADL DMI "WriteOnceViolation")."""
        if path.pattern not in UNIQUE_IDS:
            return
        current = self.data.values.get(path.text)
        if path.pattern in WRITE_ONCE and current is not None and current != value:
            raise SetFailure(E.GENERAL_SET_FAILURE, f"{path.text} is already {current!r} and cannot change.")
        array, index = path.array_paths()[-1]
        for other in range(self.data.count(array)):
            if other != index and self.data.values.get(f"{array}.{other}.id") == value:
                raise SetFailure(E.GENERAL_SET_FAILURE, f"{value!r} is already the id of {array}.{other}.")


def _has_children(pattern: str) -> bool:
    prefix = pattern + "."
    return any(p.startswith(prefix) for p in ELEMENTS)


def _nav_request(value: str) -> bool:
    """RTE 4.4.2 adl.nav.request: a request token, or ``{target=ID}choice`` / ``{target=ID}jump``."""
    if value in NAV_REQUESTS:
        return True
    match = _NAV_TARGET.fullmatch(value)
    return match is not None and short_id(match.group(1))
