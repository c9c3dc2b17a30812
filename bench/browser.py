"""Browser figures in headless Chromium: first load to the Refund visible, and a key press on the
completion slider to the Refund changing; each against the reference app served the same way.
Cold start: `streamlit run` to a healthy server.

The reference and the calculator are served side by side and measured in alternation (reference,
calculator, reference, ...), so a slow spell of this noisy host falls on both alike."""
from __future__ import annotations

import statistics
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from .serve import CHROMIUM_ARGS, INSTALL_HINT, ROOT, chromium_path, streamlit_server
from .timing import Figure

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

REFERENCE = Path(__file__).resolve().parent / "reference_app.py"
VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
METRIC = '[data-testid="stMetricValue"]'  # the first metric: "Refund" on both pages
# ITMedia's prorated ceiling changes at every whole percent, so every key press must change the Refund
SCENARIO = "/?provider=itmedia&service=website&days_since_payment=10"
# In the page's own clock: from the keydown event to the first frame that paints the changed Refund
WATCH = """(sel) => ({done: new Promise(resolve => {
  const metric = document.querySelector(sel), old = metric.innerText;
  let pressed = null;
  document.addEventListener('keydown', ev => { pressed = ev.timeStamp; }, {capture: true, once: true});
  const watcher = new MutationObserver(() => {
    if (metric.innerText === old) return;
    watcher.disconnect();
    requestAnimationFrame(() => resolve(performance.now() - pressed));
  });
  watcher.observe(metric, {subtree: true, childList: true, characterData: true});
})})"""


def first_load(context, base: str) -> float:
    """Seconds from navigation to the Refund visible, in a fresh tab."""
    page = context.new_page()
    start = time.perf_counter()
    page.goto(base + SCENARIO)
    page.wait_for_selector(METRIC, state="visible", timeout=60_000)
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def switch_to_compare(context, base: str) -> float:
    """Seconds from a click on 'Compare providers' (the calculator loaded) to the compare table visible."""
    page = context.new_page()
    page.goto(base + SCENARIO)
    page.wait_for_selector(READY, timeout=60_000)
    page.wait_for_selector(METRIC)
    start = time.perf_counter()
    page.get_by_test_id("stButtonGroup").get_by_text("Compare providers", exact=True).click()
    page.wait_for_selector('[data-testid="stTable"]', state="visible", timeout=60_000)
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def open_slider(context, base: str):
    page = context.new_page()
    page.goto(base + SCENARIO)
    page.wait_for_selector(READY, timeout=60_000)
    page.wait_for_selector(METRIC)
    page.get_by_test_id("stSlider").filter(has_text="Project completion (%)").get_by_role("slider").focus()
    return page


def key_press(page) -> tuple[float, float]:
    """Seconds from pressing ArrowRight to the changed Refund: (painted, in the page's clock; seen by the
    driver, which adds Playwright's round trips to the browser)."""
    watch = page.evaluate_handle(WATCH, METRIC)
    start = time.perf_counter()
    page.keyboard.press("ArrowRight")
    painted_ms = page.evaluate("w => w.done", watch)
    seen = time.perf_counter() - start
    page.wait_for_selector(READY, timeout=30_000)
    page.wait_for_timeout(250)  # let the rest of the rerun settle before the next press
    return painted_ms / 1e3, seen


def presses_in_alternation(browser, bases: dict, presses: int) -> dict:
    """name -> [(painted, seen), ...]: each app in its own context (a window of its own: tabs sharing a window
    would be hidden, and a hidden tab's frames are throttled), presses alternating between the apps."""
    pages = {name: open_slider(browser.new_context(viewport=VIEWPORT), base) for name, base in bases.items()}
    times: dict = {name: [] for name in bases}
    for _ in range(presses):
        for name, page in pages.items():
            times[name].append(key_press(page))
    return times


def paired_ratio(times: list[float], baseline: list[float]) -> float:
    """The median of press-by-press ratios: each pair was measured back to back, in the same spell of the host."""
    return statistics.median(t / b for t, b in zip(times, baseline))


def run(quick: bool = False) -> list[Figure]:
    chromium = chromium_path()
    if chromium is None:
        print(f"bench: browser figures skipped, no Chromium: {INSTALL_HINT}")
        return []
    from playwright.sync_api import sync_playwright

    # 90 presses: with 30, the ratio of one run to the next swung from 1.33x to 1.69x on this host
    loads, presses = (3, 8) if quick else (9, 90)
    apps = {"reference": REFERENCE, "calculator": ROOT / "app.py"}
    times: dict[str, dict[str, list[float]]] = {name: {"load": []} for name in apps}
    colds = []
    with sync_playwright() as p, ExitStack() as servers:
        bases = {}
        for name, script in apps.items():
            bases[name], started = servers.enter_context(streamlit_server(script))
            colds.append((name, started))
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        contexts = {name: browser.new_context(viewport=VIEWPORT) for name in apps}  # a window each, as below
        for name in apps:  # one load each first: compiles, caches and lazy chunks are then warm for both
            first_load(contexts[name], bases[name])
        switches = []
        for _ in range(loads):
            for name in apps:
                times[name]["load"].append(first_load(contexts[name], bases[name]))
            switches.append(switch_to_compare(contexts["calculator"], bases["calculator"]))
        for name, pairs in presses_in_alternation(browser, bases, presses).items():
            times[name]["press"] = [painted for painted, _ in pairs]
            times[name]["seen"] = [seen for _, seen in pairs]
        browser.close()
    for _ in range(2 if quick else 4):  # more cold starts of the app itself
        with streamlit_server() as (_, started):
            colds.append(("calculator", started))

    def median(name: str, kind: str) -> float:
        return statistics.median(times[name][kind])

    ref_load, load = median("reference", "load"), median("calculator", "load")
    ref_press, press = median("reference", "press"), median("calculator", "press")
    paired = paired_ratio(times["calculator"]["press"], times["reference"]["press"])
    ref_seen, seen = median("reference", "seen"), median("calculator", "seen")
    cold = statistics.median([t for n, t in colds if n == "calculator"])
    switch = statistics.median(switches)
    return [
        Figure("browser: first load of the calculator to the Refund visible", load, "ms", "<= 1.5x the reference",
               load / ref_load <= 1.5, ratio=load / ref_load, baseline=f"reference app: {ref_load * 1e3:.0f} ms",
               runs=loads),
        Figure("browser: key press on the completion slider to the changed Refund painted (page clock)", press, "ms",
               "<= 1.5x the reference", press / ref_press <= 1.5, ratio=press / ref_press,
               baseline=f"reference app: {ref_press * 1e3:.0f} ms (median of the paired ratios: {paired:.2f}x)",
               runs=presses),
        Figure("browser: the same, as the test driver sees it (adds Playwright's round trips)", seen, "ms",
               "measured", None, ratio=seen / ref_seen, baseline=f"reference app: {ref_seen * 1e3:.0f} ms",
               runs=presses),
        Figure("browser: page switch, calculator to the compare table visible", switch, "ms", "measured", None,
               ratio=switch / ref_load, baseline=f"reference app's first load: {ref_load * 1e3:.0f} ms", runs=loads),
        Figure("cold start: `streamlit run app.py` to a healthy server", cold, "s", "measured", None,
               runs=len([1 for n, _ in colds if n == "calculator"])),
    ]
