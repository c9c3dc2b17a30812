"""How a policy's words state a time limit ('within 48 hours', 'within 7 days'): read by the linter (the words
against a tier's last day) and written by the lab (the words following a last day changed), from this one pattern."""
from __future__ import annotations

import re
from typing import Optional


def stating(days: Optional[int] = None, within: bool = True) -> re.Pattern[str]:
    """'within N hours' or 'within N days': any N, or only those that state `days` whole days (48 hours, 2 days).
    Without `within`, the period alone ('More than 7 days after purchase', a label of the days after a limit)."""
    hours, whole = (r"\d+", r"\d+") if days is None else (str(days * 24), str(days))
    return re.compile(rf"\b{'within ' if within else ''}(?:({hours}) hours?|({whole}) days?)\b", re.IGNORECASE)


ANY_PERIOD = stating()


def whole_days(found: re.Match[str]) -> Optional[int]:
    """The days a match of stating() states; None for hours that are no whole number of days ('within 36 hours'):
    no last day states them exactly."""
    hours, days = found.group(1), found.group(2)
    if hours is None:
        return int(days)
    return int(hours) // 24 if int(hours) % 24 == 0 else None


def stated_days(words: str) -> set[int]:
    """The time limits words state, in whole days ('within 48 hours' -> 2): a tier's last day is its days_max."""
    return {d for found in ANY_PERIOD.finditer(words) if (d := whole_days(found)) is not None}


def restated(found: re.Match[str], days: int) -> str:
    """A time limit said again as `days`, in the unit and the case the words used: 'within 48 hours' -> 'within 72
    hours', 'Within 7 days' -> 'Within 3 days' (a label began 'within 3 days, not started', a walkthrough)."""
    said = found.group(0)
    number = 1 if found.group(1) is not None else 2
    before = said[:found.start(number) - found.start()]
    unit = "hours" if number == 1 else f"day{'' if days == 1 else 's'}"
    return f"{before}{days * 24 if number == 1 else days} {unit}"
