"""How a count reads: "1 saved quote", "2 saved quotes", never "1 saved quote(s)"."""
from __future__ import annotations

from typing import Optional


def counted(n: int, one: str, many: Optional[str] = None) -> str:
    """'1 rule', '1,250 rules'; `many` where the plural is not `one` + 's' ("sample clients change")."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"
