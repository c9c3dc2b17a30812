"""Saved quotes and batches in a real database, through SQLAlchemy 2 with Alembic migrations.

SQLite (a file, WAL mode) by default, so `streamlit run app.py` needs no setup; PostgreSQL when a URL is set
(`REFUND_DATABASE_URL`, or `[connections.quotes] url` in `.streamlit/secrets.toml`). No Streamlit here.
"""
from .access import Actor, Forbidden, Permission, Role, RoleMap
from .audit import AuditLog
from .config import database_url
from .db import open_engine
from .policy_versions import PolicyStore, published_catalog, register_catalog
from .register import Filters, QuoteStore, SavedBatch, SavedQuote, SaveError, file_digest

__all__ = [
           "Actor",
           "AuditLog",
           "Filters",
           "Forbidden",
           "Permission",
           "PolicyStore",
           "QuoteStore",
           "Role",
           "RoleMap",
           "SaveError",
           "SavedBatch",
           "SavedQuote",
           "database_url",
           "file_digest",
           "open_engine",
           "published_catalog",
           "register_catalog",
]
