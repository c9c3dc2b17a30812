"""Deterministic scenario rows for the batch benchmark: every provider and service, some bad rows."""
from __future__ import annotations

import csv
import random
from pathlib import Path

from policy.taxonomy import PAYMENT_METHODS, SERVICES

PROVIDERS = ("itmedia", "socialbeat", "stepinto")
FIELDS = (
    "provider", "service", "amount_paid", "completion_pct", "days_since_payment", "work_started",
    "deliverables_provided", "notice_days", "third_party_costs", "taxes_remitted", "unused_ad_spend",
    "payment_method", "billing_error",
)


def write_rows(path: Path, rows: int, seed: int = 7, bad_every: int = 97) -> Path:
    rng = random.Random(seed)
    services = list(SERVICES)
    methods = ["", *PAYMENT_METHODS]
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(FIELDS)
        for i in range(rows):
            paid = rng.randint(100_00, 50_000_00)
            completion = rng.choice([0, rng.randint(0, 100), round(rng.uniform(0, 100), 1)])
            row = [
                rng.choice(PROVIDERS), rng.choice(services), f"{paid / 100:.2f}", completion,
                rng.randint(0, 45), rng.choice(["", "true"]) if completion else rng.choice(["", "true", "false"]),
                rng.choice(["", "true", "false"]), rng.choice(["", rng.randint(0, 40)]),
                f"{rng.randint(0, paid // 10) / 100:.2f}", f"{rng.randint(0, paid // 10) / 100:.2f}",
                f"{rng.randint(0, paid // 10) / 100:.2f}", rng.choice(methods), rng.choice(["", "", "", "true"]),
            ]
            if i % bad_every == 0:
                row[2] = rng.choice(["-5", "abc", "NaN", ""])
            w.writerow(row)
    return path
