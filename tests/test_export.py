"""The downloads: JSON is the contract, CSV the batch columns, Markdown a client summary."""
import csv
import io
import json
from datetime import date

from policy import parse_scenario, quote
from policy.batch import QUOTE_COLUMNS
from policy.export import quote_csv, quote_json, quote_markdown
from policy.markdown import md_escape

S = parse_scenario(dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct=0,
                        days_since_payment=3, taxes_remitted="100"))
Q = quote(S)


def test_json_is_the_quote():
    data = json.loads(quote_json(Q))
    assert (data["refund_min"], data["refund_max"], data["verdict"]) == (Q.refund_min, Q.refund_max, Q.verdict)
    assert data["ambiguities"][0]["id"] == "A-SB-01"


def test_csv_has_the_scenario_and_the_batch_columns():
    row = next(csv.DictReader(io.StringIO(quote_csv(S))))
    assert set(QUOTE_COLUMNS) <= set(row) and row["taxes_remitted"] == "100"
    assert (row["refund_min"], row["refund_max"], row["error"]) == (Q.refund_min, Q.refund_max, "")


def test_markdown_is_a_client_summary():
    text = quote_markdown(Q, S, date(2026, 11, 22), date(2026, 11, 19))
    for needle in ("Policy version: 2025-06-17", "22 November 2026", "Amount paid: \\$5,000.00",
                   "90% Refund: If you cancel within 7 days of payment but before project kickoff",
                   "Cancel by day 7 (26 Nov 2026, as you paid on 19 Nov 2026)", "The policy itself governs",
                   "Taxes already remitted"):
        assert needle in text, needle


def test_markdown_escaping_keeps_dollars_literal():
    assert md_escape("$100 *now* [x]") == "\\$100 \\*now\\* \\[x\\]"


def test_a_band_spread_by_facts_not_given_says_so_not_discretion():
    from policy.explain import plain_answer, verdict_sentence

    q = quote(parse_scenario(dict(provider="socialbeat", service="seo", amount_paid="2400", completion_pct=40, days_since_payment=5)))
    assert (q.refund_min, q.refund_max, q.verdict) == ("0.00", "1800.00", "partial")
    assert verdict_sentence(q).startswith("It depends on facts not given")
    assert plain_answer(q) == "Possibly. Depending on facts not given, up to $1,800.00."
    narrowed = quote(parse_scenario(dict(provider="socialbeat", service="seo", amount_paid="2400", completion_pct=40,
                                         days_since_payment=5, stage="audit")))
    assert (narrowed.refund_min, narrowed.refund_max) == ("1800.00", "1800.00")
