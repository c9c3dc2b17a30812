"""A sign-in ended by Sign out is recorded, so that every tab and replica still holding it refuses it.

Streamlit reads the identity cookie when a tab opens and never again: after a sign-out in one tab another stayed
signed in, and saved and deleted quotes in that person's name (a walkthrough).

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ended_sign_ins",
        sa.Column("sign_in", sa.String(64), primary_key=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ended_sign_ins")
