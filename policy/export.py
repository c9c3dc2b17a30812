"""A quote as a file: JSON (the contract), a CSV row (the batch columns) and a client-ready Markdown summary.

Each is a view of one Quote object and nothing else: no file re-derives an amount, a section or a stage.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from .explain import explanation_sections, pct_text, refund_text, verdict_label, verdict_sentence
from .fields import NAMES
from .markdown import md_file_escape, sections_markdown
from .models import Quote, Scenario, quote_to_json
from .money import format_usd
from .spreadsheet import rows_text
from .taxonomy import SERVICES

QUOTE_COLUMNS = (
    "provider_name", "refund_min", "refund_max", "refund_pct_min", "refund_pct_max", "verdict", "placed_stage",
    "sections", "error",
)


def scenario_cells(scenario: Scenario) -> dict[str, str]:
    """Every scenario field as the text a CSV cell or a URL holds; an unknown fact is a blank cell."""
    out = {}
    for name, value in scenario.model_dump(mode="json").items():
        out[name] = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return out


def quote_row(q: Quote) -> dict[str, str]:
    """The batch columns of a quote."""
    return {
        "provider_name": q.provider_name,
        "refund_min": q.refund_min,
        "refund_max": q.refund_max,
        "refund_pct_min": q.refund_pct_min,
        "refund_pct_max": q.refund_pct_max,
        "verdict": q.verdict,
        "placed_stage": q.stage.id or "|".join(q.stage.candidates),
        "sections": "; ".join(dict.fromkeys(c.section for c in q.clauses)),
        "error": "",
    }


def error_row(message: str) -> dict[str, str]:
    return {**dict.fromkeys(QUOTE_COLUMNS, ""), "error": message}


def quote_json(q: Quote) -> str:
    return quote_to_json(q, indent=2)


def quote_csv(q: Quote) -> str:
    """One row: every scenario field, then the same quote columns as `python -m policy batch` writes."""
    cells = {**dict.fromkeys(NAMES, ""), **scenario_cells(q.scenario), **quote_row(q)}
    return rows_text([list(cells), list(cells.values())])


def quote_markdown(q: Quote, today: date) -> str:
    """A summary a client can read: the policy governs; this explains it."""
    e = md_file_escape
    s = q.scenario
    lines = [
        f"# Refund estimate: {e(q.provider_name)}, {e(q.service_label or SERVICES[q.service])}",
        "",
        f"- Prepared on: {today:%d %B %Y}",
        f"- Policy version: {e(q.policy_version)}",
        f"- Amount paid: {e(format_usd(Decimal(q.amount_paid), q.currency))}",
        f"- Project completion: {s.completion_pct}%",
        f"- Days since payment: {s.days_since_payment}"
        + (f" (paid on {s.paid_on:%d %B %Y})" if s.paid_on else ""),
        "",
        f"## Refund: {e(refund_text(q))} ({e(pct_text(q))})",
        "",
        f"**{e(verdict_label(q))}.** {e(verdict_sentence(q))}",
        "",
    ]
    lines += [sections_markdown(explanation_sections(q), escape=md_file_escape), ""]
    lines += [
        "---",
        "",
        "*This is an estimate that explains the provider's published refund policy. The policy itself governs; "
        "the provider decides every discretionary amount.*",
        "",
    ]
    return "\n".join(lines)
