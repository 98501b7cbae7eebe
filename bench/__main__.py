"""``python -m bench [name ...]``: run the named benchmarks (default: all)."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("api_base", "course_import", "lrs", "commit", "sequencing", "cmi5", "reportage")


def main(argv: list[str]) -> int:
    for name in argv or BENCHMARKS:
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
