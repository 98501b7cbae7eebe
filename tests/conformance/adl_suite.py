"""Where ADL's SCORM 2004 4th Edition conformance data is: the one place every test, the
``make conformance`` harness and the benchmarks ask.

The data (189 test package manifests, 188 ``.properties`` test cases and the ``Commands.properties``
abbreviation table; Apache-2.0, Copyright 2014 Advanced Distributed Learning) is never part of this
repository. It is looked for, in this order:

1. ``$ADL_SCORM2004_SUITE`` when set (then only there: a wrong path is reported, not skipped over);
2. ``../shared/conformance/scorm2004-adl`` beside the repository (our team's and CI's copy);
3. ``$ADL_SUITE_DIR`` (default ``/tmp/adl-scorm2004-suite``), where ``make conformance``
   (``tests/conformance/run_adl.sh``) clones the public repository at the pinned commit.

Each location may hold either layout:

- ours: ``manifests/<ID>.xml``, ``TestCases/<ID>.properties``, ``Commands.properties``;
- a checkout of https://github.com/adlnet/SCORM-2004-4ed-Test-Suite:
  ``software_development/TestSuite/LMSRTE/Courses/LMSTestPackage_<ID>/imsmanifest.xml``,
  ``software_development/TestSuite/LMSRTE/Courses/TestCases/<ID>.properties`` and
  ``software_development/resources/org/adl/testsuite/rte/lms/util/resources/Commands.properties``
  (the same files, byte for byte).

``python -m tests.conformance.adl_suite`` prints the folder found (exit 0) or the reason (exit 1).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

ENV = "ADL_SCORM2004_SUITE"
CACHE_ENV = "ADL_SUITE_DIR"
#: The default of ``$ADL_SUITE_DIR`` (the same default as in ``run_adl.sh``).
DEFAULT_CACHE = "/tmp/adl-scorm2004-suite"  # a cache outside the repository
REPOSITORY = "https://github.com/adlnet/SCORM-2004-4ed-Test-Suite.git"
COMMIT = "050f1b4282c914154ab80254e4767ce8c58d0d36"
SIBLING = Path(__file__).resolve().parents[2].parent / "shared" / "conformance" / "scorm2004-adl"

SKIP_REASON = (f"ADL SCORM 2004 suite not found: run `make conformance` (fetches it) "
               f"or set {ENV}=<path>")

_COURSES = Path("software_development", "TestSuite", "LMSRTE", "Courses")
_COMMANDS = Path("software_development", "resources", "org", "adl", "testsuite", "rte", "lms", "util",
                 "resources", "Commands.properties")


class SuiteMissing(RuntimeError):
    """No location holds the suite; the message is one line saying how to get it."""


@dataclass(frozen=True)
class Suite:
    """One location of the data, in one of the two layouts."""

    root: Path
    upstream: bool  # a checkout of ADL's repository, else our data layout

    def manifest(self, case: str) -> Path:
        if self.upstream:
            return self.root / _COURSES / f"LMSTestPackage_{case}" / "imsmanifest.xml"
        return self.root / "manifests" / f"{case}.xml"

    def test_case(self, case: str) -> Path:
        if self.upstream:
            return self.root / _COURSES / "TestCases" / f"{case}.properties"
        return self.root / "TestCases" / f"{case}.properties"

    def commands(self) -> Path:
        return self.root / (_COMMANDS if self.upstream else Path("Commands.properties"))

    def cases(self) -> list[str]:
        if self.upstream:
            found = (self.root / _COURSES).glob("LMSTestPackage_*/imsmanifest.xml")
            return sorted(p.parent.name.removeprefix("LMSTestPackage_") for p in found)
        return sorted(p.stem for p in (self.root / "manifests").glob("*.xml"))

    def test_case_names(self) -> list[str]:
        return sorted(p.stem for p in self.test_case("x").parent.glob("*.properties"))


def at(folder: Path) -> Suite | None:
    """The suite in ``folder`` (either layout), or None if it holds neither."""
    for suite in (Suite(folder, upstream=False), Suite(folder, upstream=True)):
        if suite.commands().is_file() and suite.test_case("x").parent.is_dir():
            return suite
    return None


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or DEFAULT_CACHE)


def find() -> Suite | None:
    """The first location that holds the suite (see the module docstring), or None."""
    given = os.environ.get(ENV)
    if given:
        return at(Path(given).expanduser())
    for folder in (SIBLING, cache_dir()):
        suite = at(folder)
        if suite is not None:
            return suite
    return None


def available() -> bool:
    return find() is not None


def missing_reason() -> str:
    """Why the suite is not available, in one line."""
    given = os.environ.get(ENV)
    if given:
        return (f"ADL SCORM 2004 suite not found at {ENV}={given}: point it at a copy (manifests/, TestCases/, "
                f"Commands.properties) or a checkout of {REPOSITORY}, or unset it and run `make conformance`")
    return SKIP_REASON


def suite() -> Suite:
    """The suite, or :class:`SuiteMissing` with the one-line reason."""
    found = find()
    if found is None:
        raise SuiteMissing(missing_reason())
    return found


def manifest(case: str) -> Path:
    """The imsmanifest.xml of test package ``LMSTestPackage_<case>``."""
    return suite().manifest(case)


def test_case(case: str) -> Path:
    """The ``<case>.properties`` test case file."""
    return suite().test_case(case)


test_case.__test__ = False  # type: ignore[attr-defined]  # not a pytest test when imported by name


def commands() -> Path:
    """``Commands.properties``, the abbreviation table of the commands."""
    return suite().commands()


def cases() -> list[str]:
    """Every test package with a manifest (189); empty when the suite is not available."""
    found = find()
    return found.cases() if found else []


def test_case_names() -> list[str]:
    """Every test case with a ``.properties`` file (188); empty when the suite is not available."""
    found = find()
    return found.test_case_names() if found else []


test_case_names.__test__ = False  # type: ignore[attr-defined]


def main() -> int:
    found = find()
    if found is None:
        print(missing_reason(), file=sys.stderr)
        return 1
    print(found.root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
