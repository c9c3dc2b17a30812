"""The shared vocabulary: services, payment methods, flags, terms. One scenario runs against every provider."""
from __future__ import annotations

SERVICES: dict[str, str] = {
    "website": "Website design & development",
    "seo": "SEO",
    "ppc": "PPC / paid advertising",
    "social_media_management": "Social media management",
    "social_media_campaign": "Social media campaign",
    "content_marketing": "Content marketing",
    "reputation_management": "Reputation management",
    "it_support": "IT support / consulting",
}

# The words people use for a service, beside its id and the names the app and the providers show: a sheet of "Web
# design" and "Google Ads" rows was refused (a walkthrough). Only names of one service, never "social media".
SERVICE_ALSO: dict[str, tuple[str, ...]] = {
    "website": ("web design", "website design", "web development", "website development", "web design and development",
                "website build"),
    "seo": ("search engine optimisation", "search engine optimization"),
    "ppc": ("google ads", "adwords", "google adwords", "pay per click", "paid advertising", "paid ads", "paid search"),
    "reputation_management": ("online reputation management", "orm"),
    "it_support": ("it support", "it consulting", "it services"),
}

PAYMENT_METHODS: dict[str, str] = {
    "card": "Credit card",
    "paypal": "PayPal / online payment",
    "bank_india": "Bank transfer (India)",
    "bank_international": "International bank transfer",
    "check": "Check",
}

# Flags of the scenario a policy may name as grounds for an exception to its tiers (their labels are declared
# with the fields, in models.Scenario).
EXCEPTION_FLAGS: tuple[str, ...] = ("billing_error", "provider_fault", "undelivered_promised")

# Rows of the "Policy terms side by side" matrix, in display order.
TERMS: dict[str, str] = {
    "request_window": "Request window",
    "refund_before_work": "Refund before work starts",
    "processing_fee": "Processing fee",
    "non_refundable_items": "Non-refundable items",
    "deductions": "Taken off before a refund",
    "exceptions": "Exceptions: grounds of their own",
    "recurring_notice": "Recurring billing notice",
    "processing_times": "Processing times",
    "satisfaction_guarantee": "Satisfaction guarantee",
    "dispute_steps": "Dispute steps",
    "chargebacks": "Chargebacks",
    "force_majeure": "Force majeure",
    "governing_law": "Governing law",
    "contact": "Contact",
}

# Row ids of decisions.md (docs/decisions.md) sections 2 and 4, which a rule may cite as its reading.
DECISIONS: frozenset[str] = frozenset(
    {
        "time", "SB window", "SB base", "SB fee", "SB bands", "SB design", "SB development",
        "SB pre-kickoff gap", "IT pre-start", "IT started", "IT recurring", "SI window",
        "SI not started", "SI exceptions", "stages from completion", "services", "money",
        # section 4, fixed on 2026-12-01
        "SB ongoing", "SB first weeks", "SB before audit", "SB content briefing", "SB live campaign", "SB ad spend",
        "IT ad budget", "explicit stage", "SI contradictory",
    }
)
