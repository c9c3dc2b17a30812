"""Policy versions made in the lab, in the register's database: save a draft, publish it from a date (who and
when), list them for the app's Catalog. A version is kept as its TOML and its text, so what is loaded back is
validated by the same schema as a shipped file."""
from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Optional

from sqlalchemy import Engine, func, make_url, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from policy import InputError
from policy.loader import POLICY_TEXT_MAX, parse_policy, policy_toml
from policy.records import NAME_MAX, checked
from policy.schema import PolicyFile
from policy.versions import Catalog, Status, Version, Withdrawal, shipped_catalog

from .access import Actor, Permission
from .audit import Action, record, require
from .config import database_url
from .db import open_engine
from .register import SaveError, database_said
from .tables import PolicyVersionRow

REASON_MAX = 2000  # characters of a withdrawal's reason


class PolicyStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def save_draft(self, policy: PolicyFile, text: str, *, by: Actor, at: Optional[datetime] = None) -> int:
        """A new draft version, by an author; its id. A version number already published for the provider is
        refused."""
        require(self.engine, by, Permission.PUBLISH, f"save a draft of {policy.name} {policy.version}")
        saved_by = checked("saved_by", by.display_name, NAME_MAX)
        if not saved_by:
            raise InputError("saved_by", "is needed: say who saves this version")
        if "\x00" in text:
            raise InputError("policy_text", "must not contain a NUL character (\\0)")
        if len(text) > POLICY_TEXT_MAX:
            raise InputError("policy_text", f"has {len(text):,} characters; a policy's text may have at most "
                                            f"{POLICY_TEXT_MAX:,}")
        others = {v.policy.name.casefold(): v.provider for v in published_catalog(self.engine).versions
                  if v.provider != policy.id}
        if policy.name.casefold() in others:  # every page lists providers by name: two of one name would merge
            raise InputError("name", f"{policy.name!r} is already the name of provider {others[policy.name.casefold()]!r}:"
                                     " give this provider a name of its own")
        if any(v.policy.version == policy.version and v.status == "published" for v in self.versions(policy.id)):
            raise InputError("version", f"{policy.version!r} is already published for {policy.name}: give the new "
                                        "version its own number")
        row = PolicyVersionRow(provider=policy.id, version=policy.version, effective_from=policy.effective_from,
                               status="draft", policy_toml=policy_toml(policy), policy_text=text, saved_by=saved_by,
                               saved_at=at or datetime.now(UTC), published_by="", published_at=None)
        try:
            with Session(self.engine) as session, session.begin():
                session.add(row)
                session.flush()
                record(session, by, Action.VERSION_DRAFTED, f"{policy.name} {policy.version}",
                       {"version_id": row.id, "provider": policy.id, "version": policy.version}, at=row.saved_at)
                return row.id
        except SQLAlchemyError as exc:
            raise SaveError(f"the draft was not saved: {database_said(exc)}") from exc

    def publish(self, version_id: int, effective_from: date, *, by: Actor, at: Optional[datetime] = None) -> Version:
        """Publish a draft from `effective_from`, by an author: quotes for payments from that day follow it."""
        require(self.engine, by, Permission.PUBLISH, f"publish version #{version_id}")
        published_by = checked("published_by", by.display_name, NAME_MAX)
        if not published_by:
            raise InputError("published_by", "is needed: say who publishes this version")
        try:
            with Session(self.engine) as session, session.begin():
                row = session.get(PolicyVersionRow, version_id)
                if row is None or row.status != "draft":
                    raise InputError("version", f"#{version_id} is not a draft (it was published or deleted)")
                policy = parse_policy(row.policy_toml, f"version #{version_id}")
                dated = PolicyFile.model_validate({**policy.model_dump(), "effective_from": effective_from})
                row.policy_toml, row.effective_from = policy_toml(dated), effective_from
                row.status, row.published_by, row.published_at = "published", published_by, at or datetime.now(UTC)
                session.flush()
                record(session, by, Action.VERSION_PUBLISHED, f"{policy.name} {policy.version}",
                       {"version_id": version_id, "provider": policy.id, "version": policy.version,
                        "effective_from": effective_from.isoformat()}, at=row.published_at)
                return _version(row)
        except SQLAlchemyError as exc:
            raise SaveError(f"the version was not published: {database_said(exc)}") from exc

    def withdraw(self, version_id: int, reason: str, *, by: Actor, at: Optional[datetime] = None) -> Version:
        """Withdraw a published version, by an author, with a reason: new quotes for payments in its span use
        the version in force before it; quotes saved under it keep it (and say it was withdrawn)."""
        require(self.engine, by, Permission.PUBLISH, f"withdraw version #{version_id}")
        withdrawn_by = checked("withdrawn_by", by.display_name, NAME_MAX)
        reason = checked("reason", reason, REASON_MAX)
        if not reason:
            raise InputError("reason", "is needed: quotes saved under this version will show it")
        try:
            with Session(self.engine) as session, session.begin():
                row = session.get(PolicyVersionRow, version_id, with_for_update=True)
                if row is None or row.status != "published":
                    raise InputError("version", f"#{version_id} is not a published version (a draft, withdrawn "
                                                "already, or a shipped one, which cannot be withdrawn)")
                row.status, row.withdrawn_by, row.withdrawn_reason = "withdrawn", withdrawn_by, reason
                row.withdrawn_at = at or datetime.now(UTC)
                session.flush()
                name = parse_policy(row.policy_toml, f"version #{version_id}").name
                record(session, by, Action.VERSION_WITHDRAWN, f"{name} {row.version}",
                       {"version_id": version_id, "provider": row.provider, "version": row.version,
                        "reason": reason}, at=row.withdrawn_at)
                return _version(row)
        except SQLAlchemyError as exc:
            raise SaveError(f"the version was not withdrawn: {database_said(exc)}") from exc

    def versions(self, provider: Optional[str] = None) -> list[Version]:
        with Session(self.engine) as session:
            query = select(PolicyVersionRow).order_by(PolicyVersionRow.id)
            if provider is not None:
                query = query.where(PolicyVersionRow.provider == provider)
            return [_version(r) for r in session.scalars(query)]

    def revision(self) -> tuple[int, int, Optional[datetime], Optional[datetime]]:
        """What changes when a version is saved, published or withdrawn: one cheap query (a count and maxima)."""
        with Session(self.engine) as session:
            count, top, published, withdrawn = session.execute(select(
                func.count(PolicyVersionRow.id), func.max(PolicyVersionRow.id),
                func.max(PolicyVersionRow.published_at), func.max(PolicyVersionRow.withdrawn_at))).one()
            return int(count), int(top or 0), published, withdrawn


def _version(row: PolicyVersionRow) -> Version:
    status: Status = row.status if row.status in ("published", "withdrawn") else "draft"  # type: ignore[assignment]
    return Version(parse_policy(row.policy_toml, f"version #{row.id}"), row.policy_text, status=status,
                   saved_by=row.saved_by, published_by=row.published_by, published_at=row.published_at,
                   lab_id=row.id, withdrawn=None if row.withdrawn_at is None else Withdrawal(
                       by=row.withdrawn_by, at=_utc(row.withdrawn_at), reason=row.withdrawn_reason))


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def published_catalog(engine: Engine) -> Catalog:
    """The shipped versions and every version made in the lab (drafts kept, never quoted)."""
    return shipped_catalog().adding(PolicyStore(engine).versions())


def register_catalog(url: Optional[str] = None) -> Catalog:
    """The catalog the app quotes under, for the command line: the register's versions as well where there is a
    register (a default SQLite file not made yet holds none, and is not made by looking)."""
    url = url or database_url()
    if url.startswith("sqlite:///") and not Path(url.split("///", 1)[1]).is_file():
        return shipped_catalog()
    try:
        engine = open_engine(url)
        try:
            return published_catalog(engine)
        finally:
            engine.dispose()
    except SQLAlchemyError as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        raise InputError("register", f"{shown} cannot be read ({database_said(exc)}); give --shipped to quote under the "
                                     "shipped policy versions only") from None
