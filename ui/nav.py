"""Navigation between the pages, with readable names (the file names stay as Streamlit's folder mode needs).

One segmented control rather than a link per page: every element on a page costs the browser time on
each rerun, and four page links cost about as much as the rest of the sidebar's inputs."""
import streamlit as st

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
}


def menu(current: str) -> None:
    """The pages, the current one selected; choosing another switches to it (the scenario goes along)."""
    key = f"nav_{current}"
    if key in st.session_state and st.session_state[key] is None:  # a click on the current page deselects it
        st.session_state[key] = current
    # On the page, not in the sidebar: on a phone the sidebar covers the page, and a switch made from it left
    # it open over the next page.
    choice = st.segmented_control(
        "Pages", list(LABELS), default=current, format_func=lambda script: LABELS[script], key=key,
        label_visibility="collapsed",
    )
    if choice is not None and choice != current:
        st.switch_page(choice)
