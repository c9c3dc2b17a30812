"""Bring an element into view after a rerun the user started further down the page (a form's button): the
browser keeps the scroll position, so an answer drawn above it would appear off screen."""
import json

import streamlit.components.v1 as components


def into_view(key: str, nonce: int = 0) -> None:
    """Scroll the container made with `key=` into view. A zero-height component runs the script in an iframe of
    the same origin (the page's own), which may reach its parent; nothing from a user reaches the script. The
    nonce makes each request a new iframe: the browser keeps an identical one without running it again."""
    selector = json.dumps(f".st-key-{key}")
    components.html(
        f"<!-- {int(nonce)} --><script>const el = window.parent.document.querySelector({selector});"
        "if (el) el.scrollIntoView({behavior: 'instant', block: 'start'});</script>",
        height=0,
    )
