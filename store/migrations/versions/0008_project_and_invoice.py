"""A saved quote keeps the client's project name and invoice number, which its request email names.

Before it, both were typed beside the save and lost with it: the email of a saved quote, and its restore, came back
with "[Your Project Name]" and "[order or invoice number]" (a walkthrough). Quotes saved before keep both empty.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NAME_MAX = 200  # the columns' width (policy.records.NAME_MAX when this migration was written)


def upgrade() -> None:
    with op.batch_alter_table("saved_quotes") as table:
        table.add_column(sa.Column("project", sa.String(NAME_MAX), nullable=False, server_default=""))
        table.add_column(sa.Column("invoice", sa.String(NAME_MAX), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("saved_quotes") as table:
        table.drop_column("invoice")
        table.drop_column("project")
