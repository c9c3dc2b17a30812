"""Where the register lives: one URL, from the environment, the app's secrets, or a SQLite file by default."""
from __future__ import annotations

import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV_URL = "REFUND_DATABASE_URL"  # e.g. postgresql+psycopg://user:password@host:5432/refunds
ENV_DATA = "REFUND_DATA_DIR"  # the folder of the default SQLite file
SECRETS = ROOT / ".streamlit" / "secrets.toml"


def data_dir() -> Path:
    return Path(os.environ.get(ENV_DATA) or ROOT / "data")


def database_url(secrets: Path = SECRETS) -> str:
    """The environment wins (a deployment sets it per replica); then `[connections.quotes] url` in the
    secrets file (Streamlit's own place for connection settings); else `data/quotes.sqlite`."""
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return url
    if secrets.is_file():
        with secrets.open("rb") as f:
            url = str(tomllib.load(f).get("connections", {}).get("quotes", {}).get("url", "")).strip()
        if url:
            return url
    return f"sqlite:///{data_dir() / 'quotes.sqlite'}"
