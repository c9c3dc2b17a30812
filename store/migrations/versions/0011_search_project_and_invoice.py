"""A search of saved quotes finds the project name and the invoice number too.

Both were saved (0008) but not searched: a quote saved for invoice INV-2041 was not found by "INV-2041" (a
walkthrough). The text saved before is folded again with them; the downgrade folds it without them.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

from policy.records import folded

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

QUOTES = sa.table("saved_quotes", sa.column("id", sa.Integer), sa.column("client_name", sa.String),
                  sa.column("client_ref", sa.String), sa.column("note", sa.Text), sa.column("project", sa.String),
                  sa.column("invoice", sa.String), sa.column("search_text", sa.Text))


def _fold_again(*columns: str) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(QUOTES.c.id, *(QUOTES.c[name] for name in columns))).all()
    for row in rows:
        text = folded(" ".join(getattr(row, name) or "" for name in columns))
        connection.execute(QUOTES.update().where(QUOTES.c.id == row.id).values(search_text=text))


def upgrade() -> None:
    _fold_again("client_name", "client_ref", "note", "project", "invoice")


def downgrade() -> None:
    _fold_again("client_name", "client_ref", "note")
