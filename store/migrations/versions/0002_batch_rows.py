"""A batch's quote keeps its row in the file; search matches with or without accents.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

from policy.records import folded

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("saved_quotes", sa.Column("batch_row", sa.Integer, nullable=True))  # in place, on SQLite too
    quotes = sa.table("saved_quotes", sa.column("id", sa.Integer), sa.column("client_name", sa.String),
                      sa.column("client_ref", sa.String), sa.column("note", sa.Text), sa.column("search_text", sa.Text))
    connection = op.get_bind()
    rows = connection.execute(sa.select(quotes.c.id, quotes.c.client_name, quotes.c.client_ref, quotes.c.note)).all()
    for row in rows:  # the text saved before is folded as new text is
        connection.execute(quotes.update().where(quotes.c.id == row.id).values(
            search_text=folded(" ".join((row.client_name, row.client_ref, row.note)))))


def downgrade() -> None:
    with op.batch_alter_table("saved_quotes") as table:
        table.drop_column("batch_row")
