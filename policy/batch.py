"""Quote a CSV of scenarios: the same rows out, in the same order, with the quote columns added.

A bad row keeps its place and gets an `error` saying what is wrong; it is never dropped. Each row is quoted by
quote() and written through export.quote_row, so a batch row says what the JSON of the same scenario says.
"""
from __future__ import annotations

import codecs
import csv
import io
import multiprocessing
import os
import re
import signal
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import IO, Optional

from .errors import InputError
from .export import QUOTE_COLUMNS, error_row, quote_row
from .fields import FIELDS, NAMES, REQUIRED
from .models import Quote
from .quoting import parse_scenario, quote
from .records import RECORD_FIELDS, RECORD_NAMES, checked_record
from .spreadsheet import safe_cell, writer
from .versions import Basis

_BLANK = ("", "null", "none", "unknown")
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
CELL_LIMIT = csv.field_size_limit()


def canonical(name: str) -> str:
    """'  Amount Paid ' -> 'amount_paid': how a header cell is matched to a field."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


# Every spelling a header may use for a column: the field's name, its label and its command-line flags.
HEADER_NAMES: dict[str, str] = {
    **{canonical(flag): f.name for f in FIELDS for flag in f.cli},
    **{canonical(f.label): f.name for f in FIELDS},
    **{canonical(c): c for c in QUOTE_COLUMNS},
    **{canonical(h): r.name for r in RECORD_FIELDS for h in (r.label, *r.headers)},  # who and what a row is for
    **{name: name for name in NAMES},
}


@dataclass(frozen=True)
class Layout:
    """Where things are in the input's lines, worked out once from the header."""

    width: int  # cells in the header; a longer line is an error
    positions: tuple[tuple[int, str], ...]  # (cell index, scenario field)
    kept: tuple[int, ...]  # cells copied to the output (stale quote columns are replaced)
    records: tuple[tuple[int, str], ...] = ()  # (cell index, record field): client name, reference, note


@dataclass
class BatchResult:
    rows: int = 0
    errors: int = 0
    passed_through: list[str] = field(default_factory=list)  # columns that are not scenario fields
    notices: list[str] = field(default_factory=list)  # how the header was read, where not as written
    blank_lines: int = 0

    def said(self) -> list[str]:
        """How the file was read where not as written, for the command line and the page alike."""
        passed = [passed_through(self.passed_through)] if self.passed_through else []
        blank = [f"{self.blank_lines:,} blank row(s) skipped (a row of empty cells is not a case)"] if self.blank_lines else []
        return [*self.notices, *passed, *blank]


NAMED_MAX = 10  # columns a notice names; the rest are counted
NAME_SHOWN = 60  # characters of a column's name a notice shows


def passed_through(columns: list[str]) -> str:
    """One sentence for the columns that are not scenario fields, however many (a sheet of thousands of columns
    made thousands of lines on the page), each name cut to a readable length."""
    names = [repr(c if len(c) <= NAME_SHOWN else c[:NAME_SHOWN] + "...") for c in columns[:NAMED_MAX]]
    more = f" and {len(columns) - NAMED_MAX:,} more" if len(columns) > NAMED_MAX else ""
    if len(columns) == 1:
        return f"column {names[0]} is not a scenario field; passed through"
    return f"{len(columns):,} columns are not scenario fields; passed through: {', '.join(names)}{more}"


def open_csv(path: Path) -> IO[str]:
    """The file as text: UTF-8 (with or without a byte-order mark), or UTF-16 (Excel's 'Unicode text')."""
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(head) >= 2 and (head[0] == 0) != (head[1] == 0):  # ASCII in UTF-16 without a byte-order mark
        encoding = "utf-16-be" if head[0] == 0 else "utf-16-le"
    else:
        encoding = "utf-8"
    return path.open(newline="", encoding=encoding, errors="strict")


def first_undecodable_line(path: Path, encoding: str) -> Optional[int]:
    """The line number holding the first bytes that do not decode (the text reader reads ahead in blocks, so
    its own position cannot say)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line = 1
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            for i in range(0, len(block), 256):
                piece = block[i:i + 256]
                try:
                    line += decoder.decode(piece).count("\n")
                except UnicodeDecodeError as exc:
                    return line + decoder.decode(piece[: exc.start]).count("\n") if exc.start else line
    return None


def _given(cells: list[str], positions: tuple[tuple[int, str], ...]) -> dict:
    """CSV cells -> scenario input: blank or 'unknown' means not given (a short line lacks some)."""
    data = {}
    for i, name in positions:
        if i < len(cells):
            cell = cells[i].strip()
            if cell and cell.lower() not in _BLANK:
                data[name] = cell
    return data


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
    expected = ", ".join(REQUIRED)
    if best_known == 0:
        shown = line.strip()[:120]
        raise InputError("header", f"the first line holds {shown!r}, which names no scenario field; expected "
                                   f"comma-separated column names such as {expected}")
    if best != ",":
        result.notices.append(f"read as {DELIMITERS[best]}-separated")
    seen: dict[str, int] = {}
    positions, kept, records = [], [], []
    for i, cell in enumerate(best_cells):
        name = HEADER_NAMES.get(canonical(cell))
        if name is None:
            result.passed_through.append(cell)
        elif cell != name:
            result.notices.append(f"column {cell!r} read as {name}")
        if name in seen:
            raise InputError("header", f"column {name} appears twice (columns {seen[name] + 1} and {i + 1}); keep one")
        if name is not None:
            seen[name] = i
        if name in NAMES:
            positions.append((i, name))
        if name in RECORD_NAMES:
            records.append((i, name))
        if name not in QUOTE_COLUMNS:
            kept.append(i)
    missing = [n for n in REQUIRED if n not in seen]
    if missing:
        raise InputError("header", f"has no column {', '.join(missing)}; it holds {', '.join(best_cells)}; "
                                   f"every row needs {expected}")
    return best, best_cells, Layout(len(best_cells), tuple(positions), tuple(kept), tuple(records))


Numbered = tuple[int, list[str]]  # a row's cells with its row number in a spreadsheet
Keep = Callable[[int, Optional[Quote], dict[str, str]], None]  # (spreadsheet row, its quote or None, its record)


def _row(cells: list[str], layout: Layout, basis: Basis, keep: Optional[Keep] = None, number: int = 0) -> list[str]:
    made: Optional[Quote] = None
    record: dict[str, str] = {}
    if len(cells) > layout.width:
        quoted = error_row(f"row: has {len(cells) - layout.width} more cell(s) than the header")
    else:
        try:
            record = checked_record({name: cells[i] for i, name in layout.records if i < len(cells)})
            made = quote(parse_scenario(_given(cells, layout.positions), basis), basis)
            quoted = quote_row(made)
        except InputError as exc:
            quoted = error_row(str(exc))
    if keep is not None:
        keep(number, made, record)
    kept = [cells[i] if i < len(cells) else "" for i in layout.kept]
    return [safe_cell(c) for c in chain(kept, quoted.values())]


def _output_text(lines: list[Numbered], layout: Layout, basis: Basis,
                 keep: Optional[Keep] = None) -> tuple[str, int, int]:
    """Numbered lines in, the output CSV text of those lines out, with (rows, rows with an error)."""
    buffer = io.StringIO()
    w = writer(buffer)
    errors = 0
    for number, cells in lines:
        out = _row(cells, layout, basis, keep, number)
        errors += bool(out[-1])
        w.writerow(out)
    return buffer.getvalue(), len(lines), errors


_worker_basis: Optional[Basis] = None  # set once in each worker process, by the pool's initializer


def _start_worker(basis: Basis) -> None:
    """A worker's start. Its signal handlers are the defaults again: forked from a server (the app's), it
    inherited the server's SIGTERM handler, which only says "Stopping...", so the pool's terminate() at the end
    waited for it forever and the batch page hung."""
    global _worker_basis
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, signal.SIG_DFL)
    _worker_basis = basis


def _output_chunk(job: tuple[list[Numbered], Layout]) -> tuple[str, int, int]:
    """A worker's share: raw lines in (cheaper to send than dicts), finished CSV text back (one string is
    far cheaper to send than rows of cells); the catalog came with the fork, not through a pipe."""
    lines, layout = job
    assert _worker_basis is not None, "a worker quotes only under the basis its pool started it with"
    return _output_text(lines, layout, _worker_basis)


CHUNK_ROWS = 4000
PARALLEL_FROM_ROWS = 2 * CHUNK_ROWS


def _workers() -> int:
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def run_batch(source: IO[str], target: IO[str], basis: Basis,
              progress: Optional[Callable[[int], object]] = None, keep: Optional[Keep] = None,
              workers: Optional[int] = None) -> BatchResult:
    """Quote every row of `source` into `target`. A file that cannot be read as a CSV of scenarios raises
    InputError naming the line; the caller writes to a temporary file, so nothing partial is left.
    `progress` hears the rows done after each chunk; `keep` is handed every row's Quote (in this process).

    A large file streams through worker processes in chunks, in order: reading, quoting and writing overlap,
    and the workers write the output text."""
    result = BatchResult()
    reader = None
    try:
        first = source.readline()
        if not first.strip():
            raise InputError("input", "the CSV is empty; the first line must name the scenario fields")
        delimiter, header, layout = _read_header(first, result)
        reader = csv.reader(source, delimiter=delimiter)
        writer(target).writerow([safe_cell(header[i]) for i in layout.kept] + list(QUOTE_COLUMNS))
        lines = _rows(reader, result)
        head = list(islice(lines, PARALLEL_FROM_ROWS))
        chunks = _chunks(chain(head, lines), CHUNK_ROWS)
        if workers is None:
            workers = 1 if keep is not None else _workers()  # keep hears every quote in this process
        if workers > 1 and len(head) == PARALLEL_FROM_ROWS:
            with multiprocessing.get_context("fork").Pool(workers, _start_worker, (basis,)) as pool:
                parts = pool.imap(_output_chunk, ((chunk, layout) for chunk in chunks))
                for part in parts:
                    _write(target, part, result, progress)
        else:
            for chunk in chunks:
                _write(target, _output_text(chunk, layout, basis, keep), result, progress)
    except UnicodeDecodeError:
        raise NotText(getattr(source, "encoding", "utf-8")) from None
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            message = f"a cell is longer than {CELL_LIMIT:,} characters, the most a cell may hold"
        raise InputError("file", f"line {_line(reader) + 1}: {message}") from None
    return result


def quote_file(source: Path, target: Path, label: str, mode: int = 0o644, progress: Optional[Callable[[int], object]] = None,
               keep: Optional[Keep] = None, *, basis: Basis) -> BatchResult:
    """run_batch from a file to a file, for the command line and the batch page alike. The output is written
    beside the target and moved into place whole: a failed run leaves no partial file (an old one stays)."""
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent.resolve())
    try:
        with open_csv(source) as fin, os.fdopen(fd, "w", newline="", encoding="utf-8") as fout:
            result = run_batch(fin, fout, basis, progress=progress, keep=keep)
        os.chmod(temp, mode)  # mkstemp's file is owner-only; the output is an ordinary file
        os.replace(temp, target)
    except NotText as exc:
        Path(temp).unlink(missing_ok=True)
        raise not_text(source, label, exc) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return result


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


def _line(reader) -> int:
    return reader.line_num if reader is not None else 0


def _rows(reader, result: BatchResult) -> Iterator[Numbered]:
    """The rows, each with its row number as a spreadsheet shows the file (the header is row 1). A blank line,
    or one of empty cells only (Excel writes ",,," for an empty row it formatted), is not a row: counted, and
    said, but it keeps its number, so row 5 is the fifth row in Excel."""
    for number, cells in enumerate(reader, 2):
        if cells and (cells[0].strip() or any(c.strip() for c in cells)):
            yield number, cells
        else:
            result.blank_lines += 1


def _chunks(items: Iterator[Numbered], size: int) -> Iterator[list[Numbered]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _write(target: IO[str], part: tuple[str, int, int], result: BatchResult,
           progress: Optional[Callable[[int], object]] = None) -> None:
    text, rows, errors = part
    target.write(text)
    result.rows += rows
    result.errors += errors
    if progress is not None:
        progress(result.rows)
