"""The browser's history: one entry per page visit and per deliberate change, a run of presses on one input one entry.

The scenario lives in the URL (ui/state.py writes st.query_params), and Streamlit's front end pushes a history
entry for every write that changes the query string: a page visit got 2-3 identical entries (the visit, then the
scenario written into its URL) and every slider key press one more. Streamlit 1.67 offers no way to write the query
string without a push, so this script, run once in the page itself, decides for each push that only changes the
query string of the same page:

- a page load writes no URL from the server at all (its push would come before this script could be in place):
  the script itself replaces the loaded entry's URL with the scenario's, and the server's next write, being the
  same, makes no entry;
- the first write after a switch of page replaces the new page's own entry: it is the same page;
- a write that changes the same parameters as the write before it, a few seconds later at most (a slider's key
  presses, a number typed in steps), replaces that write's entry: the run is one entry;
- a write that drops a form's answer (codec.FORM_CHECKED: an answer of the form edited) is a new entry, and
  every write after it until the form is checked again replaces that entry: the edits and their check are one
  step, so Back returns to the answer before them (it landed on the form without its answer);
- any other change is a new entry, so Back returns to the scenario before it.

A push to another page stays a push (but for a run that writes a scenario and switches page, as Restore does: its
two writes are one entry); the write that clears the query string as a switch of page begins is left
out (the entry keeps its scenario, for Back). Nothing from a user reaches the script.
"""
from __future__ import annotations

import json
from urllib.parse import urlencode

import streamlit as st

from .codec import FORM_CHECKED

RUN_SECONDS = 4  # presses further apart than this are separate changes
SWITCH_SECONDS = 2  # a run's write of the scenario, then its switch of page: one step

SCRIPT = """<script>
(() => {
  const w = window;
  if (w.__refundHistory) return;
  w.__refundHistory = true;
  const h = w.history, push = h.pushState.bind(h), replace = h.replaceState.bind(h);
  let fresh = false;       // a switch of page, and no write yet since
  let last = null;         // the parameters the last write changed, and when
  let pushed = null;       // the last entry a change of scenario made, and when
  let answering = false;   // a checked form edited, and not checked again yet: its entry is this step's
  const changed = (from, to) => {
    const keys = new Set([...from.keys(), ...to.keys()]);
    return [...keys].filter(k => from.getAll(k).join() !== to.getAll(k).join()).sort().join();
  };
  h.pushState = function (state, title, url) {
    const to = new URL(url, w.location.href);
    if (to.pathname !== w.location.pathname) {  // another page: a visit of its own
      // ... unless a run that switches page (Restore into the calculator) wrote the new page's scenario a moment
      // before the page itself changed: that entry becomes this one, so Back returns to where the switch began
      const carried = pushed !== null && pushed.search === to.search && Date.now() - pushed.at < __SWITCH_MS__;
      fresh = true; last = null; pushed = null; answering = false;
      return carried ? replace(state, title, url) : push(state, title, url);
    }
    // a switch of page clears the query string first: the entry keeps the scenario it showed (Back returns to
    // it) and the next page writes its own; an address with none yet takes the first one written
    if (!to.search) return;
    if (!w.location.search) { last = null; return replace(state, title, url); }
    const from = new URLSearchParams(w.location.search);
    const keys = changed(from, to.searchParams);
    const now = Date.now();
    if (answering && !from.has(__CHECKED__)) {  // the same edit of the form, or its check: one step
      answering = !to.searchParams.has(__CHECKED__);
      last = null;
      return replace(state, title, url);
    }
    answering = from.has(__CHECKED__) && !to.searchParams.has(__CHECKED__);
    const run = last !== null && last.keys === keys && now - last.at < __RUN_MS__;
    const first = fresh;
    fresh = false; last = {keys, at: now};
    if (first || run) return replace(state, title, url);
    pushed = {search: to.search, at: now};
    return push(state, title, url);
  };
  // A page visit ends its 'first write' with its first finished run: a later change is a change.
  const watch = () => {
    const app = w.document.querySelector('[data-testid="stApp"]');
    if (!app) { setTimeout(watch, 50); return; }
    new MutationObserver(() => {
      if (app.getAttribute('data-test-script-state') === 'notRunning') fresh = false;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  };
  watch();
  w.addEventListener('popstate', () => { answering = false; last = null; });  // Back or Forward: a step ended
})();
window.history.replaceState(window.history.state, '', window.location.pathname + __QUERY__);
</script>""".replace("__RUN_MS__", str(RUN_SECONDS * 1000)).replace(
    "__SWITCH_MS__", str(SWITCH_SECONDS * 1000)).replace("__CHECKED__", json.dumps(FORM_CHECKED))


STARTED = "_history_started"
FIRST = "_history_first_run"  # this run is the session's first: the page was just loaded
DRAWN = "_history_drawn"


def begin() -> None:
    """At the start of every page run: the session's first run is a page load."""
    ss = st.session_state
    if STARTED not in ss:
        ss[STARTED] = True
        ss[FIRST] = True


def first_run() -> bool:
    return bool(st.session_state.get(FIRST))


def end() -> None:
    """At the end of a page run (however it ends): a later run, or a fragment's, is no page load."""
    st.session_state[FIRST] = False


def replace_url(query: dict[str, str]) -> None:
    """On a page load: put the scenario into the URL without a history entry, and install the script that keeps
    every later write to one entry per change. Drawn once per query string (a fragment drawn in the same run
    syncs too); hidden by page.css. The query is our own encoding of the scenario, as a JSON string."""
    text = "?" + urlencode(query) if query else ""
    if st.session_state.get(DRAWN) == text:
        return
    n = st.session_state[DRAWN + "_n"] = st.session_state.get(DRAWN + "_n", 0) + 1
    st.session_state[DRAWN] = text
    with st.container(key=f"url_history_{n}"):
        st.html(SCRIPT.replace("__QUERY__", json.dumps(text)), unsafe_allow_javascript=True)
