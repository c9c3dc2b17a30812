"""The register in the app (AppTest): save from the calculator, find, open as saved, today beside it, restore,
download, delete with confirmation. Each test has its own SQLite register."""
import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import streamlit as st
from shipped import BASIS
from streamlit.testing.v1 import AppTest

from policy import parse_scenario, quote
from store import QuoteStore
from store.config import ENV_URL
from tests.actors import OPS, SAM
from tests.pages import opened as app
from ui.show import STAFF_DOWNLOADS
from ui.state import KEY

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def url(tmp_path, monkeypatch):
    st.cache_data.clear()
    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'quotes.sqlite'}")
    return f"sqlite:///{tmp_path / 'quotes.sqlite'}"


def refunds(at: AppTest) -> list[str]:
    return [m.value for m in at.metric if m.label == "Refund"]


def saved_from_the_calculator(boxes: dict[str, str], **scenario) -> AppTest:
    """The calculator on `scenario`, its Save, download or share open, `boxes` typed (key -> text), saved by sam."""
    at = app(**scenario)
    at.session_state["downloads_open"] = True
    at.run()
    for key, text in {**boxes, "save_by": "sam"}.items():
        (at.text_area if key == "save_note" else at.text_input)(key=key).input(text)
    at.button(key="save_quote").click().run()
    assert not at.exception and any("Saved as quote #1" in s.value for s in at.success)
    return at


def test_a_quote_saved_on_the_calculator_is_found_and_opens_as_it_was_given(url):
    at = saved_from_the_calculator({"client_name": "Ana Díaz", "client_ref": "ACME-42",
                                    "save_note": "called **Monday** [x](http://e.com)"},
                                   provider="stepinto", service="ppc", amount_paid="2400", completion_pct=0,
                                   days_since_payment=3)
    at.switch_page("pages/4_Saved_quotes.py").run()
    table = at.dataframe[0].value
    assert list(table["Client"]) == ["Ana Díaz"] and list(table["Refund"]) == ["$2,400.00"]
    assert list(table.columns)[2:5] == ["Client", "Refund", "Verdict"]  # whose, and the key figure, before the rest
    assert at.selectbox(key="reg_pick").value == 1  # the quote just saved is open
    assert refunds(at) == ["$2,400.00"]
    captions = " ".join(c.value for c in at.caption)
    assert [t.value for t in at.text] == ["Note: called **Monday** [x](http://e.com)"]  # a note is text, never Markdown
    # saved today, in days: today gives the same answer (its days count from the day it was saved)
    assert "Today's policy and date give the same answer." in captions
    assert "; client Ana Díaz, reference ACME-42." in captions.replace("\\", "")
    # its files, as it was given, without restoring it into the calculator (which quotes it anew; a walkthrough)
    at.session_state["reg_downloads_open"] = True
    at.run()
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels[labels.index(STAFF_DOWNLOADS[0]):][:len(STAFF_DOWNLOADS)] == list(STAFF_DOWNLOADS)


def test_a_quote_saved_with_its_payment_date_is_compared_with_today_by_the_calendar(url):
    from datetime import date, timedelta
    paid = (date.today() - timedelta(days=2)).isoformat()
    at = app(provider="stepinto", service="ppc", amount_paid="2400", completion_pct=0, paid_on=paid)
    at.session_state["downloads_open"] = True
    at.run()
    at.button(key="save_quote").click().run()
    at.switch_page("pages/4_Saved_quotes.py").run()
    captions = " ".join(c.value for c in at.caption)
    assert "Today's policy and date give the same answer." in captions and "No payment date was given" not in captions


def test_a_quote_saved_without_a_name_is_the_local_users_on_its_page_as_in_the_audit_trail(url):
    """It read 'saved by someone unnamed' while the audit trail said 'the local user'."""
    at = app(provider="stepinto", service="ppc", amount_paid="2400", completion_pct=0, days_since_payment=3)
    at.session_state["downloads_open"] = True
    at.run()
    at.button(key="save_quote").click().run()
    at.switch_page("pages/4_Saved_quotes.py").run()
    said = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "UTC by the local user; no client named." in said and "unnamed" not in said and " -" not in said
    assert list(at.dataframe[0].value["Saved by"]) == ["the local user"]  # the list says it as the quote's page does
    from store.register import register_csv
    (row,) = csv.DictReader(io.StringIO(register_csv(QuoteStore.open(url).each(by=SAM))))
    assert row["saved_by"] == "the local user"  # and its file (it was empty)
    at.switch_page("pages/7_Audit_trail.py").run()
    saved = at.dataframe[0].value.query("Action == 'Quote saved'")
    assert list(saved["Who"]) == ["the local user"]  # the same words


def test_after_a_save_another_quote_can_be_opened_and_a_restored_one_is_open_on_coming_back(url):
    """The quote just saved opened on Saved quotes, and then took back the choice of every other one."""
    at = app(provider="stepinto", service="ppc", amount_paid="2400", completion_pct=0, days_since_payment=3)
    at.session_state["downloads_open"] = True
    at.run()
    for client in ("First Client", "Second Client"):
        at.text_input(key="client_name").input(client)
        at.button(key="save_quote").click().run()
    at.switch_page("pages/4_Saved_quotes.py").run()
    assert at.selectbox(key="reg_pick").value == 2  # the quote just saved is open
    at.selectbox(key="reg_pick").set_value(1).run()
    at.run()
    assert at.selectbox(key="reg_pick").value == 1
    at.button(key="reg_restore").click().run()
    assert any(c.value.replace("\\", "") == "Restored from saved quote #1: the case as it was saved." for c in at.caption)
    at.slider(key="w_completion_pct").set_value(40).run()  # another case now: no longer the saved one
    assert not any(c.value.startswith("Restored from saved quote") for c in at.caption)
    at.switch_page("pages/4_Saved_quotes.py").run()  # as Back does: the quote restored is open again
    assert at.selectbox(key="reg_pick").value == 1


@pytest.mark.parametrize("click", ["reg_restore", "reg_delete"])
def test_a_quote_deleted_in_another_session_while_open_is_said_to_be_gone_when_clicked(url, click):
    """A walkthrough had a quote open when an admin deleted it elsewhere: Restore (or Delete) then did nothing, and the
    quote was gone from the page without a word."""
    from tests.actors import ADA
    store = QuoteStore.open(url)
    given = quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="2400", completion_pct=0,
                                      days_since_payment=3), BASIS), BASIS)
    kept, gone = (store.save(given, client_name=name, by=SAM) for name in ("Kept", "Gone"))
    at = app("pages/4_Saved_quotes.py")
    at.selectbox(key="reg_pick").set_value(gone).run()
    assert store.delete(gone, by=ADA)
    at.button(key=click).click().run()
    assert not at.exception and at.selectbox(key="reg_pick").value is None
    assert [w.value for w in at.warning] == [f"Quote #{gone} is no longer in the register: it was deleted in another "
                                             "session, so nothing was done with it."]
    assert not [h for h in at.header if h.value.startswith("Quote #")]  # nothing of it drawn
    at.selectbox(key="reg_pick").set_value(kept).run()  # the list goes on as before
    assert not at.warning and at.selectbox(key="reg_pick").value == kept


def test_where_today_differs_both_are_shown_and_restore_brings_the_scenario_back(url):
    store = QuoteStore.open(url)
    paid = date.today() - timedelta(days=40)
    given = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct=0,
                                      paid_on=paid, days_since_payment=3), BASIS), BASIS)
    qid = store.save(given, client_name="Bo", by=SAM, at=datetime.now(UTC) - timedelta(days=37))
    at = app("pages/4_Saved_quotes.py")
    at.selectbox(key="reg_pick").set_value(qid).run()
    assert refunds(at)[0] == "$4,500.00 - $4,900.00" and len(refunds(at)) == 2  # as given, and today (day 40)
    assert any("Today this case gets" in w.value for w in at.warning)
    at.button(key="reg_restore").click().run()
    assert at.session_state[KEY]["paid_on"] == paid and at.session_state[KEY]["days_since_payment"] == 3
    # whose case it is comes back with it (a walkthrough: the boxes were empty, so a summary downloaded after a
    # restore named no client)
    at.session_state["downloads_open"] = True
    at.switch_page("app.py").run()
    assert at.text_input(key="client_name").value == "Bo" and at.text_input(key="client_ref").value == ""
    assert refunds(at) == ["$4,500.00 - $4,900.00"]  # the calculator, on the scenario as it was given
    assert any(c.value.replace("\\", "") == f"Restored from saved quote #{qid}: the case as it was saved." for c in at.caption)
    at.switch_page("pages/3_Am_I_eligible.py").run()  # the saved case's amount is given, the example's sum or not
    assert at.text_input(key="el_amount").value == "5,000.00"


def test_filters_sort_pages_and_delete_with_confirmation(url):
    store = QuoteStore.open(url)
    for i in range(60):
        provider = "stepinto" if i % 3 == 0 else "socialbeat"
        service = "ppc" if provider == "stepinto" else "website"
        store.save(quote(parse_scenario(dict(provider=provider, service=service, amount_paid=str(100 + i),
                                             completion_pct=0, days_since_payment=1), BASIS), BASIS), client_name=f"client {i:02}", by=SAM)
    at = app("pages/4_Saved_quotes.py")
    assert len(at.dataframe[0].value) == 50 and any("60 saved quotes match; page 1 of 2" in c.value for c in at.caption)
    at.number_input(key="reg_page").set_value(2).run()
    assert len(at.dataframe[0].value) == 10
    at.number_input(key="reg_page").set_value(1)
    at.selectbox(key="reg_provider").set_value("stepinto").run()
    assert any("20 saved quotes match" in c.value for c in at.caption)
    at.text_input(key="reg_text").input("client 03").run()
    assert list(at.dataframe[0].value["Client"]) == ["client 03"]
    at.selectbox(key="reg_pick").set_value(4).run()
    at.button(key="reg_delete").click().run()
    assert any("Delete quote #4 for good?" in w.value for w in at.warning)
    at.button(key="reg_delete_no").click().run()
    assert store.get(4, by=SAM) is not None
    at.button(key="reg_delete").click().run()
    at.button(key="reg_delete_yes").click().run()
    assert store.get(4, by=SAM) is None and any("Quote #4 deleted." in s.value for s in at.success)
    # a search that finds nothing says so, not that nothing is saved (it read as an empty register, a walkthrough)
    assert [i.value for i in at.info if "No " in i.value] == [
        "No saved quote matches these filters: change or clear one to see the others."]
    at.text_input(key="reg_text").input("").run()
    assert not [i for i in at.info if "No " in i.value]


def test_a_save_that_cannot_happen_says_why_and_keeps_the_entries(url):
    QuoteStore.open(url)
    at = app()
    at.session_state["downloads_open"] = True
    at.run()
    at.text_input(key="client_name").input("x" * 201)
    at.button(key="save_quote").click().run()
    assert any(e.value.startswith("**Client name**: must be at most 200 characters") for e in at.error)
    assert at.text_input(key="client_name").value == "x" * 201 and not at.exception


def test_a_batch_is_a_filter_and_a_column_and_a_note_reads_as_typed(url):
    store = QuoteStore.open(url)
    made = quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="700", completion_pct=0,
                                     days_since_payment=1), BASIS), BASIS)
    store.save(made, client_name="walk-in", note="see https://crm.example/lead/7 **now**", by=SAM)
    with store.batch("November leads", by=OPS) as batch:
        batch.add(4, made, {"client_name": "Ana Díaz", "client_ref": "ACME-42"})
    at = app("pages/4_Saved_quotes.py")
    assert list(at.dataframe[0].value["Batch, row"]) == [f"#{batch.id} November leads (1 row), row 4", ""]  # by name
    at.selectbox(key="reg_batch").set_value(batch.id).run()
    assert list(at.dataframe[0].value["Client"]) == ["Ana Díaz"]
    at.selectbox(key="reg_pick").set_value(2).run()
    assert any(f"Batch #{batch.id} November leads (1 row), row 4." in c.value.replace("\\", "") for c in at.caption)
    at.selectbox(key="reg_batch").set_value(None).run()
    at.text_input(key="reg_text").input("diaz").run()  # no accent typed
    assert list(at.dataframe[0].value["Client"]) == ["Ana Díaz"]
    at.text_input(key="reg_text").input("").run()
    at.selectbox(key="reg_pick").set_value(1).run()
    assert [t.value for t in at.text] == ["Note: see https://crm.example/lead/7 **now**"]  # text, not Markdown or code


def publish_acme(engine):
    """A fourth provider, Acme Gone (Step-Into's terms), published from 1 Jan 2026: its PolicyStore and version."""
    from policy import shipped_policies
    from policy.loader import source_text
    from store import PolicyStore
    from tests.actors import PAT

    versions = PolicyStore(engine)
    si = shipped_policies()["stepinto"]
    acme = si.model_copy(update={"id": "acme", "name": "Acme Gone", "version": "a-1"})
    return versions, versions.publish(versions.save_draft(acme, source_text(si), by=PAT), date(2026, 1, 1), by=PAT)


def test_a_saved_quote_whose_version_row_is_gone_opens_from_what_it_stored(url):
    """Before: KeyError. A saved quote needs nothing but itself to open; today's answer uses what is in force."""
    from sqlalchemy import text

    from policy.versions import Basis
    from store import published_catalog

    store = QuoteStore.open(url)
    _, version = publish_acme(store.engine)
    basis = Basis(published_catalog(store.engine), date.today())
    given = quote(parse_scenario(dict(provider="acme", service="ppc", amount_paid="900", completion_pct=0,
                                      days_since_payment=2), basis), basis)
    qid = store.save(given, client_name="Gone", by=SAM)
    with store.engine.begin() as db:  # the version's row removed behind the app's back (a restore, a hand edit)
        db.execute(text("DELETE FROM policy_versions WHERE id = :id"), {"id": version.lab_id})
    at = app("pages/4_Saved_quotes.py")
    at.selectbox(key="reg_pick").set_value(qid).run()
    assert not at.exception
    assert refunds(at) == ["$900.00"]  # as given; no provider 'acme' today to compare with
    assert "Acme Gone" in " ".join(m.value for m in at.markdown)


def test_what_was_typed_for_the_client_stays_while_the_popover_is_closed(url):
    """Its boxes are drawn only while it is open, and Streamlit forgets a box it does not draw: a client's name typed,
    the popover closed and a slider moved, and the name was gone from the files and the save."""
    at = app(provider="stepinto", service="ppc", amount_paid="2400", completion_pct=0, days_since_payment=3)
    at.session_state["downloads_open"] = True
    at.run()
    typed = {"client_name": "Ana Lopez", "client_ref": "R-7", "client_project": "Spring ads", "client_invoice": "INV-9"}
    for key, text in typed.items():
        at.text_input(key=key).input(text)
    at.text_area(key="save_note").input("wants it by Friday")
    at.run()
    at.session_state["downloads_open"] = False
    at.run()
    at.slider(key="w_completion_pct").set_value(30).run()
    at.switch_page("pages/1_Compare_providers.py").run()
    at.switch_page("app.py").run()
    at.session_state["downloads_open"] = True
    at.run()
    assert {key: at.text_input(key=key).value for key in typed} == typed
    assert at.text_area(key="save_note").value == "wants it by Friday"
    at.button(key="save_quote").click().run()
    (row,) = QuoteStore.open(url).each(by=SAM)
    assert (row.client_name, row.client_ref, row.note) == ("Ana Lopez", "R-7", "wants it by Friday")


def test_the_search_and_filters_outlive_a_visit_to_another_page(url):
    """A walkthrough: Back from a quote restored into the calculator came to Saved quotes with the quote open, but
    its search ("ana lopez") gone."""
    store = QuoteStore.open(url)
    for name in ("Ana Lopez", "Bo Chen"):
        store.save(quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="2400", completion_pct=0,
                                             days_since_payment=3), BASIS), BASIS), client_name=name, by=SAM)
    at = app("pages/4_Saved_quotes.py")
    at.text_input(key="reg_text").input("ana lopez").run()
    at.selectbox(key="reg_provider").set_value("stepinto").run()
    assert list(at.dataframe[0].value["Client"]) == ["Ana Lopez"]
    at.switch_page("app.py").run()
    at.switch_page("pages/4_Saved_quotes.py").run()
    assert at.text_input(key="reg_text").value == "ana lopez" and at.selectbox(key="reg_provider").value == "stepinto"
    service = at.selectbox(key="reg_service")  # a filter left at Any reads Any again, not "Choose an option"
    assert (service.options[service.index] if service.index is not None else service.proto.placeholder) == "Any"
    assert list(at.dataframe[0].value["Client"]) == ["Ana Lopez"]


def test_a_quote_whose_provider_was_withdrawn_whole_is_shown_as_given_and_not_offered_for_restore(url):
    """Its restore broke the calculator (KeyError in the service box's labels), and its page said "Today's policy and
    date give the same answer" with no version of its provider in force (a walkthrough)."""
    from policy.versions import Basis
    from store import published_catalog
    from tests.actors import PAT

    store = QuoteStore.open(url)
    versions, version = publish_acme(store.engine)
    basis = Basis(published_catalog(store.engine), date.today())
    given = quote(parse_scenario(dict(provider="acme", service="ppc", amount_paid="900", completion_pct=0,
                                      days_since_payment=2, paid_on=(date.today() - timedelta(days=2)).isoformat()),
                                 basis), basis)
    qid = store.save(given, client_name="Gone", by=SAM)
    versions.withdraw(version.lab_id, "Contract fell through", by=PAT)
    at = app("pages/4_Saved_quotes.py")
    at.selectbox(key="reg_pick").set_value(qid).run()
    assert not at.exception and refunds(at) == ["$900.00"]  # as given
    said = " ".join(x.value.replace("\\", "") for x in [*at.warning, *at.caption])
    assert "no version of Acme Gone is in force now, so it is quoted no more" in said
    assert "No version of Acme Gone is in force today." in said and "same answer" not in said
    assert not [b for b in at.button if b.key == "reg_restore"] and "Acme Gone is quoted no more" in said


def test_a_calculator_open_on_a_provider_withdrawn_meanwhile_goes_on_and_says_so(url):
    """Another session withdrew the provider the calculator showed: its next run failed in the service box's labels
    (KeyError), the page replaced by Streamlit's error (a walkthrough)."""
    from tests.actors import PAT

    versions, version = publish_acme(QuoteStore.open(url).engine)
    one = version.lab_id
    at = app(provider="acme", service="ppc", amount_paid="900", completion_pct=0, days_since_payment=2)
    assert at.selectbox(key="w_provider").value == "acme" and not at.exception
    versions.withdraw(one, "Contract fell through", by=PAT)
    at.run()
    assert not at.exception and at.selectbox(key="w_provider").value != "acme"
    assert any("acme" in w.value for w in at.warning), [w.value for w in at.warning]  # said, as a link naming it


def test_a_saved_quote_says_what_it_assumed_as_the_calculator_did(url):
    """Saved at 0% with no work status, the calculator said what it assumed; opened in Saved quotes it said only "You
    are entitled to a full refund" (a walkthrough)."""
    given = quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="2400", completion_pct=0,
                                      days_since_payment=3), BASIS), BASIS)
    qid = QuoteStore.open(url).save(given, client_name="Assumed", by=SAM)
    at = app("pages/4_Saved_quotes.py")
    at.selectbox(key="reg_pick").set_value(qid).run()
    said = " ".join(m.value.replace("\\", "") for m in at.markdown)
    assert "this assumes the work has not started. If it has, the policy gives $0.00 - $2,400.00" in said


def test_policy_terms_say_where_a_published_versions_rules_and_words_disagree(url):
    """A walkthrough: a version published despite the lab's warning gave 65% for discovery, its clause still saying
    '75% Refund', and Policy terms quoted the two side by side with nothing said; the shipped versions list every
    finding of theirs as an ambiguity, so none is said for them."""
    from policy import shipped_policies
    from policy.loader import parse_policy, source_text
    from store import PolicyStore
    from tests.actors import PAT

    sb = shipped_policies()["socialbeat"]
    toml = (ROOT / "policy" / "data" / "socialbeat.toml").read_text(encoding="utf-8")
    cut = toml.replace('min = { pct = 75 }\nmax = { pct = 75 }', 'min = { pct = 65 }\nmax = { pct = 75 }', 1)
    edited = parse_policy(cut).model_copy(update={"version": "2026-cut"})
    versions = PolicyStore(QuoteStore.open(url).engine)
    versions.publish(versions.save_draft(edited, source_text(sb), by=PAT), date(2026, 1, 1), by=PAT)

    def said(paid_on: str) -> tuple[list[str], list[str]]:
        at = AppTest.from_file(str(ROOT / "pages" / "2_Policy_terms.py"), default_timeout=60)
        at.query_params.update(provider="socialbeat", service="website", paid_on=paid_on)
        at.run()
        assert not at.exception
        return [x.label.replace("\\", "") for x in at.expander], [w.value.replace("\\", "") for w in at.warning]

    labels, warnings = said("2026-02-01")
    assert "Social Beat Digital: 25 listed, 2 found and not listed (said at the top)" in labels
    (warning,) = [w for w in warnings if w.startswith("Social Beat Digital version 2026-cut: where its words and its "
                                                      "rules disagree")]
    assert "tier sb_web_discovery's minimum went from 75% of the base in version 2025-06-17 to 65% of the base, but its " \
           "clause section 3.1(b) still says '75% Refund: If cancelled during initial consultations and planning'" in warning
    assert "but its label still says 'Cancelled during initial consultations and planning: 75%'" in warning
    labels, warnings = said("2025-12-01")  # the shipped version, in force before: every finding listed
    assert "Social Beat Digital: 25 listed" in labels and not [w for w in warnings if "where its words and its rules disagree" in w]


def _window_of(days: int, url: str) -> None:
    """Social Beat with a request window of `days`, published in force from 1 Jan 2026."""
    from policy import shipped_policies
    from policy.loader import parse_policy, source_text
    from policy.reworded import words_follow
    from store import PolicyStore
    from tests.actors import PAT

    sb = shipped_policies()["socialbeat"]
    toml = (ROOT / "policy" / "data" / "socialbeat.toml").read_text(encoding="utf-8")
    edited = parse_policy(toml.replace("[window]\ndays = 30", f"[window]\ndays = {days}", 1)).model_copy(
        update={"version": f"2026-window-{days}"})
    followed = words_follow(sb, edited, source_text(sb))  # its clause says the new days (else it is refused)
    assert followed is not None
    versions = PolicyStore(QuoteStore.open(url).engine)
    versions.publish(versions.save_draft(followed.policy, followed.text, by=PAT), date(2026, 1, 1), by=PAT)


def test_a_saved_quote_whose_refund_stays_but_whose_last_day_moved_says_so(url):
    """A walkthrough published a 21-day request window: a quote saved under the 30-day one said "Today's policy
    version and date give the same refund", though its last day to ask had moved nine days earlier."""
    made = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct=10,
                                     days_since_payment=10, work_started=True), BASIS), BASIS)
    QuoteStore.open(url).save(made, by=SAM)
    at = app("pages/4_Saved_quotes.py", quote="1")
    assert [c for c in at.caption if "same" in c.value] and not at.warning  # nothing published: the same answer
    _window_of(21, url)
    at = app("pages/4_Saved_quotes.py", quote="1")
    paid = date.today() - timedelta(days=10)
    assert [w.value.replace("\\", "") for w in at.warning] == [
        f"Today this case gets the same refund, $3,750.00, but the last day to ask for it is "
        f"{paid + timedelta(days=21):%d %b %Y} (day 21 after the payment), not {paid + timedelta(days=30):%d %b %Y} "
        "(day 30 after the payment)."]
    assert not [c for c in at.caption if "same refund" in c.value]
    assert [m.value.replace("\\", "") for m in at.markdown if m.value.startswith("**")][:2] == [
        "**As given**, under policy version 2025-06-17", "**Today**, under policy version 2026-window-21"]


def test_a_planned_request_is_compared_on_its_own_day_as_its_restore_quotes_it(url):
    """A walkthrough saved a quote for a request 26 days after a payment made that day, then published a 21-day
    window: Saved quotes compared the request made today ("the same refund"), and Restore, on its own day, found the
    window closed."""
    paid = date.today()
    made = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct=10,
                                     days_since_payment=26, paid_on=paid, work_started=True), BASIS), BASIS)
    QuoteStore.open(url).save(made, by=SAM)
    asked = paid + timedelta(days=26)
    at = app("pages/4_Saved_quotes.py", quote="1")
    assert [c.value for c in at.caption if "same" in c.value] == [
        f"Today's policy gives the same answer for the request on {asked:%d %b %Y}."]
    _window_of(21, url)
    at = app("pages/4_Saved_quotes.py", quote="1")
    assert [w.value.replace("\\", "") for w in at.warning] == [
        f"Under today's policy, for the request on {asked:%d %b %Y}, this case gets $0.00 instead of $3,750.00."]
    at.button(key="reg_restore").click().run()
    assert refunds(at) == ["$0.00"]  # the restore quotes what the comparison showed


def test_an_empty_register_says_nothing_is_saved_yet(url):
    QuoteStore.open(url)
    at = app("pages/4_Saved_quotes.py")
    assert not at.exception
    assert [i.value for i in at.info if "No " in i.value] == [
        "No quote is saved yet. Save one from the calculator: Save, download or share."]


def test_the_quote_open_is_in_the_url_so_a_reload_or_a_link_opens_it_again(url):
    """A walkthrough: a reload of Saved quotes showed "Choose one" again, and a colleague could not be sent a quote."""
    store = QuoteStore.open(url)
    for i in range(60):
        store.save(quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid=str(100 + i),
                                             completion_pct=0, days_since_payment=1), BASIS), BASIS),
                   client_name=f"client {i + 1:02}", by=SAM)
    at = app("pages/4_Saved_quotes.py")
    assert at.selectbox(key="reg_pick").value is None and "quote" not in at.query_params
    at.selectbox(key="reg_pick").set_value(55).run()
    assert at.query_params["quote"] == "55"
    again = app("pages/4_Saved_quotes.py", quote="55")  # the reload, or the link shared
    assert again.selectbox(key="reg_pick").value == 55 and any(h.value == "Quote #55" for h in again.header)
    older = app("pages/4_Saved_quotes.py", quote="3")  # on the list's second page (newest first): opened all the same
    assert older.selectbox(key="reg_pick").value == 3 and any(h.value == "Quote #3" for h in older.header)
    assert "client 03" in " ".join(c.value for c in older.caption)
    gone = app("pages/4_Saved_quotes.py", quote="999")
    assert gone.selectbox(key="reg_pick").value is None
    assert [w.value for w in gone.warning] == ["Quote #999 is not in the register (deleted, or never saved)."]
    odd = app("pages/4_Saved_quotes.py", quote="first")
    assert odd.selectbox(key="reg_pick").value is None
    assert any("quote=“first” ignored: it can only be a saved quote's number, such as 12" in w.value.replace("\\", "")
               for w in odd.warning)


def test_a_quote_given_in_days_counts_them_from_the_day_it_was_saved_today_and_once_restored(url):
    """A walkthrough restored a quote of "12 days since payment" four days after saving it: the calculator gave a
    deadline four days later than the one in its own saved summary, and Saved quotes said today gave the same answer
    on day 12."""
    saved_on = datetime.now(UTC) - timedelta(days=4)
    made = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="8000", completion_pct=0,
                                     days_since_payment=5), BASIS), BASIS)
    QuoteStore.open(url).save(made, client_name="Zoe", by=SAM, at=saved_on)
    at = app("pages/4_Saved_quotes.py", quote="1")
    paid = saved_on.date() - timedelta(days=5)
    said = " ".join(w.value.replace("\\", "") for w in at.warning)
    assert "Today this case gets" in said  # day 9 today: past the 7-day tier it had on day 5
    # its deadline as given, dated from the day it was saved (it said "by day 7", its share link the date)
    given = " ".join(m.value.replace("\\", "") for m in at.markdown)
    assert f"by {paid + timedelta(days=7):%d %b %Y} (day 7 after the payment, which was 5 days before " \
        f"{saved_on.date():%d %b %Y}) to keep" in given and f"; from {paid + timedelta(days=8):%d %b %Y} " in given, given
    at.button(key="reg_restore").click().run()
    assert at.session_state[KEY]["paid_on"] == paid and at.session_state[KEY]["days_since_payment"] == 5
    notices = " ".join(i.value.replace("\\", "") for i in at.info)
    assert f"This quote is for a request on {saved_on.date():%d %b %Y} (day 5 after the payment on {paid:%d %b %Y})" \
        in notices and "That date has passed" in notices


def test_the_lists_csv_dates_a_quote_given_in_days_as_the_quotes_own_csv_does(url):
    """A walkthrough saved a case of 12 days since payment: its own CSV said ask by 25 Dec, and the list's CSV had an
    empty Ask by and no payment day."""
    from policy.export import quote_csv
    from store.register import register_csv
    saved_from_the_calculator({"client_name": "Acme"}, provider="socialbeat", service="website", amount_paid="12500",
                              completion_pct=40, days_since_payment=12)
    saved = QuoteStore.open(url).get(1, by=SAM)
    (listed,) = csv.DictReader(io.StringIO(register_csv([saved]).lstrip("\ufeff")))
    (own,) = csv.DictReader(io.StringIO(quote_csv(saved.quote, {}, saved.asked_day).lstrip("\ufeff")))
    asked = saved.asked_day
    assert own["ask_by"] == listed["ask_by"] == (asked + timedelta(days=30 - 12)).isoformat()
    assert own["paid_on_counted"] == listed["paid_on_counted"] == (asked - timedelta(days=12)).isoformat()
    assert listed["quoted_on"] == asked.isoformat()
    assert {k: v for k, v in own.items() if k in listed} == {k: listed[k] for k in own}  # the same view of one quote


def test_the_project_and_invoice_typed_for_the_email_are_kept_with_the_saved_quote(url):
    """A walkthrough typed the project's name and the invoice number, saved, and found the saved quote's email back
    to "[Your Project Name]" and "[order or invoice number]", and both boxes empty after its restore."""
    at = saved_from_the_calculator({"client_name": "Zoë O'Brien", "client_project": "Acme storefront",
                                    "client_invoice": "INV-2026-118"}, provider="socialbeat", service="website",
                                   amount_paid="8000", completion_pct=40, days_since_payment=12)
    saved = QuoteStore.open(url).get(1, by=SAM)
    assert (saved.project, saved.invoice) == ("Acme storefront", "INV-2026-118")
    from store.register import register_csv
    csv_text = register_csv([saved])
    row = next(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert (row["project"], row["invoice"]) == ("Acme storefront", "INV-2026-118")
    at.switch_page("pages/4_Saved_quotes.py").run()
    at.button(key="reg_restore").click().run()
    at.session_state["downloads_open"] = True
    at.switch_page("app.py").run()
    assert at.text_input(key="client_project").value == "Acme storefront"
    assert at.text_input(key="client_invoice").value == "INV-2026-118"
    at.button(key="save_quote").click().run()  # restored, unchanged: asked before a second copy is made
    assert any("is already saved as quote #1" in w.value for w in at.warning)
    # the same details are the same quote (asked before a duplicate); another invoice is another quote
    store = QuoteStore.open(url)
    assert store.already_saved(saved.quote, "Zoë O'Brien", by=SAM, project="Acme storefront",
                               invoice="INV-2026-118") == 1
    assert store.already_saved(saved.quote, "Zoë O'Brien", by=SAM, project="Acme storefront",
                               invoice="INV-2026-999") is None


def test_a_version_replaced_on_its_own_day_is_named_beside_a_quote_with_what_it_gave(url):
    """A walkthrough published a 21-day window from today, told a client "by 28 Dec", then published a 14-day one
    from the same day: the client's link then said 21 Dec, and no page said a version had been replaced."""
    from policy import shipped_policies
    from policy.loader import parse_policy, source_text
    from policy.reworded import words_follow
    from store import PolicyStore
    from tests.actors import PAT

    sb = shipped_policies()["socialbeat"]
    toml = (ROOT / "policy" / "data" / "socialbeat.toml").read_text(encoding="utf-8")
    versions = PolicyStore(QuoteStore.open(url).engine)
    today = date.today()
    for days in (21, 14):
        edited = parse_policy(toml.replace("[window]\ndays = 30", f"[window]\ndays = {days}", 1)).model_copy(
            update={"version": f"window-{days}"})
        followed = words_follow(sb, edited, source_text(sb))
        versions.publish(versions.save_draft(followed.policy, followed.text, by=PAT), today, by=PAT)
    at = app(provider="socialbeat", service="website", amount_paid="8400", completion_pct=10, work_started="true",
             paid_on=today.isoformat())
    said = [w.value.replace("\\", "") for w in at.warning if "replaced" in w.value]
    assert said == [f"Social Beat Digital version window-21, published for payments from {today:%d %b %Y}, was "
                    "replaced from that same day by policy version window-14, which this quote is under. Under it "
                    "this case got the same refund; now the last day to ask for it is "
                    f"{today + timedelta(days=14):%d %b %Y} (day 14 after the payment), not "
                    f"{today + timedelta(days=21):%d %b %Y} (day 21 after the payment)."], [w.value for w in at.warning]
    client = app("pages/3_Am_I_eligible.py", provider="socialbeat", service="website", amount_paid="8400",
                 completion_pct=10, work_started="true", paid_on=today.isoformat(), answer="shown")
    # in a client's words: no version numbers, which a client never saw (a walkthrough)
    assert [w.value.replace("\\", "") for w in client.warning if "changed its terms" in w.value] == [
        f"Social Beat Digital changed its terms for payments from {today:%d %b %Y} again that same day. An answer "
        f"given under the earlier terms said $6,300.00, to be asked for by {today + timedelta(days=21):%d %b %Y}; this "
        "answer follows the terms in force now."]
    for page in ("pages/1_Compare_providers.py", "pages/2_Policy_terms.py"):  # beside the versions they name
        captions = " ".join(c.value.replace("\\", "") for c in app(page, provider="socialbeat",
                                                                   paid_on=today.isoformat()).caption)
        assert f"Social Beat Digital version window-21, published for payments from {today:%d %b %Y}, was replaced " \
               "from that same day by window-14: amounts and dates given under it may differ from these." in captions
    # a quote saved before both, restored: Saved quotes compared it with what it was given under, and the calculator
    # does not tell another story, of a version it was never given under (a walkthrough)
    made = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="8400", completion_pct=10,
                                     paid_on=today, days_since_payment=0, work_started=True), BASIS), BASIS)
    QuoteStore.open(url).save(made, by=SAM)
    saved = app("pages/4_Saved_quotes.py", quote="1")
    assert any(f"not {today + timedelta(days=30):%d %b %Y} (day 30" in w.value.replace("\\", "") for w in saved.warning)
    saved.button(key="reg_restore").click().run()
    assert refunds(saved) == ["$6,300.00"]
    assert [c.value.replace("\\", "") for c in saved.caption if "Restored" in c.value] == [
        "Restored from saved quote #1: the case as it was saved. It was given under policy version 2025-06-17; today's "
        "policy version window-14 gives the same refund."]
    assert not [w for w in saved.warning if "replaced" in w.value]


def test_a_restored_quote_whose_refund_today_differs_says_what_it_was_given_as(url):
    """A walkthrough restored a quote saved at $0.00 and read $1,200.00 beside "the case as it was saved" alone."""
    paid = date.today() - timedelta(days=25)
    made = quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct=10,
                                     paid_on=paid, days_since_payment=25, work_started=True), BASIS), BASIS)
    QuoteStore.open(url).save(made, by=SAM)
    _window_of(21, url)  # from 1 Jan 2026: the payment's day falls under it, and day 25 is past its window
    saved = app("pages/4_Saved_quotes.py", quote="1")
    saved.button(key="reg_restore").click().run()
    assert refunds(saved) == ["$0.00"]
    assert [c.value.replace("\\", "") for c in saved.caption if "Restored" in c.value] == [
        "Restored from saved quote #1: the case as it was saved. It was given as $3,750.00, under policy version "
        "2025-06-17; today it gets $0.00, under policy version 2026-window-21."]
