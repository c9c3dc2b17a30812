"""The policies the app quotes under: the shipped seeds and the versions published in the lab, as one Catalog.

The Catalog is rebuilt only when the database's versions change (its revision, one query per run), so a version
published in one session or replica is used by every other on its next run. Each run (and fragment run) looks
once, in page.opened and page.fragment: looking at every use cost 22 queries, about 9 ms, per key press."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from policy.schema import PolicyFile
from policy.versions import Catalog, shipped_catalog
from store import PolicyStore, database_url, published_catalog
from store.register import database_said
from ui.records import register


def policy_store() -> PolicyStore:
    return PolicyStore(register().engine)


@st.cache_resource(show_spinner=False, max_entries=8)
def _catalog(url: str, revision: tuple) -> Catalog:
    return published_catalog(register().engine)


RUN_KEY = "_policy_catalog"


UNREACHABLE = "_register_unreachable"  # set while the database cannot be reached: the page says so


def refresh() -> Catalog:
    """The catalog as the database has it now, kept for the rest of this run. While the database cannot be
    reached, the catalog this session last had (the shipped one if it had none) and UNREACHABLE set: quoting
    goes on, and the page says that a version published since may be missing."""
    try:
        found = _catalog(database_url(), policy_store().revision())
    except SQLAlchemyError as exc:
        last, before = st.session_state.get(RUN_KEY), st.session_state.get(UNREACHABLE)
        found = last if isinstance(last, Catalog) else shipped_catalog()
        from_database = isinstance(last, Catalog) and (before is None or before[1])  # not a fall-back of its own
        st.session_state[UNREACHABLE] = (database_said(exc), from_database)
    else:
        st.session_state.pop(UNREACHABLE, None)
    st.session_state[RUN_KEY] = found
    return found


def catalog() -> Catalog:
    """This run's catalog (outside a page run: the database's now)."""
    found = st.session_state.get(RUN_KEY)
    return found if isinstance(found, Catalog) else refresh()


def policies(on: date | None = None) -> Mapping[str, PolicyFile]:
    """Each provider's version in force on `on` (today): for names, services and the lists of the pages."""
    return catalog().on(on or date.today())
