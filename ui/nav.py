"""Navigation between the pages, with readable names (the file names stay as Streamlit's folder mode needs).

One segmented control rather than a link per page: every element on a page costs the browser time on
each rerun, and four page links cost about as much as the rest of the sidebar's inputs."""
from typing import Optional

import streamlit as st

from store.access import Actor, Permission

# Plain labels: Material icons load an icon font, which cost a first load about 100 ms (0.1 of its ratio to
# the reference app, in two paired runs).
LABELS = {
    "app.py": "Refund calculator",
    "pages/1_Compare_providers.py": "Compare providers",
    "pages/2_Policy_terms.py": "Policy terms side by side",
    "pages/3_Am_I_eligible.py": "Am I eligible?",
    "pages/4_Saved_quotes.py": "Saved quotes",
    "pages/5_Batch_quotes.py": "Batch quotes",
    "pages/6_Policy_lab.py": "Policy lab",
    "pages/7_Audit_trail.py": "Audit trail",
}
# What a page needs of the user's role; a page not named here is for anyone (the role table in the README).
NEEDS: dict[str, Permission] = {
    "pages/4_Saved_quotes.py": Permission.VIEW_REGISTER,
    "pages/5_Batch_quotes.py": Permission.BATCH,
    "pages/6_Policy_lab.py": Permission.LAB,
    "pages/7_Audit_trail.py": Permission.AUDIT,
}


def needs(script: str) -> Optional[Permission]:
    return NEEDS.get(script)


def offered(actor: Actor) -> list[str]:
    """The pages this user may open, in menu order: the others are not offered at all."""
    return [s for s in LABELS if s not in NEEDS or actor.may(NEEDS[s])]


def menu(current: str, actor: Actor) -> None:
    """The pages this user may open, the current one selected; choosing another switches to it (the scenario
    goes along). A page they may not open is not offered (its URL, opened directly, refuses: ui/identity)."""
    key = f"nav_{current}"
    pages = offered(actor)
    here = current if current in pages else None
    if key in st.session_state and st.session_state[key] is None:  # a click on the current page deselects it
        st.session_state[key] = here
    # On the page, not in the sidebar: on a phone the sidebar covers the page, and a switch made from it left
    # it open over the next page.
    choice = st.segmented_control("Pages", pages, default=here, format_func=lambda script: LABELS[script], key=key,
                                  label_visibility="collapsed")
    if choice is not None and choice != current:
        st.switch_page(choice)
