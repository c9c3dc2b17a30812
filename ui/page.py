"""What every page does first: config, navigation, the shared scenario, title, URL warnings."""
from __future__ import annotations

from typing import Optional

import streamlit as st

from policy import Scenario

from . import nav, state


def start(script: str, title: Optional[str] = None, caption: str = "", layout: str = "wide") -> dict:
    """Open a page (`script` as listed in nav.PAGES); returns the shared scenario's values."""
    label, icon = next((label, icon) for path, label, icon in nav.PAGES if path == script)
    st.set_page_config(page_title=label, page_icon=icon, layout=layout)
    nav.links()
    values = state.values()
    st.title(title or label)
    if caption:
        st.caption(caption)
    state.show_url_warnings()
    return values


def scenario_or_stop(purpose: str) -> Scenario:
    """The valid scenario, or an error naming the field (inputs kept, sidebar still there) and stop."""
    scenario, problem = state.scenario()
    if problem is not None:
        st.error(f"**{problem.field}**: {problem.message}. Your other inputs are kept; correct this one to {purpose}.")
        state.sidebar()
        state.sync_url()
        st.stop()
    return scenario
