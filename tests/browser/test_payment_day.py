"""decisions.md 5 "one catalog, one date" in the browser: a case given in days follows the version in force on its
payment day. The days slider reruns only Compare's fragment; what the rest of the page says of the versions (the
line naming them, the heatmaps) was left as the last full run drew it: a walkthrough read the version published
today named above a table quoted under the one before. A server of its own, with a register that has that
version: the session's server is shared by every other browser test."""
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from conftest import wait_ready
from playwright.sync_api import expect
from test_browser import expand, slider

from bench.serve import streamlit_server
from policy import shipped_policies
from policy.explain import named_version
from policy.loader import source_text
from store import PolicyStore, QuoteStore
from store.config import ENV_URL
from tests.actors import PAT
from tests.shipped import half_floor

CASE = ("provider=stepinto&service=ppc&amount_paid=10000&completion_pct=10&work_started=true"
        "&deliverables_provided=false&days_since_payment=0")


def test_compare_names_the_versions_its_table_quotes_under_as_the_days_slider_moves(context, tmp_path):
    shipped = shipped_policies()["stepinto"]
    today = date.today()
    new = half_floor(shipped, today, version="from-today")
    url = f"sqlite:///{tmp_path / 'quotes.sqlite'}"
    store = QuoteStore.open(url)
    versions = PolicyStore(store.engine)
    versions.publish(versions.save_draft(new, source_text(shipped), by=PAT), today, by=PAT)
    store.engine.dispose()
    with streamlit_server(env={ENV_URL: url}) as (base, _):
        page = context.new_page()
        page.goto(f"{base}/Compare_providers?{CASE}")
        wait_ready(page)
        main = page.get_by_test_id("stMain")
        expect(main).to_contain_text(f"for a payment today ({today:%d %b %Y}):")
        expect(main).to_contain_text("Step-Into version from-today")
        expect(page.get_by_test_id("stTable")).to_contain_text("$5,000.00")  # the new version's least
        page.evaluate(WATCH_THE_MAPS)
        thumb = slider(page, "Days since payment")
        thumb.focus()
        page.keyboard.press("ArrowRight")  # paid yesterday: before the new version
        expect(thumb).to_have_value("1")
        wait_ready(page)
        # the heatmaps, outside the sliders' fragment, drawn again under the version before (a key press that
        # reruns only the fragment leaves them as they were)
        page.wait_for_function("() => window.mapsRedrawn === true")
        page.evaluate("() => { window.mapsRedrawn = false; }")
        for _ in range(2):
            page.keyboard.press("ArrowRight")
        expect(thumb).to_have_value("3")
        wait_ready(page)
        paid = today - timedelta(days=3)
        expect(main).to_contain_text(f"for a payment on {paid:%d %b %Y} (3 days before today):")
        expect(main).to_contain_text(named_version("Step-Into", shipped.version))  # Step-Into's, never dated
        expect(main).to_contain_text(f"For later payments: Step-Into version from-today from {today:%d %b %Y}.")
        expect(page.get_by_test_id("stTable")).not_to_contain_text("$5,000.00")  # quoted under the one before
        assert page.evaluate("() => window.mapsRedrawn") is False  # the same versions: a key press stays a fragment's
        page.close()


# Marks when an element of the heatmaps' part of the page is sent again (Streamlit marks the elements of the run
# before stale while a run that draws them is under way; a fragment's run leaves the rest of the page alone).
WATCH_THE_MAPS = """() => {
  window.mapsRedrawn = false;
  const maps = [...document.querySelectorAll('[data-testid=stHeading]')]
    .find(h => h.textContent.includes('Most generous where')).closest('[data-testid=stElementContainer]');
  new MutationObserver(() => { if (maps.getAttribute('data-stale') === 'true') window.mapsRedrawn = true; })
    .observe(maps, {attributes: true, attributeFilter: ['data-stale']});
}"""


def another_day_zone() -> tuple[str, date]:
    """A time zone whose date is not this machine's (UTC) now, and its date: UTC+14 from 10:00 UTC, UTC-11 before
    11:00 UTC, so one of them is always on another day."""
    now = datetime.now(UTC)
    zone = "Pacific/Kiritimati" if now.hour >= 10 else "Pacific/Pago_Pago"
    return zone, now.astimezone(ZoneInfo(zone)).date()


def test_today_is_the_persons_day_where_their_browser_is(context, base_url):
    """A client in New York at 8 p.m. was told it was already the next day (the server's clock is UTC): a payment
    made that day was a day old, and on Step-Into's seventh day there was no full refund left. Today is the day
    where the browser is."""
    zone, local = another_day_zone()
    assert local != date.today()  # else the test could not tell the two days apart
    there = context.browser.new_context(timezone_id=zone, viewport={"width": 1400, "height": 1100})
    page = there.new_page()
    try:
        page.goto(f"{base_url}/?provider=stepinto&service=ppc&amount_paid=5000&paid_on={local}")
        wait_ready(page)
        expect(slider(page, "Days since payment")).to_have_value("0")  # paid today, where the client is
        main = page.get_by_test_id("stMain")
        expect(main).not_to_contain_text("A payment planned for")
        expect(main).not_to_contain_text("That date has passed")
        seventh = local - timedelta(days=7)  # the last day of Step-Into's full refund, where the client is
        page.goto(f"{base_url}/?provider=stepinto&service=ppc&amount_paid=5000&paid_on={seventh}")
        wait_ready(page)
        expect(slider(page, "Days since payment")).to_have_value("7")
    finally:
        there.close()


def test_a_quote_saved_is_dated_by_the_persons_clock_in_saved_quotes(context, base_url):
    """A walkthrough in Pago Pago saved a quote on its 6 Dec and read "Saved 07 Dec 2026 06:06 UTC", and Saved
    between 6 Dec found nothing: times and the days picked are the person's."""
    zone, local = another_day_zone()
    there = context.browser.new_context(timezone_id=zone, viewport={"width": 1400, "height": 1100})
    page = there.new_page()
    try:
        page.goto(f"{base_url}/?provider=stepinto&service=ppc&amount_paid=5000&days_since_payment=2")
        wait_ready(page)
        # each step waits for the page to be drawn for the one before: a loaded CI run (1 in 6) showed day 0 on the
        # page after the save's click and no quote saved; a click mid-run that landed elsewhere is the likely cause
        expect(page.get_by_text(re.compile(r"^Asked today, day 2 after the payment"))).to_be_visible()
        expand(page, "Save, download or share")
        name = page.get_by_label("Client name (optional)")
        name.fill(f"Client in {zone}")
        name.press("Tab")  # the box committed, and its run done, before the button is clicked
        wait_ready(page)
        expect(slider(page, "Days since payment")).to_have_value("2")
        page.get_by_role("button", name="Save to the register").click()
        expect(page.get_by_text(re.compile(r"^Saved as quote #\d+: find it under Saved quotes"))).to_be_visible()
        page.keyboard.press("Escape")
        page.get_by_test_id("stButtonGroup").get_by_text("Saved quotes", exact=True).click()
        wait_ready(page)
        expect(page.get_by_test_id("stMain")).to_contain_text(
            re.compile(rf"Saved {local:%d %b %Y} \d\d:\d\d {re.escape(zone)} by "))
    finally:
        there.close()
