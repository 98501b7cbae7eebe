"""Load benchmark (issue 11): the local stack driven over HTTP by many simulated users at once.

``python -m bench.load [scenario] [options]`` or ``make bench-load [LOAD="scenario options"]``:

* ``learners`` (default): ``--learners`` (200) learners each create a registration, launch it and
  commit every ``--interval`` (10) seconds for ``--duration`` (300) seconds, then complete the
  course; every acknowledged commit is then checked through the API (``bench/load_learners.py``);
* ``lrs``: ``--clients`` (10) LRS clients posting ``--batch`` (100)-statement batches and querying
  with filtered GETs for ``--duration`` (60) seconds; acknowledged statements checked afterwards;
* ``lrs-soak``: batches posted back to back for ``--duration`` (600) seconds: every one accepted?
  resident memory flat?
* ``lrs-ratio``: filtered GET latency with ``--small`` (1,000) and ``--large`` (100,000) statements
  stored; target ratio ≤ 1.5 per filter (``bench/load_lrs.py``);
* ``content``: the 200 MB / 5,000-file SCORM package imported ``--copies`` (10) times through the
  presigned upload against ``unzip -q`` of it (target ≤ 3x), a ping every 50 ms meanwhile, then a
  stop (SIGTERM) and a restart on the same data that must still serve the courses
  (``bench/load_content.py``).

The stack is a fresh ``python -m nimbus_local`` (as ``make run`` starts it) on a temporary
``NIMBUS_HOME`` with free ports, stopped afterwards — or, when ``NIMBUS_URL`` and ``NIMBUS_HOME``
are set, the stack already running there (its memory is sampled from ``NIMBUS_PID``, else from the
process listening on its port). Only 127.0.0.1 is ever contacted. Each scenario prints its tables,
saves ``bench/results/load_<scenario>.json`` and prints a one-line headline last.

Small smoke runs: ``learners --learners 5 --interval 2 --duration 20``, ``lrs --clients 2
--duration 15 --batch 20``, ``lrs-soak --duration 20``, ``lrs-ratio --small 200 --large 1000``,
``content --copies 2``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from typing import Any

from bench.load_client import target
from bench.measure import save

SCENARIOS = ("learners", "lrs", "lrs-soak", "lrs-ratio", "content")


def _positive(kind: type[Any]) -> Any:
    def parse(text: str) -> Any:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text} is not above zero")
        return value

    return parse


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    scenarios = top.add_subparsers(dest="scenario", metavar="{" + ",".join(SCENARIOS) + "}")
    integer, number = _positive(int), _positive(float)

    def options(rss_every: float) -> argparse.ArgumentParser:
        found = argparse.ArgumentParser(add_help=False)
        found.add_argument("--timeout", type=number, default=60.0, help="seconds per request (60)")
        found.add_argument("--rss-every", type=number, default=rss_every,
                           help=f"seconds between samples of the stack's resident memory ({rss_every:g})")
        return found

    common = options(5.0)

    learners = scenarios.add_parser("learners", parents=[common], help="learners launching and committing")
    learners.add_argument("--learners", type=integer, default=200, help="simulated learners (200)")
    learners.add_argument("--interval", type=number, default=10.0, help="seconds between one learner's commits (10)")
    learners.add_argument("--duration", type=number, default=300.0, help="seconds of commits (300)")
    learners.add_argument("--scorm2004", action="store_true",
                          help="every second learner on a SCORM 2004 course (default: all on SCORM 1.2)")
    learners.add_argument("--suspend-bytes", type=integer, default=2000,
                          help="characters of cmi.suspend_data per commit (2000)")

    for name, clients, duration, text in (("lrs", 10, 60.0, "LRS clients posting and querying"),
                                          ("lrs-soak", 1, 600.0, "batches posted back to back")):
        lrs = scenarios.add_parser(name, parents=[common], help=text)
        lrs.add_argument("--clients", type=integer, default=clients, help=f"concurrent LRS clients ({clients})")
        lrs.add_argument("--duration", type=number, default=duration, help=f"seconds ({duration:g})")
        lrs.add_argument("--batch", type=integer, default=100, help="statements per POST (100)")
        lrs.add_argument("--verify", type=integer, default=1000,
                         help="acknowledged statement ids to read back, picked at random (1000)")

    ratio = scenarios.add_parser("lrs-ratio", parents=[common], help="filtered GET latency, small vs large store")
    ratio.add_argument("--small", type=integer, default=1000, help="statements stored for the first measure (1000)")
    ratio.add_argument("--large", type=integer, default=100_000, help="statements stored for the second (100000)")
    ratio.add_argument("--repeat", type=integer, default=30, help="GETs per filter and size; the median counts (30)")
    ratio.add_argument("--batch", type=integer, default=100, help="statements per POST while loading (100)")
    ratio.add_argument("--fill-clients", type=integer, default=4, help="concurrent clients loading (4)")

    content = scenarios.add_parser("content", parents=[options(2.0)],
                                   help="200 MB course imports, then a stop and a restart")
    content.add_argument("--copies", type=integer, default=10, help="imports of the 200 MB package (10)")
    return top


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["learners", *argv]
    args = parser().parse_args(argv)
    if args.scenario == "lrs-ratio" and args.large <= args.small:
        raise SystemExit("--large must be above --small")
    logging.getLogger("urllib3").setLevel(logging.ERROR)
    started = time.perf_counter()
    with target() as stack:
        if args.scenario == "learners":
            from bench import load_learners

            result, headline = load_learners.run(stack, args)
        elif args.scenario == "content":
            from bench import load_content

            result, headline = load_content.run(stack, args)
        elif args.scenario == "lrs-ratio":
            from bench import load_lrs

            result, headline = load_lrs.run_ratio(stack, args)
        else:
            from bench import load_lrs

            result, headline = load_lrs.run_load(stack, args, soak=args.scenario == "lrs-soak")
        died = stack.alive() or result.pop("stack_died", "")
    result.update(scenario=args.scenario, stack=stack.base_url, total_seconds=round(time.perf_counter() - started, 1))
    if died:
        result["stack_died"] = died
        print(died)
        headline += ", THE STACK DIED"
    path = save(f"load_{args.scenario.replace('-', '_')}", result)
    print(f"raw: {path}")
    print(headline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
