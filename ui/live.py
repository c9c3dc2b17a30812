"""A live region: what a screen reader says again when a key press changes it (the calculator's refund). Streamlit
gives its elements no aria-live, so a slider's key press announced the slider's value and never the refund (a
keyboard-only walkthrough)."""
import json

from ui.scroll import on_element, script_frame


def live_region(key: str) -> None:
    """Mark the container made with `key=` as a polite, atomic live region. Its node stays across reruns (a keyed
    container), so the mark is set once a page load; the frame's script names no user's text."""
    selector = json.dumps(f".st-key-{key}")
    with script_frame(f"live_{key}"):
        on_element(selector, "el.setAttribute('aria-live', 'polite'); el.setAttribute('aria-atomic', 'true');")
