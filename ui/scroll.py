"""Bring an element into view after a rerun the user started further down the page (a form's button): the
browser keeps the scroll position, so an answer drawn above it would appear off screen."""
import json

import streamlit as st
from streamlit.delta_generator import DeltaGenerator


def into_view(key: str, nonce: int = 0, named: str = "") -> None:
    """Scroll the container made with `key=` into view. An iframe sized to its (empty) content runs the script
    with the page's origin, so it may reach its parent; nothing from a user reaches the script. The nonce makes
    each request a new iframe: the browser keeps an identical one without running it again. (st.iframe: the
    components.html it replaces is deprecated.) `named`: the container is a region of that name (our words), which
    a screen reader says on arriving; without one, the focused container's name was its whole text, 1,900
    characters of an answer (a keyboard-only walkthrough)."""
    selector = json.dumps(f".st-key-{key}")
    with script_frame(f"scroll_{key}"):
        _script(selector, nonce, named)


def script_frame(name: str) -> DeltaGenerator:
    """A container for a frame that only runs a script: out of the page's flow (page.css), so it leaves no empty
    150 px box where it is drawn."""
    return st.container(key=f"script_frame_{name}")


def _script(selector: str, nonce: int, named: str = "") -> None:
    """Scroll to it, and take the keyboard's focus there too: it stayed on the button far below, and a keyboard
    user's next Tab went back to the top of the page (a walkthrough)."""
    region = (f"el.setAttribute('role', 'region'); el.setAttribute('aria-label', {json.dumps(named)});" if named else "")
    on_element(selector, f"{region} el.scrollIntoView({{behavior: 'instant', block: 'start'}});"
                         " el.setAttribute('tabindex', '-1'); el.focus({preventScroll: true});", nonce)


def on_element(selector: str, action: str, nonce: int = 0) -> None:
    """Run `action` (JavaScript of ours, never a user's text) on the page's element `selector` (a JSON string) as
    `el`, from a frame of the page's origin. The frame itself leaves the keyboard's order and the screen reader's
    tree: it was a Tab stop with nothing to see between the answer and its downloads (a walkthrough)."""
    st.iframe(f"<!-- {int(nonce)} --><script>{_UNSEEN}const el = window.parent.document.querySelector({selector});"
              f"if (el) {{ {action} }}</script>", height="content")


_UNSEEN = ("const frame = window.frameElement; if (frame) { frame.tabIndex = -1; "
           "frame.setAttribute('aria-hidden', 'true'); }")
