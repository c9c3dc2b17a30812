"""The register and the batch page at scale: the list at 100,000 saved quotes (SQLite, and PostgreSQL where it is
installed), and a 100,000-row batch in the browser against `python -m policy batch` on the same file."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from policy import parse_scenario, quote
from policy.cli import ROWS_REFUSED
from policy.taxonomy import SERVICES
from policy.versions import Basis, shipped_catalog
from store import Filters, QuoteStore
from store.access import Actor
from store.register import _document, _row
from store.tables import SavedQuoteDocument, SavedQuoteRow

from .data import write_rows
from .serve import CHROMIUM_ARGS, ROOT, chromium_path, streamlit_server
from .timing import Figure, median_time

BENCH = Actor.local_user("bench")

SAVED = 100_000
BASIS = Basis(shipped_catalog(), datetime.now(UTC).date())


def _fill(store: QuoteStore, rows: int) -> None:
    """`rows` saved quotes over 300 distinct scenarios, each with its own client, reference and day."""
    quotes = [quote(parse_scenario(dict(provider=p, service=s, amount_paid=str(500 + 37 * i), completion_pct=i % 101,
                                        days_since_payment=i % 40), BASIS), BASIS)
              for i, (p, s) in enumerate((p, s) for p in ("socialbeat", "itmedia", "stepinto") for s in SERVICES
                                         for _ in range(13))]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with Session(store.engine) as session, session.begin():
        for first in range(0, rows, 5000):
            numbers = range(first, min(first + 5000, rows))
            ids = session.scalars(insert(SavedQuoteRow).returning(SavedQuoteRow.id, sort_by_parameter_order=True), [
                _row(quotes[i % len(quotes)], f"Client {i}", f"REF-{i:06}", f"note {i % 97}", BENCH,
                     start + timedelta(minutes=5 * i), (start + timedelta(minutes=5 * i)).date()) for i in numbers]).all()
            session.execute(insert(SavedQuoteDocument), [_document(quotes[i % len(quotes)], qid)
                                                         for i, qid in zip(numbers, ids, strict=True)])


def _list_figures(label: str, url: str, rows: int, runs: int) -> list[Figure]:
    store = QuoteStore.open(url)
    _fill(store, rows)
    baseline = median_time(lambda: store.get(rows // 2, by=BENCH), runs)
    cases = {
        "first page, newest first": lambda: store.find(by=BENCH),
        "page 1,000": lambda: store.find(page=1000, by=BENCH),
        "free text 'ref-04242'": lambda: store.find(Filters(text="ref-04242"), by=BENCH),
        "provider and service": lambda: store.find(Filters(provider="stepinto", service="ppc"), sort="refund_high", by=BENCH),
    }
    out = []
    for name, fn in cases.items():
        t = median_time(fn, runs)
        out.append(Figure(f"register ({label}, {rows:,} saved): list, {name}", t, "ms", "< 250 ms", t < 0.25,
                          ratio=t / baseline, baseline=f"opening one saved quote: {baseline * 1e3:.1f} ms", runs=runs))
    store.engine.dispose()
    return out


def _browser_batch(rows: int) -> list[Figure]:
    """Upload, quote and show the results in the browser, against the command line on the same file."""
    chromium = chromium_path()
    if chromium is None:
        return []
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        src = write_rows(Path(tmp) / "cases.csv", rows)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "policy", "batch", str(src), "-o", str(Path(tmp) / "out.csv")],
                              cwd=ROOT, capture_output=True)
        if done.returncode not in (0, ROWS_REFUSED):  # the benchmark's file has bad rows on purpose
            raise RuntimeError(f"the batch command failed: {done.stderr.decode()[-500:]}")
        cli = time.perf_counter() - start
        os.environ.setdefault("REFUND_DATA_DIR", tmp)
        with streamlit_server() as (base, _), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page()
            page.goto(f"{base}/Batch_quotes")
            page.wait_for_selector('[data-testid="stFileUploaderDropzoneInput"]', state="attached", timeout=60_000)
            start = time.perf_counter()
            page.set_input_files('[data-testid="stFileUploaderDropzoneInput"]', str(src))
            page.get_by_role("button", name="Quote every row").click(timeout=120_000)
            page.get_by_text("Results for cases.csv").wait_for(timeout=600_000)
            page.get_by_role("button", name="Results (CSV)").wait_for(timeout=60_000)
            in_browser = time.perf_counter() - start
            browser.close()
    return [Figure(f"batch page: {rows:,} rows, upload to results shown (browser)", in_browser, "s",
                   "completes; measured against the command line", True, ratio=in_browser / cli,
                   baseline=f"`python -m policy batch` on the same file: {cli:.1f} s", runs=1)]


def run(quick: bool = False) -> list[Figure]:
    rows, runs = (10_000, 5) if quick else (SAVED, 9)
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        figures += _list_figures("SQLite", f"sqlite:///{tmp}/quotes.sqlite", rows, runs)
    from deploy import postgres

    if postgres.binaries() is not None:
        server = postgres.start()
        try:
            figures += _list_figures("PostgreSQL", server.url, rows, runs)
        finally:
            server.remove()
    figures += _browser_batch(rows)
    print("\n".join(f"{f.name}: {f.median_text()}" for f in figures), file=sys.stderr)
    return figures

