"""Medians of repeated runs; ratios against a baseline measured in the same run."""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Optional


@dataclass
class Figure:
    name: str
    median_s: float
    unit: str  # how to print the median: "us", "ms" or "s"
    target: str
    met: Optional[bool]
    ratio: Optional[float] = None
    baseline: Optional[str] = None
    runs: int = 0

    def median_text(self) -> str:
        scale = {"us": 1e6, "ms": 1e3, "s": 1.0, "MB": 1e-6}[self.unit]  # MB: median_s holds bytes
        return f"{self.median_s * scale:.1f} {self.unit}"


def median_time(fn: Callable[[], object], runs: int, inner: int = 1) -> float:
    """Median seconds per call of fn over `runs` samples, each timing `inner` calls."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - start) / inner)
    return statistics.median(samples)
