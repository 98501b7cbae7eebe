"""Reader for ADL's SCORM 2004 4th Edition LMS test cases (found by :mod:`tests.conformance.adl_suite`).

The ``.properties`` files are Java properties files (line continuations, ``\\uXXXX`` escapes). Each
``ActNVm.commands.i`` value is one runtime call that the test SCO makes on visit ``m`` of activity
``N``, written ``METHOD->argument->expectedReturn->expectedError`` with the abbreviations of
``Commands.properties``. This decoder follows the grammar documented in the README there; it is
our own code, written from reading the suite's parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tests.conformance import adl_suite

if TYPE_CHECKING:
    from pathlib import Path

_BLOCK = re.compile(r"^Act(?P<act>[0-9]+[a-z]?)V(?P<visit>[0-9]+)\.(?P<rest>.+)$")
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


def read_properties(path: Path) -> list[tuple[str, str]]:
    """Key/value pairs of a Java properties file, in file order (java.util.Properties.load rules)."""
    lines = path.read_text(encoding="latin-1").splitlines()
    logical: list[str] = []
    buffer = ""
    continuing = False
    for raw in lines:
        line = raw.lstrip(" \t\f") if continuing or not buffer else raw
        if not continuing and (not line.strip() or line.lstrip().startswith(("#", "!"))):
            continue
        trailing = len(line) - len(line.rstrip("\\"))
        if trailing % 2 == 1:
            buffer += line[:-1]
            continuing = True
            continue
        logical.append(buffer + line)
        buffer, continuing = "", False
    if buffer:
        logical.append(buffer)
    return [_split_pair(item.lstrip()) for item in logical]


def _split_pair(line: str) -> tuple[str, str]:
    key_chars: list[str] = []
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            key_chars.append(line[i : i + 2])
            i += 2
            continue
        if ch in "=: \t\f":
            break
        key_chars.append(ch)
        i += 1
    rest = line[i:].lstrip(" \t\f")
    if rest[:1] in ("=", ":"):
        rest = rest[1:].lstrip(" \t\f")
    return _unescape("".join(key_chars)), _unescape(rest)


def _unescape(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "\\" or i + 1 >= len(text):
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", text[i + 2 : i + 6]):
            out.append(chr(int(text[i + 2 : i + 6], 16)))
            i += 6
            continue
        out.append(_ESCAPES.get(nxt, nxt))
        i += 2
    return "".join(out)


def abbreviations() -> dict[str, str]:
    """The abbreviation table of ``Commands.properties`` (``c`` = ``cmi``, ``CS`` = ``completion_status``...)."""
    return dict(read_properties(adl_suite.commands()))


@dataclass(frozen=True)
class Call:
    """One decoded runtime call and what the LMS must answer."""

    method: str  # Initialize, Terminate, Commit, GetValue, SetValue, GetLastError, GetErrorString, GetDiagnostic
    element: str  # the first argument ("" for Initialize(""))
    value: str  # SetValue's second argument
    expected: str  # the expected return value, or a placeholder: less255, emptyCS
    error: str  # the expected GetLastError() after the call
    raw: str  # the command as written in the file
    map_refs: tuple[str, ...] = ()  # adl.data targetIDs written &id& in place of the index
    expected_type: str = ""  # GetValue of an interaction pattern: the interaction type to compare by


@dataclass
class Visit:
    """One delivery of one activity: ``ActNVm``."""

    activity: str
    visit: int
    calls: list[Call] = field(default_factory=list)
    ui: str = ""  # the learner's next navigation (CUI)


_METHODS = {
    "I": "Initialize",
    "T": "Terminate",
    "C": "Commit",
    "GET": "GetValue",
    "SET": "SetValue",
    "GES": "GetErrorString",
    "GLE": "GetLastError",
    "GeDi": "GetDiagnostic",
    "COI": "CompareObjectiveIds",
}


class Decoder:
    """Expands the abbreviated command keys into runtime calls."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    def word(self, key: str) -> str:
        """A segment through the abbreviation table; unknown segments stand for themselves."""
        return self.table.get(key, key)

    def decode(self, command: str) -> Call | None:
        """``METHOD->argument->expected->error``. Like the suite's parser, the argument is the
        second ``->`` field and the expected value the one before the last (DDM Act1aV1 command 3
        has a stray ``->0`` inside its value, which the suite drops).

        None for a command whose method is not one of the suite's (the suite's own parser skips
        such a command: DMI ``Act3V2.commands.47`` lacks its ``GET->``)."""
        parts = command.split("->")
        if parts[0] not in _METHODS:
            return None
        method = _METHODS[parts[0]]
        error = parts[-1] if len(parts) >= 3 else ""
        expected_key = parts[-2] if len(parts) >= 4 else ""
        argument = parts[1] if len(parts) > 1 else ""
        if method == "SetValue":
            element, value, refs = self._set_argument(argument)
            return Call(method, element, value, self.word(expected_key), error, command, refs)
        if method == "GetValue":
            argument, _, expected_type = argument.partition("!")
            element, refs = self._element(argument)
            return Call(method, element, "", self._expected(expected_key), error, command, refs,
                        self.word(expected_type))
        if method in ("Initialize", "Commit"):
            return Call(method, argument, "", self.word(expected_key), error, command)
        return Call(method, argument, "", self._expected(expected_key), error, command)

    def _expected(self, key: str) -> str:
        mapped = self.table.get(key)
        return key if mapped in (None, "") else mapped

    def _element(self, key: str) -> tuple[str, tuple[str, ...]]:
        """``c~OB~0~ID`` -> ``cmi.objectives.0.id``; ``tar~X~TY.c`` -> ``{target=X}choice``."""
        if not key or "~" not in key:
            return key, ()
        segments = key.split("~")
        out: list[str] = []
        refs: list[str] = []
        i = 0
        while i < len(segments):
            seg = segments[i]
            if seg == "tar" and i + 1 < len(segments):
                target = "{target=" + segments[i + 1] + "}"
                i += 2
                if i < len(segments) and segments[i] in ("TY.c", "N.j"):
                    target += self.word(segments[i])
                    i += 1
                out.append(target)
                continue
            if seg.startswith("&") and seg.endswith("&") and len(seg) > 2:
                refs.append(seg[1:-1])
                out.append(seg)
            else:
                out.append(self.word(seg))
            i += 1
        return ".".join(out), tuple(refs)

    def _set_argument(self, key: str) -> tuple[str, str, tuple[str, ...]]:
        """The element path and the value, split at the first ``!`` of the last element segment.

        For ``adl.nav.request`` the value itself is abbreviated (``r!tar~activity_1~TY.c``)."""
        if "a~n~r!" in key:
            head, _, tail = key.partition("!")
            element, refs = self._element(head)
            return element, self._nav_value(tail), refs
        head, bang, value = key.partition("!")
        if not bang:
            element, refs = self._element(head)
            return element, "", refs
        element, refs = self._element(head)
        return element, self.word(value), refs

    def _nav_value(self, tail: str) -> str:
        if tail.startswith("tar~"):
            _, target, *rest = tail.split("~")
            return "{target=" + target + "}" + "".join(self.word(r) for r in rest)
        return self.word(tail)


def read_case(name: str) -> list[Visit]:
    """The visits of one case, in delivery order (the order of the blocks in the file). As the
    suite's own reader does, a block starts wherever the ``ActNVm`` prefix changes, so a block
    name that comes back later in the file (CM-09aa repeats ``Act1V1``) is another visit."""
    decoder = Decoder(abbreviations())
    order: list[Visit] = []
    commands: list[list[tuple[int, str]]] = []
    current: tuple[str, int] | None = None
    for key, value in read_properties(adl_suite.test_case(name)):
        match = _BLOCK.match(key)
        if not match:
            continue
        ident = (match["act"], int(match["visit"]))
        if ident != current:
            current = ident
            order.append(Visit(match["act"], int(match["visit"])))
            commands.append([])
        rest = match["rest"]
        if rest.startswith("commands."):
            commands[-1].append((int(rest.split(".")[1]), value))
        elif rest == "CUI":
            order[-1].ui = value
    for visit, items in zip(order, commands, strict=True):
        decoded = (decoder.decode(text) for _, text in sorted(items))
        visit.calls = [call for call in decoded if call is not None]
    return order
