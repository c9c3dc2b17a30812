"""The explanation every surface shares: the command line's summary, the page and the client's file."""
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from shipped import BASIS

from policy import parse_scenario, quote
from policy.explain import deadline_sentence, explanation_sections, summary_lines, verdict_label, verdict_sentence
from policy.markdown import sections_markdown
from policy.models import Verdict

BASE = dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct=0, days_since_payment=3)


def sections(**fields):
    return {s.title: s for s in explanation_sections(quote(parse_scenario({**BASE, **fields}, BASIS), BASIS))}


def test_sections_come_in_reading_order_and_empty_ones_are_left_out():
    found = explanation_sections(quote(parse_scenario({**BASE, "taxes_remitted": "100"}, BASIS), BASIS))
    assert [s.title for s in found] == [
        "Stage", "The clauses that decide it", "Why this is a range", "Deductions", "Dates", "Once you ask",
        "Also available",
    ]
    assert "Deductions" not in sections()  # nothing deducted, no section


def test_the_deadline_can_be_left_to_a_call_out():
    q = quote(parse_scenario(BASE, BASIS), BASIS)
    with_deadline = {s.title: s for s in explanation_sections(q)}["Dates"].items
    without = {s.title: s for s in explanation_sections(q, with_deadline=False)}["Dates"].items
    assert any(i.startswith("Ask for the refund by day 7") for i in with_deadline)
    assert not any(i.startswith(("Ask for the refund by", "Until day")) for i in without)


def test_a_late_request_is_told_what_it_lost_and_when():
    late = quote(parse_scenario({**BASE, "provider": "stepinto", "service": "ppc", "completion_pct": 10,
                                 "days_since_payment": 200, "paid_on": "2026-05-01"}, BASIS), BASIS)
    assert late.lapsed is not None and late.lapsed.last_day == 7 and late.verdict == "none"
    dates = {s.title: s for s in explanation_sections(late)}["Dates"].items
    assert dates[0] == ("Until 08 May 2026 (day 7 after the payment on 01 May 2026) the policy gave up to "
                        "$5,000.00; a request on 17 Nov 2026 gets $0.00.")  # its day: one may be still to come
    in_time = quote(parse_scenario({**BASE, "provider": "stepinto", "service": "ppc", "days_since_payment": 7}, BASIS), BASIS)
    assert in_time.lapsed is None  # the last day of a clock is still inside it


def test_a_range_names_each_reading_and_each_fact_not_given():
    items = sections(service="seo", amount_paid="2400", completion_pct=40, days_since_payment=5)["Why this is a range"].items
    assert items == (
        "Not known: the stage the work is in. Initial audit: $1,800.00; Implementation (first month): $1,200.00; "
        "Ongoing optimization: $0.00 - $1,440.00",
        "Not known: when notice was given. notice given today: $0.00 - $1,800.00; "
        "notice period already served: $1,200.00 - $1,800.00",
    )
    fee = sections()["Why this is a range"].items[0]
    assert fee.startswith("Ambiguity A-SB-01 (Processing fee against the 90% tier): ")


def test_markdown_quotes_clauses_with_their_section_and_escapes_policy_text():
    text = sections_markdown(explanation_sections(quote(parse_scenario(BASE, BASIS), BASIS)), heading="####")
    assert "#### The clauses that decide it" in text
    assert "> Processing Fee\\: 10\\% or \\$100 \\(whichever is less\\)" in text  # '$' escaped: it would start LaTeX
    assert "— section 3\\.1\\(a\\)" in text and "SB fee" not in text  # no internal ids on the page


def test_the_terminal_summary_lists_the_same_sections():
    lines = summary_lines(quote(parse_scenario(BASE, BASIS), BASIS))
    assert "The clauses that decide it:" in lines and "Dates:" in lines
    assert any(line.startswith('  [3.1(a)] "90% Refund') for line in lines)


DISCRETIONARY = [
    # (provider, service, completion, days, provider decides): a rule that says "may" or "case-by-case" leaves it
    # to the provider; a contested reading or a gap leaves it unclear, and the sentence must not blame the provider.
    ("itmedia", "website", 0, 0, True),         # ¶3 "may be granted"
    ("itmedia", "website", 50, 3, True),        # ¶3 "may be considered"
    ("socialbeat", "website", 0, 10, True),     # 2.1 "case-by-case" (A-SB-04)
    ("socialbeat", "website", 60, 5, False),    # 3.1(d) "exceeds 50%" (A-SB-02)
    ("socialbeat", "social_media_campaign", 30, 5, False),  # A-SB-16
    ("socialbeat", "social_media_management", 50, 20, False),  # A-SB-17, no ambiguity title
]


@pytest.mark.parametrize("provider, service, completion, days, provider_decides", DISCRETIONARY)
def test_a_discretionary_band_has_one_name_and_its_sentence_says_whether_the_provider_decides_or_the_text_is_unclear(
        provider, service, completion, days, provider_decides):
    q = quote(parse_scenario({**BASE, "provider": provider, "service": service, "completion_pct": completion,
                              "days_since_payment": days}, BASIS), BASIS)
    assert q.verdict == "discretionary"
    assert verdict_label(q) == "Discretionary or unclear"  # one name on every page (issue 21, C)
    sentence = verdict_sentence(q)
    if not provider_decides:
        low = Decimal(q.refund_min)
        certain = "nothing is certain" if low == 0 else f"only ${low:,.2f} is certain"  # never "the minimum"
        assert f"${Decimal(q.refund_max):,.2f}" in sentence and certain in sentence
        if q.ambiguities:
            assert sentence.startswith("The policy's text does not settle this case (")
            assert all(a.title in sentence for a in q.ambiguities) and "one reading gives up to" in sentence
        else:  # a band of the terms themselves: no "readings" the text never had (a walkthrough)
            assert sentence.startswith("The policy's terms do not settle this case: they allow anything from ")
            assert "reading" not in sentence
    else:
        assert sentence.startswith("The policy lets the provider decide")
    assert any("Discretionary or unclear" in line for line in summary_lines(q))  # the command line says the same
    assert any(sentence in line for line in summary_lines(q))


@pytest.mark.parametrize("fields, said", [
    ({"days_since_payment": 8}, "Ask for the refund by day 30 to keep up to $4,900.00 (98% of the amount paid); "
                                "from day 31 it drops to $0.00 (section 2.2)."),  # the window's clause
    ({"days_since_payment": 0}, "Ask for the refund by day 2 to keep $5,000.00 (100% of the amount paid); from day 3 "
                                "it drops to $4,500.00 - $4,900.00."),
    # only the least drops: "it drops to at most $4,900.00" beside a most of $4,900.00 read as no drop (a walkthrough)
    ({"days_since_payment": 3}, "Ask for the refund by day 7 to keep $4,500.00 - $4,900.00 (90% - 98% of the amount "
                                "paid); from day 8 nothing is certain: anything from $0.00 to $4,900.00."),
])
def test_a_deadline_says_a_band_from_nothing_as_up_to(fields, said):
    """'to keep $0.00 - $4,900.00' read as if nothing were a sum to keep."""
    q = quote(parse_scenario({**BASE, **fields}, BASIS), BASIS)
    assert deadline_sentence(q, q.deadlines[0]) == said


def test_the_stage_says_how_it_was_placed_without_a_second_bracket():
    """'Pre-project phase (before work begins) (from the completion given)': a label's own bracket, then ours; and
    'Design (26-50%): revisions begun: placed by ...', a label's own colon, then ours."""
    found = sections(work_started=False)["Stage"].items[0]  # the work status placed it too (a walkthrough)
    assert found == "Pre-project phase (before work begins) \u2014 placed by the completion and the work status given."
    assert sections(stage="design_concepts")["Stage"].items[0] == (
        "Design (26-50%): concepts presented, no revisions yet \u2014 the stage you chose.")
    assert sections(completion_pct=30)["Stage"].items[0] == (  # two stages: their shared name once
        "Design (26-50%), either concepts presented, no revisions yet, or revisions begun \u2014 placed by the "
        "completion given.")


def test_a_client_reads_which_stage_the_words_are_for_not_how_the_calculator_placed_it():
    """On "Am I eligible?" with the progress not known the answer is the case that refunds the most, and read
    "Started: placed by the completion given", which the client never gave."""
    q = quote(parse_scenario({**BASE, "stage": "design_concepts"}, BASIS), BASIS)
    (stage,) = [s for s in explanation_sections(q, for_client=True) if s.title == "Stage"]
    assert stage.items == (f"The policy's words below are for this stage of the work: {q.stage.label}.",)


def test_a_policy_its_provider_never_dated_is_said_in_words_not_as_a_version_number():
    """'policy version undated (as published)' read as a fault on the page, the summary and the client's PDF."""
    from policy.client import Client, summary_markdown
    from policy.explain import summary_lines, version_words

    q = quote(parse_scenario({"provider": "stepinto", "service": "ppc", "amount_paid": "1200", "completion_pct": "0",
                              "days_since_payment": "3"}, BASIS), BASIS)
    assert version_words(q.policy_version) == "the undated policy, as the provider publishes it"
    assert "(the undated policy, as the provider publishes it)" in summary_lines(q)[0]  # no (( ))
    text = summary_markdown(q, BASIS.as_of, Client())
    assert "the undated policy, as the provider publishes it" in text and "undated (as published)" not in text
    assert version_words("2025-06-17") == "policy version 2025-06-17"


def test_a_client_reads_each_answer_of_a_fact_not_given_with_its_refund():
    """'Not known: whether anything was delivered. no: $0.00 - $1,200.00; yes: $0.00' read as a riddle."""
    q = quote(parse_scenario({**BASE, "service": "seo", "amount_paid": "2400", "completion_pct": 40,
                              "days_since_payment": 5}, BASIS), BASIS)
    (ranges,) = [s for s in explanation_sections(q, for_client=True) if s.title == "Why this is a range"]
    assert ranges.items[1] == ("Not known: when notice was given. The refund for each answer: notice given today, "
                               "$0.00 - $1,800.00; notice period already served, $1,200.00 - $1,800.00.")


def test_a_client_reads_what_is_unclear_in_plain_words_and_sales_its_id_and_title():
    """'or, or and?: 'or' as written: full refund: $1,200.00; ...' began with a bare title; then "The policy can be
    read 2 ways here ('... or no deliverables have been provided': or, or and?)": an author's shorthand."""
    q = quote(parse_scenario({**BASE, "provider": "stepinto", "service": "ppc", "amount_paid": "1200",
                              "completion_pct": 10, "days_since_payment": 3, "work_started": True,
                              "deliverables_provided": False}, BASIS), BASIS)
    (ranges,) = [s for s in explanation_sections(q, for_client=True) if s.title == "Why this is a range"]
    assert ranges.items == ("The policy does not make clear whether a full refund needs the service not yet started and "
                            "nothing yet delivered, or only one of the two, as its words say. If one is enough, as its "
                            "words say: $1,200.00; if both must hold: $0.00.",)
    # "you may request a full refund" is the client's "may", not the provider's choice: the text is what is unclear
    assert q.verdict == "discretionary" and verdict_sentence(q, for_client=True).startswith(
        "The policy does not make clear whether a full refund needs the service not yet started and nothing yet")
    (for_sales,) = [s for s in explanation_sections(q) if s.title == "Why this is a range"]
    assert for_sales.items[0].startswith(f"Ambiguity A-SI-01 ({q.ambiguities[0].title}): \u201c'or' as written: full ")
    assert "\u201d gives $1,200.00; \u201c" in for_sales.items[0]  # each reading quoted, then what it gives
    # a policy file without the client's words: the client reads its title, and never its id
    bare = replace(q, ambiguities=tuple(replace(a, question=None) for a in q.ambiguities))
    (fallback,) = [s for s in explanation_sections(bare, for_client=True) if s.title == "Why this is a range"]
    assert fallback.items[0].startswith(f"The policy can be read 2 ways here ({q.ambiguities[0].title}): ")
    assert "A-SI-01" not in fallback.items[0]


def test_a_contested_case_says_what_is_unclear_in_its_verdict_a_client_in_plain_words():
    q = quote(parse_scenario({**BASE, "provider": "socialbeat", "service": "website", "amount_paid": "5000",
                              "completion_pct": 60, "days_since_payment": 3}, BASIS), BASIS)
    assert verdict_sentence(q, for_client=True) == (
        'The policy does not make clear whether its "50% completion" means half of the development work or half of '
        "the whole project: one reading gives up to $1,250.00, another $0.00; nothing is certain. Ask the "
        "provider how they read it.")
    assert verdict_sentence(q).startswith(
        "The policy's text does not settle this case ('No Refund: Once development exceeds 50% completion' inside")


def test_a_client_reads_the_clauses_around_those_that_decide_it_under_a_plain_heading():
    q = quote(parse_scenario({**BASE, "provider": "socialbeat", "service": "website", "amount_paid": "5000",
                              "completion_pct": 60, "days_since_payment": 3}, BASIS), BASIS)
    titles = [s.title for s in explanation_sections(q, for_client=True)]
    assert "Around it in the policy" in titles and "Context" not in titles
    assert "Context" in [s.title for s in explanation_sections(q)]  # an author's and a rep's word


def test_once_you_ask_gives_the_policys_words_once_not_again_in_other_words():
    """A walkthrough on the calculator: under "Once you ask", the clauses of 5.1, 6.2 and 12.1, then the same three
    points in other words; and the processing time, alone of its kind, without its section."""
    q = quote(parse_scenario({**BASE, "provider": "socialbeat", "service": "website", "completion_pct": 10,
                              "days_since_payment": 2, "payment_method": "card"}, BASIS), BASIS)
    (once,) = [s for s in explanation_sections(q) if s.title == "Once you ask"]
    assert once.items == () and {c.section for c in once.clauses} >= {"5.1", "6.2", "12.1"}
    (dates,) = [s for s in explanation_sections(q) if s.title == "Dates"]
    assert any(item.endswith("(by the payment method you used; section 6.1).") for item in dates.items)


@pytest.mark.parametrize("service, said", [("seo", "Step-Into does not sell SEO, so"),
                                           ("website", "Step-Into does not sell website design & development, so")])
def test_a_service_not_sold_is_named_as_the_app_names_it_mid_sentence(service, said):
    """A walkthrough read "Step-Into does not sell seo": an abbreviation keeps its capitals."""
    from policy.explain import plain_answer

    q = quote(parse_scenario(dict(provider="stepinto", service=service, amount_paid="900", completion_pct=0,
                                  days_since_payment=2), BASIS), BASIS)
    assert plain_answer(q).startswith(said)


def test_a_deadline_after_which_only_the_least_drops_says_so():
    q = quote(parse_scenario({**BASE, "days_since_payment": 3}, BASIS), BASIS)  # $4,500.00 - $4,900.00 now
    d = replace(q.deadlines[0], refund_min_after="1000.00", refund_max_after=q.refund_max)
    assert deadline_sentence(q, d).endswith("; from day 8 the least it gives drops: $1,000.00 - $4,900.00.")


def test_a_band_the_provider_decides_whose_words_also_read_two_ways_says_both():
    """A walkthrough on ITMedia's website at 60%: the headline said only that the provider decides, and "Why" and
    Compare only that its words read two ways (no refund in full: a prorated share; or no refund at all)."""
    q = quote(parse_scenario({"provider": "itmedia", "service": "website", "amount_paid": "1600", "completion_pct": 60,
                              "days_since_payment": 20}, BASIS), BASIS)
    assert q.verdict == Verdict.discretionary and q.ambiguities
    said = verdict_sentence(q)
    assert said.startswith("The policy lets the provider decide") and \
        said.endswith(f"Its text does not settle this case either ({q.ambiguities[0].title}): one reading gives up to "
                      "$640.00, another $0.00.")


@pytest.mark.parametrize("days, last_day_said", [(6, False), (7, True), (0, False)])
def test_a_deadline_on_the_day_the_quote_is_for_says_it_is_the_last_day(days, last_day_said):
    """A client on Step-Into's seventh day read "Ask for the refund by 06 Dec 2026" on 6 Dec, and nothing said it was
    that very day, the last (a walkthrough)."""
    q = quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="5000", completion_pct=0,
                                  days_since_payment=days, work_started=False, deliverables_provided=False), BASIS), BASIS)
    said = deadline_sentence(q, q.next_deadline)
    if last_day_said:
        assert said.startswith("Ask for the refund on day 7, the day this quote is for and the last day to ask, to keep")
    else:
        assert said.startswith("Ask for the refund by day 7 to keep") and "the last day" not in said
    # dated, in one aside: "(day 7 after the payment, ...) (the day this quote is for, ...)" read as a correction
    dated = deadline_sentence(q, q.next_deadline, asked_on=date(2026, 12, 7))
    assert dated.startswith("Ask for the refund on 07 Dec 2026, the day this quote is for and the last day to ask "
                            "(day 7 after the payment, which was 7 days before 07 Dec 2026), to keep $5,000.00") \
        if last_day_said else dated.count("(") == dated.count(")") == 2  # its count, and the share's


@pytest.mark.parametrize("notice, said", [
    (0, "It depends on the stage the work is in, which is not known here"),
    (None, "It depends on the stage the work is in and when notice was given, which are not known here"),
])
def test_the_facts_a_band_depends_on_agree_with_their_number(notice, said):
    """A walkthrough read "the stage the work is in, which are not known here"."""
    q = quote(parse_scenario(dict(provider="socialbeat", service="seo", amount_paid="1500", completion_pct=67,
                                  days_since_payment=20, work_started=True, notice_days=notice), BASIS), BASIS)
    assert verdict_sentence(q).startswith(said)


SPEND_SAID = ("The refund here can include unused ad spend, which is given as $0.00: if some of the budget is left "
              "unspent, give that amount to see it in the refund.")


@pytest.mark.parametrize("case, said", [
    (dict(provider="socialbeat", service="ppc", completion_pct=40), True),  # "unused ad spend only": $0.00 of it
    (dict(provider="socialbeat", service="ppc", completion_pct=40, unused_ad_spend="300"), False),  # given: in the band
    (dict(provider="socialbeat", service="ppc", completion_pct=0), True),  # 75% plus the spend (A-SB-19's reading)
    (dict(provider="socialbeat", service="website", completion_pct=40), False),  # no rule reads it
    (dict(provider="stepinto", service="ppc", completion_pct=40), False),
])
def test_a_refund_made_of_an_amount_left_at_zero_says_so(case, said):
    """A walkthrough read "No refund ... The policy gives no refund in this situation" beside "Active Campaigns: Refund
    of unused ad spend only", and nothing of the spend standing at $0.00; with $300 of it the band was $0 - $300."""
    q = quote(parse_scenario(dict(amount_paid="1200", days_since_payment=5) | case, BASIS), BASIS)
    assert (SPEND_SAID in q.notes) is said
    assert (SPEND_SAID in [i for part in explanation_sections(q) for i in part.items]) is said  # the calculator's "Why"


@pytest.mark.parametrize("case, said", [
    (dict(provider="socialbeat", service="ppc", completion_pct=50, provider_fault=True),
     "The policy leaves how much to Social Beat Digital, from $0.00 up to $1,199.99 (less than the full $1,200.00), by "
     "section 7.2: \u201cOur Delay: If we fail to meet agreed deadlines without valid reason, partial refunds may "
     "apply\u201d."),
    (dict(provider="stepinto", service="ppc", completion_pct=50, provider_fault=True),
     "The policy leaves how much to Step-Into, from $0.00 up to $1,200.00, by bullet point 2: \u201cIf there is a "
     "verified error in billing, a technical failure on our side, or if a promised part of the service has not been "
     "delivered, we may issue a partial or full refund after careful review of your case.\u201d"),
])
def test_a_range_the_policy_leaves_to_the_provider_says_which_clause_leaves_it(case, said):
    """A walkthrough on Compare: $0.00 - $1,199.99 and $0.00 - $1,200.00 for a delay of the provider's, the only
    ranges without a "Why a range"."""
    from policy.explain import range_sentences

    q = quote(parse_scenario(dict(amount_paid="1200", days_since_payment=10) | case, BASIS), BASIS)
    assert q.verdict == Verdict.discretionary and range_sentences(q) == (said,)
    assert said in [i for part in explanation_sections(q) for i in part.items]  # the calculator's "Why" too


def test_a_partial_refund_up_to_all_of_it_is_not_called_part_of_the_payment():
    """A walkthrough read "Partial refund 75% - 100% of the amount paid. You are entitled to part of your payment
    back" for Social Beat SEO at 0%: part, or all of it?"""
    q = quote(parse_scenario(dict(provider="socialbeat", service="seo", amount_paid="5000", completion_pct=0,
                                  days_since_payment=3), BASIS), BASIS)
    assert q.verdict == Verdict.partial and (q.refund_min, q.refund_max) == ("3750.00", "5000.00")
    assert verdict_sentence(q) == "You are entitled to at least $3,750.00 of your payment back, and possibly all of it ($5,000.00)."
    some = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct=30,
                                     days_since_payment=10, stage="design_concepts", work_started=True), BASIS), BASIS)
    assert some.refund_max != some.amount_paid and "possibly all" not in verdict_sentence(some)  # a part: as before
