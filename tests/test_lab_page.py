"""The policy lab (AppTest): edit a tier through session state and the curve and the sample clients change;
publish from a date and the calculator follows it for payments from that day only; a broken upload is refused
in words and the app keeps working; a fourth provider uploaded with its text is quoted by the other pages."""
import json
import logging.handlers
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import streamlit as st
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.elements.lib import policies as widget_policies
from streamlit.testing.v1 import AppTest

from policy import shipped_policies as policies
from policy.lab import Tables, edited, reading_rows, term_rows, tier_rows
from policy.loader import policy_toml, source_text
from policy.markdown import md_escape
from policy.reworded import words_follow
from store.config import ENV_URL
from tests.actors import PAT
from tests.pages import opened

ROOT = Path(__file__).resolve().parent.parent
SOCIAL_BEAT = "socialbeat_2025-06-17"


def key(at: AppTest, widget: str, version: str = SOCIAL_BEAT) -> str:
    """A lab widget's key for the version shown: its grids and text box get new keys each time they start again
    (pages/6_Policy_lab.py, _widgets: its round is kept under "lab_round")."""
    return f"lab_{widget}_{version}_{at.session_state.get('lab_round', 0)}"


ROW = next(i for i, r in enumerate(tier_rows(policies()["socialbeat"])) if r["tier"] == "sb_web_discovery")


@pytest.fixture(autouse=True)
def register(tmp_path, monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'quotes.sqlite'}")


def plain(text: str) -> str:
    """What a person reads: the page escapes every mark of user and policy text."""
    return text.replace("\\", "")


def plain_table(table):
    """A table's cells as they read on the page."""
    return table.map(plain)


def lab() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/6_Policy_lab.py")
    at.run()
    at.selectbox(key="lab_provider").set_value("socialbeat").run()
    at.selectbox(key="lab_service").set_value("website").run()
    return at


def edited_band(at: AppTest) -> list:
    """The edited version's band at 10% on the completion chart (its data ships beside the spec, as Arrow)."""
    frames = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in at.get("vega_lite_chart")[0].proto.datasets]
    bands = next(f for f in frames if "provider_name" in f)
    rows = bands[bands.provider_name.str.startswith("Edited") & (bands.completion_pct == 10)]
    return list(zip(rows.refund_min, rows.refund_max, strict=True))


def edit_discovery(at: AppTest, pct) -> AppTest:
    at.session_state[key(at, "tiers")] = {"edited_rows": {ROW: {"min_pct": pct, "max_pct": pct}}, "added_rows": [], "deleted_rows": []}
    return at.run()


SAID, SAYS = ("75% Refund: If cancelled during initial consultations and planning",
              "60% Refund: If cancelled during initial consultations and planning")


def edit_discovery_as_written(at: AppTest) -> AppTest:
    """Discovery 75% -> 60% as an author must make it to publish it: the percent, its clause, and the text."""
    at.session_state[key(at, "tiers")] = {"edited_rows": {ROW: {"min_pct": 60, "max_pct": 60, "quote": SAYS}}, "added_rows": [],
                             "deleted_rows": []}
    at.run()
    box = at.text_area(key=key(at, "text"))
    assert SAID in box.value
    return despite(box.input(box.value.replace(SAID, SAYS)).run())


def despite(at: AppTest) -> AppTest:
    """Publish despite the warnings about this edit, as the author says beside the button (where there are some)."""
    for box in at.checkbox:
        if box.key and box.key.startswith("lab_despite_") and not box.value:
            box.check()
            at.run()
    return at


def dataframe_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def spec_titled(at: AppTest, title: str) -> dict:
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        named = spec.get("title")
        if (named.get("text") if isinstance(named, dict) else named) == title:
            return spec
    raise AssertionError(f"no chart titled {title!r}")


def test_editing_a_tier_changes_the_curve_and_the_sample_clients():
    at = lab()
    assert edited_band(at) == [("$7,500.00", "$7,500.00")] and not at.error
    edit_discovery(at, 60)
    assert not at.exception and edited_band(at) == [("$6,000.00", "$6,000.00")]
    text = " ".join(m.value for m in at.markdown)
    assert "**1 rule changed**" in text and "**0 sample client" not in text
    findings, had = [plain_table(t.value) for t in at.table if "Known as" in t.value]  # the edit's own, then the version before's
    assert "tier sb_web_discovery refunds 60%, but its clause section 3.1(b) says '75% Refund" in " ".join(findings["What"])
    kinds = [f.split(" ", 1)[1] for f in findings["Finding"]]  # errors first, then the warnings about this edit
    assert kinds == ["error: quote-vs-amount", "warning: reading-unchanged (this edit)",
                     "warning: quote-unchanged (this edit)", "warning: quote-unchanged (this edit)",
                     "warning: label-vs-amount"], kinds  # its label still says 75%: new too
    assert len(had) > 10 and "(this edit)" not in " ".join(had["Finding"])  # were the last of some twenty, among them
    assert any(x.label.endswith("findings the version before already had") for x in at.expander)  # closed
    assert at.button(key="lab_publish").disabled  # an error: it may be kept as a draft, not published
    (fix,) = [plain(i.value) for i in at.info if "go together" in i.value]  # and where it is mended, in the lab's words
    assert "\u201cVerbatim quote\u201d" in fix and "\u201cThe policy text of this version\u201d" in fix
    # the button that does it in one click is named first, beside Publish (the advice said only "by hand")
    fixes = [plain(i.value) for i in at.info]
    one_click = fixes.index(next(f for f in fixes if f.startswith("\u201cChange the words to match\u201d (below, and "
                                                                  "under the linter's findings)")))
    assert one_click == fixes.index(fix) - 1
    assert at.button(key="lab_words_follow_here").label == "Change the words to match"  # beside Publish, too
    (rules,) = [plain_table(d.value) for d in at.table if "What changed" in d.value]
    assert list(rules["What changed"]) == ["Min % 75 -> 60; Max % 75 -> 60"]  # in words, not the rule's JSON
    assert list(rules["Rule"]) == ["Website Design & Development, Discovery & planning (0-25% complete), tier "
                                   "\u201cCancelled during initial consultations and planning: 75%\u201d"]
    changed = dataframe_with(at, "End that moved")
    assert set(changed["Service"]) == {"website"} and "$6,000.00" in set(changed["After"])
    assert (changed["Before"] != changed["After"]).all() and set(changed["End that moved"]) == {"min and max"}
    change = spec_titled(at, "Where the edit changes the quote")  # the changed clients as a chart too
    colour = change["encoding"]["color"]["scale"]
    assert colour["domain"] == [-15.0, 15.0] and colour["domainMid"] == 0  # a 15-point cut at full strength
    assert change["encoding"]["x"]["scale"]["domain"] == list(range(0, 101, 5))  # the whole grid, not its changes
    key = change["encoding"]["color"]["legend"]  # the key says its colours in words
    assert "% less" in key["labelExpr"] and "% more" in key["labelExpr"] and "no change" in key["labelExpr"]
    assert "purple: the refund falls, green: it rises" in change["title"]["subtitle"]


def test_an_empty_cell_of_the_lab_reads_as_not_set_not_none():
    """A tier without a fee or a last day had "None" in those cells: a programmer's word for a term not set."""
    at = lab()
    grids = [d for d in at.dataframe if "tier" in d.value.columns or "stage" in d.value.columns]
    assert grids and all(d.proto.placeholder == "\u2014" for d in grids)
    tiers = next(d.value for d in grids if "tier" in d.value.columns)
    assert tiers["fee_pct"].isna().any()  # the cells the dash stands in for
    assert "An empty cell (\u2014) sets nothing" in " ".join(c.value for c in at.caption)


def test_the_lab_charts_key_names_versions_not_providers():
    at = edit_discovery(lab(), 60)
    spec = spec_titled(at, "Current and edited version")
    colour = next(layer["encoding"]["color"] for layer in spec["layer"] if "color" in layer.get("encoding", {}))
    assert colour["title"] == "Version"  # its two lines are versions of one provider's policy ("Provider" before)


def test_an_edit_is_drawn_where_it_changes_a_quote_and_the_authors_own_choice_stays():
    """A walkthrough: an edit of the first stage, with the days chart cut at 30%, showed nothing changed there."""
    at = lab()
    assert (at.slider(key="lab_pct").value, at.slider(key="lab_day").value) == (30, 3)  # no edit: where they start
    at.session_state[key(at, "tiers")] = {"edited_rows": {ROW: {"min_pct": 60, "max_pct": 60}}, "added_rows": [], "deleted_rows": []}
    at.run()
    first = dataframe_with(at, "End that moved").iloc[0]  # the first sample client whose quote changes
    assert at.selectbox(key="lab_service").value == "website"
    assert (at.slider(key="lab_pct").value, at.slider(key="lab_day").value) == (
        int(first["Completion (%)"]), int(first["Day"])) and int(first["Completion (%)"]) <= 25  # in the stage edited
    said = "Set where this edit first changes a quote: Website design & development, "
    assert any(c.value.startswith(said) for c in at.caption)  # they moved untouched: it says why
    at.slider(key="lab_pct").set_value(90).run()  # the author's own choice
    assert at.slider(key="lab_pct").value == 90
    assert not any(c.value.startswith(said) for c in at.caption)
    at.text_input(key="lab_number").input("2027-own").run()  # not an edit of the terms: the choice stays
    assert at.slider(key="lab_pct").value == 90


def test_every_column_of_the_lab_is_headed_in_words():
    """The deductions table was headed 'field', its id."""
    at = lab()
    for grid in at.dataframe:
        named = json.loads(grid.proto.columns or "{}")
        ids = [c for c in grid.value.columns if c not in named or not named[c].get("label")]
        assert not [c for c in ids if c.islower() or "_" in c], ids  # a table of its own builds its words in


def test_a_bad_edit_is_named_by_row_and_column_and_kept():
    at = edit_discovery(lab(), 160)
    assert not at.exception
    assert any(f"Tiers, row {ROW + 1} (sb_web_discovery), column Min %: must be less than or equal to 100" in plain(e.value)
               for e in at.error)
    assert at.session_state[key(at, "tiers")]["edited_rows"][ROW]["min_pct"] == 160  # the author's edit is still there
    # said under the tiers table itself, first on the page (listed only below every table, 1,500 px down, a
    # walkthrough read the edit as taken)
    first = plain(at.error[0].value)
    assert first.startswith("Fix this table's problems to save or publish the edit (your edits are kept):") and \
        f"Tiers, row {ROW + 1} (sb_web_discovery), column Min %: must be less than or equal to 100" in first
    assert [plain(x.value) for x in at.error if x.value.startswith("Fix this table")] == [first]  # no other table's
    assert not [x for x in at.error if "Min %: must be" in x.value and x.value != at.error[0].value]  # nor again
    assert plain(at.error[-1].value) == ("Nothing can be saved, published or downloaded until the problems said above "
                                         "are fixed. Your edits are kept.")  # where the buttons were


def test_a_problem_of_no_table_is_said_once_above_the_buttons():
    """The version's own number, too long: no table holds it, so it is said in the list above Keep it."""
    from policy.schema import VERSION_MAX

    at = lab()
    at.text_input(key="lab_number").input("9" * (VERSION_MAX + 1)).run()
    said = [plain(x.value) for x in at.error if "valid policy" in x.value]
    assert len(said) == 1 and "version: " in said[0] and not [x for x in at.error if x.value.startswith("Fix this table")]


def test_publishing_from_a_date_is_followed_from_that_day_only():
    at = edit_discovery_as_written(lab())
    assert not at.button(key="lab_publish").disabled and not at.error
    findings = next(plain_table(t.value) for t in at.table if "Known as" in t.value)  # the edit's own: the warning against the
    # version before
    assert findings["Finding"][0] == "⚠️ warning: reading-unchanged (this edit)"  # said first
    despite_said = "Or publish despite the warning if the reading still stands."
    assert [i for i in at.info if despite_said in plain(i.value)]
    start = date.today() - timedelta(days=30)  # a payment date is never in the future
    at.text_input(key="lab_number").input("2027-test").run()
    at.date_input(key="lab_when").set_value(start).run()
    at.text_input(key="lab_by").input("Pat Author").run()
    # a day already past changes what payments since then get: publishing waits for the author to say so
    assert at.button(key="lab_publish").disabled
    past = at.checkbox(key=f"lab_past_{start.isoformat()}")
    assert past.label == f"Publish from a day already past: payments made from {start:%d %b %Y} on are quoted under " \
                         "it from now"
    past.check().run()
    at.button(key="lab_publish").click().run()
    assert not at.exception and any("Published Social Beat Digital 2027-test from" in plain(s.value) for s in at.success)
    assert not [c for c in at.caption if "Nothing to publish yet" in c.value]  # above the success, it contradicted it
    assert at.button(key="lab_publish").disabled  # and why (a walkthrough found it off with no word)
    assert "Published: nothing more to publish until you edit it again." in [plain(c.value) for c in at.caption]
    assert not [i for i in at.info if "publish despite" in plain(i.value) or "should follow the tier" in plain(i.value)]
    # beside a button that is off: neither the offer nor how to mend the edit published (two walkthroughs)
    versions = list(version_box(at, "socialbeat").options)
    assert any("2027-test (published" in o for o in versions)
    for paid, expected in ((start - timedelta(days=1), "$7,500.00"), (start, "$6,000.00")):  # the boundary day
        calc = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        calc.query_params.update(provider="socialbeat", service="website", amount_paid="10000", completion_pct="10",
                                 paid_on=paid.isoformat(), requested_on=(paid + timedelta(days=3)).isoformat(),
                                 work_started="true")
        calc.run()
        assert not calc.exception
        assert [m.value for m in calc.metric if m.label == "Refund"] == [expected], paid


def test_a_broken_upload_is_refused_in_words_and_the_app_keeps_working():
    at = lab()
    at.file_uploader(key="lab_toml").upload("broken.toml", b"id = 'x'\nname = [", "application/toml").run()
    at.button(key="lab_read").click().run()
    assert not at.exception and any("The file was not read" in e.value and "not valid TOML" in plain(e.value) for e in at.error)
    broken = policy_toml(policies()["stepinto"]).replace('id = "stepinto"', 'id = "stepinto"\nwindow = 3')
    at.file_uploader(key="lab_toml").upload("broken.toml", broken.encode(), "application/toml").run()
    at.button(key="lab_read").click().run()
    assert any("window" in e.value for e in at.error)
    assert edited_band(at) == [("$7,500.00", "$7,500.00")]  # the lab still shows the version chosen
    good = policy_toml(policies()["stepinto"]).encode()
    for toml, text, named in ((good.replace(b"Step-Into", b"Step-Into \xff"), None, "latin.toml"),
                              (good, b"Refund policy \xe9t\xe9", "latin.txt")):  # the file that is not UTF-8 is named
        at.file_uploader(key="lab_toml").upload("latin.toml", toml, "application/toml").run()
        if text is not None:
            at.file_uploader(key="lab_text_file").upload("latin.txt", text, "text/plain").run()
        at.button(key="lab_read").click().run()
        assert not at.exception
        assert any(f"The file was not read: {named}: is not UTF-8 text (byte" in plain(x.value) for x in at.error), named


def test_a_fourth_provider_uploaded_with_its_text_is_quoted_by_the_other_pages():
    acme = ROOT / "tests" / "cases" / "lint"
    at = lab()
    at.file_uploader(key="lab_toml").upload("acme.toml", (acme / "acme.toml").read_bytes(), "application/toml").run()
    at.file_uploader(key="lab_text_file").upload("acme.txt", (acme / "acme.txt").read_bytes(), "text/plain").run()
    at.button(key="lab_read").click().run()
    assert not at.exception and any("Working on the uploaded file acme.toml: Acme 1" in plain(i.value) for i in at.info)
    assert at.text_input(key="lab_number").value == "1"  # the file's own number, not one made up for an edit
    # nothing to compare a new provider with: its bands alone ("Current (1)" against "Edited (1)", "0 rules changed")
    assert "Acme is a new provider: no version of it is in force to compare with, so its bands are drawn alone." in [
        plain(c.value) for c in at.caption]
    assert not [m for m in at.markdown if "rules changed" in m.value or "rule changed" in m.value]
    at.date_input(key="lab_when").set_value(date(2026, 1, 1)).run()
    at.text_input(key="lab_by").input("Pat Author").run()
    # a first version answers for earlier payments too: said before it is published, not only after
    assert any("It is Acme's first version: from its date, and for payments before it too" in plain(c.value)
               for c in at.caption)
    at.button(key="lab_publish").click().run()
    assert not at.exception and any("Published Acme 1" in plain(s.value) for s in at.success)
    # the lab shows what it published, not the provider shown before the upload (a walkthrough)
    assert at.selectbox(key="lab_provider").value == "acme" and at.query_params["provider"] == "acme"
    from store import AuditLog, QuoteStore
    from store.audit import audit_csv
    from tests.actors import ADA
    events, _ = AuditLog(QuoteStore.open(os.environ[ENV_URL]).engine).find(by=ADA)
    # one click: its draft is said to be the first step of publishing it (it read as a save its author never made)
    assert [(e.action, e.detail.get("why")) for e in reversed(events)] == [
        ("version saved as draft", "saved as the first step of publishing it"), ("version published", None)]
    # and the trail says so in its Action column, once (not again in the detail), and in its CSV
    assert [e.action_in_words for e in reversed(events)] == ["version saved as draft to publish it", "version published"]
    assert "first step" not in events[-1].detail_in_words() and "lab version: #" in events[-1].detail_in_words()
    trail = opened("pages/7_Audit_trail.py").dataframe[0].value
    assert list(trail["Action"]) == ["Version published", "Version saved as draft to publish it"]
    assert ",version saved as draft to publish it," in audit_csv(reversed(events))
    calc = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    calc.query_params.update(provider="acme", service="website", amount_paid="1000", completion_pct="10",
                             days_since_payment="3")
    calc.run()
    assert not calc.exception and [m.value for m in calc.metric if m.label == "Refund"] == ["$1,000.00"]
    assert "Acme" in calc.selectbox(key="w_provider").options
    for page in ("pages/1_Compare_providers.py", "pages/2_Policy_terms.py", "pages/3_Am_I_eligible.py",
                 "pages/6_Policy_lab.py"):
        calc.switch_page(page).run()
        assert not calc.exception, (page, [x.value for x in calc.exception])
    assert "Acme Refund Policy" in " ".join(t.value for t in AppTest.from_file(
        str(ROOT / "app.py"), default_timeout=60).switch_page("pages/2_Policy_terms.py").run().text)
    # a client's payment before its date is answered by it too, and the answer says so (a walkthrough read "in force
    # from" a day after the payment, and nothing else)
    answer = opened("pages/3_Am_I_eligible.py", provider="acme", service="website", amount_paid="1000",
                    paid_on="2025-12-01", answer="shown")
    assert any(plain(c.value).endswith("in force from 01 Jan 2026; as Acme's first version here, it also answers for "
                                       "payments before that day") for c in answer.caption), [c.value for c in answer.caption]
    later = opened("pages/3_Am_I_eligible.py", provider="acme", service="website", amount_paid="1000",
                   paid_on="2026-02-01", answer="shown")
    assert any(plain(c.value).endswith("in force from 01 Jan 2026") for c in later.caption)


def test_a_provider_made_from_step_intos_file_is_numbered_and_warned_of_step_intos_name():
    """A walkthrough downloaded Step-Into's version, changed only its id and name to Acme Ads, and published it: its
    clients were told to write to Step-Into, and it went out as "undated (as published)" from 07 Dec, said "in force
    from 07 Dec 2026" on one page and "(no date)" on another."""
    si = policies()["stepinto"]
    copied = policy_toml(si.model_copy(update={"id": "acmeads", "name": "Acme Ads"}))
    assert 'version = "undated (as published)"' in copied
    at = lab()
    at.file_uploader(key="lab_toml").upload("acme.toml", copied.encode(), "application/toml").run()
    at.file_uploader(key="lab_text_file").upload("acme.txt", source_text(si).encode(), "text/plain").run()
    at.button(key="lab_read").click().run()
    assert not at.exception
    tomorrow = date.today() + timedelta(days=1)
    assert at.text_input(key="lab_number").value == tomorrow.isoformat()  # a number of its date, as an edit's
    findings = next(plain_table(t.value) for t in at.table if "Known as" in t.value)
    assert any(row["What"].startswith("contact.how_to_request names Step-Into, another provider of this app")
               for row in findings.to_dict("records"))
    said = " ".join(plain(m.value) for m in [*at.markdown, *at.warning, *at.caption, *at.info])
    assert "say this provider's name there" in said  # how to mend it


def test_an_upload_says_what_is_worked_on_after_a_page_switch_and_can_be_put_aside():
    """The uploader is empty again once the page is left; the lab says which file it is working on, the address bar
    names its provider, and the saved versions are one click away (their selectors were gone with no way back)."""
    at = lab()
    assert at.query_params.get("provider") != "stepinto"
    at.file_uploader(key="lab_toml").upload("si-next.toml", policy_toml(policies()["stepinto"]).encode(),
                                            "application/toml").run()
    at.button(key="lab_read").click().run()
    at.switch_page("app.py").run()
    assert at.query_params["provider"] == "stepinto"  # the calculator quotes the provider the lab shows
    at.switch_page("pages/6_Policy_lab.py").run()
    assert any("Working on the uploaded file si-next.toml: Step-Into" in plain(i.value) for i in at.info)
    assert not [s for s in at.selectbox if s.key == "lab_provider"]
    at.button(key="lab_upload_aside").click().run()
    assert not at.exception and not at.info
    assert at.selectbox(key="lab_provider").value == "stepinto"  # back to the saved versions, of that provider
    at.selectbox(key="lab_provider").set_value("itmedia").run()
    assert at.query_params["provider"] == "itmedia"  # the lab's provider is the shared scenario's


def test_a_version_published_in_another_session_is_used_on_this_sessions_next_run():
    from policy.schema import PolicyFile
    from store import PolicyStore, QuoteStore

    calc = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    paid = date.today() - timedelta(days=2)
    calc.query_params.update(provider="socialbeat", service="website", amount_paid="10000", completion_pct="10",
                             paid_on=paid.isoformat(), work_started="true")
    calc.run()
    assert [m.value for m in calc.metric if m.label == "Refund"] == ["$7,500.00"]
    data = policies()["socialbeat"].model_dump()
    for stage in data["services"]["website"]["stages"]:
        for tier in stage["tiers"]:
            if tier["id"] == "sb_web_discovery":
                tier["min"]["pct"] = tier["max"]["pct"] = 60
                tier["clauses"][0]["quote"] = SAYS  # its clause says so (the text, "", is not checked)
    versions = PolicyStore(QuoteStore.open(os.environ[ENV_URL]).engine)  # as another session or replica
    draft = versions.save_draft(PolicyFile.model_validate({**data, "version": "elsewhere"}), "", by=PAT)
    versions.publish(draft, paid, by=PAT)
    calc.slider(key="w_completion_pct").set_value(11).run()  # a key press: only the fragment reruns
    assert [m.value for m in calc.metric if m.label == "Refund"] == ["$6,000.00"]


def test_the_new_versions_number_and_date_follow_the_version_shown():
    at = lab()
    tomorrow = date.today() + timedelta(days=1)
    assert (at.text_input(key="lab_number").value, at.date_input(key="lab_when").value) == (tomorrow.isoformat(), tomorrow)
    at.text_input(key="lab_number").input("mine").run()
    at.selectbox(key="lab_service").set_value("website").run()
    assert at.text_input(key="lab_number").value == "mine"  # another rerun keeps what the author typed
    at.date_input(key="lab_when").set_value(date(2027, 2, 1)).run()
    at.text_input(key="lab_by").input("Pat Author").run()
    at.switch_page("app.py").run()
    at.switch_page("pages/6_Policy_lab.py").run()  # and so does a visit to another page (both were reset)
    assert (at.text_input(key="lab_number").value, at.date_input(key="lab_when").value) == ("mine", date(2027, 2, 1))
    assert at.text_input(key="lab_by").value == "Pat Author"  # the name too: a publish after a visit was refused
    at.selectbox(key="lab_provider").set_value("itmedia").run()
    assert at.text_input(key="lab_number").value == tomorrow.isoformat()  # not ITMedia's "...-edit" of another
    dated = policy_toml(policies()["stepinto"].model_copy(update={"version": "2027-03", "effective_from": date(2027, 3, 1)}))
    at.file_uploader(key="lab_toml").upload("next.toml", dated.encode(), "application/toml").run()
    at.button(key="lab_read").click().run()
    assert (at.text_input(key="lab_number").value, at.date_input(key="lab_when").value) == ("2027-03", date(2027, 3, 1))


def test_a_number_that_reads_as_another_date_than_the_effective_one_is_said():
    """A walkthrough uploaded a version numbered "2026-12-07" and published it from 6 Dec: nothing said they differ."""
    at = lab()
    said = lambda: [plain(c.value) for c in at.caption if "reads as a date" in c.value]  # noqa: E731
    assert not said()  # the number offered follows the date
    numbered = policy_toml(policies()["stepinto"].model_copy(update={"version": "2027-03-02",
                                                                     "effective_from": date(2027, 3, 1)}))
    at.file_uploader(key="lab_toml").upload("next.toml", numbered.encode(), "application/toml").run()
    at.button(key="lab_read").click().run()
    assert said() == ["This number reads as a date, 02 Mar 2027, and the version takes effect on 01 Mar 2027: change "
                      "one of them if they are meant to agree."]
    at.date_input(key="lab_when").set_value(date(2027, 3, 2)).run()
    assert not said()


def test_the_offered_number_follows_the_date_until_the_author_types_one():
    """Numbers are dates: a version set to start on 9 Dec kept the number of the day it was first offered."""
    at = lab()
    at.date_input(key="lab_when").set_value(date(2027, 2, 1)).run()
    assert at.text_input(key="lab_number").value == "2027-02-01"
    at.text_input(key="lab_number").input("spring terms").run()
    at.date_input(key="lab_when").set_value(date(2027, 3, 1)).run()
    assert at.text_input(key="lab_number").value == "spring terms"  # the author's own stays


def test_the_lab_lists_the_linters_findings_whole_with_their_ambiguity_ids():
    at = lab()
    (findings,) = [plain_table(t.value) for t in at.table if "Known as" in t.value]
    assert {"A-SB-02", "A-SB-03", "A-SB-09"} <= set(findings["Known as"])
    from policy.lint import lint_policy
    from policy.loader import source_text

    sb = policies()["socialbeat"]
    assert list(findings["What"]) == [f.message for f in lint_policy(sb, source_text(sb))]  # as the command says them


def test_publishing_without_a_name_asks_for_it_by_the_forms_label_and_saves_nothing():
    at = edit_discovery_as_written(lab())
    at.text_input(key="lab_by").input("").run()
    at.button(key="lab_publish").click().run()
    assert any(plain(x.value).startswith("**Your name**: is needed") and "Nothing was saved" in x.value for x in at.error)
    assert not any("(published" in o for o in version_box(at, "socialbeat").options)


def test_a_payment_planned_for_after_a_versions_date_is_quoted_under_it_in_the_calculator(tmp_path):
    from store import PolicyStore, QuoteStore

    tomorrow = date.today() + timedelta(days=1)
    versions = PolicyStore(QuoteStore.open(os.environ[ENV_URL]).engine)
    shipped = policies()["stepinto"]
    versions.publish(versions.save_draft(shipped.model_copy(update={"version": "lab-edit"}), "", by=PAT), tomorrow, by=PAT)
    calc = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    calc.query_params.update(provider="stepinto", service="ppc", amount_paid="700", completion_pct="0",
                             paid_on=tomorrow.isoformat())
    calc.run()
    assert not calc.exception and not calc.warning  # a planned payment is a fair question, not a typo
    said = " ".join(plain(m.value) for m in calc.markdown)
    assert f"A payment planned for {tomorrow:%d %b %Y}: quoted under Step-Into version lab-edit" in said
    calc.switch_page("pages/3_Am_I_eligible.py").run()  # a client's form asks about a payment made: it starts at today
    assert not calc.exception and calc.date_input(key="el_paid_on").value == date.today()
    assert any(f"The payment date you came with, {tomorrow:%d %b %Y}, is still to come" in plain(i.value)
               for i in calc.info)  # said, not changed silently
    calc.switch_page("app.py").run()  # and the calculator still quotes the planned payment
    said = " ".join(plain(m.value) for m in calc.markdown)
    assert f"A payment planned for {tomorrow:%d %b %Y}: quoted under Step-Into version lab-edit" in said


def test_the_change_map_colours_an_edit_of_the_minimum_too():
    from policy.diff import band_changes
    from policy.lab import Tables, edited
    from ui import charts

    si = policies()["stepinto"]
    rows = tier_rows(si)
    next(r for r in rows if r["tier"] == "si_full_window")["min_pct"] = 80  # the maximum stays 100%
    changed = band_changes(si, edited(si, Tables(tiers=rows)))
    spec = charts.change_map(changed[changed.service == "ppc"], 1_000_000)
    assert set(spec["datasets"]["cells"].change_pct) == {-20.0}  # 20% of the payment less at the minimum, drawn
    assert spec["encoding"]["color"]["scale"]["domain"] == [-20.0, 20.0]
    assert spec["encoding"]["color"]["legend"]["values"] == [-20.0, 0, 20.0]  # the key: 20% less, no change, 20% more
    assert set(spec["datasets"]["cells"].end) == {"min"}  # and which end moved, in the tooltip


def test_each_provider_opens_on_its_newest_version_whichever_was_shown_before():
    from store import PolicyStore, QuoteStore

    versions = PolicyStore(QuoteStore.open(os.environ[ENV_URL]).engine)
    sb = policies()["socialbeat"]
    versions.publish(versions.save_draft(sb.model_copy(update={"version": "2027-01-01"}), "", by=PAT), date(2027, 1, 1), by=PAT)
    at = lab()
    at.selectbox(key="lab_provider").set_value("itmedia").run()  # one version: the first choice
    at.selectbox(key="lab_provider").set_value("socialbeat").run()
    chosen = version_box(at, "socialbeat")
    assert chosen.value == len(chosen.options) - 1 and "2027-01-01" in chosen.options[-1]


def version_box(at: AppTest, provider: str):
    """The lab's version box of `provider` (its key also names the catalog's revision)."""
    return next(box for box in at.selectbox if box.key and box.key.startswith(f"lab_version_{provider}_"))


def edit_step_into(at: AppTest, **cells) -> AppTest:
    """The issue's edit: Step-Into, started but nothing delivered, minimum 0% -> 50%."""
    at.selectbox(key="lab_provider").set_value("stepinto").run()
    row = next(i for i, r in enumerate(tier_rows(policies()["stepinto"])) if r["tier"] == "si_started_nothing_delivered_window")
    at.session_state[key(at, "tiers", "stepinto_undated (as published)")] = {"edited_rows": {row: cells}, "added_rows": [], "deleted_rows": []}
    return at.run()


def test_the_version_shown_as_it_is_has_nothing_to_publish_until_an_edit():
    """Publish with no edit made a second version of the same terms (0 rule(s) changed, two in the trail)."""
    at = lab()
    assert at.button(key="lab_publish").disabled and not at.button(key="lab_draft").disabled and not at.error
    said = " ".join(plain(c.value) for c in at.caption)
    assert "Nothing to publish yet: it has the terms and the text of version 2025-06-17, in force on that day" in said
    edit_discovery_as_written(at)
    assert not at.button(key="lab_publish").disabled and "Nothing to publish yet" not in " ".join(c.value for c in at.caption)


def test_a_draft_reopens_with_its_own_number_and_date_and_once_published_is_not_offered_again_from_tomorrow():
    """A walkthrough: a draft saved for 15 Jan came back with tomorrow's date and a new number (its publish would
    have put it in force tomorrow, or made a second version); just published, the same terms were offered again
    from tomorrow with Publish on."""
    later = date.today() + timedelta(days=40)
    at = edit_discovery_as_written(lab())
    at.date_input(key="lab_when").set_value(later).run()
    assert at.text_input(key="lab_number").value == later.isoformat()  # the number follows the date
    at.text_input(key="lab_by").input("Pat Author").run()
    at.button(key="lab_draft").click().run()
    assert any("Saved as draft" in plain(x.value) for x in at.success)
    assert "(draft" in version_box(at, "socialbeat").options[version_box(at, "socialbeat").index]
    assert (at.text_input(key="lab_number").value, at.date_input(key="lab_when").value) == (later.isoformat(), later)
    despite(at)
    assert at.button(key="lab_publish").label == f"Publish from {later:%d %b %Y}"
    at.button(key="lab_publish").click().run()
    assert any(f"from {later:%d %b %Y}" in plain(x.value) for x in at.success)
    box = version_box(at, "socialbeat")
    assert "published, from" in box.options[box.index] and not any("(draft" in o for o in box.options)  # the draft itself
    assert at.date_input(key="lab_when").value == later and at.button(key="lab_publish").disabled  # not again, earlier
    despite(at.date_input(key="lab_when").set_value(date.today() + timedelta(days=1)).run())  # unless the author
    assert not at.button(key="lab_publish").disabled  # means it: then its terms would come in force from tomorrow


def test_an_edits_warning_about_a_reading_says_where_to_mend_it_and_its_text_can_be_downloaded_to_lint_it(tmp_path):
    """A walkthrough: a reading left at 75% beside its tier cut to 60% could only be accepted (no grid held the
    readings: now a table does, and the warning points to it), and the edit's TOML linted on the command line against
    the shipped text had an error the lab had not."""
    at = edit_discovery_as_written(lab())
    hints = [plain(i.value) for i in at.info if "Readings of unclear terms" in plain(i.value)]
    assert len(hints) == 1 and "Its %" in hints[0]
    readings = reading_rows(policies()["socialbeat"])
    mended = {i: {"reading_pct": 60, "label": "the next phase's 60%"} for i, r in enumerate(readings)
              if r["label"] == "the next phase's 75%" and r["service"] == "website"}  # the reading that gave its 75%
    assert len(mended) == 1
    at.session_state[key(at, "readings")] = {"edited_rows": mended, "added_rows": [],
                                                              "deleted_rows": []}
    at.run()
    assert not at.exception
    assert not [i for i in at.info if "Readings of unclear terms" in plain(i.value)]  # mended in the lab
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Download this edit as TOML" in labels and "Download its policy text" in labels
    from policy.cli import main
    from policy.lab import Tables, edited

    new = edited(policies()["socialbeat"], Tables(tiers=[{**r, "min_pct": 60, "max_pct": 60, "quote": SAYS} if i == ROW
                                                         else r for i, r in enumerate(tier_rows(policies()["socialbeat"]))]))
    (tmp_path / "edit.toml").write_text(policy_toml(new))
    (tmp_path / "edit.txt").write_text(at.text_area(key=key(at, "text")).value)
    assert main(["lint", str(tmp_path / "edit.toml"), "--text", str(tmp_path / "edit.txt")]) == 0  # as the lab found


def test_a_published_version_is_withdrawn_with_a_reason_and_the_page_names_the_version_that_answers_again():
    """The lab's withdraw had no page test; its message said "the version in force before it", not which (a
    walkthrough)."""
    from store import PolicyStore, QuoteStore

    versions = PolicyStore(QuoteStore.open(os.environ[ENV_URL]).engine)
    sb = policies()["socialbeat"]
    later = date.today() + timedelta(days=30)
    cut = edited(sb, Tables(tiers=[{**r, "min_pct": 60, "max_pct": 60, "quote": SAYS} if i == ROW else r
                                   for i, r in enumerate(tier_rows(sb))]), version=later.isoformat(), effective_from=later)
    draft = versions.save_draft(cut, source_text(sb).replace(SAID, SAYS), by=PAT)
    versions.publish(draft, later, by=PAT)
    at = lab()
    assert "published, from" in version_box(at, "socialbeat").options[version_box(at, "socialbeat").index]
    at.text_input(key=f"lab_withdraw_by_{draft}").input("Pat Author").run()
    at.button(key=f"lab_withdraw_{draft}").click().run()  # no reason: refused, nothing withdrawn
    assert any("Reason" in x.value and "Nothing was withdrawn" in x.value for x in at.error)
    at.text_area(key=f"lab_withdraw_reason_{draft}").input("The 60% was agreed for 2028 only").run()
    at.button(key=f"lab_withdraw_{draft}").click().run()
    assert any(plain(x.value) == (f"Withdrew Social Beat Digital {later.isoformat()}: new quotes for payments in its span "
                                  "use version 2025-06-17; quotes saved under it keep it and say it "
                                  "was withdrawn.") for x in at.success)
    assert [v.withdrawn.reason for v in versions.versions("socialbeat") if v.lab_id == draft] == [
        "The 60% was agreed for 2028 only"]


def test_withdrawing_a_providers_only_version_says_the_provider_is_quoted_no_more():
    """Withdrawing a fourth provider's one version said new quotes "use version 2026-12, in force before it": the
    version just withdrawn (a walkthrough)."""
    from store import PolicyStore, QuoteStore

    versions = PolicyStore(QuoteStore.open(os.environ[ENV_URL]).engine)
    si = policies()["stepinto"]
    acme = si.model_copy(update={"id": "acme", "name": "Acme Gone", "version": "a-1"})
    one = versions.publish(versions.save_draft(acme, source_text(si), by=PAT), date.today() + timedelta(days=1),
                           by=PAT).lab_id
    at = lab()
    at.selectbox(key="lab_provider").set_value("acme").run()
    at.text_input(key=f"lab_withdraw_by_{one}").input("Pat Author").run()
    at.text_area(key=f"lab_withdraw_reason_{one}").input("Contract fell through").run()
    at.button(key=f"lab_withdraw_{one}").click().run()
    assert any(plain(x.value) == ("Withdrew Acme Gone a-1: no version of Acme Gone is left in force, so Acme Gone is "
                                  "no longer quoted or offered; quotes saved under it keep it and say it was withdrawn.")
               for x in at.success), [x.value for x in at.success]


def test_a_version_with_a_lint_error_cannot_be_published_and_says_why_beside_the_button():
    at = edit_step_into(lab(), min_pct=50)
    assert not at.exception
    assert at.button(key="lab_publish").disabled and not at.button(key="lab_draft").disabled
    refusal = " ".join(plain(x.value) for x in at.error)
    assert "Cannot be published: 1 lint error. Fix it, or save a draft." in refusal  # not "Fix them"
    assert "reading-outside-band: A-SI-01's reading \u201c'and' intended: no refund\u201d" in refusal
    assert not [i for i in at.info if "go together" in i.value]  # a hint only for the errors it mends
    at.text_input(key="lab_by").input("Pat Author").run()
    at.button(key="lab_draft").click().run()  # a draft may be saved
    assert any("Saved as draft" in plain(s.value) for s in at.success)
    assert any("(draft" in o for o in version_box(at, "stepinto").options)
    assert not any("(published" in o for o in version_box(at, "stepinto").options)


def test_the_sample_clients_count_only_quotes_a_person_sees_change_and_the_rest_are_said_apart():
    at = edit_step_into(lab(), min_pct=50)
    said = " ".join(plain(m.value) for m in at.markdown)
    assert "**No sample client is shown another band** (every service" in said  # it stays $0.00 - $10,000.00
    assert "the band each is shown" not in said  # no table follows to describe (a walkthrough)
    assert "**160 more are shown the same band, and get another once they give a fact they left out**" in said
    hidden = dataframe_with(at, "Band shown (unchanged)")
    assert len(hidden) == 160 and set(hidden["End that moved"]) == {"min"}
    assert hidden["Under (facts not given)"].str.startswith(
        "deliverables provided: no: $0.00 - $10,000.00 -> $5,000.00 - $10,000.00").all()


def test_a_version_number_over_its_limit_is_refused_by_name_not_cut():
    at = lab()
    at.text_input(key="lab_number").input("v" * 81).run()
    assert at.text_input(key="lab_number").value == "v" * 81  # kept as typed, not cut at 80
    assert any("version" in x.value and "80" in x.value for x in at.error)
    assert not [b for b in at.button if b.key == "lab_publish"]  # nothing to publish until it is fixed


def test_what_it_changes_is_against_the_version_publishing_it_replaces_on_its_date():
    """A walkthrough: the lab opened on a version published from next month showed "0 rule(s) changed" and "0 sample
    client(s) change their quote" beside an enabled "Publish from" tomorrow, and publishing it changed quotes from
    tomorrow: the preview compared with the version shown, the linter and the publish check with the one in force."""
    from store import PolicyStore, QuoteStore

    versions = PolicyStore(QuoteStore.open(os.environ[ENV_URL]).engine)
    sb = policies()["socialbeat"]
    later = date.today() + timedelta(days=30)
    sb_text = source_text(sb)
    rows = tier_rows(sb)
    assert rows[ROW]["min_pct"] == 75
    cut = edited(sb, Tables(tiers=[{**r, "min_pct": 60, "max_pct": 60, "quote": SAYS} if i == ROW else r
                                   for i, r in enumerate(rows)]), version=later.isoformat(), effective_from=later)
    versions.publish(versions.save_draft(cut, sb_text.replace(SAID, SAYS), by=PAT), later, by=PAT)
    at = lab()
    assert "published, from" in version_box(at, "socialbeat").options[-1]  # the lab opens on it
    despite(at.date_input(key="lab_when").set_value(date.today() + timedelta(days=1)).run())
    assert not at.button(key="lab_publish").disabled  # from tomorrow it would replace 2025-06-17's terms: a change
    text = " ".join(m.value for m in at.markdown)
    assert "**1 rule changed**" in text and "**0 sample client" not in text, text
    (rules,) = [plain_table(d.value) for d in at.table if "What changed" in d.value]
    assert [w.split("; Verbatim")[0] for w in rules["What changed"]] == ["Min % 75 -> 60; Max % 75 -> 60"]
    assert any("Against 2025-06-17, the version in force on" in plain(c.value) for c in at.caption)
    at.date_input(key="lab_when").set_value(later + timedelta(days=1)).run()  # after its own date: nothing new
    assert at.button(key="lab_publish").disabled
    assert "**0 rules changed**" in " ".join(m.value for m in at.markdown)


def test_an_edit_with_warnings_about_it_is_published_only_once_the_author_says_so():
    """A walkthrough: a tier cut from 75% to 70% beside its clause still saying "75% Refund" published at once, and
    nothing said whether the version could be published."""
    at = lab()
    at.session_state[key(at, "tiers")] = {"edited_rows": {ROW: {"min_pct": 70}}, "added_rows": [], "deleted_rows": []}
    at.run()
    findings = next(plain_table(t.value) for t in at.table if "Known as" in t.value)
    assert any("(this edit)" in f for f in findings["Finding"]) and not at.button(key="lab_draft").disabled
    assert at.button(key="lab_publish").disabled  # no lint error, but a warning about this edit: asked first
    (asked,) = [c for c in at.checkbox if c.key.startswith("lab_despite_")]
    assert asked.label.startswith("Publish despite ") and asked.label.endswith(" about this edit")  # one line
    assert "Linter" in asked.help  # where the warnings are
    asked.check()
    at.run()
    assert not at.button(key="lab_publish").disabled
    at.session_state[key(at, "tiers")] = {"edited_rows": {ROW: {"min_pct": 65}}, "added_rows": [], "deleted_rows": []}
    at.run()  # another edit, other warnings: asked again
    assert at.button(key="lab_publish").disabled
    words = "Cancelled during the initial consultations and planning: 75%"  # the words alone: nothing to warn of
    at.session_state[key(at, "tiers")] = {"edited_rows": {ROW: {"label": words}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not [c for c in at.checkbox if c.key.startswith("lab_despite_")] and not at.button(key="lab_publish").disabled
    assert any("No lint error, and no warning about this edit: it can be published." in c.value for c in at.caption)


def test_a_tier_made_a_band_warns_of_its_label_left_saying_one_percent_and_the_words_follow_with_the_band():
    """A walkthrough made Discovery's 75% a band of 60-75%: its label went on saying "...: 75%" with no finding (75 is
    inside the band), and "Change the words to match" was not offered."""
    at = lab()
    at.session_state[key(at, "tiers")] = {"edited_rows": {ROW: {"min_pct": 60}}, "added_rows": [], "deleted_rows": []}
    at.run()
    findings = next(plain_table(t.value) for t in at.table if "Known as" in t.value)
    assert "\u26a0\ufe0f warning: label-unchanged (this edit)" in list(findings["Finding"])
    assert "A tier's \u201cWhat it says\u201d" in " ".join(plain(i.value) for i in at.info)  # where it is mended
    offer = next(plain(i.value) for i in at.info if "The words can follow" in plain(i.value))
    assert "tier sb_web_discovery's label now says 60-75%" in offer
    at.button(key="lab_words_follow").click().run()
    grid = dataframe_with(at, "min_pct")
    row = grid[grid.tier == "sb_web_discovery"].iloc[0]
    assert (row.min_pct, row.max_pct) == (60, 75) and row.label.endswith(": 60-75%") and row.quote == SAID
    findings = next(plain_table(t.value) for t in at.table if "Known as" in t.value)
    assert not [f for f in findings["Finding"] if "label-" in f]


def test_any_new_warning_of_an_edit_is_asked_about_before_publishing_not_only_those_about_what_it_changed():
    """A walkthrough: a label left at 50% beside a tier made 0-40% showed a new label-vs-amount warning, and beside
    the button "No lint error, and no warning about this edit: it can be published"."""
    at = lab()
    at.session_state[key(at, "tiers")] = {"edited_rows": {ROW: {"label": "Cancelled during the initial consultations: 50%"}},
                             "added_rows": [], "deleted_rows": []}
    at.run()
    findings = next(plain_table(t.value) for t in at.table if "Known as" in t.value)
    assert list(findings["Finding"]) == ["\u26a0\ufe0f warning: label-vs-amount"]  # new, and not one of OF_THE_EDIT
    (asked,) = [c for c in at.checkbox if c.key.startswith("lab_despite_")]
    assert asked.label == "Publish despite 1 warning about this edit" and at.button(key="lab_publish").disabled
    assert not any("no warning about this edit" in c.value for c in at.caption)


def test_an_edits_findings_are_cached_by_the_edit_the_version_before_it_and_the_text():
    """The lab lints the edit on every rerun (0.13-0.25 s: a key press in the lab waited for it); the cache answers
    only for the same edit against the same version before it, with the same text."""
    from ui.cache import findings
    sb = policies()["socialbeat"]
    text = source_text(sb)
    edit = edited(sb, Tables(tiers=[{**r, "min_pct": 60, "max_pct": 60, "label": "Discovery: 60%"} if i == ROW else r
                                    for i, r in enumerate(tier_rows(sb))]))
    against = {f.code for f in findings(sb, edit, text, {})}
    assert "reading-unchanged" in against and findings(sb, edit, text, {}) == findings(sb, edit, text, {})
    assert "reading-unchanged" not in {f.code for f in findings(None, edit, text, {})}  # nothing before it to compare
    quoted = {f.code for f in findings(sb, edit, None, {})}
    assert {f.code for f in findings(sb, edit, text.replace(SAID, "something else"), {})} - quoted  # the text is read


def test_a_saved_drafts_number_follows_its_new_date_and_publishing_it_as_saved_records_no_second_save():
    """A walkthrough saved a draft, then set another date and published: the draft kept the first date's number
    (published as "2026-12-07" from 1 Jan), and the trail showed the draft saved twice for one click."""
    from store import AuditLog, PolicyStore, QuoteStore
    from store.audit import AuditFilters
    from tests.actors import ADA

    first, later = (date.today() + timedelta(days=d) for d in (30, 60))
    at = edit_discovery_as_written(lab())
    at.date_input(key="lab_when").set_value(first).run()
    at.text_input(key="lab_by").input("Pat Author").run()
    at.button(key="lab_draft").click().run()
    assert at.text_input(key="lab_number").value == first.isoformat()  # the draft reopened
    at.date_input(key="lab_when").set_value(later).run()
    assert at.text_input(key="lab_number").value == later.isoformat()  # its number follows its new date
    # said before the click (a walkthrough found the draft it had saved gone from the list, renumbered)
    draft_id = PolicyStore(QuoteStore.open(os.environ[ENV_URL]).engine).versions("socialbeat")[0].lab_id
    assert f"Draft #{draft_id} was saved as {first.isoformat()}; saved or published now, it becomes " \
        f"{later.isoformat()} (the number follows the date until you type one)." in [plain(c.value) for c in at.caption]
    at.button(key="lab_draft").click().run()  # saved again: the same draft, renumbered
    assert any(f"Saved as draft #{draft_id} (Social Beat Digital {later.isoformat()}; saved before as "
               f"{first.isoformat()})" in plain(x.value) for x in at.success)
    engine = QuoteStore.open(os.environ[ENV_URL]).engine
    versions = PolicyStore(engine).versions("socialbeat")
    assert [(v.policy.version, v.status) for v in versions] == [(later.isoformat(), "draft")]
    despite(at)
    at.button(key="lab_publish").click().run()
    assert any(f"Published Social Beat Digital {later.isoformat()} (draft #{draft_id}) from {later:%d %b %Y}"
               in plain(x.value) for x in at.success)
    events, _ = AuditLog(engine).find(AuditFilters(), by=ADA)
    assert [e.action for e in reversed(events)] == ["version saved as draft", "version saved as draft",
                                                    "version published"]  # two clicks of Save, one of Publish
    assert ("saved before as", first.isoformat()) in events[1].parts_in_words()  # the trail ties the two numbers
    at.text_input(key="lab_number").input("my-own").run()  # a number typed stays, whatever the date
    at.date_input(key="lab_when").set_value(later + timedelta(days=1)).run()
    assert at.text_input(key="lab_number").value == "my-own"


def test_a_versions_own_findings_are_cached_by_its_whole_content_not_its_number():
    """The lab lists an edit's own findings apart from those the version before had; the latter are cached (0.13 s a
    lint). A draft saved again keeps its number: the cache must not answer for the version as it was."""
    from ui.cache import version_findings
    sb = policies()["socialbeat"]
    text = source_text(sb)
    assert version_findings(sb, text, {}) == version_findings(sb, text, {})
    relabelled = edited(sb, Tables(tiers=[{**r, "label": "After 7 days: 60%, as at Step-Into"} if i == ROW else r
                                          for i, r in enumerate(tier_rows(sb))]))
    assert relabelled.version == sb.version  # the same number, other terms
    codes = {f.code for f in version_findings(relabelled, text, {})}
    assert "label-vs-amount" in codes and "label-vs-amount" not in {f.code for f in version_findings(sb, text, {})}
    # and by the other providers' names its words are linted against
    assert "other-provider-named" not in codes
    assert "other-provider-named" in {f.code for f in version_findings(relabelled, text, {"stepinto": "Step-Into"})}


def test_an_edit_that_passes_through_an_invalid_state_keeps_the_linter_and_preview_of_the_last_valid_one():
    """A maximum set below its minimum, before the minimum is lowered, replaced the rest of the page with the error:
    the linter, the preview and the buttons all went until the second cell was fixed (a walkthrough)."""
    at = lab()
    at.session_state[key(at, "tiers")] = {"edited_rows": {ROW: {"min_pct": 60, "max_pct": 60}}, "added_rows": [], "deleted_rows": []}
    at.run()
    changed = dataframe_with(at, "End that moved").iloc[0].to_dict()
    at.session_state[key(at, "tiers")] = {"edited_rows": {ROW: {"min_pct": 60, "max_pct": 50}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert any("Fix this table's problem to save or publish" in x.value for x in at.error)
    assert not any("does not make a valid policy" in x.value for x in at.error)  # said once: under its table
    assert any(i.value.startswith("Below are the linter and the changes of your last valid edit") for i in at.info)
    assert dataframe_with(at, "End that moved").iloc[0].to_dict() == changed  # the last valid edit's changes
    assert "What it changes" in [h.value for h in at.header]
    assert not [b for b in at.button if b.key in ("lab_draft", "lab_publish")]  # nothing invalid can be kept
    at.session_state[key(at, "tiers")] = {"edited_rows": {ROW: {"min_pct": 50, "max_pct": 50}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert at.button(key="lab_draft") and not [x for x in at.error if "Nothing can be saved" in x.value]
    assert not any(i.value.startswith("Below are the linter") for i in at.info)


def test_a_clause_left_as_it_was_while_its_percent_changed_says_where_its_words_are_mended():
    """A walkthrough changed Social Beat's discovery minimum from 75 to 70: the quote-unchanged warning said the
    clause still says 75%, and nothing said where a clause is changed (found by scrolling the tiers grid)."""
    at = lab()
    at.session_state[key(at, "tiers")] = {"edited_rows": {ROW: {"min_pct": 70}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    hints = [plain(i.value) for i in at.info if "A tier's percent and its words go together" in plain(i.value)]
    assert len(hints) == 1 and "Verbatim quote" in hints[0]
    assert 'role = "context"' in hints[0]  # a clause cited for a tier's setting (a walkthrough edited blindly)


def test_a_percent_changed_alone_has_its_words_follow_in_one_click_and_is_then_publishable(tmp_path, monkeypatch):
    """A walkthrough changed Social Beat's 50% design tier to 40%: publishing was refused until the tier's label,
    its verbatim quote and the policy text were changed by hand, and the author gave up and edited the TOML."""
    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'quotes.sqlite'}")
    st.cache_data.clear()
    at = edit_discovery(lab(), 60)
    assert at.button(key="lab_publish").disabled  # the words still say 75%
    offer = next(plain(i.value) for i in at.info if "The words can follow" in plain(i.value))
    assert "tier sb_web_discovery's label now says 60%" in offer and f"\u201c{SAID}\u201d now reads \u201c{SAYS}\u201d" \
        " in the policy text too" in offer
    at.button(key="lab_words_follow").click().run()
    assert not at.exception
    assert any("Your edit of Social Beat Digital 2025-06-17, with its words following its percents, fees and days" in plain(i.value)
               for i in at.info)
    # still an edit of the version shown, not an upload: its pickers stay, and its number follows its date
    assert at.selectbox(key="lab_provider").value == "socialbeat" and not [i for i in at.info if "uploaded" in i.value]
    grid = dataframe_with(at, "min_pct")
    row = grid[grid.tier == "sb_web_discovery"].iloc[0]
    assert (row.min_pct, row.max_pct, row.quote) == (60, 60, SAYS) and row.label.endswith(": 60%")
    text = at.text_area(key=key(at, "text")).value
    assert SAYS in text and SAID not in text
    assert not [i for i in at.info if "The words can follow" in plain(i.value)]  # nothing left to follow
    later = date.today() + timedelta(days=9)
    at.date_input(key="lab_when").set_value(later).run()
    assert at.text_input(key="lab_number").value == later.isoformat()  # it stayed at the day before (a walkthrough)
    at = despite(at)
    at.text_input(key="lab_by").input("Pat Author").run()
    at.button(key="lab_publish").click().run()
    assert not at.exception and any(f"Published Social Beat Digital {later.isoformat()}" in plain(s.value)
                                    for s in at.success)
    # the version shown is the one published: nothing changes, and the sliders are said to be set nowhere
    assert not [c for c in at.caption if "Set where this edit first changes a quote" in c.value]
    st.cache_data.clear()


def test_a_request_window_changed_alone_has_its_words_follow_and_policy_terms_say_the_new_days(tmp_path, monkeypatch):
    """A walkthrough made Social Beat's 30-day window 21 days: the lab found nothing, and once published, Policy terms
    said "30 days" beside quotes that used 21, and a request on day 26 was refused by a clause saying 30 days."""
    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'quotes.sqlite'}")
    st.cache_data.clear()
    at = lab()
    window = next(i for i, r in enumerate(term_rows(policies()["socialbeat"])) if r["term"] == "window_days")
    at.session_state[key(at, "terms")] = {"edited_rows": {window: {"value": 21}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception and at.button(key="lab_publish").disabled  # its clause still says 30 days
    offer = next(plain(i.value) for i in at.info if "The words can follow" in plain(i.value))
    assert "the summary of “Request window” now reads “21 days of the initial or relevant milestone " \
           "payment.”" in offer
    at.button(key="lab_words_follow").click().run()
    assert "within 21 days of the initial payment" in at.text_area(key=key(at, "text")).value
    (done,) = [plain(i.value) for i in at.info if i.value.startswith("Your edit of")]  # what it changed, said after
    assert "(2 changes of the words: the summary of “Request window” now reads “21 days of the initial" in done
    at.date_input(key="lab_when").set_value(date.today()).run()
    # the rises A-SB-04 lists moved with the window: said how to mend, and no consent asked to publish (nothing
    # of the terms is wrong)
    assert any("An ambiguity lists under “explains” a finding your edit moved or removed" in plain(i.value)
               for i in at.info)
    assert not [box for box in at.checkbox if box.key and box.key.startswith("lab_despite_")]
    assert [plain(c.value) for c in at.caption if c.value.startswith("No lint error")] == [
        "No lint error, and no warning that needs your consent: it can be published (below: how to tidy the list its "
        "warnings name)."]  # it lists two warnings: not "no warning"
    at.text_input(key="lab_by").input("Pat Author").run()
    at.button(key="lab_publish").click().run()
    assert not at.exception and any("Published Social Beat Digital" in plain(s.value) for s in at.success)
    st.cache_data.clear()
    terms = AppTest.from_file(str(ROOT / "pages" / "2_Policy_terms.py"), default_timeout=60)
    terms.query_params.update(provider="socialbeat", service="website")
    terms.run()
    said = " ".join(m.value.replace("\\", "") for m in terms.markdown)
    assert "21 days of the initial or relevant milestone payment." in said and "30 days of the initial" not in said
    assert "within 21 days of the initial payment" in said and "within 30 days" not in said  # its clause, quoted
    # its ambiguity's list out of date is no disagreement of its words and rules: not said to everyone here
    assert not [w for w in terms.warning if "where its words and its rules disagree" in w.value]
    st.cache_data.clear()


def test_publishing_from_the_day_of_a_version_published_from_it_says_it_replaces_that_one(tmp_path, monkeypatch):
    """A walkthrough published twice from the same day: the second was numbered -2 and replaced the first with no
    word said, and the calculator went on naming the first."""
    from policy.loader import source_text
    from store import PolicyStore, QuoteStore
    from tests.actors import PAT

    url = f"sqlite:///{tmp_path / 'quotes.sqlite'}"
    monkeypatch.setenv(ENV_URL, url)
    st.cache_data.clear()
    sb = policies()["socialbeat"]
    first = sb.model_copy(update={"version": "first-today"})
    versions = PolicyStore(QuoteStore.open(url).engine)
    versions.publish(versions.save_draft(first, source_text(sb) + "\nWorded anew.\n", by=PAT), date.today(), by=PAT)
    at = lab()  # the version in force today shown: the one just published
    at.session_state[key(at, "tiers", "socialbeat_first-today")] = {"edited_rows": {ROW: {"min_pct": 60, "max_pct": 60}},
                                                         "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="lab_words_follow").click().run()
    at.date_input(key="lab_when").set_value(date.today()).run()
    said = [plain(c.value) for c in at.caption if "it replaces" in plain(c.value)]
    assert said == [f"Published from {date.today():%d %b %Y}, it replaces first-today, in force from that same day: "
                    "no payment will be quoted under first-today any more."]
    at.date_input(key="lab_when").set_value(date.today() + timedelta(days=1)).run()
    assert not [c for c in at.caption if "it replaces" in plain(c.value)]  # from the day after: it follows it
    st.cache_data.clear()


def test_words_made_to_follow_can_be_put_back_as_the_version_has_them(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'quotes.sqlite'}")
    st.cache_data.clear()
    monkeypatch.setattr(widget_policies, "_shown_default_value_warning", False)  # Streamlit warns once a process
    warned = logging.handlers.BufferingHandler(100)
    logging.getLogger(widget_policies.__name__).addHandler(warned)
    try:
        at = edit_discovery(lab(), 60)
        at.button(key="lab_words_follow").click().run()
        at.button(key="lab_reworded_undo").click().run()
    finally:
        logging.getLogger(widget_policies.__name__).removeHandler(warned)
    assert not at.exception
    # the text box's new text given once, through the session's state: no warning with a stack trace in the log
    assert not [r.getMessage() for r in warned.buffer if "Session State API" in r.getMessage()]
    grid = dataframe_with(at, "min_pct")
    assert grid[grid.tier == "sb_web_discovery"].iloc[0].min_pct == 75
    assert SAID in at.text_area(key=key(at, "text")).value
    assert not [i for i in at.info if "with its words following" in plain(i.value)]
    st.cache_data.clear()


def test_a_last_day_changed_alone_is_refused_until_its_words_follow_in_one_click(tmp_path, monkeypatch):
    """A walkthrough made the 48-hour full refund run to day 3 and published it: the lab said it could be published,
    and the calculator then said "ask by day 3" under a quote of "within 48 hours of payment"."""
    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'quotes.sqlite'}")
    st.cache_data.clear()
    at = lab()
    row = next(i for i, r in enumerate(tier_rows(policies()["socialbeat"])) if r["tier"] == "sb_web_48h")
    at.session_state[key(at, "tiers")] = {"edited_rows": {row: {"days_max": 3}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert at.button(key="lab_publish").disabled
    refused = next(plain(m.value) for m in at.error if "Cannot be published" in plain(m.value))
    assert "quote-vs-days: tier sb_web_48h applies up to day 3, but its clause section 3.1(a) says '100% Refund: If " \
        "no work has commenced and you cancel within 48 hours of payment'" in refused
    offer = next(plain(i.value) for i in at.info if "The words can follow" in plain(i.value))
    assert "tier sb_web_48h's label now says within 72 hours" in offer
    assert "\u201d now reads \u201c100% Refund: If no work has commenced and you cancel within 72 hours of payment" \
        "\u201d in the policy text too" in offer
    at.button(key="lab_words_follow").click().run()
    assert not at.exception
    grid = dataframe_with(at, "min_pct")
    assert grid[grid.tier == "sb_web_48h"].iloc[0].label == "No work commenced, cancelled within 72 hours of payment: 100%"
    assert "within 72 hours of payment" in at.text_area(key=key(at, "text")).value
    assert not [m for m in at.error if "-vs-days" in m.value]
    st.cache_data.clear()


def widgets(at: AppTest) -> set[str]:
    """The ids of the lab's text box and its grids (a table drawn only has none)."""
    return {w.id for w in (*at.text_area, *at.dataframe) if w.id}


def test_words_that_follow_come_in_new_widgets_a_browser_holds_no_old_value_for():
    """A CI run: after "Change the words to match" the browser sent back the policy text its box held before (with
    the run a forgotten grid's edits start at once), and the linter refused the new quotes as not in the text. The
    text box and the grids start again as widgets of their own: a value sent for the old ones is for none drawn."""
    at = lab()
    row = next(i for i, r in enumerate(tier_rows(policies()["socialbeat"])) if r["tier"] == "sb_web_48h")
    at.session_state[key(at, "tiers")] = {"edited_rows": {row: {"days_max": 3}}, "added_rows": [], "deleted_rows": []}
    at.run()
    before = widgets(at)
    old_text = at.text_area(key=key(at, "text")).value
    at.button(key="lab_words_follow").click().run()
    after = widgets(at)
    assert len(after) == len(before) >= 5 and not before & after
    assert at.text_area(key=key(at, "text")).value != old_text
    at.button(key="lab_reworded_undo").click().run()  # and again when it starts again from the version as it is
    assert not after & widgets(at)
    assert at.text_area(key=key(at, "text")).value == old_text


def test_a_draft_saved_before_a_published_version_is_the_one_shown_and_not_said_published(tmp_path, monkeypatch):
    """A walkthrough saved a draft dated before a version published earlier: the lab went on to show the published
    one (the last by date), and beside it "Published: nothing more to publish", though only a draft was saved."""
    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'quotes.sqlite'}")
    st.cache_data.clear()
    later, sooner = (date.today() + timedelta(days=d) for d in (20, 10))
    at = edit_discovery_as_written(lab())
    at.date_input(key="lab_when").set_value(later).run()
    at.text_input(key="lab_by").input("Pat Author").run()
    at = despite(at)
    at.button(key="lab_publish").click().run()
    assert any(f"Published Social Beat Digital {later.isoformat()}" in plain(x.value) for x in at.success)
    edit_discovery(at, 65)  # another edit of the version shown (the one just published)
    at.date_input(key="lab_when").set_value(sooner).run()
    at.button(key="lab_draft").click().run()
    assert not at.exception
    box = version_box(at, "socialbeat")
    assert box.options[box.index].startswith(f"{sooner.isoformat()} (draft, from"), box.options
    assert any("Saved as draft" in plain(x.value) for x in at.success)
    assert not [c for c in at.caption if c.value.startswith("Published: nothing more to publish")]
    st.cache_data.clear()


def test_a_published_version_reopened_unedited_is_linted_against_the_version_before_it(tmp_path, monkeypatch):
    """A walkthrough published discovery 65-75% despite the warning that its clause still said 75%, reopened it, and
    the lab linted it against itself: "Nothing new", the warning gone, and "What it changes" against itself."""
    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'quotes.sqlite'}")
    st.cache_data.clear()
    later = date.today() + timedelta(days=8)
    at = lab()
    at.session_state[key(at, "tiers")] = {"edited_rows": {ROW: {"min_pct": 65}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.date_input(key="lab_when").set_value(later).run()
    at.text_input(key="lab_by").input("Pat Author").run()
    at = despite(at)
    at.button(key="lab_publish").click().run()
    assert any(f"Published Social Beat Digital {later.isoformat()}" in plain(x.value) for x in at.success)
    reopened = lab()  # a reload: the version published is the last, shown unedited
    box = version_box(reopened, "socialbeat")
    assert box.options[box.index].startswith(f"{later.isoformat()} (published")
    said = " ".join(plain(m.value) for m in reopened.markdown)
    assert "against 2025-06-17, the version in force before it" in said
    table = " ".join(str(v) for t in reopened.table for v in plain_table(t.value).to_numpy().ravel())
    assert "quote-unchanged" in table and "still says '75% Refund" in table
    st.cache_data.clear()


def test_a_quote_under_a_version_published_with_words_and_rules_disagreeing_says_so(tmp_path, monkeypatch):
    """A walkthrough published discovery 65-75% despite the warning that its clause still said "75% Refund": the
    calculator and "Am I eligible?" then quoted $3,250.00 - $3,750.00 under that clause, with nothing said."""
    from store import PolicyStore, QuoteStore

    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'quotes.sqlite'}")
    st.cache_data.clear()
    versions = PolicyStore(QuoteStore.open(os.environ[ENV_URL]).engine)
    sb = policies()["socialbeat"]
    later = date.today() - timedelta(days=20)  # in force on the client's payment day, five days ago
    widened = edited(sb, Tables(tiers=[{**r, "min_pct": 65} if i == ROW else r for i, r in enumerate(tier_rows(sb))]),
                     version=later.isoformat(), effective_from=later)
    versions.publish(versions.save_draft(widened, source_text(sb), by=PAT), later, by=PAT)
    case = dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct="10")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(case, paid_on=(date.today() - timedelta(days=5)).isoformat())
    at.run()
    said = " ".join(plain(m.value) for m in at.markdown)
    assert "$3,250.00 - $3,750.00" in next(m.value for m in at.metric)
    assert "This version was published with its words and rules disagreeing here: tier sb_web_discovery's minimum " \
        "went from 75%" in said and "still says '75% Refund: If cancelled during initial consultations" in said
    at.switch_page("pages/3_Am_I_eligible.py").run()  # a client: what it means, without the rules' ids
    at.button(key="el_check").click().run()
    client = " ".join(plain(m.value) for m in at.markdown)
    assert "The policy's own words for this case state another refund than the one its rules give: ask the " \
        "provider which applies." in client and "sb_web_discovery" not in client
    before = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    before.query_params.update(case, paid_on=(later - timedelta(days=1)).isoformat())
    before.run()  # the version in force the day before: its words and rules agree
    assert "disagreeing" not in " ".join(plain(m.value) for m in before.markdown)
    st.cache_data.clear()


def discovery_at_60_published(tmp_path, monkeypatch, since: date, reading_kept: bool = False):
    """A fresh register where Social Beat's discovery went 75% -> 60%, its words following, published from `since`:
    (its PolicyStore, the version published). `reading_kept`: its author put A-SB-04's reading "the next phase's 75%"
    back as it was, and published despite the warning."""
    from store import PolicyStore, QuoteStore

    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'quotes.sqlite'}")
    st.cache_data.clear()
    versions = PolicyStore(QuoteStore.open(os.environ[ENV_URL]).engine)
    sb = policies()["socialbeat"]
    lowered = edited(sb, Tables(tiers=[{**r, "min_pct": 60, "max_pct": 60} if i == ROW else r
                                       for i, r in enumerate(tier_rows(sb))]), version=since.isoformat(), effective_from=since)
    reworded = words_follow(sb, lowered, source_text(sb))
    assert reworded is not None
    policy = reworded.policy
    if reading_kept:
        from tests.test_reworded import tier, with_tier
        (was,) = [r for r in tier(sb, "sb_web_pre_kickoff_gap").ambiguity.readings if "next phase" in r.label]

        def put_back(t):
            t["ambiguity"]["readings"] = [was.model_dump() if "next phase" in r["label"] else r
                                          for r in t["ambiguity"]["readings"]]
        policy = with_tier(policy, "sb_web_pre_kickoff_gap", put_back)
        listed = {a.id: a.readings for a in sb.ambiguities}
        policy = policy.model_copy(update={"ambiguities": tuple(
            a.model_copy(update={"readings": listed["A-SB-04"]}) if a.id == "A-SB-04" else a for a in policy.ambiguities)})
    return versions, versions.publish(versions.save_draft(policy, reworded.text, by=PAT), since, by=PAT)


def sb_website(**params) -> AppTest:
    """The calculator for a Social Beat website case, run afresh (nothing cached from the case before)."""
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(provider="socialbeat", service="website", **params)
    at.run()
    assert not at.exception
    return at


def test_a_disagreement_is_said_beside_the_quotes_of_the_tier_it_is_about_not_of_the_tier_it_is_measured_against(
        tmp_path, monkeypatch):
    """A walkthrough published discovery 75% -> 60% with its words following: a discovery quote of 60%, under a clause
    saying 60%, was told the words and rules disagreed, and a client to ask the provider, because the warning (the
    pre-kickoff gap's reading 'the next phase's 75%' still gives 75%) named the discovery tier it is measured against."""
    discovery_at_60_published(tmp_path, monkeypatch, date.today() - timedelta(days=20), reading_kept=True)

    def calculator(days_ago: int, **case) -> str:
        at = sb_website(amount_paid="5000", paid_on=(date.today() - timedelta(days=days_ago)).isoformat(), **case)
        return " ".join(plain(m.value) for m in at.markdown)

    discovery = calculator(5, completion_pct="10", work_started="true")
    assert "$3,000.00" in discovery and "disagreeing" not in discovery
    gap = calculator(10, completion_pct="0", work_started="false")  # past the 7 days, before any work
    assert "This version was published with its words and rules disagreeing here: A-SB-04's reading 'the next " \
        "phase's 75%' of tier sb_web_pre_kickoff_gap still gives 75%" in gap
    st.cache_data.clear()


def test_the_findings_table_shows_the_policys_words_as_text_not_markdown():
    at = lab()
    words = "Cancelled **early**: [50%](https://example.com)"
    at.session_state[key(at, "tiers")] = {"edited_rows": {ROW: {"label": words}}, "added_rows": [], "deleted_rows": []}
    at.run()
    findings = next(t.value for t in at.table if "Known as" in t.value)
    (said,) = [w for w in findings["What"] if "label" in w]
    assert md_escape(words) in said and words not in said  # st.table reads Markdown: bold and a link, as typed


def test_the_effective_date_says_why_tomorrow_is_offered():
    at = lab()
    box = at.date_input(key="lab_when")
    assert box.value == date.today() + timedelta(days=1)
    assert "Tomorrow is offered: a version from today would also answer for payments made today" in box.help


def test_a_link_to_a_payment_whose_version_was_withdrawn_says_so_beside_its_quote(tmp_path, monkeypatch):
    """A walkthrough gave a client a link quoting $6,000.00 under a version published that day, then withdrew it: the
    link opened on $7,500.00 under the version before, with nothing said (Saved quotes said it; the link did not)."""
    since = date.today() - timedelta(days=20)
    versions, published = discovery_at_60_published(tmp_path, monkeypatch, since)
    versions.withdraw(published.lab_id, "published by mistake", by=PAT)

    def calculator(paid_on: date) -> AppTest:
        return sb_website(amount_paid="10000", completion_pct="10", paid_on=paid_on.isoformat())

    after = calculator(date.today() - timedelta(days=5))
    assert next(m.value for m in after.metric if m.label == "Refund") == "$7,500.00"
    said = [plain(c.value) for c in after.caption if "withdrawn" in c.value]
    assert said == [f"Social Beat Digital version {since.isoformat()}, which applied to this payment, was withdrawn on "
                    f"{date.today():%d %b %Y}: this quote is under policy version 2025-06-17. Under the withdrawn "
                    "version this case got $6,000.00, not $7,500.00."]
    before = calculator(since - timedelta(days=1))  # a payment before its date: it never applied
    assert not [c for c in before.caption if "withdrawn" in c.value]
    design = sb_website(amount_paid="10000", completion_pct="40", paid_on=(date.today() - timedelta(days=5)).isoformat())
    assert [plain(c.value).rsplit(". ", 1)[-1] for c in design.caption if "withdrawn" in c.value] == [
        "Under the withdrawn version this case got the same amount."]  # its edit changed discovery only

    def client(**params: str) -> list[str]:  # "Am I eligible?" opened from a link with its answer shown
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params.update(provider="socialbeat", service="website", amount_paid="10000", answer="shown",
                               paid_on=(date.today() - timedelta(days=5)).isoformat(), **params)
        at.switch_page("pages/3_Am_I_eligible.py").run()
        assert not at.exception
        return [plain(c.value) for c in at.caption if "withdrawn" in c.value]

    assert client(completion_pct="10") == said  # a client's link says it as the calculator's does
    assert client(progress="unknown") == [  # an answer over every amount of progress: no one case's amount then
        f"Social Beat Digital version {since.isoformat()}, which applied to this payment, was withdrawn on "
        f"{date.today():%d %b %Y}: this answer is under policy version 2025-06-17."]
    for page in ("pages/1_Compare_providers.py", "pages/2_Policy_terms.py"):  # the pages of every provider's terms
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params.update(provider="socialbeat", service="website", amount_paid="10000",
                               paid_on=(date.today() - timedelta(days=5)).isoformat())
        at.switch_page(page).run()
        (versions,) = [plain(c.value) for c in at.caption if c.value.startswith("The versions in force")]
        assert versions.endswith(f"Social Beat Digital version {since.isoformat()}, which applied to such a payment, "
                                 f"was withdrawn on {date.today():%d %b %Y}: amounts given under it may differ from "
                                 "these."), page
    st.cache_data.clear()


def test_the_days_chart_of_a_payment_under_a_new_version_says_the_slider_moves_the_payment_across_it(tmp_path,
                                                                                                      monkeypatch):
    """A walkthrough read $6,000.00 flat to day 30 on the days chart of a payment today, under a version published
    that day, then $7,500.00 with the days slider at 5: the slider had moved the payment before the version's day."""
    since = date.today() - timedelta(days=3)
    discovery_at_60_published(tmp_path, monkeypatch, since)

    def notes(**case) -> list[str]:
        at = sb_website(amount_paid="10000", completion_pct="10", **case)
        return [plain(c.value) for c in at.caption if "The days chart follows" in plain(c.value)]

    assert notes(days_since_payment="0") == [
        f"The days chart follows a payment today ({date.today():%d %b %Y}) as the days since it pass: the days slider "
        f"moves the payment instead, and one made before {since:%d %b %Y} is quoted under policy version 2025-06-17, "
        "with its own amounts."]
    assert notes(days_since_payment="10") == []  # under the version before: coming_version says the new one
    assert notes(paid_on=date.today().isoformat()) == []  # dated: the slider moves the request day, as the chart does
    st.cache_data.clear()


def test_the_words_follow_in_one_click_from_beside_publish_too():
    """The button was a screen above the advice that pointed to it (a walkthrough): it is beside Publish as well."""
    at = edit_discovery(lab(), 60)
    at.button(key="lab_words_follow_here").click().run()
    assert not at.exception
    assert any("Your edit of Social Beat Digital 2025-06-17, with its words following" in plain(i.value) for i in at.info)
    assert SAYS in at.text_area(key=key(at, "text")).value
    assert not [b for b in at.button if b.key == "lab_words_follow_here"]  # nothing left to follow


def test_what_a_publish_did_is_said_on_every_run_while_its_version_is_shown_unedited():
    """A walkthrough edited a saved draft again and published it: the browser's grids sent their edits back after the
    publish, and that run said "Nothing to publish yet" instead of "Published ...", which had been said once only."""
    at = edit_discovery_as_written(lab())
    at.text_input(key="lab_by").input("Pat Author").run()
    at.button(key="lab_draft").click().run()
    number = at.text_input(key="lab_number").value
    at.session_state[key(at, "tiers", f"socialbeat_{number}")] = {"edited_rows": {ROW: {"min_pct": 59, "max_pct": 59}},
                                                          "added_rows": [], "deleted_rows": []}
    at.run()
    despite(at.button(key="lab_words_follow").click().run())
    at.button(key="lab_publish").click().run()
    published = f"Published Social Beat Digital {number} (draft #1) from "
    for _ in range(2):  # the run after the publish, and one more (the browser's grids send their edits back)
        assert [plain(x.value)[:len(published)] for x in at.success] == [published]
        assert "Published: nothing more to publish until you edit it again." in [plain(c.value) for c in at.caption]
        at.run()
    at.session_state[key(at, "tiers", f"socialbeat_{number}")] = {"edited_rows": {ROW: {"min_pct": 58, "max_pct": 58}},
                                                          "added_rows": [], "deleted_rows": []}
    at.run()
    assert not any(published in plain(x.value) for x in at.success)  # an edit since: about another version now


def test_an_effective_date_today_or_past_is_warned_about_beside_the_date():
    """A walkthrough chose 1 Dec on 7 Dec: the button read "Publish from 01 Dec 2026", and that this changes the
    quotes of every payment since was only in the date's help."""
    at = edit_discovery_as_written(lab())
    assert not [w for w in at.warning if "published from it" in w.value]  # tomorrow, as offered: nothing to say
    today = date.today()
    for day, since in ((today - timedelta(days=6), "6 days ago"), (today, "today")):
        at.date_input(key="lab_when").set_value(day).run()
        assert [plain(w.value) for w in at.warning if "published from it" in w.value] == [
            f"{day:%d %b %Y} is {since}: published from it, this version also answers for the payments made since "
            "then, whose quotes may have been given already under the version before."]


def changed(at: AppTest) -> str | None:
    """What the lab says the edit changes: "1 rule changed"; None where it says no rule changed."""
    said = [plain(m.value).strip("*") for m in at.markdown if re.search(r"\d+ rules? changed", plain(m.value))]
    return None if not said or said[0].startswith("0 ") else said[0]


def test_an_edit_is_where_the_author_left_it_after_a_visit_to_another_page():
    """A walkthrough made Discovery 70%, looked at Compare providers and came back: "0 rules changed", the cell back
    at 75%, and no word of it (Streamlit forgets a widget a page does not draw). The grids start from the edit."""
    at = lab()
    at.session_state[key(at, "tiers")] = {"edited_rows": {ROW: {"min_pct": 70}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert changed(at) == "1 rule changed"
    at.switch_page("pages/1_Compare_providers.py").run()
    assert key(at, "tiers") not in at.session_state  # as a browser's visit leaves it
    at.switch_page("pages/6_Policy_lab.py").run()
    assert not at.exception
    assert changed(at) == "1 rule changed"
    grid = dataframe_with(at, "min_pct")
    assert grid.iloc[ROW].min_pct == 70
    assert any("Your edit of Social Beat Digital 2025-06-17, as you left it on going to another page" in plain(i.value)
               for i in at.info)
    at.button(key="lab_reworded_undo").click().run()  # and it can be put back as the version is
    assert dataframe_with(at, "min_pct").iloc[ROW].min_pct == 75
    assert changed(at) is None
    at.switch_page("pages/1_Compare_providers.py").run()
    at.switch_page("pages/6_Policy_lab.py").run()  # nothing left to come back to
    assert not any("as you left it" in plain(i.value) for i in at.info)


def test_the_sample_clients_table_gives_a_bands_two_amounts_room():
    """A walkthrough read "$8,500.00 - $9,900" in the After column: the grid sized it by its header."""
    at = lab()
    at.session_state[key(at, "tiers")] = {"edited_rows": {ROW: {"min_pct": 70}}, "added_rows": [], "deleted_rows": []}
    at.run()
    table = next(d for d in at.dataframe if "After" in d.value.columns)
    columns = json.loads(table.proto.columns)
    assert columns["Before"]["width"] == columns["After"]["width"] == "medium"
    assert columns.get("Completion (%)", {}).get("width") is None  # sized by its header, whole, not "Completion ("


def test_the_page_loads_the_grids_cell_editors_of_the_streamlit_installed():
    """Their names are hashed per Streamlit release: after an upgrade that renamed them, the page would load nothing
    and a fast typist's first digits be lost again (tests/browser: a number typed over a cell)."""
    from ui.keyboard import CELL_EDITORS, SCRIPT, STATIC_JS
    assert any("number-overlay-editor" in path for path in CELL_EDITORS)
    assert any("data-grid-overlay-editor" in path for path in CELL_EDITORS)
    assert all((STATIC_JS.parent.parent / path).is_file() for path in CELL_EDITORS)
    assert "__CELL_EDITORS__" in SCRIPT  # where the page's script takes them


def test_a_fee_cap_edited_in_the_grid_is_warned_of_and_its_words_follow_in_one_click():
    """A walkthrough made the 7-day fee capped at $50: no finding, no button, the words left saying $100."""
    at = lab()
    row = next(i for i, r in enumerate(tier_rows(policies()["socialbeat"])) if r["tier"] == "sb_web_7d_fee")
    at.session_state[key(at, "tiers")] = {"edited_rows": {row: {"fee_cap": 50}}, "added_rows": [], "deleted_rows": []}
    at.run()
    findings = next(plain_table(t.value) for t in at.table if "Known as" in t.value)
    assert any(f.startswith("⚠️ warning: quote-unchanged") for f in findings["Finding"]), findings["Finding"].tolist()
    assert any("now reads \u201cProcessing Fee: 10% or $50 (whichever is less)" in plain(i.value) for i in at.info)
    at.button(key="lab_words_follow").click().run()
    assert not at.exception
    findings = [plain_table(t.value) for t in at.table if "Known as" in t.value]
    assert not [f for table in findings for f in table["Finding"] if "unchanged" in f]
