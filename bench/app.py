"""App figures via AppTest: the calculator's rerun after a slider move, against the Streamlit floor.

Both scripts are driven in alternation in one process (floor, calculator, floor, ...), after a full
collection, so neither inherits the other's garbage or a slow spell of the host."""
from __future__ import annotations

import gc
import statistics
import time
from pathlib import Path

from .timing import Figure

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = Path(__file__).resolve().parent / "reference_app.py"


def run(quick: bool = False) -> list[Figure]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    moves = 15 if quick else 40
    st.cache_data.clear()  # a user moving to new values: no warm cache from an earlier run
    gc.collect()
    tests = {name: AppTest.from_file(str(script), default_timeout=60).run()
             for name, script in (("floor", REFERENCE), ("calculator", ROOT / "app.py"))}
    times: dict[str, list[float]] = {name: [] for name in tests}
    for i in range(1, moves + 1):
        for name, at in tests.items():
            slider = at.slider(key="w_completion_pct").set_value((i * 7) % 101)
            start = time.perf_counter()
            slider.run()
            times[name].append(time.perf_counter() - start)
    floor, calc = statistics.median(times["floor"]), statistics.median(times["calculator"])
    ratio = calc / floor
    return [
        Figure(
            "app (AppTest): calculator rerun after a completion slider move", calc, "ms", "<= 2x the floor",
            ratio <= 2, ratio=ratio, baseline=f"one slider + metric + 303-point Altair line: {floor * 1e3:.1f} ms",
            runs=moves,
        )
    ]
