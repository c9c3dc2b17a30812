"""Quote a CSV of scenarios: the same rows out, in the same order, with the quote columns added.

A bad row keeps its place and gets an `error` saying what is wrong; it is never dropped.
"""
from __future__ import annotations

import csv
import io
import multiprocessing
import os
from dataclasses import dataclass
from itertools import chain, islice
from typing import IO, Iterable, Iterator, Mapping, Optional

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
    return _given((name, row.get(name)) for name in SCENARIO_FIELDS)


def _line_to_input(cells: list[str], positions: list[tuple[int, str]]) -> dict:
    """row_to_input for a raw CSV line, given the positions of the scenario fields (a short line lacks some)."""
    return _given((name, cells[i]) for i, name in positions if i < len(cells))


def _given(cells: Iterable[tuple[str, Optional[str]]]) -> dict:
    data = {}
    for name, cell in cells:
        if cell is not None:
            cell = cell.strip()
            if cell and cell.lower() not in _BLANK:
                data[name] = cell
    return data


def _pct(part, whole) -> str:
    return str(to_cents(part * HUNDRED / whole))  # the same half-up rounding as the quote's percentages


def quote_columns(row: Mapping[str, Optional[str]], registry: Policies) -> list[str]:
    """The values of QUOTE_COLUMNS for one row."""
    return _columns_of(row_to_input(row), registry)


def _columns_of(data: dict, registry: Policies) -> list[str]:
    """quote_columns of scenario input already read from its cells."""
    try:
        scenario = parse_scenario(data, registry)
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


@dataclass(frozen=True)
class Layout:
    """Where things are in the input's lines, worked out once from the header."""

    width: int  # cells in the header; a longer line is an error
    positions: tuple[tuple[int, str], ...]  # (cell index, scenario field)
    kept: tuple[int, ...]  # cells copied to the output (stale quote columns are replaced)


def _output_text(lines: list[list[str]], layout: Layout, registry: Policies) -> tuple[str, int, int]:
    """Lines in, the output CSV text of those lines out, with (rows, rows with an error)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    errors = 0
    for cells in lines:
        if len(cells) > layout.width:
            quoted = ["", "", "", "", "", "", "", f"row: has {len(cells) - layout.width} more cell(s) than the header"]
        else:
            quoted = _columns_of(_line_to_input(cells, layout.positions), registry)
        errors += bool(quoted[-1])
        writer.writerow([cells[i] if i < len(cells) else "" for i in layout.kept] + quoted)
    return buffer.getvalue(), len(lines), errors


def _output_chunk(job: tuple[list[list[str]], Layout]) -> tuple[str, int, int]:
    """A worker's share: raw lines in (cheaper to send than dicts), finished CSV text back (one string is
    far cheaper to send than rows of cells); the shipped policies are already loaded in the forked process."""
    lines, layout = job
    return _output_text(lines, layout, shipped_policies())


def _workers() -> int:
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def run_batch(source: IO[str], target: IO[str], registry: Optional[Policies] = None) -> tuple[int, int, list[str]]:
    """Returns (rows, rows with an error, columns that are not scenario fields).

    Plain csv.reader/writer with column positions worked out once (the Dict variants cost a third of
    the time). A large file streams through worker processes in chunks, in order: reading, quoting and
    writing overlap, and the workers write the output text.
    """
    custom = registry is not None
    registry = registry or shipped_policies()
    reader = csv.reader(source)
    header = next(reader, None)
    if header is None:
        raise InputError("input", "the CSV is empty; the first line must name the scenario fields")
    layout = Layout(
        width=len(header),
        positions=tuple((i, h) for i, h in enumerate(header) if h in SCENARIO_FIELDS),
        kept=tuple(i for i, h in enumerate(header) if h not in QUOTE_COLUMNS),
    )
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow([header[i] for i in layout.kept] + list(QUOTE_COLUMNS))
    lines = (cells for cells in reader if cells)  # a blank line is not a row
    first = list(islice(lines, PARALLEL_FROM_ROWS))
    chunks = _chunks(chain(first, lines), CHUNK_ROWS)
    workers = 1 if custom else _workers()
    if workers > 1 and len(first) == PARALLEL_FROM_ROWS:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            jobs = ((chunk, layout) for chunk in chunks)
            counts = [_write(target, part) for part in pool.imap(_output_chunk, jobs)]
    else:
        counts = [_write(target, _output_text(chunk, layout, registry)) for chunk in chunks]
    return sum(n for n, _ in counts), sum(e for _, e in counts), unknown_columns(header)


def _chunks(items: Iterator[list[str]], size: int) -> Iterator[list[list[str]]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _write(target: IO[str], part: tuple[str, int, int]) -> tuple[int, int]:
    text, rows, errors = part
    target.write(text)
    return rows, errors
