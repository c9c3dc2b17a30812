"""The policies the app quotes under: the shipped seeds and the versions published in the lab, as one Catalog.

The Catalog is rebuilt only when the database's versions change (its revision, one query per run), so a version
published in one session or replica is used by every other on its next run. Each run (and fragment run) looks
once, in page.opened and page.fragment: looking at every use cost 22 queries, about 9 ms, per key press."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import streamlit as st

from policy.schema import PolicyFile
from policy.versions import Catalog
from store import PolicyStore, published_catalog
from ui.records import register


def policy_store() -> PolicyStore:
    return PolicyStore(register().engine)


@st.cache_resource(show_spinner=False, max_entries=8)
def _catalog(url: str, revision: tuple) -> Catalog:
    return published_catalog(register().engine)


RUN_KEY = "_policy_catalog"


def refresh() -> Catalog:
    """The catalog as the database has it now, kept for the rest of this run."""
    found = _catalog(str(register().engine.url), policy_store().revision())
    st.session_state[RUN_KEY] = found
    return found


def catalog() -> Catalog:
    """This run's catalog (outside a page run: the database's now)."""
    found = st.session_state.get(RUN_KEY)
    return found if isinstance(found, Catalog) else refresh()


def policies(on: date | None = None) -> Mapping[str, PolicyFile]:
    """Each provider's version in force on `on` (today): for names, services and the lists of the pages."""
    return catalog().on(on or date.today())
