"""The sequencing trace: which processes ran, which rules fired, why a request was denied.

One :class:`Trace` per navigation request; the engine keeps the last ones for the debug log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.standards.scorm2004.sequencing.exceptions import meaning


@dataclass
class Trace:
    request: str
    steps: list[tuple[str, str]] = field(default_factory=list)
    exception: str | None = None
    delivered: str | None = None

    def note(self, process: str, what: str) -> None:
        self.steps.append((process, what))

    def lines(self) -> list[str]:
        out = [f"navigation request {self.request}"]
        out += [f"  {process}: {what}" for process, what in self.steps]
        if self.exception:
            out.append(f"  denied: {self.exception} {meaning(self.exception)}")
        if self.delivered:
            out.append(f"  delivered {self.delivered}")
        return out
