"""Scenario in, Quote out: the contract of decisions.md section 3.

Each scenario field is declared once, here, with its label, help text and kind; the command-line flags, the
batch columns, the URL codec and the app's labels are derived from that declaration (policy/fields.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional, assert_never

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from .taxonomy import PAYMENT_METHODS, SERVICES

if TYPE_CHECKING:
    from .schema import PolicyFile
else:  # schema imports this module; at run time the quote's policy is only held, never validated or written
    PolicyFile = Any

ServiceId = Literal[tuple(SERVICES)]  # type: ignore[valid-type]
PaymentMethod = Literal[tuple(PAYMENT_METHODS)]  # type: ignore[valid-type]


JsonDict = dict[str, Any]  # a JSON object, as pydantic reads json_schema_extra (pydantic.json_schema does not export its own)


class Verdict(StrEnum):
    """decisions.md section 4. A member is its contract string (JSON, CSV and the register read and write "full",
    "partial", ...) and carries its words and colour; its name is that string too, so a database driver that
    writes an enum's name writes the same. Every function that branches on a verdict matches every member
    (mypy checks the assert_never)."""

    full = "full"
    partial = "partial"
    none = "none"
    discretionary = "discretionary"
    depends = "depends"
    window_closed = "window_closed"
    not_offered = "not_offered"

    @property
    def label(self) -> str:
        """Its one name on every page (a quote's label adds what qualifies it: explain.verdict_label)."""
        match self:
            case Verdict.full:
                return "Full refund"
            case Verdict.partial:
                return "Partial refund"
            case Verdict.none:
                return "No refund"
            case Verdict.discretionary:
                return "Discretionary or unclear"  # the sentence says which: the provider decides, or the text is unclear
            case Verdict.depends:
                return "Depends on facts not given"
            case Verdict.window_closed:
                return "Request window closed"
            case Verdict.not_offered:
                return "Not offered"  # the same words as the refund it stands for
            case _:
                assert_never(self)

    @property
    def colour(self) -> str:
        """One colour on every surface (Streamlit's named colours; the charts use the same names)."""
        match self:
            case Verdict.full:
                return "green"
            case Verdict.partial:
                return "blue"
            case Verdict.none | Verdict.window_closed:
                return "red"
            case Verdict.discretionary:
                return "orange"
            case Verdict.depends:
                return "violet"
            case Verdict.not_offered:
                return "gray"
            case _:
                assert_never(self)

    @property
    def sentence(self) -> str:
        """What it means, in one plain sentence (a quote's sentence adds what decides it: explain.verdict_sentence)."""
        match self:
            case Verdict.full:
                return "You are entitled to a full refund."
            case Verdict.partial:
                return "You are entitled to part of your payment back."
            case Verdict.none:
                return "The policy gives no refund in this situation."
            case Verdict.discretionary:
                return ("The policy lets the provider decide: you can ask, but only the amount shown as the minimum is "
                        "certain.")
            case Verdict.depends:
                return "The policy gives a refund in some of the situations these facts leave open, and none in others."
            case Verdict.window_closed:
                return "The policy's deadline for refund requests has passed."
            case Verdict.not_offered:
                return "This provider's policy does not cover this service."
            case _:
                assert_never(self)


MAX_AMOUNT = Decimal("1000000000")  # a billion: far above any agency invoice, far below Decimal trouble
MAX_DAYS = 36500
MAX_NOTICE_DAYS = 3650  # ten years: a notice is given within a contract's life
# Payment dates a quote counts from: every date it counts to (up to MAX_DAYS plus a policy's longest clock) stays
# in the calendar's range.
EARLIEST_PAYMENT = date(2000, 1, 1)
LATEST_PAYMENT = date(2999, 12, 31)

# The kinds a field can be; everything that reads or writes a scenario switches on these, never on names.
Kind = Literal["provider", "choice", "money", "percent", "days", "date", "tristate", "flag", "stage"]
NUMBER_KINDS = ("money", "percent", "days")

NOTICE_SERVED = 10**6  # a notice period given long ago: fully served


def may_be_unknown(fact: str, answer: str, words: tuple[tuple[Any, str], ...] = (), *, spread: bool = False,
                   before_start: Any = None) -> JsonDict:
    """A fact a client may not know, declared with its field (the evaluator, the quote's unknowns and the
    eligibility form loop over these declarations):
    - fact: the fact in words ("whether anything was delivered");
    - answer: how a form offers 'not known' ("Not sure", "I don't know");
    - words: each value in words ((True, "yes"), ...);
    - spread: an unknown is quoted under each of `words`' values and the band covers them all (otherwise it is
      inferred, or its own rule spans it); a stage field spreads over the stages completion allows;
    - before_start: the value it takes while the work has not started (decisions.md 'SI not started')."""
    return {"fact": fact, "answer": answer, "words": [[value, word] for value, word in words], "spread": spread,
            "before_start": before_start}


def declare(kind: Kind, label: str, help: str, *, group: str = "advanced", cli: tuple[str, ...] = (),
            choice_labels: Optional[dict[str, str]] = None, unknown: Optional[JsonDict] = None,
            headers: tuple[str, ...] = (), **field_args: Any) -> Any:
    """A scenario field with what every surface needs to show and read it. `group`: where the app asks for it
    (offer: what was bought; dial: the two sliders; advanced). `cli`: short flags besides --the-field-name.
    `choice_labels`: how a choice field's values read. `unknown`: a fact that may be unknown (may_be_unknown).
    `headers`: how spreadsheets head its column, besides its name, label and flags ("Agency", "% complete")."""
    extra: JsonDict = {"kind": kind, "group": group, "cli": list(cli), "choice_labels": dict(choice_labels or {}),
                       "unknown": unknown, "headers": list(headers)}
    return Field(title=label, description=help, json_schema_extra=extra, **field_args)


PaidAmount = Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT, allow_inf_nan=False, decimal_places=2)]
PartAmount = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False, decimal_places=2)]

_DECIMAL_CHARS = "0123456789.+-"  # ASCII digits only: no '1_200', no '²', no '1e3', no 'NaN'
_WHOLE_CHARS = "0123456789+-"


def check_plain(text: str, whole: bool = False) -> str:
    """A number typed by a person: plain decimal text in ASCII digits, nothing else ('1_200', '²', '1e3' and
    'NaN' are refused; a malformed '1.2.3' is left to the parser's own message). Returns the text stripped;
    ValueError says what is allowed. (str.strip is C-fast: every batch cell passes here.)"""
    text = text.strip()
    if not text or text.strip(_WHOLE_CHARS if whole else _DECIMAL_CHARS):
        raise ValueError("must be a whole number such as 7" if whole
                         else "must be a plain decimal number such as 5000 or 5000.00")
    return text


def parse_plain(text: str, whole: bool = False) -> Decimal:
    """check_plain, then the Decimal (InvalidOperation for text such as '1.2.3')."""
    return Decimal(check_plain(text, whole))


def infer_started(work_started: Optional[bool], completion_pct: Decimal) -> bool:
    """decisions.md: work_started null is inferred from completion (> 0 means started)."""
    return work_started if work_started is not None else completion_pct > 0


class Scenario(BaseModel):
    """One refund question. Unknown fields are an error, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: str = declare("provider", "Provider", "Whose refund policy applies.", group="offer",
                            headers=("Agency", "Vendor", "Supplier"), min_length=1,
                            examples=["socialbeat"])
    service: ServiceId = declare(  # type: ignore[valid-type]
        "choice", "Service", "What was bought, in the common taxonomy.", group="offer", choice_labels=SERVICES,
        headers=("Service type", "Service name", "Package", "Product"),
        examples=["website"])
    amount_paid: PaidAmount = declare("money", "Amount paid", "The payment the request is about, in the policy's "
                                      "currency (USD).", group="offer", examples=["5000.00"],
                                      headers=("Amount ($)", "Amount (USD)", "Amount paid ($)", "Amount paid (USD)",
                                               "Paid", "Payment amount", "Price", "Total paid"))
    completion_pct: Decimal = declare(
        "percent", "Project completion (%)", "Project progress; for a monthly service, how much of the current "
        "period is used.", group="dial", cli=("--completion",), ge=0, le=100, allow_inf_nan=False, examples=[0],
        headers=("% complete", "Percent complete", "Progress (%)", "% done", "Percent done", "% completed", "Completion"))
    days_since_payment: int = declare(
        "days", "Days since payment", "The day of payment is day 0; 'within 7 days' includes day 7.", group="dial",
        cli=("--days",), ge=0, le=MAX_DAYS, examples=[0], headers=("Days since paid", "Days since purchase", "Days elapsed"))
    paid_on: Optional[date] = declare(
        "date", "Payment date", "The day of payment (YYYY-MM-DD). With it, the request day and every deadline are "
        "calendar dates.", default=None, ge=EARLIEST_PAYMENT, le=LATEST_PAYMENT,
        headers=("Date paid", "Paid date", "Date of payment", "Purchase date"))
    work_started: Optional[bool] = declare(
        "tristate", "Work started", "Unknown: inferred from completion (above 0% = started).", default=None,
        headers=("Started",),
        unknown=may_be_unknown("whether the work has started", "Not sure", ((True, "yes"), (False, "no"))))
    deliverables_provided: Optional[bool] = declare(
        "tristate", "Deliverables provided", "Whether anything has been delivered to the client.", default=None,
        headers=("Deliverables", "Delivered"),
        unknown=may_be_unknown("whether anything was delivered", "Not sure", ((False, "no"), (True, "yes")),
                               spread=True, before_start=False))
    notice_days: Optional[int] = declare(
        "days", "Notice days", "Days of notice before the next billing date or the cancellation.", default=None,
        headers=("Notice", "Days notice", "Notice given (days)"),
        ge=0, le=MAX_NOTICE_DAYS,
        unknown=may_be_unknown("when notice was given", "I don't know",
                               ((0, "notice given today"), (NOTICE_SERVED, "notice period already served")),
                               spread=True))
    third_party_costs: PartAmount = declare(
        "money", "Third-party costs", "Costs paid to others (domains, hosting, licences) within the amount paid.",
        default=Decimal(0))
    taxes_remitted: PartAmount = declare(
        "money", "Taxes remitted", "Taxes already paid to the authorities out of the amount paid.", default=Decimal(0))
    unused_ad_spend: PartAmount = declare(
        "money", "Unused ad spend", "Advertising budget within the amount paid that is still unspent.",
        default=Decimal(0))
    payment_method: Optional[PaymentMethod] = declare(  # type: ignore[valid-type]
        "choice", "Payment method", "How the client paid, for the processing time.", choice_labels=PAYMENT_METHODS,
        headers=("Paid by", "Paid with", "Payment type", "Method"),
        default=None, unknown=may_be_unknown("how you paid", "I don't know"))
    first_time_client: bool = declare("flag", "First-time client", "The client's first purchase.", default=False,
                                       headers=("New client", "First purchase"))
    billing_error: bool = declare("flag", "Billing error", "The client was charged the wrong amount.", default=False)
    provider_fault: bool = declare(
        "flag", "Provider at fault", "A technical failure or a missed deadline on the provider's side.", default=False)
    undelivered_promised: bool = declare(
        "flag", "Promised part undelivered", "A part of the service that was promised was not delivered.",
        default=False)
    stage: Optional[str] = declare(
        "stage", "Stage", "An explicit stage id of the provider's service, narrower than completion.", default=None,
        unknown=may_be_unknown("the stage the work is in", "The stage from completion", spread=True))

    @model_validator(mode="before")
    @classmethod
    def _plain_numbers(cls, data: Any) -> Any:
        """Numbers as plain decimal text or JSON numbers; one pass (cheaper than a validator per field)."""
        if not isinstance(data, dict):
            return data
        fixed = None
        for name in NUMERIC_FIELDS:
            value = data.get(name)
            if value is None or type(value) in _READ_NUMBERS:  # a batch's cells arrive read (a Decimal, an int)
                continue
            if isinstance(value, bool):
                raise ValueError(f"{name}: must be a number, not true/false")
            if isinstance(value, float):
                fixed = fixed or dict(data)
                fixed[name] = Decimal(repr(value))  # 0.1 stays 0.1, not its binary neighbour
            elif isinstance(value, str):
                try:
                    text = check_plain(value, whole=FIELD_KINDS[name] == "days")
                except ValueError as exc:
                    if FIELD_KINDS[name] == "percent":
                        raise ValueError(f"{name}: must be a number from 0 to 100, such as 40 or 37.5") from None
                    raise ValueError(f"{name}: {exc}") from None
                fixed = fixed or dict(data)
                fixed[name] = text
        return fixed or data

    @field_validator("stage", mode="before")
    @classmethod
    def _blank_stage_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        *parts, paid = _parts_and_paid(self)
        if sum(parts) > paid:  # the parts are never below 0: only then can one of them exceed the amount
            for name, part in zip(MONEY_PARTS, parts):
                if part > paid:
                    raise ValueError(f"{name}: cannot exceed amount_paid ({paid})")
            first, *others = MONEY_PARTS
            raise ValueError(f"{first}: together with {' and '.join(others)} cannot exceed amount_paid ({paid})")
        if self.work_started is False and self.completion_pct > 0:
            raise ValueError(
                "work_started: cannot be false when completion_pct is above 0; leave it unknown or set completion to 0"
            )
        return self

    def for_provider(self, provider: str) -> Scenario:
        """The same case put to another provider; an explicit stage belongs to one provider's service."""
        if provider == self.provider:
            return self
        return self.model_copy(update={"provider": provider, "stage": None})

    @property
    def started(self) -> bool:
        return infer_started(self.work_started, self.completion_pct)

    @property
    def requested_on(self) -> Optional[date]:
        """The request day as a date, where the payment date is known."""
        return None if self.paid_on is None else self.paid_on + timedelta(days=self.days_since_payment)

    def payment_day(self, asked: date) -> date:
        """The day of the payment: its date, or for a case given in days the day it is asked on less them."""
        return payment_day(self.paid_on, self.days_since_payment, asked)


def payment_day(paid_on: Optional[date], days_since_payment: int, asked: date) -> date:
    """A case's payment day: its date, or the day it is asked on less its days since payment (never before the
    calendar's first day: a basis of date.min is itself)."""
    if paid_on is not None:
        return paid_on
    return date.fromordinal(max(1, asked.toordinal() - days_since_payment))


FIELD_KINDS: dict[str, str] = {name: str(f.json_schema_extra["kind"])  # type: ignore[index]
                               for name, f in Scenario.model_fields.items()}
NUMERIC_FIELDS = tuple(name for name, kind in FIELD_KINDS.items() if kind in NUMBER_KINDS)
FLAG_FIELDS = tuple(name for name, kind in FIELD_KINDS.items() if kind == "flag")
# Money within the amount paid (every money field but the amount itself): what a policy may deduct.
MONEY_PARTS = tuple(name for name, kind in FIELD_KINDS.items() if kind == "money" and name != "amount_paid")
_parts_and_paid = attrgetter(*MONEY_PARTS, "amount_paid")  # one call (every scenario built passes here)
_READ_NUMBERS = (Decimal, int)  # numbers already read: nothing for _plain_numbers to do


# The quote and its parts: frozen dataclasses with tuples (cheap to build, and nothing one quote holds can be
# changed through another), serialised by one pydantic TypeAdapter.

Decides = Literal["refund_min", "refund_max", "next_charge_avoided"]


@dataclass(frozen=True, slots=True)
class ClauseRef:
    provider: str
    section: str
    quote: str
    reading: str
    decision: Optional[str] = None
    decides: tuple[Decides, ...] = ()  # empty: the clause only sets the scene (context)


@dataclass(frozen=True, slots=True)
class ReadingAmount:
    label: str
    amount: str
    plain: Optional[str] = None  # in a client's words (schema.Reading.plain)


@dataclass(frozen=True, slots=True)
class AmbiguityUse:
    id: str
    title: str
    readings: tuple[ReadingAmount, ...]
    question: Optional[str] = None  # what is unclear, in a client's words (schema.TierAmbiguity.question)


@dataclass(frozen=True, slots=True)
class FactOutcome:
    value: str
    refund_min: str
    refund_max: str


@dataclass(frozen=True, slots=True)
class UnknownFact:
    fact: str
    outcomes: tuple[FactOutcome, ...]


@dataclass(frozen=True, slots=True)
class Assumed:
    """A fact not given that the quote took a value of (decisions.md 3: work_started null is inferred from
    completion), where the policy gives another band under the other value: the band, exact to the cent as the
    quote's, said beside the quote's (a batch row said "Full refund" where the calculator said "if the work has
    started, $3,750.00", a walkthrough)."""
    fact: str  # a scenario field
    taken_as: bool  # the value the quote took for it
    refund_min: str  # the band under the other value
    refund_max: str
    less_than_full: Optional[str] = None  # as Quote.less_than_full, for that band


@dataclass(frozen=True, slots=True)
class Deduction:
    field: str
    label: str
    amount: str
    clause: ClauseRef


@dataclass(frozen=True, slots=True)
class Deadline:
    last_day: int  # the last day (since payment) that keeps the current result
    drops_on_day: int
    refund_min_after: str
    refund_max_after: str
    verdict_after: Verdict
    last_date: Optional[date] = None  # the same days as dates, where the payment date is known
    drops_on_date: Optional[date] = None
    less_than_full_after: Optional[str] = None  # as Quote.less_than_full, for the band after the drop


@dataclass(frozen=True, slots=True)
class Lapsed:
    """The latest deadline already passed: until `last_day` the result was higher (a client asking late is told
    what was lost, and when)."""

    last_day: int
    refund_min_before: str
    refund_max_before: str
    verdict_before: Verdict
    last_date: Optional[date] = None
    less_than_full_before: Optional[str] = None  # as Quote.less_than_full, for the band before it lapsed


@dataclass(frozen=True, slots=True)
class ProcessingTime:
    method: Optional[str]
    min_business_days: int
    max_business_days: int
    clauses: tuple[ClauseRef, ...]


@dataclass(frozen=True, slots=True)
class StagePlacement:
    id: Optional[str]
    label: str
    placed_by: Literal["explicit", "completion", "none"]
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Quote:
    scenario: Scenario  # what was asked: every view of a quote (JSON, CSV, Markdown) is made from this object alone
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
    refund_pct_min: str  # of the amount paid, two decimals, as the amounts
    refund_pct_max: str
    verdict: Verdict
    stage: StagePlacement
    stage_note: Optional[str]
    tiers: tuple[str, ...]
    clauses: tuple[ClauseRef, ...]  # the deciding ones first, then the context
    ambiguities: tuple[AmbiguityUse, ...]
    unknowns: tuple[UnknownFact, ...]
    deductions: tuple[Deduction, ...]
    deadlines: tuple[Deadline, ...]
    next_deadline: Optional[Deadline]
    processing_time: Optional[ProcessingTime]
    next_charge_avoided: Optional[bool]
    remedies: tuple[str, ...]
    notes: tuple[str, ...]
    lapsed: Optional[Lapsed] = None  # last: a quote saved before it existed still reads
    requested_on: Optional[date] = None  # the request day as a date, where the payment date is known
    # A clause grants a *partial* refund with no amount (decisions.md 'SB our delay') and decided refund_max: the
    # full refund (the refundable base) it stays below, by a cent. Every surface says "less than the full $X".
    less_than_full: Optional[str] = None
    assumed: tuple[Assumed, ...] = ()  # where a fact not given was taken as one value and the other gives more or less
    # The version it was quoted under, which every view reads (never resolved again). Not part of the JSON: a
    # quote read back from the register has None, and a view then says only what the quote itself stored.
    policy: Annotated[Optional[PolicyFile], Field(exclude=True), SkipJsonSchema()] = field(default=None, compare=False,
                                                                                         repr=False)


@dataclass(frozen=True, slots=True)
class QuoteHead:
    """What a batch row shows of a quote: the same parts of the same evaluation, made by the same code as the
    Quote's (quoting.quote_head), without the deadlines, readings and notes a row never shows."""
    scenario: Scenario
    provider_name: str
    policy_version: str
    requested_on: Optional[date]
    refund_min: str
    refund_max: str
    refund_pct_min: str
    refund_pct_max: str
    verdict: Verdict
    stage: StagePlacement
    clauses: tuple[ClauseRef, ...]
    unknowns: tuple[UnknownFact, ...]
    assumed: tuple[Assumed, ...]
    next_deadline: Optional[Deadline]  # the first day ahead after which the band drops
    next_charge_avoided: Optional[bool]


_QUOTE_ADAPTER = TypeAdapter(Quote)


def quote_to_json(q: Quote, indent: Optional[int] = None) -> str:
    return _QUOTE_ADAPTER.dump_json(q, indent=indent).decode()


def quote_from_json(text: str) -> Quote:
    """A quote written by quote_to_json, rebuilt as the same object (the register keeps quotes so)."""
    return _QUOTE_ADAPTER.validate_json(text)


def quote_json_schema() -> dict[str, Any]:
    return _QUOTE_ADAPTER.json_schema()
