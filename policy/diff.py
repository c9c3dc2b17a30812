"""What changes between two versions of a policy: the rules that differ, its effective date, and over a grid of
services x completion x days (the sample clients), the quotes that change as an author reads them: the band before
and after, which end of it moved, and under which value of the facts a sample client does not give (deliverables,
the notice, the stage where completion places two) the change lies. A client counts as changed only where the band
a person sees changes; a change under one value of a fact not given that the band as a whole hides is listed apart."""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple, Optional

import pandas as pd

from .evaluator import Evaluation, Facts, Outcome, day_thresholds, evaluate
from .lab import END, GRIDS, LABELS
from .models import Scenario
from .money import cents_int, format_range
from .schema import PolicyFile
from .taxonomy import PAYMENT_METHODS
from .words import clipped

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
    place: str = ""  # the rule as an author reads it: "Website Design & Development, Discovery (0-25%), tier ..."
    said: tuple[str, ...] = ()  # the fields in the lab's words: "Min % 75 -> 60"

    @property
    def what(self) -> str:
        return "; ".join(self.fields) if self.fields else self.change

    @property
    def in_words(self) -> str:
        """'Website Design & Development, Discovery (0-25%), tier "Cancelled during ...: 75%": Min % 75 -> 60': the
        lab's table and the audit trail named a rule by its path and a change by its field's ("min.pct: 75 -> 60",
        a walkthrough)."""
        what = "; ".join(self.said) if self.said else self.change
        return f"{self.place or self.rule}: {what}"


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
        unclear = next((r["ambiguity"]["id"] for r in (b, a) if isinstance(r, dict) and r.get("ambiguity")), "")
        changes.append(RuleChange(name, kind, "" if a is None else _json(a), "" if b is None else _json(b), parts,
                                  place=_place(name, new, old), said=tuple(_part_in_words(p, unclear) for p in parts)))
    return changes


def _place(rule: str, *policies: PolicyFile) -> str:
    """A rule's name (as _rules gives it) as an author reads it, from the labels of the first policy that has it."""
    kind, _, rest = rule.partition(".")
    for policy in policies:
        if kind == "services":
            sid, _, rest = rest.partition(".stages.")
            service = policy.services.get(sid)
            if service is None:
                continue
            stage_id, _, tier_id = rest.partition(".tiers.")
            stage = next((st for st in service.stages if st.id == stage_id), None)
            tier = next((t for t in stage.tiers if t.id == tier_id), None) if stage else None
            if (stage_id and stage is None) or (tier_id and tier is None):
                continue
            return ", ".join([service.label, *([stage.label] if stage else []),
                              *([f"tier \u201c{tier.label}\u201d"] if tier else [])])
        if kind in _PARTS:
            noun, key = _PARTS[kind]
            item = next((i for i in getattr(policy, kind) if str(getattr(i, key)) == rest), None)
            if item is not None:
                return f"{noun}: {PAYMENT_METHODS.get(rest, rest) if kind == 'processing_times' else item.label}"
    return _WHOLE.get(rule, rule)


_PARTS = {"deductions": ("Money taken off", "field"), "exceptions": ("Exception", "flag"),
          "processing_times": ("Processing time", "method"), "remedies": ("Remedy", "label")}
_WHOLE = {"window": "Request window", "next_charge_notice": "Notice before the next charge", "currency": "Currency"}


def _leaf_labels() -> dict[str, str]:
    """Each place in a rule the lab's grids edit, by its dotted path, with the grid's column label ('min.pct' ->
    'Min %')."""
    labels: dict[str, str] = {}
    for grid in GRIDS.values():
        for column in grid.columns:
            for end in ("min", "max") if END in column.path else ("",):  # the fee, on whichever end carries it
                path = ".".join(end if p == END else str(p) for p in column.path)
                if path:
                    labels.setdefault(path, LABELS[column.name])
    return labels


_LEAF_LABELS = _leaf_labels()


def _part_in_words(part: str, unclear: str = "") -> str:
    """'min.pct: 75 -> 60' -> 'Min % 75 -> 60'; a clause's quote by its number; a reading of the tier's unclear term
    (`unclear`, its id) by its number and the term, as the lab's table of readings shows them (the audit trail said
    "ambiguity readings 1 label", a walkthrough); a part no grid edits by its path in words
    ('when.deliverables_provided' -> 'when deliverables provided')."""
    path, _, change = part.partition(": ")
    clause = re.fullmatch(r"clauses\.(\d+)\.(section|quote)", path)
    reading = re.fullmatch(r"ambiguity\.readings\.(\d+)\.(.+)", path)
    if clause:
        n, leaf = int(clause.group(1)), clause.group(2)
        label = LABELS[leaf] + (f" (clause {n + 1})" if n else "")
    elif reading:
        leaf = reading.group(2)
        what = {"amount.pct": LABELS["reading_pct"], "label": LABELS["label"]}.get(leaf) or leaf.replace(".", " ")
        label = f"{LABELS['reading']} {int(reading.group(1)) + 1} of {unclear or 'its unclear term'}: {what}"
    else:
        label = _LEAF_LABELS.get(path) or path.replace(".", " ").replace("_", " ")
    return f"{label} {change}"


def _parts(a: Any, b: Any, path: str = "") -> list[str]:
    """The leaves where two versions of a rule differ, each as "where: before -> after"."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [p for k in dict.fromkeys([*a, *b]) for p in _parts(a.get(k), b.get(k), f"{path}.{k}" if path else str(k))]
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and len(a) == len(b):
        return [p for i, (x, y) in enumerate(zip(a, b)) for p in _parts(x, y, f"{path}.{i}" if path else str(i))]
    if a == b:
        return []
    if isinstance(a, str) and isinstance(b, str) and max(len(a), len(b)) > SHOWN_MAX:
        return [f"{path or 'value'}: edited"]  # cut to SHOWN_MAX, a long text's two versions read the same
    return [f"{path or 'value'}: {_shown(a)} -> {_shown(b)}"]


SHOWN_MAX = 60


def _shown(value: Any, limit: int = SHOWN_MAX) -> str:
    text = "none" if value is None else _json(value) if isinstance(value, (dict, list, tuple)) else str(_text(value))
    return clipped(text, limit)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=_text)


def _text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


class Sample(NamedTuple):
    """One sample client's quote under one version: the band in cents (None: not offered), its verdict, and the
    band under each value of the facts it does not give ('' where none matters)."""

    low: Optional[int]
    high: Optional[int]
    verdict: str
    worlds: dict[str, tuple[int, int]]


COLUMNS = ["service", "completion_pct", "days_since_payment", "refund_min_cents_before", "refund_max_cents_before",
           "verdict_before", "refund_min_cents_after", "refund_max_cents_after", "verdict_after", "before", "after",
           "seen", "end", "under"]


def band_changes(old: PolicyFile, new: PolicyFile, amount: Decimal = REFERENCE_AMOUNT) -> pd.DataFrame:
    """Each sample client (service, completion, day) whose quote differs in any way, with both bands in cents
    and words. `seen`: the band as shown changes (what the count counts); `end`: which end of it moved ("min",
    "max", "min and max"; for a change the band hides, the ends that moved under `under`); `under`: each value of
    the facts not given whose band changed, with its band before and after ("deliverables provided: no: $0.00 -
    $10,000.00 -> $5,000.00 - $10,000.00"), '' where no fact not given matters."""
    rows = [row for sid in dict.fromkeys([*old.services, *new.services])  # each service by day, then completion
            for row in sorted(_service_changes(old, new, sid, amount), key=lambda r: (r[2], r[1]))]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["seen"] = frame["seen"].astype(bool)
    return frame


def _service_changes(old: PolicyFile, new: PolicyFile, sid: str, amount: Decimal) -> Iterator[list[Any]]:
    facts = Facts.of(Scenario(provider=new.id, service=sid, amount_paid=amount, completion_pct=Decimal(0),
                              days_since_payment=0))._replace(started=False, stage=None)  # as a curve sees it
    thresholds = sorted({*day_thresholds(old, sid), *day_thresholds(new, sid)})
    days_of_span: dict[int, list[int]] = {}  # days matter only through the clocks: one evaluation per span
    for day in range(LAST_DAY + 1):
        days_of_span.setdefault(bisect_left(thresholds, day), []).append(day)
    for completion in COMPLETIONS:
        for days in days_of_span.values():
            at = facts.at(days=days[0]).at(completion=completion)
            was, now = _sample(old, sid, at), _sample(new, sid, at)
            if was == now:
                continue
            before, after = _quoted(was, old.currency), _quoted(now, new.currency)
            seen = before != after
            end, under = _moved(was, now, seen, old.currency)
            for day in days:
                yield [sid, float(completion), day, was.low, was.high, was.verdict, now.low, now.high, now.verdict,
                       before, after, seen, end, under]


def _sample(policy: PolicyFile, sid: str, facts: Facts) -> Sample:
    if policy.plan(sid) is None:
        return Sample(None, None, "not_offered", {})
    ev = evaluate(policy, sid, facts)
    worlds: dict[str, tuple[int, int]] = {}
    for o in ev.outcomes:
        key, band = _world_words(ev, o), (cents_int(o.low), cents_int(o.high))
        was = worlds.get(key)
        worlds[key] = band if was is None else (min(was[0], band[0]), max(was[1], band[1]))
    return Sample(cents_int(ev.low), cents_int(ev.high), ev.verdict, worlds)


def _world_words(ev: Evaluation, o: Outcome) -> str:
    """The values of the facts not given that this outcome was evaluated under, as an author reads them."""
    parts = []
    if len({w.deliverables for w in ev.worlds}) > 1:
        parts.append(f"deliverables provided: {'yes' if o.world.deliverables else 'no'}")
    if len({w.notice_given for w in ev.worlds}) > 1:
        parts.append("notice given today" if not o.world.notice_given else "notice given long ago (served)")
    if len(ev.stages) > 1:
        parts.append(f"stage: {o.stage.label}")
    return ", ".join(parts)


def _quoted(sample: Sample, currency: str) -> str:
    """The band as a person reads it."""
    if sample.low is None or sample.high is None:
        return "not offered"
    return _band(sample.low, sample.high, currency)


def _band(low_cents: int, high_cents: int, currency: str) -> str:
    return format_range(Decimal(low_cents) / 100, Decimal(high_cents) / 100, currency)


def _ends(was: tuple[Optional[int], Optional[int]], now: tuple[Optional[int], Optional[int]]) -> list[str]:
    return [end for end, a, b in (("min", was[0], now[0]), ("max", was[1], now[1])) if a != b]


def _moved(was: Sample, now: Sample, seen: bool, currency: str) -> tuple[str, str]:
    """Which end of the band moved, and under which values of the facts not given, before and after."""
    keys = list(dict.fromkeys([*was.worlds, *now.worlds]))
    if keys == [""] and seen:
        return " and ".join(_ends((was.low, was.high), (now.low, now.high))), ""  # no fact not given matters

    def band(sample: Sample, key: str) -> Optional[tuple[int, int]]:
        if key in sample.worlds:
            return sample.worlds[key]
        only = list(sample.worlds.values())  # a version where this fact decides nothing: its one band
        return only[0] if len(only) == 1 else None

    said, ends = [], []
    for key in keys:
        a, b = band(was, key), band(now, key)
        if a == b:
            continue
        ends += _ends(a or (None, None), b or (None, None))
        words = (f"{_band(*a, currency) if a else 'not offered'} -> {_band(*b, currency) if b else 'not offered'}")
        said.append(f"{key}: {words}" if key else words)
    if seen:
        ends = _ends((was.low, was.high), (now.low, now.high))
    elif was.verdict != now.verdict:
        said.append(f"verdict: {was.verdict} -> {now.verdict}")
    return " and ".join(e for e in ("min", "max") if e in ends), "; ".join(said)


def summary_lines(old: PolicyFile, new: PolicyFile) -> list[str]:
    """The diff as text: the effective date, the rules, then each service's sample clients whose quote changes
    (the first few of each, with the end that moved and under which facts), then those whose change the band
    hides."""
    lines = [f"{old.name}: {old.version} -> {new.version}"]
    if old.effective_from != new.effective_from:
        lines.append(f"effective date: {_effective(old)} -> {_effective(new)}")
    rules = rule_changes(old, new)
    lines.append(f"{len(rules)} rule(s) changed" + (":" if rules else "."))
    lines += [f"  {r.change}: {r.rule}" + (f": {r.what}" if r.fields else "") for r in rules]
    changed = band_changes(old, new)
    seen, hidden = changed[changed.seen], changed[~changed.seen]
    lines.append(f"{len(seen)} sample client(s) shown another band (services x completion 0-100% by 5 x days "
                 f"0-{LAST_DAY}, {REFERENCE_AMOUNT:,} paid)" + (":" if len(seen) else "."))
    for sid, part in seen.groupby("service", sort=False):
        lines.append(f"  {sid}: {len(part)} client(s)")
        for row in part.head(LISTED).itertuples():
            under = f"; {row.under}" if row.under else ""
            lines.append(f"    {row.completion_pct:g}%, day {row.days_since_payment}: {row.before} -> {row.after} "
                         f"({row.end} moved{under})")
        lines += _more(len(part), LISTED)
    if len(hidden):
        lines.append(f"{len(hidden)} more shown the same band, and another once they give a fact they left out (it "
                     "changes under one value of that fact):")
        for sid, part in hidden.groupby("service", sort=False):
            lines.append(f"  {sid}: {len(part)} client(s)")
            for row in part.head(LISTED_HIDDEN).itertuples():
                lines.append(f"    {row.completion_pct:g}%, day {row.days_since_payment}: {row.before}; {row.under}")
            lines += _more(len(part), LISTED_HIDDEN)
    return lines


LISTED, LISTED_HIDDEN = 5, 3  # sample clients a service lists (the lab's table and --json hold them all)


def _more(count: int, listed: int) -> list[str]:
    """The line under a service's first clients that says how many are not listed ('155 client(s)' above five lines
    read as if five were all, a walkthrough)."""
    return [f"    ... and {count - listed:,} more (--json lists them all)"] if count > listed else []


def _effective(policy: PolicyFile) -> str:
    return policy.effective_from.isoformat() if policy.effective_from else "from the start"
