"""Sidebar navigation with readable names (the file names stay as Streamlit's folder mode needs them)."""
PAGES = (
    ("app.py", "Refund calculator", ":material/calculate:"),
    ("pages/1_Compare_providers.py", "Compare providers", ":material/compare_arrows:"),
    ("pages/2_Policy_terms.py", "Policy terms side by side", ":material/table_view:"),
    ("pages/3_Am_I_eligible.py", "Am I eligible?", ":material/help:"),
)


def label_and_icon(script: str) -> tuple[str, str]:
    return next((label, icon) for path, label, icon in PAGES if path == script)


def links(container) -> None:
    for path, label, icon in PAGES:
        container.page_link(path, label=label, icon=icon)
