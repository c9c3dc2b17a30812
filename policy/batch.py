"""Quote a CSV of scenarios: the same rows out, in the same order, with the quote columns added.

A bad row keeps its place and gets an `error` saying what is wrong; it is never dropped. Each row is quoted by
quote() and written through export.quote_row, so a batch row says what the JSON of the same scenario says.
"""
from __future__ import annotations

import _csv
import atexit
import codecs
import contextlib
import csv
import hashlib
import io
import multiprocessing
import multiprocessing.context
import multiprocessing.forkserver
import multiprocessing.pool
import os
import pickle
import re
import signal
import sys
import tempfile
import threading
import time
import types
import unicodedata
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any, Optional, TextIO, Union

from .batch_rows import Problem, Reading, RowProblems, Seen, scenario_of, seen_cells
from .cells import DATE_ORDERS, EITHER_WAY, DateOrder, Readers, written_order
from .errors import InputError
from .export import QUOTE_COLUMNS, QUOTE_HEADINGS, error_row, quote_row
from .fields import BY_NAME, FIELDS, LABELS, NAMES, REQUIRED
from .models import Quote, QuoteHead, Verdict
from .quoting import quote, quote_head
from .records import RECORD_FIELDS, RECORD_NAMES, checked_record
from .spreadsheet import FILE_ENCODING, safe_cell, safe_cells, writer
from .versions import REQUESTED, Basis
from .words import counted
from .workbook import SheetRead, excel_to_csv

SHEET_ROW = "sheet_row"  # the output's first column: each row's number as a spreadsheet shows the input
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
CELL_LIMIT = csv.field_size_limit()


def canonical(name: str) -> str:
    """'  Amount Paid ' -> 'amount_paid': how a header cell is matched to a field."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def _header_names() -> dict[str, str]:
    """Every spelling a header may use for a column: a field's name, label, command-line flags and the headings
    declared with it ('Agency', '% complete'); a quote column's; a record field's. One spelling for two columns
    is refused as the module loads (a dict would keep the last one silently)."""
    spellings = [
        *((h, f.name) for f in FIELDS for h in (f.name, f.label, *f.cli, *f.headers)),
        *((c, c) for c in (SHEET_ROW, *QUOTE_COLUMNS)),
        *((h, REQUESTED) for h in (REQUESTED, "Request date", "Requested on", "Date of request")),
        *((h, r.name) for r in RECORD_FIELDS for h in (r.name, r.label, *r.headers)),  # who and what a row is for
    ]
    names: dict[str, str] = {}
    for heading, column in spellings:
        if names.setdefault(canonical(heading), column) != column:
            raise RuntimeError(f"the heading {heading!r} is declared for both {names[canonical(heading)]} and {column}")
    return names


HEADER_NAMES = _header_names()


# Each column a header may name, as a person reads it (the notices say "'Client' read as Client name").
COLUMN_LABELS: dict[str, str] = {
    SHEET_ROW: "Sheet row", **{c: QUOTE_HEADINGS[c] for c in QUOTE_COLUMNS}, REQUESTED: "Request date",
    **{r.name: r.label for r in RECORD_FIELDS}, **LABELS,
}


def headings(name: str) -> list[str]:
    """The headings a field's column may have, one of each spelling, its label first ('Provider', 'Agency', ...)."""
    spec = BY_NAME[name]
    shown: dict[str, str] = {}
    for heading in (spec.label, spec.name, *(flag.lstrip("-") for flag in spec.cli), *spec.headers):
        shown.setdefault(canonical(heading), heading)
    return list(shown.values())


def _may_head(name: str) -> str:
    """A field and the headings that name its column: 'Provider (head it Provider, Agency, Vendor or Supplier)'."""
    *most, last = headings(name)
    return f"{BY_NAME[name].label} (head it {', '.join(most)} or {last})" if most else f"{BY_NAME[name].label} (head it {last})"


def header_field(cell: str) -> Optional[str]:
    """The field (or quote or record column) a header cell names, in any of its spellings; None for another."""
    return HEADER_NAMES.get(canonical(cell))


@dataclass(frozen=True)
class Layout:
    """Where things are in the input's lines, worked out once from the header."""

    width: int  # cells in the header; a longer line is an error
    positions: tuple[tuple[int, str], ...]  # (cell index, scenario field)
    kept: tuple[int, ...]  # cells copied to the output (stale quote columns are replaced)
    records: tuple[tuple[int, str], ...] = ()  # (cell index, record field): client name, reference, note
    columns: tuple[tuple[str, str], ...] = ()  # (field, the column's name as the file writes it)

    @cached_property
    def keeps_all(self) -> bool:
        """Every cell is copied, in order (a file without stale quote columns): a full row is its own copy."""
        return self.kept == tuple(range(self.width))


PROBLEM_ROWS_KEPT = 10_000  # rows with an error the page lists; every one is counted, and all are in the file


@dataclass
class ProblemKind:
    """One kind of error: its column and message, how many rows have it, and the first of them."""
    column: str
    example: str
    rows: int = 0
    first_rows: list[int] = field(default_factory=list)
    varies: bool = False  # its rows' messages differ in the values they quote

    @property
    def said(self) -> str:
        """The kind in words: its message, or where its rows' values differ, its first row's as one example (every
        row of '0.4' and '0.26' was said to be 40%, a walkthrough)."""
        return f"for example, row {self.first_rows[0]}: {self.example}" if self.varies else self.example


Sums = dict[tuple[str, str], list[Any]]  # (provider name, verdict) -> [rows, refund min total, refund max total]


def _add_sums(into: Sums, more: Sums) -> None:
    for key, (rows, low, high) in more.items():
        found = into.setdefault(key, [0, Decimal(0), Decimal(0)])
        found[0] += rows
        found[1] += low
        found[2] += high


@dataclass
class BatchResult:
    rows: int = 0
    errors: int = 0
    sums: Sums = field(default_factory=dict)  # the quoted rows' refunds as written, by provider and verdict
    problem_rows: list[tuple[int, tuple[Problem, ...]]] = field(default_factory=list)  # the first PROBLEM_ROWS_KEPT
    kinds: dict[tuple[str, str], ProblemKind] = field(default_factory=dict)

    def heard(self, number: int, problems: tuple[Problem, ...]) -> None:
        """A row with errors: listed (the first PROBLEM_ROWS_KEPT) and counted by kind."""
        if len(self.problem_rows) < PROBLEM_ROWS_KEPT:
            self.problem_rows.append((number, problems))
        for p in problems:
            kind = self.kinds.get(key := (p.column, _kind_of(p.message)))
            if kind is None:  # a kind of many dates said by its first, as one of them (it read as that date alone)
                example = f"a date that could be read either way, such as {p.message}" if key[1] == EITHER_WAY else p.message
                kind = self.kinds[key] = ProblemKind(p.column, example)
            elif key[1] != EITHER_WAY and p.message != kind.example:
                kind.varies = True
            kind.rows += 1
            if len(kind.first_rows) < 5:
                kind.first_rows.append(number)
    dated: bool = False  # the file has a payment-date column: a row with a date and no days counts to the run's day
    passed_through: list[str] = field(default_factory=list)  # columns that are not scenario fields
    notices: list[str] = field(default_factory=list)  # how the header was read, where not as written
    read_as: list[tuple[str, str]] = field(default_factory=list)  # (a heading, the field it was read as), of those
    blank_lines: int = 0
    total_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, its word) of the rows of totals skipped
    header_row: int = 1  # the header's row as a spreadsheet shows the file (a title may stand above it)
    date_orders: Orders = field(default_factory=dict)  # the orders its slashed dates can only be read in, first rows
    planned: int = 0  # rows with a payment after the day of the run
    planned_rows: list[int] = field(default_factory=list)  # the first NAMED_MAX of them

    def _planned(self) -> list[str]:
        """Rows whose payment comes after the day of the run: quoted as asked on their payment day, as the calculator
        quotes a planned payment; said with their rows (the first only was named, a walkthrough), since a year
        mistyped reads the same way."""
        if PLANNED not in self.date_orders:
            return []
        row, day = self.date_orders[PLANNED]
        more = self.planned - len(self.planned_rows)
        rows = ", ".join(map(str, self.planned_rows)) + (f" and {more:,} more" if more else "")
        if self.planned == 1:
            return [f"1 row with a payment after the day of this run (row {row}: {day}) is quoted as asked on its "
                    "payment day, as the calculator quotes a planned payment: check its date if none was planned"]
        return [f"{self.planned:,} rows with a payment after the day of this run (rows {rows}; the first pays on {day}) "
                "are quoted as asked on their payment day, as the calculator quotes a planned payment: check their "
                "dates if none was planned"]

    def columns_read(self) -> Optional[str]:
        """The headings read as another field's name, in words (the page's one line; the command line's notices
        name each field's id too, which a page showed as "Client name (client_name)", a walkthrough)."""
        if not self.read_as:
            return None
        return "; ".join(f"{cell!r} read as {COLUMN_LABELS[name]}" for cell, name in self.read_as)

    @property
    def either_way(self) -> int:
        """Rows with a date that could be read either way (refused: the user named no order)."""
        return sum(k.rows for (_, kind), k in self.kinds.items() if kind == EITHER_WAY)  # _kind_of's one kind

    def either_way_said(self, choose: str) -> Optional[str]:
        """The rows refused for a date that reads either way, in one sentence with how to `choose` the order (the page
        and the command line say it their ways), and the order the file's other dates are written in where they are
        all written one way: a file of day-first dates lost a third of its rows, and the one fix came after 34 lines
        of errors (a walkthrough)."""
        if not self.either_way:
            return None
        one = [order for order in DATE_ORDERS if order in self.date_orders]
        likely = ""
        if len(one) == 1:
            row, text = self.date_orders[one[0]]
            likely = (f"; the file's other dates with slashes are all written {DATE_ORDERS[one[0]].split(' (')[0]} (row {row}: "
                      f"{text}), so those are likely to be too")
        return f"{counted(self.either_way, 'row')} with a date that could be read either way{likely}: {choose}"

    def not_whole(self) -> Optional[str]:
        """Why a batch of these quotes may not be saved, if it may not: rows left out only until the date order is
        named (saved, the batch lacked them, and saving the file again once named made a second batch of it, a
        walkthrough). Rows with other errors are the file's own, and saved as such."""
        if not self.either_way:
            return None
        return (f"Not saved: {counted(self.either_way, 'row')} with a date that could be read either way would have "
                "been left out; choose how this file writes its dates and quote it again to save every row")

    @property
    def not_sold(self) -> int:
        """Rows of a service their provider does not sell: no terms to quote, so not counted as quoted (a walkthrough)."""
        return sum(rows for (_, verdict), (rows, _, _) in self.sums.items() if verdict == Verdict.not_offered.value)

    @property
    def quoted(self) -> int:
        return self.rows - self.errors - self.not_sold

    def summary(self) -> str:
        """What the run did, in one line for the command line and the page alike."""
        elsewhere = f"{self.not_sold:,} of a service its provider does not sell, " if self.not_sold else ""
        return f"{counted(self.rows, 'row')} read: {self.quoted:,} quoted, {elsewhere}{self.errors:,} with an error"

    def said(self, with_columns: bool = True) -> list[str]:
        """How the file was read where not as written, for the command line and the page alike (the page says the
        columns read by another name in a line of its own, columns_read: `with_columns` False)."""
        passed = [passed_through(self.passed_through)] if self.passed_through else []
        blank = [f"{counted(self.blank_lines, 'blank row')} skipped (a row of empty cells is not a case)"] if self.blank_lines else []
        one = len(self.total_rows) == 1
        totals = [f"{'row' if one else 'rows'} {', '.join(str(n) for n, _ in self.total_rows[:NAMED_MAX])} skipped: "
                  f"{'a row' if one else 'rows'} of totals "
                  f"({', '.join(dict.fromkeys(repr(w) for _, w in self.total_rows))}), not a case"] if self.total_rows else []
        columns = [f"column {cell!r} read as {COLUMN_LABELS[name]} ({name})" for cell, name in self.read_as]
        return [*self.notices, *(columns if with_columns else []), *passed, *blank, *totals, *_mixed_orders(self.date_orders),
                *self._planned()]


def _mixed_orders(orders: Orders) -> list[str]:
    """A file whose slashed dates are written day first in one row and month first in another: each read the one way
    it can be, and one of them is likely a mistake (13/11/2026 and 11/25/2026 in one column were both quoted without a
    word, a walkthrough)."""
    if "dmy" not in orders or "mdy" not in orders:
        return []
    (d_row, d_text), (m_row, m_text) = orders["dmy"], orders["mdy"]
    return [f"its dates with slashes are written both day first (row {d_row}: {d_text}) and month first (row {m_row}: "
            f"{m_text}); each was read the one way it can be, and those of one of the two orders may be wrong: check "
            "them, or write the dates as YYYY-MM-DD"]


def _kind_of(message: str) -> str:
    """A message without the values it quotes: rows that break one rule in different values are one kind. A date read
    either way is one kind whatever its date ("03/10/2026 could be 3 October or 10 March" and "02/12/2026 could be
    ..." made 34 kinds of one error above the one way to fix them all, a walkthrough)."""
    return EITHER_WAY if EITHER_WAY in message else re.sub(r"\d+", "#", message)


NAMED_MAX = 10  # columns a notice names; the rest are counted
NAME_SHOWN = 60  # characters of a column's name a notice shows


def passed_through(columns: list[str]) -> str:
    """One sentence for the columns that are not scenario fields, however many (a sheet of thousands of columns
    made thousands of lines on the page), each name cut to a readable length; those without a heading (a sheet's
    empty columns saved as ',,') counted, not listed as '', ''."""
    named = [c for c in columns if c.strip()]
    unnamed = len(columns) - len(named)
    headless = (f"{unnamed:,} column{'' if unnamed == 1 else 's'} without a heading "
                f"{'is' if unnamed == 1 else 'are'} passed through") if unnamed else ""
    if not named:
        return headless
    names = [repr(c if len(c) <= NAME_SHOWN else c[:NAME_SHOWN] + "...") for c in named[:NAMED_MAX]]
    more = f" and {len(named) - NAMED_MAX:,} more" if len(named) > NAMED_MAX else ""
    said = (f"column {names[0]} is not a scenario field; passed through" if len(named) == 1 else
            f"{len(named):,} columns are not scenario fields; passed through: {', '.join(names)}{more}")
    return f"{said}; {headless}" if headless else said


WESTERN = "cp1252"  # what Excel's "CSV (Comma delimited)" writes on Windows in Western Europe and the Americas
WESTERN_SAID = ("the file is not UTF-8 text: it was read as Windows-1252 (Western European), as Excel's \u201cCSV\u201d "
                "saves it on Windows, and the results are UTF-8; if a name in another alphabet reads wrongly in them, "
                "save the file as CSV UTF-8 and quote it again")


def open_csv(path: Path) -> TextIO:
    """The file as text: UTF-8 (with or without a byte-order mark), UTF-16 (Excel's 'Unicode text'), or, where it is
    not UTF-8 but is Windows-1252, that (Excel's plain "CSV" on Windows: "Café Zoë" refused the whole file, a
    walkthrough). A file neither reads is opened as UTF-8, for the error to name its line."""
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(head) >= 2 and (head[0] == 0) != (head[1] == 0):  # ASCII in UTF-16 without a byte-order mark
        encoding = "utf-16-be" if head[0] == 0 else "utf-16-le"
    else:
        encoding = "utf-8" if _utf8(path) or not _western(path) else WESTERN
    return path.open(newline="", encoding=encoding, errors="strict")


def _blocks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:  # in blocks: a file's size is bounded, not its lines'
        yield from iter(lambda: f.read(1 << 20), b"")


def _utf8(path: Path) -> bool:
    return first_undecodable_line(path, "utf-8") is None


# the five bytes Windows-1252 leaves undefined, and control characters no spreadsheet writes (a binary file's)
_NOT_WESTERN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x81\x8d\x8f\x90\x9d]")


def _western(path: Path) -> bool:
    """Whether the file reads as a spreadsheet's Windows-1252 text (every byte of it decodes, so: what it holds)."""
    return not any(_NOT_WESTERN.search(block) for block in _blocks(path))


def first_undecodable_line(path: Path, encoding: str) -> Optional[int]:
    """The line number holding the first bytes that do not decode, None where the whole file does (the text reader
    reads ahead in blocks, so its own position cannot say). A block that fails is read again in small pieces from
    the decoder's state before it, to find the line."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line = 1
    for block in _blocks(path):
        before = decoder.getstate()
        try:
            line += decoder.decode(block).count("\n")
            continue
        except UnicodeDecodeError:
            decoder.setstate(before)
        for i in range(0, len(block), 256):
            piece = block[i:i + 256]
            try:
                line += decoder.decode(piece).count("\n")
            except UnicodeDecodeError as exc:
                return line + decoder.decode(piece[: exc.start]).count("\n") if exc.start else line
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:  # the file ends inside a character (an odd byte out in UTF-16): its last line
        return line
    return None


SCENARIO_COLUMNS = frozenset((*NAMES, REQUESTED))
PREAMBLE_MAX = 10  # lines above the header a sheet may have: a title, a date, a blank line


class _NoField(InputError):
    """A line that names no scenario field: above the header, a title; else no header at all."""


def _find_header(source: IO[str], result: BatchResult) -> tuple[str, list[str], Layout]:
    """The header and what it says (see _read_header): the first line that names a scenario field, past up to
    PREAMBLE_MAX lines above it (a sheet's title, its date, blank lines: Excel exports them as lines of their own),
    which are skipped and said. Without one, the error of the first line that holds anything."""
    above: list[str] = []
    while line := source.readline():
        if _not_text(line):
            raise InputError("file", f"line {len(above) + 1} holds control characters no text has: it is not a CSV "
                                     "of cases; save the sheet as CSV UTF-8 or as .xlsx")
        if _bare(line):
            try:
                found = _read_header(line, result)
            except _NoField:
                if len(above) < PREAMBLE_MAX:
                    above.append(line)
                    continue
                break
            result.header_row = len(above) + 1
            if above:
                titles = [repr(bare[:NAME_SHOWN]) for bare in map(_bare, above) if bare]
                result.notices.append(f"the header is row {result.header_row}: the {_lines(len(above))} above it "
                                      f"skipped{' (' + ', '.join(titles) + ')' if titles else ''}")
            return found
        above.append(line)
    first = next((a for a in above if _bare(a)), None)
    if first is None:
        raise InputError("input", "the CSV is empty; its first line must name the scenario fields")
    _read_header(first, result)  # raises its error
    raise AssertionError("unreachable: that line names no scenario field")


def _bare(line: str) -> str:
    """What a line says without its delimiters and quotes: empty for a blank line or a row of empty cells (a
    workbook's empty row comes as '""'); a title cell as its text ('Refund requests, Q4')."""
    try:
        cells = next(csv.reader([line]), [])
    except csv.Error:
        cells = [line]
    return ", ".join(c.strip(" \t\r\n;|") for c in cells if c.strip(" \t\r\n;|"))


def _not_text(line: str) -> bool:
    """Characters no text holds (random bytes read as UTF-16 came out as '\x01ɧ慲扡来\ufffe', a walkthrough): controls
    but tab and line ends, and the two noncharacters a byte-order mark read backwards gives. Not every character
    this Python's Unicode tables lack: a newer emoji in a sheet's title is text."""
    return any((c in _NONCHARACTERS or unicodedata.category(c) == "Cc") and c not in "\t\r\n" for c in line[:_LOOKED_AT])


_NONCHARACTERS = frozenset("\ufffe\uffff")
_LOOKED_AT = 4096  # characters of a line above or at the header that are looked at


def _lines(n: int) -> str:
    return "line" if n == 1 else f"{n} lines"


def _own_provider_name(names: list[Optional[str]]) -> list[Optional[str]]:
    """A 'Provider name' column is the output's (provider_name, replaced on a second run) only in an output: beside
    no other quote column and no provider column it is the file's own provider (a sheet headed so was refused for
    having no provider column, a walkthrough)."""
    if "provider" in names or names.count("provider_name") != 1 or \
            any(n in QUOTE_COLUMNS for n in names if n != "provider_name"):
        return names
    return ["provider" if n == "provider_name" else n for n in names]


def _read_header(line: str, result: BatchResult) -> tuple[str, list[str], Layout]:
    """The delimiter (the one that splits the header into the most known columns), the header, and where
    the scenario fields are. A header that names no field, misses a required one or names one twice fails."""
    best, best_cells, best_known = ",", [], -1
    for delimiter in DELIMITERS:
        try:
            cells = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error:  # the whole line one cell longer than a cell may be: not this file's delimiter
            continue
        known = sum(canonical(c) in HEADER_NAMES for c in cells)
        if known > best_known:
            best, best_cells, best_known = delimiter, cells, known
    if not names_a_field(best_cells):
        raise _NoField("header", f"the first line holds {line.strip()[:120]!r}, which names no scenario field; "
                                 f"expected a header of column names such as {', '.join(REQUIRED)}")
    if best != ",":
        result.notices.append(f"the file is {DELIMITERS[best]}-separated")
    seen: dict[str, int] = {}
    positions, kept, records = [], [], []
    names = _own_provider_name([header_field(c) for c in best_cells])
    asked = [i for i, n in enumerate(names) if n == REQUESTED]
    stale = next((i for i in asked if canonical(best_cells[i]) == REQUESTED), None) if len(asked) == 2 else None
    for i, (cell, name) in enumerate(zip(best_cells, names)):
        if i == stale:  # an output read again: its own request date, and the quote's requested_on, written anew
            continue
        if name is None:
            result.passed_through.append(cell)
        elif cell != name:
            result.read_as.append((cell, name))
        if name in seen:
            first = best_cells[seen[name]]  # the file's own headings: "column completion_pct" named neither of them
            raise InputError("header", f"columns {first!r} (column {seen[name] + 1}) and {cell!r} (column {i + 1}) are "
                                       f"both read as {COLUMN_LABELS[name]}: keep one")
        if name is not None:
            seen[name] = i
        if name in NAMES or name == REQUESTED:
            positions.append((i, name))
        if name in RECORD_NAMES:
            records.append((i, name))
        # an earlier run's output columns are written anew; the file's own request date (headed other than the
        # quote's requested_on) is its data, kept as written (a row with an error lost it, a walkthrough)
        if (name not in QUOTE_COLUMNS and name != SHEET_ROW) or (name == REQUESTED and canonical(cell) != REQUESTED):
            kept.append(i)
    missing = [n for n in REQUIRED if n not in seen and not (n == "days_since_payment" and "paid_on" in seen)]
    if missing:
        needed = "; ".join(_may_head(n) + (f", or a {_may_head('paid_on')} to count them from"
                                           if n == "days_since_payment" else "") for n in missing)
        raise InputError("header", f"has no column for {needed}. The file's columns: {', '.join(best_cells)} "
                                   "(the page's template heads every column)")
    columns = tuple((name, best_cells[i]) for i, name in positions)
    return best, best_cells, Layout(len(best_cells), tuple(positions), tuple(kept), tuple(records), columns)


Numbered = tuple[int, list[str]]  # a row's cells with its row number in a spreadsheet
Keep = Callable[[int, Optional[Quote], dict[str, str]], None]  # (spreadsheet row, its quote or None, its record)


@dataclass(frozen=True)
class Job:
    """What a worker needs to quote a file's lines: where the fields are, how cells read, and the basis."""
    layout: Layout
    reading: Reading
    basis: Basis

    @cached_property
    def dates(self) -> tuple[int, ...]:
        """The cells of dates whose order the file may write either way: none once the user named the order."""
        if self.reading.readers.order is not None:
            return ()
        return tuple(i for i, name in self.layout.positions if name == REQUESTED or BY_NAME[name].kind == "date")


def _row(cells: list[str], job: Job, seen: Seen, keep: Optional[Keep] = None,
         number: int = 0) -> tuple[list[str], dict[str, str], tuple[Problem, ...]]:
    made: Optional[Quote] = None
    head: Optional[Union[Quote, QuoteHead]] = None
    record: dict[str, str] = {}
    problems: tuple[Problem, ...] = ()
    layout = job.layout
    if len(cells) > layout.width:
        problems = (Problem("row", f"has {counted(len(cells) - layout.width, 'more cell')} than the header"),)
    else:
        try:
            if layout.records or keep is not None:  # without such columns every record field is blank: nothing to check
                record = checked_record({name: cells[i] for i, name in layout.records if i < len(cells)})
            scenario = scenario_of(cells, job.reading, seen)
            if keep is not None:  # a saved batch keeps every row's whole quote
                made = quote(scenario, job.basis)
            head = made or quote_head(scenario, job.basis)
        except RowProblems as exc:
            problems = exc.problems
        except InputError as exc:  # a record field (client name, reference, note), or a stage the service lacks
            problems = (Problem.of_cell(job.reading.column(exc.field), exc.message, job.reading.cell(cells, exc.field)),)
    quoted = quote_row(head, job.reading.run_day) if head is not None else error_row("; ".join(map(str, problems)))
    if keep is not None:
        keep(number, made, record)
    kept = cells if layout.keeps_all and len(cells) == layout.width else [
        cells[i] if i < len(cells) else "" for i in layout.kept]
    return safe_cells(chain((str(number),), kept, quoted.values())), quoted, problems


# output text, rows, (row, problems) of the bad ones, the refunds by provider and verdict
Orders = dict[str, tuple[int, str]]  # a date order -> the first row (and its cell) that can only be written in it;
# PLANNED -> the first row with a payment after the day of the run, and its payment day
PLANNED = "planned"
Planned = tuple[int, list[int]]  # rows with a payment after the day of the run: how many, the first NAMED_MAX
Part = tuple[str, int, list[tuple[int, tuple[Problem, ...]]], Sums, Orders, Planned]


def _output_text(lines: list[Numbered], job: Job, keep: Optional[Keep] = None) -> Part:
    """Numbered lines in, the output CSV text of those lines out, with the rows and the problems of each bad one, and
    the refunds as written summed by provider and verdict (the page's totals: reading the output again for them took
    a second of a 100,000-row batch's four)."""
    buffer = io.StringIO()
    w = writer(buffer)
    bad: list[tuple[int, tuple[Problem, ...]]] = []
    sums: Sums = {}
    seen = seen_cells(job.reading)
    orders: Orders = {}
    planned: Planned = (0, [])
    dates = job.dates
    run_day = job.reading.run_day.isoformat()
    for number, cells in lines:
        for i in dates:  # how a slashed date is written, where only one order reads it (see _mixed_orders)
            if i < len(cells) and "/" in cells[i]:
                written = written_order(cells[i])
                if written is not None and written not in orders:
                    orders[written] = (number, cells[i].strip())
        out, quoted, problems = _row(cells, job, seen, keep, number)
        if problems:
            bad.append((number, problems))
        else:
            if quoted["days_counted"] == "0" and quoted["requested_on"] > run_day:  # ISO dates
                orders.setdefault(PLANNED, (number, quoted["requested_on"]))
                planned = (planned[0] + 1, planned[1] if len(planned[1]) >= NAMED_MAX else [*planned[1], number])
            found = sums.get(key := (quoted["provider_name"], quoted["verdict"]))
            if found is None:
                found = sums[key] = [0, Decimal(0), Decimal(0)]
            found[0] += 1
            found[1] += Decimal(quoted["refund_min"])
            found[2] += Decimal(quoted["refund_max"])
        w.writerow(out)
    return buffer.getvalue(), len(lines), bad, sums, orders, planned


_jobs: dict[str, Job] = {}  # in a worker: the jobs it has read, by token (the last few)


def _start_worker() -> None:
    """A worker's start. SIGTERM is the default (a worker that inherited a server's SIGTERM handler, which only
    says "Stopping...", was once waited on forever). Ctrl-C in a terminal reaches the whole process group: a worker
    ignores it, and the process that started it stops it (a worker it killed could hold the pool's queue lock)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)  # a spawned worker inherits the mask of the pool's maker
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


STOP_WAIT_S = 3.0  # what the pool's own stop may take at exit (it takes a few hundredths of a second)
GONE_WAIT_S = 0.2  # the same, once every worker has already ended: there is nothing left to stop


def _stop_pool(pool: multiprocessing.pool.Pool) -> None:
    """The workers stopped, without waiting for ever. A signal to the whole process group (a service manager's
    stop, a kill of the group) can end a worker while it holds the pool's queue lock, and Pool.terminate then waits
    on that lock for good: the app hung on "Stopping..." after a batch. Past STOP_WAIT_S the exit goes on, and
    multiprocessing's own exit handler ends the workers left. Where that signal has already ended every worker (a
    stop of the whole group), the exit does not wait on the lock they left held: it took 3.1 s, now a fifth of one."""
    stopping = threading.Thread(target=pool.terminate, name="batch-pool-stop", daemon=True)
    stopping.start()
    deadline = time.monotonic() + STOP_WAIT_S
    while stopping.is_alive() and time.monotonic() < deadline:
        if not any(w.is_alive() for w in _started):  # the signal reaches them a moment after this process
            stopping.join(GONE_WAIT_S)
            return
        stopping.join(0.05)


_exiting = threading.Event()  # set at exit: no worker starts from then on
_started: weakref.WeakSet[multiprocessing.process.BaseProcess] = weakref.WeakSet()  # this process's workers


class _Ending(RuntimeError):
    """A worker asked to start while this process ends (the pool replacing one a signal to the group ended): it is
    refused, and the pool's thread that asked ends quietly (no traceback in the server's log on every stop)."""


def _at_exit() -> None:
    """The workers stopped before multiprocessing's own exit handler runs (registered after it, so run before).
    A process that ended while its workers were still starting (a page that may batch starts them in the
    background: a server stopped just after, a test process after a quick test) waited for ever: that handler
    killed the first worker while it held the pool's queue lock, and the pool, done starting meanwhile, was then
    stopped by waiting on that lock. Now a start under way is waited for, then stopped; one slower than
    STOP_WAIT_S fails at its next worker (_BareMain), which leaves no pool to stop."""
    _previous_hook = threading.excepthook

    def quiet_ending(args: Any) -> None:  # a worker the group's signal ended is not replaced, and that is no fault
        if args.exc_type is not _Ending:
            _previous_hook(args)

    threading.excepthook = quiet_ending
    _exiting.set()
    starter = _starter
    if starter is not None:
        starter.join(STOP_WAIT_S)
    if _pool is not None:
        _stop_pool(_pool)


atexit.register(_at_exit)


def _output_chunk(task: tuple[str, bytes, list[Numbered]]) -> Part:
    """A worker's share: raw lines in (cheaper to send than dicts), finished CSV text back (one string is far
    cheaper to send than rows of cells). The job comes pickled once per run; each worker reads it once."""
    token, blob, lines = task
    job = _jobs.get(token)
    if job is None:
        job = _jobs[token] = pickle.loads(blob)
        while len(_jobs) > 4:
            _jobs.pop(next(iter(_jobs)))
    return _output_text(lines, job)


CHUNK_ROWS = 2000
PARALLEL_FROM_ROWS = 2 * CHUNK_ROWS
_pool: Optional[multiprocessing.pool.Pool] = None
_pool_lock = threading.Lock()
_starter: Optional[threading.Thread] = None
_starter_lock = threading.Lock()


def _workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def start_pool_soon() -> threading.Thread:
    """Start the shared workers in the background, once (a page that may batch calls it on every run): the thread
    that starts them, finished once they are up or could not start."""
    global _starter
    with _starter_lock:
        if _starter is None:
            _starter = threading.Thread(target=_start_quietly, name="batch-pool-start", daemon=True)
            _starter.start()
        return _starter


def _start_quietly() -> None:
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)  # this thread, as the pool's (see _stops_not_heard_here)
    with contextlib.suppress(Exception):  # no traceback from a thread: the batch's own call of shared_pool says why
        shared_pool()


_main_lock = threading.Lock()


@contextlib.contextmanager
def _no_script_as_main() -> Iterator[None]:
    """While a worker starts, __main__ is a bare module. A new process re-runs its parent's __main__ script, and in
    Streamlit's server __main__ is the page being run: each worker ran the whole page (hundreds of "missing
    ScriptRunContext" warnings, and the app's work) before its first row."""
    with _main_lock:
        main = sys.modules["__main__"]
        bare = types.ModuleType("__main__")
        sys.modules["__main__"] = bare
        try:
            yield
        finally:
            if sys.modules.get("__main__") is bare:  # a page run may have set its own meanwhile: that one stays
                sys.modules["__main__"] = main


REPLACE_AFTER_S = 2.0  # a worker that ended is replaced after this, unless this process is ending by then


class _BareMain:
    """A worker process that starts without its parent's __main__ (see _no_script_as_main), and never once this
    process is ending (see _at_exit). One that replaces a worker that ended waits REPLACE_AFTER_S first: a stop of
    the whole process group ends the workers at once, and the pool's thread went to replace them before this
    process's exit began, through a forkserver the same signal had ended (a ConnectionRefusedError traceback in
    the log on 7 of 60 stops beside the test suite)."""

    def start(self) -> None:
        if _pool is not None:  # the pool is up: this one replaces a worker that ended
            _exiting.wait(REPLACE_AFTER_S)
        if _exiting.is_set():
            raise _Ending("this process is ending: no batch worker starts")
        with _no_script_as_main():
            super().start()  # type: ignore[misc]
        _started.add(self)  # type: ignore[arg-type]


class _ForkServerWorker(_BareMain, multiprocessing.context.ForkServerProcess):
    pass


class _SpawnWorker(_BareMain, multiprocessing.context.SpawnProcess):
    pass


class _WorkerPool(multiprocessing.pool.Pool):
    """A pool whose workers start without the parent's __main__: at first, and any that replaces one that died."""

    @staticmethod
    def Process(ctx: Any, *args: Any, **kwds: Any) -> Any:
        worker = _ForkServerWorker if ctx.get_start_method() == "forkserver" else _SpawnWorker
        return worker(*args, **kwds)


def shared_pool() -> multiprocessing.pool.Pool:
    """The worker processes of this process's batches, started once. From a fresh forkserver (spawn where there
    is none), never a fork of the caller: the caller may be a threaded server (Streamlit), and a fork copies its
    locks and signal handlers mid-use."""
    global _pool
    with _pool_lock:
        if _pool is None:
            method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            context = multiprocessing.get_context(method)
            if method == "forkserver":
                context.set_forkserver_preload(["policy.batch"])  # each worker starts with the engine imported
                multiprocessing.forkserver.ensure_running()  # before the mask below: it would inherit it
            with _stops_not_heard_here():
                _pool = _WorkerPool(_workers(), _start_worker, context=context)  # stopped by _at_exit
        return _pool


_STOPS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def _stops_not_heard_here() -> Iterator[None]:
    """The pool's own threads, made in here, never take a stop signal. A signal to the process goes to any one of
    its threads that does not block it, and Python runs its handler only once the main thread wakes: a main thread
    asleep on a lock (as a server waiting to stop) slept on after a SIGTERM one of the pool's threads had taken, and
    the app never ended (2 stops in about 130 beside the test suite). A thread inherits the mask of its maker."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def run_batch(source: IO[str], target: IO[str], basis: Basis,
              progress: Optional[Callable[[int], object]] = None, keep: Optional[Keep] = None,
              workers: Optional[int] = None, date_order: Optional[DateOrder] = None) -> BatchResult:
    """Quote every row of `source` into `target` under `basis`: a row with a payment date and no days counts them
    to `basis.as_of` (the run's day). A file that cannot be read as a CSV of scenarios raises InputError naming the
    line; the caller writes to a temporary file, so nothing partial is left. `progress` hears the rows done after
    each chunk; `keep` is handed every row's Quote (in this process). `date_order`: how the file writes a slashed
    date ('dmy' or 'mdy'); without it an ambiguous one is an error.

    A large file streams through the shared worker processes in chunks, in order: reading, quoting and writing
    overlap, and the workers write the output text."""
    result = BatchResult()
    reader = None
    try:
        delimiter, header, layout = _find_header(source, result)
        result.dated = any(name == "paid_on" for _, name in layout.positions)
        job = Job(layout, Reading(layout.positions, dict(layout.columns),
                                  Readers.of(basis.catalog.on(basis.as_of), date_order), basis.as_of), basis)
        reader = csv.reader(source, delimiter=delimiter)
        writer(target).writerow([SHEET_ROW, *(safe_cell(header[i]) for i in layout.kept), *QUOTE_COLUMNS])
        lines = _rows(reader, result, next((i for i, name in layout.positions if name == "provider"), 0))
        head = list(islice(lines, PARALLEL_FROM_ROWS))
        chunks = _chunks(chain(head, lines), CHUNK_ROWS)
        if workers is None:
            workers = 1 if keep is not None else _workers()  # keep hears every quote in this process
        if workers > 1 and len(head) == PARALLEL_FROM_ROWS:
            starting = start_pool_soon()
            while starting.is_alive():  # until the workers are up (a few tenths of a second), this process quotes
                chunk = next(chunks, None)
                if chunk is None:
                    break
                _write(target, _output_text(chunk, job), result, progress)
            blob = pickle.dumps(job)
            token = hashlib.sha256(blob).hexdigest()
            for part in shared_pool().imap(_output_chunk, ((token, blob, chunk) for chunk in chunks)):
                _write(target, part, result, progress)
        else:
            for chunk in chunks:
                _write(target, _output_text(chunk, job, keep), result, progress)
        if not result.rows:  # a header alone was "0 rows read" on the command line, and a fault on the page
            raise InputError("file", _no_rows(result))
    except UnicodeDecodeError:
        raise NotText(getattr(source, "encoding", "utf-8")) from None
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            message = f"a cell is longer than {CELL_LIMIT:,} characters, the most a cell may hold"
        raise InputError("file", f"line {_line(reader) + result.header_row}: {message}") from None
    return result


def _no_rows(result: BatchResult) -> str:
    skipped = [f"{counted(result.blank_lines, 'blank row')}"] if result.blank_lines else []
    skipped += [f"{'a row' if len(result.total_rows) == 1 else 'rows'} of totals"] if result.total_rows else []
    under = f", only {' and '.join(skipped)}" if skipped else ""
    return (f"has no row to quote under its header (row {result.header_row}){under}: add a row for each case, as the "
            "template has them")


WORKBOOK_SUFFIX = ".xlsx"  # a target so named gets the results as a workbook (results_workbook), else the CSV


def quote_file(source: Path, target: Path, label: str, mode: int = 0o644, progress: Optional[Callable[[int], object]] = None,
               keep: Optional[Keep] = None, *, basis: Basis, date_order: Optional[DateOrder] = None) -> BatchResult:
    """quote_into a file, for the command line and the batch page alike. The output is written beside the target
    and moved into place whole: a failed run leaves no partial file (an old one stays). A target named .xlsx gets
    the CSV's rows as a workbook, made from the CSV once it is whole."""
    def quoted_into(out: IO[bytes]) -> BatchResult:
        text = io.TextIOWrapper(out, newline="", encoding=FILE_ENCODING)
        try:
            return quote_into(source, text, label, basis, progress=progress, keep=keep, date_order=date_order)
        finally:
            text.flush()
            text.detach()  # the file stays open: its owner closes it

    if target.suffix.lower() != WORKBOOK_SUFFIX:
        with _written_whole(target, mode) as fout:
            return quoted_into(fout)
    from .results_workbook import write_results_xlsx  # it reads the batch's report: imported here, not in a cycle

    with tempfile.TemporaryFile() as held:
        result = quoted_into(held)
        held.seek(0)
        with _written_whole(target, mode) as fout:
            write_results_xlsx(held, fout, date_order)
    return result


@contextlib.contextmanager
def _written_whole(target: Path, mode: int) -> Iterator[IO[bytes]]:
    """A file written beside `target` and moved into place once whole; removed if the writing fails."""
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent.resolve())
    try:
        with os.fdopen(fd, "wb") as fout:
            yield fout
        os.chmod(temp, mode)  # mkstemp's file is owner-only; the output is an ordinary file
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def quote_into(source: Path, target: IO[str], label: str, basis: Basis, progress: Optional[Callable[[int], object]] = None,
               keep: Optional[Keep] = None, date_order: Optional[DateOrder] = None) -> BatchResult:
    """run_batch of a file: a CSV, or an Excel workbook, whose sheet of cases is read as one (workbook.excel_to_csv:
    the command line read only CSV, and said an .xlsx was 'not utf-8 text'). `label` names the file in an error."""
    with contextlib.ExitStack() as stack:
        read: Optional[SheetRead] = None
        if _workbook(source):
            sheet = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="refund-sheet-"))) / "sheet.csv"
            read = excel_to_csv(source.read_bytes(), sheet, is_header=names_a_field)
            source = sheet
        try:
            with open_csv(source) as fin:
                result = run_batch(fin, target, basis, progress=progress, keep=keep, date_order=date_order)
                western = fin.encoding == WESTERN
        except NotText as exc:
            raise not_text(source, label, exc) from None
    totals = {row for row, _ in result.total_rows}
    # the sheet's rows that are not cases: its title and header, its rows of totals
    said = [] if read is None else read.said(lambda row: row <= result.header_row or row in totals)
    result.notices[:0] = [*said, *([WESTERN_SAID] if western else [])]
    return result


ZIP_START = b"PK\x03\x04"  # an .xlsx is a zip
OLD_EXCEL_START = b"\xd0\xcf\x11\xe0"  # an .xls (Excel 97-2003): a compound file


def _workbook(source: Path) -> bool:
    """Whether the file is an Excel workbook (by its first bytes, or its name for one too damaged to tell). An old
    .xls is refused in words (it read as 'line 1 is not utf-8 text')."""
    with source.open("rb") as f:
        start = f.read(4)
    if start == OLD_EXCEL_START:
        raise InputError("file", "is an Excel 97-2003 workbook (.xls), which is not read; save it as .xlsx, or as CSV "
                                 "UTF-8")
    return start == ZIP_START or source.suffix.lower() == ".xlsx"


def names_a_field(cells: list[str]) -> bool:
    """Whether a row of cells is a header: it names a scenario field (a title or a cover page names none)."""
    return any(header_field(c) in SCENARIO_COLUMNS for c in cells)


def not_text(source: Path, label: str, exc: NotText) -> InputError:
    """The error for a file that is not text, naming the line where it stops being so."""
    line = first_undecodable_line(source, exc.encoding)
    where = f"line {line}" if line else "somewhere"
    return InputError(label, f"{where} is not {exc.encoding} text; save the file as UTF-8 (in Excel: CSV UTF-8) or UTF-16")


class NotText(Exception):
    """The input holds bytes that are not text in its encoding; the caller, which has the file, says where."""

    def __init__(self, encoding: str):
        super().__init__(encoding)
        self.encoding = encoding


def _line(reader: Optional[_csv.Reader]) -> int:
    return reader.line_num if reader is not None else 0


def _rows(reader: _csv.Reader, result: BatchResult, provider_at: int) -> Iterator[Numbered]:
    """The rows, each with its row number as a spreadsheet shows the file (the header is row 1). A blank line,
    or one of empty cells only (Excel writes ",,," for an empty row it formatted), is not a row: counted, and
    said, but it keeps its number, so row 5 is the fifth row in Excel. Nor is a sheet's row of totals (its first
    cell 'Total', no provider of its own): it was five errors of a row that is no case (a walkthrough)."""
    for number, cells in enumerate(reader, result.header_row + 1):
        if cells and (cells[0].strip() or any(c.strip() for c in cells)):
            if _totals(cells, provider_at):
                result.total_rows.append((number, next(c for c in cells if c.strip()).strip()))
                continue
            yield number, cells
        else:
            result.blank_lines += 1


TOTAL_WORDS = frozenset(("total", "totals", "grand total", "subtotal", "sub-total", "sum"))


def _totals(cells: list[str], provider_at: int) -> bool:
    """Whether a row is a sheet's row of totals: its first cell with text says so, and it names no provider but
    that word (checked only on a first cell that could be such a word: every row passes here)."""
    first = cells[0] if cells[0].strip() else next(c for c in cells if c.strip())
    if len(first) > 16 or first.strip().rstrip(":").casefold() not in TOTAL_WORDS:
        return False
    provider = cells[provider_at].strip() if provider_at < len(cells) else ""
    return provider in ("", first.strip())


def _chunks(items: Iterator[Numbered], size: int) -> Iterator[list[Numbered]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _write(target: IO[str], part: Part, result: BatchResult,
           progress: Optional[Callable[[int], object]] = None) -> None:
    text, rows, bad, sums, orders, (planned, planned_rows) = part
    for order, first in orders.items():
        result.date_orders.setdefault(order, first)  # chunks come in the file's order: the first stays first
    result.planned += planned
    result.planned_rows += planned_rows[:NAMED_MAX - len(result.planned_rows)]
    target.write(text)
    result.rows += rows
    result.errors += len(bad)
    _add_sums(result.sums, sums)
    for number, problems in bad:
        result.heard(number, problems)
    if progress is not None:
        progress(result.rows)
