"""Hypothesis strategies: valid scenarios over every provider and service."""
from decimal import Decimal

from hypothesis import strategies as st

from policy import shipped_policies as policies
from policy.taxonomy import PAYMENT_METHODS, SERVICES

cents = st.integers(min_value=1, max_value=5_000_000_00).map(lambda c: Decimal(c) / 100)
completion = st.one_of(
    st.sampled_from([Decimal(x) for x in (0, 25, 25.5, 26, 50, 51, 63, 64, 75, 76, 100)]),
    st.integers(min_value=0, max_value=1000).map(lambda x: Decimal(x) / 10),
)
days = st.one_of(st.sampled_from([0, 2, 3, 7, 8, 14, 15, 30, 31]), st.integers(min_value=0, max_value=400))
maybe_bool = st.sampled_from([None, True, False])


@st.composite
def scenarios(draw, provider=None, service=None):
    provider = provider or draw(st.sampled_from(sorted(policies())))
    service = service or draw(st.sampled_from(sorted(SERVICES)))
    paid = draw(cents)
    c = draw(completion)
    # the three money parts together stay within the amount paid
    parts = [draw(st.integers(min_value=0, max_value=100)) for _ in range(3)]
    scale = max(sum(parts), 100)
    taxes, third, unused = [(paid * p / scale).quantize(Decimal("0.01"), rounding="ROUND_DOWN") for p in parts]
    started = draw(maybe_bool) if c == 0 else draw(st.sampled_from([None, True]))
    data = dict(
        provider=provider, service=service, amount_paid=paid, completion_pct=c, days_since_payment=draw(days),
        work_started=started, deliverables_provided=draw(maybe_bool),
        notice_days=draw(st.one_of(st.none(), st.integers(min_value=0, max_value=60))),
        taxes_remitted=taxes, third_party_costs=third, unused_ad_spend=unused,
        payment_method=draw(st.one_of(st.none(), st.sampled_from(sorted(PAYMENT_METHODS)))),
        first_time_client=draw(st.booleans()), billing_error=draw(st.booleans()),
        provider_fault=draw(st.booleans()), undelivered_promised=draw(st.booleans()),
    )
    service_data = policies()[provider].services.get(service)
    if service_data is not None and draw(st.booleans()):
        data["stage"] = draw(st.sampled_from([s.id for s in service_data.stages]))
    return data
