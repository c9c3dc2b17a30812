"""What a quote assumed where a fact was not given, and what the policy gives otherwise."""
from __future__ import annotations

from datetime import date
from typing import Optional

from .explain import refund_text
from .models import Quote
from .quoting import quote
from .versions import Basis


def if_work_started(q: Quote) -> Optional[str]:
    """At 0% with the work status not given, completion says 'not started'; where the policy would give
    something else once work has started, say so (the calculator and the client's form alike)."""
    s = q.scenario
    if s.work_started is not None or s.completion_pct != 0 or q.verdict == "not_offered" or q.policy is None:
        return None
    started = quote(s.model_copy(update={"work_started": True}), Basis.of([q.policy], s.paid_on or date.min))
    if (started.refund_min, started.refund_max) == (q.refund_min, q.refund_max):
        return None
    return (f"Work status not given: with no progress, this assumes the work has not started. If it has, the "
            f"policy gives {refund_text(started)}.")
