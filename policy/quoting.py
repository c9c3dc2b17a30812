"""quote(scenario) -> Quote: the band of the evaluator, with the clauses, readings, deadlines and times behind it."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from typing import Any, Optional

from pydantic import ValidationError

from .errors import InputError, each_error, first_error
from .evaluator import (
    WORLD_FACTS,
    Evaluation,
    Facts,
    Outcome,
    amount,
    day_thresholds,
    evaluate,
    placed_stages,
    stages_label,
    window_closed,
)
from .fields import BY_NAME, NAMES, RANGES, UNKNOWABLE
from .models import (
    AmbiguityUse,
    Assumed,
    ClauseRef,
    Deadline,
    Decides,
    Deduction,
    FactOutcome,
    Lapsed,
    Quote,
    QuoteHead,
    ReadingAmount,
    Scenario,
    StagePlacement,
    UnknownFact,
)
from .money import percent_of, to_cents
from .schema import Amount, ClauseKey, PolicyFile, Service, clause_key
from .taxonomy import EXCEPTION_FLAGS, PAYMENT_METHODS, SERVICES
from .versions import Basis, Catalog

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
            where = f"{policy.name}'s {SERVICES[scenario.service]}"
            if not stage_ids:
                raise InputError("stage", f"has no stages to choose: {policy.name} does not sell {SERVICES[scenario.service]}")
            raise InputError("stage", f"must be one of {', '.join(stage_ids)} for {where}")
    return policy


def parse_scenario(data: Any, basis: Basis, every: bool = False) -> Scenario:
    """A dict (JSON, CSV row, URL) -> a valid Scenario, or one InputError naming the field. `every`: its message
    goes on to name every other field wrong too, on one line (the command line named one missing field a run)."""
    if not isinstance(data, dict):
        raise InputError("input", "must be a JSON object of scenario fields")
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problem = first_error(exc, NAMES, RANGES)
        if BY_NAME.get(problem.field) is not None and BY_NAME[problem.field].kind == "tristate" \
                and problem.message == "must be true or false":
            problem = InputError(problem.field, "must be true, false or null (not known)")
        found = each_error(exc, NAMES, RANGES) if every else []
        meant = " ".join(e.message for e in found)  # a field misspelt is not also a field missing ("did you mean")
        others = [str(e) for e in found if e.field != problem.field and f"did you mean {e.field}?" not in meant]
        if others:
            problem = InputError(problem.field, "; ".join([problem.message, *others]))
        raise problem from None
    check_against(scenario, basis.for_scenario(scenario))
    return scenario


def _money(value: Decimal) -> str:
    return str(to_cents(value))


def _share(part: Decimal, whole: Decimal) -> str:
    """A share of the amount paid as the amounts are rounded, except that a part below the whole never reads as
    100% (a partial refund of $4,999.99 of $5,000.00 is 99.99%, not 100%), nor a part above nothing as 0%."""
    text = percent_of(part, whole)
    if part < whole and text == "100.00":
        return "99.99"
    if part > 0 and text == "0.00":
        return "0.01"
    return text


_AFTER_WINDOW = window_closed()


def _deadlines(policy: PolicyFile, service_id: str, facts: Facts, now: Evaluation) -> Iterator[Deadline]:
    """Each day ahead after which the band drops, in order (evaluated as they are asked for: a batch row asks for the
    first only)."""
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
            paid_on = facts.scenario.paid_on
            yield Deadline(
                last_day, last_day + 1, _money(after.low), _money(after.high), after.verdict,
                last_date=None if paid_on is None else paid_on + timedelta(days=last_day),
                drops_on_date=None if paid_on is None else paid_on + timedelta(days=last_day + 1),
                less_than_full_after=_money(after.base) if after.below_full else None,
            )
        current = after


def _ahead(d: _Decided) -> Iterator[Deadline]:
    """The deadlines of a decided case: none for a service not sold or a window already closed."""
    if d.service is None or d.ev.window_closed:
        return iter(())
    return _deadlines(d.policy, d.scenario.service, d.facts, d.ev)


def _lapsed(policy: PolicyFile, service_id: str, facts: Facts, now: Evaluation) -> Optional[Lapsed]:
    """The latest clock before the request day whose end lowered the result (most recent first: usually the
    first one looked at is it)."""
    paid_on = facts.scenario.paid_on
    for last_day in reversed(day_thresholds(policy, service_id, now.stages)):
        if last_day >= facts.days:
            continue
        before = evaluate(policy, service_id, facts.at(days=last_day), detail=False)
        after = evaluate(policy, service_id, facts.at(days=last_day + 1), detail=False)
        if after.high < before.high or after.low < before.low:
            return Lapsed(last_day, _money(before.low), _money(before.high), before.verdict,
                          last_date=None if paid_on is None else paid_on + timedelta(days=last_day),
                          less_than_full_before=_money(before.base) if before.below_full else None)
    return None


def _unknowns(ev: Evaluation) -> tuple[UnknownFact, ...]:
    """The band under each value of every fact declared to spread when unknown (models.may_be_unknown) that
    the evaluation did spread: a stage field over the stages it could be in, the others over their World slot."""
    if len(ev.outcomes) < 2:
        return ()
    found = []
    labels = {s.id: s.label for s in ev.stages}
    for spec in UNKNOWABLE:
        unknown = spec.unknown
        if unknown is None or not unknown.spread:
            continue
        if spec.kind == "stage":
            keys, word = [o.stage.id for o in ev.outcomes], labels.__getitem__
        elif spec.name in WORLD_FACTS:
            keys, word = [o.world.value(spec.name) for o in ev.outcomes], unknown.word
        else:
            continue
        if len(set(keys)) > 1:
            found.append(_split_by(spec.name, ev.outcomes, keys, word))
    return tuple(f for f in found if f is not None)


def _split_by(fact: str, outcomes: Sequence[Outcome], keys: list[Any], label: Callable[[Any], str]) -> Optional[UnknownFact]:
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
    return UnknownFact(fact, tuple(FactOutcome(label(k), low, high) for k, low, high in rows))


def _ambiguities(policy: PolicyFile, ev: Evaluation, facts: Facts) -> tuple[AmbiguityUse, ...]:
    used: list[AmbiguityUse] = []
    seen: set[str] = set()
    for o in ev.outcomes:
        amb = o.tier.ambiguity
        if amb is None or o.tier.id in seen:
            continue
        seen.add(o.tier.id)
        readings = tuple(
            ReadingAmount(label=r.label, amount=_money(amount(r.amount, ev.base, facts, o.world)), plain=r.plain)
            for r in amb.readings
        )
        if len({r.amount for r in readings}) > 1:  # only ambiguities that move the result
            title = next((a.title for a in policy.ambiguities if a.id == amb.id), amb.id)
            used.append(AmbiguityUse(id=amb.id, title=title, readings=readings, question=amb.question))
    return tuple(used)


def _placement(ev: Evaluation) -> StagePlacement:
    if not ev.stages:
        return StagePlacement(id=None, label="-", placed_by="none")
    return StagePlacement(
        id=ev.stages[0].id if len(ev.stages) == 1 else None, label=stages_label(ev.stages),
        placed_by=ev.placed_by,  # type: ignore[arg-type]
        candidates=tuple(s.id for s in ev.stages),
    )


def _citations(policy: PolicyFile, ev: Evaluation, next_charge: bool) -> tuple[ClauseRef, ...]:
    """The clauses of a quote: those that decided its amounts first (decisions.md section 4), then the
    context. A clause cited twice is listed once, with all it decides."""
    ends: dict[ClauseKey, list[Decides]] = {}  # in citing order

    def decide(keys: Iterable[ClauseKey], end: Decides) -> None:
        for key in keys:
            found = ends.setdefault(key, [])
            if end not in found:
                found.append(end)

    context: list[ClauseKey] = []
    if ev.window_closed:
        if policy.window:
            decide(map(clause_key, policy.window.clauses), "refund_min")
            decide(map(clause_key, policy.window.clauses), "refund_max")
    elif ev.outcomes:
        low_ground = max(ev.grounds, key=lambda g: g.low, default=None)
        high_ground = max(ev.grounds, key=lambda g: g.high, default=None)
        if low_ground is not None and low_ground.low > ev.tiers_low:
            decide(map(clause_key, low_ground.rule.clauses), "refund_min")
        else:
            by = next(o for o in ev.outcomes if o.low == ev.tiers_low)
            decide(by.tier.cites.deciding("min", by.high > by.low), "refund_min")
        if high_ground is not None and high_ground.high > ev.tiers_high:
            decide(map(clause_key, high_ground.rule.clauses), "refund_max")
        else:
            by = next(o for o in ev.outcomes if o.high == ev.tiers_high)
            decide(by.tier.cites.deciding("max", by.high > by.low), "refund_max")
        for o in ev.outcomes:  # the other cases the band covers, and every heading and preamble, as context
            context += o.tier.cites.context
        for g in ev.grounds:
            context += map(clause_key, g.rule.clauses)
    if next_charge and policy.next_charge_notice:
        decide(map(clause_key, policy.next_charge_notice.clauses), "next_charge_avoided")
    refs = policy.clause_refs
    cited = [refs[key, tuple(found)] for key, found in ends.items()]
    cited += [refs[key, ()] for key in dict.fromkeys(context) if key not in ends]
    return tuple(cited)


def _deductions(policy: PolicyFile, service: Service, scenario: Scenario) -> tuple[Deduction, ...]:
    """What the policy takes out of the base, and money held apart from it, as given in the scenario."""
    parts = [(d.field, d.label, d.clauses[0]) for d in policy.deductions]
    parts += [(fund, f"{BY_NAME[fund].label} (held apart, returned only where a rule says so)", service.clauses[0])
              for fund in service.separate_funds]
    return tuple(
        Deduction(field=name, label=label, amount=_money(getattr(scenario, name)), clause=policy.clause_refs[clause_key(clause), ()])
        for name, label, clause in parts
        if getattr(scenario, name) > 0
    )


STAGE_CHOSEN = "You chose the stage"  # how the note of a stage chosen outside its completion begins


def stage_outside_note(q: Quote) -> Optional[str]:
    """The quote's note of a stage chosen that its progress lies outside (_stage_note), if it has one: said beside
    the amount, in the summary, and by the request email's stage."""
    return next((n for n in q.notes if n.startswith(STAGE_CHOSEN)), None)


def _stage_note(policy: PolicyFile, scenario: Scenario, ev: Evaluation) -> Optional[str]:
    """decisions.md 'explicit stage': the chosen stage wins, but a completion outside its band is said."""
    if ev.placed_by != "explicit" or not ev.stages:
        return None
    chosen = ev.stages[0]
    if chosen.explicit_only or chosen.covers(scenario.completion_pct):
        return None
    by_completion = stages_label(placed_stages(policy, scenario.service, scenario.completion_pct, scenario.started))
    return (
        f"{STAGE_CHOSEN} {chosen.label}, but {scenario.completion_pct}% completion lies outside it "
        f"(completion alone would place it in {by_completion}). The quote follows the stage you chose."
    )


def _notes(policy: PolicyFile, service: Optional[Service], scenario: Scenario, ev: Evaluation) -> tuple[str, ...]:
    notes: list[str] = []
    if service is None:
        offered = ", ".join(SERVICES[s] for s in policy.services)
        notes.append(f"{policy.name} does not list {SERVICES[scenario.service]}; it offers: {offered}.")
    else:
        stage_note = _stage_note(policy, scenario, ev)
        if stage_note:
            notes.append(stage_note)
    if scenario.work_started is False and scenario.deliverables_provided is True:
        notes.append(
            "You said the work has not started, yet that deliverables were provided: the two facts contradict "
            "each other. The quote takes them as given; check them with the provider."
        )
    if ev.window_closed and policy.window:
        notes.append(f"Requests must be made within {policy.window.days} days of the relevant payment.")
    for name in _read_at_zero(scenario, ev):  # a sum the refund is made of, at its $0.00 default: no hidden guess
        notes.append(f"The refund here can include {BY_NAME[name].label.lower()}, which is given as $0.00: if some of "
                     "the budget is left unspent, give that amount to see it in the refund.")
    covered = {e.flag for e in policy.exceptions}
    for flag in EXCEPTION_FLAGS:
        if getattr(scenario, flag) and flag not in covered:
            notes.append(f"{BY_NAME[flag].label}: {policy.name}'s policy does not address this; it does not change "
                         "the amount.")
    if service is None:  # how long a refund takes says nothing of a service the provider does not sell
        return tuple(notes)
    if scenario.payment_method and policy.processing_times and not any(
        p.method == scenario.payment_method for p in policy.processing_times
    ):
        notes.append(f"Processing time for {PAYMENT_METHODS[scenario.payment_method]} is not stated.")
    if not policy.processing_times:
        notes.append("Processing time: not stated by this policy.")
    return tuple(notes)


def _read_at_zero(scenario: Scenario, ev: Evaluation) -> tuple[str, ...]:
    """The scenario's amounts a band's rule is made of (unused ad spend) that stand at zero: Social Beat's active
    campaigns said "No refund" beside "Refund of unused ad spend only", and nothing of the spend left at its $0.00
    default (a walkthrough)."""
    def read(a: Amount) -> Iterator[str]:
        if a.of in BY_NAME:
            yield a.of
        for extra in a.plus:
            yield from read(extra)

    named = dict.fromkeys(n for o in ev.outcomes for a in (o.tier.min, o.tier.max) for n in read(a))
    return tuple(n for n in named if getattr(scenario, n) == 0)


def with_policy(q: Quote, catalog: Catalog) -> Quote:
    """A quote read back (from the register, or a cache that keeps quotes without their policy) holding the very
    version it names again, where the catalog still has it; else as it was stored."""
    found = catalog.find(q.provider, q.policy_version)
    return q if found is None or q.policy is found.policy else replace(q, policy=found.policy)


@dataclass(frozen=True)
class _Decided:
    """One evaluation of a scenario under its version, and what it settles: every part of a quote starts here."""
    scenario: Scenario
    policy: PolicyFile
    service: Optional[Service]
    facts: Facts
    ev: Evaluation
    next_charge: Optional[bool]


def _decided(scenario: Scenario, basis: Basis) -> _Decided:
    policy = check_against(scenario, basis.for_scenario(scenario))
    facts = Facts.of(scenario)
    ev = evaluate(policy, scenario.service, facts)
    service = policy.services.get(scenario.service)
    next_charge: Optional[bool] = None
    notice_rule = policy.next_charge_notice
    if service is not None and service.billing == "monthly" and notice_rule and scenario.notice_days is not None:
        next_charge = scenario.notice_days >= notice_rule.days
    return _Decided(scenario, policy, service, facts, ev, next_charge)


def _assumed(d: _Decided) -> tuple[Assumed, ...]:
    """decisions.md 3: a work status not given at 0% is taken as not started; where the policy gives another band
    once work has started, that band (evaluated only for such a case: a batch row pays for it only then)."""
    s = d.scenario
    if s.work_started is not None or s.completion_pct != 0 or d.service is None or d.ev.window_closed:
        return ()
    started = s.model_copy(update={"work_started": True})
    ev = evaluate(d.policy, s.service, Facts.of(started), detail=False)
    if (ev.low, ev.high) == (d.ev.low, d.ev.high):
        return ()
    return (Assumed("work_started", False, _money(ev.low), _money(ev.high), _money(ev.base) if ev.below_full else None),)


def _head(d: _Decided, next_deadline: Optional[Deadline]) -> dict[str, Any]:
    """The parts of a quote a batch row shows (export.quote_row reads these and nothing else)."""
    ev, scenario = d.ev, d.scenario
    return dict(
        next_deadline=next_deadline,
        scenario=scenario, provider_name=d.policy.name, policy_version=d.policy.version,
        requested_on=scenario.requested_on, refund_min=_money(ev.low), refund_max=_money(ev.high),
        refund_pct_min=_share(ev.low, scenario.amount_paid), refund_pct_max=_share(ev.high, scenario.amount_paid),
        verdict=ev.verdict, stage=_placement(ev), clauses=_citations(d.policy, ev, d.next_charge is not None),
        unknowns=_unknowns(ev), assumed=_assumed(d), next_charge_avoided=d.next_charge,
    )


def quote_head(scenario: Scenario, basis: Basis) -> QuoteHead:
    """What a batch row shows of the quote of `scenario`, from the same evaluation and the same code as quote():
    a batch builds only this (the deadlines, readings and notes a row never shows cost two thirds of a quote)."""
    d = _decided(scenario, basis)
    return QuoteHead(**_head(d, next(_ahead(d), None)))


def quote(scenario: Scenario, basis: Basis) -> Quote:
    """The quote under the basis's version in force on the payment day (Basis.payment_day): the
    Quote names it and holds it, and every view of the quote reads the policy from there."""
    d = _decided(scenario, basis)
    policy, service, facts, ev = d.policy, d.service, d.facts, d.ev
    deadlines = tuple(_ahead(d))
    return Quote(
        **_head(d, deadlines[0] if deadlines else None),
        policy=policy,
        provider=policy.id,
        service=scenario.service,
        service_label=service.label if service else None,
        currency=policy.currency,
        amount_paid=_money(scenario.amount_paid),
        refundable_base=_money(ev.base),
        stage_note=service.stage_note if service else None,
        tiers=tuple(dict.fromkeys(o.tier.id for o in ev.outcomes)),
        ambiguities=_ambiguities(policy, ev, facts),
        deductions=_deductions(policy, service, scenario) if service is not None else (),
        deadlines=deadlines,
        lapsed=_lapsed(policy, scenario.service, facts, ev) if service is not None else None,
        less_than_full=_money(ev.base) if ev.below_full else None,
        processing_time=policy.processing_time(scenario.payment_method) if ev.high > 0 else None,
        remedies=tuple(
            r.label for r in policy.remedies if r.when_flag is None or getattr(scenario, r.when_flag)
        ),
        notes=_notes(policy, service, scenario, ev),
    )
