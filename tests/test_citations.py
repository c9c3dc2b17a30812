"""decisions.md section 4: the clauses that decided a quote's amounts come first; scene-setting ones after."""
from shipped import BASIS

from policy import parse_scenario, quote

PREAMBLE = "Refunds are not standard practice for digital services that have already been executed"


def q_of(**fields):
    return quote(parse_scenario({"amount_paid": "5000", **fields}, BASIS), BASIS)


def deciding(q):
    return [c for c in q.clauses if c.decides]


def test_step_into_day_8_cites_the_7_day_clause_and_the_preamble_only_as_context():
    q = q_of(provider="stepinto", service="ppc", completion_pct=10, deliverables_provided=False, days_since_payment=8)
    first = q.clauses[0]
    assert first.quote == "you may request a full refund within 7 days of purchase"
    assert first.decides == ("refund_min", "refund_max")
    preamble = [c for c in q.clauses if c.quote.startswith(PREAMBLE)]
    assert preamble and all(not c.decides for c in preamble)


def test_content_briefing_cites_the_row_of_each_end():
    q = q_of(provider="socialbeat", service="content_marketing", completion_pct=0, work_started=True,
             days_since_payment=3)
    by_end = {c.decides: c.quote for c in deciding(q)}
    assert by_end[("refund_min",)].startswith("During Creation: 50%")
    assert by_end[("refund_max",)].startswith("Before Creation: 100%")


def test_itmedia_ppc_cites_the_ad_budget_clause_only_when_budget_is_unspent():
    prorated = "In some cases, a prorated refund may be considered"
    none = q_of(provider="itmedia", service="ppc", completion_pct=50, days_since_payment=3)
    assert not any(c.quote.startswith(prorated) for c in none.clauses)
    some = q_of(provider="itmedia", service="ppc", completion_pct=50, days_since_payment=3, unused_ad_spend="500")
    assert [c.decides for c in some.clauses if c.quote.startswith(prorated)] == [("refund_max",)]


def test_an_explicit_stage_outside_completion_carries_a_note_and_its_heading_is_context():
    q = q_of(provider="socialbeat", service="website", completion_pct=40, days_since_payment=3, stage="launch")
    assert [c.quote for c in q.clauses[:2]] == ["No Refund: Once development exceeds 50% completion",
                                                "No Refund: Once the website is deployed to staging or production"]
    heading = [c for c in q.clauses if c.quote.startswith("e) Launch Phase")]
    assert heading and not heading[0].decides
    assert any("Launch (76-100%)" in n and "40" in n and "Design" in n for n in q.notes), q.notes
    inside = q_of(provider="socialbeat", service="website", completion_pct=80, days_since_payment=3, stage="launch")
    assert not any("outside it" in n for n in inside.notes)


def test_a_closed_window_is_decided_by_the_window_clause():
    q = q_of(provider="socialbeat", service="website", completion_pct=10, days_since_payment=31)
    assert q.clauses[0].section == "2.2" and q.clauses[0].decides == ("refund_min", "refund_max")


def test_an_exception_that_lifts_the_maximum_decides_it():
    q = q_of(provider="stepinto", service="ppc", completion_pct=50, deliverables_provided=True, days_since_payment=20,
             billing_error=True)
    assert (q.refund_min, q.refund_max, q.verdict) == ("0.00", "5000.00", "discretionary")
    assert [c.section for c in q.clauses if "refund_max" in c.decides] == ["B2"]


def test_deciding_clauses_come_before_context_in_every_quote():
    for fields in (
        dict(provider="socialbeat", service="website", completion_pct=30, days_since_payment=5),
        dict(provider="socialbeat", service="seo", completion_pct=40, days_since_payment=5),
        dict(provider="stepinto", service="ppc", completion_pct=0, days_since_payment=10),
    ):
        q = q_of(**fields)
        flags = [bool(c.decides) for c in q.clauses]
        assert flags == sorted(flags, reverse=True) and flags[0]


def test_a_website_in_its_launch_band_with_no_deployment_said_cites_development_past_half_too():
    """A walkthrough: $0.00 at 80% was pinned on 'Once the website is deployed', which nobody had said (A-SB-06)."""
    q = q_of(provider="socialbeat", service="website", completion_pct=80, days_since_payment=12)
    cited = [(c.section, c.quote) for c in deciding(q)]
    assert cited == [("3.1(d)", "No Refund: Once development exceeds 50% completion"),  # deployed or not, first
                     ("3.1(e)", "No Refund: Once the website is deployed to staging or production")]
    assert all(c.decides == ("refund_min", "refund_max") for c in deciding(q))


def test_compare_says_which_reading_of_a_clause_gives_each_end():
    """A full refund traced to a 75% clause, with no word of the reading that made it 100%, read as a contradiction."""
    from policy.compare import decided_by

    q = q_of(provider="socialbeat", service="seo", completion_pct=0, days_since_payment=3)
    minimum, maximum = decided_by(q)[:2]
    assert maximum.startswith('Maximum $5,000.00, by section 3.3: "Audit Phase: 75%')
    assert maximum.endswith(", read as \u201cnothing was done: 100%\u201d (ambiguity A-SB-18)")
    assert minimum.endswith(", read as \u201cthe audit phase's 75%\u201d (ambiguity A-SB-18)")
    client_max = decided_by(q, for_client=True)[1]  # a client reads the reading's plain words, and no id
    assert client_max.endswith(", read as \u201cif nothing done means a full refund\u201d") and "A-SB" not in client_max
    fee = decided_by(q_of(provider="socialbeat", service="website", completion_pct=0, days_since_payment=3))
    assert fee[0].endswith('before project kickoff"')  # as written: no reading to name
    assert fee[1].endswith("for administrative costs\" (as decisions.md 'SB fee' reads it)")
    assert "decisions.md" not in decided_by(q_of(provider="socialbeat", service="website", completion_pct=0,
                                                 days_since_payment=3), for_client=True)[1]
