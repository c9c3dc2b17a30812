"""Exact money: Decimal throughout, rounded half-up to the cent once, at the end."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


def to_cents(amount: Decimal) -> Decimal:
    """The single rounding step: half-up to the cent."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def cents_int(amount: Decimal) -> int:
    """Whole cents as an int, for exact chart data and fast comparisons."""
    return int(to_cents(amount) * 100)


def percent_of(part: Decimal, whole: Decimal) -> str:
    """Share of `whole`, in percent with two decimals ('37.50'), rounded as the amounts are."""
    if whole == 0:
        return "0.00"
    return str(to_cents(part * HUNDRED / whole))


def percent_text(pct: str) -> str:
    """'37.50' -> '37.5%', '100.00' -> '100%': how a person reads a share."""
    return f"{Decimal(pct).normalize():f}%"


def format_usd(amount: Decimal, currency: str = "USD") -> str:
    """'$3,750.00' for USD; 'GBP 3,750.00' otherwise."""
    text = f"{to_cents(amount):,.2f}"
    return f"${text}" if currency == "USD" else f"{currency} {text}"


def format_range(low: Decimal, high: Decimal, currency: str = "USD") -> str:
    """One amount when the band is a point, else 'low - high'."""
    if to_cents(low) == to_cents(high):
        return format_usd(low, currency)
    return f"{format_usd(low, currency)} - {format_usd(high, currency)}"
