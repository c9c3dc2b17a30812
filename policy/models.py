"""Scenario in, Quote out: the contract of decisions.md section 3."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

from .taxonomy import PAYMENT_METHODS, SERVICES

ServiceId = Literal[tuple(SERVICES)]  # type: ignore[valid-type]
PaymentMethod = Literal[tuple(PAYMENT_METHODS)]  # type: ignore[valid-type]
Verdict = Literal["full", "partial", "none", "discretionary", "window_closed", "not_offered"]

MAX_AMOUNT = Decimal("1000000000")  # a billion: far above any agency invoice, far below Decimal trouble


PaidAmount = Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT, allow_inf_nan=False, decimal_places=2)]
PartAmount = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False, decimal_places=2)]


def infer_started(work_started: Optional[bool], completion_pct: Decimal) -> bool:
    """decisions.md: work_started null is inferred from completion (> 0 means started)."""
    return work_started if work_started is not None else completion_pct > 0


_NUMERIC_FIELDS = (
    "amount_paid", "completion_pct", "days_since_payment", "notice_days", "third_party_costs",
    "taxes_remitted", "unused_ad_spend",
)


class Scenario(BaseModel):
    """One refund question. Unknown fields are an error, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: str = Field(min_length=1)
    service: ServiceId
    amount_paid: PaidAmount
    completion_pct: Decimal = Field(ge=0, le=100, allow_inf_nan=False)
    days_since_payment: int = Field(ge=0, le=36500)
    work_started: Optional[bool] = None
    deliverables_provided: Optional[bool] = None
    notice_days: Optional[int] = Field(default=None, ge=0, le=36500)
    third_party_costs: PartAmount = Decimal(0)
    taxes_remitted: PartAmount = Decimal(0)
    unused_ad_spend: PartAmount = Decimal(0)
    payment_method: Optional[PaymentMethod] = None
    first_time_client: bool = False
    billing_error: bool = False
    provider_fault: bool = False
    undelivered_promised: bool = False
    stage: Optional[str] = None

    @model_validator(mode="before")
    @classmethod
    def _numbers_are_not_booleans(cls, data: Any) -> Any:
        """One pass over the numeric fields (one call is cheaper than a validator per field)."""
        if not isinstance(data, dict):
            return data
        fixed = None
        for name in _NUMERIC_FIELDS:
            value = data.get(name)
            if isinstance(value, bool):
                raise ValueError(f"{name}: must be a number, not true/false")
            if isinstance(value, float):
                fixed = fixed or dict(data)
                fixed[name] = Decimal(repr(value))  # 0.1 stays 0.1, not its binary neighbour
        return fixed or data

    @field_validator("stage", mode="before")
    @classmethod
    def _blank_stage_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _consistent(self) -> "Scenario":
        for name in ("third_party_costs", "taxes_remitted", "unused_ad_spend"):
            if getattr(self, name) > self.amount_paid:
                raise ValueError(f"{name}: cannot exceed amount_paid ({self.amount_paid})")
        if self.third_party_costs + self.taxes_remitted + self.unused_ad_spend > self.amount_paid:
            raise ValueError(
                "third_party_costs: together with taxes_remitted and unused_ad_spend cannot exceed amount_paid "
                f"({self.amount_paid})"
            )
        if self.work_started is False and self.completion_pct > 0:
            raise ValueError(
                "work_started: cannot be false when completion_pct is above 0; leave it unknown or set completion to 0"
            )
        return self

    def for_provider(self, provider: str) -> "Scenario":
        """The same case put to another provider; an explicit stage belongs to one provider's service."""
        if provider == self.provider:
            return self
        return self.model_copy(update={"provider": provider, "stage": None})

    @property
    def started(self) -> bool:
        return infer_started(self.work_started, self.completion_pct)


# The quote and its parts: plain dataclasses (cheap to build), serialised by one pydantic TypeAdapter.

@dataclass(slots=True)
class ClauseRef:
    provider: str
    section: str
    quote: str
    reading: str
    decision: Optional[str] = None


@dataclass(slots=True)
class ReadingAmount:
    label: str
    amount: str


@dataclass(slots=True)
class AmbiguityUse:
    id: str
    title: str
    readings: list[ReadingAmount]


@dataclass(slots=True)
class FactOutcome:
    value: str
    refund_min: str
    refund_max: str


@dataclass(slots=True)
class UnknownFact:
    fact: str
    outcomes: list[FactOutcome]


@dataclass(slots=True)
class Deduction:
    field: str
    label: str
    amount: str
    clause: ClauseRef


@dataclass(slots=True)
class Deadline:
    last_day: int  # the last day (since payment) that keeps the current result
    drops_on_day: int
    refund_min_after: str
    refund_max_after: str
    verdict_after: Verdict


@dataclass(slots=True)
class ProcessingTime:
    method: Optional[str]
    min_business_days: int
    max_business_days: int
    clauses: list[ClauseRef]


@dataclass(slots=True)
class StagePlacement:
    id: Optional[str]
    label: str
    placed_by: Literal["explicit", "completion", "none"]
    candidates: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Quote:
    provider: str
    provider_name: str
    service: str
    service_label: Optional[str]
    policy_version: str
    currency: str
    amount_paid: str
    refundable_base: str
    refund_min: str
    refund_max: str
    refund_pct_min: float
    refund_pct_max: float
    verdict: Verdict
    stage: StagePlacement
    stage_note: Optional[str]
    tiers: list[str]
    clauses: list[ClauseRef]
    ambiguities: list[AmbiguityUse]
    unknowns: list[UnknownFact]
    deductions: list[Deduction]
    deadlines: list[Deadline]
    next_deadline: Optional[Deadline]
    processing_time: Optional[ProcessingTime]
    next_charge_avoided: Optional[bool]
    remedies: list[str]
    notes: list[str]


_QUOTE_ADAPTER = TypeAdapter(Quote)


def quote_to_dict(q: Quote) -> dict:
    """The JSON-ready dict of a quote (the decisions.md contract)."""
    return _QUOTE_ADAPTER.dump_python(q, mode="json")


def quote_to_json(q: Quote, indent: Optional[int] = None) -> str:
    return _QUOTE_ADAPTER.dump_json(q, indent=indent).decode()
