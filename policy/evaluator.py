"""The range-aware evaluator: facts + one policy -> the refund band and what decided it.

It knows the kinds of the schema (stages, tiers, amounts, windows, exceptions), never a provider.
An unknown fact is evaluated under each value it could take and the band covers them all.
"""
from __future__ import annotations

from decimal import Decimal
from itertools import product
from typing import Any, NamedTuple, Optional

from .fields import UNKNOWABLE
from .models import FLAG_FIELDS, Scenario, Verdict
from .models import NOTICE_SERVED as NOTICE_SERVED  # declared with the notice field; the linter reads it from here
from .money import CENT, HUNDRED, ZERO, to_cents
from .schema import Amount, ExceptionRule, PolicyFile, ServicePlan, Stage, Tier, clock_thresholds


class Facts(NamedTuple):
    """A Scenario as the evaluator reads it: the scenario itself, and what a curve may move (completion, day)
    or drop (the stage). A NamedTuple: immutable, and cheap to vary (curves build one per point).

    A rule reads any other fact from `scenario`, so a new scenario field needs nothing here."""

    scenario: Scenario
    completion: Decimal
    days: int
    started: bool
    stage: Optional[str]
    flags: frozenset[str]

    @classmethod
    def of(cls, s: Scenario) -> Facts:
        return cls(
            scenario=s, completion=s.completion_pct, days=s.days_since_payment, started=s.started, stage=s.stage,
            flags=frozenset(f for f in FLAG_FIELDS if getattr(s, f)),
        )

    @property
    def paid(self) -> Decimal:
        return self.scenario.amount_paid

    def at(self, *, completion: Optional[Decimal] = None, days: Optional[int] = None) -> Facts:
        """The same case at another completion or day; work is inferred started above 0%."""
        if completion is None:
            completion, started = self.completion, self.started
        else:
            started = self.started or completion > 0
        return Facts(scenario=self.scenario, completion=completion, days=self.days if days is None else days,
                     started=started, stage=self.stage, flags=self.flags)


class World(NamedTuple):
    """One value for each fact declared to spread when unknown (models.may_be_unknown), in WORLD_FACTS' order."""

    deliverables: Optional[bool]
    notice_given: Optional[int]

    def value(self, fact: str) -> Any:
        """The value this world gives one of the WORLD_FACTS."""
        return self[WORLD_FACTS.index(fact)]


# The scenario facts a World holds, slot by slot: every fact declared to spread, but the stage (which spreads over
# the stages completion allows). A fact declared so without a slot here is refused as the module loads.
WORLD_FACTS: tuple[str, ...] = ("deliverables_provided", "notice_days")
_SPREAD = tuple(f for f in UNKNOWABLE if f.unknown is not None and f.unknown.spread and f.kind != "stage")
if {f.name for f in _SPREAD} != set(WORLD_FACTS):
    raise RuntimeError(f"World holds {WORLD_FACTS}; the facts declared to spread are {[f.name for f in _SPREAD]}")


class Outcome(NamedTuple):
    world: World
    stage: Stage
    tier: Tier
    low: Decimal  # exact, not yet rounded
    high: Decimal


NO_WORLD = World(None, None)


class Ground(NamedTuple):
    """An exception the facts raise, with its band (exact)."""

    rule: ExceptionRule
    low: Decimal
    high: Decimal


class Evaluation(NamedTuple):
    """The band and what decided it. A NamedTuple: immutable, and several times cheaper to build than a frozen
    dataclass (curves build one per point)."""

    low: Decimal  # rounded to the cent
    high: Decimal
    verdict: Verdict
    base: Decimal
    stages: tuple[Stage, ...] = ()
    placed_by: str = "none"
    outcomes: tuple[Outcome, ...] = ()  # one per world and stage, with detail=True
    grounds: tuple[Ground, ...] = ()
    window_closed: bool = False
    worlds: tuple[World, ...] = ()  # the values the unknown facts were evaluated under
    tiers_low: Decimal = ZERO  # exact, before the exceptions
    tiers_high: Decimal = ZERO
    below_full: bool = False  # high was set by a partial refund with no amount: it stays below the base


def _quantity(a: Amount, base: Decimal, facts: Facts, world: World) -> Decimal:
    of = a.of
    if of == "base":
        return base
    if of == "paid":
        return facts.paid
    if of == "remaining_base":
        return base * (HUNDRED - facts.completion) / HUNDRED
    if of == "unused_ad_spend":
        return facts.scenario.unused_ad_spend
    # unused_after_notice: the share of the period still unused once the notice period runs out
    notice_left = max(0, (a.notice_period_days or 0) - (world.notice_given or 0))
    unused_days = a.period_days * (HUNDRED - facts.completion) / HUNDRED - notice_left
    return base * max(unused_days, ZERO) / a.period_days


def amount(a: Amount, base: Decimal, facts: Facts, world: World) -> Decimal:
    """An Amount of the schema, exact (unrounded), never below zero."""
    quantity = _quantity(a, base, facts, world)
    value = quantity * a.pct / HUNDRED
    if a.less_fee is not None:
        value -= min(quantity * a.less_fee.pct / HUNDRED, a.less_fee.cap)
    if a.cap_pct is not None:
        value = min(value, base * a.cap_pct / HUNDRED)
    for extra in a.plus:
        value += amount(extra, base, facts, world)
    if a.partial:  # decisions.md 'SB our delay': a partial refund is less than the full one
        value = min(value, base - CENT)
    return max(value, ZERO)


def stages_label(stages: tuple[Stage, ...]) -> str:
    """How a placement reads: one stage, or the stages it could be in; their shared name once ('Design (26-50%):
    concepts presented, no revisions yet or Design (26-50%): revisions begun' was hard to read, a walkthrough
    said) -> 'Design (26-50%), either concepts presented, no revisions yet, or revisions begun'."""
    labels = [s.label for s in stages]
    shared = shared_name(labels) if len(labels) > 1 else None
    if shared is not None:
        head, parts = shared
        return f"{head}, {'either ' if len(parts) == 2 else 'one of: '}{', or '.join(parts)}"
    return " or ".join(labels) or "-"


def shared_name(labels: list[str]) -> Optional[tuple[str, list[str]]]:
    """Where every label shares its name before a colon ('Design (26-50%): revisions begun'), that name and what
    follows it in each; else None."""
    heads = {label.partition(": ")[0] for label in labels}
    if len(heads) != 1 or not all(": " in label for label in labels):
        return None
    return heads.pop(), [label.partition(": ")[2] for label in labels]


def placed_stages(policy: PolicyFile, service_id: str, completion: Decimal, started: bool) -> tuple[Stage, ...]:
    """The stages completion and the work flag place a case in (more than one: the stage is unknown)."""
    plan = policy.plan(service_id)
    return plan.place(completion, started) if plan else ()


def candidate_stages(plan: ServicePlan, facts: Facts) -> tuple[tuple[Stage, ...], str]:
    if facts.stage is not None:
        return tuple(s for s in plan.service.stages if s.id == facts.stage), "explicit"
    return plan.place(facts.completion, facts.started), "completion"


def _tier_matches(tier: Tier, facts: Facts, world: World) -> bool:
    when = tier.when
    if when.days_max is not None and facts.days > when.days_max:
        return False
    if when.days_min is not None and facts.days < when.days_min:
        return False
    if when.work_started is not None and when.work_started != facts.started:
        return False
    return not (when.deliverables_provided is not None and when.deliverables_provided != world.deliverables)


def _values(name: str, plan: ServicePlan, facts: Facts) -> tuple[Any, ...]:
    """The values one declared fact is evaluated under: as given; else what it must be before work starts
    (decisions.md 'SI not started'); else every declared value, where the plan's rules read it."""
    given = getattr(facts.scenario, name)
    if given is not None:
        return (given,)
    unknown = _DECLARED[name]
    if unknown.before_start is not None and not facts.started:
        return (unknown.before_start,)
    return unknown.values if name in plan.reads else (None,)


_DECLARED = {f.name: f.unknown for f in _SPREAD if f.unknown is not None}


def _worlds(plan: ServicePlan, facts: Facts) -> tuple[World, ...]:
    """The values of the facts not given that the plan's rules read: one World per combination."""
    return tuple(World(*values) for values in product(*(_values(name, plan, facts) for name in WORLD_FACTS)))


def window_closed(base: Decimal = ZERO) -> Evaluation:
    """What every case gets once the request window has closed (the day after its last): nothing."""
    return Evaluation(ZERO, ZERO, Verdict.window_closed, base, window_closed=True)


def verdict_of(low: Decimal, high: Decimal, base: Decimal, discretion: bool) -> Verdict:
    """decisions.md section 4. discretion: a rule that applies (under some value of the facts not given)
    itself leaves a range from 0 (a 'may', a contested reading). A band from 0 without one depends on facts
    not given."""
    if high == 0:
        return Verdict.none
    if low == high == to_cents(base):
        return Verdict.full
    if low > 0:
        return Verdict.partial
    return Verdict.discretionary if discretion else Verdict.depends


def evaluate(policy: PolicyFile, service_id: str, facts: Facts, detail: bool = True) -> Evaluation:
    """The band for `facts`. detail=False skips recording what decided it (deadlines and curves need
    only the band, and they evaluate many points)."""
    plan = policy.plan(service_id)
    if plan is None:
        return Evaluation(ZERO, ZERO, Verdict.not_offered, ZERO)
    scenario = facts.scenario
    base = scenario.amount_paid
    for name in plan.deduction_fields:
        base -= getattr(scenario, name)
    base = max(base, ZERO)
    if plan.window_days is not None and facts.days > plan.window_days:
        return window_closed(base)
    stages, placed_by = candidate_stages(plan, facts)
    outcomes: list[Outcome] = []
    low = high = None
    discretion = False
    partial_highs: list[Decimal] = []  # maxima of partial refunds with no amount: below the base
    worlds = _worlds(plan, facts)
    for world in worlds:
        for stage in stages:
            for tier in stage.tiers:
                if _tier_matches(tier, facts, world):
                    break
            lo = amount(tier.min, base, facts, world)
            hi = lo if tier.fixed else amount(tier.max, base, facts, world)
            if tier.max.partial:
                partial_highs.append(hi)
            discretion = discretion or (lo == 0 < hi)
            if detail:
                outcomes.append(Outcome(world, stage, tier, lo, hi))
            if low is None or lo < low:
                low = lo
            if high is None or hi > high:
                high = hi
    grounds: list[Ground] = []
    if facts.flags:
        for rule in policy.exceptions:  # an exception adds a ground; the client gets the better of the two
            if rule.flag in facts.flags:
                ground = Ground(rule, amount(rule.min, base, facts, NO_WORLD), amount(rule.max, base, facts, NO_WORLD))
                discretion = discretion or (ground.low == 0 < ground.high)
                grounds.append(ground)
                if rule.max.partial:
                    partial_highs.append(ground.high)
    assert low is not None and high is not None  # a service has a stage for every case (checked at load)
    tiers_low, tiers_high = low, high
    for ground in grounds:
        low, high = max(low, ground.low), max(high, ground.high)
    low, high = to_cents(low), to_cents(high)
    verdict = verdict_of(low, high, base, discretion)
    # a partial refund's cap decided the maximum (a cent below the full refund): said; one below it anyway is not
    below_full = 0 < high == to_cents(base) - CENT and any(to_cents(h) == high for h in partial_highs)
    return Evaluation(low, high, verdict, base, stages, placed_by, tuple(outcomes), tuple(grounds), worlds=worlds,
                      tiers_low=tiers_low, tiers_high=tiers_high, below_full=below_full)


def day_thresholds(policy: PolicyFile, service_id: str, stages: Optional[tuple[Stage, ...]] = None) -> tuple[int, ...]:
    """The service's clock thresholds; given the stages a case is placed in, only theirs (and the window's):
    placement does not depend on the day, so other stages' clocks cannot change the case."""
    plan = policy.plan(service_id)
    if plan is None:
        return ()
    if stages is None:
        return plan.day_thresholds
    return clock_thresholds(plan.window_days, stages)
