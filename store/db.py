"""One engine per URL. The app's open (`open_engine`, through QuoteStore.open, once per process) migrates the schema
to the newest (Alembic, under a lock where the server has one); so does the command `python -m store migrate` (or
`alembic upgrade head`, with alembic.ini). A read-only reader (`open_reader`: the command line's catalog) never
migrates: `schema_behind` says in words when the schema is not the one this code needs."""
from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Optional

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 7_340_011  # a PostgreSQL advisory-lock key: replicas starting together migrate one at a time


class RegisterGone(SQLAlchemyError):
    """The register's SQLite file was deleted or replaced while the app ran: nothing is written to (or read from)
    a file that is no longer the one the app opened."""


def open_engine(url: str) -> Engine:
    """An engine for `url`, with the schema at its newest (the app's open: it migrates). A SQLite file gets its
    folder, WAL mode (readers do not block the writer), a busy timeout (two sessions saving at once wait for each
    other, both land), and a check at each transaction that it is still the file that was opened."""
    engine = open_reader(url)
    with locked_file(url):  # processes opening a new SQLite file at once migrate it one at a time
        migrate(engine)
    return engine


def open_reader(url: str) -> Engine:
    """An engine for `url` as open_engine makes it, without migrating: for a reader (the command line's catalog)
    that must not change the schema. Check it with schema_behind first."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30})
    event.listen(engine, "connect", _sqlite_pragmas)
    file = _file(url)
    if file:
        file.parent.mkdir(parents=True, exist_ok=True)
        with _file_lock(file):  # made (when new) by one process at a time; from here its identity can be taken
            engine.connect().close()
        event.listen(engine, "begin", _still_there(file, _identity(file)))
    return engine


@contextmanager
def locked_file(url: str) -> Iterator[None]:
    """For a SQLite file, its lock file held (one process at a time); for a server, nothing (see `locked`)."""
    file = _file(url) if url.startswith("sqlite") else None
    if file is None:
        yield
        return
    with _file_lock(file):
        yield


def _file(url: str) -> Optional[Path]:
    path = url.split("///", 1)[1] if "///" in url else ""
    return Path(path) if path and path != ":memory:" else None


def _identity(file: Path) -> tuple[int, int]:
    found = file.stat()
    return found.st_dev, found.st_ino


def _still_there(file: Path, opened: tuple[int, int]) -> Callable[[Connection], None]:
    """A transaction's first step: refuse it when the file is gone or another took its place (a deleted SQLite
    file stays readable and writable through open handles, so saves would say 'saved' and vanish, and a new
    file would reuse quote numbers)."""
    def check(_connection: Connection) -> None:
        try:
            same = _identity(file) == opened
        except FileNotFoundError:
            same = False
        if not same:
            raise RegisterGone(f"the register's file {file} was deleted or replaced while the app ran; nothing is "
                               "written to it. Restore the file, or restart the app to start a new register")
    return check


@contextmanager
def _file_lock(file: Path) -> Iterator[None]:
    with open(file.with_name(file.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:  # the DBAPI's connection
    cursor = connection.cursor()
    for pragma in ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def alembic_config() -> Config:
    """Alembic's configuration for the register's migrations (the same as alembic.ini's, without a file)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    """The newest migration: the schema this code reads and writes."""
    found = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert found is not None
    return found


def revision(engine: Engine) -> Optional[str]:
    """The migration the database at `engine` is at; None for a database never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_behind(engine: Engine) -> Optional[str]:
    """None when the database's schema is the one this code needs; else what is wrong, in words, with the command
    that fixes it."""
    at, needed = revision(engine), head()
    if at == needed:
        return None
    shown = make_url(engine.url).render_as_string(hide_password=True)
    fix = "run `python -m store migrate` (or start the app, which migrates it)"
    if at is None:
        tables = set(inspect(engine).get_table_names())
        made = "holds no register (no table of it)" if not tables else f"holds tables ({', '.join(sorted(tables)[:3])}" \
            f"{', ...' if len(tables) > 3 else ''}) but was never migrated"
        return f"the database {shown} {made}: {fix}"
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if at not in known:
        return (f"the register at {shown} is at migration {at}, which this code does not know (it knows up to {needed}): "
                "it was migrated by a newer version of the app; run that version, or upgrade this one")
    return f"the register at {shown} is at migration {at}, behind the {needed} this code needs: {fix}"


def migrate(engine: Engine) -> None:
    """Migrate the database at `engine` to the newest schema (a no-op when it is there)."""
    config = alembic_config()
    with locked(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def locked(engine: Engine) -> Iterator[Connection]:
    """A transaction in which to migrate: on PostgreSQL under an advisory lock, so replicas starting together
    migrate one at a time."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        yield connection
