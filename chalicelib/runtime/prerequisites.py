"""SCORM 1.2 prerequisites (CAM 1.2 section 2.3.2.5.1, ``adlcp:prerequisites type="aicc_script"``;
AICC CMI001 "Prerequisites" script).

An expression over item identifiers with ``&`` (and), ``|`` (or), ``~`` (not), parentheses and
sets ``n*{a,b,c}`` (at least n of them). An identifier is true when that item's lesson status is
``passed`` or ``completed`` (CAM: "satisfied"). An empty expression is always true; an expression
that cannot be parsed is ignored (the item stays available) and reported by :func:`problem`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

_TOKEN = re.compile(r"\s*(\d+\*\{|[&|~(){},=]|<>|[^\s&|~(){},=<>]+)")
SATISFIED = frozenset({"passed", "completed"})


class ScriptError(ValueError):
    pass


def _tokens(script: str) -> list[str]:
    found, position = [], 0
    script = script.strip()
    while position < len(script):
        match = _TOKEN.match(script, position)
        if not match:
            raise ScriptError(f"cannot read {script[position:]!r}")
        found.append(match.group(1))
        position = match.end()
    return found


class _Parser:
    def __init__(self, tokens: list[str], satisfied: Callable[[str], bool]) -> None:
        self.tokens, self.position, self.satisfied = tokens, 0, satisfied

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise ScriptError("unexpected end")
        self.position += 1
        return token

    def expression(self) -> bool:
        value = self.term()
        while self.peek() == "|":
            self.take()
            value = self.term() or value
        return value

    def term(self) -> bool:
        value = self.factor()
        while self.peek() == "&":
            self.take()
            value = self.factor() and value
        return value

    def factor(self) -> bool:
        token = self.take()
        if token == "~":  # noqa: S105 - an operator, not a secret
            return not self.factor()
        if token == "(":  # noqa: S105
            value = self.expression()
            if self.take() != ")":
                raise ScriptError("missing )")
            return value
        if token.endswith("*{"):
            needed, members = int(token[:-2]), []
            while True:
                members.append(self.satisfied(self.take()))
                closing = self.take()
                if closing == "}":
                    return sum(members) >= needed
                if closing != ",":
                    raise ScriptError("bad set")
        if token in "&|)},":  # noqa: S105 - operators, not secrets
            raise ScriptError(f"unexpected {token!r}")
        return self.satisfied(token)


def evaluate(script: str, statuses: dict[str, str]) -> bool:
    """Whether ``script`` holds, given item id → lesson status."""
    if not script or not script.strip():
        return True
    try:
        parser = _Parser(_tokens(script), lambda item: statuses.get(item, "") in SATISFIED)
        value = parser.expression()
        if parser.peek() is not None:
            raise ScriptError("trailing text")
    except (ScriptError, ValueError):
        return True
    return value


def problem(script: str) -> str | None:
    """Why ``script`` cannot be evaluated, or None."""
    try:
        parser = _Parser(_tokens(script), lambda _item: True)
        parser.expression()
        if parser.peek() is not None:
            return "trailing text"
    except (ScriptError, ValueError) as err:
        return str(err)
    return None
