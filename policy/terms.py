"""The policies side by side: one row per term, one column per provider, 'not stated' where a policy is silent."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Optional

import pandas as pd

from .amount_words import tier_refund
from .explain import version_words
from .schema import Clause, PolicyFile, Stage, Term
from .spreadsheet import rows_text
from .taxonomy import PAYMENT_METHODS, TERMS
from .words import decisions_cited

NOT_STATED = "not stated"


def term_of(policy: PolicyFile, term: str) -> Optional[Term]:
    """A term of the policy: the file's own entry for it, else what its rules say of it (a window, the money it does
    not refund, the notice before a charge, processing times, how to ask), with their clauses. A fourth provider's
    file gave rules and no term entries: Policy terms said "not stated" for a 30-day window every quote applied (a
    walkthrough)."""
    found = policy.terms.get(term)
    if found is not None:
        return found
    rules = _FROM_RULES.get(term)
    made = rules(policy) if rules is not None else None
    return None if made is None or not made[1] else Term(summary=made[0], clauses=tuple(dict.fromkeys(made[1])))


def _window(p: PolicyFile) -> Optional[tuple[str, list[Clause]]]:
    return None if p.window is None else (f"A request within {p.window.days} days of payment.", list(p.window.clauses))


def _non_refundable(p: PolicyFile) -> Optional[tuple[str, list[Clause]]]:
    if not p.deductions:
        return None
    return (f"Not refundable: {', '.join(d.label for d in p.deductions)}.", [c for d in p.deductions for c in d.clauses])


def _notice(p: PolicyFile) -> Optional[tuple[str, list[Clause]]]:
    rule = p.next_charge_notice
    return None if rule is None else (f"{rule.days} days' notice before the next billing date avoids its charge.",
                                      list(rule.clauses))


def _processing(p: PolicyFile) -> Optional[tuple[str, list[Clause]]]:
    if not p.processing_times:
        return None
    said = "; ".join(f"{PAYMENT_METHODS[t.method]}: {t.min_business_days}-{t.max_business_days} business days"
                     for t in p.processing_times)
    return f"{said}.", [c for t in p.processing_times for c in t.clauses]


def _deductions(p: PolicyFile) -> Optional[tuple[str, list[Clause]]]:
    """What the policy takes off the amount paid before a refund is worked out (taxes remitted were said in no row of
    Social Beat's terms, a walkthrough)."""
    if not p.deductions:
        return None
    return (f"Taken off the amount paid before the refund is worked out: {', '.join(d.label for d in p.deductions)}.",
            [c for d in p.deductions for c in d.clauses])


def _exceptions(p: PolicyFile) -> Optional[tuple[str, list[Clause]]]:
    """The grounds that may bring a refund whatever the stage or the day (Step-Into's B2 was in its full text only,
    a walkthrough)."""
    if not p.exceptions:
        return None
    return "; ".join(x.label for x in p.exceptions) + ".", [c for x in p.exceptions for c in x.clauses]


def _contact(p: PolicyFile) -> Optional[tuple[str, list[Clause]]]:
    return p.contact.how_to_request, [*p.contact.steps, *p.contact.documents]


_FROM_RULES: dict[str, Callable[[PolicyFile], Optional[tuple[str, list[Clause]]]]] = {
    "request_window": _window, "non_refundable_items": _non_refundable, "recurring_notice": _notice,
    "processing_times": _processing, "contact": _contact, "deductions": _deductions, "exceptions": _exceptions,
}


def cell_text(policy: PolicyFile, term: str) -> str:
    found = term_of(policy, term)
    if found is None:
        return NOT_STATED
    quotes = " | ".join(f'[{c.section}] "{c.quote}"' for c in found.clauses)
    return f"{found.summary} {quotes}"


def column_names(registry: Mapping[str, PolicyFile]) -> dict[str, str]:
    """Each provider's column: its name, and its id beside it where two share a name (neither column is lost)."""
    names = [p.name.casefold() for p in registry.values()]
    return {pid: p.name if names.count(p.name.casefold()) == 1 else f"{p.name} ({pid})" for pid, p in registry.items()}


def terms_matrix(registry: Mapping[str, PolicyFile]) -> pd.DataFrame:
    columns = column_names(registry)
    rows = [
        {"term": label, **{columns[pid]: cell_text(p, term) for pid, p in registry.items()}}
        for term, label in TERMS.items()
    ]
    return pd.DataFrame(rows)


VERSION_ROW = "Policy version"


def terms_csv(registry: Mapping[str, PolicyFile]) -> str:
    """The matrix as a spreadsheet-safe CSV: a policy's text that starts like a formula is shown, never run. Its
    first row names each version and its date, as the page does above the matrix (the file said neither, and the
    page shows another version for later payments, a walkthrough)."""
    matrix = terms_matrix(registry)
    versions = [VERSION_ROW, *(version_words(p.version)
                               + (f", in force from {p.effective_from.isoformat()}" if p.effective_from else "")
                               for p in registry.values())]
    return rows_text([list(matrix.columns), versions, *matrix.astype(str).values.tolist()])


@dataclass(frozen=True)
class TierTerms:
    label: str  # the case it covers ("concepts presented, no revisions yet")
    refund: str  # its band in words (amount_words)
    clauses: tuple[Clause, ...]
    # the ambiguity whose readings give its band (id, title): a cell said this app's reading and not which one (a
    # walkthrough)
    unclear: Optional[tuple[str, str]] = None


@dataclass(frozen=True)
class StageTerms:
    label: str  # with its band of completion ("Design (26-50%)")
    reading: Optional[str]  # where the band is this app's reading of the policy's, in words
    tiers: tuple[TierTerms, ...]
    shares_band: Optional[str] = None  # on the first of stages completion cannot tell apart: what a quote does then


def stage_terms(policy: PolicyFile, service: str) -> tuple[StageTerms, ...]:
    """A service's refunds as the work goes on, stage by stage, each case with its band and the clauses that set
    it, from the rules the quotes follow (the terms above are the file's summaries: a version that cut a stage's
    refund from 75% to 60% read word for word as the one before, a walkthrough). Empty: the provider does not sell
    the service."""
    found = policy.services.get(service)
    if found is None:
        return ()
    bands = [_band_of(stage) for stage in found.stages]
    titles = {a.id: a.title for a in policy.ambiguities}
    return tuple(StageTerms(stage.label, stage.reading,
                            tuple(_tier_terms(tier.label, tier_refund(tier, policy.currency), tier.clauses,
                                              (tier.ambiguity.id, titles.get(tier.ambiguity.id, ""))
                                              if tier.ambiguity else None)
                                  for tier in stage.tiers),
                            _shares_band(bands, i))
                 for i, stage in enumerate(found.stages))


def _band_of(stage: Stage) -> Optional[tuple[object, ...]]:
    """Where completion places a stage (None: only chosen by name)."""
    if stage.explicit_only:
        return None
    return (stage.completion_from, stage.completion_above, stage.completion_below, stage.completion_to,
            stage.work_started)


def _shares_band(bands: list[Optional[tuple[object, ...]]], i: int) -> Optional[str]:
    """Said on the first of two or more stages with the same band: the list showed Design's two stages as 50% and
    25% with no word that a quote not naming the stage covers both (a walkthrough)."""
    band = bands[i]
    if band is None or band in bands[:i] or bands.count(band) < 2:
        return None
    return (f"Completion alone cannot tell these {bands.count(band)} stages apart: a quote that does not name the "
            "stage covers each of them, from the least of their refunds to the most.")


_ENDS_IN_PERCENT = re.compile(r":\s*(\d+(?:\.\d+)?%)$")


def _tier_terms(label: str, refund: str, clauses: tuple[Clause, ...],
                unclear: Optional[tuple[str, str]] = None) -> TierTerms:
    """A case and its band, the percent said once: a label that ends in the percent its band begins with leaves it
    to the band ('within 48 hours of payment: 100%: 100% of the base', a walkthrough)."""
    stated = _ENDS_IN_PERCENT.search(label)
    if stated and refund.startswith(stated.group(1) + " "):
        label = label[:stated.start()]
    return TierTerms(label, refund, clauses, unclear)


AMBIGUITY_ID = "Ambiguity"  # the id the calculator cites for sales; not shown to a client


def ambiguity_table(policy: PolicyFile) -> pd.DataFrame:
    """An index of a policy's ambiguities, gaps and contradictions: each one's id, what is unclear and its kind (its
    readings and the one adopted are written out whole beside it: a grid cut them off at the cell's edge)."""
    return pd.DataFrame([{AMBIGUITY_ID: a.id, "What is unclear": a.title, "Kind": a.kind} for a in policy.ambiguities],
                        columns=[AMBIGUITY_ID, "What is unclear", "Kind"])


def ambiguity_places(policy: PolicyFile) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """Where the quotes meet each ambiguity: the sections of the clauses that name it, or of a tier that reads it,
    each with the services whose rules cite it, in the policy's order. An ambiguity no rule reads has none (an
    author found the list hard to tie to clauses or services, a walkthrough)."""
    places: dict[str, dict[str, dict[str, None]]] = {a.id: {} for a in policy.ambiguities}
    # a clause read by the decisions.md row an ambiguity's adopted reading cites meets it too ('SB bands': A-SB-03 had
    # no place, though every stage of the website reads it, a walkthrough)
    by_row: dict[str, list[str]] = {}
    for a in policy.ambiguities:
        for row in decisions_cited(a.adopted):
            by_row.setdefault(row, []).append(a.id)

    def meeting(decision: Optional[str], tier_ambiguity: Optional[str] = None) -> list[str]:
        return [n for n in (decision, tier_ambiguity, *by_row.get(decision or "", ())) if n is not None and n in places]

    for sid, service in policy.services.items():
        for stage in service.stages:
            for tier in stage.tiers:
                for c in tier.clauses:
                    for name in meeting(c.decision, tier.ambiguity.id if tier.ambiguity else None):
                        places[name].setdefault(c.section, {})[sid] = None
    for (section, _quote, _reading, decision), _decides in policy.clause_refs:  # the terms', windows', ...
        for name in meeting(decision):
            places[name].setdefault(section, {})
    return {name: tuple((section, tuple(services)) for section, services in found.items())
            for name, found in places.items()}
