"""Every field's declared bounds reach every page (AppTest): each page opens with a bounded field at its declared
least and most, and just outside them, without an exception; outside, a warning names the field. The widgets,
the URL codec and the command line all take the bounds from the declaration (policy/fields.py)."""
from datetime import timedelta
from decimal import Decimal

import pytest
import streamlit as st

from policy.fields import FIELDS
from tests.pages import opened
from ui.nav import LABELS

PARTS = ("third_party_costs", "taxes_remitted", "unused_ad_spend")
BASE = dict(provider="itmedia", service="seo", amount_paid="1000", completion_pct=0, days_since_payment=3)


def edges():
    for spec in FIELDS:
        if spec.first_day and spec.last_day:
            step = timedelta(days=1)
            yield spec.name, [(spec.first_day, True), (spec.first_day - step, False)]
        elif spec.low is not None and spec.high is not None:
            step = Decimal("0.01") if spec.kind == "money" else Decimal(1)
            yield spec.name, [(spec.low, True), (spec.high, True), (spec.low - step, False), (spec.high + step, False)]


CASES = [(name, value, ok) for name, values in edges() for value, ok in values]


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_data.clear()


@pytest.mark.parametrize("page", list(LABELS))
def test_every_page_opens_with_each_field_at_and_beyond_its_declared_bounds(page):
    for name, value, ok in CASES:
        params = {**BASE, name: str(value)}
        if name in PARTS:  # a part of the amount paid: paid the most, so that the part's own bound decides
            params["amount_paid"] = "1000000000"
        at = opened(page, **params)
        assert not at.exception, (page, name, value, [e.value for e in at.exception])
        warned = any(name.replace("_", "\\_") in w.value or name in w.value for w in at.warning)
        assert warned != ok, (page, name, value, [w.value for w in at.warning])
