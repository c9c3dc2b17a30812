"""The client's documents: a summary a rep can send unchanged (Markdown and PDF) and a request email in the
provider's own form."""
import io
import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from shipped import BASIS

from policy import parse_scenario, quote
from policy.client import Client, next_steps, policy_of, request_email, summary_markdown, summary_pdf
from policy.pdf_text import not_drawn

TODAY = date(2026, 12, 2)
Q = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="12000", completion_pct=0,
                              days_since_payment=3, paid_on=date(2026, 11, 29)), BASIS), BASIS)
ANA = Client(name="Ana Díaz", reference="ACME-42")


def test_the_summary_reads_as_written_with_dates_steps_contact_and_no_internal_ids():
    text = summary_markdown(Q, TODAY, ANA)
    for needle in ("# Refund estimate for Ana Díaz: Social Beat Digital", "reference ACME-42",
                   "$10,800.00 - $11,900.00", "Paid on 29 November 2026; request on 02 December 2026",
                   "## What to do next", "1. Email Social Beat Digital with the subject 'Refund Request - [Your Project Name]'",
                   "Ask for the refund by 06 Dec 2026 (day 7 after the payment on 29 Nov 2026)",
                   "In the request, give: Order/Invoice number", "Attach: Original invoice or receipt",
                   "Phone: +1 650-285-8952", "> 90% Refund: If you cancel within 7 days of payment", "(section 3.1(a))"):
        assert needle in text, needle
    assert "\\$" not in text and "\\[" not in text  # no backslash escapes where none are needed
    for jargon in ("decisions.md", "read as", "placed by", "A-SB-", "SB fee", "pre_project"):
        assert jargon not in text, jargon


def test_the_summary_names_the_service_as_the_app_does_and_the_email_as_the_provider_does():
    """A walkthrough: the page said "PPC / paid advertising" and the summary's title "Online advertising and
    retargeting campaigns", Step-Into's own words, with nothing to tie the two together."""
    q = quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="2400", completion_pct=10,
                                  days_since_payment=3), BASIS), BASIS)
    text = summary_markdown(q, TODAY, ANA)
    assert text.startswith("# Refund estimate for Ana Díaz: Step-Into, PPC / paid advertising\n")
    assert ("- Service: PPC / paid advertising, which Step-Into calls \u201cOnline advertising and retargeting "
            "campaigns\u201d.") in text
    assert "for Online advertising and retargeting campaigns" in request_email(q).text()  # the provider's own words
    assert "- Service:" not in summary_markdown(Q, TODAY, ANA)  # the same name twice: said once, in the title


def test_the_summary_without_client_details_or_a_payment_date_still_reads():
    q = quote(parse_scenario(dict(provider="itmedia", service="seo", amount_paid="500", completion_pct=40,
                                  days_since_payment=9), BASIS), BASIS)
    text = summary_markdown(q, TODAY)
    paid = TODAY - timedelta(days=9)
    assert text.startswith("# Refund estimate: ITMediaSolutions.us") and (
        f"Request 9 days after the payment: a payment on {paid:%d %B %Y}, asked on {TODAY:%d %B %Y}.") in text
    assert "Email: billing@itmediasolutions.us" in text


def test_a_summary_of_a_payment_given_in_days_dates_its_deadline_from_the_day_it_was_prepared():
    """"Ask for the refund by day 30": the calculator beside it said the date, no document the client got did (a
    walkthrough)."""
    q = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="8000", completion_pct=40,
                                  days_since_payment=12), BASIS), BASIS)
    text = summary_markdown(q, date(2026, 12, 6))
    assert "Ask for the refund by 24 Dec 2026 (day 30 after the payment, which was 12 days before 06 Dec 2026) to " \
           "keep $2,000.00 - $4,000.00" in text
    assert "by 26 Dec 2026" in summary_markdown(q, date(2026, 12, 8))  # a saved quote's, from the day it was saved
    dated = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="8000", completion_pct=40,
                                      days_since_payment=12, paid_on="2026-11-24"), BASIS), BASIS)
    assert "by 24 Dec 2026 (day 30 after the payment on 24 Nov 2026)" in summary_markdown(dated, date(2026, 12, 20))
    today = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="8000", completion_pct=40,
                                      days_since_payment=0), BASIS), BASIS)
    assert "by 05 Jan 2027 (day 30 after the payment on 06 Dec 2026)" in summary_markdown(today, date(2026, 12, 6))


def test_the_pdf_holds_the_same_text_in_unicode():
    reader = PdfReader(io.BytesIO(summary_pdf(Q, TODAY, ANA)))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for needle in ("Refund estimate for Ana Díaz", "What to do next", "$10,800.00 - $11,900.00",
                   "“90% Refund: If you cancel within 7 days of payment but before project kickoff” (section 3.1(a))",
                   "Ask for the refund by 06 Dec 2026"):
        assert needle in text, needle
    assert reader.metadata.title.startswith("Refund estimate for Ana Díaz")


def test_the_request_email_follows_social_beats_process():
    email = request_email(Q, replace(ANA, project="Acme storefront", invoice="INV-2026-118"))
    assert email.subject == "Refund Request - Acme storefront"  # 5.1: subject line "Refund Request - [Your Project Name]"
    for item in ("Order/Invoice number: INV-2026-118", "Date of purchase: 29 November 2026",
                 "Project name and description: Acme storefront: Website Design & Development",
                 "Reason for refund request", "Deliverables received to date", "Original invoice or receipt"):
        assert item in email.body, item
    assert "ACME-42" not in email.subject + email.body  # the rep's reference is not the project's name
    assert "+1 650-285-8952" in email.to and email.body.endswith("Ana Díaz")
    unnamed = request_email(Q, ANA)  # no project name: left for the client, not filled with the rep's reference
    assert unnamed.subject == "Refund Request - [Your Project Name]"
    assert "Project name and description: [Your Project Name]: Website Design & Development" in unnamed.body
    assert "Order/Invoice number: [order or invoice number]" in unnamed.body
    # which words it cites, where the provider has had more than one version (a walkthrough)
    assert "This refers to your refund policy as it was on the day of my payment (policy version 2025-06-17)." \
        in email.body


def test_the_request_email_of_the_others_uses_their_contact_routes():
    it = request_email(quote(parse_scenario(dict(provider="itmedia", service="website", amount_paid="3000",
                                                 completion_pct=20, days_since_payment=3), BASIS), BASIS))
    assert it.to == "billing@itmediasolutions.us" and it.subject == "Refund request - Website development"
    si = request_email(quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="700",
                                                 completion_pct=0, days_since_payment=2), BASIS), BASIS))
    assert "support email" in si.to and "[your name]" in si.body
    # their policies ask for no project name: the subject names the service, not Social Beat's "[Your Project Name]"
    assert si.subject.startswith("Refund request - ") and "[" not in si.subject
    assert "policy version" not in si.body  # Step-Into never dated its policy: there is one to refer to


def test_the_documents_say_what_was_assumed_and_cite_what_allows_the_refund():
    q = quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="2400", completion_pct=0,
                                  days_since_payment=3), BASIS), BASIS)
    assert "this assumes the work has not started" in summary_markdown(q, TODAY)
    it = quote(parse_scenario(dict(provider="itmedia", service="website", amount_paid="8000", completion_pct=3,
                                   days_since_payment=4), BASIS), BASIS)
    assert "a prorated refund may be considered" in request_email(it).body
    assert "no full refunds will be issued\")" not in request_email(it).body


def _q(**fields):
    return quote(parse_scenario(dict(amount_paid="5000", completion_pct=0, days_since_payment=3) | fields, BASIS), BASIS)


@pytest.mark.parametrize("fields, grounds", [
    (dict(provider="socialbeat", service="website", completion_pct=30),  # two tier rows of one section
     'Under section 3.1(c) of your refund policy, I understand a refund of $1,250.00 to $2,500.00 is due: at least '
     '$1,250.00 ("25% Refund: If cancelled after revisions have begun"), and up to $2,500.00 ("50% Refund: If '
     'cancelled after initial design concepts are presented"), depending on which of these applies to my project: '
     '[say which applies, and why].'),
    (dict(provider="socialbeat", service="social_media_campaign", work_started=True),
     'at least $2,500.00 ("Content Creation Started: 50% refund if cancelled after content creation begins"), and up '
     'to $4,500.00 ("Pre-Campaign: 90% refund if cancelled before campaign launch"), depending on which of these '
     'applies to my project: [say which applies, and why].'),
    (dict(provider="stepinto", service="ppc"),  # one clause decides both ends
     'Under bullet point 1 of your refund policy ("If you have purchased a package and the service has not yet '
     'started or no deliverables have been provided, you may request a full refund within 7 days of purchase."), '
     "I understand the refund due is $5,000.00."),
])
def test_a_request_traces_both_ends_of_its_range_to_the_clauses_that_decide_them(fields, grounds):
    q = _q(**fields)
    assert grounds in request_email(q).body
    for end in ("refund_min", "refund_max"):  # every clause deciding an end is quoted
        assert all(c.quote in request_email(q).body for c in q.clauses if c.decides == (end,))


def test_a_request_whose_ends_are_decided_in_two_sections_names_both():
    q = _q(provider="socialbeat", service="website", completion_pct=30)
    low = next(c for c in q.clauses if c.decides == ("refund_min",))
    moved = replace(q, clauses=tuple(replace(c, section="4.2") if c == low else c for c in q.clauses))  # as an edit could
    assert ('Under your refund policy, I understand a refund of $1,250.00 to $2,500.00 is due: at least $1,250.00 '
            'under section 4.2 ("25% Refund: If cancelled after revisions have begun"), and up to $2,500.00 under '
            'section 3.1(c) ("50% Refund') in request_email(moved).body


def test_a_closed_window_is_dated_in_the_steps_and_no_request_claims_nothing():
    q = _q(provider="socialbeat", service="seo", completion_pct=20, days_since_payment=200, paid_on=date(2026, 5, 1))
    text = summary_markdown(q, TODAY)
    assert "window for refund requests closed on 31 May 2026 (day 30 after the payment on 01 May 2026)" in text
    assert "Email Social Beat Digital within 30 days" not in text  # the route, not a deadline already past
    assert "I understand the refund due" not in request_email(q).body  # a request cites what allows a refund


def test_a_closed_window_of_a_payment_given_in_days_is_dated_from_the_day_asked():
    """A client's steps said "closed on day 30": counted from the day of the question, the date it closed."""
    q = _q(provider="socialbeat", service="website", completion_pct=10, days_since_payment=40, work_started=True)
    (closed,) = [s for s in next_steps(q, policy_of(q), date(2026, 12, 7)) if "window for refund requests" in s]
    assert closed.startswith("The policy's 30-day window for refund requests closed on 27 Nov 2026 (day 30 after "
                             "the payment, which was 40 days before 07 Dec 2026).")


@pytest.mark.parametrize("fields, no_date_said", [
    (dict(provider="itmedia", service="website", completion_pct=10, days_since_payment=5), True),
    (dict(provider="itmedia", service="website", completion_pct=100, days_since_payment=300), True),
    (dict(provider="stepinto", service="ppc", completion_pct=0, days_since_payment=3), False),  # by day 7
    (dict(provider="stepinto", service="ppc", completion_pct=10, days_since_payment=30), False),  # until day 7 ...
    (dict(provider="socialbeat", service="website", completion_pct=10, days_since_payment=12), False),
    (dict(provider="socialbeat", service="website", completion_pct=10, days_since_payment=40), False),  # closed on
])
def test_steps_without_a_date_to_ask_by_say_the_policy_sets_none(fields, no_date_said):
    """ITMedia's steps gave no date and did not say why: a client looking for one could not tell a policy without a
    deadline from an answer that left it out (a walkthrough)."""
    q = _q(**fields)
    steps = next_steps(q, policy_of(q), date(2026, 12, 7))
    assert ("The policy sets no deadline for a refund request: there is no date to ask by." in steps) is no_date_said
    assert no_date_said != any(re.search(r"\d\d \w{3} 2026", s) for s in steps[:3])  # or a date is given


def test_a_clock_that_ran_out_is_dated_in_the_steps_where_no_window_closes():
    q = _q(provider="stepinto", service="ppc", completion_pct=10, days_since_payment=200, paid_on=date(2026, 5, 1))
    text = summary_markdown(q, TODAY)
    assert "Until 08 May 2026 (day 7 after the payment on 01 May 2026) the policy gave up to $5,000.00" in text


@pytest.mark.parametrize("service, monthly", [("website", False), ("seo", True)])
def test_monthly_advice_only_for_a_monthly_service(service, monthly):
    text = summary_markdown(_q(provider="itmedia", service=service), TODAY)
    assert ("cancel at least 7 days before the next billing date" in text) is monthly
    assert ("of this billing period's work done" in text) is monthly


@pytest.mark.parametrize("fields, cited", [
    (dict(provider="itmedia", service="website"), "(paragraph 3)"),
    (dict(provider="stepinto", service="ppc"), "(bullet point 1)"),
])
def test_sections_are_cited_as_a_client_reads_them(fields, cited):
    text = summary_markdown(_q(**fields), TODAY)
    assert cited in text and "¶" not in text and "(section B" not in text


def test_a_service_not_sold_reads_as_not_sold_not_as_nothing_refunded():
    q = _q(provider="stepinto", service="website")
    text = summary_markdown(q, TODAY)
    assert "Step-Into does not sell website design & development" in text
    assert "$0.00" not in text and "website_design" not in text and "## Also available" not in text
    assert request_email(q).to == "[Step-Into's support email: the policy gives none]"


def test_a_request_email_does_not_argue_for_nothing():
    body = request_email(_q(provider="itmedia", service="website", completion_pct=30, work_started=True)).body
    assert "I understand a refund of up to $3,500.00 may be due." in body and "$0.00 -" not in body


def test_the_summary_says_the_refund_for_each_answer_of_a_fact_not_given_as_the_page_does():
    """A walkthrough's PDF: "Depends on whether anything was delivered: no: $0.00 - $2,400.00; yes: $0.00"."""
    q = quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="2400", completion_pct=10,
                                  days_since_payment=3), BASIS), BASIS)
    assert ("- Not known: whether anything was delivered. The refund for each answer: no, $0.00 - $2,400.00; yes, "
            "$0.00.") in summary_markdown(q, TODAY, ANA)


def test_a_summary_quotes_the_window_whose_end_is_its_deadline():
    """The 30-day window's end was the date the steps gave, cited '(section 2.2)' and never quoted (a walkthrough)."""
    q = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="6000", completion_pct=30,
                                  days_since_payment=16, work_started=True), BASIS), BASIS)
    said = summary_markdown(q, date(2026, 12, 6)).split("## What the policy says happens once you ask")[0]
    assert "> Refund requests must be submitted within 30 days of the initial payment" in said.split(
        "## What the policy says")[1]


def test_a_request_without_a_payment_date_says_which_day_its_slot_is():
    """A walkthrough: the summary said "a payment on 24 November 2026" and the email "Date of purchase: [date of
    purchase]", with nothing to tie the two."""
    body = request_email(_q(provider="socialbeat", service="website", days_since_payment=12)).body
    assert "- Date of purchase: [date of purchase: 12 days before this request]" in body
    one = request_email(_q(provider="stepinto", service="ppc", days_since_payment=1)).body
    assert "- Date of payment: [date of purchase: 1 day before this request]" in one
    dated = request_email(_q(provider="socialbeat", service="website", paid_on=date(2026, 11, 24))).body
    assert "- Date of purchase: 24 November 2026" in dated
    # made on a known day (the app's files always are), the date the summary gives: they agree (a walkthrough)
    q = _q(provider="socialbeat", service="website", days_since_payment=12)
    made = request_email(q, asked_on=date(2026, 12, 6)).body
    assert "- Date of purchase: 24 November 2026" in made
    assert "a payment on 24 November 2026" in summary_markdown(q, date(2026, 12, 6))


@pytest.mark.parametrize("delivered, said", [
    (False, "Evidence of deliverables received (none, as nothing has been delivered)"),
    (True, "Evidence of deliverables received\n"), (None, "Evidence of deliverables received\n"),
])
def test_the_documents_to_attach_do_not_ask_for_evidence_of_deliveries_the_client_said_never_came(delivered, said):
    q = _q(provider="socialbeat", service="website", deliverables_provided=delivered)
    email = request_email(q, ANA).body + "\n"
    assert f"- {said}" in email
    attach = next(s for s in next_steps(q, policy_of(q)) if s.startswith("Attach: "))
    assert ("(none, as nothing has been delivered)" in attach) is (delivered is False)


def test_the_pdfs_steps_begin_on_the_first_page_rather_than_leave_half_of_it_blank():
    """A walkthrough: the heading "What to do next" was kept with its whole list of nine steps, which moved to page 2
    and left half of page 1 blank. The heading stays with its first step; the numbering goes on across the break."""
    q = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="8000", completion_pct=0,
                                  days_since_payment=12, third_party_costs="300", taxes_remitted="100"), BASIS), BASIS)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(summary_pdf(q, TODAY, Client(name="Zoe")))).pages]
    first = pages[0]
    assert "What to do next" in first and "Email Social Beat Digital with the subject" in first
    steps = re.findall(r"^(\d+)$", "\n".join(pages), re.MULTILINE)  # each step's number on a line of its own
    assert steps[:9] == [str(n) for n in range(1, 10)], steps


def test_a_stage_chosen_outside_its_progress_is_said_in_the_summary_and_asked_by_its_stage_in_the_email():
    """A walkthrough chose Design at 0%: the summary said "0% of the work done. Stage: Design" and nothing of the
    two disagreeing, and the email claimed "about 0% of the work done" beside a clause of concepts presented."""
    q = _q(provider="socialbeat", service="website", amount_paid="8400", completion_pct=0, days_since_payment=12,
           work_started=True, stage="design_concepts")
    text = summary_markdown(q, TODAY)
    assert "You chose the stage Design (26-50%): concepts presented, no revisions yet, but 0% completion lies " \
           "outside it" in text
    body = request_email(q).body
    assert "at the stage Design (26-50%): concepts presented, no revisions yet" in body and "0% of the work" not in body
    inside = _q(provider="socialbeat", service="website", amount_paid="8400", completion_pct=30, days_since_payment=12,
                work_started=True, stage="design_concepts")
    assert "You chose the stage" not in summary_markdown(inside, TODAY)
    assert "about 30% of the work done" in request_email(inside).body


@pytest.mark.parametrize("notice, said", [
    (0, "With this request I give notice to cancel SEO Services. Please confirm in writing that cancelling SEO "
        "Services stops next month's charge."),
    (10, "I gave notice to cancel SEO Services 10 days ago. Please confirm in writing that cancelling SEO Services "
         "stops next month's charge."),
    (None, "Please confirm in writing that cancelling SEO Services stops next month's charge."),
])
def test_the_email_of_a_monthly_service_gives_the_notice_and_asks_what_the_steps_say_to_ask(notice, said):
    """A walkthrough's steps said to ask Social Beat to confirm in writing that cancelling stops next month's charge;
    the email neither gave the client's notice nor asked."""
    q = _q(provider="socialbeat", service="seo", amount_paid="1500", completion_pct=67, days_since_payment=20,
           work_started=True, notice_days=notice, stage="implementation")
    assert any("ask them to confirm in writing that cancelling stops it" in step for step in next_steps(q, policy_of(q)))
    body = request_email(q).body
    assert said in body.split("\n")
    assert ("notice to cancel" in body) is (notice is not None)


@pytest.mark.parametrize("name, drawn, left_out", [
    ("Zoë Ōsaka Erdős Łukasz", "Zoë Ōsaka Erdős Łukasz", ""),  # Latin beyond Vera's: the second font
    ("Ψυχή Дмитрий", "Ψυχή Дмитрий", ""),  # Greek, Cyrillic
    ("王小明 さくら カタカナ 김민준", "王小明 さくら カタカナ 김민준", ""),  # Chinese, Japanese, Korean: the CID fonts
    ("Zoë 😀👍🏽 عربي עברית", "Zoë", "😀👍🏽عربيעברית"),  # emoji and right-to-left scripts: left out, and said
])
def test_a_clients_name_in_any_script_is_in_the_pdf_or_said_to_be_left_out(name, drawn, left_out):
    """A walkthrough saved a quote for "Zoë 😀👍🏽 عربي 中文": its PDF read "Refund estimate for Zoë            :", the
    rest drawn as nothing by a font that lacked it. Every character is now drawn by a font that has it, or left out
    and named by not_drawn, which the page says beside the PDF."""
    text = re.sub(r"\s+", " ", PdfReader(io.BytesIO(summary_pdf(Q, TODAY, Client(name=name)))).pages[0].extract_text())
    assert f"Refund estimate for {drawn}:" in text, text[:120]
    assert not_drawn(name) == left_out
    assert not_drawn(summary_markdown(Q, TODAY)) == ""  # the app's own words are all drawn


@pytest.mark.parametrize("notice, said", [
    (7, "With this request I give notice to cancel SEO (monthly), 15 days before the next billing date (22 Dec 2026)"),
    (20, "I gave notice to cancel SEO (monthly) on 02 December 2026, 20 days before the next billing date (22 Dec 2026)"),
])
def test_the_email_says_the_notice_as_the_dates_give_it(notice, said):
    """An email of 7 Dec said "With this request I give notice ..., 7 days before the next billing date (22 Dec
    2026)": sent with the request, the notice is 15 days before it (a walkthrough). A notice of more days than are
    left was given before the request, and the email says when."""
    q = _q(provider="itmedia", service="seo", amount_paid="1000", completion_pct=50, days_since_payment=15,
           notice_days=notice)
    body = request_email(q, asked_on=date(2026, 12, 7)).body
    assert any(line.startswith(said) for line in body.split("\n")), body


def test_the_notice_step_says_what_a_notice_sent_with_the_request_does_where_the_dates_differ():
    """Notice days of 3 were "too late" on the page beside an email giving 15 days' notice (a walkthrough)."""
    from policy.client import notice_step

    late = _q(provider="itmedia", service="seo", amount_paid="1000", completion_pct=50, days_since_payment=15,
              notice_days=3)
    assert late.next_charge_avoided is False  # the case as given: a notice 3 days before the billing date
    step = notice_step(late, policy_of(late), date(2026, 12, 7))
    assert step == ("A notice 3 days before the next billing date (on 19 Dec 2026) is too late to avoid next month's "
                    "charge on 22 Dec 2026; one sent with this request, on 07 Dec 2026, 15 days before it, is early "
                    "enough (7 days' notice is needed).")
    assert step in next_steps(late, policy_of(late), date(2026, 12, 7))
    assert "too late" in notice_step(late, policy_of(late))  # no day asked on: the case as given
    earlier = _q(provider="itmedia", service="seo", amount_paid="1000", completion_pct=50, days_since_payment=15,
                 notice_days=20)  # given before the request: as given
    assert notice_step(earlier, policy_of(earlier), date(2026, 12, 7)).startswith("Your notice is early enough")


@pytest.mark.parametrize("fault", [True, False])
def test_an_event_the_client_said_happened_is_said_back_where_the_window_has_closed_on_it(fault):
    """A walkthrough on a phone ticked "Something failed on their side" for a Social Beat payment 67 days before: the
    answer said only "naming any exception that applies", as if it had not been asked."""
    q = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="8000", completion_pct=0,
                                  days_since_payment=67, provider_fault=fault), BASIS), BASIS)
    steps = " ".join(next_steps(q, policy_of(q), TODAY))
    said = ("You said: \u201cSomething failed on their side, or they missed agreed deadlines\u201d. The policy's words "
            "for it (section 7.2: \u201cOur Delay: If we fail to meet agreed deadlines without valid reason, partial "
            "refunds may apply\u201d) are read here as closed by the same 30-day limit as every request. Say it first "
            "when you write: Social Beat Digital may still agree.")
    assert (said in steps) is fault
