"""Who is using the app, and what a page may show them.

Sign-in is Streamlit's own (`st.login`, OpenID Connect), configured by `[auth]` in `.streamlit/secrets.toml`;
roles by `[roles]` there (store/access.py reads it). Three modes:
- sign-in: `[auth]` is configured. Not signed in is "anyone"; a signed-in person has the roles `[roles]` gives.
- local: no `[auth]`, and the server listens on loopback only (the default in .streamlit/config.toml). The one
  local user has every role; the pages with client data say so.
- closed: no `[auth]`, but the server listens beyond loopback (or REFUND_REQUIRE_SIGN_IN=1, as a deployment
  behind a balancer sets it): the public pages work, and every page with client data or policy changes refuses
  to open and says how to configure sign-in (fail closed).
"""
from __future__ import annotations

import ipaddress
import json
import logging
import os
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, Optional, TypeVar
from urllib.parse import urlparse

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from policy import InputError
from policy.markdown import md_escape as e
from store import sign_ins
from store.access import Actor, Permission, RoleMap
from store.audit import AuditLog, while_held
from ui import clock
from ui.records import register
from ui.scroll import into_view, script_frame

_LOG = logging.getLogger(__name__)
REQUIRE_SIGN_IN = "REFUND_REQUIRE_SIGN_IN"  # "1": never fall back to local mode (a deployment sets it)
Mode = Literal["sign-in", "local", "closed"]


@dataclass(frozen=True)
class EndedSignIn:
    """A sign-in this tab holds that its person ended with a sign-out in another tab (store/sign_ins.py)."""
    who: Actor
    at: datetime

    @property
    def when(self) -> str:
        """'You signed out at 15:43 UTC', on the person's clock: the sidebar and the page say it alike."""
        return f"You signed out at {clock.shown(self.at, '%H:%M')} {clock.zone_name()}"


@dataclass(frozen=True)
class Access:
    actor: Actor
    mode: Mode
    why_closed: str = ""
    how_to_open: str = ""  # what to do about it, for the reason it is closed
    ended: Optional[EndedSignIn] = None  # this tab's sign-in, ended in another tab: not signed in


class UnreadableSecrets(Exception):
    pass


def _secrets_section(name: str) -> Optional[dict]:
    """A section of the app's secrets; None where there is none. A secrets file that is there but cannot be read
    raises: it may hold the [auth] that was meant to be on."""
    if not st.secrets.load_if_toml_exists():
        if any(Path(p).is_file() for p in st.get_option("secrets.files") or ()):
            raise UnreadableSecrets
        return None
    found = st.secrets.get(name)
    return dict(found) if found else None


def listens_beyond_loopback() -> bool:
    """Whether this server may be reached from another machine: no address (every interface) or a
    non-loopback one."""
    address = str(st.get_option("server.address") or "").strip().strip("[]")
    if address == "localhost":
        return False
    try:
        return not ipaddress.ip_address(address).is_loopback
    except ValueError:  # empty (every interface) or a host name that may be anyone's
        return True


CONFIGURE_SIGN_IN = ("add an [auth] section (and [roles]) to the app's secrets file (.streamlit/secrets.toml), as the "
                     "README's 'Sign-in and roles' shows")
FIX_SECRETS = ("correct it in the secrets file the server was started with (.streamlit/secrets.toml, the file "
               "--secrets.files names, or the cluster's CLUSTER_SECRETS), then restart the app; docs/sign-in.md")


RUN_KEY = "_access"  # this run's Access (refresh), however many times a page asks


def refresh() -> Access:
    """Who is using this session now, looked at once at the start of each run and fragment run (ui/page.py) and kept
    for the rest of it: a sign-out in another tab takes effect on this tab's next run."""
    found = st.session_state[RUN_KEY] = _looked_up()
    return found


def current() -> Access:
    """This run's Access (refresh); outside a page's run, looked up now."""
    found = st.session_state.get(RUN_KEY)
    return found if isinstance(found, Access) else refresh()


def _ended(who: Actor) -> Optional[datetime]:
    """When this sign-in was ended by a sign-out (in another tab: this one would have left), else None. A register
    that cannot be read says nothing here: every read and write of it is refused anyway while it is down."""
    try:
        return sign_ins.ended_at(register().engine, who.sign_in)
    except SQLAlchemyError:
        return None


def _looked_up() -> Access:
    """Read from the identity token and the register's ended sign-ins; a configuration that cannot be read closes
    the protected pages rather than opening them."""
    try:
        auth = _secrets_section("auth")
        roles = RoleMap.from_config(_secrets_section("roles"))
    except InputError as exc:  # the advice to add an [auth] section was wrong where one is there (a walkthrough)
        return Access(Actor.anyone(), "closed", f"the role configuration is wrong: {exc.field} {exc.message}",
                      FIX_SECRETS)
    except UnreadableSecrets:  # closed, said, never a traceback
        return Access(Actor.anyone(), "closed", "the app's secrets file cannot be read: see the server's log for the "
                                                "line", FIX_SECRETS)
    if auth:
        claims = st.user.to_dict() if st.user.get("is_logged_in") else {}
        if not claims:
            return Access(Actor.anyone(), "sign-in")
        who = roles.actor(claims)
        ended = _ended(who)
        return Access(Actor.anyone(), "sign-in", ended=EndedSignIn(who, ended)) if ended else Access(who, "sign-in")
    if os.environ.get(REQUIRE_SIGN_IN) == "1":
        return Access(Actor.anyone(), "closed", f"{REQUIRE_SIGN_IN}=1 is set and no sign-in is configured",
                      CONFIGURE_SIGN_IN)
    if listens_beyond_loopback():
        where = st.get_option("server.address") or "every network interface"
        return Access(Actor.anyone(), "closed", f"this server listens on {where} and no sign-in is configured",
                      CONFIGURE_SIGN_IN + ", or serve on loopback only (server.address = \"localhost\")")
    return Access(Actor.local_user(), "local")


def actor() -> Actor:
    return current().actor


RETURN = "refund-return-after-sign-in"  # the tab's sessionStorage key: where a sign-in started
SIGN_IN_KEYS = ("sign_in", "sign_in_page", "sign_out")  # each comes back to where it was clicked


def _remember_where_sign_in_starts(button: str, protected: bool) -> None:
    """Drawn with a sign-in (or sign-out) button. Streamlit's sign-in and sign-out always come back to the app's
    root (signing out lost the scenario, a walkthrough), so when the button is clicked the address (the page and
    its scenario) is kept in the tab's sessionStorage to return to. The click is caught in the page itself, before
    the server hears of it. Nothing from a user reaches the script.

    Each frame drawn puts its listener in place of the last one, made in the page's own realm (its Function): one
    listener set once per tab stopped running after a page switch, and a sign-out came back to the root with the
    default case (a walkthrough).
    Signing out of a page for staff (`protected`) comes back to the calculator with the scenario: back on that page,
    the person now signed out was refused it, and the trail recorded a stranger's refusal (a walkthrough)."""
    selectors = json.dumps(", ".join(f".st-key-{k}" for k in SIGN_IN_KEYS))
    handler = json.dumps(f"const button = event.target.closest({selectors}); if (!button) return;"
                         "const leaving = button.closest('.st-key-sign_out') && window.__refundProtected;"
                         f"sessionStorage.setItem({json.dumps(RETURN)}, (leaving ? '/' : location.pathname)"
                         " + location.search);")
    script = (f"<script>const w = window.parent; w.__refundProtected = {json.dumps(protected)};"
              "if (w.__refundSignIn) w.document.removeEventListener('click', w.__refundSignIn, true);"
              f"w.__refundSignIn = new w.Function('event', {handler});"
              "w.document.addEventListener('click', w.__refundSignIn, true);</script>")
    with script_frame(f"{button}_start"):  # out of the flow: no empty 150 px box under the button
        st.iframe(script, height="content")


def return_after_sign_in(access: Access) -> None:
    """On the root, where a sign-in or a sign-out lands, in a session's first run: back to where it started."""
    if access.mode != "sign-in" or st.session_state.get("_sign_in_returned"):
        return
    st.session_state["_sign_in_returned"] = True
    landed = urlparse(st.context.url or "")
    if landed.path not in ("", "/") or landed.query:
        return
    script = (
        f"<script>const w = window.parent; const back = w.sessionStorage.getItem({json.dumps(RETURN)});"
        f"if (back) {{ w.sessionStorage.removeItem({json.dumps(RETURN)});"
        # where it landed already (a sign-in from the root) it stays: a second load of the same page is no return;
        # a link in the page itself, followed: the sandboxed frame may not navigate the page, the page may
        "const here = w.location.pathname + w.location.search;"
        "if (back.startsWith('/') && !back.startsWith('//') && back !== here) { const a = w.document.createElement('a');"
        "a.href = back; w.document.body.appendChild(a); a.click(); } }</script>")
    with script_frame("sign_in_return"):  # out of the flow: no empty 150 px box above the page menu
        st.iframe(script, height="content")


PROVIDER_TIMEOUT_S = 3.0  # a provider that answers at all answers its discovery document well within this


def provider_unreachable() -> Optional[str]:
    """Where sign-in cannot start now, what to say (the provider named by its host); None where its discovery
    document reads. Asked when Sign in is clicked, before st.login: with the provider down, Streamlit answered the
    click with a bare page saying 'Authentication error', and no way back to the app (a walkthrough). A certificate
    this Python does not trust is left to Streamlit's own client, which may trust it."""
    url = str((_secrets_section("auth") or {}).get("server_metadata_url", ""))
    host = urlparse(url).hostname or url
    try:
        with urllib.request.urlopen(url, timeout=PROVIDER_TIMEOUT_S) as response:
            if "authorization_endpoint" in json.load(response):
                return None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, ssl.SSLCertVerificationError):
            return None
    except (OSError, ValueError):  # refused, timed out, not JSON
        pass
    return (f"Sign-in is not available right now: the sign-in service ({host}) does not answer. Try again in a few "
            "minutes; if it goes on, tell whoever runs this app. The calculator, Compare, Policy terms and "
            "\"Am I eligible?\" work without signing in.")


def _sign_in() -> None:
    """st.login, once the sign-in service answers; else why not, where the button is (nothing is lost)."""
    why = provider_unreachable()
    if why is None:
        st.login()
    else:
        st.error(why)


LOCAL_NOTICE = ("Local mode: no sign-in is configured, so you have every role on this computer. Before anyone "
                "else can reach this app, configure sign-in (README: Sign-in and roles).")


def account(access: Access, protected: bool = False) -> None:
    """Who is signed in, in the sidebar, with Sign in / Sign out (only where sign-in is configured)."""
    with st.sidebar:
        if access.mode == "local":
            st.caption("Local mode: every role, no sign-in.")
        elif access.mode == "sign-in":
            who = access.actor
            if who.anonymous:
                if access.ended is not None:
                    st.caption(f"{access.ended.when}, in another tab or window: sign in again for the staff pages.")
                if st.button("Staff sign-in", key="sign_in", width="stretch"):
                    _sign_in()
                _remember_where_sign_in_starts("sign_in", protected)
            else:
                roles = ", ".join(r.label for r in sorted(who.roles, key=lambda r: r.value)) or "no staff role"
                st.caption(f"Signed in: {who.label} ({roles})")
                if st.button("Sign out", key="sign_out", width="stretch"):
                    _end_sign_in(who)
                    st.logout()
                    st.stop()  # nothing more as the person signed in: the page's reads now refused them (a traceback)
                _remember_where_sign_in_starts("sign_out", protected)


def _end_sign_in(who: Actor) -> None:
    """Recorded before Streamlit's sign-out, which ends only this tab's session: every other tab and replica holding
    the sign-in then refuses it. A register that cannot be written is logged: the sign-out itself goes on."""
    try:
        AuditLog(register().engine).signed_out(who)
    except SQLAlchemyError:
        _LOG.exception("The sign-out of %s could not be recorded: other tabs keep the sign-in", who.label)


SIGNED_OUT_NOTICE = "signed_out_elsewhere"


def after_sign_out(access: Access, page: str) -> None:
    """In the page itself, where a tab's sign-in was ended in another: a click on Save or Delete there did nothing, and
    only the sidebar (closed on a phone) said why (a walkthrough). The first use of each page is in the trail."""
    ended = access.ended
    if ended is None:
        return
    with st.container(key=SIGNED_OUT_NOTICE):
        st.warning(f"{ended.when} in another tab or window, so this tab is signed out too: nothing is saved, deleted "
                   "or shown of the register in your name from it until you sign in again.")
    if st.session_state.get(SIGNED_OUT_NOTICE) != ended.at:  # brought into view once: a click on Save far
        st.session_state[SIGNED_OUT_NOTICE] = ended.at  # down the calculator left it 475 px above the screen,
        into_view(SIGNED_OUT_NOTICE, named="Signed out")  # 1,160 px on a phone (a walkthrough)
    seen = st.session_state.setdefault("_used_after_sign_out", set())
    tried = st.session_state.pop(TRIED, None) or clicked_writes()
    if tried or page not in seen:  # every write tried; a page's use once
        seen.add(page)
        try:
            log = AuditLog(register().engine)
            if tried:
                log.used_after_sign_out(ended.who, ended.at, *WRITES_CLICKED[tried[0]])
            else:
                log.used_after_sign_out(ended.who, ended.at, f"page {page}")
        except SQLAlchemyError:
            _LOG.exception("A use of %s's ended sign-in could not be recorded", ended.who.label)


# The buttons that write to the register, by key, and what a click on one tried: in a tab whose sign-in has ended the
# page draws none of them, so the store never hears the click, and the trail said "page Refund calculator" of a Save
# as of a slider's move (a walkthrough). A click is read from the session's state before its button would be drawn.
WRITES_CLICKED = {"save_quote": ("save a quote", Permission.SAVE_QUOTE), "batch_go": ("quote a batch", Permission.BATCH),
                  "lab_draft": ("save a draft version", Permission.PUBLISH),
                  "lab_publish": ("publish a version", Permission.PUBLISH),
                  "reg_delete": ("delete a quote", Permission.DELETE_OWN_QUOTE)}
TRIED = "_writes_tried"  # a fragment's run that found the sign-in ended: what it was clicked for, for the page's run


def clicked_writes() -> list[str]:
    """The button that writes (WRITES_CLICKED) this run's click was on, if any."""
    return [key for key in WRITES_CLICKED if st.session_state.get(key) is True]


def refuse(access: Access, needed: Permission, page: str) -> None:
    """The whole of what a page shows someone it is not for: why, and the way in. None of its data."""
    who = access.actor
    if access.mode == "closed":
        st.error(f"This page is closed: {e(access.why_closed)}. Pages with client data or policy changes open only "
                 f"with sign-in configured and readable: {e(access.how_to_open)}.")
    elif who.anonymous:
        st.info(f"This page is for staff: sign in with a role that may {needed.value}.")
        if st.button("Sign in", key="sign_in_page", type="primary"):
            _sign_in()
        _remember_where_sign_in_starts("sign_in_page", True)
    else:
        st.error(f"Your role does not include this page: it needs a role that may {needed.value}. Roles are "
                 "given in the app's sign-in configuration: ask whoever runs this app if you need it.")
        seen = st.session_state.setdefault("_refusals_recorded", set())
        if page not in seen:  # once per session and page: a refusal is worth one line, not one per rerun
            seen.add(page)
            AuditLog(register().engine).refused(who, needed, f"page {page}")


Made = TypeVar("Made")


def while_signed_in(make: Callable[[], Made], permission: Permission, what: str) -> Callable[[], Made]:
    """A staff download's file, made on its click only while the sign-in that drew the button holds: a tab left open
    after a sign-out in another handed out a saved quote's files and a batch's results, made from what it had shown
    (a walkthrough). A click a sign-out ended is refused and recorded (store.audit.require), and the button says
    its file could not be made; one made is in the trail as downloaded. The file is made outside the page's run."""
    return while_held(register().engine, actor(), permission, what, make)


def may(permission: Permission) -> bool:
    access = current()
    return access.mode != "closed" and access.actor.may(permission)


def signed_by(key: str, label: str, optional: bool = False) -> Actor:
    """Who is acting, for a form that writes: the signed-in person (their name shown, not typed), or in local
    mode the name typed into a box of the form (there is no identity to take it from). `optional`: a blank box is
    the local user, and the box says so (a walkthrough took the only box not marked optional for a required one).
    The name typed outlives a visit to another page (state.kept)."""
    who = actor()
    if not who.local:
        st.caption(f"{label}: {who.label}")
        return who
    from policy.records import NAME_MAX
    from ui import state

    shown = f"{label} (optional)" if optional else label
    blank = f"Blank: {Actor.local_user().label}." if optional else None
    # kept through a visit to another page: forgotten, the lab's publish after one was refused for want of a name
    # typed before it (a walkthrough)
    return who.named(st.text_input(shown, key=state.kept(key), max_chars=NAME_MAX, help=blank))
