"""quote(scenario) -> Quote: the band of the evaluator, with the clauses, readings, deadlines and times behind it."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Mapping, NamedTuple, Optional

from pydantic import ValidationError

from .errors import InputError, first_error
from .evaluator import (
    NOTICE_SERVED, Evaluation, Facts, Outcome, amount, day_thresholds, evaluate, stages_label, window_closed,
)
from .loader import policies as shipped_policies
from .models import (
    AmbiguityUse, ClauseRef, Deadline, Deduction, FactOutcome, ProcessingTime, Quote, ReadingAmount, Scenario,
    StagePlacement, UnknownFact,
)
from .money import percent_of, to_cents
from .schema import Clause, PolicyFile
from .taxonomy import DEDUCTIBLE_FIELDS, EXCEPTION_FLAGS, PAYMENT_METHODS, SERVICES

Policies = Mapping[str, PolicyFile]


def check_against(scenario: Scenario, registry: Policies) -> PolicyFile:
    """The checks that need the policy data: a known provider, and a stage that service has."""
    policy = registry.get(scenario.provider)
    if policy is None:
        raise InputError("provider", f"must be one of {', '.join(sorted(registry))}")
    if scenario.stage is not None:
        service = policy.services.get(scenario.service)
        stage_ids = [s.id for s in service.stages] if service else []
        if scenario.stage not in stage_ids:
            allowed = ", ".join(stage_ids) if stage_ids else "none (the service is not offered)"
            raise InputError("stage", f"must be one of {allowed} for {policy.id} {scenario.service}")
    return policy


def parse_scenario(data: Any, registry: Optional[Policies] = None) -> Scenario:
    """A dict (JSON, CSV row, URL) -> a valid Scenario, or one InputError naming the field."""
    if not isinstance(data, dict):
        raise InputError("input", "must be a JSON object of scenario fields")
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise first_error(exc) from None
    check_against(scenario, registry or shipped_policies())
    return scenario


def _once(store: dict, key: tuple, owner: Any, make: Callable[[], Any]) -> Any:
    """make() for key, built once and shared (what it builds is never mutated). Keys hold ids of policy
    objects (hashing a frozen model hashes every field); the entry holds their owner, so an id cannot be
    reused while the entry lives. Registries other than the shipped one (tests, a policy lab) come and go."""
    entry = store.get(key)
    if entry is None or entry[0] is not owner:
        if len(store) > 10_000:
            store.clear()
        entry = store[key] = (owner, make())
    return entry[1]


_REFS: dict = {}


def _ref(policy: PolicyFile, clause: Clause) -> ClauseRef:
    """One ClauseRef per clause object."""
    return _once(_REFS, (policy.id, id(clause)), clause, lambda: ClauseRef(
        provider=policy.id, section=clause.section, quote=clause.quote, reading=clause.reading,
        decision=clause.decision,
    ))


def _money(value: Decimal) -> str:
    return str(to_cents(value))


def _deadlines(policy: PolicyFile, service_id: str, facts: Facts, now: Evaluation) -> list[Deadline]:
    found: list[Deadline] = []
    current = now
    window_days = policy.window.days if policy.window else None
    for last_day in day_thresholds(policy, service_id, now.stages):
        if last_day < facts.days:
            continue
        if last_day == window_days:  # the day after the window: the same for every case, no evaluation needed
            after = _AFTER_WINDOW
        else:
            after = evaluate(policy, service_id, facts.at(days=last_day + 1), detail=False)
        if after.high < current.high or after.low < current.low:
            found.append(Deadline(last_day, last_day + 1, _money(after.low), _money(after.high), after.verdict))
        current = after
    return found


_AFTER_WINDOW = window_closed()


def _unknowns(ev: Evaluation) -> list[UnknownFact]:
    if len(ev.outcomes) < 2:
        return []
    found = []
    if len(ev.stages) > 1:
        labels = {s.id: s.label for s in ev.stages}
        found.append(_split_by("stage", ev.outcomes, [o.stage.id for o in ev.outcomes], labels.__getitem__))
    worlds = ev.worlds if len(ev.worlds) > 1 else ()
    if len({w.deliverables for w in worlds}) > 1:
        found.append(_split_by(
            "deliverables_provided", ev.outcomes, [o.world.deliverables for o in ev.outcomes],
            lambda k: "yes" if k else "no",
        ))
    if len({w.notice_given for w in worlds}) > 1:
        found.append(_split_by(
            "notice_days", ev.outcomes, [o.world.notice_given for o in ev.outcomes],
            lambda k: "notice period already served" if k == NOTICE_SERVED else "notice given today",
        ))
    return [f for f in found if f is not None]


def _split_by(fact: str, outcomes: list[Outcome], keys: list, label) -> Optional[UnknownFact]:
    """The band under each value of one unknown fact (keys: that value in each outcome); None unless the
    values give different bands."""
    bands: dict[Any, list[Decimal]] = {}
    for k, o in zip(keys, outcomes):
        band = bands.get(k)
        if band is None:
            bands[k] = [o.low, o.high]
        else:
            band[0], band[1] = min(band[0], o.low), max(band[1], o.high)
    rows = [(k, _money(low), _money(high)) for k, (low, high) in bands.items()]
    if len({(low, high) for _, low, high in rows}) < 2:
        return None
    return UnknownFact(fact, [FactOutcome(label(k), low, high) for k, low, high in rows])


def _ambiguities(policy: PolicyFile, ev: Evaluation, facts: Facts) -> list[AmbiguityUse]:
    used: list[AmbiguityUse] = []
    seen: set[str] = set()
    for o in ev.outcomes:
        amb = o.tier.ambiguity
        if amb is None or o.tier.id in seen:
            continue
        seen.add(o.tier.id)
        readings = [
            ReadingAmount(label=r.label, amount=_money(amount(r.amount, ev.base, facts, o.world)))
            for r in amb.readings
        ]
        if len({r.amount for r in readings}) > 1:  # only ambiguities that move the result
            title = next((a.title for a in policy.ambiguities if a.id == amb.id), amb.id)
            used.append(AmbiguityUse(id=amb.id, title=title, readings=readings))
    return used


_PROCESSING: dict = {}


def _processing_time(policy: PolicyFile, method: Optional[str]) -> Optional[ProcessingTime]:
    """Worked out once per policy and method (a pure function of the policy data)."""
    return _once(_PROCESSING, (policy.id, id(policy), method), policy, lambda: _processing_time_of(policy, method))


def _processing_time_of(policy: PolicyFile, method: Optional[str]) -> Optional[ProcessingTime]:
    table = policy.processing_times
    if not table:
        return None
    rows = [p for p in table if p.method == method] if method else list(table)
    if not rows:
        return None
    return ProcessingTime(
        method=method,
        min_business_days=min(p.min_business_days for p in rows),
        max_business_days=max(p.max_business_days for p in rows),
        clauses=[_ref(policy, c) for p in rows for c in p.clauses],
    )


class _Shape(NamedTuple):
    """What a quote takes from which stages, tiers, exceptions and window applied (not from amounts)."""

    stage: StagePlacement
    tiers: tuple[str, ...]
    clauses: tuple[ClauseRef, ...]


_SHAPES: dict = {}


def _shape(policy: PolicyFile, ev: Evaluation) -> _Shape:
    """A pure function of the policy and the evaluation's shape, so worked out once per combination (quotes
    along a slider repeat a handful). Its parts are shared: copy a list before changing it."""
    key = (policy.id, id(policy), ev.window_closed, ev.placed_by, *(id(s) for s in ev.stages), None,
           *(id(o.tier) for o in ev.outcomes), None, *(id(rule) for rule in ev.exceptions))
    return _once(_SHAPES, key, policy, lambda: _shape_of(policy, ev))


def _shape_of(policy: PolicyFile, ev: Evaluation) -> _Shape:
    if ev.stages:
        stage = StagePlacement(
            id=ev.stages[0].id if len(ev.stages) == 1 else None, label=stages_label(ev.stages),
            placed_by=ev.placed_by, candidates=[s.id for s in ev.stages],
        )
    else:
        stage = StagePlacement(id=None, label="-", placed_by="none")
    tiers = tuple(dict.fromkeys(o.tier.id for o in ev.outcomes))
    return _Shape(stage, tiers, tuple(_clauses_of(policy, ev)))


def _clauses_of(policy: PolicyFile, ev: Evaluation) -> list[ClauseRef]:
    groups: list = []
    if ev.window_closed and policy.window:
        groups.append(policy.window.clauses)
    for o in ev.outcomes:
        groups.append(o.tier.clauses)
    for rule in ev.exceptions:
        groups.append(rule.clauses)
    refs: list[ClauseRef] = []
    seen: set[tuple[str, str]] = set()
    for group in groups:
        for clause in group:
            if (clause.section, clause.quote) not in seen:
                seen.add((clause.section, clause.quote))
                refs.append(_ref(policy, clause))
    return refs


def _deductions(policy: PolicyFile, service, scenario: Scenario) -> list[Deduction]:
    """What the policy takes out of the base, and money held apart from it, as given in the scenario."""
    parts = [(d.field, d.label, d.clauses[0]) for d in policy.deductions]
    parts += [(fund, DEDUCTIBLE_FIELDS[fund], service.clauses[0]) for fund in service.separate_funds]
    return [
        Deduction(field=name, label=label, amount=_money(getattr(scenario, name)), clause=_ref(policy, clause))
        for name, label, clause in parts
        if getattr(scenario, name) > 0
    ]


def _notes(policy: PolicyFile, scenario: Scenario, ev: Evaluation) -> list[str]:
    notes: list[str] = []
    if ev.verdict == "not_offered":
        offered = ", ".join(SERVICES[s] for s in policy.services)
        notes.append(f"{policy.name} does not list {SERVICES[scenario.service]}; it offers: {offered}.")
    if ev.window_closed and policy.window:
        notes.append(f"Requests must be made within {policy.window.days} days of the relevant payment.")
    covered = {e.flag for e in policy.exceptions}
    for flag, label in EXCEPTION_FLAGS.items():
        if getattr(scenario, flag) and flag not in covered:
            notes.append(f"{label}: {policy.name}'s policy does not address this; it does not change the amount.")
    if scenario.payment_method and policy.processing_times and not any(
        p.method == scenario.payment_method for p in policy.processing_times
    ):
        notes.append(f"Processing time for {PAYMENT_METHODS[scenario.payment_method]} is not stated.")
    if not policy.processing_times:
        notes.append("Processing time: not stated by this policy.")
    return notes


def quote(scenario: Scenario, registry: Optional[Policies] = None) -> Quote:
    registry = registry or shipped_policies()
    policy = check_against(scenario, registry)
    facts = Facts.of(scenario)
    ev = evaluate(policy, scenario.service, facts)
    service = policy.services.get(scenario.service)

    shape = _shape(policy, ev)
    deductions = _deductions(policy, service, scenario) if service is not None else []
    deadlines = _deadlines(policy, scenario.service, facts, ev) if service is not None and not ev.window_closed else []
    next_charge: Optional[bool] = None
    if service is not None and service.billing == "monthly" and policy.next_charge_notice and scenario.notice_days is not None:
        next_charge = scenario.notice_days >= policy.next_charge_notice.days
    clauses = list(shape.clauses)
    if next_charge is not None and policy.next_charge_notice:
        clauses += [_ref(policy, c) for c in policy.next_charge_notice.clauses]

    return Quote(
        provider=policy.id,
        provider_name=policy.name,
        service=scenario.service,
        service_label=service.label if service else None,
        policy_version=policy.version,
        currency=policy.currency,
        amount_paid=_money(scenario.amount_paid),
        refundable_base=_money(ev.base),
        refund_min=_money(ev.low),
        refund_max=_money(ev.high),
        refund_pct_min=percent_of(ev.low, scenario.amount_paid),
        refund_pct_max=percent_of(ev.high, scenario.amount_paid),
        verdict=ev.verdict,
        stage=shape.stage,
        stage_note=service.stage_note if service else None,
        tiers=list(shape.tiers),
        clauses=clauses,
        ambiguities=_ambiguities(policy, ev, facts),
        unknowns=_unknowns(ev),
        deductions=deductions,
        deadlines=deadlines,
        next_deadline=deadlines[0] if deadlines else None,
        processing_time=_processing_time(policy, scenario.payment_method) if ev.high > 0 else None,
        next_charge_avoided=next_charge,
        remedies=[
            r.label for r in policy.remedies if r.when_flag is None or getattr(scenario, r.when_flag)
        ],
        notes=_notes(policy, scenario, ev),
    )
