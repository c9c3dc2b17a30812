"""The lab's tables: every shipped policy round-trips through them unchanged, an edit lands where it was made,
and a problem is named by its table, row and column."""
import pandas as pd
import pytest
from in_process import Ran, run_cli

from policy import shipped_policies as policies
from policy.lab import (
    END,
    GRIDS,
    LABELS,
    Column,
    LabError,
    Tables,
    edited,
    exception_rows,
    processing_rows,
    reading_rows,
    rows_of,
    stage_rows,
    term_rows,
    tier_rows,
)


def as_edited(rows: list[dict]) -> list[dict]:
    """Rows as st.data_editor hands them back: through a DataFrame (a blank number becomes NaN)."""
    return pd.DataFrame(rows).to_dict("records") if rows else []


def tables(policy, **changed) -> Tables:
    found = dict(tiers=tier_rows(policy), terms=term_rows(policy), stages=stage_rows(policy),
                 processing=processing_rows(policy), exceptions=exception_rows(policy), readings=reading_rows(policy))
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
    # each row named by the rule it is, too: a grid numbers no rows (a walkthrough counted them)
    assert f"Tiers, row {fee_row + 1} (sb_web_7d_fee), column Fee cap ($): a fee needs both its percent and its cap" \
        in said[0]
    assert any(s.startswith(f"Stages, row {row(stages, stage='discovery') + 1} (discovery), column Below % (excl.): "
                            "must be a number") for s in said)
    assert any(s.startswith(f"Processing, row 1 ({processing[0]['method']}), column Max business days: must be a "
                            "whole number") for s in said)


def test_a_schema_rule_broken_in_a_table_is_placed_on_its_row():
    si = policies()["stepinto"]
    exceptions = exception_rows(si)
    exceptions[0]["max_pct"] = 140
    with pytest.raises(LabError) as caught:
        edited(si, tables(si, exceptions=exceptions))
    assert [str(p) for p in caught.value.problems] == [
        f"Exceptions, row 1 ({exceptions[0]['flag']}), column Max %: must be less than or equal to 100"]


def test_a_minimum_above_the_maximum_is_refused_on_its_tier_row():
    sb = policies()["socialbeat"]
    tiers = tier_rows(sb)
    at = row(tiers, tier="sb_web_discovery")
    tiers[at].update(min_pct=60, max_pct=55)
    with pytest.raises(LabError) as caught:
        edited(sb, tables(sb, tiers=tiers))
    assert [str(p) for p in caught.value.problems] == [
        f"Tiers, row {at + 1} (sb_web_discovery), column Max %: is 55% of base, below the minimum's 60%: the minimum "
        "must not exceed "
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


def test_a_version_number_over_its_limit_is_refused_by_name_not_cut():
    from policy.schema import VERSION_MAX

    sb = policies()["socialbeat"]
    with pytest.raises(LabError) as caught:
        edited(sb, tables(sb), version="v" * (VERSION_MAX + 1))
    (problem,) = caught.value.problems
    assert problem.column == "version" and str(VERSION_MAX) in problem.message
    assert edited(sb, tables(sb), version="v" * VERSION_MAX).version == "v" * VERSION_MAX


# ------------------------------------------------------------------ what an edit changes (policy/diff.py)


def _tier_edit(pid: str, tier: str, **values):
    policy = policies()[pid]
    rows = tier_rows(policy)
    rows[row(rows, tier=tier)].update(values)
    return policy, edited(policy, tables(policy, tiers=rows))


def test_an_edit_the_band_hides_is_not_counted_but_said_under_the_fact_not_given():
    """The issue's Step-Into edit: started, nothing delivered, minimum 0% -> 50%. With deliverables not given the
    band stays $0.00 - $10,000.00: no client sees a change; a client who says nothing was delivered does."""
    from policy.diff import band_changes

    si, new = _tier_edit("stepinto", "si_started_nothing_delivered_window", min_pct=50)
    changed = band_changes(si, new)
    assert changed.seen.sum() == 0 and len(changed) == 160  # the count the page showed, none of it visible
    assert (changed.before == changed.after).all()
    first = changed.iloc[0]
    assert first.end == "min" and first.under == ("deliverables provided: no: $0.00 - $10,000.00 -> $5,000.00 - "
                                                  "$10,000.00; verdict: discretionary -> depends")


def test_a_seen_change_names_the_end_that_moved_and_the_stage_it_moved_under():
    from policy.diff import band_changes

    sb, new = _tier_edit("socialbeat", "sb_web_design_concepts", min_pct=40, max_pct=40)
    changed = band_changes(sb, new)
    assert changed.seen.all() and (changed.before != changed.after).all()  # every row shown differs
    at = changed[(changed.completion_pct == 30) & (changed.days_since_payment == 3)].iloc[0]
    assert (at.before, at.after, at.end) == ("$2,500.00 - $5,000.00", "$2,500.00 - $4,000.00", "max")
    assert at.under == "stage: Design (26-50%): concepts presented, no revisions yet: $5,000.00 -> $4,000.00"
    si, new = _tier_edit("stepinto", "si_full_window", min_pct=80)
    moved = band_changes(si, new)
    assert set(moved.end) == {"min"} and set(moved.under) == {""}  # no fact not given matters at 0%, not started
    assert band_changes(sb, sb).empty


def test_the_diff_command_says_the_effective_date_the_ends_and_what_the_band_hides(tmp_path):
    import json
    from datetime import date

    from policy.loader import policy_toml

    si, new = _tier_edit("stepinto", "si_started_nothing_delivered_window", min_pct=50)
    old_file, new_file = tmp_path / "old.toml", tmp_path / "new.toml"
    old_file.write_text(policy_toml(si))
    new_file.write_text(policy_toml(new.model_copy(update={"version": "2027-01", "effective_from": date(2027, 1, 1)})))

    def diff(*args: str) -> Ran:
        return run_cli(["diff", old_file, new_file, *args])  # python -m policy diff, in this process

    said = diff()
    assert said.returncode == 0, said.stderr
    assert "effective date: from the start -> 2027-01-01" in said.stdout
    assert "0 sample client(s) shown another band" in said.stdout
    assert ("160 more shown the same band, and another once they give a fact they left out" in said.stdout
            and "5%, day 0: $0.00 - $10,000.00; deliverables provided: no: $0.00 - $10,000.00 -> $5,000.00 - "
                "$10,000.00" in said.stdout)
    # three listed of each service, then how many more: "160 client(s)" above three lines read as all (a walkthrough)
    assert "    ... and 157 more (--json lists them all)" in said.stdout.splitlines()
    report = json.loads(diff("--json").stdout)
    assert report["effective_from"] == {"before": None, "after": "2027-01-01"} and report["changed_quotes"] == 0
    assert {s["end"] for s in report["scenarios"]} == {"min"}


# The grids' columns are declared once (policy/lab.py: Grid, Column): the cell read, the value written and the
# column a schema error is named in all come from the one declaration.

EDITABLE = [(g.name, c) for g in GRIDS.values() for c in g.columns if c.read != "key"]


@pytest.mark.parametrize("grid, column", EDITABLE, ids=[f"{g}.{c.name}" for g, c in EDITABLE])
def test_a_schema_error_at_a_columns_place_is_named_in_that_column(grid, column: Column):
    for place in (column.path, *column.shows):
        assert GRIDS[grid].column_at((*("max" if p == END else p for p in place), "deeper")) == column.name
        assert GRIDS[grid].column_at(tuple("min" if p == END else p for p in place)) == column.name
    assert column.name in LABELS  # the grid's header and the problem say it in words


@pytest.mark.parametrize("grid, column", [(g, c) for g, c in EDITABLE if c.read in ("number", "days")],
                         ids=[f"{g}.{c.name}" for g, c in EDITABLE if c.read in ("number", "days")])
def test_a_bad_cell_of_every_number_column_is_named_by_its_table_row_and_column(grid, column: Column):
    sb = policies()["socialbeat"]
    rows = rows_of(GRIDS[grid], sb)
    assert rows, f"Social Beat has no {grid} row"
    rows[0][column.name] = "a lot"
    with pytest.raises(LabError) as caught:
        edited(sb, tables(sb, **{grid: rows}))
    assert any((p.table, p.row, p.column) == (grid, 1, column.name) and "must be a number" in p.message
               for p in caught.value.problems), caught.value.problems


FLAGS = [(g, c) for g, c in EDITABLE if c.read == "flag"]


@pytest.mark.parametrize("grid, column", FLAGS, ids=[f"{g}.{c.name}" for g, c in FLAGS])
def test_a_yes_no_cell_reads_its_words_and_refuses_others(grid, column: Column):
    """'no' typed in Work started made the tier one for work started: any text read as True (a walkthrough)."""
    sb = policies()["socialbeat"]
    rows = rows_of(GRIDS[grid], sb)
    at = next(i for i, r in enumerate(rows) if r[column.name] is None) if grid == "tiers" else 0
    for typed, read in (("no", False), ("False", False), (" yes ", True), ("", None), (False, False), (True, True)):
        rows[at][column.name] = typed
        try:
            new = edited(sb, tables(sb, **{grid: rows}))
        except LabError as refused:  # a rule of the schema may refuse the value itself: not this test's to say
            assert not any(p.column == column.name and "yes or no" in p.message for p in refused.problems)
            continue
        assert rows_of(GRIDS[grid], new)[at][column.name] is read, typed
    rows[at][column.name] = "maybe"
    with pytest.raises(LabError) as caught:
        edited(sb, tables(sb, **{grid: rows}))
    assert any((p.table, p.row, p.column) == (grid, at + 1, column.name) and "\u201cmaybe\u201d: must be yes or no"
               in p.message for p in caught.value.problems), caught.value.problems


TEXTS = [(g, c) for g, c in EDITABLE if c.read == "text" and c.name != "quote"]  # a quote must be in the text verbatim


@pytest.mark.parametrize("grid, column", TEXTS, ids=[f"{g}.{c.name}" for g, c in TEXTS])
def test_a_text_cell_of_every_grid_is_written_where_it_is_read(grid, column: Column):
    sb = policies()["socialbeat"]
    rows = rows_of(GRIDS[grid], sb)
    rows[0][column.name] = str(rows[0][column.name]) + " "  # kept as typed: still the policy's words, one more space
    new = edited(sb, tables(sb, **{grid: rows}))
    assert rows_of(GRIDS[grid], new)[0][column.name] == rows[0][column.name]


def test_a_reading_outside_its_tiers_band_is_mended_in_the_readings_table():
    """A walkthrough raised Step-Into's 'started, nothing delivered' minimum to 50%: publishing was refused for a
    reading that still gave 0% ("change that reading's amount"), and no table of the lab held the readings."""
    from policy.lint import lint_policy

    si = policies()["stepinto"]
    tier = "si_started_nothing_delivered_window"
    raised = [{**r, "min_pct": 50} if r["tier"] == tier else r for r in tier_rows(si)]
    refused = edited(si, tables(si, tiers=raised))
    assert any(f.code == "reading-outside-band" for f in lint_policy(refused, None))
    readings = reading_rows(si)
    assert {(r["ambiguity"], r["reading"], r["reading_pct"]) for r in readings if r["tier"] == tier} == {
        ("A-SI-01", 1, 100.0), ("A-SI-01", 2, 0.0)}
    mended = [{**r, "reading_pct": 50, "label": "'and' intended: half"} if (r["tier"], r["reading"]) == (tier, 2)
              else r for r in readings]
    new = edited(si, tables(si, tiers=raised, readings=mended))
    assert not any(f.code == "reading-outside-band" for f in lint_policy(new, None))
    assert {r["label"] for r in reading_rows(new) if (r["tier"], r["reading"]) == (tier, 2)} == {"'and' intended: half"}
    assert not any(f.code == "reading-label-vs-amount" for f in lint_policy(new, None))


def test_a_readings_words_that_state_another_refund_than_its_amount_are_warned_about():
    """A walkthrough gave the 'and' reading 50% and left its words "'and' intended: no refund": Compare read "no
    refund" beside $500.00, and the linter said nothing."""
    from policy.lint import lint_policy

    si = policies()["stepinto"]
    tier = "si_started_nothing_delivered_window"
    raised = [{**r, "min_pct": 50} if r["tier"] == tier else r for r in tier_rows(si)]
    half = [{**r, "reading_pct": 50} if (r["tier"], r["reading"]) == (tier, 2) else r for r in reading_rows(si)]
    warned = [f for f in lint_policy(edited(si, tables(si, tiers=raised, readings=half)), None)
              if f.code == "reading-label-vs-amount"]
    assert len(warned) == 1 and "\u201c'and' intended: no refund\u201d" in warned[0].message and "50%" in warned[0].message
    assert not [f for f in lint_policy(si, None) if f.code == "reading-label-vs-amount"]  # as shipped: words and amounts agree

