"""Issue 21, the texts a client reads, checked against the real policy data (the shipped files):

- a clause granting a *partial* refund with no amount (Social Beat 7.2) gives at most the refundable base less a cent,
  and every surface says "less than the full $X" beside it (decisions.md 5 'SB our delay');
- a full refund of less than was paid says "of the refundable amount" in the headline itself;
- the deductions are named whatever the verdict;
- Social Beat's 5.1 review times, 6.2 refund method and 12.1 international clients are shown with their sections;
- ITMedia's monthly notice cut-off is a calendar date where the payment date is known;
- no internal label (a reading's id, a rule's id, a field's name) reaches a client;
- a Verdict member carries its label, colour and sentence, and every text function handles every member;
- the facts that may be unknown are declared with their field, and the evaluator, the quote and the eligibility form
  read the declarations.
"""
import io
import json
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from pypdf import PdfReader
from shipped import BASIS
from strategies import scenarios

from policy import parse_scenario, quote
from policy import shipped_policies as policies
from policy.client import next_steps, notice_step, request_email, summary_markdown, summary_pdf
from policy.compare import compare_rows
from policy.evaluator import Facts, evaluate
from policy.explain import (
    VERDICT_COLOURS,
    VERDICT_LABELS,
    VERDICT_PLAIN,
    explanation_sections,
    label_of,
    pct_text,
    plain_answer,
    refund_text,
    refund_with_share,
    verdict_label,
    verdict_sentence,
)
from policy.fields import BY_NAME, NAMES, UNKNOWABLE
from policy.lint import lint_policy
from policy.loader import source_text
from policy.markdown import md_file_escape, sections_markdown
from policy.models import Verdict, quote_from_json, quote_to_json
from policy.taxonomy import DECISIONS

TODAY = date(2026, 12, 2)
PAID_ON = date(2026, 11, 20)


def q_of(**fields):
    data = dict(amount_paid="5000", completion_pct=0, days_since_payment=3) | fields
    return quote(parse_scenario(data, BASIS), BASIS)


def pdf_text(q) -> str:
    reader = PdfReader(io.BytesIO(summary_pdf(q, TODAY)))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def eligibility_answer(q) -> str:
    """What the eligibility page shows as its answer: the headline, the badge's words and sentence, the steps and
    the explanation (for a client)."""
    return "\n".join([plain_answer(q), verdict_label(q), refund_text(q), verdict_sentence(q), *next_steps(q, q.policy),
                      sections_markdown(explanation_sections(q, with_deadline=False, for_client=True), escape=str)])


SURFACES = {
    "calculator": lambda q: f"{refund_text(q)} {verdict_sentence(q)}",  # the headline's metric and its sentence
    "summary": lambda q: summary_markdown(q, TODAY),
    "pdf": pdf_text,
    "email": lambda q: request_email(q).text(),
    "eligibility": eligibility_answer,
    "compare": lambda q: next(r.cells["Refund max"] for r in compare_rows(q.scenario, BASIS)
                              if r.cells["Provider"] == q.provider_name),  # the Compare page's table
}

# ------------------------------------------------------------------ A. a partial refund with no amount (7.2)

FAULT = dict(provider="socialbeat", service="website", completion_pct=80, days_since_payment=10, provider_fault=True,
             paid_on=PAID_ON)
PARTIAL_NO_AMOUNT = [  # (scenario, the full refund the maximum stays below)
    (FAULT, "$5,000.00"),
    ({**FAULT, "completion_pct": 10}, "$5,000.00"),  # partial: the tier's 75% is certain
    ({**FAULT, "taxes_remitted": "200", "third_party_costs": "300"}, "$4,500.00"),  # the refundable base, not the paid
    ({**FAULT, "service": "ppc", "completion_pct": 50, "unused_ad_spend": "1000"}, "$4,000.00"),
    ({**FAULT, "service": "seo", "completion_pct": 50, "stage": "ongoing", "notice_days": 0}, "$5,000.00"),
    # decisions.md 'IT started': no full refund once production has begun, at 0% done as well (it read $5,000.00
    # beside the clause "no full refunds will be issued")
    (dict(provider="itmedia", service="website", completion_pct=0, days_since_payment=10, work_started=True,
          paid_on=PAID_ON), "$5,000.00"),
]


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("fields, full", PARTIAL_NO_AMOUNT)
def test_a_partial_refund_with_no_amount_says_less_than_the_full_amount_on_every_surface(fields, full, surface):
    q = q_of(**fields)
    assert Decimal(q.refund_max) == Decimal(q.refundable_base) - Decimal("0.01")
    assert q.refund_pct_max != "100.00"  # a cent less than all of it never reads as 100%
    assert f"${Decimal(q.refund_max):,.2f} (less than the full {full})" in SURFACES[surface](q)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("fields", [
    {**FAULT, "completion_pct": 0, "days_since_payment": 1},  # the tier's own 100% decides the maximum
    {**FAULT, "provider": "stepinto", "service": "ppc"},  # B2 "partial or full": the full is allowed
    {**FAULT, "provider_fault": False},
    dict(provider="itmedia", service="website", completion_pct=40, days_since_payment=10, paid_on=PAID_ON),  # its
    # prorated 60% is below the full refund of itself: nothing to add
])
def test_only_a_maximum_a_partial_refund_decided_says_less_than_the_full(fields, surface):
    q = q_of(**fields)
    # (at 0% within 48 hours the summary may still say what the policy gives if work has started: another band)
    assert q.less_than_full is None and f"${Decimal(q.refund_max):,.2f} (less than the full" not in SURFACES[surface](q)


@given(scenarios(provider="socialbeat"))
def test_the_delays_partial_refund_stays_below_the_refundable_base(data):
    """Hypothesis: wherever Social Beat's 7.2 ground decides the maximum (it lifts the band above what the tiers
    give), the maximum is the refundable base less one cent; and no quote says it stays below the full unless
    it does."""
    at_fault = quote(parse_scenario({**data, "provider_fault": True}, BASIS), BASIS)
    without = quote(parse_scenario({**data, "provider_fault": False}, BASIS), BASIS)
    base, most = Decimal(at_fault.refundable_base), Decimal(at_fault.refund_max)
    if most > Decimal(without.refund_max):  # the delay decided it
        assert most < base and most == base - Decimal("0.01")
        assert at_fault.less_than_full == at_fault.refundable_base
    if at_fault.verdict == Verdict.partial and at_fault.less_than_full is not None:
        assert most < base
    if at_fault.less_than_full is not None:
        assert most < Decimal(at_fault.less_than_full) == base


# ------------------------------------------------------------------ B. the summary and the request email

FULL_OF_REFUNDABLE = [  # a full refund that deductions make less than the amount paid
    (dict(provider="socialbeat", service="website", amount_paid="2000", taxes_remitted="200", days_since_payment=1),
     "$1,800.00 of $2,000.00 paid"),
    (dict(provider="socialbeat", service="content_marketing", third_party_costs="500", work_started=False),
     "$4,500.00 of $5,000.00 paid"),
    (dict(provider="socialbeat", service="website", taxes_remitted="100", third_party_costs="400", days_since_payment=0),
     "$4,500.00 of $5,000.00 paid"),
]


@pytest.mark.parametrize("fields, amounts", FULL_OF_REFUNDABLE)
def test_a_full_refund_of_less_than_was_paid_says_of_the_refundable_amount_in_the_headline(fields, amounts):
    q = q_of(**fields)
    assert q.verdict == Verdict.full
    headline = plain_answer(q)  # the eligibility page's heading and the summary's first line
    assert "full refund of the refundable amount" in headline and amounts in headline
    answer = summary_markdown(q, TODAY).split("## The answer\n\n- ", 1)[1].split("\n", 1)[0]
    assert answer == md_file_escape(headline)
    assert "not refunded: " in headline
    first = next(line for line in request_email(q).body.splitlines() if line.startswith("I request"))
    assert "full refund of the refundable amount" in first and amounts.replace("of $", "of the $") in first


def test_a_full_refund_of_all_that_was_paid_says_nothing_of_a_refundable_amount():
    q = q_of(provider="socialbeat", service="website", days_since_payment=1)
    assert q.verdict == Verdict.full and "refundable amount" not in summary_markdown(q, TODAY) + request_email(q).body


NOT_FULL = [  # (verdict, scenario): each verdict but full, with two deductions Social Beat names
    (Verdict.partial, dict(service="website", completion_pct=10, days_since_payment=10)),
    (Verdict.discretionary, dict(service="website", completion_pct=0, days_since_payment=10)),
    (Verdict.depends, dict(service="seo", completion_pct=40, days_since_payment=5)),
    (Verdict.none, dict(service="website", completion_pct=90, days_since_payment=10)),
    (Verdict.window_closed, dict(service="website", completion_pct=10, days_since_payment=31)),
]


@pytest.mark.parametrize("verdict, fields", NOT_FULL, ids=[v for v, _ in NOT_FULL])
def test_the_deductions_are_named_whatever_the_verdict(verdict, fields):
    q = q_of(provider="socialbeat", taxes_remitted="200", third_party_costs="300", **fields)
    assert q.verdict == verdict
    named = ("Taxes already remitted: $200.00 (section 12.2)", "Third-party costs (non-refundable): $300.00 (section 4)")
    for text in (summary_markdown(q, TODAY), request_email(q).body):
        assert all(n in text for n in named), text


SB_CASES = [
    dict(service="website", completion_pct=0, days_since_payment=3),
    dict(service="seo", completion_pct=40, days_since_payment=5),
    dict(service="ppc", completion_pct=50, unused_ad_spend="500"),
    dict(service="social_media_management", completion_pct=10, days_since_payment=20),
]
REVIEW = "acknowledges receipt within 48 hours and reviews it within 5 business days (section 5.1)"
HANDLING_QUOTES = (
    "Review Period: We will acknowledge receipt within 48 hours and review your request within 5 business days",
    "Refunds will be issued through the original payment method unless otherwise agreed upon.",
    "International clients may be subject to additional processing time.",
)


@pytest.mark.parametrize("fields", SB_CASES)
def test_social_beats_review_times_refund_method_and_international_clients_are_shown(fields):
    q = q_of(provider="socialbeat", paid_on=PAID_ON, **fields)
    steps = next_steps(q, q.policy)
    assert any(REVIEW in s for s in steps)
    assert any("(section 6.2)" in s for s in steps) and any("(section 12.1)" in s for s in steps)
    summary = summary_markdown(q, TODAY)
    assert REVIEW in summary and all(quoted in summary for quoted in HANDLING_QUOTES)
    body = request_email(q).body
    assert ("As section 5.1 of your refund policy sets out, I look forward to your acknowledgement of this request "
            "within 48 hours and your review within 5 business days.") in body
    assert "(section 6.2)" in body and "(section 12.1)." in body
    # one sentence of the client's understanding: three "As your policy sets out, ..." read as a lecture
    assert "As your policy sets out" not in body and body.count("I understand from your policy that") == 1
    assert request_email(q).text().endswith("[your name]\n")  # a text file ends with its line's end
    assert REVIEW in eligibility_answer(q)


def test_with_nothing_to_refund_the_review_is_said_but_not_how_a_refund_is_paid():
    q = q_of(provider="socialbeat", service="website", completion_pct=90, days_since_payment=10)
    assert q.refund_max == "0.00"
    steps = " ".join(next_steps(q, q.policy))
    assert REVIEW in steps and "section 6.2" not in steps and "section 12.1" not in steps


@pytest.mark.parametrize("provider, service", [("itmedia", "website"), ("itmedia", "seo"), ("stepinto", "ppc")])
def test_a_policy_without_those_clauses_claims_none_of_them(provider, service):
    q = q_of(provider=provider, service=service)
    for text in (summary_markdown(q, TODAY), request_email(q).body, " ".join(next_steps(q, q.policy))):
        assert not re.search(r"section (5\.1|6\.2|12\.1)|48 hours|business days \(section", text)


def test_the_new_clauses_are_linted_verbatim_against_the_policy_text():
    sb = policies()["socialbeat"]
    assert not [f for f in lint_policy(sb, source_text(sb)) if f.code == "quote-not-in-text"]
    data = sb.model_dump(mode="json", exclude_none=True)
    for part in ("review", "refund_method", "international"):
        changed = json.loads(json.dumps(data))
        changed[part]["clauses"][0]["quote"] += " (edited)"
        findings = lint_policy(type(sb).model_validate(changed), source_text(sb))
        assert [f.code for f in findings if f.code == "quote-not-in-text"] == ["quote-not-in-text"], part


@pytest.mark.parametrize("service, paid_on, days, said", [
    ("seo", "2026-11-20", 9, "To avoid next month's charge, cancel by 13 Dec 2026: 7 days before the next billing "
                             "date, 20 Dec 2026 (the billing dates counted monthly from the payment on 20 Nov 2026)."),
    ("seo", "2026-11-20", 23, "cancel by 13 Dec 2026: 7 days before the next billing date, 20 Dec 2026"),  # the last day
    ("seo", "2026-11-20", 24, "It is too late to avoid the charge on 20 Dec 2026 (the billing dates counted monthly from "
                              "the payment on 20 Nov 2026): cancelling needs 7 days' notice. To avoid the one on 20 Jan "
                              "2027, cancel by 13 Jan 2027."),
    ("it_support", "2026-01-31", 20, "cancel by 21 Feb 2026: 7 days before the next billing date, 28 Feb 2026"),
    ("ppc", "2026-01-31", 27, "It is too late to avoid the charge on 28 Feb 2026"),
    ("ppc", "2026-01-31", 27, "To avoid the one on 31 Mar 2026, cancel by 24 Mar 2026."),
    ("social_media_management", "2026-11-20", 45, "cancel by 13 Jan 2027: 7 days before the next billing date, 20 Jan 2027"),
    ("seo", "2024-01-30", 0, "cancel by 22 Feb 2024: 7 days before the next billing date, 29 Feb 2024"),  # a leap year
])
def test_itmedias_notice_cut_off_is_a_calendar_date_when_the_payment_date_is_known(service, paid_on, days, said):
    q = q_of(provider="itmedia", service=service, paid_on=paid_on, days_since_payment=days)
    assert said in notice_step(q, q.policy)
    assert said in " ".join(next_steps(q, q.policy)) and said in summary_markdown(q, TODAY)


def test_without_a_payment_date_the_cut_off_is_said_in_days():
    q = q_of(provider="itmedia", service="seo", days_since_payment=9)
    assert notice_step(q, q.policy) == "To avoid next month's charge, cancel at least 7 days before the next billing date."


def test_the_json_quote_carries_the_request_date():
    q = q_of(provider="socialbeat", service="website", paid_on=PAID_ON, days_since_payment=10)
    assert json.loads(quote_to_json(q))["requested_on"] == "2026-11-30"
    assert quote_from_json(quote_to_json(q)).requested_on == date(2026, 11, 30)
    assert json.loads(quote_to_json(q_of(provider="socialbeat", service="website")))["requested_on"] is None


# Internal words: a reading's id, the engine's reading ids (decisions.md rows; those that are plain words left
# out), rule and stage ids (those with an underscore: 'audit' is a word), scenario field names, Python's words.
_RULE_IDS = {x for p in policies().values() for s in p.services.values() for stage in s.stages
             for x in (stage.id, *(t.id for t in stage.tiers)) if "_" in x}
INTERNAL = re.compile("|".join([
    r"read as", r"decisions\.md", r"\bA-(?:SB|IT|SI|X)-\d+", r"\bNone\b", r"Verdict\.",
    *(rf"\b{re.escape(d)}\b" for d in sorted(DECISIONS - {"time", "services", "money"})),
    *(rf"\b{re.escape(x)}\b" for x in sorted(_RULE_IDS | {n for n in NAMES if "_" in n})),
]))
GRID = [dict(provider=p.id, service=sid, completion_pct=c, days_since_payment=d, provider_fault=fault,
             taxes_remitted="100", paid_on=PAID_ON)
        for p in policies().values() for sid in [*p.services, "website"] for c in (0, 30, 80) for d in (1, 10, 40)
        for fault in (False, True)]


@pytest.mark.parametrize("fields", GRID, ids=lambda f: "-".join(str(v) for v in list(f.values())[:5]))
def test_no_internal_label_reaches_a_client(fields):
    q = q_of(**fields)
    for name, text in (("summary", summary_markdown(q, TODAY)), ("email", request_email(q).text()),
                       ("eligibility", eligibility_answer(q))):
        found = INTERNAL.search(text)
        assert found is None, f"{name}: {found.group()!r} in {text[max(found.start() - 80, 0):found.end() + 80]!r}"


def test_the_steps_speak_to_the_client_and_each_remedy_continues_its_sentence():
    """A walkthrough read 'Processing may vary with the client's location', 'The published text hides the email
    address' and 'If money is not the answer: Adjustments to campaigns' on a page for clients."""
    quotes = [q_of(**fields) for fields in GRID]
    steps = [s for q in quotes for s in next_steps(q, q.policy)]
    assert not [s for s in steps if re.search(r"\bthe client\b|\bhides\b", s)]
    offers = [s for s in steps if s.startswith("Also in the policy")]
    assert offers and all(s.split(": ", 1)[1][:1].islower() for s in offers)
    assert "Also in the policy, on quality concerns: revisions first, with documented concerns, before any refund." in steps
    assert not [s for s in offers if s.count(": ") > 1]  # one colon: a topic, then what it says


def test_the_internal_words_pattern_finds_what_the_sales_pages_show():
    """The calculator (for sales) still shows the ids and readings: the pattern catches them there."""
    q = q_of(provider="socialbeat", service="website", completion_pct=60, days_since_payment=5)
    assert INTERNAL.search(sections_markdown(explanation_sections(q), escape=str))
    from policy.explain import summary_lines
    assert INTERNAL.search("\n".join(summary_lines(q)))  # '(read as: ...)' at the terminal


# ------------------------------------------------------------------ C. the verdict

STREAMLIT_COLOURS = {"red", "orange", "yellow", "green", "blue", "violet", "gray", "grey", "primary"}
SAMPLE = q_of(provider="socialbeat", service="seo", amount_paid="2400", completion_pct=40, days_since_payment=5,
              taxes_remitted="100")
TEXT_FUNCTIONS = (verdict_label, verdict_sentence, plain_answer, refund_text, pct_text, refund_with_share)


@pytest.mark.parametrize("verdict", list(Verdict))
def test_every_verdict_carries_its_label_colour_and_sentence_through_every_text_function(verdict):
    assert verdict.name == verdict.value and Verdict(verdict.value) is verdict  # a driver writing the name writes the value
    assert verdict.label and verdict.sentence.endswith(".") and verdict.colour in STREAMLIT_COLOURS
    assert (VERDICT_LABELS[verdict.value], VERDICT_COLOURS[verdict.value], VERDICT_PLAIN[verdict.value]) == (
        verdict.label, verdict.colour, verdict.sentence)
    assert label_of(verdict.value) == verdict.label  # a saved quote's string verdict
    q = replace(SAMPLE, verdict=verdict)
    for text in TEXT_FUNCTIONS:
        assert isinstance(text(q), str) and text(q), text.__name__
    assert verdict.label in verdict_label(q)
    assert json.loads(quote_to_json(q))["verdict"] == verdict.value  # JSON keeps the string
    assert quote_from_json(quote_to_json(q)).verdict is verdict


def test_each_verdict_has_its_own_name_and_a_stored_unknown_verdict_reads_as_stored():
    assert len({v.label for v in Verdict}) == len(Verdict)
    assert label_of("refunded twice") == "refunded twice"


# ------------------------------------------------------------------ D. facts that may be unknown

SPREAD = [f for f in UNKNOWABLE if f.unknown and f.unknown.spread]
UNKNOWN_CASES = {  # a scenario where each fact declared to spread is not given and decides the band
    "stage": dict(provider="socialbeat", service="website", completion_pct=30),
    "deliverables_provided": dict(provider="stepinto", service="ppc", completion_pct=10, work_started=True),
    "notice_days": dict(provider="socialbeat", service="seo", completion_pct=40, days_since_payment=5, stage="ongoing"),
}


def test_every_fact_declared_to_spread_has_a_case():
    assert {f.name for f in SPREAD} == set(UNKNOWN_CASES)


@pytest.mark.parametrize("name", UNKNOWN_CASES)
def test_an_unknown_fact_is_quoted_under_each_declared_value_in_its_declared_words(name):
    q = q_of(**UNKNOWN_CASES[name])
    found = {u.fact: u for u in q.unknowns}[name]
    declared = BY_NAME[name].unknown
    if declared.words:
        assert [o.value for o in found.outcomes] == [word for _, word in declared.words]
    else:  # the stage: the labels of the stages completion allows
        assert len(found.outcomes) == len(q.stage.candidates) > 1


def test_the_evaluator_spreads_a_fact_over_its_declared_values_only_where_the_rules_read_it():
    sb, si = policies()["socialbeat"], policies()["stepinto"]
    seo = parse_scenario(UNKNOWN_CASES["notice_days"] | dict(amount_paid="5000", days_since_payment=5), BASIS)
    notices = {w.notice_given for w in evaluate(sb, "seo", Facts.of(seo)).worlds}
    assert notices == set(BY_NAME["notice_days"].unknown.values)
    ppc = parse_scenario(dict(UNKNOWN_CASES["deliverables_provided"], amount_paid="5000", days_since_payment=3), BASIS)
    assert {w.deliverables for w in evaluate(si, "ppc", Facts.of(ppc)).worlds} == {False, True}
    assert {w.notice_given for w in evaluate(si, "ppc", Facts.of(ppc)).worlds} == {None}  # no rule reads it
    not_started = parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="5000", completion_pct=0,
                                      days_since_payment=3), BASIS)
    assert {w.deliverables for w in evaluate(si, "ppc", Facts.of(not_started)).worlds} == {
        BY_NAME["deliverables_provided"].unknown.before_start}  # decisions.md 'SI not started'


def test_the_quotes_unknowns_read_the_words_from_the_declaration(monkeypatch):
    import policy.quoting as quoting

    reworded = tuple(replace(f, unknown=replace(f.unknown, words=((0, "told today"), (10**6, "told long ago"))))
                     if f.name == "notice_days" else f for f in UNKNOWABLE)
    monkeypatch.setattr(quoting, "UNKNOWABLE", reworded)
    q = q_of(**UNKNOWN_CASES["notice_days"])
    assert [o.value for o in {u.fact: u for u in q.unknowns}["notice_days"].outcomes] == ["told today", "told long ago"]


def test_the_eligibility_forms_not_known_answers_come_from_the_declarations(monkeypatch):
    from pages import opened

    for name, answer in (("work_started", "Not yet known"), ("deliverables_provided", "Cannot tell"),
                         ("payment_method", "Forgot")):
        monkeypatch.setitem(BY_NAME, name, replace(BY_NAME[name], unknown=replace(BY_NAME[name].unknown, answer=answer)))
    at = opened("pages/3_Am_I_eligible.py")
    assert at.radio(key="el_started").options == ["Yes", "No", "Not yet known"]
    assert at.radio(key="el_delivered").options == ["Yes", "No", "Cannot tell"]
    assert at.selectbox(key="el_method").options[0] == "Forgot"


def test_the_eligibility_answer_says_less_than_the_full_and_shows_no_reading_ids():
    from pages import opened

    at = opened("pages/3_Am_I_eligible.py", provider="socialbeat", service="website", amount_paid="5000",
                completion_pct=60, days_since_payment=5)
    at.checkbox(key="el_fault").check()
    at.button(key="el_check").click().run()
    text = re.sub(r"\\(.)", r"\1", " ".join(m.value for m in at.markdown))
    assert "up to $4,999.99 (less than the full $5,000.00)" in text
    assert "The policy grants a partial refund here, which is less than the full $5,000.00" in text
    assert REVIEW in text
    assert not re.search(r"\bA-SB-\d+", text)  # the calculator names the readings' ids; a client is not shown them
    assert 'The policy does not make clear whether its "50% completion" means half of the development work' in text
    assert "inside the 51-75% band" not in text and "(ii) development itself" not in text  # the author's shorthand


# Issue 23: a client's pages and files carry no internal words.

ADDRESS_THEN_STOP = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+\.(\s|$)")


@pytest.mark.parametrize("provider", ["itmedia", "socialbeat", "stepinto"])
def test_an_email_address_is_never_followed_by_the_sentences_full_stop(provider):
    """Linked (a viewer, the page's code span), 'billing@x.us.' would take the stop into the address."""
    from policy.client import no_stop_after_address
    q = quote(parse_scenario(dict(provider=provider, service="ppc", amount_paid="5000.00", completion_pct=30,
                                  days_since_payment=3), BASIS), BASIS)
    texts = [*next_steps(q, policies()[provider]), summary_markdown(q, date(2026, 12, 2)), request_email(q).text()]
    assert not [t for t in texts if ADDRESS_THEN_STOP.search(t)]
    assert no_stop_after_address("Email a@b.us. Say what you bought.") == "Email a@b.us: say what you bought."
    assert no_stop_after_address("Write to a@b.co.uk.") == "Write to a@b.co.uk"
    if provider == "itmedia":  # the policy's own words end a sentence with its address
        assert ADDRESS_THEN_STOP.search(policies()[provider].contact.how_to_request)
        assert any("billing@itmediasolutions.us: say what you bought" in s for s in next_steps(q, policies()[provider]))


def _as_anyone(page: str, **params):
    from test_access_pages import SIGN_IN

    from tests.pages import opened
    return opened(page, SIGN_IN, **params)


def test_a_client_downloads_a_summary_and_an_email_and_no_technical_format():
    from ui.show import CLIENT_DOWNLOADS
    at = _as_anyone("app.py")
    at.session_state["downloads_open"] = True
    labels = [b.label for b in at.run().get("download_button")]
    assert labels == list(CLIENT_DOWNLOADS) == ["Summary (PDF)", "Request email"]
    assert any(c.value.startswith("Before sending the request email: fill in each part in [brackets]") for c in at.caption)
    read: list[str] = []  # the page in reading order: the caption, then the files (under them, it was read too late)

    def walk(node) -> None:
        if type(node).__name__ == "Caption" and node.value.startswith("Before sending the request email"):
            read.append("caption")
        elif getattr(node, "type", None) == "download_button":
            read.append("file")
        for child in getattr(node, "children", {}).values():
            walk(child)
    walk(at._tree)
    assert read == ["caption", "file", "file"]
    assert not [label for label in labels if "JSON" in label or "Markdown" in label or "CSV" in label]
    # asked in a client's words: their own name, no rep's reference ("Client name", "Your reference": a walkthrough)
    assert [t.label for t in at.main.text_input] == ["Your name (optional)", "Project name, for the email (optional)",
                                                "Invoice number, for the email (optional)"]


def test_a_client_reads_what_is_unclear_never_an_ambiguity_id():
    at = _as_anyone("app.py", provider="socialbeat", service="website", completion_pct=0, days_since_payment=5)
    text = " ".join(m.value.replace("\\", "") for m in at.markdown)
    assert "A-SB-01" not in text and "Ambiguity " not in text
    from tests.pages import opened
    staff = opened("app.py", provider="socialbeat", service="website", completion_pct=0, days_since_payment=5)
    assert "Ambiguity A-SB-01" in " ".join(m.value.replace("\\", "") for m in staff.markdown)  # sales keep the id
    terms = _as_anyone("pages/2_Policy_terms.py")
    shown = " ".join(m.value.replace("\\", "") for m in terms.markdown)
    assert not re.search(r"\bA-(SB|IT|SI)-\d\d\b", shown)
    captions = " ".join(c.value.replace("\\", "") for c in terms.caption)  # nor a file of the team's it cannot open
    assert "decisions.md" not in captions and "This app's reading: [0, amount paid x (1 - completion)]." in captions
    staff_terms = opened("pages/2_Policy_terms.py")
    assert "Adopted: decisions.md 'IT started'" in " ".join(c.value.replace("\\", "") for c in staff_terms.caption)
    assert all("Ambiguity" not in df.value.columns for df in terms.dataframe)
    index = opened("pages/2_Policy_terms.py").dataframe  # staff: an index of each policy's ambiguities, ids first;
    assert [list(df.value.columns) for df in index] == [["Ambiguity", "What is unclear", "Kind"]] * 3  # the readings
    # are written out whole beside it (a grid cut them off at the cell's edge)


def test_download_file_names_carry_the_client():
    from policy.client import Client
    from ui.show import file_stem
    q = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="5000.00", completion_pct=30,
                                  days_since_payment=3), BASIS), BASIS)
    assert file_stem(q, Client()) == "refund-socialbeat-website"
    assert file_stem(q, Client(name="Acme Ltd. / Ünïcode")) == "refund-socialbeat-website-acme-ltd-unicode"
    assert file_stem(q, Client(reference="REF 42")) == "refund-socialbeat-website-ref-42"


def test_a_versions_file_name_has_no_spaces_or_brackets():
    """The lab's download of Step-Into's version was named 'stepinto-undated (as published).toml' (a walkthrough)."""
    from ui.show import file_part
    assert file_part("undated (as published)") == "undated-as-published"
    assert file_part("2025-06-17") == "2025-06-17"
    lab = (Path(__file__).resolve().parent.parent / "pages" / "6_Policy_lab.py").read_text(encoding="utf-8")
    assert ".version}.toml" not in lab  # every version's file named through it


def test_the_pdfs_last_page_never_holds_the_disclaimer_alone():
    """Social Beat, website, day 45: the summary filled page 1 and its disclaimer alone went to page 2."""
    q = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="5000.00", completion_pct=0,
                                  days_since_payment=45), BASIS), BASIS)
    pages = PdfReader(io.BytesIO(summary_pdf(q, date(2026, 12, 2)))).pages
    last = " ".join(pages[-1].extract_text().split())
    assert last.startswith("This estimate explains") is False or len(pages) == 1
    assert len(last) > 200 or len(pages) == 1


CONTESTED = [  # cases where the text can be read two ways, and the two give different amounts
    dict(provider="socialbeat", service="website", completion_pct=60, days_since_payment=5),  # A-SB-02
    dict(provider="stepinto", service="ppc", completion_pct=10, days_since_payment=3, work_started=True,
         deliverables_provided=False),  # A-SI-01
    dict(provider="socialbeat", service="ppc", completion_pct=10, days_since_payment=3, unused_ad_spend="400"),  # A-SB-19
]


@pytest.mark.parametrize("case", CONTESTED, ids=lambda c: f"{c['provider']}-{c['service']}")
def test_a_clients_documents_say_what_is_unclear_in_plain_words_not_the_authors_title_or_labels(case):
    """Issue 23: "Why this is a range" gave a client "('No Refund: Once development exceeds 50% completion' inside the
    51-75% band): (ii) development itself at most half done: 25%: $1,250.00; (i) ...", the author's shorthand."""
    q = quote(parse_scenario({"amount_paid": "5000.00", **case}, BASIS), BASIS)
    assert q.ambiguities
    text = summary_markdown(q, date(2026, 12, 2)).replace("\\", "")
    for a in q.ambiguities:
        assert a.question and f"The policy does not make clear {a.question}." in text
        assert a.title not in text and not [r.label for r in a.readings if r.label in text]
        assert all(r.plain in text.lower() for r in a.readings if r.plain)


def test_a_tiers_question_and_its_readings_plain_words_go_together():
    from pydantic import ValidationError

    from policy.schema import TierAmbiguity
    reading = {"label": "half", "amount": {"pct": 50}}
    TierAmbiguity.model_validate({"id": "A-1", "readings": [reading, reading]})  # neither: the author's words only
    TierAmbiguity.model_validate({"id": "A-1", "question": "whether half means half", "readings": [
        {**reading, "plain": "if it does"}, {**reading, "plain": "if not"}]})
    for half_given in ({"question": "whether?", "readings": [reading, {**reading, "plain": "if so"}]},
                       {"readings": [{**reading, "plain": "if so"}, {**reading, "plain": "if not"}]}):
        with pytest.raises(ValidationError, match="question and each reading's plain go together"):
            TierAmbiguity.model_validate({"id": "A-1", **half_given})


# A stage narrower than the policy's phase: a client read "Development (51-63%)" beside the policy's
# "Development Phase (51-75% Complete)" and nothing said why.

PHASE = "The policy's development phase runs from 51% to 75% complete."


@pytest.mark.parametrize("pct, why", [(55, "read as holding while development itself is at most half done: up to 63%"),
                                      (63, "up to 63% of the whole project"),
                                      (64, "From 64% of the whole project, development itself is more than half done"),
                                      (75, "From 64% of the whole project")])
@pytest.mark.parametrize("surface", ["summary", "pdf", "eligibility"])
def test_a_stage_narrower_than_the_policys_phase_says_how_it_reads_that_phase(pct, why, surface):
    text = SURFACES[surface](q_of(provider="socialbeat", service="website", completion_pct=pct, work_started=True))
    assert f"This estimate's reading, not the policy's words: {PHASE}" in text and why in text


@pytest.mark.parametrize("pct", [30, 50, 51.5, 76])  # the policy's own bands (51.5: between whole percents)
def test_a_stage_with_the_policys_own_band_says_nothing_of_a_reading(pct):
    q = q_of(provider="socialbeat", service="website", completion_pct=pct, work_started=True)
    text = "\n".join(SURFACES[s](q) for s in ("summary", "eligibility"))
    assert (PHASE in text) == (51 <= pct < 76)  # 51.5 is in the development phase


def test_the_staff_explanation_gives_the_reading_beside_the_stage_and_a_read_back_quote_without_its_policy_none():
    q = q_of(provider="socialbeat", service="website", completion_pct=60, work_started=True)
    stage = next(s for s in explanation_sections(q) if s.title == "Stage")
    assert stage.items[1] == f"This estimate's reading, not the policy's words: {PHASE}" + stage.items[1].split(PHASE)[1]
    assert not any(PHASE in item for s in explanation_sections(replace(q, policy=None)) for item in s.items)


def test_a_stages_reading_from_an_uploaded_policy_is_shown_as_text():
    from policy.loader import parse_policy, policy_toml

    policy = policies()["socialbeat"]
    text = policy_toml(policy).replace(f'reading = "{PHASE}', 'reading = "**Bold** <b>x</b> [link](http://x) ' + PHASE, 1)
    from policy.versions import Basis

    basis = Basis.of([parse_policy(text)], BASIS.as_of)
    q = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct=55,
                                  days_since_payment=3, work_started=True), basis), basis)
    summary = summary_markdown(q, TODAY)
    assert "**Bold**" not in summary and "](http://x)" not in summary and "\\*\\*Bold\\*\\*" in summary
    assert "[link]\\(http://x)" in summary  # read as plain text, as written


# The review, the processing time, how a refund is paid and the remedies were each on the eligibility page three
# times: a next step, a sentence under "Once you ask" or "Dates", and the clause. Now the step and the clause.

def _core(step: str) -> str:
    """A step without the lead a remedy's step adds ('Also in the policy, on quality concerns: ...')."""
    return step.partition(": ")[2] if step.startswith("Also in the policy") else step


@given(scenarios())
def test_a_clients_explanation_repeats_none_of_the_next_steps(scenario):
    q = quote(parse_scenario(scenario, BASIS), BASIS)
    explained = sections_markdown(explanation_sections(q, with_deadline=False, for_client=True), escape=str)
    assert not [s for s in next_steps(q, q.policy) if _core(s).rstrip(".") in explained]


def test_on_the_eligibility_page_each_step_is_said_once_beside_its_clause():
    from pages import opened

    at = opened("pages/3_Am_I_eligible.py", provider="socialbeat", service="website", amount_paid="5000",
                completion_pct=20, days_since_payment=5, work_started=True)
    at.button(key="el_check").click().run()
    at.session_state["why_open"] = True
    at.run()
    text = re.sub(r"\\(.)", r"\1", " ".join(m.value for m in at.markdown))
    for said in (REVIEW, "the refund is processed within 5-20 business days", "The refund is paid through the original",
                 "a client abroad may wait longer", "revisions first, with documented concerns"):
        assert text.count(said) == 1, said
    for clause in ("Review Period: We will acknowledge receipt within 48 hours",
                   "International clients may be subject to additional processing time"):
        assert text.count(clause) == 1, clause  # the policy's own words stay, under "Once you ask"


# A band the policy's wording leaves open is not the provider's choice: the headline said "The provider may refund up
# to $2,000.00, but it does not have to" over a sentence saying the policy does not make clear what it means.

@pytest.mark.parametrize("surface", ["summary", "pdf", "eligibility", "email"])
def test_a_band_the_wording_leaves_open_is_not_said_to_be_the_providers_choice(surface):
    text = SURFACES[surface](q_of(provider="socialbeat", service="website", amount_paid="8000", completion_pct=55,
                                  work_started=True))
    if surface != "email":  # the email asks; it does not give the headline
        assert "Maybe. The policy's words do not settle this case: up to $2,000.00, or nothing." in text
    assert "The provider may refund" not in text and "if the provider agrees" not in text


@given(scenarios())
def test_a_headline_says_the_provider_chooses_exactly_where_the_verdicts_sentence_does(data):
    q = quote(parse_scenario(data, BASIS), BASIS)
    if q.verdict != Verdict.discretionary:
        return
    head, sentence = plain_answer(q), verdict_sentence(q, for_client=True)
    says_provider_chooses = "The provider may refund" in head or "if the provider agrees" in head
    assert says_provider_chooses == ("The policy lets the provider decide" in sentence), (head, sentence)
    assert says_provider_chooses != head.startswith("Maybe. The policy's words do not settle this case")


@given(scenarios())
def test_with_no_refund_due_the_steps_say_a_request_is_likely_refused_before_how_to_ask(data):
    """A walkthrough: "Not under this policy, as things stand", then how to email a refund request, and no word
    of the odds."""
    q = quote(parse_scenario(data, BASIS), BASIS)
    steps = next_steps(q, q.policy)
    warned = [s for s in steps if "a request is likely to be refused" in s]
    assert warned == (list(steps[:1]) if q.verdict == Verdict.none else [])


def test_the_warning_names_the_policys_exceptions_only_where_it_has_some():
    sb = q_of(provider="socialbeat", service="website", completion_pct=90, work_started=True)
    it = q_of(provider="itmedia", service="website", completion_pct=100, work_started=True, deliverables_provided=True)
    assert sb.verdict == it.verdict == Verdict.none
    assert "exception" in next_steps(sb, sb.policy)[0] and "exception" not in next_steps(it, it.policy)[0]


@pytest.mark.parametrize("fields", [
    dict(provider=p, service=s, completion_pct=c, days_since_payment=d, paid_on=PAID_ON)
    for p, s in (("socialbeat", "website"), ("stepinto", "ppc"), ("itmedia", "seo"), ("socialbeat", "seo"))
    for c, d in ((0, 3), (55, 10), (90, 20))], ids=str)
def test_no_page_of_the_pdf_ends_with_a_heading_whose_words_are_on_the_next(fields):
    """A walkthrough: "What the policy says" stood alone at the foot of page 1, its clauses on page 2."""
    from policy.client import summary_parts
    q = q_of(**fields)
    titles = {part.title for part in summary_parts(q, TODAY)[1]}
    pages = PdfReader(io.BytesIO(summary_pdf(q, TODAY))).pages
    last_lines = [next(line for line in reversed(p.extract_text().splitlines()) if line.strip()) for p in pages[:-1]]
    assert not [line for line in last_lines if line.strip() in titles]


def test_a_project_name_the_rep_typed_is_in_the_summarys_steps_as_in_the_email():
    from policy.client import Client
    q = q_of(provider="socialbeat", service="website", completion_pct=20)
    client = Client(project="Whitfield Bakery site")
    for text in (summary_markdown(q, TODAY, client), pdf_text_of(summary_pdf(q, TODAY, client)), request_email(q, client).text()):
        assert "Refund Request - Whitfield Bakery site" in text and "[Your Project Name]" not in text
    assert "[Your Project Name]" in summary_markdown(q, TODAY)  # none typed: the policy's own slot, for the client


@pytest.mark.parametrize("provider, service", [("stepinto", "ppc"), ("itmedia", "seo")])
def test_the_project_and_invoice_the_rep_typed_are_in_the_email_of_a_provider_without_a_form_of_its_own(provider, service):
    """A walkthrough typed "Spring PPC" and "INV-77" for the email: Step-Into's and ITMediaSolutions.us's, which ask
    for no items of their own, left both out (Social Beat's form names them)."""
    from policy.client import Client
    q = q_of(provider=provider, service=service, completion_pct=10)
    email = request_email(q, Client(project="Spring PPC", invoice="INV-77"))
    assert email.subject.endswith(" (Spring PPC)") and email.subject.startswith("Refund request - ")
    assert "- Project: Spring PPC\n- Invoice number: INV-77\n" in email.body
    bare = request_email(q)
    assert not bare.subject.endswith("(Spring PPC)") and "- Project:" not in bare.body and "- Invoice number:" not in bare.body
    sb = request_email(q_of(provider="socialbeat", service="website"), Client(project="Spring PPC", invoice="INV-77"))
    assert sb.subject == "Refund Request - Spring PPC" and "- Order/Invoice number: INV-77" in sb.body  # its own form


def pdf_text_of(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def test_a_short_last_part_and_the_disclaimer_share_the_page_before_them_where_it_has_room():
    """A walkthrough: "Why this is a range" and the disclaimer alone on page 3, page 2 mostly blank."""
    q = q_of(provider="socialbeat", service="website", amount_paid="8000", completion_pct=55, days_since_payment=10,
             paid_on=date(2026, 11, 22), work_started=True)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(summary_pdf(q, TODAY))).pages]
    assert len(pages) == 2 and "Why this is a range" in pages[1] and "This estimate explains" in pages[1]


@pytest.mark.parametrize("provider", ["itmedia", "socialbeat", "stepinto"])
def test_every_request_email_says_how_far_along_the_work_is(provider):
    """A walkthrough: Social Beat's email listed the items its process asks for, and never the work done, which
    the refund depends on."""
    q = q_of(provider=provider, service="website" if provider != "stepinto" else "ppc", completion_pct=55,
             work_started=True)
    assert "- Work so far: about 55% of the work done" in request_email(q).body


def test_a_monthly_cancellation_names_the_next_billing_date_in_the_email_and_the_step():
    """A walkthrough cancelled ITMediaSolutions.us's monthly SEO "with this request, 10 days before 17 Dec 2026": the
    answer said only "Your notice is early enough" and the email "10 days before the next billing date", no date."""
    from policy.client import next_charge_step
    q = q_of(provider="itmedia", service="seo", completion_pct=10, work_started=True, paid_on=date(2026, 11, 17),
             days_since_payment=20, notice_days=10)
    assert "10 days before the next billing date (17 Dec 2026);" in request_email(q).body
    assert next_charge_step(q, q.policy) == ("Your notice is early enough: next month's charge on 17 Dec 2026 is "
                                             "avoided (7 days' notice is needed); send it with your request.")
    in_days = q_of(provider="itmedia", service="seo", completion_pct=10, work_started=True, days_since_payment=20,
                   notice_days=10)  # given in days: dated from the day the email is made
    assert "10 days before the next billing date (17 Dec 2026);" in request_email(in_days, asked_on=date(2026, 12, 7)).body
    assert "10 days before the next billing date;" in request_email(in_days).body  # no day to count from: no date
    assert request_email(q).subject == "Cancellation and refund request - SEO (monthly)"  # it cancels: said first
    assert request_email(q_of(provider="itmedia", service="seo", completion_pct=10, work_started=True,
                              days_since_payment=20)).subject == "Refund request - SEO (monthly)"  # no notice given
    social = q_of(provider="socialbeat", service="social_media_management", completion_pct=10, work_started=True,
                  days_since_payment=5, notice_days=10)
    assert request_email(social).subject == "Refund Request - [Your Project Name]"  # its own subject line, as it asks


@pytest.mark.parametrize("notice_days, said", [
    (0, "With this request I give notice to cancel Social media management (monthly), on the next billing date; your "
        "policy asks for 7 days' notice before the next billing date"),
    (3, "With this request I give notice to cancel Social media management (monthly), 3 days before the next billing "
        "date; your policy asks for 7 days' notice before the next billing date"),
])
def test_a_monthly_services_request_email_gives_or_names_the_notice_to_cancel(notice_days, said):
    """A walkthrough: the page told a client of a monthly service to cancel by 20 Dec to avoid next month's charge,
    and the email, with no refund to ask for, asked only for a refund. Another: with nothing said of cancelling, the
    email cancelled the service (now it says nothing of cancelling); and "I gave notice 3 days ago" stood for notice
    3 days before the billing date, as the question asks it and the rule counts it."""
    q = q_of(provider="itmedia", service="social_media_management", completion_pct=40, work_started=True,
             days_since_payment=40, notice_days=notice_days)
    assert said in request_email(q).body
    unsaid = q_of(provider="itmedia", service="social_media_management", completion_pct=40, work_started=True,
                  days_since_payment=40)
    assert "cancel" not in request_email(unsaid).body  # not said: nothing cancelled, nor a sentence to delete
    one_off = q_of(provider="itmedia", service="website", completion_pct=40, work_started=True)
    assert "notice to cancel" not in request_email(one_off).body  # a one-off project has no next charge


@pytest.mark.parametrize("dates, said", [
    (dict(days_since_payment=12), "I make this request 12 days after my payment, within the 30 days your policy "
                                  "allows for refund requests (section 2.2)."),
    (dict(days_since_payment=0), "I make this request on the day of my payment, within the 30 days"),
    (dict(days_since_payment=1, paid_on="2026-12-01"), "I make this request on 02 December 2026, 1 day after my "
                                                       "payment, within the 30 days"),
    (dict(days_since_payment=30), "I make this request 30 days after my payment, within the 30 days"),
])
def test_a_request_email_says_it_is_made_within_the_window(dates, said):
    """A walkthrough: the request email named no day but the purchase's, and a provider checks the window first."""
    q = q_of(provider="socialbeat", service="website", completion_pct=40, **dates)
    assert said in request_email(q).body


@pytest.mark.parametrize("provider, service, days, said", [
    ("socialbeat", "website", 31, None),  # the window has closed: nothing to claim of it
    ("stepinto", "ppc", 3, "I make this request 3 days after my payment."),  # a clock, and no window to claim
    ("itmedia", "website", 3, "I make this request 3 days after my payment."),
])
def test_a_request_email_claims_no_window_the_policy_lacks_or_that_has_closed(provider, service, days, said):
    """A walkthrough: Step-Into's email said nothing of when the request was made, its 7 days counted from the payment."""
    body = request_email(q_of(provider=provider, service=service, completion_pct=40, days_since_payment=days)).body
    assert [line for line in body.splitlines() if "make this request" in line] == ([said] if said else [])


@pytest.mark.parametrize("stage, said", [
    ("first_month", "Social Beat Digital's policy says nothing of next month's charge for a monthly service: in your "
                    "request, ask them to confirm in writing that cancelling stops it."),
    ("ongoing", "Social Beat Digital prorates ongoing work once a 15-day notice has run (section 3.2): your notice, "
                "given 3 days ago, runs 12 more days; what is left of the period after that is refunded."),
])
def test_a_monthly_service_says_what_the_notice_does_or_that_the_policy_is_silent_on_the_next_charge(stage, said):
    """A walkthrough: a client of Social Beat's monthly management in its first month, notice given, was told
    nothing of next month's charge."""
    q = q_of(provider="socialbeat", service="social_media_management", amount_paid="900", completion_pct=50,
             days_since_payment=12, work_started=True, notice_days=3, stage=stage)
    assert notice_step(q, policies()["socialbeat"]) == said
    assert said in next_steps(q, policies()["socialbeat"])
    one_off = q_of(provider="socialbeat", service="website", completion_pct=40)
    assert notice_step(one_off, policies()["socialbeat"]) is None  # a project has no next charge


def test_the_emails_work_so_far_is_what_the_client_said_the_stage_chosen_or_nothing_not_a_default_0():
    """A walkthrough chose "concepts presented, no revisions yet" with the progress not known: the email asked it to
    fill in how far along the work is, the one thing it had said it did not know, and not the stage. Another left
    "Not sure" whether the work had started and the slider at 0: the email said "about 0% ... done"."""
    from policy.client import NotSaid
    staged = q_of(provider="socialbeat", service="website", completion_pct=26, work_started=True,
                  stage="design_concepts")
    body = request_email(staged, not_said=NotSaid("how far along the work is", progress=True)).body
    assert "- Work so far: started; at the stage Design (26-50%): concepts presented, no revisions yet" in body
    unsure = q_of(provider="itmedia", service="seo", days_since_payment=40)  # work status not given, at 0%
    body = request_email(unsure, not_said=NotSaid("whether the work has started", progress=False)).body
    assert "- Work so far: [whether the work has started, and how far along it is]" in body and "0%" not in body
    assert "- Work so far: about 0% of this billing period's work done" in request_email(unsure).body  # the calculator's
    summary = summary_markdown(unsure, TODAY, not_said=NotSaid("whether the work has started", progress=False))
    assert "Work: you did not say whether the work has started; the answer is the same either way." in summary.replace("\\", "")
    assert "work done" not in summary
    summary = summary_markdown(staged, TODAY, not_said=NotSaid("how far along the work is", progress=True))
    assert "Stage: Design (26-50%): concepts presented, no revisions yet." in summary.replace("\\", "")
