"""A saved batch keeps the SHA-256 of the file it was quoted from, so that saving the same file again is asked first.

Two clicks of "Quote every row" saved one file as two batches of the same name, without a word (a walkthrough).
Batches saved before keep it empty: nothing is known of their files.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batches") as table:
        table.add_column(sa.Column("digest", sa.String(64), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("batches") as table:
        table.drop_column("digest")
