"""Timing helpers: rounds of requests through a Flask test client, latencies in seconds."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Series:
    """One kind of request measured over several rounds."""

    name: str
    rates: list[float] = field(default_factory=list)  # requests per second, one per round
    latencies: list[float] = field(default_factory=list)  # seconds, every request of every round

    def add_round(self, latencies: list[float], elapsed: float) -> None:
        self.rates.append(len(latencies) / elapsed)
        self.latencies.extend(latencies)

    @property
    def median_rate(self) -> float:
        return statistics.median(self.rates)

    def percentile(self, p: float) -> float:
        return percentile(self.latencies, p)

    def summary(self) -> dict:
        return {
            "rounds": len(self.rates),
            "requests": len(self.latencies),
            "rate_per_round": [round(r, 1) for r in self.rates],
            "median_rate": round(self.median_rate, 1),
            "p50_ms": round(self.percentile(50) * 1000, 3),
            "p99_ms": round(self.percentile(99) * 1000, 3),
        }


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (no interpolation: a p99 is a latency that really happened)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


def run_round(send: Callable[[], None], n: int) -> tuple[list[float], float]:
    """Call `send` n times; the latency of each call and the wall time of the whole round."""
    latencies = []
    clock = time.perf_counter
    start = clock()
    for _ in range(n):
        t0 = clock()
        send()
        latencies.append(clock() - t0)
    return latencies, clock() - start
