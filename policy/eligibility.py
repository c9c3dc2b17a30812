"""The client's form ("Am I eligible?") in plain words -> a scenario. The rules of the mapping live here, tested
without Streamlit; the page only asks the questions and draws the answer."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Optional

from .explain import FACT_WORDS, work_done
from .fields import BY_NAME
from .money import format_usd
from .quoting import Policies
from .taxonomy import PAYMENT_METHODS, SERVICES

ANSWERS: dict[str, Optional[bool]] = {"Yes": True, "No": False, "Not sure": None}


@dataclass(frozen=True)
class Answers:
    provider: str
    service: str
    amount_paid: str
    paid_on: date
    started: Optional[bool]
    delivered: Optional[bool]
    progress: int
    billing_error: bool = False
    provider_fault: bool = False
    undelivered_promised: bool = False
    payment_method: Optional[str] = None
    notice_days: Optional[int] = None  # monthly services: days before the next billing date


def scenario_fields(a: Answers, today: date, registry: Policies) -> tuple[dict, tuple[str, ...]]:
    """The scenario the answers describe, and what was read into them (said to the client)."""
    said: list[str] = []
    days = max((today - a.paid_on).days, 0)
    asked = notice_question(a.provider, a.service, registry)
    if a.notice_days is not None and a.notice_days > days and asked and asked[0] == NOTICE_AGO:
        # Possible (notice given, then the next month was charged), but more often a slip: say how it was read.
        said.append(f"You said you gave notice {a.notice_days} days ago, before you paid on {a.paid_on:%d %b %Y}: "
                    f"we counted the notice from {today - timedelta(days=a.notice_days):%d %b %Y}. If you gave it "
                    "after paying, correct the days of notice.")
    started = a.started
    if a.progress > 0 and started is False:
        said.append("You said the work has not started but is partly done; we counted it as started.")
    if a.progress > 0:
        started = None if started is None else True  # progress means started; 'not sure' is inferred from it
    fields = dict(
        provider=a.provider, service=a.service, amount_paid=a.amount_paid, completion_pct=a.progress,
        days_since_payment=days, paid_on=a.paid_on, work_started=started,
        deliverables_provided=a.delivered, billing_error=a.billing_error, provider_fault=a.provider_fault,
        undelivered_promised=a.undelivered_promised, payment_method=a.payment_method, notice_days=a.notice_days,
        stage=None,
    )
    return fields, tuple(said)


NOTICE_AGO = "How many days ago did you give notice to cancel? (0 if you give it today)"


def notice_question(provider: str, service: str, registry: Policies) -> Optional[tuple[str, str]]:
    """The question about notice, as this policy counts it (a question and its help), or None where notice
    plays no part: before the next billing date (next month's charge), or how long ago (a notice period)."""
    policy = registry[provider]
    if not policy.bills_monthly(service):
        return None
    if policy.next_charge_notice is not None:
        return ("How many days before your next billing date are you cancelling?",
                f"{policy.name} needs {policy.next_charge_notice.days} days' notice to stop next month's charge.")
    periods = policy.notice_periods(service)
    if periods:
        return (NOTICE_AGO,
                f"{policy.name} prorates ongoing work once a {periods[0][1]}-day notice has run.")
    return None


def offered_label(provider: str, service: str, registry: Policies) -> str:
    """A service as the form lists it, saying where the provider does not sell it."""
    policy = registry[provider]
    return SERVICES[service] if service in policy.services else f"{SERVICES[service]} (not offered by {policy.name})"


def summary(fields: dict, registry: Policies) -> str:
    """What an answer is for, in one line: provider, service, amount and dates."""
    policy = registry[fields["provider"]]
    parts = [policy.name, SERVICES[fields["service"]], f"{format_usd(Decimal(fields['amount_paid']))} paid"]
    if fields.get("paid_on"):
        parts[-1] += f" on {fields['paid_on']:%d %b %Y}"
    parts.append(work_done(fields["completion_pct"], policy.bills_monthly(fields["service"])))
    if fields.get("payment_method"):
        parts.append(f"paid by {PAYMENT_METHODS[fields['payment_method']]}")
    return ", ".join(parts)


def changed_answers(answered: dict, now: dict) -> str:
    """The answers that differ between an answer given and the form as it is now, in words ('' if none)."""
    names = [FACT_WORDS.get(k, BY_NAME[k].label.lower()) for k in BY_NAME
             if k in answered and k in now and answered[k] != now[k]]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)
