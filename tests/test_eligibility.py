"""The client's answers -> a scenario, and the compare table's rows: rules tested without Streamlit."""
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from shipped import BASIS

from policy import parse_scenario, quote
from policy import shipped_policies as policies
from policy.assumptions import if_work_started
from policy.compare import compare_rows
from policy.eligibility import Answers, notice_question, offered_label, scenario_fields, stage_choices, stage_words, summary

TODAY = date(2026, 12, 2)


def answers(**changes) -> Answers:
    base = dict(provider="stepinto", service="ppc", amount_paid="5000.00", paid_on=date(2026, 11, 30), started=None,
                delivered=None, progress=0)
    return Answers(**{**base, **changes})


def test_answers_become_a_scenario_with_the_dates():
    fields, said = scenario_fields(answers(), TODAY, policies())
    assert said == () and fields["days_since_payment"] == 2 and fields["paid_on"] == date(2026, 11, 30)
    assert quote(parse_scenario(fields, BASIS), BASIS).verdict == "full"


def test_progress_means_started_and_the_contradiction_is_said():
    fields, said = scenario_fields(answers(progress=40, started=False), TODAY, policies())
    assert fields["work_started"] is True and said and "counted it as started" in said[0]
    fields, _ = scenario_fields(answers(progress=40, started=None), TODAY, policies())
    assert fields["work_started"] is None


def test_the_notice_is_asked_for_monthly_services_only_and_not_offered_is_said():
    assert "before your next billing date" in notice_question("itmedia", "seo", policies())[0]
    # a client does not know the billing date: the help counts it from the payment (a walkthrough on a phone)
    assert notice_question("itmedia", "seo", policies(), date(2026, 10, 27), date(2026, 12, 6))[1].endswith(
        "Counted monthly from your payment on 27 Oct 2026, your next billing date is 27 Dec 2026: cancelling today "
        "is 21 days before it.")
    assert "days ago did you give notice" in notice_question("socialbeat", "seo", policies())[0]
    assert "30-day notice" in notice_question("socialbeat", "seo", policies())[1]
    assert notice_question("socialbeat", "website", policies()) is None
    assert offered_label("stepinto", "website", policies()).endswith("(not offered by Step-Into)")
    assert summary(scenario_fields(answers(), TODAY, policies())[0], policies()).startswith(
        "Step-Into, PPC / paid advertising, $5,000.00 paid on 30 Nov 2026")


@pytest.mark.parametrize("provider, notice, warned", [
    ("socialbeat", 2, False),   # given on the day of payment: nothing to say
    ("socialbeat", 3, True),    # a day before paying: possible, but said, with the date it was counted from
    ("socialbeat", None, False),
    ("itmedia", 10, False),     # ITMedia asks for days before the next billing date: no payment date involved
])
def test_notice_given_before_the_payment_is_said_and_counted_from_its_date(provider, notice, warned):
    fields, said = scenario_fields(answers(provider=provider, service="seo", notice_days=notice), TODAY, policies())
    assert fields["notice_days"] == notice  # the answer is kept as given, never changed
    assert bool(said) == warned
    if warned:
        assert said[0] == ("You said you gave notice 3 days ago, before you paid on 30 Nov 2026: we counted the "
                           "notice from 29 Nov 2026. If you gave it after paying, correct the days of notice.")


def test_the_work_start_assumption_is_said_only_where_it_changes_the_answer():
    unknown = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct=0,
                                        days_since_payment=10), BASIS), BASIS)
    assert "$3,750.00" in if_work_started(unknown)
    known = quote(parse_scenario({**unknown.scenario.model_dump(), "work_started": False}, BASIS), BASIS)
    assert if_work_started(known) is None


def test_compare_rows_name_every_provider_and_say_not_offered_in_words():
    rows = compare_rows(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="1000",
                                            completion_pct=0, days_since_payment=3), BASIS), BASIS)
    assert [r.cells["Provider"] for r in rows] == [p.name for p in policies().values()]
    step_into = next(r.cells for r in rows if r.cells["Provider"] == "Step-Into")
    assert (step_into["Refund min"], step_into["Verdict"]) == ("Not offered", "Not offered")  # one name for the verdict and its amount


def _quote_of(fields):
    return quote(parse_scenario(fields, BASIS), BASIS)


def test_an_unknown_progress_covers_every_completion_from_0_to_100():
    from decimal import Decimal

    from policy.eligibility import band, cases, unknown_progress_sentence
    fields, _ = scenario_fields(answers(provider="socialbeat", service="website", progress=None, started=True,
                                        paid_on=date(2026, 11, 25)), TODAY, policies())
    assert sorted({c["completion_pct"] for c in cases(fields, progress_known=False)}) == list(range(101))
    b = band(fields, False, _quote_of)
    assert b is not None and b.cases == 101
    every = [_quote_of({**fields, "completion_pct": pct}) for pct in range(101)]
    assert b.low == min(Decimal(q.refund_min) for q in every) and b.high == max(Decimal(q.refund_max) for q in every)
    assert b.low < b.high  # Social Beat's stages: the band is wider than at 0%
    at_zero = _quote_of(fields)
    assert (b.low, b.high) != (Decimal(at_zero.refund_min), Decimal(at_zero.refund_max))
    sentence = unknown_progress_sentence(b, False, monthly=False)
    assert "every amount of progress" in sentence and "0%" not in sentence
    assert "progress not known" in summary(fields, policies(), progress_known=False)
    assert "0% of the work done" not in summary(fields, policies(), progress_known=False)


def test_the_documents_of_an_unknown_progress_state_its_range_not_one_cases_amount():
    """The summary and the request email pinned the case that refunds the most ('You can expect $2,250.00', '0% of
    the work done', 'the refund due is $2,250.00') beside an answer of $0.00 - $2,250.00 on the page."""
    from pypdf import PdfReader

    from policy.client import request_email, summary_markdown, summary_pdf
    from policy.eligibility import band, for_documents
    fields, _ = scenario_fields(answers(provider="socialbeat", service="website", amount_paid="3000", progress=None,
                                        started=True, delivered=False, paid_on=date(2026, 11, 25)), TODAY, policies())
    b = band(fields, False, _quote_of)
    assert b is not None and (b.low, b.high) == (0, 2250)
    unsettled = for_documents(b, False, monthly=False)
    md = summary_markdown(b.most, TODAY, unsettled=unsettled)
    assert "Refund: $0.00 - $2,250.00." in md and "how far along the work is" in md
    assert "You can expect $2,250.00" not in md and "0% of the work done." not in md.split("## What to do next")[0]
    assert "The steps below are for the case that refunds the most (the work started, none of it done yet)" in md
    pdf = "".join(p.extract_text() for p in PdfReader(io.BytesIO(summary_pdf(b.most, TODAY, unsettled=unsettled))).pages)
    assert "$0.00 - $2,250.00" in pdf and "You can expect" not in pdf
    mail = request_email(b.most, unsettled=unsettled).text()
    assert "a refund of up to $2,250.00 may be due, depending on how far along the work is" in mail
    assert "the refund due is $2,250.00" not in mail and "full refund" not in mail
    # what the client did say, said: the work started ("Work: not said" for a client who said it had, a walkthrough)
    assert "- Work: started; you did not say how far along the work is, so this estimate covers every case." in md
    assert "- Work so far: started; [how far along the work is]" in mail
    neither, _ = scenario_fields(answers(provider="socialbeat", service="website", amount_paid="3000", progress=None,
                                         started=None, delivered=False, paid_on=date(2026, 11, 25)), TODAY, policies())
    unsure = band(neither, False, _quote_of)
    assert unsure is not None and for_documents(unsure, False, monthly=False).work == "you did not say how far along the work is"
    settled = summary_markdown(b.most, TODAY)  # the same case, answered as itself: its own amount
    assert "You can expect $2,250.00" in settled or "$2,250.00" in settled


def test_an_unknown_work_status_at_0_covers_started_and_not():
    from decimal import Decimal

    from policy.eligibility import band, cases
    fields, _ = scenario_fields(answers(provider="socialbeat", service="website", started=None,
                                        paid_on=date(2026, 11, 25)), TODAY, policies())
    assert [c["work_started"] for c in cases(fields, progress_known=True)] == [True, False]
    b = band(fields, True, _quote_of)
    started, not_started = (_quote_of({**fields, "work_started": s}) for s in (True, False))
    assert b is not None and b.cases == 2
    assert b.high == max(Decimal(started.refund_max), Decimal(not_started.refund_max))
    assert band({**fields, "work_started": False}, True, _quote_of) is None  # the answers settle it: one case
    not_begun, _ = scenario_fields(answers(progress=None, started=False), TODAY, policies())
    assert [c["completion_pct"] for c in cases(not_begun, progress_known=False)] == [0]  # not started: nothing done


def test_work_started_and_something_delivered_leaves_no_case_of_nothing_done():
    """A walkthrough said the work had started and something was delivered, not how far along it is: the steps were
    for "the work started, none of it done yet", a case its own answers ruled out."""
    from policy.eligibility import band, cases
    delivered, _ = scenario_fields(answers(provider="socialbeat", service="website", progress=None, started=True,
                                           delivered=True, paid_on=date(2026, 11, 27)), TODAY, policies())
    assert sorted({c["completion_pct"] for c in cases(delivered, progress_known=False)}) == list(range(1, 101))
    b = band(delivered, False, _quote_of)
    assert b is not None and b.most.scenario.completion_pct > 0 and b.cases == 100
    for unsure in (None, False):  # delivered, the start not said (or not started): the cases stay as they were
        other, _ = scenario_fields(answers(provider="socialbeat", service="website", progress=None, started=unsure,
                                           delivered=True, paid_on=date(2026, 11, 27)), TODAY, policies())
        assert 0 in {c["completion_pct"] for c in cases(other, progress_known=False)}


def test_of_two_cases_refunding_as_much_the_certain_one_is_the_one_that_refunds_the_most():
    """Step-Into, 5 days after paying, 0% done, 'Not sure' the work started: both cases refund up to the whole
    payment, but only before the start is it certain. The steps were those of 'work started', and the answer's
    reason was 'the more work is done', with 0% given."""
    from policy.client import case_words
    from policy.eligibility import band, unknown_progress_sentence
    fields, _ = scenario_fields(answers(amount_paid="1500.50", paid_on=date(2026, 11, 27)), TODAY, policies())
    b = band(fields, True, _quote_of)
    assert b is not None and (b.low, b.high) == (0, Decimal("1500.50"))
    assert b.most.scenario.work_started is False and b.most.refund_min == b.most.refund_max == "1500.50"
    assert b.least.scenario.work_started is True and case_words(b.most) == "0% of the work done, work not started"
    said = unknown_progress_sentence(b, True, monthly=False)
    assert said == ("You did not say whether the work has started. If it has not started, the refund is $1,500.50; if "
                    "it has, with nothing done yet, $0.00 - $1,500.50.")  # each case in words; no 'more work is done'


def test_a_new_payment_date_is_one_change_not_two():
    """'You have changed days since payment and payment date': the client only changed the date."""
    from policy.eligibility import changed_answers
    was = {"paid_on": date(2026, 11, 1), "days_since_payment": 31, "amount_paid": Decimal("8000")}
    assert changed_answers(was, {**was, "paid_on": date(2026, 11, 2), "days_since_payment": 30}) == "when you paid"
    assert changed_answers(was, {**was, "days_since_payment": 30}) == "days since payment"  # the days alone: said
    assert changed_answers(was, {**was, "paid_on": date(2026, 11, 2), "days_since_payment": 30,
                                 "amount_paid": Decimal("9000")}) == "how much you paid and when you paid"
    # what the form names itself joins the one list ("..., when notice was given and the stage ... and whether you
    # know ..." read as a run-on, a walkthrough)
    assert changed_answers(was, {**was, "paid_on": date(2026, 11, 2), "days_since_payment": 30,
                                 "amount_paid": Decimal("9000")}, "whether you know how far along the work is") == \
        "how much you paid, when you paid and whether you know how far along the work is"
    assert changed_answers(was, was, "") == ""


def test_a_client_not_sure_the_work_started_is_told_the_other_cases_deadline_too():
    """The steps are those of the case that refunds the most (not started: 48 hours, then 7 days); a walkthrough
    found the 30-day deadline of the case where the work has started said nowhere."""
    from policy.client import summary_markdown
    from policy.eligibility import band, for_documents
    fields, _ = scenario_fields(answers(provider="socialbeat", service="website", amount_paid="5000.00",
                                        paid_on=TODAY), TODAY, policies())
    b = band(fields, True, _quote_of)
    assert b is not None and b.least.scenario.work_started is True
    unsettled = for_documents(b, True, monthly=False)
    assert unsettled.other_deadline == (
        f"If the work has started: ask for the refund by {TODAY + timedelta(days=30):%d %b %Y} "
        f"(day 30 after the payment on {TODAY:%d %b %Y}) to keep $3,750.00 (75% of the amount paid); from "
        f"{TODAY + timedelta(days=31):%d %b %Y} it drops to $0.00 (section 2.2).")
    assert unsettled.other_deadline in summary_markdown(b.most, TODAY, unsettled=unsettled).replace("\\", "")


def test_the_stages_left_open_are_offered_in_words_only_where_they_refund_differently():
    at = {"provider": "socialbeat", "service": "website", "started": True}
    fields, _ = scenario_fields(answers(**at, progress=30), TODAY, policies())
    assert stage_choices(fields, _quote_of) == {"design_concepts": "Concepts presented, no revisions yet",
                                               "design_revisions": "Revisions begun"}
    fields, _ = scenario_fields(answers(**at, progress=10), TODAY, policies())
    assert stage_choices(fields, _quote_of) == {}  # one stage: nothing to ask
    fields, _ = scenario_fields(answers(**{**at, "started": None}, progress=0), TODAY, policies())
    assert stage_choices(fields, _quote_of) == {}  # "Has the work started?" settles pre-project or discovery
    fields, _ = scenario_fields(answers(**at, progress=30), TODAY, policies())
    as_if_one = lambda f: _quote_of({**f, "stage": None})  # noqa: E731  stages that refund alike
    assert stage_choices(fields, as_if_one) == {}


def test_stages_are_told_apart_by_what_follows_their_shared_name():
    assert stage_words(["Design (26-50%): concepts presented", "Design (26-50%): revisions begun"]) == [
        "Concepts presented", "Revisions begun"]
    assert stage_words(["Pre-project phase", "Discovery & planning (0-25% complete)"]) == [
        "Pre-project phase", "Discovery & planning (0-25% complete)"]  # no shared name: each whole


def test_the_summary_names_the_stage_the_client_chose():
    fields, _ = scenario_fields(answers(provider="socialbeat", service="website", started=True, progress=30), TODAY,
                                policies())
    assert "stage" not in summary(fields, policies())
    assert summary({**fields, "stage": "design_revisions"}, policies()).endswith(
        "30% of the work done, at the stage Design (26-50%): revisions begun")


def test_an_unknown_progress_gives_each_stage_its_refund_in_the_works_order():
    """A walkthrough: "I don't know how far along the work is" gave one range ($0.00 - $6,000.00) and steps for
    the case that refunds the most, and never what each stage of the work would give."""
    from pypdf import PdfReader

    from policy.client import summary_markdown, summary_pdf
    from policy.eligibility import band, cases, for_documents
    fields, _ = scenario_fields(answers(provider="socialbeat", service="website", amount_paid="8000", progress=None,
                                        started=None, paid_on=date(2026, 11, 25)), TODAY, policies())
    b = band(fields, False, _quote_of)
    assert b is not None
    rows = [(s.words.split(" (")[0], f"{s.low:.2f}", f"{s.high:.2f}") for s in b.by_stage]
    assert [r[0] for r in rows] == ["Pre-project phase", "Discovery & planning", "Design", "Development", "Development",
                                    "Launch"]  # not started first, then as the work goes
    assert rows[1][1:] == ("6000.00", "6000.00") and rows[-1][1:] == ("0.00", "0.00")
    every = {(Decimal(q.refund_min), Decimal(q.refund_max)) for q in (_quote_of(c) for c in cases(fields, False))}
    assert min(s.low for s in b.by_stage) == min(lo for lo, _ in every) == b.low  # the rows cover every case
    assert max(s.high for s in b.by_stage) == max(hi for _, hi in every) == b.high
    unsettled = for_documents(b, False, monthly=False)
    assert "Discovery & planning (0-25% complete): $6,000.00" in unsettled.by_stage
    # its sub-stages by their shared name; a range says what it depends on (a walkthrough read "Started: $0.00 -
    # $1,500.00" and not why)
    assert "Design (26-50%): $2,000.00 - $4,000.00, depending on which of its steps the work is in" in unsettled.by_stage
    assert "Discovery & planning (0-25% complete): $6,000.00" in unsettled.by_stage  # one amount: nothing to say
    # the development stages split the policy's phase: said to be this app's reading, each sentence once (a
    # walkthrough: the client's page listed "Development (51-63%)" as if the policy said it)
    assert unsettled.stage_readings == (
        "This app's reading, not the policy's words: The policy's development phase runs from 51% to 75% complete. "
        "Its refund \"during initial development\" is read as holding while development itself is at most half "
        "done: up to 63% of the whole project. From 64% of the whole project, development itself is more than half "
        "done, and the policy gives no refund once development exceeds 50% completion.")
    md = summary_markdown(b.most, TODAY, unsettled=unsettled)
    assert "- Discovery & planning (0-25% complete): $6,000.00." in md and "- Launch (76-100%): $0.00." in md
    assert md.count("The policy's development phase runs from 51% to 75% complete.") == 1
    pdf = "".join(p.extract_text() for p in PdfReader(io.BytesIO(summary_pdf(b.most, TODAY, unsettled=unsettled))).pages)
    assert "Discovery & planning (0-25% complete): $6,000.00" in pdf.replace("\n", " ")


def test_a_stages_range_from_a_fact_not_given_says_which():
    from policy.eligibility import band, for_documents
    fields, _ = scenario_fields(answers(provider="stepinto", service="ppc", amount_paid="1500", progress=None,
                                        started=None, paid_on=date(2026, 12, 1)), TODAY, policies())
    b = band(fields, False, _quote_of)
    assert b is not None and for_documents(b, False, monthly=False).by_stage == (
        "Not started: $1,500.00", "Started: $0.00 - $1,500.00, depending on whether anything was delivered")
    assert for_documents(b, False, monthly=False).stage_readings is None  # its stages are the policy's own


def test_a_work_status_alone_not_said_lists_no_stages():
    from policy.eligibility import band, for_documents
    fields, _ = scenario_fields(answers(provider="socialbeat", service="website", started=None,
                                        paid_on=date(2026, 11, 25)), TODAY, policies())
    b = band(fields, True, _quote_of)
    assert b is not None and for_documents(b, True, monthly=False).by_stage == ()  # its sentence names both cases


def test_the_eligibility_page_lists_each_stage_when_the_progress_is_not_known():
    from pages import opened

    at = opened("pages/3_Am_I_eligible.py", provider="socialbeat", service="website", amount_paid="8000",
                days_since_payment=5)
    at.radio(key="el_started").set_value("Yes")
    at.checkbox(key="el_progress_unknown").check()
    at.button(key="el_check").click().run()
    text = re.sub(r"\\(.)", r"\1", " ".join(m.value for m in at.markdown))
    assert "By how far along the work is:" in text and "- Discovery & planning (0-25% complete): $6,000.00" in text
    assert "Pre-project phase" not in text.split("By how far along")[1].split("What to do")[0]  # it has started
    captions = [re.sub(r"\\(.)", r"\1", c.value) for c in at.caption]
    assert any(c.startswith("This app's reading, not the policy's words: The policy's development phase runs from 51%")
               for c in captions)


def test_documents_say_what_the_client_did_not_say_where_every_case_is_quoted_alike():
    """ITMedia SEO, work status "Not sure" and the progress not known: every case gives no refund, so the page
    answers with one case, and its PDF said "Work: 0% of this billing period's work done", its email "about 0%" (a
    walkthrough). A client who said the work has not started reads "not started", not "about 0%"."""
    from policy.client import NotSaid, request_email, summary_markdown

    unsure = quote(parse_scenario(dict(provider="itmedia", service="seo", amount_paid="3000", completion_pct=0,
                                       days_since_payment=10), BASIS), BASIS)
    unsaid = NotSaid("how much of this billing period's work is done", progress=True)
    md = summary_markdown(unsure, TODAY, not_said=unsaid)
    assert "Work: you did not say how much of this billing period's work is done; the answer is the same in every case." in md
    assert "0% of this billing period" not in md
    assert "- Work so far: [how far along the work is]" in request_email(unsure, not_said=unsaid).text()
    status = summary_markdown(unsure, TODAY, not_said=NotSaid("whether the work has started", progress=False))
    assert "Work: you did not say whether the work has started; the answer is the same either way." in status
    assert "0% of this billing period" not in status  # unsure it started, the slider left at 0 (a walkthrough)
    not_started = quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="1200", completion_pct=0,
                                            days_since_payment=3, work_started=False), BASIS), BASIS)
    assert "Work: not started." in summary_markdown(not_started, TODAY)
    assert "Work so far: not started" in request_email(not_started).text()


@pytest.mark.parametrize("started, progress_known, said", [
    (None, False, ("how far along the work is", True)),  # neither said
    (True, False, ("how far along the work is", True)),
    (None, True, ("whether the work has started", False)),
    (False, False, None),  # not started: the progress is said (none)
    (True, True, None),  # both said
])
def test_what_the_client_left_open_where_every_case_is_alike(started, progress_known, said):
    from policy.eligibility import unsaid

    found = unsaid({"work_started": started}, progress_known, monthly=False, wide=None)
    assert (None if found is None else (found.what, found.progress)) == said


def test_with_the_progress_not_known_the_stages_it_passes_through_are_offered_and_one_chosen_holds_its_own_part():
    from policy.eligibility import open_cases, quoting_under, stage_choices
    quote_of = quoting_under(BASIS)
    fields, _ = scenario_fields(answers(provider="socialbeat", service="website", progress=None, started=True,
                                        delivered=True, paid_on=date(2026, 11, 27)), TODAY, policies())
    stages = policies()["socialbeat"].services["website"].stages
    assert list(stage_choices(fields, quote_of, progress_known=False)) == [s.id for s in stages[1:]]
    concepts = {**fields, "stage": "design_concepts"}
    assert [c["completion_pct"] for c in open_cases(concepts, False, quote_of)] == list(range(26, 51))
    assert len(open_cases(concepts, True, quote_of)) == 1  # a progress given: its one case, as before
    ppc, _ = scenario_fields(answers(progress=None, started=True), TODAY, policies())  # Step-Into: one stage once
    assert stage_choices(ppc, quote_of, progress_known=False) == {}  # started, nothing to choose


@pytest.mark.parametrize("started, progress, said", [
    (False, 0, "work not started"), (None, 0, "not known whether the work has started"), (True, 0, "0% of the work done"),
    (None, 30, "30% of the work done"),
])
def test_the_answers_summary_says_what_the_client_said_of_the_work(started, progress, said):
    """"0% of the work done" stood for a client who said the work had not started, and for one "Not sure" whether it
    had, the slider left at 0 (a walkthrough)."""
    fields, _ = scenario_fields(answers(provider="socialbeat", service="website", started=started, progress=progress),
                                TODAY, policies())
    assert f", {said}" in summary(fields, policies())


def test_an_unsettled_request_cites_the_clause_of_each_end_of_its_band():
    """'Under section 3.1(a) ("Processing Fee ..."), I understand a refund of $6,000.00 - $7,900.00 may be due': the
    $6,000.00, Discovery's 75% if the work has started, was another clause's (a walkthrough)."""
    from policy.client import request_email
    from policy.eligibility import band, for_documents

    fields, _ = scenario_fields(answers(provider="socialbeat", service="website", amount_paid="8000.00", started=None,
                                        paid_on=TODAY - timedelta(days=3)), TODAY, policies())
    b = band(fields, True, _quote_of)
    assert b is not None and (b.low, b.high) == (Decimal("6000.00"), Decimal("7900.00"))
    body = request_email(b.most, unsettled=for_documents(b, True, False)).body
    assert ("I understand a refund of $6,000.00 - $7,900.00 may be due, depending on whether the work has started: "
            'at least $6,000.00 under section 3.1(b) ("75% Refund') in body, body
    assert 'and up to $7,900.00 under section 3.1(a) ("Processing Fee: 10% or $100' in body


@pytest.mark.parametrize("started, delivered, known, said", [
    (True, False, False, "progress not known, work started, nothing delivered"),
    (None, True, False, "progress not known, something delivered"),
    (False, None, True, "work not started"),
    (None, None, False, "progress not known"),
])
def test_the_answers_line_says_what_the_client_said_of_the_work(started, delivered, known, said):
    """A walkthrough answered Step-Into: started, nothing delivered, progress not known; the line read "progress not
    known" alone, and the "Maybe ... or nothing" rested on the two answers it left out."""
    fields, _ = scenario_fields(answers(started=started, delivered=delivered, progress=None if not known else 0),
                                TODAY, policies())
    assert summary(fields, policies(), progress_known=known).endswith(f"paid on 30 Nov 2026, {said}")
