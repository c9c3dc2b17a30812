"""An edited tier percent or last day carried into the tier's words: its label, its quoted clauses and the text.

A percent changed in the lab left the words saying the old one, and the linter refused the edit until the author
had changed them by hand in three more places (a walkthrough gave up and edited the TOML); a last day changed (48
hours made day 3) was published with its words still saying 48 hours. Here the words that state the old percent of
a tier whose one percent changed, or the old time limit of a tier whose last day changed, are made to state the new
one, each change listed; the linter then checks the result as it checks any edit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, Optional

from . import periods
from .schema import Amount, PolicyFile, Tier
from .taxonomy import TERMS
from .words import counted


@dataclass(frozen=True)
class Reworded:
    """The policy and its text with the words following the percents, and each change in words."""
    policy: PolicyFile
    text: str
    changes: tuple[str, ...]

    def summary(self) -> str:
        return f"{counted(len(self.changes), 'change')} of the words: " + "; ".join(self.changes)


def _one_percent(a: Amount, b: Amount) -> Optional[Decimal]:
    """The tier's percent where its two ends are one plain percent (no fee, cap or other part); else None."""
    if a != b or a.less_fee is not None or a.cap_pct is not None or a.plus or a.of not in ("base", "paid"):
        return None
    return a.pct


def _percent(n: Decimal) -> str:
    return f"{n.normalize():f}%"


def _stating(old: Decimal) -> re.Pattern[str]:
    """The old percent as a number of its own: '50%' in '50% Refund', not in '150%' or '50.5%'."""
    return re.compile(rf"(?<![\d.]){re.escape(f'{old.normalize():f}')}%")


Rewording = tuple[re.Pattern[str], Any]  # what states the old value, and its replacement (a text, or one per match)


def _changed_percents(before: PolicyFile, after: PolicyFile) -> dict[str, Rewording]:
    """Tier id -> how its words change, for each tier of one percent whose percent the edit changed."""
    old = {t.id: t for t in _all_tiers(before)}
    found: dict[str, Rewording] = {}
    for tier in _all_tiers(after):
        was = old.get(tier.id)
        if was is None:
            continue
        a, b = _one_percent(was.min, was.max), _one_percent(tier.min, tier.max)
        if a is not None and b is not None and a != b:
            found[tier.id] = (_stating(a), _percent(b))
    return found


def _changed_days(before: PolicyFile, after: PolicyFile) -> dict[str, Rewording]:
    """Tier id -> how its words change, for each tier whose last day the edit changed: 'within 48 hours' of a tier
    made to run to day 3 says 'within 72 hours', 'within 7 days' of one made to run to day 10 'within 10 days'."""
    old = {t.id: t for t in _all_tiers(before)}
    found: dict[str, Rewording] = {}
    for tier in _all_tiers(after):
        was = old.get(tier.id)
        a, b = (was.when.days_max if was else None), tier.when.days_max
        if a is None or b is None or a == b or b == 0:
            continue
        found[tier.id] = (periods.stating(a), partial(periods.restated, days=b))
    return found


def _all_tiers(policy: PolicyFile) -> list[Tier]:
    return [t for service in policy.services.values() for stage in service.stages for t in stage.tiers]


def words_follow(before: PolicyFile, after: PolicyFile, text: str) -> Optional[Reworded]:
    """`after` (an edit of `before`) and its `text` with each changed tier percent, and each changed last day, said
    in the tier's label and in the clauses that decide it (not its context), and each such quote changed likewise
    wherever the policy cites it and in the text. None where no word states a value the edit changed."""
    rewordings = [_changed_percents(before, after), _changed_days(before, after)]
    if not any(rewordings):
        return None
    data = after.model_dump()
    quotes: dict[str, str] = {}  # an old quote -> the new one
    limits: dict[str, list[Rewording]] = {}  # an old quote -> the time limits changed in it
    changes: list[str] = []
    for service in data["services"].values():
        for stage in service["stages"]:
            for tier in stage["tiers"]:
                for stating, said in (r[tier["id"]] for r in rewordings if tier["id"] in r):
                    label = tier.get("label")
                    found = stating.search(label) if label else None
                    if found:
                        tier["label"] = stating.sub(said, label)
                        changes.append(f"tier {tier['id']}'s label now says {said(found) if callable(said) else said}")
                    for clause in tier["clauses"]:
                        quoted = quotes.get(clause["quote"], clause["quote"])
                        if clause.get("role", "rule") != "context" and stating.search(quoted):
                            quotes[clause["quote"]] = stating.sub(said, quoted, count=1)
                            if callable(said):
                                limits.setdefault(clause["quote"], []).append((stating, said))
    changes += _summaries_follow(data, limits)
    for old_quote, new_quote in quotes.items():
        _requote(data, old_quote, new_quote)
        in_text = text.count(old_quote)
        text = text.replace(old_quote, new_quote)
        where = "in the policy text too" if in_text else "(not found in the policy text: change it there by hand)"
        changes.append(f"\u201c{old_quote}\u201d now reads \u201c{new_quote}\u201d {where}")
    if not changes:
        return None
    return Reworded(PolicyFile.model_validate(data), text, tuple(changes))


def _summaries_follow(data: dict[str, Any], limits: dict[str, list[Rewording]]) -> list[str]:
    """A term's summary states the time limit of a clause it cites ('Website: 100% within 48 hours'): it follows
    too (Policy terms still said 48 hours beside a tier made to run to day 3, a walkthrough). Not a percent: a
    summary states several ('100% within 48 hours, 90% within 7 days'), and which is the tier's cannot be told."""
    changes = []
    for name, term in data.get("terms", {}).items():
        summary = term["summary"]
        for clause in term["clauses"]:
            for stating, said in limits.get(clause["quote"], ()):
                summary = stating.sub(said, summary, count=1)
        if summary != term["summary"]:
            term["summary"] = summary
            changes.append(f"the summary of \u201c{TERMS[name]}\u201d now reads \u201c{summary}\u201d")
    return changes


def _requote(node: Any, old: str, new: str) -> None:
    """Every clause of the policy's data quoting `old` quotes `new` instead (a quote cited by two rules stays one)."""
    if isinstance(node, dict):
        if node.get("quote") == old and "section" in node:
            node["quote"] = new
        for value in node.values():
            _requote(value, old, new)
    elif isinstance(node, (list, tuple)):  # a dump keeps a model's tuples: their dicts are changed in place
        for value in node:
            _requote(value, old, new)
