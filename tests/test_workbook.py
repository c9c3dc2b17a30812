"""Excel uploads within declared bounds: a workbook built to stall or swell a server (a million rows in 600 KB,
a zip that unpacks to gigabytes, a huge shared-string table, thousands of columns) is refused quickly, with the
bound it crossed named, memory flat and no partial file left; an ordinary one reads every cell as text."""
import io
import time
import tracemalloc
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from policy import InputError
from policy.workbook import COLUMNS_MAX, ROWS_MAX, excel_to_csv


def workbook(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def replaced(data: bytes, member: str, write) -> bytes:
    """The workbook with one member written anew by `write(stream)` (streamed: a big one is never held whole)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != member:
                target.writestr(item, source.read(item.filename))
        with target.open(member, "w", force_zip64=True) as stream:
            write(stream)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main"><sheetData>')
TAIL = b"</sheetData></worksheet>"


def sheet_of(rows: int, cells_per_row: int = 1):
    def write(stream):
        stream.write(HEAD)
        cells = b"".join(b'<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(cells_per_row))
        block = []
        for r in range(1, rows + 1):
            block.append(b'<row r="%d">%s</row>' % (r, cells))
            if len(block) == 10_000:
                stream.write(b"".join(block))
                block = []
        stream.write(b"".join(block) + TAIL)
    return write


def read(data: bytes, tmp_path: Path) -> list[str]:
    target = tmp_path / "out.csv"
    excel_to_csv(data, target)
    return target.read_text(encoding="utf-8").splitlines()


def refused(data: bytes, tmp_path: Path) -> tuple[str, float, int]:
    """The message, the seconds it took, and the peak bytes Python allocated in a second refusal (tracing
    allocations slows the code it traces, so the time is taken untraced)."""
    target = tmp_path / "out.csv"
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        excel_to_csv(data, target)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    with pytest.raises(InputError):
        excel_to_csv(data, target)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert caught.value.field == "file" and not target.exists()  # named, and no partial file
    return caught.value.message, seconds, peak


def test_every_cell_is_read_as_the_batch_reads_text(tmp_path):
    data = workbook(["provider", "amount_paid", "completion_pct", "paid_on", "first_time_client", "note"],
                    ["stepinto", 1200, 30.0, datetime(2026, 11, 3), True, None],
                    ["socialbeat", 1200.5, 12.5, date(2026, 11, 4), False, "x"])
    assert read(data, tmp_path) == ["provider,amount_paid,completion_pct,paid_on,first_time_client,note",
                                    "stepinto,1200,30,2026-11-03,true,", "socialbeat,1200.5,12.5,2026-11-04,false,x"]


def test_a_million_rows_in_a_small_file_are_refused_before_they_are_read(tmp_path):
    data = replaced(workbook(["provider"]), SHEET, sheet_of(1_000_000))
    assert len(data) < 4_000_000  # within the 50 MB upload limit by far: that limit alone does not bound the work
    message, seconds, peak = refused(data, tmp_path)
    assert f"has more than {ROWS_MAX:,} rows" in message and f"up to {ROWS_MAX:,} rows" in message
    assert seconds < 15 and peak < 64 * 2**20  # it took 137.7 s and 1.59 GB before


def test_a_zip_that_unpacks_too_large_is_refused_unopened(tmp_path):
    def zeros(stream):
        stream.write(HEAD)
        for _ in range(300):
            stream.write(b" " * 2**20)  # 300 MB of white space: a few hundred KB packed
        stream.write(TAIL)
    message, seconds, peak = refused(replaced(workbook(["provider"]), SHEET, zeros), tmp_path)
    assert "unpacks to 300 MB" in message and seconds < 5 and peak < 16 * 2**20


def test_a_huge_shared_string_table_is_refused(tmp_path):
    def strings(stream):
        stream.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        for _ in range(200_000):
            stream.write(b"<si><t>" + b"s" * 100 + b"</t></si>")
        stream.write(b"</sst>")
    message, _, peak = refused(replaced(workbook(["provider"], ["x"]), "xl/sharedStrings.xml", strings), tmp_path)
    assert "of text in its shared-string table" in message and peak < 16 * 2**20


def test_a_row_wider_than_the_batch_reads_is_refused_naming_it(tmp_path):
    data = replaced(workbook(["provider"]), SHEET, sheet_of(3, cells_per_row=COLUMNS_MAX + 1))
    message, _, _ = refused(data, tmp_path)
    assert f"row 1 has {COLUMNS_MAX + 1} columns" in message


def test_a_file_that_is_not_a_workbook_says_so(tmp_path):
    message, _, _ = refused(b"PK\x03\x04 not really a zip", tmp_path)
    assert message.startswith("is not an Excel workbook that can be read")


@pytest.mark.parametrize("value, number_format, read", [
    (0.4, "0%", "40%"), (0.125, "0.0%", "12.5%"), (1, "0%", "100%"), (0.4, "General", "0.4"),
    (8000, '"$"#,##0.00', "8000"), (0.05, '0.00" %"', "5%"),
    # a number shown in another currency keeps its symbol, which the batch refuses (it was read as dollars)
    (1234.5, "#,##0.00 [$€-407]", "€ 1234.5"), (2000, '"€"#,##0', "€ 2000"), (99, "£#,##0.00", "£ 99"),
    (1500, "[$CHF] #,##0.00", "CHF 1500"), (8000, "[$$-409]#,##0.00", "8000"), (8000, '#,##0.00 "USD"', "8000"),
])
def test_a_percent_cell_is_read_as_the_percent_it_shows(tmp_path, value, number_format, read):
    """Before: a cell showing 40% (stored 0.4) was quoted at 0.4% done."""
    book = Workbook()
    book.active.append(["completion_pct"])
    book.active.append([value])
    book.active["A2"].number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    excel_to_csv(buffer.getvalue(), tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text().splitlines()[1] == read


def test_a_batch_refuses_an_amount_its_workbook_shows_in_euros(tmp_path):
    """A walkthrough: a Price cell of 1234.5 shown as "1.234,50 €" was quoted as $1,234.50, where the same amount
    written "€ 1.234,50" in a CSV was refused."""
    from shipped import BASIS

    from policy.batch import quote_file

    book = Workbook()
    book.active.append(["provider", "service", "amount_paid", "completion_pct", "days_since_payment"])
    book.active.append(["stepinto", "ppc", 1234.5, 0, 1])
    book.active["C2"].number_format = "#,##0.00 [$€-407]"
    book.save(tmp_path / "in.xlsx")
    result = quote_file(tmp_path / "in.xlsx", tmp_path / "out.csv", "in.xlsx", basis=BASIS)
    [(_, [problem])] = result.problem_rows
    assert str(problem).startswith("amount_paid “€ 1234.5”: is not in dollars: every amount is in US dollars")


def test_a_formula_saved_without_its_value_is_read_as_its_formula_and_said(tmp_path):
    """A walkthrough's workbook, written by a program, held =HYPERLINK(...) as a client's name with no value saved:
    openpyxl reads such a cell as empty, and the client was quoted blank without a word."""
    data = workbook(["client_name", "amount_paid", "note"],
                    ['=HYPERLINK("http://example.com/x","Lumen Labs")', "=D2*2", "ok"],
                    ["Plain", 100, '=CONCAT("a", "b")'])
    target = tmp_path / "out.csv"
    said = excel_to_csv(data, target)
    assert target.read_text(encoding="utf-8").splitlines() == [
        "client_name,amount_paid,note", '"=HYPERLINK(""http://example.com/x"",""Lumen Labs"")",=D2*2,ok',
        'Plain,100,"=CONCAT(""a"", ""b"")"']
    assert said.said() == [
        '3 cells hold a formula saved without its value (the first: A2: =HYPERLINK("http://example.com/x","Lumen '
        'Labs")), as a program other than Excel may write them: each was read as its formula. Open the file in Excel '
        "and save it again, so that each cell holds its value"]


def test_a_formula_saved_with_its_value_is_read_as_that_value(tmp_path):
    """As Excel saves them: the value shown is the one read, and only those saved without one are said."""
    data = replaced(workbook(["client_name", "amount_paid"], ["x", 1]), SHEET, lambda stream: stream.write(
        HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>client_name</t></is></c><c r="B1" t="inlineStr"><is><t>'
               b'amount_paid</t></is></c></row><row r="2"><c r="A2" t="str"><f>UPPER("lumen")</f><v>LUMEN</v></c>'
               b'<c r="B2"><f>2*600</f><v>1200</v></c></row><row r="3"><c r="A3" t="str"><f>UPPER("bo")</f><v>BO'
               b'</v></c><c r="B3"><f>B2+1</f><v/></c></row>' + TAIL))
    target = tmp_path / "out.csv"
    said = excel_to_csv(data, target)
    # a cell with its value beside one without: each read as it is (a match never runs on into the next cell)
    assert target.read_text(encoding="utf-8").splitlines() == ["client_name,amount_paid", "LUMEN,1200", "BO,=B2+1"]
    assert said.unworked == ((3, "B3: =B2+1"),)
