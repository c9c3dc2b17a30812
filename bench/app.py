"""App figures via AppTest: the calculator's rerun after a slider move, against the Streamlit floor."""
from __future__ import annotations

from pathlib import Path

from .timing import Figure, median_time

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = Path(__file__).resolve().parent / "reference_app.py"


def _rerun_time(script: Path, moves: int) -> float:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()  # a user moving to new values: no warm cache from an earlier run
    at = AppTest.from_file(str(script), default_timeout=60).run()
    values = iter([(i * 7) % 101 for i in range(1, 10 * moves)])

    def move() -> None:
        at.slider(key="w_completion_pct").set_value(next(values)).run()

    return median_time(move, runs=moves)


def run(quick: bool = False) -> list[Figure]:
    moves = 15 if quick else 40
    floor = _rerun_time(REFERENCE, moves)
    calc = _rerun_time(ROOT / "app.py", moves)
    ratio = calc / floor
    return [
        Figure(
            "app (AppTest): calculator rerun after a completion slider move", calc, "ms", "<= 2x the floor",
            ratio <= 2, ratio=ratio, baseline=f"one slider + metric + 303-point Altair line: {floor * 1e3:.1f} ms",
            runs=moves,
        )
    ]
