"""python -m bench.ab SCRIPT [SCRIPT ...]: key presses on several Streamlit scripts in alternation.

For trying a change to the page: each script (the first is the baseline, e.g. bench/reference_app.py) runs
in its own server and browser window; presses alternate between them, timed in the page's clock as in the
benchmark, and each is reported as a median and as the median of its ratios to the baseline's neighbouring
press. Every script needs a "Project completion (%)" slider that changes the first metric at each step."""
from __future__ import annotations

import argparse
import statistics
import sys
from contextlib import ExitStack
from pathlib import Path

from .browser import paired_ratio, presses_in_alternation
from .serve import CHROMIUM_ARGS, INSTALL_HINT, chromium_path, streamlit_server


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__)
    parser.add_argument("scripts", nargs="+", type=Path, help="Streamlit scripts; the first is the baseline")
    parser.add_argument("--presses", type=int, default=30, help="presses per script (default 30)")
    args = parser.parse_args()
    chromium = chromium_path()
    if chromium is None:
        print(f"bench.ab: no Chromium: {INSTALL_HINT}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, ExitStack() as servers:
        bases = {script: servers.enter_context(streamlit_server(script.resolve()))[0] for script in args.scripts}
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        pairs = presses_in_alternation(browser, bases, args.presses)
        browser.close()
    painted = {script: [t for t, _ in times] for script, times in pairs.items()}
    baseline = painted[args.scripts[0]]
    for script, times in painted.items():
        print(f"{script!s:50s} median {statistics.median(times) * 1e3:6.1f} ms   "
              f"paired ratio to the baseline {paired_ratio(times, baseline):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
