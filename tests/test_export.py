"""The downloads: JSON is the contract, CSV the batch columns, Markdown a client summary."""
import csv
import io
import json
import re
import time
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shipped import BASIS

from policy import parse_scenario, quote
from policy.export import QUOTE_COLUMNS, quote_csv, quote_json
from policy.markdown import md_escape, md_file_escape
from policy.spreadsheet import FORMULA_STARTS, original_cell, safe_cell

S = parse_scenario(dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct=0,
                        days_since_payment=3, taxes_remitted="100"), BASIS)
Q = quote(S, BASIS)


def test_json_is_the_quote():
    data = json.loads(quote_json(Q))
    assert (data["refund_min"], data["refund_max"], data["verdict"]) == (Q.refund_min, Q.refund_max, Q.verdict)
    assert data["ambiguities"][0]["id"] == "A-SB-01"


def test_csv_has_the_scenario_and_the_batch_columns_each_once():
    header, values = list(csv.reader(io.StringIO(quote_csv(Q), newline="")))
    assert len(header) == len(set(header)) and set(QUOTE_COLUMNS) <= set(header)
    row = dict(zip(header, values))
    assert row["taxes_remitted"] == "100" and row["provider_name"] == "Social Beat Digital"
    assert (row["refund_min"], row["refund_max"], row["error"]) == (Q.refund_min, Q.refund_max, "")


def test_page_escaping_leaves_no_markdown_and_file_escaping_keeps_dollars_readable():
    assert md_escape("$100 *now* [x](http://a.b) :red[y] www.c.d") == (
        "\\$100 \\*now\\* \\[x\\]\\(`http://a.b`\\) \\:red\\[y\\] `www.c.d`")  # what a page would link: code
    # a sentence's marks around an address stay outside its code span ("Email `billing@x.us:` say what ...")
    assert md_escape("Email billing@x.us: say (or a@b.co).") == "Email `billing@x.us`\\: say \\(or `a@b.co`\\)\\."
    assert md_file_escape("$12,000.00 *x*") == "$12,000.00 \\*x\\*"
    # a link ends at a quotation mark: a formula's text kept its marks outside the code span (a walkthrough)
    assert md_escape('=HYPERLINK("http://x.com/a","Lumen")') == '\\=HYPERLINK\\(\\"`http://x.com/a`\\"\\,\\"Lumen\\"\\)'


def test_a_band_from_zero_spread_by_facts_not_given_is_depends_not_discretion():
    from policy.explain import plain_answer, verdict_sentence

    q = quote(parse_scenario(dict(provider="socialbeat", service="seo", amount_paid="2400", completion_pct=40, days_since_payment=5), BASIS), BASIS)
    assert (q.refund_min, q.refund_max, q.verdict) == ("0.00", "1800.00", "depends")
    assert verdict_sentence(q).startswith("It depends on the stage the work is in and when notice was given")
    assert plain_answer(q) == ("Possibly. Depending on the stage the work is in and when notice was given, "
                               "up to $1,800.00.")
    narrowed = quote(parse_scenario(dict(provider="socialbeat", service="seo", amount_paid="2400", completion_pct=40,
                                         days_since_payment=5, stage="audit"), BASIS), BASIS)
    assert (narrowed.refund_min, narrowed.refund_max) == ("1800.00", "1800.00")


def test_a_full_refund_of_less_than_was_paid_says_so_next_to_the_word():
    from policy.explain import verdict_label, verdict_sentence

    q = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="2000", taxes_remitted="200",
                                  completion_pct=0, days_since_payment=1), BASIS), BASIS)
    assert q.verdict == "full" and verdict_label(q) == "Full refund of the refundable amount"
    assert verdict_sentence(q) == ("You are entitled to all of the refundable amount: $1,800.00 of $2,000.00 paid; "
                                   "not refunded: taxes already remitted ($200.00).")
    from policy.client import summary_markdown

    assert "Full refund of the refundable amount" in summary_markdown(q, date(2026, 12, 2))


def test_every_view_is_made_from_the_quote_alone():
    data = json.loads(quote_json(Q))
    assert data["scenario"]["taxes_remitted"] == "100"
    header, values = list(csv.reader(io.StringIO(quote_csv(Q), newline="")))
    row = dict(zip(header, values))
    assert (row["refund_pct_min"], row["refund_pct_max"]) == (data["refund_pct_min"], data["refund_pct_max"])
    assert row["sections"].split("; ") == list(dict.fromkeys(c["section"] for c in data["clauses"]))


SIGNED_NUMBER = re.compile(r"[+-]\$?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?")


@given(st.one_of(st.text(), st.from_regex(SIGNED_NUMBER, fullmatch=True),
                 st.from_regex(r"[+-]\d+[^0-9].*", fullmatch=True)))
def test_the_spreadsheet_guard_comes_off_exactly_and_no_cell_starts_a_formula(value):
    cell = safe_cell(value)
    assert original_cell(cell) == value
    if not SIGNED_NUMBER.fullmatch(value):  # a plain signed number is read as the number: nothing to run
        assert not cell.startswith(FORMULA_STARTS)
    assert cell == value or cell == "'" + value  # one quote in front, nothing else changed


def test_a_plain_signed_number_is_left_as_the_number_it_is_and_anything_more_is_guarded():
    for number in ("-300", "+1", "-0.5", "-1,200.00", "+12345.67", "-$7,547.00", "+$5"):
        assert safe_cell(number) == number
    for formula in ("-$", "-$$1", "-$1+1", "-1+1", "+1E3", "-2+3+cmd|' /C calc'!A0", "-1,20", "-\u0661", "+1 ", "-", "-.5", "--1", "-1\n"):
        assert safe_cell(formula) == "'" + formula, formula


def test_a_cell_that_already_starts_with_a_quote_is_not_mistaken_for_a_guarded_one():
    assert safe_cell("'=1+1") == "''=1+1" and original_cell("''=1+1") == "'=1+1"
    assert safe_cell("plain") == "plain" and original_cell("plain") == "plain"


@pytest.mark.timeout(30)
@pytest.mark.parametrize("unbroken", ["x" * 200_000, "a.b" * 70_000, "a-b+c" * 40_000, "http" * 50_000,
                                      "x@" * 100_000, "`" * 200_000])
def test_escaping_a_long_unbroken_text_is_linear_not_quadratic(unbroken):
    """A 200,000-character word: linear work takes milliseconds; the quadratic scan it replaces took 3-8 s at
    40,000 characters, so at this length about 75-200 s (the timeout and the bound fail it)."""
    started = time.perf_counter()
    escaped = md_escape(unbroken)
    assert time.perf_counter() - started < 3
    assert len(escaped) >= len(unbroken)  # all of it shown, escaped


def test_the_terms_csv_guards_formulas_and_keeps_two_providers_of_one_name_apart():
    from policy import shipped_policies as policies
    from policy.terms import terms_csv

    stepinto = policies()["stepinto"]
    data = stepinto.model_dump(mode="json", exclude_none=True)
    data["terms"]["request_window"]["summary"] = '=HYPERLINK("http://evil.example","click")'
    hostile = type(stepinto).model_validate({**data, "id": "stepinto_copy"})
    rows = list(csv.reader(io.StringIO(terms_csv({"stepinto": stepinto, "stepinto_copy": hostile}))))
    assert rows[0] == ["term", "Step-Into (stepinto)", "Step-Into (stepinto_copy)"]
    since = f", in force from {stepinto.effective_from.isoformat()}" if stepinto.effective_from else ""
    said = "the undated policy, as the provider publishes it" + since  # as every page names an undated version
    assert rows[1] == ["Policy version", said, said]  # which versions it holds
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)


def test_a_quotes_csv_names_whose_case_it_is_where_given_and_a_batch_reads_it_back():
    """A walkthrough downloaded a saved quote's files: the summary named the client, its CSV did not."""
    from policy.batch import run_batch

    text = quote_csv(Q, {"client_name": "Zoë & Co", "client_ref": "ACME-42"})
    header, values = list(csv.reader(io.StringIO(text, newline="")))
    row = dict(zip(header, values))
    assert header[:2] == ["client_name", "client_ref"] and (row["client_name"], row["client_ref"]) == ("Zoë & Co",
                                                                                                     "ACME-42")
    assert "client_name" not in quote_csv(Q)  # none given: the columns it always had
    out = io.StringIO()
    run_batch(io.StringIO(text), out, BASIS)  # the batch reads it as a sheet of cases, its client passed through
    again = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert (again["client_name"], again["refund_min"], again["refund_max"]) == ("Zoë & Co", Q.refund_min, Q.refund_max)


def test_a_quotes_json_names_whose_case_it_is_where_given_and_is_otherwise_the_contract():
    """The CSV of a saved quote named its client and its JSON did not: both are views of one saved quote."""
    plain = json.loads(quote_json(Q))
    named = json.loads(quote_json(Q, {"client_name": "Zoë & Co", "client_ref": ""}))
    assert named == {**plain, "client_name": "Zoë & Co"}  # the quote's fields unchanged, the blank reference left out
    assert set(named) - set(plain) == set(next(csv.reader(io.StringIO(quote_csv(Q, named))))) - set(
        next(csv.reader(io.StringIO(quote_csv(Q)))))  # the same record fields as the CSV's
    assert "Zoë" in quote_json(Q, {"client_name": "Zoë & Co"})  # written as the name reads, not \\u escapes
    assert quote_json(Q, {}) == quote_json(Q)


def test_a_quote_given_in_days_names_the_day_it_was_quoted_and_the_payment_day_counted():
    """A walkthrough: the summary and the email said "a payment on 04 December 2026", and the JSON and CSV of the
    same quote, given as 3 days since payment, named no day at all."""
    data = json.loads(quote_json(Q, quoted_on=date(2026, 12, 7)))
    assert (data["quoted_on"], data["paid_on_counted"], data["scenario"]["paid_on"]) == ("2026-12-07", "2026-12-04", None)
    header, values = list(csv.reader(io.StringIO(quote_csv(Q, quoted_on=date(2026, 12, 7)), newline="")))
    row = dict(zip(header, values))
    assert (row["quoted_on"], row["paid_on_counted"], row["paid_on"]) == ("2026-12-07", "2026-12-04", "")
    assert header.index("paid_on_counted") < header.index("provider_name")  # the case's, before the quote's columns
    dated = quote(parse_scenario(dict(S.model_dump(mode="json"), paid_on="2026-11-20", days_since_payment=17), BASIS),
                  BASIS)
    data = json.loads(quote_json(dated, quoted_on=date(2026, 12, 7)))
    assert data["quoted_on"] == "2026-12-07" and "paid_on_counted" not in data  # its own date says it
    assert "quoted_on" not in json.loads(quote_json(Q))  # the command line's quote: the contract as it was
