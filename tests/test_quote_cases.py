"""The data-driven table tests/cases/quotes.toml: every tier, every decisions.md row, every boundary."""
import tomllib
from pathlib import Path

import pytest
from shipped import BASIS

from policy import parse_scenario, quote
from policy import shipped_policies as policies
from policy.taxonomy import DECISIONS

CASES = tomllib.loads((Path(__file__).parent / "cases" / "quotes.toml").read_text(encoding="utf-8"))["case"]


def run(case):
    scenario = {"amount_paid": "5000", **case["scenario"]}
    return quote(parse_scenario(scenario, BASIS), BASIS)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case):
    q = run(case)
    expect = case["expect"]
    assert (q.refund_min, q.refund_max, q.verdict) == (expect["min"], expect["max"], expect["verdict"])
    if "stage" in expect:
        assert q.stage.candidates == (expect["stage"],)
    if "next_charge_avoided" in expect:
        assert q.next_charge_avoided is expect["next_charge_avoided"]
    if "next_deadline_last_day" in expect:
        assert q.next_deadline is not None and q.next_deadline.last_day == expect["next_deadline_last_day"]
    if "ambiguities" in expect:
        assert set(expect["ambiguities"]) <= {a.id for a in q.ambiguities}
    if "unknowns" in expect:
        assert [u.fact for u in q.unknowns] == expect["unknowns"]
    if "deductions" in expect:
        assert [d.field for d in q.deductions] == expect["deductions"]
    if "first_clause" in expect:
        assert q.clauses[0].section == expect["first_clause"] and q.clauses[0].decides
    if "note" in expect:
        assert any(expect["note"] in n for n in q.notes), q.notes
    if "less_than_full" in expect:
        assert q.less_than_full == (expect["less_than_full"] or None)
    if "processing_days" in expect:
        p = q.processing_time
        assert [p.min_business_days, p.max_business_days] == expect["processing_days"]


def test_every_tier_of_every_service_is_decided_alone_by_some_case():
    decided = set()
    for case in CASES:
        q = run(case)
        if len(q.tiers) == 1:
            decided.add((q.provider, q.service, q.tiers[0]))
    all_tiers = {
        (p.id, sid, tier.id)
        for p in policies().values()
        for sid, service in p.services.items()
        for stage in service.stages
        for tier in stage.tiers
    }
    assert all_tiers - decided == set()


def test_every_decision_row_has_a_case():
    assert DECISIONS - {c.get("decision") for c in CASES} == set()


def test_every_not_offered_service_of_every_provider_says_so():
    from policy.taxonomy import SERVICES

    for p in policies().values():
        for sid in SERVICES:
            q = quote(parse_scenario(dict(provider=p.id, service=sid, amount_paid="100", completion_pct=0, days_since_payment=0), BASIS), BASIS)
            assert (q.verdict == "not_offered") == (sid not in p.services)
