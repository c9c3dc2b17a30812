"""Audit trail, for admins: who did what and when (saves, deletes with what was deleted, batches, policy
versions drafted, published and withdrawn, refusals), with filters and a CSV download. Read only: nothing here,
or anywhere in the app, changes or deletes an event."""
from collections.abc import Mapping
from datetime import datetime

import pandas as pd
import streamlit as st

from policy.markdown import md_escape as e
from policy.spreadsheet import for_excel
from policy.words import counted
from store import AuditLog
from store.access import Permission
from store.audit import Action, AuditFilters, audit_csv
from store.days import Days
from ui import clock, page
from ui.identity import actor, while_signed_in
from ui.paging import one_page
from ui.records import register
from ui.registry import basis, policies
from ui.tables import sideways_hint, wrapped

PAGE_SIZE = 100
EVENTS_IN_VIEW = 8  # rows the table shows before it scrolls

def _moment(at: datetime) -> str:
    """A time of an event's detail as its When column reads it: in the person's zone, named."""
    return f"{clock.shown(at, '%Y-%m-%d %H:%M')} {clock.zone_name()}"


def _whole(event, names: Mapping[str, str]) -> None:
    """One event's detail whole, each part on a line of its own in the grid's words ("batch id None", "provider
    socialbeat" here beside the grid's names: a walkthrough); a part holding more (a deleted quote) as data."""
    # what it was about too: "Event #20: Refused" did not say what was (a walkthrough)
    st.subheader(e(f"Event #{event.id}: {event.action_in_words.capitalize()}: {event.subject}"))
    plain = event.parts_in_words(names, counted=False, moment=_moment)
    if plain:  # as text: st.table reads Markdown
        st.table(pd.DataFrame({"Part": [e(k) for k, _ in plain], "Value": [e(v) for _, v in plain]}).set_index("Part"))
    for key, value in sorted(event.detail.items()):
        if isinstance(value, (Mapping, list, tuple)):
            st.caption(e(key.replace("_", " ")))
            st.json(value, expanded=False)


with page.opened("pages/7_Audit_trail.py", caption="Who did what and when. Events are only ever added: nothing "
                 "can change or delete one."):
    log, me = AuditLog(register().engine), actor()
    left, middle, right, last = st.columns([2, 3, 3, 1])  # the days' box at [.., 2, ..] cut its "yyyy/mm/dd"
    action = left.selectbox("Action", [None, *(a.value for a in Action)], key="audit_action",
                            format_func=lambda a: "Any" if a is None else a.capitalize())
    who = middle.text_input("Who (name or email)", key="audit_who", max_chars=200)
    days = right.date_input("Between", value=[], max_value=basis().as_of, key="audit_days")  # the person's days
    chosen = tuple(days) if isinstance(days, (tuple, list)) else (days,)
    filters = AuditFilters(action=action, actor=who,
                           on=Days(chosen[0], chosen[-1], clock.zone()) if chosen else Days())
    events, total, pages = one_page(lambda n: log.find(filters, by=me, page=n, page_size=PAGE_SIZE), "audit_page",
                                    PAGE_SIZE)
    number = int(last.number_input("Page", min_value=1, max_value=pages, value=1, key="audit_page"))
    st.caption(f"{counted(total, 'event matches', 'events match')}; page {number} of {pages}, newest first.")
    if events:
        names = {pid: p.name for pid, p in policies().items()}  # a provider by its name, as on every page
        # when and what happened first, then who, the detail, and the event's number (the Detail column was
        # off-screen; on a phone, behind "#", "When" and "Who", so were the action and what it was about)
        shown = pd.DataFrame({
            f"When ({clock.zone_name()})": [clock.shown(ev.at, "%Y-%m-%d %H:%M:%S") for ev in events],
            "Action": [ev.action_in_words.capitalize() for ev in events],  # as the filter names it
            "About": [ev.subject for ev in events], "Who": [ev.actor_name for ev in events],
            "Detail": [ev.detail_in_words(names, _moment) for ev in events], "#": [ev.id for ev in events],
            "Email": [ev.actor_email for ev in events], "Roles": [ev.actor_roles or "-" for ev in events],
        })
        # tall enough for a few events whole: the grid's own height showed 3 of 4, the oldest under a scroll
        picked = st.dataframe(shown, hide_index=True, width="stretch", key="audit_events", on_select="rerun",
                              selection_mode="single-row",
                              **wrapped(shown, wide=("Detail",), narrow=("#",), rows_shown=EVENTS_IN_VIEW))
        sideways_hint("audit", always=True)  # its Detail alone is wide: cut at "Ro" on a 1,400 px desktop (a walkthrough)
        rows = picked.selection.rows if picked is not None else []
        if rows and rows[0] < len(events):
            _whole(events[rows[0]], names)
        else:  # a long detail is cut at its cell's lines: it was readable only in the CSV (a walkthrough)
            st.caption("Select an event (the box at the start of its row) to read its detail whole here.")
        st.download_button("Download these events (CSV)", while_signed_in(
            lambda: for_excel(audit_csv(log.each(filters, by=me), names)), Permission.AUDIT,
            "the audit trail (CSV)"), "audit-trail.csv", "text/csv", key="audit_csv",
            on_click="ignore")
    else:
        st.info("No event matches.")
