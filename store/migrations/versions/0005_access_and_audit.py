"""Sign-in and roles: who owns a saved quote or batch, withdrawn policy versions, and the append-only audit trail.

The audit trail refuses changes in the database itself: a trigger aborts any UPDATE or DELETE of its rows (and,
on PostgreSQL, a TRUNCATE), so no code path of the app, nor a mistaken query, can edit who did what.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

REFUSAL = "the audit trail is append-only: its rows cannot be changed or deleted"


def upgrade() -> None:
    with op.batch_alter_table("saved_quotes") as table:
        table.add_column(sa.Column("owner", sa.String(320), nullable=False, server_default=""))
    with op.batch_alter_table("batches") as table:
        table.add_column(sa.Column("owner", sa.String(320), nullable=False, server_default=""))
    with op.batch_alter_table("policy_versions") as table:
        table.add_column(sa.Column("withdrawn_by", sa.String(200), nullable=False, server_default=""))
        table.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("withdrawn_reason", sa.Text, nullable=False, server_default=""))
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_name", sa.String(200), nullable=False),
        sa.Column("actor_email", sa.String(320), nullable=False),
        sa.Column("actor_roles", sa.String(80), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_action", "audit_events", ["action"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$""")
        op.execute("CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
                   "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()")
        op.execute("CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events "
                       f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END")


def downgrade() -> None:
    op.drop_table("audit_events")  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_events_append_only()")
    with op.batch_alter_table("policy_versions") as table:
        for column in ("withdrawn_reason", "withdrawn_at", "withdrawn_by"):
            table.drop_column(column)
    with op.batch_alter_table("batches") as table:
        table.drop_column("owner")
    with op.batch_alter_table("saved_quotes") as table:
        table.drop_column("owner")
