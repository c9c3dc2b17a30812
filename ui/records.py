"""The register as the app uses it: one engine per process (migrated once, pooled)."""
from __future__ import annotations

import streamlit as st

from store import QuoteStore, database_url


@st.cache_resource(show_spinner=False)
def _store(url: str) -> QuoteStore:
    return QuoteStore.open(url)


def register() -> QuoteStore:
    """The register of the configured URL (REFUND_DATABASE_URL, secrets, or the SQLite file)."""
    return _store(database_url())

