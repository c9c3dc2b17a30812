"""A long list shown a page at a time (Saved quotes, the audit trail)."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st


def one_page(find: Callable[[int], tuple[list, int]], key: str, size: int) -> tuple[list, int, int]:
    """`find(page)` gives a page's rows and how many match, for the page asked in session_state[key]; where the
    filters narrowed the list under that page, its last page instead. (rows, total, pages)"""
    asked = int(st.session_state.get(key, 1))
    rows, total = find(asked)
    pages = max(1, -(-total // size))
    if asked > pages:
        st.session_state[key] = pages
        rows, total = find(pages)
    return rows, total, pages
