"""Am I eligible? A short guided form for clients, in plain words, ending in what to do and by when."""
from datetime import date, timedelta

import streamlit as st

from policy import parse_scenario, policies, quote
from policy.explain import plain_answer, refund_text, what_to_do
from policy.markdown import md_escape as e
from policy.taxonomy import PAYMENT_METHODS, SERVICES
from ui import cache, page, show, state
from ui.codec import money_text, with_payment_date

v = page.start("pages/3_Am_I_eligible.py", title="Am I eligible for a refund?", layout="centered",
               caption="Answer a few questions about your purchase. Nothing is sent anywhere.")

ANSWERS = {"Yes": True, "No": False, "Not sure": None}
today = date.today()
paid_on = v["paid_on"] or today - timedelta(days=v["days_since_payment"])

with st.form("eligibility"):
    provider = st.selectbox("Who did you buy from?", list(policies()), index=list(policies()).index(v["provider"]),
                            format_func=lambda p: policies()[p].name, key="el_provider")
    service = st.selectbox("What did you buy?", list(SERVICES), index=list(SERVICES).index(v["service"]),
                           format_func=lambda s: SERVICES[s], key="el_service")
    amount = st.number_input("How much did you pay?", min_value=0.01, max_value=1_000_000_000.0,
                             value=float(v["amount_paid"]), step=100.0, format="%.2f", key="el_amount")
    when = st.date_input("When did you pay?", value=paid_on, max_value=today, min_value=date(2000, 1, 1),
                         key="el_paid_on")
    started = st.radio("Has the work started?", list(ANSWERS), horizontal=True, key="el_started",
                       index=list(ANSWERS.values()).index(v["work_started"]))
    delivered = st.radio("Has anything been delivered to you?", list(ANSWERS), horizontal=True, key="el_delivered",
                         index=list(ANSWERS.values()).index(v["deliverables_provided"]))
    progress = st.slider("Roughly how far along is the work? (%)", 0, 100, value=v["completion_pct"],
                         key="el_progress", help="Leave at 0 if nothing has been done.")
    st.markdown("Did any of these happen?")
    billing = st.checkbox("I was charged the wrong amount (a billing error)", value=v["billing_error"], key="el_billing")
    fault = st.checkbox("Something failed on their side, or they missed agreed deadlines", value=v["provider_fault"], key="el_fault")
    missing = st.checkbox("A part they promised was never delivered", value=v["undelivered_promised"], key="el_missing")
    methods = [None, *PAYMENT_METHODS]
    method = st.selectbox("How did you pay?", methods, index=methods.index(v["payment_method"]),
                          format_func=lambda m: "I don't know" if m is None else PAYMENT_METHODS[m], key="el_method")
    submitted = st.form_submit_button("Check my eligibility", type="primary")

if submitted:
    answers = dict(
        provider=provider, service=service, amount_paid=money_text(amount), completion_pct=progress,
        work_started=ANSWERS[started] if progress == 0 else (None if ANSWERS[started] is None else True),
        deliverables_provided=ANSWERS[delivered], billing_error=billing, provider_fault=fault,
        undelivered_promised=missing, payment_method=method, stage=None,
    )
    if progress > 0 and ANSWERS[started] is False:
        st.warning("You said the work has not started but is partly done; we counted it as started.")
    st.session_state[state.KEY] = with_payment_date({**v, **answers}, when, today)
    st.session_state["el_answered"] = True

if st.session_state.get("el_answered"):
    scenario, problem = state.scenario()
    if scenario is None:
        assert problem is not None
        st.error(f"**{problem.field}**: {problem.message}. Your answers are kept above; correct this one.")
    else:
        q = cache.cached_quote(cache.key(scenario))
        policy = policies()[scenario.provider]
        st.subheader("Your answer")
        st.markdown(f"### {e(plain_answer(q))}")
        show.headline(q)
        if st.session_state.get("el_started") == "Not sure" and scenario.completion_pct == 0:
            if_started = quote(parse_scenario({**scenario.model_dump(), "work_started": True}))
            if (if_started.refund_min, if_started.refund_max) != (q.refund_min, q.refund_max):
                st.info(
                    e(f"You were not sure whether work has started. With no progress we assumed it has not; "
                      f"if it has, the policy gives {refund_text(if_started)}."),
                )
        st.subheader("What to do next")
        st.markdown("\n".join(f"- {e(step)}" for step in what_to_do(policy, q)))
        with st.expander("Why: the policy's own words"):
            show.explanation(q)
        show.actions(q, state.share_link)
page.finish()
