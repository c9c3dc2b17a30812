"""A quote as a file: JSON (the contract) and a CSV row (the batch columns); the client's documents are client.py.

Each is a view of one Quote object and nothing else: no file re-derives an amount, a section or a stage.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Optional, Union

from .assumptions import assumed_cell
from .fields import NAMES
from .models import FIELD_KINDS, Quote, QuoteHead, Scenario, quote_to_json
from .records import RECORD_NAMES
from .spreadsheet import rows_text

QUOTE_COLUMNS = (
    "provider_name", "policy_version", "requested_on", "days_counted", "refund_min", "refund_max", "refund_pct_min", "refund_pct_max",
    "verdict", "placed_stage", "sections", "depends_on", "assumed", "ask_by", "ask_by_day", "refund_min_after",
    "refund_max_after", "next_charge_avoided", "error",
)
QUOTE_HEADINGS = {  # each quote column as a page heads it (the file keeps the names above: they are its contract)
    "provider_name": "Provider (quoted)", "policy_version": "Policy version", "requested_on": "Request day",
    "days_counted": "Days since payment",
    "refund_min": "Refund min", "refund_max": "Refund max", "refund_pct_min": "Refund min (%)",
    "refund_pct_max": "Refund max (%)", "verdict": "Verdict", "placed_stage": "Stage", "sections": "Sections",
    "depends_on": "Depends on (not given)", "assumed": "Assumed (not given)", "ask_by": "Ask by",
    "ask_by_day": "Ask by (days since payment)", "refund_min_after": "Refund min after", "refund_max_after":
    "Refund max after", "next_charge_avoided": "Next charge avoided", "error": "Error",
}


def scenario_cells(scenario: Scenario) -> dict[str, str]:
    """Every scenario field as the text a CSV cell holds, as a batch reads it back; an unknown fact is a blank cell.
    A percent under one is written with its sign: a bare 0.4 reads two ways (cells.percent)."""
    out = {}
    for name, value in scenario.model_dump(mode="json").items():
        out[name] = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        if FIELD_KINDS[name] == "percent" and 0 < Decimal(out[name]) < 1:
            out[name] += "%"
    return out


def _ask_by(q: Union[Quote, QuoteHead], asked_on: Optional[date]) -> dict[str, str]:
    """The last day to ask that keeps the quote's band, and the band from the day after (a batch row gave neither,
    and its refund could drop the next day without a word, a walkthrough): a date where the payment's is known, or
    for a case given in days where the day it was asked on is (a batch's run day, a saved quote's day)."""
    d = q.next_deadline
    if d is None:
        return dict.fromkeys(("ask_by", "ask_by_day", "refund_min_after", "refund_max_after"), "")
    on = d.last_date or (None if asked_on is None else asked_on + timedelta(days=d.last_day - q.scenario.days_since_payment))
    return {"ask_by": "" if on is None else on.isoformat(), "ask_by_day": str(d.last_day),
            "refund_min_after": d.refund_min_after, "refund_max_after": d.refund_max_after}


def quote_row(q: Union[Quote, QuoteHead], asked_on: Optional[date] = None) -> dict[str, str]:
    """The batch columns of a quote (a batch builds only its head: the same parts, by the same code). `asked_on`:
    the day a case given in days was asked on, for the date of its deadline."""
    return {
        "provider_name": q.provider_name,
        "policy_version": q.policy_version,
        "requested_on": "" if q.requested_on is None else q.requested_on.isoformat(),
        "days_counted": str(q.scenario.days_since_payment),  # from a payment date, the days the quote counted
        "refund_min": q.refund_min,
        "refund_max": q.refund_max,
        "refund_pct_min": q.refund_pct_min,
        "refund_pct_max": q.refund_pct_max,
        "verdict": q.verdict,
        "placed_stage": q.stage.id or "|".join(q.stage.candidates),
        "sections": "; ".join(dict.fromkeys(c.section for c in q.clauses)),
        "depends_on": "; ".join(u.fact for u in q.unknowns),  # the facts not given that move the band
        "assumed": assumed_cell(q),  # a fact not given taken as one value, and the band under the other
        **_ask_by(q, asked_on),
        # a monthly service: whether the notice avoids next month's charge (the page, JSON and email said it, and
        # no CSV did, a walkthrough); blank where the quote does not say
        "next_charge_avoided": "" if q.next_charge_avoided is None else str(q.next_charge_avoided).lower(),
        "error": "",
    }


def error_row(message: str) -> dict[str, str]:
    return {**dict.fromkeys(QUOTE_COLUMNS, ""), "error": message}


def _whose(record: Mapping[str, str]) -> dict[str, str]:
    """The record fields given (client name, reference), in their declared order."""
    return {name: record[name] for name in RECORD_NAMES if record.get(name)}


def quoted_cells(q: Quote, quoted_on: Optional[date]) -> dict[str, str]:
    """Every scenario field, the day it was quoted and the payment day it counted back to (blank for a dated one),
    then the batch's quote columns with its deadline dated: a row of a list of quotes, each with the same columns.
    The register's list left a quote given in days without its Ask by date, which its own CSV gave (a walkthrough)."""
    return {**dict.fromkeys(NAMES, ""), **scenario_cells(q.scenario), **dict.fromkeys(WHEN_COLUMNS, ""),
            **_when(q, quoted_on), **quote_row(q, quoted_on)}


def _when(q: Quote, quoted_on: Optional[date]) -> dict[str, str]:
    """The day a quote was made and, for a case given in days, the payment day they count back to: the summary and
    the email give those dates, and a JSON or CSV of "3 days since payment" named no day at all (a walkthrough)."""
    if quoted_on is None:
        return {}
    counted = {} if q.scenario.paid_on is not None else {PAID_ON_COUNTED: q.scenario.payment_day(quoted_on).isoformat()}
    return {QUOTED_ON: quoted_on.isoformat(), **counted}


QUOTED_ON, PAID_ON_COUNTED = "quoted_on", "paid_on_counted"
WHEN_COLUMNS = (QUOTED_ON, PAID_ON_COUNTED)


def quote_json(q: Quote, record: Mapping[str, str] = MappingProxyType({}), quoted_on: Optional[date] = None) -> str:
    """The quote's JSON (the contract), and whose case it is where given: the record's fields after the quote's
    ("more fields are welcome", decisions.md 3). The CSV of a saved quote named its client and the JSON did not.
    `quoted_on`: the day the quote was made (see _when)."""
    more = {**_when(q, quoted_on), **_whose(record)}
    if not more:
        return quote_to_json(q, indent=2)
    return json.dumps({**json.loads(quote_to_json(q)), **more}, indent=2, ensure_ascii=False)


def quote_csv(q: Quote, record: Mapping[str, str] = MappingProxyType({}), quoted_on: Optional[date] = None) -> str:
    """One row: whose case it is (`record`: client name, reference, where given), every scenario field, the day it was
    quoted (see _when), then the same quote columns as `python -m policy batch` writes (a batch reads it back, its
    client too). A saved quote's summary named its client and its CSV did not (a walkthrough)."""
    cells = {**_whose(record), **quoted_cells(q, quoted_on)}
    return rows_text([list(cells), list(cells.values())])
