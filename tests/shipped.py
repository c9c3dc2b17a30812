"""The basis most tests quote under: the shipped files alone, on a fixed day (a test never reads the clock)."""
from datetime import date

from policy.versions import Basis, shipped_catalog

TODAY = date(2026, 12, 4)
SHIPPED = shipped_catalog()
BASIS = Basis(SHIPPED, TODAY)
