"""A rerun with nothing changed draws every element where the run before drew it. Streamlit places an element by its
position: an element drawn on a page load only (as a script was once, at the top of every page) moves everything
after it on the next run, and the browser draws those anew, dropping what they held (a policy file just uploaded in
the lab). Only the history script is drawn on a page load alone, and it comes last (ui/history.py)."""
import pytest

from pages import ROOT, opened

PAGES = ["app.py", *(f"pages/{p.name}" for p in sorted((ROOT / "pages").glob("*.py")))]
PAGE_LOAD_ONLY = "url_history_"  # the history script's container: last in the page


def drawn(node, depth: int = 0) -> list[tuple[int, str, object]]:
    """Each element and container of the page, in order: its depth, its type and its key."""
    key = getattr(node, "key", None)
    if isinstance(key, str) and key.startswith(PAGE_LOAD_ONLY):
        return []
    found = [(depth, getattr(node, "type", type(node).__name__), key)]
    for child in getattr(node, "children", {}).values():
        found += drawn(child, depth + 1)
    return found


@pytest.mark.parametrize("page", PAGES)
def test_a_rerun_with_nothing_changed_draws_every_element_where_it_was(page):
    at = opened(page)
    first = drawn(at.main) + drawn(at.sidebar)
    at.run()
    assert drawn(at.main) + drawn(at.sidebar) == first
