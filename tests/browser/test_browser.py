"""As a user would, in a real browser: load, press keys, choose, share, download, ask."""
import json
import re
import tomllib
from datetime import date, timedelta
from pathlib import Path

from conftest import PHONE, shot, wait_ready
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from shipped import BASIS

from policy import parse_scenario, quote
from policy import shipped_policies as policies
from policy.explain import refund_text
from policy.lab import TIERS, tier_rows
from ui.page import SIDEBAR_HINT

BASE = dict(provider="socialbeat", service="website", amount_paid="5000.00", completion_pct=0, days_since_payment=0)


def expected(**fields) -> str:
    return refund_text(quote(parse_scenario({**BASE, **fields}, BASIS), BASIS))


def refund(page):
    return page.get_by_test_id("stMetric").filter(has_text="Refund").first.get_by_test_id("stMetricValue")


def slider(page, label):
    """The slider as drawn now: while a fragment is drawn again, its old copy can stand beside the new one, marked
    stale."""
    live = page.locator('[data-testid="stElementContainer"]:not([data-stale="true"])')
    return live.get_by_test_id("stSlider").filter(has_text=label).get_by_role("slider")


def choose(page, label, option):
    """Open the box and pick the option. A rerun that lands as the box opens redraws it closed, and one that lands
    as the option is picked (the box drawn anew for the provider chosen before it) drops the pick (both seen under
    CI's load): open it again and pick again, up to three times, until the box shows the option."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).first
    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):
        wait_ready(page)
        box.click()
        try:
            wanted.wait_for(state="visible", timeout=5000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            continue
        wanted.click()
        wait_ready(page)
        if box.get_by_role("combobox").input_value() == option:
            return
    expect(box.get_by_role("combobox")).to_have_value(option)


def open_page(page, base_url, path=""):
    page.goto(f"{base_url}/{path}")
    wait_ready(page)


def test_each_heading_is_drawn_larger_than_the_headings_under_it(page, base_url):
    """A walkthrough: "Why" was drawn at 24 px and its own parts ("Stage", "Dates") at 28 px."""
    open_page(page, base_url, "?provider=socialbeat&service=website&completion_pct=30")
    expect(page.get_by_role("heading", name="Why", level=2)).to_be_visible()
    page.wait_for_function("() => getComputedStyle(document.querySelector('[data-testid=stMain] h3')).fontSize"
                           " === '20px'", timeout=10_000)  # the page's stylesheet applied (it may land after the text)
    sizes = {level: page.locator(f"[data-testid=stMain] h{level}").evaluate_all(
        "hs => hs.map(h => parseFloat(getComputedStyle(h).fontSize))") for level in (1, 2, 3)}
    assert all(sizes.values()), sizes  # a title, "Why", and its parts
    assert min(sizes[1]) > max(sizes[2]) and min(sizes[2]) > max(sizes[3]), sizes


def test_calculator_loads_and_shows_a_refund(page, base_url):
    open_page(page, base_url)
    expect(refund(page)).to_have_text(expected())
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(2)
    expect(page.get_by_text(SIDEBAR_HINT)).to_be_hidden()  # the sidebar is open beside the page: nothing to say
    answer_box, dial_box = refund(page).bounding_box(), slider(page, "Days since payment").bounding_box()
    assert answer_box is not None and dial_box is not None and answer_box["y"] < dial_box["y"]  # on a desktop, first
    shot(page, "1-calculator")


def test_arrow_keys_on_completion_move_the_refund(page, base_url):
    open_page(page, base_url, "?completion_pct=20&days_since_payment=10")
    expect(refund(page)).to_have_text(expected(completion_pct=20, days_since_payment=10))
    thumb = slider(page, "Project completion (%)")
    thumb.focus()
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    expect(thumb).to_have_value("26")
    expect(refund(page)).to_have_text(expected(completion_pct=26, days_since_payment=10))
    assert expected(completion_pct=26, days_since_payment=10) != expected(completion_pct=20, days_since_payment=10)


def test_choosing_another_provider_changes_the_refund(page, base_url):
    open_page(page, base_url, "?completion_pct=40&days_since_payment=3")
    expect(refund(page)).to_have_text(expected(completion_pct=40, days_since_payment=3))
    choose(page, "Provider", "ITMediaSolutions.us")
    expect(refund(page)).to_have_text(expected(provider="itmedia", completion_pct=40, days_since_payment=3))


def test_a_share_link_opens_the_same_scenario(page, base_url):
    link = "?provider=stepinto&service=ppc&amount_paid=1200.00&completion_pct=33&days_since_payment=4"
    open_page(page, base_url, link)
    expect(slider(page, "Project completion (%)")).to_have_value("33")
    scenario = dict(provider="stepinto", service="ppc", amount_paid="1200.00", completion_pct=33, days_since_payment=4)
    expect(refund(page)).to_have_text(expected(**scenario))
    expect(page).to_have_url(re.compile(r"completion_pct=33"))


def test_the_download_matches_the_quote(page, base_url):
    page.set_viewport_size({"width": 1000, "height": 1100})  # the share link wraps (below: clear of its copy button)
    open_page(page, base_url, "?amount_paid=5000&completion_pct=30&days_since_payment=5")
    page.get_by_test_id("stExpander").locator("summary").filter(has_text="Download or share").click()  # drawn on opening
    expect(page.get_by_test_id("stCode")).to_contain_text("completion_pct=30")
    with page.expect_download() as download:
        page.get_by_role("button", name="Quote as JSON").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    q = quote(parse_scenario({**BASE, "completion_pct": 30, "days_since_payment": 5}, BASIS), BASIS)
    assert (data["refund_min"], data["refund_max"], data["verdict"]) == (q.refund_min, q.refund_max, q.verdict)
    assert download.value.suggested_filename == "refund-socialbeat-website.json"
    with page.expect_download() as email:  # its name says what it is: beside the .pdf and .md a .txt read as a summary
        page.get_by_role("button", name="Refund request email").click()
    assert email.value.suggested_filename == "refund-socialbeat-website-request-email.txt"
    assert "Refund Request" in Path(email.value.path()).read_text(encoding="utf-8")
    # the link's copy button is a stop for the keyboard and copies the link (drawn under a pointer only, Tab passed it)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page.get_by_test_id("stCode").focus()
    page.keyboard.press("Tab")
    copy = page.get_by_role("button", name="Copy to clipboard")
    expect(copy).to_be_focused()
    # the link's text wraps clear of the button, always drawn now (its first line ran under it)
    text_right = page.get_by_test_id("stCode").locator("code").evaluate(
        "c => { const r = document.createRange(); r.selectNodeContents(c); "
        "return Math.max(...[...r.getClientRects()].map(x => x.right)); }")
    assert text_right <= copy.bounding_box()["x"], (text_right, copy.bounding_box())
    page.keyboard.press("Enter")
    assert page.evaluate("navigator.clipboard.readText()") == page.get_by_test_id("stCode").inner_text().strip()


def test_a_clients_name_typed_in_the_downloads_stays_when_they_are_closed_and_a_slider_moves(page, base_url):
    """A walkthrough: a name and a reference typed, the popover closed (its boxes are drawn only while it is open,
    in the calculator's fragment), and both were empty on opening it again: the next save named no client."""
    open_page(page, base_url, "?amount_paid=5000&completion_pct=20&days_since_payment=3")
    downloads = page.get_by_test_id("stExpander").locator("summary").filter(has_text="Save, download or share")
    downloads.click()
    name, ref = page.get_by_label("Client name (optional)"), page.get_by_label("Your reference (optional)")
    name.fill("Ana Lopez")
    name.press("Enter")
    wait_ready(page)
    ref.fill("REF-117")
    ref.press("Enter")
    wait_ready(page)
    downloads.click()  # closed
    expect(name).to_have_count(0)
    wait_ready(page)
    thumb = slider(page, "Project completion (%)")
    thumb.focus()
    page.keyboard.press("ArrowRight")
    expect(thumb).to_have_value("21")
    wait_ready(page)
    downloads.click()
    expect(name).to_have_value("Ana Lopez")
    expect(ref).to_have_value("REF-117")


def test_save_download_or_share_opens_in_the_page_whole_and_in_keyboard_order(page, base_url):
    """A walkthrough: in a popover under the answer, a 900 px high screen left it 235 px, the save and the links out of
    sight; from the keyboard the next Tab had reached the slider under it."""
    page.set_viewport_size({"width": 1280, "height": 900})
    open_page(page, base_url, "?amount_paid=5000&completion_pct=20&days_since_payment=3")
    summary = page.get_by_test_id("stExpander").locator("summary").filter(has_text="Save, download or share")
    summary.focus()
    page.keyboard.press("Enter")
    name = page.get_by_label("Client name (optional)")
    expect(name).to_be_visible()
    wait_ready(page)
    page.keyboard.press("Tab")
    expect(name).to_be_focused()  # its first field is next from the keyboard
    page.keyboard.press("ArrowRight")
    expect(slider(page, "Project completion (%)")).to_have_value("20")  # nothing else moved
    save = page.get_by_role("button", name="Save to the register")
    save.scroll_into_view_if_needed()
    box = save.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 900  # it can be brought into view: the page scrolls to it
    expect(page.get_by_test_id("stCode")).to_contain_text("completion_pct=20")


def test_the_menu_opens_another_page_with_the_same_scenario(page, base_url):
    open_page(page, base_url, "?service=ppc&completion_pct=10")
    page.get_by_test_id("stButtonGroup").get_by_text("Compare providers", exact=True).click()
    expect(page.get_by_test_id("stTable")).to_contain_text("Step-Into")
    expect(page).to_have_url(re.compile(r"/Compare_providers\?.*completion_pct=10"))


def test_compare_page_shows_every_provider_and_a_chart(page, base_url):
    open_page(page, base_url, "Compare_providers?service=ppc&completion_pct=10")
    table = page.get_by_test_id("stTable")
    for name in (p.name for p in policies().values()):
        expect(table).to_contain_text(name)
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    # its names may break between their parts (zero-width spaces), which a copy leaves out: pasted into a
    # spreadsheet, "ITMediaSolutions.us" with them matched nothing (a walkthrough)
    copied = table.evaluate(r"""t => {
        const range = document.createRange(); range.selectNodeContents(t);
        getSelection().removeAllRanges(); getSelection().addRange(range);
        const clip = new DataTransfer();
        document.dispatchEvent(new ClipboardEvent('copy', {clipboardData: clip, bubbles: true, cancelable: true}));
        return [getSelection().toString().includes('\u200b'), clip.getData('text/plain')]; }""")
    assert copied[0] and "ITMediaSolutions.us" in copied[1] and "\u200b" not in copied[1], copied
    shot(page, "2-compare")


def test_policy_terms_page_quotes_the_clauses(page, base_url):
    open_page(page, base_url, "Policy_terms")
    expect(page.get_by_text("Processing Fee: 10% or $100 (whichever is less)").first).to_be_visible()
    shot(page, "3-policy-terms")


def test_eligibility_page_reaches_a_verdict(page, base_url):
    open_page(page, base_url, "Am_I_eligible")
    choose(page, "Who did you buy from?", "Step-Into")
    choose(page, "What did you buy?", "PPC / paid advertising")
    page.get_by_test_id("stRadio").filter(has_text="Has the work started?").get_by_text("No", exact=True).click()
    amount = page.get_by_role("textbox", name="How much did you pay?")
    expect(amount).to_have_value("")  # the client's to say: the app's example is no sum the client paid
    amount.fill("5000")
    amount.press("Enter")
    wait_ready(page)
    page.get_by_role("button", name="Check my eligibility").click()
    expect(page.get_by_text("Yes. You can get your money back in full")).to_be_visible()
    # drawn above the form the client scrolled down to fill in: brought into view, not left off screen
    expect(page.get_by_role("heading", name="Your answer")).to_be_in_viewport()
    expect(page.get_by_role("list").get_by_text(re.compile(r"Ask for the refund by \d\d \w{3} \d{4} \(day 7 after the payment"))).to_be_visible()
    shot(page, "4-eligibility")


def test_advanced_opens_with_unknowns_shown_as_unknown(page, base_url):
    open_page(page, base_url, "?completion_pct=30&notice_days=4")
    expect(page.get_by_text("Set under Advanced: Notice days (4).")).to_be_visible()
    page.get_by_test_id("stExpander").filter(has_text="Advanced").get_by_text("Advanced", exact=True).click()
    for label, shown in (("Work started", "Unknown"), ("Payment method", "Unknown"),
                         ("Stage", "From completion")):
        expect(page.get_by_role("combobox", name=label)).to_have_value(shown)  # not "Choose an option"
    expect(page.get_by_role("spinbutton", name="Notice days")).to_have_value("4")


def test_slider_moves_with_advanced_open_keep_the_stage_unknown_and_the_url_current(page, base_url):
    """The sliders rerun only their fragment; the sidebar they do not redraw must keep its values."""
    open_page(page, base_url, "?completion_pct=20")
    page.get_by_test_id("stExpander").filter(has_text="Advanced").get_by_text("Advanced", exact=True).click()
    expect(page.get_by_role("combobox", name="Stage")).to_have_value("From completion")
    thumb = slider(page, "Project completion (%)")
    thumb.focus()
    for _ in range(10):  # 20% -> 30%: from Discovery into Design
        page.keyboard.press("ArrowRight")
    expect(thumb).to_have_value("30")
    expect(refund(page)).to_have_text(expected(completion_pct=30))
    expect(page.get_by_role("combobox", name="Stage")).to_have_value("From completion")
    expect(page.get_by_test_id("stAlert").filter(has_text="stage")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"completion_pct=30"))


def test_a_key_press_that_makes_the_scenario_invalid_can_be_undone_with_the_next(page, base_url):
    """The error takes the answer's place; the slider keeps its place and its focus."""
    open_page(page, base_url, "?provider=stepinto&service=ppc&amount_paid=1000&work_started=false")
    thumb = slider(page, "Project completion (%)")
    thumb.focus()
    page.keyboard.press("ArrowRight")
    blocked = page.get_by_test_id("stAlert").filter(has_text="Work started (in the sidebar, under Advanced): cannot be false")
    expect(blocked).to_be_visible()
    expect(refund(page)).to_have_count(0)
    page.keyboard.press("ArrowLeft")
    expect(thumb).to_have_value("0")
    expect(refund(page)).to_have_text("$1,000.00")
    expect(blocked).to_have_count(0)


def test_a_crafted_link_shows_its_text_and_no_link_image_or_formula(page, base_url):
    crafted = "%5BRefund%20approved%3A%20claim%20it%20here%5D(http%3A%2F%2Fevil.example%2Fc)=1&%21%5Bx%5D(http%3A%2F%2Fevil.example%2Fp.png)=1"
    open_page(page, base_url, f"?{crafted}")
    alert = page.get_by_test_id("stAlert").first
    expect(alert).to_contain_text("[Refund approved: claim")
    assert alert.locator("a, img, .katex").count() == 0


def test_a_links_warning_leaves_the_page_once_a_key_press_replaces_what_it_was_about(page, base_url):
    open_page(page, base_url, "?completion_pct=500&amount_paid=12abc")
    alerts = page.get_by_test_id("stAlert")
    expect(alerts.filter(has_text="completion_pct")).to_have_count(1)
    thumb = slider(page, "Project completion (%)")
    thumb.focus()
    page.keyboard.press("ArrowRight")  # a fragment's rerun: the page's warnings lie outside it
    wait_ready(page)
    expect(thumb).to_have_count(1)  # while the fragment is drawn again, its old slider can stand beside the new one
    expect(thumb).to_have_value("1")
    expect(alerts.filter(has_text="completion_pct")).to_have_count(0)
    expect(alerts.filter(has_text="amount_paid")).to_have_count(1)  # the amount is still the link's fallback
    expect(refund(page)).to_have_text(expected(completion_pct=1))


def test_a_link_made_earlier_offers_to_use_today(page, base_url):
    paid = date.today() - timedelta(days=40)
    open_page(page, base_url, f"?provider=stepinto&service=ppc&paid_on={paid}&requested_on={paid + timedelta(days=2)}")
    expect(page.get_by_text("That date has passed")).to_be_visible()
    page.get_by_role("button", name="Use today").click()
    wait_ready(page)
    expect(page.get_by_text("That date has passed")).to_have_count(0)
    expect(page).to_have_url(re.compile(f"requested_on={date.today().isoformat()}"))


def test_back_steps_through_earlier_scenarios(page, base_url):
    """A run of presses on one slider is one step (tests/browser/test_history.py counts the entries)."""
    open_page(page, base_url, "?completion_pct=24&days_since_payment=10")
    thumb = slider(page, "Project completion (%)")
    thumb.focus()
    for value in ("25", "26"):
        page.keyboard.press("ArrowRight")
        expect(page).to_have_url(re.compile(f"completion_pct={value}"))
    expect(refund(page)).to_have_text(expected(completion_pct=26, days_since_payment=10))
    page.go_back()
    expect(page).to_have_url(re.compile("completion_pct=24"))
    expect(thumb).to_have_value("24")
    expect(refund(page)).to_have_text(expected(completion_pct=24, days_since_payment=10))
    page.go_forward()
    expect(thumb).to_have_value("26")
    expect(refund(page)).to_have_text(expected(completion_pct=26, days_since_payment=10))


def test_on_a_phone_the_page_says_what_it_quotes_and_whose_terms_are_whose(phone, base_url):
    open_page(phone, base_url, "?provider=stepinto&service=ppc&amount_paid=1200")
    expect(phone.get_by_text("Step-Into, PPC / paid advertising, $1,200.00 paid")).to_be_visible()
    open_page(phone, base_url, "Policy_terms")
    cell = phone.get_by_test_id("stColumn").filter(has_text="7 days of purchase for the full refund").first
    expect(cell.get_by_text("Step-Into", exact=True)).to_be_visible()  # stacked: each cell says whose it is
    desktop = phone.context.browser.new_page(viewport={"width": 1400, "height": 900})
    open_page(desktop, base_url, "Policy_terms")  # side by side: the column's heading says it, once
    cell = desktop.get_by_test_id("stColumn").filter(has_text="7 days of purchase for the full refund").first
    expect(cell).to_be_visible()
    expect(cell.get_by_text("Step-Into", exact=True)).to_be_hidden()
    desktop.close()
    open_page(phone, base_url, "Compare_providers?service=ppc&amount_paid=12345.67&completion_pct=10")
    # each provider's clauses under its name
    expect(phone.get_by_role("listitem").filter(has=phone.get_by_text("Step-Into", exact=True))
           .get_by_text(re.compile(r"^Maximum \$12,345\.67, by bullet point 1: "))).to_be_visible()
    table = phone.locator(".st-key-compare_table table")
    expect(table).to_contain_text("$")
    # each amount on one line ('$3,750.0' then '0' below it), and the table within the phone's width
    broken = table.evaluate(r"""t => [...t.querySelectorAll('td')].flatMap(td => {
        const found = [];
        const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          for (const m of n.data.matchAll(/\$[\d,]+\.\d\d/g)) {
            const r = document.createRange(); r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
            if (new Set([...r.getClientRects()].map(b => Math.round(b.top))).size > 1) found.push(m[0]);
          }
        }
        return found; })""")
    assert broken == []
    # a provider's name breaks between its parts only: "ITMedia" / "Solutions.us", not "ITMediaSol" / "utions.us"
    lines = table.evaluate(r"""t => [...t.querySelectorAll('tbody th')].map(th => {
        const lines = [];
        let top = null;
        const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          for (let i = 0; i < n.data.length; i++) {
            if (n.data[i] === '​') continue;
            const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
            const at = Math.round(r.getBoundingClientRect().top);
            if (top === null || at > top + 2) { lines.push(''); top = at; }
            lines[lines.length - 1] += n.data[i];
          }
        }
        return lines.map(line => line.trim()); })""")
    assert ["ITMedia", "Solutions.us"] in lines or ["ITMedia", "Solutions.", "us"] in lines or ["ITMediaSolutions.us"] in lines, lines
    box, room = table.bounding_box(), phone.locator(".st-key-compare_table [data-testid=stTable]").bounding_box()
    assert box is not None and room is not None and box["x"] + box["width"] <= room["x"] + room["width"] + 1
    shot(phone, "5-phone-compare")


def test_on_a_phone_the_eligibility_answer_is_brought_into_view(phone, base_url):
    open_page(phone, base_url, "Am_I_eligible?provider=stepinto&service=ppc&amount_paid=5000")
    phone.get_by_role("button", name="Check my eligibility").click()  # far below the first screen on a phone
    expect(phone.get_by_text("Your answer", exact=True)).to_be_in_viewport()
    wait_ready(phone)
    heading = phone.get_by_text("Your answer", exact=True).bounding_box()
    bar = phone.get_by_test_id("stHeader").bounding_box()
    assert heading is not None and bar is not None and heading["y"] >= bar["y"] + bar["height"], (heading, bar)  # not under it
    # the keyboard's focus is there too: it stayed on the button far below, the next Tab back at the page's top
    assert phone.evaluate("() => !!document.activeElement.closest('.st-key-el_answer')")
    # a region by its name: focused, its name was the whole answer, 1,900 characters (a keyboard-only walkthrough)
    answer = phone.locator(".st-key-el_answer")
    expect(answer).to_have_role("region")
    expect(answer).to_have_accessible_name("Your answer")
    # its focus ring clear of its words: a thick frame touched the answer's first letters (a walkthrough)
    assert phone.evaluate("() => parseFloat(getComputedStyle(document.activeElement).outlineOffset)") >= 4
    # a second answer, with no other rerun between: brought into view again (an identical iframe would not run)
    phone.get_by_role("button", name="Check my eligibility").scroll_into_view_if_needed()
    expect(phone.get_by_text("Your answer", exact=True)).not_to_be_in_viewport()
    phone.get_by_role("button", name="Check my eligibility").click()
    expect(phone.get_by_text("Your answer", exact=True)).to_be_in_viewport()


def test_on_a_phone_switching_pages_leaves_the_sidebar_closed(phone, base_url):
    open_page(phone, base_url, "?amount_paid=1000000000")
    expect(phone.get_by_test_id("stSidebarContent")).not_to_be_in_viewport()
    phone.get_by_test_id("stButtonGroup").get_by_text("Compare providers", exact=True).click()
    expect(phone.get_by_test_id("stTable")).to_be_visible()
    expect(phone.get_by_test_id("stSidebarContent")).not_to_be_in_viewport()


def test_on_a_phone_the_title_keeps_its_help_beside_it_and_the_menu_takes_three_rows(phone, base_url):
    """A walkthrough on a phone: the title's ? sat alone on a line of its own, and the eight pages' menu took four
    rows above the title."""
    open_page(phone, base_url)
    title = phone.locator("h1").first
    # the page's stylesheet may land a moment after the text (seen under CI's load): measure once it has
    phone.wait_for_function("h => getComputedStyle(h).fontSize === '32px'", arg=title.element_handle(), timeout=10_000)
    menu = phone.get_by_test_id("stButtonGroup").first.locator("button")
    expect(menu).to_have_count(8)  # every page offered here (local mode): drawn after the title (a CI run measured none)
    lines = title.evaluate("h => { const r = document.createRange(); r.selectNodeContents(h.firstChild);"
                           " return new Set([...r.getClientRects()].map(c => Math.round(c.top))).size; }")
    assert lines == 1, lines  # "Refund calculator" on one line
    icon = title.get_by_test_id("stTooltipIcon").bounding_box()
    words = title.locator("span").first.bounding_box()
    assert icon["y"] < words["y"] + words["height"], (icon, words)  # the ? beside the words, not under them
    tops = menu.evaluate_all(
        "bs => bs.map(b => Math.round(b.getBoundingClientRect().top))")
    assert len(tops) == 8 and len(set(tops)) <= 3, tops  # every page offered here (local mode), in three rows


def _shown_whole(value) -> bool:
    """The element's text is not cut: it fits its box (wrapped if need be), not an ellipsis."""
    return value.evaluate("e => [...e.querySelectorAll('*'), e].every(n => n.scrollWidth <= n.clientWidth)")


def test_on_a_phone_a_billion_dollar_quote_is_readable_whole(phone, base_url):
    open_page(phone, base_url, "?provider=itmedia&amount_paid=1000000000&completion_pct=0&work_started=false")
    expect(phone.get_by_text(SIDEBAR_HINT)).to_be_visible()  # where the closed sidebar's inputs are (a walkthrough)
    dials = phone.locator(".st-key-dials > [data-testid=stElementContainer]")
    expect(dials).to_have_count(2)  # one under the other, each the screen's width: side by side, 1.3 px a day
    # (waited for: the page's stylesheet, which stacks them, may land a moment after the dials, as it may after the
    # refund's text below; a one-off look failed once in a full run)
    phone.wait_for_function("w => [...document.querySelectorAll('.st-key-dials > [data-testid=stElementContainer]')]"
                            ".every(d => d.getBoundingClientRect().width > w)", arg=PHONE["width"] * 0.8,
                            timeout=10_000)
    dial_box, refund_box = slider(phone, "Days since payment").bounding_box(), refund(phone).bounding_box()
    assert dial_box is not None and refund_box is not None and dial_box["y"] < refund_box["y"]  # the refund in view
    # under the dials: a new answer above them moved the dial away from the finger (a walkthrough)
    hint = phone.get_by_text(SIDEBAR_HINT)

    def below_the_hint() -> float:  # the dials' place on the page, whatever the page's scroll (a focused thumb grows)
        box, above = phone.locator(".st-key-dials").bounding_box(), hint.bounding_box()
        assert box is not None and above is not None
        return box["y"] - above["y"]
    before = below_the_hint()
    value = refund(phone)
    expect(value).to_have_text("$0.00 - $1,000,000,000.00")
    # the page's stylesheet may land a moment after the text (seen under CI's load): wait for the wrap it makes
    phone.wait_for_function("e => e.getBoundingClientRect().height > 60", arg=value.element_handle(), timeout=10_000)
    box = value.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"] and _shown_whole(value)
    assert box["height"] > 60  # on two lines: the metric wraps rather than cuts
    slider(phone, "Days since payment").focus()
    phone.keyboard.press("ArrowRight")  # a fragment's rerun keeps the page's style
    expect(phone).to_have_url(re.compile("days_since_payment=1"))
    wait_ready(phone)
    assert _shown_whole(refund(phone))
    assert below_the_hint() == before  # the answer changed below it; the dial stayed
    # said once in the answer, by the metric (each chart's key says it again, for a PNG read on its own)
    expect(phone.locator(".st-key-answer").get_by_text("$0.00 - $1,000,000,000.00")).to_have_count(1)


def select_tier_cell(page, row: int, column: str):
    """Choose a cell of the lab's tiers grid (the page's first) as an author does: click the row's first cell, arrow
    right to the column. The grid draws on a canvas; the cell chosen is marked in its table for screen readers.
    Returns the grid."""
    grid = page.get_by_test_id("stDataFrame").first
    for _ in range(3):  # under load the grid can be drawn again (the provider's) just after it was measured
        wait_ready(page)
        expect(grid).to_be_visible()
        box = grid.bounding_box()
        if box is None:  # drawn again between the look and the measure (a CI run): look again
            continue
        page.mouse.click(box["x"] + 20, box["y"] + 35 + 35 * row + 17)  # that row's first cell (rows are 35 px)
        try:
            expect(grid.locator(f'#glide-cell-0-{row}[aria-selected="true"]')).to_have_count(1, timeout=5000)
            break
        except AssertionError:
            continue
    for _ in range(TIER_COLUMNS.index(column)):
        page.keyboard.press("ArrowRight")
    expect(grid.locator(f'#glide-cell-{TIER_COLUMNS.index(column)}-{row}[aria-selected="true"]')).to_have_count(1)
    return grid


def edit_tier_cell(page, row: int, column: str, was: str, value: str) -> None:
    """Type a value into a cell of the lab's tiers grid: choose it, Enter, type, Enter."""
    editor = page.locator("input.gdg-input")
    for _ in range(3):
        select_tier_cell(page, row, column)
        page.keyboard.press("Enter")  # opens the cell's editor
        try:
            editor.wait_for(state="visible", timeout=5000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    expect(editor).to_have_value(was)
    editor.fill(value)
    page.keyboard.press("Enter")
    wait_ready(page)


def expand(page, label: str) -> None:
    """Open an expander as a person does, clicking its label, and again if it was drawn closed: one clicked while a run
    was under way is closed again as that run draws it (Streamlit; 3 times in 10 on a loaded host, before and after
    the lab's fix that needed it)."""
    details = page.get_by_test_id("stExpander").filter(has=page.locator("summary", has_text=label)).locator("details")
    for _ in range(3):
        wait_ready(page)
        if details.get_attribute("open") is not None:
            return
        details.locator("summary").click()
        page.wait_for_timeout(300)  # the run the click may have come in the middle of starts drawing
    expect(details).to_have_attribute("open", "")


TIER_COLUMNS = [c.name for c in TIERS.columns]  # the grid's columns, in its order


def test_an_author_edits_a_tier_sees_its_effect_and_publishes_it_from_tomorrow(page, base_url):
    open_page(page, base_url, "Policy_lab")
    choose(page, "Provider", "Step-Into")
    wait_ready(page)
    expect(page.get_by_role("combobox", name="Version")).to_have_value(re.compile(r"shipped"))
    edit_tier_cell(page, 1, "min_pct", "100", "80")  # row 1 is si_full_window (100%)
    expect(page.get_by_text("1 rule changed")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^[1-9][\d,]* sample clients? (is|are) shown another band"))).to_be_visible()
    shot(page, "7-policy-lab-preview")
    number = page.get_by_role("textbox", name="New version's number")
    number.fill("browser-edit")
    number.press("Enter")  # each box committed and its rerun finished before the next: two at once raced under load
    wait_ready(page)
    page.get_by_role("textbox", name="Your name").fill("Pat Author")
    page.get_by_role("textbox", name="Your name").press("Enter")
    wait_ready(page)
    expect(number).to_have_value("browser-edit")
    tomorrow = date.today() + timedelta(days=1)
    for _ in range(5):  # the file is made as the page is drawn: under load the box shows the number a moment before
        # the run that read it has drawn the button again (a CI run downloaded the date's number), so look again
        with page.expect_download() as got:  # the file says the number and the date the edit is meant to have
            page.get_by_role("button", name="Download this edit as TOML").click()
        try:
            downloaded = tomllib.loads(Path(got.value.path()).read_text())
        except PlaywrightError as exc:  # a run that drew the button again as it was clicked took its file away
            # (the browser cancels the download: a CI run); click the button as drawn now
            assert "canceled" in str(exc), exc
            downloaded = {}
        if downloaded.get("version") == "browser-edit":
            break
        page.wait_for_timeout(1000)
        wait_ready(page)
    assert (downloaded.get("version"), downloaded.get("effective_from")) == ("browser-edit", tomorrow)
    # its clause and its label still say "a full refund" (100%) while its least is now 80%: warnings, published despite
    page.get_by_text(re.compile(r"^Publish despite 2 warnings about this edit")).click()
    wait_ready(page)
    page.get_by_role("button", name=re.compile(r"^Publish from")).click()
    expect(page.get_by_text(re.compile(r"Published Step-Into browser-edit from \d\d \w{3} \d{4}"))).to_be_visible()
    shot(page, "7-policy-lab-published")
    open_page(page, base_url, "?provider=stepinto&service=ppc&amount_paid=5000&completion_pct=0&days_since_payment=2"
              "&work_started=false&deliverables_provided=false")
    expect(refund(page)).to_have_text("$5,000.00")  # a payment today: still the version in force today
    open_page(page, base_url, f"?provider=stepinto&service=ppc&amount_paid=5000&completion_pct=0&paid_on={tomorrow}"
              "&work_started=false&deliverables_provided=false")
    expect(page.get_by_text(f"A payment planned for {tomorrow:%d %b %Y}: quoted under Step-Into version "
                            "browser-edit")).to_be_visible()
    expect(refund(page)).to_have_text("$4,000.00 - $5,000.00")  # the edited 80% at its minimum


def test_a_last_day_edited_has_its_words_follow_in_one_click_text_box_included(page, base_url):
    """A walkthrough: "Change the words to match" said the policy text would say 72 hours, but the browser's text box
    kept 48 (it held its own copy and sent it back), and the lint refused the quote as not in the text."""
    open_page(page, base_url, "Policy_lab")
    choose(page, "Provider", "Social Beat Digital")
    wait_ready(page)
    row = next(i for i, r in enumerate(tier_rows(policies()["socialbeat"])) if r["tier"] == "sb_web_48h")
    edit_tier_cell(page, row, "days_max", "2", "3")
    expect(page.get_by_text(re.compile(r"^Cannot be published: 1 lint error"))).to_be_visible()
    follow = page.get_by_role("button", name="Change the words to match")
    expect(follow).to_have_count(2)  # under the findings, and beside the Publish it unblocks
    follow.first.click()
    expect(page.get_by_text(re.compile(r"with its words following its percents, fees and days"))).to_be_visible()
    expand(page, "The policy text of this version (quotes are checked against it)")
    box = page.get_by_role("textbox", name="Policy text")
    expect(box).to_have_value(re.compile(r"you cancel within 72 hours of payment"))
    box.focus()  # the browser sends its box back with the next run: it must hold the new words
    page.keyboard.press("Tab")
    wait_ready(page)
    refused = page.get_by_text(re.compile(r"^Cannot be published"))
    try:
        expect(refused).to_have_count(0)
    except AssertionError:
        raise AssertionError(page.get_by_test_id("stMain").inner_text()[:6000]) from None
    expect(page.get_by_role("button", name=re.compile(r"^Publish from"))).to_be_enabled()


def test_a_number_typed_over_a_cell_at_a_fast_typists_pace_keeps_every_key(page, base_url):
    """The grid's cell editor is a file of Streamlit's loaded when the first cell is edited (about 60 ms here): "150"
    typed over a selected fee cap at 40 ms a key became 50, at 20 ms 5 (before the page loaded it as it opened)."""
    open_page(page, base_url, "Policy_lab")
    choose(page, "Provider", "Social Beat Digital")
    wait_ready(page)
    loaded = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
    assert [n for n in loaded if "number-overlay-editor" in n], "the cell editor was not loaded before an edit"
    row = next(i for i, r in enumerate(tier_rows(policies()["socialbeat"])) if r["tier"] == "sb_web_7d_fee")
    grid = select_tier_cell(page, row, "fee_cap")
    page.keyboard.type("150", delay=25)  # no Enter first: the first key opens the editor with itself in it
    page.keyboard.press("Enter")
    wait_ready(page)
    expect(page.get_by_text("1 rule changed")).to_be_visible()
    expect(grid.locator(f"#glide-cell-{TIER_COLUMNS.index('fee_cap')}-{row}")).to_have_text("150")


def test_an_edit_in_the_lab_is_kept_through_a_visit_to_another_page(page, base_url):
    """A walkthrough made Discovery 70%, looked at Compare providers and came back to "0 rules changed"."""
    open_page(page, base_url, "Policy_lab")
    choose(page, "Provider", "Social Beat Digital")
    wait_ready(page)
    row = next(i for i, r in enumerate(tier_rows(policies()["socialbeat"])) if r["tier"] == "sb_web_discovery")
    edit_tier_cell(page, row, "min_pct", "75", "70")
    expect(page.get_by_text("1 rule changed")).to_be_visible()
    page.get_by_test_id("stButtonGroup").get_by_text("Compare providers", exact=True).click()
    wait_ready(page)
    expect(page.get_by_role("heading", name="Compare providers")).to_be_visible()
    page.get_by_test_id("stButtonGroup").get_by_text("Policy lab", exact=True).click()
    wait_ready(page)
    expect(page.get_by_text(re.compile(r"as you left it on going to another page"))).to_be_visible()
    expect(page.get_by_text("1 rule changed")).to_be_visible()


def test_a_payment_date_typed_then_tab_leaves_no_calendar_over_the_next_fields(page, base_url):
    """Issue 23: clicking a date field opens its calendar; a date typed into it, then Tab, left that calendar drawn
    over the fields below (Work started, Third-party costs). Now Tab closes it, keeps the date and moves on."""
    open_page(page, base_url, "?provider=stepinto&service=ppc&amount_paid=5000")
    page.get_by_test_id("stExpander").filter(has_text="Advanced").get_by_text("Advanced", exact=True).click()
    wait_ready(page)
    calendar = page.get_by_role("grid")  # the calendar's month of days
    page.get_by_role("spinbutton", name="year, Payment date").click()
    expect(calendar).to_be_visible()  # the click opens it, as Streamlit draws a date field
    paid = BASIS.as_of - timedelta(days=3)
    page.keyboard.type(paid.strftime("%Y%m%d"), delay=30)
    page.keyboard.press("Tab")
    expect(calendar).to_have_count(0)
    expect(page.get_by_role("button", name="Choose date")).to_be_focused()  # the focus moved on
    expect(page).to_have_url(re.compile(f"paid_on={paid.isoformat()}"))  # taken (with the calendar left open,
    # the typed date was not: the app never heard of it)
    wait_ready(page)
    inside = "() => !!document.activeElement.closest('[data-testid=stDateInput]')"
    for _ in range(8):  # back through the field (its focus opens the calendar again), and out the other way
        page.keyboard.press("Shift+Tab")
        if not page.evaluate(inside):
            break
    assert not page.evaluate(inside)
    expect(calendar).to_have_count(0)


def test_a_restored_quote_shows_its_client_in_the_boxes_its_files_are_named_for(page, base_url):
    """A walkthrough saved a quote for a client, restored it from Saved quotes in the same session, and found the
    Client name box empty while the downloads were named for the client; the next key press emptied them too."""
    page.goto(f"{base_url}/?provider=itmedia&service=seo&amount_paid=2400&completion_pct=10&days_since_payment=20")
    wait_ready(page)
    page.get_by_test_id("stExpander").locator("summary").filter(has_text="Save, download or share").click()
    page.get_by_label("Client name (optional)").fill("Restored Client")
    page.get_by_role("button", name="Save to the register").click()
    expect(page.get_by_text(re.compile(r"^Saved as quote #\d+: find it under Saved quotes"))).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_test_id("stButtonGroup").get_by_text("Saved quotes", exact=True).click()  # the same session
    restore = page.get_by_role("button", name="Restore into the calculator")  # the quote just saved, open
    expect(restore).to_be_visible()
    # its files are here too, as it was given (they were only to be had through the calculator)
    page.get_by_test_id("stExpander").locator("summary").filter(has_text="Download its files").click()
    with page.expect_download() as md:
        page.get_by_role("button", name="Client summary (Markdown)").click()
    assert md.value.suggested_filename == "refund-itmedia-seo-restored-client.md"
    said = Path(md.value.path()).read_text(encoding="utf-8")
    assert "Restored Client" in said and f"Prepared on {date.today():%d %B %Y}" in said
    with page.expect_download() as as_json:  # every file of the quote names whose it is, its JSON too
        page.get_by_role("button", name="Quote as JSON").click()
    assert json.loads(Path(as_json.value.path()).read_text(encoding="utf-8"))["client_name"] == "Restored Client"
    page.keyboard.press("Escape")
    restore.click()
    expect(page).to_have_url(re.compile(r"/\?provider=itmedia"))
    wait_ready(page)
    page.get_by_test_id("stExpander").locator("summary").filter(has_text="Save, download or share").click()
    expect(page.get_by_label("Client name (optional)")).to_have_value("Restored Client")
    with page.expect_download() as pdf:
        page.get_by_role("button", name="Client summary (PDF)").click()
    assert pdf.value.suggested_filename == "refund-itmedia-seo-restored-client.pdf"


def test_after_a_provider_change_the_next_key_press_keeps_the_service(page, base_url):
    """The service box's labels follow the provider ("(not offered by Step-Into)"); the browser sent its old label
    back with the next key press, and Streamlit read a label no option has as a value of its own: the service became
    "Website design & development" and the calculator refused it (a walkthrough)."""
    page.goto(f"{base_url}/?provider=socialbeat&service=website&amount_paid=5000")
    wait_ready(page)
    choose(page, "Provider", "Step-Into")
    expect(page).to_have_url(re.compile(r"provider=stepinto&service=website&"))
    wait_ready(page)
    amount = page.get_by_test_id("stSidebar").get_by_role("textbox", name="Amount paid")
    amount.fill("1000")
    amount.press("Enter")
    expect(page).to_have_url(re.compile(r"service=website&amount_paid=1000\.00"))
    wait_ready(page)
    assert page.get_by_test_id("stAlertContentError").count() == 0
    expect(page.get_by_test_id("stSidebar").get_by_role("combobox", name="Service")).to_have_value(
        re.compile(r"^Website design & development \(not offered by Step-Into\)"))


def test_an_emptied_amount_is_refused_in_words_and_the_quote_and_link_keep_the_last(page, base_url):
    """A walkthrough: clearing the amount (or typing letters, which a number box drops) quoted $0.01 silently, and
    the share link carried it."""
    page.goto(f"{base_url}/?provider=socialbeat&service=website&amount_paid=8000&completion_pct=40&days_since_payment=10")
    wait_ready(page)
    amount = page.get_by_test_id("stSidebar").get_by_role("textbox", name="Amount paid")
    expect(amount).to_have_value("8,000.00")
    amount.fill("")
    amount.press("Enter")
    wait_ready(page)
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stAlertContentError")).to_contain_text(
        "Amount paid is empty: it must be an amount from $0.01")
    expect(amount).to_have_value("")
    expect(page).to_have_url(re.compile(r"amount_paid=8000\.00"))
    amount.fill("$9,500")
    amount.press("Enter")
    expect(page).to_have_url(re.compile(r"amount_paid=9500\.00"))
    wait_ready(page)
    expect(amount).to_have_value("9,500.00")
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stAlertContentError")).to_have_count(0)


def test_the_frames_that_only_run_a_script_are_no_tab_stop(page, base_url):
    """A walkthrough: the 12th Tab on the calculator went to an empty frame between the answer and its downloads,
    and the focus vanished from view."""
    open_page(page, base_url, "?completion_pct=20&days_since_payment=3")
    frames = page.locator("iframe")
    expect(frames.first).to_be_attached()
    page.wait_for_function("() => [...document.querySelectorAll('iframe')].every(f => f.tabIndex === -1)")
    for i in range(frames.count()):
        expect(frames.nth(i)).to_have_attribute("aria-hidden", "true")


def test_a_switch_of_page_by_keyboard_leaves_the_focus_on_the_new_pages_title(page, base_url):
    """A walkthrough: the new page opened with the focus on the document's body, and the next Tab began again at the
    top of the page and the sidebar."""
    open_page(page, base_url, "?completion_pct=20&days_since_payment=3")
    menu = page.get_by_test_id("stButtonGroup").locator("button", has_text="Compare providers")
    menu.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/Compare_providers\?"))
    wait_ready(page)
    title = page.get_by_test_id("stMain").locator("h1").first
    expect(title).to_be_focused()
    expect(title).to_contain_text("Compare providers")


def test_the_days_slider_keeps_its_focus_as_a_dated_request_day_crosses_today_and_the_notice_follows_it(page, base_url):
    """A walkthrough: with a payment date, the days slider lost its focus once the request day passed today (the whole
    page was drawn again), and the notice above the answer kept the day it was first drawn for."""
    paid = date.today() - timedelta(days=5)
    open_page(page, base_url, f"?provider=socialbeat&service=website&amount_paid=8000&completion_pct=30"
                              f"&paid_on={paid.isoformat()}&requested_on={date.today().isoformat()}")
    thumb = slider(page, "Days since payment")
    thumb.focus()
    for days in range(6, 9):
        page.keyboard.press("ArrowRight")
        expect(thumb).to_have_value(str(days))
        wait_ready(page)
        expect(thumb).to_be_focused()
    expect(page.get_by_test_id("stMain")).to_contain_text(
        f"This quote is for a request on {paid + timedelta(days=8):%d %b %Y} (day 8 after the payment")
    for days in range(7, 3, -1):  # back across today, and before it
        page.keyboard.press("ArrowLeft")
        expect(thumb).to_have_value(str(days))
        wait_ready(page)
        expect(thumb).to_be_focused()
    expect(page.get_by_test_id("stMain")).to_contain_text("That date has passed")


def test_a_link_without_an_amount_keeps_it_out_of_the_address_until_one_is_entered(page, base_url):
    """A walkthrough opened a link without amount_paid: the address bar at once held amount_paid=5000.00, so a reload
    (or the share link) read the example as the case's amount, without the note."""
    note = page.get_by_text("This link gives no amount paid: the example $5,000.00 stands in for it")
    open_page(page, base_url, "?provider=stepinto&service=ppc&completion_pct=0&days_since_payment=2")
    expect(note).to_be_visible()
    expect(page).to_have_url(re.compile(r"provider=stepinto"))
    assert "amount_paid" not in page.url
    page.reload()
    wait_ready(page)
    expect(note).to_be_visible()  # said again: the address still gives no amount
    amount = page.get_by_test_id("stSidebar").get_by_role("textbox", name="Amount paid")
    amount.fill("1200")
    amount.press("Enter")
    expect(page).to_have_url(re.compile(r"amount_paid=1200\.00"))
    expect(note).to_have_count(0)
