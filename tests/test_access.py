"""Roles, checked where the register writes and reads (store/, no Streamlit), against SQLite and a real PostgreSQL;
the audit trail those checks and writes leave, and that it cannot be changed; withdrawing a policy version."""
import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from shipped import BASIS, TODAY, reworded
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from policy import InputError, parse_scenario, quote
from policy import shipped_policies as policies
from policy.cli import main as cli
from policy.taxonomy import PAYMENT_METHODS
from policy.versions import Basis, shipped_catalog
from store import AuditLog, Forbidden, PolicyStore
from store.access import RANKS, Actor, Permission, Role, RoleMap, permissions_of
from store.audit import Action, AuditFilters, audit_csv
from store.days import Days
from tests.actors import ADA, ANYONE, CLIENT, OPS, PAT, SAM, SUE, person

P = Permission
# The role table (README): each role's permissions, exactly.
TABLE = {
    None: set(),
    Role.SALES: {P.SAVE_QUOTE, P.VIEW_REGISTER, P.DELETE_OWN_QUOTE},
    Role.SALES_OPS: {P.SAVE_QUOTE, P.VIEW_REGISTER, P.DELETE_OWN_QUOTE, P.BATCH, P.SAVE_BATCH},
    Role.AUTHOR: {P.SAVE_QUOTE, P.VIEW_REGISTER, P.DELETE_OWN_QUOTE, P.BATCH, P.SAVE_BATCH, P.LAB, P.PUBLISH},
    Role.ADMIN: set(Permission),
}


@pytest.mark.parametrize("role", [None, *RANKS])
def test_each_role_permits_exactly_what_the_role_table_says(role):
    assert permissions_of([role] if role else []) == TABLE[role]


def test_the_local_user_has_every_role_and_anyone_none():
    assert all(Actor.local_user("me").may(p) for p in Permission)
    assert not any(ANYONE.may(p) for p in Permission) and not any(CLIENT.may(p) for p in Permission)


ROLES = RoleMap.from_config({"claim": "groups", "sales": ["@sales.example.com"], "sales-ops": ["Olive@Example.com"],
                             "admin": "ada@example.com"})


@pytest.mark.parametrize("claims, roles", [
    ({"email": "sam@sales.example.com"}, {Role.SALES}),  # by domain
    ({"email": "olive@example.com"}, {Role.SALES_OPS}),  # by address, any case
    ({"email": "ari@example.com", "groups": ["author", "unknown-group"]}, {Role.AUTHOR}),  # by the token's claim
    ({"email": "ari@example.com", "groups": "sales_ops"}, {Role.SALES_OPS}),  # one value, either spelling
    ({"email": "ada@example.com", "groups": ["sales"]}, {Role.ADMIN, Role.SALES}),
    ({"email": "ada@example.com", "email_verified": False}, set()),  # an unverified address grants nothing
    ({"email": "mallory@sales.example.com.evil.org"}, set()),  # a domain is matched whole
    ({"email": "cleo@client.example.org"}, set()),
    ({}, set()),
])
def test_roles_come_from_addresses_domains_and_a_claim(claims, roles):
    assert ROLES.roles_of(claims) == roles


@pytest.mark.parametrize("config, field", [
    ({"superuser": ["a@example.com"]}, "roles.superuser"),
    ({"sales": ["example.com"]}, "roles.sales"),
    ({"sales": [1]}, "roles.sales"),
    ({"claim": ["groups"]}, "roles.claim"),
])
def test_a_role_configuration_it_cannot_read_names_the_entry(config, field):
    with pytest.raises(InputError) as caught:
        RoleMap.from_config(config)
    assert caught.value.field == field


def q(**fields):
    return quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="1200", completion_pct=0,
                                     days_since_payment=3) | fields, BASIS), BASIS)


def refusals(store) -> list[tuple[str, str]]:
    events, _ = AuditLog(store.engine).find(AuditFilters(action=Action.REFUSED.value), by=ADA)
    return [(e.actor_email, e.subject) for e in events]


_numbers = itertools.count(1)


def _draft(versions: PolicyStore, by: Actor, number: str = "") -> int:
    number = number or f"lab-{next(_numbers)}"
    shipped = policies()["stepinto"]  # with its own words: a version's quotes are checked against them at publish
    return versions.save_draft(shipped.model_copy(update={"version": number}), reworded(shipped, number), by=by)


WRITES = {  # every write path of the register, and the least role that may take it
    "save a quote": (lambda s, by: s.save(q(), client_name="Ana", by=by), SAM, CLIENT),
    "save a batch": (lambda s, by: s.save_batch("Nov", [q()], by=by), OPS, SAM),
    "save a draft": (lambda s, by: _draft(PolicyStore(s.engine), by), PAT, OPS),
    "publish": (lambda s, by: PolicyStore(s.engine).publish(_draft(PolicyStore(s.engine), PAT), date(2027, 1, 1),
                                                            by=by), PAT, OPS),
    "withdraw": (lambda s, by: PolicyStore(s.engine).withdraw(
        PolicyStore(s.engine).publish(_draft(PolicyStore(s.engine), PAT), date(2027, 1, 1), by=PAT).lab_id, "wrong",
        by=by), PAT, OPS),
}


@pytest.mark.parametrize("action", list(WRITES))
def test_every_write_refuses_a_user_without_the_role_writes_nothing_and_records_the_refusal(store, action):
    write, allowed, refused = WRITES[action]
    for who in (ANYONE, refused):
        with pytest.raises(Forbidden) as caught:
            write(store, who)
        assert "Not allowed" in str(caught.value)
    assert store.find(by=ADA)[1] == 0 and store.batches(by=ADA) == []
    statuses = {v.status for v in PolicyStore(store.engine).versions()}  # the setups' drafts, and withdraw's version
    assert "withdrawn" not in statuses and ("published" not in statuses or action == "withdraw")
    assert [who for who, _ in refusals(store)] == [refused.email, ""]  # newest first: both refusals, by whom
    write(store, allowed)  # the role that may, can


@pytest.mark.parametrize("read", [
    lambda s, by: s.find(by=by), lambda s, by: s.get(1, by=by), lambda s, by: list(s.each(by=by)),
    lambda s, by: s.batches(by=by),
])
def test_reading_the_register_needs_a_sales_role(store, read):
    store.save(q(), client_name="Ana", by=SAM)
    for who in (ANYONE, CLIENT):
        with pytest.raises(Forbidden):
            read(store, who)
    read(store, SAM)


def test_sales_delete_their_own_quotes_an_admin_any_and_the_trail_keeps_what_was_deleted(store):
    mine, theirs = store.save(q(), client_name="Ana", by=SAM), store.save(q(), client_name="Bo", by=SUE)
    with pytest.raises(Forbidden):
        store.delete(theirs, by=SAM)
    assert store.get(theirs, by=SAM) is not None  # refused: still there
    assert store.may_delete(store.get(mine, by=SAM), SAM) and not store.may_delete(store.get(theirs, by=SAM), SAM)
    assert store.delete(mine, by=SAM) and store.delete(theirs, by=ADA)
    assert not store.delete(theirs, by=ADA)  # gone already: said as such, not "deleted" twice
    events, _ = AuditLog(store.engine).find(AuditFilters(action=Action.QUOTE_DELETED.value), by=ADA)
    assert [(e.actor_email, e.subject, e.detail["client_name"]) for e in events] == [
        ("ada@example.com", f"quote #{theirs}", "Bo"), ("sam@example.com", f"quote #{mine}", "Ana")]
    assert events[0].detail["quote"]["refund_max"] == "1200.00"  # the whole quote that was deleted
    fields = len(events[0].detail["quote"])  # on the page: counted, as it is whole in the CSV
    assert f"quote: ({fields} fields: in the CSV)" in events[0].detail_in_words().split("; ")
    blank = replace(events[0], detail={"batch_id": None, "client_ref": "", "saved_by": "", "provider": "stepinto"})
    assert blank.detail_in_words() == "provider: stepinto"  # "batch id: None; client ref: ; ..." read as a fault
    # on the page, a provider, a service and a verdict by their names ("provider: stepinto; service: ppc; verdict:
    # full" read as code, a walkthrough); an id it does not know, as stored
    saved = replace(events[0], detail={"provider": "stepinto", "service": "ppc", "verdict": "full", "batch_name": "full"})
    assert saved.detail_in_words({"stepinto": "Step-Into"}) == (
        "batch name: full; provider: Step-Into; service: PPC / paid advertising; verdict: Full refund")
    assert replace(saved, detail={"provider": "acme"}).detail_in_words({"stepinto": "Step-Into"}) == "provider: acme"
    # a refund in dollars, one part ("refund max: 7500.00; refund min: 7500.00" read backwards, a walkthrough)
    assert replace(saved, detail={"refund_min": "0.00", "refund_max": "1800.00"}).detail_in_words() == (
        "refund: $0.00 - $1,800.00")
    assert replace(saved, detail={"refund_min": "7500.00", "refund_max": "7500.00"}).detail_in_words() == (
        "refund: $7,500.00")
    assert ("client name", "Bo") in events[0].parts_in_words(counted=False) and not any(
        key == "quote" for key, _ in events[0].parts_in_words(counted=False))  # the page shows it as data


def test_the_trail_records_who_did_what_and_only_an_admin_reads_it(store):
    store.save(q(), client_name="Ana", by=SAM)
    store.save_batch("Nov", [q(), q()], by=OPS)
    versions = PolicyStore(store.engine)
    version = versions.publish(_draft(versions, PAT), date(2027, 1, 1), by=PAT)
    versions.withdraw(version.lab_id, "published by mistake", by=PAT)
    log = AuditLog(store.engine)
    for who in (ANYONE, SAM, PAT):
        with pytest.raises(Forbidden):
            log.find(by=who)
    events, _total = log.find(by=ADA)
    assert [(e.actor_name, e.action) for e in reversed(events)] == [
        ("sam", "quote saved"), ("ops", "batch saved"), ("Pat Author", "version saved as draft"),
        ("Pat Author", "version published"), ("Pat Author", "version withdrawn"), ("anyone (not signed in)", "refused"),
        ("sam", "refused"), ("Pat Author", "refused")]
    assert events[-2].detail == {"name": "Nov", "rows": 2}
    withdrawn = next(e for e in events if e.action == "version withdrawn")  # what answers instead, said (a walkthrough)
    assert "in force in its place: version " in withdrawn.detail_in_words()
    assert withdrawn.detail["in_its_place"].endswith("; quotes saved under the withdrawn one keep it")
    assert log.find(AuditFilters(actor="PAT"), by=ADA)[1] == 4
    assert log.find(AuditFilters(on=Days(first=date.today() + timedelta(days=1))), by=ADA)[1] == 0
    csv = audit_csv(log.each(by=ADA))
    assert csv.splitlines()[0] == "id,at,actor_name,actor_email,actor_roles,action,subject,detail_in_words,detail"
    assert ",name: Nov; rows saved: 2," in csv  # the page's words beside the JSON


def test_the_audit_trail_cannot_be_changed_or_deleted_even_by_sql(store):
    store.save(q(), client_name="Ana", by=person("=1+2", Role.SALES))  # a name from an identity token
    for statement in ("UPDATE audit_events SET actor_name = 'someone else'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as c:
            c.execute(text(statement))
    events, total = AuditLog(store.engine).find(by=ADA)
    assert total == 1 and events[0].actor_name == "=1+2"
    assert ",'=1+2," in audit_csv(events)  # never run as a formula by a spreadsheet


def test_a_withdrawn_version_is_in_force_no_more_and_says_when_by_whom_and_why(store, capsys):
    versions = PolicyStore(store.engine)
    shipped = policies()["stepinto"]
    published = versions.publish(_draft(versions, PAT, "2027-01"), date(2027, 1, 1), by=PAT)
    given = quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="1200", completion_pct=0,
                                      days_since_payment=3, paid_on=date(2027, 1, 2)), BASIS),
                  Basis(shipped_catalog().adding(versions.versions()), TODAY))
    saved = store.save(given, by=SAM)
    with pytest.raises(InputError) as caught:
        versions.withdraw(published.lab_id, "  ", by=PAT)
    assert caught.value.field == "reason"
    before = versions.revision()
    gone = versions.withdraw(published.lab_id, "a typo in 2.1", by=PAT, at=datetime(2026, 12, 5, tzinfo=UTC))
    assert versions.revision() != before  # the app's catalog cache sees the change
    assert gone.status == "withdrawn" and gone.withdrawn.sentence("2027-01") == (
        "Version 2027-01 was withdrawn on 05 Dec 2026 by Pat Author: a typo in 2.1")
    catalog = shipped_catalog().adding(versions.versions())
    assert catalog.on(date(2027, 1, 2))["stepinto"].version == shipped.version  # the version before it
    assert catalog.withdrawal("stepinto", "2027-01") == gone.withdrawn
    assert store.get(saved, by=SAM).quote == given  # a quote saved under it opens exactly as given
    with pytest.raises(InputError):
        versions.withdraw(published.lab_id, "again", by=PAT)  # once
    assert cli(["versions"], catalog=lambda: catalog) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "2027-01" in x)
    assert "withdrawn on 2026-12-05 by Pat Author: a typo in 2.1" in line


def test_a_providers_name_is_unique_in_the_catalog(store):
    versions = PolicyStore(store.engine)
    copy = policies()["stepinto"].model_copy(update={"id": "stepinto_copy", "version": "1"})
    with pytest.raises(InputError) as caught:
        versions.save_draft(copy, "the text", by=PAT)
    assert caught.value.field == "name" and "'stepinto'" in caught.value.message
    versions.save_draft(copy.model_copy(update={"name": "Step-Into Copy"}), "the text", by=PAT)


def test_a_publish_is_recorded_with_what_it_changed_and_the_warnings_its_author_published_despite(store):
    """The trail said only which version was published: not that a tier went from 75% to 60%, nor that its author
    ticked "Publish despite 1 warning" (a walkthrough)."""
    shipped = policies()["socialbeat"]
    data = shipped.model_dump()
    times = [dict(t) for t in data["processing_times"]]
    was = times[0]["max_business_days"]
    times[0]["max_business_days"] = was + 2
    changed = type(shipped).model_validate({**data, "version": "lab-slower", "processing_times": times})
    versions = PolicyStore(store.engine)
    versions.publish(versions.save_draft(changed, reworded(shipped, "slower"), by=PAT), date(2027, 1, 1), by=PAT)
    events, _ = AuditLog(store.engine).find(AuditFilters(action="version published"), by=ADA)
    detail = events[0].detail
    assert detail["replaces"] == shipped.version
    method = PAYMENT_METHODS[times[0]["method"]]  # the rule and its field as the lab names them, not their paths
    assert detail["changed"].startswith(f"Processing time: {method}: Max business days {was} -> {was + 2}")
    assert detail["changed"].endswith("; policy text: edited")  # a text edited was not said (a walkthrough)
    assert "warnings_accepted" not in detail  # none about this edit (the version's standing ones are no choice)
    drafted, _ = AuditLog(store.engine).find(AuditFilters(action="version saved as draft"), by=ADA)
    said = drafted[0].detail  # a draft's line said only its number (a walkthrough): its date and changes too
    assert said["effective_from"] == changed.effective_from.isoformat() and said["replaces"] == shipped.version
    assert f"Max business days {was} -> {was + 2}" in said["changed"]
    assert f"changed: Processing time: {method}" in events[0].detail_in_words()  # on the page, in words
    assert f"lab version: #{events[0].detail['version_id']}" in events[0].detail_in_words()  # not "version id: 1"


def test_a_publish_records_every_new_warning_its_author_accepted_not_the_versions_standing_ones(store):
    """A label left saying 75% beside its tier made 60% is a warning of this edit (label-vs-amount), though not one
    about what it changed: the trail keeps it; the warnings the version before had already are no choice."""
    shipped = policies()["socialbeat"]
    data = shipped.model_dump()
    tiers = [dict(t) for t in data["services"]["website"]["stages"][1]["tiers"]]
    assert tiers[0]["label"].endswith("75%"), tiers[0]["label"]
    tiers[0]["label"] = tiers[0]["label"][:-3] + "50%"
    data["services"]["website"]["stages"][1]["tiers"] = tiers
    changed = type(shipped).model_validate({**data, "version": "lab-label"})
    versions = PolicyStore(store.engine)
    versions.publish(versions.save_draft(changed, reworded(shipped, "label"), by=PAT), date(2027, 1, 1), by=PAT)
    events, _ = AuditLog(store.engine).find(AuditFilters(action="version published"), by=ADA)
    accepted = events[0].detail["warnings_accepted"]
    assert accepted.startswith("label-vs-amount: tier ") and "says" in accepted and "; " not in accepted


def test_the_warnings_about_an_edit_its_author_published_despite_are_what_the_trail_keeps_of_the_findings():
    from policy.lint import Finding, edit_warnings
    from store.policy_versions import CHANGES_SAID, _what_it_changed

    shipped = policies()["socialbeat"]
    found = [Finding("quote-unchanged", "warning", "tier x now gives 60%, its quote still says 75%", ("t",)),
             Finding("band-gap", "warning", "a standing gap", ("s",)), Finding("reading-unchanged", "error", "x", ())]
    said = _what_it_changed(None, shipped, edit_warnings(found, before=[found[1]]))  # the gap: the version's own
    assert said == {"warnings_accepted": "quote-unchanged: tier x now gives 60%, its quote still says 75%"}
    many = [Finding("reading-unchanged", "warning", f"reading {i} " + "y" * 90, ("t",)) for i in range(40)]
    kept = _what_it_changed(None, shipped, many)["warnings_accepted"]
    assert len(kept) <= CHANGES_SAID + 100 and kept.endswith(f"; and {40 - kept.count('reading-unchanged')} more")


def test_the_local_user_is_one_person_in_the_trail_whatever_name_they_type(store):
    """Saved with "Dana Admin" typed, deleted with no name asked: two people in the trail, and a filter by the name
    missed the delete (a walkthrough)."""
    from store.access import Actor

    kept = store.save(q(), client_name="Ana", by=Actor.local_user("Dana Admin"))
    store.delete(kept, by=Actor.local_user())
    events, _ = AuditLog(store.engine).find(AuditFilters(actor="local"), by=Actor.local_user())
    assert [e.actor_name for e in events] == ["the local user", "the local user (Dana Admin)"]  # newest first
    assert [e.action for e in AuditLog(store.engine).find(AuditFilters(actor="dana"), by=ADA)[0]] == ["quote saved"]


CLAIMS = {"email": "sam@sales.example.com", "name": "Sam", "sub": "sam", "iat": 1_765_000_000, "nonce": "n1"}


def test_a_sign_in_is_one_digest_for_every_tab_and_another_for_the_next_sign_in():
    """Every tab of a browser reads the same claims from its cookie; a new sign-in has its own time and nonce."""
    tab_a, tab_b = ROLES.actor(CLAIMS), ROLES.actor(dict(reversed(list(CLAIMS.items()))))
    again = ROLES.actor(CLAIMS | {"iat": CLAIMS["iat"] + 60, "nonce": "n2"})
    assert tab_a.sign_in == tab_b.sign_in and len(tab_a.sign_in) == 64
    assert again.sign_in != tab_a.sign_in and "sam" not in tab_a.sign_in  # a digest, not the token
    assert Actor.local_user().sign_in == ANYONE.sign_in == ""


def test_a_sign_in_ended_by_a_sign_out_is_refused_every_read_and_write_and_another_sign_in_is_not(store):
    """A walkthrough signed out in one tab and went on, in a tab left open, to save and delete quotes in its name:
    Streamlit reads the identity cookie only when a tab opens. The store now refuses the ended sign-in itself."""
    tab, later = ROLES.actor(CLAIMS), ROLES.actor(CLAIMS | {"iat": CLAIMS["iat"] + 60, "nonce": "n2"})
    kept = store.save(q(), client_name="Ana", by=tab)
    log = AuditLog(store.engine)
    log.signed_out(tab)
    log.signed_out(tab)  # a second tab's sign-out of the same sign-in: one end, the first
    for use in (lambda by: store.find(by=by), lambda by: store.get(kept, by=by), lambda by: store.delete(kept, by=by),
                lambda by: store.save(q(), client_name="Bo", by=by), lambda by: store.batches(by=by)):
        with pytest.raises(Forbidden) as caught:
            use(tab)
        assert "signed out of this sign-in at" in str(caught.value) and "sign in again" in str(caught.value)
    assert store.find(by=ADA)[1] == 1  # nothing written, nothing deleted
    assert store.get(kept, by=later) is not None and store.delete(kept, by=later)  # the same person, signed in again
    events, _ = log.find(by=ADA)
    said = [(e.action, e.actor_email) for e in events]
    assert said.count((Action.SIGNED_OUT.value, "sam@sales.example.com")) == 2  # each sign-out is in the trail
    refused = [e for e in events if e.action == Action.REFUSED.value]
    assert len(refused) == 5 and all(e.parts_in_words()[-1][0] == "signed out at" for e in refused)
    assert refused[0].detail["signed_out_at"] == min(e.at for e in events if e.action == "signed out").isoformat()


def test_a_file_drawn_for_a_sign_in_is_made_only_while_it_holds_and_a_refused_one_is_recorded(store):
    """A walkthrough signed out in one tab, then downloaded a saved quote's files and a batch's results from a tab
    left open: they were made from what that tab had shown, with no check."""
    from store.audit import while_held
    tab = ROLES.actor(CLAIMS)
    made = []
    later = while_held(store.engine, tab, Permission.VIEW_REGISTER, "saved quote #1, Client summary (PDF)",
                       lambda: made.append(1) or b"%PDF")
    assert later() == b"%PDF" and made == [1]  # while it holds: made, and in the trail (an export of client data)
    (done,) = AuditLog(store.engine).find(AuditFilters(action=Action.DOWNLOADED.value), by=ADA)[0]
    assert (done.actor_email, done.subject) == ("sam@sales.example.com", "saved quote #1, Client summary (PDF)")
    AuditLog(store.engine).signed_out(tab)
    with pytest.raises(Forbidden):
        later()
    assert made == [1]  # not made
    (event,) = AuditLog(store.engine).find(AuditFilters(action=Action.REFUSED.value), by=ADA)[0]
    assert (event.subject, event.detail["needed"]) == ("download saved quote #1, Client summary (PDF)",
                                                       "see saved quotes")
    assert "signed_out_at" in event.detail
    assert AuditLog(store.engine).find(AuditFilters(action=Action.DOWNLOADED.value), by=ADA)[1] == 1  # not again
    def gone() -> bytes:
        raise LookupError("quote #1 is no longer in the register")
    with pytest.raises(LookupError):  # a file that could not be made is no download
        while_held(store.engine, ROLES.actor(CLAIMS | {"nonce": "n3"}), Permission.VIEW_REGISTER, "saved quote #1", gone)()
    assert AuditLog(store.engine).find(AuditFilters(action=Action.DOWNLOADED.value), by=ADA)[1] == 1
    client = while_held(store.engine, Actor.local_user(), Permission.BATCH, "download", lambda: "rows")
    assert client() == "rows"  # the local user has no sign-in to end


def test_the_local_user_and_anyone_have_no_sign_in_to_end(store):
    log = AuditLog(store.engine)
    log.signed_out(Actor.local_user("me"))
    log.signed_out(ANYONE)
    assert log.find(by=ADA)[1] == 0
    assert store.find(by=Actor.local_user())[1] == 0  # and nothing refuses them for it


def test_a_tab_used_after_its_sign_in_ended_is_in_the_trail_as_refused(store):
    """A walkthrough clicked Save in a tab whose sign-in another tab had ended: nothing was saved, and the trail had
    no word of it. The page records the first use of each page after the end (ui/identity.after_sign_out)."""
    tab = ROLES.actor(CLAIMS)
    log = AuditLog(store.engine)
    log.signed_out(tab)
    ended = min(e.at for e in log.find(by=ADA)[0])
    log.used_after_sign_out(tab, ended, "page Refund calculator")
    (event,) = log.find(AuditFilters(action=Action.REFUSED.value), by=ADA)[0]
    assert (event.actor_email, event.subject) == ("sam@sales.example.com", "page Refund calculator")
    assert event.detail_in_words() == f"signed out at: {ended.astimezone(UTC):%Y-%m-%d %H:%M} UTC"  # read as a time
    # the page's in the person's zone, as its When column: "22:41 UTC" beside "23:42 Europe/Berlin" (a walkthrough)
    from zoneinfo import ZoneInfo
    berlin = event.detail_in_words(moment=lambda at: f"{at.astimezone(ZoneInfo('Europe/Berlin')):%H:%M} Europe/Berlin")
    assert berlin == f"signed out at: {ended.astimezone(ZoneInfo('Europe/Berlin')):%H:%M} Europe/Berlin"
    assert event.detail["signed_out_at"] == ended.isoformat()  # whole in the CSV's JSON
    log.used_after_sign_out(tab, ended, "save a quote", Permission.SAVE_QUOTE)  # a write tried: what it needed too
    (tried,) = [e for e in log.find(AuditFilters(action=Action.REFUSED.value), by=ADA)[0] if e.subject == "save a quote"]
    assert tried.detail == {"signed_out_at": ended.isoformat(), "needed": "save a quote"}
