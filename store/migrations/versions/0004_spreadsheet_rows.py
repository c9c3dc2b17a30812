"""A batch's quote keeps its row as a spreadsheet numbers it (the header is row 1), not its place among the rows.

Rows saved before counted the first row after the header as 1 and skipped blank lines; one more is the nearest
reading (a blank line in those files cannot be recovered).

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_quotes = sa.table("saved_quotes", sa.column("batch_row", sa.Integer))


def upgrade() -> None:
    op.execute(_quotes.update().where(_quotes.c.batch_row.is_not(None)).values(batch_row=_quotes.c.batch_row + 1))


def downgrade() -> None:
    op.execute(_quotes.update().where(_quotes.c.batch_row.is_not(None)).values(batch_row=_quotes.c.batch_row - 1))
