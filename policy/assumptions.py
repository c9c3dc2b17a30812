"""What a quote assumed where a fact was not given, and what the policy gives otherwise, in words."""
from __future__ import annotations

from decimal import Decimal
from typing import Optional, Union

from .explain import below_full
from .models import Assumed, Quote, QuoteHead
from .money import format_range


def otherwise_text(a: Assumed, currency: str = "USD") -> str:
    """The band under the other value, as refund_text says a quote's."""
    return format_range(Decimal(a.refund_min), Decimal(a.refund_max), currency) + below_full(a.less_than_full, a.refund_max,
                                                                                          currency)


def _work_status(q: Union[Quote, QuoteHead]) -> Optional[Assumed]:
    return next((a for a in q.assumed if a.fact == "work_started"), None)


def if_work_started(q: Quote) -> Optional[str]:
    """At 0% with the work status not given, completion says 'not started'; where the policy would give
    something else once work has started, say so (the calculator and the client's form alike)."""
    found = _work_status(q)
    if found is None:
        return None
    return (f"Work status not given: with no progress, this assumes the work has not started. If it has, the "
            f"policy gives {otherwise_text(found, q.currency)}.")


def assumed_cell(q: Union[Quote, QuoteHead]) -> str:
    """A batch row's `assumed` column: what the quote took a fact not given as, and what the policy gives otherwise."""
    found = _work_status(q)
    if found is None:
        return ""
    return f"work not started (not given, 0% done); if it has started: {otherwise_text(found)}"
