"""Seeded random SCORM API call sequences for the differential test against scorm-again.

A sequence is a list of calls ``[method, *arguments]`` in the API's own method names. Elements come
from our data model tables (indices 0-2 in place of ``n``) plus some names that are not elements;
values mix valid samples, vocabulary tokens and wrong types, so that every error path is reached.
"""

from __future__ import annotations

import random

from chalicelib.standards.scorm12.datamodel import ELEMENTS as ELEMENTS_12
from chalicelib.standards.scorm2004.datamodel import ELEMENTS as ELEMENTS_2004

METHODS = {
    "scorm12": {
        "init": "LMSInitialize", "finish": "LMSFinish", "get": "LMSGetValue", "set": "LMSSetValue",
        "commit": "LMSCommit",
    },
    "scorm2004": {
        "init": "Initialize", "finish": "Terminate", "get": "GetValue", "set": "SetValue", "commit": "Commit",
    },
}  # fmt: skip
NOT_ELEMENTS = {
    "scorm12": ["", "cmi", "cmi.bogus", "cmi.core._count", "cmi.core.student_id._children", "cmi.core.score.raw.x"],
    "scorm2004": ["", "cmi", "cmi.bogus", "cmi.location._children", "cmi.learner_id._count", "adl.nav.bogus"],
}
VALUES = [
    "", "0", "1", "-1", "0.5", "55.5", "100", "101", "-2", "abc", "a b", "true", "q1", "obj-1",
    "00:00:09", "0000:00:09", "12:30:00", "PT1M", "PT1H2M3.5S", "2024-05-01T10:00:00.5Z", "{lang=en}hello",
    "a[,]b", "a[.]b", "1[:]5", "x" * 300,
]  # fmt: skip


def _concrete(pattern: str, rng: random.Random) -> str:
    parts = [str(rng.choice((0, 0, 0, 1, 2))) if p == "n" else p for p in pattern.split(".")]
    text = ".".join(parts)
    return text.replace("{target=ID}", "{target=" + rng.choice(("sco-1", "sco-2")) + "}")


def _value(vocabulary: tuple[str, ...], rng: random.Random) -> str:
    if vocabulary and rng.random() < 0.6:
        return rng.choice(vocabulary)
    return rng.choice(VALUES)


def sequence(standard: str, rng: random.Random) -> list[list[str]]:
    """One session: usually Initialize first, a run of Get/Set/Commit, sometimes calls after finish."""
    names = METHODS[standard]
    table = ELEMENTS_12 if standard == "scorm12" else ELEMENTS_2004
    patterns = sorted(table)
    calls: list[list[str]] = []
    if rng.random() < 0.9:
        calls.append([names["init"], ""])
    finish_at = rng.randrange(8, 30) if rng.random() < 0.3 else None
    for step in range(rng.randrange(8, 30)):
        if step == finish_at:
            calls.append([names["finish"], ""])
        roll = rng.random()
        if roll < 0.04:
            calls.append([names["commit"], ""])
            continue
        if roll < 0.06:
            calls.append([names["init"], rng.choice(("", "x"))])
            continue
        if rng.random() < 0.08:
            element = rng.choice(NOT_ELEMENTS[standard])
            vocabulary: tuple[str, ...] = ()
        else:
            pattern = rng.choice(patterns)
            element = _concrete(pattern, rng)
            vocabulary = table[pattern].vocabulary
        if roll < 0.5:
            calls.append([names["get"], element])
        else:
            calls.append([names["set"], element, _value(vocabulary, rng)])
    return calls


def sequences(standard: str, count: int, seed: int) -> list[list[list[str]]]:
    rng = random.Random(f"{standard}-{seed}")
    return [sequence(standard, rng) for _ in range(count)]
