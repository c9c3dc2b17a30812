"""The shared scenario as the app holds it, and as a URL carries it. Pure Python (no Streamlit), so it is
tested on its own: every bad or tampered parameter becomes a warning naming it, and a default."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Optional, Union

from policy import InputError, parse_scenario, policies
from policy.fields import BY_NAME, FIELDS, FieldSpec
from policy.models import parse_plain
from policy.money import to_cents

DAYS_MAX = 120  # the slider's end: every policy's clocks have run out long before
NOTICE_MAX = 3650


def app_value(spec: FieldSpec, value: Any) -> Any:
    """A field's value as the app's widgets hold it: money as two-decimal text, a percentage as a whole number."""
    if value is None:
        return None
    if spec.kind == "money":
        return f"{Decimal(value):.2f}"
    if spec.kind == "percent":
        return int(value)
    return value


# The app starts from each field's default (a required field: its declared example); the payment date is the
# app's own.
DEFAULTS: dict[str, Any] = {**{f.name: app_value(f, f.default) for f in FIELDS}, "paid_on": None}

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}
_UNKNOWN = {"", "unknown", "null", "none"}


def money_text(value: float) -> str:
    """A number widget's value as an exact two-decimal string (half-up); the float goes no further."""
    return str(to_cents(Decimal(repr(value))))


def to_engine(values: Mapping[str, Any]) -> dict:
    """The app's values -> the engine's scenario fields (unknowns left out, payment date is the app's own)."""
    return {k: v for k, v in values.items() if k != "paid_on" and v is not None}


def to_query(values: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    for name, value in values.items():
        if value is None:
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


def _parse_field(spec: FieldSpec, text: str) -> Any:
    """One URL parameter of a scenario field -> the app's value, by the field's kind."""
    kind = spec.kind
    if kind == "provider":
        if text not in policies():
            raise ValueError(f"must be one of {', '.join(policies())}")
        return text
    if kind == "choice":
        if not spec.required and text.lower() in _UNKNOWN:
            return None
        if text not in spec.choices:
            raise ValueError(f"must be one of {', '.join(spec.choices)}" + ("" if spec.required else " or unknown"))
        return text
    if kind == "money":
        amount = parse_plain(text)
        low = spec.low if spec.low is not None else Decimal(0)
        if amount < low or (spec.high is not None and amount > spec.high) or amount != round(amount, 2):
            raise ValueError(f"must be an amount from {low} to {spec.high:,} with at most 2 decimals")
        return f"{amount:.2f}"
    if kind == "percent":
        pct = parse_plain(text)
        if not 0 <= pct <= 100 or pct != int(pct):
            raise ValueError("must be a whole percentage from 0 to 100")
        return int(pct)
    if kind == "days":
        top = DAYS_MAX if spec.required else NOTICE_MAX  # the slider's range; a notice within ten years
        if not spec.required and text.lower() in _UNKNOWN:
            return None
        days = parse_plain(text, whole=True)
        if not 0 <= days <= top:
            raise ValueError(f"must be a whole number of days from 0 to {top}")
        return int(days)
    if kind == "tristate":
        return _truth(text, unknown_allowed=True)
    if kind == "flag":
        return _truth(text, unknown_allowed=False)
    if kind == "stage":
        return None if text.lower() in _UNKNOWN | {"auto"} else text
    raise AssertionError(f"no URL reading for kind {kind}")


def _parse_one(name: str, raw: str, today: date) -> Any:
    """One URL parameter -> the app's value, or ValueError saying what is allowed."""
    text = raw.strip()
    if name == "paid_on":
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ValueError("must be a date as YYYY-MM-DD") from None
        if day > today:
            raise ValueError("must not be in the future")
        return day
    if name not in BY_NAME:
        raise KeyError(name)
    try:
        return _parse_field(BY_NAME[name], text)
    except InvalidOperation:
        raise ValueError("must be a number") from None


def shown(text: str, limit: int = 40) -> str:
    """Text from a URL as a warning quotes it: cut to `limit` characters (a link can carry anything)."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def from_query(params: Mapping[str, Union[str, Sequence[str]]], today: Optional[date] = None) -> tuple[dict, list[str]]:
    """URL parameters (a name -> its value, or every value it was given) -> (the app's values, warnings).
    Never raises: a bad parameter keeps its default. Warnings quote what the URL held as plain text, cut."""
    today = today or date.today()
    values = dict(DEFAULTS)
    warnings: list[str] = []
    given: dict[str, str] = {}

    def reject(name: str, raw: str, why: str) -> None:
        default = DEFAULTS.get(name)
        warnings.append(
            f"URL parameter {name}={shown(raw)} ignored: {why}. Using {'unknown' if default is None else default}."
        )

    unknown = []
    for name, raw in params.items():
        all_values = [raw] if isinstance(raw, str) else [str(r) for r in raw]
        if name not in DEFAULTS:
            unknown.append(name)
            continue
        if len(all_values) > 1:
            warnings.append(f"URL parameter {name} is given {len(all_values)} times; using the last, "
                            f"{shown(all_values[-1])}.")
        given[name] = all_values[-1]
        try:
            values[name] = _parse_one(name, all_values[-1], today)
        except ValueError as exc:
            reject(name, all_values[-1], str(exc))
    if unknown:
        names = ", ".join(shown(n, 30) for n in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        warnings.insert(0, f"URL parameters ignored, not scenario fields: {names}.")
    # what needs the other fields: the stage belongs to a provider's service; money parts within the amount
    for _ in range(len(DEFAULTS)):
        try:
            parse_scenario(to_engine(values))
            break
        except InputError as exc:
            field = exc.field if exc.field in DEFAULTS else "stage"
            reject(field, given.get(field, str(values[field])), exc.message)
            values[field] = DEFAULTS[field]
    return values, warnings


def with_payment_date(values: dict, paid_on: Optional[date], today: date) -> dict:
    """A payment date sets the days since payment (clamped to the slider)."""
    out = dict(values, paid_on=paid_on)
    if paid_on is not None:
        out["days_since_payment"] = min(max((today - paid_on).days, 0), DAYS_MAX)
    return out
