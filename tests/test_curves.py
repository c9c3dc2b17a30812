"""Curves and grids agree with quote() point by point; amounts are exact integer cents."""
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from shipped import BASIS
from strategies import scenarios

from policy import parse_scenario, quote
from policy import shipped_policies as policies
from policy.curves import compare_completion, completion_curve, days_curve, grid, stage_boundaries


def cents(text: str) -> int:
    return int(Decimal(text) * 100)


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=60))
def test_grid_matches_quote_at_every_sampled_point(data, c, d):
    s = parse_scenario(data, BASIS)
    g = grid(s, BASIS)
    for provider in policies():
        row = g[(g.provider == provider) & (g.completion_pct == c) & (g.days_since_payment == d)]
        assert len(row) == 1
        point = {**data, "provider": provider, "completion_pct": c, "days_since_payment": d, "stage": None}
        point["work_started"] = bool(data.get("work_started")) if c == 0 else None
        q = quote(parse_scenario(point, BASIS), BASIS)
        assert (row.refund_min_cents.item(), row.refund_max_cents.item()) == (cents(q.refund_min), cents(q.refund_max))
        assert row.verdict.item() == q.verdict


def test_grid_shape_and_exact_types():
    s = parse_scenario(dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct=0, days_since_payment=0), BASIS)
    g = grid(s, BASIS)
    assert len(g) == len(policies()) * 101 * 61
    assert str(g.refund_min_cents.dtype) == "int64" and str(g.refund_max_cents.dtype) == "int64"
    sb = g[(g.provider == "socialbeat") & (g.completion_pct == 0)]
    assert sb[sb.days_since_payment == 2].refund_max_cents.item() == 500000
    assert sb[sb.days_since_payment == 3].refund_max_cents.item() == 490000
    assert sb[sb.days_since_payment == 31].verdict.item() == "window_closed"


def test_completion_curve_steps_at_the_stage_bands():
    s = parse_scenario(dict(provider="socialbeat", service="website", amount_paid="1000", completion_pct=40, days_since_payment=10), BASIS)
    curve = completion_curve(s, BASIS).set_index("completion_pct")
    assert curve.loc[25.0, "refund_max_cents"] == 75000 and curve.loc[26.0, "refund_max_cents"] == 50000
    assert curve.loc[63.0, "refund_max_cents"] == 25000 and curve.loc[64.0, "refund_max_cents"] == 0
    assert curve.loc[0.0, "stage"].startswith("Pre-project")


def test_days_curve_shows_the_cliffs():
    s = parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="700", completion_pct=0, days_since_payment=0), BASIS)
    curve = days_curve(s, BASIS, last_day=10).set_index("days_since_payment")
    assert curve.loc[7, "refund_min_cents"] == 70000 and curve.loc[8, "refund_max_cents"] == 0


def test_compare_has_every_provider_and_marks_not_offered():
    s = parse_scenario(dict(provider="socialbeat", service="content_marketing", amount_paid="1000", completion_pct=10, days_since_payment=1), BASIS)
    df = compare_completion(s, BASIS)
    assert set(df.provider) == set(policies()) and len(df) == len(policies()) * 101
    assert set(df[df.provider == "stepinto"].verdict) == {"not_offered"}


def test_stage_boundaries_come_from_the_data():
    b = stage_boundaries(policies()["socialbeat"], "website")
    assert b.completion_pct.tolist() == [26.0, 51.0, 64.0, 76.0]  # none at 0: its label would sit on the axis
    assert b.label.tolist() == ["Design (26-50%)", "Development (51-63%)", "Development (64-75%)", "Launch (76-100%)"]


def test_the_zero_column_follows_the_work_flag_not_the_scenarios_completion():
    # regression: the grid's 0% column once inherited "started" from the scenario's own completion
    s = parse_scenario(dict(provider="socialbeat", service="content_marketing", amount_paid="100", completion_pct=25, days_since_payment=0), BASIS)
    g = grid(s, BASIS)
    zero = g[(g.provider == "socialbeat") & (g.completion_pct == 0) & (g.days_since_payment == 0)]
    assert (zero.refund_min_cents.item(), zero.refund_max_cents.item()) == (10000, 10000)  # before creation: 100%
    curve = completion_curve(s, BASIS).set_index("completion_pct")
    assert curve.loc[0.0, "refund_min_cents"] == 10000


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_breakpoints_redraw_every_point_exactly(data):
    import numpy as np

    from policy.curves import breakpoints

    s = parse_scenario(data, BASIS)
    for curve, x, step in ((completion_curve(s, BASIS), "completion_pct", False), (days_curve(s, BASIS), "days_since_payment", True)):
        kept = breakpoints(curve, x, step)
        assert len(kept) <= len(curve) and kept[x].iloc[0] == curve[x].iloc[0] and kept[x].iloc[-1] == curve[x].iloc[-1]
        for column in ("refund_min_cents", "refund_max_cents"):
            if step:  # step-after: each x takes the value of the last kept x at or before it
                idx = np.searchsorted(kept[x].to_numpy(), curve[x].to_numpy(), side="right") - 1
                redrawn = kept[column].to_numpy()[idx]
            else:
                redrawn = np.interp(curve[x].to_numpy(), kept[x].to_numpy(), kept[column].to_numpy())
            assert np.allclose(redrawn, curve[column].to_numpy(), atol=1e-6)


def test_breakpoints_of_a_staged_band_are_few():
    from policy.curves import breakpoints

    s = parse_scenario(dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct=0, days_since_payment=10), BASIS)
    assert len(breakpoints(completion_curve(s, BASIS), "completion_pct")) <= 14
    assert len(breakpoints(days_curve(s, BASIS), "days_since_payment", step=True)) <= 6
