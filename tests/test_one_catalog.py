"""One catalog, one date, one answer (decisions.md 5 "one catalog, one date"): a fresh register gets a new
Step-Into version and a fourth provider, and every surface gives, for the same scenario, what quote() gives under
that register's catalog: calculator, Compare (table, overlay, heatmaps), Policy terms, Am I eligible?, client
documents, batch (engine and page), saved quotes, and the command line (in-process, python -m policy and the
installed refund-policy script).

Before: the Compare table quoted under the shipped files while its chart drew the register's version, a fourth
provider had charts but no table row, and the installed command quoted under the shipped files."""
import contextlib
import csv
import io
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Optional

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from policy import parse_scenario, quote
from policy import shipped_policies as policies
from policy.batch import run_batch
from policy.cli import main
from policy.client import request_email, summary_markdown
from policy.compare import decided_by
from policy.explain import named_version, plain_answer, refund_text, version_words
from policy.loader import load_policy, source_text
from policy.money import cents_int, format_usd
from policy.schema import PolicyFile
from policy.terms import stage_terms
from policy.versions import Basis
from store import PolicyStore, QuoteStore, published_catalog
from store.config import ENV_URL
from tests.actors import PAT, SAM
from tests.pages import ROOT, opened
from tests.shipped import half_floor, reworded
from ui.tables import SOFT_BREAK

ACME = ROOT / "tests" / "cases" / "lint"
IN_FORCE_FROM = date(2026, 6, 1)  # the new Step-Into version: in force on any day these tests run

# Step-Into's own example (issue 21): started, nothing delivered, within 7 days: $0 - paid becomes 50% - paid.
STARTED_UNDELIVERED = dict(provider="stepinto", service="ppc", amount_paid="10000", completion_pct="10",
                           work_started="true", deliverables_provided="false", days_since_payment="3")
SCENARIOS = {
    "new version (no payment date: today's)": STARTED_UNDELIVERED,
    "old version (paid before the new one)": {**STARTED_UNDELIVERED, "paid_on": "2026-05-20"},
    "fourth provider": dict(provider="acme", service="website", amount_paid="1000", completion_pct="10",
                            days_since_payment="3"),
}


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    """A fresh register with the new Step-Into version and Acme published; the app pointed at it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('one-catalog') / 'quotes.sqlite'}"
    store = QuoteStore.open(url)
    versions = PolicyStore(store.engine)
    shipped = policies()["stepinto"]
    versions.publish(versions.save_draft(half_floor(shipped, IN_FORCE_FROM), source_text(shipped), by=PAT),
                     IN_FORCE_FROM, by=PAT)
    acme = load_policy(ACME / "acme.toml")
    versions.publish(versions.save_draft(acme, (ACME / "acme.txt").read_text(encoding="utf-8"), by=PAT),
                     date(2026, 1, 1), by=PAT)
    before = os.environ.get(ENV_URL)
    os.environ[ENV_URL] = url
    yield url, store
    if before is None:
        os.environ.pop(ENV_URL, None)
    else:
        os.environ[ENV_URL] = before
    store.engine.dispose()


@pytest.fixture
def basis(register):
    """The register's catalog on today's date: what the app reads (it reads the clock once per run)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    return Basis(published_catalog(register[1].engine), date.today())


def expected(data: dict, basis: Basis):
    return quote(parse_scenario(data, basis), basis)


def test_the_register_changes_the_answer_so_every_check_below_can_fail(basis):
    shipped = Basis(Basis.of(policies().values(), date.today()).catalog, date.today())
    new, old = (expected(SCENARIOS[k], basis) for k in list(SCENARIOS)[:2])
    assert (new.refund_min, new.refund_max, new.policy_version) == ("5000.00", "10000.00", "2026-06-01")
    assert (old.refund_min, old.policy_version) == ("0.00", policies()["stepinto"].version)
    assert expected(STARTED_UNDELIVERED, shipped).refund_min == "0.00"
    assert "acme" in basis.policies() and "acme" not in shipped.policies()


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_calculator(name, basis):
    q = expected(SCENARIOS[name], basis)
    at = opened("app.py", **SCENARIOS[name])
    assert not at.exception
    assert [m.value for m in at.metric if m.label == "Refund"] == [refund_text(q)]
    assert list(at.selectbox(key="w_provider").options) == [p.name for p in basis.policies().values()]


def _chart_frames(element) -> list:
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    return [convert_arrow_bytes_to_pandas_df(d.data.data) for d in element.proto.datasets]


@pytest.mark.parametrize("name", SCENARIOS)
def test_compare_table_overlay_and_heatmaps(name, basis):
    data = SCENARIOS[name]
    at = opened("pages/1_Compare_providers.py", **data)
    assert not at.exception
    on = basis.policies(date.fromisoformat(data["paid_on"]) if "paid_on" in data else None)
    table = at.table[0].value.rename(index=lambda s: s.replace("\\", "").replace(SOFT_BREAK, ""))  # as read
    assert list(table.index) == [p.name for p in on.values()]  # every provider of the catalog has its row
    overlay = max(_chart_frames(at.get("vega_lite_chart")[0]), key=len)
    for pid, policy in on.items():
        q = expected({**data, "provider": pid}, basis)
        row = table.loc[policy.name]
        if q.verdict == "not_offered":
            assert row["Refund min"].replace("\\", "") == "Not offered"
            continue
        assert row["Refund min"].replace("\\", "") == format_usd(Decimal(q.refund_min))
        assert row["Refund max"].replace("\\", "") == format_usd(Decimal(q.refund_max))
        point = overlay[(overlay.provider == pid) & (overlay.completion_pct == float(data["completion_pct"]))]
        assert (int(point.refund_min_cents.iloc[0]), int(point.refund_max_cents.iloc[0])) == (
            cents_int(Decimal(q.refund_min)), cents_int(Decimal(q.refund_max))), pid  # the chart draws the table's band
    notes = [i for i in at.info if "does not offer this service" in i.value]
    assert len(at.get("vega_lite_chart")) + len(notes) == 1 + len(on) + 1  # a heatmap (or a note) per provider
    said = " ".join(m.value for m in at.markdown).replace("\\", "")
    for pid, policy in on.items():  # each provider's band traced to its clauses, under its name, as its quote cites
        q = expected({**data, "provider": pid}, basis)
        assert f"- **{policy.name}**" in said and all(line in said for line in decided_by(q)), pid


def test_policy_terms_has_a_column_for_every_provider(basis):
    at = opened("pages/2_Policy_terms.py", service="website")
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    for policy in basis.policies().values():
        assert policy.name in shown
        for stage in stage_terms(policy, "website"):  # its refunds stage by stage, the fourth provider's too
            assert f"**{stage.label}**" in shown and all(f"**{t.refund}**" in shown for t in stage.tiers)
    assert stage_terms(basis.policies()["acme"], "website")
    # Acme's file states its window in a rule and has no term entries: the page reads it from the rule
    assert "A request within 30 days of payment." in shown and "Ask for a refund within 30 days of payment." in shown


@pytest.mark.parametrize("name", ["new version (no payment date: today's)", "fourth provider"])
def test_am_i_eligible(name, basis):
    data = SCENARIOS[name]
    at = opened("pages/3_Am_I_eligible.py", **data)
    at.button(key="el_check").click().run()
    assert not at.exception
    paid_on = date.today() - timedelta(days=int(data["days_since_payment"]))  # the form asks for the day paid
    q = expected({**data, "paid_on": paid_on.isoformat()}, basis)
    headings = [m.value.replace("\\", "") for m in at.markdown if m.value.startswith("### ")]
    assert headings[0] == f"### {plain_answer(q)}" and refund_text(q) in plain_answer(q)


@pytest.mark.parametrize("name", SCENARIOS)
def test_client_documents_say_the_quote_under_its_own_version(name, basis):
    q = expected(SCENARIOS[name], basis)
    summary = summary_markdown(q, date.today())
    assert refund_text(q).replace("$", r"\$") in summary or refund_text(q) in summary
    assert q.policy is not None and q.policy.version == q.policy_version
    assert q.provider_name in request_email(q).text()


def _batch_csv() -> str:
    """The scenarios as batch rows: one with a payment date and days is a request that many days after the payment,
    which a row says with its request date (without one, its request is on the day of the run: decisions.md 5)."""
    rows = [{**data, "requested_on": (date.fromisoformat(data["paid_on"]) + timedelta(days=int(data["days_since_payment"])))
             .isoformat()} if "paid_on" in data else data for data in SCENARIOS.values()]
    names = sorted({k for data in rows for k in data})
    out = io.StringIO()
    w = csv.DictWriter(out, names)
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def test_the_batch_quotes_each_row_as_quote_does(basis):
    out = io.StringIO()
    run_batch(io.StringIO(_batch_csv()), out, basis)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    for row, data in zip(rows, SCENARIOS.values(), strict=True):
        q = expected(data, basis)
        assert (row["refund_min"], row["refund_max"], row["policy_version"], row["error"]) == (
            q.refund_min, q.refund_max, q.policy_version, "")


def test_the_batch_page_quotes_each_row_as_quote_does(basis):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/5_Batch_quotes.py").run()
    at.file_uploader(key="batch_file").upload("rows.csv", _batch_csv().encode(), "text/csv").run()
    at.button(key="batch_go").click().run()
    assert not at.exception
    rows = list(csv.DictReader(io.StringIO(at.session_state["batch_result"]["csv"].decode("utf-8-sig"))))
    assert [(r["refund_min"], r["refund_max"]) for r in rows] == [
        (q.refund_min, q.refund_max) for q in (expected(d, basis) for d in SCENARIOS.values())]


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_saved_quote_opens_as_given_and_today_under_the_same_catalog(name, basis, register):
    """As given first; beside it, where the answer differs, the same case asked today (a payment date's days
    run on to today) under the same catalog."""
    q = expected(SCENARIOS[name], basis)
    qid = register[1].save(q, client_name=name, by=SAM)
    at = opened("pages/4_Saved_quotes.py")
    at.selectbox(key="reg_pick").set_value(qid).run()
    assert not at.exception
    data = SCENARIOS[name]
    if "paid_on" in data:
        data = {**data, "days_since_payment": str((date.today() - date.fromisoformat(data["paid_on"])).days)}
    today = expected(data, basis)
    shown = [m.value for m in at.metric if m.label == "Refund"]
    assert shown == ([refund_text(q)] if refund_text(today) == refund_text(q) else [refund_text(q), refund_text(today)])


def _quote_json(data: dict, basis: Basis, monkeypatch, capsys) -> dict:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(data).encode())))
    assert main(["quote", "--json", "--as-of", basis.as_of.isoformat()], catalog=lambda: basis.catalog) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_command_line_in_process(name, basis, monkeypatch, capsys):
    q = expected(SCENARIOS[name], basis)
    got = _quote_json(SCENARIOS[name], basis, monkeypatch, capsys)
    assert (got["refund_min"], got["refund_max"], got["policy_version"]) == (q.refund_min, q.refund_max, q.policy_version)


def test_python_m_policy_and_the_installed_command_read_the_same_register(basis, register):
    """The installed refund-policy quoted under the shipped files: both now find the register through the entry
    point the store package declares (the project is installed editable by the README's commands)."""
    q = expected(STARTED_UNDELIVERED, basis)
    script = Path(sys.executable).with_name("refund-policy")
    commands = [[sys.executable, "-m", "policy"]] + ([[str(script)]] if script.exists() else [])
    assert script.exists(), "the project is installed (scripts/test.sh: pip install -e .)"
    for command in commands:
        done = subprocess.run([*command, "quote", "--json"], input=json.dumps(STARTED_UNDELIVERED), text=True,
                              capture_output=True, env={**os.environ, ENV_URL: register[0]}, timeout=60, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        got = json.loads(done.stdout)
        assert (got["refund_min"], got["refund_max"], got["policy_version"]) == ("5000.00", "10000.00",
                                                                               q.policy_version), command


@pytest.mark.parametrize("page, key", [("pages/3_Am_I_eligible.py", "el_provider"),
                                       ("pages/4_Saved_quotes.py", "reg_provider")])
def test_every_page_that_lists_providers_lists_every_provider_of_the_catalog(page, key, basis):
    at = opened(page)
    assert not at.exception
    box = at.selectbox(key=key)
    assert [o for o in box.options if o not in (None, "Any")] == [p.name for p in basis.policies().values()]


@pytest.mark.parametrize("paid_on, version", [(None, "2026-06-01"), ("2026-05-20", None)])
def test_policy_terms_shows_the_versions_of_the_scenarios_payment_date(basis, paid_on, version):
    at = opened("pages/2_Policy_terms.py", **({"paid_on": paid_on} if paid_on else {}))
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    expected = version or policies()["stepinto"].version  # before the new version: the shipped one
    assert version_words(expected) in shown  # named as every page names it
    assert (paid_on is None) == ("version 2026-06-01" in shown)


def test_the_calculator_names_the_version_that_answered(basis):
    at = opened("app.py", **STARTED_UNDELIVERED)
    assert "policy version 2026-06-01" in " ".join(m.value for m in at.markdown).replace("\\", "")


@contextlib.contextmanager
def published_from_tomorrow(tmp_path, monkeypatch, new: Optional[PolicyFile] = None, text: str = ""):
    """A register where an author published a Social Beat version from tomorrow (its terms as shipped, reworded,
    unless given), the pages reading it; yields tomorrow. Streamlit's caches are cleared around it."""
    shipped = policies()["socialbeat"]
    tomorrow = date.today() + timedelta(days=1)
    new = new or PolicyFile.model_validate({**shipped.model_dump(), "version": "next-terms", "effective_from": tomorrow})
    with published(tmp_path, monkeypatch, new, text or reworded(shipped, "next")):
        yield tomorrow


@contextlib.contextmanager
def published(tmp_path, monkeypatch, new: PolicyFile, text: str):
    """A register where an author published `new` from its effective date, the pages reading it; yields the
    register's engine. Streamlit's caches are cleared around it."""
    url = f"sqlite:///{tmp_path / 'quotes.sqlite'}"
    store = QuoteStore.open(url)
    versions = PolicyStore(store.engine)
    versions.publish(versions.save_draft(new, text, by=PAT), new.effective_from, by=PAT)
    monkeypatch.setenv(ENV_URL, url)
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        yield store.engine
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
        store.engine.dispose()


@pytest.mark.parametrize("page", ["pages/1_Compare_providers.py", "pages/2_Policy_terms.py"])
def test_a_version_published_from_tomorrow_is_said_as_coming_where_todays_are_named(page, tmp_path, monkeypatch):
    """An author published Social Beat's new terms from tomorrow; Compare and Policy terms named only today's."""
    with published_from_tomorrow(tmp_path, monkeypatch) as tomorrow:
        at = opened(page)
        assert not at.exception
        said = " ".join(c.value for c in at.caption).replace("\\", "")
        assert f"For later payments: Social Beat Digital version next-terms from {tomorrow:%d %b %Y}." in said
        assert f"Social Beat Digital version {policies()['socialbeat'].version}" in said  # today's, still in force


def test_the_calculator_says_its_providers_next_version_beside_a_quote_for_a_payment_today(tmp_path, monkeypatch):
    """Compare and Policy terms said "To come"; the calculator quoted today's terms without a word while a payment
    from tomorrow would get less (a walkthrough). A quote for a given payment date is that payment's: nothing said."""
    with published_from_tomorrow(tmp_path, monkeypatch) as tomorrow:
        said = " ".join(c.value for c in opened("app.py", provider="socialbeat").caption).replace("\\", "")
        assert (f"Social Beat Digital version next-terms applies to payments from {tomorrow:%d %b %Y}: this quote is "
                f"under policy version {policies()['socialbeat'].version}, for a payment today ({date.today():%d %b %Y}). A "
                "payment from that day on will be quoted under it.") in said
        other = " ".join(c.value for c in opened("app.py", provider="stepinto", service="ppc").caption)
        dated = " ".join(c.value for c in opened("app.py", provider="socialbeat",
                                                 paid_on=date.today().isoformat()).caption)
        assert "applies to payments from" not in other and "applies to payments from" not in dated


PAID_DAYS_AGO = {**STARTED_UNDELIVERED, "days_since_payment": "3"}  # a case given in days, not by its date


@pytest.mark.parametrize("days, newest", [("3", False), ("0", True)])
def test_a_case_given_in_days_follows_the_version_of_its_payment_day_on_every_surface(tmp_path, monkeypatch, capsys,
                                                                                       days, newest):
    """decisions.md 5 "one catalog, one date": a case asked today, paid 3 days ago, was paid before a version
    published from today, and follows the one before it; paid today, the new one. Twelve days after a payment was
    quoted under a version published from today, while the same payment given by its date was not (a walkthrough:
    the calculator and the batch gave one client two refunds)."""
    shipped = policies()["stepinto"]
    new = half_floor(shipped, date.today())
    data = {**PAID_DAYS_AGO, "days_since_payment": days}
    with published(tmp_path, monkeypatch, new, source_text(shipped)) as engine:
        basis = Basis(published_catalog(engine), date.today())
        q = expected(data, basis)
        dated = expected({**data, "paid_on": (date.today() - timedelta(days=int(days))).isoformat()}, basis)
        assert (q.policy_version, q.refund_min) == ((new.version, "5000.00") if newest else (shipped.version, "0.00"))
        assert (dated.policy_version, dated.refund_min) == (q.policy_version, q.refund_min)  # its date's quote
        out = io.StringIO()
        run_batch(io.StringIO(f"{','.join(data)}\n{','.join(data.values())}\n"), out, basis)
        row = next(csv.DictReader(io.StringIO(out.getvalue())))
        assert (row["policy_version"], row["refund_min"]) == (q.policy_version, q.refund_min)
        got = _quote_json(data, basis, monkeypatch, capsys)
        assert (got["policy_version"], got["refund_min"]) == (q.policy_version, q.refund_min)
        calculator = opened("app.py", **data)
        assert [m.value for m in calculator.metric if m.label == "Refund"] == [refund_text(q)]
        said = " ".join(c.value for c in calculator.caption).replace("\\", "")
        paid = date.today() - timedelta(days=3)
        # a version its provider never dated, named as every page names it ("version undated (as published)" beside
        # "the policy as the provider publishes it" named one version two ways, a walkthrough)
        assert (f"Step-Into version {new.version} applies to payments from {date.today():%d %b %Y}: this quote is "
                f"under the undated policy, as the provider publishes it, for a payment on {paid:%d %b %Y} (3 days before today). A payment made "
                f"from {date.today():%d %b %Y} on is quoted under it.") in said or newest
        compare = opened("pages/1_Compare_providers.py", **data)
        table = compare.table[0].value.rename(index=lambda s: s.replace("\\", "").replace(SOFT_BREAK, ""))
        assert table.loc["Step-Into", "Refund min"].replace("\\", "") == format_usd(Decimal(q.refund_min))
        terms = " ".join(c.value for c in opened("pages/2_Policy_terms.py", **data).caption).replace("\\", "")
        assert named_version("Step-Into", q.policy_version) in terms
        assert ("for a payment today" if newest else f"for a payment on {paid:%d %b %Y} (3 days before today)") in terms


def test_the_heatmaps_of_a_case_given_in_days_follow_its_payment_days_version_after_a_slider_move(tmp_path,
                                                                                                  monkeypatch):
    """The heatmaps span the days, so their cache key left the days out: a case moved from 0 days to 3 kept the
    maps of a payment today, under the version published from today, beside a table under the one before."""
    shipped = policies()["stepinto"]
    with published(tmp_path, monkeypatch, half_floor(shipped, date.today()), source_text(shipped)):
        at = opened("pages/1_Compare_providers.py", **{**PAID_DAYS_AGO, "days_since_payment": "0"})
        assert _least_on_the_map(at) == 500_000  # paid today: the new version's half at least
        at.slider(key="w_days_since_payment").set_value(3).run()
        assert not at.exception
        assert _least_on_the_map(at) == 0  # paid 3 days ago: the version before
        calculator = opened("app.py", **{**PAID_DAYS_AGO, "days_since_payment": "0"})  # its chart across the days
        assert _least_on_day_3(calculator) == 500_000
        calculator.slider(key="w_days_since_payment").set_value(3).run()
        assert _least_on_day_3(calculator) == 0


def _least_on_day_3(at) -> int:
    """The least refund on day 3, as the calculator's chart against the days draws it."""
    frames = [f for chart in at.get("vega_lite_chart") for f in _chart_frames(chart)
              if "days_since_payment" in f.columns and "refund_min_cents" in f.columns]
    every_day = max(frames, key=len)  # beside it, the chart's few points where the band steps
    return int(every_day[every_day.days_since_payment == 3].refund_min_cents.iloc[0])


def _least_on_the_map(at) -> int:
    """Step-Into's least refund at 10% and 3 days, as its heatmap draws it."""
    for chart in at.get("vega_lite_chart"):
        for frame in _chart_frames(chart):
            if {"provider", "completion_pct", "days_since_payment"} <= set(frame.columns):
                cell = frame[(frame.provider == "stepinto") & (frame.completion_pct == 10)
                             & (frame.days_since_payment == 3)]
                if len(cell):
                    return int(cell.refund_min_cents.iloc[0])
    raise AssertionError("no heatmap of Step-Into")


def test_policy_terms_show_each_stages_refund_from_the_rules_so_a_new_versions_change_is_seen(tmp_path, monkeypatch):
    """The terms matrix had no row for refunds once work has started: a version that cut Social Beat's discovery
    refund from 75% to 60% read word for word as the one before (a walkthrough)."""
    shipped = policies()["socialbeat"]
    old, new_words = "75% Refund: If cancelled during initial consultations and planning", "60% Refund: If cancelled during initial consultations and planning"
    raw = json.loads(json.dumps(json.loads(shipped.model_dump_json())).replace(old, new_words))
    for stage in raw["services"]["website"]["stages"]:
        for tier in stage["tiers"]:
            if "initial consultations" in tier["label"]:
                tier["min"]["pct"] = tier["max"]["pct"] = "60"
                tier["label"] = tier["label"].replace("75%", "60%")
    sixty = PolicyFile.model_validate({**raw, "version": "sixty", "effective_from": date.today() + timedelta(days=1)})

    def discovery(at: AppTest) -> str:
        said = [m.value.replace("\\", "") for m in at.markdown]
        start = said.index("**Discovery & planning (0-25% complete)**")
        return " ".join(said[start:start + 3])

    with published_from_tomorrow(tmp_path, monkeypatch, sixty, source_text(shipped).replace(old, new_words)) as tomorrow:
        today = opened("pages/2_Policy_terms.py", service="website")
        assert not today.exception
        assert "**75% of the base**" in discovery(today) and f"> {old}" in discovery(today)
        later = opened("pages/2_Policy_terms.py", service="website", paid_on=tomorrow.isoformat())
        assert "**60% of the base**" in discovery(later) and f"> {new_words}" in discovery(later)
        assert any(m.value.replace("\\", "").startswith(":gray[Does not sell website design") for m in later.markdown)
