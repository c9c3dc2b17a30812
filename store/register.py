"""The register of saved quotes: save one (or a named batch, in one transaction), find them with filters,
sorted and paged, open one exactly as it was shown, delete one. A quote is stored whole, as its JSON, next to
the columns the list filters and sorts on; opening it rebuilds the same Quote object."""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import socket
import time as clock
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import Engine, Select, delete, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from policy import InputError
from policy.export import QUOTE_COLUMNS, WHEN_COLUMNS, quoted_cells
from policy.fields import NAMES
from policy.models import Quote, quote_from_json, quote_to_json
from policy.records import NAME_MAX, checked, checked_record, folded, searchable
from policy.spreadsheet import rows_text

from .access import Actor, Permission
from .audit import Action, record, require
from .days import Days
from .db import open_engine
from .tables import BatchRow, BatchRunRow, SavedQuoteDocument, SavedQuoteRow

Sort = str  # a key of SORTS
SORTS: dict[str, str] = {"newest": "Newest first", "oldest": "Oldest first", "refund_high": "Largest refund first",
                         "refund_low": "Smallest refund first", "client": "Client name (A-Z)"}
BATCH_CHUNK = 2000  # rows per INSERT: one statement each, all in the batch's one transaction


class SaveError(Exception):
    """A save that did not happen, in words; nothing of it was written."""


@dataclass(frozen=True)
class Filters:
    provider: Optional[str] = None
    service: Optional[str] = None
    verdict: Optional[str] = None
    saved_on: Days = field(default_factory=Days)  # saved on these days, in the time zone of whoever picked them
    text: str = ""  # words in the client's name, the reference, the note, the project or the invoice (SEARCHED)
    batch_id: Optional[int] = None


def who_saved(saved_by: str) -> str:
    """Who saved a quote, as every page and file says it: a save in local mode, with no name typed, is the local
    user's (its page said "the local user", its list and CSV nothing)."""
    return saved_by or Actor.local_user().label


@dataclass(frozen=True)
class SavedQuote:
    id: int
    saved_at: datetime
    saved_by: str
    client_name: str
    client_ref: str
    note: str
    batch_id: Optional[int]
    quote: Quote  # exactly as it was shown when saved
    batch_row: Optional[int] = None  # its row as a spreadsheet shows the batch's file (header = 1)
    owner: str = ""  # access.Actor.key of who saved it
    project: str = ""  # the client's project, for the request email
    invoice: str = ""  # the client's order or invoice number, for the request email
    asked_on: Optional[date] = None  # the day it was quoted for (where its person was); None: saved_at's day (UTC)

    @property
    def asked_day(self) -> date:
        """The day its case was asked on: a case given in days dates its payment and deadlines from it."""
        return self.asked_on or self.saved_at.date()


@dataclass(frozen=True)
class Listed:
    """A row of the list: what it shows without opening the quote."""
    id: int
    saved_at: datetime
    saved_by: str
    client_name: str
    client_ref: str
    provider: str
    service: str
    verdict: str
    refund_min: Decimal
    refund_max: Decimal
    policy_version: str
    note: str
    batch_id: Optional[int] = None
    batch_row: Optional[int] = None


def _row(q: Quote, client_name: str, client_ref: str, note: str, by: Actor, at: datetime, asked_on: date,
         batch_id: Optional[int] = None, batch_row: Optional[int] = None, project: str = "",
         invoice: str = "") -> dict[str, Any]:
    project, invoice = checked("project", project, NAME_MAX), checked("invoice", invoice, NAME_MAX)
    return dict(
        saved_at=at, asked_on=asked_on, saved_by=checked("saved_by", by.display_name, NAME_MAX), owner=by.key, client_name=client_name,
        client_ref=client_ref, note=note, project=project, invoice=invoice,
        provider=q.provider, service=q.service, verdict=q.verdict, amount_paid=Decimal(q.amount_paid),
        refund_min=Decimal(q.refund_min), refund_max=Decimal(q.refund_max), policy_id=q.provider,
        policy_version=q.policy_version, search_text=folded(" ".join((client_name, client_ref, note, project, invoice))),
        batch_id=batch_id, batch_row=batch_row,
    )


def _document(q: Quote, quote_id: int) -> dict[str, Any]:
    return dict(quote_id=quote_id, scenario_json=q.scenario.model_dump_json(), quote_json=quote_to_json(q))


def _now() -> datetime:
    return datetime.now(UTC)


class QuoteStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> QuoteStore:
        return cls(open_engine(url))

    # ------------------------------------------------------------------ writing

    def save(self, q: Quote, client_name: str = "", client_ref: str = "", note: str = "", *, by: Actor,
             at: Optional[datetime] = None, project: str = "", invoice: str = "", asked_on: Optional[date] = None) -> int:
        """Save a quote as it was shown, by `by` (who needs a role that may save); its id. `asked_on`: the day it was
        quoted for where its person is (the day of `at` in UTC without one). Bad details raise InputError naming the
        field; a database failure raises SaveError (rolled back: nothing partial)."""
        require(self.engine, by, Permission.SAVE_QUOTE, "save a quote")
        details = checked_record({"client_name": client_name, "client_ref": client_ref, "note": note})
        at = at or _now()
        row = _row(q, details["client_name"], details["client_ref"], details["note"], by, at, asked_on or at.date(),
                   project=project, invoice=invoice)
        try:
            with Session(self.engine) as session, session.begin():
                saved = SavedQuoteRow(**row)
                session.add(saved)
                session.flush()
                session.add(SavedQuoteDocument(**_document(q, saved.id)))
                record(session, by, Action.QUOTE_SAVED, f"quote #{saved.id}", _summary(saved), at=row["saved_at"])
                return saved.id
        except SQLAlchemyError as exc:
            raise SaveError(f"the quote was not saved: {database_said(exc)}") from exc

    def already_saved(self, q: Quote, client_name: str = "", client_ref: str = "", note: str = "", *,
                      by: Actor, project: str = "", invoice: str = "") -> Optional[int]:
        """The newest quote saved by hand (not in a batch) with this very scenario, policy version and details: a
        rep who saved it yesterday, in another session, made a second copy without a word (a walkthrough); None."""
        require(self.engine, by, Permission.VIEW_REGISTER, "the saved quotes")
        details = checked_record({"client_name": client_name, "client_ref": client_ref, "note": note})
        scenario = q.scenario.model_dump_json()
        query = (select(SavedQuoteRow.id)
                 .join(SavedQuoteDocument, SavedQuoteDocument.quote_id == SavedQuoteRow.id)
                 .where(SavedQuoteRow.batch_id.is_(None), SavedQuoteRow.provider == q.provider,
                        SavedQuoteRow.service == q.service, SavedQuoteRow.policy_version == q.policy_version,
                        SavedQuoteRow.client_name == details["client_name"],
                        SavedQuoteRow.client_ref == details["client_ref"], SavedQuoteRow.note == details["note"],
                        SavedQuoteRow.project == project.strip(), SavedQuoteRow.invoice == invoice.strip(),
                        SavedQuoteDocument.scenario_json == scenario)
                 .order_by(SavedQuoteRow.id.desc()).limit(1))
        try:
            with Session(self.engine) as session:
                return session.execute(query).scalar()
        except SQLAlchemyError as exc:
            raise SaveError(f"the saved quotes were not read: {database_said(exc)}") from exc

    @contextmanager
    def batch(self, name: str, *, by: Actor, at: Optional[datetime] = None, file: str = "",
              asked_on: Optional[date] = None, digest: str = "") -> Iterator[BatchWriter]:
        """A named batch, written as it is fed (a chunk at a time, so memory stays flat) in one transaction:
        it commits when the block ends, and any failure in it, the quoting's included, leaves nothing. Its run is
        recorded first, so that a process that stops half-way leaves word of it (interrupted_batches). `file`: the
        name of the file it was quoted from, for the audit trail beside the rows saved and those not (with an error).
        `asked_on`: the day its rows given in days were quoted for (the day of `at` in UTC without one). `digest`: the
        file's SHA-256 (file_digest), by which saving the same file again is found (same_file_saved)."""
        require(self.engine, by, Permission.SAVE_BATCH, "save a batch")
        name = batch_name(name)
        saved_by = checked("saved_by", by.display_name, NAME_MAX)
        try:
            run = self._run_started(name, by)
        except SQLAlchemyError as exc:
            raise SaveError(f"the batch was not saved: {database_said(exc)}") from exc
        try:
            with Session(self.engine) as session, session.begin():
                row = BatchRow(name=name, saved_by=saved_by, owner=by.key, saved_at=at or _now(), rows=0, digest=digest)
                session.add(row)
                session.flush()
                writer = BatchWriter(session, row.id, by, row.saved_at, asked_on or row.saved_at.date(),
                                     beat=functools.partial(self._beat, run))
                yield writer
                writer.flush()
                row.rows = writer.count
                # the file and the rows left out too: "name: Q4 review; rows: 24" said neither (a walkthrough)
                record(session, by, Action.BATCH_SAVED, f"batch #{row.id}",
                       {"name": name, "rows": writer.count, **({"file": file[:FILE_NAME_SAID]} if file else {}),
                        **({"not_saved": writer.not_saved} if writer.not_saved else {})}, at=row.saved_at)
        except SQLAlchemyError as exc:
            self._run_finished(run, "failed")
            raise SaveError(f"the batch was not saved: {database_said(exc)}") from exc
        except Exception:  # an error: its caller says it, there and then
            self._run_finished(run, "failed")
            raise
        except BaseException:  # a stop, not an error (the server stopping, the page run again, Ctrl-C): nobody
            self._run_finished(run, STOPPED)  # is there to read it, so it is said later (interrupted_batches)
            raise
        self._run_finished(run, "saved")

    def _run_started(self, name: str, by: Actor) -> int:
        now = _now()
        with Session(self.engine) as session, session.begin():
            run = BatchRunRow(owner=by.key, name=name, host=HOST, pid=os.getpid(), started_at=now, beat_at=now)
            session.add(run)
            session.flush()
            return run.id

    def _beat(self, run: int, rows: int) -> None:
        """A sign of life for a batch quoted on another machine (PostgreSQL only: SQLite has one writer, the
        batch's own transaction, and a process there is checked by its id instead)."""
        if self.engine.dialect.name == "sqlite":
            return
        with Session(self.engine) as session, session.begin():
            session.execute(update(BatchRunRow).where(BatchRunRow.id == run).values(beat_at=_now(), rows=rows))

    def _run_finished(self, run: int, outcome: str) -> None:
        with contextlib.suppress(SQLAlchemyError), Session(self.engine) as session, session.begin():
            session.execute(update(BatchRunRow).where(BatchRunRow.id == run).values(finished_at=_now(),
                                                                                    outcome=outcome))

    def interrupted_batches(self, *, by: Actor) -> list[InterruptedBatch]:
        """The batches `by` was saving that stopped before they were saved (their process ended, or they were
        stopped): nothing of them is in the register. Each is said once (then marked interrupted). A service
        manager's stop ended a batch quietly: it was taken for an error its page had shown, and never said."""
        if not by.may(Permission.SAVE_BATCH):
            return []
        with Session(self.engine) as session, session.begin():
            runs = session.scalars(select(BatchRunRow).where(
                BatchRunRow.owner == by.key,
                BatchRunRow.finished_at.is_(None) | (BatchRunRow.outcome == STOPPED))).all()
            gone = [r for r in runs if r.outcome == STOPPED or _stopped(r)]
            for r in gone:
                r.finished_at, r.outcome = _now(), "interrupted"
            return [InterruptedBatch(r.name, _utc(r.started_at), r.rows) for r in gone]

    def save_batch(self, name: str, quotes: Iterable[Quote], *, by: Actor, at: Optional[datetime] = None) -> int:
        """Save every quote as one named batch, all or nothing; the batch's id."""
        with self.batch(name, by=by, at=at) as writer:
            for number, q in enumerate(quotes, 1):
                writer.add(number, q)
        return writer.id

    def delete(self, quote_id: int, *, by: Actor) -> bool:
        """Delete a saved quote: one's own with a role that may, any with an admin's. False where it was no
        longer there (deleted in another session). The audit trail keeps what was deleted."""
        require(self.engine, by, Permission.DELETE_OWN_QUOTE, f"delete quote #{quote_id}")
        with Session(self.engine) as session, session.begin():
            found = session.execute(_whole(select(SavedQuoteRow).where(SavedQuoteRow.id == quote_id))
                                    .with_for_update()).first()
            if found is None:
                return False
            row, quote_json = found
            if row.owner == by.key or by.may(Permission.DELETE_ANY_QUOTE):
                session.execute(delete(SavedQuoteRow).where(SavedQuoteRow.id == quote_id))
                record(session, by, Action.QUOTE_DELETED, f"quote #{quote_id}",
                       {**_summary(row), "quote": json.loads(quote_json)})
                return True
            saved_by = row.saved_by
        # someone else's quote, and no admin's role: refused (and recorded), nothing deleted
        require(self.engine, by, Permission.DELETE_ANY_QUOTE, f"delete quote #{quote_id}, saved by {saved_by}")
        return False

    def may_delete(self, saved: SavedQuote, by: Actor) -> bool:
        """Whether `by` may delete `saved` (to offer the button only where the store would allow it)."""
        return by.may(Permission.DELETE_ANY_QUOTE) or (by.may(Permission.DELETE_OWN_QUOTE) and saved.owner == by.key)

    # ------------------------------------------------------------------ reading

    def get(self, quote_id: int, *, by: Actor) -> Optional[SavedQuote]:
        require(self.engine, by, Permission.VIEW_REGISTER, f"open quote #{quote_id}")
        with Session(self.engine) as session:
            found = session.execute(_whole(select(SavedQuoteRow).where(SavedQuoteRow.id == quote_id))).first()
            return None if found is None else _saved(*found)

    def find(self, filters: Filters = Filters(), sort: Sort = "newest", page: int = 1,
             page_size: int = 50, *, by: Actor) -> tuple[list[Listed], int]:
        """One page of the list and the number of rows the filters match."""
        require(self.engine, by, Permission.VIEW_REGISTER, "the saved quotes")
        query = _filtered(filters)
        with Session(self.engine) as session:
            total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
            rows = session.execute(_sorted(query, sort).limit(page_size).offset((max(page, 1) - 1) * page_size))
            return [_listed(r) for r in rows.scalars()], total

    def each(self, filters: Filters = Filters(), sort: Sort = "newest", *, by: Actor) -> Iterator[SavedQuote]:
        """Every matching quote, whole, in order (for the list's CSV download)."""
        require(self.engine, by, Permission.VIEW_REGISTER, "download the saved quotes")
        with Session(self.engine) as session:
            query = _whole(_sorted(_filtered(filters), sort)).execution_options(yield_per=1000)
            for row, document in session.execute(query):
                yield _saved(row, document)

    def same_file_saved(self, digest: str, *, by: Actor) -> Optional[SavedBatch]:
        """The newest batch saved from a file of this digest (file_digest), to ask before saving it again."""
        require(self.engine, by, Permission.SAVE_BATCH, "look for a batch of the same file")
        with Session(self.engine) as session:
            row = session.scalars(select(BatchRow).where(BatchRow.digest == digest, BatchRow.digest != "")
                                  .order_by(BatchRow.id.desc()).limit(1)).first()
            return None if row is None else SavedBatch(row.id, row.name, row.saved_by, _utc(row.saved_at), row.rows)

    def batches(self, *, by: Actor) -> list[tuple[int, str, int]]:
        require(self.engine, by, Permission.VIEW_REGISTER, "the saved batches")
        with Session(self.engine) as session:  # rows counted as they are now: a quote deleted from a batch is gone
            held = func.count(SavedQuoteRow.id)
            rows = session.execute(select(BatchRow.id, BatchRow.name, held).outerjoin(
                SavedQuoteRow, SavedQuoteRow.batch_id == BatchRow.id).group_by(BatchRow.id, BatchRow.name)
                .order_by(BatchRow.id.desc()))
            return [(batch_id, name, count) for batch_id, name, count in rows]


def file_digest(content: bytes) -> str:
    """What a saved batch keeps of its file: enough to know the same file again, nothing of what it holds."""
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class SavedBatch:
    id: int
    name: str
    saved_by: str
    saved_at: datetime
    rows: int


HOST = socket.gethostname()
SILENT_FOR = timedelta(seconds=60)  # a batch on another machine with no sign of life for this long has stopped
BEAT_EVERY = 5.0  # seconds between a batch's signs of life


STOPPED = "stopped"  # a batch run stopped before it was saved, and not yet said to its person


@dataclass(frozen=True)
class InterruptedBatch:
    name: str
    started_at: datetime
    rows: int  # rows it had written when it was last heard of (0 on SQLite)


def _stopped(run: BatchRunRow) -> bool:
    if run.host == HOST:
        try:
            os.kill(run.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # another user's live process
            return False
        return False
    return _now() - _utc(run.beat_at) > SILENT_FOR


FILE_NAME_SAID = 200  # characters of an uploaded file's name the audit trail keeps


@dataclass
class BatchWriter:
    """Feeds a batch's rows to the database in chunks; `add` fits policy.batch's keep (row number, quote, record)."""

    session: Session
    id: int  # the batch's (plain values: they outlive the session)
    by: Actor
    saved_at: datetime
    asked_on: date
    beat: Callable[[int], None] = lambda rows: None  # a sign of life, given the rows written so far
    count: int = 0
    not_saved: int = 0  # rows of the file with an error
    pending: list[tuple[int, Quote, dict[str, Any]]] = field(default_factory=list)
    last_beat: float = field(default_factory=clock.monotonic)

    def add(self, number: int, q: Optional[Quote], record: Optional[Mapping[str, str]] = None) -> None:
        """A row of the file: its quote (None for a bad row, which is not saved) and its client details."""
        if q is None:
            self.not_saved += 1
            return
        self.pending.append((number, q, checked_record(record or {})))
        if len(self.pending) >= BATCH_CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        rows = [_row(q, r["client_name"], r["client_ref"], r["note"], self.by, self.saved_at, self.asked_on, self.id,
                     number)
                for number, q, r in self.pending]
        ids = self.session.scalars(
            insert(SavedQuoteRow).returning(SavedQuoteRow.id, sort_by_parameter_order=True), rows).all()
        self.session.execute(insert(SavedQuoteDocument),
                             [_document(q, i) for (_, q, _), i in zip(self.pending, ids, strict=True)])
        self.count += len(self.pending)
        self.pending = []
        if clock.monotonic() - self.last_beat > BEAT_EVERY:
            self.beat(self.count)
            self.last_beat = clock.monotonic()


def _whole(query: Select[Any]) -> Select[Any]:
    """A query of list rows, with each row's whole quote beside it."""
    return query.join(SavedQuoteDocument, SavedQuoteDocument.quote_id == SavedQuoteRow.id).add_columns(
        SavedQuoteDocument.quote_json)


def _saved(row: SavedQuoteRow, quote_json: str) -> SavedQuote:
    return SavedQuote(id=row.id, saved_at=_utc(row.saved_at), saved_by=row.saved_by, client_name=row.client_name,
                      client_ref=row.client_ref, note=row.note, batch_id=row.batch_id, quote=quote_from_json(quote_json),
                      batch_row=row.batch_row, owner=row.owner, project=row.project, invoice=row.invoice,
                      asked_on=row.asked_on)


def _summary(row: SavedQuoteRow) -> dict[str, Any]:
    """A saved quote as the audit trail names it."""
    return {"client_name": row.client_name, "client_ref": row.client_ref, "note": row.note, "project": row.project,
            "invoice": row.invoice, "provider": row.provider, "service": row.service, "verdict": row.verdict,
            "refund_min": str(row.refund_min), "refund_max": str(row.refund_max),
            "policy_version": row.policy_version, "saved_by": row.saved_by, "batch_id": row.batch_id}


def _filtered(f: Filters) -> Select[Any]:
    t = SavedQuoteRow
    query = select(t)
    for column, value in ((t.provider, f.provider), (t.service, f.service), (t.verdict, f.verdict),
                          (t.batch_id, f.batch_id)):
        if value is not None:
            query = query.where(column == value)
    for condition in f.saved_on.of(t.saved_at):
        query = query.where(condition)
    words = folded(searchable(f.text))
    for mark in APOSTROPHES:
        words = words.replace(mark, "")
    searched: Any = t.search_text
    for mark in APOSTROPHES:  # on both sides: "obrien" finds O'Brien, "o'brien" finds O’Brien
        searched = func.replace(searched, mark, "")
    # each word anywhere, in any order: "cedar oak" finds "Cedar & Oak" (as one phrase it found nothing, a walkthrough)
    for word in words.split():  # literal text: % and _ match themselves
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(searched.like(pattern, escape="\\"))
    return query


APOSTROPHES = ("'", "\u2019")  # a name's apostrophe, typed or not, straight or curly: a search ignores it


def _sorted(query: Select[Any], sort: Sort) -> Select[Any]:
    t = SavedQuoteRow
    orders: dict[str, tuple[Any, ...]] = {
        "newest": (t.saved_at.desc(), t.id.desc()), "oldest": (t.saved_at.asc(), t.id.asc()),
        "refund_high": (t.refund_max.desc(), t.id.desc()), "refund_low": (t.refund_max.asc(), t.id.asc()),
        "client": (t.client_name.asc(), t.id.asc()),
    }
    return query.order_by(*orders[sort])


def database_said(exc: SQLAlchemyError) -> str:
    """The database's own words for a failure, in one line (the server log keeps the rest)."""
    orig = getattr(exc, "orig", None)
    if orig is None:  # one of ours (store.db.RegisterGone): its words as they are
        return str(exc).splitlines()[0][:300]
    return f"the database said: {str(orig).splitlines()[0][:200]}"


def batch_name(name: str) -> str:
    """A batch's name as it is kept; InputError where it cannot be (none, too long)."""
    name = checked("batch_name", name, NAME_MAX)
    if not name:
        raise InputError("batch_name", "is needed: give the batch a name to find it by in Saved quotes")
    return name


def _listed(r: SavedQuoteRow) -> Listed:
    return Listed(id=r.id, saved_at=_utc(r.saved_at), saved_by=r.saved_by, client_name=r.client_name,
                  client_ref=r.client_ref, provider=r.provider, service=r.service, verdict=r.verdict,
                  refund_min=r.refund_min, refund_max=r.refund_max, policy_version=r.policy_version, note=r.note,
                  batch_id=r.batch_id, batch_row=r.batch_row)


def _utc(at: datetime) -> datetime:
    """SQLite hands back naive datetimes (it stores what it was given, in UTC here)."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


REGISTER_COLUMNS = ("saved_id", "saved_at", "saved_by", "client_name", "client_ref", "note", "project", "invoice",
                    "batch_id", "batch_row")


def register_csv(saved: Iterable[SavedQuote]) -> str:
    """The list as a CSV: who and when, then every scenario field and the batch command's quote columns, each
    row a view of the saved Quote; every cell spreadsheet-safe."""
    header: Optional[list[str]] = None
    rows: list[list[str]] = []
    for s in saved:
        cells = {"saved_id": str(s.id), "saved_at": s.saved_at.isoformat(timespec="seconds"),
                 "saved_by": who_saved(s.saved_by),
                 "client_name": s.client_name, "client_ref": s.client_ref, "note": s.note,
                 "project": s.project, "invoice": s.invoice, "batch_id": "" if s.batch_id is None else str(s.batch_id),
                 "batch_row": "" if s.batch_row is None else str(s.batch_row), **quoted_cells(s.quote, s.asked_day)}
        header = header or list(cells)
        rows.append(list(cells.values()))
    return rows_text([header or [*REGISTER_COLUMNS, *NAMES, *WHEN_COLUMNS, *QUOTE_COLUMNS], *rows])
