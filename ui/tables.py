"""Chart data as tables people read: exact cents shown as dollars, without a float in between."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from policy.money import format_usd


def dollars(cents: int) -> str:
    return format_usd(Decimal(int(cents)).scaleb(-2))  # exact: cents shifted, never divided as a float


def readable(data: pd.DataFrame) -> pd.DataFrame:
    out = data.copy()
    for column in ("refund_min_cents", "refund_max_cents"):
        if column in out:
            out[column.replace("_cents", "")] = out.pop(column).map(dollars)
    return out

