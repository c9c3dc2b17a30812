"""The policy linter: holes and contradictions an author should see before a client does.

Each finding names its rules (where in the file), a severity and, where the policy already documents it, the
ambiguity that explains it: a finding an ambiguity lists in `explains` is known, and reported as a warning with
that id. `python -m policy lint` exits 1 when an error is left, 2 when a file cannot be read.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Literal, Optional

from pydantic import ValidationError

from .errors import PolicyFileError, describe_all
from .evaluator import Facts, evaluate
from .explain import cite
from .loader import policy_data
from .models import Scenario
from .schema import Amount, Clause, PolicyFile, Stage, Tier
from .taxonomy import DECISIONS, SERVICES

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

# What each finding means, and how serious it is unless an ambiguity of the policy explains it.
CODES: dict[str, tuple[Severity, str]] = {
    "schema": ("error", "the file does not follow the policy schema"),
    "band-gap": ("error", "completion bands leave a gap"),
    "band-overlap": ("warning", "completion bands overlap"),
    "threshold-vs-band": ("error", "a clause's completion threshold contradicts its stage's band"),
    "rising-refund": ("error", "the refund rises as completion or days rise"),
    "shadowed-tier": ("error", "a tier can never apply: an earlier one always does first"),
    "window-vs-clock": ("error", "a stage's clock contradicts the request window"),
    "fee-exceeds-refund": ("error", "a fee is larger than the refund it reduces"),
    "refund-of-excluded": ("error", "a rule refunds money the policy calls non-refundable"),
    "missing-citation": ("error", "a rule has no section or quote"),
    "quote-not-in-text": ("error", "a quote is not found verbatim in the policy text"),
    "ambiguity-missing": ("error", "a rule names an ambiguity the policy does not declare"),
    "ambiguity-unused": ("info", "an ambiguity is declared but no rule uses it"),
    "quote-vs-amount": ("warning", "a rule's clause states a refund percent its amounts do not give"),
}
MONEY_WORDS = {"unused_ad_spend": "ad spend", "third_party_costs": "third-party costs", "taxes_remitted": "tax"}
STATED_BAND = re.compile(r"\((\d+)\s*[-–]\s*(\d+)%")  # "Design Phase (26-50% Complete)"
EXCEEDS = re.compile(r"exceeds (\d+)%")
STATED_REFUND = re.compile(r"\b(\d+(?:\.\d+)?)%\s+refund", re.IGNORECASE)  # "75% Refund: If cancelled ..."
ENDS = {"rule": ("min", "max"), "min": ("min",), "max": ("max",)}  # which ends of its tier a clause decides
PROBE_AMOUNT = Decimal("10000")


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    rules: tuple[str, ...]  # where: "services.website.stages.design.tiers.sb_web_design" and the like
    ambiguity: Optional[str] = None  # the policy's own ambiguity that explains it

    def line(self, name: str) -> str:
        known = f" [known: {self.ambiguity}]" if self.ambiguity else ""
        return f"{name}: {self.severity}: {self.code}: {self.message}{known} ({', '.join(self.rules)})"

    def as_dict(self) -> dict:
        return asdict(self)


class Unreadable(Exception):
    """A file the linter cannot read at all (missing, not UTF-8, not TOML)."""


def read(path: Path) -> dict:
    try:
        return policy_data(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise Unreadable(f"{path}: cannot be read ({exc.__class__.__name__}: {exc})") from None
    except PolicyFileError as exc:  # not TOML, too large, nested too deeply
        raise Unreadable(str(exc)) from None


def lint_data(raw: dict, text: Optional[str]) -> list[Finding]:
    """Every finding for a policy file's data and, when given, the text its quotes must be found in."""
    try:
        policy = PolicyFile.model_validate(raw)
    except ValidationError as exc:
        return list(_schema_findings(exc, raw))
    return lint_policy(policy, text)


def lint_policy(policy: PolicyFile, text: Optional[str]) -> list[Finding]:
    found = [
        *_stated_bands(policy), *_overlaps(policy), *_thresholds(policy), *_rising(policy), *_shadowed(policy),
        *_window_clocks(policy), *_fees(policy), *_excluded_refunds(policy), *_stated_refunds(policy), *_ambiguity_ids(policy),
        *(_verbatim(policy, text) if text is not None else ()),
    ]
    return [_explained(policy, f) for f in found]


def worst(findings: Iterable[Finding]) -> Optional[Severity]:
    levels = {f.severity for f in findings}
    return next((s for s in SEVERITIES if s in levels), None)


# ------------------------------------------------------------------ the checks


def _finding(code: str, message: str, *rules: str) -> Finding:
    return Finding(code, CODES[code][0], message, tuple(rules))


def _schema_findings(exc: ValidationError, raw: dict) -> Iterator[Finding]:
    for err in describe_all(exc, raw):
        text = str(err)
        where = text.split(": ", 1)[0]
        if "no stage covers completion" in text:
            yield _finding("band-gap", text, where)
        elif "nor an ambiguity of this policy" in text:
            yield _finding("ambiguity-missing", text, where)
        elif re.search(r"\.clauses(\.\d+)?(\.(section|quote))?:", text + ":") and (
                "required" in text or "at least" in text):
            yield _finding("missing-citation", text, where)
        else:
            yield _finding("schema", text, where)


def _stages(policy: PolicyFile) -> Iterator[tuple[str, str, Stage]]:
    for sid, service in policy.services.items():
        for stage in service.stages:
            yield sid, f"services.{sid}.stages.{stage.id}", stage


def _stated_bands(policy: PolicyFile) -> Iterator[Finding]:
    """The bands the text states in whole percents, in the stages' quotes ('Design Phase (26-50% Complete)'):
    what lies between 25% and 26% is stated by none."""
    for sid, service in policy.services.items():
        bands: dict[tuple[int, int], str] = {}
        for stage in service.stages:
            words = [c.quote for t in stage.tiers for c in t.clauses]
            for low, high in (band for w in words for band in STATED_BAND.findall(w)):
                bands.setdefault((int(low), int(high)), f"services.{sid}.stages.{stage.id}")
        ordered = sorted(bands)
        for (_, end), (start, _) in pairwise(ordered):
            if start > end:  # '0-25%' then '26-50%': what lies between 25% and 26% no band states
                yield _finding("band-gap", f"{SERVICES[sid]}: the text's bands leave {end}-{start}% to no stage",
                               _band_rule(bands, end), _band_rule(bands, start, first=True))
            elif start < end:
                yield _finding("band-overlap", f"{SERVICES[sid]}: the text's bands overlap at {start}-{end}%",
                               _band_rule(bands, end), _band_rule(bands, start, first=True))


def _band_rule(bands: dict[tuple[int, int], str], edge: int, first: bool = False) -> str:
    return next(rule for (low, high), rule in bands.items() if (low if first else high) == edge)


def _overlaps(policy: PolicyFile) -> Iterator[Finding]:
    """Stages placed by completion that hold the same completion with the same work status."""
    probes = [Decimal(x) / 2 for x in range(201)]
    for sid, service in policy.services.items():
        reported: set[tuple[str, str]] = set()
        for started in (False, True):
            for c in probes if started else probes[:1]:  # work not started means nothing done
                holding = [s for s in service.stages if s.holds(c, started)]
                for a, b in pairwise(holding):
                    if (a.id, b.id) not in reported:
                        reported.add((a.id, b.id))
                        when = "once the work has started" if started else "before the work starts"
                        yield _finding("band-overlap", f"{SERVICES[sid]}: stages {a.id} and {b.id} both hold "
                                       f"{c}% {when}; the quote is the span of both",
                                       f"services.{sid}.stages.{a.id}", f"services.{sid}.stages.{b.id}")


def _thresholds(policy: PolicyFile) -> Iterator[Finding]:
    """'No refund once development exceeds 50%' in a stage whose band starts above 50% and which refunds."""
    for sid, rule, stage in _stages(policy):
        for tier in stage.tiers:
            for c in tier.clauses:
                for pct in EXCEEDS.findall(c.quote):
                    start = stage.completion_above if stage.completion_above is not None else stage.completion_from
                    refunds = [t.id for t in stage.tiers if not _is_zero(t.max)]
                    if start >= Decimal(pct) and refunds:
                        yield _finding("threshold-vs-band", f"{SERVICES[sid]}: '{c.quote}' ({c.section}) falls inside "
                                       f"stage {stage.id}, which starts at {start}% and refunds in {', '.join(refunds)}",
                                       f"{rule}.tiers.{tier.id}")


def _is_zero(a: Amount) -> bool:
    return a.of in ("base", "paid", "remaining_base") and a.pct == 0 and not a.plus


def _probe(policy: PolicyFile, sid: str, completion: Decimal, days: int, started: bool) -> tuple[Decimal, Decimal]:
    scenario = Scenario(provider=policy.id, service=sid, amount_paid=PROBE_AMOUNT, completion_pct=completion,
                        days_since_payment=days, work_started=started, deliverables_provided=started)
    ev = evaluate(policy, sid, Facts.of(scenario), detail=False)
    return ev.low, ev.high


def _rising(policy: PolicyFile) -> Iterator[Finding]:
    """More work done, or more days gone, never gives more money (each service, each end of the band)."""
    for sid in policy.services:
        for days in (0, 10, 25):
            points = ((pct, _probe(policy, sid, Decimal(pct), days, pct > 0)) for pct in range(101))
            yield from _first_rise(sid, points, lambda pct: f"{pct}% done", f"on day {days}")
        for pct in (0, 30, 60):
            points = ((day, _probe(policy, sid, Decimal(pct), day, pct > 0)) for day in range(61))
            yield from _first_rise(sid, points, lambda day: f"day {day}", f"at {pct}%")


def _first_rise(sid: str, points: Iterator[tuple[int, tuple[Decimal, Decimal]]], where: Callable[[int], str],
                held: str) -> Iterator[Finding]:
    """The first step along `points` where either end of the band goes up."""
    last = None
    for x, now in points:
        if last is not None and (now[0] > last[1][0] or now[1] > last[1][1]):
            yield _finding("rising-refund", f"{SERVICES[sid]}: {held} the refund rises from {_band(last[1])} of the "
                           f"payment at {where(last[0])} to {_band(now)} at {where(x)}", f"services.{sid}")
            return
        last = (x, now)


def _stated_refunds(policy: PolicyFile) -> Iterator[Finding]:
    """A deciding clause that says "N% refund" where the tier's plain amounts (a percent of the base or the
    payment) do not reach N: an edited percent whose quote was left as it was, or a quote cited for the wrong tier."""
    for _sid, rule, stage in _stages(policy):
        for tier in stage.tiers:
            for c in tier.clauses:
                stated = {Decimal(n) for n in STATED_REFUND.findall(c.quote)}
                ends = [getattr(tier, end) for end in ENDS.get(c.role, ())]
                if not stated or not ends or any(a.plus or a.cap_pct is not None or a.of not in ("base", "paid")
                                                 for a in ends):
                    continue
                low, high = min(a.pct for a in ends), max(a.pct for a in ends)
                if not any(low <= n <= high for n in stated):
                    gives = f"{low.normalize():f}%" if low == high else f"{low.normalize():f}-{high.normalize():f}%"
                    yield _finding("quote-vs-amount", f"tier {tier.id} refunds {gives}, but its clause {cite(c.section)} "
                                   f"says '{c.quote}'", f"{rule}.tiers.{tier.id}")


def _band(band: tuple[Decimal, Decimal]) -> str:
    low, high = (f"{v / PROBE_AMOUNT * 100:.0f}" for v in band)
    return f"{low}%" if low == high else f"{low}-{high}%"


def _covers(earlier: Tier, later: Tier) -> bool:
    """The earlier tier applies whenever the later one does (tiers are tried in order, the first wins)."""
    a, b = earlier.when, later.when
    return ((a.days_max is None or (b.days_max is not None and b.days_max <= a.days_max))
            and (a.days_min is None or (b.days_min is not None and b.days_min >= a.days_min))
            and (a.work_started is None or a.work_started == b.work_started)
            and (a.deliverables_provided is None or a.deliverables_provided == b.deliverables_provided))


def _shadowed(policy: PolicyFile) -> Iterator[Finding]:
    for _sid, rule, stage in _stages(policy):
        for j, later in enumerate(stage.tiers):
            earlier = next((t for t in stage.tiers[:j] if _covers(t, later)), None)
            if earlier is not None:
                yield _finding("shadowed-tier", f"tier {later.id} never applies: {earlier.id} comes first and "
                               "holds whenever it would", f"{rule}.tiers.{earlier.id}", f"{rule}.tiers.{later.id}")


def _window_clocks(policy: PolicyFile) -> Iterator[Finding]:
    if policy.window is None:
        return
    days = policy.window.days
    for _sid, rule, stage in _stages(policy):
        for tier in stage.tiers:
            when = tier.when
            if when.days_min is not None and when.days_min > days:
                yield _finding("window-vs-clock", f"tier {tier.id} starts on day {when.days_min}, after the "
                               f"{days}-day window has closed", f"{rule}.tiers.{tier.id}", "window")
            elif when.days_max is not None and when.days_max > days:
                yield _finding("window-vs-clock", f"tier {tier.id} runs to day {when.days_max}, past the "
                               f"{days}-day window", f"{rule}.tiers.{tier.id}", "window")


def _fees(policy: PolicyFile) -> Iterator[Finding]:
    for _sid, rule, stage in _stages(policy):
        for tier in stage.tiers:
            for end, amount in (("min", tier.min), ("max", tier.max)):
                if amount.less_fee is not None and amount.less_fee.pct >= amount.pct:
                    yield _finding("fee-exceeds-refund", f"tier {tier.id}'s {end}: a fee of {amount.less_fee.pct}% "
                                   f"takes all of a {amount.pct}% refund", f"{rule}.tiers.{tier.id}.{end}")


def _amount_parts(a: Amount) -> Iterator[str]:
    yield a.of
    for part in a.plus:
        yield from _amount_parts(part)


def _excluded_refunds(policy: PolicyFile) -> Iterator[Finding]:
    """A tier refunds a part of the money (unused ad spend) that a deduction's clause names as non-refundable."""
    for d_index, deduction in enumerate(policy.deductions):
        for c in deduction.clauses:
            for part, words in MONEY_WORDS.items():
                if part == deduction.field or words not in c.quote.lower():
                    continue
                for _sid, rule, stage in _stages(policy):
                    for tier in stage.tiers:
                        if part in {*_amount_parts(tier.min), *_amount_parts(tier.max)}:
                            yield _finding("refund-of-excluded", f"tier {tier.id} refunds {words}, which {cite(c.section)} "
                                           f"lists as non-refundable ('{c.quote}')", f"{rule}.tiers.{tier.id}",
                                           f"deductions.{d_index}")


def _clauses_with_place(policy: PolicyFile) -> Iterator[tuple[str, Clause]]:
    for i, c in enumerate(policy.all_clauses(distinct=lambda c: (id(c),))):
        yield f"clause {i + 1} ({c.section})", c


def _verbatim(policy: PolicyFile, text: str) -> Iterator[Finding]:
    source = squash(text)
    for where, c in _clauses_with_place(policy):
        if squash(c.quote) not in source:
            yield _finding("quote-not-in-text", f"'{c.quote[:80]}' is not in the policy text", where)


def squash(text: str) -> str:
    """Whitespace as one space: a quote is verbatim whatever the line breaks."""
    return re.sub(r"\s+", " ", text).strip()


def _ambiguity_ids(policy: PolicyFile) -> Iterator[Finding]:
    declared = {a.id for a in policy.ambiguities}
    used: dict[str, str] = {}
    for _sid, rule, stage in _stages(policy):
        for tier in stage.tiers:
            if tier.ambiguity:
                used.setdefault(tier.ambiguity.id, f"{rule}.tiers.{tier.id}")
            for c in tier.clauses:
                if c.decision:
                    used.setdefault(c.decision, f"{rule}.tiers.{tier.id}")
    for where, c in _clauses_with_place(policy):
        if c.decision:
            used.setdefault(c.decision, where)
    for name, where in used.items():
        if name not in declared and name not in DECISIONS:
            yield _finding("ambiguity-missing", f"'{name}' is neither an ambiguity of this policy nor a decision of "
                           "decisions.md", where)
    for a in policy.ambiguities:
        if a.id not in used and not a.explains:
            yield _finding("ambiguity-unused", f"{a.id} ({a.title}) is declared, but no rule names it and it "
                           "explains no finding", f"ambiguities.{a.id}")


def _explained(policy: PolicyFile, f: Finding) -> Finding:
    """A finding the policy documents (an ambiguity lists its code, and a rule it names is that ambiguity's
    service, or any) is known: reported with that id, as a warning at most."""
    for a in policy.ambiguities:
        for code in a.explains:
            name, _, scope = code.partition(":")
            if name == f.code and (not scope or any(scope in r for r in f.rules)):
                severity: Severity = "warning" if f.severity == "error" else f.severity
                return replace(f, severity=severity, ambiguity=a.id)
    return f
