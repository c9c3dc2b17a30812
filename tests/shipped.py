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
