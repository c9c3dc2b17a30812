"""A policy version's number is unique for its provider: (provider, version) is a unique constraint.

Before it, two versions of one provider could share a number (three sessions publishing one number at once all
succeeded). A register that already holds such a pair keeps every version: within each (provider, version) the
version that counts keeps the number (a published or withdrawn one before a draft, then the one published
first, then the first saved), and each other is renumbered "<number> (#<id>)", its row id making it unique and
deterministic (cut to the column's 80 characters where needed). The column is the version's number from then on
(store/policy_versions.py reads it over the number inside the kept TOML). Saved quotes name their version by
number, and a published version keeps it, so a quote saved under it still opens under it. Each renumbering is
logged.

The downgrade drops the constraint and leaves the numbers as they are.

Revision ID: 0007
Revises: 0006
"""
import logging
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

VERSION_MAX = 80  # the column's width (policy.schema.VERSION_MAX when this migration was written)
CONSTRAINT = "uq_policy_versions_provider_version"
log = logging.getLogger("alembic.runtime.migration")


def _renumber_duplicates(connection: sa.Connection) -> None:
    rows = connection.execute(sa.text(
        "SELECT id, provider, version, status, published_at FROM policy_versions ORDER BY id")).all()
    taken = {(r.provider, r.version) for r in rows}
    groups: dict[tuple[str, str], list[sa.Row[Any]]] = {}
    for r in rows:
        groups.setdefault((r.provider, r.version), []).append(r)
    for (provider, version), group in groups.items():
        if len(group) < 2:
            continue
        # the version that counts keeps its number: published or withdrawn first, then published first, then saved first
        group.sort(key=lambda r: (r.status == "draft", r.published_at is None, str(r.published_at or ""), r.id))
        for r in group[1:]:
            suffix = f" (#{r.id})"
            number = version[:VERSION_MAX - len(suffix)] + suffix
            while (provider, number) in taken:  # a number someone typed that way already: one more mark
                suffix = "'" + suffix
                number = version[:VERSION_MAX - len(suffix)] + suffix
            taken.add((provider, number))
            connection.execute(sa.text("UPDATE policy_versions SET version = :number WHERE id = :id"),
                               {"number": number, "id": r.id})
            log.warning("policy version #%s of %s shared the number %r with #%s: renumbered %r", r.id, provider,
                        version, group[0].id, number)


def upgrade() -> None:
    _renumber_duplicates(op.get_bind())
    with op.batch_alter_table("policy_versions") as table:
        table.create_unique_constraint(CONSTRAINT, ["provider", "version"])


def downgrade() -> None:
    with op.batch_alter_table("policy_versions") as table:
        table.drop_constraint(CONSTRAINT, type_="unique")
