"""The policies the app quotes under: the shipped seeds and the versions published in the lab, as one Catalog.

The Catalog is rebuilt only when the database's versions change (its revision, one cheap query per run), so a
version published in one session or replica is used by every other on its next run."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import streamlit as st

from policy.schema import PolicyFile
from policy.versions import Catalog, shipped_catalog
from store import PolicyStore
from ui.records import register


def policy_store() -> PolicyStore:
    return PolicyStore(register().engine)


@st.cache_resource(show_spinner=False, max_entries=8)
def _catalog(url: str, revision: tuple) -> Catalog:
    return shipped_catalog().adding(policy_store().versions())


def catalog() -> Catalog:
    store = register()
    return _catalog(str(store.engine.url), policy_store().revision())


def policies(on: date | None = None) -> Mapping[str, PolicyFile]:
    """Each provider's version in force on `on` (today): for names, services and the lists of the pages."""
    return catalog().on(on or date.today())
