"""The same scenario against all three providers: a table, the bands overlaid, and heatmaps.

The sliders and what they move (the table and the overlaid bands) are one fragment, as on the calculator: a key
press reruns only that part. The heatmaps span completion and days, so the sliders never change them; they are
drawn on a full run only, from a cache keyed without the sliders' values."""

import pandas as pd
import streamlit as st

from policy.compare import compare_rows
from policy.curves import marked_by_the_quote, most_generous
from policy.explain import refund_text
from policy.markdown import md_escape
from policy.money import cents_int
from store.access import Permission
from ui import cache, charts, identity, page, show, state
from ui.codec import PAGE_PARAMS
from ui.registry import basis, policies
from ui.tables import name_breaks, readable

CAPTION = "The scenario of the sidebar and the sliders, against every provider's policy."
MEASURES = {"refund_min_cents": "What the client can count on (minimum)",
            "refund_max_cents": "The most the policy allows (maximum)"}
DEFAULT_MEASURE = "refund_min_cents"
IN_LINK = dict(zip(MEASURES, PAGE_PARAMS["compare_by"]))  # each measure as the URL's compare_by says it


def _names() -> tuple[str, ...]:
    """Every provider of this run's catalog, in its order: one colour each, on every chart."""
    return tuple(p.name for p in policies().values())


@page.fragment
def by_completion() -> None:
    state.show_request_not_today()  # in the fragment: it follows the days slider
    # the versions named with the sliders: for a payment given in days, each day is another payment day
    show.versions_in_force(state.values())  # each provider's, as Policy terms says them
    state.sliders()
    scenario = page.scenario_or_error("compare")
    if scenario is None:
        return
    rows = compare_rows(scenario, basis(), for_client=not identity.may(Permission.SAVE_QUOTE))
    table = pd.DataFrame([r.cells for r in rows]).set_index("Provider")
    with st.container(key="compare_table"):  # ui/page.css: its amounts never break inside
        # st.table renders Markdown: '-' was a bullet, '$' LaTeX
        st.table(table.map(md_escape).rename(index=lambda name: md_escape(name_breaks(name))))
    # What decides each band, under the table, not in a column of it: on a phone that column was one character wide.
    st.markdown("\n".join(f"- **{md_escape(r.cells['Provider'])}**\n" + "\n".join(f"  - {md_escape(line)}" for line in r.why)
                           for r in rows))

    compare = cache.cached_compare(cache.curve_key(scenario))
    st.header("Refund bands against project completion")
    q = cache.cached_quote(cache.key(scenario))
    if marked_by_the_quote(q) is not None:  # a stage chosen: the table follows it, the bands and maps cannot (a
        # walkthrough read $750.00 in the table against a band of $0.00 to $1,125.00 and a map cell of nothing)
        st.caption(md_escape(f"The bands and maps below place each provider's stages by completion; the table above "
                             f"follows the stage you chose for {q.provider_name} ({q.stage.label}): "
                             f"{refund_text(q)}, which may lie off them."))
    st.vega_lite_chart(spec=charts.compare_chart(compare, float(scenario.completion_pct), _names()), width="stretch")
    with st.expander("Data behind this chart"):
        st.dataframe(readable(compare), hide_index=True, width="stretch")


def heatmaps() -> None:
    scenario, _ = state.scenario()  # an invalid one has its error in the fragment above
    if scenario is None:
        return
    st.header("Completion x days since payment")
    linked = state.linked_page_inputs()
    if linked is not None:  # a link (or Back) says which amount the maps compare; without it, the default
        st.session_state["compare_by"] = next((m for m, word in IN_LINK.items() if word == linked.get("compare_by")),
                                              DEFAULT_MEASURE)
    by = st.radio("Compare by", list(MEASURES), format_func=MEASURES.get, horizontal=True,
                  key=state.kept("compare_by"))  # kept through a visit to another page
    state.keep_page_inputs(compare_by=None if by == DEFAULT_MEASURE else IN_LINK[by])  # the default left out
    full = cache.cached_grid(cache.grid_key(scenario))
    coarse = full[full.completion_pct % 5 == 0]  # every 5% keeps the heatmaps light in the browser
    done, day = float(scenario.completion_pct), scenario.days_since_payment
    case = charts.case_cell(coarse, done, day)
    # "Hover" told a phone what it cannot do (a walkthrough): the band of this case is in the table above
    st.caption("Colour: that amount as a share of the amount paid. On a computer, point at a cell for its whole band; "
               "this case's band is in the table above. " + (
        f"Day {day} of this case lies beyond the maps' last day." if case is None else
        f"The black dot: this case ({done:g}% done, day {day})." if case[0] == done else
        f"The black dot: the cell nearest this case ({case[0]:g}% done for its {done:g}%, day {day})."))
    paid_cents = cents_int(scenario.amount_paid)
    for pid, policy in policies().items():
        part = coarse[coarse.provider == pid]
        if (part.verdict == "not_offered").all():
            st.info(f"{policy.name} does not offer this service.")
        else:
            spec = charts.heatmap(part, policy.name, paid_cents, by, charts.provider_colour(policy.name, _names()), case)
            st.vega_lite_chart(spec=spec, width="stretch")
            st.caption(md_escape(charts.map_said(spec, case)))  # the map in words: a canvas is "Vega visualization" to a
            # screen reader, and its colours say nothing to some (a keyboard-only walkthrough)

    winners = most_generous(coarse, by)
    st.header("Most generous where")
    st.caption(md_escape(f"By {MEASURES[by][:1].lower()}{MEASURES[by][1:]}, as the maps above."))  # it said not which
    spec = charts.winner_map(winners, _names(), by, case)
    st.vega_lite_chart(spec=spec, width="stretch")
    st.caption(md_escape(charts.map_said(spec, case)))


with page.opened("pages/1_Compare_providers.py", caption=CAPTION, sidebar_inputs=True):
    state.sidebar()
    by_completion()
    heatmaps()
