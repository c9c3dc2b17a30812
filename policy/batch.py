"""Quote a CSV of scenarios: the same rows out, in the same order, with the quote columns added.

A bad row keeps its place and gets an `error` saying what is wrong; it is never dropped.
"""
from __future__ import annotations

import csv
import multiprocessing
import os
from itertools import islice
from typing import IO, Iterable, Mapping, Optional

from .errors import InputError
from .evaluator import Facts, evaluate
from .loader import policies as shipped_policies
from .models import Scenario
from .money import HUNDRED, to_cents
from .quoting import Policies, parse_scenario

QUOTE_COLUMNS = (
    "refund_min", "refund_max", "refund_pct_min", "refund_pct_max", "verdict", "stage", "sections", "error",
)
SCENARIO_FIELDS = tuple(Scenario.model_fields)
_BLANK = ("", "null", "none", "unknown")


def row_to_input(row: Mapping[str, Optional[str]]) -> dict:
    """CSV cells -> scenario fields: blank or 'unknown' means not given; other columns are not scenario input."""
    data = {}
    for name in SCENARIO_FIELDS:
        cell = row.get(name)
        if cell is not None:
            cell = cell.strip()
            if cell and cell.lower() not in _BLANK:
                data[name] = cell
    return data


def _pct(part, whole) -> str:
    return str(to_cents(part * HUNDRED / whole))  # the same half-up rounding as the quote's percentages


def quote_columns(row: Mapping[str, Optional[str]], registry: Policies) -> list[str]:
    """The values of QUOTE_COLUMNS for one row."""
    try:
        scenario = parse_scenario(row_to_input(row), registry)
    except InputError as exc:
        return ["", "", "", "", "", "", "", str(exc)]
    ev = evaluate(registry[scenario.provider], scenario.service, Facts.of(scenario))
    sections = dict.fromkeys(c.section for o in ev.outcomes for c in o.tier.clauses)
    paid = scenario.amount_paid
    return [
        str(ev.low), str(ev.high), _pct(ev.low, paid), _pct(ev.high, paid), ev.verdict,
        "|".join(s.id for s in ev.stages), "; ".join(sections), "",
    ]


def unknown_columns(header: Iterable[str]) -> list[str]:
    known = set(SCENARIO_FIELDS) | set(QUOTE_COLUMNS)
    return [h for h in header if h not in known]


CHUNK_ROWS = 4000
PARALLEL_FROM_ROWS = 2 * CHUNK_ROWS


def _quote_chunk(chunk: list[dict]) -> list[list[str]]:
    """A worker's share: the shipped policies are already loaded in the forked process."""
    registry = shipped_policies()
    return [quote_columns(row, registry) for row in chunk]


def _workers() -> int:
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def run_batch(source: IO[str], target: IO[str], registry: Optional[Policies] = None) -> tuple[int, int, list[str]]:
    """Returns (rows, rows with an error, columns that are not scenario fields).

    Plain csv.reader/writer with column positions worked out once (the Dict variants cost a third of
    the time); large files are quoted in chunks by worker processes, in order.
    """
    custom = registry is not None
    registry = registry or shipped_policies()
    reader = csv.reader(source)
    header = next(reader, None)
    if header is None:
        raise InputError("input", "the CSV is empty; the first line must name the scenario fields")
    extra = unknown_columns(header)
    kept = [i for i, h in enumerate(header) if h not in QUOTE_COLUMNS]  # stale quote columns are replaced
    positions = [(i, h) for i, h in enumerate(header) if h in SCENARIO_FIELDS]
    width = len(header)
    lines = [cells for cells in reader if cells]  # a blank line is not a row
    inputs = [
        {h: cells[i] for i, h in positions if i < len(cells)} if len(cells) <= width else None for cells in lines
    ]
    todo = [row for row in inputs if row is not None]
    workers = 1 if custom else _workers()
    if workers > 1 and len(todo) >= PARALLEL_FROM_ROWS:
        chunks = iter(lambda it=iter(todo): list(islice(it, CHUNK_ROWS)), [])
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = [q for part in pool.imap(_quote_chunk, chunks) for q in part]
    else:
        results = [quote_columns(row, registry) for row in todo]
    done = iter(results)

    writer = csv.writer(target, lineterminator="\n")
    writer.writerow([header[i] for i in kept] + list(QUOTE_COLUMNS))
    errors = 0
    for cells, row in zip(lines, inputs):
        if row is None:
            quoted = ["", "", "", "", "", "", "", f"row: has {len(cells) - width} more cell(s) than the header"]
        else:
            quoted = next(done)
        errors += bool(quoted[-1])
        writer.writerow([cells[i] if i < len(cells) else "" for i in kept] + quoted)
    return len(lines), errors, extra
