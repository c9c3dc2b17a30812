"""The register's tables. Amounts are NUMERIC (exact); the quote as it was shown is kept whole as JSON text,
in a table of its own so that the list's rows stay narrow."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from policy.records import NAME_MAX
from policy.schema import ID_MAX, VERSION_MAX

EMAIL_MAX = 320  # RFC 5321's longest address


class Base(DeclarativeBase):
    pass


class BatchRow(Base):
    __tablename__ = "batches"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    saved_by: Mapped[str] = mapped_column(String(NAME_MAX))
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rows: Mapped[int] = mapped_column(Integer)
    owner: Mapped[str] = mapped_column(String(EMAIL_MAX), server_default="")  # access.Actor.key of who saved it
    digest: Mapped[str] = mapped_column(String(64), server_default="")  # SHA-256 of the file its rows were quoted from


class BatchRunRow(Base):
    """A batch being saved: written (and committed) before its rows, finished when they commit or fail. One left
    unfinished by a process that is gone is a batch whose server stopped: its person is told nothing was saved."""
    __tablename__ = "batch_runs"
    __table_args__ = (Index("ix_batch_runs_owner_finished", "owner", "finished_at"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(EMAIL_MAX))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    host: Mapped[str] = mapped_column(String(255))  # the machine and process quoting it
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    beat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # last sign of life (PostgreSQL: every 5 s)
    rows: Mapped[int] = mapped_column(Integer, server_default="0")  # rows written so far
    finished_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True), nullable=True)
    outcome: Mapped[str] = mapped_column(String(20), server_default="")  # saved, failed, stopped (not yet said), interrupted (said)


class SavedQuoteRow(Base):
    __tablename__ = "saved_quotes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    saved_by: Mapped[str] = mapped_column(String(NAME_MAX))
    owner: Mapped[str] = mapped_column(String(EMAIL_MAX), server_default="")  # access.Actor.key: who may delete it as theirs
    client_name: Mapped[str] = mapped_column(String(NAME_MAX))
    client_ref: Mapped[str] = mapped_column(String(NAME_MAX))
    note: Mapped[str] = mapped_column(Text)
    # the client's project and invoice number, which the request email names (a saved quote lost them, a walkthrough)
    project: Mapped[str] = mapped_column(String(NAME_MAX), server_default="")
    invoice: Mapped[str] = mapped_column(String(NAME_MAX), server_default="")
    provider: Mapped[str] = mapped_column(String(40))
    service: Mapped[str] = mapped_column(String(60))
    verdict: Mapped[str] = mapped_column(String(20))
    amount_paid: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    refund_min: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    refund_max: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    policy_id: Mapped[str] = mapped_column(String(40))
    policy_version: Mapped[str] = mapped_column(String(80))
    search_text: Mapped[str] = mapped_column(Text)  # client, reference, note folded (records.folded): the search
    batch_id: Mapped[Optional[int]] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"), nullable=True)
    batch_row: Mapped[Optional[int]] = mapped_column(Integer, nullable=True)  # its row as a spreadsheet shows the file (header = 1)
    # the day it was asked on where its person was (their browser's day): a case given in days dates its payment and
    # deadlines from it. None: saved before migration 0009, whose day is saved_at's (UTC), as the app's clock was
    asked_on: Mapped[Optional[date]] = mapped_column(Date, nullable=True)

    __table_args__ = (
        Index("ix_saved_quotes_saved_at_id", "saved_at", "id"),  # the list's default order, paged
        Index("ix_saved_quotes_provider_service", "provider", "service"),
        Index("ix_saved_quotes_verdict", "verdict"),
        Index("ix_saved_quotes_batch_id", "batch_id"),
        {"sqlite_autoincrement": True},  # a deleted quote's number is never reused
    )


class SavedQuoteDocument(Base):
    """The quote as it was shown, whole: apart from the list's narrow rows, which filters then scan quickly."""
    __tablename__ = "saved_quote_documents"

    quote_id: Mapped[int] = mapped_column(ForeignKey("saved_quotes.id", ondelete="CASCADE"), primary_key=True)
    scenario_json: Mapped[str] = mapped_column(Text)
    quote_json: Mapped[str] = mapped_column(Text)


class PolicyVersionRow(Base):
    """A policy version made in the lab: a draft, or published with who and when (the shipped files are the seeds).
    Its number is unique for its provider (migration 0007); the widths are the policy schema's declared limits,
    checked with a message before a row is written (store/policy_versions.py), so both databases keep the same."""
    __tablename__ = "policy_versions"
    __table_args__ = (Index("ix_policy_versions_provider", "provider"),
                      UniqueConstraint("provider", "version", name="uq_policy_versions_provider_version"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(ID_MAX))
    version: Mapped[str] = mapped_column(String(VERSION_MAX))
    effective_from: Mapped[Optional[date]] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20))  # draft, published or withdrawn
    policy_toml: Mapped[str] = mapped_column(Text)
    policy_text: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(NAME_MAX))
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str] = mapped_column(String(NAME_MAX))
    published_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawn_by: Mapped[str] = mapped_column(String(NAME_MAX), server_default="")
    withdrawn_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawn_reason: Mapped[str] = mapped_column(Text, server_default="")


class AuditEventRow(Base):
    """Who did what and when. Append-only: the database itself refuses an UPDATE or DELETE of a row (triggers
    made by migration 0005), and nothing in the app offers either."""
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_at", "at"), Index("ix_audit_events_action", "action"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_name: Mapped[str] = mapped_column(String(NAME_MAX))
    actor_email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    actor_roles: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(NAME_MAX))
    detail: Mapped[str] = mapped_column(Text)  # JSON: what was saved, deleted, published, or refused


class EndedSignInRow(Base):
    """A sign-in its person ended with Sign out. Streamlit reads the identity cookie when a tab opens and never
    again, so a tab left open stayed signed in after a sign-out in another (a walkthrough): every page run and every
    read and write of the register looks here, on every replica."""
    __tablename__ = "ended_sign_ins"

    sign_in: Mapped[str] = mapped_column(String(64), primary_key=True)  # access.Actor.sign_in: a digest, not the token
    ended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
