"""The lab's tables: every shipped policy round-trips through them unchanged, an edit lands where it was made,
and a problem is named by its table, row and column."""
import pandas as pd
import pytest

from policy import shipped_policies as policies
from policy.lab import (
    LabError,
    Tables,
    edited,
    exception_rows,
    processing_rows,
    stage_rows,
    term_rows,
    tier_rows,
)


def as_edited(rows: list[dict]) -> list[dict]:
    """Rows as st.data_editor hands them back: through a DataFrame (a blank number becomes NaN)."""
    return pd.DataFrame(rows).to_dict("records") if rows else []


def tables(policy, **changed) -> Tables:
    found = dict(tiers=tier_rows(policy), terms=term_rows(policy), stages=stage_rows(policy),
                 processing=processing_rows(policy), exceptions=exception_rows(policy))
    return Tables(**{k: as_edited(changed.get(k, v)) for k, v in found.items()})


@pytest.mark.parametrize("pid", sorted(policies()))
def test_a_policy_comes_back_from_its_tables_unchanged(pid):
    policy = policies()[pid]
    assert edited(policy, tables(policy)) == policy


def row(rows: list[dict], **match) -> int:
    return next(i for i, r in enumerate(rows) if all(r[k] == v for k, v in match.items()))


def test_each_table_edit_lands_where_it_was_made():
    sb = policies()["socialbeat"]
    tiers, stages = tier_rows(sb), stage_rows(sb)
    tiers[row(tiers, tier="sb_web_7d_fee")].update(fee_pct=5, fee_cap=50)
    stages[row(stages, service="website", stage="discovery")]["completion_below"] = 30
    stages[row(stages, service="website", stage="design_concepts")]["completion_from"] = 30
    stages[row(stages, service="website", stage="design_revisions")]["completion_from"] = 30
    processing = processing_rows(sb)
    processing[0]["max_business_days"] = 20
    new = edited(sb, tables(sb, tiers=tiers, stages=stages, processing=processing), version="v2")
    website = {s.id: s for s in new.services["website"].stages}
    fee_tier = next(t for t in website["pre_project"].tiers if t.id == "sb_web_7d_fee")
    assert (fee_tier.max.less_fee.pct, fee_tier.max.less_fee.cap) == (5, 50)
    assert website["discovery"].completion_below == 30 and website["design_concepts"].completion_from == 30
    assert new.processing_times[0].max_business_days == 20 and new.version == "v2"


def test_problems_are_named_by_table_row_and_column():
    sb = policies()["socialbeat"]
    tiers, stages, processing = tier_rows(sb), stage_rows(sb), processing_rows(sb)
    fee_row = row(tiers, tier="sb_web_7d_fee")
    tiers[fee_row]["fee_cap"] = None
    stages[row(stages, service="website", stage="discovery")]["completion_below"] = "a lot"
    processing[0]["max_business_days"] = 2.5
    with pytest.raises(LabError) as caught:
        edited(sb, tables(sb, tiers=tiers, stages=stages, processing=processing))
    said = [str(p) for p in caught.value.problems]
    assert f"Tiers, row {fee_row + 1}, column Fee cap ($): a fee needs both its percent and its cap" in said[0]
    assert any(s.startswith(f"Stages, row {row(stages, stage='discovery') + 1}, column Below % (excl.): must be a "
                            "number") for s in said)
    assert any(s.startswith("Processing, row 1, column Max business days: must be a whole number") for s in said)


def test_a_schema_rule_broken_in_a_table_is_placed_on_its_row():
    si = policies()["stepinto"]
    exceptions = exception_rows(si)
    exceptions[0]["max_pct"] = 140
    with pytest.raises(LabError) as caught:
        edited(si, tables(si, exceptions=exceptions))
    assert [str(p) for p in caught.value.problems] == [
        "Exceptions, row 1, column Max %: must be less than or equal to 100"]


def test_a_minimum_above_the_maximum_is_refused_on_its_tier_row():
    sb = policies()["socialbeat"]
    tiers = tier_rows(sb)
    at = row(tiers, tier="sb_web_discovery")
    tiers[at].update(min_pct=60, max_pct=55)
    with pytest.raises(LabError) as caught:
        edited(sb, tables(sb, tiers=tiers))
    assert [str(p) for p in caught.value.problems] == [
        f"Tiers, row {at + 1}, column Max %: is 55% of base, below the minimum's 60%: the minimum must not exceed "
        "the maximum"]


def test_a_bad_cell_and_a_broken_rule_elsewhere_are_named_together_with_no_echo():
    """The author sees every problem at once: a cell that is not a number does not hide a percent over 100."""
    sb = policies()["socialbeat"]
    tiers = tier_rows(sb)
    tiers[row(tiers, tier="sb_web_discovery")]["min_pct"] = 150
    tiers[row(tiers, tier="sb_web_discovery")]["max_pct"] = 150
    tiers[row(tiers, tier="sb_web_7d_fee")]["max_pct"] = "ten"
    with pytest.raises(LabError) as caught:
        edited(sb, tables(sb, tiers=tiers))
    said = [str(p) for p in caught.value.problems]
    assert any("column Max %: must be a number" in s for s in said)
    assert any("column Min %: must be less than or equal to 100" in s for s in said)
    assert not any("at least 1 item" in s for s in said), said  # the emptied list is an echo, not a problem


def test_a_condition_on_a_stages_last_tier_is_named_on_that_tier():
    sb = policies()["socialbeat"]
    tiers = tier_rows(sb)
    at = row(tiers, tier="sb_web_discovery")  # the discovery stage's only (so last) tier
    tiers[at]["days_min"] = 5
    with pytest.raises(LabError) as caught:
        edited(sb, tables(sb, tiers=tiers))
    (problem,) = caught.value.problems
    assert (problem.table, problem.row) == ("tiers", at + 1)
    assert "the last tier of stage discovery must apply whatever the day" in problem.message
