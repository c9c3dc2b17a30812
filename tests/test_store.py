"""The register against real databases: SQLite (a file, WAL) and PostgreSQL (a throwaway server), same tests."""
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from shipped import BASIS, reworded
from sqlalchemy import inspect, text

from policy import InputError, parse_scenario, quote
from policy.loader import source_text
from policy.schema import PolicyFile
from store import Actor, AuditLog, Filters, QuoteStore, SaveError, database_url
from store.audit import AuditFilters
from store.config import ENV_URL
from store.days import Days
from tests.actors import ADA, OPS, PAT, SAM

AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
HEAD = "0012"  # the newest migration; a new one must bump this


def q(**fields):
    return quote(parse_scenario(dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct=0,
                                     days_since_payment=3) | fields, BASIS), BASIS)


def test_a_saved_quote_opens_exactly_as_it_was_shown(store):
    shown = q(completion_pct=30, paid_on=date(2026, 11, 20), days_since_payment=4)
    qid = store.save(shown, client_name="Ana Díaz", client_ref="ACME-42", note="called Monday", by=SAM, at=AT)
    saved = store.get(qid, by=SAM)
    assert saved is not None and saved.quote == shown  # every part, the scenario and the policy version included
    assert (saved.client_name, saved.client_ref, saved.note, saved.saved_by) == ("Ana Díaz", "ACME-42", "called Monday", "sam")
    assert saved.saved_at == AT and saved.quote.policy_version == shown.policy_version


def test_a_quote_keeps_the_day_it_was_asked_on_where_its_person_was(store):
    """Saved at 01:30 UTC on 2 Dec by someone in New York, for whom it was still 1 Dec: a case given in days dates its
    payment from 1 Dec (the Saved quotes page dates it from asked_day). Without a day given: saved_at's, in UTC."""
    late = datetime(2026, 12, 2, 1, 30, tzinfo=UTC)
    theirs = store.get(store.save(q(), by=SAM, at=late, asked_on=date(2026, 12, 1)), by=SAM)
    plain = store.get(store.save(q(), by=SAM, at=late), by=SAM)
    assert theirs is not None and plain is not None
    assert (theirs.asked_day, plain.asked_day) == (date(2026, 12, 1), date(2026, 12, 2))
    with store.batch("evening", by=OPS, at=late, asked_on=date(2026, 12, 1)) as batch:
        batch.add(1, q())
    rows, _ = store.find(Filters(batch_id=batch.id), by=OPS)
    assert [store.get(r.id, by=OPS).asked_day for r in rows] == [date(2026, 12, 1)]


def test_a_quote_saved_before_the_day_was_kept_is_dated_from_its_saved_at_in_utc(database_url):
    store = QuoteStore.open(database_url)
    qid = store.save(q(), by=SAM, at=datetime(2026, 12, 2, 1, 30, tzinfo=UTC), asked_on=date(2026, 12, 1))
    with store.engine.begin() as c:  # as migration 0009 leaves a quote saved before it
        c.execute(text("UPDATE saved_quotes SET asked_on = NULL WHERE id = :id"), {"id": qid})
    assert store.get(qid, by=SAM).asked_day == date(2026, 12, 2)
    store.engine.dispose()


PAGO_PAGO, KIRITIMATI = ZoneInfo("Pacific/Pago_Pago"), ZoneInfo("Pacific/Kiritimati")  # UTC-11, UTC+14


@pytest.mark.parametrize("zone, day, found", [
    (PAGO_PAGO, date(2026, 12, 6), True),  # 06:06 UTC on 7 Dec is 19:06 on 6 Dec there
    (PAGO_PAGO, date(2026, 12, 7), False),
    (UTC, date(2026, 12, 7), True),
    (UTC, date(2026, 12, 6), False),
    (KIRITIMATI, date(2026, 12, 7), True),  # 20:06 on 7 Dec there
    (KIRITIMATI, date(2026, 12, 8), False),
])
def test_the_days_a_person_picks_are_their_own_in_the_register_and_the_audit_trail(store, zone, day, found):
    """A walkthrough in Pago Pago saved a quote on its 6 Dec (07 Dec 06:06 UTC): "Saved between 6 Dec and 6 Dec"
    found nothing, and 7 Dec, its tomorrow, found it."""
    store.save(q(), by=SAM, at=datetime(2026, 12, 7, 6, 6, tzinfo=UTC))
    assert store.find(Filters(saved_on=Days(day, day, zone)), by=SAM)[1] == (1 if found else 0)
    log = AuditLog(store.engine)
    assert log.find(AuditFilters(on=Days(day, day, zone)), by=ADA)[1] == (1 if found else 0)


def test_the_schema_is_made_by_the_migrations_and_opening_twice_is_harmless(database_url):
    first = QuoteStore.open(database_url)
    first.save(q(), by=SAM, at=AT)
    again = QuoteStore.open(database_url)  # a second replica starting on the same database
    assert again.find(by=SAM)[1] == 1
    names = set(inspect(again.engine).get_table_names())
    assert {"saved_quotes", "batches", "alembic_version"} <= names
    with again.engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == HEAD
    first.engine.dispose(), again.engine.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path):
    s = QuoteStore.open(f"sqlite:///{tmp_path / 'new' / 'quotes.sqlite'}")  # the folder is made on first run
    with s.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"


@pytest.mark.parametrize("field, value", [("client_name", "x" * 201), ("client_ref", "r" * 201), ("note", "n" * 2001),
                                          ("saved_by", "s" * 201)])
def test_a_detail_too_long_is_refused_by_name_and_nothing_is_written(store, field, value):
    details = {field: value} if field != "saved_by" else {}
    by = Actor.local_user(value) if field == "saved_by" else SAM  # the local user types their name
    with pytest.raises(InputError) as caught:
        store.save(q(), **details, by=by)
    assert caught.value.field == field and "at most" in caught.value.message
    assert store.find(by=SAM)[1] == 0


def test_two_sessions_saving_at_once_both_land(store):
    errors: list[BaseException] = []

    def save_many(who: str) -> None:
        try:
            for i in range(25):
                store.save(q(completion_pct=i), client_name=f"{who}-{i}", by=Actor.local_user(who))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=save_many, args=(w,)) for w in ("a", "b")]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors and store.find(by=SAM)[1] == 50


def test_a_batch_is_saved_whole_or_not_at_all(store):
    good = [q(completion_pct=i) for i in range(0, 100, 10)]
    batch = store.save_batch("November leads", good, by=OPS)
    rows, total = store.find(Filters(batch_id=batch), sort="oldest", by=SAM)
    assert total == 10 and [r.refund_max for r in rows] == [Decimal(g.refund_max) for g in good]
    assert store.batches(by=SAM) == [(batch, "November leads", 10)]

    def failing():
        yield q()
        raise RuntimeError("the upload broke off")

    with pytest.raises(RuntimeError):
        store.save_batch("broken", failing(), by=OPS)
    assert store.find(by=SAM)[1] == 10 and len(store.batches(by=SAM)) == 1  # nothing of the failed batch remains


def test_a_database_failure_is_said_and_nothing_is_lost(store):
    with store.engine.begin() as c:
        c.execute(text("DROP TABLE saved_quote_documents"))  # the save then fails half-way: it must roll back
    with pytest.raises(SaveError, match="the quote was not saved"):
        store.save(q(), by=SAM)
    assert store.find(by=SAM)[1] == 0  # the row written before the failure went with it


@pytest.fixture
def listed(store):
    cases = [  # (days before AT, provider, service, completion, client)
        (0, "socialbeat", "website", 0, "Ana Díaz"), (1, "stepinto", "ppc", 0, "Bo 100%_off"),
        (2, "itmedia", "website", 50, "Cy"), (3, "socialbeat", "seo", 20, "Di"), (10, "socialbeat", "website", 90, "Ed"),
    ]
    for back, provider, service, pct, client in cases:
        store.save(q(provider=provider, service=service, completion_pct=pct), client_name=client,
                   note=f"note for {client}", by=SAM, at=AT - timedelta(days=back))
    return store


@pytest.mark.parametrize("filters, clients", [
    (Filters(), ["Ana Díaz", "Bo 100%_off", "Cy", "Di", "Ed"]),
    (Filters(provider="socialbeat"), ["Ana Díaz", "Di", "Ed"]),
    (Filters(provider="socialbeat", service="website"), ["Ana Díaz", "Ed"]),
    (Filters(verdict="full"), ["Bo 100%_off"]),
    (Filters(saved_on=Days(date(2026, 11, 29), date(2026, 11, 30))), ["Bo 100%_off", "Cy"]),
    (Filters(text="DÍAZ"), ["Ana Díaz"]),
    (Filters(text="diaz"), ["Ana Díaz"]),  # with or without the accent
    (Filters(text="ＤＩＡＺ"), ["Ana Díaz"]),  # full-width letters fold too
    (Filters(text="100%_"), ["Bo 100%_off"]),  # the marks LIKE treats as wildcards match themselves
    (Filters(text="%"), ["Bo 100%_off"]),
    (Filters(text="note for c"), ["Cy"]),
])
def test_the_list_filters(listed, filters, clients):
    rows, total = listed.find(filters, by=SAM)
    assert [r.client_name for r in rows] == clients and total == len(clients)


@pytest.mark.parametrize("words", ["zoe obrien", "O'Brien", "o\u2019brien", "obrien & co", "ann oneil", "O'Neil"])
def test_a_search_ignores_a_names_apostrophe_typed_or_not(store, words):
    """'zoe' found "Zoë O'Brien & Co", and 'zoe obrien' found nothing."""
    for client in ("Zoë O'Brien & Co", "Ann O\u2019Neil", "Obi Wan"):
        store.save(q(), client_name=client, by=SAM)
    found = [r.client_name for r in store.find(Filters(text=words), by=SAM)[0]]
    assert found == (["Zoë O'Brien & Co"] if "brien" in words.lower() else ["Ann O\u2019Neil"])


@pytest.mark.parametrize("words, found", [
    ("cedar oak", ["Mia"]),  # words in any order, whatever stands between them: "Cedar & Oak"
    ("oak cedar", ["Mia"]),
    ("inv-2041", ["Mia"]),  # the invoice number, as saved
    ("2041", ["Mia"]),
    ("rebrand", ["Mia", "Noa"]),  # the project name
    ("rebrand noa", ["Noa"]),  # every word must be found
    ("cedar pine", []),
])
def test_a_search_finds_every_word_in_the_client_the_note_the_project_and_the_invoice(store, words, found):
    """A walkthrough: a quote saved for "Cedar & Oak", project "Spring rebrand", invoice INV-2041, was found by
    none of "cedar oak", "rebrand" or "INV-2041"."""
    store.save(q(), client_name="Cedar & Oak", project="Spring rebrand", invoice="INV-2041", note="Mia", by=SAM)
    store.save(q(), client_name="Noa", project="Rebrand", by=SAM)
    rows = store.find(Filters(text=words), by=SAM)[0]
    assert sorted(r.note or r.client_name for r in rows) == found


def test_the_upgrade_searches_the_project_and_invoice_saved_before_it_and_the_downgrade_undoes_it(database_url):
    from alembic import command

    engine, config = _migrations(database_url)

    def searched(connection) -> str:
        return connection.execute(text("SELECT search_text FROM saved_quotes")).scalar_one()

    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0010")
        connection.execute(text(
            "INSERT INTO saved_quotes (saved_at, saved_by, client_name, client_ref, note, provider, service, verdict, "
            "amount_paid, refund_min, refund_max, policy_id, policy_version, search_text, project, invoice) VALUES "
            "(:at, '', 'Ana', 'R-1', '', 'stepinto', 'ppc', 'full', 5, 5, 5, 'stepinto', 'v', 'ana r-1 ', "
            "'Café Rebrand', 'INV-9')"), {"at": AT})
        command.upgrade(config, "0011")
        assert searched(connection) == "ana r-1  cafe rebrand inv-9"
        command.downgrade(config, "0010")
        assert searched(connection) == "ana r-1 "
    engine.dispose()


def test_the_list_sorts_and_pages(listed):
    assert [r.client_name for r in listed.find(sort="oldest", by=SAM)[0]] == ["Ed", "Di", "Cy", "Bo 100%_off", "Ana Díaz"]
    by_refund = [r.refund_max for r in listed.find(sort="refund_high", by=SAM)[0]]
    assert by_refund == sorted(by_refund, reverse=True)
    pages = [listed.find(page=n, page_size=2, by=SAM) for n in (1, 2, 3, 4)]
    assert [[r.client_name for r in rows] for rows, _ in pages] == [["Ana Díaz", "Bo 100%_off"], ["Cy", "Di"], ["Ed"], []]
    assert {total for _, total in pages} == {5}


def test_delete_removes_one(listed):
    first = listed.find(by=SAM)[0][0]
    assert listed.delete(first.id, by=SAM) and listed.get(first.id, by=SAM) is None and not listed.delete(first.id, by=SAM)
    assert listed.find(by=SAM)[1] == 4


def test_the_url_comes_from_the_environment_then_the_secrets_then_a_sqlite_file(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setenv("REFUND_DATA_DIR", str(tmp_path / "data"))
    assert database_url(secrets) == f"sqlite:///{tmp_path / 'data' / 'quotes.sqlite'}"
    secrets.write_text('[connections.quotes]\nurl = "postgresql+psycopg://u@127.0.0.1:5/x"\n')
    assert database_url(secrets) == "postgresql+psycopg://u@127.0.0.1:5/x"
    monkeypatch.setenv(ENV_URL, "sqlite:////tmp/elsewhere.sqlite")
    assert database_url(secrets) == "sqlite:////tmp/elsewhere.sqlite"


def test_a_deleted_quotes_number_is_never_given_to_another(store):
    first, second = store.save(q(), client_name="A", by=SAM), store.save(q(), client_name="B", by=SAM)
    assert store.delete(second, by=SAM)
    third = store.save(q(), client_name="C", by=SAM)
    assert third > second > first and store.get(second, by=SAM) is None  # "quote #2" never opens another client's quote


def test_a_batch_row_keeps_its_place_in_the_file_and_its_client_details(store):
    with store.batch("November leads", by=OPS, at=AT) as writer:
        writer.add(1, q(completion_pct=10), {"client_name": "Ana Díaz", "client_ref": "ACME-42", "note": "hot lead"})
        writer.add(2, None, {"client_name": "bad row"})  # a row with an error is not saved
        writer.add(3, q(completion_pct=20))
    rows, total = store.find(Filters(batch_id=writer.id), sort="oldest", by=SAM)
    assert total == 2 == writer.count
    assert [(r.batch_row, r.client_name, r.client_ref, r.note) for r in rows] == [
        (1, "Ana Díaz", "ACME-42", "hot lead"), (3, "", "", "")]
    assert store.get(rows[0].id, by=OPS).batch_row == 1
    assert store.find(Filters(text="acme"), by=SAM)[1] == 1


def test_a_saved_batch_is_recorded_with_its_file_and_the_rows_it_left_out(store):
    """A walkthrough: the trail said "name: Q4 review; rows: 24", neither the file nor the 6 rows with an error."""
    from store import AuditLog
    from tests.actors import ADA

    with store.batch("Q4 review", by=OPS, file="sheet.csv") as writer:
        writer.add(1, q(completion_pct=10))
        writer.add(2, None)
        writer.add(3, None)
    (event,), _ = AuditLog(store.engine).find(by=ADA)
    assert event.action == "batch saved" and event.detail == {"name": "Q4 review", "rows": 1, "file": "sheet.csv",
                                                              "not_saved": 2}
    assert event.detail_in_words() == "file: sheet.csv; name: Q4 review; rows with an error (not saved): 2; rows saved: 1"


def test_the_newest_batch_of_a_file_is_found_by_its_digest_and_only_by_who_may_save_one(store):
    from store import Forbidden, file_digest
    from tests.actors import SAM

    sheet, other = file_digest(b"provider,service\n"), file_digest(b"provider,service\r\n")
    assert store.same_file_saved(sheet, by=OPS) is None
    for name in ("first", "second"):
        with store.batch(name, by=OPS, digest=sheet) as writer:
            writer.add(1, q(completion_pct=10))
    with store.batch("before digests", by=OPS) as writer:  # saved without one, as batches before migration 0010
        writer.add(1, q(completion_pct=10))
    found = store.same_file_saved(sheet, by=OPS)
    assert found is not None and (found.id, found.name, found.rows) == (2, "second", 1)
    assert store.same_file_saved(other, by=OPS) is None and store.same_file_saved("", by=OPS) is None
    with pytest.raises(Forbidden):
        store.same_file_saved(sheet, by=SAM)  # sales: no batches of its own to save


def test_a_batch_streams_in_chunks_and_a_failure_in_the_middle_leaves_nothing(store, monkeypatch):
    monkeypatch.setattr("store.register.BATCH_CHUNK", 3)
    with pytest.raises(RuntimeError), store.batch("half", by=OPS) as writer:
        for n in range(1, 8):
            writer.add(n, q(completion_pct=n))
            assert len(writer.pending) < 3  # written as it goes: memory stays flat
        raise RuntimeError("the quoting broke off")
    assert store.find(by=SAM)[1] == 0 and store.batches(by=SAM) == []


@pytest.mark.parametrize("name", ["", "   "])
def test_a_batch_needs_a_name(store, name):
    with pytest.raises(InputError) as caught:
        store.save_batch(name, [q()], by=OPS)
    assert caught.value.field == "batch_name" and "is needed" in caught.value.message
    assert store.batches(by=SAM) == []


def _migrations(database_url: str):
    """An engine on an empty database and an Alembic config that migrates it step by step."""
    from alembic.config import Config
    from sqlalchemy import create_engine

    from store.db import MIGRATIONS

    if database_url.startswith("sqlite:///"):
        Path(database_url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return create_engine(database_url), config


def test_the_upgrade_folds_the_search_text_saved_before_it(database_url):
    from alembic import command

    engine, config = _migrations(database_url)
    with engine.begin() as connection:  # a register made by the first release
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text(
            "INSERT INTO saved_quotes (saved_at, saved_by, client_name, client_ref, note, provider, service, verdict, "
            "amount_paid, refund_min, refund_max, policy_id, policy_version, search_text) VALUES (:at, '', 'José Núñez',"
            " '', '', 'stepinto', 'ppc', 'full', 5, 5, 5, 'stepinto', 'v', 'josé núñez  ')"), {"at": AT})
    engine.dispose()
    upgraded = QuoteStore.open(database_url)
    assert upgraded.find(Filters(text="jose nunez"), by=SAM)[1] == 1
    assert upgraded.find(by=SAM)[0][0].batch_row is None
    upgraded.engine.dispose()


def test_the_upgrade_renumbers_saved_batch_rows_as_a_spreadsheet_does_and_the_downgrade_undoes_it(database_url):
    from alembic import command

    engine, config = _migrations(database_url)

    def batch_rows(connection) -> list:
        return connection.execute(text("SELECT batch_row FROM saved_quotes ORDER BY id")).scalars().all()

    with engine.begin() as connection:  # rows saved when the first row after the header was 1
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        connection.execute(text("INSERT INTO batches (name, saved_by, saved_at, rows) VALUES ('Dec', '', :at, 2)"),
                           {"at": AT})
        for row, batch in ((1, 1), (3, 1), (None, None)):
            connection.execute(text(
                "INSERT INTO saved_quotes (saved_at, saved_by, client_name, client_ref, note, provider, service, "
                "verdict, amount_paid, refund_min, refund_max, policy_id, policy_version, search_text, batch_id, "
                "batch_row) VALUES (:at, '', 'Ana', '', '', 'stepinto', 'ppc', 'full', 5, 5, 5, 'stepinto', 'v', "
                "'ana', :batch, :row)"), {"at": AT, "batch": batch, "row": row})
        command.upgrade(config, "0004")
        assert batch_rows(connection) == [2, 4, None]
        command.downgrade(config, "0003")
        assert batch_rows(connection) == [1, 3, None]
    engine.dispose()


def test_a_lab_version_is_saved_as_a_draft_then_published_from_a_date_with_who_and_when(database_url):
    from policy import shipped_policies as policies
    from policy.versions import shipped_catalog
    from store import PolicyStore

    engine = QuoteStore.open(database_url).engine
    versions = PolicyStore(engine)
    before = versions.revision()
    old = policies()["stepinto"]
    words = reworded(old)  # its quotes are checked against it when it is published
    draft = versions.save_draft(old.model_copy(update={"version": "2027-01"}), words, by=PAT)
    assert versions.revision() != before
    once = versions.revision()
    assert versions.save_draft(old.model_copy(update={"version": "2027-01"}), words + " Again.", by=PAT,
                               replacing=draft) == draft  # saved again, in its own row
    assert versions.revision() != once  # the app's catalog, cached by revision, shows the draft as saved last
    (saved,) = versions.versions()
    assert (saved.status, saved.lab_id, saved.text, saved.policy.version) == ("draft", draft, words + " Again.",
                                                                               "2027-01")
    words += " Again."
    with pytest.raises(InputError) as caught:  # the local user names themselves: a name is needed
        versions.publish(draft, date(2027, 1, 1), by=Actor.local_user(""))
    assert caught.value.field == "published_by"
    published = versions.publish(draft, date(2027, 1, 1), by=PAT, at=AT)
    assert (published.status, published.published_by, published.policy.effective_from) == (
        "published", "Pat Author", date(2027, 1, 1))
    catalog = shipped_catalog().adding(versions.versions())
    assert catalog.on(date(2026, 12, 31))["stepinto"].version == old.version
    assert catalog.on(date(2027, 1, 1))["stepinto"].version == "2027-01"
    with pytest.raises(InputError) as caught:  # one number, one version
        versions.save_draft(old.model_copy(update={"version": "2027-01"}), "", by=PAT)
    assert caught.value.field == "version" and "already a published version" in caught.value.message
    with pytest.raises(InputError):
        versions.publish(draft, date(2027, 2, 1), by=PAT)  # published once
    engine.dispose()


def test_the_same_terms_and_words_again_are_not_published_a_new_wording_or_an_edit_is(database_url):
    """A publish with no edit made a second version of the same terms ("0 rule(s) changed", two 'version
    published' in the trail): refused in words, with nothing published or recorded."""
    from policy import shipped_policies as policies
    from store import PolicyStore
    from store.audit import AuditLog

    engine = QuoteStore.open(database_url).engine
    versions, si, trail = PolicyStore(engine), policies()["stepinto"], AuditLog(engine)
    same = versions.save_draft(si.model_copy(update={"version": "2027-same"}), source_text(si), by=PAT)
    events = trail.find(by=ADA)[1]
    with pytest.raises(InputError) as caught:
        versions.publish(same, date(2027, 1, 1), by=PAT)
    assert caught.value.field == "version" and caught.value.message == (
        f"2027-same: it has the terms and the text of version {si.version}, in force on that day: publishing it "
        "would change no quote (make an edit first)")
    assert [v.status for v in versions.versions()] == ["draft"] and trail.find(by=ADA)[1] == events
    assert versions.publish(versions.save_draft(si.model_copy(update={"version": "2027-words"}), reworded(si), by=PAT),
                            date(2027, 1, 1), by=PAT).status == "published"  # a new wording alone is something new
    edited = si.model_copy(update={"version": "2027-contact", "contact": si.contact.model_copy(update={"email": "r@x.io"})})
    assert versions.publish(versions.save_draft(edited, reworded(si), by=PAT), date(2027, 2, 1), by=PAT).status == "published"
    engine.dispose()


def test_nul_characters_are_refused_in_details_and_dropped_from_a_search_on_either_database(store):
    """On PostgreSQL a NUL in text is an error of the database: in a search it crashed the page, in one client
    cell it failed a whole batch."""
    store.save(q(), client_name="Ana", by=SAM)
    with pytest.raises(InputError) as caught:
        store.save(q(), client_name="Bo\x00", by=SAM)
    assert caught.value.field == "client_name" and "NUL" in caught.value.message
    assert store.find(Filters(text="an\x00a"), by=SAM)[1] == 1  # the NUL is dropped: "ana" is found
    with pytest.raises(InputError) as caught:
        store.save_batch("night\x00shift", [q()], by=OPS)
    assert caught.value.field == "batch_name"


def test_a_nul_in_one_client_cell_is_that_rows_error_and_the_batch_saves(store, tmp_path):
    from policy.batch import quote_file

    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("client,provider,service,amount_paid,completion_pct,days_since_payment\n"
                      "Ana,stepinto,ppc,700,0,2\nB\x00o,stepinto,ppc,700,0,2\nCy,stepinto,ppc,700,0,2\n")
    with store.batch("Nov", by=OPS) as writer:
        result = quote_file(source, output, "in.csv", keep=writer.add, basis=BASIS)
    assert result.errors == 1 and writer.count == 2
    assert [r.client_name for r in store.find(Filters(batch_id=writer.id), sort="oldest", by=OPS)[0]] == ["Ana", "Cy"]


def test_a_sqlite_file_deleted_while_the_app_runs_is_not_written_to(tmp_path):
    """Before: two saves said "Saved as quote #2/#3" into the deleted file and were gone after a restart."""
    path = tmp_path / "register" / "quotes.sqlite"
    store = QuoteStore.open(f"sqlite:///{path}")
    store.save(q(), client_name="Ana", by=SAM)
    path.unlink()
    with pytest.raises(SaveError, match="was deleted or replaced while the app ran; nothing is written"):
        store.save(q(), client_name="Bo", by=SAM)
    path.write_bytes(b"")  # another file in its place: refused too
    with pytest.raises(SaveError, match="deleted or replaced"):
        store.save(q(), client_name="Cy", by=SAM)
    store.engine.dispose()


def test_processes_opening_a_new_sqlite_file_at_once_all_migrate_it(tmp_path):
    """Before: three of four processes opening a fresh file together failed the migration."""
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'fresh' / 'quotes.sqlite'}"
    code = ("import sys; from store import QuoteStore; from tests.actors import SAM; "
            "s = QuoteStore.open(sys.argv[1]); print(s.find(by=SAM)[1])")
    root = Path(__file__).resolve().parent.parent
    procs = [subprocess.Popen([sys.executable, "-c", code, url], cwd=root, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err[-500:] for _, err in results]
    assert [out.strip() for out, _ in results] == ["0"] * 4


def test_a_batchs_row_count_follows_a_delete(store):
    batch = store.save_batch("Nov", [q(), q(), q()], by=OPS)
    first = store.find(Filters(batch_id=batch), sort="oldest", by=OPS)[0][0]
    assert store.delete(first.id, by=OPS)
    assert store.batches(by=OPS) == [(batch, "Nov", 2)]  # it said 3 after the delete before


KILLED_MID_BATCH = """
import sys, time
from policy import parse_scenario, quote
from store import QuoteStore
from tests.actors import OPS
from tests.shipped import BASIS
made = quote(parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="700", completion_pct=0,
                                 days_since_payment=2), BASIS), BASIS)
store = QuoteStore.open(sys.argv[1])
with store.batch("November leads", by=OPS) as writer:
    for n in range(1, 2501):
        writer.add(n, made)
    print("writing", flush=True)
    time.sleep(120)  # killed here, as a replica is
"""


def test_a_batch_whose_process_is_killed_mid_way_is_told_once_and_nothing_of_it_is_saved(database_url):
    """Before: a replica dying mid-batch left its person without a word."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "-c", KILLED_MID_BATCH, database_url], cwd=root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing", proc.stderr.read()[-2000:]
    store = QuoteStore.open(database_url)
    assert store.interrupted_batches(by=OPS) == []  # still running: not said
    proc.kill()
    proc.wait(timeout=30)
    (gone,) = store.interrupted_batches(by=OPS)
    assert gone.name == "November leads"
    assert store.interrupted_batches(by=OPS) == []  # said once
    assert store.find(by=OPS)[1] == 0 and store.batches(by=OPS) == []  # nothing of it was saved
    assert store.interrupted_batches(by=SAM) == []  # sales save no batch: nothing to say to them
    store.engine.dispose()


def test_a_batch_stopped_mid_way_is_told_once_and_one_that_failed_is_left_to_its_page(store):
    """A service manager's stop ends a page's batch with Streamlit's StopException (the page run again: its
    RerunException). It was taken for an error the page had shown there and then, and never said (a walkthrough:
    SIGTERM at 14,000 rows of 150,000). A stop is said once, as a killed process is; an error is its page's to say."""
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    for name, raised in (("stopped", StopException()), ("broken", ValueError("a bad row"))):
        with pytest.raises(type(raised)), store.batch(name, by=OPS) as writer:
            writer.add(1, q())
            raise raised
    assert [b.name for b in store.interrupted_batches(by=OPS)] == ["stopped"]
    assert store.interrupted_batches(by=OPS) == []  # said once
    assert store.batches(by=OPS) == [] and store.find(by=OPS)[1] == 0  # nothing of either was saved


def test_a_batch_on_another_machine_is_stopped_once_it_has_been_silent_a_minute(store):
    from store.register import SILENT_FOR
    from store.tables import BatchRunRow

    now = datetime.now(UTC)
    with store.engine.begin() as c:
        for name, beat in (("quiet", now - SILENT_FOR - timedelta(seconds=5)), ("busy", now - timedelta(seconds=5))):
            c.execute(BatchRunRow.__table__.insert().values(owner=OPS.key, name=name, host="elsewhere", pid=1,
                                                            started_at=now - timedelta(minutes=5), beat_at=beat))
    assert [b.name for b in store.interrupted_batches(by=OPS)] == ["quiet"]


# ------------------------------------------------------------------ policy versions: lint at publish, unique numbers


def _edited(pid: str, tier: str, version: str, **ends) -> PolicyFile:
    """A shipped policy with one tier's percents changed (min_pct=..., max_pct=...)."""
    from policy import shipped_policies as policies
    from policy.lab import Tables, edited, tier_rows

    policy = policies()[pid]
    rows = tier_rows(policy)
    next(r for r in rows if r["tier"] == tier).update(ends)
    return edited(policy, Tables(tiers=rows), version=version)


def test_a_version_with_a_lint_error_is_kept_as_a_draft_and_refused_at_publish_in_words(database_url):
    from policy import shipped_policies as policies
    from store import PolicyStore
    from store.policy_versions import LintRefused

    engine = QuoteStore.open(database_url).engine
    versions = PolicyStore(engine)
    si = policies()["stepinto"]
    broken = _edited("stepinto", "si_started_nothing_delivered_window", "2027-01", min_pct=50)  # the edit
    draft = versions.save_draft(broken, source_text(si), by=PAT)  # a draft may have errors
    with pytest.raises(LintRefused) as caught:
        versions.publish(draft, date(2027, 1, 1), by=PAT)
    assert caught.value.field == "lint" and "cannot be published" in caught.value.message
    assert ("reading-outside-band: A-SI-01's reading \u201c'and' intended: no refund\u201d of tier "
            "si_started_nothing_delivered_window gives 0% of the payment, outside the tier's own 50-100%") in caught.value.message
    assert "change that reading's amount to lie within the tier's band" in caught.value.message  # what to do
    assert [f.code for f in caught.value.findings] == ["reading-outside-band"]
    unchecked = versions.save_draft(si.model_copy(update={"version": "2027-02"}), "Some other policy's words.", by=PAT)
    with pytest.raises(LintRefused) as caught:  # the text kept with the version is what its quotes are checked against
        versions.publish(unchecked, date(2027, 1, 1), by=PAT)
    assert {f.code for f in caught.value.findings} == {"quote-not-in-text"}
    assert [v.status for v in versions.versions()] == ["draft", "draft"]  # nothing published, both kept
    engine.dispose()


def test_a_clean_edit_is_published_and_its_warning_against_the_version_before_is_said(database_url):
    from policy import shipped_policies as policies
    from store import PolicyStore

    engine = QuoteStore.open(database_url).engine
    versions = PolicyStore(engine)
    sb = policies()["socialbeat"]
    old_words, new_words = ("75% Refund: If cancelled during initial consultations and planning",
                            "60% Refund: If cancelled during initial consultations and planning")
    rows_edit = _edited("socialbeat", "sb_web_discovery", "2027-01", min_pct=60, max_pct=60, quote=new_words)
    text_now = source_text(sb).replace(old_words, new_words)
    dated = rows_edit.model_copy(update={"effective_from": date(2027, 1, 1)})
    found = versions.lint(dated, text_now)
    assert not [f for f in found if f.severity == "error"]
    assert [f.key for f in found if f.code == "reading-unchanged"] == [
        "reading-unchanged:website:sb_web_pre_kickoff_gap, the next phase's 75%"]  # against 2025-06-17
    published = versions.publish(versions.save_draft(rows_edit, text_now, by=PAT), date(2027, 1, 1), by=PAT)
    assert published.status == "published"
    engine.dispose()


def test_a_version_number_is_unique_for_its_provider_and_a_shipped_number_is_taken(database_url):
    from sqlalchemy.exc import IntegrityError

    from policy import shipped_policies as policies
    from store import PolicyStore

    engine = QuoteStore.open(database_url).engine
    versions = PolicyStore(engine)
    si, sb = policies()["stepinto"], policies()["socialbeat"]
    for policy in (si, sb):  # the shipped numbers are taken, in a draft as in a publish
        with pytest.raises(InputError) as caught:
            versions.save_draft(policy, source_text(policy), by=PAT)
        assert caught.value.field == "version" and "shipped version" in caught.value.message
    first = versions.save_draft(si.model_copy(update={"version": "v2"}), source_text(si), by=PAT)
    with pytest.raises(InputError) as caught:
        versions.save_draft(si.model_copy(update={"version": "v2"}), source_text(si), by=PAT)
    assert caught.value.field == "version" and f"already a draft (#{first})" in caught.value.message
    versions.save_draft(sb.model_copy(update={"version": "v2"}), source_text(sb), by=PAT)  # another provider's: free
    again = versions.save_draft(si.model_copy(update={"version": "v2", "name": "Step-Into"}), source_text(si),
                                by=PAT, replacing=first)  # the draft itself, saved again, keeps its row
    assert again == first and len(versions.versions("stepinto")) == 1
    with pytest.raises(IntegrityError), engine.begin() as c:  # the database itself refuses a second one
        c.execute(text("INSERT INTO policy_versions (provider, version, status, policy_toml, policy_text, saved_by, "
                       "saved_at, published_by) VALUES ('stepinto', 'v2', 'draft', '', '', '', :at, '')"), {"at": AT})
    engine.dispose()


@pytest.mark.parametrize("race", ["as it comes", "past the check"])
def test_sessions_publishing_one_number_at_once_one_lands_and_the_others_are_told(database_url, race, monkeypatch):
    """Three authors publish the same number at the same moment (threads, on a SQLite file and on PostgreSQL):
    one version is published, the others are refused by field. 'past the check': each passes the number check
    before any has written, so the database's unique constraint decides, and its error is said in words."""
    from policy import shipped_policies as policies
    from store import PolicyStore

    engine = QuoteStore.open(database_url).engine
    versions = PolicyStore(engine)
    si = policies()["stepinto"]
    if race == "past the check":
        monkeypatch.setattr(PolicyStore, "versions", lambda self, provider=None: [])
    start = threading.Barrier(3)
    results: list = []

    def publish() -> None:
        start.wait()
        try:
            draft = versions.save_draft(si.model_copy(update={"version": "2027-race"}), reworded(si), by=PAT)
            results.append(versions.publish(draft, date(2027, 1, 1), by=PAT).status)
        except InputError as exc:
            results.append(exc)

    threads = [threading.Thread(target=publish) for _ in range(3)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    refused = [r for r in results if isinstance(r, InputError)]
    assert results.count("published") == 1 and len(refused) == 2, results
    assert all(r.field == "version" and "2027-race" in r.message for r in refused)
    if race == "past the check":
        assert any("taken for Step-Into by another version saved at the same moment" in r.message for r in refused)
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM policy_versions WHERE version = '2027-race'")).scalar_one() == 1
    engine.dispose()


@pytest.mark.parametrize("field, update", [("provider", {"id": "p" * 60}), ("version", {"version": "v" * 81})])
def test_a_provider_id_or_version_over_its_one_limit_is_refused_by_name_on_either_database(database_url, field, update):
    """One declared limit per field (policy/schema.py), the same on SQLite and PostgreSQL: the schema refuses a
    file over it, and the store refuses one that got past the schema, before the database sees it."""
    from pydantic import ValidationError

    from policy import shipped_policies as policies
    from policy.schema import ID_MAX, VERSION_MAX
    from store import PolicyStore
    from store.tables import PolicyVersionRow

    assert (PolicyVersionRow.__table__.c.provider.type.length, PolicyVersionRow.__table__.c.version.type.length) == (
        ID_MAX, VERSION_MAX)  # the columns are as wide as the declared limits
    si = policies()["stepinto"]
    with pytest.raises(ValidationError, match="at most"):
        PolicyFile.model_validate({**si.model_dump(), **update})
    engine = QuoteStore.open(database_url).engine
    versions = PolicyStore(engine)
    past_schema = PolicyFile.model_construct(**{**{k: getattr(si, k) for k in PolicyFile.model_fields}, **update})
    with pytest.raises(InputError) as caught:
        versions.save_draft(past_schema, source_text(si), by=PAT)
    limit = ID_MAX if field == "provider" else VERSION_MAX
    assert caught.value.field == field and f"at most {limit}" in caught.value.message
    assert versions.versions() == []
    engine.dispose()


def test_the_upgrade_to_unique_numbers_renumbers_the_later_of_a_shared_number(database_url):
    """A register from before 0007 with three versions of one number: the published one keeps it, the drafts are
    renumbered by their id; another provider's same number is left alone."""
    from alembic import command

    from policy import shipped_policies as policies
    from policy.loader import policy_toml
    from store import PolicyStore

    si, sb = policies()["stepinto"], policies()["socialbeat"]
    engine, config = _migrations(database_url)
    rows = [("stepinto", "draft", None, si), ("stepinto", "published", AT, si), ("stepinto", "draft", None, si),
            ("socialbeat", "draft", None, sb)]
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
        for provider, status, published_at, policy in rows:
            connection.execute(text(
                "INSERT INTO policy_versions (provider, version, effective_from, status, policy_toml, policy_text, "
                "saved_by, saved_at, published_by, published_at) VALUES (:provider, 'v2', NULL, :status, :toml, '', "
                "'', :at, '', :published_at)"), {"provider": provider, "status": status, "at": AT,
                                                 "published_at": published_at,
                                                 "toml": policy_toml(policy.model_copy(update={"version": "v2"}))})
        command.upgrade(config, "0007")
        numbers = connection.execute(text("SELECT id, version FROM policy_versions ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in numbers] == [(1, "v2 (#1)"), (2, "v2"), (3, "v2 (#3)"), (4, "v2")]
    opened = QuoteStore.open(database_url).engine
    listed = {v.lab_id: (v.policy.version, v.status) for v in PolicyStore(opened).versions()}
    assert listed == {1: ("v2 (#1)", "draft"), 2: ("v2", "published"), 3: ("v2 (#3)", "draft"), 4: ("v2", "draft")}
    opened.dispose()


def test_the_same_quote_with_the_same_details_is_found_before_a_second_copy_is_saved(store):
    """Asked in the calculator before a duplicate is made, in any session (a walkthrough found four copies)."""
    from store import Forbidden
    from tests.actors import ANYONE

    given = q(provider="stepinto", service="ppc", amount_paid="2400", days_since_payment=3)
    assert store.already_saved(given, "Ana", "R-1", "", by=SAM) is None
    first = store.save(given, "Ana", "R-1", by=SAM)
    assert store.already_saved(given, " Ana ", "R-1", "", by=ADA) == first  # by anyone who may see it, stripped
    assert store.already_saved(given, "Ana", "R-2", "", by=SAM) is None  # other details
    assert store.already_saved(q(provider="stepinto", service="ppc", amount_paid="2500", days_since_payment=3),
                               "Ana", "R-1", "", by=SAM) is None  # another scenario
    with store.batch("December", by=OPS) as batch:  # a batch's row is not a quote saved by hand
        batch.add(2, given, {"client_name": "Bo", "client_ref": "", "note": ""})
    assert store.already_saved(given, "Bo", "", "", by=SAM) is None
    with pytest.raises(Forbidden):
        store.already_saved(given, "Ana", "R-1", "", by=ANYONE)
