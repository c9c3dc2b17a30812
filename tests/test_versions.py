"""Versions with effective dates: a quote follows the version in force on the payment date, at the boundary day
too; `python -m policy versions` and `diff`."""
import json
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from in_process import Ran, run_cli
from shipped import TODAY

from policy import parse_scenario, quote
from policy import shipped_policies as policies
from policy.diff import band_changes, rule_changes
from policy.loader import parse_policy, policy_toml
from policy.schema import PolicyFile
from policy.versions import Basis, Version, shipped_catalog

ROOT = Path(__file__).resolve().parent.parent


def discovery_at(pct: int, version: str, effective: date) -> PolicyFile:
    """Social Beat with its website discovery refund changed, from `effective`."""
    data = policies()["socialbeat"].model_dump()
    for stage in data["services"]["website"]["stages"]:
        for tier in stage["tiers"]:
            if tier["id"] == "sb_web_discovery":
                tier["min"]["pct"] = tier["max"]["pct"] = pct
    return PolicyFile.model_validate({**data, "version": version, "effective_from": effective})


NEW = discovery_at(60, "2027-01-01", date(2027, 1, 1))
CATALOG = shipped_catalog().adding([Version(NEW, "", status="published", published_at=datetime(2026, 12, 2))])
UNDER = Basis(CATALOG, TODAY)


def discovery(paid_on: date):
    return quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="1000", completion_pct=10,
                                     days_since_payment=3, paid_on=paid_on), UNDER), UNDER)


def test_the_version_in_force_on_the_payment_date_decides_and_is_named_at_the_boundary_day():
    before, on_the_day = discovery(date(2026, 12, 31)), discovery(date(2027, 1, 1))
    assert (before.policy_version, before.refund_max) == ("2025-06-17", "750.00")
    assert (on_the_day.policy_version, on_the_day.refund_max) == ("2027-01-01", "600.00")
    assert discovery(date(2020, 1, 1)).policy_version == "2025-06-17"  # before the first: the first


@pytest.mark.parametrize("days, version", [(0, "2027-01-01"), (1, "2025-06-17"), (20, "2025-06-17")])
def test_a_case_given_in_days_is_quoted_under_the_version_of_the_day_it_was_paid(days, version):
    """Asked on the new version's first day: paid that day, the new one; a day or more before, the one before (it was
    quoted under the version of the day asked, as if paid that day)."""
    asked = Basis(CATALOG, date(2027, 1, 1))
    q = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="1000", completion_pct=10,
                                  days_since_payment=days), asked), asked)
    assert q.policy_version == version and q.refund_max == ("600.00" if days == 0 else "750.00")
    assert asked.payment_day(None, days) == date(2027, 1, 1) - timedelta(days=days)


@cache
def published_from(i: int, day: date) -> Version:
    """NEW as version v{i}, in force from `day`: built from NEW's validated fields, not validated again per example
    (the fewest-days invariant is about dates; validating up to four whole policies an example took 12 s of 300)."""
    fields = {name: getattr(NEW, name) for name in PolicyFile.model_fields}
    policy = PolicyFile.model_construct(**{**fields, "version": f"v{i}", "effective_from": day})
    return Version(policy, "", status="published", published_at=datetime(2026, 1, 1))


@given(st.lists(st.dates(date(2026, 1, 1), date(2027, 6, 1)), max_size=4), st.integers(0, 400),
       st.dates(date(2026, 6, 1), date(2027, 3, 1)))
def test_the_fewest_days_alike_keep_a_case_under_its_versions(effective, days, asked):
    """A cache key that leaves a case's days out (a curve across days) puts in their place the fewest days whose
    payment day has the same versions; 0 days put it under a version published since it was paid."""
    catalog = shipped_catalog().adding([published_from(i, day) for i, day in enumerate(effective)])
    basis = Basis(catalog, asked)
    scenario = parse_scenario(dict(provider="socialbeat", service="website", amount_paid="1000", completion_pct=10,
                                   days_since_payment=days), basis)
    alike = basis.fewest_days_alike(scenario)
    assert 0 <= alike <= days
    assert basis.for_scenario(scenario) == basis.for_scenario(scenario.model_copy(update={"days_since_payment": alike}))
    fewer = scenario.model_copy(update={"days_since_payment": alike - 1})
    assert alike == 0 or basis.for_scenario(fewer) != basis.for_scenario(scenario)  # the fewest
    dated = scenario.model_copy(update={"paid_on": date(2026, 12, 1)})
    assert basis.fewest_days_alike(dated) == 0  # a dated payment's versions do not move with its days


def test_a_draft_is_never_quoted_and_a_catalog_change_changes_its_revision():
    drafted = shipped_catalog().adding([Version(NEW, "", status="draft")])
    assert drafted.on(date(2027, 6, 1))["socialbeat"].version == "2025-06-17"
    assert len({shipped_catalog().revision, drafted.revision, CATALOG.revision}) == 3


def test_a_version_written_as_toml_loads_back_the_same():
    for policy in (*policies().values(), NEW):
        assert parse_policy(policy_toml(policy)) == policy


def test_the_diff_names_the_rule_and_the_scenarios_whose_band_changes():
    old = policies()["socialbeat"]
    assert [(r.rule, r.change, r.what) for r in rule_changes(old, NEW)] == [
        ("services.website.stages.discovery.tiers.sb_web_discovery", "changed", "min.pct: 75 -> 60; max.pct: 75 -> 60")]
    edited = old.model_dump()  # each rule and field as the lab names them (the audit trail says a change so)
    edited["window"]["days"] = 20
    edited["exceptions"][0]["min"]["pct"] = 10
    edited["remedies"] = edited["remedies"][1:]
    tier = edited["services"]["website"]["stages"][0]["tiers"][1]
    tier["clauses"][0]["quote"] += " (edited)"
    (tier["max"]["less_fee"] or tier["min"]["less_fee"])["cap"] = 50
    assert [r.in_words for r in rule_changes(old, type(old).model_validate(edited))] == [
        "Request window: days 30 -> 20",
        f"Exception: {old.exceptions[0].label}: Min % 0 -> 10",
        f"Remedy: {old.remedies[0].label}: removed",
        f"Website Design & Development, Pre-project phase (before work begins), tier \u201c{tier['label']}\u201d: "
        "Fee cap ($) 100 -> 50; Verbatim quote edited"]  # a long text cut short read the same before and after
    changed = band_changes(old, NEW)
    assert set(changed.service) == {"website"} and len(changed) > 0
    row = changed[(changed.completion_pct == 10) & (changed.days_since_payment == 3)].iloc[0]
    assert (row.before, row.after) == ("$7,500.00", "$6,000.00")
    assert band_changes(old, old).empty


def cli(*args: str) -> Ran:
    return run_cli(args)  # python -m policy, in this process, under the shipped versions (no register)


def test_the_versions_and_diff_commands(tmp_path):
    r = cli("versions", "--json")
    rows = json.loads(r.stdout)
    assert r.returncode == 0 and {x["provider"] for x in rows} == set(policies())
    assert all(x["in_force_today"] for x in rows)
    assert "(in force today)" in cli("versions").stdout
    assert "(in force on 2020-01-01)" in cli("versions", "--as-of", "2020-01-01").stdout  # not 'today'
    new = tmp_path / "socialbeat-2027.toml"
    new.write_text(policy_toml(NEW))
    r = cli("diff", str(ROOT / "policy" / "data" / "socialbeat.toml"), str(new))
    assert r.returncode == 0 and ("changed: services.website.stages.discovery.tiers.sb_web_discovery: min.pct: 75 -> "
                                  "60; max.pct: 75 -> 60") in r.stdout  # what changed in the rule, not only which
    assert "10%, day 0: $7,500.00 -> $6,000.00" in r.stdout
    r = cli("diff", str(ROOT / "policy" / "data" / "stepinto.toml"), str(new))
    assert r.returncode == 2 and "compare two versions of one provider" in r.stderr
    r = cli("quote", "--provider", "socialbeat", "--service", "website", "--amount-paid", "1000",
            "--completion-pct", "10", "--paid-on", "2026-11-30", "--days-since-payment", "3")
    assert r.returncode == 0 and "2025-06-17" in r.stdout


def test_a_version_published_to_take_over_later_is_coming_until_its_day():
    assert [v.policy.version for v in CATALOG.coming(date(2026, 12, 31))] == ["2027-01-01"]
    assert CATALOG.coming(date(2027, 1, 1)) == ()  # in force from its day
    drafted = shipped_catalog().adding([Version(NEW, "", status="draft")])
    assert drafted.coming(date(2026, 12, 31)) == ()  # a draft is not coming: it may never be published


def test_a_version_replaced_on_its_own_date_is_never_coming_nor_said_to_answer_and_the_command_says_so():
    """A walkthrough published two versions from the same day: the calculator named the first as the one for payments
    from that day, Compare and Policy terms listed both for later payments, and `versions` did not mark the first."""
    first = Version(discovery_at(60, "2027-01-01", date(2027, 1, 1)), "", status="published",
                    published_at=datetime(2026, 12, 2, 9))
    second = Version(discovery_at(65, "2027-01-01-2", date(2027, 1, 1)), "", status="published",
                     published_at=datetime(2026, 12, 2, 10))
    catalog = shipped_catalog().adding([first, second])
    assert [v.policy.version for v in catalog.coming(date(2026, 12, 31))] == ["2027-01-01-2"]
    assert catalog.on(date(2027, 1, 1))["socialbeat"] is second.policy
    assert dict(catalog.replaced) == {("socialbeat", "2027-01-01"): second}
    listed = run_cli(["versions", "--json"], catalog=lambda: catalog)
    rows = {r["version"]: r for r in json.loads(listed.stdout)}
    assert rows["2027-01-01"]["replaced_by"] == "2027-01-01-2" and rows["2027-01-01-2"]["replaced_by"] is None
    said = run_cli(["versions"], catalog=lambda: catalog).stdout
    assert "(replaced from the same date by 2027-01-01-2, published after it)" in said
    assert CATALOG.replaced == {}  # one version a day: none replaced


def test_a_new_providers_first_version_is_never_coming_it_answers_before_its_date_too():
    """A fourth provider published from today was said "for later payments" beside the quote it gave a payment 5 days
    ago (a walkthrough): its first version is in force before its own date too."""
    acme = parse_policy((ROOT / "tests" / "cases" / "lint" / "acme.toml").read_text(), "acme.toml")
    acme = acme.model_copy(update={"effective_from": date(2027, 1, 1)})
    catalog = shipped_catalog().adding([Version(acme, "", status="published", published_at=datetime(2026, 12, 2))])
    assert catalog.coming(date(2026, 12, 1)) == ()
    assert catalog.on(date(2026, 12, 1))["acme"] is acme  # it answers for that payment already
    basis = Basis(catalog, date(2026, 12, 6))
    s = parse_scenario(dict(provider="acme", service="website", amount_paid="2000", completion_pct=30,
                            days_since_payment=5), basis)
    assert basis.fewest_days_alike(s) == 0


def test_a_readings_change_is_named_by_its_number_and_its_unclear_term_as_the_lab_shows_it():
    """The audit trail said "ambiguity readings 1 label ... amount pct 75 -> 65": the lab shows that row as Reading 2
    of A-SB-04, and nothing named A-SB-04 (a walkthrough)."""
    data = policies()["socialbeat"].model_dump()
    for stage in data["services"]["website"]["stages"]:
        for tier in stage["tiers"]:
            if tier["id"] == "sb_web_pre_kickoff_gap":
                reading = tier["ambiguity"]["readings"][1]
                reading["amount"]["pct"], reading["label"] = 65, "the next phase's 65%"
    (change,) = rule_changes(policies()["socialbeat"], PolicyFile.model_validate(data))
    assert change.said == ("Reading 2 of A-SB-04: What it says the next phase's 75% -> the next phase's 65%",
                           "Reading 2 of A-SB-04: Its % 75 -> 65")
