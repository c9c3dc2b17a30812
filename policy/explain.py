"""Plain words for a quote: one place for the sentences the CLI, the app and the Markdown download share."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Optional, Union, assert_never

from .fields import UNKNOWABLE
from .models import AmbiguityUse, ClauseRef, Deadline, Lapsed, Quote, ReadingAmount, Verdict
from .money import format_range, format_usd, percent_text
from .schema import Clause, Stage, clause_key
from .taxonomy import SERVICES
from .words import counted, mid_sentence

if TYPE_CHECKING:
    from .schema import PolicyFile, Statement

# The verdicts' words and colours as tables keyed by their strings (a saved quote's verdict is a string): made
# from the members, which carry them (models.Verdict).
VERDICT_LABELS: dict[str, str] = {v: v.label for v in Verdict}
VERDICT_COLOURS: dict[str, str] = {v: v.colour for v in Verdict}
VERDICT_PLAIN: dict[str, str] = {v: v.sentence for v in Verdict}


def label_of(verdict: str) -> str:
    """A stored verdict's name (a string from the register or a batch file); one this app does not know, as stored."""
    return Verdict(verdict).label if verdict in VERDICT_LABELS else verdict


# A rule whose own words leave the amount to the provider ("may be granted", "case-by-case"); a discretionary
# band without one comes from a contested reading or a gap, which the provider has not chosen to leave open.
# A client's "may" is no such rule: Step-Into's "you may request a full refund" read as the provider's choice, and a
# client was told the provider decides where the text leaves open whether the refund is due at all.
_LEAVES_IT_TO_PROVIDER = re.compile(r"(?<!\byou )\bmay\b|case-by-case", re.IGNORECASE)


def left_to_provider(q: Quote) -> bool:
    """Whether a discretionary band is the provider's to decide, rather than a question the text leaves open."""
    return any(c.decides and _LEAVES_IT_TO_PROVIDER.search(c.quote) for c in q.clauses)


def of_refundable(q: Quote) -> bool:
    """A full refund of less than was paid: the deductions the policy names make the refundable amount smaller."""
    return q.verdict == Verdict.full and Decimal(q.refundable_base) < Decimal(q.amount_paid)


def verdict_label(q: Quote) -> str:
    """The verdict's one name; a full refund of less than was paid says so next to the word (decisions.md 4)."""
    if of_refundable(q):
        return f"{q.verdict.label} of the refundable amount"
    return q.verdict.label


def deciding_facts(q: Quote) -> str:
    """The facts not given that decide a band, in words: 'the stage and whether deliverables were provided'."""
    names = [FACT_WORDS.get(u.fact, u.fact) for u in q.unknowns]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)


# Each fact that may be unknown in words, as declared with its field (models.may_be_unknown).
FACT_WORDS: dict[str, str] = {f.name: f.unknown.fact for f in UNKNOWABLE if f.unknown is not None}


def less_than_full(q: Quote) -> str:
    """' (less than the full $5,000.00)' beside a maximum that a partial refund with no amount decided
    (decisions.md 'SB our delay'), else ''."""
    return below_full(q.less_than_full, q.refund_max, q.currency)


def below_full(full: Optional[str], most: str, currency: str) -> str:
    if full is None or Decimal(most) == 0:
        return ""
    return f" (less than the full {format_usd(Decimal(full), currency)})"


def max_text(q: Quote) -> str:
    """The most the policy allows, with what it stays below where a partial refund decided it."""
    return format_usd(Decimal(q.refund_max), q.currency) + less_than_full(q)


def verdict_sentence(q: Quote, for_client: bool = False) -> str:
    """The verdict's sentence, with what decides a band that facts not given spread, what a full refund leaves
    out, and what a partial refund with no amount stays below. for_client: what the text leaves open is said in a
    client's words where the policy gives them (unclear_sentence)."""
    sentence = _verdict_sentence(q, for_client)
    if less_than_full(q):
        full, most = (format_usd(Decimal(x), q.currency) for x in (q.less_than_full or 0, q.refund_max))
        sentence += f" The policy grants a partial refund here, which is less than the full {full}: at most {most}."
    return sentence


def _verdict_sentence(q: Quote, for_client: bool) -> str:
    money = format_usd(Decimal(q.refund_max), q.currency)
    match q.verdict:
        case Verdict.full if of_refundable(q):
            left_out = "; ".join(f"{d.label.lower()} ({format_usd(Decimal(d.amount), q.currency)})" for d in q.deductions)
            return (f"You are entitled to all of the refundable amount: {money} of "
                    f"{format_usd(Decimal(q.amount_paid), q.currency)} paid; not refunded: {left_out or 'deductions'}.")
        case Verdict.depends if q.unknowns:
            known = "is" if len(q.unknowns) == 1 else "are"  # "the stage the work is in, which are not known"
            return f"It depends on {deciding_facts(q)}, which {known} not known here: you may get up to {money}, or nothing."
        case Verdict.discretionary if not left_to_provider(q):
            low = format_usd(Decimal(q.refund_min), q.currency)
            # "only the minimum is certain" read as jargon where the minimum is nothing (a walkthrough)
            certain = "nothing is certain" if Decimal(q.refund_min) == 0 else f"only {low} is certain"
            questions = [a.question for a in q.ambiguities]
            if for_client and questions and None not in questions:
                return (f"The policy does not make clear {' nor '.join(map(str, questions))}: one reading gives up to "
                        f"{money}, another {low}; {certain}. Ask the provider how they read it.")
            if not q.ambiguities:  # a band of the terms themselves, not readings of unclear words (a walkthrough)
                return (f"The policy's terms do not settle this case: they allow anything from {low} to {money}; "
                        f"{certain}. Ask the provider how much they will refund.")
            why = "; ".join(a.title for a in q.ambiguities)
            return (f"The policy's text does not settle this case ({why}): one reading gives up to "
                    f"{money}, another {low}; {certain}. Ask the provider how they read it.")
        case Verdict.discretionary if q.ambiguities and not for_client:
            # the provider's to decide, and its words read two ways: the headline said only the first, and "Why" only
            # the second (a walkthrough on ITMedia's website at 60%)
            low = format_usd(Decimal(q.refund_min), q.currency)
            why = "; ".join(a.title for a in q.ambiguities)
            return (f"{q.verdict.sentence} Its text does not settle this case either ({why}): one reading gives up to "
                    f"{money}, another {low}.")
        case Verdict.partial if q.refund_min != q.refund_max and q.unknowns:
            return f"You are entitled to part of your payment back; how much depends on {deciding_facts(q)}."
        case Verdict.partial if q.refund_min != q.refund_max and Decimal(q.refund_max) == Decimal(q.refundable_base):
            # "part of your payment back" beside 75% - 100% read as a contradiction (a walkthrough)
            low = format_usd(Decimal(q.refund_min), q.currency)
            whole = "all of the refundable amount" if q.refundable_base != q.amount_paid else "all of it"
            return f"You are entitled to at least {low} of your payment back, and possibly {whole} ({money})."
        case (Verdict.full | Verdict.partial | Verdict.none | Verdict.discretionary | Verdict.depends
              | Verdict.window_closed | Verdict.not_offered):
            return q.verdict.sentence
        case _:
            assert_never(q.verdict)


UNDATED = "undated (as published)"  # the version of a policy its provider never dated (policy/data)


def version_words(version: str) -> str:
    """'policy version 2025-06-17'; for a policy its provider never dated, words ('policy version undated (as
    published)' read as a fault); no brackets of its own, as it is often said in brackets."""
    return "the undated policy, as the provider publishes it" if version == UNDATED else f"policy version {version}"


def named_version(name: str, version: str) -> str:
    """'Social Beat Digital version 2025-06-17'; a policy its provider never dated, as version_words says it
    ("Step-Into version undated (as published)" beside "the policy as the provider publishes it" named one version
    two ways, a walkthrough)."""
    return f"{name}'s policy as it publishes it (no date)" if version == UNDATED else f"{name} version {version}"


def refund_text(q: Quote) -> str:
    """The refund as a person reads it; a service the provider does not sell has none to read; a maximum a partial
    refund with no amount decided says what it stays below."""
    if q.verdict == Verdict.not_offered:
        return "Not offered"
    return format_range(Decimal(q.refund_min), Decimal(q.refund_max), q.currency) + less_than_full(q)


def last_day_changed(given: Quote, now: Quote, paid_on: date) -> Optional[str]:
    """Where two quotes of one payment (`paid_on`) give the same refund, what differs in the last day to ask for it
    (None: nothing). A version that shortened the request window gave the same refund on Saved quotes, which said "the
    same refund", while its deadline had moved nine days earlier (a walkthrough)."""
    def last(q: Quote) -> Optional[int]:
        return None if q.next_deadline is None else q.next_deadline.last_day

    if last(given) == last(now):
        return None

    def on(day: Optional[int]) -> str:
        return f"{paid_on + timedelta(days=day or 0):%d %b %Y} (day {day} after the payment)"

    if last(now) is None:
        return f"it sets no last day to ask for it, where the quote as given had {on(last(given))}"
    if last(given) is None:
        return f"the last day to ask for it is {on(last(now))}, where the quote as given had none"
    return f"the last day to ask for it is {on(last(now))}, not {on(last(given))}"


def pct_range(q: Quote) -> str:
    if q.refund_pct_min == q.refund_pct_max:
        return percent_text(q.refund_pct_min)
    return f"{percent_text(q.refund_pct_min)} - {percent_text(q.refund_pct_max)}"


def refund_with_share(q: Quote, in_a_sentence: bool = False) -> str:
    """'$0.00 - $4,999.99 (less than the full $5,000.00; 0% - 99.99% of the amount paid)': the band, what a partial
    refund stays below, and the share of the amount paid, in one parenthesis. in_a_sentence: a band from nothing
    reads 'up to $4,999.99' ('to keep $0.00 - $4,999.99' read as if nothing were a sum to keep)."""
    if q.verdict == Verdict.not_offered:
        return f"{refund_text(q)} ({pct_text(q)})"
    beside = [f"less than the full {format_usd(Decimal(q.less_than_full or 0), q.currency)}"] if less_than_full(q) else []
    low, high = Decimal(q.refund_min), Decimal(q.refund_max)
    if in_a_sentence and low == 0 < high:  # 'up to $4,900.00 (98% of the amount paid)', not '(0% - 98% ...)'
        share = f"{percent_text(q.refund_pct_max)} of the amount paid"
        return f"{band_words(low, high, q.currency)} ({'; '.join([*beside, share])})"
    return f"{format_range(low, high, q.currency)} ({'; '.join([*beside, pct_text(q)])})"


def band_words(low: Decimal, high: Decimal, currency: str, most: str = "up to") -> str:
    """A band as a sentence says it: 'up to $5,000.00' where it starts at nothing, else the range."""
    return f"{most} {format_usd(high, currency)}" if low == 0 < high else format_range(low, high, currency)


def pct_text(q: Quote) -> str:
    if q.verdict == Verdict.not_offered:
        return "the provider does not sell this service"
    return f"{pct_range(q)} of the amount paid"


def work_done(pct: Union[int, Decimal], monthly: bool) -> str:
    """Progress in words: a monthly service's is the current billing period's."""
    return f"{pct}% of this billing period's work done" if monthly else f"{pct}% of the work done"


def case_lines(q: Quote) -> tuple[str, str, str]:
    """Whose case a quote is, in three short lines: the calculator's case line (joined) and each chart's key, so a
    chart downloaded as a PNG says whose case it draws (a walkthrough). What the sliders move is left out: in a
    chart's key it made every key press a new spec, which the browser builds as a new chart. The version on a line of
    its own: beside the amount, an undated one's words were cut at a chart's edge (a walkthrough)."""
    return (f"{q.provider_name}, {SERVICES[q.service]}", f"{format_usd(Decimal(q.amount_paid), q.currency)} paid",
            version_words(q.policy_version))


def day_as_date(day: int, paid_on: Optional[date], asked: Optional[tuple[date, int]] = None) -> str:
    """'26 Nov 2026 (day 7 after the payment on 19 Nov 2026)' where the payment date is known; else, given
    `asked` (the day a quote was made and its days since payment), the date that day falls on counted from it (a
    client's summary said "by day 30", the calculator beside it the date: a walkthrough); else 'day 7'."""
    on, counting = _day_parts(day, paid_on, asked)
    return f"{on} ({counting})" if counting else on


def _day_parts(day: int, paid_on: Optional[date], asked: Optional[tuple[date, int]] = None) -> tuple[str, str]:
    """day_as_date's two parts: the date (or 'day 7'), and how it is counted ('' for a day without a date)."""
    if paid_on is None:
        if asked is None:
            return f"day {day}", ""
        on, days = asked
        # "which was 0 days before 06 Dec 2026" read oddly (a walkthrough): a payment that day is on that day
        when = f"on {on:%d %b %Y}" if days == 0 else f"which was {counted(days, 'day')} before {on:%d %b %Y}"
        return f"{_dated(day, asked):%d %b %Y}", f"day {day} after the payment{'' if days == 0 else ','} {when}"
    return f"{(paid_on + timedelta(days=day)):%d %b %Y}", f"day {day} after the payment on {paid_on:%d %b %Y}"


def _dated(day: int, asked: tuple[date, int]) -> date:
    """The date of a day after the payment, for a quote made on asked[0] at asked[1] days since the payment."""
    return asked[0] + timedelta(days=day - asked[1])


def deadline_on_calendar(q: Quote, today: date) -> Optional[str]:
    """Without a payment date a deadline is a day number: the calendar date it is where the request is made today (a
    rep on a call could give the client no date, a walkthrough). None with a payment date, or no deadline ahead."""
    d = q.next_deadline
    if d is None or q.scenario.paid_on is not None:
        return None
    last = today + timedelta(days=d.last_day - q.scenario.days_since_payment)
    return (f"Asked today, day {q.scenario.days_since_payment} after the payment, day {d.last_day} is {last:%d %b %Y}: "
            "give the payment date (Advanced) to quote in dates.")


def deadline_sentence(q: Quote, d: Deadline, asked_on: Optional[date] = None) -> str:
    """`asked_on`: the day the quote was made, for the date of a deadline of a payment given in days."""
    low, high = Decimal(d.refund_min_after), Decimal(d.refund_max_after)
    below = below_full(d.less_than_full_after, d.refund_max_after, q.currency)
    if high == Decimal(q.refund_max) > 0:  # only the least drops: "it drops to at most $450.00" beside a quote of
        # $450.00 read as no drop at all (a walkthrough)
        after = (f"nothing is certain: anything from {format_usd(low, q.currency)} to "
                 f"{format_usd(high, q.currency)}{below}" if low == 0 else
                 f"the least it gives drops: {format_range(low, high, q.currency)}{below}")
    else:
        after = f"it drops to {band_words(low, high, q.currency, most='at most')}{below}"
    window = q.policy.window if q.policy is not None else None
    # the request window's end, with its clause: the one date of the steps a client could not check (a walkthrough)
    where = f" ({cited_sections(window.clauses)})" if window is not None and d.last_day == window.days else ""
    if d.last_day == q.scenario.days_since_payment:
        # the request's own day is the last: said, not only dated (a client on day 7 read "by 06 Dec 2026" on 6 Dec
        # and "as soon as you can", and not that it was the day); in one aside with its count: two asides in a row,
        # "(day 7 after the payment, ...) (the day this quote is for, ...)", read as a correction (walkthroughs)
        on, counting = _day_parts(d.last_day, q.scenario.paid_on, _asked(q, asked_on))
        when = f"on {on}, the day this quote is for and the last day to ask{f' ({counting})' if counting else ''},"
    else:
        when = f"by {day_as_date(d.last_day, q.scenario.paid_on, _asked(q, asked_on))}"
    return (
        f"Ask for the refund {when} to keep {refund_with_share(q, in_a_sentence=True)}; "
        f"from {_day(d.drops_on_day, d.drops_on_date, _asked(q, asked_on))} {after}{where}."
    )


def _asked(q: Quote, asked_on: Optional[date]) -> Optional[tuple[date, int]]:
    return None if asked_on is None else (asked_on, q.scenario.days_since_payment)


def lapsed_sentence(q: Quote, asked_on: Optional[date] = None) -> Optional[str]:
    """What a late request lost, and when (a closed window says it in its own words)."""
    if q.lapsed is None or q.verdict == Verdict.window_closed:
        return None
    asked = q.scenario.requested_on  # a dated request may be still to come: "now" said it was today (a walkthrough)
    return (f"Until {day_as_date(q.lapsed.last_day, q.scenario.paid_on, _asked(q, asked_on))} the policy gave "
            f"{_before(q.lapsed, q)}; "
            f"a request {f'on {asked:%d %b %Y}' if asked else 'now'} gets {refund_text(q)}.")


def window_lapsed_sentence(q: Quote, asked_on: Optional[date] = None) -> Optional[str]:
    """A closed window on the calculator: its last day and what a request made by then got (a client's documents
    say when it closed in their own words: window_closed_sentence). `asked_on`: as deadline_sentence's."""
    if q.lapsed is None or q.verdict != Verdict.window_closed:
        return None
    return (f"The request window's last day was {day_as_date(q.lapsed.last_day, q.scenario.paid_on, _asked(q, asked_on))}"
            f": a request made by then would have got {_before(q.lapsed, q)}.")


def _before(lapsed: Lapsed, q: Quote) -> str:
    """What the policy gave up to a clock's last day, in words."""
    return band_words(Decimal(lapsed.refund_min_before), Decimal(lapsed.refund_max_before), q.currency) + below_full(
        lapsed.less_than_full_before, lapsed.refund_max_before, q.currency)


def dated_after_payment_sentence(q: Quote) -> Optional[str]:
    """A payment made before the date the version answering it bears: that version is the earliest on record (a
    payment on 01 Mar 2025 was answered with 'policy version 2025-06-17', and nothing said why)."""
    policy, paid_on = q.policy, q.scenario.paid_on
    if policy is None or policy.last_updated is None or paid_on is None or paid_on >= policy.last_updated:
        return None
    return (f"{q.provider_name}'s policy text is dated {policy.last_updated:%d %b %Y}, after this payment: it is the "
            "earliest version on record, so it answers for this payment too.")


def window_closed_sentence(q: Quote, window_days: int, asked_on: Optional[date] = None) -> str:
    """When the request window closed, as a date where the payment date is known (or, given `asked_on`, counted from
    the day the quote was made: a client's steps said only "closed on day 30", a walkthrough)."""
    return (f"The policy's {window_days}-day window for refund requests closed on "
            f"{day_as_date(window_days, q.scenario.paid_on, _asked(q, asked_on))}.")


def cite(section: str) -> str:
    """A section as a client reads it: '¶4' is the fourth paragraph, 'B1' the first bullet, '3.1(a)' a section."""
    if section.startswith("¶"):
        return f"paragraph {section[1:]}"
    if re.fullmatch(r"B\d+", section):
        return f"bullet point {section[1:]}"
    return f"section {section}"


def _day(day: int, on: Optional[date], asked: Optional[tuple[date, int]] = None) -> str:
    """A day's date where known (or, given `asked`, counted from the day a quote was made, as day_as_date counts it)."""
    if on is None and asked is not None:
        on = _dated(day, asked)
    return f"{on:%d %b %Y}" if on else f"day {day}"


def processing_sentence(q: Quote) -> Optional[str]:
    p = q.processing_time
    if p is None:
        return None
    how = "by the payment method you used" if p.method else "depending on how you paid"
    where = cited_sections(p.clauses)  # the only one of its kind without it
    return (f"Once approved, the refund is processed within {p.min_business_days}-{p.max_business_days} business days "
            f"({how}{f'; {where}' if where else ''}).")


def cited_sections(clauses: tuple[Union[Clause, ClauseRef], ...]) -> str:
    """The sections of some clauses as a client reads them, each once: 'section 5.1 and section 5.2'."""
    return " and ".join(cite(s) for s in dict.fromkeys(c.section for c in clauses))


def review_sentence(q: Quote, policy: PolicyFile) -> Optional[str]:
    """Once the request is sent: when the provider acknowledges and reviews it (Social Beat 5.1)."""
    r = policy.review
    if r is None or q.verdict == Verdict.not_offered:
        return None
    return (f"Once you have sent the request, {policy.name} acknowledges receipt within {r.acknowledge_hours} hours and "
            f"reviews it within {r.review_business_days} business days ({cited_sections(r.clauses)}).")


def _refund_terms(q: Quote, policy: PolicyFile) -> tuple[Statement, ...]:
    if Decimal(q.refund_max) == 0 or q.verdict == Verdict.not_offered:
        return ()
    return tuple(part for part in (policy.refund_method, policy.international) if part is not None)


def refund_terms_sentences(q: Quote, policy: PolicyFile) -> tuple[str, ...]:
    """How a refund is paid, and what differs for a client abroad (Social Beat 6.2 and 12.1): said where there
    may be a refund to pay."""
    return tuple(f"{part.text} ({cited_sections(part.clauses)})." for part in _refund_terms(q, policy))


def handling_clauses(q: Quote, policy: PolicyFile) -> tuple[ClauseRef, ...]:
    """The policy's own words behind review_sentence and refund_terms_sentences, as a quote cites them."""
    parts = [*((policy.review,) if review_sentence(q, policy) else ()), *_refund_terms(q, policy)]
    return tuple(dict.fromkeys(policy.clause_refs[clause_key(c), ()] for part in parts if part for c in part.clauses))


@dataclass(frozen=True)
class Section:
    """One part of a quote's explanation: plain sentences, and the policy's own words quoted verbatim."""
    title: str
    items: tuple[str, ...] = ()
    clauses: tuple[ClauseRef, ...] = ()


def range_sentences(q: Quote, for_client: bool = False) -> tuple[str, ...]:
    """What makes the quote a range: each unclear wording that moves it, and each fact not given that does; else, for
    a range left to the provider (a 'may' that names no sum), the clause that leaves it: Compare showed $0.00 -
    $1,199.99 for a delay of the provider's with no word of why (a walkthrough)."""
    said = (*(unclear_sentence(a, q.currency, for_client) for a in q.ambiguities), *unknown_sentences(q, for_client))
    if said or q.refund_min == q.refund_max or q.verdict != Verdict.discretionary:
        return said
    leaving = [c for c in q.clauses if "refund_max" in c.decides and "refund_min" not in c.decides] or \
        [c for c in q.clauses if "refund_max" in c.decides]
    by = "; ".join(f"{cite(c.section)}: \u201c{c.quote}\u201d" for c in leaving)
    said_so = (f"The policy leaves how much to {q.provider_name}, from {format_usd(Decimal(q.refund_min), q.currency)} "
               f"up to {max_text(q)}" + (f", by {by}" if by else ""))
    return (said_so if said_so.endswith(".\u201d") else said_so + ".",)  # a quote's own full stop ends it


def unknown_sentences(q: Quote, for_client: bool = False) -> tuple[str, ...]:
    """Each fact not given that moves the refund, with the refund under each of its answers."""
    return tuple(
        f"Not known: {FACT_WORDS.get(u.fact, u.fact)}. " + ("The refund for each answer: " if for_client else "")
        + "; ".join(f"{o.value}{', ' if for_client else ': '}"  # a client read "no: $0.00; yes: ..." as a riddle
                    f"{format_range(Decimal(o.refund_min), Decimal(o.refund_max), q.currency)}" for o in u.outcomes)
        + ("." if for_client else "")
        for u in q.unknowns)


def placed_stages_of(q: Quote) -> list[Stage]:
    """The stages of its policy a quote is placed in (none for a quote read back without its policy)."""
    service = q.policy.services.get(q.service) if q.policy is not None else None
    return [s for s in service.stages if s.id in q.stage.candidates] if service is not None else []


def reading_of_stage(q: Quote) -> Optional[str]:
    """How the quote's stage reads the policy's own band, where a reading narrows it (schema.Stage.reading); None
    for a quote read back without its policy."""
    stage = next((s for s in placed_stages_of(q) if s.id == q.stage.id), None) if q.stage.id else None
    return stage.reading if stage is not None else None


def stage_reading(q: Quote) -> Optional[str]:
    """reading_of_stage, said as this estimate's reading: the stage's band read as the policy's own (a walkthrough)."""
    reading = reading_of_stage(q)
    return f"This estimate's reading, not the policy's words: {reading}" if reading else None


def _placed_by(q: Quote) -> str:
    """What placed the stage: the completion, and the work status where the client gave it and a stage placed turns
    on it ("Not started: placed by the completion given" of a case whose work was said not to have started)."""
    by_work = q.scenario.work_started is not None and any(s.work_started is not None for s in placed_stages_of(q))
    return "the completion and the work status" if by_work else "the completion"


def explanation_sections(q: Quote, with_deadline: bool = True, for_client: bool = False,
                         under_headline: bool = False) -> list[Section]:
    """Why the quote is what it is, in the order a reader needs it: the one source for the command line's
    summary, the page and the client's Markdown file. Empty sections are left out. for_client: a client reads it
    (the eligibility page): no ambiguity ids, no note on how the calculator places stages, and none of what the
    client's next steps above it already say (the review, the processing time, how a refund is paid, the
    remedies: each was on the page three times). under_headline: drawn under the page's headline, which gives a
    service the provider does not sell its note (the calculator said it three times)."""
    def money(amount: str) -> str:
        return format_usd(Decimal(amount), q.currency)

    stage: tuple[str, ...] = ()
    reading = stage_reading(q)
    if q.stage.placed_by != "none" and for_client:  # a client never chose a stage, and may not have said how far along
        stage = (f"The policy's words below are for this stage of the work: {q.stage.label}.", *((reading,) if reading else ()))
    elif q.stage.placed_by != "none":
        how = "the stage you chose" if q.stage.placed_by == "explicit" else f"placed by {_placed_by(q)} given"
        # a dash: a stage's own name may hold a bracket ('(before work begins)') and a colon ('Design (26-50%): ...')
        stage = (f"{q.stage.label} \u2014 {how}.", *((reading,) if reading else ()),
                 *((q.stage_note,) if q.stage_note else ()))
    ranges = range_sentences(q, for_client)
    policy = q.policy
    dates = (
        lapsed_sentence(q) if with_deadline else None,
        deadline_sentence(q, q.next_deadline) if q.next_deadline and with_deadline else None,
        None if for_client else processing_sentence(q),  # a client's next steps say it
        None if q.next_charge_avoided is None or not with_deadline else (  # the page's headline says it
            "Your notice is early enough: the next monthly charge is avoided." if q.next_charge_avoided
            else "Your notice is too late: the next monthly charge still applies."),
    )
    sections = [
        Section("Stage", stage),
        Section("The clauses that decide it", clauses=tuple(c for c in q.clauses if c.decides)),
        # "Context" read as an author's word to a client (a walkthrough): the clauses around those that decide it
        Section("Around it in the policy" if for_client else "Context", clauses=tuple(c for c in q.clauses if not c.decides)),
        Section("Why this is a range", ranges),
        Section("Deductions", tuple(f"{d.label}: {money(d.amount)} ({cite(d.clause.section)})." for d in q.deductions)),
        Section("Dates", tuple(d for d in dates if d)),
        # the policy's words only: the sentences that say them again (the client's next steps, client.next_steps)
        # read as each point twice under one heading (a walkthrough, on the calculator)
        Section("Once you ask", clauses=handling_clauses(q, policy)) if policy is not None else Section("Once you ask"),
        Section("Also available", () if for_client else tuple(q.remedies)),
        # a service the provider does not offer: its first note is a client's first step (client.next_steps), and
        # the headline's sentence on a page
        Section("Notes", q.notes[1:] if (for_client or under_headline) and q.verdict == Verdict.not_offered
                else tuple(q.notes)),
    ]
    return [s for s in sections if s.items or s.clauses]


def unclear_sentence(a: AmbiguityUse, currency: str, for_client: bool) -> str:
    """An ambiguity that moved the quote, with what each reading gives. A client reads what is unclear in the words
    the policy file gives for a client ("The policy does not make clear whether ...") where it gives them; else, as
    sales and authors read it, its title and readings (with its id for them: a client is given no id)."""
    def money(r: ReadingAmount) -> str:
        return format_usd(Decimal(r.amount), currency)

    if for_client and a.question is not None:
        said = "; ".join(f"{r.plain}: {money(r)}" for r in a.readings)
        return f"The policy does not make clear {a.question}. {said[:1].upper()}{said[1:]}."
    lead = f"The policy can be read {len(a.readings)} ways here ({a.title}): " if for_client \
        else f"Ambiguity {a.id} ({a.title}): "  # a bare "or, or and?:" read as a fault
    # each reading quoted, then its amount: "no refund in full: prorated share not done: $3,500.00" ran the reading's
    # own colon into the amount's (a walkthrough)
    return lead + "; ".join(f"\u201c{r.label}\u201d gives {money(r)}" for r in a.readings)


def clause_line(c: ClauseRef) -> str:
    return f'[{c.section}] "{c.quote}"' + (f" (read as: {c.decision})" if c.decision else "")


def summary_lines(q: Quote) -> list[str]:
    """A readable summary, for a person at a terminal."""
    lines = [
        f"{q.provider_name} - {q.service_label or SERVICES[q.service]} ({version_words(q.policy_version)})",
        f"Refund: {refund_text(q)} ({pct_text(q)}) - {verdict_label(q)}",
        verdict_sentence(q),
    ]
    for section in explanation_sections(q):
        lines.append(f"{section.title}:")
        lines += [f"  {clause_line(c)}" for c in section.clauses]
        lines += [f"  {item}" for item in section.items]
    return lines


def deductions_text(q: Quote) -> str:
    """What the policy takes out before any refund, in words: 'taxes already remitted ($200.00)'."""
    return "; ".join(f"{d.label.lower()} ({format_usd(Decimal(d.amount), q.currency)})" for d in q.deductions)


def plain_answer(q: Quote) -> str:
    """The first sentence a client reads (the headline): a full refund of less than was paid says it is of the
    refundable amount, and a maximum a partial refund decided says what it stays below."""
    amount = refund_text(q)
    match q.verdict:
        case Verdict.full if of_refundable(q):
            return (f"Yes. You can get a full refund of the refundable amount: {amount} of "
                    f"{format_usd(Decimal(q.amount_paid), q.currency)} paid; not refunded: {deductions_text(q) or 'deductions'}.")
        case Verdict.full:
            return f"Yes. You can get your money back in full: {amount}."
        case Verdict.partial:
            return f"Yes, in part. You can expect {amount}."
        case Verdict.depends:
            return f"Possibly. Depending on {deciding_facts(q)}, up to {max_text(q)}."
        case Verdict.discretionary if not left_to_provider(q):  # as the verdict's sentence reads it
            # the policy's wording, not the provider's choice: a client read "The provider may refund up to $2,000.00,
            # but it does not have to" over a sentence saying the policy does not make clear what it means
            low = Decimal(q.refund_min)
            return (f"Maybe. The policy's words do not settle this case: up to {max_text(q)}, or "
                    f"{format_usd(low, q.currency) if low > 0 else 'nothing'}.")
        case Verdict.discretionary if Decimal(q.refund_min) > 0:
            return (f"Yes, in part: at least {format_usd(Decimal(q.refund_min), q.currency)}, and up to "
                    f"{max_text(q)} if the provider agrees.")
        case Verdict.discretionary:
            return f"Maybe. The provider may refund up to {max_text(q)}, but it does not have to."
        case Verdict.window_closed:
            return "Probably not: the deadline for refund requests in this policy has passed."
        case Verdict.not_offered:
            return f"{q.provider_name} does not sell {mid_sentence(SERVICES[q.service])}, so its refund policy does not cover it."
        case Verdict.none:
            return "Not under this policy, as things stand."
        case _:
            assert_never(q.verdict)
