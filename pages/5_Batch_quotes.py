"""Batch quotes, for sales-ops: upload a spreadsheet of cases, quote every row with the same code as
`python -m policy batch` (its caption says "as the calculator quotes it": sales-ops read it, not developers), see a
summary, download the results, and optionally save them as one named batch."""
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from policy.batch import SHEET_ROW, canonical, header_field, headings, quote_file, start_pool_soon
from policy.batch_report import Total, listed_rows, overall, rows_json, template_csv, totals
from policy.cells import DATE_ORDERS, SPELLINGS
from policy.errors import InputError
from policy.explain import label_of
from policy.export import QUOTE_HEADINGS
from policy.fields import FIELDS, REQUIRED
from policy.markdown import md_escape as e
from policy.money import format_usd
from policy.records import NAME_MAX, RECORD_FIELDS
from policy.results_workbook import XLSX, results_xlsx
from policy.spreadsheet import for_excel
from policy.versions import REQUESTED
from policy.words import counted
from policy.workbook import COLUMNS_MAX, ROWS_MAX
from store import Forbidden, SaveError, file_digest
from store.access import Actor, Permission
from store.register import batch_name
from ui import charts, clock, page, scroll, state
from ui.identity import actor, may, signed_by, while_signed_in
from ui.records import register
from ui.registry import basis, policies
from ui.show import SAVE_LABELS
from ui.tables import name_breaks, sideways_hint, wrapped

MAX_MB = int(st.get_option("server.maxUploadSize"))
# The workers start while the person picks a file, not after the click (once per server: a no-op after that).
start_pool_soon()
RESULT = "batch_result"
PENDING = "batch_pending"  # the file chosen, kept through a visit to another page (the uploader forgets it)
SAME_FILE = "batch_same_file"  # (the upload's id, the batch saved from the same file before): asked before saving it
SAME_FILE_ANSWER = "batch_same_file_answer"  # "again" or "unsaved", once one of the question's buttons is pressed


def _answered(answer: str) -> None:
    st.session_state[SAME_FILE_ANSWER] = answer


def _chosen() -> None:
    """A file chosen in the uploader, or removed from it (None): the one to quote from now on."""
    st.session_state[PENDING] = st.session_state.get("batch_file")


def _quote(source: Path, output: Path, label: str, keep=None, date_order=None):
    total = max(source.read_bytes().count(b"\n"), 1)  # lines, for the progress bar (the header counts one)
    bar = st.progress(0.0, text="Quoting...")
    try:
        result = quote_file(source, output, label, keep=keep, basis=basis(), date_order=date_order,
                            progress=lambda n: bar.progress(min(n / total, 1.0), text=f"{counted(n, 'row')} read"))
    except BaseException:
        bar.empty()  # a refused file: its error stands alone, not under a "Quoting..." that never ends
        raise
    bar.progress(1.0, text=result.summary())
    return result


FILE_PARTS = {"file": "", "input": "", "header": "its header: "}  # how a refusal of the file says what it is about


SCROLL = "batch_scroll"  # how many batches this session quoted: the number that makes the scroll script new


class _NotWhole(Exception):  # a batch that may not be saved (BatchResult.not_whole): the register's block saves nothing
    pass


def _run(upload, name: str, save: bool, who: Actor, date_order=None) -> None:
    """Quote the upload into a temporary folder (nothing left behind), keeping the output for the downloads.
    Saving, the rows go to the register as they are quoted (in one transaction, committed at the end)."""
    with tempfile.TemporaryDirectory(prefix="refund-batch-") as folder:
        # its own suffix: an .xlsx is read as a workbook (quote_file), as the command line reads it
        source = Path(folder) / ("input.xlsx" if upload.name.lower().endswith(".xlsx") else "input.csv")
        output = Path(folder) / "quotes.csv"
        source.write_bytes(upload.getvalue())
        saved, failed, result = None, None, None
        if save:
            try:
                with register().batch(name, by=who, file=upload.name, asked_on=basis().as_of,
                                      digest=file_digest(source.read_bytes())) as batch:
                    result = _quote(source, output, upload.name, keep=batch.add, date_order=date_order)
                    why = result.not_whole()
                    if why is not None:
                        raise _NotWhole(why)
                saved = (batch.id, batch.count)
            except (SaveError, _NotWhole) as exc:  # the quotes are shown all the same, and the failure said
                failed = str(exc)
        if result is None:  # not saving, or the register failed before the quoting began
            result = _quote(source, output, upload.name, date_order=date_order)
        st.session_state[RESULT] = dict(
            file=upload.name, upload_id=upload.file_id, csv=output.read_bytes(), totals=totals(result), rows=result.rows,
            errors=result.errors, quoted=result.quoted, not_sold=result.not_sold, saved=saved,
            notices=result.said(with_columns=False),
            columns_read=result.columns_read(),
            save_failed=failed,
            kinds=sorted(result.kinds.values(), key=lambda k: -k.rows), problem_rows=result.problem_rows,
            run_day=basis().as_of if result.dated else None, date_order=date_order,
            header_row=result.header_row,
            either_way=result.either_way_said("choose how this file writes its dates under \u201cDates written with "
                                              "slashes\u201d above, and quote it again."),
        )


def _spellings() -> None:
    """What a cell may say, column by column (the template's columns)."""
    rows = [{"Column": f.name, "Also headed": ", ".join(h for h in headings(f.name) if canonical(h) != f.name),
             "A cell may say": SPELLINGS[f.kind]} for f in FIELDS]
    rows.append({"Column": REQUESTED, "Also headed": "Request date",
                 "A cell may say": SPELLINGS["date"] + "; blank: the day of the run"})
    rows += [{"Column": r.name, "Also headed": ", ".join(dict.fromkeys(h for h in (r.label, *r.headers)
                                                                      if canonical(h) != r.name)),
              "A cell may say": f"any text, up to {r.limit:,} characters: kept with the row (and with its saved quote)"}
             for r in RECORD_FIELDS]  # whose case a row is (the template heads them)
    # a table of words, whole: in a grid its longest sentences were cut at the right edge (a walkthrough at 1,400 px)
    _static(pd.DataFrame(rows), "batch_spellings")  # its ids break where they must: a phone is narrower
    label = {f.name: f"{f.label} ({f.name})" for f in FIELDS} | {REQUESTED: f"a Request date ({REQUESTED})"}
    st.caption(e(f"A row may give a {label['paid_on']} (and {label[REQUESTED]}) instead of "
                 f"{label['days_since_payment']}: the days are counted between them, the day of the run standing in "
                 "for a missing request date. Blank, unknown or n/a: not known, for the facts a row may leave out; "
                 f"{', '.join(label[n] for n in REQUIRED if n != 'days_since_payment')} and the days (or the payment "
                 "date) must be given."))


ERROR_ROWS_SHOWN = 8  # the rows with errors in view before the table scrolls
ROWS_LISTED = 1_000  # quoted rows the page lists (each sent to the browser); all are in the results file
ROW = "Row"  # the rows table's first column: its spreadsheet row number
ROWS_FIT_DESKTOP = 6  # columns of the rows table a desktop's page shows whole (its Error column alone is 400 px)


def _rows(done: dict) -> None:
    """Each row as the results file has it (a client's refund without downloading anything), the first
    ROWS_LISTED of them, in words (batch_report.listed_rows)."""
    st.header("Rows")
    rows = pd.DataFrame(listed_rows(done["csv"], ROWS_LISTED))
    rows = rows.rename(columns={c: h for c, h in QUOTE_HEADINGS.items() if h not in rows.columns})  # a column of the
    # file's own of that name keeps it: two columns of one name cannot be drawn
    # each row's number as the Errors above and a spreadsheet give it (a walkthrough matched them by counting),
    # the results file's first column
    row = ROW if ROW not in rows.columns else "Spreadsheet row"  # two columns of one name cannot be drawn
    rows = rows.rename(columns={SHEET_ROW: row}).astype({row: "Int64"})
    config = {row: st.column_config.NumberColumn(pinned=True, width="small")}  # stays in view while the rest
    # scrolls; the grid sizes a column by its first rows, which cut "Depends on facts not given" and every error of
    # a later row (a walkthrough): the answer's words get the room they need
    worded = {QUOTE_HEADINGS["verdict"]: st.column_config.TextColumn(width="medium"),
              QUOTE_HEADINGS["placed_stage"]: st.column_config.TextColumn(width="medium"),
              QUOTE_HEADINGS["depends_on"]: st.column_config.TextColumn(width="large"),  # "the stage the work is in; w..."
              QUOTE_HEADINGS["assumed"]: st.column_config.TextColumn(width="large"),
              QUOTE_HEADINGS["ask_by"]: st.column_config.TextColumn(width="large"),  # "08 Dec 2026, then $0.00 - $4,900.00"
              QUOTE_HEADINGS["error"]: st.column_config.TextColumn(width="large")}
    config.update({heading: c for heading, c in worded.items()
                   if heading in rows.columns and rows[heading].astype(bool).any()})
    # the file's provider and service as it names them: "Website design & development" was cut to "Website d..."
    config.update({c: st.column_config.TextColumn(width="medium") for c in rows.columns
                   if header_field(c) in ("provider", "service")})
    # whose row it is stays in view beside its number (scrolled to the Error column, the client was gone, a walkthrough)
    config.update({c: st.column_config.TextColumn(pinned=True) for c in rows.columns if header_field(c) == "client_name"})
    st.dataframe(rows, hide_index=True, width="stretch", column_config=config)
    sideways_hint("batch_rows", always=len(rows.columns) > ROWS_FIT_DESKTOP)
    more = f"the first {ROWS_LISTED:,} of {done['rows']:,}; " if done["rows"] > ROWS_LISTED else ""
    st.caption(f"Rows in the file's order ({more}every row is in the results file): its cells as written, the "
               "refunds in dollars.")


def _static(table: pd.DataFrame, key: str) -> None:
    """A short table of words, whole: each row as tall as its text, wrapped within a phone's width at spaces only
    (page.css: "$2,000." then "00" read as another amount). In a grid every row took the height of the longest (125 px
    for "is required"), and on a phone the errors and the totals were cut at its right edge (a walkthrough). Its
    cells as text: st.table renders Markdown (escaped once: the row names were shown escaped twice, 'Step\\-Into')."""
    with st.container(key=key):
        st.table(table.map(e).set_index(table.columns[0]))


def _problems(done: dict) -> None:
    """The errors on the page, so nobody has to download a file to learn what went wrong: by kind with counts
    and first rows, then the rows with errors, filtered by column or words."""
    st.header("Errors")
    kinds = pd.DataFrame([{"Column": k.column, "Error": k.said, "Rows": f"{k.rows:,}",
                           "First rows": ", ".join(map(str, k.first_rows))} for k in done["kinds"]])
    _static(kinds, "whole_words_batch_kinds")
    rows = [{"Row": number, "Column": p.column, "Value": p.value, "Error": p.listed_above, "searched": p.searched}
            for number, problems in done["problem_rows"] for p in problems]
    left, right = st.columns(2)
    columns = sorted({r["Column"] for r in rows})
    column = left.selectbox("Errors in column", [None, *columns], format_func=lambda c: "Any" if c is None else c,
                            key="batch_err_column")
    words = right.text_input("Errors containing", key="batch_err_text", max_chars=200,
                             help="Words of the error or of the cell it is about (a provider's name, an amount); a row "
                                  "is shown when it has every word, in any order.")
    wanted = words.casefold().split()  # every word, anywhere in the error or its cell: "seo monthly" finds "SEO (monthly)"
    shown = [r for r in rows if (column is None or r["Column"] == column)
             and all(w in r["searched"] for w in wanted)]
    errors = pd.DataFrame(shown, columns=["Row", "Column", "Value", "Error"])
    st.dataframe(errors, hide_index=True, width="stretch",
                 **wrapped(errors, wide=("Error",), narrow=("Row",), rows_shown=ERROR_ROWS_SHOWN))
    sideways_hint("batch_errors")
    listed = len(done["problem_rows"])
    more = f" (the first {listed:,} rows with an error are listed; all are in the results file)" \
        if listed < done["errors"] else ""
    scrolls = f", {ERROR_ROWS_SHOWN} in view: scroll the table for the rest" if len(shown) > ERROR_ROWS_SHOWN else ""
    st.caption(f"{counted(len(shown), 'error')} shown{scrolls}{more}. Row numbers are as a spreadsheet "
               f"shows the file (the header is row {done.get('header_row', 1)}).")


def _named(name: str) -> bool:
    """Whether the batch's name can be kept (the save says why not, a walkthrough was first asked whether to save a
    file again as a second batch, then told it had no name)."""
    try:
        batch_name(name)
    except InputError:
        return False
    return True


def _order_choice(order) -> str:
    """A choice of "Dates written with slashes", as its button says it."""
    return "Refuse an ambiguous one (03/04/2026)" if order is None else DATE_ORDERS[order]


with page.opened("pages/5_Batch_quotes.py", caption="Quote a spreadsheet of cases: every row is checked and quoted "
                 "as the calculator quotes it, in the file's order, a bad row kept with its error."):
    for gone in register().interrupted_batches(by=actor()):  # its server stopped mid-way: say so, once
        st.warning(e(f"Your batch \u201c{gone.name}\u201d, started {clock.shown(gone.started_at, '%d %b %Y %H:%M')} "
                     f"{clock.zone_name()}, did not finish: "
                     "it stopped before it was saved (its server stopped, or the page was run again meanwhile). "
                     "Nothing of it was saved to the register; upload the file again."))
    st.download_button("Download a template (CSV)", for_excel(template_csv()), "refund-batch-template.csv", "text/csv",
                       key="batch_template", on_click="ignore")
    # one limit per kind of file, in the label: the help said 200,000 rows where the label said 800,000 (a walkthrough)
    upload = st.file_uploader(f"CSV or Excel (.xlsx) file, up to {MAX_MB} MB: a CSV of about {MAX_MB * 16_000:,} rows, "
                              f"a workbook of {ROWS_MAX:,}",
                              type=["csv", "tsv", "txt", "xlsx"], key="batch_file", on_change=_chosen,
                              help="Columns headed as in the template, by the names this app shows, or by the "
                                   "headings listed under What a cell may say (Amount Paid, Amount ($), Agency); "
                                   "comma, semicolon, tab or pipe separated; UTF-8, UTF-16 or Windows-1252 (Excel's "
                                   "CSV on Windows). An Excel file: its sheet of cases (the first whose header names "
                                   f"the columns), up to {COLUMNS_MAX} columns.")
    if upload is not None:
        st.session_state[PENDING] = upload
    elif st.session_state.get(PENDING) is not None:  # chosen before a visit to another page: the uploader forgot it
        upload = st.session_state[PENDING]
        st.caption(e(f"{upload.name}, chosen before you left this page, is kept: Quote every row quotes it. Choose "
                     "another file to replace it."))
        st.button("Forget this file", key="batch_forget", on_click=st.session_state.pop, args=(PENDING, None))
    with st.expander("What a cell may say"):
        _spellings()
    date_order = st.radio("Dates written with slashes", [None, *DATE_ORDERS], horizontal=True,
                          key=state.kept("batch_date_order"),  # as the file: through a visit to another page
                          format_func=_order_choice,
                          help="ISO dates (2026-12-31) and a spreadsheet's date cells need no choice.")
    save = may(Permission.SAVE_BATCH) and st.checkbox("Also save every quoted row to the register, as one named "
                                                      "batch", key=state.kept("batch_save"))
    name, who = "", Actor.anyone()
    if save:
        left, right = st.columns(2)
        name = left.text_input("Batch name", key=state.kept("batch_name"), max_chars=NAME_MAX,
                               placeholder="e.g. November leads")
        with right:
            who = signed_by("batch_by", "Saved by", optional=True)  # kept, as the batch name
    go = st.button("Quote every row", type="primary", key="batch_go", disabled=upload is None)
    # the same file saved before (by anyone): asked before a second batch of it is made, as a single quote's save is
    # (two clicks saved one file as two batches of one name, without a word, a walkthrough)
    if go and save and upload is not None and _named(name):  # a name missing is said first, not after this question
        try:
            earlier = register().same_file_saved(file_digest(upload.getvalue()), by=who)
        except (Forbidden, SaveError):  # no reason not to try: the save says its own
            earlier = None
        if earlier is not None:
            st.session_state[SAME_FILE] = (upload.file_id, earlier)
            go = False
    asked = st.session_state.get(SAME_FILE)
    answer = st.session_state.pop(SAME_FILE_ANSWER, None)
    if asked is not None and (upload is None or not save or asked[0] != upload.file_id):
        st.session_state.pop(SAME_FILE, None)  # another file, or no save: nothing to ask
    elif asked is not None and answer is not None:
        st.session_state.pop(SAME_FILE, None)
        go, save = True, answer == "again"
    elif asked is not None:
        earlier = asked[1]
        by = f" by {earlier.saved_by}" if earlier.saved_by else ""
        st.warning(e(f"This file is already saved as batch #{earlier.id} “{earlier.name}” ({counted(earlier.rows, 'quote')}, "
                     f"saved {clock.shown(earlier.saved_at, '%d %b %Y %H:%M')} {clock.zone_name()}{by}). "
                     "Save it again as a second batch?"))
        again, unsaved = st.columns(2)
        again.button("Save a second batch", key="batch_save_again", on_click=_answered, args=("again",))
        unsaved.button("Quote without saving", key="batch_no_save", on_click=_answered, args=("unsaved",))
    if go:
        assert upload is not None
        try:
            _run(upload, name, save, who, date_order)
            # the results taken to and focused: the focus stayed on the button, and nothing said they had come (a
            # keyboard-only walkthrough); a new number each time, so the browser runs the script again
            st.session_state[SCROLL] = st.session_state.get(SCROLL, 0) + 1
        except Forbidden as exc:
            st.session_state.pop(RESULT, None)
            st.error(f"{e(str(exc))} Nothing was quoted or saved.")
        except InputError as exc:
            st.session_state.pop(RESULT, None)
            if exc.field in SAVE_LABELS:  # the batch's details, not the file
                st.error(f"**{e(SAVE_LABELS[exc.field])}** {e(exc.message)}. Nothing was quoted or saved.")
            else:  # the file named, not the error's own word for it ("**file**: has no row ...", a walkthrough)
                whose = FILE_PARTS.get(exc.field, f"{exc.field}: ")
                st.error(f"**{e(upload.name)}** {e(whose + exc.message)}. Nothing was quoted; fix the file and upload "
                         "it again.")

    done = st.session_state.get(RESULT)
    if done:
        results = st.container(key="batch_results")  # its heading and counts, what a screen reader reads on arriving
        results.header(e(f"Results for {done['file']}"))
        if upload is not None and upload.file_id != done.get("upload_id"):  # kept, but never taken for the new file's
            st.info(e(f"These are still the results for {done['file']}. Press Quote every row to quote "
                      f"{upload.name}."))
        elif done.get("date_order") != date_order:  # kept, and said: the choice's change wiped them without a word
            st.info(e(f"These results read dates with slashes as \u201c{_order_choice(done.get('date_order'))}\u201d; the "
                      f"choice is now \u201c{_order_choice(date_order)}\u201d. Press Quote every row to quote the file so."))
        # side by side on a phone too (columns stack there: the three counts took a screen's height), wrapping only
        # where they do not fit
        counts = results.container(horizontal=True, gap="medium", key="batch_counts")
        if go and st.session_state.get(SCROLL):
            scroll.into_view("batch_results", st.session_state[SCROLL], named="Results")
        counts.metric("Rows", f"{done['rows']:,}", width="content")
        counts.metric("Quoted", f"{done['quoted']:,}", width="content")  # as the summary above counts them
        if done["not_sold"]:
            counts.metric("Not sold by its provider", f"{done['not_sold']:,}", width="content")
        counts.metric("With an error", f"{done['errors']:,}", width="content")
        if done.get("either_way"):  # above the totals, which leave those rows out (it came after every error)
            st.warning(e(done["either_way"]))
        if done.get("columns_read"):  # one line, not one a column (eight lines of "Read: column ..." above the results)
            st.caption(e(f"Columns read by their names: {done['columns_read']}."))
        for notice in done["notices"]:
            st.caption(e(f"Read: {notice}."))
        if done.get("date_order"):
            st.caption(f"Dates with slashes were read as {DATE_ORDERS[done['date_order']]}.")
        if done.get("run_day"):
            st.caption(f"Rows with a payment date and no days were counted to {done['run_day']:%d %b %Y}, the day "
                       "of this run, unless they give a request date (a Request date column).")
        if done.get("save_failed"):
            st.error(f"{e(done['save_failed'])}. The quotes are below; nothing was saved to the register.")
        if done["saved"]:
            # a row of a service its provider does not sell is saved with that answer: "26 quotes" beside "25 quoted, 1
            # of a service its provider does not sell" did not add up (a walkthrough)
            unsold = f", {done['not_sold']:,} of them of a service its provider does not sell" if done["not_sold"] else ""
            st.success(f"Saved to the register as batch #{done['saved'][0]} ({counted(done['saved'][1], 'quote')}{unsold}; "
                       "rows with an error are not saved).")
        def line(t: Total) -> dict:
            return {"Provider": t.provider, "Verdict": label_of(t.verdict) if t.verdict else "", "Rows": t.rows,
                    "Refund min (total)": format_usd(t.refund_min), "Refund max (total)": format_usd(t.refund_max)}

        table = pd.DataFrame([line(t) for t in done["totals"]])
        if len(table):
            every = overall(done["totals"])
            shown = pd.concat([table, pd.DataFrame([line(every)])], ignore_index=True) if every else table
            # a name breaks between its parts: "ITMediaSolutions.us" whole made the table wider than a phone
            _static(shown.assign(Provider=shown.Provider.map(name_breaks), Rows=shown.Rows.map("{:,}".format)),
                    "whole_words_batch_totals")
            names = tuple(p.name for p in policies().values())
            st.vega_lite_chart(spec=charts.totals_chart(table, names), width="stretch")
        if done["errors"]:
            _problems(done)
        _rows(done)
        # the file's name, and the batch's number where it was saved: two batches' results never share a name
        stem = (Path(done["file"]).stem or "batch") + (f"-batch-{done['saved'][0]}" if done["saved"] else "")
        workbook, left, right = st.columns(3)
        output, order = done["csv"], done.get("date_order")
        # made on the click (a few seconds for 100,000 rows): a CSV opens by the locale's separator, and a European
        # Excel put each line of it in one cell (a walkthrough)
        # made only while the sign-in holds: a tab left open after a sign-out elsewhere handed them out (a walkthrough)
        held, whose = Permission.BATCH, f"the results of {done['file']}"
        workbook.download_button("Results (Excel)", while_signed_in(lambda: results_xlsx(output, order), held,
                                                                    f"{whose} (Excel)"),
                                 f"{stem}-quoted.xlsx", XLSX,
                                 key="batch_xlsx", on_click="ignore", width="stretch",
                                 help="The same rows as the CSV: refunds as numbers in dollars, the request day as a "
                                      "date, verdicts and stages in words; opens alike in any language's Excel.")
        left.download_button("Results (CSV)", while_signed_in(lambda: output, held, f"{whose} (CSV)"),
                             f"{stem}-quoted.csv", "text/csv",
                             key="batch_csv",
                             on_click="ignore", width="stretch")
        right.download_button("Results (JSON)", while_signed_in(lambda: rows_json(output), held, f"{whose} (JSON)"),
                              f"{stem}-quoted.json",
                              "application/json",
                              key="batch_json", on_click="ignore", width="stretch")
