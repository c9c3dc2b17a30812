"""The one scenario every page shares: kept in st.session_state["scenario"], mirrored in the URL.

Widgets have keys of their own ("w_<field>"); a callback copies a change into the scenario, and a run sets
a widget from the scenario (where they differ) before drawing it, so a value survives pages that do not draw it.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Callable, Optional
from urllib.parse import urlencode

import streamlit as st

from policy import InputError, Scenario, parse_scenario, policies
from policy.evaluator import placed_stages, stages_label
from policy.models import infer_started
from policy.taxonomy import PAYMENT_METHODS, SERVICES

from .codec import DAYS_MAX, from_query, money_text, to_engine, to_query, with_payment_date

KEY = "scenario"
TRISTATE = {None: "Unknown", True: "Yes", False: "No"}


def values() -> dict:
    """The scenario's values; on a session's first run, restored from the URL (warnings kept to show)."""
    ss = st.session_state
    if KEY not in ss:
        ss[KEY], ss["url_warnings"] = from_query(dict(st.query_params.to_dict()))
    return ss[KEY]


def update(**changes: Any) -> None:
    st.session_state[KEY] = {**values(), **changes}


def show_url_warnings() -> None:
    for message in st.session_state.pop("url_warnings", []):
        st.warning(message, icon=":material/link_off:")


def sync_url() -> None:
    """Every input lives in the URL, so the address bar is always a link to this scenario."""
    wanted = to_query(values())
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def share_link() -> str:
    base = st.context.url or "http://localhost:8501/"
    return f"{base}?{urlencode(to_query(values()))}"


def scenario() -> tuple[Optional[Scenario], Optional[InputError]]:
    try:
        return parse_scenario(to_engine(values())), None
    except InputError as exc:
        return None, exc


# ---------------------------------------------------------------- widgets bound to the scenario

def _bind(field: str, to_widget: Callable[[Any], Any] = lambda v: v) -> str:
    """Set the widget from the scenario only where they differ (after a page switch or a URL restore):
    an assignment makes Streamlit push the value to the browser again."""
    key = f"w_{field}"
    wanted = to_widget(values()[field])
    if key not in st.session_state or st.session_state[key] != wanted:
        st.session_state[key] = wanted
    return key


def _store(field: str, from_widget: Callable[[Any], Any] = lambda v: v) -> Callable[[], None]:
    def callback() -> None:
        update(**{field: from_widget(st.session_state[f"w_{field}"])})
    return callback


def _store_payment_date() -> None:
    st.session_state[KEY] = with_payment_date(values(), st.session_state["w_paid_on"], date.today())


def _provider_label(pid: str) -> str:
    return policies()[pid].name


def _service_label(provider: str) -> Callable[[str], str]:
    offered = policies()[provider].services

    def label(sid: str) -> str:
        return SERVICES[sid] if sid in offered else f"{SERVICES[sid]} (not offered by {policies()[provider].name})"
    return label


def core_inputs(container=st) -> None:
    """The five inputs every user touches, with the labels the product promises."""
    container.selectbox(
        "Provider", list(policies()), format_func=_provider_label, key=_bind("provider"),
        on_change=_store("provider"),
    )
    container.selectbox(
        "Service", list(SERVICES), format_func=_service_label(values()["provider"]), key=_bind("service"),
        on_change=_store("service"),
        help="Every service of the common taxonomy is listed; those this provider does not offer say so.",
    )
    container.number_input(
        "Amount paid", min_value=0.01, max_value=1_000_000_000.0, step=100.0, format="%.2f",
        key=_bind("amount_paid", float), on_change=_store("amount_paid", money_text),
        help="The payment the request is about, in the policy's currency (USD).",
    )
    container.slider(
        "Project completion (%)", 0, 100, key=_bind("completion_pct"), on_change=_store("completion_pct"),
        help="Project progress; for a monthly service, how much of the current period is used.",
    )
    container.slider(
        "Days since payment", 0, DAYS_MAX, key=_bind("days_since_payment"), on_change=_store("days_since_payment"),
        help="The day of payment is day 0; 'within 7 days' includes day 7.",
    )


def advanced_inputs(container=st) -> None:
    v = values()
    exp = container.expander("Advanced", expanded=False)
    exp.date_input(
        "Payment date (optional)", value=None, max_value=date.today(), key=_bind("paid_on"),
        on_change=_store_payment_date, help="Turns days into dates and sets the days since payment.",
    )
    exp.selectbox("Work started", list(TRISTATE), format_func=TRISTATE.get, key=_bind("work_started"),
                  on_change=_store("work_started"), help="Unknown: inferred from completion (above 0% = started).")
    exp.selectbox("Deliverables provided", list(TRISTATE), format_func=TRISTATE.get,
                  key=_bind("deliverables_provided"), on_change=_store("deliverables_provided"))
    exp.number_input("Notice days", min_value=0, max_value=3650, value=None, step=1, key=_bind("notice_days"),
                     on_change=_store("notice_days"), placeholder="unknown",
                     help="Days of notice before the next billing date or the cancellation.")
    for field, label in (("third_party_costs", "Third-party costs"), ("taxes_remitted", "Taxes remitted"),
                         ("unused_ad_spend", "Unused ad spend")):
        exp.number_input(label, min_value=0.0, max_value=1_000_000_000.0, step=50.0, format="%.2f",
                         key=_bind(field, float), on_change=_store(field, money_text))
    methods = [None, *PAYMENT_METHODS]
    exp.selectbox("Payment method", methods, format_func=lambda m: "Unknown" if m is None else PAYMENT_METHODS[m],
                  key=_bind("payment_method"), on_change=_store("payment_method"))
    for field, label in (("first_time_client", "First-time client"), ("billing_error", "Billing error"),
                         ("provider_fault", "Provider at fault"),
                         ("undelivered_promised", "Promised part undelivered")):
        exp.checkbox(label, key=_bind(field), on_change=_store(field))
    service = policies()[v["provider"]].services.get(v["service"])
    stages = [None, *(s.id for s in service.stages)] if service else [None]
    if v["stage"] not in stages:  # the provider or service changed under an explicit stage
        update(stage=None)
    labels = {s.id: s.label for s in service.stages} if service else {}
    placed = placed_stage_label(v) if service else "-"
    exp.selectbox(
        "Stage", stages, format_func=lambda s: f"From completion: {placed}" if s is None else labels[s],
        key=_bind("stage"), on_change=_store("stage"),
        help="Pre-filled from completion; choose the stage to narrow the range when you know it.",
    )
    if service:
        exp.caption(service.stage_note)


def placed_stage_label(v: dict) -> str:
    """What completion and the work flag place the scenario in, as the Stage box's pre-filled choice."""
    service = policies()[v["provider"]].services[v["service"]]
    completion = Decimal(v["completion_pct"])
    found = placed_stages(service, completion, infer_started(v["work_started"], completion))
    return stages_label(found)


def sidebar() -> None:
    """The scenario, as every page that quotes shows it."""
    with st.sidebar:
        st.subheader("Scenario")
        core_inputs()
        advanced_inputs()
