"""The element-table record and the resolution of a concrete element path against a table.

A data model (``scorm12/datamodel.py``, ``scorm2004/datamodel.py``) is a dict from an element
*pattern* — the dotted name with ``n`` for each array index, e.g. ``cmi.interactions.n.id`` — to an
``Element``: access, type, vocabulary, range, default and dependency, and the keywords
``_children``, ``_count`` and ``_version`` (SCORM 1.2 RTE 3.3; SCORM 2004 RTE 4.1.3).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Access(StrEnum):
    READ_ONLY = "RO"
    WRITE_ONLY = "WO"
    READ_WRITE = "RW"


@dataclass(frozen=True)
class Element:
    """One element (or keyword) of a run-time data model."""

    pattern: str
    access: Access
    type: str = ""  # a key of the standard's TYPES table; "" for keywords
    vocabulary: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    spm: int | None = None  # smallest permitted maximum the LMS must store
    default: str | None = None  # what GetValue gives before any SetValue; None: "not initialized"
    requires: str = ""  # sibling leaf that must be set first (e.g. "id", "type")
    keyword: str = ""  # "_children", "_count" or "_version"
    value: str = ""  # the constant answer of a _children / _version keyword
    lms_set: bool = False  # initialised by the LMS before launch (launch settings)

    @property
    def readable(self) -> bool:
        return self.access is not Access.WRITE_ONLY

    @property
    def writable(self) -> bool:
        return self.access is not Access.READ_ONLY

    def as_json(self) -> dict[str, Any]:
        """The JSON form exported for the browser runtime (empty fields left out)."""
        out = {k: v for k, v in asdict(self).items() if not _empty(k, v)}
        out["access"] = self.access.value
        if self.vocabulary:
            out["vocabulary"] = list(self.vocabulary)
        return out


def _empty(name: str, value: object) -> bool:
    """Fields left out of the JSON form: unset ones (a default of "" is a real default)."""
    if value is None or value is False or value == ():
        return True
    return value == "" and name != "default"


def keyword(pattern: str, value: str = "") -> Element:
    """A read-only keyword element: ``x._children`` (its value), ``x._count``, ``cmi._version``."""
    return Element(pattern, Access.READ_ONLY, keyword=pattern.rsplit(".", 1)[1], value=value)


def table(*elements: Element) -> dict[str, Element]:
    return {e.pattern: e for e in elements}


_INDEX = re.compile(r"^\d+$")
# adl.nav.request_valid.choice.{target=ID}: the target may itself contain dots.
_TARGET = re.compile(r"^(adl\.nav\.request_valid\.(?:choice|jump))\.\{target=(.*)\}$", re.DOTALL)


@dataclass(frozen=True)
class Path:
    """A concrete element path split into its pattern and its array indices."""

    text: str
    pattern: str
    indices: tuple[int, ...]
    target: str | None = None  # the {target=} of adl.nav.request_valid.choice/jump

    def array_paths(self) -> list[tuple[str, int]]:
        """Each array this path indexes into, as (concrete array path, index), outermost first.

        ``cmi.interactions.2.objectives.0.id`` -> [("cmi.interactions", 2),
        ("cmi.interactions.2.objectives", 0)]."""
        out: list[tuple[str, int]] = []
        parts = self.text.split(".")
        for position, part in enumerate(parts):
            if _INDEX.fullmatch(part) and position > 0:
                out.append((".".join(parts[:position]), int(part)))
        return out


def parse(text: str) -> Path:
    """Split ``cmi.objectives.3.score.raw`` into pattern ``cmi.objectives.n.score.raw`` and (3,)."""
    target = _TARGET.fullmatch(text)
    if target:
        return Path(text, target.group(1) + ".{target=ID}", (), target.group(2))
    parts = text.split(".")
    indices = tuple(int(p) for p in parts if _INDEX.fullmatch(p))
    pattern = ".".join("n" if _INDEX.fullmatch(p) else p for p in parts)
    return Path(text, pattern, indices)


def concrete(pattern: str, indices: tuple[int, ...]) -> str:
    """The inverse of ``parse``: put ``indices`` in place of the ``n`` segments of ``pattern``."""
    values = iter(indices)
    return ".".join(str(next(values)) if p == "n" else p for p in pattern.split("."))
