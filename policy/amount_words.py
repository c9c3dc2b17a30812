"""A rule's amount in words ('50% of the base less a 10% fee capped at $100.00'), for the linter's messages and the
policy terms page alike: one wording of the schema's Amount."""
from __future__ import annotations

from .money import format_usd
from .schema import Amount, Tier

NOT_DONE = "the base's part for the work not yet done"
OF_WORDS = {"base": "of the base", "paid": "of the payment", "remaining_base": f"of {NOT_DONE}",
            "unused_ad_spend": "of the unused ad spend", "unused_after_notice": "of the period left after the notice"}


def amount_words(a: Amount, currency: str) -> str:
    """'nothing' for no amount at all ('0% of the payment' read as a sum, a walkthrough); all of a share said as the
    share ('less than 100% of the base, for the share of the work not yet done' was hard to parse, a walkthrough)."""
    if a.pct == 0 and not a.plus:
        return "nothing"
    if a.of == "remaining_base" and a.pct == 100:
        words = NOT_DONE + (", never all of the base" if a.partial else "")
    else:
        words = f"{'less than ' if a.partial else ''}{a.pct.normalize():f}% {OF_WORDS[a.of]}"
    if a.less_fee is not None:
        words += f" less a {a.less_fee.pct.normalize():f}% fee capped at {format_usd(a.less_fee.cap, currency)}"
    if a.cap_pct is not None:
        words += f", at most {a.cap_pct.normalize():f}% of the base"
    return words + "".join(f" plus {amount_words(p, currency)}" for p in a.plus)


def tier_refund(tier: Tier, currency: str) -> str:
    """A tier's band: one amount, or from its minimum to its maximum."""
    low = amount_words(tier.min, currency)
    return low if tier.fixed else f"{low} to {amount_words(tier.max, currency)}"
