"""What a sales rep sends a client: a summary in plain words (Markdown and PDF) and a refund-request email
that follows the provider's own process. Views of one Quote: no internal ids, calendar dates where the payment
date is known, the deciding clauses quoted with their sections."""
from __future__ import annotations

import calendar
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Optional

from .assumptions import if_work_started
from .explain import (
    UNDATED,
    band_words,
    cite,
    cited_sections,
    deadline_sentence,
    handling_clauses,
    lapsed_sentence,
    max_text,
    of_refundable,
    plain_answer,
    processing_sentence,
    refund_terms_sentences,
    refund_text,
    refund_with_share,
    review_sentence,
    stage_reading,
    unclear_sentence,
    unknown_sentences,
    verdict_label,
    verdict_sentence,
    version_words,
    window_closed_sentence,
    work_done,
)
from .markdown import md_file_escape
from .models import ClauseRef, Quote, Scenario, Verdict
from .money import format_range, format_usd
from .pdf_text import marked, registered
from .quoting import stage_outside_note
from .schema import Contact, PolicyFile
from .taxonomy import SERVICES
from .words import counted

PROJECT_SLOT = "[Your Project Name]"  # Social Beat 5.1's own words for the project's name in its subject line


@dataclass(frozen=True)
class Client:
    """Optional details a rep adds; left blank, the documents read without them. `reference` is the rep's own
    (the summary's); `project` and `invoice` are the client's, which a request email names (Social Beat 5.1)."""

    name: str = ""
    reference: str = ""
    project: str = ""
    invoice: str = ""


@dataclass(frozen=True)
class Part:
    """A titled part of the summary: sentences, and the policy's own words with their sections."""

    title: str
    lines: tuple[str, ...] = ()
    quotes: tuple[tuple[str, str], ...] = ()  # (section, verbatim quote)
    numbered: bool = False


def policy_of(q: Quote) -> PolicyFile:
    """The version the quote was made under (a quote read back from the register holds none: its documents are
    made when it is quoted again)."""
    if q.policy is None:
        raise ValueError(f"this quote does not hold its policy ({q.provider_name} {q.policy_version}): quote it again")
    return q.policy


def _service(q: Quote) -> str:
    return q.service_label or SERVICES[q.service]


# An email address that ends a sentence: a viewer or the page would take the full stop into the address's link.
_ADDRESS_THEN_STOP = re.compile(r"([\w.+-]+@[\w-]+(?:\.[\w-]+)+)\.(?:\s+(\S)|\s*$)")


def no_stop_after_address(text: str) -> str:
    """'Email a@b.us. Say what...' -> 'Email a@b.us: say what...'; at the end, the address without the stop."""
    return _ADDRESS_THEN_STOP.sub(lambda m: f"{m.group(1)}: {m.group(2).lower()}" if m.group(2) else m.group(1), text)


# A client's words for the events a policy makes exceptions for: the question's boxes, and what the answer says back
EVENTS_ASKED = {"billing_error": "I was charged the wrong amount (a billing error)",
                "provider_fault": "Something failed on their side, or they missed agreed deadlines",
                "undelivered_promised": "A part they promised was never delivered"}

NO_DEADLINE = "The policy sets no deadline for a refund request: there is no date to ask by."


def _events_after_window(q: Quote, policy: PolicyFile) -> list[str]:
    """What the client said happened, said back where the window has closed on it: a client who ticked "Something
    failed on their side" read only "naming any exception that applies", as if it had not been asked (a walkthrough)."""
    said = []
    for rule in policy.exceptions:
        if getattr(q.scenario, rule.flag, False) is True and rule.flag in EVENTS_ASKED:
            clause = rule.clauses[0]
            said.append(f"You said: \u201c{EVENTS_ASKED[rule.flag]}\u201d. The policy's words for it (section "
                        f"{clause.section}: \u201c{clause.quote}\u201d) are read here as closed by the same "
                        f"{policy.window.days if policy.window else ''}-day limit as every request. Say it first when "
                        f"you write: {policy.name} may still agree.")
    return said


def next_steps(q: Quote, policy: PolicyFile, asked_on: Optional[date] = None) -> tuple[str, ...]:
    """What to do, in order: how to ask, by when, what to include and send, how long the refund takes, and
    what else the policy offers. The one list the eligibility page and the client's documents show. `asked_on`:
    the day the quote was made, which dates the deadlines of a payment given in days."""
    if q.verdict == Verdict.not_offered:
        return (*q.notes[:1], "Check on the invoice what was bought. If it is a service the provider sells, ask "
                              "again for that service, soon: its refund terms have deadlines that run from the day "
                              "you paid.")
    steps = []
    if q.verdict == Verdict.none:  # "Not under this policy", then how to ask, said nothing of the odds (a walkthrough)
        steps.append("Decide whether to ask: the policy gives no refund in this case, so a request is likely to be "
                     "refused. It may still be worth it if your service agreement says more" + (
                         ", or if an event the policy makes an exception for happened" if policy.exceptions else "")
                     + ".")
    steps.append(no_stop_after_address(policy.contact.how_to_request))
    if q.verdict == Verdict.window_closed and policy.window:
        steps.append(window_closed_sentence(q, policy.window.days, asked_on) + " A request now is outside it: you can still "
                     "write, naming any exception that applies or what your service agreement says.")
        steps += _events_after_window(q, policy)
    else:
        steps += [s for s in (lapsed_sentence(q, asked_on),) if s]
        if q.next_deadline:
            steps.append(deadline_sentence(q, q.next_deadline, asked_on))
        elif q.lapsed is None and policy.window is None:  # ITMedia's steps gave no date, and did not say why (a
            steps.append(NO_DEADLINE)  # walkthrough): a client looks for one
    notice = notice_step(q, policy, asked_on)
    if notice:
        steps.append(notice)
    if policy.contact.request_items:
        steps.append("In the request, give: " + "; ".join(c.quote for c in policy.contact.request_items) + ".")
    if policy.contact.documents:
        steps.append("Attach: " + "; ".join(documents(policy, q.scenario)) + ".")
    steps += [s for s in (review_sentence(q, policy), processing_sentence(q)) if s]
    steps += refund_terms_sentences(q, policy)
    steps += [_remedy_step(r) for r in q.remedies]  # what the policy offers or asks besides money
    return tuple(steps)


def documents(policy: PolicyFile, s: Scenario) -> list[str]:
    """The documents a request attaches, as the policy lists them; one that cannot exist in this case says so. The
    email asked for evidence of deliverables the client had just said never came (a walkthrough)."""
    cannot = {EVIDENCE_OF_DELIVERABLES: "none, as nothing has been delivered"} if s.deliverables_provided is False else {}
    return [c.quote + (f" ({cannot[c.quote]})" if c.quote in cannot else "") for c in policy.contact.documents]


def _in_sentence(label: str) -> str:
    """A label continuing a sentence: 'Quality concerns' -> 'quality concerns' ('SEO' stays)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _remedy_step(label: str) -> str:
    """'Quality concerns: revisions first, ...' -> 'Also in the policy, on quality concerns: revisions first, ...'
    (a walkthrough read 'If money is not the answer: Quality concerns: ...')."""
    topic, said, rest = label.partition(": ")
    return f"Also in the policy, on {_in_sentence(topic)}: {rest}." if said else f"Also in the policy: {_in_sentence(label)}."


def notice_step(q: Quote, policy: PolicyFile, asked_on: Optional[date] = None) -> Optional[str]:
    """What the notice does for this case: avoid next month's charge, or start the prorated refund; for a monthly
    service whose policy says neither, that it says nothing of the next charge (a client of Social Beat's monthly
    management, notice given, was told nothing of next month's charge: a walkthrough)."""
    return next_charge_step(q, policy, asked_on) or notice_period_step(q, policy) or silent_on_next_charge(q, policy)


def silent_on_next_charge(q: Quote, policy: PolicyFile) -> Optional[str]:
    """A monthly service whose policy sets no notice for the next charge: said, with what to ask for."""
    if not policy.bills_monthly(q.service) or policy.next_charge_notice is not None or \
            q.verdict == Verdict.not_offered:
        return None
    return (f"{policy.name}'s policy says nothing of next month's charge for a monthly service: in your request, ask "
            "them to confirm in writing that cancelling stops it.")


def notice_period_step(q: Quote, policy: PolicyFile) -> Optional[str]:
    """A tier this case may fall under refunds the period left once a notice runs out: how long it has to run."""
    periods = [(t, days) for t, days in policy.notice_periods(q.service) if t.id in q.tiers]
    if not periods or q.verdict in (Verdict.window_closed, Verdict.not_offered):
        return None
    tier, days = periods[0]
    phase = tier.label.split(":")[0].lower()
    rule = (f"If the work is in the {phase} phase, {policy.name} prorates it" if len(q.tiers) > 1  # one of several
            else f"{policy.name} prorates {phase} work")
    rule += f" once a {days}-day notice has run ({cite(tier.clauses[0].section)})"
    given = q.scenario.notice_days
    if given is None:
        return (f"{rule}: give notice in writing now if you have not; the sooner it starts, the more of the period "
                "is refunded.")
    left = max(days - given, 0)
    if left == 0:
        return f"{rule}: your notice has run, so the unused part of the current period is refunded."
    asked = q.scenario.requested_on
    until = f", to {asked + timedelta(days=left):%d %b %Y}" if asked else ""
    return (f"{rule}: your notice, given {given} days ago, runs {left} more days{until}; what is left of the "
            "period after that is refunded.")


def next_charge_step(q: Quote, policy: PolicyFile, asked_on: Optional[date] = None) -> Optional[str]:
    """A monthly service only: whether the notice avoids next month's charge, or how much notice does. `asked_on`:
    the day a case given in days is asked on."""
    rule = policy.next_charge_notice
    if not policy.bills_monthly(q.service) or rule is None:
        return None
    sent = _sent_with_request(q, rule.days, asked_on)
    if sent:
        return sent
    billing = _next_billing(q)
    on = f" on {billing:%d %b %Y}" if billing else ""  # the date itself, where the payment's is known (a walkthrough)
    if q.next_charge_avoided is True:
        return (f"Your notice is early enough: next month's charge{on} is avoided ({rule.days} days' notice is needed); "
                "send it with your request.")
    if q.next_charge_avoided is False:
        return (f"Your notice is too late to avoid next month's charge{on}: cancelling needs {rule.days} days' notice "
                "before the next billing date.")
    paid_on, asked = q.scenario.paid_on, q.scenario.requested_on
    if paid_on is None or asked is None:
        return f"To avoid next month's charge, cancel at least {rule.days} days before the next billing date."
    billing = next_billing_date(paid_on, asked)
    counted = f"the billing dates counted monthly from the payment on {paid_on:%d %b %Y}"
    if billing - timedelta(days=rule.days) >= asked:
        return (f"To avoid next month's charge, cancel by {billing - timedelta(days=rule.days):%d %b %Y}: {rule.days} "
                f"days before the next billing date, {billing:%d %b %Y} ({counted}).")
    after = next_billing_date(paid_on, billing)
    return (f"It is too late to avoid the charge on {billing:%d %b %Y} ({counted}): cancelling needs {rule.days} days' "
            f"notice. To avoid the one on {after:%d %b %Y}, cancel by {after - timedelta(days=rule.days):%d %b %Y}.")


def _sent_with_request(q: Quote, needed: int, asked_on: Optional[date]) -> Optional[str]:
    """Where the dates say the request comes more days before the next billing date than the notice given: what a
    notice sent with the request does, which the request email gives (_cancelling). "Too late" beside an email giving
    15 days' notice, for notice days of 3 (a walkthrough)."""
    given, dated = q.scenario.notice_days, _request_to_billing(q, asked_on)
    if given is None or dated is None or given >= dated[2]:
        return None
    asked, billing, left = dated

    def verdict(days: int) -> str:
        return "early enough" if days >= needed else "too late"
    return (f"A notice {counted(given, 'day')} before the next billing date (on {billing - timedelta(days=given):%d %b %Y}) "
            f"is {verdict(given)} to avoid next month's charge on {billing:%d %b %Y}; one sent with this request, on "
            f"{asked:%d %b %Y}, {counted(left, 'day')} before it, is {verdict(left)} ({needed} days' notice is needed).")


def _request_to_billing(q: Quote, asked_on: Optional[date]) -> Optional[tuple[date, date, int]]:
    """The request's day, the next billing date after it, and the days between, where the dates give them."""
    asked, billing = q.scenario.requested_on or asked_on, _next_billing(q, asked_on)
    return None if asked is None or billing is None else (asked, billing, (billing - asked).days)


def _months_after(day: date, months: int) -> date:
    """The same day of the month `months` later; the month's last day where it is shorter (31 Jan -> 28 Feb)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _next_billing(q: Quote, asked_on: Optional[date] = None) -> Optional[date]:
    """The next billing date after the request day of a monthly case: where its payment date is known (or the day
    it is asked on, for a case given in days)."""
    asked = q.scenario.requested_on or asked_on
    return None if asked is None else next_billing_date(q.scenario.payment_day(asked), asked)


def next_billing_date(paid_on: date, after: date) -> date:
    """The first monthly billing date, counted from the payment, after the day `after`."""
    months = max((after.year - paid_on.year) * 12 + after.month - paid_on.month, 1)
    while _months_after(paid_on, months) <= after:
        months += 1
    while months > 1 and _months_after(paid_on, months - 1) > after:
        months -= 1
    return _months_after(paid_on, months)


@dataclass(frozen=True)
class NotSaid:
    """What the client did not say where every case it leaves open is quoted alike (eligibility.band gives no band):
    the documents say it was not said, never the form's 0% as the client's word (a walkthrough: the PDF said "Work:
    0% of this billing period's work done" and the email "about 0%" for a client who ticked "I don't know")."""
    what: str  # 'how far along the work is', or 'whether the work has started'
    progress: bool  # the progress is not said (else only whether the work started)


@dataclass(frozen=True)
class Unsettled:
    """An answer the client's answers leave open (eligibility.band: the progress or the work status not given): the
    refund over every case, and what was not said. The documents then state that range, never one case's amount;
    their steps and clauses are those of `q`, the case that refunds the most, and they say so."""
    low: Decimal
    high: Decimal
    sentence: str  # the answer in words (eligibility.unknown_progress_sentence)
    unknown: str  # what the client did not say: 'how far along the work is'
    other_deadline: Optional[str] = None  # the next deadline of the case that refunds the least, where it is another
    by_stage: tuple[str, ...] = ()  # with the progress not said: each stage the work may be in, and its refund
    started: Optional[bool] = None  # whether the work has started, where the client said it (every case alike)
    stage_readings: Optional[str] = None  # where those stages split a phase of the policy: that it is a reading
    # the clause that decides the least, where the case refunding the least is another than `q` (the email cited
    # only `q`'s, a processing fee, for "$6,000.00 - $7,900.00": the $6,000.00 was another tier's, a walkthrough)
    least_by: Optional[ClauseRef] = None

    @property
    def work(self) -> str:
        return work_not_said(self.started, self.unknown)


def work_not_said(started: Optional[bool], what: str) -> str:
    """The work where the client left `what` open, with whether it started where they said it: "started; you did not
    say how far along the work is" (the documents said "Work: not said" of a client who had said it started, and
    later "started; not said: how far along the work is", which read as a form's code: walkthroughs)."""
    return f"started; you did not say {what}" if started else f"you did not say {what}"


def summary_parts(q: Quote, today: date, client: Client = Client(), unsettled: Optional[Unsettled] = None,
                  not_said: Optional[NotSaid] = None) -> tuple[str, list[Part]]:
    """The summary's title and parts, shared by the Markdown and the PDF."""
    policy = policy_of(q)
    s = q.scenario
    who = f" for {client.name}" if client.name else ""
    # the service as the app names it (the page the client saw), and as the provider names it where that differs
    title = f"Refund estimate{who}: {q.provider_name}, {SERVICES[q.service]}"
    own = _service(q)
    facts = [f"Prepared on {today:%d %B %Y}" + (f", reference {client.reference}" if client.reference else "") + ".",
             f"Policy: {policy.name}, {version_words(policy.version)}.",
             *([f"Service: {SERVICES[q.service]}, which {q.provider_name} calls \u201c{own}\u201d."]
               if own.casefold() != SERVICES[q.service].casefold() else []),
             f"Amount paid: {format_usd(Decimal(q.amount_paid), q.currency)}."]
    if s.paid_on is not None and s.requested_on is not None:
        facts += [f"Paid on {s.paid_on:%d %B %Y}; request on {s.requested_on:%d %B %Y} (day {s.days_since_payment}).",]
    else:
        paid = s.payment_day(today)  # the dates of the steps are counted from it
        facts.append(f"Request {s.days_since_payment} days after the payment: a payment on {paid:%d %B %Y}, "
                     f"asked on {today:%d %B %Y}.")
    if unsettled is not None:
        facts.append(f"Work: {unsettled.work}, so this estimate covers every case.")
        answer = [unsettled.sentence, f"Refund: {format_range(unsettled.low, unsettled.high, q.currency)}.",
                  *(f"{line}." for line in unsettled.by_stage),
                  *([unsettled.stage_readings] if unsettled.stage_readings else []),
                  f"The steps below are for the case that refunds the most ({case_words(q)})."]
        if unsettled.other_deadline:
            answer.append(unsettled.other_deadline)
    else:
        facts.append(_work_line(q, not_said))
        facts += [n for n in (stage_outside_note(q),) if n]  # the page says it beside the amount; so here
        answer = [plain_answer(q)]
        if q.verdict != Verdict.not_offered:  # nothing to quote: the first sentence says so
            answer += [f"{verdict_label(q)}: {refund_with_share(q)}.", verdict_sentence(q, for_client=True)]
        assumed = if_work_started(q)
        if assumed:
            answer.append(assumed)
    deductions = tuple(f"{d.label}: {format_usd(Decimal(d.amount), q.currency)} ({cite(d.clause.section)})."
                       for d in q.deductions)
    ranges = [unclear_sentence(a, q.currency, for_client=True) for a in q.ambiguities]
    ranges += unknown_sentences(q, for_client=True)  # "no: $0.00 - $2,400.00; yes: $0.00" read as a riddle
    contact = [line for line in (
        f"Email: {policy.contact.email}" if policy.contact.email else "",
        f"Phone: {policy.contact.phone}" if policy.contact.phone else "",
        policy.contact.note if not (policy.contact.email or policy.contact.phone) else "") if line]
    parts = [
        Part("The answer", tuple(answer)),
        Part("Deductions", deductions),
        Part("The purchase", tuple(facts)),
        Part("What to do next", tuple(step.replace(PROJECT_SLOT, client.project) if client.project else step
                                      for step in next_steps(q, policy, today)), numbered=True),  # as the email names it
        Part("Contact", tuple(contact)),
        Part("What the policy says", quotes=tuple(dict.fromkeys([*((c.section, c.quote) for c in q.clauses if c.decides),
                                                                   *_window_quotes(q, policy)]))),
        Part("What the policy says happens once you ask", quotes=tuple((c.section, c.quote)
                                                                       for c in handling_clauses(q, policy))),
        Part("Why this is a range", tuple(ranges)),
    ]
    return title, [p for p in parts if p.lines or p.quotes]


def _window_quotes(q: Quote, policy: PolicyFile) -> list[tuple[str, str]]:
    """The request window's own words where its end is the deadline the steps give: the date a client most needs was
    cited by section only (a walkthrough)."""
    d, window = q.next_deadline, policy.window
    if d is None or window is None or d.last_day != window.days:
        return []
    return [(c.section, c.quote) for c in window.clauses]


def _not_started(q: Quote) -> bool:
    """The client said the work has not started (and so none of it is done): said so, not as 'about 0% done'."""
    return q.scenario.work_started is False and q.scenario.completion_pct == 0


def _work_line(q: Quote, not_said: Optional[NotSaid]) -> str:
    """The work as the client gave it: how far along, or not said; whether it started where that was not said."""
    if not_said is not None and not_said.progress:  # a stage the client chose is theirs to read (a walkthrough)
        return (f"Work: {work_not_said(q.scenario.work_started, not_said.what)}; the answer is the same in every case."
                + (f" Stage: {q.stage.label}." if q.scenario.stage is not None else ""))
    if _not_started(q):
        return "Work: not started."
    if not_said is not None and not q.scenario.completion_pct:  # unsure it started: no "0% done" (a walkthrough)
        return f"Work: {work_not_said(None, not_said.what)}; the answer is the same either way."
    said = (f"Work: {work_done(q.scenario.completion_pct, policy_of(q).bills_monthly(q.service))}."
            + (f" Stage: {q.stage.label}." if q.stage.id else "")
            + (f" {reading}" if (reading := stage_reading(q)) else ""))
    return said + (f" Not said: {not_said.what}; the answer is the same either way." if not_said is not None else "")


DISCLAIMER = ("This estimate explains the provider's published refund policy. The policy itself governs; the "
              "provider decides every discretionary amount.")


def other_case_deadline(least: Quote, most: Quote) -> Optional[str]:
    """The next deadline of the case that refunds the least, where it is not the one the steps give (those of the
    case that refunds the most): a client not sure the work started was told only day 2, not day 30 (a walkthrough)."""
    d, theirs = least.next_deadline, most.next_deadline
    if least is most or d is None or (theirs is not None and theirs.last_day == d.last_day):
        return None
    started = least.scenario.work_started
    case = (("If the work has started" if started else "If the work has not started")
            if started is not None and started != most.scenario.work_started else f"In the other case ({case_words(least)})")
    return f"{case}: {_in_sentence(deadline_sentence(least, d))}"


def case_words(q: Quote) -> str:
    """One case of an unsettled answer, in words: '0% of the work done, work not started'; work started with none of
    it done yet says so ('0% of the work done, work started' read as a contradiction, a walkthrough)."""
    if q.scenario.work_started and q.scenario.completion_pct == 0:
        return "the work started, none of it done yet"
    started = {True: "work started", False: "work not started", None: "work status not given"}[q.scenario.work_started]
    return f"{work_done(q.scenario.completion_pct, policy_of(q).bills_monthly(q.service))}, {started}"


def summary_markdown(q: Quote, today: date, client: Client = Client(), unsettled: Optional[Unsettled] = None,
                     not_said: Optional[NotSaid] = None) -> str:
    """The summary as a Markdown file a rep can send unchanged (it reads as plain text too)."""
    e = md_file_escape
    title, parts = summary_parts(q, today, client, unsettled, not_said)
    out = [f"# {e(title)}", ""]
    for part in parts:
        out += [f"## {e(part.title)}", ""]
        out += [f"{i}. {e(line)}" if part.numbered else f"- {e(line)}" for i, line in enumerate(part.lines, 1)]
        for section, text in part.quotes:
            out += [f"> {e(text)}", ">", f"> ({e(cite(section))})", ""]
        out.append("")
    out += ["---", "", f"*{e(DISCLAIMER)}*", ""]
    return "\n".join(out)


def summary_pdf(q: Quote, today: date, client: Client = Client(), unsettled: Optional[Unsettled] = None,
                not_said: Optional[NotSaid] = None) -> bytes:
    """The same summary as a PDF (reportlab; its text in fonts that draw it, policy/pdf_text.py)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

    registered()
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Vera", fontSize=10, leading=14)
    heading = ParagraphStyle("h2", parent=base["Heading2"], fontName="Vera-Bold", fontSize=13, spaceBefore=8)
    quote = ParagraphStyle("quote", parent=body, fontName="Vera-Italic", leftIndent=8 * mm)
    title, parts = summary_parts(q, today, client, unsettled, not_said)
    story = [Paragraph(marked(title, "Vera-Bold"), ParagraphStyle("h1", parent=base["Title"], fontName="Vera-Bold",
                                                                  fontSize=16)),
             Spacer(1, 4 * mm)]
    groups: list[list[Any]] = []  # each part: its heading, then its list and quotes
    for part in parts:
        flows: list[Any] = [Paragraph(marked(part.title, "Vera-Bold"), heading)]
        if part.lines:
            items = [ListItem(Paragraph(marked(line), body)) for line in part.lines]
            # the first item apart, numbered on by the rest: a heading kept with its whole list of steps moved it to
            # page 2 and left half of page 1 blank (a walkthrough); kept with its first item, the rest may break
            numbered = {"bulletType": "1"} if part.numbered else {"bulletType": "bullet"}
            flows += [ListFlowable(chunk, bulletFontName="Vera", bulletFontSize=9, leftIndent=6 * mm, **numbered,
                                   **({"start": start} if part.numbered else {}))
                      for chunk, start in ((items[:1], "1"), (items[1:], "2")) if chunk]
        flows += [Paragraph(marked(f"“{text}” ({cite(section)})", "Vera-Italic"), quote) for section, text in part.quotes]
        groups.append(flows)
    # the disclaimer never takes a page of its own: it stays with what comes before it
    groups[-1] += [Spacer(1, 6 * mm), Paragraph(marked(DISCLAIMER, "Vera-Italic"), quote)]
    for i, flows in enumerate(groups):
        # a heading stays with what follows it (one stood alone at the foot of a page, a walkthrough; a style's
        # keepWithNext does not hold a list), and the disclaimer with the last words before it; never a group
        # inside a group (reportlab then moved a short last part and the disclaimer to a page of their own)
        last = i == len(groups) - 1
        if last and len(flows) <= 4:  # a heading, one list or quote, and the disclaimer: one block
            story.append(KeepTogether(flows))
        elif last:
            story += [KeepTogether(flows[:2]), *flows[2:-3], KeepTogether(flows[-3:])]
        else:
            story += [KeepTogether(flows[:2]), *flows[2:]]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title, author="Refund Policy Explorer", leftMargin=18 * mm,
                      rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm).build(story)
    return buffer.getvalue()


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str

    def text(self) -> str:
        return f"To: {self.to}\nSubject: {self.subject}\n\n{self.body}\n"  # a text file ends with its line's end


def deciding_clause(q: Quote, end: str) -> ClauseRef:
    """The clause that decides one end of the range: one deciding it alone, else one deciding it, else the first."""
    alone = [c for c in q.clauses if c.decides == (end,)]
    return (alone or [c for c in q.clauses if end in c.decides] or list(q.clauses))[0]


def _grounds(q: Quote, unsettled: Optional[Unsettled] = None) -> str:
    """What the request argues from: the clause allowing the most; and where the least differs and is not nothing,
    the clause deciding that too, so that both ends of the range are traced to the text. An unsettled answer asks
    for no more than its range allows, and says on what it depends."""
    high, low = deciding_clause(q, "refund_max"), deciding_clause(q, "refund_min")
    most, least = max_text(q), format_usd(Decimal(q.refund_min), q.currency)
    under = f"Under {cite(high.section)} of your refund policy (\"{high.quote}\"), I understand"
    if unsettled is not None and unsettled.low != unsettled.high:
        amount = band_words(unsettled.low, unsettled.high, q.currency)
        low_by = unsettled.least_by
        if low_by is None or unsettled.low == 0 or (low_by.section, low_by.quote) == (high.section, high.quote):
            return f"{under} a refund of {amount} may be due, depending on {unsettled.unknown}."
        least_text, most_text = format_usd(unsettled.low, q.currency), format_usd(unsettled.high, q.currency)
        return (f"Under your refund policy, I understand a refund of {amount} may be due, depending on "
                f"{unsettled.unknown}: at least {least_text} under {cite(low_by.section)} (\"{low_by.quote}\"), and up to "
                f"{most_text} under {cite(high.section)} (\"{high.quote}\").")
    if Decimal(q.refund_min) == 0:  # a minimum of nothing is not argued for
        return f"{under} a refund of up to {most} may be due."
    if low == high:
        return f"{under} the refund due is {refund_text(q)}."
    # a range from facts the client knows (which step of a stage the work is in) asks the client to say which: "I
    # understand a refund of $2,000.00 to $4,000.00 is due" read oddly from someone who knows (a walkthrough)
    which = f", depending on which of these applies to my project: {WHICH_APPLIES}" if q.unknowns else ""
    if low.section == high.section:
        return (f"Under {cite(high.section)} of your refund policy, I understand a refund of {least} to {most} is due: "
                f"at least {least} (\"{low.quote}\"), and up to {most} (\"{high.quote}\"){which}.")
    return (f"Under your refund policy, I understand a refund of {least} to {most} is due: at least {least} under "
            f"{cite(low.section)} (\"{low.quote}\"), and up to {most} under {cite(high.section)} (\"{high.quote}\")"
            f"{which}.")


EVIDENCE_OF_DELIVERABLES = "Evidence of deliverables received"  # a document Social Beat's 5.2 asks for
WHICH_APPLIES = "[say which applies, and why]"  # a slot the client fills, as the email's others


def request_email(q: Quote, client: Client = Client(), unsettled: Optional[Unsettled] = None,
                  not_said: Optional[NotSaid] = None, asked_on: Optional[date] = None) -> Email:
    """A refund request in the provider's own form: its address (or where to find it), its subject line and the
    items its process asks for, filled in where the quote or the rep knows them (the project's name and the
    invoice number: the rep's own reference is not the project's name)."""
    policy = policy_of(q)
    s = q.scenario
    project = client.project or PROJECT_SLOT  # the project's name, which the quote does not know
    contact = policy.contact
    to = contact.email or (f"[{policy.name}'s {contact.address_name}: the policy gives none"
                           + (f"; ask on {contact.phone}]" if contact.phone else "]"))
    delivered = {True: "[what has been delivered so far]", False: "nothing yet", None: "[what has been delivered so far]"}
    # days without a date: of the day the quote was made (`asked_on`), as the summary says it (the email left a slot
    # beside a summary that gave the date, a walkthrough); without that day, the slot says which day it is
    paid_day = s.payment_day(asked_on) if asked_on else s.paid_on
    paid_on = f"{paid_day:%d %B %Y}" if paid_day else \
        f"[date of purchase: {counted(s.days_since_payment, 'day')} before this request]"
    known = {
        "Date of purchase": paid_on,
        "Order/Invoice number": client.invoice or "[order or invoice number]",
        "Project name and description": f"{project}: {_service(q)}",
        "Reason for refund request": "[why the refund is requested]",
        "Deliverables received to date": delivered[s.deliverables_provided],
        "Any supporting documentation": "attached",
    }
    items = [f"- {c.quote}: {known.get(c.quote, '[...]')}" for c in contact.request_items]
    if unsettled is not None or (not_said and not_said.progress):  # how far along it is, the client did not say
        said_started = unsettled.started if unsettled is not None else s.work_started
        # the stage the client chose is what they said of it (a walkthrough's email asked the very thing they said
        # they did not know, and not the stage they gave)
        work_so_far = ("started; " if said_started else "") + (
            f"at the stage {q.stage.label}" if s.stage is not None else "[how far along the work is]")
    elif not_said is not None and s.completion_pct == 0:  # whether it started was not said: nor is "0% done"
        work_so_far = "[whether the work has started, and how far along it is]"
    elif stage_outside_note(q):  # the stage chosen decides, and its progress lies outside it: "about 0% done" beside a
        work_so_far = f"at the stage {q.stage.label}"  # clause of concepts presented read as a contradiction
    elif _not_started(q):
        work_so_far = "not started"
    else:
        work_so_far = f"about {work_done(s.completion_pct, policy.bills_monthly(q.service))}"
    if items:  # the provider's own list, and what the refund depends on, which it does not ask (a walkthrough)
        items.append(f"- Work so far: {work_so_far}")
    else:
        # the project's name and the invoice number where the client gave them: what a provider finds the order by
        # (a walkthrough typed both, and the email of a provider without a form of its own left them out)
        given = [f"- {item}: {value}" for item, value in (("Project", client.project), ("Invoice number", client.invoice))
                 if value]
        items = [f"- Service: {_service(q)}", *given, f"- Amount paid: {format_usd(Decimal(q.amount_paid), q.currency)}",
                 f"- Date of payment: {paid_on}",
                 f"- Work so far: {work_so_far}",
                 f"- What was delivered: {delivered[s.deliverables_provided]}", "- Reason: [why the refund is requested]"]
    attach = [f"- {d}" for d in documents(policy, s)]
    paid = format_usd(Decimal(q.amount_paid), q.currency)
    if of_refundable(q) and unsettled is None:  # a full refund of less than was paid says so in the request itself
        asked = (f"I request a full refund of the refundable amount for {_service(q)}: {refund_text(q)} of the {paid} "
                 "paid.")
    else:
        asked = f"I request a refund for {_service(q)}, paid {paid}."
    cancelling = _cancelling(q, policy, asked_on)
    lines = [f"Dear {policy.name} team,", "", asked, "", *_in_time(q, policy), *cancelling, *items, ""]
    if q.deductions:  # named whatever the verdict: the request knows what it does not ask back
        lines += ["Not part of the refundable amount under your policy:",
                  *(f"- {d.label}: {format_usd(Decimal(d.amount), q.currency)} ({cite(d.clause.section)})"
                    for d in q.deductions), ""]
    if attach:
        lines += ["Attached:", *attach, ""]
    if q.clauses and Decimal(q.refund_max) > 0:  # a request cites what allows a refund, not what refuses one
        lines += [_grounds(q, unsettled), ""]
    if q.policy_version != UNDATED:  # which words it cites, where a provider has had more than one (a walkthrough)
        lines += [f"This refers to your refund policy as it was on the day of my payment ({version_words(q.policy_version)}).",
                  ""]
    lines += [*_handling(q, policy), "Kind regards,", client.name or "[your name]"]
    subject = contact.subject.format(project=project, service=_service(q))
    if cancelling and s.notice_days is not None and contact.subject == DEFAULT_SUBJECT:  # the request also cancels:
        # said where it is read first (not where it only asks what cancelling does)
        subject = f"Cancellation and refund request - {_service(q)}"  # (a provider's own subject line stays its own)
    if client.project and "{project}" not in contact.subject:  # the client's name for it, where the provider's subject has none
        subject += f" ({client.project})"
    return Email(to=to, subject=subject, body="\n".join(lines))


DEFAULT_SUBJECT = Contact.model_fields["subject"].default


def _in_time(q: Quote, policy: PolicyFile) -> list[str]:
    """When the request is made, counted from the payment (the refund's clocks run from it), and, inside a request
    window, that it is in time: the first thing the provider checks, and the email named no day but the purchase's
    (a walkthrough; Step-Into's 7 days, too, have no window of their own but a clock)."""
    if q.verdict in (Verdict.window_closed, Verdict.not_offered):
        return []
    s = q.scenario
    after = "the day of my payment" if s.days_since_payment == 0 else \
        f"{counted(s.days_since_payment, 'day')} after my payment"
    when = f"on {s.requested_on:%d %B %Y}, {after}" if s.requested_on is not None else \
        ("on " if s.days_since_payment == 0 else "") + after
    window = policy.window
    within = "" if window is None else \
        f", within the {window.days} days your policy allows for refund requests ({cited_sections(window.clauses)})"
    return [f"I make this request {when}{within}.", ""]


def _cancelling(q: Quote, policy: PolicyFile, asked_on: Optional[date] = None) -> list[str]:
    """A monthly service the client says they cancel (the days before the next billing date they give, as the rule
    counts them): the request gives that notice. The page told a client to cancel by 20 Dec to avoid next month's
    charge, and the email asked only for a refund (a walkthrough). Whether to stop it is the client's to say: with
    nothing said, the email cancelled it, then held a sentence to delete whose bracket alone a client would delete."""
    rule = policy.next_charge_notice
    given = q.scenario.notice_days
    if not policy.bills_monthly(q.service) or q.verdict == Verdict.not_offered:
        return []
    if rule is None:
        return _notice_period_given(q, policy, asked_on)
    if given is None:
        return []
    billing = _next_billing(q, asked_on)
    date_of = f" ({billing:%d %b %Y})" if billing else ""  # the email named no date (a walkthrough)
    dated = _request_to_billing(q, asked_on)
    if dated is not None and given > dated[2]:  # given before this request
        notice = f"I gave notice to cancel {_service(q)} on {dated[1] - timedelta(days=given):%d %B %Y}, "
    else:
        # this request is the notice: as many days before the billing date as the request is, where the dates say
        # it ("7 days before the next billing date (22 Dec 2026)" in an email of 7 Dec, a walkthrough)
        given = given if dated is None else dated[2]
        notice = f"With this request I give notice to cancel {_service(q)}, "
    when = f"on the next billing date{date_of}" if given == 0 else \
        f"{counted(given, 'day')} before the next billing date{date_of}"
    return [f"{notice}{when}; your policy asks for {rule.days} days' notice before the next billing date "
            f"({cite(rule.clauses[0].section)}).", ""]


def _notice_period_given(q: Quote, policy: PolicyFile, asked_on: Optional[date] = None) -> list[str]:
    """A monthly service whose notice starts a prorated refund (its days: since the notice was given), or whose policy
    says nothing of the next charge: the request says the notice the client gave, and asks what the steps told the
    client to ask (a walkthrough's steps said to ask for written confirmation that cancelling stops next month's
    charge, and the email neither cancelled nor asked)."""
    said = []
    given = q.scenario.notice_days
    if given is not None and policy.notice_periods(q.service):
        asked = q.scenario.requested_on or asked_on
        said.append(f"With this request I give notice to cancel {_service(q)}." if given == 0 else
                    f"I gave notice to cancel {_service(q)} {counted(given, 'day')} ago"
                    + (f", on {asked - timedelta(days=given):%d %B %Y}." if asked else "."))
    if silent_on_next_charge(q, policy):
        said.append(f"Please confirm in writing that cancelling {_service(q)} stops next month's charge.")
    return [" ".join(said), ""] if said else []


def _handling(q: Quote, policy: PolicyFile) -> list[str]:
    """What the policy says happens to the request once sent (review times, refund method, a client abroad), as
    the client's expectation, each with its section; a paragraph, or nothing."""
    said = []
    r = policy.review
    if r is not None:
        sections = cited_sections(r.clauses)
        said.append(f"As {sections} of your refund policy sets out, I look forward to your acknowledgement of this "
                    f"request within {r.acknowledge_hours} hours and your review within {r.review_business_days} "
                    "business days.")
    # the client's understanding, in one sentence: three "As your policy sets out, ..." read as a lecture to the
    # provider (a walkthrough)
    terms = [f"{sentence[:1].lower()}{sentence[1:].rstrip('.')}" for sentence in refund_terms_sentences(q, policy)]
    if terms:
        said.append(f"I understand from your policy that {'; and that '.join(terms)}.")
    return [*said, ""] if said else []
