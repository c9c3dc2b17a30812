"""The schema of a policy file: every rule carries the clause (section + verbatim quote) that makes it.

A policy file is data; the evaluator knows only the kinds defined here, never a provider.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from . import models
from .taxonomy import DECISIONS, EXCEPTION_FLAGS, PAYMENT_METHODS, SERVICES, TERMS

# Declared bounds of a policy file: what a policy needs with room to spare (the shipped ones: texts up to 308
# characters, 20 items in a list, 35 tiers, periods up to 30 days), and no more, so that reading, linting and
# quoting any file the schema accepts stays quick and every date it counts stays in the calendar.
TEXT_MAX = 2_000  # characters of any one text: a quote, a label, a summary
NAME_MAX = 100  # a provider's name
VERSION_MAX = 80  # a version's number (the register's column)
ID_MAX = 40  # a provider's id (the register's column)
LIST_MAX = 20  # clauses of a rule, stages of a service, tiers of a stage, deductions, exceptions...
AMBIGUITIES_MAX = 60
TIERS_MAX = 200  # tiers in the whole file
DAYS_MAX = 3_660  # ten years: any period or clock a policy counts
FEE_CAP_MAX = Decimal(1_000_000_000)  # dollars


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_max_length=TEXT_MAX)

    def __getstate__(self) -> dict[Any, Any]:
        """Pickled (to a batch worker) without what a cached_property keeps: it holds mapping proxies, which
        cannot be pickled, and is made again on first use."""
        state = super().__getstate__()
        state["__dict__"] = {k: v for k, v in state["__dict__"].items() if k in type(self).model_fields}
        return state


ClauseRole = Literal["rule", "min", "max", "context"]


class Clause(Strict):
    """role, within a tier: rule = it decides the tier's band; min / max = it decides only that end (a max
    clause is cited only where the band is wider than a point); context = a heading or a preamble that sets
    the scene, cited after the deciding clauses."""

    section: str = Field(min_length=1, max_length=LIST_MAX)
    quote: str = Field(min_length=3)
    reading: Literal["as_written", "interpretation"] = "as_written"
    decision: Optional[str] = None  # a decisions.md row id or an ambiguity id of this policy
    role: ClauseRole = "rule"

    @model_validator(mode="after")
    def _interpretation_names_its_decision(self) -> Clause:
        if self.reading == "interpretation" and not self.decision:
            raise ValueError("an interpretation must name its decision or ambiguity id")
        return self


ClauseKey = tuple[str, str, str, Optional[str]]


def clause_key(c: Clause) -> ClauseKey:
    """What tells clauses apart in a quote: the words, and how they are read (strings hash fast; a model
    hashes every field through Python)."""
    return (c.section, c.quote, c.reading, c.decision)


class TierCites(NamedTuple):
    """A tier's clauses as a quote cites them (decisions.md section 4), by clause_key."""
    min: tuple[ClauseKey, ...]  # those that decide the band's minimum
    max_point: tuple[ClauseKey, ...]  # those that decide its maximum, where the band is a point
    max_wide: tuple[ClauseKey, ...]  # the same where the band is wider than a point
    context: tuple[ClauseKey, ...]  # its rules, headings and preambles: context where another case decided

    def deciding(self, end: str, wide: bool) -> tuple[ClauseKey, ...]:
        return self.min if end == "min" else self.max_wide if wide else self.max_point


class Fee(Strict):
    pct: Decimal = Field(gt=0, le=100)
    cap: Decimal = Field(gt=0, le=FEE_CAP_MAX)


AmountOf = Literal["base", "paid", "remaining_base", "unused_ad_spend", "unused_after_notice"]


class Amount(Strict):
    """pct% of a quantity, less an optional capped fee, capped at cap_pct% of base, plus other amounts.

    of: base (refundable base), paid (amount paid), remaining_base (base x share of work not done),
    unused_ad_spend, unused_after_notice (base x share of the period left once the notice runs out).
    partial: the clause grants a *partial* refund and names no amount (decisions.md 'SB our delay'): a partial
    refund is less than the full one, so the amount is at most the refundable base less one cent.
    """

    of: AmountOf = "base"
    pct: Decimal = Field(default=Decimal(100), ge=0, le=100)
    less_fee: Optional[Fee] = None
    cap_pct: Optional[Decimal] = Field(default=None, ge=0, le=100)
    notice_period_days: Optional[int] = Field(default=None, ge=0, le=DAYS_MAX)
    period_days: int = Field(default=30, gt=0, le=DAYS_MAX)
    plus: tuple[Amount, ...] = Field(default=(), max_length=4)
    partial: bool = False

    @model_validator(mode="after")
    def _notice_needs_period(self) -> Amount:
        if (self.of == "unused_after_notice") != (self.notice_period_days is not None):
            raise ValueError("notice_period_days goes with of = 'unused_after_notice' and only with it")
        return self


class Reading(Strict):
    label: str
    amount: Amount
    plain: Optional[str] = None  # the reading in a client's words: "If it means half of the development work"


class TierAmbiguity(Strict):
    id: str
    readings: tuple[Reading, ...] = Field(min_length=2, max_length=10)
    # what is unclear, in a client's words, completing "The policy does not make clear ...": a client reads this
    # and each reading's `plain`, never the author's title ("... inside the 51-75% band") or labels ("(ii) ...")
    question: Optional[str] = None

    @model_validator(mode="after")
    def _plain_with_question(self) -> TierAmbiguity:
        if len({self.question is None, *(r.plain is None for r in self.readings)}) > 1:
            raise ValueError("question and each reading's plain go together: give all of them, or none")
        return self


class Conditions(Strict):
    days_max: Optional[int] = Field(default=None, ge=0, le=DAYS_MAX)  # inclusive ("within N days")
    days_min: Optional[int] = Field(default=None, ge=0, le=DAYS_MAX)
    work_started: Optional[bool] = None
    deliverables_provided: Optional[bool] = None


class Tier(Strict):
    id: str
    label: str
    when: Conditions = Conditions()
    min: Amount
    max: Amount
    clauses: tuple[Clause, ...] = Field(min_length=1, max_length=LIST_MAX)
    ambiguity: Optional[TierAmbiguity] = None

    @field_validator("max")
    @classmethod
    def _max_not_below_min(cls, high: Amount, info: ValidationInfo) -> Amount:
        low = info.data.get("min")  # validated first (declared first); absent when it failed
        if low is not None and low.of == high.of and low.pct > high.pct:
            a, b = (f"{x.pct.normalize():f}" for x in (low, high))
            raise ValueError(f"is {b}% of {high.of}, below the minimum's {a}%: the minimum must not exceed the maximum")
        return high

    @model_validator(mode="after")
    def _a_clause_decides_it(self) -> Tier:
        roles = {c.role for c in self.clauses}
        if "rule" not in roles and not {"min", "max"} <= roles:
            raise ValueError(f"tier {self.id}: needs a clause that decides it (role 'rule', or one 'min' and one 'max')")
        return self

    def model_post_init(self, context: Any) -> None:
        self.fixed  # noqa: B018 (worked out as the file is loaded)
        self.cites  # noqa: B018

    @cached_property
    def fixed(self) -> bool:
        """min and max are the same amount: evaluated once. A cached_property of a frozen model: computed
        from the model's own fields, which cannot change (a plain attribute read on the hot path)."""
        return self.min == self.max

    @cached_property
    def cites(self) -> TierCites:
        """The clause_keys a quote decided by this tier cites, worked out as the file is loaded (a quote cited
        them by walking the clauses on every quote: a sixth of its time)."""
        def deciding(own: str, wide: bool) -> tuple[ClauseKey, ...]:
            """Its rules and the clauses of that end (a max clause only where the band is wider than a point:
            it is what lifts the max); where there are none, every clause but the context."""
            found = [c for c in self.clauses if c.role == "rule" or (c.role == own and (own == "min" or wide))]
            return tuple(map(clause_key, found or [c for c in self.clauses if c.role != "context"]))

        return TierCites(min=deciding("min", False), max_point=deciding("max", False), max_wide=deciding("max", True),
                         context=tuple(clause_key(c) for c in self.clauses if c.role in ("rule", "context")))


class Stage(Strict):
    id: str
    label: str
    completion_from: Decimal = Field(default=Decimal(0), ge=0, le=100)  # inclusive
    completion_above: Optional[Decimal] = Field(default=None, ge=0, lt=100)  # exclusive, instead of from
    completion_below: Optional[Decimal] = Field(default=None, gt=0, le=100)  # exclusive
    completion_to: Optional[Decimal] = Field(default=None, ge=0, le=100)  # inclusive
    work_started: Optional[bool] = None
    explicit_only: bool = False  # an event the user must assert; completion never places it
    # Where its band is narrower than the policy's own (a reading splits a phase), how and why, in a client's words:
    # a client reads "Development (51-63%)" beside the policy's "Development Phase (51-75% Complete)".
    reading: Optional[str] = None
    tiers: tuple[Tier, ...] = Field(min_length=1, max_length=LIST_MAX)

    def model_post_init(self, context: Any) -> None:
        self.clock_days  # noqa: B018 (worked out as the file is loaded)

    @cached_property
    def clock_days(self) -> frozenset[int]:
        """The last days of this stage's tier clocks: its result can change only the day after one."""
        return frozenset(_clock_days(self.tiers))

    @model_validator(mode="after")
    def _one_upper_bound_and_a_fallback_tier(self) -> Stage:
        if (self.completion_below is None) == (self.completion_to is None):
            raise ValueError(f"stage {self.id}: give exactly one of completion_below, completion_to")
        if self.completion_above is not None and self.completion_from != 0:
            raise ValueError(f"stage {self.id}: give completion_from or completion_above, not both")
        return self

    @field_validator("tiers")
    @classmethod
    def _last_tier_always_applies(cls, tiers: tuple[Tier, ...], info: ValidationInfo) -> tuple[Tier, ...]:
        if tiers and tiers[-1].when != Conditions():
            raise ValueError(f"the last tier of stage {info.data.get('id', '?')} must apply whatever the day, work "
                             "and deliverables (no days_min, days_max, work_started or deliverables_provided), so "
                             "every case has a rule")
        return tiers

    def holds(self, completion: Decimal, work_started: bool) -> bool:
        """Completion and the work flag place a case in this stage."""
        if self.explicit_only or not self.covers(completion):
            return False
        return self.work_started is None or self.work_started == work_started

    def covers(self, completion: Decimal) -> bool:
        """The completion lies in this stage's band."""
        if completion < self.completion_from:
            return False
        if self.completion_above is not None and completion <= self.completion_above:
            return False
        if self.completion_below is not None and completion >= self.completion_below:
            return False
        return self.completion_to is None or completion <= self.completion_to


def _clock_days(tiers: tuple[Tier, ...]) -> set[int]:
    days: set[int] = set()
    for tier in tiers:
        if tier.when.days_max is not None:
            days.add(tier.when.days_max)
        if tier.when.days_min is not None and tier.when.days_min > 0:
            days.add(tier.when.days_min - 1)
    return days


class Service(Strict):
    label: str
    billing: Literal["project", "monthly"]
    stage_note: str  # how completion places a stage, shown to the user
    clauses: tuple[Clause, ...] = Field(min_length=1, max_length=LIST_MAX)
    separate_funds: tuple[Literal[models.MONEY_PARTS], ...] = ()  # type: ignore[valid-type]
    stages: tuple[Stage, ...] = Field(min_length=1, max_length=LIST_MAX)

    @model_validator(mode="after")
    def _stages_cover_every_completion(self) -> Service:
        ids = [s.id for s in self.stages]
        if len(ids) != len(set(ids)):
            raise ValueError("stage ids must be unique within a service")
        probes = [Decimal(x) / 2 for x in range(201)]
        for started in (False, True):
            for c in probes:
                if started is False and c > 0:
                    continue
                if not any(s.holds(c, started) for s in self.stages):
                    raise ValueError(
                        f"no stage covers completion {c}% with work_started={started}: add or widen a stage"
                    )
        return self


class Window(Strict):
    days: int = Field(ge=0, le=DAYS_MAX)
    clauses: tuple[Clause, ...] = Field(min_length=1, max_length=LIST_MAX)


class Deduction(Strict):
    field: Literal[models.MONEY_PARTS]  # type: ignore[valid-type]
    label: str
    clauses: tuple[Clause, ...] = Field(min_length=1, max_length=LIST_MAX)


class ExceptionRule(Strict):
    flag: Literal[EXCEPTION_FLAGS]  # type: ignore[valid-type]
    label: str
    min: Amount
    max: Amount
    clauses: tuple[Clause, ...] = Field(min_length=1, max_length=LIST_MAX)


class NoticeRule(Strict):
    days: int = Field(ge=0, le=DAYS_MAX)
    clauses: tuple[Clause, ...] = Field(min_length=1, max_length=LIST_MAX)


class ProcessingTime(Strict):
    method: Literal[tuple(PAYMENT_METHODS)]  # type: ignore[valid-type]
    min_business_days: int = Field(ge=0, le=DAYS_MAX)
    max_business_days: int = Field(ge=0, le=DAYS_MAX)
    clauses: tuple[Clause, ...] = Field(min_length=1, max_length=LIST_MAX)


class Remedy(Strict):
    label: str
    when_flag: Optional[Literal["first_time_client"]] = None
    clauses: tuple[Clause, ...] = Field(min_length=1, max_length=LIST_MAX)


class Term(Strict):
    summary: str
    clauses: tuple[Clause, ...] = Field(min_length=1, max_length=LIST_MAX)


class Ambiguity(Strict):
    id: str
    title: str
    kind: str
    summary: str
    readings: tuple[str, ...] = Field(min_length=2, max_length=10)
    adopted: str
    # linter findings this documents: "band-gap", or "band-gap:website" for one service
    explains: tuple[str, ...] = Field(default=(), max_length=LIST_MAX)


class ReviewPeriod(Strict):
    """How the provider handles a request once sent: receipt acknowledged within some hours, the request reviewed
    within some business days."""

    acknowledge_hours: int = Field(ge=0, le=DAYS_MAX * 24)
    review_business_days: int = Field(ge=0, le=DAYS_MAX)
    clauses: tuple[Clause, ...] = Field(min_length=1, max_length=LIST_MAX)


class Statement(Strict):
    """Something the policy tells a client about their refund, in plain words, with the clauses that say it."""

    text: str
    clauses: tuple[Clause, ...] = Field(min_length=1, max_length=LIST_MAX)


class Contact(Strict):
    email: Optional[str] = None
    phone: Optional[str] = None
    note: str
    how_to_request: str  # plain words: what to send, and to whom
    steps: tuple[Clause, ...] = Field(default=(), max_length=LIST_MAX)  # the policy's own request procedure
    documents: tuple[Clause, ...] = Field(default=(), max_length=LIST_MAX)  # what the policy asks the client to include
    # a request email's subject line: {project}, the client's project name, where the provider asks for one in its
    # own subject; else {service}, the service (a "[Your Project Name]" slot no such provider asks for, a walkthrough)
    subject: str = "Refund request - {service}"
    request_items: tuple[Clause, ...] = Field(default=(), max_length=LIST_MAX)  # what the policy asks a request email to hold
    address_name: str = "refund email address"  # what the policy calls the address, where it gives none


class PolicyFile(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=ID_MAX)
    name: str = Field(min_length=1, max_length=NAME_MAX)
    version: str = Field(min_length=1, max_length=VERSION_MAX)
    effective_from: Optional[date] = None  # the day this version takes effect; none: in force from the start
    last_updated: Optional[date] = None
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    source: str  # file name of the policy text in shared/policies
    contact: Contact
    window: Optional[Window] = None
    deductions: tuple[Deduction, ...] = Field(default=(), max_length=LIST_MAX)
    exceptions: tuple[ExceptionRule, ...] = Field(default=(), max_length=LIST_MAX)
    next_charge_notice: Optional[NoticeRule] = None
    processing_times: tuple[ProcessingTime, ...] = Field(default=(), max_length=LIST_MAX)
    remedies: tuple[Remedy, ...] = Field(default=(), max_length=LIST_MAX)
    review: Optional[ReviewPeriod] = None  # once a request is sent: acknowledged and reviewed within
    refund_method: Optional[Statement] = None  # how a refund is paid (and in which currency)
    international: Optional[Statement] = None  # what differs for a client abroad
    terms: dict[Literal[tuple(TERMS)], Term] = {}  # type: ignore[valid-type]
    ambiguities: tuple[Ambiguity, ...] = Field(default=(), max_length=AMBIGUITIES_MAX)
    services: dict[Literal[tuple(SERVICES)], Service]  # type: ignore[valid-type]

    def model_post_init(self, context: Any) -> None:
        self.plans, self.clause_refs, self.processing_times_by_method  # noqa: B018 (worked out as the file is loaded)

    @cached_property
    def plans(self) -> Mapping[str, ServicePlan]:
        """Each service's plan, worked out once as the file is loaded and held by the policy (nothing keyed by
        id() elsewhere, nothing to go stale: a policy is frozen, and a changed copy is validated anew)."""
        return MappingProxyType({sid: ServicePlan.of(self, service) for sid, service in self.services.items()})

    @cached_property
    def processing_times_by_method(self) -> Mapping[Optional[str], models.ProcessingTime]:
        """The processing time a quote states, by payment method (None: the span of every method). Built once:
        a ProcessingTime is frozen, so quotes can share one."""
        methods: list[Optional[str]] = [None, *dict.fromkeys(p.method for p in self.processing_times)]
        found = {}
        for method in methods if self.processing_times else []:
            rows = [p for p in self.processing_times if method is None or p.method == method]
            found[method] = models.ProcessingTime(
                method=method,
                min_business_days=min(p.min_business_days for p in rows),
                max_business_days=max(p.max_business_days for p in rows),
                clauses=tuple(self.clause_refs[clause_key(c), ()] for p in rows for c in p.clauses),
            )
        return MappingProxyType(found)

    @cached_property
    def clause_refs(self) -> Mapping[tuple[tuple[Any, ...], tuple[str, ...]], models.ClauseRef]:
        """How a quote cites each clause of this policy (by clause_key), by what the clause decides in it. Built
        once; a ClauseRef is frozen, so quotes share them."""
        ends: tuple[tuple[str, ...], ...] = (
            (), ("refund_min",), ("refund_max",), ("refund_min", "refund_max"), ("refund_max", "refund_min"),
            ("next_charge_avoided",),
        )
        return MappingProxyType({
            (clause_key(c), decides): models.ClauseRef(provider=self.id, section=c.section, quote=c.quote, reading=c.reading,
                                           decision=c.decision, decides=decides)  # type: ignore[arg-type]
            for c in self.all_clauses(distinct=clause_key) for decides in ends
        })

    def processing_time(self, method: Optional[str]) -> Optional[models.ProcessingTime]:
        return self.processing_times_by_method.get(method)

    def bills_monthly(self, service_id: str) -> bool:
        """A monthly service: progress is the current period's, and notice decides next month's charge."""
        found = self.services.get(service_id)
        return found is not None and found.billing == "monthly"

    def notice_periods(self, service_id: str) -> tuple[tuple[Tier, int], ...]:
        """The service's tiers that refund what is left of a period after a notice runs out, with the notice."""
        found = self.services.get(service_id)
        tiers = [t for s in (found.stages if found is not None else ()) for t in s.tiers]
        periods = [(t, next((a.notice_period_days for a in (t.min, t.max) if a.notice_period_days is not None), None))
                   for t in tiers]
        return tuple((t, days) for t, days in periods if days is not None)

    def plan(self, service_id: str) -> Optional[ServicePlan]:
        """What the evaluator needs of one service; None where the service is not offered."""
        return self.plans.get(service_id)

    def model_copy(self, *, update: Optional[Mapping[str, Any]] = None, deep: bool = False) -> PolicyFile:
        """A changed copy is validated anew, so its plans follow its rules (a plain copy would keep the old)."""
        return type(self).model_validate({**self.model_dump(), **(update or {})})

    @field_validator("services")
    @classmethod
    def _at_least_one_service(cls, value: dict[str, Any]) -> dict[str, Any]:
        if not value:
            raise ValueError("a policy must offer at least one service")
        return value

    @model_validator(mode="after")
    def _tiers_within_bounds(self) -> PolicyFile:
        count = sum(len(stage.tiers) for service in self.services.values() for stage in service.stages)
        if count > TIERS_MAX:
            raise ValueError(f"has {count:,} tiers; a policy file may have at most {TIERS_MAX}")
        return self

    @model_validator(mode="after")
    def _every_cited_reading_exists(self) -> PolicyFile:
        known = DECISIONS | {a.id for a in self.ambiguities}
        for clause in self.all_clauses():
            if clause.decision and clause.decision not in known:
                raise ValueError(
                    f"clause {clause.section!r} cites {clause.decision!r}, which is neither a decisions.md row "
                    "nor an ambiguity of this policy"
                )
        for service in self.services.values():
            for stage in service.stages:
                for tier in stage.tiers:
                    if tier.ambiguity and tier.ambiguity.id not in known:
                        raise ValueError(f"tier {tier.id} names unknown ambiguity {tier.ambiguity.id!r}")
        return self

    def all_clauses(self, distinct: Callable[[Clause], tuple[Any, ...]] = lambda c: (c.section, c.quote)) -> list[Clause]:
        """Every clause the data uses, in file order; clauses with the same `distinct` key listed once (by
        default: the same section and quote)."""
        found: list[Clause] = []
        groups: list[tuple[Clause, ...]] = []
        if self.window:
            groups.append(self.window.clauses)
        groups += [d.clauses for d in self.deductions]
        groups += [e.clauses for e in self.exceptions]
        if self.next_charge_notice:
            groups.append(self.next_charge_notice.clauses)
        groups += [p.clauses for p in self.processing_times]
        groups += [r.clauses for r in self.remedies]
        groups += [part.clauses for part in (self.review, self.refund_method, self.international) if part is not None]
        groups += [t.clauses for t in self.terms.values()]
        groups += [self.contact.steps, self.contact.documents, self.contact.request_items]
        for service in self.services.values():
            groups.append(service.clauses)
            for stage in service.stages:
                groups += [tier.clauses for tier in stage.tiers]
        seen: set[tuple[Any, ...]] = set()
        for group in groups:
            for clause in group:
                key = distinct(clause)
                if key not in seen:
                    seen.add(key)
                    found.append(clause)
        return found


@dataclass(frozen=True)
class ServicePlan:
    """What evaluating one service of one policy needs, worked out when the file is loaded."""

    service: Service
    window_days: Optional[int]
    deduction_fields: tuple[str, ...]
    asks_deliverables: bool
    uses_notice: bool
    reads: frozenset[str]  # the scenario facts its rules read that an unknown spreads (models.may_be_unknown)
    day_thresholds: tuple[int, ...]  # every clock's last day, the window's included
    # Where completion places a case, for each whole percentage and work flag: curves and sliders ask these
    # (worked out once; other completions are placed as asked).
    placements: Mapping[tuple[Decimal, bool], tuple[Stage, ...]]

    def place(self, completion: Decimal, started: bool) -> tuple[Stage, ...]:
        """The stages completion and the work flag place a case in (more than one: the stage is unknown)."""
        found = self.placements.get((completion, started))
        if found is None:
            found = tuple(s for s in self.service.stages if s.holds(completion, started))
        return found

    @classmethod
    def of(cls, policy: PolicyFile, service: Service) -> ServicePlan:
        tiers = [t for stage in service.stages for t in stage.tiers]
        window_days = policy.window.days if policy.window else None
        asks_deliverables = any(t.when.deliverables_provided is not None for t in tiers)
        uses_notice = any(a.of == "unused_after_notice" for t in tiers for a in (t.min, t.max))
        return cls(
            service=service,
            window_days=window_days,
            deduction_fields=tuple(d.field for d in policy.deductions) + tuple(service.separate_funds),
            asks_deliverables=asks_deliverables,
            uses_notice=uses_notice,
            reads=frozenset(name for name, read in (("deliverables_provided", asks_deliverables),
                                                    ("notice_days", uses_notice)) if read),
            day_thresholds=clock_thresholds(window_days, service.stages),
            placements=MappingProxyType({
                (Decimal(c), started): tuple(s for s in service.stages if s.holds(Decimal(c), started))
                for c in range(101) for started in (False, True)
            }),
        )


def clock_thresholds(window_days: Optional[int], stages: tuple[Stage, ...]) -> tuple[int, ...]:
    """The last days of the window and of every clock of these stages, in order."""
    days: set[int] = set().union(*(s.clock_days for s in stages))
    if window_days is not None:
        days.add(window_days)
    return tuple(sorted(days))
