"""Chart data as tables people read: exact cents shown as dollars, without a float in between."""
from __future__ import annotations

import pandas as pd


def dollars(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    return f"{sign}${cents // 100:,}.{cents % 100:02d}"


def readable(data: pd.DataFrame) -> pd.DataFrame:
    out = data.copy()
    for column in ("refund_min_cents", "refund_max_cents"):
        if column in out:
            out[column.replace("_cents", "")] = out.pop(column).map(dollars)
    return out
