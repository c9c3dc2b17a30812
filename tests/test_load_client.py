"""The load generator's client speaks Streamlit's protocol well enough to be a user: it loads a page, a slider
press reruns only the slider's fragment, and the Refund it receives is the engine's."""
from shipped import BASIS

from bench.serve import streamlit_server
from load.client import Session
from policy import parse_scenario, quote
from policy.explain import refund_text

QUERY = "provider=itmedia&service=website&days_since_payment=10"


def test_a_protocol_session_loads_pages_and_moves_the_slider():
    with streamlit_server() as (base, _):
        s = Session(base)
        s.run(QUERY)
        assert s.sliders["Project completion (%)"].fragment_id  # the calculator's sliders are a fragment's
        s.press("Project completion (%)", 40, QUERY)
        expected = quote(parse_scenario(dict(provider="itmedia", service="website", amount_paid="5000",
                                             completion_pct=40, days_since_payment=10), BASIS), BASIS)
        assert s.metrics["Refund"] == refund_text(expected)
        compare = Session(base)
        compare.run(QUERY, page_name="Compare_providers")
        assert compare.page_hash != s.page_hash and compare.sliders["Project completion (%)"].fragment_id
        s.close()
        compare.close()
