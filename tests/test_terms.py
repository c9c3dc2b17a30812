"""Policy terms read from a policy: the file's own entries, else what its rules say (policy/terms.py)."""
from pathlib import Path

import pytest

from policy import shipped_policies as policies
from policy.terms import NOT_STATED


@pytest.mark.parametrize("term, says", [
    ("request_window", 'A request within 30 days of payment. [1] "Ask for a refund within 30 days of payment."'),
    ("non_refundable_items", "Not refundable: Third-party costs. [4]"),
    ("contact", 'Email refunds@acme.example. [5] "Email refunds@acme.example to ask."'),
    ("governing_law", NOT_STATED),  # no rule says it either
])
def test_a_term_the_file_gives_no_entry_for_is_read_from_its_rules(term, says):
    """A fourth provider's file gave rules and no term entries: Policy terms said "not stated" for the 30-day window
    every one of its quotes applied (a walkthrough)."""
    from policy.loader import parse_policy
    from policy.terms import cell_text

    acme = parse_policy((Path(__file__).parent / "cases" / "lint" / "acme.toml").read_text(), "acme.toml")
    assert term not in acme.terms
    assert cell_text(acme, term).startswith(says)


def test_a_files_own_term_entry_wins_over_its_rules():
    from policy.terms import term_of

    for policy in policies().values():
        for term, entry in policy.terms.items():
            assert term_of(policy, term) is entry


def test_step_intos_refund_before_work_reads_as_its_tiers_quote_it():
    """The summary said a full refund if the service has not started *or* nothing was delivered, beside tiers that
    give it only when both hold and from nothing to all of it when one does (decisions.md 'SI window', a walkthrough)."""
    from decimal import Decimal

    from policy import parse_scenario, quote
    from tests.shipped import BASIS

    said = policies()["stepinto"].terms["refund_before_work"].summary
    assert "has not started and nothing has been delivered" in said and "only one of the two" in said

    def band(**facts):
        q = quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="1000", completion_pct=0,
                                      days_since_payment=3, **facts), BASIS), BASIS)
        return Decimal(q.refund_min), Decimal(q.refund_max)

    assert band(work_started=False, deliverables_provided=False) == (1000, 1000)  # both: a full refund
    assert band(work_started=True, deliverables_provided=False) == (0, 1000)  # one of the two: nothing to all of it


def test_a_tiers_band_reads_as_words_nothing_for_no_amount():
    """ITMedia's work in progress read '0% of the payment to less than 100% of the base not yet worked'."""
    from policy.amount_words import tier_refund

    it = policies()["itmedia"]
    tier = next(t for s in it.services["website"].stages for t in s.tiers if t.id == "it_started")
    assert tier_refund(tier, it.currency) == "nothing to the base's part for the work not yet done, never all of the base"


@pytest.mark.parametrize("provider, term, says, quoted", [
    ("socialbeat", "deductions", "Taken off the amount paid before the refund is worked out: Taxes already remitted, "
     "Third-party costs (non-refundable).", "Refunds will be processed net of any taxes already remitted"),
    ("stepinto", "exceptions", "Verified billing error: partial or full refund at Step-Into's discretion",
     "If there is a verified error in billing, a technical failure on our side"),
    ("itmedia", "exceptions", NOT_STATED, ""),
])
def test_the_money_taken_off_and_the_exceptions_have_rows_of_their_own(provider, term, says, quoted):
    """A walkthrough found Social Beat's netting of taxes (12.2) and Step-Into's exceptions (B2) in no row of the
    terms: only in the full texts at the foot of the page."""
    from policy.terms import cell_text

    text = cell_text(policies()[provider], term)
    assert text.startswith(says) and quoted in text


def test_an_ambiguity_is_met_where_the_decision_its_reading_adopts_is_applied():
    """A-SB-03 (the holes between the website's bands) said nowhere where it applies, though every stage reads the
    decisions.md row 'SB bands' its adopted reading cites (a walkthrough)."""
    from policy.terms import ambiguity_places

    places = ambiguity_places(policies()["socialbeat"])
    assert ("3.1(e)", ("website",)) in places["A-SB-03"]
    assert places["A-SB-15"]  # 'SB window': the window's clause
