"""A batch's results as an Excel workbook: the CSV's rows, read back by openpyxl (another program's reading)."""
import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from shipped import SHIPPED

from policy.batch import run_batch
from policy.batch_report import NOT_QUOTED
from policy.cli import main
from policy.export import QUOTE_HEADINGS
from policy.results_workbook import CELL_MAX, results_xlsx
from policy.versions import Basis

SHEET = ("client_name,provider,service,amount_paid,completion_pct,paid_on,note\n"
         'Acme,socialbeat,website,5000,0,2026-11-28,"=HYPERLINK(""http://e.com"")"\n'
         "Bo,acme,website,5000,30,2026-11-28,bad provider\n"
         "Cy,stepinto,ppc,1200,0,2026-11-30, two spaces \x01\n")


def _output(text: str = SHEET) -> bytes:
    out = io.StringIO()
    run_batch(io.StringIO(text), out, Basis(SHIPPED, date(2026, 12, 1)))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))["Results"]


def test_every_row_of_the_csv_is_a_row_of_the_workbook_with_numbers_dates_and_words():
    output = _output()
    in_csv = list(csv.DictReader(io.StringIO(output.decode("utf-8-sig"))))
    ws = _sheet(results_xlsx(output))
    headings = [c.value for c in ws[1]]
    assert headings[:11] == ["Row", "client_name", "Verdict", "Refund min", "Refund max", "Ask by", "Refund min after",
                             "Refund max after", "Depends on (not given)", "Assumed (not given)", "Error"]
    assert set(QUOTE_HEADINGS.values()) <= set(headings)  # every quote column, headed as the page heads it
    rows = [dict(zip(headings, (c for c in r))) for r in ws.iter_rows(min_row=2)]
    assert [r["Row"].value for r in rows] == [int(r["sheet_row"]) for r in in_csv] == [2, 3, 4]  # none dropped
    first = rows[0]
    assert first["Refund min"].value == float(in_csv[0]["refund_min"]) and first["Refund min"].data_type == "n"
    assert first["Refund min"].number_format == '"$"#,##0.00'  # shown in dollars, in any locale's Excel
    assert first["Refund min (%)"].number_format == "0.00%"
    assert first["Refund min (%)"].value == pytest.approx(float(in_csv[0]["refund_pct_min"]) / 100)
    assert first["Request day"].value == datetime(2026, 12, 1) and first["Request day"].is_date
    assert first["Ask by"].value == datetime.fromisoformat(in_csv[0]["ask_by"]) and first["Ask by"].is_date
    assert first["Refund min after"].value == float(in_csv[0]["refund_min_after"])
    assert first["Refund min after"].number_format == '"$"#,##0.00'
    assert first["Ask by (days since payment)"].value == int(in_csv[0]["ask_by_day"])
    assert first["Verdict"].value == "Partial refund" and first["Stage"].value == "pre project"
    assert first["note"].value == '=HYPERLINK("http://e.com")' and first["note"].data_type == "s"  # text, not a formula
    assert rows[1]["Verdict"].value == NOT_QUOTED and rows[1]["Refund min"].value is None
    assert rows[1]["Error"].value == in_csv[1]["error"]
    assert rows[2]["note"].value == " two spaces "  # its spaces kept; a control character XML cannot hold left out
    assert rows[2]["Assumed (not given)"].value == in_csv[2]["assumed"] != ""


def test_the_files_own_cells_of_amounts_dates_percents_and_yes_no_are_typed_as_the_batch_read_them():
    """A walkthrough: a workbook's numbers, dates and TRUE/FALSE came back as text (no sum, no sort); a cell the
    batch could not read stays as written."""
    output = _output("Client,Price,Progress,Paid on,Started?,provider,service,days_since_payment\n"
                     'Acme,"$1,200.50",40%,2026-11-28,yes,stepinto,ppc,3\n'
                     "Bo,abc,0,28/11/2026,WAHR,stepinto,ppc,3\n"
                     "Cy,99,0,03/11/2026,no,stepinto,ppc,3\n")
    ws = _sheet(results_xlsx(output))
    headings = [c.value for c in ws[1]]
    acme, bo, cy = [dict(zip(headings, r)) for r in ws.iter_rows(min_row=2)]
    assert (acme["Price"].value, acme["Price"].number_format) == (1200.5, '"$"#,##0.00')
    assert (acme["Progress"].value, acme["Progress"].number_format) == (0.4, "0.00%")
    assert acme["Paid on"].value == datetime(2026, 11, 28) and acme["Paid on"].is_date
    assert acme["Started?"].value is True and cy["Started?"].value is False
    assert (bo["Price"].value, bo["Price"].data_type) == ("abc", "s")  # refused by the batch: as written
    assert bo["Started?"].value == "WAHR" and bo["Paid on"].value == datetime(2026, 11, 28)  # one way only: a date
    assert cy["Paid on"].value == "03/11/2026"  # either way: as written
    assert acme["Client"].value == "Acme"


def test_the_amounts_are_written_as_the_csv_writes_them_exactly():
    """No float on the way: the sheet's XML holds each amount's decimal text."""
    output = _output()
    xml = zipfile.ZipFile(io.BytesIO(results_xlsx(output))).read("xl/worksheets/sheet1.xml").decode()
    for r in csv.DictReader(io.StringIO(output.decode("utf-8-sig"))):
        if r["refund_max"]:
            assert f"<v>{r['refund_max']}</v>" in xml and f"<v>{Decimal(r['refund_pct_max']).scaleb(-2)}</v>" in xml


def test_a_cell_longer_than_excel_holds_is_cut_to_its_most():
    long = "x" * (CELL_MAX + 10)
    ws = _sheet(results_xlsx(_output(f"provider,service,amount_paid,completion_pct,days_since_payment,note\n"
                                     f"stepinto,ppc,100,0,1,{long}\n")))
    assert len(ws.cell(2, [c.value for c in ws[1]].index("note") + 1).value) == CELL_MAX


def test_the_command_line_writes_the_workbook_when_the_output_is_named_xlsx(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text(SHEET, encoding="utf-8")
    refused = 1  # the sheet's third row
    assert main(["batch", str(src), "-o", str(tmp_path / "out.csv"), "--shipped", "--as-of", "2026-12-01"]) == refused
    assert main(["batch", str(src), "-o", str(tmp_path / "out.xlsx"), "--shipped", "--as-of", "2026-12-01"]) == refused
    assert "written to" in capsys.readouterr().err
    by_cli = _sheet((tmp_path / "out.xlsx").read_bytes())
    from_csv = _sheet(results_xlsx((tmp_path / "out.csv").read_bytes()))
    assert [[c.value for c in r] for r in by_cli.iter_rows()] == [[c.value for c in r] for r in from_csv.iter_rows()]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_failed_run_leaves_no_workbook(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text("provider,service,amount_paid,completion_pct,days_since_payment\n", encoding="utf-8")
    assert main(["batch", str(src), "-o", str(tmp_path / "out.xlsx"), "--shipped"]) == 2
    assert "has no row to quote" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [src]


def test_whether_next_months_charge_is_avoided_is_in_the_csv_the_listed_rows_and_the_workbook():
    """A monthly service's notice: the page, the JSON and the email said whether it avoids next month's charge, and
    no CSV did (a walkthrough's row read only 'none, paragraph 4')."""
    from policy.batch_report import listed_rows

    sheet = ("provider,service,amount_paid,completion_pct,days_since_payment,notice_days\n"
             "itmedia,seo,1000,50,15,7\nitmedia,seo,1000,50,15,6\nitmedia,seo,1000,50,15,\nstepinto,ppc,1200,0,3,\n")
    output = _output(sheet)
    assert [r["next_charge_avoided"] for r in csv.DictReader(io.StringIO(output.decode("utf-8-sig")))] == \
        ["true", "false", "", ""]
    assert [r["next_charge_avoided"] for r in listed_rows(output, 10)] == ["Yes", "No", "", ""]
    assert "next_charge_avoided" not in listed_rows(_output(), 10)[0]  # a file with no monthly notice: not drawn
    ws = _sheet(results_xlsx(output))
    at = [c.value for c in ws[1]].index("Next charge avoided")
    assert [r[at].value for r in ws.iter_rows(min_row=2)] == [True, False, None, None]


def test_a_slashed_date_read_in_the_order_named_is_a_date_cell():
    """A walkthrough named day first: the row was quoted for 3 Apr 2026, and its '03/04/2026' stayed text in the
    workbook (only a date that can be read one way alone became a date)."""
    sheet = "provider,service,amount_paid,completion_pct,paid_on\nstepinto,ppc,1200,0,03/04/2026\nstepinto,ppc,1200,0,25/11/2026\n"
    out = io.StringIO()
    run_batch(io.StringIO(sheet), out, Basis(SHIPPED, date(2026, 12, 1)), date_order="dmy")
    output = ("\ufeff" + out.getvalue()).encode("utf-8")
    for book in (results_xlsx(output, "dmy"), _via_command_line(sheet)):
        ws = _sheet(book)
        at = [c.value for c in ws[1]].index("paid_on")
        assert [r[at].value for r in ws.iter_rows(min_row=2)] == [datetime(2026, 4, 3), datetime(2026, 11, 25)]
    ws = _sheet(results_xlsx(output))  # no order named: an ambiguous date stays as written
    at = [c.value for c in ws[1]].index("paid_on")
    assert [r[at].value for r in ws.iter_rows(min_row=2)] == ["03/04/2026", datetime(2026, 11, 25)]


def _via_command_line(sheet: str) -> bytes:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.xlsx"
        src.write_text(sheet)
        assert main(["batch", str(src), "-o", str(out), "--shipped", "--as-of", "2026-12-01", "--date-order", "dmy"]) == 0
        return out.read_bytes()
