"""The scenario's fields as every surface sees them, derived from their one declaration in models.Scenario.

The command line's flags, the batch columns, the URL codec and the app's labels and widgets all read FIELDS;
none of them names a field's kind or label itself. Adding a field is one `declare(...)` in Scenario, plus the
rule that reads it.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal, Optional, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le
from pydantic.fields import FieldInfo

from .models import Scenario
from .money import CENT, format_usd

Bound = Union[Decimal, date]


@dataclass(frozen=True)
class Unknown:
    """A fact that may be unknown, as declared with its field (models.may_be_unknown)."""

    fact: str  # the fact in words
    answer: str  # how a form offers 'not known'
    words: tuple[tuple[Any, str], ...]  # each value in words
    spread: bool  # an unknown is quoted under each value (a stage field: under each stage completion allows)
    before_start: Any  # the value it takes while the work has not started (None: no such rule)

    @property
    def values(self) -> tuple[Any, ...]:
        return tuple(value for value, _ in self.words)

    def word(self, value: Any) -> str:
        return next(word for known, word in self.words if known == value)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    help: str
    kind: str
    group: str
    required: bool
    default: Any  # the model's default; for a required field, its example (what the app starts from)
    choices: tuple[str, ...]  # the allowed values of a choice field (empty for the others)
    choice_labels: dict[str, str]  # how they read
    low: Optional[Decimal]  # a number's least and most
    high: Optional[Decimal]
    first_day: Optional[date]  # a date's
    last_day: Optional[date]
    cli: tuple[str, ...]  # the command line's flags for it, the long name first
    unknown: Optional[Unknown] = None  # declared as a fact that may be unknown
    headers: tuple[str, ...] = ()  # how spreadsheets head its column, besides its name, label and flags

    @property
    def flag(self) -> str:
        return self.cli[0]


def _bounds(info: FieldInfo) -> tuple[Optional[Bound], Optional[Bound]]:
    """The least and the most a field allows (a money field above 0 starts at a cent; a date after a day, the
    next day)."""
    low: Optional[Bound] = None
    high: Optional[Bound] = None
    metadata = list(info.metadata)
    for arg in get_args(info.annotation):  # Annotated[Decimal, Field(...)] keeps its bounds on the inner type
        metadata += getattr(arg, "metadata", [])
    for m in metadata:
        if isinstance(m, Ge):
            low = m.ge if isinstance(m.ge, date) else Decimal(str(m.ge))
        elif isinstance(m, Gt):
            low = m.gt + timedelta(days=1) if isinstance(m.gt, date) else Decimal(str(m.gt)) + CENT
        elif isinstance(m, Le):
            high = m.le if isinstance(m.le, date) else Decimal(str(m.le))
    return low, high


def _choices(info: FieldInfo) -> tuple[str, ...]:
    literal = info.annotation
    if get_origin(literal) is not Literal:  # Optional[Literal[...]]
        literal = next(a for a in get_args(literal) if get_origin(a) is Literal)
    return tuple(get_args(literal))


def _spec(name: str, info: FieldInfo) -> FieldSpec:
    declared = info.json_schema_extra
    if not isinstance(declared, dict) or info.title is None or info.description is None:
        raise TypeError(f"Scenario.{name} is not declared with models.declare (its kind, label and help)")
    extra: dict[str, Any] = dict(declared)
    low, high = _bounds(info)
    required = info.is_required()
    return FieldSpec(
        name=name, label=info.title, help=info.description, kind=extra["kind"], group=extra["group"],
        required=required, default=(info.examples or [None])[0] if required else info.default,
        choices=_choices(info) if extra["kind"] == "choice" else (), choice_labels=extra["choice_labels"],
        low=low if isinstance(low, Decimal) else None, high=high if isinstance(high, Decimal) else None,
        first_day=low if isinstance(low, date) else None, last_day=high if isinstance(high, date) else None,
        cli=("--" + name.replace("_", "-"), *extra["cli"]),
        unknown=_unknown(extra.get("unknown")), headers=tuple(extra.get("headers", ())),
    )


def _unknown(declared: Optional[dict[str, Any]]) -> Optional[Unknown]:
    if declared is None:
        return None
    return Unknown(fact=declared["fact"], answer=declared["answer"],
                   words=tuple((value, word) for value, word in declared["words"]), spread=declared["spread"],
                   before_start=declared["before_start"])


FIELDS: tuple[FieldSpec, ...] = tuple(_spec(name, info) for name, info in Scenario.model_fields.items())
BY_NAME: dict[str, FieldSpec] = {f.name: f for f in FIELDS}
NAMES: tuple[str, ...] = tuple(BY_NAME)
_NAMED = re.compile(r"\b(" + "|".join(sorted(NAMES, key=len, reverse=True)) + r")\b")  # a field named in a message
LABELS: dict[str, str] = {f.name: f.label for f in FIELDS}


def in_words(message: str, names: Mapping[str, str] = LABELS) -> str:
    """A message with each field it names as a person knows it ('cannot be false when completion_pct is above 0' ->
    '... when Project completion (%) is above 0'): by its label, or by `names` (a batch: the file's own columns)."""
    return _NAMED.sub(lambda m: names.get(m.group(0), m.group(0)), message)
REQUIRED: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)
# The least and the most of each bounded field, as its errors say them ('must be from 0 to 100'; an amount's in dollars,
# as every amount a person reads: "must be from 0.01 to 1,000,000,000" had none, a walkthrough)
RANGES: dict[str, tuple[Union[Bound, str], Union[Bound, str]]] = {
    f.name: (format_usd(low), format_usd(high)) if f.kind == "money" and isinstance(low, Decimal) and
    isinstance(high, Decimal) else (low, high) for f in FIELDS
    for low, high in [(f.low, f.high) if f.low is not None else (f.first_day, f.last_day)]
    if low is not None and high is not None}
# The facts that may be unknown, as declared; the stage first (it places the case), then in declaration order.
UNKNOWABLE: tuple[FieldSpec, ...] = tuple(sorted((f for f in FIELDS if f.unknown), key=lambda f: f.kind != "stage"))


def in_group(group: str) -> tuple[FieldSpec, ...]:
    return tuple(f for f in FIELDS if f.group == group)
