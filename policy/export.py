"""A quote as a file: JSON (the contract), CSV (the batch columns), and a client-ready Markdown summary."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Optional

from .batch import QUOTE_COLUMNS, quote_columns
from .explain import VERDICT_LABELS, explanation_sections, pct_text, refund_text, verdict_sentence
from .loader import policies
from .markdown import md_escape, sections_markdown
from .models import Quote, Scenario, quote_to_json
from .money import format_usd
from .taxonomy import SERVICES


def scenario_fields(scenario: Scenario) -> dict[str, str]:
    """The scenario as the strings a CSV row or a URL would hold; unknowns are left out."""
    out = {}
    for name, value in scenario.model_dump(mode="json").items():
        if value is None:
            continue
        out[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


def quote_json(q: Quote) -> str:
    return quote_to_json(q, indent=2)


def quote_csv(scenario: Scenario) -> str:
    """One row: the scenario's fields and the same quote columns as `python -m policy batch`."""
    fields = scenario_fields(scenario)
    values = dict(zip(QUOTE_COLUMNS, quote_columns(fields, policies())))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*fields, *QUOTE_COLUMNS], lineterminator="\n")
    writer.writeheader()
    writer.writerow({**fields, **values})
    return buffer.getvalue()


def quote_markdown(q: Quote, scenario: Scenario, today: date, payment_date: Optional[date] = None) -> str:
    """A summary a client can read: the policy governs; this explains it."""
    e = md_escape
    lines = [
        f"# Refund estimate: {e(q.provider_name)}, {e(q.service_label or SERVICES[q.service])}",
        "",
        f"- Prepared on: {today:%d %B %Y}",
        f"- Policy version: {e(q.policy_version)}",
        f"- Amount paid: {e(format_usd(Decimal(q.amount_paid), q.currency))}",
        f"- Project completion: {scenario.completion_pct}%",
        f"- Days since payment: {scenario.days_since_payment}"
        + (f" (paid on {payment_date:%d %B %Y})" if payment_date else ""),
        "",
        f"## Refund: {e(refund_text(q))} ({e(pct_text(q))})",
        "",
        f"**{e(VERDICT_LABELS[q.verdict])}.** {e(verdict_sentence(q))}",
        "",
    ]
    lines += [sections_markdown(explanation_sections(q, payment_date)), ""]
    lines += [
        "---",
        "",
        "*This is an estimate that explains the provider's published refund policy. The policy itself governs; "
        "the provider decides every discretionary amount.*",
        "",
    ]
    return "\n".join(lines)
