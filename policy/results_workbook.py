"""A batch's results as an Excel workbook (.xlsx): the same rows as its CSV, as a person reads them.

A CSV opens by the separator and decimal mark of the spreadsheet's locale: a European Excel (list separator ';')
put each line of the comma-separated results in one cell, and read 1875.00 as text (a walkthrough). A workbook says
what each cell is: the refunds are numbers shown in dollars, the request day a date, the verdicts, stages and facts
in words, the columns headed as the page heads them, the file's own amounts, percents, dates and yes/no as the batch
read them, and every other cell text, never a formula.

Written here, not by openpyxl or XlsxWriter: 100,000 rows of 21 columns took them 16.2 s and 9.6 s, and both take an
amount as a float; this writes each amount's exact decimal text, streamed into the zip (memory stays flat): 4.2-4.4 s
for the benchmark's 100,000 rows of 28 columns on the same machine.
The CSV stays the contract (decisions.md 3); this is a view of it, row for row.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import IO, Any, Optional
from xml.sax.saxutils import escape

from .batch import header_field
from .batch_report import NOT_QUOTED, facts_in_words, listed_positions, stage_words
from .cells import DateOrder, day, money, percent, truth, whole_days
from .explain import label_of
from .export import QUOTE_HEADINGS
from .fields import BY_NAME
from .spreadsheet import original_cell

SHEET = "Results"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"  # its media type
CELL_MAX = 32_767  # the most characters an Excel cell holds; the CSV keeps a longer cell whole
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold
_EPOCH = date(1899, 12, 30).toordinal()  # Excel's day 0 (its 1900 calendar, as every spreadsheet reads it)

# the cell styles of styles.xml, by their index
TEXT, DOLLARS, PERCENT, DAY, HEADING = range(5)


def _column_name(n: int) -> str:
    """0 -> A, 26 -> AA."""
    name = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def _styled(style: int) -> str:
    return f' s="{style}"' if style else ""


def _text(ref: str, value: str, style: int = TEXT) -> str:
    """A text cell (an inline string: never read as a formula or a number)."""
    if not value:
        return ""
    value = _NOT_XML.sub("", value[:CELL_MAX])
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<c r="{ref}" t="inlineStr"{_styled(style)}><is><t{space}>{escape(value)}</t></is></c>'


def _number(ref: str, text: str, style: int = TEXT) -> str:
    """A number cell of a decimal text as the CSV wrote it: exact, no float on the way."""
    if not text:
        return ""
    return f'<c r="{ref}"{_styled(style)}><v>{text}</v></c>'


def _fraction(percent_value: Decimal) -> str:
    """A percent (37.50) as the fraction Excel shows as 37.50%."""
    return str(percent_value.scaleb(-2))


def _serial(day_value: date) -> str:
    """A day as Excel's serial number of it."""
    return str(day_value.toordinal() - _EPOCH)


def _share(text: str) -> str:
    return _fraction(Decimal(text)) if text else ""


def _day(text: str) -> str:
    return _serial(date.fromisoformat(text)) if text else ""


# How each quote column is written: (style, the cell's value from its CSV text); a number style writes a number.
_NUMBERS: dict[str, tuple[int, Callable[[str], str]]] = {
    "sheet_row": (TEXT, str), "days_counted": (TEXT, str),
    "refund_min": (DOLLARS, str), "refund_max": (DOLLARS, str),
    "refund_pct_min": (PERCENT, _share), "refund_pct_max": (PERCENT, _share),
    "requested_on": (DAY, _day), "ask_by": (DAY, _day), "ask_by_day": (TEXT, str),
    "refund_min_after": (DOLLARS, str), "refund_max_after": (DOLLARS, str),
}
_WORDS: dict[str, Callable[[str], str]] = {"placed_stage": stage_words, "depends_on": facts_in_words}


def _read_as(read: Callable[[str], object], shown: Callable[[Any], str]) -> Callable[[str], Optional[str]]:
    """A file's cell of a scenario field as the batch reads it, for a typed cell; None where it cannot be read (the
    cell stays text, as written)."""
    def cell(text: str) -> Optional[str]:
        try:
            return shown(read(text.strip()))
        except (ValueError, ArithmeticError):
            return None
    return cell


# The file's own cells of these kinds, typed as the batch read them: a workbook's numbers, dates and TRUE/FALSE came
# back as text (Excel's "number stored as text": no sum, no sort, a walkthrough). An ambiguous slashed date stays text.
Typed = dict[str, tuple[int, Callable[[str], Optional[str]]]]
_TYPED: Typed = {
    "money": (DOLLARS, _read_as(money, str)),
    "percent": (PERCENT, _read_as(percent, _fraction)),
    "days": (TEXT, _read_as(whole_days, str)),
    "date": (DAY, _read_as(day, _serial)),
}


def _typed_in(order: Optional[DateOrder]) -> Typed:
    """_TYPED with slashed dates read in the order the batch was told (its 03/04/2026 stayed text, a walkthrough)."""
    return _TYPED if order is None else {**_TYPED, "date": (DAY, _read_as(lambda text: day(text, order), _serial))}
_TRUTHS = {"tristate", "flag", "next_charge_avoided"}  # field kinds, and a quote column, written as TRUE/FALSE cells
_WIDE = {"error": 60, "assumed": 45, "depends_on": 30, "verdict": 22, "sections": 18}


def _truth(ref: str, text: str) -> str:
    try:
        return f'<c r="{ref}" t="b"><v>{int(truth(text.strip()))}</v></c>'
    except ValueError:
        return _text(ref, text)


def _typed(ref: str, text: str, kind: str, typed: Typed) -> str:
    style, read = typed[kind]
    value = read(text)
    return _text(ref, text) if value is None else _number(ref, value, style)


def _row_xml(number: int, letters: list[str], kinds: list[str], values: list[str], error: str, typed: Typed) -> str:
    parts = []
    for letter, kind, value in zip(letters, kinds, values):
        if not value and kind != "verdict":
            continue
        ref = f"{letter}{number}"
        if kind in typed:
            parts.append(_typed(ref, value, kind, typed))
        elif kind in _TRUTHS:
            parts.append(_truth(ref, value))
        elif kind in _NUMBERS:
            style, read = _NUMBERS[kind]
            parts.append(_number(ref, read(value), style))
        elif kind == "verdict":
            parts.append(_text(ref, NOT_QUOTED if error else label_of(value) if value else ""))
        elif kind in _WORDS:
            parts.append(_text(ref, _WORDS[kind](value)))
        else:
            parts.append(_text(ref, value))
    return f'<row r="{number}">{"".join(parts)}</row>'


def _field_kind(heading: str) -> str:
    """The kind of the scenario field a file's column is read as, where its cells are typed ('' for text)."""
    name = header_field(heading)
    kind = BY_NAME[name].kind if name in BY_NAME else ""
    return kind if kind in _TYPED or kind in _TRUTHS else ""


def _sheet(output_csv: IO[bytes], order: Optional[DateOrder] = None) -> Iterator[str]:
    reader = csv.reader(io.TextIOWrapper(output_csv, encoding="utf-8-sig", newline=""))
    header = [original_cell(c) for c in next(reader, [])]
    at = listed_positions(header)  # the file's columns by position: two of one name are two columns
    quote_columns = {*QUOTE_HEADINGS, "sheet_row"}
    # a quote column written by the batch (the last of its name: an output read again keeps the file's own before it)
    kinds = [header[i] if header[i] in quote_columns and i == len(header) - 1 - header[::-1].index(header[i]) else
             _field_kind(header[i]) for i in at]
    headings = ["Row" if kind == "sheet_row" else QUOTE_HEADINGS[kind] if kind in quote_columns else header[i]
                for i, kind in zip(at, kinds)]
    error_at = len(header) - 1 - header[::-1].index("error") if "error" in header else None
    widths = "".join(f'<col min="{n + 1}" max="{n + 1}" width="{_WIDE.get(kind, 8 if kind == "sheet_row" else 14)}"/>'
                     for n, kind in enumerate(kinds))
    yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
           'state="frozen"/></sheetView></sheetViews>'  # the headings stay in view
           f'<cols>{widths}</cols><sheetData>')
    yield '<row r="1">' + "".join(_text(f"{_column_name(i)}1", h, HEADING) for i, h in enumerate(headings)) + "</row>"
    letters = [_column_name(n) for n in range(len(at))]
    typed = _typed_in(order)
    rows = 1
    for cells in reader:
        rows += 1
        values = [original_cell(cells[i]) if i < len(cells) else "" for i in at]
        error = cells[error_at] if error_at is not None and error_at < len(cells) else ""
        yield _row_xml(rows, letters, kinds, values, error, typed)
    yield f'</sheetData><autoFilter ref="A1:{_column_name(len(at) - 1)}{rows}"/></worksheet>'


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="&quot;$&quot;#,##0.00"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/>'
    '</font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{SHEET}" sheetId="1" r:id="rId1"/></sheets>'
        f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">{SHEET}!$A$1</definedName>'
        '</definedNames></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>'),
    "xl/styles.xml": _STYLES,
}


def write_results_xlsx(output_csv: IO[bytes], target: IO[bytes], order: Optional[DateOrder] = None) -> None:
    """The workbook of a batch's output CSV (as `python -m policy batch` writes it, read from its start), into
    `target`; `order`: how the batch was told the file writes a slashed date."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, text in _PARTS.items():
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for part in _sheet(output_csv, order):
                sheet.write(part.encode("utf-8"))


def results_xlsx(output_csv: bytes, order: Optional[DateOrder] = None) -> bytes:
    out = io.BytesIO()
    write_results_xlsx(io.BytesIO(output_csv), out, order)
    return out.getvalue()
