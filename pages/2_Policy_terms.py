"""The three policies side by side, term by term, each cell quoted with its section."""
import streamlit as st

from policy.explain import cite, version_words
from policy.markdown import md_escape as e
from policy.passages import cites_passages, numbered
from policy.spreadsheet import for_excel
from policy.taxonomy import SERVICES, TERMS
from policy.terms import (
    AMBIGUITY_ID,
    NOT_STATED,
    ambiguity_places,
    ambiguity_table,
    stage_terms,
    term_of,
    terms_csv,
)
from policy.words import adopted_in_words, mid_sentence
from store.access import Permission
from ui import cache, page, show, state  # the shared scenario survives this page untouched (page.opened keeps it in the URL)
from ui.identity import may
from ui.registry import catalog, for_case
from ui.tables import wrapped

with page.opened("pages/2_Policy_terms.py",
           caption=f"Every cell quotes the policy, with its section. \u201c{NOT_STATED}\u201d in a cell means the "
                   "policy gives no entry for that term, and its rules none either."):

    v = state.values()  # the scenario's payment day picks the versions, as on every page
    registry = for_case(v)
    show.versions_in_force(v)
    # what the linter finds in a version and no ambiguity of it lists: its rules and its words disagree, said above
    # the terms that quote both (a version published despite the lab's warning cited "75% Refund" beside a tier of 65%;
    # said only in a closed expander at the foot of the page, a walkthrough missed it)
    unlisted = {pid: cache.unlisted_findings(policy, catalog()) for pid, policy in registry.items()}
    for pid, findings in unlisted.items():
        if findings:
            st.warning(e(f"{registry[pid].name} version {registry[pid].version}: where its words and its rules disagree "
                         "(the quotes follow its rules), found by the linter and listed by none of its ambiguities:")
                       + "\n\n" + "\n".join(f"- {e(f.message)}" for f in findings))
    header = st.columns([1.2] + [2] * len(registry))
    header[0].markdown("**Term**")
    for col, policy in zip(header[1:], registry.values()):
        col.markdown(f"**{e(policy.name)}**  \n:small[{e(version_words(policy.version))}]")  # as every page names it
    for term, label in TERMS.items():
        st.divider()
        row = st.columns([1.2] + [2] * len(registry))
        row[0].markdown(f"**{e(label)}**")
        for col, policy in zip(row[1:], registry.values()):
            found = term_of(policy, term)
            # columns stack on a phone: there each cell says whose it is; beside its column's heading it only
            # repeated the name (a walkthrough), so it is drawn for a narrow screen only (page.css)
            col.container(key=f"phone_only_terms_{term}_{policy.id}").markdown(f":small[**{e(policy.name)}**]")
            if found is None:
                col.markdown(f":gray[{NOT_STATED}]")
                continue
            col.markdown(e(found.summary))
            for c in found.clauses:
                col.markdown(f"> {e(c.quote)}  \n> — {e(cite(c.section))}")

    st.download_button(
        "Download the matrix (CSV)", for_excel(terms_csv(registry)), "policy-terms.csv", "text/csv",
        key="dl_terms",
    )

    staff = may(Permission.SAVE_QUOTE)  # the ids the calculator cites for sales; a client reads what is unclear
    st.header("Refunds as the work goes on")
    services: list[str] = list(SERVICES)
    service: str = st.selectbox("Service", services, format_func=SERVICES.__getitem__,
                                key=state.form_key("terms_service", state.values()["service"], services)) or services[0]
    columns = st.columns(len(registry))
    for col, policy in zip(columns, registry.values()):
        col.markdown(f"**{e(policy.name)}**")
        stages = stage_terms(policy, service)
        if not stages:
            col.markdown(f":gray[{e(f'Does not sell {mid_sentence(SERVICES[service])}')}]")
        elif policy.services[service].stage_note:  # how completion places a case: said on the calculator too
            col.caption(e(policy.services[service].stage_note or ""))
        for stage in stages:
            col.markdown(f"**{e(stage.label)}**")
            if stage.shares_band:  # under the first stage it speaks of (above it, it read as the stage before's)
                col.info(e(stage.shares_band))
            if stage.reading:
                col.caption(e(f"This app's reading, not the policy's words: {stage.reading}"))
            for tier in stage.tiers:
                col.markdown(f"- {e(tier.label)}: **{e(tier.refund)}**")
                if tier.unclear:  # which ambiguity gives this band: its id for those who write the policies
                    ident, title = tier.unclear
                    col.caption(e(f"Unclear here: {f'{ident} ' if staff else ''}{title} (below)"))
                for section, quote in dict.fromkeys((c.section, c.quote) for c in tier.clauses):  # cited twice: once
                    col.markdown(f"> {e(quote)}  \n> — {e(cite(section))}")

    st.header("Ambiguities, gaps and contradictions")
    st.caption("Each policy lists those that bear on a quote here; others (which entity contracts, in what currency, "
               "by what channel) change no amount this app gives.")
    for policy in registry.values():
        unsaid = unlisted[policy.id]  # said at the top of the page
        with st.expander(e(f"{policy.name}: {len(policy.ambiguities)} listed"
                           + (f", {len(unsaid)} found and not listed (said at the top)" if unsaid else ""))):
            table = ambiguity_table(policy) if staff else ambiguity_table(policy).drop(columns=[AMBIGUITY_ID])
            st.dataframe(table, hide_index=True, width="stretch", **wrapped(table, wide=("What is unclear",)))  # an index
            places = ambiguity_places(policy)
            for a in policy.ambiguities:  # then each whole: where the quotes meet it, its readings, the one adopted
                ident = f"{a.id} " if staff else ""  # an internal id: for those who write the policies
                st.markdown(f"**{e(ident + a.title)}** ({e(a.kind)})  \n{e(a.summary)}")
                if places[a.id]:
                    st.caption(e("Where the quotes meet it: " + "; ".join(
                        cite(section) + (f" ({', '.join(SERVICES[sid] for sid in services)})" if services else "")
                        for section, services in places[a.id])))
                st.markdown("\n".join(f"- {e(r)}" for r in a.readings))
                st.caption(e(f"Adopted: {a.adopted}" if staff else f"This app's reading: {adopted_in_words(a.adopted)}"))

    st.header("The texts")
    for policy in registry.values():
        with st.expander(e(f"{policy.name}: full policy text")):  # a label is Markdown too
            text = catalog().text_of(policy)
            if cites_passages(policy):  # paragraphs and bullets numbered as its clauses cite them
                st.caption("Numbered as the clauses above cite them: ¶ a paragraph, B a bullet point.")
                text = numbered(text)
            st.text(text)
