"""CSV that is safe to open in a spreadsheet: no cell runs as a formula, no cell splits a record.

OWASP's advice for CSV injection: a cell that begins with = + - @, a tab or a carriage return is prefixed with a
single quote, so a spreadsheet shows it as text instead of running it; but a plain signed number (-300, +1.5,
-1,200.00, -$7,547.00), which a spreadsheet reads as the number and which can run nothing (a user saw '-300 in their data).
Every cell written is treated so, the cells passed through from the input and the fields echoed from it alike. A
cell that already begins with a quote gets one more, so the guard can be taken off exactly (original_cell) where a
file is read back as data.
"""
from __future__ import annotations

import _csv
import csv
import io
import re
from collections.abc import Iterable
from typing import IO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# CRLF, as RFC 4180: the csv module then quotes any cell holding a CR or an LF, so a bare CR cannot split a row.
LINE_END = "\r\n"


# A CSV file a person opens begins with UTF-8's byte-order mark: Excel reads a CSV as UTF-8 only then (without it
# "Zoë" opens as "ZoÃ«", and every error's quotation marks garbled). Every reader here takes a file with or without it.
BOM = "\ufeff"
FILE_ENCODING = "utf-8-sig"  # writes the mark first


def for_excel(text: str) -> str:
    """A CSV's text as a file to download: the byte-order mark first (once)."""
    return text if text.startswith(BOM) else BOM + text


GUARD = "'"
_GUARDED = frozenset((*FORMULA_STARTS, GUARD))  # each one character: a cell's first is looked up, not scanned for


# ASCII digits, a dollar sign after the sign or none (-$7,547.00, a sheet's own way to write a debit); no formula has
# this form
_SIGNED_NUMBER = re.compile(r"[+-]\$?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


def safe_cell(value: str) -> str:
    return GUARD + value if value[:1] in _GUARDED and not _SIGNED_NUMBER.fullmatch(value) else value


def safe_cells(values: Iterable[str]) -> list[str]:
    """safe_cell of each (a batch writes millions: one comprehension, not a call per cell; the number's pattern is
    tried only on a cell that begins with a guarded character)."""
    return [GUARD + v if v[:1] in _GUARDED and not _SIGNED_NUMBER.fullmatch(v) else v for v in values]


def original_cell(cell: str) -> str:
    """The value safe_cell was given (safe_cell never leaves a lone quote in front of anything else)."""
    return cell[1:] if cell.startswith(GUARD) else cell


def writer(target: IO[str]) -> _csv.Writer:
    return csv.writer(target, lineterminator=LINE_END)


def write_rows(target: IO[str], rows: Iterable[Iterable[str]]) -> None:
    w = writer(target)
    for row in rows:
        w.writerow(safe_cells(row))


def rows_text(rows: Iterable[Iterable[str]]) -> str:
    buffer = io.StringIO()
    write_rows(buffer, rows)
    return buffer.getvalue()
