"""The run-time data of one attempt on one SCO: element path -> string value, plus the count of each
array. It is what the server persists and validates commits against (a plain dict through
``to_dict``/``from_dict``), and what results are computed from; the SCORM API instances
(:mod:`chalicelib.runtime.api_state`) read and write it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
