"""Altair charts of refund bands. The data carries exact integer cents (plotted as they are, with dollar
axis labels) and exact dollar strings for tooltips: no float, and no per-row expression for Vega to run
(its CSP-safe interpreter made such transforms the largest cost of a redraw in the browser).

Each chart is designed in Altair over *named* datasets and compiled to a Vega-Lite spec once (Altair
validates a spec against the JSON schema on every to_dict, which cost ~90% of a rerun). A rerun only
attaches the current data frames to a copy of the compiled spec: draw with st.vega_lite_chart(spec=...).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Literal, Optional

import altair as alt
import pandas as pd

from policy.curves import NO_ONE, TIE, breakpoints
from policy.explain import VERDICT_LABELS

from .tables import dollars

# Providers: no red, which marks this scenario on every chart (and "no refund" on the badges).
PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d"]
NO_TIP = alt.value(None)  # Streamlit's theme turns tooltips on for every mark; a layer without its own would show cents
# Short lines: a chart's subtitle does not wrap, and a phone's chart is about 340 px wide.
BAND_LEGEND = ["Solid: the most the policy allows.", "Dashed: what the client can count on.",
               "Shaded: between the two. Red: this scenario."]
CENTS_AXIS = alt.Axis(labelExpr="'$' + format(datum.value / 100, ',.0f')")  # per tick, not per row


def _with(spec: dict, fit_width: bool = True, **datasets: pd.DataFrame) -> dict:
    """A fresh copy of a compiled spec with its named datasets attached (Streamlit consumes them). A stretched
    chart fits the container's width and keeps its plot's height: Streamlit's default 'fit' squeezed the plot to
    make room for legends and subtitles (on a phone, to nothing). A chart of fixed width keeps the default,
    which costs the browser less on every redraw (measured: the key press 1.31x with it, 1.51x with fit-x)."""
    return {**spec, **({"autosize": FIT_WIDTH} if fit_width else {}), "datasets": datasets}


FIT_WIDTH = {"type": "fit-x", "contains": "padding"}
WHOLE_PERCENT = "isFinite(datum.value) ? format(datum.value, '.0f') : ''"  # the steps' edges, as a person reads them


def _money_text(data: pd.DataFrame) -> pd.DataFrame:
    """Exact dollar strings beside the cents, and the verdict in words, for tooltips."""
    return data.assign(
        refund_min=data.refund_min_cents.map(dollars), refund_max=data.refund_max_cents.map(dollars),
        verdict_text=data.verdict.map(VERDICT_LABELS),
    )


def provider_colours(names: tuple[str, ...]) -> alt.Scale:
    """One colour per provider, the same on every chart of the app (the registry's order)."""
    return alt.Scale(domain=list(names), range=PALETTE[: len(names)])


def _tooltip(x_field: str, x_title: str, extra: tuple = ()) -> list:
    return [
        alt.Tooltip(f"{x_field}:Q", title=x_title),
        alt.Tooltip("refund_min:N", title="Refund min"),
        alt.Tooltip("refund_max:N", title="Refund max"),
        alt.Tooltip("verdict_text:N", title="Verdict"),
        *extra,
    ]


@lru_cache(maxsize=16)
def _band_spec(x_field: str, x_title: str, step: bool, with_stage: bool, with_bounds: bool, title: str) -> dict:
    interpolate: Literal["step-after", "linear"] = "step-after" if step else "linear"
    extra = (alt.Tooltip("stage:N", title="Stage"),) if with_stage else ()
    tip = _tooltip(x_field, x_title, extra)
    base = alt.Chart(alt.Data(name="band")).encode(x=alt.X(f"{x_field}:Q", title=x_title))
    hover = alt.Chart(alt.Data(name="points")).encode(x=f"{x_field}:Q")
    marker = alt.Chart(alt.Data(name="now")).encode(x=f"{x_field}:Q")
    layers = [
        base.mark_area(opacity=0.25, interpolate=interpolate, color="#4c78a8").encode(
            y=alt.Y("refund_min_cents:Q", title="Refund ($)", axis=CENTS_AXIS), y2="refund_max_cents:Q", tooltip=NO_TIP
        ),
        base.mark_line(interpolate=interpolate, color="#1f4e79").encode(y="refund_max_cents:Q", tooltip=NO_TIP),
        base.mark_line(interpolate=interpolate, color="#1f4e79", strokeDash=[4, 3]).encode(
            y="refund_min_cents:Q", tooltip=NO_TIP),
        hover.mark_point(opacity=0, size=80).encode(y="refund_max_cents:Q", tooltip=tip),
        marker.mark_rule(color="#d62728", strokeWidth=2).encode(tooltip=NO_TIP),
        marker.mark_point(color="#d62728", filled=True, size=90).encode(
            y="refund_max_cents:Q", tooltip=_tooltip(x_field, f"{x_title} (now)", extra)
        ),
    ]
    if with_bounds:
        rules = alt.Chart(alt.Data(name="bounds")).encode(x="completion_pct:Q")
        layers += [  # labels run up along their rules, so neighbouring stages never overlap
            rules.mark_rule(color="#888", strokeDash=[2, 2]).encode(tooltip=NO_TIP),
            rules.mark_text(align="right", baseline="bottom", angle=270, dx=-4, dy=-2, color="#555", fontSize=10, y=0)
            .encode(text="label:N", tooltip=NO_TIP),
        ]
    heading = alt.TitleParams(title, subtitle=BAND_LEGEND, subtitleFontSize=10, anchor="start")
    return alt.layer(*layers).properties(height=300, title=heading).to_dict()


def band_chart(
    data: pd.DataFrame, x_field: str, x_title: str, current: float, boundaries: Optional[pd.DataFrame] = None,
    step: bool = False, title: str = "",
) -> dict:
    """The band (min to max) against one variable, a marker at the current scenario, optional stage rules."""
    with_bounds = boundaries is not None and len(boundaries) > 0
    spec = _band_spec(x_field, x_title, step, "stage" in data, with_bounds, title)
    points = _money_text(data)
    datasets = {  # the drawn layers need only the breakpoints; tooltips keep every point
        "band": breakpoints(data, x_field, step), "points": points, "now": points[points[x_field] == current],
    }
    if with_bounds:
        datasets["bounds"] = boundaries
    return _with(spec, fit_width=False, **datasets)


@lru_cache(maxsize=4)
def _compare_spec(names: tuple[str, ...]) -> dict:
    base = alt.Chart(alt.Data(name="bands")).encode(
        x=alt.X("completion_pct:Q", title="Project completion (%)"),
        color=alt.Color("provider_name:N", title="Provider", scale=provider_colours(names),
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0)),
    )
    tip = _tooltip("completion_pct", "Completion (%)", (alt.Tooltip("provider_name:N", title="Provider"),))
    band = base.mark_area(opacity=0.18).encode(
        y=alt.Y("refund_min_cents:Q", title="Refund ($)", axis=CENTS_AXIS), y2="refund_max_cents:Q", tooltip=tip
    )
    high = base.mark_line().encode(y="refund_max_cents:Q", tooltip=tip)
    low = base.mark_line(strokeDash=[4, 3]).encode(y="refund_min_cents:Q", tooltip=tip)
    rule = alt.Chart(alt.Data(name="now")).mark_rule(color="#d62728").encode(x="completion_pct:Q", tooltip=NO_TIP)
    heading = alt.TitleParams("", subtitle=BAND_LEGEND, subtitleFontSize=10, anchor="start")
    return alt.layer(band, high, low, rule).properties(height=320, title=heading).to_dict()


def compare_chart(data: pd.DataFrame, current: float, names: tuple[str, ...]) -> dict:
    """The providers' bands against completion, overlaid (services not offered left out)."""
    return _with(
        _compare_spec(names), bands=_money_text(data[data.verdict != "not_offered"]),
        now=pd.DataFrame({"completion_pct": [current]}),
    )


@lru_cache(maxsize=4)
def _heatmap_spec(by: str) -> dict:
    legend = "Can count on (%)" if by == "refund_min_cents" else "Most allowed (%)"
    return (
        alt.Chart(alt.Data(name="cells"))
        .mark_rect()
        .encode(
            x=alt.X("completion_pct:O", title="Completion (%)", axis=alt.Axis(values=list(range(0, 101, 20)))),
            y=alt.Y("days_since_payment:O", title="Days since payment", axis=alt.Axis(values=list(range(0, 61, 10)))),
            # Steps, not a gradient: nothing (grey) must not look like a quarter (pale green).
            color=alt.Color("share:Q", title=legend, legend=alt.Legend(labelExpr=WHOLE_PERCENT),
                            scale=alt.Scale(
                type="threshold", domain=[0.005, 25, 50, 75, 99.995],
                range=["#d9d9d9", "#c7e9c0", "#74c476", "#31a354", "#006d2c", "#00441b"])),
            tooltip=[
                alt.Tooltip("provider_name:N", title="Provider"),
                alt.Tooltip("completion_pct:Q", title="Completion (%)"),
                alt.Tooltip("days_since_payment:Q", title="Day"),
                alt.Tooltip("refund_min:N", title="Refund min"),
                alt.Tooltip("refund_max:N", title="Refund max"),
                alt.Tooltip("verdict_text:N", title="Verdict"),
            ],
        )
        .properties(height=240)
        .to_dict()
    )


def heatmap(data: pd.DataFrame, title: str, paid_cents: int, by: str = "refund_min_cents") -> dict:
    """Completion x days for one provider: colour is the band's minimum or maximum, as a share of the amount."""
    cells = _money_text(data).assign(share=data[by] * 100 / paid_cents)  # a display share, not an amount
    return _with({**_heatmap_spec(by), "title": title}, cells=cells)


@lru_cache(maxsize=4)
def _winner_spec(names: tuple[str, ...]) -> dict:
    return (
        alt.Chart(alt.Data(name="cells"))
        .mark_rect()
        .encode(
            x=alt.X("completion_pct:O", title="Completion (%)"),
            y=alt.Y("days_since_payment:O", title="Days since payment", axis=alt.Axis(values=list(range(0, 61, 10)))),
            color=alt.Color("colour:N", title="Gives the most", legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0),
                            scale=alt.Scale(domain=[*names, TIE, NO_ONE],
                                            range=[*PALETTE[: len(names)], "#8c8c8c", "#e6e6e6"])),
            tooltip=[
                alt.Tooltip("completion_pct:Q", title="Completion (%)"),
                alt.Tooltip("days_since_payment:Q", title="Day"),
                alt.Tooltip("most_generous:N", title="Gives the most"),
            ],
        )
        .properties(height=260)
        .to_dict()
    )


def winner_map(cells: pd.DataFrame, names: tuple[str, ...]) -> dict:
    return _with(_winner_spec(names), cells=cells)
