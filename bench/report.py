"""Print the figures and write them as a Markdown table to docs/benchmarks.md."""
from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from .timing import Figure

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def table(figures: list[Figure]) -> str:
    rows = ["| figure | median | ratio | target | met | runs | baseline |", "|---|---|---|---|---|---|---|"]
    for f in figures:
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "-"
        met = {True: "yes", False: "**no**", None: "-"}[f.met]
        rows.append(f"| {f.name} | {f.median_text()} | {ratio} | {f.target} | {met} | {f.runs} | {f.baseline or '-'} |")
    return "\n".join(rows)


def write(figures: list[Figure], quick: bool, doc: Path = DOC) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        "# Benchmarks\n\n"
        "Written by `python -m bench` (do not edit by hand). Each figure is a median over repeated runs; a ratio\n"
        "is against a baseline measured in the same run, on the same machine, because these machines are noisy.\n\n"
        f"- measured: {now}, commit {_commit()}{' (quick mode: fewer runs, smaller batch)' if quick else ''}\n"
        f"- machine: {machine()}\n\n"
        f"{table(figures)}\n"
    )
    doc.parent.mkdir(exist_ok=True)
    doc.write_text(text, encoding="utf-8")
    return text
