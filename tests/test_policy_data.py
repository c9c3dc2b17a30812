"""The policy files: validated when loaded, every quote verbatim in its source, a fourth policy needs no code."""
import re
import shutil
from pathlib import Path

import pytest
from shipped import TODAY

from policy import PolicyFileError, load_directory, parse_policy, parse_scenario, quote
from policy import shipped_policies as policies
from policy.loader import DATA_DIR, source_text
from policy.versions import Basis

TEXTS = Path(__file__).resolve().parent.parent / "policy" / "texts"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "policies"


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("provider", sorted(policies()))
def test_every_quote_appears_verbatim_in_its_source(provider):
    policy = policies()[provider]
    source = squash(source_text(policy))
    missing = [c.quote for c in policy.all_clauses() if squash(c.quote) not in source]
    readings = [
        c.quote
        for s in policy.services.values() for st in s.stages for t in st.tiers for c in t.clauses
        if squash(c.quote) not in source
    ]
    assert missing == [] and readings == []


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/policies is not beside this checkout")
@pytest.mark.parametrize("name", ["itmedia.txt", "socialbeat.txt", "stepinto.txt"])
def test_bundled_texts_match_the_shared_originals(name):
    assert (TEXTS / name).read_bytes() == (SHARED / name).read_bytes()


def test_a_fourth_policy_file_works_without_code_changes(tmp_path):
    for f in DATA_DIR.glob("*.toml"):
        shutil.copy(f, tmp_path / f.name)
    text = (DATA_DIR / "stepinto.toml").read_text(encoding="utf-8")
    text = text.replace('id = "stepinto"', 'id = "acme"').replace('name = "Step-Into"', 'name = "Acme Ads"')
    text = text.replace("days_max = 7", "days_max = 14")
    (tmp_path / "acme.toml").write_text(text, encoding="utf-8")
    registry = Basis.of(load_directory(tmp_path).values(), TODAY)
    s = parse_scenario(dict(provider="acme", service="ppc", amount_paid="900", completion_pct=0, days_since_payment=10), registry)
    q = quote(s, registry)
    assert (q.refund_min, q.refund_max, q.verdict, q.provider_name) == ("900.00", "900.00", "full", "Acme Ads")
    assert q.next_deadline.last_day == 14


BROKEN = [
    ("not TOML", "id = ", "not valid TOML"),
    ("missing name", 'id = "x"\nversion = "1"\nsource = "x.txt"\n[contact]\nnote = "n"\n[services]', "name: is required"),
]


@pytest.mark.parametrize("label,text,needle", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_policy_file_names_the_problem(label, text, needle):
    with pytest.raises(PolicyFileError) as exc:
        parse_policy(text, "broken.toml")
    assert "broken.toml" in str(exc.value) and needle in str(exc.value)


def _mutated(old: str, new: str) -> str:
    text = (DATA_DIR / "socialbeat.toml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


REFUSED = [
    ("a misspelt key", 'billing = "project"', 'biling = "project"', "services.website.biling: is not a known field"),
    ("a stage gap", "completion_below = 26\n", "completion_below = 20\n", "no stage covers completion 20"),
    ("an interpretation without its decision", 'reading = "interpretation", decision = "SB window" }',
     'reading = "interpretation" }', "must name its decision"),
    ("an unknown ambiguity", 'ambiguity = { id = "A-SB-01"', 'ambiguity = { id = "A-SB-99"', "A-SB-99"),
    ("a percentage over 100", "min = { pct = 75 }", "min = { pct = 750 }", "pct"),
]


@pytest.mark.parametrize("label,old,new,message", REFUSED, ids=[r[0] for r in REFUSED])
def test_a_bad_rule_is_refused_at_load_naming_file_and_field(label, old, new, message):
    with pytest.raises(PolicyFileError) as exc:
        parse_policy(_mutated(old, new), "socialbeat.toml")
    assert str(exc.value).startswith("socialbeat.toml: ") and message in str(exc.value)


def test_a_problem_in_a_policy_file_names_the_items_as_the_file_does_not_by_index():
    from policy.loader import policy_toml

    text = policy_toml(policies()["socialbeat"])
    start = text.index('id = "sb_web_discovery"')
    broken = text[:start] + text[start:].replace("pct = 75", "pct = 175", 1)
    with pytest.raises(PolicyFileError) as caught:
        parse_policy(broken, "sb.toml")
    assert "services.website.stages[discovery].tiers[sb_web_discovery].min.pct: must be less than or equal to 100" in str(
        caught.value)


def test_no_quote_stops_at_the_colon_of_the_list_it_introduces():
    """'Unauthorized chargebacks may result in:' and '... cancellations due to:' left out what they introduce (a
    walkthrough); a heading quoted to name its part ('SEO Services:') is no sentence cut short."""
    cut = [(pid, c.section, c.quote) for pid, policy in policies().items() for c in policy.all_clauses()
           if c.quote.rstrip().endswith(":") and len(c.quote.split()) > 4]
    assert cut == []


def test_each_clause_that_names_a_passage_is_found_in_that_passage():
    """'¶4' and 'B1' are counted by the page that shows the texts (policy/passages.py): a clause citing one is in it,
    so the number a client reads is the number beside the words (a walkthrough counted paragraphs by hand)."""
    from policy.lint import squash
    from policy.passages import PASSAGE, cites_passages, passages

    checked = 0
    for policy in policies().values():
        if not cites_passages(policy):
            continue
        text = dict(passages(source_text(policy)))
        for c in policy.all_clauses():
            if PASSAGE.fullmatch(c.section):
                assert squash(c.quote) in squash(text[c.section]), (policy.id, c.section, c.quote[:60])
                checked += 1
    assert checked > 20 and not cites_passages(policies()["socialbeat"])  # Social Beat numbers its own sections


def test_the_texts_are_shown_numbered_as_their_clauses_cite_them():
    from tests.pages import opened

    at = opened("pages/2_Policy_terms.py")
    texts = [t.value for t in at.text]
    assert any("¶4  For monthly recurring services such as SEO" in t for t in texts)  # ITMedia
    assert any("B1  Refunds before service delivery:" in t for t in texts)  # Step-Into
    (social,) = [t for t in texts if "CHARGEBACKS" in t]
    assert social == source_text(policies()["socialbeat"])  # its own numbered sections, as written


def test_every_tier_with_a_fee_cites_the_clause_that_states_it():
    """A walkthrough on Policy terms: Social Beat's "more than 7 days, no kickoff" row took off a 10% fee capped at
    $100.00 and cited no clause that says so (every number traced to the clause that decided it)."""
    from policy import shipped_policies

    for policy in shipped_policies().values():
        for service in policy.services.values():
            for stage in service.stages:
                for tier in stage.tiers:
                    fees = {a.less_fee for a in (tier.min, tier.max) if a.less_fee is not None}
                    for fee in fees:
                        stated = f"{fee.pct.normalize():f}%"
                        assert any(stated in c.quote and c.role != "context" for c in tier.clauses), (tier.id, stated)


READING = SHARED.parent / "spec" / "policy-reading.md"
PROVIDER_OF = {"IT": "itmedia", "SB": "socialbeat", "SI": "stepinto"}
# The reading's entries no policy lists, each for a reason: none moves an amount this app quotes (a walkthrough read
# "20 listed" as the whole of 34, and missed some that do move one: A-SB-06, 07, 10, 12, 29 are listed since).
NOT_LISTED = {
    "A-SB-08": "the base is the amount paid for the service, net of what the policy takes off: the scenario's own",
    "A-SB-11": "consultation and setup fees are deducted only where itemised: the scenario's third-party costs",
    "A-SB-14": "how monthly services are billed: decisions.md 'SB ongoing' fixes the period and the notice",
    "A-SB-25": "currency: quotes are in the currency the policy states",
    "A-SB-28": "chargebacks change no refund; their consequences are the policy's own words",
    "A-SB-30": "amendments: every quote names the version in force on the payment day",
    "A-SB-31": "the request channel and documents: the request email lists them",
    "A-SB-32": "two uses of '48 hours': only the client's deadline is a clock here",
    "A-SB-33": "which entity and time zone: days are whole calendar days",
}


@pytest.mark.skipif(not READING.is_file(), reason="../shared/spec is not beside this checkout")
def test_every_ambiguity_of_the_reading_is_listed_by_its_policy_or_said_why_not():
    named = set(re.findall(r"^#### (A-(IT|SB|SI)-\d+)", READING.read_text(), flags=re.M))
    listed = {(p.id, a.id) for p in policies().values() for a in p.ambiguities}
    missing = sorted(i for i, who in named if (PROVIDER_OF[who], i) not in listed and i not in NOT_LISTED)
    assert not missing, f"listed by no policy, and no reason given here: {missing}"
    assert not {i for i in NOT_LISTED if (PROVIDER_OF[i[2:4]], i) in listed}  # a reason for one listed is stale


def test_a_field_not_known_is_said_before_the_required_ones_it_may_have_been_meant_for():
    """A walkthrough uploaded a file naming its provider `provider = ...`: told "id: is required; name: is
    required..." and the unknown field last, cut off before it."""
    text = (DATA_DIR / "itmedia.toml").read_text(encoding="utf-8").replace('id = "itmedia"', 'provider = "itmedia"', 1)
    text = text.replace('name = "ITMediaSolutions.us"\n', "", 1)
    with pytest.raises(PolicyFileError) as exc:
        parse_policy(text, "it.toml")
    assert str(exc.value).startswith("it.toml: provider: is not a known field (check the spelling); id: is required; "
                                     "name: is required")
