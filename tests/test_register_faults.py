"""When the register's database cannot be reached, or its file is deleted under the app (AppTest): the public
pages go on quoting and say what may be missing; the register's pages say it in words; no traceback."""
from pathlib import Path

import pytest
import streamlit as st

from store.config import ENV_URL
from tests.pages import opened

ROOT = Path(__file__).resolve().parent.parent
NOWHERE = "postgresql+psycopg://refunds:secret@127.0.0.1:1/refunds"  # nothing listens on port 1: refused


@pytest.fixture
def unreachable(monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv(ENV_URL, NOWHERE)


@pytest.mark.parametrize("page", ["app.py", "pages/1_Compare_providers.py", "pages/2_Policy_terms.py",
                                  "pages/3_Am_I_eligible.py"])
def test_the_public_pages_go_on_quoting_and_say_a_new_version_may_be_missing(unreachable, page):
    at = opened(page, provider="stepinto", service="ppc", amount_paid="1200", completion_pct=0, days_since_payment=3)
    assert not at.exception
    warned = " ".join(w.value.replace("\\", "") for w in at.warning)
    assert "The register cannot be used now" in warned and "the shipped policy versions only" in warned
    assert "secret" not in warned  # the password is never shown
    if page == "app.py":
        assert [m.value for m in at.metric if m.label == "Refund"] == ["$1,200.00"]


@pytest.mark.parametrize("page", ["pages/4_Saved_quotes.py", "pages/6_Policy_lab.py", "pages/7_Audit_trail.py"])
def test_the_registers_pages_say_it_cannot_be_reached_in_words(unreachable, page):
    at = opened(page)
    assert not at.exception
    assert any("The register cannot be used now" in e.value for e in at.error) or page == "pages/6_Policy_lab.py"


def test_saving_to_a_deleted_sqlite_file_is_refused_in_words_and_the_entries_kept(tmp_path, monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    path = tmp_path / "quotes.sqlite"
    monkeypatch.setenv(ENV_URL, f"sqlite:///{path}")
    at = opened(provider="stepinto", service="ppc", amount_paid="1200")
    at.session_state["downloads_open"] = True
    at.run()
    at.text_input(key="client_name").input("Ana")
    at.button(key="save_quote").click().run()
    assert any("Saved as quote #1" in s.value for s in at.success)
    path.unlink()
    at.text_input(key="client_name").input("Bo")
    at.button(key="save_quote").click().run()
    assert any("deleted or replaced while the app ran" in e.value.replace("\\", "") for e in at.error)
    assert at.text_input(key="client_name").value == "Bo" and not at.exception
    st.cache_resource.clear()


def test_a_new_session_while_the_register_is_gone_quotes_under_the_versions_this_server_last_read(tmp_path,
                                                                                                monkeypatch):
    """Not the shipped versions: a version published before the outage is still the one in force."""
    from datetime import date, timedelta

    from policy import shipped_policies as policies
    from policy.schema import PolicyFile
    from store import PolicyStore, QuoteStore
    from tests.actors import PAT

    st.cache_data.clear()
    st.cache_resource.clear()
    path = tmp_path / "quotes.sqlite"
    monkeypatch.setenv(ENV_URL, f"sqlite:///{path}")
    data = policies()["socialbeat"].model_dump()
    for stage in data["services"]["website"]["stages"]:
        for tier in stage["tiers"]:
            if tier["id"] == "sb_web_discovery":
                tier["min"]["pct"] = tier["max"]["pct"] = 60
                tier["clauses"][0]["quote"] = "60% Refund: If cancelled during initial consultations and planning"
    versions = PolicyStore(QuoteStore.open(f"sqlite:///{path}").engine)
    paid = date.today() - timedelta(days=2)
    versions.publish(versions.save_draft(PolicyFile.model_validate({**data, "version": "before-outage"}), "", by=PAT),
                     paid, by=PAT)
    scenario = dict(provider="socialbeat", service="website", amount_paid="10000", completion_pct="10",
                    paid_on=paid.isoformat(), work_started="true")
    assert [m.value for m in opened(**scenario).metric if m.label == "Refund"] == ["$6,000.00"]
    path.unlink()  # the register is gone
    later = opened(**scenario)  # a new session
    assert [m.value for m in later.metric if m.label == "Refund"] == ["$6,000.00"]  # not the shipped $7,500.00
    warned = " ".join(w.value.replace("\\", "") for w in later.warning)
    assert "as this server last read them, at" in warned
    st.cache_resource.clear()
