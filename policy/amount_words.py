"""A rule's amount in words ('50% of the base less a 10% fee capped at 100'), for the linter's messages and the
policy terms page alike: one wording of the schema's Amount."""
from __future__ import annotations

from .schema import Amount, Tier

OF_WORDS = {"base": "of the base", "paid": "of the payment", "remaining_base": "of the base not yet worked",
            "unused_ad_spend": "of the unused ad spend", "unused_after_notice": "of the period left after the notice"}


def amount_words(a: Amount) -> str:
    words = f"{'less than ' if a.partial else ''}{a.pct.normalize():f}% {OF_WORDS[a.of]}"
    if a.less_fee is not None:
        words += f" less a {a.less_fee.pct.normalize():f}% fee capped at {a.less_fee.cap.normalize():f}"
    if a.cap_pct is not None:
        words += f", at most {a.cap_pct.normalize():f}% of the base"
    return words + "".join(f" plus {amount_words(p)}" for p in a.plus)


def tier_refund(tier: Tier) -> str:
    """A tier's band: one amount, or from its minimum to its maximum."""
    return amount_words(tier.min) if tier.fixed else f"{amount_words(tier.min)} to {amount_words(tier.max)}"
