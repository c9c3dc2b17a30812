"""The day it is where the person is: their browser's time zone, which Streamlit reads from the browser
(`st.context.timezone`), or this server's when the browser gave none or one this machine does not know. A client in
New York at 8 p.m. was told it was already the next day (the server's clock is UTC), one day more since payment:
on Step-Into's seventh day, no full refund."""
from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st


def zone_of(name: Optional[str]) -> tzinfo:
    """The time zone named (an IANA name, "America/New_York"); this machine's without one or with one it does not
    know."""
    try:
        return ZoneInfo(name) if name else _machines()
    except (ZoneInfoNotFoundError, ValueError):  # ValueError: a name that is no file name ("../x")
        return _machines()


def _machines() -> tzinfo:
    return datetime.now().astimezone().tzinfo or UTC


def day_in(zone: Optional[str], now: Optional[datetime] = None) -> date:
    """Today's date in the time zone named `zone` (this machine's without one it knows). `now`: the moment (an aware
    datetime; now without one)."""
    return (now or datetime.now(UTC)).astimezone(zone_of(zone)).date()


def zone() -> tzinfo:
    """The time zone of this run's person."""
    return zone_of(st.context.timezone)


def zone_name() -> str:
    """How a column of times names their zone: "America/New_York", "UTC"."""
    here = zone()
    return getattr(here, "key", None) or here.tzname(datetime.now(UTC)) or "UTC"


def shown(at: datetime, form: str) -> str:
    """A moment (kept in UTC) as the person's clock reads it, in `form` (strftime's)."""
    return at.astimezone(zone()).strftime(form)


def today() -> date:
    """Today where the person of this run is (outside a page run, or in a test without a browser: this machine's)."""
    return day_in(st.context.timezone)
