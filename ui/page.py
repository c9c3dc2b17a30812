"""What every page does first and last: config, navigation, the shared scenario, title, URL warnings."""
from __future__ import annotations

from typing import Optional

import streamlit as st

from policy import Scenario

from . import nav, state

CONFIGURED = "_configured_page"
NAV_SLOT = "_nav_slot"


def start(script: str, title: Optional[str] = None, caption: str = "", layout: str = "wide") -> dict:
    """Open a page (`script` as listed in nav.PAGES); returns the shared scenario's values.

    Each message before the Refund costs the browser a render of the whole page, so a rerun of the same page
    does not send its config again (the browser keeps it), and the navigation links are drawn by finish(),
    into a slot at the top of the sidebar."""
    if st.session_state.get(CONFIGURED) != script:
        label, icon = nav.label_and_icon(script)
        st.set_page_config(page_title=label, page_icon=icon, layout=layout)
        st.session_state[CONFIGURED] = script
    st.session_state[NAV_SLOT] = st.sidebar.container()
    values = state.values()
    st.title(title or nav.label_and_icon(script)[0])
    if caption:
        st.caption(caption)
    state.show_url_warnings()
    return values


def finish() -> None:
    """The navigation links, and the scenario into the URL."""
    nav.links(st.session_state.pop(NAV_SLOT))
    state.sync_url()


def scenario_or_stop(purpose: str) -> Scenario:
    """The valid scenario, or an error naming the field (inputs kept, sidebar still there) and stop."""
    scenario, problem = state.scenario()
    if problem is not None:
        st.error(f"**{problem.field}**: {problem.message}. Your other inputs are kept; correct this one to {purpose}.")
        state.sidebar()
        finish()
        st.stop()
    return scenario
