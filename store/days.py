"""Days as a person picks them, in their time zone, for a filter on moments kept in UTC: "saved on 6 Dec" for a rep in
Pago Pago (UTC-11) is 11:00 UTC on 6 Dec to 11:00 UTC on 7 Dec. Filtered in UTC days, a quote saved that evening was
missing from its own day and found on the next (a walkthrough)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Optional

from sqlalchemy import ColumnElement


@dataclass(frozen=True)
class Days:
    """From the first day to the last, both whole (either left open), in `zone`."""
    first: Optional[date] = None
    last: Optional[date] = None
    zone: tzinfo = UTC

    def of(self, column: Any) -> list[ColumnElement[bool]]:
        """The conditions on a column of moments (kept in UTC) for these days."""
        conditions = []
        if self.first is not None:
            conditions.append(column >= self._start(self.first))
        if self.last is not None:
            conditions.append(column < self._start(self.last + timedelta(days=1)))
        return conditions

    def _start(self, day: date) -> datetime:
        return datetime.combine(day, time(), self.zone).astimezone(UTC)  # the databases compare UTC
