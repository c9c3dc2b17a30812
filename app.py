"""Refund calculator: the home page. Pages gather input, call policy/, and draw."""
import streamlit as st

from policy import policies
from policy.curves import stage_boundaries
from ui import cache, charts, nav, show, state
from ui.tables import readable

st.set_page_config(page_title="Refund calculator", page_icon=":material/calculate:", layout="wide")
nav.links()
state.values()
state.sidebar()

st.title("Refund calculator")
st.caption("Pick a provider and a service, move the sliders, and read the refund the policy gives, with its clauses.")
state.show_url_warnings()

scenario, problem = state.scenario()
if problem is not None:
    st.error(f"**{problem.field}**: {problem.message}. Your other inputs are kept; correct this one to see the quote.")
    state.sync_url()
    st.stop()

q = cache.cached_quote(cache.key(scenario))
show.headline(q)
v = state.values()

if q.verdict != "not_offered":
    left, right = st.columns(2)
    with left:
        curve = cache.cached_completion_curve(cache.key(scenario))
        boundaries = stage_boundaries(policies()[scenario.provider], scenario.service)
        st.altair_chart(
            charts.band_chart(curve, "completion_pct", "Project completion (%)", float(scenario.completion_pct),
                              boundaries, title="Refund against project completion"),
            width="stretch",
        )
        with st.expander("Data behind this chart"):
            st.dataframe(readable(curve), hide_index=True, width="stretch")
    with right:
        days = cache.cached_days_curve(cache.key(scenario))
        st.altair_chart(
            charts.band_chart(days, "days_since_payment", "Days since payment", scenario.days_since_payment,
                              step=True, title="Refund against days since payment"),
            width="stretch",
        )
        with st.expander("Data behind this chart"):
            st.dataframe(readable(days), hide_index=True, width="stretch")

st.subheader("Why")
show.explanation(q, v["paid_on"])
st.subheader("Take it with you")
show.downloads(q, scenario, v["paid_on"])
show.share(state.share_link())
state.sync_url()
