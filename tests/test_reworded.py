"""An edited tier percent carried into its words (policy/reworded.py): the lab refused a percent changed alone until
its label, its quote and the policy text were changed by hand (a walkthrough edited the TOML instead)."""
from decimal import Decimal

import pytest

from policy import shipped_policies as policies
from policy.lint import errors, lint_against
from policy.loader import source_text
from policy.reworded import _stating, words_follow
from policy.schema import PolicyFile

OLD_QUOTE = "50% Refund: If cancelled after initial design concepts are presented"


def with_tier(policy: PolicyFile, tier_id: str, change) -> PolicyFile:
    """The policy with `change` made to one tier's data."""
    data = policy.model_dump()
    for service in data["services"].values():
        for stage in service["stages"]:
            for tier in stage["tiers"]:
                if tier["id"] == tier_id:
                    change(tier)
    return PolicyFile.model_validate(data)


def with_percent(policy: PolicyFile, tier_id: str, pct: str) -> PolicyFile:
    def one_percent(tier):
        tier["min"]["pct"] = tier["max"]["pct"] = Decimal(pct)
    return with_tier(policy, tier_id, one_percent)


def tier(policy: PolicyFile, tier_id: str):
    return next(t for s in policy.services.values() for st in s.stages for t in st.tiers if t.id == tier_id)


def test_a_percent_changed_alone_is_refused_and_its_words_made_to_follow_pass_the_linter():
    before = policies()["socialbeat"]
    text = source_text(before)
    edit = with_percent(before, "sb_web_design_concepts", "40")
    refused = {f.code for f in errors(lint_against(before, edit, text))}
    assert "quote-vs-amount" in refused  # as it is today: the words still say 50%
    done = words_follow(before, edit, text)
    assert done is not None
    changed = tier(done.policy, "sb_web_design_concepts")
    assert changed.label == "Cancelled after initial design concepts are presented: 40%"
    new_quote = "40% Refund: If cancelled after initial design concepts are presented"
    assert [c.quote for c in changed.clauses if c.role != "context"] == [new_quote]
    assert new_quote in done.text and OLD_QUOTE not in done.text
    assert done.text.replace(new_quote, OLD_QUOTE) == text  # nothing else of the text moved
    assert not errors(lint_against(before, done.policy, done.text))
    assert (changed.min.pct, changed.max.pct) == (Decimal(40), Decimal(40))  # the amounts are the edit's
    assert done.changes == (
        "tier sb_web_design_concepts's label now says 40%",
        "ambiguity A-SB-10's summary now reads \u201c3.1(b)-(c) and \u00a74 keep back design work, mockups and content "
        "already created or delivered; deducted on top of '40% Refund' they could wipe the percent out.\u201d",
        f"\u201c{OLD_QUOTE}\u201d now reads \u201c{new_quote}\u201d in the policy text too")
    assert done.summary().startswith("3 changes of the words: tier sb_web_design_concepts's label")


def test_nothing_to_follow_where_no_percent_changed_or_no_word_states_it():
    before = policies()["socialbeat"]
    assert words_follow(before, before, source_text(before)) is None
    # a tier whose band is a range (nothing to 100% less a 10% fee) is not one plain percent: its words are left
    band = tier(before, "sb_web_pre_kickoff_gap")
    assert band.min != band.max
    widened = with_tier(before, band.id, lambda t: t["max"].update(pct=Decimal(90)))
    assert words_follow(before, widened, source_text(before)) is None


def tier_list(policy: PolicyFile):
    return [t for s in policy.services.values() for st in s.stages for t in st.tiers]


def test_a_quote_not_in_the_text_is_changed_in_the_policy_and_said_to_be_missing_from_the_text():
    before = policies()["socialbeat"]
    done = words_follow(before, with_percent(before, "sb_web_design_concepts", "45"), "another text")
    assert done is not None and done.text == "another text"
    assert done.changes[-1].endswith("(not found in the policy text: change it there by hand)")


@pytest.mark.parametrize("words, found", [("50% Refund", True), ("150% of it", False), ("50.5% back", False),
                                          ("a 50%", True), ("250%", False)])
def test_the_old_percent_is_matched_only_as_a_number_of_its_own(words, found):
    assert bool(_stating(Decimal(50)).search(words)) is found


# what the words of an edit can contradict; the edit's own rules may still break others (a rising refund)
WORDS_FINDINGS = {"quote-vs-days", "label-vs-days", "quote-vs-amount", "label-vs-amount", "quote-not-in-text"}


def with_last_day(policy: PolicyFile, tier_id: str, day: int) -> PolicyFile:
    return with_tier(policy, tier_id, lambda tier: tier["when"].update(days_max=day))


@pytest.mark.parametrize("provider, tier_id, day, old, new", [
    ("socialbeat", "sb_web_48h", 3, "within 48 hours of payment", "within 72 hours of payment"),
    ("socialbeat", "sb_web_7d_fee", 10, "within 7 days of payment", "within 10 days of payment"),
    ("socialbeat", "sb_web_7d_fee", 5, "within 7 days of payment", "within 5 days of payment"),
    ("socialbeat", "sb_web_48h", 1, "within 48 hours of payment", "within 24 hours of payment"),
])
def test_a_last_day_changed_alone_is_refused_and_its_words_made_to_follow_pass_the_linter(provider, tier_id, day,
                                                                                           old, new):
    """A walkthrough made the 48-hour full refund run to day 3 and published it: the calculator said "ask by day 3"
    under a quote of 48 hours."""
    before = policies()[provider]
    text = source_text(before)
    edit = with_last_day(before, tier_id, day)
    assert "quote-vs-days" in {f.code for f in errors(lint_against(before, edit, text))}
    done = words_follow(before, edit, text)
    assert done is not None
    changed = tier(done.policy, tier_id)
    assert [c.quote for c in changed.clauses if "within" in c.quote] == \
        [c.quote.replace(old, new) for c in tier(before, tier_id).clauses if "within" in c.quote]
    assert new in done.text and old not in changed.label
    assert not {f.code for f in lint_against(before, done.policy, done.text)} & WORDS_FINDINGS
    assert changed.when.days_max == day and changed.min == tier(before, tier_id).min  # the rules are the edit's
    summary = done.policy.terms["refund_before_work"].summary  # Policy terms said 48 hours beside day 3
    assert summary == before.terms["refund_before_work"].summary.replace(old.removesuffix(" of payment"),
                                                                         new.removesuffix(" of payment"))
    assert any(c.startswith("the summary of \u201cRefund before work starts\u201d now reads") for c in done.changes)


def test_a_percent_and_a_last_day_changed_together_both_follow():
    before = policies()["socialbeat"]
    edit = with_percent(with_last_day(before, "sb_web_48h", 3), "sb_web_48h", "95")
    done = words_follow(before, edit, source_text(before))
    assert done is not None
    changed = tier(done.policy, "sb_web_48h")
    assert [c.quote for c in changed.clauses] == [
        "95% Refund: If no work has commenced and you cancel within 72 hours of payment"]
    assert changed.label == "No work commenced, cancelled within 72 hours of payment: 95%"
    assert changed.clauses[0].quote in done.text
    assert not {f.code for f in lint_against(before, done.policy, done.text)} & WORDS_FINDINGS


def test_a_window_changed_in_one_tier_is_the_sentences_limit_and_every_tier_and_quote_of_it_follows():
    """A walkthrough set Step-Into's full refund to run to day 3: "Change the words to match" left five errors (the
    sibling tiers citing the same sentence still ran to day 7, and the request window's quote, part of that sentence,
    was no longer in the text), the labels began in lower case, and Publish stayed disabled."""
    before = policies()["stepinto"]
    text = source_text(before)
    done = words_follow(before, with_last_day(before, "si_full_window", 3), text)
    assert done is not None
    assert not errors(lint_against(before, done.policy, done.text))
    tiers = {t.id: t for t in tier_list(done.policy)}
    assert {i: (tiers[i].when.days_min, tiers[i].when.days_max) for i in tiers} == {
        "si_delivered_unstarted_window": (None, 3), "si_full_window": (None, 3), "si_after_window": (None, None),
        "si_started_nothing_delivered_window": (None, 3), "si_started_after_window": (4, None),
        "si_executed": (None, None)}
    assert tiers["si_full_window"].label == "Within 3 days, not started and nothing delivered: full refund"
    assert tiers["si_started_after_window"].label == \
        "Started, more than 3 days after purchase: no refund outside the exceptional cases"
    assert tiers["si_after_window"].label == "More than 3 days after purchase: no refund outside the exceptional cases"
    assert tiers["si_executed"].label == "Started and delivered within 3 days: no refund outside the exceptional cases"
    window = done.policy.terms["request_window"]
    assert window.clauses[0].quote == "you may request a full refund within 3 days of purchase"
    assert window.summary.startswith("3 days of purchase for the full refund")
    assert done.policy.terms["refund_before_work"].summary.startswith("Within 3 days of purchase: a full refund")
    assert done.text == text.replace("within 7 days of purchase", "within 3 days of purchase")
    assert "tier si_started_after_window now starts on day 4, after the limit of the sentence it cites" in done.changes
    assert not [c for c in done.changes if "not found in the policy text" in c]
    # an ambiguity quoting part of that sentence quotes its new words (its own words are the author's)
    timing = next(a for a in done.policy.ambiguities if a.id == "A-SI-04")
    assert timing.title == "Timing: 'within 3 days of purchase'"
    assert timing.adopted == next(a for a in before.ambiguities if a.id == "A-SI-04").adopted


def test_a_tier_citing_another_sentence_keeps_its_days_and_words():
    """Only the tiers the changed sentence decides follow: Social Beat's 48-hour tier, of a sentence of its own, keeps
    its 48 hours when the 7-day tier runs to day 10."""
    before = policies()["socialbeat"]
    done = words_follow(before, with_last_day(before, "sb_web_7d_fee", 10), source_text(before))
    assert done is not None
    assert tier(done.policy, "sb_web_48h") == tier(before, "sb_web_48h")
    assert not {f.code for f in lint_against(before, done.policy, done.text)} & WORDS_FINDINGS


WINDOW_QUOTE = ("Refund requests must be submitted within {} days of the initial payment or the relevant milestone "
                "payment, unless otherwise specified in your service agreement.")


@pytest.mark.parametrize("days", [21, 45])
def test_a_request_window_changed_alone_is_refused_and_its_words_made_to_follow_pass_the_linter(days):
    """A walkthrough made Social Beat's 30-day window 21 days: the linter found nothing, the version was published,
    and Policy terms, the calculator and Compare quoted section 2.2 saying 30 days beside quotes that used 21."""
    before = policies()["socialbeat"]
    text = source_text(before)
    data = before.model_dump()
    data["window"]["days"] = days
    edit = PolicyFile.model_validate(data)
    (refused,) = [f for f in errors(lint_against(before, edit, text)) if f.code == "window-vs-days"]
    assert refused.message == f"the request window is {days} days, but its clause section 2.2 says " \
                              f"'{WINDOW_QUOTE.format(30)}'" and refused.rules == ("window",)
    done = words_follow(before, edit, text)
    assert done is not None
    assert [c.quote for c in done.policy.window.clauses] == [WINDOW_QUOTE.format(days)]
    assert done.policy.terms["request_window"].summary == f"{days} days of the initial or relevant milestone payment."
    assert done.policy.terms["request_window"].clauses[0].quote == WINDOW_QUOTE.format(days)  # cited as the text says
    assert done.text.replace(WINDOW_QUOTE.format(days), WINDOW_QUOTE.format(30)) == text  # nothing else moved
    assert not errors(lint_against(before, done.policy, done.text))
    assert done.policy.window.days == days  # the days are the edit's
    assert not [f for f in lint_against(before, before, text) if f.code == "window-vs-days"]  # the shipped one agrees


def test_one_end_of_a_tier_changed_alone_has_the_clause_of_that_end_follow():
    """Social Beat's 7-day tier: 90% at least, the base less a capped fee at most. A walkthrough made its minimum 80%:
    the linter refused it ('says 90% Refund') and no button offered to change the words."""
    before = policies()["socialbeat"]
    text = source_text(before)

    def minimum(tier):
        tier["min"]["pct"] = Decimal("80")
    edit = with_tier(before, "sb_web_7d_fee", minimum)
    assert "quote-vs-amount" in {f.code for f in errors(lint_against(before, edit, text))}
    done = words_follow(before, edit, text)
    assert done is not None
    changed = tier(done.policy, "sb_web_7d_fee")
    assert changed.label == "Cancelled within 7 days, before kickoff: 80%, or the base less a fee of 10% capped at $100"
    assert [(c.role, c.quote) for c in changed.clauses] == [
        ("min", "80% Refund: If you cancel within 7 days of payment but before project kickoff"),
        ("max", "Processing Fee: 10% or $100 (whichever is less) may be retained for administrative costs")]
    assert "80% Refund: If you cancel within 7 days" in done.text
    assert not errors(lint_against(before, done.policy, done.text)), [f.message for f in errors(lint_against(before, done.policy, done.text))]
    # its reading of a flat percent, the minimum's, follows it (it stayed 90%, and a publish asked to accept that)
    assert changed.ambiguity is not None
    flat = changed.ambiguity.readings[1]
    assert (flat.label, flat.amount) == ("L: flat 80%", changed.min)
    assert "reading-unchanged" not in {f.code for f in lint_against(before, done.policy, done.text)}
    both = with_tier(before, "sb_web_7d_fee", lambda t: (minimum(t), t["max"].update(less_fee={"pct": 5, "cap": 100})))
    done = words_follow(before, both, text)  # both ends changed: which percent says what is the author's to say;
    assert done is not None  # the fee's words are the fee's alone, and follow it
    assert "90% Refund: If you cancel within 7 days" in done.text and "Processing Fee: 5% or $100" in done.text


def test_one_end_of_a_tier_of_one_percent_changed_keeps_the_words_of_the_other_end():
    """A walkthrough made Discovery's 75% a band of 60-75% and clicked "Change the words to match": its one clause
    became "60% Refund: ...", and the calculator quoted $6,000.00 - $7,500.00 beside it alone, the 75% without words.
    The clause states both ends: it keeps saying 75%, and the linter warns that the minimum's words were left. The
    tier's label, its author's short words, was left saying "...: 75%" too, with no finding (75 is in the band): it
    now says the band."""
    before = policies()["socialbeat"]
    text = source_text(before)
    edit = with_tier(before, "sb_web_discovery", lambda t: t["min"].update(pct=Decimal("60")))
    warned = {f.code: f.message for f in lint_against(before, edit, text)}
    assert "75% Refund: If cancelled during initial consultations" in warned["quote-unchanged"]
    assert "its label still says 'Cancelled during initial consultations and planning: 75%'" in warned["label-unchanged"]
    followed = words_follow(before, edit, text)
    assert followed is not None and followed.changes == ("tier sb_web_discovery's label now says 60-75%",)
    assert tier(followed.policy, "sb_web_discovery").label == "Cancelled during initial consultations and planning: 60-75%"
    assert followed.text == text  # no sentence of the policy changed
    after = {f.code for f in lint_against(before, followed.policy, followed.text)}
    assert "label-unchanged" not in after and "label-vs-amount" not in after and "quote-unchanged" in after


def test_a_tier_of_one_percent_made_a_band_at_both_ends_has_its_label_state_the_band():
    before = policies()["socialbeat"]

    def band(t):
        t["min"]["pct"], t["max"]["pct"] = Decimal("40"), Decimal("55")
    followed = words_follow(before, with_tier(before, "sb_web_design_concepts", band), source_text(before))
    assert followed is not None
    assert tier(followed.policy, "sb_web_design_concepts").label == "Cancelled after initial design concepts are presented: 40-55%"


def test_a_fee_cap_changed_has_its_sentence_the_tiers_citing_it_and_their_readings_follow():
    """A walkthrough made Social Beat's 7-day fee capped at $50 (from $100): the calculator quoted $9,000.00 -
    $9,950.00 beside "10% or $100 (whichever is less)", reading A's "capped at $100" giving $9,900.00, and no button
    offered to change the words. The sentence is the fee of every tier citing it (the tier for later requests too)."""
    before = policies()["socialbeat"]
    text = source_text(before)
    edit = with_tier(before, "sb_web_7d_fee", lambda t: t["max"]["less_fee"].update(cap=Decimal("50")))
    assert {f.code for f in lint_against(before, edit, text)} >= {"quote-unchanged", "reading-unchanged"}
    done = words_follow(before, edit, text)
    assert done is not None
    new_quote = "Processing Fee: 10% or $50 (whichever is less) may be retained for administrative costs"
    assert new_quote in done.text and "10% or $100" not in done.text
    changed, later = tier(done.policy, "sb_web_7d_fee"), tier(done.policy, "sb_web_pre_kickoff_gap")
    assert changed.label == "Cancelled within 7 days, before kickoff: 90%, or the base less a fee of 10% capped at $50"
    assert [c.quote for c in changed.clauses if c.role == "max"] == [new_quote]
    assert later.max.less_fee is not None and later.max.less_fee.cap == Decimal(50)  # cites the same sentence
    assert changed.ambiguity is not None and later.ambiguity is not None
    reading_a = changed.ambiguity.readings[0]
    assert reading_a.label == "A: the fee is the 10% held back, capped at $50" and reading_a.amount == changed.max
    assert changed.ambiguity.question == "how the processing fee (10% or $50, whichever is less) combines with the 90% refund"
    assert later.ambiguity.readings[0].amount == later.max
    warned = {f.code for f in lint_against(before, done.policy, done.text)}
    assert not warned & {"quote-unchanged", "reading-unchanged", "quote-restated", "quote-not-in-text"}, warned
    assert not errors(lint_against(before, done.policy, done.text))
    assert done.text.replace(new_quote, "Processing Fee: 10% or $100 (whichever is less) may be retained for "
                                        "administrative costs") == text  # nothing else of the text moved


@pytest.mark.parametrize("words, found", [("$100", True), ("$100.00", True), ("$100, whichever", True),
                                          ("$1000", False), ("$100,000", False), ("$100.50", False)])
def test_an_old_cap_is_matched_only_as_an_amount_of_its_own(words, found):
    from policy.reworded import _fee_words
    from policy.schema import Fee
    ((stating, _),) = _fee_words((Fee(pct=10, cap=100), Fee(pct=10, cap=50)))
    assert bool(stating.search(words)) is found


def test_a_reading_that_gave_another_tiers_percent_follows_it_and_says_it():
    """A-SB-04's reading "the next phase's 75%" (of the tier for late requests) was warned of when Discovery went to
    60%, and "Change the words to match" left it giving 75%: the author had to find it in the readings' table."""
    before = policies()["socialbeat"]
    edit = with_percent(before, "sb_web_discovery", "60")
    assert "reading-unchanged" in {f.code for f in lint_against(before, edit, source_text(before))}
    followed = words_follow(before, edit, source_text(before))
    assert followed is not None
    assert "A-SB-04's reading \u201cthe next phase's 75%\u201d now gives tier sb_web_discovery's new amount and reads " \
           "\u201cthe next phase's 60%\u201d" in followed.changes
    (reading,) = [r for r in tier(followed.policy, "sb_web_pre_kickoff_gap").ambiguity.readings if "next phase" in r.label]
    assert (reading.label, reading.plain, reading.amount.pct) == ("the next phase's 60%", "if the next phase's 60% applies",
                                                                  Decimal("60"))
    listed = next(a for a in followed.policy.ambiguities if a.id == "A-SB-04")
    assert "the next phase's 60%" in listed.readings and "the next phase's 75%" not in listed.readings
    assert not [f for f in lint_against(before, followed.policy, followed.text) if f.code == "reading-unchanged"]


def test_a_reading_of_another_tier_stays_where_that_tier_became_a_band():
    """Which end of a band a reading of one percent meant cannot be told: it is warned of, not changed."""
    before = policies()["socialbeat"]

    def band(t):
        t["min"]["pct"], t["max"]["pct"] = Decimal("60"), Decimal("70")
    followed = words_follow(before, with_tier(before, "sb_web_discovery", band), source_text(before))
    assert followed is not None and not [c for c in followed.changes if "A-SB-04" in c]
    assert "reading-unchanged" in {f.code for f in lint_against(before, followed.policy, followed.text)}


def test_a_label_made_to_state_a_band_states_the_tiers_one_percent_again_when_the_band_closes():
    """A walkthrough made Discovery 60-75% (its label followed: "...: 60-75%"), then 60% at both ends and clicked again:
    the label read "...: 60-60%"."""
    before = policies()["socialbeat"]
    text = source_text(before)
    first = words_follow(before, with_tier(before, "sb_web_discovery", lambda t: t["min"].update(pct=Decimal("60"))), text)
    assert first is not None and tier(first.policy, "sb_web_discovery").label.endswith(": 60-75%")
    closed = with_tier(first.policy, "sb_web_discovery", lambda t: t["max"].update(pct=Decimal("60")))
    second = words_follow(before, closed, first.text)
    assert second is not None
    assert tier(second.policy, "sb_web_discovery").label == "Cancelled during initial consultations and planning: 60%"
    wider = words_follow(before, with_tier(first.policy, "sb_web_discovery", lambda t: t["max"].update(pct=Decimal("80"))),
                         first.text)
    assert wider is not None and tier(wider.policy, "sb_web_discovery").label.endswith(": 60-80%")


@pytest.mark.parametrize("words, found", [("60-75%", "60-75%"), ("75-80%", "75-80%"), ("75%", "75%"), ("60 – 75%", "60 – 75%"),
                                          ("175%", None), ("75.5%", None)])
def test_a_labels_old_percent_is_matched_with_a_band_it_ends(words, found):
    match = _stating(Decimal("75"), band=True).search(words)
    assert (match.group(0) if match else None) == found
