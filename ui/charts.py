"""Altair charts of refund bands. The data carries exact integer cents (plotted as they are, with dollar
axis labels) and exact dollar strings for tooltips: no float, and no per-row expression for Vega to run
(its CSP-safe interpreter made such transforms the largest cost of a redraw in the browser).

Each chart is designed in Altair over *named* datasets and compiled to a Vega-Lite spec once (Altair
validates a spec against the JSON schema on every to_dict, which cost ~90% of a rerun). A rerun only
attaches the current data frames to a copy of the compiled spec: draw with st.vega_lite_chart(spec=...).
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Literal, Optional

import altair as alt
import pandas as pd

from policy.curves import NO_ONE, TIE, breakpoints
from policy.diff import COMPLETIONS, LAST_DAY
from policy.explain import VERDICT_LABELS

from .tables import dollars

# Providers, in the registry's order: no red (the "no refund" badge) and no black (this scenario's marker).
PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d"]
MARKER = "#222222"  # this scenario, on every chart
TIE_COLOUR = "#8c8c8c"  # a cell two or more providers share
NOTHING = "#f0f0f0"  # a heatmap cell where the share is 0%: paler than any step of any hue
NO_TIP = alt.value(None)  # Streamlit's theme turns tooltips on for every mark; a layer without its own would show cents
# Short lines: a chart's subtitle does not wrap, and a phone's chart is about 340 px wide.
KEY_FONT_PX = 12  # a chart's key under its title: at 10 px a walkthrough could not read it
KEY_LIMIT_PX = 330  # a line of a key longer than a phone's chart is cut with an ellipsis, never past its edge
BAND_KEY = ["Solid: the most the policy allows.", "Dashed: what the client can count on.", "Shaded: in between."]
BOTTOM_LEGEND = alt.Legend(orient="bottom", direction="vertical", labelLimit=0)  # plots keep the page's width
CENTS_AXIS = alt.Axis(labelExpr="'$' + format(datum.value / 100, ',.0f')")  # per tick, not per row


def _map_words(values: pd.Series, order: tuple[str, ...]) -> str:
    """How much of a map each value covers, largest first: 'Step-Into on 45% of the map, a tie on 5%'."""
    shares = values.value_counts(normalize=True)
    ranked = sorted((v for v in shares.index if shares[v] > 0), key=lambda v: (-shares[v], order.index(v) if v in order else 0))
    def part(share: float) -> str:
        return "under 1%" if share < 0.005 else f"{share * 100:.0f}%"
    return ", ".join(f"{v} on {part(shares[v])}{' of the map' if i == 0 else ''}" for i, v in enumerate(ranked))


def map_said(spec: dict, case: Optional[tuple[float, int]]) -> str:
    """A map (heatmap, winner_map) in words: its description, and what its case's cell holds."""
    cells = spec["datasets"]["cells"]
    field = "most_generous" if "most_generous" in cells.columns else "step"
    found = cells[(cells.completion_pct == case[0]) & (cells.days_since_payment == case[1])] if case else cells[:0]
    at_case = f"; at this case ({case[0]:g}% done, day {case[1]}): {found[field].iloc[0]}" if case and len(found) else ""
    return f"{spec['description']}{at_case}."


GRID_AXES = "by completion (0-100%, across) and days since payment (down)"


def _with(spec: dict, fit_width: bool = True, grid: bool = False, description: Optional[str] = None,
          **datasets: pd.DataFrame) -> dict:
    """A fresh copy of a compiled spec with its named datasets attached (Streamlit consumes them). A stretched
    chart fits the container's width and keeps its plot's height: Streamlit's default 'fit' squeezed the plot to
    make room for legends and subtitles (on a phone, to nothing). A chart of fixed width keeps the default,
    which costs the browser less on every redraw (measured: the key press 1.31x with it, 1.51x with fit-x).
    A grid (a cell per completion and day, about a thousand) is drawn on a canvas (GRID_DRAWING)."""
    return {**spec, **({"autosize": FIT_WIDTH} if fit_width else {}), **(GRID_DRAWING if grid else {}),
            **({"description": description} if description else {}), "datasets": datasets}


# One canvas, not an SVG element per cell: Compare's four grids made 4,235 of its page's 4,970 elements, every one
# styled, laid out and walked on each load (Streamlit itself switches above 2,000 marks; ours hold about 1,000).
GRID_DRAWING = {"usermeta": {"embedOptions": {"renderer": "canvas"}}}


FIT_WIDTH = {"type": "fit-x", "contains": "padding"}


def _money_text(data: pd.DataFrame) -> pd.DataFrame:
    """Exact dollar strings beside the cents, and the verdict in words, for tooltips."""
    return data.assign(
        refund_min=data.refund_min_cents.map(dollars), refund_max=data.refund_max_cents.map(dollars),
        verdict_text=data.verdict.map(VERDICT_LABELS),
    )


def provider_colour(name: str, names: tuple[str, ...]) -> str:
    """A provider's one colour, the same on every chart of the app (its place in the registry)."""
    return PALETTE[names.index(name) % len(PALETTE)]


def provider_colours(shown: tuple[str, ...], names: tuple[str, ...]) -> alt.Scale:
    """The colours of the providers a chart shows (a legend lists no provider the chart does not draw)."""
    return alt.Scale(domain=list(shown), range=[provider_colour(n, names) for n in shown])


def shades(colour: str) -> list[str]:
    """Pale to dark in a provider's own hue, for the heatmap's four steps above nothing and its top (100%)."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]

    def hex_of(channels: list[float]) -> str:
        return "#" + "".join(f"{round(c):02x}" for c in channels)

    # steps as far apart as five can be in every provider's hue, nothing's grey included (the shares that make the
    # least contrast between neighbours the largest: 1.21:1; 0.85 beside 1.0 was 1.14:1, read as one colour)
    over_white = [hex_of([255 - (255 - c) * share for c in rgb]) for share in (0.35, 0.55, 0.75, 0.95)]
    return [*over_white, hex_of([c * 0.45 for c in rgb])]


def _tooltip(x_field: str, x_title: str, extra: tuple = ()) -> list:
    return [
        alt.Tooltip(f"{x_field}:Q", title=x_title),
        alt.Tooltip("refund_min:N", title="Refund min"),
        alt.Tooltip("refund_max:N", title="Refund max"),
        alt.Tooltip("verdict_text:N", title="Verdict"),
        *extra,
    ]


# The whole chart, title, case and key included (Streamlit's 'fit'): at 300 px, without the case, its plot was 116 px
# tall, and a walkthrough found the calculator's charts small with a quarter of their column empty.
BAND_CHART_PX = 465  # with the case's three lines


@lru_cache(maxsize=16)
def _band_spec(x_field: str, x_title: str, step: bool, with_stage: bool, with_bounds: bool, title: str,
               colour: str) -> dict:
    interpolate: Literal["step-after", "linear"] = "step-after" if step else "linear"
    extra = (alt.Tooltip("stage:N", title="Stage"),) if with_stage else ()
    tip = _tooltip(x_field, x_title, extra)
    base = alt.Chart(alt.Data(name="band")).encode(x=alt.X(f"{x_field}:Q", title=x_title))
    hover = alt.Chart(alt.Data(name="points")).encode(x=f"{x_field}:Q")
    marker = alt.Chart(alt.Data(name="now")).encode(x=f"{x_field}:Q")
    layers = []
    if with_bounds:  # beneath the band: a label never hides a line of it (a white halo under each hid 4% of the
        # band's lines, and a walkthrough read the band as ending early), and the lines cross the words as a grid does
        rules = alt.Chart(alt.Data(name="bounds")).encode(x="completion_pct:Q")
        layers += [
            rules.mark_rule(color="#888", strokeDash=[2, 2]).encode(tooltip=NO_TIP),
            # each inside the stage it names: the words run up the right of its first rule
            rules.mark_text(align="right", baseline="top", angle=270, dx=-4, dy=3, color="#444", fontSize=12, y=0)
            .encode(text="label:N", tooltip=NO_TIP),
        ]
    layers += [
        base.mark_area(opacity=0.25, interpolate=interpolate, color=colour).encode(
            y=alt.Y("refund_min_cents:Q", title="Refund ($)", axis=CENTS_AXIS), y2="refund_max_cents:Q", tooltip=NO_TIP
        ),
        base.mark_line(interpolate=interpolate, color=colour).encode(y="refund_max_cents:Q", tooltip=NO_TIP),
        base.mark_line(interpolate=interpolate, color=colour, strokeDash=[4, 3]).encode(
            y="refund_min_cents:Q", tooltip=NO_TIP),
        hover.mark_point(opacity=0, size=80).encode(y="refund_max_cents:Q", tooltip=tip),
        marker.mark_rule(color=MARKER, strokeWidth=2).encode(tooltip=NO_TIP),
        marker.mark_point(color=MARKER, filled=True, size=90).encode(
            y="refund_max_cents:Q", tooltip=_tooltip(x_field, f"{x_title} (now)", extra)
        ),
        # the other end of this scenario's range: hollow, as the minimum's line is dashed
        marker.mark_point(color=MARKER, filled=False, size=90, strokeWidth=2).encode(
            y="refund_min_cents:Q", tooltip=_tooltip(x_field, f"{x_title} (now)", extra)
        ),
    ]
    heading = alt.TitleParams(title, subtitle=[*BAND_KEY, "Black: this scenario; dot most, ring least."],
                              subtitleFontSize=KEY_FONT_PX, anchor="start", limit=KEY_LIMIT_PX)
    return alt.layer(*layers).properties(height=BAND_CHART_PX, title=heading).to_dict()


def band_chart(
    data: pd.DataFrame, x_field: str, x_title: str, current: float, boundaries: Optional[pd.DataFrame] = None,
    step: bool = False, title: str = "", colour: str = PALETTE[0], case: tuple[str, ...] = (),
    quoted: Optional[Mapping[str, object]] = None,
) -> dict:
    """The band (min to max) against one variable in the provider's colour, a marker at the current scenario,
    optional stage rules; `case` (explain.case_lines) heads its key, so a downloaded PNG says whose case it is.
    `quoted`: the quote's own band where the curve does not follow it (curves.marked_by_the_quote)."""
    with_bounds = boundaries is not None and len(boundaries) > 0
    spec = _band_spec(x_field, x_title, step, "stage" in data, with_bounds, title, colour)
    points = _money_text(data)
    now = data[data[x_field] == current]
    datasets = {  # the drawn layers need only the breakpoints; tooltips keep every point
        "band": breakpoints(data, x_field, step), "points": points,
        "now": _money_text(now.assign(**quoted) if quoted else now),
    }
    if with_bounds:
        datasets["bounds"] = boundaries
    if case:  # the compiled spec is shared: the case goes into this copy's title only
        spec = {**spec, "title": {**spec["title"], "subtitle": [*case, *spec["title"]["subtitle"]]}}
    return _with(spec, fit_width=False, **datasets)


@lru_cache(maxsize=16)
def _compare_spec(shown: tuple[str, ...], names: tuple[str, ...], x_field: str = "completion_pct",
                  x_title: str = "Project completion (%)", title: str = "Each provider's band",
                  legend: str = "Provider") -> dict:
    base = alt.Chart(alt.Data(name="bands")).encode(
        x=alt.X(f"{x_field}:Q", title=x_title),
        color=alt.Color("provider_name:N", title=legend, scale=provider_colours(shown, names),
                        legend=BOTTOM_LEGEND),
    )
    tip = _tooltip(x_field, x_title, (alt.Tooltip("provider_name:N", title="Provider"),))
    band = base.mark_area(opacity=0.18).encode(
        y=alt.Y("refund_min_cents:Q", title="Refund ($)", axis=CENTS_AXIS), y2="refund_max_cents:Q", tooltip=tip
    )
    high = base.mark_line().encode(y="refund_max_cents:Q", tooltip=tip)
    low = base.mark_line(strokeDash=[4, 3]).encode(y="refund_min_cents:Q", tooltip=tip)
    rule = alt.Chart(alt.Data(name="now")).mark_rule(color=MARKER, strokeWidth=2).encode(
        x=f"{x_field}:Q", tooltip=NO_TIP)
    # Vega draws no subtitle under an empty title: the key needs a title line above it.
    heading = alt.TitleParams(title, subtitle=[*BAND_KEY, "Black line: this scenario."], subtitleFontSize=KEY_FONT_PX,
                              anchor="start")
    return alt.layer(band, high, low, rule).properties(height=320, title=heading).to_dict()


def compare_chart(data: pd.DataFrame, current: float, names: tuple[str, ...]) -> dict:
    """The providers' bands against completion, overlaid (services not offered left out, of the legend too)."""
    offered = data[data.verdict != "not_offered"]
    shown = tuple(n for n in names if n in set(offered.provider_name))
    return _with(_compare_spec(shown, names), bands=_money_text(offered), now=pd.DataFrame({"completion_pct": [current]}))


# The heatmaps and the map of who gives the most share their axes, cell for cell.
def _grid_x(**scale: Any) -> alt.X:
    return alt.X("completion_pct:O", title="Completion (%)", axis=alt.Axis(values=list(range(0, 101, 20)), labelAngle=0),
                 **scale)


def _grid_y(**scale: Any) -> alt.Y:
    return alt.Y("days_since_payment:O", title="Days since payment", axis=alt.Axis(values=list(range(0, 61, 10))), **scale)


GRID_X, GRID_Y = _grid_x(), _grid_y()


def _seamless(field: str, scale: alt.Scale) -> dict[str, Any]:
    """Each cell's edge in its own colour: a canvas smooths the edges of cells a fraction of a pixel tall, and a grid of
    61 days in 240 px showed a pale line between every two rows (a walkthrough saw stripes)."""
    return {"stroke": alt.Stroke(field, scale=scale, legend=None), "strokeWidth": alt.value(1)}


def _case_mark() -> alt.Chart:
    """This case's cell on a grid, where the sliders stand: a walkthrough could not find its own case on the maps."""
    return (alt.Chart(alt.Data(name="case"))
            .mark_point(shape="circle", filled=True, size=90, color="black", stroke="white", strokeWidth=1.5, opacity=1)
            .encode(x=GRID_X, y=GRID_Y, tooltip=[alt.Tooltip("label:N", title="This case")]))


def case_cell(cells: pd.DataFrame, completion: float, day: int) -> Optional[tuple[float, int]]:
    """The grid's cell nearest a case (completion in the grid's steps), or None for a day beyond the grid."""
    if day not in set(cells.days_since_payment):
        return None
    return min(set(cells.completion_pct), key=lambda c: (abs(c - completion), c)), day


def _case(cell: Optional[tuple[float, int]]) -> pd.DataFrame:
    completion, day = cell if cell is not None else (None, None)
    rows = [] if cell is None else [(completion, day, f"{completion:g}% done, day {day}")]
    return pd.DataFrame(rows, columns=["completion_pct", "days_since_payment", "label"])


def versions_chart(data: pd.DataFrame, x_field: str, x_title: str, current: float, labels: tuple[str, ...]) -> dict:
    """Two versions of one policy, their bands overlaid (the lab's preview; one, a new provider's): `provider_name`
    holds the label."""
    offered = data[data.verdict != "not_offered"]
    shown = tuple(n for n in labels if n in set(offered.provider_name))
    title = "Current and edited version" if len(labels) > 1 else "The new provider's band"
    return _with(_compare_spec(shown, labels, x_field, x_title, title, legend="Version"),
                 bands=_money_text(offered), now=pd.DataFrame({x_field: [current]}))


@lru_cache(maxsize=16)
def _heatmap_spec(by: str, colour: str) -> dict:
    legend = "Can count on (%)" if by == "refund_min_cents" else "Most allowed (%)"
    cells = (
        alt.Chart(alt.Data(name="cells"))
        .mark_rect()
        .encode(
            x=GRID_X,
            y=GRID_Y,
            # Steps, not a gradient, in the provider's hue: nothing (grey) must not look like a quarter. Each step
            # named on its own swatch: a threshold key put its numbers between the swatches and left grey unnamed.
            color=alt.Color("step:N", title=legend, legend=alt.Legend(orient="bottom", direction="horizontal", columns=3),
                            scale=alt.Scale(domain=list(SHARE_STEPS), range=[NOTHING, *shades(colour)])),
            **_seamless("step:N", alt.Scale(domain=list(SHARE_STEPS), range=[NOTHING, *shades(colour)])),
            tooltip=[
                alt.Tooltip("provider_name:N", title="Provider"),
                alt.Tooltip("completion_pct:Q", title="Completion (%)"),
                alt.Tooltip("days_since_payment:Q", title="Day"),
                alt.Tooltip("refund_min:N", title="Refund min"),
                alt.Tooltip("refund_max:N", title="Refund max"),
                alt.Tooltip("verdict_text:N", title="Verdict"),
            ],
        )
    )
    return alt.layer(cells, _case_mark()).properties(height=240).to_dict()


# A heatmap's steps of the share of the amount paid, each with the share it starts from (the last: all of it).
SHARE_STEPS = {"Nothing": -1.0, "Under 25%": 0.005, "25-49.99%": 25.0, "50-74.99%": 50.0, "75-99.99%": 75.0,
               "All (100%)": 99.995}  # labels that do not share an end: 75% read as both "50-75%" and "75-..."


def heatmap(data: pd.DataFrame, title: str, paid_cents: int, by: str = "refund_min_cents",
            colour: str = PALETTE[0], case: Optional[tuple[float, int]] = None) -> dict:
    """Completion x days for one provider: colour is the band's minimum or maximum, as a share of the amount; a
    dot on the case's cell (case_cell)."""
    share = data[by] * 100 / paid_cents  # a display share, not an amount
    step = pd.cut(share, bins=[*SHARE_STEPS.values(), float("inf")], labels=list(SHARE_STEPS), right=False)
    cells = _money_text(data).assign(share=share, step=step.astype(str))
    # the map in words, its spec's description, which the page says under it: a canvas has no text of its own (a
    # screen reader heard "Vega visualization" four times, a walkthrough)
    said = (f"{title}, the {'least' if by == 'refund_min_cents' else 'most'} it refunds {GRID_AXES}, as a share of "
            f"the amount paid: {_map_words(cells.step, tuple(SHARE_STEPS))}")  # the case apart (map_said): the spec
    # stays the same as the sliders move, and the browser keeps its drawing
    return _with({**_heatmap_spec(by, colour), "title": title}, grid=True, description=said, cells=cells,
                 case=_case(case))


def winner_colours(shown: tuple[str, ...], names: tuple[str, ...], by: str) -> alt.Scale:
    """The map's key: each provider in its own colour, a tie grey, nobody paler; only what the map draws."""
    colour_of = {**{n: provider_colour(n, names) for n in names}, TIE: TIE_COLOUR, NO_ONE[by]: NOTHING}
    return alt.Scale(domain=list(shown), range=[colour_of[v] for v in shown])


@lru_cache(maxsize=16)
def _winner_spec(shown: tuple[str, ...], names: tuple[str, ...], by: str) -> dict:
    cells = (
        alt.Chart(alt.Data(name="cells"))
        .mark_rect()
        .encode(
            x=GRID_X,
            y=GRID_Y,
            color=alt.Color("colour:N", title="Gives the most", legend=BOTTOM_LEGEND,
                            scale=winner_colours(shown, names, by)),
            **_seamless("colour:N", winner_colours(shown, names, by)),
            tooltip=[
                alt.Tooltip("completion_pct:Q", title="Completion (%)"),
                alt.Tooltip("days_since_payment:Q", title="Day"),
                alt.Tooltip("most_generous:N", title="Gives the most"),
            ],
        )
    )
    return alt.layer(cells, _case_mark()).properties(height=260).to_dict()


def winner_map(cells: pd.DataFrame, names: tuple[str, ...], by: str = "refund_min_cents",
               case: Optional[tuple[float, int]] = None) -> dict:
    present = set(cells.colour)
    shown = tuple(v for v in (*names, TIE, NO_ONE[by]) if v in present)
    said = f"Who gives the most, {GRID_AXES}: {_map_words(cells.colour, shown)}"
    return _with(_winner_spec(shown, names, by), grid=True, description=said, cells=cells, case=_case(case))


CHANGE_KEY = "Refund after the edit, against before (% of the amount paid)"
# The key's three marks in words: the largest cut, no change, the largest rise.
CHANGE_LABELS = ("datum.value < 0 ? format(-datum.value, '.0f') + '% less' : datum.value > 0 ? "
                 "format(datum.value, '.0f') + '% more' : 'no change'")
CHANGE_SUBTITLE = ("Each square a sample client whose quote changes; purple: the refund falls, green: it rises "
                   "(by the end of the band that moves more); blank: no change")


@lru_cache(maxsize=1)
def _change_spec(largest: float) -> dict:
    """Every cell of the grid has its place (a change at 5-25% shows where it lies in 0-100%), and the colour's
    scale is even about no change: a cut is purple, a rise green, the largest either way the strongest."""
    whole_grid_x = _grid_x(scale=alt.Scale(domain=[int(c) for c in COMPLETIONS]))
    whole_grid_y = _grid_y(scale=alt.Scale(domain=list(range(LAST_DAY + 1))))
    return (
        alt.Chart(alt.Data(name="cells"))
        .mark_rect()
        .encode(
            x=whole_grid_x, y=whole_grid_y,
            color=alt.Color("change_pct:Q", title=CHANGE_KEY,
                            scale=alt.Scale(scheme="purplegreen", domain=[-largest, largest], domainMid=0),
                            legend=alt.Legend(orient="bottom", labelExpr=CHANGE_LABELS, titleLimit=0,
                                              gradientLength=240, values=[-largest, 0, largest])),
            **_seamless("change_pct:Q", alt.Scale(scheme="purplegreen", domain=[-largest, largest], domainMid=0)),
            tooltip=[alt.Tooltip("completion_pct:Q", title="Completion (%)"),
                     alt.Tooltip("days_since_payment:Q", title="Day"),
                     alt.Tooltip("before:N", title="Before"), alt.Tooltip("after:N", title="After"),
                     alt.Tooltip("end:N", title="End that moved"), alt.Tooltip("under:N", title="Under")],
        )
        .properties(height=240, title=alt.Title("Where the edit changes the quote", subtitle=CHANGE_SUBTITLE))
        .to_dict()
    )


def change_map(changed: pd.DataFrame, paid_cents: int) -> dict:
    """The lab's sample clients of one service whose band changes (policy/diff.py band_changes, the rows a person
    sees change): completion x day, coloured by how far the end of the band that moves more moves (a display
    share, not an amount): an edit of the minimum shows too. The key says its colours in words."""
    low = changed.refund_min_cents_after.fillna(0) - changed.refund_min_cents_before.fillna(0)
    high = changed.refund_max_cents_after.fillna(0) - changed.refund_max_cents_before.fillna(0)
    delta = high.where(high.abs() >= low.abs(), low)
    cells = changed.assign(change_pct=delta * 100 / paid_cents)[
        ["completion_pct", "days_since_payment", "change_pct", "before", "after", "end", "under"]]
    largest = float(cells.change_pct.abs().max()) if len(cells) else 0.0
    return _with(_change_spec(largest or 1.0), grid=True, cells=cells)


def totals_chart(table: pd.DataFrame, names: tuple[str, ...]) -> dict:
    """The batch's rows by verdict, stacked by provider. Each verdict a 28 px band and the width fitted, so
    the plot keeps its height under the legend (the default 'fit' squeezed it to one line) and labels are whole."""
    shown = tuple(n for n in names if n in set(table.Provider))
    spec = alt.Chart(alt.Data(name="totals")).mark_bar().encode(
        x=alt.X("Rows:Q", axis=alt.Axis(format="d", tickMinStep=1)), y=alt.Y("Verdict:N", title=None, axis=alt.Axis(labelLimit=0)),
        color=alt.Color("Provider:N", scale=provider_colours(shown, names), legend=BOTTOM_LEGEND),
        tooltip=["Provider:N", "Verdict:N", "Rows:Q", "Refund min (total):N", "Refund max (total):N"],
    ).properties(height=alt.Step(28), title="Rows by verdict and provider").to_dict()
    return _with(spec, totals=table)
