"""The register: saved quotes and named batches.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("saved_by", sa.String(200), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "saved_quotes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by", sa.String(200), nullable=False),
        sa.Column("client_name", sa.String(200), nullable=False),
        sa.Column("client_ref", sa.String(200), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("provider", sa.String(40), nullable=False),
        sa.Column("service", sa.String(60), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("amount_paid", sa.Numeric(16, 2), nullable=False),
        sa.Column("refund_min", sa.Numeric(16, 2), nullable=False),
        sa.Column("refund_max", sa.Numeric(16, 2), nullable=False),
        sa.Column("policy_id", sa.String(40), nullable=False),
        sa.Column("policy_version", sa.String(80), nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id", ondelete="CASCADE"), nullable=True),
        sqlite_autoincrement=True,  # a deleted quote's number is never given to another (SQLite reuses the top id)
    )
    op.create_index("ix_saved_quotes_saved_at_id", "saved_quotes", ["saved_at", "id"])
    op.create_index("ix_saved_quotes_provider_service", "saved_quotes", ["provider", "service"])
    op.create_index("ix_saved_quotes_verdict", "saved_quotes", ["verdict"])
    op.create_index("ix_saved_quotes_batch_id", "saved_quotes", ["batch_id"])
    op.create_table(
        "saved_quote_documents",
        sa.Column("quote_id", sa.Integer, sa.ForeignKey("saved_quotes.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("scenario_json", sa.Text, nullable=False),
        sa.Column("quote_json", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("saved_quote_documents")
    op.drop_table("saved_quotes")
    op.drop_table("batches")
