"""Everything a policy file says is shown as text, on every page: one hostile policy file, published as a fourth
provider, whose every text is Markdown and HTML that would fetch a remote image or format the page.

Before: a provider's text was rendered as Markdown in 7 places (Compare, Policy terms labels, captions and
ambiguity ids, the sidebar's stage caption, the lab's linter table), and a remote image in it was fetched by every
visitor's browser. A page that shows the text escaped shows `\\!\\[`; one that renders it shows `![`."""
import os
import re
from datetime import date

import pytest
import streamlit as st

from policy.loader import parse_policy
from policy.versions import Basis
from store import PolicyStore, QuoteStore, published_catalog
from store.config import ENV_URL
from tests.actors import PAT, SAM
from tests.pages import ROOT, opened

ACME = ROOT / "tests" / "cases" / "lint"
IMAGE = "![seen](https://evil.example/p.png)"
HOSTILE = f" {IMAGE} <img src=x> **loud** :red[r] $x$"  # short enough for a provider's name (100 characters)
# Texts of the file made hostile: each appears in the policy file (and, where quoted, in its text alike).
IN_FILE = ["Acme", "Half of what?", "'Half the fee' after 7 days: of the fee paid, read as the amount paid.",
           "half the amount paid", "Half the amount paid.", "Early up to 50%, late above.", "Early (0-50%)",
           "Within 7 days: full refund", "Third-party costs", "Email refunds@acme.example."]
QUOTED = ["Email refunds@acme.example to ask.", "A 50% refund after that.", "No refund once work is past half way."]
UNESCAPED = re.compile(r"(?<!\\)!\[|(?<!\\)<img|(?<!\\)\*\*loud|(?<!\\):red\[|(?<!\\)\]\(https://evil")


def _hostile() -> tuple[str, str]:
    toml = (ACME / "acme.toml").read_text(encoding="utf-8")
    text = (ACME / "acme.txt").read_text(encoding="utf-8")
    for plain in IN_FILE:
        toml = toml.replace(f'"{plain}"', f'"{plain}{HOSTILE}"')
    for plain in QUOTED:
        toml = toml.replace(f'"{plain}"', f'"{plain}{HOSTILE}"')
        text = text.replace(plain, plain + HOSTILE)
    return toml, text


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'quotes.sqlite'}"
    store = QuoteStore.open(url)
    versions = PolicyStore(store.engine)
    toml, text = _hostile()
    policy = parse_policy(toml, "hostile.toml")
    assert IMAGE in policy.name and IMAGE in policy.contact.how_to_request  # the file carries it, so the test can fail
    versions.publish(versions.save_draft(policy, text, by=PAT), date(2026, 1, 1), by=PAT)
    before = os.environ.get(ENV_URL)
    os.environ[ENV_URL] = url
    st.cache_data.clear()
    st.cache_resource.clear()
    yield store
    if before is None:
        os.environ.pop(ENV_URL, None)
    else:
        os.environ[ENV_URL] = before
    store.engine.dispose()


def _rendered(at) -> list[str]:
    """Every text the page hands to Streamlit's Markdown renderer."""
    found: list[str] = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader", "header", "title"):
        found += [str(el.value) for el in getattr(at, kind)]
    found += [str(el.label) for el in at.expander] + [str(m.label) for m in at.metric]
    for table in at.table:  # st.table renders Markdown in its cells and index
        frame = table.value
        found += [str(v) for v in frame.to_numpy().ravel()] + [str(i) for i in frame.index] + list(map(str, frame.columns))
    return found


WEBSITE = dict(provider="acme", service="website", amount_paid="1000", completion_pct="10", days_since_payment="3")
PAGES = {
    "calculator": ("app.py", WEBSITE),
    "compare": ("pages/1_Compare_providers.py", WEBSITE),
    "terms": ("pages/2_Policy_terms.py", {}),
    "eligibility": ("pages/3_Am_I_eligible.py", WEBSITE),
    "saved quotes": ("pages/4_Saved_quotes.py", {}),
    "batch": ("pages/5_Batch_quotes.py", {}),
    "lab": ("pages/6_Policy_lab.py", {}),
    "audit": ("pages/7_Audit_trail.py", {}),
}


@pytest.mark.parametrize("name", PAGES)
def test_no_page_renders_what_a_policy_file_says(name, register):
    page, params = PAGES[name]
    if name == "saved quotes":
        from policy import parse_scenario, quote

        basis = Basis(published_catalog(register.engine), date.today())
        register.save(quote(parse_scenario(WEBSITE, basis), basis), client_name="Hostile", by=SAM)
    at = opened(page, **params)
    if name == "eligibility":
        at.button(key="el_check").click().run()
    if name == "saved quotes":
        box = at.selectbox(key="reg_pick")
        box.set_value(box.options[-1]).run()
    if name == "lab":
        at.selectbox(key="lab_provider").set_value("acme").run()
    assert not at.exception, [e.value for e in at.exception]
    texts = _rendered(at)
    assert any("seen" in t for t in texts) or name in ("batch", "audit", "lab"), "the hostile text is on the page"
    leaks = [t for t in texts if UNESCAPED.search(t)]
    assert not leaks, leaks[:3]


def test_a_tier_out_of_bounds_is_one_problem_not_also_its_list_left_empty():
    """'tiers: Tuple should have at least 1 item after validation, not 0' followed the tier's own error (a walkthrough)."""
    from policy.errors import PolicyFileError
    from policy.loader import DATA_DIR, parse_policy

    text = (DATA_DIR / "socialbeat.toml").read_text()
    at = text.index("min = { pct = 75 }", text.index('id = "sb_web_discovery"'))
    with pytest.raises(PolicyFileError) as caught:
        parse_policy(text[:at] + "min = { pct = 750 }" + text[at + len("min = { pct = 75 }"):], "bad.toml")
    assert str(caught.value) == ("bad.toml: services.website.stages[discovery].tiers[sb_web_discovery].min.pct: must be "
                                 "less than or equal to 100")
