"""The register as the app uses it: one engine per process (migrated once, pooled), and who is saving."""
from __future__ import annotations

import streamlit as st

from store import QuoteStore, database_url


@st.cache_resource(show_spinner=False)
def _store(url: str) -> QuoteStore:
    return QuoteStore.open(url)


def register() -> QuoteStore:
    """The register of the configured URL (REFUND_DATABASE_URL, secrets, or the SQLite file)."""
    return _store(database_url())


def signed_in_name() -> str:
    """The signed-in user's name where login is configured (st.login); else blank, and the form asks."""
    try:
        return str(st.user.get("name") or st.user.get("email") or "") if st.user.is_logged_in else ""
    except Exception:
        return ""
