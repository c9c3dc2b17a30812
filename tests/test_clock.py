"""The day it is where the person is (ui/clock.py): their browser's time zone, this machine's without one."""
from datetime import UTC, date, datetime

import pytest

from ui.clock import day_in, zone_of

LATE = datetime(2026, 12, 8, 1, 30, tzinfo=UTC)  # 8:30 p.m. on 7 Dec in New York


@pytest.mark.parametrize("zone, day", [
    ("America/New_York", date(2026, 12, 7)),  # behind UTC: still the day before
    ("Pacific/Kiritimati", date(2026, 12, 8)),  # UTC+14: 15:30 the same day
    ("Asia/Kolkata", date(2026, 12, 8)),
    ("UTC", date(2026, 12, 8)),
])
def test_the_day_is_the_one_in_the_persons_zone(zone, day):
    assert day_in(zone, LATE) == day


@pytest.mark.parametrize("zone", [None, "", "Mars/Olympus_Mons", "../../etc/passwd", "America/New_York\x00"])
def test_a_zone_the_browser_did_not_give_or_this_machine_does_not_know_is_this_machines(zone):
    assert day_in(zone, LATE) == LATE.astimezone().date()


def test_the_day_in_the_zone_changes_at_its_midnight_not_at_utcs():
    assert day_in("America/New_York", datetime(2026, 12, 8, 4, 59, tzinfo=UTC)) == date(2026, 12, 7)
    assert day_in("America/New_York", datetime(2026, 12, 8, 5, 0, tzinfo=UTC)) == date(2026, 12, 8)


def test_a_zone_is_named_by_its_iana_name_or_this_machines():
    assert zone_of("America/New_York").key == "America/New_York"  # type: ignore[attr-defined]
    assert zone_of("Mars/Olympus_Mons") == zone_of(None)
