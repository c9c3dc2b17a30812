"""Altair charts of refund bands. The data carries exact integer cents; Vega divides by 100 to draw."""
from __future__ import annotations

from typing import Optional

import altair as alt
import pandas as pd

MONEY = "$,.2f"
PALETTE = ["#4c78a8", "#e45756", "#54a24b", "#b279a2", "#f58518"]


def _dollars(chart: alt.Chart) -> alt.Chart:
    return chart.transform_calculate(
        refund_min="datum.refund_min_cents / 100", refund_max="datum.refund_max_cents / 100"
    )


def _tooltip(x_field: str, x_title: str, extra: tuple = ()) -> list:
    return [
        alt.Tooltip(f"{x_field}:Q", title=x_title),
        alt.Tooltip("refund_min:Q", title="Refund min", format=MONEY),
        alt.Tooltip("refund_max:Q", title="Refund max", format=MONEY),
        alt.Tooltip("verdict:N", title="Verdict"),
        *extra,
    ]


def band_chart(
    data: pd.DataFrame, x_field: str, x_title: str, current: float, boundaries: Optional[pd.DataFrame] = None,
    step: bool = False, title: str = "",
) -> alt.LayerChart:
    """The band (min to max) against one variable, a marker at the current scenario, optional stage rules."""
    interpolate = "step-after" if step else "linear"
    base = _dollars(alt.Chart(data)).encode(x=alt.X(f"{x_field}:Q", title=x_title))
    extra = (alt.Tooltip("stage:N", title="Stage"),) if "stage" in data else ()
    band = base.mark_area(opacity=0.25, interpolate=interpolate, color="#4c78a8").encode(
        y=alt.Y("refund_min:Q", title="Refund ($)", axis=alt.Axis(format="$,.0f")), y2="refund_max:Q",
        tooltip=_tooltip(x_field, x_title, extra),
    )
    high = base.mark_line(interpolate=interpolate, color="#1f4e79").encode(y="refund_max:Q")
    low = base.mark_line(interpolate=interpolate, color="#1f4e79", strokeDash=[4, 3]).encode(y="refund_min:Q")
    hover = base.mark_point(opacity=0, size=80).encode(y="refund_max:Q", tooltip=_tooltip(x_field, x_title, extra))
    now = data[data[x_field] == current]
    marker = _dollars(alt.Chart(now)).encode(x=f"{x_field}:Q")
    layers = [
        band, high, low, hover,
        marker.mark_rule(color="#d62728", strokeWidth=2),
        marker.mark_point(color="#d62728", filled=True, size=90).encode(
            y="refund_max:Q", tooltip=_tooltip(x_field, f"{x_title} (now)", extra)
        ),
    ]
    if boundaries is not None and len(boundaries):
        rules = alt.Chart(boundaries).encode(x="completion_pct:Q")
        layers += [  # labels run up along their rules, so neighbouring stages never overlap
            rules.mark_rule(color="#888", strokeDash=[2, 2]),
            rules.mark_text(align="right", baseline="bottom", angle=270, dx=-4, dy=-2, color="#555", fontSize=10, y=0)
            .encode(text="label:N"),
        ]
    return alt.layer(*layers).properties(height=300, title=title)


def compare_chart(data: pd.DataFrame, current: float) -> alt.LayerChart:
    """The three providers' bands against completion, overlaid."""
    offered = data[data.verdict != "not_offered"]
    base = _dollars(alt.Chart(offered)).encode(
        x=alt.X("completion_pct:Q", title="Project completion (%)"),
        color=alt.Color("provider_name:N", title="Provider", scale=alt.Scale(range=PALETTE)),
    )
    tip = _tooltip("completion_pct", "Completion (%)", (alt.Tooltip("provider_name:N", title="Provider"),))
    band = base.mark_area(opacity=0.18).encode(
        y=alt.Y("refund_min:Q", title="Refund ($)", axis=alt.Axis(format="$,.0f")), y2="refund_max:Q", tooltip=tip
    )
    high = base.mark_line().encode(y="refund_max:Q", tooltip=tip)
    low = base.mark_line(strokeDash=[4, 3]).encode(y="refund_min:Q")
    rule = alt.Chart(pd.DataFrame({"completion_pct": [current]})).mark_rule(color="#d62728").encode(x="completion_pct:Q")
    return alt.layer(band, high, low, rule).properties(height=320)


def heatmap(data: pd.DataFrame, title: str, paid_cents: int, by: str = "refund_min_cents") -> alt.Chart:
    """Completion x days for one provider: colour is the band's minimum or maximum, as a share of the amount."""
    legend = "Can count on (%)" if by == "refund_min_cents" else "Most allowed (%)"
    return (
        alt.Chart(data)
        .transform_calculate(
            refund_min="datum.refund_min_cents / 100", refund_max="datum.refund_max_cents / 100",
            share=f"datum.{by} * 100 / {paid_cents}",
        )
        .mark_rect()
        .encode(
            x=alt.X("completion_pct:O", title="Completion (%)", axis=alt.Axis(values=list(range(0, 101, 20)))),
            y=alt.Y("days_since_payment:O", title="Days since payment", axis=alt.Axis(values=list(range(0, 61, 10)))),
            color=alt.Color("share:Q", title=legend, scale=alt.Scale(domain=[0, 100], scheme="greens")),
            tooltip=[
                alt.Tooltip("completion_pct:Q", title="Completion (%)"),
                alt.Tooltip("days_since_payment:Q", title="Day"),
                alt.Tooltip("refund_min:Q", title="Refund min", format=MONEY),
                alt.Tooltip("refund_max:Q", title="Refund max", format=MONEY),
                alt.Tooltip("verdict:N", title="Verdict"),
            ],
        )
        .properties(title=title, height=240)
    )
