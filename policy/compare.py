"""The same scenario against every provider, as the rows of a table (the Compare page draws them)."""
from __future__ import annotations

from decimal import Decimal

from .explain import cite, max_text, verdict_label
from .models import Scenario
from .money import format_usd
from .quoting import quote
from .versions import Basis


def compare_rows(scenario: Scenario, basis: Basis) -> list[dict[str, str]]:
    """One row per provider of the basis: verdict, the band in dollars (or 'Not offered'), and the clause that
    decided the minimum."""
    rows = []
    for pid, policy in basis.policies(scenario.paid_on).items():
        q = quote(scenario.for_provider(pid), basis)
        offered = q.verdict != "not_offered"
        first = q.clauses[0] if q.clauses else None
        rows.append({
            "Provider": policy.name,
            "Verdict": verdict_label(q),
            "Refund min": format_usd(Decimal(q.refund_min), q.currency) if offered else "Not offered",
            "Refund max": max_text(q) if offered else "Not offered",  # with what a partial refund stays below
            "Deciding clause": f'{cite(first.section)}: "{first.quote}"' if first else (q.notes[0] if q.notes else "none"),
        })
    return rows
