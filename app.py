"""Refund calculator: the home page. Pages gather input, call policy/, and draw."""
import streamlit as st

from policy.assumptions import if_work_started
from policy.curves import marked_by_the_quote, stage_boundaries
from policy.explain import case_lines, refund_text
from policy.markdown import md_escape as e
from store.access import Permission
from ui import cache, charts, identity, page, show, state
from ui.live import live_region
from ui.registry import policies
from ui.tables import readable, sideways_hint

CHART_WIDTH = 340  # px of plot: two fit side by side in the wide layout on a 1280 px screen, and wrap below that

@page.fragment
def calculator() -> None:
    """The answer, the sliders and everything they move. A slider's key press reruns only this fragment: the
    browser is sent the fragment's elements, not the sidebar's, and each element sent costs it a render."""
    client = not identity.may(Permission.SAVE_QUOTE)  # a visitor without a role: no internal ids or titles
    state.show_request_not_today()  # in the fragment: it follows the days slider
    with st.container(key="answer"):  # the answer, above the sliders: sent first, and the sliders keep their place
        # (and focus); on a phone drawn below them (page.css)
        scenario = page.scenario_or_error("see the quote")
        if scenario is not None:
            q = cache.cached_quote(cache.key(scenario))
            restored = show.restored_from(q)
            with st.container(key="answer_said"):  # said again by a screen reader when a key press changes it
                show.headline(q, if_work_started(q), for_client=client, asked_today=True)
            live_region("answer_said")
            show.coming_version(q)
            show.withdrawn_version(q)
            if not restored:  # Saved quotes compared it with what it was given under; a version it never was
                show.replaced_version(q)  # given under would tell another story (a walkthrough)
            if state.progress_unknown():  # a case brought from "Am I eligible?": its progress was never given
                st.info(f"On \u201cAm I eligible?\u201d how far along the work is was left as not known: this quote is "
                        f"for the {scenario.completion_pct}% the slider shows. Set the slider to the work done (that "
                        "page then takes it too), or see that page for the answer over every amount of progress.")
            show.actions(q, state.share_link, save=True)
    state.sliders()  # also when the scenario is invalid: a slider may be what fixes it
    if scenario is None:
        return

    if q.verdict != "not_offered":
        curve = cache.cached_completion_curve(cache.curve_key(scenario))
        days = cache.cached_days_curve(cache.days_key(scenario))
        assert q.policy is not None  # a quote made in this run holds the version it was made under
        boundaries = stage_boundaries(q.policy, scenario.service)  # the stage lines of the version the curve follows
        colour = charts.provider_colour(q.provider_name, tuple(p.name for p in policies().values()))
        case = case_lines(q)  # whose case, in each chart's key: a downloaded PNG is read on its own
        # Side by side in one block, wrapping on a narrow screen. A fixed width: charts stretched to their
        # container were re-measured on every rerun, which cost the Refund ~20% of its key-press latency.
        with st.container(horizontal=True):
            st.vega_lite_chart(
                spec=charts.band_chart(curve, "completion_pct", "Project completion (%)", float(scenario.completion_pct),
                                       boundaries, title="Refund against project completion", colour=colour,
                                       case=case, quoted=marked_by_the_quote(q)),
                width=CHART_WIDTH,
            )
            st.vega_lite_chart(
                spec=charts.band_chart(days, "days_since_payment", "Days since payment", scenario.days_since_payment,
                                       step=True, title="Refund against days since payment", colour=colour,
                                       case=case),
                width=CHART_WIDTH,
            )
        marked = marked_by_the_quote(q)
        if marked is not None:  # the marker off the curve, said (a walkthrough read the two as disagreeing)
            st.caption(e(f"The completion chart places each stage by completion; its black marker is this quote, "
                         f"under the stage you chose ({q.stage.label}): {refund_text(q)}."))
        show.payment_moves(q)
        if st.toggle("Show the data behind the charts", key="show_chart_data"):
            left, right = st.columns(2)
            left.dataframe(readable(curve), hide_index=True, width="stretch")
            right.dataframe(readable(days), hide_index=True, width="stretch")
            sideways_hint("chart_data")  # on a phone both are cut at "Refun..." (a walkthrough)

    show.explanation(q, heading="Why", for_client=client)


with page.opened("app.py", sidebar_inputs=True,
                 about="Pick a provider and a service in the sidebar, move the sliders, and read the "
                       "refund the policy gives, with its clauses."):
    calculator()
    state.sidebar()  # after the answer: on a first load or a change in the sidebar, the Refund is sent first
