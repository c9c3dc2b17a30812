"""Keyboard and clipboard fixes, installed once in the page (Streamlit 1.67 offers no option for them).

A date field (st.date_input) opens its calendar when it is clicked, and keeps it open while a date is typed into
it; Tab then moved the focus on but left the calendar drawn over the next fields, and the typed date was never
sent. A Tab from the field's last part (or its calendar button) now first closes its calendar, as Escape does: the
date is taken and the focus moves on. (Shift+Tab already closes it; Escape there would hold the focus.)
A switch of page left the focus nowhere (on the document's body): the next Tab began again at "Skip to main
content" and the sidebar (a walkthrough). Once another page is drawn with the focus nowhere, its title takes it.
A name in a narrow table may break between its parts (ui/tables.name_breaks: zero-width spaces); copied, it
carried them into a spreadsheet, where "ITMediaSolutions.us" with them matched nothing (a walkthrough). A copy
from the page leaves them out.
The sidebar opened from the keyboard left the focus nowhere, and the next Tab went past it; closed, the focus went
nowhere too (a keyboard-only walkthrough): opened, its first field takes the focus; closed, the button that opens it.
A page title's help button was named "Help" alone (Streamlit names a field's "Help for <its label>"): it is named
for its title, "Help for Refund calculator".
A grid's cell editors are loaded the first time one opens (Streamlit's lazy chunks, about 60 ms here): keys typed
over a selected cell before it arrived were lost, "150" typed at 40 ms a key became "50" in the first edit of a page
(a walkthrough's author found a fee cap of 0). The page asks the browser to load them as it opens.
Nothing from a user reaches the script.
"""
from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

# Streamlit's own files (their names hashed per release), served under static/js
STATIC_JS = Path(st.__file__).parent / "static" / "static" / "js"
CELL_EDITORS = sorted(f"static/js/{p.name}" for p in STATIC_JS.glob("*overlay-editor.*.js"))

SCRIPT = """<script>
(() => {
  const w = window.parent && window.parent.document ? window.parent : window;
  if (w.__refundKeyboard) return;
  w.__refundKeyboard = true;
  w.document.addEventListener('keydown', e => {
    if (e.key !== 'Tab' || e.shiftKey || !e.isTrusted || !e.target.closest) return;
    const field = e.target.closest('[data-testid="stDateInput"]');
    if (!field) return;
    const parts = field.querySelectorAll('[role="spinbutton"]');  // year, month, day: Tab between them stays in
    if (e.target.getAttribute('role') === 'spinbutton' && e.target !== parts[parts.length - 1]) return;
    e.target.dispatchEvent(new KeyboardEvent('keydown',
      {key: 'Escape', code: 'Escape', keyCode: 27, bubbles: true, cancelable: true}));
  }, true);
  let path = w.location.pathname;
  const onNewPage = () => {
    const app = w.document.querySelector('[data-testid="stApp"]');
    if (!app) { w.setTimeout(onNewPage, 50); return; }
    new MutationObserver(() => {
      if (app.getAttribute('data-test-script-state') !== 'notRunning' || w.location.pathname === path) return;
      path = w.location.pathname;
      const active = w.document.activeElement;
      if (active && active !== w.document.body) return;  // the focus is somewhere on the page: it stays there
      const title = w.document.querySelector('[data-testid="stMain"] h1');
      if (!title) return;
      title.setAttribute('tabindex', '-1');
      title.focus({preventScroll: true});
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  };
  onNewPage();
  const sidebarFocus = () => {
    const bar = w.document.querySelector('[data-testid="stSidebar"]');
    if (!bar) { w.setTimeout(sidebarFocus, 50); return; }
    new MutationObserver(() => {
      const active = w.document.activeElement;
      const lost = !active || active === w.document.body;
      // the element to focus, once drawn (the button that opens the sidebar comes a moment after it closes)
      const focusWhenDrawn = (find, tries) => {
        const found = find();
        if (found && found.offsetParent !== null) { found.focus(); return; }
        if (tries > 0) w.setTimeout(() => focusWhenDrawn(find, tries - 1), 50);
      };
      if (bar.getAttribute('data-collapsed') === 'false') {
        if (!lost) return;  // opened by a click, the focus where it was; by the keyboard, it had gone nowhere
        focusWhenDrawn(() => bar.querySelector('input, button, select, textarea, a[href], [tabindex="0"]'), 20);
      } else if (lost || bar.contains(active)) {
        focusWhenDrawn(() => w.document.querySelector('[data-testid="stExpandSidebarButton"]'), 20);
      }
    }).observe(bar, {attributes: true, attributeFilter: ['data-collapsed']});
  };
  sidebarFocus();
  const nameTitleHelp = () => {
    for (const help of w.document.querySelectorAll('[data-testid="stMain"] h1 button[aria-label="Help"]')) {
      const title = help.closest('h1').querySelector('[data-heading-text], span');
      if (title && title.textContent.trim()) help.setAttribute('aria-label', 'Help for ' + title.textContent.trim());
    }
  };
  new MutationObserver(nameTitleHelp).observe(w.document.body, {childList: true, subtree: true});
  nameTitleHelp();
  for (const path of __CELL_EDITORS__) {
    const link = w.document.createElement('link');
    link.rel = 'modulepreload';
    link.href = new URL(path, w.document.baseURI).href;
    w.document.head.appendChild(link);
  }
  w.document.addEventListener('copy', e => {
    const text = w.getSelection().toString();
    if (!text.includes('\\u200b') || !e.clipboardData) return;
    e.clipboardData.setData('text/plain', text.replaceAll('\\u200b', ''));
    e.preventDefault();
  });
})();
</script>"""


def install() -> None:
    """On every run, in the same place: drawn on the first run only, its going away on the next moved every element
    after it, and the browser drew them anew (a file just uploaded in the lab was dropped). The script itself adds
    its listener once per page load."""
    with st.container(key="keyboard_script"):
        st.html(SCRIPT.replace("__CELL_EDITORS__", json.dumps(CELL_EDITORS)), unsafe_allow_javascript=True)
