"""An edited tier percent carried into the tier's words: its label, its quoted clauses and the policy text.

A percent changed in the lab left the words saying the old one, and the linter refused the edit until the author
had changed them by hand in three more places (a walkthrough gave up and edited the TOML). Here the words that
state the old percent of a tier whose one percent changed are made to state the new one, each change listed; the
linter then checks the result as it checks any edit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Optional

from .schema import Amount, PolicyFile, Tier
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


def _changed_percents(before: PolicyFile, after: PolicyFile) -> dict[str, tuple[Decimal, Decimal]]:
    """Tier id -> (old percent, new percent), for each tier of one percent whose percent the edit changed."""
    old = {t.id: t for t in _all_tiers(before)}
    found: dict[str, tuple[Decimal, Decimal]] = {}
    for tier in _all_tiers(after):
        was = old.get(tier.id)
        if was is None:
            continue
        a, b = _one_percent(was.min, was.max), _one_percent(tier.min, tier.max)
        if a is not None and b is not None and a != b:
            found[tier.id] = (a, b)
    return found


def _all_tiers(policy: PolicyFile) -> list[Tier]:
    return [t for service in policy.services.values() for stage in service.stages for t in stage.tiers]


def words_follow(before: PolicyFile, after: PolicyFile, text: str) -> Optional[Reworded]:
    """`after` (an edit of `before`) and its `text` with each changed tier percent said in the tier's label and in
    the clauses that decide its amount (role rule, min or max), and each such quote changed likewise wherever the
    policy cites it and in the text. None where no word states a percent the edit changed."""
    percents = _changed_percents(before, after)
    if not percents:
        return None
    data = after.model_dump()
    quotes: dict[str, str] = {}  # an old quote -> the new one
    changes: list[str] = []
    for service in data["services"].values():
        for stage in service["stages"]:
            for tier in stage["tiers"]:
                if tier["id"] not in percents:
                    continue
                old, new = percents[tier["id"]]
                stating = _stating(old)
                label = tier.get("label")
                if label and stating.search(label):
                    tier["label"] = stating.sub(_percent(new), label)
                    changes.append(f"tier {tier['id']}'s label now says {_percent(new)}")
                for clause in tier["clauses"]:
                    if clause.get("role", "rule") != "context" and stating.search(clause["quote"]):
                        quotes.setdefault(clause["quote"], stating.sub(_percent(new), clause["quote"], count=1))
    for old_quote, new_quote in quotes.items():
        _requote(data, old_quote, new_quote)
        in_text = text.count(old_quote)
        text = text.replace(old_quote, new_quote)
        where = "in the policy text too" if in_text else "(not found in the policy text: change it there by hand)"
        changes.append(f"\u201c{old_quote}\u201d now reads \u201c{new_quote}\u201d {where}")
    if not changes:
        return None
    return Reworded(PolicyFile.model_validate(data), text, tuple(changes))


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
