"""Batch figures (issue 22), each against a baseline of the same run:

- 100,000 rows by `python -m policy batch` against pandas reading and writing the same file;
- 1,000,000 rows: the time, and the peak memory of the command and its workers together (streamed, not held);
- the same 100,000-row file uploaded on the batch page in Chromium against the command line;
- a second session's key press on the calculator, on the same server, while the page's batch runs, against its
  key press before."""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from load.presses import KeyPresses
from policy.cli import ROWS_REFUSED

from .data import write_rows
from .serve import CHROMIUM_ARGS, chromium_path, streamlit_server
from .timing import Figure

ROOT = Path(__file__).resolve().parent.parent
PAUSE_S = 0.5  # between the second person's key presses
PANDAS = "import pandas as pd, sys; pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False).to_csv(sys.argv[2], index=False)"


def _watched(command: list[str]) -> tuple[float, int]:
    """Seconds a command takes, and the most memory it and its descendants held at once (sampled every 20 ms)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watched, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, ROWS_REFUSED):  # the benchmark's file has bad rows on purpose
        raise RuntimeError(f"{' '.join(command)} failed: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")
    return elapsed, peak


def _batch(src: Path, out: Path) -> tuple[float, int]:
    return _watched([sys.executable, "-m", "policy", "batch", str(src), "-o", str(out), "--shipped"])


def _pandas(src: Path, out: Path) -> float:
    return _watched([sys.executable, "-c", PANDAS, str(src), str(out)])[0]


def _median(values: list[float]) -> float:
    return statistics.median(values)


def against_pandas(tmp: Path, rows: int, runs: int) -> Figure:
    src = write_rows(tmp / "in.csv", rows)
    batch_times, pandas_times = [], []
    for _ in range(runs):  # in alternation: a slow spell of the host falls on both
        pandas_times.append(_pandas(src, tmp / "pandas.csv"))
        batch_times.append(_batch(src, tmp / "out.csv")[0])
    batch, baseline = _median(batch_times), _median(pandas_times)
    return Figure(f"batch: `python -m policy batch`, {rows:,} rows", batch, "s", "<= 2x pandas", batch / baseline <= 2,
                  ratio=batch / baseline, baseline=f"pandas read_csv + to_csv of the same file: {baseline:.2f} s",
                  runs=runs)


def a_million(tmp: Path, rows: int) -> list[Figure]:
    src = write_rows(tmp / "million.csv", rows)
    seconds, peak = _batch(src, tmp / "million-out.csv")
    with (tmp / "million-out.csv").open(encoding="utf-8-sig") as f:
        written = sum(1 for _ in f) - 1
    size = src.stat().st_size
    return [
        Figure(f"batch: {rows:,} rows, every row written ({written:,})", seconds, "s", "all rows, streamed",
               written == rows, runs=1),
        Figure(f"batch: {rows:,} rows, peak memory of the command and its workers", peak, "MB",
               "< 600 MB, whatever the file's size", peak < 600e6, ratio=peak / size,
               baseline=f"the file: {size / 1e6:.0f} MB", runs=1),
    ]


def in_the_browser(tmp: Path, rows: int) -> list[Figure]:
    """The page's batch of the same file as the command line's, and a second session's key press meanwhile."""
    from playwright.sync_api import expect, sync_playwright

    chromium = chromium_path()
    if chromium is None:
        return []
    src = write_rows(tmp / "upload.csv", rows)
    cli = _batch(src, tmp / "cli-out.csv")[0]
    with streamlit_server(env={"REFUND_DATA_DIR": str(tmp / "data")}) as (base, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        page.goto(f"{base}/Batch_quotes")
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
        page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(str(src))
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
        other = KeyPresses(base, pause=PAUSE_S)
        usual = _median([other.press(n) for n in range(7)])
        other.seconds.clear()
        other.start()
        start = time.perf_counter()
        page.get_by_role("button", name="Quote every row").click()
        expect(page.get_by_text(f"Results for {src.name}")).to_be_visible(timeout=600_000)
        upload = time.perf_counter() - start
        other.close()
        browser.close()
    during = other.seconds or [float("nan")]
    return [
        Figure(f"batch page: {rows:,}-row upload in Chromium, click to results", upload, "s",
               "<= 1.5x the command line", upload / cli <= 1.5, ratio=upload / cli,
               baseline=f"python -m policy batch of the same file: {cli:.2f} s", runs=1),
        Figure(f"batch page: a second session's key press during that batch (worst of {len(during)})", max(during),
               "s", "< 1 s", max(during) < 1, ratio=max(during) / usual,
               baseline=f"its key press before the batch: {usual * 1000:.0f} ms (median during: "
                        f"{_median(during) * 1000:.0f} ms)", runs=len(during)),
    ]


def run(quick: bool = False) -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        figures = [against_pandas(tmp, 20_000 if quick else 100_000, 1 if quick else 3)]
        figures += a_million(tmp, 100_000 if quick else 1_000_000)
        figures += in_the_browser(tmp, 20_000 if quick else 100_000)
    return figures
