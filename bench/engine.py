"""Engine figures: one quote, the curves, the grid, and batch against a plain pandas read + write."""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd

from policy import Scenario, parse_scenario, quote
from policy.curves import compare_completion, grid
from policy.versions import Basis, shipped_catalog

from .data import write_rows
from .timing import Figure, median_time

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct=30, days_since_payment=5)


def run(quick: bool = False) -> list[Figure]:
    basis = Basis(shipped_catalog(), date.today())
    s = parse_scenario(SCENARIO, basis)
    figures = []
    inner = 200 if quick else 1000
    # Same-run baseline: validating the scenario (one pydantic call) says how fast this host is right now.
    validate = median_time(lambda: Scenario.model_validate(SCENARIO), runs=15, inner=inner)
    t = median_time(lambda: quote(s, basis), runs=15, inner=inner)
    figures.append(Figure(
        "engine: one quote (Social Beat website, 30%, day 5)", t, "us", "< 100 us", t < 100e-6,
        ratio=t / validate, baseline=f"validating the scenario: {validate * 1e6:.1f} us", runs=15,
    ))
    t = median_time(lambda: compare_completion(s, basis), runs=15 if quick else 40)
    figures.append(Figure("engine: 101-point completion curve, 3 providers", t, "ms", "< 10 ms", t < 10e-3, runs=40))
    t = median_time(lambda: grid(s, basis), runs=7 if quick else 20)
    figures.append(Figure("engine: 101 x 61 grid, 3 providers", t, "ms", "< 100 ms", t < 100e-3, runs=20))
    figures.append(_batch(rows=20_000 if quick else 100_000, runs=1 if quick else 3))
    return figures


def _batch(rows: int, runs: int) -> Figure:
    with tempfile.TemporaryDirectory() as tmp:
        src = write_rows(Path(tmp) / "in.csv", rows)
        batch_times, pandas_times = [], []
        for _ in range(runs):
            start = time.perf_counter()
            df = pd.read_csv(src, dtype=str, keep_default_na=False)
            df.to_csv(Path(tmp) / "pandas.csv", index=False)
            pandas_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "policy", "batch", str(src), "-o", str(Path(tmp) / "out.csv")],
                cwd=ROOT, check=True, capture_output=True,
            )
            batch_times.append(time.perf_counter() - start)
    batch, baseline = sorted(batch_times)[len(batch_times) // 2], sorted(pandas_times)[len(pandas_times) // 2]
    ratio = batch / baseline
    return Figure(
        f"engine: `python -m policy batch`, {rows:,} rows, end to end", batch, "s",
        "< 5 s and <= 10x pandas", batch < 5 * rows / 100_000 and ratio <= 10, ratio=ratio,
        baseline=f"pandas read_csv + to_csv of the same file: {baseline:.2f} s", runs=runs,
    )
