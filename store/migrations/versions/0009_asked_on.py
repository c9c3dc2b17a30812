"""A saved quote keeps the day it was asked on where its person was (their browser's day).

A case given in days dates its payment and deadlines from that day. Before it, the day was saved_at's in UTC, the
app's clock then: a quote made at 8 p.m. in New York would have reopened dated a day late. Quotes saved before keep
it empty and go on being dated from saved_at's day (UTC), as they were made.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("saved_quotes") as table:
        table.add_column(sa.Column("asked_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("saved_quotes") as table:
        table.drop_column("asked_on")
