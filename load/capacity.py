"""python -m load.capacity: what one and two replicas sustain, without a browser per user.

1. Server CPU per key press: one session moves the completion slider 80 times, one press after the other; the
   server process's CPU time (from /proc) divided by the presses. On the calculator, on the compare page, and on
   the one-slider reference app, served the same way.
2. Capacity: Locust (load/locustfile.py) with more and more users, 20 s a step, against one replica and then
   through HAProxy against two (deploy/cluster.py); the most key presses a second with p95 under 250 ms.
Loopback only, bounded in time. Prints the figures and writes docs/capacity.md."""
from __future__ import annotations

import csv
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.serve import PIDS, ROOT, cpu_seconds, streamlit_server
from load.client import Session
from load.locustfile import CALCULATOR, SLIDER

REFERENCE = ROOT / "bench" / "reference_app.py"
DOC = ROOT / "docs" / "capacity.md"
STEPS = (4, 8, 16, 32)
P95_MS = 250


def cpu_per_press(base: str, page: str = "", presses: int = 80) -> float:
    session = Session(base)
    session.run(CALCULATOR, page_name=page)
    for v in range(1, 6):  # warm: caches and the fragment's first run
        session.press(SLIDER, v, CALCULATOR)
    pid = PIDS[base]
    before = cpu_seconds(pid)
    for i in range(presses):
        session.press(SLIDER, 6 + i % 90, CALCULATOR)
    used = cpu_seconds(pid) - before
    session.close()
    return used / presses


def locust_step(host: str, users: int, seconds: int, folder: Path) -> tuple[float, float, int]:
    """(key presses a second, p95 ms, failures) for `users` users over `seconds`."""
    prefix = folder / f"step-{users}"
    subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "load" / "locustfile.py"), "--headless",
                    "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", host, "--csv", str(prefix),
                    "--only-summary", "--stop-timeout", "5"], cwd=ROOT, check=False, capture_output=True, timeout=seconds + 120)
    with open(f"{prefix}_stats.csv", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["Name"] == "key press")
    return float(row["Requests/s"]), float(row["95%"]), int(row["Failure Count"])


def capacity(host: str, label: str, seconds: int, folder: Path) -> list[str]:
    lines, best = [], None
    for users in STEPS:
        rate, p95, failures = locust_step(host, users, seconds, folder)
        ok = p95 < P95_MS and failures == 0
        lines.append(f"| {label} | {users} | {rate:.1f} | {p95:.0f} | {failures} | {'yes' if ok else 'no'} |")
        print(lines[-1], file=sys.stderr, flush=True)
        if ok:
            best = rate
        else:
            break
    lines.append(f"| **{label}: sustained** | | **{best or 0:.1f} presses/s** | p95 < {P95_MS} ms | | |")
    return lines


def main(quick: bool = False) -> str:
    seconds = 10 if quick else 20
    cpu: dict[str, list[float]] = {"reference": [], "calculator": [], "compare": []}
    with streamlit_server(REFERENCE) as (ref, _), streamlit_server() as (app, _):
        for _ in range(3):  # in alternation: a slow spell of the host falls on all three
            cpu["reference"].append(cpu_per_press(ref))
            cpu["calculator"].append(cpu_per_press(app))
            cpu["compare"].append(cpu_per_press(app, "Compare_providers"))
    ref_ms = statistics.median(cpu["reference"]) * 1000
    rows = [f"| {name} | {statistics.median(v) * 1000:.1f} ms | {statistics.median(v) * 1000 / ref_ms:.2f}x |"
            for name, v in cpu.items()]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        folder.chmod(0o755)  # the cluster's PostgreSQL runs as `postgres` when this runs as root: it must reach it
        with streamlit_server() as (app, _):
            load_rows = capacity(app, "one replica", seconds, folder)
        if shutil.which("haproxy"):
            from deploy import cluster

            base = random.randrange(20_000, 32_000, 40)
            running = cluster.up(folder / "cluster", base)
            try:
                load_rows += capacity(running.url, "two replicas (HAProxy)", seconds, folder)
            finally:
                cluster.down(folder / "cluster")
    text = "\n".join([
        "# Capacity", "",
        "Written by `python -m load.capacity` (do not edit by hand). Loopback, one 2-core machine: the load generator",
        "(Locust) shares the cores with the replicas, so these are the figures of this machine, not of a server.", "",
        f"- measured: {datetime.now(UTC):%Y-%m-%d %H:%M UTC}", "",
        "## Server CPU per key press (median of 3 alternating runs of 80 presses)", "",
        "| page | CPU per key press | against the reference app |", "|---|---|---|", *rows, "",
        f"## Key presses a second with p95 under {P95_MS} ms ({seconds} s a step; users pause 0.5-1.5 s between presses)", "",
        "| deployment | users | key presses/s | p95 (ms) | failures | p95 < 250 ms |", "|---|---|---|---|---|---|",
        *load_rows, "",
    ])
    DOC.write_text(text)
    print(text)
    return text


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
