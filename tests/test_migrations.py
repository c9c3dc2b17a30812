"""The register's schema (issue 23): the models (store/tables.py) and the migrations (store/migrations) agree, on
SQLite and a real PostgreSQL; migrations run as a step of their own (the app's open, `python -m store migrate`,
`alembic upgrade head`), never from the command line's read-only catalog, which says in words when the schema is
behind."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from policy import InputError
from store import QuoteStore, register_catalog
from store.db import alembic_config, head, open_reader, revision
from store.tables import Base

ROOT = Path(__file__).resolve().parent.parent


def _unquoted(default) -> str | None:
    return None if default is None else str(default).strip("()").strip("'\"")


def _same_default(_context, _inspected_column, _metadata_column, inspected, _metadata, rendered) -> bool | None:
    """SQLite reflects DEFAULT '' as "''" where the model renders "''" differently quoted: equal when unquoted."""
    if _unquoted(inspected) == _unquoted(rendered):
        return False
    return None  # Alembic's own comparison


def differences(engine: sa.Engine, metadata: sa.MetaData) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "compare_server_default": _same_default})
        return compare_metadata(context, metadata)


def test_the_models_and_the_migrations_agree(database_url):
    engine = QuoteStore.open(database_url).engine  # the app's open: migrated to the newest
    try:
        assert revision(engine) == head()
        assert differences(engine, Base.metadata) == []
        # and the comparison sees a model the migrations lack: a column and a table only the model has
        extra = sa.MetaData()
        for table in Base.metadata.tables.values():
            table.to_metadata(extra)
        extra.tables["saved_quotes"].append_column(sa.Column("added_by_the_model", sa.String(10)))
        sa.Table("only_in_the_model", extra, sa.Column("id", sa.Integer, primary_key=True))
        found = {(d[0], d[2] if d[0] == "add_column" else d[1].name) for d in differences(engine, extra)}
        assert found == {("add_column", "saved_quotes"), ("add_table", "only_in_the_model")}
    finally:
        engine.dispose()


def _migrated_to(url: str, target: str) -> None:
    engine = open_reader(url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)
    engine.dispose()


def test_the_command_lines_catalog_never_migrates_and_says_when_the_schema_is_behind(database_url):
    _migrated_to(database_url, "0005")  # a register an older release made
    with pytest.raises(InputError) as caught:
        register_catalog(database_url)
    said = caught.value.message
    assert "at migration 0005" in said and f"behind the {head()}" in said and "python -m store migrate" in said, said
    assert "--shipped" in said
    engine = open_reader(database_url)
    assert revision(engine) == "0005"  # looking did not migrate it
    engine.dispose()

    migrated = subprocess.run([sys.executable, "-m", "store", "migrate", "--url", database_url], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0 and f"at migration {head()}" in migrated.stdout, migrated.stderr
    assert any(v.provider == "stepinto" for v in register_catalog(database_url).versions)


def test_a_database_never_migrated_is_said_so_and_check_exits_non_zero(tmp_path):
    url = f"sqlite:///{tmp_path / 'other.sqlite'}"
    engine = open_reader(url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE notes (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(InputError, match=r"holds tables \(notes\) but was never migrated: run `python -m store migrate`"):
        register_catalog(url)
    checked = subprocess.run([sys.executable, "-m", "store", "check", "--url", url], cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
    assert checked.returncode == 1 and "never migrated" in checked.stderr


def test_alembic_upgrade_head_with_alembic_ini_migrates_the_apps_database(tmp_path):
    env = {**os.environ, "REFUND_DATABASE_URL": f"sqlite:///{tmp_path / 'app' / 'quotes.sqlite'}"}
    alembic = Path(sys.executable).with_name("alembic")
    done = subprocess.run([str(alembic), "upgrade", "head"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"-> {head()}" in done.stderr  # each migration named as it runs (alembic.ini's logging)
    checked = subprocess.run([sys.executable, "-m", "store", "check"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=60)
    assert checked.returncode == 0 and f"at migration {head()} (the newest)" in checked.stdout, checked.stderr
