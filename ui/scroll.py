"""Bring an element into view after a rerun the user started further down the page (a form's button): the
browser keeps the scroll position, so an answer drawn above it would appear off screen."""
import json

import streamlit.components.v1 as components


def into_view(key: str) -> None:
    """Scroll the container made with `key=` into view. A zero-height component runs the script in an iframe of
    the same origin (the page's own), which may reach its parent; nothing from a user reaches the script."""
    selector = json.dumps(f".st-key-{key}")
    components.html(
        f"<script>const el = window.parent.document.querySelector({selector});"
        "if (el) el.scrollIntoView({behavior: 'instant', block: 'start'});</script>",
        height=0,
    )
