"""Browser figures in headless Chromium: first load to the Refund visible, and a key press on the
completion slider to the Refund changing; each against the reference app served the same way.
Cold start: `streamlit run` to a healthy server."""
from __future__ import annotations

import statistics
import time
from pathlib import Path

from .serve import CHROMIUM_ARGS, INSTALL_HINT, ROOT, chromium_path, streamlit_server
from .timing import Figure

REFERENCE = Path(__file__).resolve().parent / "reference_app.py"
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
METRIC = '[data-testid="stMetricValue"]'  # the first metric: "Refund" on both pages
# ITMedia's prorated ceiling changes at every whole percent, so every key press must change the Refund
SCENARIO = "/?provider=itmedia&service=website&days_since_payment=10"


def _measure(context, base: str, loads: int, presses: int) -> tuple[float, float]:
    """(median first load to Refund visible, median key press to Refund changed), in seconds."""
    load_times, press_times = [], []
    for _ in range(loads):
        page = context.new_page()
        start = time.perf_counter()
        page.goto(base + SCENARIO)
        page.wait_for_selector(METRIC, state="visible", timeout=60_000)
        load_times.append(time.perf_counter() - start)
        page.close()
    page = context.new_page()
    page.goto(base + SCENARIO)
    page.wait_for_selector(READY, timeout=60_000)
    page.wait_for_selector(METRIC)
    thumb = page.get_by_test_id("stSlider").filter(has_text="Project completion (%)").get_by_role("slider")
    thumb.focus()
    for i in range(presses):
        before = page.inner_text(METRIC)
        start = time.perf_counter()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "([sel, old]) => { const e = document.querySelector(sel); return e && e.innerText !== old; }",
            arg=[METRIC, before], timeout=30_000, polling="raf",
        )
        press_times.append(time.perf_counter() - start)
        page.wait_for_selector(READY, timeout=30_000)
    page.close()
    return statistics.median(load_times), statistics.median(press_times)


def run(quick: bool = False) -> list[Figure]:
    chromium = chromium_path()
    if chromium is None:
        print(f"bench: browser figures skipped, no Chromium: {INSTALL_HINT}")
        return []
    from playwright.sync_api import sync_playwright

    loads, presses = (3, 8) if quick else (7, 25)
    colds = []
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        for name, script in (("reference", REFERENCE), ("calculator", ROOT / "app.py")):
            with streamlit_server(script) as (base, started):
                colds.append((name, started))
                results[name] = _measure(context, base, loads, presses)
        context.close()
        browser.close()
    for _ in range(2 if quick else 4):  # more cold starts of the app itself
        with streamlit_server() as (_, started):
            colds.append(("calculator", started))

    (ref_load, ref_press), (load, press) = results["reference"], results["calculator"]
    cold = statistics.median([t for n, t in colds if n == "calculator"])
    return [
        Figure("browser: first load of the calculator to the Refund visible", load, "ms", "<= 1.5x the reference",
               load / ref_load <= 1.5, ratio=load / ref_load, baseline=f"reference app: {ref_load * 1e3:.0f} ms",
               runs=loads),
        Figure("browser: key press on the completion slider to the Refund changing", press, "ms",
               "<= 1.5x the reference", press / ref_press <= 1.5, ratio=press / ref_press,
               baseline=f"reference app: {ref_press * 1e3:.0f} ms", runs=presses),
        Figure("cold start: `streamlit run app.py` to a healthy server", cold, "s", "measured", None,
               runs=len([1 for n, _ in colds if n == "calculator"])),
    ]
