"""The same scenario against every provider, as the rows of a table and what decides each (the Compare page draws
them)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .assumptions import if_work_started
from .explain import cite, max_text, range_sentences, verdict_label
from .models import ClauseRef, Decides, Quote, Scenario, Verdict
from .money import format_usd
from .quoting import quote
from .versions import Basis


@dataclass(frozen=True)
class Compared:
    """One provider's row of the table, and the lines under it: each end of the band with the clauses that decide
    it, and what makes it a range."""
    cells: dict[str, str]
    why: tuple[str, ...]


def compare_rows(scenario: Scenario, basis: Basis, for_client: bool = False) -> list[Compared]:
    """One row per provider of the basis: verdict, the band in dollars (or 'Not offered'), and why."""
    rows = []
    for pid, policy in basis.for_scenario(scenario).items():
        q = quote(scenario.for_provider(pid), basis)
        offered = q.verdict != Verdict.not_offered
        rows.append(Compared({
            "Provider": policy.name,
            "Verdict": verdict_label(q),
            "Refund min": format_usd(Decimal(q.refund_min), q.currency) if offered else "Not offered",
            "Refund max": max_text(q) if offered else "Not offered",  # with what a partial refund stays below
        }, decided_by(q, for_client)))
    return rows


def decided_by(q: Quote, for_client: bool = False) -> tuple[str, ...]:
    """Each end of the band with every clause that decides it (one line where both ends are one amount by the same
    clauses), then what makes it a range. The page quoted only the first clause: the $2,500.00 of a $1,250.00 -
    $2,500.00 band was traced to nothing (a walkthrough)."""
    if q.verdict == Verdict.not_offered:
        return q.notes[:1]
    ends: list[tuple[str, str, tuple[ClauseRef, ...], Decides]] = [
        ("Minimum", format_usd(Decimal(q.refund_min), q.currency), _deciding(q, "refund_min"), "refund_min"),
        ("Maximum", max_text(q), _deciding(q, "refund_max"), "refund_max")]
    if q.refund_min == q.refund_max and ends[0][2] == ends[1][2]:
        ends = [("Refund", *ends[1][1:])]
    assumed = if_work_started(q)  # as the calculator says it: Compare gave the band of work not started alone (a
    # walkthrough read $3,750.00 - $5,000.00 here where the calculator added "if it has started, $0.00 - $5,000.00")
    return (*(f"{end} {amount}, by {_quoted(q, clauses, field, for_client)}" for end, amount, clauses, field in ends),
            *(f"Why a range: {sentence}" for sentence in range_sentences(q, for_client)),
            *(() if assumed is None else (assumed,)))


def _deciding(q: Quote, end: str) -> tuple[ClauseRef, ...]:
    return tuple(c for c in q.clauses if end in c.decides)


def _quoted(q: Quote, clauses: tuple[ClauseRef, ...], end: Decides, for_client: bool) -> str:
    if not clauses:
        return "no clause of the policy (nothing in it grants a refund here)"
    return "; and ".join(f'{cite(c.section)}: "{c.quote}"{_read_as(q, c, end, for_client)}' for c in clauses)


def _read_as(q: Quote, c: ClauseRef, end: Decides, for_client: bool) -> str:
    """How the clause was read to give this end: the reading of its ambiguity that gives the amount, or the
    decisions.md row it follows. "Maximum $5,000.00, by section 3.3: 'Audit Phase: 75% refund ...'" traced a full
    refund to a 75% clause with no word of the reading that made it 100% (a walkthrough)."""
    if c.decision is None:
        return ""
    ambiguity = next((a for a in q.ambiguities if a.id == c.decision), None)
    if ambiguity is None:  # a reading decisions.md adopts: its name means something to an author, not to a client
        return "" if for_client else f" (as decisions.md '{c.decision}' reads it)"
    giving = [r for r in ambiguity.readings if r.amount == getattr(q, end)]
    if not giving:
        return "" if for_client else f" (read by ambiguity {ambiguity.id})"
    said = " or ".join(f"\u201c{r.plain if for_client and r.plain else r.label}\u201d" for r in giving)
    return f", read as {said}" if for_client else f", read as {said} (ambiguity {ambiguity.id})"
