"""Timing loops shared by the benchmarks."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

RESULTS = Path(__file__).resolve().parent / "results"


def rate(call: Callable[[], Any], seconds: float = 3.0, warmup: int = 20) -> float:
    """Calls per second of ``call`` made back to back for about ``seconds``."""
    for _ in range(warmup):
        call()
    count, started = 0, time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        call()
        count += 1
    return count / (time.perf_counter() - started)


def concurrent_rate(make_call: Callable[[], Callable[[], Any]], workers: int,
                    seconds: float = 3.0) -> float:
    """Total calls per second of ``workers`` threads, each with its own client."""
    calls = [make_call() for _ in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        return sum(pool.map(lambda c: rate(c, seconds, warmup=5), calls))


def save(name: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path


def table(rows: list[tuple[str, float, float]]) -> str:
    lines = ["| measurement | per second | ratio to baseline |", "|---|---:|---:|"]
    lines += [f"| {name} | {value:,.0f} | {ratio:.2f} |" for name, value, ratio in rows]
    return "\n".join(lines)
