"""The policies the app quotes under: the shipped seeds and the versions published in the lab, as one Catalog.

The Catalog is rebuilt only when the database's versions change (its revision, one query per run), so a version
published in one session or replica is used by every other on its next run. Each run (and fragment run) looks
once, in page.opened and page.fragment: looking at every use cost 22 queries, about 9 ms, per key press."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from policy.models import MAX_DAYS
from policy.schema import PolicyFile
from policy.versions import Basis, Catalog, shipped_catalog
from store import PolicyStore, database_url, published_catalog
from store.register import database_said
from ui import clock
from ui.records import register


def policy_store() -> PolicyStore:
    return PolicyStore(register().engine)


@st.cache_resource(show_spinner=False, max_entries=8)
def _catalog(url: str, revision: tuple) -> Catalog:
    return published_catalog(register().engine)


RUN_KEY = "_policy_catalog"


UNREACHABLE = "_register_unreachable"  # set while the database cannot be reached: the page says so


@st.cache_resource(show_spinner=False)
def _last_read(url: str) -> dict[str, tuple[Catalog, datetime]]:
    """This process's last catalog read from the database at `url`, and when: what a new session quotes under
    while the database cannot be reached (the shipped versions alone would quote a superseded policy)."""
    return {}


def refresh() -> Basis:
    """The catalog as the database has it now, and today's date: this run's one basis, kept for the rest of it.
    While the database cannot be reached: the catalog this server last read from it (the shipped one if it never
    did, said on the page), and UNREACHABLE set to what the page says about it."""
    url = database_url()
    last = _last_read(url)
    try:
        found = _catalog(url, policy_store().revision())
    except SQLAlchemyError as exc:
        kept = last.get("catalog")
        found = kept[0] if kept else shipped_catalog()
        st.session_state[UNREACHABLE] = (database_said(exc), kept[1] if kept else None)
    else:
        last["catalog"] = (found, datetime.now(UTC))
        st.session_state.pop(UNREACHABLE, None)
    made = Basis(found, clock.today())  # the app's one reading of the clock for this run: the person's day
    st.session_state[RUN_KEY] = made
    return made


def basis() -> Basis:
    """This run's basis: the catalog and today's date (outside a page run: the database's catalog now)."""
    found = st.session_state.get(RUN_KEY)
    return found if isinstance(found, Basis) else refresh()


def catalog() -> Catalog:
    return basis().catalog


def policies(on: date | None = None) -> Mapping[str, PolicyFile]:
    """Each provider's version in force on `on` (this run's day without one): every provider of the catalog, for
    names, services and the lists of the pages."""
    return basis().policies(on)


def payment_day(v: Mapping[str, Any]) -> date:
    """The payment day of a scenario's values: its date, or this run's day less its days since payment (days out of
    their bounds, which the scenario's own error names, count as none here)."""
    paid_on, days = v.get("paid_on"), v.get("days_since_payment")
    return basis().payment_day(paid_on if isinstance(paid_on, date) else None,
                               days if isinstance(days, int) and 0 <= days <= MAX_DAYS else 0)


def for_case(v: Mapping[str, Any]) -> Mapping[str, PolicyFile]:
    """Each provider's version in force on the payment day of a scenario's values: those its quotes follow."""
    return policies(payment_day(v))
