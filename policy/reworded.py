"""An edited tier percent or last day, or request window, carried into its words: a tier's label, the quoted clauses
and the text.

A percent changed in the lab left the words saying the old one, and the linter refused the edit until the author
had changed them by hand in three more places (a walkthrough gave up and edited the TOML); a last day changed (48
hours made day 3) was published with its words still saying 48 hours. Here the words that state the old percent of
a tier whose one percent changed, or the old time limit of a tier whose last day changed, are made to state the new
one, each change listed; the linter then checks the result as it checks any edit.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, Optional

from . import periods
from .lint import readings_left
from .schema import Amount, Fee, PolicyFile, Tier
from .taxonomy import TERMS
from .words import counted, mid_sentence


@dataclass(frozen=True)
class Reworded:
    """The policy and its text with the words following the percents, and each change in words."""
    policy: PolicyFile
    text: str
    changes: tuple[str, ...]

    def summary(self) -> str:
        return f"{counted(len(self.changes), 'change')} of the words: " + "; ".join(self.changes)


def _plain_percent(a: Amount) -> Optional[Decimal]:
    """An end's percent where it is one plain percent (no fee, cap or other part); else None."""
    if a.less_fee is not None or a.cap_pct is not None or a.plus or a.of not in ("base", "paid"):
        return None
    return a.pct


END_ROLES = {"min": ("min", "rule"), "max": ("max", "rule")}  # the clauses that state one end's percent


def _percent(n: Decimal) -> str:
    return f"{n.normalize():f}%"


def _stating(old: Decimal, band: bool = False) -> re.Pattern[str]:
    """The old percent as a number of its own: '50%' in '50% Refund', not in '150%' or '50.5%'. `band`: a label's, also
    a band it ends ('60-75%' of a label an earlier "Change the words to match" made state a band): changed whole, where
    its end alone made '60-60%' (a walkthrough)."""
    number = re.escape(f"{old.normalize():f}")
    if band:
        return re.compile(rf"(?<![\d.])(?:\d+(?:\.\d+)?\s*[-–]\s*{number}|{number}\s*[-–]\s*\d+(?:\.\d+)?|{number})%")
    return re.compile(rf"(?<![\d.]){number}%")


Rewording = tuple[re.Pattern[str], Any]  # what states the old value, and its replacement (a text, or one per match)


PercentChange = tuple[Decimal, Decimal, tuple[str, ...]]  # a tier's old percent, its new one, the roles that state it


def _changed_percents(before: PolicyFile, after: PolicyFile) -> dict[str, PercentChange]:
    """Tier id -> its old and new percent and the roles of the clauses that say it: for each tier of one percent whose
    percent the edit changed (every clause that decides it), and each tier of which the edit changed one end, a plain
    percent, and left the other (that end's clauses: Social Beat's '90% Refund' beside its fee was left saying 90%
    when the minimum became 80%, and no button offered to change it, a walkthrough)."""
    old = {t.id: t for t in _all_tiers(before)}
    found: dict[str, PercentChange] = {}
    for tier in _all_tiers(after):
        was = old.get(tier.id)
        if was is None:
            continue
        if was.min == was.max and tier.min == tier.max:
            a, b = _plain_percent(was.min), _plain_percent(tier.min)
            if a is not None and b is not None and a != b:
                found[tier.id] = (a, b, ("min", "max", "rule"))
            continue
        for end in ("min", "max"):
            other = "max" if end == "min" else "min"
            if getattr(was, other) != getattr(tier, other):
                continue
            a, b = _plain_percent(getattr(was, end)), _plain_percent(getattr(tier, end))
            if a is None or b is None or a == b:
                continue
            if _plain_percent(getattr(tier, other)) == a:
                # the old percent still states the other end ('75% Refund' of a tier of 75% made 60-75%): a clause of
                # both ends keeps it (made to say 60%, it left the 75% a client is quoted without words, a walkthrough)
                if any(c.role == end for c in tier.clauses):
                    found[tier.id] = (a, b, (end,))
                continue
            found[tier.id] = (a, b, END_ROLES[end])
    return found


def _label_bands(before: PolicyFile, after: PolicyFile) -> dict[str, Rewording]:
    """Tier id -> how its label states its band, for each tier of one plain percent made a band of plain percents:
    "...: 75%" of a tier made 60-75% says "...: 60-75%" (it was left saying 75%, a walkthrough). Its clauses are the
    policy's own sentences: which end a sentence of both ends states is the author's to say (quote-restated)."""
    old = {t.id: t for t in _all_tiers(before)}
    found: dict[str, Rewording] = {}
    for tier in _all_tiers(after):
        was = old.get(tier.id)
        if was is None or was.min != was.max or tier.min == tier.max:
            continue
        a, low, high = _plain_percent(was.min), _plain_percent(tier.min), _plain_percent(tier.max)
        if a is not None and low is not None and high is not None and low < high:
            found[tier.id] = (_stating(a, band=True), f"{low.normalize():f}-{_percent(high)}")
    return found


def _changed_days(before: PolicyFile, after: PolicyFile) -> dict[str, tuple[int, int]]:
    """Tier id -> its last day before and after, for each tier whose last day the edit changed."""
    old = {t.id: t for t in _all_tiers(before)}
    found: dict[str, tuple[int, int]] = {}
    for tier in _all_tiers(after):
        was = old.get(tier.id)
        a, b = (was.when.days_max if was else None), tier.when.days_max
        if a is not None and b is not None and a != b and b != 0:
            found[tier.id] = (a, b)
    return found


FeeChange = tuple[Fee, Fee]  # a fee's before and after


def _changed_fees(before: PolicyFile, after: PolicyFile) -> dict[str, tuple[FeeChange, tuple[str, ...]]]:
    """Tier id -> its fee before and after, and the roles of the clauses that state it: for each tier of which the
    edit changed an end's fee and nothing else of it (Social Beat's 7-day fee capped at $50, not $100)."""
    old = {t.id: t for t in _all_tiers(before)}
    found: dict[str, tuple[FeeChange, tuple[str, ...]]] = {}
    for tier in _all_tiers(after):
        was = old.get(tier.id)
        for end in ("min", "max"):
            a, b = (getattr(was, end) if was else None), getattr(tier, end)
            if a is None or a.less_fee is None or b.less_fee is None or a.less_fee == b.less_fee \
                    or a.model_copy(update={"less_fee": b.less_fee}) != b:
                continue
            found[tier.id] = ((a.less_fee, b.less_fee), END_ROLES[end])
    return found


def _money_words(amount: Decimal) -> str:
    """'$100', '$1,000', '$62.50': a cap as a policy writes it."""
    return f"${amount:,.0f}" if amount == amount.to_integral_value() else f"${amount:,.2f}"


def _fee_words(change: FeeChange) -> list[Rewording]:
    """How words stating a fee say the new one: its cap ('$100' -> '$50', '$100.00' too), its percent ('10%')."""
    (was, now), said = change, []
    if was.cap != now.cap:
        old = re.escape(_money_words(was.cap)[1:])
        said.append((re.compile(rf"\$\s?{old}(?:\.00)?(?!\d|[.,]\d)"), _money_words(now.cap)))  # not of $100,000
    if was.pct != now.pct:
        said.append((_stating(was.pct), _percent(now.pct)))
    return said


def _limit(a: int, b: int, within: bool = True) -> Rewording:
    """How words stating a time limit of `a` days say `b`: 'within 48 hours' of a tier made to run to day 3 says
    'within 72 hours', 'within 7 days' of one made to run to day 10 'within 10 days'."""
    return periods.stating(a, within), partial(periods.restated, days=b)


def _label_limit(tier: dict[str, Any], a: int, b: int) -> Rewording:
    """How a tier's label states a time limit: 'Within 7 days, not started' or 'More than 7 days after purchase'."""
    within = _limit(a, b)
    return within if within[0].search(tier.get("label") or "") else _limit(a, b, within=False)


def _all_tiers(policy: PolicyFile) -> list[Tier]:
    return [t for service in policy.services.values() for stage in service.stages for t in stage.tiers]


def _rule_quotes(tier: dict[str, Any], roles: tuple[str, ...] = ("min", "max", "rule")) -> list[str]:
    """The quotes of a tier's clauses of these roles (by default every one that decides it, not its context)."""
    return [c["quote"] for c in tier["clauses"] if c.get("role", "rule") in roles]


def words_follow(before: PolicyFile, after: PolicyFile, text: str) -> Optional[Reworded]:
    """`after` (an edit of `before`) and its `text` with each changed tier percent, and each changed last day, said
    in the tier's label and in the clauses that decide it (not its context), and each such quote changed likewise
    wherever the policy cites it, part of it included, and in the text. A last day changed is the time limit of the
    sentence that states it: the other tiers that sentence decides follow it (their last day, or the first day
    after it) with their labels. A request window's days changed are said likewise in its clauses and the terms that
    cite them. None where no word states a value the edit changed."""
    changed, days = _changed_percents(before, after), _changed_days(before, after)
    percents = {tid: ((_stating(a), _percent(b)), roles) for tid, (a, b, roles) in changed.items()}
    labelled = {tid: (_stating(a, band=True), _percent(b)) for tid, (a, b, _) in changed.items()}  # said in a label
    fees, bands = _changed_fees(before, after), _label_bands(before, after)
    window = (before.window.days, after.window.days) if before.window and after.window and \
        before.window.days != after.window.days else None
    if not percents and not days and not fees and not bands and window is None:
        return None
    data = after.model_dump()
    tiers = [t for service in data["services"].values() for stage in service["stages"] for t in stage["tiers"]]
    quotes: dict[str, str] = {}  # an old quote -> the new one
    applied: dict[str, list[Rewording]] = {}  # an old quote -> how its words changed
    moved: dict[str, tuple[int, int]] = {}  # an old quote -> the time limit changed in it
    fee_moved: dict[str, FeeChange] = {}  # an old quote -> the fee changed in it
    changes: list[str] = []

    def reword(quote: str, rewording: Rewording) -> bool:
        stating, said = rewording
        now = quotes.get(quote, quote)
        if not stating.search(now):
            return False
        quotes[quote] = stating.sub(said, now, count=1)
        applied.setdefault(quote, []).append(rewording)
        return True

    for tier in tiers:
        followed: list[Rewording] = [bands[tier["id"]]] if tier["id"] in bands else []
        if tier["id"] in percents:
            percent, roles = percents[tier["id"]]
            followed += [] if followed else [labelled[tier["id"]]]  # a label states the band, where it became one
            for q in _rule_quotes(tier, roles):
                reword(q, percent)
        if tier["id"] in days:
            a, b = days[tier["id"]]
            followed.append(_label_limit(tier, a, b))
            moved.update({q: (a, b) for q in _rule_quotes(tier) if reword(q, _limit(a, b))})
        if tier["id"] in fees:
            change, roles = fees[tier["id"]]
            followed += _fee_words(change)
            for q in _rule_quotes(tier, roles):
                if [wording for wording in _fee_words(change) if reword(q, wording)]:  # each of them made
                    fee_moved[q] = change
        changes += _label_follows(tier, followed)
    if window is not None:  # the request window's clause states its days: the terms citing it follow (below)
        moved.update({q: window for q in _rule_quotes(data["window"]) if reword(q, _limit(*window))})
    # a quote that is part of a sentence changed (or holds it) says the same ('you may request a full refund within 7
    # days of purchase', cited by a term, was no longer in the text once the sentence around it said 3 days)
    for q in dict.fromkeys(c["quote"] for c in _clauses_in(data)):
        for old in [old for old in list(quotes) if q != old and (q in old or old in q)]:
            for rewording in list(applied[old]):
                if reword(q, rewording) and old in moved:
                    moved[q] = moved[old]
    changes += _tiers_follow(data, days, moved)
    changes += _fees_follow(tiers, {tid: change for tid, (change, _) in fees.items()}, fee_moved)
    changes += _readings_follow(tiers, before, after, {tid: [wording] for tid, (wording, _) in percents.items()})
    changes += _others_readings_follow(data, tiers, before, after)
    changes += _summaries_follow(data, moved)
    original = text
    for old_quote, new_quote in sorted(quotes.items(), key=lambda item: -len(item[0])):  # a sentence before its parts
        for clause in _clauses_in(data):  # a quote cited by two rules stays one
            if clause["quote"] == old_quote:
                clause["quote"] = new_quote
        text = text.replace(old_quote, new_quote)
    changes += _ambiguities_follow(data, applied, text)
    for old_quote, new_quote in quotes.items():
        where = "in the policy text too" if old_quote in original and new_quote in text else \
            "(not found in the policy text: change it there by hand)"
        changes.append(f"\u201c{old_quote}\u201d now reads \u201c{new_quote}\u201d {where}")
    if not changes:
        return None
    return Reworded(PolicyFile.model_validate(data), text, tuple(changes))


QUOTED = re.compile(r"'([^']+)'")  # the policy's words in an ambiguity's ('Timing: 'within 7 days of purchase'')


def _ambiguities_follow(data: dict[str, Any], applied: dict[str, list[Rewording]], text: str) -> list[str]:
    """An ambiguity that quotes part of a sentence whose words changed, and is no longer in the `text`, quotes the new
    words (Policy terms listed "Timing: 'within 7 days of purchase'" beside a window of 3 days, a walkthrough). Its
    own words (the readings and what was adopted) are the author's: they are left."""
    changes = []

    def follow(found: re.Match[str]) -> str:
        words = found.group(1)
        if words in text:  # still the policy's words (another sentence's '50% Refund')
            return found.group(0)
        for old, rewordings in applied.items():
            if words in old:
                for stating, said in rewordings:
                    words = stating.sub(said, words, count=1)
        return f"'{words}'"

    for ambiguity in data.get("ambiguities", []):
        for field in ("title", "summary"):
            now = QUOTED.sub(follow, ambiguity[field])
            if now != ambiguity[field]:
                ambiguity[field] = now
                changes.append(f"ambiguity {ambiguity['id']}'s {field} now reads \u201c{now}\u201d")
    return changes


def _label_follows(tier: dict[str, Any], followed: list[Rewording]) -> list[str]:
    changes = []
    for stating, said in followed:
        label = tier.get("label")
        found = stating.search(label) if label else None
        if found and label:
            tier["label"] = stating.sub(said, label)
            changes.append(f"tier {tier['id']}'s label now says {mid_sentence(said(found)) if callable(said) else said}")
    return changes


def _tiers_follow(data: dict[str, Any], days: dict[str, tuple[int, int]],
                  moved: dict[str, tuple[int, int]]) -> list[str]:
    """The other tiers a sentence whose time limit changed decides: one that ran to its old last day runs to the new
    one, one that began the day after begins the day after the new one, and their labels say it; so does the label
    of a tier of no days beside them ('Started and delivered within 7 days: no refund'). A walkthrough changed
    Step-Into's 7 days to 3 in one tier, and its sibling tiers, citing the same sentence, were refused until changed
    by hand."""
    changes = []
    for stage in (stage for service in data["services"].values() for stage in service["stages"]):
        limits_here = {days[t["id"]] for t in stage["tiers"] if t["id"] in days}
        for tier in stage["tiers"]:
            limits = {moved[q] for q in _rule_quotes(tier) if q in moved}
            if tier["id"] in days or len(limits) != 1:
                continue
            ((a, b),) = limits
            limits_here.add((a, b))
            when = tier["when"]
            if when.get("days_max") == a:
                when["days_max"] = b
                changes.append(f"tier {tier['id']} now runs to day {b}, as the sentence it cites says")
            elif when.get("days_min") == a + 1:
                when["days_min"] = b + 1
                changes.append(f"tier {tier['id']} now starts on day {b + 1}, after the limit of the sentence it cites")
            changes += _label_follows(tier, [_label_limit(tier, a, b)])
        if len(limits_here) == 1:
            for tier in stage["tiers"]:
                if tier["id"] not in days and not any(q in moved for q in _rule_quotes(tier)) and \
                        tier["when"].get("days_max") is None and tier["when"].get("days_min") is None:
                    changes += _label_follows(tier, [_label_limit(tier, *next(iter(limits_here)))])
    return changes


def _fees_follow(tiers: list[dict[str, Any]], fees: dict[str, FeeChange], moved: dict[str, FeeChange]) -> list[str]:
    """A fee's sentence is the fee of every tier that cites it: a tier that cites a sentence whose fee changed, with
    that fee, takes the new one, and its label says it (Social Beat's tier for later requests cites the 7-day tier's
    '10% or $100'). The readings of a tier whose fee changed that gave its old fee give the new one, and say it, and
    so does its question a client reads (A-SB-01's 'A: the fee ... capped at $100' went on giving $9,900.00 beside a
    fee capped at $50, a walkthrough)."""
    changes, followed = [], dict(fees)
    for tier in tiers:
        for end in ("min", "max"):
            fee = tier[end].get("less_fee")
            found = {moved[q] for q in _rule_quotes(tier, END_ROLES[end]) if q in moved}
            if tier["id"] in fees or len(found) != 1 or fee is None:
                continue
            ((was, now),) = found
            if Fee.model_validate(fee) == was:
                tier[end]["less_fee"] = now.model_dump()
                followed[tier["id"]] = (was, now)
                changes.append(f"tier {tier['id']}'s {end}imum now has the fee of the sentence it cites")
                changes += _label_follows(tier, _fee_words((was, now)))
    for tier in tiers:
        ambiguity = tier.get("ambiguity")
        if tier["id"] not in followed or not ambiguity:
            continue
        was, now = followed[tier["id"]]
        wording = _fee_words((was, now))
        for reading in ambiguity["readings"]:
            fee = reading["amount"].get("less_fee")
            if fee is not None and Fee.model_validate(fee) == was:
                reading["amount"]["less_fee"] = now.model_dump()
                label = _said_anew(reading["label"], wording)
                changes.append(f"{ambiguity['id']}'s reading \u201c{reading['label']}\u201d now gives the new fee"
                               + (f" and reads \u201c{label}\u201d" if label != reading["label"] else ""))
                reading["label"] = label
                reading["plain"] = _said_anew(reading.get("plain"), wording)
        question = _said_anew(ambiguity.get("question"), wording)
        if question != ambiguity.get("question"):
            ambiguity["question"] = question
            changes.append(f"{ambiguity['id']}'s question now reads \u201c{question}\u201d")
    return changes


def _readings_follow(tiers: list[dict[str, Any]], before: PolicyFile, after: PolicyFile,
                     wordings: dict[str, list[Rewording]]) -> list[str]:
    """A reading of a tier whose percent changed that gave the end that moved gives its new amount, and says it
    (A-SB-01's 'L: flat 90%' stayed 90% beside a 7-day tier made 80%, and the publish asked to accept a warning about
    it, a walkthrough)."""
    old, new = {t.id: t for t in _all_tiers(before)}, {t.id: t for t in _all_tiers(after)}
    changes = []
    for tier in tiers:
        ambiguity, tid = tier.get("ambiguity"), tier["id"]
        if not ambiguity or tid not in wordings or tid not in old:
            continue
        moved = [(getattr(old[tid], end), getattr(new[tid], end)) for end in ("min", "max")
                 if getattr(old[tid], end) != getattr(new[tid], end)]
        for reading in ambiguity["readings"]:
            amount = Amount.model_validate(reading["amount"])
            for was, now in moved:
                if amount == was:
                    reading["amount"] = now.model_dump()
                    label = _said_anew(reading["label"], wordings[tid])
                    changes.append(f"{ambiguity['id']}'s reading \u201c{reading['label']}\u201d now gives "
                                   f"{_percent(now.pct)}" + (f" and reads \u201c{label}\u201d" if label != reading["label"] else ""))
                    reading["label"] = label
                    reading["plain"] = _said_anew(reading.get("plain"), wordings[tid])
                    break
    return changes


def _others_readings_follow(data: dict[str, Any], tiers: list[dict[str, Any]], before: PolicyFile,
                            after: PolicyFile) -> list[str]:
    """A reading that gave another tier's amount (A-SB-04's "the next phase's 75%", of the tier for late requests)
    gives that tier's new one, and says it, where the edit moved its percent or fee to one new amount: it was warned of
    (reading-unchanged) and left for the author to find in the readings' table (a walkthrough)."""
    by_id = {t["id"]: t for t in tiers}
    changes = []
    for left in readings_left(before, after):
        ambiguity = by_id[left.tier.id].get("ambiguity")
        moved = {getattr(left.now, end) for end in left.ends} if left.now is not None else set()
        if left.source == left.rule or len(moved) != 1 or not ambiguity:
            continue  # its own tier's readings follow with its words (_readings_follow, _fees_follow)
        (now,), was = moved, left.reading.amount
        if was.model_copy(update={"pct": now.pct, "less_fee": now.less_fee}) != now:
            continue  # more than a percent or a fee changed: which words say it cannot be told
        wording = [(_stating(was.pct), _percent(now.pct))] if was.pct != now.pct else []
        if was.less_fee is not None and now.less_fee is not None:
            wording += _fee_words((was.less_fee, now.less_fee))
        reading = ambiguity["readings"][left.index]
        label = _said_anew(reading["label"], wording)
        reading["amount"], reading["plain"] = now.model_dump(), _said_anew(reading.get("plain"), wording)
        changes.append(f"{ambiguity['id']}'s reading \u201c{reading['label']}\u201d now gives tier "
                       f"{left.source.rsplit('.', 1)[-1]}'s new amount" +
                       (f" and reads \u201c{label}\u201d" if label != reading["label"] else ""))
        for listed in data.get("ambiguities", []):  # the policy's list of the readings names it alike
            if listed["id"] == ambiguity["id"]:
                listed["readings"] = [label if r == reading["label"] else r for r in listed["readings"]]
        reading["label"] = label
    return changes


def _said_anew(words: Optional[str], wording: list[Rewording]) -> Any:
    """Words with each rewording made wherever it states the old value (None stays None)."""
    for stating, said in wording if words else ():
        words = stating.sub(said, words or "")
    return words


def _summaries_follow(data: dict[str, Any], moved: dict[str, tuple[int, int]]) -> list[str]:
    """A term's summary states the time limit of a clause it cites ('Website: 100% within 48 hours', '7 days of
    purchase for the full refund'): it follows too (Policy terms still said 48 hours beside a tier made to run to day
    3, a walkthrough). Not a percent: a summary states several ('100% within 48 hours, 90% within 7 days'), and which
    is the tier's cannot be told."""
    changes = []
    for name, term in data.get("terms", {}).items():
        summary = term["summary"]
        for a, b in dict.fromkeys(moved[c["quote"]] for c in term["clauses"] if c["quote"] in moved):
            stating, said = _limit(a, b, within=False)
            summary = stating.sub(said, summary, count=1)
        if summary != term["summary"]:
            term["summary"] = summary
            changes.append(f"the summary of \u201c{TERMS[name]}\u201d now reads \u201c{summary}\u201d")
    return changes


def _clauses_in(node: Any) -> Iterator[dict[str, Any]]:
    """Every clause of a policy's data (its tiers', terms', exceptions', contact steps'), to read or change in place
    (a dump keeps a model's tuples: their dicts are changed in place)."""
    if isinstance(node, dict):
        if "quote" in node and "section" in node:
            yield node
        for value in node.values():
            yield from _clauses_in(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _clauses_in(value)
