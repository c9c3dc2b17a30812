"""The register's schema from the command line: `python -m store migrate` brings the database to the newest
migration (what the app does once when it starts); `python -m store check` says whether it is there, without
changing it (exit 1 when not). The database is the app's (REFUND_DATABASE_URL, `[connections.quotes] url` in
.streamlit/secrets.toml, else data/quotes.sqlite) or --url. `alembic upgrade head` (alembic.ini) does the same
as migrate."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from .config import database_url
from .db import head, open_engine, open_reader, revision, schema_behind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m store", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["migrate", "check"])
    parser.add_argument("--url", help="the database's URL (default: the app's)")
    args = parser.parse_args(argv)
    url = args.url or database_url()
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        if args.command == "migrate":
            engine = open_engine(url)
            print(f"{shown}: at migration {revision(engine)} (the newest)")
        elif url.startswith("sqlite:///") and not Path(url.split("///", 1)[1]).is_file():
            print(f"{shown}: no such file: no register yet (python -m store migrate makes it)", file=sys.stderr)
            return 1
        else:
            engine = open_reader(url)
            behind = schema_behind(engine)
            print(behind or f"{shown}: at migration {head()} (the newest)", file=sys.stderr if behind else sys.stdout)
            if behind:
                return 1
        engine.dispose()
    except SQLAlchemyError as exc:
        print(f"error: {shown} cannot be reached or migrated: {exc.__class__.__name__}: {str(exc).splitlines()[0]}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
