"""An Excel workbook's sheet of cases (the first whose header names a field; a cover sheet may come before it) as
a CSV of text cells, read within declared bounds.

An .xlsx is a zip of XML: a few hundred kilobytes can unpack to gigabytes, or declare a million rows. So the
bounds are checked before the reading (what the zip says it unpacks to, the shared strings' size) and while it
streams (rows, columns, a cell's length), and the sheet is read a row at a time (openpyxl's read-only mode) and
written as it is read: memory stays flat whatever the file holds, and the first bound crossed ends the reading
with a message that names it.
"""
from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Optional
from xml.etree import ElementTree
from xml.sax.saxutils import unescape

from .errors import InputError
from .words import counted

ROWS_MAX = 200_000  # cases in one workbook (a CSV may hold more: the command line streams it)
COLUMNS_MAX = 64  # the batch reads 22 fields and a few of the rep's own columns
CELL_MAX = 32_767  # Excel's own limit for a cell
UNPACKED_MAX = 256 * 2**20  # bytes the whole zip may unpack to
SHARED_STRINGS_MAX = 16 * 2**20  # bytes of the shared-string table, which is read whole before the first row
CELLS_MAX = 6_000_000  # cells in the sheet (rows x columns of an ordinary one, with room to spare)
PART_MAX = 2**20  # bytes of the small parts read to find the sheets (workbook.xml and the relationships)
# a cell holding a formula and no value: <c r="C15"><f>HYPERLINK(...)</f><v/></c> (any prefix; a shared formula's
# cells hold <f t="shared" si="0"/>, its text is in the first). A formula's text holds no '<' (XML escapes it): a
# match never runs on into the next cell, and a cell with a value fails at once
UNWORKED = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})([0-9]+)"[^>]*>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?f>)'
                      rb'\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>')
FORMULAS_MAX = 100_000  # formulas without a value kept to read as their text
CELL_XML_MAX = 2**18  # bytes of one cell's XML carried to the next chunk, at most
TAGS = re.compile(rb"<(?:\w+:)?(row|c)[\s>/]")  # a row's or a cell's start in the sheet's XML, any prefix
LIMITS_SAID = (f"an Excel file may hold up to {ROWS_MAX:,} rows of up to {COLUMNS_MAX} columns, and unpack to at "
               f"most {UNPACKED_MAX // 2**20} MB")


def _refuse(why: str) -> InputError:
    return InputError("file", f"{why}; {LIMITS_SAID} (save a larger one as CSV UTF-8, or split it)")


def _unreadable(exc: BaseException) -> InputError:
    return InputError("file", f"is not an Excel workbook that can be read ({type(exc).__name__}); save it as "
                              ".xlsx or as CSV UTF-8")


def _check_package(data: bytes) -> None:
    """What the zip itself says, before any of it is unpacked (its sizes also cap what zipfile will unpack)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _unreadable(exc) from None
    unpacked = sum(m.file_size for m in members)
    if unpacked > UNPACKED_MAX:
        raise _refuse(f"unpacks to {unpacked / 2**20:,.0f} MB")
    strings = sum(m.file_size for m in members if m.filename.lower().endswith("sharedstrings.xml"))
    if strings > SHARED_STRINGS_MAX:
        raise _refuse(f"holds {strings / 2**20:,.0f} MB of text in its shared-string table")


def _part(package: zipfile.ZipFile, name: str) -> ElementTree.Element:
    if package.getinfo(name).file_size > PART_MAX:
        raise _refuse(f"its part {name} is larger than a workbook's ever is")
    return ElementTree.fromstring(package.read(name))


def _sheet_parts(package: zipfile.ZipFile) -> list[tuple[str, str]]:
    """Each sheet's name and part, in the order the workbook lists its sheets (read from its small XML parts)."""
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    targets = {r.get("Type", "").rsplit("/", 1)[-1]: r.get("Target", "") for r in _part(package, "_rels/.rels")}
    book = posixpath.normpath(targets["officeDocument"].lstrip("/"))
    folder, name = posixpath.split(book)
    links = {r.get("Id"): r.get("Target", "") for r in _part(package, posixpath.join(folder, "_rels", name + ".rels"))}
    parts = []
    for sheet in (e for e in _part(package, book).iter() if e.tag.endswith("}sheet")):
        target = links[sheet.get(rel)]
        parts.append((sheet.get("name", ""), posixpath.normpath(
            target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target))))
    if not parts:
        raise StopIteration("no sheet")
    return parts


def _sheets(data: bytes) -> list[tuple[str, str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        try:
            return _sheet_parts(package)[:SHEETS_LOOKED_AT]
        except (KeyError, StopIteration, ElementTree.ParseError, zipfile.BadZipFile, zlib.error) as exc:
            raise _unreadable(exc) from None


Unworked = dict[tuple[int, int], str]  # (row, column) -> the formula of a cell saved without its value


def _count_sheet(data: bytes, member: str) -> Unworked:
    """A sheet's rows and cells, counted in its XML as it unpacks (a megabyte at a time, before any of it is
    parsed): a sheet beyond the bounds is refused without being read. And its formulas saved without a value (a
    workbook written by a program, not by Excel): openpyxl reads them as empty cells, and a client's name made by
    =HYPERLINK() was quoted blank without a word (a walkthrough)."""
    rows = cells = 0
    tail = b""
    unworked: Unworked = {}
    carry = b""  # the cell the last chunk ended in
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        try:
            sheet = package.open(member)
        except (KeyError, zipfile.BadZipFile, NotImplementedError) as exc:
            raise _unreadable(exc) from None
        with sheet:
            while chunk := _read(sheet):
                buffer = tail + chunk
                for m in TAGS.finditer(buffer):
                    if m.end() > len(tail):  # not one counted in the chunk before
                        if m.group(1) == b"row":
                            rows += 1
                        else:
                            cells += 1
                if rows > ROWS_MAX + 1:  # the header is not a case
                    raise _refuse(f"has more than {ROWS_MAX:,} rows")
                if cells > CELLS_MAX:
                    raise _refuse(f"has more than {CELLS_MAX:,} cells")
                tail = buffer[-32:]
                carry = _unworked_in(carry + chunk, unworked)
    return unworked


def _unworked_in(xml: bytes, found: Unworked) -> bytes:
    """The formulas saved without a value in a stretch of a sheet's XML, added to `found`; the cell the stretch ends
    in, to be read with the next one."""
    if b"<f" in xml or b":f" in xml:
        from openpyxl.utils import column_index_from_string
        for m in UNWORKED.finditer(xml):
            if len(found) >= FORMULAS_MAX:
                raise _refuse(f"has more than {FORMULAS_MAX:,} formulas saved without their values: open it in "
                              "Excel and save it again, so that each cell holds its value")
            formula = unescape(m.group(3).decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"}) \
                if m.group(3) is not None else ""
            found[(int(m.group(2)), column_index_from_string(m.group(1).decode()))] = f"={formula}" if formula else "="
    end = xml.rfind(b"</c>")
    return xml[end + 4:] if end >= 0 else xml[-CELL_XML_MAX:]


def _read(sheet: IO[bytes]) -> bytes:
    """The next megabyte of a sheet as it unpacks; a damaged package (a bad checksum, a broken stream) is a file
    that cannot be read, said as such."""
    try:
        return sheet.read(2**20)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise _unreadable(exc) from None


# A number format's currency: '[$€-407]' (a symbol and a locale), '"€"' or '€', '[$EUR]'; '[$-409]' is a locale alone
_CURRENCY = re.compile(r'\[\$([^\]\-]+)(?:-[0-9A-Fa-f]+)?\]|"([^"]*[€£¥₹]|[A-Z]{3})"|([€£¥₹])')
_DOLLAR_SIGNS = {"$", "US$", "USD"}


def shown_currency(number_format: str) -> Optional[str]:
    """The currency other than dollars a number format shows its number in ('#,##0.00 [$€-407]': '€'), else None."""
    for match in _CURRENCY.finditer(number_format):
        symbol = next(g for g in match.groups() if g is not None).strip()
        if symbol and symbol not in _DOLLAR_SIGNS:
            return symbol
    return None


def cell_text(value: Any, number_format: str = "General") -> str:
    """A cell as the batch reads text, as the sheet shows it: a date cell as its ISO date, a percent cell (0.4
    shown as 40%) as its percent, a number shown in another currency with its symbol (1234.5 shown as "1.234,50 €"
    was quoted as $1,234.50 without a word, a walkthrough: the batch reads amounts in dollars only), a whole number
    without '.0', TRUE/FALSE as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) and "%" in number_format.replace('\\%', "").replace('"%"', ""):
        shown = (Decimal(repr(value)) * 100).normalize()
        return f"{shown:f}%"
    if isinstance(value, (int, float)) and (currency := shown_currency(number_format)) is not None:
        return f"{currency} {cell_text(value)}"
    if isinstance(value, datetime):  # every date the batch reads is a day: a cell's time of day is not asked for
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class SheetRead:
    """Which sheet of a workbook was read, and its rows (the header's included)."""
    rows: int
    name: str
    position: int  # 1 for the first
    sheets: int  # in the workbook (up to SHEETS_LOOKED_AT)
    unworked: tuple[tuple[int, str], ...] = ()  # (row, 'C15: =HYPERLINK(...)') of each cell holding a formula saved
    # without its value, in the sheet's order

    def said(self, skipped: Callable[[int], bool] = lambda row: False) -> list[str]:
        """Where another sheet than the first was read, which one and why (the first held a cover page); the cells
        read as their formulas, as no value was saved with them, of the rows not `skipped` (a row of totals whose
        =SUM() has no value is not read: to advise saving the file again for it misled, a walkthrough)."""
        said = [] if self.position == 1 else [
            f"sheet {self.name!r} read (sheet {self.position} of {self.sheets}): the first sheet with the column names "
            "of cases"]
        read = [cell for row, cell in self.unworked if not skipped(row)]
        if read:
            said.append(f"{counted(len(read), 'cell holds', 'cells hold')} a formula saved without its value (the first: "
                        f"{read[0]}), as a program other than Excel may write them: each was read as its "
                        "formula. Open the file in Excel and save it again, so that each cell holds its value")
        return said


SHEETS_LOOKED_AT = 20  # a workbook's sheets looked through for the one holding the cases
HEAD_ROWS = 11  # rows of a sheet looked at for its header (a title and a few lines may stand above it)


def excel_to_csv(data: bytes, target: Path, is_header: Optional[Callable[[list[str]], bool]] = None) -> SheetRead:
    """A sheet of an .xlsx written to `target` as CSV (CRLF, every cell as text): the first whose first HEAD_ROWS rows
    hold a row `is_header` accepts (a cover sheet before the cases), else the first. InputError naming the file and
    the bound where it cannot be read within them."""
    from openpyxl import load_workbook  # only a batch with a workbook needs it
    from openpyxl.utils import get_column_letter

    _check_package(data)
    listed = _sheets(data)
    counted: dict[str, Unworked] = {}

    def within_bounds(part: str) -> None:  # each sheet counted before openpyxl reads any of it, once
        if part not in counted:
            counted[part] = _count_sheet(data, part)

    within_bounds(listed[0][1])
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise _unreadable(exc) from None
    rows = width = 0
    try:
        parts = [(name, part) for name, part in listed if name in book.sheetnames and
                 hasattr(book[name], "iter_rows")] or listed[:1]  # worksheets, not charts
        position = 0
        if is_header is not None:
            def holds_cases(name: str, part: str) -> bool:
                within_bounds(part)
                return _holds_header(book[name], is_header)

            position = next((i for i, (name, part) in enumerate(parts) if holds_cases(name, part)), 0)
        within_bounds(parts[position][1])
        sheet = book[parts[position][0]] if parts[position][0] in book.sheetnames else book.worksheets[0]
        sheet.reset_dimensions()  # a sheet's declared size is not trusted: only the cells it holds are read
        unworked = counted[parts[position][1]]
        with target.open("w", encoding="utf-8", newline="") as f:
            out = csv.writer(f, lineterminator="\r\n")
            for row in sheet.iter_rows():
                rows += 1
                if rows > ROWS_MAX + 1:  # the header is not a case
                    raise _refuse(f"has more than {ROWS_MAX:,} rows")
                cells = [cell_text(c.value, getattr(c, "number_format", None) or "General") for c in row]
                if unworked:  # read as the formula's text: a cell refuses it, or shows it, and the notice says why
                    for i, c in enumerate(row):
                        cells[i] = unworked.get((getattr(c, "row", 0), getattr(c, "column", 0)), cells[i])
                while cells and cells[-1] == "":
                    cells.pop()
                if len(cells) > COLUMNS_MAX:
                    raise _refuse(f"row {rows} has {len(cells)} columns")
                width = width or len(cells)  # the header's: every row is written as wide (a blank row too)
                cells += [""] * (width - len(cells))
                for column, text in enumerate(cells, 1):
                    if len(text) > CELL_MAX:
                        raise _refuse(f"the cell in row {rows}, column {column} has {len(text):,} characters "
                                      f"(at most {CELL_MAX:,})")
                out.writerow(cells)
    except InputError:
        target.unlink(missing_ok=True)  # no partial file is left behind
        raise
    except Exception as exc:
        target.unlink(missing_ok=True)
        raise _unreadable(exc) from None
    finally:
        book.close()
    return SheetRead(rows, sheet.title, position + 1, len(parts),
                     tuple((row, f"{get_column_letter(column)}{row}: {unworked[row, column]}")
                           for row, column in sorted(unworked)))


def _holds_header(sheet: Any, is_header: Callable[[list[str]], bool]) -> bool:
    """Whether one of a sheet's first HEAD_ROWS rows is a header."""
    sheet.reset_dimensions()
    for row in sheet.iter_rows(max_row=HEAD_ROWS):
        cells = [cell_text(c.value) for c in row[:COLUMNS_MAX]]
        if is_header(cells):
            return True
    return False
