"""The client's form ("Am I eligible?") in plain words -> a scenario. The rules of the mapping live here, tested
without Streamlit; the page only asks the questions and draws the answer."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Optional

from .client import NotSaid, Unsettled, deciding_clause, next_billing_date, other_case_deadline
from .errors import InputError
from .evaluator import placed_stages, shared_name
from .explain import FACT_WORDS, placed_stages_of, reading_of_stage, refund_text, work_done
from .fields import BY_NAME
from .models import Quote, infer_started
from .money import format_range, format_usd
from .quoting import Policies, parse_scenario, quote
from .taxonomy import PAYMENT_METHODS, SERVICES
from .versions import Basis
from .words import counted


@dataclass(frozen=True)
class Answers:
    provider: str
    service: str
    amount_paid: str
    paid_on: date
    started: Optional[bool]
    delivered: Optional[bool]
    progress: Optional[int]  # None: the client does not know how far along the work is
    billing_error: bool = False
    provider_fault: bool = False
    undelivered_promised: bool = False
    payment_method: Optional[str] = None
    notice_days: Optional[int] = None  # monthly services: days before the next billing date


def scenario_fields(a: Answers, today: date, registry: Policies) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The scenario the answers describe, and what was read into them (said to the client)."""
    said: list[str] = []
    days = max((today - a.paid_on).days, 0)
    asked = notice_question(a.provider, a.service, registry)
    if a.notice_days is not None and a.notice_days > days and asked and asked[0] == NOTICE_AGO:
        # Possible (notice given, then the next month was charged), but more often a slip: say how it was read.
        said.append(f"You said you gave notice {a.notice_days} days ago, before you paid on {a.paid_on:%d %b %Y}: "
                    f"we counted the notice from {today - timedelta(days=a.notice_days):%d %b %Y}. If you gave it "
                    "after paying, correct the days of notice.")
    started = a.started
    progress = a.progress or 0  # unknown: the scenario's own number, which the answer does not rest on (cases())
    if progress > 0 and started is False:
        said.append("You said the work has not started but is partly done; we counted it as started.")
    if progress > 0:
        started = None if started is None else True  # progress means started; 'not sure' is inferred from it
    fields = dict(
        provider=a.provider, service=a.service, amount_paid=a.amount_paid, completion_pct=progress,
        days_since_payment=days, paid_on=a.paid_on, work_started=started,
        deliverables_provided=a.delivered, billing_error=a.billing_error, provider_fault=a.provider_fault,
        undelivered_promised=a.undelivered_promised, payment_method=a.payment_method, notice_days=a.notice_days,
        stage=None,
    )
    return fields, tuple(said)


def stage_words(labels: list[str]) -> list[str]:
    """Stages as a client chooses between them: where every label shares its name before a colon ('Design
    (26-50%): revisions begun'), what tells them apart ('Revisions begun'); else the labels."""
    shared = shared_name(labels)
    return labels if shared is None else [rest[:1].upper() + rest[1:] for rest in shared[1]]


QuoteOf = Callable[[dict[str, Any]], Optional[Quote]]


def quoting_under(basis: Basis) -> QuoteOf:
    """A quote_of for the functions below: a case's quote under `basis`, or None where its checks refuse it."""
    def quote_of(fields: dict[str, Any]) -> Optional[Quote]:
        try:
            return quote(parse_scenario(fields, basis), basis)
        except InputError:
            return None
    return quote_of


def stage_choices(fields: dict[str, Any], quote_of: QuoteOf, progress_known: bool = True) -> dict[str, str]:
    """The stages the answers leave open, by id, in the client's words, where the refund differs between them (a
    client read "$1,250.00 - $2,500.00 ... depends on the stage the work is in" and was never asked it); empty where
    the answers settle the stage, or where the work status is still open at 0% (its own question settles that).
    With the progress not known, the stages every amount of progress passes through: a client who could not say
    how far along the work was could not say "concepts shown, no revisions yet" either (a walkthrough)."""
    if not progress_known:
        return _stages_passed(fields, quote_of)
    if fields["work_started"] is None and fields["completion_pct"] == 0:
        return {}
    placed = quote_of({**fields, "stage": None})
    if placed is None or placed.policy is None or len(placed.stage.candidates) < 2:
        return {}
    each = [quote_of({**fields, "stage": sid}) for sid in placed.stage.candidates]
    if len({(q.refund_min, q.refund_max) for q in each if q is not None}) < 2:
        return {}
    stages = {s.id: s.label for s in placed.policy.services[placed.service].stages}
    return dict(zip(placed.stage.candidates, stage_words([stages[sid] for sid in placed.stage.candidates])))


def _stages_passed(fields: dict[str, Any], quote_of: QuoteOf) -> dict[str, str]:
    """The stages the cases of an unknown progress pass through, in the service's order and the client's words,
    where they refund differently (each over the progress it holds)."""
    reach: dict[str, tuple[Decimal, Decimal]] = {}
    for case in cases({**fields, "stage": None}, progress_known=False):
        placed = quote_of({**case, "stage": None})
        if placed is None:
            continue
        for sid in placed.stage.candidates:
            # a case one stage holds is quoted under it already: a quote less for most cases (each key press)
            q = placed if len(placed.stage.candidates) == 1 else quote_of({**case, "stage": sid})
            if q is not None:
                low, high = reach.get(sid, (Decimal(q.refund_min), Decimal(q.refund_max)))
                reach[sid] = (min(low, Decimal(q.refund_min)), max(high, Decimal(q.refund_max)))
    some = quote_of({**fields, "stage": None})
    if len(set(reach.values())) < 2 or some is None or some.policy is None:
        return {}
    stages = [s for s in some.policy.services[some.service].stages if s.id in reach]
    return dict(zip((s.id for s in stages), stage_words([s.label for s in stages])))


def open_cases(fields: dict[str, Any], progress_known: bool, quote_of: QuoteOf) -> list[dict[str, Any]]:
    """cases(); with a stage chosen and the progress not known, those of the progress the stage holds (the stage
    chosen covers its own part of the work, not 0-100%)."""
    found = cases(fields, progress_known)
    if progress_known or fields.get("stage") is None:
        return found
    some = quote_of({**fields, "stage": None})  # the version of their payment, which every case shares
    policy = None if some is None else some.policy
    if policy is None:
        return []

    def placed(case: dict[str, Any]) -> tuple[str, ...]:  # as the quote places it, without a quote (each key press)
        done = Decimal(case["completion_pct"])
        return tuple(s.id for s in placed_stages(policy, case["service"], done, infer_started(case["work_started"], done)))
    return [c for c in found if fields["stage"] in placed(c)]


def cases(fields: dict[str, Any], progress_known: bool) -> list[dict[str, Any]]:
    """Every case the answers leave open, as scenario fields: with the progress unknown, each completion from 0
    to 100% (only 0% if the work has not started; from 1% once the work started and something was delivered); at 0%
    with the work status unknown, started and not. One case (the fields themselves) where the answers settle it."""
    started = fields["work_started"]
    if started is False:
        completions = [0] if not progress_known else [fields["completion_pct"]]
    else:
        # started, and something delivered: some work is done (a walkthrough that said so was answered for the case
        # of "the work started, none of it done yet")
        done_some = started is True and fields["deliverables_provided"] is True
        completions = list(range(1 if done_some else 0, 101)) if not progress_known else [fields["completion_pct"]]
    found = []
    for pct in completions:
        for s in ([True, False] if started is None and pct == 0 else [started if pct == 0 else
                                                                      (None if started is None else True)]):
            found.append({**fields, "completion_pct": pct, "work_started": s})
    return found


@dataclass(frozen=True)
class StageBand:
    """The refund in one stage the work may be in: its least and its most, and the facts not given that make it a
    range (the client read "Started: $0.00 - $1,500.00" and not why, a walkthrough)."""
    words: str
    low: Decimal
    high: Decimal
    depends_on: tuple[str, ...] = ()  # in words
    reading: Optional[str] = None  # how the stage reads the policy's own phase, where it narrows it (Stage.reading)

    def text(self, currency: str) -> str:
        why = f", depending on {' and '.join(self.depends_on)}" if self.depends_on and self.low != self.high else ""
        return f"{self.words}: {format_range(self.low, self.high, currency)}{why}"


@dataclass(frozen=True)
class Band:
    """The refund over every case the answers leave open: the least and the most, and where."""
    low: Decimal
    high: Decimal
    least: Quote
    most: Quote
    cases: int
    by_stage: tuple[StageBand, ...] = ()  # in the order the work goes

    def text(self, currency: str = "USD") -> str:
        return format_range(self.low, self.high, currency)


def band(fields: dict[str, Any], progress_known: bool, quote_of: QuoteOf) -> Optional[Band]:
    """The band over cases(), or None where the answers leave one case, or every case is quoted alike (the quote
    itself answers then)."""
    quotes = [q for q in (quote_of(c) for c in open_cases(fields, progress_known, quote_of)) if q is not None]
    if len({(q.verdict, q.refund_min, q.refund_max) for q in quotes}) < 2:
        return None
    # of two cases with the same most, the one more certain refunds the most (a full refund before the work
    # starts, not a discretionary one up to as much once it has started); of the same least, the less generous one
    least = min(quotes, key=lambda q: (Decimal(q.refund_min), Decimal(q.refund_max)))
    most = max(quotes, key=lambda q: (Decimal(q.refund_max), Decimal(q.refund_min)))
    return Band(Decimal(least.refund_min), Decimal(most.refund_max), least, most, len(quotes), by_stage(quotes))


def by_stage(quotes: list[Quote]) -> tuple[StageBand, ...]:
    """The refund in each stage the cases pass through, in their order (a client who did not say how far along the
    work is read one range, "$0.00 - $6,000.00", and not what each stage of the work would give)."""
    found: dict[str, StageBand] = {}
    for q in sorted(quotes, key=lambda q: q.scenario.work_started is not False):  # not started first, as the work goes
        words = _stage_in_words(q)
        low, high = Decimal(q.refund_min), Decimal(q.refund_max)
        facts = tuple(WITHIN_A_STAGE if u.fact == "stage" else FACT_WORDS.get(u.fact, u.fact) for u in q.unknowns)
        was = found.get(words)
        found[words] = StageBand(words, low, high, facts, reading_of_stage(q)) if was is None else StageBand(
            words, min(was.low, low), max(was.high, high), tuple(dict.fromkeys((*was.depends_on, *facts))),
            was.reading or reading_of_stage(q))
    return tuple(found.values())


WITHIN_A_STAGE = "which of its steps the work is in"  # a stage's line on the stage: not "the stage the work is in"


def _stage_in_words(q: Quote) -> str:
    """The stage a case is placed in, for a list of stages: where completion leaves sub-stages open, their shared
    name ('Design (26-50%)'; "Design (26-50%), either concepts presented, no revisions yet, or revisions begun" was
    hard to read in a list, a walkthrough)."""
    if q.stage.placed_by == "none":
        return work_done(q.scenario.completion_pct, False)
    if len(q.stage.candidates) > 1:
        shared = shared_name([s.label for s in placed_stages_of(q)])
        if shared is not None:
            return shared[0]
    return q.stage.label


def not_said(progress_known: bool, monthly: bool) -> str:
    """What the client left open, in words: the progress (a monthly service's is the billing period's), else whether
    the work has started."""
    return ("how much of this billing period's work is done" if monthly else "how far along the work is") \
        if not progress_known else "whether the work has started"


def for_documents(b: Band, progress_known: bool, monthly: bool) -> Unsettled:
    """The band as the client's documents state it (client.Unsettled)."""
    currency = b.least.currency
    stages = tuple(stage.text(currency) for stage in b.by_stage) \
        if not progress_known and len(b.by_stage) > 1 else ()  # a work status alone: its sentence names both cases
    started = {q.scenario.work_started for q in (b.least, b.most)}  # one answer the client gave, or cases of both
    return Unsettled(b.low, b.high, unknown_progress_sentence(b, progress_known, monthly), not_said(progress_known, monthly),
                     other_case_deadline(b.least, b.most), stages, started=started.pop() if len(started) == 1 else None,
                     stage_readings=stage_readings(b.by_stage) if stages else None,
                     least_by=deciding_clause(b.least, "refund_min") if b.least.clauses else None)


def stage_readings(stages: tuple[StageBand, ...]) -> Optional[str]:
    """Where the listed stages split a phase of the policy, that this is the app's reading, each sentence of their
    readings once (two development stages each begin "The policy's development phase runs from 51% to 75%"); the
    client's page listed "Development (51-63%)" as if the policy said it (a walkthrough). None where none does."""
    sentences = dict.fromkeys(part for s in stages if s.reading for part in _SENTENCE_END.split(s.reading.strip()))
    return f"This app's reading, not the policy's words: {' '.join(sentences)}" if sentences else None


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])")


def unsaid(fields: dict[str, Any], progress_known: bool, monthly: bool, wide: Optional[Band]) -> Optional[NotSaid]:
    """What the client left open where every case it leaves open is quoted alike (`band` gave none): the documents
    say it was not said, not the form's 0%. The progress a client who said the work has not started did say: none."""
    progress = not progress_known and fields["work_started"] is not False
    if wide is not None or not (progress or fields["work_started"] is None):
        return None
    return NotSaid(not_said(not progress, monthly), progress=progress)


def unknown_progress_sentence(b: Band, progress_known: bool, monthly: bool) -> str:
    """What the answer covers, in words: every amount of progress (or both work statuses), never a progress the
    client did not give."""
    what = not_said(progress_known, monthly)
    cover = ("every amount of progress, from nothing done to all of it" if not progress_known
             else "both: not started, and started with nothing done yet")
    if b.low == b.high:
        return f"You did not say {what}. The refund is the same in every case ({cover}): {b.text(b.least.currency)}."
    by_status = {q.scenario.work_started: q for q in (b.least, b.most)}
    if progress_known and b.cases == 2 and set(by_status) == {False, True}:  # each case in its own words (a
        # walkthrough could not parse "Over both: not started, and started with nothing done yet, ...")
        return (f"You did not say {what}. If it has not started, the refund is {refund_text(by_status[False])}; if "
                f"it has, with nothing done yet, {refund_text(by_status[True])}.")
    why = ("the more work is done, the less is usually refunded" if not progress_known
           else "once the work has started, less is usually refunded")  # a progress given is no reason here
    return (f"You did not say {what}. Over {cover}, the refund is between {format_usd(b.low, b.least.currency)} "
            f"and {format_usd(b.high, b.least.currency)}: {why}.")


NOTICE_AGO = "How many days ago did you give notice to cancel? (0 if you give it today)"


def billing_ahead(paid_on: date, today: date) -> tuple[date, int]:
    """The next monthly billing date after a payment, and the days from today to it: the notice a cancellation made
    today gives (notice_days, as a rule on next month's charge counts it)."""
    billing = next_billing_date(paid_on, today)
    return billing, (billing - today).days


def notice_question(provider: str, service: str, registry: Policies, paid_on: Optional[date] = None,
                    today: Optional[date] = None) -> Optional[tuple[str, str]]:
    """The question about notice, as this policy counts it (a question and its help), or None where notice
    plays no part: before the next billing date (next month's charge), or how long ago (a notice period). Given
    the payment and today, the help says the next billing date and how many days before it today is."""
    policy = registry[provider]
    if not policy.bills_monthly(service):
        return None
    if policy.next_charge_notice is not None:
        said = f"{policy.name} needs {policy.next_charge_notice.days} days' notice to stop next month's charge."
        if paid_on is not None and today is not None:  # a client does not know it: "I don't know my billing date"
            billing, days = billing_ahead(paid_on, today)
            said += (f" Counted monthly from your payment on {paid_on:%d %b %Y}, your next billing date is "
                     f"{billing:%d %b %Y}: cancelling today is {counted(days, 'day')} before it.")
        return ("How many days before your next billing date are you cancelling?", said)
    periods = policy.notice_periods(service)
    if periods:
        return (NOTICE_AGO,
                f"{policy.name} prorates ongoing work once a {periods[0][1]}-day notice has run.")
    return None


def services_listed(provider: str, registry: Policies) -> list[str]:
    """The services the form offers for a provider: those it sells first (a client looked for theirs under seven
    entries "not offered by Step-Into"), then the rest, each in the catalog's order."""
    sold = registry[provider].services
    return sorted(SERVICES, key=lambda s: s not in sold)


def offered_label(provider: str, service: str, registry: Policies) -> str:
    """A service as the form lists it, saying where the provider does not sell it."""
    policy = registry[provider]
    return SERVICES[service] if service in policy.services else f"{SERVICES[service]} (not offered by {policy.name})"


def summary(fields: dict[str, Any], registry: Policies, progress_known: bool = True) -> str:
    """What an answer is for, in one line: provider, service, amount and dates (a progress not given: said so)."""
    policy = registry[fields["provider"]]
    parts = [policy.name, SERVICES[fields["service"]], f"{format_usd(Decimal(fields['amount_paid']))} paid"]
    if fields.get("paid_on"):
        parts[-1] += f" on {fields['paid_on']:%d %b %Y}"
    # what the client said of the work, never a form's 0% as their word (a walkthrough: "Not sure" read "0% done")
    started, done = fields.get("work_started"), fields["completion_pct"]
    parts.append("progress not known" if not progress_known else "work not started" if started is False
                 else "not known whether the work has started" if started is None and not done
                 else work_done(done, policy.bills_monthly(fields["service"])))
    # and what they said of it that the answer rests on (Step-Into's "started, nothing delivered" decided a "Maybe"
    # its line did not say, a walkthrough)
    if not progress_known and started is not None:
        parts.append("work started" if started else "work not started")
    delivered = fields.get("deliverables_provided")
    if delivered is not None:
        parts.append("something delivered" if delivered else "nothing delivered")
    service = policy.services.get(fields["service"])
    chosen = [s.label for s in (service.stages if service else ()) if s.id == fields.get("stage")]
    parts += [f"at the stage {label}" for label in chosen]  # the client's answer the refund rests on
    if fields.get("payment_method"):
        parts.append(f"paid by {PAYMENT_METHODS[fields['payment_method']]}")
    return ", ".join(parts)


# Each answer as the form asks it: "You have changed project completion (%)" named a field, and the client had
# answered "Roughly how far along is the work?" (a walkthrough). A fact the form does not ask goes by its label.
ANSWER_WORDS: dict[str, str] = {
    **FACT_WORDS, "provider": "who you bought from", "service": "what you bought", "amount_paid": "how much you paid",
    "paid_on": "when you paid", "completion_pct": "how far along the work is",
    "billing_error": "whether you were charged the wrong amount",
    "provider_fault": "whether something failed on their side", "undelivered_promised": "whether a promised part was "
    "never delivered",
}


def changed_answers(answered: dict[str, Any], now: dict[str, Any], *more: str) -> str:
    """The answers that differ between an answer given and the form as it is now, in the form's words ('' if none),
    with `more` changes the form names itself, in one list ('a, b and c': a second list joined on with "and" read
    "..., when notice was given and the stage the work is in and whether you know ...", a walkthrough).
    The days since payment follow the payment date: a new date is one change, not two."""
    differ = [k for k in BY_NAME if k in answered and k in now and answered[k] != now[k]]
    names = list(dict.fromkeys([ANSWER_WORDS.get(k, BY_NAME[k].label.lower()) for k in differ
                                if not (k == "days_since_payment" and "paid_on" in differ)] + [m for m in more if m]))
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)
