"""Alembic's environment. From the app (store.db.migrate): on the connection it hands over. From the command line
(`alembic upgrade head` with alembic.ini, or `python -m store migrate`): on the database of `-x url=...`, else
alembic.ini's sqlalchemy.url if set, else the app's own (store.config.database_url: REFUND_DATABASE_URL, the
secrets file, or data/quotes.sqlite), opened and locked as the app opens it."""
from alembic import context
from sqlalchemy import Connection

from store.tables import Base


def run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("the register's migrations run on a database (no --sql): alembic upgrade head")
handed = context.config.attributes.get("connection")
if handed is not None:
    run(handed)
else:
    from logging.config import fileConfig

    from store.config import database_url
    from store.db import locked, locked_file, open_reader

    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option("sqlalchemy.url") \
        or database_url()
    if context.config.config_file_name:  # alembic.ini's logging: each migration named as it runs
        fileConfig(context.config.config_file_name, disable_existing_loggers=False)
    engine = open_reader(url)
    try:
        with locked_file(url), locked(engine) as connection:
            run(connection)
    finally:
        engine.dispose()
