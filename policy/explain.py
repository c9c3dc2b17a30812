"""Plain words for a quote: one place for the sentences the CLI, the app and the Markdown download share."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Optional, Union

from .models import ClauseRef, Deadline, Quote
from .money import format_range, format_usd, percent_text
from .taxonomy import SERVICES

VERDICT_LABELS = {
    "full": "Full refund",
    "partial": "Partial refund",
    "none": "No refund",
    "discretionary": "Discretionary or unclear",  # a table's total: a quote says which (verdict_label)
    "depends": "Depends on facts not given",
    "window_closed": "Request window closed",
    "not_offered": "Service not offered",
}

# One colour per verdict on every surface (Streamlit's named colours; the charts use the same names).
VERDICT_COLOURS = {
    "full": "green", "partial": "blue", "discretionary": "orange", "depends": "violet", "none": "red",
    "window_closed": "red", "not_offered": "gray",
}

VERDICT_PLAIN = {
    "full": "You are entitled to a full refund.",
    "partial": "You are entitled to part of your payment back.",
    "none": "The policy gives no refund in this situation.",
    "discretionary": "The policy lets the provider decide: you can ask, but only the amount shown as the minimum is certain.",
    "depends": "The policy gives a refund in some of the situations these facts leave open, and none in others.",
    "window_closed": "The policy's deadline for refund requests has passed.",
    "not_offered": "This provider's policy does not cover this service.",
}


# A rule whose own words leave the amount to the provider ("may be granted", "case-by-case"); a discretionary
# band without one comes from a contested reading or a gap, which the provider has not chosen to leave open.
_LEAVES_IT_TO_PROVIDER = re.compile(r"\bmay\b|case-by-case", re.IGNORECASE)


def left_to_provider(q: Quote) -> bool:
    """Whether a discretionary band is the provider's to decide, rather than a question the text leaves open."""
    return any(c.decides and _LEAVES_IT_TO_PROVIDER.search(c.quote) for c in q.clauses)


def verdict_label(q: Quote) -> str:
    """The verdict's words; a full refund of less than was paid says so next to the word, and a discretionary
    band says whether the provider decides or the policy's text is unclear."""
    if q.verdict == "full" and Decimal(q.refundable_base) < Decimal(q.amount_paid):
        return "Full refund of the refundable amount"
    if q.verdict == "discretionary":
        return "At the provider's discretion" if left_to_provider(q) else "Unclear in the policy"
    return VERDICT_LABELS[q.verdict]


def deciding_facts(q: Quote) -> str:
    """The facts not given that decide a band, in words: 'the stage and whether deliverables were provided'."""
    names = [FACT_WORDS.get(u.fact, u.fact) for u in q.unknowns]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)


FACT_WORDS = {"stage": "the stage the work is in", "deliverables_provided": "whether anything was delivered",
              "notice_days": "when notice was given"}


def verdict_sentence(q: Quote) -> str:
    """VERDICT_PLAIN, with what decides a band that facts not given spread, and what a full refund leaves out."""
    if q.verdict == "full" and Decimal(q.refundable_base) < Decimal(q.amount_paid):
        left_out = "; ".join(f"{d.label.lower()} ({format_usd(Decimal(d.amount), q.currency)})" for d in q.deductions)
        return (f"You are entitled to all of the refundable amount: {format_usd(Decimal(q.refund_max), q.currency)} "
                f"of {format_usd(Decimal(q.amount_paid), q.currency)} paid; not refunded: {left_out or 'deductions'}.")
    if q.verdict == "depends" and q.unknowns:
        return (f"It depends on {deciding_facts(q)}, which are not known here: you may get up to "
                f"{format_usd(Decimal(q.refund_max), q.currency)}, or nothing.")
    if q.verdict == "discretionary" and not left_to_provider(q):
        why = "; ".join(a.title for a in q.ambiguities)
        return (f"The policy's text does not settle this case{f' ({why})' if why else ''}: one reading gives up to "
                f"{format_usd(Decimal(q.refund_max), q.currency)}, another {format_usd(Decimal(q.refund_min), q.currency)}; "
                "only the minimum is certain. Ask the provider how they read it.")
    if q.verdict == "partial" and q.refund_min != q.refund_max and q.unknowns:
        return f"You are entitled to part of your payment back; how much depends on {deciding_facts(q)}."
    return VERDICT_PLAIN[q.verdict]


def refund_text(q: Quote) -> str:
    """The refund as a person reads it; a service the provider does not sell has none to read."""
    if q.verdict == "not_offered":
        return "Not offered"
    return format_range(Decimal(q.refund_min), Decimal(q.refund_max), q.currency)


def pct_range(q: Quote) -> str:
    if q.refund_pct_min == q.refund_pct_max:
        return percent_text(q.refund_pct_min)
    return f"{percent_text(q.refund_pct_min)} - {percent_text(q.refund_pct_max)}"


def pct_text(q: Quote) -> str:
    if q.verdict == "not_offered":
        return "the provider does not sell this service"
    return f"{pct_range(q)} of the amount paid"


def work_done(pct: Union[int, Decimal], monthly: bool) -> str:
    """Progress in words: a monthly service's is the current billing period's."""
    return f"{pct}% of this billing period's work done" if monthly else f"{pct}% of the work done"


def day_as_date(day: int, paid_on: Optional[date]) -> str:
    """'26 Nov 2026 (day 7 after the payment)' where the payment date is known, else 'day 7'."""
    if paid_on is None:
        return f"day {day}"
    return f"{(paid_on + timedelta(days=day)):%d %b %Y} (day {day} after the payment on {paid_on:%d %b %Y})"


def deadline_sentence(q: Quote, d: Deadline) -> str:
    after = format_range(Decimal(d.refund_min_after), Decimal(d.refund_max_after), q.currency)
    when = day_as_date(d.last_day, q.scenario.paid_on)
    return (
        f"Ask for the refund by {when} to keep {refund_text(q)} ({pct_text(q)}); "
        f"from {_day(d.drops_on_day, d.drops_on_date)} it drops to {after}."
    )


def lapsed_sentence(q: Quote) -> Optional[str]:
    """What a late request lost, and when (a closed window says it in its own words)."""
    lapsed = q.lapsed
    if lapsed is None or q.verdict == "window_closed":
        return None
    low, high = Decimal(lapsed.refund_min_before), Decimal(lapsed.refund_max_before)
    before = f"up to {format_usd(high, q.currency)}" if low == 0 else format_range(low, high, q.currency)
    return (f"Until {day_as_date(lapsed.last_day, q.scenario.paid_on)} the policy gave {before}; "
            f"a request now gets {refund_text(q)}.")


def window_closed_sentence(q: Quote, window_days: int) -> str:
    """When the request window closed, as a date where the payment date is known."""
    return (f"The policy's {window_days}-day window for refund requests closed on "
            f"{day_as_date(window_days, q.scenario.paid_on)}.")


def cite(section: str) -> str:
    """A section as a client reads it: '¶4' is the fourth paragraph, 'B1' the first bullet, '3.1(a)' a section."""
    if section.startswith("¶"):
        return f"paragraph {section[1:]}"
    if re.fullmatch(r"B\d+", section):
        return f"bullet point {section[1:]}"
    return f"section {section}"


def _day(day: int, on: Optional[date]) -> str:
    return f"{on:%d %b %Y}" if on else f"day {day}"


def processing_sentence(q: Quote) -> Optional[str]:
    p = q.processing_time
    if p is None:
        return None
    how = "by the payment method you used" if p.method else "depending on how you paid"
    return f"Once approved, the refund is processed within {p.min_business_days}-{p.max_business_days} business days ({how})."


@dataclass(frozen=True)
class Section:
    """One part of a quote's explanation: plain sentences, and the policy's own words quoted verbatim."""
    title: str
    items: tuple[str, ...] = ()
    clauses: tuple[ClauseRef, ...] = ()


def explanation_sections(q: Quote, with_deadline: bool = True) -> list[Section]:
    """Why the quote is what it is, in the order a reader needs it: the one source for the command line's
    summary, the page and the client's Markdown file. Empty sections are left out."""
    def money(amount: str) -> str:
        return format_usd(Decimal(amount), q.currency)

    stage = ()
    if q.stage.placed_by != "none":
        how = "the stage you chose" if q.stage.placed_by == "explicit" else "from the completion given"
        stage = (f"{q.stage.label} ({how}).", *((q.stage_note,) if q.stage_note else ()))
    ranges = (
        *(f"Ambiguity {a.id} ({a.title}): " + "; ".join(f"{r.label}: {money(r.amount)}" for r in a.readings)
          for a in q.ambiguities),
        *(f"Not known: {FACT_WORDS.get(u.fact, u.fact)}. " + "; ".join(
            f"{o.value}: {format_range(Decimal(o.refund_min), Decimal(o.refund_max), q.currency)}" for o in u.outcomes)
          for u in q.unknowns),
    )
    dates = (
        lapsed_sentence(q) if with_deadline else None,
        deadline_sentence(q, q.next_deadline) if q.next_deadline and with_deadline else None,
        processing_sentence(q),
        None if q.next_charge_avoided is None or not with_deadline else (  # the page's headline says it
            "Your notice is early enough: the next monthly charge is avoided." if q.next_charge_avoided
            else "Your notice is too late: the next monthly charge still applies."),
    )
    sections = [
        Section("Stage", stage),
        Section("The clauses that decide it", clauses=tuple(c for c in q.clauses if c.decides)),
        Section("Context", clauses=tuple(c for c in q.clauses if not c.decides)),
        Section("Why this is a range", ranges),
        Section("Deductions", tuple(f"{d.label}: {money(d.amount)} ({cite(d.clause.section)})." for d in q.deductions)),
        Section("Dates", tuple(d for d in dates if d)),
        Section("Also available", tuple(q.remedies)),
        Section("Notes", tuple(q.notes)),
    ]
    return [s for s in sections if s.items or s.clauses]


def clause_line(c: ClauseRef) -> str:
    return f'[{c.section}] "{c.quote}"' + (f" (read as: {c.decision})" if c.decision else "")


def summary_lines(q: Quote) -> list[str]:
    """A readable summary, for a person at a terminal."""
    lines = [
        f"{q.provider_name} - {q.service_label or SERVICES[q.service]} (policy version {q.policy_version})",
        f"Refund: {refund_text(q)} ({pct_text(q)}) - {verdict_label(q)}",
        verdict_sentence(q),
    ]
    for section in explanation_sections(q):
        lines.append(f"{section.title}:")
        lines += [f"  {clause_line(c)}" for c in section.clauses]
        lines += [f"  {item}" for item in section.items]
    return lines


def plain_answer(q: Quote) -> str:
    """The first sentence a client reads."""
    amount = refund_text(q)
    if q.verdict == "full":
        return f"Yes. You can get your money back in full: {amount}."
    if q.verdict == "partial":
        return f"Yes, in part. You can expect {amount}."
    if q.verdict == "depends":
        return f"Possibly. Depending on {deciding_facts(q)}, up to {format_usd(Decimal(q.refund_max), q.currency)}."
    if q.verdict == "discretionary":
        if Decimal(q.refund_min) > 0:
            return (f"Yes, in part: at least {format_usd(Decimal(q.refund_min), q.currency)}, and up to "
                    f"{format_usd(Decimal(q.refund_max), q.currency)} if the provider agrees.")
        return f"Maybe. The provider may refund up to {format_usd(Decimal(q.refund_max), q.currency)}, but it does not have to."
    if q.verdict == "window_closed":
        return "Probably not: the deadline for refund requests in this policy has passed."
    if q.verdict == "not_offered":
        return f"{q.provider_name} does not sell {SERVICES[q.service].lower()}, so its refund policy does not cover it."
    return "Not under this policy, as things stand."
