"""Am I eligible? A short guided form for clients, in plain words, ending in what to do and by when.

The questions' mapping to a scenario is policy/eligibility.py; this page asks and draws. The answer is for the
answers submitted: it says what it is for, names any answer changed since, and is scrolled into view."""
import contextlib
from datetime import date, timedelta
from typing import Optional

import streamlit as st

from policy.assumptions import if_work_started
from policy.client import EVENTS_ASKED, case_words, next_steps, policy_of
from policy.eligibility import (
    ANSWER_WORDS,
    NOTICE_AGO,
    Answers,
    band,
    billing_ahead,
    changed_answers,
    for_documents,
    notice_question,
    offered_label,
    open_cases,
    scenario_fields,
    services_listed,
    stage_choices,
    summary,
    unsaid,
)
from policy.explain import plain_answer, version_words
from policy.fields import BY_NAME, Unknown
from policy.markdown import md_escape as e
from policy.models import Quote, Verdict
from policy.taxonomy import PAYMENT_METHODS, SERVICES
from policy.versions import latest_payment
from policy.words import counted, mid_sentence
from ui import cache, page, scroll, show, state
from ui.codec import PAGE_PARAMS, money_shown, money_value, refusal, request_not_today
from ui.registry import basis, policies


def unknown(name: str) -> Unknown:
    """How a fact the client may not know is declared with its field: its 'not known' answer and its words."""
    declared = BY_NAME[name].unknown
    assert declared is not None, f"{name} is not declared as a fact that may be unknown"
    return declared


NONE_OF_THESE = "I don't know, or none of these"  # a client who saw nothing yet had no true answer (a walkthrough)
NO_STAGE = ""  # its option (no stage id is empty)
BEFORE_NO = "el_progress_before_no"  # the progress the slider held when "Has the work started?" turned to No


def quote_of(fields: dict) -> Optional[Quote]:
    """The quote of one case of the answers (None for a case the scenario's checks refuse)."""
    scenario, _ = state.scenario_of(fields)
    return None if scenario is None else cache.cached_quote(cache.key(scenario))


def narrow_it_down(choices: dict[str, str], answered: dict, changed: str) -> None:
    """The question that narrows an answer, below it: asked of the answer shown, not of an edit since."""
    if choices and answered.get("stage") is None and not changed:
        st.info(f"To narrow this down, answer \u201c{STAGE_QUESTION}\u201d among the questions below, then check again.")


def answer_of(answered: dict[str, Optional[bool]], value: Optional[bool]) -> str:
    """The answer (of `answers`) that gives `value`."""
    return next(word for word, given in answered.items() if given == value)


def answers(name: str) -> dict[str, Optional[bool]]:
    """A yes-or-no question's answers, as declared with its field: yes, no, and its 'not known' answer."""
    said = unknown(name)
    return {**{word.capitalize(): value for value, word in sorted(said.words, reverse=True)}, said.answer: None}


STAGE_QUESTION = "Which of these describes the work now?"  # asked where the progress leaves the stage open
AMOUNT_QUESTION = "How much did you pay?"
PAID_QUESTION = "When did you pay?"
ASK_AGAIN = "el_ask_again"


def ask_again_for(service: str) -> None:
    """The answer said the provider does not sell the service chosen: the same answers for one it sells, checked.
    A client who paid Step-Into for "social media management" was told only to check the invoice, and not that its
    terms for what it sells run out 7 days after the payment (a walkthrough)."""
    st.session_state["el_service"] = service
    st.session_state[ASK_AGAIN] = True


AMOUNT_ASKED = "el_amount_asked"  # Check was pressed with the amount's box empty: said at the box until it is filled


def _amount_as_read() -> None:
    """On Check, the amount is shown as it was read ('1200' -> '1,200.00', as the calculator shows it); one refused
    stays as typed, to be corrected."""
    st.session_state[AMOUNT_ASKED] = True
    with contextlib.suppress(ValueError):
        st.session_state["el_amount"] = money_shown(money_value(BY_NAME["amount_paid"], st.session_state["el_amount"]))
        state.entered("amount_paid")  # the client's own, even where it is the example's sum


CAME_FOR = "el_came_for"  # what the case checked came with that the answer is not for (came_with), or None


def came_with(v: dict, today: date) -> Optional[str]:
    """What a case brought that this form does not ask: a payment still to come (the form asks about one made), or a
    request on another day than today (it answers for a request made today)."""
    if v["paid_on"] is not None and v["paid_on"] > today:
        return f"a payment planned for {v['paid_on']:%d %b %Y}"
    asked = request_not_today(v, today)
    return None if asked is None else f"a request on {asked:%d %b %Y} (day {v['days_since_payment']} after the " \
        f"payment on {v['paid_on']:%d %b %Y})"


def came_with_notice(v: dict, today: date) -> None:
    """Said above the form until a check makes its answers the case: the other pages quote what came until then. The
    calculator's "This quote is for a request on 12 Dec" stood above this form's answer for today, and a payment
    planned was said to stay quoted after a check had replaced it (a walkthrough)."""
    came = came_with(v, today)
    if came is None:
        return
    if v["paid_on"] > today:
        st.info(e(f"The payment date you came with, {v['paid_on']:%d %b %Y}, is still to come. This form asks about "
                  "a payment already made, so it starts at today; until you check, the other pages still quote the "
                  "planned payment."))
    else:
        st.info(e(f"The case you came with is for {came}. This form answers for a request made today; until you "
                  "check, the other pages still quote that request."))


with page.opened("pages/3_Am_I_eligible.py", title="Am I eligible for a refund?", layout="centered",
               caption="Answer a few questions about your purchase. Nothing is sent anywhere.",
               asks_amount=True) as v:
    today = basis().as_of
    # what the case came with that this form does not ask, said once the check below has (or has not) replaced it
    came_box = st.container()
    # a client asks about a payment made; one the calculator planned for a later day starts this form at today
    paid_on = min(v["paid_on"] or today - timedelta(days=v["days_since_payment"]), today)
    answer_box = st.container(key="el_answer")

    # Outside the form, so the list of services and the questions follow the provider chosen.
    registry = policies()  # labels bound to this run's policies (a widget may format outside the run)
    provider = st.selectbox("Who did you buy from?", list(registry), format_func=lambda p: registry[p].name,
                            key=state.form_key("el_provider", v["provider"], list(registry)))
    listed = services_listed(provider, registry)
    service = st.selectbox("What did you buy?", listed, format_func=lambda s: offered_label(provider, s, registry),
                           key=state.form_key("el_service", v["service"], listed, labelled_by=provider))
    # No st.form: every answer changed after a check is named at once, not only after the next check.
    # typed as on an invoice ('$1,200'); one the field refuses is said under it and kept, and no answer is taken
    # from it (a number box put an emptied amount back to $0.01 and answered for that, silently)
    # empty until the client says it: the example the app opens with is no sum the client paid
    typed = st.text_input(AMOUNT_QUESTION, placeholder=f"For example {money_shown(v['amount_paid'])}",
                          key=state.form_key("el_amount", money_shown(v["amount_paid"]) if state.amount_given() else ""),
                          help=state.MONEY_TYPED)
    try:
        amount, amount_refused = money_value(BY_NAME["amount_paid"], typed), False
    except ValueError as exc:
        amount, amount_refused = v["amount_paid"], True
        if typed.strip():
            st.error(e(f"{refusal(AMOUNT_QUESTION, typed, str(exc))}."))
        elif st.session_state.get(AMOUNT_ASKED):  # an empty box is no mistake until Check; then, plain words
            st.error("Type how much you paid, in US dollars, such as 1,200.00.")
    first = BY_NAME["paid_on"].first_day or today  # the field's declared first day; a client's payment is made
    # a day after today is taken and refused here in words: refused by the field itself, it kept the day typed, red,
    # while the answer was for the day before it, with nothing said but an icon's tooltip (a walkthrough)
    typed_day = st.date_input(PAID_QUESTION, max_value=latest_payment(today), min_value=first,
                              key=state.form_key("el_paid_on", max(paid_on, first)))
    day_refused = typed_day > today
    if day_refused:
        st.error(e(f"{PAID_QUESTION} {typed_day:%d %b %Y} is after today ({today:%d %b %Y}): this form answers for a "
                   "payment already made. Give the day you paid."))
    when = min(typed_day, today)
    said_started, said_delivered = answers("work_started"), answers("deliverables_provided")
    started = st.radio("Has the work started?", list(said_started), horizontal=True,
                       key=state.form_key("el_started", answer_of(said_started, v["work_started"])))
    delivered = st.radio("Has anything been delivered to you?", list(said_delivered), horizontal=True,
                         key=state.form_key("el_delivered", answer_of(said_delivered, v["deliverables_provided"])))
    linked = state.linked_page_inputs()
    state.kept(state.PROGRESS_UNKNOWN)  # through a visit to another page (the menu's switch leaves no URL to read)
    if linked is not None:  # a link (or Back) says whether the client knew how far along the work is
        st.session_state[state.PROGRESS_UNKNOWN] = linked.get("progress") in PAGE_PARAMS["progress"]
    progress_unknown = st.checkbox("I don't know how far along the work is", key=state.input_key(state.PROGRESS_UNKNOWN))
    progress_key = state.form_key("el_progress", v["completion_pct"])
    not_started = said_started[started] is False
    if not_started:  # nothing is done before the work starts: a progress left from another case overrode the "No"
        if st.session_state.get(progress_key):  # (a walkthrough: 36% from a case before, "we counted it as started")
            st.session_state[BEFORE_NO] = st.session_state[progress_key]  # given back if the answer turns again
        st.session_state[progress_key] = 0
    elif BEFORE_NO in st.session_state and not st.session_state.get(progress_key):
        st.session_state[progress_key] = st.session_state.pop(BEFORE_NO)  # "No", then "Yes": the 40 was lost
    progress = st.slider("Roughly how far along is the work? (%)", 0, 100, key=progress_key,
                         disabled=progress_unknown or not_started,
                         help="Nothing is done before the work starts: answer Yes or Not sure above to set it."
                              if not_started else "Leave at 0 if nothing has been done. Not sure? Tick \"I don't "
                              "know\" above: the answer then covers every amount of progress.")
    stage_box = st.container()  # the stage's question, beside the progress that raises it (asked once the rest is known)
    notice = None
    asked = notice_question(provider, service, policies(when), when, today)  # as the payment's version counts it
    if asked:
        days = BY_NAME["notice_days"]
        notice = st.number_input(asked[0], min_value=int(days.low or 0), max_value=int(days.high or 0),
                                 value=None, step=1, placeholder=unknown("notice_days").answer,
                                 key=state.form_key("el_notice", v["notice_days"]), help=asked[1])
        if asked[0] != NOTICE_AGO:  # the days the help works out, in one tap: the client had to type them (a walkthrough)
            billing_day, ahead = billing_ahead(when, today)
            st.button(f"I cancel with this request: {counted(ahead, 'day')} before {billing_day:%d %b %Y}",
                      key="el_cancel_today", on_click=st.session_state.__setitem__, args=("el_notice", ahead))
    st.markdown("Did any of these happen?")
    billing = st.checkbox(EVENTS_ASKED["billing_error"],
                          key=state.form_key("el_billing", v["billing_error"]))
    fault = st.checkbox(EVENTS_ASKED["provider_fault"],
                        key=state.form_key("el_fault", v["provider_fault"]))
    missing = st.checkbox(EVENTS_ASKED["undelivered_promised"],
                          key=state.form_key("el_missing", v["undelivered_promised"]))
    methods = [None, *PAYMENT_METHODS]
    method = st.selectbox("How did you pay?", methods,
                          format_func=lambda m: unknown("payment_method").answer if m is None else PAYMENT_METHODS[m],
                          placeholder=unknown("payment_method").answer,  # its clear button leaves the same answer
                          key=state.form_key("el_method", v["payment_method"], methods))
    fields, said = scenario_fields(Answers(
        provider=provider, service=service, amount_paid=amount, paid_on=when,
        started=said_started[started], delivered=said_delivered[delivered],
        progress=None if progress_unknown else progress, billing_error=billing,
        provider_fault=fault, undelivered_promised=missing, payment_method=method, notice_days=notice,
    ), today, policies(when))
    # where the progress leaves the stage open and the stages refund differently, the client may know which it is
    if progress_unknown:  # the stages every amount of progress passes through (cached: about 150 quotes)
        base, _ = state.scenario_of({**fields, "stage": None})
        choices = cache.cached_stage_choices(base) if base is not None else {}
    else:
        choices = stage_choices(fields, quote_of)
    if choices:
        # "I don't know" is an option of its own, ticked until the client picks a stage: a radio whose value is None
        # shows none ticked, while the answer took it as "I don't know" (a walkthrough)
        options = [*choices, NO_STAGE]
        stage = stage_box.radio(
            STAGE_QUESTION, options,
            key=state.form_key("el_stage", v["stage"] if v["stage"] in choices else NO_STAGE, options),
            format_func=lambda s: NONE_OF_THESE if s == NO_STAGE else choices[s],
            help="The policy refunds these stages differently. Not sure, or none fits? The answer then covers each of "
                 "them, and says what each gives.")
        fields = {**fields, "stage": None if stage == NO_STAGE else stage}
        if progress_unknown and fields["stage"] is not None:  # the case the answer names: a progress the stage holds
            held = open_cases(fields, False, quote_of)  # (at 0% a stage of work under way was said to lie outside it)
            if held:
                fields = {**fields, "completion_pct": held[0]["completion_pct"]}

    # "Check my eligibility", or a service the provider sells chosen under an answer that it does not sell this one
    checked = st.button("Check my eligibility", type="primary", key="el_check", on_click=_amount_as_read) or \
        st.session_state.pop(ASK_AGAIN, False)
    if checked and amount_refused:  # said beside the button too: on a phone the amount is a screen above it
        st.error(e(f"Answer “{AMOUNT_QUESTION}” above, then check again." if not typed.strip() else
                   f"Correct the answer to “{AMOUNT_QUESTION}” above, then check again."))
        checked = False
    if checked and day_refused:
        st.error(e(f"Correct the answer to “{PAID_QUESTION}” above, then check again."))
        checked = False
    # a link to an answer shows that answer on opening, as if its form had been checked; one without an amount that
    # reads shows none: it answered for the $5,000.00 example, and said the client had changed the amount (a
    # walkthrough)
    by_link = linked is not None and linked.get("answer") in PAGE_PARAMS["answer"]
    link_without_amount = by_link and amount_refused
    if checked or (by_link and not amount_refused):
        st.session_state[state.KEY] = {**v, **fields}
        st.session_state["el_answered"], st.session_state["el_said"] = {**v, **fields}, said
        st.session_state["el_progress_known"] = not progress_unknown
        st.session_state[CAME_FOR] = came_with(v, today)
        st.session_state["el_scroll"] = st.session_state.get("el_scroll_count", 0) + 1
        st.session_state["el_scroll_count"] = st.session_state["el_scroll"]
    elif linked is not None:  # a link, Back or Forward to an address without an answer: none, as it opens anew
        st.session_state.pop("el_answered", None)

    with came_box:
        came_with_notice(state.values(), today)
    answered = st.session_state.get("el_answered")
    knowing = answered and st.session_state.get("el_progress_known", True) == progress_unknown
    # progress not known now, or not known then: its slider is no answer on one side, so only the knowing is named
    # as changed ("how far along the work is and whether you know how far along the work is", a walkthrough)
    now = {**v, **fields, **({"completion_pct": answered["completion_pct"]} if answered and (progress_unknown or knowing)
                             else {})}
    # an amount refused is no answer yet, but it is not the one checked either (a walkthrough typed 1,200, then
    # "nine hundred", and the note no longer named the amount)
    # so is a day after today (refused: the form holds today for it, and the answer before stood unmarked, a walkthrough)
    changed = changed_answers(answered, now, ANSWER_WORDS["amount_paid"] if amount_refused else "",
                              ANSWER_WORDS["paid_on"] if day_refused else "",
                              "whether you know how far along the work is" if knowing else "") if answered else ""
    # the URL and the share link hold the inputs of the answer given (the form's once checked), and whether the
    # answer is shown: changed since, the answer is dropped, and the progress is the answer's, as its scenario is (the
    # box's new tick beside the answer's 0% matched neither, a walkthrough)
    unknown_in_url = not st.session_state.get("el_progress_known", True) if changed else progress_unknown
    state.keep_page_inputs(progress=PAGE_PARAMS["progress"][0] if unknown_in_url else None,
                           answer=PAGE_PARAMS["answer"][0] if answered and not changed else None)
    if changed and not amount_refused and not day_refused:  # said again by the button: on a phone the answer is
        # screens above it (an amount or a day refused is said at its box, and by the button once clicked: "check
        # again" would fail)
        st.warning(e(f"The answer above is for your earlier answers ({changed} changed since): check again to "
                     "update it."))
    with answer_box:
        if link_without_amount:
            st.info(f"This link asks for an answer but gives no amount paid: answer \u201c{AMOUNT_QUESTION}\u201d "
                    "below, then Check my eligibility.")
        if answered:
            scenario, problem = state.scenario_of(answered)
            if scenario is None:
                assert problem is not None
                st.error(f"{page.problem_in_words(problem)}. Your answers are kept below; correct this one.")
            else:
                q = cache.cached_quote(cache.key(scenario))
                known = st.session_state.get("el_progress_known", True)
                # the progress or the work status not known: the answer covers every case they leave open
                wide = band(answered, known, quote_of)
                st.header("Your answer")
                # since when it is in force: "policy version 2025-06-17" read as a code, and whether a 2025 version
                # answers for a 2026 payment a client could not tell (a walkthrough)
                since = q.policy.effective_from if q.policy is not None else None
                st.caption(e(f"For: {summary(answered, policies(answered['paid_on']), progress_known=known)}; "
                             f"{version_words(q.policy_version)}"
                             + (f", in force from {since:%d %b %Y}" if since is not None else "")
                             # a provider's first version answers for the payments before it too (a walkthrough read
                             # "in force from 07 Dec 2026" about a payment of 17 Nov, and nothing else)
                             + (f"; as {q.provider_name}'s first version here, it also answers for payments before that "
                                "day" if since is not None and scenario.payment_day(today) < since else "")))
                if st.session_state.get(CAME_FOR):
                    st.info(e(f"This answer is for a payment already made and a request today, {today:%d %b %Y}; "
                              f"the case you came with was for {st.session_state[CAME_FOR]}."))
                show.withdrawn_version(q, one_case=wide is None)  # a link given out under it opened on another
                show.replaced_version(q, one_case=wide is None, for_client=True)
                if changed and amount_refused:  # checking again would only be refused: first the amount
                    st.warning(e(f"You have changed {changed} since this answer, and the amount you typed cannot be "
                                 f"read: correct “{AMOUNT_QUESTION}” below, then check again."))
                elif changed and day_refused:
                    st.warning(e(f"You have changed {changed} since this answer, and the day you typed is after today: "
                                 f"correct “{PAID_QUESTION}” below, then check again."))
                elif changed:
                    st.warning(e(f"You have changed {changed} since this answer: check again to update it."))
                for note in st.session_state.get("el_said", ()):
                    st.warning(e(note))
                unsettled = None
                monthly = policy_of(q).bills_monthly(q.service)
                left_open = unsaid(answered, known, monthly, wide)  # every case alike: the documents say it
                if wide is None:
                    st.markdown(f"### {e(plain_answer(q))}")
                    show.client_answer(q, if_work_started(q))
                    narrow_it_down(choices, answered, changed)
                else:
                    unsettled = for_documents(wide, known, monthly)
                    st.markdown(f"### {e(f'It depends on {unsettled.unknown}')}")  # a heading; the sentence under it
                    st.markdown(e(unsettled.sentence))  # gives the range: said once
                    if unsettled.by_stage:
                        st.markdown("By how far along the work is:\n\n" + "\n".join(f"- {e(line)}" for line in unsettled.by_stage))
                        if unsettled.stage_readings:
                            st.caption(e(unsettled.stage_readings))
                    narrow_it_down(choices, answered, changed)
                    q = wide.most  # the steps and the clauses of the case that refunds the most, said as such
                st.header("What to do next")
                if unsettled is not None:
                    st.caption(e(f"These steps and dates are for the case that refunds the most: {case_words(q)}."))
                steps = next_steps(q, policy_of(q))
                st.markdown("\n".join(f"{i}. {e(step)}" for i, step in enumerate(steps, 1)))
                if q.verdict == Verdict.not_offered:  # what it sells, one click away: its terms have their own dates
                    for sold in policy_of(q).services:
                        st.button(f"Ask again for {mid_sentence(SERVICES[sold])}", key=f"el_instead_{sold}",
                                  on_click=ask_again_for, args=(sold,))
                if unsettled is not None and unsettled.other_deadline:  # the other case's date, after the steps'
                    st.markdown(f":blue-background[{e(unsettled.other_deadline)}]")
                with st.expander("Why: the policy's own words"):
                    if unsettled is not None:  # the client gave no such case: say whose words these are
                        st.caption(e(f"For the case that refunds the most ({case_words(q)}); the other cases your "
                                     "answers leave open are under the clauses of their own stages."))
                    show.explanation(q, for_client=True)
                show.actions(q, state.share_link, unsettled=unsettled, not_said=left_open)
                st.divider()
        if st.session_state.get("el_scroll"):
            scroll.into_view("el_answer", st.session_state.pop("el_scroll"), named="Your answer")
