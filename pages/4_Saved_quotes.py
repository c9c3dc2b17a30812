"""Saved quotes: the register for sales. Find a quote (filters, sort, pages), open it exactly as it was given,
see what today would give where that differs, restore it into the calculator, download the list, delete."""

import pandas as pd
import streamlit as st

from policy.assumptions import if_work_started
from policy.client import Client
from policy.explain import label_of, last_day_changed, refund_text, version_words
from policy.markdown import md_escape as e
from policy.models import Verdict
from policy.money import format_range
from policy.quoting import with_policy
from policy.records import NAME_MAX
from policy.spreadsheet import for_excel
from policy.taxonomy import SERVICES
from policy.words import counted
from store import Filters, Forbidden
from store.access import Permission
from store.days import Days
from store.register import SORTS, register_csv, who_saved
from ui import cache, clock, page, show, state
from ui.codec import OPEN_QUOTE, dated, from_scenario, request_today, requested_on
from ui.identity import actor, while_signed_in
from ui.paging import one_page
from ui.records import register
from ui.registry import basis, catalog, policies
from ui.tables import sideways_hint

PAGE_SIZE = 50


def _delete(quote_id: int) -> None:
    """A callback: it runs before the page is drawn again, so the list and the choice no longer hold it. What
    it says is what happened: deleted here, gone already (another session), or refused."""
    try:
        deleted = register().delete(quote_id, by=actor())
    except Forbidden as exc:
        st.session_state["reg_said"] = ("error", str(exc))
        st.session_state.pop("reg_confirm", None)
        return
    for key in ("reg_confirm", "register_open"):
        st.session_state.pop(key, None)
    st.session_state["reg_pick"] = None
    st.session_state["reg_said"] = ("success", f"Quote #{quote_id} deleted.") if deleted else (
        "warning", f"Quote #{quote_id} was already deleted (in another session); nothing more was deleted.")


def _named(quote_id: int, client: str, service: str) -> str:
    return f"#{quote_id} {client or '(no client name)'}, {SERVICES.get(service, '')}"


def _any(label: str, options: dict, key: str):
    # "Any" as the placeholder too: a filter kept through another page comes back as no choice, which Streamlit
    # shows as its placeholder ("Choose an option" before)
    return st.selectbox(label, [None, *options], format_func=lambda o: "Any" if o is None else options[o],
                        key=state.kept(key), placeholder="Any")


with page.opened("pages/4_Saved_quotes.py", caption="Quotes saved from the calculator (Save, download or share) "
                 "or from a batch. Each opens exactly as it was given, under the policy version of that day."):
    store, me = register(), actor()
    if "reg_said" in st.session_state:
        kind, said = st.session_state.pop("reg_said")
        getattr(st, kind)(said)
    row1 = st.columns([1, 1, 1, 1.5])  # the dates: "YYYY/MM/DD – YYYY/MM/DD" was cut in a quarter (a walkthrough)
    with row1[0]:
        provider = _any("Provider", {p: policy.name for p, policy in policies().items()}, "reg_provider")
    with row1[1]:
        service = _any("Service", SERVICES, "reg_service")
    with row1[2]:
        verdict = _any("Verdict", {v.value: v.label for v in Verdict}, "reg_verdict")  # stored as their strings
    with row1[3]:
        days = st.date_input("Saved between", value=[], max_value=basis().as_of, key="reg_dates")  # the person's days
    batches = {b: f"#{b} {name} ({rows:,} row{'' if rows == 1 else 's'})" for b, name, rows in store.batches(by=me)}
    row2 = st.columns([3, 2, 2, 1])
    # the search and the filters outlive a visit to another page (Back from a restored quote lost the search)
    text = row2[0].text_input("Search client, reference, note, project or invoice", key=state.kept("reg_text"), max_chars=NAME_MAX,
                              placeholder="Words in any order, any case, with or without accents")
    with row2[1]:
        batch = _any("Batch", batches, "reg_batch")
    sort = row2[2].selectbox("Sort", list(SORTS), format_func=SORTS.__getitem__, key=state.kept("reg_sort"))
    chosen_days = tuple(days) if isinstance(days, (tuple, list)) else (days,)
    filters = Filters(provider=provider, service=service, verdict=verdict, text=text, batch_id=batch,
                      saved_on=Days(chosen_days[0], chosen_days[-1], clock.zone()) if chosen_days else Days())
    rows, total, pages = one_page(lambda n: store.find(filters, sort, n, PAGE_SIZE, by=me), "reg_page", PAGE_SIZE)
    number = int(row2[3].number_input("Page", min_value=1, max_value=pages, value=1, key="reg_page"))
    st.caption(f"{counted(total, 'saved quote matches', 'saved quotes match')}; page {number} of {pages}, {PAGE_SIZE} a page.")
    if rows:
        st.dataframe(pd.DataFrame({
            "#": [r.id for r in rows],
            f"Saved ({clock.zone_name()})": [clock.shown(r.saved_at, "%Y-%m-%d %H:%M") for r in rows],
            # whose quote and the refund first: the key figure was cut at "$4,000.0" on a 1,400 px desktop
            "Client": [r.client_name for r in rows],
            "Refund": [format_range(r.refund_min, r.refund_max) for r in rows],
            "Verdict": [label_of(r.verdict) for r in rows],
            "Provider": [policies()[r.provider].name if r.provider in policies() else r.provider for r in rows],
            "Service": [SERVICES.get(r.service, r.service) for r in rows],
            "Reference": [r.client_ref for r in rows],
            "Policy version": [r.policy_version for r in rows], "Saved by": [who_saved(r.saved_by) for r in rows],
            "Batch, row": ["" if r.batch_id is None else f"{batches.get(r.batch_id, f'#{r.batch_id}')}, row {r.batch_row}"
                           for r in rows],
        }), hide_index=True, width="stretch")
        sideways_hint("saved", always=True)  # eleven columns: cut at "Polic" on a 1,400 px desktop (a walkthrough)
        st.download_button("Download the list (CSV)", while_signed_in(
            lambda: for_excel(register_csv(store.each(filters, sort, by=me))), Permission.VIEW_REGISTER,
            "the saved quotes list (CSV)"), "saved-quotes.csv", "text/csv", key="reg_csv",
            on_click="ignore")
        ids = [r.id for r in rows]
        linked = state.linked_page_inputs()  # a reload or a link opens the quote its URL names
        if linked is not None:
            st.session_state["reg_pick"] = None
            if OPEN_QUOTE in linked:
                st.session_state["register_open"] = int(linked[OPEN_QUOTE])
        named = {r.id: _named(r.id, r.client_name, r.service) for r in rows}
        wanted = st.session_state.get("register_open")  # the quote just saved, or restored from here: opened once
        if wanted is not None and wanted not in named:  # not in this page of the list: opened all the same
            found = store.get(wanted, by=me)
            if found is not None:
                named[wanted] = _named(found.id, found.client_name, found.quote.service)
                ids.append(wanted)
            else:
                st.session_state.pop("register_open")
                st.warning(f"Quote #{wanted} is not in the register (deleted, or never saved).")
        if wanted in ids:  # (kept, it took back the choice of every other quote)
            st.session_state["reg_pick"] = st.session_state.pop("register_open")
        held = st.session_state.get("reg_pick")  # the quote open: deleted in another session since, a click on its
        if held is not None and held not in named and store.get(held, by=me) is None:  # Restore or Delete did
            st.session_state["reg_pick"] = None  # nothing, and the quote was gone without a word (a walkthrough)
            st.warning(f"Quote #{held} is no longer in the register: it was deleted in another session, so nothing "
                       "was done with it.")
        # its placeholder says the same: a quote deleted in view leaves no choice, which read "Choose an option"
        pick = st.selectbox("Open a saved quote", [None, *ids], key="reg_pick", placeholder="Choose one",
                            format_func=lambda i: "Choose one" if i is None else named[i])
    else:
        # a search that finds nothing is not an empty register (it read as one, a walkthrough)
        st.info("No saved quote matches these filters: change or clear one to see the others." if filters != Filters()
                else "No quote is saved yet. Save one from the calculator: Save, download or share.")
        pick = None
    state.keep_page_inputs(**{OPEN_QUOTE: None if pick is None else str(pick)})  # a reload opens it again

    if pick is not None:
        saved = store.get(pick, by=me)
        if saved is None:
            st.warning(f"Quote #{pick} is no longer in the register (deleted in another session).")
        else:
            q = with_policy(saved.quote, catalog())  # the very version it names, where it is still kept
            st.header(f"Quote #{saved.id}")
            batch_of = (f" Batch {batches.get(saved.batch_id, f'#{saved.batch_id}')}, row {saved.batch_row}."
                        if saved.batch_id is not None else "")
            whose = ", ".join(filter(None, [saved.client_name and f"client {saved.client_name}",
                                            saved.client_ref and f"reference {saved.client_ref}"])) or "no client named"
            st.caption(e(f"Saved {clock.shown(saved.saved_at, '%d %b %Y %H:%M')} {clock.zone_name()} by "
                         f"{who_saved(saved.saved_by)}; "
                         f"{whose}.{batch_of}"))  # "reference -." read as a fault
            if saved.note:  # a person's words, as typed: plain text (no Markdown, no link, no code box)
                st.text(f"Note: {saved.note}")
            withdrawn = catalog().withdrawal(q.provider, q.policy_version)
            # a provider whose every version was withdrawn is quoted no more: the quote is shown as given, nothing
            # else (it claimed today's policy gave the same answer, and its restore broke the calculator)
            quotable = q.provider in policies()
            if withdrawn is not None:  # the quote stays as given; the reader learns its version is gone
                st.warning(e(withdrawn.sentence(q.policy_version) + ". This quote is shown as it was given under "
                             "it; " + ("a new quote uses the version in force now." if quotable else
                                       f"no version of {q.provider_name} is in force now, so it is quoted no more.")))
            # a quote given in days is of a payment that many days before it was saved: today, and a restore, count
            # from that date (its days were counted from today, and its deadline moved with each day, a walkthrough)
            values = dated(from_scenario(q.scenario), saved.asked_day)
            # a request still to come (planned) is compared on its own day, as a restore quotes it; one made is
            # compared with the same request made today (a planned request's comparison, asked today, said "the same
            # refund" where the restore, on its day, found the window closed: a walkthrough)
            planned = requested_on(values)
            if planned is not None and planned <= basis().as_of:
                planned = None
            today_values = values if planned is not None else request_today(values, basis().as_of)
            scenario, problem = state.scenario_of(today_values) if quotable else (None, None)
            now = cache.cached_quote(cache.key(scenario)) if scenario is not None else None
            same_refund = now is not None and (now.refund_min, now.refund_max, now.verdict) == (
                q.refund_min, q.refund_max, q.verdict)
            moved = last_day_changed(q, now, values["paid_on"]) if now is not None and same_refund else None
            when = "Today" if planned is None else f"Under today's policy, for the request on {planned:%d %b %Y}"
            if now is not None and (not same_refund or moved):
                left, right = st.columns(2)
                with left:
                    st.markdown(f"**As given**, under {e(version_words(q.policy_version))}")
                    show.headline(q, if_work_started(q), asked_on=saved.asked_day)
                with right:
                    st.markdown(f"**{e(when)}**, under {e(version_words(now.policy_version))}")
                    show.headline(now, if_work_started(now))
                when += "," if planned else ""
                st.warning(e(f"{when} this case gets {refund_text(now)} instead of {refund_text(q)}." if moved is None
                             else f"{when} this case gets the same refund, {refund_text(now)}, but {moved}."))
            else:
                # what it assumed, as the calculator said it (a walkthrough), its deadlines dated from its day
                show.headline(q, if_work_started(q), asked_on=saved.asked_day)
                on_its_day = "" if planned is None else f" for the request on {planned:%d %b %Y}"
                if now is None:  # nothing to compare it with today
                    st.caption(e(f"It cannot be quoted today: {problem}." if problem is not None else
                                 f"No version of {q.provider_name} is in force today."))
                elif now.policy_version != q.policy_version:
                    st.caption(e(f"Today's policy version ({now.policy_version}) gives the same refund and last day to "
                                 f"ask{on_its_day}." if planned else f"Today's policy version ({now.policy_version}) "
                                 "and date give the same refund and last day to ask."))
                else:
                    st.caption(f"Today's policy gives the same answer{on_its_day}." if planned else
                               "Today's policy and date give the same answer.")  # no text of a user's
            with st.expander("Why: the clauses as they were cited"):
                show.explanation(q)
            show.saved_files(q, Client(name=saved.client_name or "", reference=saved.client_ref or "",
                                       project=saved.project, invoice=saved.invoice), saved.asked_day, saved.id)
            act = st.columns(3)
            if not quotable:
                act[0].caption(e(f"Not offered for a restore: {q.provider_name} is quoted no more."))
            elif act[0].button("Restore into the calculator", key="reg_restore"):
                state.restored(values)
                for box, value in (("client_name", saved.client_name), ("client_ref", saved.client_ref),
                                   ("client_project", saved.project), ("client_invoice", saved.invoice),
                                   ("save_note", saved.note)):  # whose case it is, for the files and a save
                    state.keep_value(box, value or "")
                st.session_state["register_open"] = saved.id  # Back comes to it open, as it was left
                restored, _ = state.scenario_of(values)  # as the calculator reads the values (5000 is 5000.00)
                if restored is not None:  # the calculator says where the case came from
                    st.session_state[show.RESTORED] = (saved.id, cache.key(restored), refund_text(q), q.policy_version)
                st.switch_page("app.py")
            if not store.may_delete(saved, me):
                act[1].caption("Only the person who saved it, or an admin, may delete it.")
            elif act[1].button("Delete", key="reg_delete"):
                st.session_state["reg_confirm"] = saved.id
            if st.session_state.get("reg_confirm") == saved.id:
                st.warning(f"Delete quote #{saved.id} for good?")
                yes, no = st.columns(2)
                yes.button(f"Yes, delete #{saved.id}", key="reg_delete_yes", type="primary", on_click=_delete,
                           args=(saved.id,))
                no.button("Keep it", key="reg_delete_no", on_click=st.session_state.pop, args=("reg_confirm", None))
