"""Drawing a quote: the metric, the verdict badge, the explanation, downloads and the share link.

Every text from a user or a policy file goes through md_escape (a '$' would start LaTeX); no raw HTML.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

import streamlit as st

from policy import Quote, Scenario
from policy.explain import VERDICT_LABELS, deadline_sentence, processing_sentence, refund_text, verdict_sentence
from policy.export import md_escape as e
from policy.export import quote_csv, quote_json, quote_markdown
from policy.money import format_range, format_usd

VERDICT_COLORS = {
    "full": "green", "partial": "blue", "discretionary": "orange", "none": "red",
    "window_closed": "red", "not_offered": "gray",
}


def share_text(q: Quote) -> str:
    if q.refund_pct_min == q.refund_pct_max:
        return f"{q.refund_pct_min:g}%"
    return f"{q.refund_pct_min:g}% - {q.refund_pct_max:g}%"


def headline(q: Quote) -> None:
    left, right = st.columns([3, 2])
    left.metric("Refund", refund_text(q), help="The least you can count on, to the most the policy allows.")
    right.metric("Share of amount paid", share_text(q))
    st.badge(VERDICT_LABELS[q.verdict], color=VERDICT_COLORS[q.verdict])
    st.markdown(e(verdict_sentence(q)))


def clauses(q: Quote) -> None:
    for c in q.clauses:
        reading = f" · read as: *{e(c.decision)}*" if c.decision else ""
        st.markdown(f"> {e(c.quote)}\n>\n> — section **{e(c.section)}**{reading}")


def explanation(q: Quote, payment_date: Optional[date] = None) -> None:
    if q.stage.placed_by != "none":
        how = "you chose it" if q.stage.placed_by == "explicit" else "placed by completion"
        st.markdown(f"**Stage:** {e(q.stage.label)} ({how})")
        if q.stage_note:
            st.caption(e(q.stage_note))
    if q.clauses:
        st.markdown("**The clauses that decide it**")
        clauses(q)
    if q.next_deadline:
        st.info(e(deadline_sentence(q, q.next_deadline, payment_date)), icon=":material/event:")
    if q.ambiguities:
        st.markdown("**Ambiguities that move the amount**")
        for a in q.ambiguities:
            readings = "; ".join(f"{e(r.label)}: **{e(format_usd(Decimal(r.amount), q.currency))}**" for r in a.readings)
            st.markdown(f"- `{a.id}` {e(a.title)} — {readings}")
    if q.unknowns:
        st.markdown("**Facts not given (tell us to narrow the range)**")
        for u in q.unknowns:
            outcomes = "; ".join(
                f"{e(o.value)}: **{e(format_range(Decimal(o.refund_min), Decimal(o.refund_max), q.currency))}**"
                for o in u.outcomes
            )
            st.markdown(f"- `{u.fact}` — {outcomes}")
    if q.deductions:
        st.markdown("**Deductions**")
        for d in q.deductions:
            st.markdown(f"- {e(d.label)}: {e(format_usd(Decimal(d.amount), q.currency))} (section {e(d.clause.section)})")
    sentence = processing_sentence(q)
    if sentence:
        st.markdown(f"**Processing time:** {e(sentence)}")
    if q.next_charge_avoided is not None:
        st.markdown(
            "**Next monthly charge:** avoided by your notice." if q.next_charge_avoided
            else "**Next monthly charge:** still due (notice too short)."
        )
    for r in q.remedies:
        st.markdown(f"- Also available: {e(r)}")
    for n in q.notes:
        st.caption(e(n))


def downloads(q: Quote, s: Scenario, payment_date: Optional[date] = None) -> None:
    """Files are written only when clicked (deferred data), and a click does not rerun the page."""
    stem = f"refund-{q.provider}-{q.service}"
    cols = st.columns(3)
    files = (
        ("Quote as JSON", lambda: quote_json(q), "json", "application/json", "dl_json"),
        ("Quote as CSV", lambda: quote_csv(s), "csv", "text/csv", "dl_csv"),
        ("Client summary (Markdown)", lambda: quote_markdown(q, s, date.today(), payment_date), "md",
         "text/markdown", "dl_md"),
    )
    for col, (label, make, ext, mime, key) in zip(cols, files):
        col.download_button(label, make, f"{stem}.{ext}", mime, key=key, on_click="ignore")


@st.dialog("Share this scenario")
def _share_dialog(link: str) -> None:
    st.markdown("This link opens the same scenario on any page of the app.")
    st.code(link, language=None, wrap_lines=True)  # has its own copy button


def share(link: str) -> None:
    """A 'Copy link' button; the dialog (and the code block's heavy highlighter) loads only when asked."""
    st.caption("Every input is in the address bar, so the page's URL is always a link to this scenario.")
    if st.button("Copy link", icon=":material/link:", key="share_link"):
        _share_dialog(link)
