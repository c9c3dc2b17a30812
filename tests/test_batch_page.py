"""The batch page (AppTest): upload, quote every row with the command's code, summary, results, save as a batch."""
import csv
import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from shipped import BASIS
from streamlit.testing.v1 import AppTest

from policy import parse_scenario, quote
from policy.batch_report import ask_by_words, listed_order, output_rows, rows_json, template_csv
from policy.markdown import md_escape
from policy.money import format_usd
from store import Filters, QuoteStore
from store.access import Actor
from store.config import ENV_URL
from tests.actors import ADA, PAT
from ui.tables import ONE_LINE_ROW_PX

ROOT = Path(__file__).resolve().parent.parent
CASES = ("provider,Amount Paid,service,completion_pct,days_since_payment,note\n"
         "socialbeat,5000,website,30,5,=HYPERLINK(\"http://e.com\")\n"
         "acme,5000,website,30,5,bad provider\n"
         "stepinto,1200,ppc,0,2,fine\n")


@pytest.fixture
def url(tmp_path, monkeypatch):
    st.cache_data.clear()
    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'quotes.sqlite'}")
    return f"sqlite:///{tmp_path / 'quotes.sqlite'}"


def batch_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/5_Batch_quotes.py")
    return at.run()


def run(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="batch_file").upload(name, data, "text/csv").run()
    return at.button(key="batch_go").click().run()


def test_every_row_is_quoted_in_order_with_a_bad_row_kept_and_a_summary(url):
    at = run(batch_page(), "cases.csv", CASES.encode())
    assert not at.exception
    assert [m.value for m in at.metric] == ["3", "2", "1"]
    assert at.get("progress")[0].proto.text == "3 rows read: 2 quoted, 1 with an error"  # a bad row is not 'quoted'
    result = at.session_state["batch_result"]
    assert result["csv"].startswith("\ufeff".encode())  # the download opens in Excel as UTF-8
    rows = list(csv.DictReader(io.StringIO(result["csv"].decode("utf-8-sig"))))
    assert [r["provider"] for r in rows] == ["socialbeat", "acme", "stepinto"]  # none dropped, none reordered
    assert rows[1]["error"].startswith("provider “acme”: must be one of") and rows[2]["refund_max"] == "1200.00"
    assert rows[0]["note"].startswith("'=")  # safe to open in a spreadsheet
    # a workbook first: a CSV opens by the locale's separator (a European Excel put each line in one cell)
    assert [b.label for b in at.get("download_button")][-3:] == ["Results (Excel)", "Results (CSV)", "Results (JSON)"]
    as_json = json.loads(rows_json(result["csv"]))  # the JSON download holds the same rows, as data
    assert as_json[0]["note"] == '=HYPERLINK("http://e.com")'  # JSON is not a spreadsheet: no guard in it
    assert as_json == [{k: v.removeprefix("'") for k, v in r.items()} for r in rows]
    tables = [d.value for d in at.dataframe]
    # the totals and the kinds of error: static tables, each row as tall as its words, wrapped on a phone
    statics = [t.value.reset_index().map(lambda v: str(v).replace("\\", "")) for t in at.table]
    table = next(t for t in statics if "Verdict" in t.columns)
    named = next(t.value for t in at.table if "Verdict" in t.value.columns).index
    assert list(named)[:2] == [md_escape("Social Beat Digital"), md_escape("Step-Into")]  # escaped once: a walkthrough
    # read 'Step\-Into' and 'ITMediaSolutions\.us' where the names had been escaped twice
    assert list(table.index.map(lambda i: table["Provider"][i])) == ["Social Beat Digital", "Step-Into",
                                                                     "All rows without an error"]
    assert list(table["Rows"]) == ["1", "1", "2"]  # and together (sales-ops added the lines up by hand)
    total = table.iloc[-1]
    lines = list(at.session_state["batch_result"]["totals"])
    assert total["Refund max (total)"] == format_usd(sum((t.refund_max for t in lines), Decimal(0)))
    kinds = next(t for t in statics if "First rows" in t.columns)  # the errors on the page, not only in the file
    assert kinds.to_dict("records") == [{"Column": "provider", "Error": kinds["Error"][0], "Rows": "1", "First rows": "3"}]
    assert kinds["Error"][0].startswith("must be one of itmedia (ITMediaSolutions.us)")
    listed = next(t for t in tables if list(t.columns) == ["Row", "Column", "Value", "Error"])
    assert list(listed["Row"]) == [3] and list(listed["Column"]) == ["provider"] and list(listed["Value"]) == ["acme"]
    assert list(listed["Error"]) == ["must be one of the values the table above lists"]  # the list once, above
    (listed_errors,) = [d.proto for d in at.dataframe if "Error" in d.value.columns and "Verdict" not in d.value.columns]
    assert listed_errors.row_height == ONE_LINE_ROW_PX  # the errors listed here take a line each: the grid's own rows
    spellings = next(t for t in statics if "A cell may say" in t.columns)  # whole sentences, never cut: a table
    assert "YYYY-MM-DD, 3 Nov 2026, or a spreadsheet date cell (31/12/2026 with the day/month order named)" in \
        " ".join(spellings["A cell may say"])
    quoted = next(d for d in at.dataframe if "Verdict" in d.value.columns and "Refund min" in d.value.columns)
    widths = {name: c.get("width") for name, c in json.loads(quoted.proto.columns).items()}
    assert widths["Verdict"] == "medium" and widths["Error"] == "large"  # sized for their words, not the first rows'
    assert widths["Depends on (not given)"] == "large"  # "the stage the work is in; w..." (a walkthrough)
    assert widths["provider"] == widths["service"] == "medium"  # "Website design & development" was "Website d..."
    assert [name for name, c in json.loads(quoted.proto.columns).items() if c.get("pinned")] == ["Row"]
    # whose row it is stays in view beside its number (scrolled to the Error column, the client was gone, a walkthrough)
    named = run(batch_page(), "clients.csv", b"Client,provider,service,amount_paid,completion_pct,days_since_payment\n"
                                             b"Acme,stepinto,ppc,100,0,1\n")
    grid = next(d for d in named.dataframe if "Verdict" in d.value.columns and "Refund min" in d.value.columns)
    assert [name for name, c in json.loads(grid.proto.columns).items() if c.get("pinned")] == ["Row", "Client"]
    # "08 Dec 2026, then $0.00 - $4,900.00" whole (a medium column cut it at "$4,900.0")
    assert json.loads(grid.proto.columns)["Ask by"]["width"] == "large"
    assert any(c.value.startswith("1 error shown.") for c in at.caption)  # one, not "1 error(s)"
    chart = json.loads(at.get("vega_lite_chart")[0].proto.spec)  # the chart of rows by verdict
    assert chart["height"] == {"step": 28} and chart["autosize"]["type"] == "fit-x"  # the plot is not squeezed
    assert chart["encoding"]["y"]["axis"]["labelLimit"] == 0  # its verdicts are not cut
    assert chart["encoding"]["x"]["axis"] == {"format": "d", "tickMinStep": 1}  # rows are counted whole
    read = [c.value.replace("\\", "") for c in at.caption if "read by their names" in c.value]
    assert read == ["Columns read by their names: 'Amount Paid' read as Amount paid."]  # one line, in words (the
    # field's id beside each, "Client name (client_name)", read as jargon, a walkthrough)


@pytest.mark.parametrize("words, rows", [("ACME", [3]), ("must be one of", [3]), ("website", []),
                                         ("acme one-of", []), ("one ACME", [3])])  # every word, anywhere in the two
def test_the_errors_are_filtered_by_words_of_the_message_or_of_the_cell(url, words, rows):
    """Looking for the row of a client's provider, by the name in its cell, once found nothing."""
    at = run(batch_page(), "cases.csv", CASES.encode())
    at.text_input(key="batch_err_text").input(words).run()
    listed = next(d.value for d in at.dataframe if list(d.value.columns) == ["Row", "Column", "Value", "Error"])
    assert list(listed["Row"]) == rows


def test_the_same_output_as_the_command_line(url, tmp_path):
    from in_process import run_cli

    from policy.cli import installed_catalog

    source = tmp_path / "cases.csv"
    source.write_text(CASES)
    done = run_cli(["batch", source, "-o", tmp_path / "out.csv"], catalog=installed_catalog())  # the register's
    assert done.returncode == 1, done.stderr  # written, with its bad rows refused
    at = run(batch_page(), "cases.csv", CASES.encode())
    assert at.session_state["batch_result"]["csv"] == (tmp_path / "out.csv").read_bytes()


def test_a_saved_batch_says_its_rows_of_a_service_not_sold_among_its_quotes(url):
    """"Saved ... (26 quotes" beside "25 quoted, 1 of a service its provider does not sell" did not add up (a
    walkthrough): the row not sold is saved with that answer, and said so."""
    at = batch_page()
    at.checkbox(key="batch_save").check().run()
    at.text_input(key="batch_name").input("Mixed")
    at.text_input(key="batch_by").input("ops")
    run(at, "mixed.csv", b"provider,service,amount_paid,completion_pct,days_since_payment\n"
                         b"stepinto,ppc,100,0,3\nstepinto,it_support,100,0,3\n")
    assert any("Saved to the register as batch #1 (2 quotes, 1 of them of a service its provider does not sell; rows "
               "with an error are not saved)" in s.value for s in at.success), [s.value for s in at.success]


def test_saving_the_batch_puts_every_quoted_row_in_the_register(url):
    at = batch_page()
    at.checkbox(key="batch_save").check().run()
    at.text_input(key="batch_name").input("November leads")
    at.text_input(key="batch_by").input("ops")
    run(at, "cases.csv", CASES.encode())
    assert any("Saved to the register as batch #1 (2 quotes" in s.value for s in at.success)
    store = QuoteStore.open(url)
    rows, total = store.find(Filters(batch_id=1), sort="oldest", by=ADA)
    first = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct=30,
                                      days_since_payment=5), BASIS), BASIS)
    assert total == 2 and [r.refund_max for r in rows] == [Decimal(first.refund_max), Decimal("1200.00")]
    assert store.batches(by=ADA) == [(1, "November leads", 2)]


def test_a_batch_with_dates_that_read_either_way_is_not_saved_until_their_order_is_named(url):
    """A walkthrough: saved before the order was chosen, the batch lacked those rows; quoted again with the order,
    the same file could only be saved as a second batch (its rows twice in the register) or not at all."""
    sheet = ("Client,provider,service,amount_paid,completion_pct,paid_on\n"
             "Day One,socialbeat,seo,2500,0,17/11/2026\nDay Two,socialbeat,website,3000,40,03/11/2026\n"
             "Day Three,stepinto,ppc,1200,0,03/12/2026\n")
    at = batch_page()
    at.checkbox(key="batch_save").check().run()
    at.text_input(key="batch_name").input("Day first")
    at = run(at, "dayfirst.csv", sheet.encode())
    assert [e.value.replace("\\", "") for e in at.error] == [
        "Not saved: 2 rows with a date that could be read either way would have been left out; choose how this file "
        "writes its dates and quote it again to save every row. The quotes are below; nothing was saved to the register."]
    store = QuoteStore.open(url)
    assert store.batches(by=ADA) == [] and store.find(by=ADA)[1] == 0
    at.radio(key="batch_date_order").set_value("dmy").run()
    at.button(key="batch_go").click().run()
    assert not at.warning and any("Saved to the register as batch #1 (3 quotes" in s.value for s in at.success)
    assert [(b, n) for b, n, _ in store.batches(by=ADA)] == [(1, "Day first")] and store.find(by=ADA)[1] == 3


def test_an_excel_file_is_read_and_a_broken_one_is_refused_in_words(url):
    frame = pd.read_csv(io.StringIO(CASES), dtype=str)
    frame = pd.concat([frame.iloc[:1], pd.DataFrame([[""] * len(frame.columns)], columns=frame.columns),
                       frame.iloc[1:]])  # an empty row, as a sheet often has
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    at = run(batch_page(), "cases.xlsx", buffer.getvalue())
    assert [m.value for m in at.metric] == ["3", "2", "1"]  # the empty row is not a case with an error
    assert any("1 blank row skipped" in c.value.replace("\\", "") for c in at.caption)
    at = run(batch_page(), "broken.xlsx", b"not a workbook")
    assert any(e.value.startswith(f"**{md_escape('broken.xlsx')}** is not an Excel workbook") for e in at.error)
    assert not at.exception


def test_a_workbook_with_a_title_above_its_header_is_read_and_its_rows_numbered_as_excel_shows_them(url):
    """A sheet as people keep it: a title in A1, an empty row, the header in row 3; behind a cover sheet."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Cover"
    book.active.append(["How to fill in the cases sheet"])
    sheet = book.create_sheet("Cases")
    sheet.append(["Refund requests, December"])
    sheet.append([])
    for line in csv.reader(io.StringIO(CASES)):
        sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    at = run(batch_page(), "titled.xlsx", buffer.getvalue())
    assert [m.value for m in at.metric] == ["3", "2", "1"]
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert any("the header is row 3: the 2 lines above it skipped ('Refund requests, December')" in c for c in captions)
    assert any(c.endswith("(the header is row 3).") for c in captions)
    assert any("sheet 'Cases' read (sheet 2 of 2): the first sheet with the column names of cases" in c for c in captions)
    assert at.session_state["batch_result"]["problem_rows"][0][0] == 5  # the acme row, as Excel numbers it


def test_a_file_that_is_not_a_csv_of_cases_is_refused_and_nothing_is_shown(url):
    at = run(batch_page(), "notes.csv", b"hello,world\n1,2\n")
    assert any("names no scenario field" in e.value for e in at.error) and not at.metric
    assert not at.get("progress")  # no "Quoting..." left over the error (a walkthrough)
    at = run(batch_page(), "binary.csv", b"provider,service\n\xff\xfe\x00bad")
    assert any("is not" in e.value and "text" in e.value for e in at.error) and not at.get("progress")
    at = run(at, "one.csv", b"provider,service,amount_paid,completion_pct,days_since_payment\nstepinto,ppc,9,0,1\n")
    assert at.get("progress")[0].proto.text == "1 row read: 1 quoted, 0 with an error"  # not "1 rows"


def test_the_upload_says_each_kind_of_files_limit_once_and_in_plain_words(url):
    """A walkthrough: the help said "up to 200,000 rows" where the label said "about 800,000 rows", and spoke of
    field names, labels and flags."""
    from policy.workbook import ROWS_MAX

    uploader = batch_page().get("file_uploader")[0].proto
    assert uploader.label == f"CSV or Excel (.xlsx) file, up to 50 MB: a CSV of about 800,000 rows, a workbook of {ROWS_MAX:,}"
    assert "rows" not in uploader.help and "flags" not in uploader.help and "field names" not in uploader.help


def test_a_file_with_a_header_and_no_rows_is_refused_in_words_and_nothing_is_shown(url):
    """A walkthrough: the page drew its counts (all 0), then a fault where its rows were."""
    at = run(batch_page(), "header-only.csv", b"Client;Agency;Package;Price;Paid on;Progress\n")
    assert not at.exception and not at.metric and not at.get("progress")
    said = md_escape("has no row to quote under its header (row 1): add a row for each case, as the template has them")
    # the file named, not the error's word for it ("**file**: has no row", a walkthrough)
    assert [e.value for e in at.error] == [f"**{md_escape('header-only.csv')}** {said}. Nothing was quoted; fix the file "
                                           "and upload it again."]


def test_the_template_is_read_back_by_the_batch(url):
    at = run(batch_page(), "template.csv", template_csv().encode())
    assert [m.value for m in at.metric] == ["3", "3", "0"]  # every spelling it shows is read
    header = template_csv().splitlines()[0].lstrip("\ufeff").split(",")
    assert header[:3] == ["client_name", "client_ref", "note"]  # whose case: kept with each row a batch saves
    spellings = next(t.value for t in at.table if "A cell may say" in t.value.columns)
    assert set(header) <= set(spellings.index.map(lambda name: name.replace("\\", "")))  # what each of the template's columns may say
    said = " ".join(c.value.replace("\\", "") for c in at.caption)  # the columns as the sheet heads them
    assert "A row may give a Payment date (paid_on) (and a Request date (requested_on)) instead of Days since" in said


def test_a_saved_batch_row_is_traced_to_its_line_and_client_and_a_blank_name_is_refused(url):
    at = batch_page()
    at.checkbox(key="batch_save").check().run()
    run(at, "cases.csv", CASES.encode())
    assert any("Batch name" in e.value and "is needed" in e.value for e in at.error)
    assert not at.success and not at.metric  # nothing quoted, nothing saved
    assert QuoteStore.open(url).batches(by=ADA) == []

    traced = ("Client,Ref,provider,service,amount_paid,completion_pct,days_since_payment\n"
              "Ana Díaz,ACME-42,stepinto,ppc,700,0,2\n"
              "Bo,B-7,acme,ppc,700,0,2\n"
              "Cy,C-9,socialbeat,website,5000,30,5\n")
    at.text_input(key="batch_name").input("December")
    run(at, "traced.csv", traced.encode())
    rows, total = QuoteStore.open(url).find(Filters(batch_id=1), sort="oldest", by=ADA)
    assert total == 2 and [(r.batch_row, r.client_name, r.client_ref) for r in rows] == [
        (2, "Ana Díaz", "ACME-42"), (4, "Cy", "C-9")]  # rows as Excel numbers them (header row 1); bad row 3 is not saved


def test_a_tab_separated_download_of_a_sheet_is_taken_and_quoted(url):
    """A walkthrough: Google Sheets' .tsv download was refused by the uploader ("text/tab-separated-values files are
    not allowed"), while its help says tab-separated files are read."""
    at = batch_page()
    assert ".tsv" in at.get("file_uploader")[0].proto.type
    run(at, "cases.tsv", CASES.replace(",", "\t").encode())
    assert [m.value for m in at.metric] == ["3", "2", "1"]


def test_saving_a_file_saved_before_asks_first_and_can_quote_without_saving(url):
    """A walkthrough: two clicks of Quote every row (and again after a visit to another page, the box still ticked)
    saved one file as batches #1 and #2 of one name, without a word; there is no deleting a whole batch."""
    store = QuoteStore.open(url)
    at = batch_page()
    at.checkbox(key="batch_save").check().run()
    at.text_input(key="batch_name").input("Week 49").run()
    run(at, "cases.csv", CASES.encode())
    assert [b[0] for b in store.batches(by=ADA)] == [1]
    at.button(key="batch_go").click().run()  # the same file again
    (asked,) = [w.value.replace("\\", "") for w in at.warning if "already saved" in w.value]
    assert re.fullmatch(r"This file is already saved as batch #1 “Week 49” \(2 quotes, saved \d\d \w{3} 20\d\d \d\d:\d\d "
                        r"\w+\)\. Save it again as a second batch\?", asked), asked
    assert [b[0] for b in store.batches(by=ADA)] == [1]  # nothing saved until answered
    at.switch_page("pages/4_Saved_quotes.py").run()
    at.switch_page("pages/5_Batch_quotes.py").run()
    at.button(key="batch_no_save").click().run()  # quoted, not saved
    assert [b[0] for b in store.batches(by=ADA)] == [1] and at.session_state["batch_result"]["saved"] is None
    assert not [w for w in at.warning if "already saved" in w.value]
    at.button(key="batch_go").click().run()
    at.button(key="batch_save_again").click().run()  # a second batch, as asked
    assert [b[0] for b in store.batches(by=ADA)] == [2, 1]
    other = CASES.replace("1200", "1300").encode()  # another file: saved without asking
    run(at, "cases.csv", other)
    assert [b[0] for b in store.batches(by=ADA)] == [3, 2, 1]


def test_a_file_saved_before_without_a_name_for_its_batch_is_told_of_the_name_first(url):
    """A walkthrough was asked whether to save the file again as a second batch, and only after answering was told the
    batch had no name."""
    store = QuoteStore.open(url)
    at = batch_page()
    at.checkbox(key="batch_save").check().run()
    at.text_input(key="batch_name").input("Week 49").run()
    run(at, "cases.csv", CASES.encode())
    at.text_input(key="batch_name").input("").run()
    at.button(key="batch_go").click().run()  # the same file again, no name
    assert not [w for w in at.warning if "already saved" in w.value]
    assert [x.value.replace("\\", "") for x in at.error] == [
        "**Batch name** is needed: give the batch a name to find it by in Saved quotes. Nothing was quoted or saved."]
    assert [b[0] for b in store.batches(by=ADA)] == [1]


def test_each_row_is_quoted_under_the_version_published_for_its_payment_date(url):
    """A version published in the lab from tomorrow decides the rows paid from tomorrow, and each row names it."""
    from datetime import date, timedelta

    from policy import shipped_policies as policies
    from store import PolicyStore

    tomorrow = date.today() + timedelta(days=1)
    versions = PolicyStore(QuoteStore.open(url).engine)
    shipped = policies()["stepinto"]
    versions.publish(versions.save_draft(shipped.model_copy(update={"version": "lab-edit"}), "", by=PAT), tomorrow, by=PAT)
    cases = ("provider,service,amount_paid,completion_pct,days_since_payment,paid_on\n"
             f"stepinto,ppc,700,0,0,{date.today()}\nstepinto,ppc,700,0,0,{tomorrow}\n")
    at = run(batch_page(), "dated.csv", cases.encode())
    rows = list(csv.DictReader(io.StringIO(at.session_state["batch_result"]["csv"].decode())))
    assert [r["policy_version"] for r in rows] == [shipped.version, "lab-edit"]


def test_a_batch_whose_server_stopped_is_said_on_the_batch_page_once(url):
    from datetime import UTC, datetime

    from store.access import Actor
    from store.tables import BatchRunRow

    store = QuoteStore.open(url)
    with store.engine.begin() as c:  # a run by this machine's process that no longer exists
        c.execute(BatchRunRow.__table__.insert().values(
            owner=Actor.local_user().key, name="November leads", host=__import__("socket").gethostname(),
            pid=2**22 + 7, started_at=datetime.now(UTC), beat_at=datetime.now(UTC)))
    at = batch_page()
    assert any("Your batch \u201cNovember leads\u201d" in w.value.replace("\\", "") and "Nothing of it was saved"
               in w.value.replace("\\", "") for w in at.warning)
    at.run()
    assert not any("November leads" in w.value for w in at.warning)  # said once


@pytest.mark.parametrize("text, said", [
    (CASES, False),  # days given, no payment date: nothing was counted to the run's day
    ("provider,service,amount_paid,completion_pct,paid_on\nstepinto,ppc,1200,0,2026-11-30\n", True),
])
def test_the_run_day_is_said_only_for_a_file_with_payment_dates(url, text, said):
    at = run(batch_page(), "cases.csv", text.encode())
    assert any("were counted to" in c.value for c in at.caption) == said


def test_a_new_upload_says_the_results_shown_are_still_the_last_files_until_it_is_quoted(url):
    """The results of one file stayed under another just uploaded, as if they were its own."""
    at = run(batch_page(), "cases.csv", CASES.encode())
    assert not [i for i in at.info if "still the results" in i.value]
    at.file_uploader(key="batch_file").upload("other.csv", CASES.replace("5000", "6000").encode(), "text/csv").run()
    (said,) = [i.value.replace("\\", "") for i in at.info if "still the results" in i.value]
    assert "cases.csv" in said and "other.csv" in said
    assert any("Results for cases.csv" in h.value.replace("\\", "") for h in at.header)  # kept, not thrown away
    at.button(key="batch_go").click().run()
    assert any("Results for other.csv" in h.value.replace("\\", "") for h in at.header)
    assert not [i for i in at.info if "still the results" in i.value]


def test_a_search_of_the_errors_does_not_read_the_list_of_what_is_allowed(url):
    """Every service error lists 'seo (SEO)': a search for "seo" listed rows that say nothing of SEO."""
    cases = ("provider,service,amount_paid,completion_pct,days_since_payment\n"
             "socialbeat,Webdezign,5000,30,5\nsocialbeat,SEO Servics,5000,30,5\n")
    at = run(batch_page(), "cases.csv", cases.encode())
    for words, rows in (("seo", [3]), ("webdezign", [2]), ("no service this app knows", [2, 3]),
                        ("social beat digital sells", [2, 3]), ("it_support", [])):
        at.text_input(key="batch_err_text").input(words).run()
        listed = next(d.value for d in at.dataframe if list(d.value.columns) == ["Row", "Column", "Value", "Error"])
        assert list(listed["Row"]) == rows, words


def test_each_row_is_listed_on_the_page_as_the_results_file_has_it(url):
    """A client's refund could only be read by downloading the file: the page showed totals by provider."""
    at = run(batch_page(), "cases.csv", CASES.encode())
    assert not at.exception
    listed = next(d.value for d in at.dataframe if "Refund min" in d.value.columns and "Verdict" in d.value.columns)
    in_file = output_rows(at.session_state["batch_result"]["csv"])
    assert list(listed["provider"]) == [r["provider"] for r in in_file] == ["socialbeat", "acme", "stepinto"]
    # the provider once, as the file writes it, quoted or not
    assert "Provider (quoted)" not in listed.columns and "provider_name" not in listed.columns
    assert list(listed["Refund max"]) == [format_usd(Decimal(r["refund_max"])) if r["refund_max"] else ""
                                          for r in in_file] and listed["Refund max"][2] == "$1,200.00"
    assert listed["note"][0] == '=HYPERLINK("http://e.com")'  # the text as written: the guard is the file's
    assert listed["Verdict"][2] == "Full refund" and "sections" not in listed.columns
    assert listed["Stage"][0] == "design concepts or design revisions"  # in words, not 'design_concepts|design_revisions'
    # the verdict, its band, and what the band depends on, in words ("Depends on facts not given" said not which),
    # side by side: the verdict after the amounts was off to the right, where "No refund", "Not offered" and a row
    # not quoted all read as "$0.00" or nothing (a walkthrough)
    columns = list(listed.columns)
    assert columns[columns.index("Verdict"):][:5] == ["Verdict", "Refund min", "Refund max", "Ask by",
                                                      "Depends on (not given)"]
    assert list(listed["Depends on (not given)"]) == ["the stage the work is in", "", ""]
    assert listed["Error"][1].startswith("provider")
    assert list(listed.columns[:10]) == ["Row", "Verdict", "Refund min", "Refund max", "Ask by", "Depends on (not given)",
                                         "Assumed (not given)", "Error", "provider", "service"]  # the answer in view on
    # a 1366 px screen (a walkthrough), the error beside the verdict that says "see its error"
    # and what it took a fact not given as: Step-Into at 0%, its work status not given, gives
    # all of it as not started ("Full refund" and nothing else, where the calculator said what follows, a walkthrough)
    assert list(listed["Assumed (not given)"]) == [
        "", "", "work not started (not given, 0% done); if it has started: $0.00 - $1,200.00"]
    assert list(listed["Row"]) == [2, 3, 4]  # as the Errors and a spreadsheet number them
    # by when to ask, and what follows: Step-Into's 7 days, counted from the run's day (a batch row said neither, and
    # its refund dropped the next day without a word, a walkthrough)
    asked = date.today() + timedelta(days=7 - 2)
    assert list(listed["Ask by"]) == [ask_by_words(r) for r in in_file]
    assert listed["Ask by"][2] == f"{asked:%d %b %Y}, then $0.00" and in_file[2]["ask_by"] == asked.isoformat()
    assert "Refund min after" not in listed.columns and "ask_by_day" not in listed.columns  # said in its words


def test_the_rows_table_shows_the_days_counted_only_where_a_row_counted_them_from_a_date(url):
    """A walkthrough read the file's days_since_payment and the output's "Days since payment" side by side, the same."""
    at = run(batch_page(), "cases.csv", CASES.encode())
    listed = next(d.value for d in at.dataframe if "Refund min" in d.value.columns and "Verdict" in d.value.columns)
    assert "days_since_payment" in listed.columns and "Days since payment" not in listed.columns
    dated = "provider,service,amount_paid,completion_pct,days_since_payment,paid_on\n" \
            "stepinto,ppc,1200,0,2,\nstepinto,ppc,1200,0,,2026-11-30\n"
    at = run(batch_page(), "dated.csv", dated.encode())
    listed = next(d.value for d in at.dataframe if "Refund min" in d.value.columns and "Verdict" in d.value.columns)
    assert "Days since payment" in listed.columns and listed["Days since payment"][0] == "2"  # a row counted its days


def test_the_rows_are_numbered_as_a_spreadsheet_shows_the_file_past_a_blank_line(url):
    """A walkthrough matched the rows to the errors above by counting; a blank line keeps its number, and is no row."""
    lines = CASES.splitlines()
    at = run(batch_page(), "gaps.csv", "\n".join([*lines[:2], ",,,,,", *lines[2:]]).encode())
    listed = next(d.value for d in at.dataframe if "Refund min" in d.value.columns and "Verdict" in d.value.columns)
    assert list(listed["Row"]) == [2, 4, 5] and list(listed["provider"]) == ["socialbeat", "acme", "stepinto"]
    errors = next(d.value for d in at.dataframe if list(d.value.columns) == ["Row", "Column", "Value", "Error"])
    assert list(errors["Row"]) == [4]  # the same number for the same row


def test_a_long_batch_lists_its_first_rows_and_says_the_rest_are_in_the_file(url):
    many = CASES.splitlines()[0] + "\n" + "stepinto,1200,ppc,0,2,fine\n" * 1_005
    at = run(batch_page(), "many.csv", many.encode())
    listed = next(d.value for d in at.dataframe if "Refund min" in d.value.columns and "Verdict" in d.value.columns)
    assert len(listed) == 1_000
    assert any("the first 1,000 of 1,005" in c.value for c in at.caption)


def test_whose_row_it_is_and_its_refund_come_first_as_the_file_names_them():
    header = ["note", "Amount Paid", "refund_max", "Client", "provider_name", "service", "verdict", "Provider",
              "refund_min"]
    assert listed_order(header) == ["Client", "verdict", "refund_min", "refund_max", "Provider", "service", "Amount Paid",
                                    "note", "provider_name"]


def test_a_date_the_file_wrote_ambiguously_is_shown_in_the_value_column_and_said_once_in_the_file(url):
    """A walkthrough: every payment-date error had an empty Value (its message begins with the date, so the value
    was dropped), beside errors of other columns that showed their cell."""
    sheet = ("provider,service,amount_paid,completion_pct,paid_on\n"
             "socialbeat,website,5000,30,12/03/2026\n"
             "acme,website,5000,30,2026-11-20\n")
    at = run(batch_page(), "dates.csv", sheet.encode())
    listed = next(d.value for d in at.dataframe if list(d.value.columns) == ["Row", "Column", "Value", "Error"])
    assert list(zip(listed["Column"], listed["Value"])) == [("paid_on", "12/03/2026"), ("provider", "acme")]
    from policy.batch_rows import Problem
    date = Problem.of_cell("Payment date", "12/03/2026 could be 12 March or 3 December", "12/03/2026")
    assert str(date) == "Payment date: 12/03/2026 could be 12 March or 3 December"  # the file says it once
    assert str(Problem.of_cell("provider", "must be one of ...", "acme")) == "provider \u201cacme\u201d: must be one of ..."


def test_a_row_with_an_error_says_so_in_its_verdict_not_only_in_the_error_column_far_right(url):
    at = run(batch_page(), "cases.csv", CASES.encode())
    rows = next(d.value for d in at.dataframe if "Verdict" in d.value.columns and "Row" in d.value.columns)
    verdicts = dict(zip(rows["Row"], rows["Verdict"]))
    assert verdicts[3] == "Not quoted: see its error" and verdicts[2] != verdicts[3] and verdicts[4] != verdicts[3]


def test_ambiguous_dates_point_to_the_choice_that_reads_them_and_it_does(url):
    sheet = ("provider,service,amount_paid,completion_pct,paid_on\n"
             "socialbeat,website,5000,30,11/20/2026\nsocialbeat,website,5000,30,12/03/2026\n"
             "stepinto,ppc,1200,0,10/01/2026\n")
    at = run(batch_page(), "dates.csv", sheet.encode())
    said = [w.value.replace("\\", "") for w in at.warning if "could be read either way" in w.value]
    # above the totals, with the order the file's other dates show (after 34 kinds of errors, a walkthrough)
    assert said == ["2 rows with a date that could be read either way; the file's other dates with slashes are all written "
                    "month/day/year (row 2: 11/20/2026), so those are likely to be too: choose how this file writes its "
                    "dates under \u201cDates written with slashes\u201d above, and quote it again."]
    kinds = next(t.value for t in at.table if "First rows" in t.value.columns)
    assert list(kinds["Rows"]) == ["2"]  # one kind, whatever the dates, said by its first as one of them
    [example] = [k.replace("\\", "") for k in kinds["Error"]]
    assert example.startswith("a date that could be read either way, such as 12/03/2026 could be 12 March or 3 December")
    at.radio(key="batch_date_order").set_value("mdy").run()
    # the results stay, said to be read the other way (the choice's change wiped them without a word, a walkthrough)
    assert [m.value for m in at.metric if m.label == "With an error"] == ["2"]
    assert [i.value.replace("\\", "") for i in at.info if "the choice is now" in i.value] == [
        "These results read dates with slashes as “Refuse an ambiguous one (03/04/2026)”; the choice is now "
        "“month/day/year (12/31/2026)”. Press Quote every row to quote the file so."]
    at.button(key="batch_go").click().run()
    assert not [i for i in [*at.info, *at.warning] if "could be read either way" in i.value or "the choice is now" in i.value]
    assert [m.value for m in at.metric if m.label == "With an error"] == ["0"]


def test_more_errors_than_the_table_holds_in_view_say_the_table_scrolls(url):
    """"11 errors shown" above a table of 8: the other 3 were under its scroll (a walkthrough)."""
    lines = "".join(f"stepinto,ppc,-{n},0,1\n" for n in range(1, 12))
    at = run(batch_page(), "bad.csv", f"provider,service,amount_paid,completion_pct,days_since_payment\n{lines}".encode())
    assert any(c.value.startswith("11 errors shown, 8 in view: scroll the table for the rest.") for c in at.caption)


def test_a_visit_to_another_page_keeps_the_file_chosen_and_the_choices_made(url):
    """A walkthrough chose a file and day/month/year, looked at Saved quotes, came back: the uploader was empty, the
    choice back to refusing, and the file had to be chosen again."""
    at = batch_page()
    at.file_uploader(key="batch_file").upload("dates.csv", b"provider,service,amount_paid,completion_pct,paid_on\n"
                                              b"socialbeat,website,5000,30,03/11/2026\n", "text/csv").run()
    at.radio(key="batch_date_order").set_value("dmy").run()
    at.checkbox(key="batch_save").check().run()
    at.text_input(key="batch_name").input("November leads").run()
    at.text_input(key="batch_by").input("Ana Ops").run()
    at.switch_page("app.py").run()
    at.switch_page("pages/5_Batch_quotes.py").run()
    assert at.radio(key="batch_date_order").value == "dmy" and at.checkbox(key="batch_save").value
    assert at.text_input(key="batch_name").value == "November leads"
    by = at.text_input(key="batch_by")  # who saves it too (a walkthrough found it blank, and a blank one unsaid)
    assert by.value == "Ana Ops" and by.label == "Saved by (optional)" and by.help == "Blank: " + \
        Actor.local_user().label + "."
    assert [c.value for c in at.caption if "chosen before you left this page" in c.value] == [md_escape(
        "dates.csv, chosen before you left this page, is kept: Quote every row quotes it. Choose another file to "
        "replace it.")]
    at.button(key="batch_go").click().run()
    assert not at.exception and at.header[0].value == md_escape("Results for dates.csv")
    assert [m.value for m in at.metric if m.label == "With an error"] == ["0"]  # read day first, as chosen
    at.button(key="batch_forget").click().run()  # the uploader holds nothing to remove: forgotten here
    assert at.button(key="batch_go").disabled and not [c for c in at.caption if "chosen before" in c.value]
    at.file_uploader(key="batch_file").upload("other.csv", CASES.encode(), "text/csv").run()
    at.file_uploader(key="batch_file").clear().run()  # removed from the uploader: nothing kept to quote either
    at.switch_page("app.py").run()
    at.switch_page("pages/5_Batch_quotes.py").run()
    assert at.button(key="batch_go").disabled and not [c for c in at.caption if "chosen before" in c.value]


def test_the_counters_count_a_service_not_sold_apart_as_the_summary_does(url):
    """A walkthrough read "26 quoted, 1 of a service its provider does not sell" above a counter of 27 quoted."""
    data = (b"provider,service,amount_paid,completion_pct,days_since_payment\n"
            b"stepinto,ppc,1000,0,3\nstepinto,seo,1000,0,3\nstepinto,ppc,abc,0,3\n")
    at = run(batch_page(), "mixed.csv", data)
    assert at.get("progress")[0].proto.text == "3 rows read: 1 quoted, 1 of a service its provider does not sell, 1 with an error"
    assert [(m.label, m.value) for m in at.metric] == [("Rows", "3"), ("Quoted", "1"), ("Not sold by its provider", "1"),
                                                       ("With an error", "1")]
