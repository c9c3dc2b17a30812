"""The real app in headless Chromium: one server and one browser context for the whole session.

Chromium is Debian's (never a browser download). Without it the browser tests skip with the install
command; with REQUIRE_BROWSER=1 (CI) a missing Chromium is a failure, not a skip.
"""
import os
from pathlib import Path

import pytest

from bench.serve import CHROMIUM_ARGS, INSTALL_HINT, chromium_path, streamlit_server
from deploy.oidc import DEMO_BY_ROLE, DEMO_USERS

SHOTS = Path(__file__).resolve().parent.parent.parent / "artifacts" / "screenshots"
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    path = chromium_path()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests must run here but no Chromium was found: {INSTALL_HINT}")
        pytest.skip(f"no Chromium found; to run the browser tests: {INSTALL_HINT}")
    return path


@pytest.fixture(scope="session")
def base_url(chromium):
    with streamlit_server() as (base, _):
        yield base


# V8 without its optimising compilers (TurboFan, Maglev): a test's page lives a few seconds, too short for their
# compiling to pay off. The pages' scripts behave the same; Chromium's page processes used 11% less CPU over the
# desktop and accessibility tests (73.7 -> 65.5 CPU-s), and the suite is bound by its CPU (docs/testing.md).
# The benchmarks keep a stock browser (bench/serve.py).
ONLY_BASELINE_JIT = ["--js-flags=--no-opt --no-maglev"]

EXPECT_TIMEOUT_MS = 20_000  # Playwright's expect() has its own 5 s default; a loaded 2-core host needs more


@pytest.fixture(scope="session")
def context(chromium):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[*CHROMIUM_ARGS, *ONLY_BASELINE_JIT], headless=True)
        ctx = browser.new_context(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
        ctx.set_default_timeout(30_000)
        yield ctx
        ctx.close()
        browser.close()


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(context):
    """A page as a phone shows it: 390 px wide, touch."""
    device = context.browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    device.set_default_timeout(30_000)
    yield device.new_page()
    device.close()


@pytest.fixture
def page(context):
    p = context.new_page()
    yield p
    p.close()


READY_TIMEOUT_MS = 60_000  # a page's run; a page through the cluster's balancer on a loaded host took over 30 s


def wait_ready(page):
    page.wait_for_selector(READY, timeout=READY_TIMEOUT_MS)


# Any fade under way, a transition or a keyframe animation (a spinner, which never ends, is no fade): axe measured a
# phone's caption's contrast mid-fade on a loaded host, a transition only having been waited for.
SETTLED = """() => !document.querySelector('[data-stale="true"]')
  && !document.getAnimations().some(a => a.playState === 'running'
                                         && a.effect?.getComputedTiming().iterations !== Infinity)"""


DRAWN = """() => [...document.querySelectorAll('[data-testid=stVegaLiteChart], [data-testid=stDataFrame]')]
  .every(el => el.querySelector('canvas, svg'))"""


def wait_settled(page):
    """The run done and its elements drawn as they stay: none still marked stale from the run before, none still
    fading back in (a stale element is drawn faded: axe once measured its contrast mid-fade on a loaded host),
    every chart and grid drawn (they draw after the run), and a frame painted since."""
    wait_ready(page)
    page.wait_for_function(SETTLED, timeout=READY_TIMEOUT_MS)
    page.wait_for_function(DRAWN, timeout=READY_TIMEOUT_MS)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def shot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its own container, so the viewport grows to fit it first."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("document.querySelector('[data-testid=stMain]')?.scrollHeight || 0")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height) + 80, 6000))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.set_viewport_size(size)


def signing_in(ctx):
    """A browser context that can sign in through the OIDC test provider: its page's stylesheet is on a CDN,
    which this offline machine cannot reach (left to fail on its own, it only slows the page)."""
    ctx.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())
    return ctx


NAMES = {u["sub"]: u["name"] for u in DEMO_USERS}


def _same_place(url: str, started: str) -> bool:
    """The same page and scenario: every parameter the start had, with its value as the app writes it (the
    address bar gets the whole scenario, 1234 written 1234.00, without a history entry, once the page has run)."""
    from urllib.parse import parse_qs, urlsplit

    now, then = urlsplit(url), urlsplit(started)
    if now.path != then.path:
        return False
    have, wanted = parse_qs(now.query), parse_qs(then.query)
    return all(k in have and (have[k] == v or _as_number(have[k]) == _as_number(v)) for k, v in wanted.items())


def _as_number(values: list[str]) -> object:
    try:
        return [float(v) for v in values]
    except ValueError:
        return values


def sign_in(page, base: str, role: str, start: str = "") -> None:
    """As a person does: from `start` (a path and query; the root by default), the sidebar's Staff sign-in, or a
    refused page's Sign in, the provider's page (pick the demo user of `role`), and back."""
    from playwright.sync_api import expect

    page.goto(f"{base}/{start}")
    wait_ready(page)
    on_page = page.get_by_test_id("stMain").get_by_role("button", name="Sign in", exact=True)
    button = on_page if on_page.count() else page.get_by_test_id("stSidebar").get_by_role("button", name="Staff sign-in")
    started = page.url  # where the app brings the person back to, once signed in
    button.click()
    user = DEMO_BY_ROLE[role]
    page.get_by_role("button", name=user, exact=True).click()  # the provider's page
    page.wait_for_url(lambda url: _same_place(url, started))  # the root first, then back here: a goto before that
    # would race the app's own
    wait_ready(page)
    expect(page.get_by_test_id("stSidebar").get_by_text(f"Signed in: {NAMES[user]}")).to_be_visible()
