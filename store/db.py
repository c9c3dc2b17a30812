"""One engine per URL, migrated to the newest schema when opened (Alembic, under a lock where the server has one)."""
from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 7_340_011  # a PostgreSQL advisory-lock key: replicas starting together migrate one at a time


class RegisterGone(SQLAlchemyError):
    """The register's SQLite file was deleted or replaced while the app ran: nothing is written to (or read from)
    a file that is no longer the one the app opened."""


def open_engine(url: str) -> Engine:
    """An engine for `url`, with the schema at its newest. A SQLite file gets its folder, WAL mode (readers do
    not block the writer), a busy timeout (two sessions saving at once wait for each other, both land), and a
    check at each transaction that it is still the file that was opened."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        if path and path != ":memory:":
            file = Path(path)
            file.parent.mkdir(parents=True, exist_ok=True)
            with _file_lock(file):  # processes opening a new file at once migrate it one at a time
                migrate(engine)
            event.listen(engine, "begin", _still_there(file, _identity(file)))
            return engine
    else:
        engine = create_engine(url, pool_pre_ping=True)
    migrate(engine)
    return engine


def _identity(file: Path) -> tuple[int, int]:
    found = file.stat()
    return found.st_dev, found.st_ino


def _still_there(file: Path, opened: tuple[int, int]):
    """A transaction's first step: refuse it when the file is gone or another took its place (a deleted SQLite
    file stays readable and writable through open handles, so saves would say 'saved' and vanish, and a new
    file would reuse quote numbers)."""
    def check(_connection) -> None:
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


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    for pragma in ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def migrate(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
