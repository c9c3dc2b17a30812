"""Issue 23, pages everyone can use: axe-core (axe-playwright-python, which bundles axe.min.js) on every page, on a
desktop and on a phone, finds no serious or critical violation and no heading out of order; the charts' toolbar
buttons show a focus ring.

One server (the session's `base_url`) and one page per viewport for the module: each test only navigates."""
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, wait_ready, wait_settled

PAGES = ["", "Compare_providers", "Policy_terms", "Am_I_eligible", "Saved_quotes", "Batch_quotes", "Policy_lab",
         "Audit_trail"]
DESKTOP = {"width": 1400, "height": 1100}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
BLOCKING = {"serious", "critical"}
ALSO = {"heading-order"}  # moderate to axe, but a screen reader's list of headings is how a page is skimmed
AXE = Axe()


@pytest.fixture(scope="module")
def pages(context):
    """A desktop page (the session's context) and a phone page, kept for the module."""
    phone = context.browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.set_default_timeout(30_000)
    desktop = context.new_page()
    yield {"desktop": desktop, "phone": phone.new_page()}
    desktop.close()
    phone.close()


def violations(page) -> list[str]:
    found = AXE.run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at " + "; ".join(n["html"][:120] for n in v["nodes"][:3])
            for v in found if v["impact"] in BLOCKING or v["id"] in ALSO]


def lasting_violations(page) -> list[str]:
    """The violations found again once the page has settled anew: a colour measured mid-fade on a loaded host (the
    phone's sidebar hint, once in a CI run, never again) is not the page's colour; one the page has, it has twice."""
    found = violations(page)
    if not found:
        return []
    page.wait_for_timeout(1000)
    wait_settled(page)
    return [v for v in violations(page) if v in found]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "calculator")
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_no_serious_violation(pages, base_url, viewport, path):
    page = pages[viewport]
    page.goto(f"{base_url}/{path}")
    wait_settled(page)
    assert lasting_violations(page) == []
    # a static table fits its place: it does not scroll (see page.css), so a wider one is cut off (the lab's linter
    # table ran 62 px off a phone's screen, its last column out of reach)
    wider = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stTable]')]
      .filter(t => t.querySelector('table').getBoundingClientRect().right > t.getBoundingClientRect().right + 1)
      .map(t => t.innerText.slice(0, 80))""")
    assert wider == []


def test_chart_toolbar_buttons_show_focus(pages, base_url):
    """Tab onto a chart's toolbar button: it is drawn with an outline the eye can find."""
    page = pages["desktop"]
    page.goto(f"{base_url}/")
    wait_settled(page)  # the charts drawn: a chart drawn again after the hover took its toolbar (and the focus) away
    chart = page.get_by_test_id("stVegaLiteChart").first
    chart.hover()
    button = page.get_by_test_id("stElementToolbar").first.get_by_role("button").first
    button.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard: :focus-visible
    style = page.evaluate("""() => { const b = document.activeElement, s = getComputedStyle(b);
      return [!!b.closest('[data-testid=stElementToolbar]'), b.matches(':focus-visible'), s.outlineStyle,
              s.outlineWidth]; }""")  # the element that has the focus, whichever the locator finds now
    assert style[:2] == [True, True] and style[2] != "none" and float(style[3].rstrip("px")) >= 2, style
    # and only what a person can use there: no "Show data" of integer cents, no spec without its data
    offered = page.get_by_test_id("stElementToolbar").first.get_by_role("button")
    expect(offered).to_have_count(2)
    assert sorted(offered.evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")) == ["Download as PNG", "Fullscreen"]


def test_the_keyboard_sees_the_chart_toolbar_it_is_in_and_skips_the_headings_own_links(pages, base_url):
    """By Tab alone (no pointer over the chart), its toolbar's buttons took the focus in a toolbar of opacity 0; and
    the Why's headings gave eight stops that each said only "Link to heading" (a walkthrough)."""
    page = pages["desktop"]
    page.goto(f"{base_url}/")
    wait_settled(page)
    page.mouse.move(0, 0)  # no pointer over a chart
    page.get_by_test_id("stElementToolbar").first.get_by_role("button").first.focus()
    opacity = page.evaluate("() => getComputedStyle(document.activeElement.closest('[data-testid=stElementToolbar]'))"
                            ".opacity")
    assert float(opacity) == 1.0
    stops = page.evaluate("""() => [...document.querySelectorAll('a[aria-label="Link to heading"]')]
      .filter(a => a.getClientRects().length > 0).length""")
    assert stops == 0


def test_the_first_tab_offers_to_skip_the_sidebar_and_the_next_reaches_the_page_menu(pages, base_url):
    """The sidebar's fields come first in the document: a keyboard passed a dozen of them on the calculator before it
    reached the page menu (a walkthrough). Streamlit's own "Skip to main content" is the first Tab (one was added
    beside it, twice the same link); Enter on it, and the next Tab is on the menu (WCAG 2.4.1)."""
    page = pages["desktop"]
    page.goto(f"{base_url}/")
    wait_settled(page)
    page.keyboard.press("Tab")  # from a page just opened, nothing focused
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(page.get_by_role("link", name=re.compile("^Skip"))).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("stMain")).to_be_focused()  # the link's target: the Tab goes on from there
    expect(page.get_by_test_id("stMain").get_by_test_id("stButtonGroup").first).to_be_visible()
    page.keyboard.press("Tab")
    # what took the Tab, named whole: a CI run once found an element of the main area with no text before the menu
    # (not seen again in 12 runs under load), and once the title's help after it (not seen in a run under load)
    where = page.evaluate("""() => { const a = document.activeElement;
      return [!!a.closest('[data-testid=stMain]'), !!a.closest('[data-testid=stButtonGroup]'), a.textContent,
              a.outerHTML.slice(0, 400), a.parentElement?.outerHTML.slice(0, 400),
              document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state')]; }""")
    assert where[:2] == [True, True], where  # the menu: the page's first control


def test_on_a_phone_the_closed_sidebar_takes_no_tab_and_opening_it_from_the_keyboard_moves_the_focus_in(pages, base_url):
    """A keyboard-only walkthrough: on a phone the closed sidebar's seven fields, off the screen, took Tabs with the
    focus out of sight; opened with Enter, the focus went nowhere and the next Tab went past it; closed, nowhere."""
    page = pages["phone"]
    page.goto(f"{base_url}/")
    wait_settled(page)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Tab")
    expand = page.get_by_role("button", name="Expand sidebar")
    expect(expand).to_be_focused()  # not "Help for Provider" at x = -272
    page.keyboard.press("Enter")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.locator(":focus")).to_have_count(1)  # the focus in it
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Help for Provider")).to_be_focused()
    page.get_by_role("button", name="Collapse sidebar").focus()
    page.keyboard.press("Enter")
    expect(expand).to_be_focused()


def test_the_titles_help_is_named_for_its_title(pages, base_url):
    """A keyboard-only walkthrough: beside "Help for Provider" and the rest, the title's own was named "Help" alone."""
    page = pages["desktop"]
    page.goto(f"{base_url}/")
    wait_settled(page)
    title = page.locator('[data-testid="stMain"] h1')
    expect(title.get_by_role("button", name="Help for Refund calculator")).to_have_count(1)
    expect(page.get_by_role("button", name="Help", exact=True)).to_have_count(0)
    expect(title).to_have_accessible_name("Refund calculator")  # the heading's own name unchanged


def test_on_a_phone_the_answer_sits_right_above_the_questions(pages, base_url):
    """The frame that scrolls the answer into view drew an empty 150 px box between the answer and the questions."""
    page = pages["phone"]
    page.goto(f"{base_url}/Am_I_eligible?provider=stepinto&service=ppc&amount_paid=5000")
    wait_ready(page)
    page.get_by_role("button", name="Check my eligibility").click()
    page.get_by_text("Your answer", exact=True).wait_for()
    wait_ready(page)
    gap = page.evaluate("""(() => {
      const shown = [...document.querySelector('.st-key-el_answer').children]
        .filter(el => el.getBoundingClientRect().height > 0 && !el.querySelector('iframe'));  // the answer itself
      const answer = Math.max(...shown.map(el => el.getBoundingClientRect().bottom));
      const question = [...document.querySelectorAll('[data-testid=stSelectbox]')]
        .find(el => el.textContent.includes('Who did you buy from?')).getBoundingClientRect().top;
      return question - answer;
    })()""")
    assert 0 <= gap <= 60, gap


def test_a_radio_option_the_keyboard_is_on_shows_a_ring(pages, base_url):
    """Streamlit marks it with a pale grey only (1.15:1 on white): a keyboard-only walkthrough could not see it."""
    page = pages["desktop"]
    page.goto(f"{base_url}/Am_I_eligible?provider=stepinto&service=ppc&amount_paid=5000")
    wait_settled(page)
    radio = page.get_by_test_id("stRadio").first.locator("input").first
    radio.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # by keyboard: :focus-visible
    style = page.evaluate("""() => { const i = document.activeElement, l = i.closest('label'),
      s = l ? getComputedStyle(l) : null;
      return [i.type, i.matches(':focus-visible'), s && s.outlineStyle, s && s.outlineWidth]; }""")
    assert style[:2] == ["radio", True] and style[2] != "none" and float(style[3].rstrip("px")) >= 2, style


def test_a_sliders_knob_the_keyboard_is_on_shows_a_ring(pages, base_url):
    """Streamlit marks it with a thin halo only: a keyboard-only walkthrough found it faint."""
    page = pages["desktop"]
    page.goto(f"{base_url}/?provider=stepinto&service=ppc&amount_paid=1200")
    wait_settled(page)
    page.keyboard.press("Shift")  # the last input a key's: a focus given now is :focus-visible
    page.get_by_test_id("stSlider").first.get_by_role("slider").focus()
    style = page.evaluate("""() => { const i = document.activeElement, knob = i.parentElement.parentElement,
      s = getComputedStyle(knob);  // the input is hidden; the knob drawn is its grandparent
      return [i.type, i.matches(':focus-visible'), s.outlineStyle, s.outlineWidth]; }""")
    assert style[:2] == ["range", True] and style[2] != "none" and float(style[3].rstrip("px")) >= 2, style


def test_the_calculators_answer_is_a_live_region_that_stays_one_as_a_key_press_changes_it(pages, base_url):
    """A screen reader said the slider's value on a key press, never the refund: no live region (a walkthrough)."""
    page = pages["desktop"]
    page.goto(f"{base_url}/?provider=socialbeat&service=website&amount_paid=5000&completion_pct=0&days_since_payment=3")
    wait_settled(page)
    said = page.locator(".st-key-answer_said")
    expect(said).to_have_attribute("aria-live", "polite")
    expect(said).to_have_attribute("aria-atomic", "true")
    before = said.get_by_test_id("stMetricValue").inner_text()
    page.get_by_test_id("stSlider").first.get_by_role("slider").focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    expect(said.get_by_test_id("stMetricValue")).not_to_have_text(before)
    wait_settled(page)
    expect(said).to_have_attribute("aria-live", "polite")  # the same node, still a live region after the rerun


def test_on_a_phone_each_choice_is_a_fingers_target(pages, base_url):
    """A walkthrough on a phone: "Am I eligible?"'s options were 22 px tall and touching (its stages at y = 562, 584,
    607): a tap could take the one beside. Each option and check box is now 44 px tall, its label in the middle."""
    page = pages["phone"]
    page.goto(f"{base_url}/Am_I_eligible")
    wait_settled(page)
    expect(page.get_by_test_id("stRadioOption").first).to_be_visible()
    # each target's height, and the room it leaves above its text and below (a tap just above an option once took
    # the option before it: the height was all below the text)
    found = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stRadioOption], [data-testid=stCheckbox] > label')]
      .filter(t => t.offsetParent !== null).map(t => { const box = t.getBoundingClientRect(),
        text = t.querySelector('[data-testid=stMarkdownContainer]').getBoundingClientRect();
        return [box.height, text.top - box.top, box.bottom - text.bottom]; })""")
    assert len(found) >= 6 and min(h for h, _, _ in found) >= 44, found
    assert all(above >= 8 and below >= 8 for _, above, below in found), found
