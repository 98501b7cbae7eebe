"""Export the runtime rule tables as JSON for the browser runtime (``window.API`` /
``window.API_1484_11``), so the player and the server apply one rule set (BRIEF "One rule set").

    python -m chalicelib.standards.export > frontend/public/runtime-rules.json
    python -m chalicelib.standards.export --out frontend/public/runtime-rules.json

The document holds, per standard, the data types (JavaScript-compatible regular expressions,
maximum lengths, whether element ranges apply), the element table (access, type, vocabulary,
range, default, dependency, keyword values), the error codes and messages, and for SCORM 2004 the
interaction rules (pattern counts, unique patterns, allowed delimiters) and the language code
lists. ``rules_from_json`` reads it back (tests check that the round trip is lossless).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib.standards.common.datatypes import TYPES_12, TYPES_2004, DataType
from chalicelib.standards.common.elements import Access, Element
from chalicelib.standards.common.languages import ISO_639_1, ISO_639_2, ISO_3166_1, WITHDRAWN
from chalicelib.standards.scorm12 import datamodel as dm12
from chalicelib.standards.scorm12 import errors as errors12
from chalicelib.standards.scorm2004 import datamodel as dm2004
from chalicelib.standards.scorm2004 import errors as errors2004
from chalicelib.standards.scorm2004.interactions import RULES

if TYPE_CHECKING:
    from chalicelib.standards.common.errors import ErrorCode

FORMAT_VERSION = 1
_DELIMITERS = {
    "fill-in": ["case_matters", "order_matters", "lang"],
    "long-fill-in": ["case_matters", "lang"],
    "performance": ["order_matters"],
}


def _types(types: dict[str, DataType]) -> dict[str, Any]:
    return {
        name: {"pattern": t.pattern, "maxLength": t.max_length, "numeric": t.numeric, "note": t.note}
        for name, t in types.items()
    }


def _errors(errors: dict[int, ErrorCode]) -> dict[str, Any]:
    return {str(c.code): {"message": c.message, "diagnostic": c.diagnostic} for c in errors.values()}


def export_rules() -> dict[str, Any]:
    """Everything the browser runtime needs, as plain JSON data."""
    return {
        "formatVersion": FORMAT_VERSION,
        "scorm12": {
            "version": dm12.VERSION,
            "types": _types(TYPES_12),
            "elements": {p: e.as_json() for p, e in dm12.ELEMENTS.items()},
            "blankAllowed": list(dm12.BLANK_ALLOWED),
            "errors": _errors(errors12.ERRORS),
        },
        "scorm2004": {
            "version": dm2004.VERSION,
            "types": _types(TYPES_2004),
            "elements": {p: e.as_json() for p, e in dm2004.ELEMENTS.items()},
            "navRequests": list(dm2004.NAV_REQUESTS),
            "uniqueIds": list(dm2004.UNIQUE_IDS),
            "writeOnce": list(dm2004.WRITE_ONCE),
            "fixedArrays": list(dm2004.FIXED_ARRAYS),
            "emptyIsUnset": list(dm2004.EMPTY_IS_UNSET),
            "interactions": {
                name: {
                    "maxPatterns": rule.max_patterns,
                    "uniquePatterns": rule.unique_patterns,
                    "delimiters": _DELIMITERS.get(name, []),
                }
                for name, rule in RULES.items()
            },
            "languages": {
                "iso639_1": sorted(ISO_639_1),
                "iso639_2": sorted(ISO_639_2),
                "iso3166_1": sorted(ISO_3166_1),
                "withdrawn": sorted(WITHDRAWN),
            },
            "errors": _errors(errors2004.ERRORS),
        },
    }


def element_from_json(data: dict[str, Any]) -> Element:
    """The inverse of ``Element.as_json``."""
    fields = dict(data)
    fields["access"] = Access(fields["access"])
    fields["vocabulary"] = tuple(fields.get("vocabulary", ()))
    return Element(**fields)


def rules_from_json(document: dict[str, Any]) -> dict[str, dict[str, Element]]:
    """The element tables of an exported document, by standard."""
    return {
        standard: {p: element_from_json(e) for p, e in document[standard]["elements"].items()}
        for standard in ("scorm12", "scorm2004")
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write here instead of standard output")
    args = parser.parse_args(argv)
    text = json.dumps(export_rules(), indent=1, sort_keys=True) + "\n"
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
