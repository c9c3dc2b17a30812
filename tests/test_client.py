"""The client's documents: a summary a rep can send unchanged (Markdown and PDF) and a request email in the
provider's own form."""
import io
import re
from datetime import date

from pypdf import PdfReader

from policy import parse_scenario, quote
from policy.client import Client, request_email, summary_markdown, summary_pdf

TODAY = date(2026, 12, 2)
Q = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="12000", completion_pct=0,
                              days_since_payment=3, paid_on=date(2026, 11, 29))))
ANA = Client(name="Ana Díaz", reference="ACME-42")


def test_the_summary_reads_as_written_with_dates_steps_contact_and_no_internal_ids():
    text = summary_markdown(Q, TODAY, ANA)
    for needle in ("# Refund estimate for Ana Díaz: Social Beat Digital", "reference ACME-42",
                   "$10,800.00 - $11,900.00", "Paid on 29 November 2026; request on 02 December 2026",
                   "## What to do next", "1. Email Social Beat Digital within 30 days",
                   "Cancel by 06 Dec 2026 (day 7 after the payment on 29 Nov 2026)",
                   "In the request, give: Order/Invoice number", "Attach: Original invoice or receipt",
                   "Phone: +1 650-285-8952", "> 90% Refund: If you cancel within 7 days of payment", "(section 3.1(a))"):
        assert needle in text, needle
    assert "\\$" not in text and "\\[" not in text  # no backslash escapes where none are needed
    for jargon in ("decisions.md", "read as", "placed by", "A-SB-", "SB fee", "pre_project"):
        assert jargon not in text, jargon


def test_the_summary_without_client_details_or_a_payment_date_still_reads():
    q = quote(parse_scenario(dict(provider="itmedia", service="seo", amount_paid="500", completion_pct=40,
                                  days_since_payment=9)))
    text = summary_markdown(q, TODAY)
    assert text.startswith("# Refund estimate: ITMediaSolutions.us") and "Request 9 days after the payment." in text
    assert "Email: billing@itmediasolutions.us" in text


def test_the_pdf_holds_the_same_text_in_unicode():
    reader = PdfReader(io.BytesIO(summary_pdf(Q, TODAY, ANA)))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for needle in ("Refund estimate for Ana Díaz", "What to do next", "$10,800.00 - $11,900.00",
                   "“90% Refund: If you cancel within 7 days of payment but before project kickoff” (section 3.1(a))",
                   "Cancel by 06 Dec 2026"):
        assert needle in text, needle
    assert reader.metadata.title.startswith("Refund estimate for Ana Díaz")


def test_the_request_email_follows_social_beats_process():
    email = request_email(Q, ANA)
    assert email.subject == "Refund Request - ACME-42"  # 5.1: subject line "Refund Request - [Your Project Name]"
    for item in ("Order/Invoice number", "Date of purchase: 29 November 2026", "Project name and description",
                 "Reason for refund request", "Deliverables received to date", "Original invoice or receipt"):
        assert item in email.body, item
    assert "+1 650-285-8952" in email.to and email.body.endswith("Ana Díaz")


def test_the_request_email_of_the_others_uses_their_contact_routes():
    it = request_email(quote(parse_scenario(dict(provider="itmedia", service="website", amount_paid="3000",
                                                 completion_pct=20, days_since_payment=3))))
    assert it.to == "billing@itmediasolutions.us" and it.subject.startswith("Refund request")
    si = request_email(quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="700",
                                                 completion_pct=0, days_since_payment=2))))
    assert "support email" in si.to and "[your name]" in si.body


def test_the_documents_say_what_was_assumed_and_cite_what_allows_the_refund():
    q = quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="2400", completion_pct=0,
                                  days_since_payment=3)))
    assert "this assumes the work has not started" in summary_markdown(q, TODAY)
    it = quote(parse_scenario(dict(provider="itmedia", service="website", amount_paid="8000", completion_pct=3,
                                   days_since_payment=4)))
    assert "a prorated refund may be considered" in request_email(it).body
    assert "no full refunds will be issued\")" not in request_email(it).body
