"""Sign-in in a real browser, through a real OpenID Connect provider on loopback (oidc-provider-mock: its page
lists the demo users, one button each): each role finds exactly its pages and actions, and a page opened by URL
without the role shows none of its data. The app runs with its own secrets file and register."""
import contextlib
import re
from pathlib import Path

import pytest
from conftest import sign_in, signing_in, wait_ready
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from bench.serve import streamlit_server
from deploy import oidc
from deploy.ports import free_port

PUBLIC = ["Refund calculator", "Compare providers", "Policy terms side by side", "Am I eligible?"]
PAGES = {  # what each demo user's role offers, in menu order
    "none": PUBLIC,
    "sales": [*PUBLIC, "Saved quotes"],
    "sales-ops": [*PUBLIC, "Saved quotes", "Batch quotes"],
    "author": [*PUBLIC, "Saved quotes", "Batch quotes", "Policy lab"],
    "admin": [*PUBLIC, "Saved quotes", "Batch quotes", "Policy lab", "Audit trail"],
}
PATHS = {"Saved quotes": "Saved_quotes", "Batch quotes": "Batch_quotes", "Policy lab": "Policy_lab",
         "Audit trail": "Audit_trail"}


REGISTER = {}  # "url": the register of the app the module's tests sign in to


@pytest.fixture(scope="module")
def app_with_sign_in(chromium, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sign-in")
    REGISTER["url"] = f"sqlite:///{folder / 'data' / 'quotes.sqlite'}"
    port = free_port()
    secrets = folder / "secrets.toml"
    provider = oidc.serve(free_port(), f"http://127.0.0.1:{port}", secrets)  # as `python -m deploy.oidc` does
    try:
        with streamlit_server(port=port, args=["--secrets.files", str(secrets)],
                              env={"REFUND_DATA_DIR": str(folder / "data")}) as (base, _):
            yield base
    finally:
        provider.stop()


@pytest.fixture
def person(context):
    """A browser of its own (its own cookies): one person."""
    ctx = context.browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(30_000)
    yield signing_in(ctx).new_page()
    ctx.close()


def has_menu(page, labels: list[str]) -> None:
    """The page menu offers exactly these pages, in this order (looked at until it does: a sign-in's return to
    where it started may still be loading the page)."""
    expect(page.get_by_test_id("stButtonGroup").first.locator("button")).to_have_text(labels)


def open_path(page, base: str, path: str) -> None:
    page.goto(f"{base}/{path}")
    wait_ready(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def refused(page, words: str) -> None:
    expect(page.get_by_text(words)).to_be_visible()
    assert page.get_by_test_id("stDataFrame").count() == 0 and page.get_by_test_id("stMetric").count() == 0
    assert page.get_by_test_id("stDownloadButton").count() == 0


def no_empty_frame(page) -> None:
    """The frames that only run a script (where a sign-in started, the way back) take no room: each drew an empty
    150 px box, above the page menu once signed in and under "Staff sign-in" before. Looked at once they are in
    the page: a run that has ended may not have drawn them yet (a CI run measured none at all)."""
    expect(page.locator('[class*="st-key-script_frame_"] iframe').first).to_be_attached()
    heights = """() => [...document.querySelectorAll('iframe')].map(f => {
      const box = f.closest('[class*="st-key-script_frame_"]');
      return box ? box.getBoundingClientRect().height : f.getBoundingClientRect().height; })"""
    # the page's stylesheet, which takes them out of the flow, can land a moment after them (a CI run measured
    # 158 px boxes): measured once it has, or failing after the wait with what they were
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(f"() => ({heights})().every(h => h <= 1)", timeout=10_000)
    boxes = page.evaluate(heights)
    assert boxes and all(h <= 1 for h in boxes), boxes


def save_a_quote(page, client: str) -> None:
    page.get_by_test_id("stExpander").locator("summary").filter(has_text="Save, download or share").click()
    page.get_by_label("Client name (optional)").fill(client)
    expect(page.get_by_text("Saved by: ")).to_be_visible()  # the signed-in name: no box to type one
    assert page.get_by_label("Saved by").count() == 0
    page.get_by_role("button", name="Save to the register").click()
    expect(page.get_by_text(re.compile(r"^Saved as quote #\d+: find it under Saved quotes"))).to_be_visible()


def test_anyone_is_offered_the_public_pages_and_every_protected_url_asks_to_sign_in(app_with_sign_in, person):
    person.goto(app_with_sign_in)
    wait_ready(person)
    has_menu(person, PUBLIC)
    no_empty_frame(person)  # the sidebar's sign-in button and its script
    person.get_by_test_id("stExpander").locator("summary").filter(has_text="Download or share").click()
    expect(person.get_by_role("button", name="Summary (PDF)", exact=True)).to_be_visible()
    assert person.get_by_role("button", name="Quote as JSON").count() == 0
    assert person.get_by_role("button", name="Save to the register").count() == 0
    for path in PATHS.values():
        open_path(person, app_with_sign_in, path)
        refused(person, "This page is for staff: sign in")


@pytest.mark.parametrize("role", list(PAGES))
def test_each_role_signs_in_and_finds_exactly_its_pages_and_actions(app_with_sign_in, person, role):
    base = app_with_sign_in
    sign_in(person, base, role)
    has_menu(person, PAGES[role])
    if role == "none":  # signed in, on the calculator where sign-in lands: a client's downloads, no register
        expect(person.get_by_test_id("stExpander").locator("summary").filter(has_text="Download or share")).to_be_visible()
    for label, path in PATHS.items():  # a page the role lacks, opened by its URL: nothing of it
        if label not in PAGES[role]:
            open_path(person, base, path)
            refused(person, "Your role does not include this page")
    if role == "sales":
        person.goto(f"{base}/?provider=stepinto&service=ppc&amount_paid=2400")
        wait_ready(person)
        save_a_quote(person, "Signed Client")
        open_path(person, base, "Saved_quotes")
        expect(person.get_by_test_id("stDataFrame")).to_be_visible()
        expect(person.get_by_text("Scroll the table sideways for its other columns.")).to_be_visible()  # 1,400 px
        dates = person.get_by_test_id("stDateInput").filter(has_text="Saved between")  # "yyyy/mm/c" was cut
        gap = dates.evaluate("""d => d.querySelector('svg').getBoundingClientRect().left - Math.max(
            ...[...d.querySelectorAll('span')].map(s => s.getBoundingClientRect().right))""")
        assert gap >= 0, gap  # the placeholder's last "dd" ends before the calendar's icon
        person.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
        person.get_by_role("button", name="End session").click()  # the provider's own sign-out page
        # out of a page for staff, back to the calculator with the case (back on Saved quotes, the person now
        # signed out was refused it, and the trail recorded a stranger's refusal: a walkthrough)
        person.wait_for_url(re.compile(r"^[^?]*/\?provider="))
        wait_ready(person)
        expect(person.get_by_test_id("stSidebar").get_by_role("button", name="Staff sign-in")).to_be_visible()
        expect(person.get_by_text("This page is for staff: sign in")).to_have_count(0)
    if role == "sales-ops":
        open_path(person, base, "Batch_quotes")
        expect(person.get_by_text("Also save every quoted row to the register")).to_be_visible()
    if role == "author":
        open_path(person, base, "Policy_lab")
        expect(person.get_by_role("button", name="Save as draft")).to_be_visible()
        expect(person.get_by_text("Your name: Ari Author")).to_be_visible()
    if role == "admin":
        person.goto(f"{base}/?provider=itmedia&service=seo&amount_paid=2400")
        wait_ready(person)
        save_a_quote(person, "Admin's Client")
        open_path(person, base, "Audit_trail")
        table = person.get_by_test_id("stDataFrame")
        expect(table).to_be_visible()
        expect(person.get_by_text("Scroll the table sideways for its other columns.")).to_be_visible()
        expect(person.get_by_text(re.compile(r"events? match"))).to_be_visible()
        # the grid draws on a canvas: its rows are read from the CSV behind it
        with person.expect_download() as download:
            person.get_by_role("button", name="Download these events (CSV)").click()
        trail = download.value.path().read_text(encoding="utf-8")
        assert trail.startswith("\ufeff")  # opens in Excel as UTF-8
        assert "Ada Admin,ada@example.com,admin,quote saved" in trail


def test_signing_in_comes_back_to_the_page_and_scenario_it_started_from(app_with_sign_in, person):
    """Streamlit's sign-in lands on the app's root; the app takes the person back to where they clicked."""
    base = app_with_sign_in
    sign_in(person, base, "sales", start="?provider=stepinto&service=ppc&amount_paid=1234&completion_pct=40")
    person.wait_for_url("**amount_paid=1234**")
    wait_ready(person)
    expect(person.get_by_test_id("stSlider").filter(has_text="Project completion (%)").get_by_role("slider")
           ).to_have_value("40")
    expect(person.get_by_text("Step-Into, PPC / paid advertising", exact=False).first).to_be_visible()
    person.goto(f"{base}/")  # the root, where a sign-in lands and the way back is drawn once per session
    wait_ready(person)
    no_empty_frame(person)


def test_signing_out_comes_back_to_the_page_and_scenario_it_left(app_with_sign_in, person):
    """Signing out lands on the app's root too: it dropped the client's scenario for the default one (a
    walkthrough)."""
    base = app_with_sign_in
    sign_in(person, base, "sales", start="Compare_providers?provider=stepinto&service=ppc&amount_paid=1234")
    person.wait_for_url("**/Compare_providers?**amount_paid=1234**")
    wait_ready(person)
    person.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    person.get_by_role("button", name="End session").click()  # the provider's own sign-out page
    person.wait_for_url("**/Compare_providers?**amount_paid=1234**")
    wait_ready(person)
    sidebar = person.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("button", name="Staff sign-in")).to_be_visible()
    expect(sidebar.get_by_role("textbox", name="Amount paid")).to_have_value("1,234.00")  # not the default 5,000.00


def test_signing_in_from_a_refused_page_comes_back_to_that_page(app_with_sign_in, person):
    base = app_with_sign_in
    sign_in(person, base, "sales-ops", start="Batch_quotes")
    person.wait_for_url("**/Batch_quotes**")
    wait_ready(person)
    expect(person.get_by_text("Also save every quoted row to the register")).to_be_visible()


def test_signing_out_after_a_page_switch_comes_back_there_and_from_a_staff_page_to_the_calculator(app_with_sign_in,
                                                                                                    person):
    """A walkthrough switched pages with the menu, then signed out: it came back to the root with the default case
    (the listener that keeps where a sign-out starts was made in a frame drawn anew since, and ran no more). From
    Saved quotes, coming back there refused the person now signed out, and the trail recorded a stranger's refusal."""
    base = app_with_sign_in
    sign_in(person, base, "sales", start="?provider=stepinto&service=ppc&amount_paid=1234")
    person.wait_for_url("**amount_paid=1234**")
    wait_ready(person)
    person.get_by_test_id("stButtonGroup").first.locator("button").filter(has_text="Compare providers").click()
    person.wait_for_url("**/Compare_providers?**amount_paid=1234**")
    wait_ready(person)
    person.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    person.get_by_role("button", name="End session").click()
    person.wait_for_url("**/Compare_providers?**amount_paid=1234**")  # the page it was on, with its case
    wait_ready(person)
    sign_in(person, base, "sales", start="Saved_quotes?provider=stepinto&service=ppc&amount_paid=1234")
    person.wait_for_url("**/Saved_quotes?**")
    wait_ready(person)
    person.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    person.get_by_role("button", name="End session").click()
    person.wait_for_url(re.compile(r"^[^?]*/\?.*amount_paid=1234"))  # the calculator, with the case: not Saved quotes
    wait_ready(person)
    expect(person.get_by_test_id("stSidebar").get_by_role("button", name="Staff sign-in")).to_be_visible()
    expect(person.get_by_text("This page is for staff: sign in")).to_have_count(0)


def test_a_link_to_a_saved_quote_keeps_its_number_through_the_sign_in_it_asks_for(app_with_sign_in, person):
    """A walkthrough followed a colleague's link to saved quote 1 while signed out: the address dropped quote=1 at
    once, and the sign-in came back to the list with no quote open."""
    person.goto(f"{app_with_sign_in}/Saved_quotes?quote=1")
    wait_ready(person)
    refused(person, "This page is for staff: sign in")
    expect(person).to_have_url(re.compile(r"quote=1"))


def test_a_sign_out_in_one_tab_ends_the_sign_in_in_every_other_tab_at_its_next_step(app_with_sign_in, person):
    """A walkthrough signed out in one tab, then in a second tab left open on Saved quotes went on reading the
    register, saved a quote and deleted it in the name it had signed out of: Streamlit reads the identity cookie only
    when a tab opens. The sign-out is now recorded, and every run of every tab holding that sign-in refuses it."""
    base = app_with_sign_in
    sign_in(person, base, "sales")
    save_a_quote(person, "Second Tab Client")
    other = person.context.new_page()  # the same browser: its cookie, its sign-in
    other.goto(f"{base}/Saved_quotes")
    wait_ready(other)
    search = other.get_by_label("Search client, reference, note, project or invoice")
    search.fill("second tab client")
    other.keyboard.press("Enter")
    expect(other.get_by_text("1 saved quote matches")).to_be_visible()
    calculator = person.context.new_page()  # a third, on the calculator, a save under way: its click reruns the
    calculator.set_viewport_size({"width": 1400, "height": 560})  # a laptop's: its Save is below the first screen
    calculator.goto(base)  # calculator's part alone
    wait_ready(calculator)
    expect(calculator.get_by_test_id("stSidebar").get_by_text("Signed in:")).to_be_visible()
    calculator.get_by_test_id("stExpander").locator("summary").filter(has_text="Save, download or share").click()
    calculator.get_by_label("Client name (optional)").fill("Stale Tab Client")

    person.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    person.get_by_role("button", name="End session").click()
    wait_ready(person)
    expect(person.get_by_test_id("stSidebar").get_by_role("button", name="Staff sign-in")).to_be_visible()

    search.fill("second tab")  # the other tab's next step
    other.keyboard.press("Enter")
    refused(other, "This page is for staff: sign in")
    expect(other.get_by_text(re.compile(r"saved quotes? match"))).to_have_count(0)
    sidebar = other.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(re.compile(r"You signed out at \d\d:\d\d .*in another tab or window"))).to_be_visible()
    expect(sidebar.get_by_text("Signed in:")).to_have_count(0)
    has_menu(other, PUBLIC)  # the staff pages are offered no more
    other.close()

    calculator.get_by_role("button", name="Save to the register").click()
    wait_ready(calculator)  # the whole page drawn again: its sidebar and menu too, not the calculator's part alone
    expect(calculator.get_by_test_id("stSidebar").get_by_text(re.compile(r"You signed out at"))).to_be_visible()
    # said in the page too (a walkthrough's click on Save did nothing, and only the sidebar, closed on a phone, said why)
    notice = calculator.get_by_test_id("stMain").get_by_text(re.compile(
        r"You signed out at .* so this tab is signed out too: nothing is saved"))
    expect(notice).to_be_in_viewport()  # brought into view: the click was far down the page (a walkthrough)
    has_menu(calculator, PUBLIC)
    expect(calculator.get_by_text("Save to the register")).to_have_count(0)
    expect(calculator.get_by_text(re.compile(r"^Saved as quote"))).to_have_count(0)
    calculator.close()
    # the trail says what was tried: a save, not "page Refund calculator" as of a slider moved (a walkthrough)
    from store import AuditLog, QuoteStore
    from store.audit import Action, AuditFilters
    from tests.actors import ADA
    events = AuditLog(QuoteStore.open(REGISTER["url"]).engine).find(
        AuditFilters(action=Action.REFUSED.value), by=ADA)[0]
    saves = [e for e in events if e.actor_email.startswith("sam@") and e.subject == "save a quote"]
    assert saves, [(e.actor_email, e.subject) for e in events]
    assert saves[0].detail["needed"] == "save a quote" and "signed_out_at" in saves[0].detail  # as other refusals say


def test_a_tab_left_open_after_a_sign_out_elsewhere_hands_out_no_file_of_the_register(app_with_sign_in, person):
    """A walkthrough signed out in one tab, then downloaded the saved quote open in another tab as a PDF: its files
    were made from what that tab had shown, with no check of the sign-in."""
    base = app_with_sign_in
    sign_in(person, base, "sales")
    save_a_quote(person, "Left Open Client")
    saved = person.get_by_text(re.compile(r"^Saved as quote #\d+")).first.inner_text()
    number = re.search(r"#(\d+)", saved).group(1)
    other = person.context.new_page()
    other.goto(f"{base}/Saved_quotes?quote={number}")
    wait_ready(other)
    other.get_by_test_id("stExpander").locator("summary").filter(has_text="Download its files").click()
    pdf = other.get_by_role("button", name="Client summary (PDF)", exact=True)
    with other.expect_download() as got:  # while the sign-in holds
        pdf.click()
    assert Path(got.value.path()).read_bytes().startswith(b"%PDF")

    person.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    person.get_by_role("button", name="End session").click()
    wait_ready(person)
    downloads = []
    other.on("download", lambda d: downloads.append(d))
    other.get_by_role("button", name="Quote as CSV", exact=True).click()  # no step of the page: no run of it
    expect(other.get_by_test_id("stDownloadButtonError")).to_be_visible()  # the button says its file was not made
    assert downloads == []
    other.close()
    from store import AuditLog, QuoteStore
    from store.audit import AuditFilters
    from tests.actors import ADA
    events, _ = AuditLog(QuoteStore.open(REGISTER["url"]).engine).find(AuditFilters(actor="sam@"), by=ADA)
    said = [(e.action, e.subject) for e in events]
    assert ("downloaded", f"saved quote #{number}, Client summary (PDF)") in said, said  # the file made: in the trail
    assert ("refused", f"download saved quote #{number}, Quote as CSV") in said, said  # the one refused, too


def test_a_saved_quote_deleted_since_its_page_was_drawn_hands_out_no_file(app_with_sign_in, person):
    """A walkthrough had a quote's files open when an admin deleted it in another browser: its PDF was still handed
    out, and the trail said it was downloaded two seconds after the delete."""
    from store import AuditLog, QuoteStore
    from store.audit import AuditFilters
    from tests.actors import ADA
    base = app_with_sign_in
    sign_in(person, base, "sales")
    save_a_quote(person, "Deleted Meanwhile")
    number = re.search(r"#(\d+)", person.get_by_text(re.compile(r"^Saved as quote #\d+")).first.inner_text()).group(1)
    person.goto(f"{base}/Saved_quotes?quote={number}")
    wait_ready(person)
    person.get_by_test_id("stExpander").locator("summary").filter(has_text="Download its files").click()
    store = QuoteStore.open(REGISTER["url"])
    assert store.delete(int(number), by=ADA)  # elsewhere, by an admin
    downloads = []
    person.on("download", lambda d: downloads.append(d))
    person.get_by_role("button", name="Client summary (PDF)", exact=True).click()
    expect(person.get_by_test_id("stDownloadButtonError")).to_be_visible()
    assert downloads == []
    events, _ = AuditLog(store.engine).find(AuditFilters(action="downloaded"), by=ADA)
    assert not [e for e in events if e.subject.startswith(f"saved quote #{number},")]
