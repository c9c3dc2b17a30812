"""The pages and roles (AppTest): with sign-in configured and nobody signed in, a protected page shows a sign-in
prompt and none of its data; with no sign-in configured the app is the one local user's, unless it is reachable
beyond loopback, where the protected pages stay closed. (Signing in as each role is the browser's test:
tests/browser/test_sign_in.py, through a real OpenID Connect provider.)"""
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from shipped import BASIS, TODAY
from streamlit import config
from streamlit.testing.v1 import AppTest

from policy import parse_scenario, quote
from policy import shipped_policies as policies
from policy.versions import Basis, shipped_catalog
from store import PolicyStore, QuoteStore
from store.config import ENV_URL
from tests.actors import OPS, PAT, SAM
from tests.pages import opened
from tests.test_app import plain
from ui import nav
from ui.identity import LOCAL_NOTICE, REQUIRE_SIGN_IN
from ui.tables import HEADER_PX, WRAP_ROW_PX

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = ["Refund calculator", "Compare providers", "Policy terms side by side", "Am I eligible?"]
PROTECTED = list(nav.NEEDS)
SECRET = "Zelda Secretclient"
SIGN_IN = {  # [auth] as a deployment writes it (the provider is never reached: nobody signs in here)
    "auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "c" * 32,
             "client_id": "refund-policy-explorer", "client_secret": "s" * 32,
             "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"},
    "roles": {"sales": ["@sales.example.com"]},
}


@pytest.fixture
def register(tmp_path, monkeypatch):
    """A register holding a client's quote, a batch and a published version: what must not leak."""
    st.cache_data.clear()
    url = f"sqlite:///{tmp_path / 'quotes.sqlite'}"
    monkeypatch.setenv(ENV_URL, url)
    store = QuoteStore.open(url)
    made = quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="2400", completion_pct=0,
                                     days_since_payment=3), BASIS), BASIS)
    store.save(made, client_name=SECRET, client_ref="REF-SECRET", note="call back", by=SAM)
    store.save_batch("Secret batch", [made], by=OPS)
    versions = PolicyStore(store.engine)
    draft = versions.save_draft(policies()["stepinto"].model_copy(update={"version": "secret-edit"}), "", by=PAT)
    versions.publish(draft, date(2030, 1, 1), by=PAT)
    return store


def everything_shown(at: AppTest) -> str:
    """Every element's whole message, main area and sidebar: labels, values, table data, options."""
    def walk(node) -> list[str]:
        found = [repr(node.proto)] if getattr(node, "proto", None) is not None else []
        for child in getattr(node, "children", {}).values():
            found += walk(child)
        return found
    return "\n".join(walk(at._tree))


@pytest.mark.parametrize("page", PROTECTED)
def test_a_protected_page_opened_by_url_as_anyone_asks_to_sign_in_and_shows_none_of_its_data(register, page):
    at = opened(page, SIGN_IN)
    assert not at.exception
    assert any("This page is for staff: sign in" in i.value for i in at.info)
    assert [b.label for b in at.main.button] == ["Sign in"]
    shown = everything_shown(at)
    for secret in (SECRET, "REF-SECRET", "Secret batch", "secret-edit", "saved quotes match", "saved quote matches", "events match", "event matches"):
        assert secret not in shown, (page, secret)
    assert not at.dataframe and not at.metric and not at.get("download_button")
    assert at.segmented_control(key=f"nav_{page}").options == PUBLIC  # not offered in the switcher either
    assert [b.label for b in at.sidebar.button] == ["Staff sign-in"]


def test_anyone_gets_the_public_pages_and_their_own_documents_but_no_save(register):
    at = opened("app.py", SIGN_IN)
    assert at.segmented_control(key="nav_app.py").options == PUBLIC
    at.session_state["downloads_open"] = True
    at.run()
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Summary (PDF)", "Request email"]  # a client's words; the technical formats are for sales
    assert "save_quote" not in [b.key for b in at.button] and not [t for t in at.text_input if t.key == "save_by"]
    assert SECRET not in everything_shown(at)


@pytest.fixture
def exposed():
    """The server as if started with --server.address 0.0.0.0 (every interface), with no sign-in configured."""
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", before)


@pytest.mark.parametrize("page", PROTECTED)
def test_reachable_beyond_loopback_without_sign_in_the_protected_pages_stay_closed(register, exposed, page):
    at = opened(page)
    assert any("This page is closed: this server listens on 0.0.0.0 and no sign-in is configured" in plain(e.value)
               and "or serve on loopback only" in plain(e.value) for e in at.error)
    assert SECRET not in everything_shown(at) and not at.dataframe
    assert at.segmented_control(key=f"nav_{page}").options == PUBLIC


def test_a_deployment_that_requires_sign_in_never_falls_back_to_local_mode(register, monkeypatch):
    monkeypatch.setenv(REQUIRE_SIGN_IN, "1")
    at = opened("pages/4_Saved_quotes.py")
    assert any(f"{REQUIRE_SIGN_IN}=1 is set and no sign-in is configured" in plain(e.value) for e in at.error)
    assert SECRET not in everything_shown(at)
    calculator = opened("app.py")  # the public pages work: a client can still check a refund
    assert [m.value for m in calculator.metric if m.label == "Refund"] and not calculator.exception


def test_a_role_configuration_that_cannot_be_read_closes_the_protected_pages_and_says_where_to_correct_it(register):
    """A walkthrough mistyped a role (admins) in a team's secrets: the page advised adding an [auth] section, which
    was there, and said nothing of the file the cluster was started with."""
    secrets = {"auth": {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "s", "client_id": "c",
                        "client_secret": "x", "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"},
               "roles": {"admins": ["ada@example.com"]}}
    at = opened("pages/4_Saved_quotes.py", secrets=secrets)
    said = next(plain(e.value) for e in at.error if "This page is closed" in plain(e.value))
    assert "the role configuration is wrong: roles.admins is not a role" in said
    assert "correct it in the secrets file the server was started with" in said and "CLUSTER_SECRETS" in said
    assert "add an [auth] section" not in said and SECRET not in everything_shown(at)
    calculator = opened("app.py", secrets=secrets)  # the public pages go on, their inputs with them
    assert [m.value for m in calculator.metric if m.label == "Refund"] and calculator.sidebar.text_input
    assert not calculator.exception


def test_local_mode_gives_the_one_user_every_page_and_says_so_where_client_data_is(register):
    at = opened("pages/4_Saved_quotes.py")
    assert at.segmented_control(key="nav_pages/4_Saved_quotes.py").options == list(nav.LABELS.values())
    assert LOCAL_NOTICE in [c.value for c in at.caption]
    assert list(at.dataframe[0].value["Client"]) == ["", SECRET]  # the batch's row has no client name
    assert LOCAL_NOTICE not in [c.value for c in opened("app.py").caption]  # the calculator holds no client data


def test_a_quote_saved_under_a_withdrawn_version_opens_as_given_and_says_when_by_whom_and_why(register):
    versions = PolicyStore(register.engine)
    version = versions.publish(versions.save_draft(policies()["stepinto"].model_copy(update={"version": "v-gone"}), "",
                                                   by=PAT), date(2026, 1, 1), by=PAT)
    given = quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="900", completion_pct=0,
                                      days_since_payment=2, paid_on=date(2026, 6, 1)), BASIS),
                  Basis(shipped_catalog().adding(versions.versions()), TODAY))
    saved = register.save(given, client_name="Under withdrawn", by=SAM)
    versions.withdraw(version.lab_id, "the wrong window", by=PAT)
    at = opened("pages/4_Saved_quotes.py")
    at.selectbox(key="reg_pick").set_value(saved).run()
    warnings = [w.value.replace("\\", "") for w in at.warning]  # as text: Markdown's escapes taken off
    assert any("Version v-gone was withdrawn on" in w and "by Pat Author: the wrong window" in w for w in warnings)
    assert "v\\-gone" in next(m.value for m in at.markdown if "As given" in m.value)  # shown as it was given



def test_the_audit_trail_page_lists_events_newest_first_and_filters_them(register):
    at = opened("pages/7_Audit_trail.py")
    table = at.dataframe[0].value
    assert list(table["Action"]) == ["Version published", "Version saved as draft", "Batch saved", "Quote saved"]
    assert list(table["Who"])[-1] == "sam" and any("4 events match" in c.value for c in at.caption)
    published = table["Detail"][0]  # in words, not JSON cut at the cell's edge
    assert "effective from: 2030-01-01; provider: Step-Into; replaces: " in published and "; version: " in published
    assert published.startswith("changed: ")  # what the version changed, first (the trail said only which it was)
    assert "{" not in " ".join(table["Detail"]) and at.dataframe[0].proto.row_height >= WRAP_ROW_PX
    # what happened in view, on a phone too (behind "#", "When" and "Who" the action was off-screen, a walkthrough)
    assert list(table.columns)[:6] == ["When (UTC)", "Action", "About", "Who", "Detail", "#"]
    at.selectbox(key="audit_action").set_value("quote saved").run()
    assert list(at.dataframe[0].value["About"]) == ["quote #1"]
    at.text_input(key="audit_who").input("nobody").run()
    assert any("No event matches." in i.value for i in at.info)


def test_an_event_selected_in_the_audit_trail_is_read_whole_below_it(register):
    """A publish's detail was cut at its cell's lines: readable only in the CSV (a walkthrough)."""
    at = opened("pages/7_Audit_trail.py")
    assert any("Select an event" in c.value for c in at.caption) and not at.table
    at.session_state["audit_events"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    # what it was about too ("Event #20: Refused" did not say what was, a walkthrough)
    assert [h.value.replace("\\", "") for h in at.subheader] == ["Event #4: Version published: Step-Into secret-edit"]
    (whole,) = [t.value for t in at.table]
    parts = {k: v.replace("\\", "") for k, v in zip(whole.index, whole["Value"])}  # as text: escaped as sent
    assert parts["provider"] == "Step-Into" and parts["effective from"] == "2030-01-01"  # as the grid names them
    assert parts["changed"] == "policy text: edited" and parts["version"] == "secret-edit"
    assert set(parts) >= {"changed", "replaces", "version", "lab version"} and parts["lab version"].startswith("#")


def test_the_audit_trail_shows_several_events_whole_before_its_grid_scrolls(register, monkeypatch):
    """The grid's own height showed 3 of 4 events, the oldest under a scroll (a walkthrough)."""
    drawn = []
    real = st.dataframe
    monkeypatch.setattr(st, "dataframe", lambda data, **kw: drawn.append((len(data), kw)) or real(data, **kw))
    opened("pages/7_Audit_trail.py")
    rows, kw = drawn[-1]
    assert rows == 4 and kw["height"] >= HEADER_PX + 4 * kw["row_height"]


def test_sign_in_with_its_service_down_says_so_where_it_was_clicked_and_the_page_goes_on(register):
    """With the provider down, Streamlit answered Sign in with a bare 'Authentication error' page (a walkthrough)."""
    refused = opened("pages/4_Saved_quotes.py", SIGN_IN)
    refused.button(key="sign_in_page").click().run()
    down = "Sign-in is not available right now: the sign-in service (127.0.0.1) does not answer"
    assert any(down in plain(e.value) for e in refused.main.error) and not refused.exception
    calculator = opened("app.py", SIGN_IN, amount_paid="1234.00")
    calculator.button(key="sign_in").click().run()
    assert any(down in plain(e.value) for e in calculator.sidebar.error)
    assert calculator.sidebar.text_input(key="w_amount_paid").value == "1,234.00" and not calculator.exception
    assert [m.value for m in calculator.metric if m.label == "Refund"]

