"""The shared scenario as the app holds it, and as a URL carries it. Pure Python (no Streamlit), so it is
tested on its own: every bad or tampered parameter becomes a warning naming it, and a default."""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Optional, Union

from policy import InputError, Scenario, parse_scenario
from policy.cells import Said, money
from policy.fields import BY_NAME, FIELDS, FieldSpec
from policy.models import MAX_AMOUNT, MAX_DAYS, parse_plain
from policy.money import format_usd
from policy.versions import Basis, days_counted, latest_payment

DAYS_MAX = 120  # the slider's end: every policy's clocks have run out long before
def _number(text: str, rule: str, whole: bool = False) -> Decimal:
    """Plain decimal text, or the field's own rule as the message (not a generic one about numbers)."""
    try:
        return parse_plain(text, whole)
    except (ValueError, ArithmeticError):
        raise ValueError(rule) from None


def app_value(spec: FieldSpec, value: Any) -> Any:
    """A field's value as the app's widgets hold it: money as two-decimal text, a percentage as a whole number."""
    if value is None:
        return None
    if spec.kind == "money":
        return f"{Decimal(value):.2f}"
    if spec.kind == "percent":
        return int(value)
    return value


@dataclass(frozen=True)
class UrlWarning:
    """A warning about what a link held: what was wrong with it, the field it is about (None: the link as a whole),
    and what the app uses in its place ("Using $5,000.00."): a page that asks for that field itself says only the
    first (Am I eligible? asks for the amount, and no example stands in there)."""

    said: str
    field: Optional[str] = None
    instead: str = ""

    @property
    def text(self) -> str:
        return " ".join(filter(None, (self.said, self.instead)))


# The app starts from each field's default (a required field: its declared example).
DEFAULTS: dict[str, Any] = {f.name: app_value(f, f.default) for f in FIELDS}
# The example no case shares: the other defaults are where a case starts (no work done, paid today, not known);
# a hand-made link without the sum was quoted on $5,000.00 without a word (a walkthrough).
EXAMPLE_AMOUNT = "amount_paid"
# A link with a payment date carries the request day as a date too (decisions.md 'payment date'): a count of days
# would quietly age. It is not a scenario field: the days since payment follow from the two dates.
REQUESTED_ON = "requested_on"
# A page's own inputs that a link carries beside the scenario (they are no scenario fields): name -> the values it
# may take (a default is left out of the URL). "Am I eligible?": progress=unknown is "I don't know how far along the
# work is"; answer=shown, that the link shows the answer to its form, not only the form. Compare: compare_by, which
# amount its maps compare.
FORM_CHECKED = "answer"  # ui/history.py: an edit of a checked form and its next check are one step of the history
PAGE_PARAMS: dict[str, tuple[str, ...]] = {"progress": ("unknown",), FORM_CHECKED: ("shown",),
                                           "compare_by": ("minimum", "maximum")}
OPEN_QUOTE = "quote"  # Saved quotes: the quote open, by its number (a reload showed "Choose one" again)
QUOTE_NUMBER_MAX = 2**31 - 1  # the register's ids


def page_param_allowed(name: str, value: str) -> bool:
    """Whether a page's own URL parameter holds a value that page reads (codec.PAGE_PARAMS, or a quote's number)."""
    if name == OPEN_QUOTE:
        return value.isascii() and value.isdigit() and 0 < int(value) <= QUOTE_NUMBER_MAX
    return value in PAGE_PARAMS.get(name, ())

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}
_UNKNOWN = {"", "unknown", "null", "none"}


def from_scenario(scenario: Scenario) -> dict:
    """A scenario (a saved quote's) as the app's values, to restore it into the calculator."""
    return {f.name: app_value(f, getattr(scenario, f.name)) for f in FIELDS}


def money_value(spec: FieldSpec, text: str) -> str:
    """An amount as a person types it (a link, the calculator's box): '8000', '8,000.00' or '$8,000' -> '8000.00', the
    app's value; ValueError says what the field allows (the batch's reading of a cell, then the field's bounds)."""
    low = spec.low if spec.low is not None else Decimal(0)
    rule = (f"must be an amount from {format_usd(low)} to {format_usd(spec.high or MAX_AMOUNT)}, at most 2 decimals, "
            "such as 5000, 5,000.00 or $5,000")
    try:
        amount = money(text.strip())
    except Said as exc:  # which of two sums was meant, or why none is: said, as the batch says it
        raise ValueError(f"{exc}; it {rule}") from None
    except (ValueError, ArithmeticError):
        raise ValueError(rule) from None
    if amount < low or amount > (spec.high or MAX_AMOUNT) or amount != round(amount, 2):
        raise ValueError(rule)
    return f"{amount:.2f}"


def refusal(label: str, typed: str, why: str) -> str:
    """What a box says of a value its field refuses: 'Amount paid “abc”: must be ...'; an emptied one, as empty."""
    return f"{label} is empty: it {why}" if not typed.strip() else f"{label} {shown(typed)}: {why}"


def money_shown(value: Optional[str]) -> str:
    """The app's amount as its box shows it: '8000.00' -> '8,000.00' (read back by money_value)."""
    return "" if value is None else f"{Decimal(value):,.2f}"


def to_engine(values: Mapping[str, Any]) -> dict:
    """The app's values -> the engine's scenario fields (unknowns left out)."""
    return {k: v for k, v in values.items() if v is not None}


def requested_on(values: Mapping[str, Any]) -> Optional[date]:
    paid_on = values.get("paid_on")
    return None if paid_on is None else paid_on + timedelta(days=values["days_since_payment"])


# A link always says what it quotes (provider, service, amount, the two dials); an advanced fact only where it is
# not its default: a link of five parameters, not seventeen ("third_party_costs=0.00&...&billing_error=false").
SHOWN_ALWAYS = frozenset(f.name for f in FIELDS if f.group != "advanced")


def to_query(values: Mapping[str, Any]) -> dict[str, str]:
    """The app's values as URL parameters; with a payment date, the request day goes as a date."""
    out = {}
    asked = requested_on(values)
    for name, value in {**values, REQUESTED_ON: asked}.items():
        if value is None or (asked is not None and name == "days_since_payment"):
            continue
        if name not in SHOWN_ALWAYS and name in DEFAULTS and value == DEFAULTS[name]:
            continue
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, date):
            out[name] = value.isoformat()
        else:
            out[name] = str(value)
    return out


def _truth(text: str, unknown_allowed: bool) -> Optional[bool]:
    low = text.lower()
    if unknown_allowed and low in _UNKNOWN:
        return None
    if low in _TRUE | _FALSE:
        return low in _TRUE
    raise ValueError("must be true, false or unknown" if unknown_allowed else "must be true or false")


def _parse_field(spec: FieldSpec, text: str, basis: Basis) -> Any:
    """One URL parameter of a scenario field -> the app's value, by the field's kind."""
    kind = spec.kind
    if kind == "provider":
        known = basis.policies()
        if text not in known:
            raise ValueError("must be one of " + ", ".join(f"{p} ({policy.name})" for p, policy in known.items()))
        return text
    if kind == "choice":
        if not spec.required and text.lower() in _UNKNOWN:
            return None
        if text not in spec.choices:
            raise ValueError("must be one of " + ", ".join(f"{c} ({spec.choice_labels.get(c, c)})" for c in spec.choices)
                             + ("" if spec.required else " or unknown"))
        return text
    if kind == "money":
        return money_value(spec, text)
    if kind == "percent":
        rule = "must be a whole percentage from 0 to 100, such as 40"
        pct = _number(text, rule)
        if not 0 <= pct <= 100 or pct != int(pct):
            raise ValueError(rule)
        return int(pct)
    if kind == "days":
        top = int(spec.high or 0)  # the field's declared bound (the slider reaches further where it must)
        if not spec.required and text.lower() in _UNKNOWN:
            return None
        rule = f"must be a whole number of days from 0 to {top}, such as 7"
        days = _number(text, rule, whole=True)
        if not 0 <= days <= top:
            raise ValueError(rule)
        return int(days)
    if kind == "tristate":
        return _truth(text, unknown_allowed=True)
    if kind == "flag":
        return _truth(text, unknown_allowed=False)
    if kind == "stage":
        return None if text.lower() in _UNKNOWN | {"auto"} else text
    raise AssertionError(f"no URL reading for kind {kind}")


def _parse_date(text: str, today: Optional[date]) -> date:
    """A date; with `today`, at most a year ahead (a planned payment is a fair question, one years off a typo)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError("must be a date as YYYY-MM-DD") from None
    if today is not None and day > latest_payment(today):
        raise ValueError(f"must be no later than {latest_payment(today).isoformat()}, a year from today")
    return day


def _parse_one(name: str, raw: str, today: date, basis: Basis) -> Any:
    """One URL parameter -> the app's value, or ValueError saying what is allowed."""
    text = raw.strip()
    if name == REQUESTED_ON or (name in BY_NAME and BY_NAME[name].kind == "date"):
        return _parse_date(text, today)
    if name not in BY_NAME:
        raise KeyError(name)
    try:
        return _parse_field(BY_NAME[name], text, basis)
    except InvalidOperation:
        raise ValueError("must be a number") from None


def shown(text: str, limit: int = 40) -> str:
    """Text from a URL as a warning quotes it: cut to `limit` characters (a link can carry anything), control
    and invisible characters shown as U+FFFD, and nothing doubled (a backslash is one backslash)."""
    cut = text if len(text) <= limit else text[: limit - 3] + "..."
    return "“" + "".join("\ufffd" if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} else ch for ch in cut) + "”"


def shown_default(name: str, basis: Basis) -> str:
    """A field's default as a person reads it: the provider's name, a choice's label, 0%, $5,000.00."""
    value, spec = DEFAULTS.get(name), BY_NAME.get(name)
    if value is None or spec is None:
        return "unknown" if spec is None or spec.kind != "stage" else "the stage from completion"
    if spec.kind == "provider":
        return basis.policies()[value].name
    if spec.kind == "choice":
        return spec.choice_labels.get(value, value)
    if spec.kind == "money":
        return format_usd(Decimal(value))
    if spec.kind == "percent":
        return f"{value}%"
    if spec.kind == "days":
        return f"day {value}"
    return str(value).lower() if isinstance(value, bool) else str(value)


def from_query(params: Mapping[str, Union[str, Sequence[str]]], today: Optional[date] = None, *,
               basis: Basis) -> tuple[dict, list[UrlWarning]]:
    """URL parameters (a name -> its value, or every value it was given) -> (the app's values, warnings).
    Never raises: a bad parameter keeps its default. Warnings quote what the URL held as plain text, cut.
    `basis`: the providers a link may name and their versions (the page's: ui.registry.basis())."""
    today = today or basis.as_of
    values = dict(DEFAULTS)
    warnings: list[UrlWarning] = []
    given: dict[str, str] = {}

    def reject(name: str, raw: str, why: str) -> None:
        warnings.append(UrlWarning(f"URL parameter {name}={shown(raw)} ignored: {why}.", name,
                                   f"Using {shown_default(name, basis)}."))

    unknown = []
    asked: Optional[date] = None
    for name, raw in params.items():
        all_values = [raw] if isinstance(raw, str) else [str(r) for r in raw]
        field = name if name in DEFAULTS else "days_since_payment" if name == REQUESTED_ON else None
        if len(all_values) > 1 and (field is not None or name in PAGE_PARAMS or name == OPEN_QUOTE):
            # every name the app reads, its page's own too: quote=1&quote=2 opened #2 without a word (a walkthrough)
            warnings.append(UrlWarning(f"URL parameter {name} is given {len(all_values)} times; using the last, "
                                       f"{shown(all_values[-1])}.", field))
        if name == REQUESTED_ON:
            try:
                asked = _parse_date(all_values[-1], None)  # a request planned for a later day is a fair question
            except ValueError as exc:
                warnings.append(UrlWarning(f"URL parameter {name}={shown(all_values[-1])} ignored: {exc}.",
                                           "days_since_payment"))
            continue
        if name in PAGE_PARAMS or name == OPEN_QUOTE:
            if not page_param_allowed(name, all_values[-1]):
                allowed = "a saved quote's number, such as 12" if name == OPEN_QUOTE else ' or '.join(PAGE_PARAMS[name])
                warnings.append(UrlWarning(f"URL parameter {name}={shown(all_values[-1])} ignored: it can only be "
                                           f"{allowed}."))
            continue
        if name not in DEFAULTS:
            unknown.append(name)
            continue
        given[name] = all_values[-1]
        try:
            values[name] = _parse_one(name, all_values[-1], today, basis)
        except ValueError as exc:
            reject(name, all_values[-1], str(exc))
    _dates(values, given, asked, today, warnings)
    if unknown:
        names = ", ".join(shown(n, 30) for n in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        warnings.insert(0, UrlWarning(f"URL parameters ignored, not scenario fields: {names}."))
    # what needs the other fields: the stage belongs to a provider's service; money parts within the amount
    for _ in range(len(DEFAULTS)):
        try:
            parse_scenario(to_engine(values), basis)
            break
        except InputError as exc:
            field = exc.field if exc.field in DEFAULTS else "stage"
            reject(field, given.get(field, str(values[field])), exc.message)
            values[field] = DEFAULTS[field]
    if given and EXAMPLE_AMOUNT not in given:  # a link about a case without its sum: the example is no guess of it
        warnings.append(UrlWarning("", EXAMPLE_AMOUNT, f"This link gives no {BY_NAME[EXAMPLE_AMOUNT].label.lower()}: "
                                   f"the example {shown_default(EXAMPLE_AMOUNT, basis)} stands in for it until the "
                                   "amount is entered."))
    return values, warnings


def _dates(values: dict, given: Mapping[str, str], asked: Optional[date], today: date, warnings: list[UrlWarning]) -> None:
    """The payment date is the anchor: the request day is the link's date, else its days, else today."""
    paid_on = values["paid_on"]
    if paid_on is None:
        if asked is not None:
            warnings.append(UrlWarning(f"URL parameter {REQUESTED_ON} ignored: it needs paid_on, the date it counts from.",
                                       "days_since_payment"))
        return
    if asked is not None:
        if asked < paid_on:
            warnings.append(UrlWarning(f"URL parameter {REQUESTED_ON}={asked.isoformat()!r} ignored: it is before "
                                       f"paid_on ({paid_on.isoformat()}). Using today.", "days_since_payment"))
            asked = today
        values["days_since_payment"] = min((asked - paid_on).days, MAX_DAYS)
    elif "days_since_payment" not in given:
        values["days_since_payment"] = min(days_counted(paid_on, today), MAX_DAYS)  # a request today (or on a planned day)


def with_payment_date(values: dict, paid_on: Optional[date], today: date) -> dict:
    """A payment date given now: the request is today, so the days since payment count to today."""
    out = dict(values, paid_on=paid_on)
    if paid_on is not None:
        out["days_since_payment"] = min(max((today - paid_on).days, 0), MAX_DAYS)
    return out


def dated(values: dict, asked_on: date) -> dict:
    """A case given in days, as dates: the payment `days_since_payment` days before the day it was asked, and the
    request that day (decisions.md 'payment date': a link then carries the dates). A link or a saved quote of days,
    opened on a later day, counted the days from then: a client's deadline moved four days later (a walkthrough)."""
    if values.get("paid_on") is not None:
        return values
    return dict(values, paid_on=asked_on - timedelta(days=int(values["days_since_payment"])))


def request_today(values: dict, today: date) -> dict:
    """The same case, asked today (the payment date stays)."""
    return with_payment_date(values, values["paid_on"], today)


def request_not_today(values: Mapping[str, Any], today: date) -> Optional[date]:
    """The request date of a scenario with a payment date, where it is not today: one a link carried that has
    passed, or one still to come (the days slider moves the request day). The quote is for that day, not today."""
    asked = requested_on(values)
    return asked if asked is not None and asked != today else None
