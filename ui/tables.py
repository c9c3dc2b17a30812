"""Tables people read: chart data with exact cents shown as dollars (without a float in between), and tables of
sentences that wrap instead of being cut off."""
from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd
import streamlit as st

from policy.explain import label_of
from policy.money import format_usd

_PART_ENDS = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=\w\.)(?=\w)")  # 'ITMedia|Solutions.|us'
SOFT_BREAK = "\u200b"  # a zero-width space: a line may break there, and nothing shows


def name_breaks(name: str) -> str:
    """A name that may break between its parts and nowhere else: on a phone "ITMediaSolutions.us", in a column
    of its own, read "ITMediaSol" / "utions.us" (page.css breaks a name anywhere where it must)."""
    return _PART_ENDS.sub(SOFT_BREAK, name)


def dollars(cents: int) -> str:
    return format_usd(Decimal(int(cents)).scaleb(-2))  # exact: cents shifted, never divided as a float


HEADINGS = {"provider_name": "Provider", "completion_pct": "Completion (%)", "days_since_payment": "Day",
            "refund_min": "Refund min", "refund_max": "Refund max", "verdict": "Verdict", "stage": "Stage"}


def readable(data: pd.DataFrame) -> pd.DataFrame:
    """A chart's data as a person reads it: dollars, verdicts in words, columns headed in words (the provider's
    id left out: its name is there)."""
    out = data.drop(columns=["provider"], errors="ignore")
    for column in ("refund_min_cents", "refund_max_cents"):
        if column in out:
            out[column.replace("_cents", "")] = out.pop(column).map(dollars)
    if "verdict" in out:
        out["verdict"] = out["verdict"].map(label_of)
    order = [c for c in HEADINGS if c in out] + [c for c in out if c not in HEADINGS]  # the amounts beside the point
    return out[order].rename(columns=HEADINGS)



LINE_PX, LINE_CHARS, LINES_MAX = 19, 55, 6  # a line of a 'large' (400 px) column, about how much it holds
PAD_PX = 14  # a row's padding, above and below its text
WRAP_ROW_PX = PAD_PX + 3 * LINE_PX  # 71: Streamlit's grid wraps a cell's text only in rows over 4 rem (64 px)


HEADER_PX = 38  # the grid's header row and its borders
ONE_LINE_ROW_PX = 35  # the grid's own row height


def wrapped(frame: pd.DataFrame, wide: tuple[str, ...], narrow: tuple[str, ...] = (), rows_shown: int = 0) -> dict:
    """st.dataframe's arguments for a table of sentences (errors, readings): rows tall enough that its longest
    sentence wraps whole (up to LINES_MAX lines) instead of being cut off at the cell's edge, its `wide` columns
    given the room, `narrow` ones little; with `rows_shown`, a height that shows that many rows before it scrolls
    (the grid's own height shows only three or four such rows)."""
    longest = max((len(str(v)) for name in wide if name in frame for v in frame[name]), default=0)
    lines = min(-(-longest // LINE_CHARS), LINES_MAX)
    config = {name: st.column_config.TextColumn(width="large") for name in wide}
    config.update({name: st.column_config.Column(width="small") for name in narrow})
    # a line each: the grid's own rows (a walkthrough: 70 px rows for one line of "must be from 0 to 100")
    height = ONE_LINE_ROW_PX if lines <= 1 else max(WRAP_ROW_PX, PAD_PX + LINE_PX * lines)
    made = {"row_height": height, "column_config": config}
    if rows_shown:
        made["height"] = HEADER_PX + height * max(1, min(len(frame), rows_shown))
    return made


SIDEWAYS_HINT = "Scroll the table sideways for its other columns."


def sideways_hint(key: str, always: bool = False) -> None:
    """Said under a grid wider than a phone, on a narrow screen only (page.css); `always`, for a grid wider than a
    desktop's page too. Walkthroughs saw the grids cut at the right edge, scrolling sideways with nothing to say so
    (a desktop's grid shows its scroll bar only under a pointer that moves); under it, not above it, where the
    grid's toolbar covered its end on a touch screen."""
    with st.container(key=f"sideways_{'always' if always else 'hint'}_{key}"):
        st.caption(SIDEWAYS_HINT)
