"""What every page does first and last: config, navigation, the shared scenario, title, URL warnings, URL."""
from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, Optional

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException

from policy import InputError, Scenario
from policy.fields import BY_NAME, LABELS, in_words
from policy.markdown import md_escape as e
from store.access import Forbidden
from store.db import RegisterGone
from store.register import database_said

from . import clock, history, identity, keyboard, nav, registry, state

STYLE = Path(__file__).with_name("page.css")  # our own rules, never text from a user
# Set by deploy/cluster.py for each replica: the page says which process serves this session.
REPLICA = os.environ.get("REFUND_REPLICA", "")


@contextmanager
def opened(script: str, title: Optional[str] = None, caption: str = "",
           layout: Literal["wide", "centered"] = "wide", about: Optional[str] = None,
           sidebar_inputs: bool = False, asks_amount: bool = False) -> Iterator[dict]:
    """`with page.opened(script) as values:` every page draws inside this; when the page ends (st.stop
    included), the scenario goes into the URL. There is no 'finish' to forget. `sidebar_inputs`: the page's
    scenario is chosen in the sidebar, which a phone keeps closed: said there (SIDEBAR_HINT). A page that quotes the
    case its link carries says a request day not today itself (state.show_request_not_today), beside what the days
    slider moves: above Saved quotes' list it read as about a saved quote, and at the page's top, outside the
    calculator's fragment, it stayed as the page was first drawn while the slider moved the day (a walkthrough).
    `asks_amount`: the page asks for the amount paid itself (state.asking_amount)."""
    state.asking_amount(asks_amount)
    values = _start(script, title, caption, layout, about)
    if sidebar_inputs:
        with st.container(key="sidebar_hint"):  # shown on a narrow screen only (page.css)
            st.caption(SIDEBAR_HINT)
    rerun = False
    try:
        yield values
    except SQLAlchemyError as exc:
        register_fault(exc)
    except Forbidden as exc:  # the store refused a read the page's own check let through (a sign-out since)
        st.error(e(str(exc)))
    except RerunException:  # st.switch_page, st.rerun, a new request: the next run writes the URL, so Back skips
        rerun = True  # no step
        state.note_inputs()
        raise
    finally:
        if not rerun:
            state.sync_url()
        _end_run()


# A walkthrough on a phone found no way to change the provider or the amount: the sidebar holding them is closed.
SIDEBAR_HINT = "Provider, service, amount and dates: in the sidebar, opened with » at the top left."


def _end_run() -> None:
    """However a page's run ends: its fragments' reruns are no page load and open no page."""
    state.closing()
    history.end()


def register_fault(exc: SQLAlchemyError) -> None:
    """The register could not be read or written: said in words, never a traceback. What was typed is kept."""
    retry = "" if isinstance(exc, RegisterGone) else " Try again in a minute."
    st.error(f"The register cannot be used now ({e(database_said(exc))}). Nothing you entered is lost.{retry} The "
             "calculator, Compare, Policy terms and Am I eligible? go on working.")


def fragment(draw: Callable[[], None]) -> Callable[[], None]:
    """st.fragment for a part of a page that reruns alone: its rerun, too, ends with the URL in step."""
    @st.fragment
    @functools.wraps(draw)
    def part() -> None:
        state.redraw_if_url_warnings_went_stale()
        registry.refresh()
        before = identity.current()
        if identity.refresh().actor != before.actor:  # signed out in another tab since the page was drawn: the
            st.session_state[identity.TRIED] = identity.clicked_writes()  # (its click is not the page's run's)
            st.rerun(scope="app")  # whole page again, its sidebar and menu too, not this part alone
        state.redraw_if_versions_moved()
        try:
            draw()
        except SQLAlchemyError as exc:
            register_fault(exc)
        finally:
            state.sync_url()
            state.keep_widget_values()
    return part


def _start(script: str, title: Optional[str], caption: str, layout: Literal["wide", "centered"],
           about: Optional[str]) -> dict:
    """Open a page (`script` as listed in nav.LABELS); returns the shared scenario's values. `about` is a
    tooltip on the title, for a page that keeps its elements few (a caption would be one more).

    Each message costs the browser a render of the whole page, so a rerun of the same page does not send its
    config again: the browser keeps it."""
    registry.refresh()  # the policies of this run: one look at the database's versions, however many uses
    if state.opening(script):  # another page than the last run's: its config (a rerun's browser keeps it)
        st.set_page_config(page_title=nav.LABELS[script], layout=layout)
    st.html(STYLE)  # style only: Streamlit puts it in the event container, where it takes no space
    history.begin()  # a session's first run is a page load: ui/history.py
    keyboard.install()  # a date field's calendar closes when Tab leaves the field
    access = identity.refresh()
    identity.return_after_sign_in(access)
    nav.menu(script, access.actor)
    needed = nav.needs(script)
    identity.account(access, protected=needed is not None)  # read once a run: the same answer everywhere on the page
    values = state.values()
    state.note_versions_drawn()
    st.title(title or nav.LABELS[script], help=about)
    if caption:
        st.caption(caption)
    if REPLICA:
        st.caption(f"Served by replica {REPLICA}")
    identity.after_sign_out(access, nav.LABELS[script])
    if needed is not None and (access.mode == "closed" or not access.actor.may(needed)):
        identity.refuse(access, needed, nav.LABELS[script])  # and nothing else of the page: no data, no count
        linked = state.linked_page_inputs()
        if linked is not None:  # the page's own inputs stay in its address (a link to saved quote 1, followed by a
            state.keep_page_inputs(**linked)  # sign-in, came back to the list: quote=1 had been dropped, a walkthrough)
        state.sync_url()  # before the stop: what a stopped run writes to the URL is not sent
        _end_run()
        st.stop()
    if needed is not None and access.mode == "local":
        st.caption(identity.LOCAL_NOTICE)
    unreachable = st.session_state.get(registry.UNREACHABLE)
    if unreachable:
        said, read_at = unreachable
        versions = (f"the policy versions as this server last read them, at {clock.shown(read_at, '%H:%M')} "
                    f"{clock.zone_name()}: one published or "
                    "withdrawn in the lab since then is not yet used" if read_at else "the shipped policy versions "
                    "only: versions published in the lab are not used until it is back")
        st.warning(e(f"The register cannot be used now ({said}). Quotes use {versions}. Nothing can be saved until "
                     "it is back."))
    state.show_url_warnings()
    state.show_refused_in_sidebar()
    return values


def problem_in_words(problem: InputError, where: str = "") -> str:
    """A scenario's error as the page's inputs name its fields ('**Taxes remitted**: cannot exceed Amount paid
    (8000.00)'): it read '**taxes_remitted**: cannot exceed amount_paid (8000.00)' (a walkthrough). `where`: where
    that input is, where it may be out of sight."""
    return f"**{e(LABELS.get(problem.field, problem.field))}**{where}: {e(in_words(problem.message))}"


IN_ADVANCED = " (in the sidebar, under Advanced)"  # a fact set there and out of sight blocked every quote after it


def scenario_or_error(purpose: str) -> Optional[Scenario]:
    """The valid scenario, or None after an error naming the field. The inputs are kept (and still drawn)."""
    scenario, problem = state.scenario()
    if problem is not None:
        spec = BY_NAME.get(problem.field)
        where = IN_ADVANCED if spec is not None and spec.group == "advanced" else ""
        st.error(f"{problem_in_words(problem, where)}. Your other inputs are kept; correct this one to {purpose}.")
    return scenario
