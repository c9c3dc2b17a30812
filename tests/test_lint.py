"""The linter: one broken copy of a clean policy per finding it knows, through `python -m policy lint`, and the
shipped policies' known contradictions reported by their ambiguity ids."""
import json
import shutil
import time
import tomllib
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
import tomli_w
from in_process import Ran, run_cli

from policy import shipped_policies as policies
from policy.lint import CODES, STATED_REFUND, lint_against, lint_policy, stated_refunds
from policy.loader import source_text
from policy.periods import restated, stated_days, stating
from policy.schema import PolicyFile
from policy.words import clipped

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "tests" / "cases" / "lint" / "acme.toml"


def lint(*args: str) -> Ran:
    return run_cli(["lint", *args])  # python -m policy lint, in this process


def tiers(data: dict, stage: int = 0) -> list:
    return data["services"]["website"]["stages"][stage]["tiers"]


def _gap(d):
    d["services"]["website"]["stages"][1]["completion_above"] = 60


def _overlap(d):
    d["services"]["website"]["stages"][1].pop("completion_above")
    d["services"]["website"]["stages"][1]["completion_from"] = 40


def _threshold(d):
    tiers(d, 1)[0].update(min={"pct": 10}, max={"pct": 10})
    tiers(d, 1)[0]["clauses"][0] = {"section": "3", "quote": "No refund once work exceeds 50% of the project."}


def _rising(d):
    tiers(d, 1)[0].update(min={"pct": 80}, max={"pct": 80})


def _shadowed(d):
    tiers(d).insert(1, {**tiers(d)[0], "id": "early_3d", "when": {"days_max": 3}})


def _window(d):
    tiers(d)[0]["when"] = {"days_max": 45}


def _fee(d):
    tiers(d)[1]["max"] = {"pct": 50, "less_fee": {"pct": 60, "cap": 100}}


def _excluded(d):
    d["deductions"][0]["clauses"][0]["quote"] = "Not refundable: third-party costs such as hosting and ad spend."
    tiers(d, 1)[0]["max"] = {"of": "unused_ad_spend"}


def _no_citation(d):
    tiers(d)[1]["clauses"][0]["section"] = ""


def _not_verbatim(d):
    tiers(d)[0]["clauses"][0]["quote"] = "A full refund within 14 days of payment."


def _ambiguity_missing(d):
    tiers(d)[1]["clauses"][0]["decision"] = "A-AC-99"


def _ambiguity_unused(d):
    tiers(d)[1]["clauses"][0].pop("decision")
    tiers(d)[1]["clauses"][0]["reading"] = "as_written"


def _stated(d):
    tiers(d)[1]["min"]["pct"] = tiers(d)[1]["max"]["pct"] = 40  # its clause still says "A 50% refund"


def _label(d):
    tiers(d)[1]["label"] = "After 7 days: 75%"  # the tier gives half


def _days(d):
    tiers(d)[0]["when"] = {"days_max": 10}  # its clause still says "within 7 days of payment"


def _label_days(d):
    tiers(d)[0]["label"] = "Within 14 days: full refund"  # the tier runs to day 7


def _window_days(d):
    d["window"]["days"] = 20  # its clause still says "within 30 days of payment"


def _schema(d):
    d["window"]["days"] = "thirty"


def _reading_outside(d):  # the half after 7 days read as 'half of what is left': 50% of the base is its tier's,
    tiers(d)[1]["ambiguity"] = {"id": "A-AC-01", "readings": [  # but the other reading gives 60%
        {"label": "half the amount paid", "amount": {"pct": 50}}, {"label": "more than half", "amount": {"pct": 60}}]}


def _client_words_missing(d):  # an ambiguity that moves a tier, without the words a client reads
    tiers(d)[1]["ambiguity"] = {"id": "A-AC-01", "readings": [
        {"label": "half the amount paid", "amount": {"pct": 50}}, {"label": "half, read again", "amount": {"pct": 50}}]}


def _reading_label(d):  # a reading whose words say no refund, its amount half (within the tier's band)
    tiers(d)[1]["ambiguity"] = {"id": "A-AC-01", "readings": [
        {"label": "half the amount paid", "amount": {"pct": 50}}, {"label": "'and' intended: no refund",
                                                                   "amount": {"pct": 50}}]}


def _other_provider(d):  # a file copied from Step-Into's, its id and name changed, its words not
    d["contact"]["how_to_request"] = "Write to Step-Into's support email with your invoice."


def _explains_unmatched(d):
    d["ambiguities"][0]["explains"] = ["band-gap:website:10-20%"]


BREAKS = {  # finding -> how a copy of the clean file is broken to show it
    "band-gap": _gap, "band-overlap": _overlap, "threshold-vs-band": _threshold, "rising-refund": _rising,
    "shadowed-tier": _shadowed, "window-vs-clock": _window, "fee-exceeds-refund": _fee,
    "refund-of-excluded": _excluded, "missing-citation": _no_citation, "quote-not-in-text": _not_verbatim,
    "ambiguity-missing": _ambiguity_missing, "ambiguity-unused": _ambiguity_unused, "schema": _schema,
    "quote-vs-amount": _stated, "label-vs-amount": _label, "reading-outside-band": _reading_outside, "explains-unmatched": _explains_unmatched,
    "client-words-missing": _client_words_missing, "reading-label-vs-amount": _reading_label,
    "quote-vs-days": _days, "label-vs-days": _label_days, "window-vs-days": _window_days,
    "other-provider-named": _other_provider,
}
AGAINST_PREVIOUS = {"reading-unchanged", "quote-unchanged", "quote-restated", "label-unchanged"}  # found only against the version before (lint_against): EDITS shows them


def test_every_finding_the_linter_knows_has_a_broken_file():
    assert set(BREAKS) | AGAINST_PREVIOUS == set(CODES)
    assert {e["expect"][0]["code"] for e in EDITS if e.get("against_previous")} >= AGAINST_PREVIOUS


def test_the_clean_file_lints_clean():
    r = lint(str(CLEAN), "--all")
    assert r.returncode == 0 and "0 error(s), 0 warning(s), 0 note(s)" in r.stdout


def broken(tmp_path: Path, code: str) -> Path:
    data = tomllib.loads(CLEAN.read_text())
    BREAKS[code](data)
    path = tmp_path / f"acme-{code}.toml"
    path.write_text(tomli_w.dumps(data))
    shutil.copy(CLEAN.with_name("acme.txt"), tmp_path / "acme.txt")  # the text beside the file
    return path


@pytest.mark.parametrize("code", list(BREAKS))
def test_a_broken_file_gets_its_finding_with_the_rules_and_the_exit_status_of_its_severity(tmp_path, code):
    r = lint(str(broken(tmp_path, code)), "--json")
    (report,) = json.loads(r.stdout)
    found = [f for f in report["findings"] if f["code"] == code]
    assert found, report["findings"]
    assert all(f["rules"] and f["message"] for f in found) and found[0]["severity"] == CODES[code][0]
    assert r.returncode == (1 if any(f["severity"] == "error" for f in report["findings"]) else 0)
    assert r.returncode == (1 if CODES[code][0] == "error" else 0)


def test_text_output_names_the_file_the_severity_and_the_code(tmp_path):
    path = broken(tmp_path, "shadowed-tier")
    r = lint(str(path))
    assert r.returncode == 1
    assert f"{path}: error: shadowed-tier: tier early_3d never applies: early_7d comes first" in r.stdout


def test_a_file_that_cannot_be_read_exits_2_with_one_line(tmp_path):
    (tmp_path / "bad.toml").write_text("id = [unclosed")
    for target in (tmp_path / "missing.toml", tmp_path / "bad.toml"):
        r = lint(str(target))
        assert r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_the_shipped_policies_report_the_known_contradictions_by_their_ambiguity_ids():
    findings = {pid: lint_policy(p, source_text(p)) for pid, p in policies().items()}
    assert not [f for fs in findings.values() for f in fs if f.code == "client-words-missing"]  # a client reads none
    sb = {(f.code, f.ambiguity) for f in findings["socialbeat"]}
    assert {("threshold-vs-band", "A-SB-02"), ("band-gap", "A-SB-03"), ("refund-of-excluded", "A-SB-09")} <= sb
    assert not [f for fs in findings.values() for f in fs if f.severity == "error"]  # every one is documented
    assert not [f for fs in findings.values() for f in fs if f.code == "explains-unmatched"]  # and names one
    r = lint()
    assert r.returncode == 0 and "[known: A-SB-02]" in r.stdout
    said = {f.message for f in findings["socialbeat"]}  # read as an author reads the policy, not as the file says it
    assert "Website design & development: on day 10 the refund rises from 0-99% of the payment at 0% done to 75% at 1% done" in said
    assert any("refunds ad spend, which section 4 lists as non-refundable" in m for m in said)
    assert any("both hold from 26% to under 51% once the work has started" in m for m in said)


def test_an_overlap_names_the_whole_span_two_stages_share_not_its_first_point():
    """'stages discovery and design_concepts both hold 20%' of a 20-25% overlap read as one point (a walkthrough)."""
    sb = policies()["socialbeat"]
    data = sb.model_dump()
    next(s for s in data["services"]["website"]["stages"] if s["id"] == "design_concepts")["completion_from"] = 20
    found = [f.message for f in lint_against(None, type(sb).model_validate(data), None) if f.code == "band-overlap"]
    assert ("Website design & development: stages discovery and design_concepts both hold from 20% to under 26% once "
            "the work has started; the quote is the span of both") in found


EDITS = tomllib.loads((ROOT / "tests" / "cases" / "lint" / "edits.toml").read_text())["edit"]


def _set(target: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


def apply(edit: dict) -> tuple[PolicyFile, str]:
    """A shipped policy with an edit of edits.toml made, and its text with the edit's words replaced."""
    shipped = policies()[edit["provider"]]
    data = json.loads(shipped.model_dump_json())  # plain lists and dicts, as a file has them
    if "ambiguity" in edit:
        target = next(a for a in data["ambiguities"] if a["id"] == edit["ambiguity"])
    else:
        stages = data["services"][edit["service"]]["stages"]
        target = next(t for st in stages for t in st["tiers"] if t["id"] == edit["tier"])
    for path, value in edit["set"].items():
        _set(target, path, value)
    text = source_text(shipped)
    if "text" in edit:
        old, new = edit["text"]
        assert old in text
        text = text.replace(old, new)
    return PolicyFile.model_validate(data), text


@pytest.mark.parametrize("edit", EDITS, ids=[e["name"] for e in EDITS])
def test_an_edit_of_a_shipped_policy_gets_its_finding_by_its_exact_key(edit):
    policy, text = apply(edit)
    previous = policies()[edit["provider"]] if edit.get("against_previous") else None
    found = lint_against(previous, policy, text)
    for want in edit["expect"]:
        hits = [f for f in found if f.code == want["code"] and f.key == want.get("key", f.key)]
        assert hits, (want, [(f.code, f.key) for f in found if f.severity != "info"])
        assert hits[0].severity == want["severity"], hits[0]
    assert not [f for f in found if f.code in edit.get("absent", ())]
    assert all(f.message and f.rules for f in found)


def test_the_same_edit_is_clean_of_its_finding_before_it_is_made():
    """Each case's finding is the edit's: the shipped version has none of those findings at their severity (so
    each case can fail)."""
    for edit in EDITS:
        shipped = policies()[edit["provider"]]
        before = {(f.key, f.severity) for f in lint_against(shipped, shipped, source_text(shipped))}
        made = {(w["key"], w["severity"]) for w in edit["expect"] if w["severity"] == "error" or w["code"] in AGAINST_PREVIOUS}
        assert made and not made & before, edit["name"]


def test_a_finding_is_known_only_by_its_exact_key():
    sb = policies()["socialbeat"]
    found = lint_policy(sb, source_text(sb))
    known = {f.key: f.ambiguity for f in found if f.ambiguity}
    explained = {e: a.id for a in sb.ambiguities for e in a.explains}
    assert known == explained  # every explains entry names one finding, and nothing else is known
    assert "rising-refund:website:day 10, 0% -> 1% done" in known
    assert not [f for f in found if f.code == "explains-unmatched"]


def test_the_command_line_gives_an_unknown_findings_key_to_copy_into_explains(tmp_path):
    r = lint(str(broken(tmp_path, "rising-refund")))
    assert r.returncode == 1 and "[key: rising-refund:website:day 10, 50% -> 51% done]" in r.stdout
    r = lint(str(broken(tmp_path, "rising-refund")), "--json")
    (report,) = json.loads(r.stdout)
    assert "rising-refund:website:day 10, 50% -> 51% done" in {f["key"] for f in report["findings"]}


def test_a_version_lints_fast_enough_to_lint_on_every_rerun_of_the_lab():
    sb = policies()["socialbeat"]
    started = time.perf_counter()
    lint_against(sb, sb, source_text(sb))
    assert time.perf_counter() - started < 2.0


def test_a_tier_whose_minimum_is_above_its_maximum_is_a_schema_error(tmp_path):
    path = broken(tmp_path, "schema")
    data = tomllib.loads(CLEAN.read_text())
    tier = tiers(data)[0]
    tier["min"]["pct"], tier["max"]["pct"] = 60, 55
    path.write_text(tomli_w.dumps(data))
    r = lint(str(path), "--json")
    (report,) = json.loads(r.stdout)
    assert r.returncode == 1
    assert any(f["code"] == "schema" and "max: is 55% of base, below the minimum's 60%" in f["message"] for f in report["findings"])


@pytest.mark.parametrize("words, days", [("within 48 hours of payment", {2}), ("within 7 days", {7}),
                                         ("within 1 day", {1}), ("within 36 hours", set()),
                                         ("Within 24 Hours, or within 30 days", {1, 30}), ("after 7 days", set())])
def test_the_time_limits_words_state_are_read_in_whole_days(words, days):
    assert stated_days(words) == days


@pytest.mark.parametrize("words, last_day, becomes, now", [
    ("100% within 48 hours of payment", 2, 3, "100% within 72 hours of payment"),
    ("within 7 days, or within 48 hours", 7, 10, "within 10 days, or within 48 hours"),
    ("Within 2 Days", 2, 1, "Within 1 day"),  # its case kept: a label begins with it
    ("within 36 hours", 1, 2, "within 36 hours"),  # no whole day: not this tier's limit
    ("within 70 days", 7, 8, "within 70 days"),
])
def test_a_changed_last_day_rewrites_only_the_limit_that_stated_it(words, last_day, becomes, now):
    assert stating(last_day).sub(partial(restated, days=becomes), words, count=1) == now


def _step_into_full_refund_at(pct: int) -> PolicyFile:
    si = policies()["stepinto"]
    data = si.model_dump()
    for stage in data["services"]["ppc"]["stages"]:
        for tier in stage["tiers"]:
            if tier["id"] == "si_full_window":
                tier["min"]["pct"] = tier["max"]["pct"] = pct
    return type(si).model_validate(data)


def test_a_full_refund_in_words_is_100_percent_for_the_tier_it_is_of():
    """A walkthrough cut Step-Into's 7-day full refund to 90%: its clause says "you may request a full refund within 7
    days of purchase" and its label "full refund", and the lab found nothing and offered to publish it."""
    found = {(f.code, f.severity) for f in lint_policy(_step_into_full_refund_at(90), source_text(policies()["stepinto"]))
             if "si_full_window" in f.message}
    assert {("quote-vs-amount", "error"), ("label-vs-amount", "warning")} <= found
    # at 100% it is clean, and the tier after the window, which cites the same words for why it gives nothing, too
    assert not [f for f in lint_policy(policies()["stepinto"], source_text(policies()["stepinto"]))
                if f.code in ("quote-vs-amount", "label-vs-amount")]


@pytest.mark.parametrize("words, states_full", [
    ("you may request a full refund within 7 days of purchase", True),
    ("Within 7 days, not started: full refund", True),
    ("A FULL REFUND is given", True),
    ("a partial or full refund may be granted", False),  # either: no one percent
    ("no full refunds will be issued", False),
    ("partial refunds may apply (less than the full refund)", False),
    ("a full refund within 3 days of purchase", False),  # a time the 7-day tier runs past: another tier's words
])
def test_which_words_state_a_full_refund(words, states_full):
    tier = next(t for s in policies()["stepinto"].services["ppc"].stages for t in s.tiers if t.id == "si_full_window")
    assert (Decimal(100) in stated_refunds(words, STATED_REFUND, tier)) is states_full


@pytest.mark.parametrize("text, limit, shown", [
    ("Review Period: We will acknowledge receipt within 48 hours and review your request within 5 business days", 80,
     "Review Period: We will acknowledge receipt within 48 hours and review your…"),
    ("short enough", 80, "short enough"),
    ("one two three", 8, "one two…"),
    ("one two, three", 9, "one two…"),
    ("x" * 100, 10, "x" * 9 + "…"),  # one word longer than the limit: cut inside it
])
def test_a_long_text_is_cut_at_a_words_end_and_says_so(text, limit, shown):
    assert clipped(text, limit) == shown and len(shown) <= limit


def test_a_quote_missing_from_the_text_is_named_in_whole_words():
    """A walkthrough changed a sentence of the text and read "'... and review your reque' is not in the policy text"."""
    sb = policies()["socialbeat"]
    text = source_text(sb).replace("within 5 business days", "within 3 business days")
    said = [f.message for f in lint_policy(sb, text) if f.code == "quote-not-in-text"]
    assert said and not [m for m in said if "reque'" in m]
    assert "Review Period: We will acknowledge receipt within 48 hours and review your…' is not in the policy text" \
        in " ".join(said)


def test_a_fee_cap_changed_warns_of_the_clause_and_the_reading_left_stating_the_old_cap():
    """A walkthrough made Social Beat's 7-day fee capped at $50 (from $100): the linter said nothing, and the published
    calculator quoted $9,000.00 - $9,950.00 beside "10% or $100 (whichever is less)" and reading A's "$9,900.00"."""
    from tests.test_reworded import with_tier
    before = policies()["socialbeat"]
    edit = with_tier(before, "sb_web_7d_fee", lambda t: t["max"]["less_fee"].update(cap=Decimal("50")))
    found = {(f.code, f.about) for f in lint_against(before, edit, source_text(before))}
    assert ("quote-unchanged", "sb_web_7d_fee, max") in found  # 'Processing Fee: 10% or $100 ...'
    assert ("reading-unchanged", "sb_web_7d_fee, A: the fee is the 10% held back, capped at $100") in found
    untouched = {(f.code, f.about) for f in lint_against(before, before, source_text(before))}
    assert not {code for code, _ in untouched} & {"quote-unchanged", "reading-unchanged", "quote-restated"}


def test_a_clause_restated_away_from_the_unchanged_end_it_decides_is_warned_of():
    """Discovery's 75% made 60-75% with its one clause made to say "60% Refund" (by hand, or by an older "Change the
    words to match"): the 75% a client is quoted is left without words."""
    from tests.test_reworded import with_tier
    before = policies()["socialbeat"]
    text = source_text(before)
    old_quote = "75% Refund: If cancelled during initial consultations and planning"
    new_quote = old_quote.replace("75%", "60%")

    def band(t):
        t["min"]["pct"] = Decimal("60")
        for c in t["clauses"]:
            c["quote"] = c["quote"].replace(old_quote, new_quote)
    edit = with_tier(before, "sb_web_discovery", band)
    found = [f for f in lint_against(before, edit, text.replace(old_quote, new_quote)) if f.code == "quote-restated"]
    assert [f.about for f in found] == ["sb_web_discovery, max"]
    assert f"now says '{new_quote}'" in found[0].message and "stays 75% of the base" in found[0].message


def test_a_fourth_provider_made_from_anothers_file_is_warned_of_each_of_its_words_naming_them():
    """A walkthrough downloaded Step-Into's version, changed its id and name to Acme Ads, and published it: its clients
    were told to "Write to Step-Into's support email" and of refunds "at Step-Into's discretion", without a finding."""
    shipped = policies()
    others = {pid: p.name for pid, p in shipped.items()}
    acme = shipped["stepinto"].model_copy(update={"id": "acmeads", "name": "Acme Ads"})
    found = [f for f in lint_against(None, acme, None, others) if f.code == "other-provider-named"]
    assert {f.about for f in found} >= {"contact.how_to_request, Step-Into", "exceptions.0.label, Step-Into"}
    assert all(f.severity == "warning" and "say Acme Ads" in f.message for f in found)
    assert not [f.about for f in found if f.about.split(".")[0] in ("text", "source")]  # the provider's own text may
    for policy in shipped.values():  # each shipped policy names only itself
        assert not [f for f in lint_against(None, policy, source_text(policy), others) if f.code == "other-provider-named"]


def test_a_reading_whose_words_alone_were_changed_is_still_left_as_it_was():
    """A walkthrough made the 7-day fee capped at $50 and, as advised, changed reading A's words to "capped at $50":
    the warning went away, and the reading still gave the $100 cap."""
    from tests.test_reworded import with_tier

    def cap(t):
        t["max"]["less_fee"]["cap"] = Decimal("50")
        t["ambiguity"]["readings"][0]["label"] = "A: the fee is the 10% held back, capped at $50"
    before = policies()["socialbeat"]
    found = [f.about for f in lint_against(before, with_tier(before, "sb_web_7d_fee", cap), source_text(before))
             if f.code == "reading-unchanged"]
    assert found == ["sb_web_7d_fee, A: the fee is the 10% held back, capped at $50"]
