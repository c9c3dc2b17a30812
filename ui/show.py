"""Drawing a quote: the metric, the verdict badge, the explanation, downloads and the share link.

Every text from a user or a policy file goes through md_escape (a '$' would start LaTeX); no raw HTML.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any, Optional

import streamlit as st

from policy import InputError, Quote, quote
from policy.client import Client, NotSaid, Unsettled, notice_step, request_email, summary_markdown, summary_pdf
from policy.explain import (
    case_lines,
    dated_after_payment_sentence,
    deadline_on_calendar,
    deadline_sentence,
    deductions_text,
    explanation_sections,
    lapsed_sentence,
    last_day_changed,
    named_version,
    of_refundable,
    pct_range,
    refund_text,
    unknown_sentences,
    verdict_label,
    verdict_sentence,
    version_words,
    window_lapsed_sentence,
)
from policy.export import quote_csv, quote_json
from policy.markdown import md_escape as e
from policy.markdown import sections_markdown
from policy.models import Verdict
from policy.money import format_usd
from policy.pdf_text import not_drawn
from policy.quoting import stage_outside_note
from policy.records import BY_RECORD, NOTE_MAX, RECORD_FIELDS
from policy.spreadsheet import for_excel
from policy.versions import Basis, Version
from store import QuoteStore
from store.access import Actor, Permission
from ui import cache
from ui.identity import actor, may, while_signed_in
from ui.records import register
from ui.registry import basis, catalog, payment_day, policies
from ui.state import amount_is_example, kept


def headline(q: Quote, assumption: Optional[str] = None, for_client: bool = False, asked_today: bool = False,
             asked_on: Optional[date] = None) -> None:
    """The Refund, then one block: the verdict as a badge, the share of the amount paid, the sentence, and
    the next deadline highlighted (what to do, by when). Few elements on purpose: every element sent costs the
    browser a render on each rerun. for_client: a visitor without a role reads it (explain.unclear_sentence).
    asked_today: the calculator's live case, whose undated deadline is also given as today's calendar date (not a
    saved quote's, asked on another day). asked_on: the day a saved quote was made, which dates its deadlines (a
    quote saved in days said "by day 7", its share link the date: a walkthrough)."""
    st.metric("Refund", refund_text(q), help="The least you can count on, to the most the policy allows.")
    # Which case this is, on the page itself: on a phone the sidebar that holds it is closed. The service as the
    # app names it everywhere (the policy's own 'Website Design & Development' beside 'Website design & development')
    what = ", ".join(case_lines(q))  # and which version answered: two may be in the catalog
    lines = [f":small[{e(what)}]", *_verdict_lines(q, assumption, for_client)]
    asked = q.scenario.requested_on
    if q.scenario.paid_on is not None and q.scenario.paid_on > basis().as_of:
        # named as everywhere ("Step-Into's version undated (as published)" read as a fault, a walkthrough)
        lines.append(e(f"A payment planned for {q.scenario.paid_on:%d %b %Y}: quoted under "
                       f"{named_version(q.provider_name, q.policy_version)}, in force on that day."))
    if asked is not None and q.scenario.paid_on is not None:
        lines.append(e(f"A request on {asked:%d %b %Y}, day {q.scenario.days_since_payment} after the payment on "
                       f"{q.scenario.paid_on:%d %b %Y}."))
    # a day passed, of a payment given in days, as today's calendar says it (an open one: on_calendar, below)
    passed_on = basis().as_of if asked_today else asked_on
    for sentence in (dated_after_payment_sentence(q), lapsed_sentence(q, passed_on), window_lapsed_sentence(q, passed_on),
                     q.next_deadline and deadline_sentence(q, q.next_deadline, asked_on)):
        if sentence:
            lines.append(f":blue-background[{e(sentence)}]")
    on_calendar = deadline_on_calendar(q, basis().as_of) if asked_today else None
    if on_calendar:
        lines.append(f":small[{e(on_calendar)}]")
    notice = q.policy and notice_step(q, q.policy, passed_on)  # a monthly service: what the notice does, on the page
    if notice:
        lines.append(f":blue-background[{e(notice)}]")
    # a stage chosen that the progress lies outside: beside the amount it decides (only under "Why", a walkthrough
    # read $4,200.00 against a completion chart that places 0% in another stage)
    lines += [f":orange-background[{e(n)}]" for n in (stage_outside_note(q),) if n]
    lines += _disagreements(q, for_client)
    st.markdown("\n\n".join(lines))


def _disagreements(q: Quote, for_client: bool = False) -> list[str]:
    """Where the version that answered was published with its words and rules disagreeing on a tier that decided
    this quote (the lab warns, and an author may publish despite it): said beside the quote. A walkthrough quoted
    65-75% under a clause of "75% Refund" with nothing said but on Policy terms."""
    if q.policy is None or not q.tiers:
        return []
    deciding = set(q.tiers)
    said = [f.message for f in cache.unlisted_findings(q.policy, catalog())
            if any(rule.rsplit(".", 1)[-1] in deciding for rule in f.rules)]
    if for_client and said:  # the author's words name rules by id: a client reads what it means for them
        return [":orange-background[" + e("The policy's own words for this case state another refund than the one its "
                                          "rules give: ask the provider which applies.") + "]"]
    return [f":orange-background[{e(f'This version was published with its words and rules disagreeing here: {m}.')}]"
            for m in dict.fromkeys(said)]


def _verdict_lines(q: Quote, assumption: Optional[str], for_client: bool) -> list[str]:
    """The verdict as a badge with the share of the amount paid and what it means, then what the quote assumed."""
    badge = f":{q.verdict.colour}-badge[{e(verdict_label(q))}]"
    if q.verdict == Verdict.not_offered:  # not a $0.00 quote: the provider does not sell it
        lines = [f"{badge} {e(q.notes[0])}"]
    else:
        sentence = verdict_sentence(q, for_client)
        # a client's answer is under its heading (plain_answer): the verdict's bare sentence only said it again ("Yes.
        # You can get your money back in full" then "You are entitled to a full refund", a walkthrough)
        said = "" if for_client and sentence == q.verdict.sentence else f" {e(sentence)}"
        # nothing is said as nothing: "Request window closed 0% of the amount paid." read awkwardly (a walkthrough)
        share = f"**{pct_range(q)}** of the amount paid." if Decimal(q.refund_max) > 0 else \
            "**Nothing** of the amount paid is refunded."
        lines = [f"{badge} {share}{said}"]
    if assumption:
        lines.append(f":orange-background[{e(assumption)}]")
    return lines


def client_answer(q: Quote, assumption: Optional[str] = None) -> None:
    """The client's answer under its heading (plain_answer, which gives the amount): what the verdict means, once.
    The calculator's headline under that heading said the refund three times (the heading, a metric, the next
    deadline) and the case twice (a walkthrough); the deadline is one of the steps to take."""
    lines = _verdict_lines(q, assumption, for_client=True)
    # what each answer the client left open gives, under the answer (it was only under "Why", closed: a walkthrough)
    lines += [f":orange-background[{e(said)}]" for said in unknown_sentences(q, for_client=True)]
    if q.deductions and not (q.verdict == Verdict.full and of_refundable(q)):  # that answer names them already
        # money the policy keeps out, said where the amount is: 72.19% beside a clause of 75% was explained only in
        # the closed "Why" (a walkthrough)
        lines.append(e(f"Taken off first, as the policy does not refund it: {deductions_text(q)}. The refund is worked "
                       "out on the rest."))
    dated = dated_after_payment_sentence(q)  # which version answers: a lapsed day or a closed window is a step below
    if dated:
        lines.append(f":blue-background[{e(dated)}]")
    lines += _disagreements(q, for_client=True)
    st.markdown("\n\n".join(lines))


RESTORED = "restored_from"  # (saved quote's number, its scenario's cache key, its refund in words, its version),
# set by Saved quotes' Restore


def restored_from(q: Quote) -> bool:
    """Where a scenario restored from Saved quotes came from, while it is still that scenario (a change of it
    forgets the note), and what the saved quote said where today's answer differs; whether it is."""
    restored = st.session_state.get(RESTORED)
    if restored is None:
        return False
    number, key, said, version = restored
    if key != cache.key(q.scenario):
        st.session_state.pop(RESTORED)
        return False
    # a quote saved at $0.00 came back at $1,200.00 with only "the case as it was saved" beside it (a walkthrough)
    now = refund_text(q)
    if said != now:
        differs = (f" It was given as {said}, under {version_words(version)}; today it gets {now}, under "
                   f"{version_words(q.policy_version)}.")
    elif version != q.policy_version:
        differs = f" It was given under {version_words(version)}; today's {version_words(q.policy_version)} gives the same refund."
    else:
        differs = ""
    st.caption(e(f"Restored from saved quote #{int(number)}: the case as it was saved.{differs}"))
    return True


def versions_in_force(v: dict) -> None:
    """Which version of each policy a page shows: those in force on the scenario's payment day (its date, or today
    less its days since payment), said on every page that shows more than one provider; and those for later
    payments, to come or published since that day."""
    day = payment_day(v)
    named = ", ".join(named_version(p.name, p.version) for p in policies(day).values())
    later = "; ".join(f"{named_version(x.policy.name, x.policy.version)} from {x.effective:%d %b %Y}"
                      for x in catalog().coming(day))
    then = f" For later payments: {later}." if later else ""
    # a version that answered for such a payment and was withdrawn: the amounts given under it differ from these
    for x in filter(None, (catalog().withdrawn_for(p, day) for p in policies(day))):
        if x.withdrawn is not None:
            then += (f" {named_version(x.policy.name, x.policy.version)}, which applied to such a payment, was "
                     f"withdrawn on {x.withdrawn.at:%d %b %Y}: amounts given under it may differ from these.")
    # one replaced from its own day by the one in force: said here as beside a quote (replaced_version)
    for p in policies(day).values():
        old = catalog().replaced_for(p.id, p.version)
        if old is not None:
            then += f" {_replaced(old, p.version)}: amounts and dates given under it may differ from these."
    st.caption(e(f"The versions in force for {_payment_words(isinstance(v.get('paid_on'), date), day)}: {named}.{then}"))


def _payment_words(dated: bool, day: date) -> str:
    """'a payment on 24 Nov 2026', and for a case given in days '... (12 days before today)' or 'a payment today'."""
    if dated:
        return f"a payment on {day:%d %b %Y}"
    days = (basis().as_of - day).days
    if days == 0:
        return f"a payment today ({day:%d %b %Y})"
    return f"a payment on {day:%d %b %Y} ({days} day{'' if days == 1 else 's'} before today)"


def coming_version(q: Quote) -> None:
    """The quoted provider's next version, for payments after this one's: beside a quote without a payment date,
    whose version follows from today and its days since payment. Compare and Policy terms said "To come", and the
    calculator quoted on without a word while tomorrow's payment would get less; and a version published from
    today was not the one of a payment twelve days ago (walkthroughs). A quote for a given date is that payment's."""
    s = q.scenario
    if s.paid_on is not None:
        return
    day = basis().payment_day(None, s.days_since_payment)
    for v in catalog().coming(day):
        if v.provider == q.provider:
            # not "give a payment date from then": a rep read it as asked to change a payment already made
            # the day named: "since then" read as the payment day just named (a walkthrough)
            how = ("A payment from that day on will be quoted under it." if v.effective > basis().as_of else
                   f"A payment made from {v.effective:%d %b %Y} on is quoted under it.")
            st.caption(e(f"{named_version(v.policy.name, v.policy.version)} applies to payments from "
                         f"{v.effective:%d %b %Y}: this quote is under {version_words(q.policy_version)}, for "
                         f"{_payment_words(False, day)}. {how}"))
            return


def withdrawn_version(q: Quote, one_case: bool = True) -> None:
    """A version that answered for this payment and was withdrawn since, said beside the quote: a link given out
    under it opened on the version before, with another amount and nothing said (a walkthrough). one_case: the
    answer is this quote's case (an answer over every case a client left open gives no one amount then)."""
    s = q.scenario
    v = catalog().withdrawn_for(q.provider, basis().payment_day(s.paid_on, s.days_since_payment))
    if v is None or v.withdrawn is None:
        return
    said = (f"{named_version(v.policy.name, v.policy.version)}, which applied to this payment, was withdrawn on "
            f"{v.withdrawn.at:%d %b %Y}: this {'quote' if one_case else 'answer'} is under "
            f"{version_words(q.policy_version)}.")
    if one_case:  # what a quote under it said, that a link given out then still shows its reader (rare)
        then = quote(s, Basis(catalog().as_before_withdrawal(v), basis().as_of))
        amounts = f"{refund_text(then)}, not {refund_text(q)}" if refund_text(then) != refund_text(q) else "the same amount"
        said += f" Under the withdrawn version this case got {amounts}."
    st.caption(e(said))


def replaced_version(q: Quote, one_case: bool = True, for_client: bool = False) -> None:
    """The version this quote's replaced on its own date, said beside the quote: a client told 28 Dec in the morning
    was told 21 Dec after a second publish from the same day, with nothing said (a walkthrough; decisions.md
    'payment date': no date is ever replaced silently). one_case: as withdrawn_version's. A client reads it without
    version numbers, which they never saw (a walkthrough)."""
    old = catalog().replaced_for(q.provider, q.policy_version)
    if old is None:
        return
    then = None
    if one_case:  # what a quote given under it said
        later = catalog().replaced[(old.provider, old.policy.version)]  # this quote's version
        then = quote(q.scenario, Basis(catalog().without(later), basis().as_of))
        if then.policy_version != old.policy.version:
            then = None
    paid = q.scenario.payment_day(basis().as_of)
    moved = then is not None and last_day_changed(then, q, paid)
    changed = then is not None and (refund_text(then) != refund_text(q) or bool(moved))
    if for_client:
        said = f"{q.provider_name} changed its terms for payments from {old.effective:%d %b %Y} again that same day."
        if then is not None and changed:
            asked_by = (f", to be asked for by {paid + timedelta(days=then.next_deadline.last_day):%d %b %Y}"
                        if then.next_deadline else "")
            said += (f" An answer given under the earlier terms said {refund_text(then)}{asked_by}; this answer "
                     "follows the terms in force now.")
    else:
        said = (f"{_replaced(old, version_words(q.policy_version))}, which this {'quote' if one_case else 'answer'} "
                "is under.")
        if then is not None:
            got = f"{refund_text(then)}, not {refund_text(q)}" if refund_text(then) != refund_text(q) else \
                "the same refund"
            said += f" Under it this case got {got}" + (f"; now {moved}" if moved else "") + "."
    (st.warning if changed else st.caption)(e(said))  # what a client was told may have changed


def _replaced(old: Version, by: str) -> str:
    """'Social Beat Digital version X, published for payments from D, was replaced from that same day by `by`'."""
    return (f"{named_version(old.policy.name, old.policy.version)}, published for payments from "
            f"{old.effective:%d %b %Y}, was replaced from that same day by {by}")


def payment_moves(q: Quote) -> None:
    """Under the days chart of a payment given in days whose version begins within the slider's reach: the chart
    follows this payment as days pass, the slider moves the payment, across that version's first day. A walkthrough
    read $6,000.00 flat to day 30 on the chart of a payment today, then $7,500.00 with the slider at day 5."""
    s = q.scenario
    if s.paid_on is not None or q.policy is None or q.policy.effective_from is None:
        return  # a dated payment: the slider moves the request day, as the chart does
    first_day = q.policy.effective_from
    if (basis().as_of - first_day).days >= cache.DAYS_SHOWN:
        return
    before = catalog().on(first_day - timedelta(days=1)).get(q.provider)
    if before is None or before.version == q.policy_version:
        return
    paid = basis().payment_day(None, s.days_since_payment)
    st.caption(e(f"The days chart follows {_payment_words(False, paid)} as the days since it pass: the days slider "
                 f"moves the payment instead, and one made before {first_day:%d %b %Y} is quoted under "
                 f"{version_words(before.version)}, with its own amounts."))


def explanation(q: Quote, heading: str = "", for_client: bool = False) -> None:
    """Every section of the explanation in one block, under `heading` if given, below the quote's headline (which
    says the deadline, and a service not sold). for_client: a client reads it (no ambiguity ids, no note on how the
    calculator places stages)."""
    body = sections_markdown(explanation_sections(q, with_deadline=False, for_client=for_client, under_headline=True),
                             heading="###")
    st.markdown(f"## {e(heading)}\n\n{body}" if heading else body)


def _client(staff: bool) -> Client:
    """The client's name and the rep's reference (the summary, the register); the project's name and the invoice
    number are the client's, which the request email names (Social Beat 5.1), left for the client where blank. A
    client is asked for their own name, and not for a rep's reference ("Client name" and "Your reference" asked a
    client in a rep's words: a walkthrough)."""
    # a row at a time: the Tab key follows the page's order, and two columns of two sent it down the left column,
    # then back up to the right one (a walkthrough)
    top, bottom = st.columns(2), st.columns(2)
    # kept while the expander is closed (its boxes are not drawn then, and Streamlit forgot what was typed in them)
    name = f"{BY_RECORD['client_name'].label} (optional)" if staff else "Your name (optional)"
    return Client(name=top[0].text_input(name, key=kept("client_name")).strip(),
                  reference=top[1].text_input(f"{BY_RECORD['client_ref'].label} (optional)",
                                              key=kept("client_ref")).strip() if staff else "",
                  project=bottom[0].text_input("Project name, for the email (optional)", key=kept("client_project"),
                                               max_chars=200).strip(),
                  invoice=bottom[1].text_input("Invoice number, for the email (optional)", key=kept("client_invoice"),
                                               max_chars=100).strip())


CLIENT_DOWNLOADS = ("Summary (PDF)", "Request email")  # a client's words: no file formats a client need not know
STAFF_DOWNLOADS = ("Client summary (PDF)", "Client summary (Markdown)", "Refund request email", "Quote as JSON",
                   "Quote as CSV")


def file_part(text: str, limit: int = 40) -> str:
    """Words as part of a file's name: 'Acme Ltd' -> 'acme-ltd', 'undated (as published)' -> 'undated-as-published'
    (spaces and brackets in a downloaded file's name, a walkthrough)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:limit].strip("-")


def file_stem(q: Quote, client: Client) -> str:
    """'refund-socialbeat-website-acme-ltd': the client's name (or the reference) where given, so that two
    clients' files do not take one name in a downloads folder."""
    who = file_part(client.name or client.reference)
    return f"refund-{q.provider}-{q.service}" + (f"-{who}" if who else "")


def _download_buttons(q: Quote, client: Client, staff: bool, unsettled: Optional[Unsettled] = None,
                      not_said: Optional[NotSaid] = None, prepared_on: Optional[date] = None,
                      held: Optional[Callable[[Callable[[], Any], str], Callable[[], Any]]] = None) -> None:
    """Files are written only when clicked (deferred data), and a click does not rerun the page. The client's
    name and a reference are optional; the client's documents use them. A client gets the summary and the
    email; sales (staff) also the Markdown, JSON and CSV. `prepared_on`: the day the summary says it was prepared
    (today's, unless it is a saved quote's). `held`: for files of the register, each file's making (and its label)
    -> the making done only while it may be (identity.while_signed_in)."""
    stem = file_stem(q, client)
    whose = {"client_name": client.name, "client_ref": client.reference}  # the quote's own files name it too
    day = prepared_on or basis().as_of
    pdf = (lambda: summary_pdf(q, day, client, unsettled, not_said), ".pdf", "application/pdf", "dl_pdf")
    # the email says what it is in its name: beside the .pdf and .md of the same stem a .txt read as a third summary
    email = (lambda: request_email(q, client, unsettled, not_said, day).text(), "-request-email.txt", "text/plain",
             "dl_email")
    files = ((CLIENT_DOWNLOADS[0], *pdf), (CLIENT_DOWNLOADS[1], *email)) if not staff else (
        (STAFF_DOWNLOADS[0], *pdf),
        (STAFF_DOWNLOADS[1], lambda: summary_markdown(q, day, client, unsettled, not_said), ".md",
         "text/markdown", "dl_md"),
        (STAFF_DOWNLOADS[2], *email),
        # a quote's own files are of one case: an unsettled answer is none of its cases
        *(() if unsettled is not None else (
            (STAFF_DOWNLOADS[3], lambda: quote_json(q, whose, day), ".json", "application/json", "dl_json"),
            (STAFF_DOWNLOADS[4], lambda: for_excel(quote_csv(q, whose, day)), ".csv", "text/csv", "dl_csv"))),
    )
    left_out = not_drawn(" ".join((client.name, client.reference, client.project, client.invoice)))
    if left_out:  # said before it is sent: the PDF's "Zoë    :" lost a name without a word (a walkthrough)
        kept = "the request email and the Markdown summary keep" if staff else "the request email keeps"
        st.warning(e(f"The PDF cannot show {left_out} (emoji and right-to-left scripts) and leaves them out; {kept} "
                     "them."))
    # what the email still needs from its sender (the boxes above fill some; a walkthrough found it sent as it was),
    # said before the buttons: under them it was read only once the file was downloaded (a walkthrough on a phone)
    st.caption("Before sending the request email: fill in each part in [brackets], and leave out any attachment "
               "it lists that you do not have.")
    for label, make, ending, mime, key in files:
        data = make if held is None else held(make, label)
        st.download_button(label, data, stem + ending, mime, key=key, on_click="ignore", width="stretch")


def _while_saved(store: QuoteStore, who: Actor, number: int, make: Callable[[], Any], label: str) -> Callable[[], Any]:
    """A saved quote's file, made on its click only while the sign-in holds and the quote is still in the register:
    one deleted in another session since its page was drawn was still handed out (a walkthrough)."""
    def kept() -> Any:
        if store.get(number, by=who) is None:
            raise LookupError(f"quote #{number} is no longer in the register")
        return make()
    return while_signed_in(kept, Permission.VIEW_REGISTER, f"saved quote #{number}, {label}")


def saved_files(q: Quote, client: Client, saved_on: date, number: int) -> None:
    """A saved quote's files as it was given, prepared on the day it was saved: they were only to be had by
    restoring it into the calculator, which quotes it anew (a walkthrough)."""
    if q.policy is None:  # its documents are made from the version it names, which the catalog no longer holds
        st.caption("Its files cannot be made: the register no longer holds the policy version it was given under. "
                   "Restore it into the calculator to quote it again.")
        return
    box = st.expander("Download its files", key="reg_downloads_open", on_change="rerun")  # in the page: see actions
    if box.open:
        with box:
            _download_buttons(q, client, staff=may(Permission.SAVE_QUOTE), prepared_on=saved_on,
                              held=partial(_while_saved, register(), actor(), number))


def actions(q: Quote, link: Callable[[], str], save: bool = False, unsettled: Optional[Unsettled] = None,
            not_said: Optional[NotSaid] = None) -> None:
    """One expander to take the quote away: the files, the link and (for sales) a save to the register. Its
    content is drawn only while it is open (the code block's highlighter is heavy, and every element drawn
    makes each rerun slower). In the page's flow, not a popover: under the answer on a 900 px high screen a popover
    had 235 px left below its button, and its save and links were out of sight (a walkthrough)."""
    save = save and may(Permission.SAVE_QUOTE)
    box = st.expander("Save, download or share" if save else "Download or share", key="downloads_open",
                      on_change="rerun")
    if box.open:
        with box:
            if amount_is_example():  # no record, file or save of a sum nobody gave (a walkthrough's PDF said $5,000.00)
                st.info(e(f"The amount paid is the example, {format_usd(Decimal(q.amount_paid), q.currency)}: the link "
                          "gave none. Enter the amount paid to save or download this quote; the link below leaves the "
                          "amount out."))
            else:
                client = _client(staff=may(Permission.SAVE_QUOTE))
                if save and may(Permission.SAVE_QUOTE):  # sales and up; a client gets the downloads only
                    _save_form(q, client)
                _download_buttons(q, client, staff=may(Permission.SAVE_QUOTE), unsettled=unsettled, not_said=not_said)
            # the address bar gives a case of days as days, which a later day counts again: this link, dated, does not
            # (a walkthrough read "the address bar always holds it too" and compared the two)
            st.caption("This link opens the same scenario on any page, on any later day:")
            st.code(link(), language=None, wrap_lines=True)  # with its own copy button
            if q.scenario.paid_on is None:  # the link gives the payment as a date: its deadlines stay on the calendar
                paid = q.scenario.payment_day(basis().as_of)
                st.caption(e(f"It gives the payment as made on {paid:%d %b %Y}, {q.scenario.days_since_payment} days "
                             "before today: opened on a later day, its deadlines are the same dates."))


SAVE_LABELS = {**{f.name: f.label for f in RECORD_FIELDS}, "saved_by": "Saved by", "batch_name": "Batch name",
               "project": "Project name", "invoice": "Invoice number"}


def _save_form(q: Quote, client: Client) -> None:
    """Save the quote as shown, with the client's details, a note and who saved it (the signed-in user; typed
    only in local mode, where there is no identity). What was typed stays in the boxes whatever happens; a
    failed save says why and wrote nothing."""
    from ui.identity import signed_by

    note = st.text_area(f"{BY_RECORD['note'].label} (optional)", key=kept("save_note"), height=68, max_chars=NOTE_MAX)
    by = signed_by("save_by", SAVE_LABELS["saved_by"], optional=True)
    # the same quote with the same details, saved before (in this session, or in the register by anyone): asked
    # before a duplicate is made
    same = (q.scenario.model_dump_json(), q.provider, q.policy_version, client.name, client.reference, note,
            client.project, client.invoice)
    if st.button("Save to the register", key="save_quote", type="primary", width="stretch"):
        earlier = _saved_before(q, client, note, by, same)
        if earlier is not None:
            st.session_state[CONFIRM_SAVE] = (same, earlier)
        else:
            _save(q, client, note, by, same)
    confirm = st.session_state.get(CONFIRM_SAVE)
    if confirm is not None and confirm[0] == same:
        st.warning(f"This quote, with these details, is already saved as quote #{confirm[1]}. Save a second copy?")
        if st.button("Save a second copy", key="save_again", width="stretch"):
            st.session_state.pop(CONFIRM_SAVE, None)
            _save(q, client, note, by, same)
    st.divider()


LAST_SAVE = "save_last"  # (what was saved, its number)
CONFIRM_SAVE = "save_confirm"  # (what is to be saved, the number of the same one saved before)


def _saved_before(q: Quote, client: Client, note: str, by: Actor, same: tuple) -> Optional[int]:
    """The number of the same quote with the same details saved before: just now in this session, else in the
    register (where a failure to look is no reason not to save: the save says its own)."""
    from store import Forbidden, SaveError
    from ui.records import register

    last = st.session_state.get(LAST_SAVE)
    if last is not None and last[0] == same:
        return int(last[1])
    try:
        restored = st.session_state.get(RESTORED)  # a quote restored from the register, unchanged: that quote, dated
        if restored is not None and restored[1] == cache.key(q.scenario):  # since (codec.dated), its scenario differs
            saved = register().get(int(restored[0]), by=by)
            if saved is not None and saved.quote.policy_version == q.policy_version and \
                    (saved.client_name, saved.client_ref, saved.note, saved.project, saved.invoice) == \
                    (client.name, client.reference, note.strip(), client.project, client.invoice):
                return saved.id
        return register().already_saved(q, client.name, client.reference, note, by=by, project=client.project,
                                        invoice=client.invoice)
    except (Forbidden, SaveError, InputError):
        return None


def _save(q: Quote, client: Client, note: str, by: Actor, same: tuple) -> None:
    """Save, and say what happened: saved (and remembered, to ask before a duplicate), or why not."""
    from store import Forbidden, SaveError
    from ui.records import register

    try:
        saved = register().save(q, client.name, client.reference, note, by=by, project=client.project,
                                invoice=client.invoice, asked_on=basis().as_of)
    except Forbidden as exc:
        st.error(f"{e(str(exc))} Nothing was saved; your entries are kept.")
    except InputError as exc:
        label = SAVE_LABELS.get(exc.field, exc.field)
        st.error(f"**{e(label)}**: {e(exc.message)}. Nothing was saved; your entries are kept.")
    except SaveError as exc:
        st.error(f"{e(str(exc))}. Nothing was saved; your entries are kept.")
    else:
        st.session_state["register_open"] = saved
        st.session_state[LAST_SAVE] = (same, saved)
        st.success(f"Saved as quote #{saved}: find it under Saved quotes.")
        st.toast(f"Saved as quote #{saved}.")  # in view wherever the page is scrolled (its line can be out of sight)
