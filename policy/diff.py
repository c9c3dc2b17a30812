"""What changes between two versions of a policy: the rules that differ, and over a grid of services x
completion x days, the scenarios whose band changes, with the amounts before and after."""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from .curves import grid
from .models import Scenario
from .money import format_range
from .schema import PolicyFile

REFERENCE_AMOUNT = Decimal("10000")  # the grid's amount paid: a round figure, so shares read at a glance
COMPLETIONS = tuple(Decimal(c) for c in range(0, 101, 5))
LAST_DAY = 60


@dataclass(frozen=True)
class RuleChange:
    rule: str  # where: "services.website.stages.discovery.tiers.sb_web_discovery"
    change: str  # "added", "removed" or "changed"
    before: str  # the rule as JSON ('' when added)
    after: str
    fields: tuple[str, ...] = ()  # a changed rule's parts that differ: "min.pct: 75 -> 60"

    @property
    def what(self) -> str:
        return "; ".join(self.fields) if self.fields else self.change


def _rules(policy: PolicyFile) -> dict[str, Any]:
    """Every rule of a policy by a stable name: tiers by service, stage and id; the other parts by their kind."""
    data = policy.model_dump()  # Decimals compare by value: 100 and 100.0 are one percent
    found: dict[str, Any] = {}
    for name in ("window", "next_charge_notice", "currency"):
        found[name] = data.get(name)
    for kind, key in (("deductions", "field"), ("exceptions", "flag"), ("processing_times", "method"),
                      ("remedies", "label")):
        for item in data.get(kind, ()):
            found[f"{kind}.{item[key]}"] = item
    for sid, service in data["services"].items():
        found[f"services.{sid}"] = {k: v for k, v in service.items() if k != "stages"}
        for stage in service["stages"]:
            found[f"services.{sid}.stages.{stage['id']}"] = {k: v for k, v in stage.items() if k != "tiers"}
            for tier in stage["tiers"]:
                found[f"services.{sid}.stages.{stage['id']}.tiers.{tier['id']}"] = tier
    return found


def rule_changes(old: PolicyFile, new: PolicyFile) -> list[RuleChange]:
    before, after = _rules(old), _rules(new)
    changes = []
    for name in [*before, *(n for n in after if n not in before)]:
        a, b = before.get(name), after.get(name)
        if a == b:
            continue
        kind = "added" if name not in before or a is None else "removed" if name not in after or b is None else "changed"
        parts = tuple(_parts(a, b)) if kind == "changed" else ()
        changes.append(RuleChange(name, kind, "" if a is None else _json(a), "" if b is None else _json(b), parts))
    return changes


def _parts(a: Any, b: Any, path: str = "") -> list[str]:
    """The leaves where two versions of a rule differ, each as "where: before -> after"."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [p for k in dict.fromkeys([*a, *b]) for p in _parts(a.get(k), b.get(k), f"{path}.{k}" if path else str(k))]
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and len(a) == len(b):
        return [p for i, (x, y) in enumerate(zip(a, b)) for p in _parts(x, y, f"{path}.{i}" if path else str(i))]
    return [] if a == b else [f"{path or 'value'}: {_shown(a)} -> {_shown(b)}"]


def _shown(value: Any, limit: int = 60) -> str:
    text = "none" if value is None else _json(value) if isinstance(value, (dict, list, tuple)) else str(_text(value))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=_text)


def _text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


def band_changes(old: PolicyFile, new: PolicyFile, amount: Decimal = REFERENCE_AMOUNT) -> pd.DataFrame:
    """Each (service, completion, day) of the grid whose band differs, with both bands in cents and words."""
    frames = []
    for sid in dict.fromkeys([*old.services, *new.services]):
        scenario = Scenario(provider=new.id, service=sid, amount_paid=amount, completion_pct=Decimal(0),
                            days_since_payment=0)
        keys = ["completion_pct", "days_since_payment"]
        cells = ["refund_min_cents", "refund_max_cents", "verdict"]
        was = grid(scenario, {new.id: old}, last_day=LAST_DAY, points=COMPLETIONS)[[*keys, *cells]]
        now = grid(scenario, {new.id: new}, last_day=LAST_DAY, points=COMPLETIONS)[[*keys, *cells]]
        both = was.merge(now, on=keys, suffixes=("_before", "_after"))
        moved = both[(both.refund_min_cents_before != both.refund_min_cents_after)
                     | (both.refund_max_cents_before != both.refund_max_cents_after)
                     | (both.verdict_before != both.verdict_after)]
        frames.append(moved.assign(service=sid))
    columns = ["service", "completion_pct", "days_since_payment", "refund_min_cents_before", "refund_max_cents_before",
               "verdict_before", "refund_min_cents_after", "refund_max_cents_after", "verdict_after"]
    changed = pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    return changed.assign(
        before=[_band(lo, hi, old.currency) for lo, hi in zip(changed.refund_min_cents_before,
                                                             changed.refund_max_cents_before, strict=True)],
        after=[_band(lo, hi, new.currency) for lo, hi in zip(changed.refund_min_cents_after,
                                                            changed.refund_max_cents_after, strict=True)],
    )


def _band(low_cents: Any, high_cents: Any, currency: str) -> str:
    if pd.isna(low_cents):
        return "not offered"
    return format_range(Decimal(int(low_cents)) / 100, Decimal(int(high_cents)) / 100, currency)


def summary_lines(old: PolicyFile, new: PolicyFile) -> list[str]:
    """The diff as text: the rules, then each service's changed scenarios (the first few of each)."""
    lines = [f"{old.name}: {old.version} -> {new.version}"]
    rules = rule_changes(old, new)
    lines.append(f"{len(rules)} rule(s) changed" + (":" if rules else "."))
    lines += [f"  {r.change}: {r.rule}" + (f": {r.what}" if r.fields else "") for r in rules]
    bands = band_changes(old, new)
    lines.append(f"{len(bands)} of the grid's scenarios (services x completion 0-100% by 5 x days 0-{LAST_DAY}, "
                 f"{REFERENCE_AMOUNT:,} paid) change their band" + (":" if len(bands) else "."))
    for sid, part in bands.groupby("service", sort=False):
        lines.append(f"  {sid}: {len(part)} scenario(s)")
        for row in part.head(5).itertuples():
            lines.append(f"    {row.completion_pct:g}%, day {row.days_since_payment}: {row.before} -> {row.after}")
    return lines
