"""Issue 23, the browser's history: one entry per page visit and per deliberate change, a run of slider presses one
entry, and Back returns to what was there before (ui/history.py). history.length counts the entries."""
import re

from conftest import wait_ready
from playwright.sync_api import expect
from test_browser import choose, slider

from policy.taxonomy import SERVICES


def entries(page) -> int:
    return page.evaluate("history.length")


def settled(page) -> int:
    """The entries once the page's runs are done (a run writes the URL at its end)."""
    wait_ready(page)
    page.wait_for_timeout(600)
    wait_ready(page)
    return entries(page)


def test_opening_a_page_adds_one_entry(page, base_url):
    before = entries(page)  # a new tab: its blank page
    page.goto(f"{base_url}/")
    assert settled(page) == before + 1
    expect(page).to_have_url(re.compile(r"completion_pct=0"))  # the scenario is in the URL all the same
    page.goto(f"{base_url}/Compare_providers?completion_pct=30")
    assert settled(page) == before + 2
    page.get_by_test_id("stButtonGroup").get_by_text("Policy terms side by side", exact=True).click()
    expect(page).to_have_url(re.compile(r"/Policy_terms\?.*completion_pct=30"))
    assert settled(page) == before + 3
    page.go_back()
    expect(page).to_have_url(re.compile(r"/Compare_providers\?.*completion_pct=30"))


def test_a_run_of_slider_presses_is_one_entry_and_back_undoes_it(page, base_url):
    page.goto(f"{base_url}/?completion_pct=20&days_since_payment=10")
    before = settled(page)
    thumb = slider(page, "Project completion (%)")
    thumb.focus()
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    expect(thumb).to_have_value("28")
    expect(page).to_have_url(re.compile(r"completion_pct=28"))
    assert settled(page) == before + 1
    page.go_back()
    expect(page).to_have_url(re.compile(r"completion_pct=20&"))
    expect(thumb).to_have_value("20")


def test_a_deliberate_change_is_an_entry_of_its_own(page, base_url):
    page.goto(f"{base_url}/?completion_pct=40&days_since_payment=3")
    before = settled(page)
    choose(page, "Provider", "ITMediaSolutions.us")
    expect(page).to_have_url(re.compile(r"provider=itmedia"))
    assert settled(page) == before + 1
    thumb = slider(page, "Project completion (%)")
    thumb.focus()
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"completion_pct=41"))
    assert settled(page) == before + 2
    page.go_back()
    expect(page).to_have_url(re.compile(r"provider=itmedia.*completion_pct=40&"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"provider=socialbeat"))


def test_back_from_a_restored_quote_returns_to_saved_quotes_in_one_press(page, base_url):
    page.goto(f"{base_url}/?amount_paid=5000&completion_pct=55&days_since_payment=5")
    wait_ready(page)
    page.get_by_test_id("stExpander").locator("summary").filter(has_text="Save, download or share").click()
    page.get_by_label("Client name (optional)").fill("History test")
    page.get_by_role("button", name="Save to the register").click()
    said = page.get_by_text(re.compile(r"^Saved as quote #\d+: find it under Saved quotes"))
    expect(said).to_be_visible()
    toast, menu = page.get_by_test_id("stToast").first, page.get_by_test_id("stButtonGroup").first
    expect(toast).to_be_visible()  # at the foot of the screen, clear of the page menu (it sat over its end)
    page.wait_for_function("([t, m]) => t.getBoundingClientRect().top > m.getBoundingClientRect().bottom",
                           arg=[toast.element_handle(), menu.element_handle()], timeout=10_000)
    number = re.search(r"#(\d+)", said.first.inner_text()).group(1)
    page.goto(f"{base_url}/Saved_quotes?completion_pct=10")
    wait_ready(page)
    box = page.get_by_test_id("stSelectbox").filter(has_text="Open a saved quote")
    box.click()
    page.get_by_role("option", name=re.compile(f"^#{number} History test")).click()
    restore = page.get_by_role("button", name="Restore into the calculator")
    expect(restore).to_be_visible()
    before = settled(page)
    restore.click()
    expect(page).to_have_url(re.compile(r"/\?.*completion_pct=55"))
    assert settled(page) == before + 1
    page.go_back()
    expect(page).to_have_url(re.compile(r"/Saved_quotes\?.*completion_pct=10&"))
    expect(page.get_by_role("heading", name="Saved quotes", level=1)).to_be_visible()


def test_back_from_another_page_shows_the_inputs_the_quote_is_made_of(page, base_url):
    """Back from Compare drew the calculator's inputs anew at their defaults (Amount paid 0.01, the Service box on
    the first service, completion 0) beside a quote still of $7,000.00, SEO and 10%, and the next click saved them."""
    page.goto(f"{base_url}/?provider=itmedia&service=seo&amount_paid=7000&completion_pct=10")
    settled(page)
    page.get_by_test_id("stButtonGroup").get_by_text("Compare providers", exact=True).click()
    expect(page).to_have_url(re.compile(r"/Compare_providers\?"))
    settled(page)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/\?provider=itmedia&service=seo&amount_paid=7000.00&completion_pct=10&"))
    settled(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("textbox", name="Amount paid")).to_have_value("7,000.00")
    expect(sidebar.get_by_role("combobox", name="Service")).to_have_value(SERVICES["seo"])
    expect(slider(page, "Project completion (%)")).to_have_value("10")


def test_back_on_am_i_eligible_returns_to_the_form_and_the_answer_as_they_were_checked(page, base_url):
    """A walkthrough: after an answer at 60%, a move of the slider to 61% and Back, the page showed an answer for 61%
    that was never checked, under a form still at 61%, and no word of a change."""
    page.goto(f"{base_url}/Am_I_eligible?provider=socialbeat&service=website&completion_pct=60&work_started=true&amount_paid=5000")
    settled(page)
    progress = slider(page, "Roughly how far along is the work?")
    expect(progress).to_have_value("60")
    page.get_by_role("button", name="Check my eligibility").click()
    heading = page.get_by_role("heading", name=re.compile(r"^Maybe\. The policy's words do not settle this case: up to \$1,250\.00"))
    expect(heading).to_be_visible()
    expect(page).to_have_url(re.compile(r"answer=shown"))
    settled(page)
    progress.focus()
    page.keyboard.press("ArrowRight")
    changed = page.get_by_text(re.compile(r"changed how far along the work is since this answer"))
    expect(changed).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"answer=shown"))
    settled(page)
    page.go_back()
    expect(page).to_have_url(re.compile(r"completion_pct=60.*answer=shown"))
    expect(progress).to_have_value("60")
    expect(changed).to_have_count(0)
    expect(heading).to_be_visible()
    expect(page.get_by_text(re.compile(r"61% of the work done"))).to_have_count(0)
    expect(page.get_by_text("Session State API")).to_have_count(0)  # Streamlit's word on a widget set twice


def test_forward_at_once_after_back_steps_forward(page, base_url):
    """A CI run: Forward pressed while Back's run was still going interrupted it before it noted the slider it had
    set, took that slider for a key press, and stayed where Back had gone."""
    page.goto(f"{base_url}/?completion_pct=40&days_since_payment=10")
    settled(page)
    thumb = slider(page, "Project completion (%)")
    thumb.focus()
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"completion_pct=41"))
    settled(page)
    for _ in range(3):
        page.go_back()
        expect(thumb).to_have_value("40")  # Back's run has drawn the slider; it may not have ended
        page.go_forward()
        expect(page).to_have_url(re.compile(r"completion_pct=41"))
        expect(thumb).to_have_value("41")
        settled(page)


def test_an_edit_and_its_check_are_one_step_back(page, base_url):
    """A walkthrough: on "Am I eligible?", an answer changed and checked again took two presses of Back to return to
    the answer before it; the first landed on the form without its answer."""
    page.goto(f"{base_url}/Am_I_eligible?provider=socialbeat&service=website&completion_pct=60&work_started=true&amount_paid=5000")
    settled(page)
    check = page.get_by_role("button", name="Check my eligibility")
    check.click()
    expect(page).to_have_url(re.compile(r"completion_pct=60.*answer=shown"))
    before = settled(page)
    progress = slider(page, "Roughly how far along is the work?")
    for value in ("61", "62"):  # two edits, then the check: one step
        progress.focus()
        page.keyboard.press("ArrowRight")
        expect(progress).to_have_value(value)
        expect(page).not_to_have_url(re.compile(r"answer=shown"))
        settled(page)
    check.click()
    expect(page).to_have_url(re.compile(r"completion_pct=62.*answer=shown"))
    assert settled(page) == before + 1
    page.go_back()
    expect(page).to_have_url(re.compile(r"completion_pct=60.*answer=shown"))
    expect(progress).to_have_value("60")
    expect(page.get_by_role("heading", name="Your answer")).to_be_visible()
    page.go_forward()
    expect(page).to_have_url(re.compile(r"completion_pct=62.*answer=shown"))
    expect(progress).to_have_value("62")
