"""What every page does first and last: config, navigation, the shared scenario, title, URL warnings, URL."""
from __future__ import annotations

from typing import Literal, Optional

import streamlit as st

from policy import Scenario

from . import nav, state

CONFIGURED = "_configured_page"


def start(script: str, title: Optional[str] = None, caption: str = "", layout: Literal["wide", "centered"] = "wide",
          about: Optional[str] = None) -> dict:
    """Open a page (`script` as listed in nav.LABELS); returns the shared scenario's values. `about` is a
    tooltip on the title, for a page that keeps its elements few (a caption would be one more).

    Each message costs the browser a render of the whole page, so a rerun of the same page does not send its
    config again: the browser keeps it."""
    if st.session_state.get(CONFIGURED) != script:
        st.set_page_config(page_title=nav.LABELS[script], layout=layout)
        st.session_state[CONFIGURED] = script
    nav.menu(script)
    values = state.values()
    st.title(title or nav.LABELS[script], help=about)
    if caption:
        st.caption(caption)
    state.show_url_warnings()
    state.show_stale_request()
    return values


def finish() -> None:
    """The scenario into the URL, once the page has drawn (and its widgets' callbacks have run)."""
    state.sync_url()


def scenario_or_error(purpose: str) -> Optional[Scenario]:
    """The valid scenario, or None after an error naming the field. The inputs are kept (and still drawn)."""
    scenario, problem = state.scenario()
    if problem is not None:
        st.error(f"**{problem.field}**: {problem.message}. Your other inputs are kept; correct this one to {purpose}.")
    return scenario


def scenario_or_stop(purpose: str) -> Scenario:
    """scenario_or_error, for a page that has drawn its inputs: on an error the page ends there."""
    scenario = scenario_or_error(purpose)
    if scenario is None:
        finish()
        st.stop()
    return scenario
