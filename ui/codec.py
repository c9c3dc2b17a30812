"""The shared scenario as the app holds it, and as a URL carries it. Pure Python (no Streamlit), so it is
tested on its own: every bad or tampered parameter becomes a warning naming it, and a default."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping, Optional

from policy import InputError, parse_scenario, policies
from policy.money import to_cents
from policy.taxonomy import PAYMENT_METHODS, SERVICES

DAYS_MAX = 120  # the slider's end: every policy's clocks have run out long before
MONEY_FIELDS = ("amount_paid", "third_party_costs", "taxes_remitted", "unused_ad_spend")
FLAG_FIELDS = ("first_time_client", "billing_error", "provider_fault", "undelivered_promised")
TRISTATE_FIELDS = ("work_started", "deliverables_provided")

DEFAULTS: dict[str, Any] = {
    "provider": "socialbeat",
    "service": "website",
    "amount_paid": "5000.00",
    "completion_pct": 0,
    "days_since_payment": 0,
    "work_started": None,
    "deliverables_provided": None,
    "notice_days": None,
    "third_party_costs": "0.00",
    "taxes_remitted": "0.00",
    "unused_ad_spend": "0.00",
    "payment_method": None,
    "first_time_client": False,
    "billing_error": False,
    "provider_fault": False,
    "undelivered_promised": False,
    "stage": None,
    "paid_on": None,
}

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


def _parse_one(name: str, raw: str, today: date) -> Any:
    """One URL parameter -> the app's value, or ValueError saying what is allowed."""
    text = raw.strip()
    if name == "provider":
        if text not in policies():
            raise ValueError(f"must be one of {', '.join(policies())}")
        return text
    if name == "service":
        if text not in SERVICES:
            raise ValueError(f"must be one of {', '.join(SERVICES)}")
        return text
    if name in MONEY_FIELDS:
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError("must be an amount such as 5000 or 5000.00") from None
        low = Decimal("0.01") if name == "amount_paid" else Decimal(0)
        if not amount.is_finite() or amount < low or amount > Decimal("1000000000") or amount != round(amount, 2):
            raise ValueError(f"must be an amount from {low} to 1,000,000,000 with at most 2 decimals")
        return f"{amount:.2f}"
    if name == "completion_pct":
        try:
            pct = Decimal(text)
        except InvalidOperation:
            raise ValueError("must be a whole percentage from 0 to 100") from None
        if not pct.is_finite() or not 0 <= pct <= 100 or pct != int(pct):
            raise ValueError("must be a whole percentage from 0 to 100")
        return int(pct)
    if name in ("days_since_payment", "notice_days"):
        top = DAYS_MAX if name == "days_since_payment" else 3650
        if not text.isdigit() or int(text) > top:
            raise ValueError(f"must be a whole number of days from 0 to {top}")
        return int(text)
    if name in TRISTATE_FIELDS:
        low = text.lower()
        if low in _UNKNOWN:
            return None
        if low in _TRUE | _FALSE:
            return low in _TRUE
        raise ValueError("must be true, false or unknown")
    if name in FLAG_FIELDS:
        low = text.lower()
        if low in _TRUE | _FALSE:
            return low in _TRUE
        raise ValueError("must be true or false")
    if name == "payment_method":
        if text.lower() in _UNKNOWN:
            return None
        if text not in PAYMENT_METHODS:
            raise ValueError(f"must be one of {', '.join(PAYMENT_METHODS)} or unknown")
        return text
    if name == "stage":
        return None if text.lower() in _UNKNOWN | {"auto"} else text
    if name == "paid_on":
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ValueError("must be a date as YYYY-MM-DD") from None
        if day > today:
            raise ValueError("must not be in the future")
        return day
    raise KeyError(name)


def from_query(params: Mapping[str, str], today: Optional[date] = None) -> tuple[dict, list[str]]:
    """URL parameters -> (the app's values, warnings). Never raises: a bad parameter keeps its default."""
    today = today or date.today()
    values = dict(DEFAULTS)
    warnings: list[str] = []

    def reject(name: str, raw: str, why: str) -> None:
        shown = raw if len(raw) <= 40 else raw[:37] + "..."
        default = DEFAULTS.get(name)
        warnings.append(
            f"URL parameter {name}={shown!r} ignored: {why}. Using {'unknown' if default is None else default}."
        )

    for name, raw in params.items():
        if name not in DEFAULTS:
            warnings.append(f"URL parameter {name!r} ignored: not a scenario field.")
            continue
        try:
            values[name] = _parse_one(name, str(raw), today)
        except ValueError as exc:
            reject(name, str(raw), str(exc))
    # what needs the other fields: the stage belongs to a provider's service; money parts within the amount
    for _ in range(len(DEFAULTS)):
        try:
            parse_scenario(to_engine(values))
            break
        except InputError as exc:
            field = exc.field if exc.field in DEFAULTS else "stage"
            reject(field, str(params.get(field, values[field])), exc.message)
            values[field] = DEFAULTS[field]
    return values, warnings


def with_payment_date(values: dict, paid_on: Optional[date], today: date) -> dict:
    """A payment date sets the days since payment (clamped to the slider)."""
    out = dict(values, paid_on=paid_on)
    if paid_on is not None:
        out["days_since_payment"] = min(max((today - paid_on).days, 0), DAYS_MAX)
    return out
