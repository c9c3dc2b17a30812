"""Engine figures: one quote, the curves, the grid, and batch against a plain pandas read + write."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from policy import Scenario, parse_scenario, quote
from policy.curves import compare_completion, grid
from policy.versions import Basis, shipped_catalog

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
    return figures
