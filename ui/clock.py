"""The day it is where the person is: their browser's time zone, which Streamlit reads from the browser
(`st.context.timezone`), or this server's when the browser gave none or one this machine does not know. A client in
New York at 8 p.m. was told it was already the next day (the server's clock is UTC), one day more since payment:
on Step-Into's seventh day, no full refund."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st


def day_in(zone: Optional[str], now: Optional[datetime] = None) -> date:
    """Today's date in the time zone named `zone` (an IANA name, "America/New_York"); this machine's without one
    or with one it does not know. `now`: the moment (an aware datetime; now without one)."""
    moment = now or datetime.now().astimezone()
    try:
        return moment.astimezone(ZoneInfo(zone)).date() if zone else moment.astimezone().date()
    except (ZoneInfoNotFoundError, ValueError):  # ValueError: a name that is no file name ("../x", "")
        return moment.astimezone().date()


def today() -> date:
    """Today where the person of this run is (outside a page run, or in a test without a browser: this machine's)."""
    return day_in(st.context.timezone)
