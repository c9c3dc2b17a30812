"""The range-aware evaluator: facts + one policy -> the refund band and what decided it.

It knows the kinds of the schema (stages, tiers, amounts, windows, exceptions), never a provider.
An unknown fact is evaluated under each value it could take and the band covers them all.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, Optional

from .models import Scenario
from .money import HUNDRED, ZERO, to_cents
from .schema import Amount, ExceptionRule, PolicyFile, Service, Stage, Tier

NOTICE_SERVED = 10**6  # a notice period given long ago: fully served
_FLAG_FIELDS = ("billing_error", "provider_fault", "undelivered_promised", "first_time_client")


class Facts(NamedTuple):
    """What the evaluator reads: a Scenario, validated, flattened for speed.

    A NamedTuple, not a frozen dataclass: as immutable, and about five times cheaper to build (curves
    build one per point)."""

    paid: Decimal
    completion: Decimal
    days: int
    started: bool
    deliverables: Optional[bool] = None
    notice_days: Optional[int] = None
    stage: Optional[str] = None
    taxes_remitted: Decimal = ZERO
    third_party_costs: Decimal = ZERO
    unused_ad_spend: Decimal = ZERO
    flags: frozenset[str] = frozenset()

    @classmethod
    def of(cls, s: Scenario) -> "Facts":
        return cls(
            s.amount_paid, s.completion_pct, s.days_since_payment, s.started, s.deliverables_provided,
            s.notice_days, s.stage, s.taxes_remitted, s.third_party_costs, s.unused_ad_spend,
            frozenset(f for f in _FLAG_FIELDS if getattr(s, f)),
        )

    def at(self, *, completion: Optional[Decimal] = None, days: Optional[int] = None) -> "Facts":
        """The same case at another completion or day; work is inferred started above 0%.

        Built positionally: _replace costs several times more, and curves call this per point.
        """
        if completion is None:
            c, started = self.completion, self.started
        else:
            c, started = completion, self.started or completion > 0
        return Facts(
            self.paid, c, self.days if days is None else days, started, self.deliverables,
            self.notice_days, self.stage, self.taxes_remitted, self.third_party_costs, self.unused_ad_spend,
            self.flags,
        )


class World(NamedTuple):
    """One value for each unknown fact."""

    deliverables: Optional[bool]
    notice_given: Optional[int]


class Outcome(NamedTuple):
    world: World
    stage: Stage
    tier: Tier
    low: Decimal  # exact, not yet rounded
    high: Decimal


@dataclass(slots=True)
class Evaluation:
    low: Decimal  # rounded to the cent
    high: Decimal
    verdict: str
    base: Decimal
    stages: tuple[Stage, ...] = ()
    placed_by: str = "none"
    outcomes: list[Outcome] = field(default_factory=list)
    exceptions: list[ExceptionRule] = field(default_factory=list)
    window_closed: bool = False
    worlds: tuple[World, ...] = ()  # the values the unknown facts were evaluated under


def _quantity(a: Amount, base: Decimal, facts: Facts, world: World) -> Decimal:
    of = a.of
    if of == "base":
        return base
    if of == "paid":
        return facts.paid
    if of == "remaining_base":
        return base * (HUNDRED - facts.completion) / HUNDRED
    if of == "unused_ad_spend":
        return facts.unused_ad_spend
    # unused_after_notice: the share of the period still unused once the notice period runs out
    notice_left = max(0, a.notice_period_days - (world.notice_given or 0))
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
    return max(value, ZERO)


@dataclass(frozen=True, slots=True)
class Plan:
    """What evaluate() needs of one policy's service, worked out once: the hot path only loops."""

    policy: PolicyFile
    service: Service
    window_days: Optional[int]
    deduction_fields: tuple[str, ...]
    asks_deliverables: bool
    uses_notice: bool
    day_thresholds: tuple[int, ...]
    fixed_tiers: frozenset[int]  # ids of the tiers whose min and max are the same amount: computed once
    placements: dict = field(default_factory=dict)
    worlds: dict = field(default_factory=dict)
    stage_day_thresholds: dict = field(default_factory=dict)


_PLANS: dict[tuple[int, str], Optional[Plan]] = {}


def plan_for(policy: PolicyFile, service_id: str) -> Optional[Plan]:
    key = (id(policy), service_id)
    if key not in _PLANS:
        if len(_PLANS) > 256:  # registries other than the shipped one (tests, a policy lab) come and go
            _PLANS.clear()
        service = policy.services.get(service_id)
        if service is None:
            _PLANS[key] = None
        else:
            tiers = [t for stage in service.stages for t in stage.tiers]
            _PLANS[key] = Plan(
                policy=policy,  # held, so id(policy) cannot be reused while the plan lives
                service=service,
                window_days=policy.window.days if policy.window else None,
                deduction_fields=tuple(d.field for d in policy.deductions) + tuple(service.separate_funds),
                asks_deliverables=any(t.when.deliverables_provided is not None for t in tiers),
                uses_notice=any(a.of == "unused_after_notice" for t in tiers for a in (t.min, t.max)),
                day_thresholds=_day_thresholds(policy, service.stages),
                fixed_tiers=frozenset(id(t) for t in tiers if t.min == t.max),
            )
    return _PLANS[key]


def stages_label(stages: tuple[Stage, ...]) -> str:
    """How a placement reads: one stage, or the stages it could be in."""
    return " or ".join(s.label for s in stages) or "-"


def placed_stages(service: Service, completion: Decimal, started: bool) -> tuple[Stage, ...]:
    """The stages completion and the work flag place a case in (more than one: the stage is unknown)."""
    return tuple(s for s in service.stages if s.holds(completion, started))


def candidate_stages(plan: "Plan", facts: Facts) -> tuple[tuple[Stage, ...], str]:
    if facts.stage is not None:
        return tuple(s for s in plan.service.stages if s.id == facts.stage), "explicit"
    key = (facts.completion, facts.started)
    found = plan.placements.get(key)
    if found is None:  # memoised per plan: quotes, deadlines and curves ask the same few questions
        if len(plan.placements) > 10_000:
            plan.placements.clear()
        found = plan.placements[key] = placed_stages(plan.service, facts.completion, facts.started)
    return found, "completion"


def _tier_matches(tier: Tier, facts: Facts, world: World) -> bool:
    when = tier.when
    if when.days_max is not None and facts.days > when.days_max:
        return False
    if when.days_min is not None and facts.days < when.days_min:
        return False
    if when.work_started is not None and when.work_started != facts.started:
        return False
    if when.deliverables_provided is not None and when.deliverables_provided != world.deliverables:
        return False
    return True


def _worlds(plan: Plan, facts: Facts) -> tuple[World, ...]:
    key = (facts.deliverables, facts.started, facts.notice_days)
    found = plan.worlds.get(key)
    if found is None:  # memoised per plan: a handful of keys (notice_days aside)
        if len(plan.worlds) > 10_000:
            plan.worlds.clear()
        found = plan.worlds[key] = _unknown_worlds(plan, facts)
    return found


def _unknown_worlds(plan: Plan, facts: Facts) -> tuple[World, ...]:
    if facts.deliverables is not None:
        deliverables: tuple[Optional[bool], ...] = (facts.deliverables,)
    elif not facts.started:
        deliverables = (False,)  # decisions.md 'SI not started': nothing is delivered before work starts
    elif plan.asks_deliverables:
        deliverables = (False, True)
    else:
        deliverables = (None,)
    if facts.notice_days is not None or not plan.uses_notice:
        notices: tuple[Optional[int], ...] = (facts.notice_days,)
    else:
        notices = (0, NOTICE_SERVED)  # notice given today, or long enough ago to be served
    return tuple(World(d, n) for d in deliverables for n in notices)


def window_closed(base: Decimal = ZERO) -> Evaluation:
    """What every case gets once the request window has closed (the day after its last): nothing."""
    return Evaluation(ZERO, ZERO, "window_closed", base, window_closed=True)


def verdict_of(low: Decimal, high: Decimal, base: Decimal, discretion: bool) -> str:
    """discretion: a rule that applies leaves a range itself (a 'may', a contested reading); a band
    spread only by facts not given is a partial refund whose size depends on them."""
    if high == 0:
        return "none"
    if low == high == to_cents(base):
        return "full"
    if low == 0 and discretion:
        return "discretionary"
    return "partial"


def evaluate(policy: PolicyFile, service_id: str, facts: Facts, detail: bool = True) -> Evaluation:
    """The band for `facts`. detail=False skips recording what decided it (deadlines and curves need
    only the band, and they evaluate many points)."""
    plan = plan_for(policy, service_id)
    if plan is None:
        return Evaluation(ZERO, ZERO, "not_offered", ZERO)
    base = facts.paid
    for name in plan.deduction_fields:
        base -= getattr(facts, name)
    base = max(base, ZERO)
    if plan.window_days is not None and facts.days > plan.window_days:
        return window_closed(base)
    stages, placed_by = candidate_stages(plan, facts)
    outcomes: list[Outcome] = []
    low = high = None
    discretion = False
    worlds = _worlds(plan, facts)
    for world in worlds:
        for stage in stages:
            for tier in stage.tiers:
                if _tier_matches(tier, facts, world):
                    break
            lo = amount(tier.min, base, facts, world)
            hi = lo if id(tier) in plan.fixed_tiers else amount(tier.max, base, facts, world)
            discretion = discretion or lo != hi
            if detail:
                outcomes.append(Outcome(world, stage, tier, lo, hi))
            if low is None or lo < low:
                low = lo
            if high is None or hi > high:
                high = hi
    exceptions = [e for e in policy.exceptions if e.flag in facts.flags] if facts.flags else []
    for rule in exceptions:  # an exception adds a ground; the client gets the better of the two
        no_world = World(None, None)
        low = max(low, amount(rule.min, base, facts, no_world))
        high = max(high, amount(rule.max, base, facts, no_world))
    low, high = to_cents(low), to_cents(high)
    verdict = verdict_of(low, high, base, discretion or bool(exceptions))
    return Evaluation(low, high, verdict, base, stages, placed_by, outcomes, exceptions, worlds=worlds)


def _day_thresholds(policy: PolicyFile, stages: tuple[Stage, ...]) -> tuple[int, ...]:
    """The last days of every clock that applies to these stages: results can change only after them."""
    days: set[int] = set()
    if policy.window is not None:
        days.add(policy.window.days)
    for stage in stages:
        for tier in stage.tiers:
            if tier.when.days_max is not None:
                days.add(tier.when.days_max)
            if tier.when.days_min is not None and tier.when.days_min > 0:
                days.add(tier.when.days_min - 1)
    return tuple(sorted(days))


def day_thresholds(policy: PolicyFile, service_id: str, stages: Optional[tuple[Stage, ...]] = None) -> tuple[int, ...]:
    """The service's clock thresholds; given the stages a case is placed in, only theirs (and the window's):
    placement does not depend on the day, so other stages' clocks cannot change the case."""
    plan = plan_for(policy, service_id)
    if plan is None:
        return ()
    if stages is None:
        return plan.day_thresholds
    key = tuple(s.id for s in stages)
    found = plan.stage_day_thresholds.get(key)
    if found is None:
        found = plan.stage_day_thresholds[key] = _day_thresholds(policy, stages)
    return found
