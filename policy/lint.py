"""The policy linter: holes and contradictions an author should see before a client does.

Each finding names its rules (where in the file), a severity, a key that names it exactly (its code, its service
and what it is about: the tiers or stages, or the completion and day points), and, where the policy already
documents it, the ambiguity that explains it. A finding is known only where an ambiguity lists its key in
`explains` (decisions.md 5 'known findings'): it is then reported as a warning with that id. A new finding of the
same kind elsewhere (another gap, another rise) has another key and stays what it is.

`lint_against(previous, new, text)` lints a new version against the one in force before it as well: a reading
of an ambiguity left as it was while the tier whose amount it gave has changed is a warning. Publishing refuses
a version with an error (store/policy_versions.py). `python -m policy lint` exits 1 when an error is left, 2 when
a file cannot be read.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Optional

from pydantic import ValidationError

from .amount_words import amount_words
from .errors import PolicyFileError, describe_all
from .evaluator import NOTICE_SERVED, Facts, World, amount, evaluate
from .explain import cite
from .loader import policy_data
from .models import Scenario
from .money import HUNDRED, to_cents
from .periods import stated_days
from .schema import Amount, Clause, PolicyFile, Reading, Stage, Tier, clause_key
from .taxonomy import DECISIONS, SERVICES
from .words import clipped

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
    "quote-vs-amount": ("error", "a rule's clause states a refund percent its amounts do not give"),
    "reading-outside-band": ("error", "a reading of an ambiguity gives an amount outside its tier's band"),
    "reading-unchanged": ("warning", "a reading was left as it was while the tier whose amount it gave changed"),
    "quote-unchanged": ("warning", "a clause was left as it was while the percent or fee it states changed"),
    "quote-restated": ("warning", "a clause now states another percent than the unchanged end of its tier it decides"),
    "label-unchanged": ("warning", "a tier's label was left stating the old percent or fee of an end that moved (a "
                                   "percent still inside the band, which label-vs-amount does not see)"),
    "label-vs-amount": ("warning", "a tier's own words (its label) state a percent its amounts do not give"),
    "quote-vs-days": ("error", "a rule's clause states a time limit its days do not give"),
    "label-vs-days": ("warning", "a tier's own words (its label) state a time limit its days do not give"),
    "window-vs-days": ("error", "the request window's clause states a time limit its days do not give"),
    "reading-label-vs-amount": ("warning", "a reading's words state a refund its amount does not give"),
    "explains-unmatched": ("warning", "an ambiguity explains a finding the linter does not find"),
    "other-provider-named": ("warning", "the policy's own words name another provider (a file copied from theirs)"),
    "client-words-missing": ("info", "a tier's ambiguity has no question for a client: a client reads the author's "
                                     "title and readings"),
}
# findings about what an edit changed (lint_against)
OF_THE_EDIT = ("reading-unchanged", "quote-unchanged", "quote-restated", "label-unchanged")


def in_reading_order(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; within each, the findings about the edit itself first (an edit's
    one new warning was the last of some twenty)."""
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.code not in OF_THE_EDIT))


def named(f: Finding) -> tuple[str, str]:
    """A finding as the same finding of another version: its code and its key (its message where it has none)."""
    return f.code, f.key or f.message


def of_the_edit(findings: Iterable[Finding], before: Iterable[Finding]) -> list[Finding]:
    """An edit's own findings, in reading order: every error, and each finding the version before did not have
    (`before`: that version's own findings, linted alone)."""
    had = {named(f) for f in before}
    return [f for f in in_reading_order(findings) if f.severity == "error" or named(f) not in had]


def edit_warnings(findings: Iterable[Finding], before: Iterable[Finding]) -> list[Finding]:
    """The warnings an edit brings: a publish asks its author to accept them, and the audit trail lists them. Not
    only those about what it changed (OF_THE_EDIT): the lab said "no warning about this edit" beside a new
    label-vs-amount warning of it (a walkthrough). Not an ambiguity's list left naming a finding the edit removed
    (NO_CONSENT): nothing of the terms is wrong, and a finding that took its place is reported on its own (a shorter
    window asked its author to publish "despite 2 warnings" about rises it had not touched, a walkthrough)."""
    return [f for f in of_the_edit(findings, before) if f.severity == "warning" and f.code not in NO_CONSENT]


NO_CONSENT = ("explains-unmatched",)  # warnings of an edit that say, but need no author's consent to publish


def edit_notes(findings: Iterable[Finding], before: Iterable[Finding]) -> list[Finding]:
    """The warnings an edit brings that need no consent (NO_CONSENT): said, with how to tidy them."""
    return [f for f in of_the_edit(findings, before) if f.code in NO_CONSENT]


MONEY_WORDS = {"unused_ad_spend": "ad spend", "third_party_costs": "third-party costs", "taxes_remitted": "tax"}
STATED_BAND = re.compile(r"\((\d+)\s*[-–]\s*(\d+)%")  # "Design Phase (26-50% Complete)"
EXCEEDS = re.compile(r"exceeds (\d+)%")
STATED_REFUND = re.compile(r"\b(\d+(?:\.\d+)?)%\s+refund", re.IGNORECASE)  # "75% Refund: If cancelled ..."
# "a full refund" is 100%, said in words (a tier cut from 100% to 90% under "you may request a full refund" had no
# finding, a walkthrough); not "partial or full refund", "no full refunds", "less than the full refund"
FULL_REFUND = re.compile(r"(?<!partial or )(?<!no )(?<!than the )\bfull refund", re.IGNORECASE)


def stated_refunds(words: str, percents: re.Pattern[str], tier: Tier) -> set[Decimal]:
    """The refund percents a clause or a label of `tier` states: in figures (`percents`), and a full refund in words
    where they are the tier's: words giving it a time ("a full refund within 7 days of purchase") are of a tier that
    ends within that time (the tier after it cites them for why it gives nothing)."""
    stated = {Decimal(n) for n in percents.findall(words)}
    days, last = stated_days(words), tier.when.days_max
    within = not days or (last is not None and last <= max(days))
    return stated | {Decimal(100)} if FULL_REFUND.search(words) and within else stated

ENDS = {"rule": ("min", "max"), "min": ("min",), "max": ("max",)}  # which ends of its tier a clause decides
PROBE_AMOUNT = Decimal("10000")
PROBE_AD_SPEND = (Decimal(0), Decimal("2000"))  # readings are checked with no ad spend left and with some


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    rules: tuple[str, ...]  # where: "services.website.stages.design.tiers.sb_web_design" and the like
    ambiguity: Optional[str] = None  # the policy's own ambiguity that explains it
    service: str = ""  # the service it is in ("" for the file as a whole)
    about: str = ""  # what exactly: tier or stage ids, or the completion and day points
    # rules named only as what the finding's own rules are measured against (the tier whose old amount a reading
    # still gives): a quote they decide is not one the finding is about (ui/show.py said it was, a walkthrough)
    measured_against: tuple[str, ...] = ()

    @property
    def named(self) -> tuple[str, ...]:
        """Every rule the finding names, once: its own, then those it is measured against (a reading of its own
        tier's end is measured against that tier: named twice, a walkthrough's screenshot)."""
        return tuple(dict.fromkeys((*self.rules, *self.measured_against)))

    @property
    def key(self) -> str:
        """How an ambiguity's `explains` names this finding, and only this one: "band-gap:website:25-26%"."""
        return ":".join(part for part in (self.code, self.service, self.about) if part)

    def line(self, name: str) -> str:
        known = f" [known: {self.ambiguity}]" if self.ambiguity else ""
        key = f" [key: {self.key}]" if not self.ambiguity and self.severity != "info" else ""
        return f"{name}: {self.severity}: {self.code}: {self.message}{known} ({', '.join(self.named)}){key}"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "key": self.key}


class Unreadable(Exception):
    """A file the linter cannot read at all (missing, not UTF-8, not TOML)."""


def read(path: Path) -> dict[str, Any]:
    try:
        return policy_data(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise Unreadable(f"{path}: cannot be read ({exc.__class__.__name__}: {exc})") from None
    except PolicyFileError as exc:  # not TOML, too large, nested too deeply
        raise Unreadable(str(exc)) from None


def lint_data(raw: dict[str, Any], text: Optional[str], others: Mapping[str, str] = MappingProxyType({})) -> list[Finding]:
    """Every finding for a policy file's data and, when given, the text its quotes must be found in; `others`: the
    other providers' names (id -> name)."""
    try:
        policy = PolicyFile.model_validate(raw)
    except ValidationError as exc:
        return list(_schema_findings(exc, raw))
    return lint_against(None, policy, text, others)


def lint_policy(policy: PolicyFile, text: Optional[str]) -> list[Finding]:
    return lint_against(None, policy, text)


def lint_against(previous: Optional[PolicyFile], policy: PolicyFile, text: Optional[str],
                 others: Mapping[str, str] = MappingProxyType({})) -> list[Finding]:
    """Every finding for `policy` (and its text, when given); with `previous`, the version in force before it,
    also each reading it left as it was while the tier whose amount it gave changed; with `others` (the other
    providers of the catalog: id -> name), each of the policy's own words that names one of them."""
    found = [
        *_others_named(policy, others),
        *_stated_bands(policy), *_overlaps(policy), *_thresholds(policy), *_rising(policy), *_shadowed(policy),
        *_window_clocks(policy), *_fees(policy), *_excluded_refunds(policy), *_stated_refunds(policy), *_stated_labels(policy),
        *_stated_periods(policy), *_stated_window(policy),
        *_readings_outside(policy), *_stated_readings(policy), *_ambiguity_ids(policy),
        *(_verbatim(policy, text) if text is not None else ()),
        *(_unchanged(previous, policy) if previous is not None and previous.id == policy.id else ()),
    ]
    return [*(_explained(policy, f) for f in found), *_unmatched(policy, found, text is not None)]


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def worst(findings: Iterable[Finding]) -> Optional[Severity]:
    levels = {f.severity for f in findings}
    return next((s for s in SEVERITIES if s in levels), None)


def in_words(findings: Iterable[Finding], limit: int = 5) -> str:
    """Findings as one sentence each (the first `limit`, the rest counted): what a refusal says."""
    found = list(dict.fromkeys(f"{f.code}: {f.message}" for f in findings))  # a quote used twice is said once
    said = found[:limit]
    more = len(found) - limit
    return "; ".join(said) + (f"; and {more} more" if more > 0 else "")


# ------------------------------------------------------------------ the checks


# The policy's own words for a person: labels, questions, readings, contact. Not the quotes and the text (the
# provider's words, which may name another), nor ids and settings.
NOT_OWN_WORDS = frozenset(("quote", "source", "id", "version", "currency", "section", "reading", "decision", "role",
                           "explains", "of", "kind"))


def _own_words(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(where, words) of each string of a policy's data that is its author's words (list items named by their id)."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in NOT_OWN_WORDS:
                yield from _own_words(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            part = value.get("id", i) if isinstance(value, dict) else i
            yield from _own_words(value, f"{path}.{part}")


def _others_named(policy: PolicyFile, others: Mapping[str, str]) -> Iterator[Finding]:
    """A policy made from another's file (its TOML downloaded, its id and name changed) kept that provider's name in
    its own words: a walkthrough's "Acme Ads" told its clients to "Write to Step-Into's support email"."""
    names = {name for pid, name in others.items() if pid != policy.id and name.casefold() != policy.name.casefold()}
    if not names:
        return
    found = [(name, re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)) for name in sorted(names)]
    for where, words in _own_words(policy.model_dump(mode="json")):
        for name, pattern in found:
            if pattern.search(words):
                yield _finding("other-provider-named", f"{where} names {name}, another provider of this app: "
                               f"'{clipped(words, 120)}'; say {policy.name} (or the provider) there", where,
                               about=f"{where}, {name}")


def _finding(code: str, message: str, *rules: str, about: str = "", measured_against: tuple[str, ...] = ()) -> Finding:
    service = rules[0].split(".")[1] if rules and rules[0].startswith("services.") and rules[0].count(".") else ""
    return Finding(code, CODES[code][0], message, tuple(rules), service=service, about=about,
                   measured_against=measured_against)


def _schema_findings(exc: ValidationError, raw: dict[str, Any]) -> Iterator[Finding]:
    for err in describe_all(exc, raw):
        text = str(err)
        where = text.split(": ", 1)[0]
        if "no stage covers completion" in text:
            yield _finding("band-gap", text, where, about=where)
        elif "nor an ambiguity of this policy" in text:
            yield _finding("ambiguity-missing", text, where, about=where)
        elif re.search(r"\.clauses(\.\d+| #\d+)?(\.(section|quote))?:", text + ":") and (
                "required" in text or "at least" in text):
            yield _finding("missing-citation", text, where, about=where)
        else:
            yield _finding("schema", text, where, about=where)


def _stages(policy: PolicyFile) -> Iterator[tuple[str, str, Stage]]:
    for sid, service in policy.services.items():
        for stage in service.stages:
            yield sid, f"services.{sid}.stages.{stage.id}", stage


def _tiers(policy: PolicyFile) -> Iterator[tuple[str, str, Stage, Tier]]:
    """Every tier with its service and its rule path."""
    for sid, rule, stage in _stages(policy):
        for tier in stage.tiers:
            yield sid, f"{rule}.tiers.{tier.id}", stage, tier


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
                               _band_rule(bands, end), _band_rule(bands, start, first=True), about=f"{end}-{start}%")
            elif start < end:
                yield _finding("band-overlap", f"{SERVICES[sid]}: the text's bands overlap at {start}-{end}%",
                               _band_rule(bands, end), _band_rule(bands, start, first=True), about=f"{start}-{end}%")


def _band_rule(bands: dict[tuple[int, int], str], edge: int, first: bool = False) -> str:
    return next(rule for (low, high), rule in bands.items() if (low if first else high) == edge)


def _overlaps(policy: PolicyFile) -> Iterator[Finding]:
    """Stages placed by completion that hold the same completion with the same work status."""
    probes = [Decimal(x) / 2 for x in range(201)]
    for sid, service in policy.services.items():
        spans: dict[tuple[str, str], tuple[bool, Decimal, Decimal]] = {}  # a pair -> the first work status, its span
        for started in (False, True):
            for c in probes if started else probes[:1]:  # work not started means nothing done
                holding = [s for s in service.stages if s.holds(c, started)]
                for a, b in pairwise(holding):
                    first = spans.setdefault((a.id, b.id), (started, c, c))
                    if first[0] == started:
                        spans[a.id, b.id] = (started, first[1], c)
        stages = {s.id: s for s in service.stages}
        for (a_id, b_id), (started, low, high) in spans.items():
            when = "once the work has started" if started else "before the work starts"
            # the whole span, not its first point ('both hold 20%' of 20-25% read as one point, a walkthrough)
            held = f"{low}%" if low == high else _shared_band(stages[a_id], stages[b_id])
            yield _finding("band-overlap", f"{SERVICES[sid]}: stages {a_id} and {b_id} both hold {held} {when}; the "
                           "quote is the span of both", f"services.{sid}.stages.{a_id}", f"services.{sid}.stages.{b_id}",
                           about=f"{a_id} & {b_id}")


def _shared_band(a: Stage, b: Stage) -> str:
    """The completion two stages both cover, in words: 'from 26% to under 51%', 'from above 25% to 50%'."""
    both = (a, b)
    lows = [(s.completion_from, False) for s in both] + [(s.completion_above, True) for s in both
                                                         if s.completion_above is not None]
    highs = [(s.completion_below, True) for s in both if s.completion_below is not None] + [
        (s.completion_to, False) for s in both if s.completion_to is not None] + [(HUNDRED, False)]
    low, above = max(lows)  # at one value, the end that excludes it is the stricter: (v, True) > (v, False)
    high, below = min(highs, key=lambda end: (end[0], not end[1]))
    return f"from {'above ' if above else ''}{low}% to {'under ' if below else ''}{high}%"


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
                                       f"{rule}.tiers.{tier.id}", about=tier.id)


def _is_zero(a: Amount) -> bool:
    return a.of in ("base", "paid", "remaining_base") and a.pct == 0 and not a.plus


def _probe_facts(policy: PolicyFile, sid: str, completion: Decimal, days: int, started: bool) -> Facts:
    return Facts.of(Scenario(provider=policy.id, service=sid, amount_paid=PROBE_AMOUNT, completion_pct=completion,
                             days_since_payment=days, work_started=started, deliverables_provided=started))


def _probe(policy: PolicyFile, sid: str, completion: Decimal, days: int, started: bool) -> tuple[Decimal, Decimal]:
    ev = evaluate(policy, sid, _probe_facts(policy, sid, completion, days, started), detail=False)
    return ev.low, ev.high


def _rising(policy: PolicyFile) -> Iterator[Finding]:
    """More work done, or more days gone, never gives more money (each service, each end of the band): every
    place along the probes' lines where the band goes up, each its own finding."""
    for sid in policy.services:
        for days in (0, 10, 25):
            yield from _rises(policy, sid, Line("completion", days), range(101))
        for pct in (0, 30, 60):
            yield from _rises(policy, sid, Line("days", pct), range(61))


@dataclass(frozen=True)
class Line:
    """A line of probes: along completion on one day, or along the days at one completion."""
    along: Literal["completion", "days"]
    held: int  # the day, or the completion

    def facts(self, x: int) -> tuple[Decimal, int, bool]:
        """(completion, day, work started) at point x of the line."""
        pct = x if self.along == "completion" else self.held
        return Decimal(pct), self.held if self.along == "completion" else x, pct > 0

    def where(self, x: int) -> str:
        return f"{x}% done" if self.along == "completion" else f"day {x}"

    def about(self, a: int, b: int) -> str:
        if self.along == "completion":
            return f"day {self.held}, {a}% -> {b}% done"
        return f"{self.held}% done, day {a} -> {b}"

    @property
    def said(self) -> str:
        return f"on day {self.held}" if self.along == "completion" else f"at {self.held}%"


def _rises(policy: PolicyFile, sid: str, line: Line, xs: range) -> Iterator[Finding]:
    """Each run of steps along `line` where either end of the band goes up, with the tiers at its two ends."""
    bands = [_probe(policy, sid, *line.facts(x)) for x in xs]
    start: Optional[int] = None
    for i in range(1, len(bands) + 1):
        rising = i < len(bands) and (bands[i][0] > bands[i - 1][0] or bands[i][1] > bands[i - 1][1])
        if rising and start is None:
            start = i - 1
        elif not rising and start is not None:
            a, b = xs[start], xs[i - 1]
            rules = [*_deciding(policy, sid, *line.facts(a)), *_deciding(policy, sid, *line.facts(b))]
            yield _finding("rising-refund", f"{SERVICES[sid]}: {line.said} the refund rises from {_band(bands[start])} "
                           f"of the payment at {line.where(a)} to {_band(bands[i - 1])} at {line.where(b)}",
                           *dict.fromkeys(rules), about=line.about(a, b))
            start = None


def _deciding(policy: PolicyFile, sid: str, completion: Decimal, days: int, started: bool) -> list[str]:
    """The rule paths of the tiers that decide a probe's band."""
    ev = evaluate(policy, sid, _probe_facts(policy, sid, completion, days, started))
    return [f"services.{sid}.stages.{o.stage.id}.tiers.{o.tier.id}" for o in ev.outcomes] or [f"services.{sid}"]


def _stated_refunds(policy: PolicyFile) -> Iterator[Finding]:
    """A deciding clause that says "N% refund" where the tier's plain amounts (a percent of the base or the
    payment) do not reach N: an edited percent whose quote was left as it was, or a quote cited for the wrong tier."""
    for _sid, rule, _stage, tier in _tiers(policy):
        for c in tier.clauses:
            stated = stated_refunds(c.quote, STATED_REFUND, tier)
            ends = [getattr(tier, end) for end in ENDS.get(c.role, ())]
            if not stated or not ends or any(a.plus or a.cap_pct is not None or a.of not in ("base", "paid")
                                             for a in ends):
                continue
            low, high = min(a.pct for a in ends), max(a.pct for a in ends)
            if not any(low <= n <= high for n in stated):
                gives = f"{low.normalize():f}%" if low == high else f"{low.normalize():f}-{high.normalize():f}%"
                yield _finding("quote-vs-amount", f"tier {tier.id} refunds {gives}, but its clause {cite(c.section)} "
                               f"says '{c.quote}'", rule, about=tier.id)


STATED_PERCENT = re.compile(r"(\d+(?:\.\d+)?)%(?!\s*complet)", re.IGNORECASE)  # a refund, not "50% completion"


def _stated_labels(policy: PolicyFile) -> Iterator[Finding]:
    """A tier whose label states percents none of which its plain amounts reach: its percent edited, its words left
    ("Cancelled during initial consultations and planning: 75%" beside a tier of 60%). A label may name a fee or
    another tier's percent as well, so one stated percent within the band is enough."""
    for _sid, rule, _stage, tier in _tiers(policy):
        stated = stated_refunds(tier.label or "", STATED_PERCENT, tier)
        band = _plain_band(tier)
        if not stated or band is None:
            continue
        low, high = band
        if not any(low <= n <= high for n in stated):
            gives = f"{low.normalize():f}%" if low == high else f"{low.normalize():f}-{high.normalize():f}%"
            yield _finding("label-vs-amount", f"tier {tier.id} refunds {gives}, but its label says '{tier.label}'",
                           rule, about=tier.id)


def _plain_band(tier: Tier) -> Optional[tuple[Decimal, Decimal]]:
    """The lowest and highest percent of a tier both of whose ends are a plain percent of the base or the payment;
    else None (a fee, a cap or another part: its words may state figures the band does not hold)."""
    ends = (tier.min, tier.max)
    if any(a.plus or a.cap_pct is not None or a.of not in ("base", "paid") for a in ends):
        return None
    return min(a.pct for a in ends), max(a.pct for a in ends)


def _stated_periods(policy: PolicyFile) -> Iterator[Finding]:
    """A tier whose words say "within 48 hours" while its days run to day 3: its days edited, its words left (a
    walkthrough published that edit with no finding, and the calculator said "ask by day 3" under a quote of 48
    hours). A clause is an error, as a stated percent is; a label, a warning."""
    for _sid, rule, _stage, tier in _tiers(policy):
        last = tier.when.days_max
        if last is None:
            continue
        day = f"day {last}" if last else "the day of payment"
        for c in tier.clauses:
            stated = stated_days(c.quote)
            if c.role != "context" and stated and last not in stated:
                yield _finding("quote-vs-days", f"tier {tier.id} applies up to {day}, but its clause {cite(c.section)} "
                                                f"says '{c.quote}'", rule, about=tier.id)
        stated = stated_days(tier.label)
        if stated and last not in stated:
            yield _finding("label-vs-days", f"tier {tier.id} applies up to {day}, but its label says '{tier.label}'",
                           rule, about=tier.id)


def _stated_window(policy: PolicyFile) -> Iterator[Finding]:
    """The request window's days edited, its clause left saying the old ones: a walkthrough made Social Beat's 30
    days 21 with no finding, and a request on day 26 was refused by a clause quoted as saying 30 days."""
    window = policy.window
    if window is None:
        return
    for c in window.clauses:
        stated = stated_days(c.quote)
        if c.role != "context" and stated and window.days not in stated:
            yield _finding("window-vs-days", f"the request window is {window.days} days, but its clause "
                                             f"{cite(c.section)} says '{c.quote}'", "window", about="window")


STATED_WORDS = {"no refund": Decimal(0), "full refund": Decimal(100)}  # a reading's refund in words


def _stated_readings(policy: PolicyFile) -> Iterator[Finding]:
    """A reading of a tier's unclear words that states a refund ("'and' intended: no refund", "the next phase's 75%")
    its plain amount does not give: its amount edited, its words left (a walkthrough read "'and' intended: no
    refund" beside $500.00 on Compare, and the linter said nothing). A reading with a fee, a cap or another base
    names more than its refund: not read."""
    for _sid, rule, _stage, tier in _tiers(policy):
        unclear = tier.ambiguity
        if unclear is None:
            continue
        for r in unclear.readings:
            a = r.amount
            if a.plus or a.cap_pct is not None or a.less_fee is not None or a.of not in ("base", "paid"):
                continue
            said = r.label.casefold()
            stated = {Decimal(n) for n in STATED_PERCENT.findall(said)} | {v for w, v in STATED_WORDS.items() if w in said}
            if stated and a.pct not in stated:
                yield _finding("reading-label-vs-amount", f"{unclear.id}'s reading \u201c{r.label}\u201d of tier "
                               f"{tier.id} gives {a.pct.normalize():f}%, which its words do not say", rule,
                               about=f"{tier.id}, {r.label}")


def _band(band: tuple[Decimal, Decimal]) -> str:
    low, high = (f"{v / PROBE_AMOUNT * 100:.0f}" for v in band)
    return f"{low}%" if low == high else f"{low}-{high}%"


def _share(value: Decimal) -> str:
    """An amount of the probe's payment as a percent of it, as an author reads it (75%, 98.5%)."""
    pct = to_cents(value / PROBE_AMOUNT * 100)
    return f"{pct.normalize():f}%"


def _span(low: Decimal, high: Decimal) -> str:
    return _share(low) if low == high else f"{_share(low)[:-1]}-{_share(high)}"


def _readings_outside(policy: PolicyFile) -> Iterator[Finding]:
    """decisions.md 5 'reading amounts': an ambiguity's readings are amounts of its tier, so each lies inside the
    tier's band wherever the tier applies: every completion its stage holds, with no ad spend left and with
    some, and each value of the notice the amounts read."""
    for sid, rule, stage, tier in _tiers(policy):
        if tier.ambiguity is None:
            continue
        plan = policy.plan(sid)
        assert plan is not None
        amounts = [tier.min, tier.max, *(r.amount for r in tier.ambiguity.readings)]
        notices = (0, NOTICE_SERVED) if any(a.of == "unused_after_notice" for a in amounts) else (None,)
        completions = [Decimal(c) for c in range(101) if stage.covers(Decimal(c))] or [stage.completion_from]
        outside: dict[str, str] = {}
        for ad in PROBE_AD_SPEND:
            facts = Facts.of(Scenario(provider=policy.id, service=sid, amount_paid=PROBE_AMOUNT, completion_pct=0,
                                      days_since_payment=tier.when.days_min or 0, unused_ad_spend=ad))
            base = PROBE_AMOUNT - sum((getattr(facts.scenario, f) for f in plan.deduction_fields), Decimal(0))
            for completion in completions:
                at = facts.at(completion=completion)
                for notice in notices:
                    world = World(None, notice)
                    low, high = (to_cents(amount(a, base, at, world)) for a in (tier.min, tier.max))
                    for r in tier.ambiguity.readings:
                        value = to_cents(amount(r.amount, base, at, world))
                        if r.label not in outside and not low <= value <= high:
                            spend = f", {_share(ad)} of it unused ad spend" if ad else ""
                            where = f" (at {completion}% done{spend})" if len(completions) > 1 or ad else ""
                            outside[r.label] = (f"{tier.ambiguity.id}'s reading \u201c{r.label}\u201d of tier {tier.id} "
                                                f"gives {_share(value)} of the payment, outside the tier's own "
                                                f"{_span(low, high)}{where}: change that reading's amount to lie within "
                                                f"the tier's band, or change the tier's minimum or maximum back")
        for label, message in outside.items():
            yield _finding("reading-outside-band", message, rule, about=f"{tier.id}, {label}")


def _unchanged(previous: PolicyFile, policy: PolicyFile) -> Iterator[Finding]:
    """What an edit left as it was while the amounts it was about changed, and words it changed away from them."""
    yield from _unchanged_readings(previous, policy)
    yield from _unchanged_quotes(previous, policy)
    yield from _restated_quotes(previous, policy)


STATED_MONEY = re.compile(r"\$\s?(\d[\d,]*(?:\.\d+)?)")  # '$100', '$1,000.00'


def _fee_figures(was: Amount, now: Amount) -> Iterator[tuple[str, Decimal, Decimal, Callable[[str], set[Decimal]]]]:
    """The figures of an end's fee that an edit changed: (what, before, after, the figures of that kind words state)."""
    if was.less_fee is None or now.less_fee is None:
        return
    if was.less_fee.pct != now.less_fee.pct:
        yield "fee", was.less_fee.pct, now.less_fee.pct, lambda words: {Decimal(n) for n in STATED_PERCENT.findall(words)}
    if was.less_fee.cap != now.less_fee.cap:
        yield "fee cap", was.less_fee.cap, now.less_fee.cap, \
            lambda words: {Decimal(n.replace(",", "")) for n in STATED_MONEY.findall(words)}


def _ends_of_both(previous: PolicyFile, policy: PolicyFile) -> Iterator[tuple[str, Tier, Tier, str]]:
    """(rule, the tier before, the tier now, 'min' or 'max') of each end of a tier both versions have."""
    before = {rule: tier for _sid, rule, _stage, tier in _tiers(previous)}
    for _sid, rule, _stage, tier in _tiers(policy):
        old = before.get(rule)
        if old is not None:
            yield from ((rule, old, tier, end) for end in ("min", "max"))


def _unchanged_quotes(previous: PolicyFile, policy: PolicyFile) -> Iterator[Finding]:
    """A tier's end that moved (sb_web_design_concepts' maximum from 50% to 60%) while the clause deciding it,
    unchanged, still states the old percent ('50% Refund: ...'), or its fee's old figure (a fee capped at $50 beside
    '10% or $100 (whichever is less)', a walkthrough): the quote a client is shown says another number than the
    refund. (A tier may state one percent and give a wider band by design: only the edit is flagged.)"""
    for rule, old, tier, end in _ends_of_both(previous, policy):
        was, now = getattr(old, end), getattr(tier, end)
        if was == now:
            continue
        kept = {clause_key(c) for c in old.clauses}
        # against the version named: the lab shows it for an edit, Policy terms for a version published ("in this
        # edit" there read as about an edit not made, a walkthrough)
        went = f"tier {tier.id}'s {end}imum went from {amount_words(was, policy.currency)} in version " \
               f"{previous.version} to {amount_words(now, policy.currency)}"
        for c in tier.clauses:
            if end in ENDS.get(c.role, ()) and clause_key(c) in kept \
                    and _states_the_old(c.quote, stated_refunds(c.quote, STATED_REFUND, tier), was, now):
                yield _finding("quote-unchanged", f"{went}, but its clause {cite(c.section)} still says '{c.quote}'",
                               rule, about=f"{tier.id}, {end}")
        label = tier.label or ""
        stated = stated_refunds(label, STATED_PERCENT, tier)
        band = _plain_band(tier)
        # a label stating a percent the band no longer holds is label-vs-amount's; this one is the label of a tier of
        # 75% made 60-75% left saying "...: 75%" (a walkthrough), its minimum without words
        if label == old.label and _states_the_old(label, stated, was, now) \
                and (band is None or any(band[0] <= n <= band[1] for n in stated)):
            yield _finding("label-unchanged", f"{went}, but its label still says '{label}'", rule,
                           about=f"{tier.id}, {end}")


def _states_the_old(words: str, stated: set[Decimal], was: Amount, now: Amount) -> bool:
    """Words (stating the refund percents `stated`) that state an end's old percent or fee figure, and not its new
    one."""
    return (was.pct in stated and now.pct not in stated) or any(
        a in figures(words) and b not in figures(words) for _, a, b, figures in _fee_figures(was, now))


def _restated_quotes(previous: PolicyFile, policy: PolicyFile) -> Iterator[Finding]:
    """A tier's end that stayed (Discovery's maximum, 75%) while the clause deciding it was made to state another
    percent ('60% Refund: ...' when the minimum became 60%): the 75% a client is quoted is left without words (a
    walkthrough published it, and the calculator showed $6,000.00 - $7,500.00 beside '60% Refund' alone)."""
    for rule, old, tier, end in _ends_of_both(previous, policy):
        was, now = getattr(old, end), getattr(tier, end)
        if was != now or now.less_fee is not None or now.cap_pct is not None or now.plus:
            continue
        kept = {clause_key(c) for c in old.clauses}
        stating = {c.section for c in old.clauses
                   if end in ENDS.get(c.role, ()) and now.pct in stated_refunds(c.quote, STATED_REFUND, old)}
        for c in tier.clauses:
            stated = stated_refunds(c.quote, STATED_REFUND, tier)
            if end in ENDS.get(c.role, ()) and clause_key(c) not in kept and c.section in stating and stated \
                    and now.pct not in stated:
                yield _finding("quote-restated", f"tier {tier.id}'s {end}imum stays {amount_words(now, policy.currency)}, "
                               f"but its clause {cite(c.section)} now says '{c.quote}' (in version {previous.version}, "
                               f"it stated {amount_words(now, policy.currency)})", rule, about=f"{tier.id}, {end}")


@dataclass(frozen=True)
class ReadingLeft:
    """A reading left as it was while the tier whose amount it gave in the version before moved."""
    rule: str  # the reading's own tier
    tier: Tier
    index: int  # of the reading in its ambiguity
    reading: Reading
    source: str  # the rule path of the tier whose amount it gave
    ends: tuple[str, ...]  # which ends of that tier ("min", "max")
    now: Optional[Tier]  # that tier now (None: gone)


def readings_left(previous: PolicyFile, policy: PolicyFile) -> Iterator[ReadingLeft]:
    """Each reading that gave the amount of a tier of its service in the version before (the next phase's 75%),
    left as it was while no tier that gave that amount gives it any more (the next phase now refunds 60%)."""
    before = {rule: (sid, tier) for sid, rule, _stage, tier in _tiers(previous)}
    now = {rule: tier for _sid, rule, _stage, tier in _tiers(policy)}
    for sid, rule, _stage, tier in _tiers(policy):
        old = before.get(rule)
        if tier.ambiguity is None or old is None or old[1].ambiguity is None:
            continue
        readings_before = {r.label: r.amount for r in old[1].ambiguity.readings}
        in_place = [r.amount for r in old[1].ambiguity.readings]
        for i, r in enumerate(tier.ambiguity.readings):
            # as it was: by its label, or in its place with its words alone changed (relabelled "capped at $50", its
            # amount left capped at $100, the warning went away, a walkthrough)
            was = readings_before.get(r.label, in_place[i] if i < len(in_place) else None)
            if was != r.amount or _is_zero(r.amount):
                continue  # a new or edited reading, or 'nothing' (the amount of no one tier)
            gave = [(path, end) for path, (s, t) in before.items() if s == sid
                    for end in ("min", "max") if getattr(t, end) == r.amount]
            own = [(path, end) for path, end in gave if path == rule]
            if own and any(getattr(tier, end) != r.amount for _, end in own):
                gave = own  # its own tier's end moved: another tier still giving that amount is not what it reads
            elif not gave or any(path in now and getattr(now[path], end) == r.amount for path, end in gave):
                continue
            path = gave[0][0]
            yield ReadingLeft(rule, tier, i, r, path, tuple(end for p, end in gave if p == path), now.get(path))


def _unchanged_readings(previous: PolicyFile, policy: PolicyFile) -> Iterator[Finding]:
    money = policy.currency
    for left in readings_left(previous, policy):
        changed, ends, r, tier = left.now, left.ends, left.reading, left.tier
        assert tier.ambiguity is not None  # a reading's tier has one
        gives = (f"now gives {' to '.join(dict.fromkeys(amount_words(getattr(changed, e), money) for e in ends))}"
                 if changed is not None else "is gone")
        whose = "amount" if len(ends) == 2 else f"{ends[0]}imum"
        yield _finding("reading-unchanged", f"{tier.ambiguity.id}'s reading '{r.label}' of tier {tier.id} still "
                       f"gives {amount_words(r.amount, money)}, but tier {left.source.rsplit('.', 1)[-1]}, whose {whose} "
                       f"it was in {previous.version}, {gives}", left.rule, about=f"{tier.id}, {r.label}",
                       measured_against=(left.source,))


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
                               "holds whenever it would", f"{rule}.tiers.{earlier.id}", f"{rule}.tiers.{later.id}",
                               about=f"{later.id} under {earlier.id}")


def _window_clocks(policy: PolicyFile) -> Iterator[Finding]:
    if policy.window is None:
        return
    days = policy.window.days
    for _sid, rule, _stage, tier in _tiers(policy):
        when = tier.when
        if when.days_min is not None and when.days_min > days:
            yield _finding("window-vs-clock", f"tier {tier.id} starts on day {when.days_min}, after the "
                           f"{days}-day window has closed", rule, "window", about=tier.id)
        elif when.days_max is not None and when.days_max > days:
            yield _finding("window-vs-clock", f"tier {tier.id} runs to day {when.days_max}, past the "
                           f"{days}-day window", rule, "window", about=tier.id)


def _fees(policy: PolicyFile) -> Iterator[Finding]:
    for _sid, rule, _stage, tier in _tiers(policy):
        for end, value in (("min", tier.min), ("max", tier.max)):
            if value.less_fee is not None and value.less_fee.pct >= value.pct:
                yield _finding("fee-exceeds-refund", f"tier {tier.id}'s {end}: a fee of {value.less_fee.pct}% "
                               f"takes all of a {value.pct}% refund", f"{rule}.{end}", about=f"{tier.id}.{end}")


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
                for _sid, rule, _stage, tier in _tiers(policy):
                    if part in {*_amount_parts(tier.min), *_amount_parts(tier.max)}:
                        yield _finding("refund-of-excluded", f"tier {tier.id} refunds {words}, which {cite(c.section)} "
                                       f"lists as non-refundable ('{c.quote}')", rule, f"deductions.{d_index}",
                                       about=tier.id)


def _clauses_with_place(policy: PolicyFile) -> Iterator[tuple[str, Clause]]:
    for i, c in enumerate(policy.all_clauses(distinct=lambda c: (id(c),))):
        yield f"clause {i + 1} ({c.section})", c


def _verbatim(policy: PolicyFile, text: str) -> Iterator[Finding]:
    source = squash(text)
    for where, c in _clauses_with_place(policy):
        if squash(c.quote) not in source:
            yield _finding("quote-not-in-text", f"'{clipped(c.quote, 80)}' is not in the policy text", where,
                           about=f"{c.section} '{squash(c.quote)[:40]}'")


def squash(text: str) -> str:
    """Whitespace as one space: a quote is verbatim whatever the line breaks."""
    return re.sub(r"\s+", " ", text).strip()


def _ambiguity_ids(policy: PolicyFile) -> Iterator[Finding]:
    declared = {a.id for a in policy.ambiguities}
    used: dict[str, str] = {}
    for _sid, rule, _stage, tier in _tiers(policy):
        if tier.ambiguity:
            used.setdefault(tier.ambiguity.id, rule)
            if tier.ambiguity.question is None:
                yield _finding("client-words-missing", f"{tier.ambiguity.id} moves this tier's amount; give its "
                               "question and each reading's plain words, as a client reads them", rule,
                               about=tier.ambiguity.id)
        for c in tier.clauses:
            if c.decision:
                used.setdefault(c.decision, rule)
    for where, c in _clauses_with_place(policy):
        if c.decision:
            used.setdefault(c.decision, where)
    for name, where in used.items():
        if name not in declared and name not in DECISIONS:
            yield _finding("ambiguity-missing", f"'{name}' is neither an ambiguity of this policy nor a decision of "
                           "decisions.md", where, about=name)
    for a in policy.ambiguities:
        if a.id not in used and not a.explains:
            yield _finding("ambiguity-unused", f"{a.id} ({a.title}) is declared, but no rule names it and it "
                           "explains no finding", f"ambiguities.{a.id}", about=a.id)


def _named(entry: str) -> str:
    """An `explains` entry as a key: its whitespace as one space."""
    return squash(entry)


def _explained(policy: PolicyFile, f: Finding) -> Finding:
    """A finding the policy documents (an ambiguity's `explains` names its key exactly) is known: reported with
    that id, as a warning at most."""
    for a in policy.ambiguities:
        if any(_named(entry) == f.key for entry in a.explains):
            severity: Severity = "warning" if f.severity == "error" else f.severity
            return replace(f, severity=severity, ambiguity=a.id)
    return f


def _unmatched(policy: PolicyFile, found: list[Finding], text_checked: bool) -> Iterator[Finding]:
    """An `explains` entry that names no finding: a stale or misspelt explanation, or one in the older form
    ("band-gap:website") that named a kind, not a finding. The keys of that kind in that place are suggested."""
    keys = {f.key for f in found}
    for a in policy.ambiguities:
        for entry in a.explains:
            named = _named(entry)
            if named in keys or (not text_checked and named.startswith("quote-not-in-text")):
                continue
            place = ":".join(named.split(":", 2)[:2]) + ":"  # its kind and service
            close = sorted(k for k in keys if k.startswith(place))
            hint = f"; the linter finds {', '.join(repr(k) for k in close[:4])}" if close else ""
            yield _finding("explains-unmatched", f"{a.id} explains {named!r}, which names no finding of this "
                           f"version{hint}", f"ambiguities.{a.id}", about=f"{a.id}, {named}")
