"""The basis most tests quote under: the shipped files alone, on a fixed day (a test never reads the clock)."""
from datetime import date

from policy.versions import Basis, shipped_catalog

TODAY = date(2026, 12, 4)
SHIPPED = shipped_catalog()
BASIS = Basis(SHIPPED, TODAY)


def reworded(policy, mark: str = "") -> str:
    """The policy's own text with a sentence added (with `mark`, one of its own): a version of the same terms that
    is still something new to publish (the same terms and words again are refused), its quotes still in it."""
    from policy.loader import source_text

    return source_text(policy) + f"\n\nThis version {mark} words the terms above anew.\n"


def half_floor(stepinto, effective: date, version: str = "2026-06-01"):
    """Step-Into with 'started, nothing delivered' at 50% at least, its 'and' reading moved with it, in force from
    `effective`: a version whose quotes differ from the shipped one's (10,000 paid, started, nothing delivered, 3
    days: 5,000.00 at least, not 0.00)."""
    from policy.schema import PolicyFile

    data = stepinto.model_dump(mode="json", exclude_none=True)
    for service in data["services"].values():
        for stage in service["stages"]:
            for tier in stage["tiers"]:
                if tier["id"] == "si_started_nothing_delivered_window":
                    tier["min"] = {"of": "paid", "pct": "50"}
                    for reading in tier["ambiguity"]["readings"]:
                        if reading["label"].startswith("'and'"):
                            reading["amount"] = {"of": "paid", "pct": "50"}
    return PolicyFile.model_validate({**data, "version": version, "effective_from": effective.isoformat()})
