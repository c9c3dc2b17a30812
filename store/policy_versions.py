"""Policy versions made in the lab, in the register's database: save a draft, publish it from a date (who and
when), list them for the app's Catalog. A version is kept as its TOML and its text, so what is loaded back is
validated by the same schema as a shipped file.

A version's number is unique for its provider: a shipped number and one already in the register are refused by
name, and the database's unique constraint (migration 0007) settles two saves racing for one number, the loser
told in words. A version with a lint error cannot be published (decisions.md 5 'lint at publish'): publish lints
it, with its text, against the version in force before it, and refuses naming the errors."""
from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Optional, cast

from sqlalchemy import CursorResult, Engine, func, make_url, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from policy import InputError
from policy.diff import rule_changes
from policy.lint import Finding, edit_warnings, errors, in_words, lint_against
from policy.loader import POLICY_TEXT_MAX, parse_policy, policy_toml
from policy.records import NAME_MAX, checked
from policy.schema import ID_MAX, VERSION_MAX, PolicyFile
from policy.versions import Catalog, Status, Version, Withdrawal, shipped_catalog

from .access import Actor, Permission
from .audit import PUBLISHING_STEP, Action, record, require
from .config import database_url
from .db import open_reader, schema_behind
from .register import SaveError, database_said
from .tables import PolicyVersionRow

REASON_MAX = 2000  # characters of a withdrawal's reason


class LintRefused(InputError):
    """A version the linter finds an error in: it may be kept as a draft, not published. Its findings go with it,
    so a page can show them beside the button."""

    def __init__(self, name: str, findings: list[Finding]):
        self.findings = findings
        super().__init__("lint", f"{name} has {len(findings)} lint error(s), so it cannot be published (it can be "
                                 f"kept as a draft): {in_words(findings)}")


def checked_number(policy: PolicyFile) -> None:
    """The provider's id and the version's number within their one declared limit (policy.schema: the same on
    SQLite and PostgreSQL), and the number not one of the provider's shipped versions: refused by field."""
    for field, value, limit, what in (("provider", policy.id, ID_MAX, "a provider's id"),
                                      ("version", policy.version, VERSION_MAX, "a version's number")):
        if len(value) > limit:
            raise InputError(field, f"has {len(value):,} characters; {what} may have at most {limit}")
    if not policy.version.strip():
        raise InputError("version", "is needed: give the version a number")
    if any(v.policy.version == policy.version for v in shipped_catalog().of(policy.id)):
        raise InputError("version", f"{policy.version!r} is the number of {policy.name}'s shipped version: give the "
                                    "new version its own number")


def _in_its_place(catalog: Catalog, version_id: int) -> Optional[str]:
    """What answers for payments in a published version's span once it is withdrawn, as the audit trail says it
    (it said only which version went, a walkthrough): the version in force there, or that none is left."""
    gone = next((v for v in catalog.versions if v.lab_id == version_id), None)
    if gone is None:
        return None
    left = catalog.without(gone).on(gone.effective).get(gone.provider)
    return (f"version {left.version}" if left is not None else
            f"none: {gone.policy.name} is no longer quoted") + "; quotes saved under the withdrawn one keep it"


class PolicyStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def save_draft(self, policy: PolicyFile, text: str, *, by: Actor, at: Optional[datetime] = None,
                   replacing: Optional[int] = None, to_publish: bool = False) -> int:
        """A new draft version, by an author; its id. A number the provider's versions already have (shipped, in
        the register, or taken by another save at the same moment) is refused by name. `replacing`: the id of a
        draft of this provider that this one replaces (its row and id are kept). `to_publish`: saved as the first
        step of publishing it, as its record says (the trail showed a draft its author never chose to save)."""
        require(self.engine, by, Permission.PUBLISH, f"save a draft of {policy.name} {policy.version}")
        checked_number(policy)
        saved_by = checked("saved_by", by.display_name, NAME_MAX)
        if not saved_by:
            raise InputError("saved_by", "is needed: say who saves this version")
        if "\x00" in text:
            raise InputError("policy_text", "must not contain a NUL character (\\0)")
        if len(text) > POLICY_TEXT_MAX:
            raise InputError("policy_text", f"has {len(text):,} characters; a policy's text may have at most "
                                            f"{POLICY_TEXT_MAX:,}")
        catalog = published_catalog(self.engine)
        others = {v.policy.name.casefold(): v.provider for v in catalog.versions if v.provider != policy.id}
        if policy.name.casefold() in others:  # every page lists providers by name: two of one name would merge
            raise InputError("name", f"{policy.name!r} is already the name of provider {others[policy.name.casefold()]!r}:"
                                     " give this provider a name of its own")
        same = next((v for v in self.versions(policy.id) if v.policy.version == policy.version
                     and v.lab_id != replacing), None)
        if same is not None:
            raise InputError("version", f"{policy.version!r} is already {_as(same)} of {policy.name}: give the new "
                                        "version its own number")
        saved_at = at or datetime.now(UTC)
        try:
            with Session(self.engine) as session, session.begin():
                row = session.get(PolicyVersionRow, replacing, with_for_update=True) if replacing is not None else None
                if replacing is not None and (row is None or row.status != "draft" or row.provider != policy.id):
                    raise InputError("version", f"#{replacing} is not a draft of {policy.name} (it was published or "
                                                "deleted): save this one as a new draft")
                if row is None:
                    row = PolicyVersionRow(provider=policy.id, status="draft", published_by="", published_at=None)
                    session.add(row)
                # a draft saved again under another number: the trail says which it was (a walkthrough found the
                # draft it had saved as 2026-12-07 gone, and only "lab version: #1" to tie the two)
                renumbered = {"number_before": row.version} if row.version and row.version != policy.version else {}
                row.version, row.effective_from, row.policy_toml = policy.version, policy.effective_from, policy_toml(policy)
                row.policy_text, row.saved_by, row.saved_at = text, saved_by, saved_at
                session.flush()
                # its date, and what it would change against the version in force then (a draft's line said only its
                # number, a walkthrough)
                previous = catalog.on(policy.effective_from or saved_at.date()).get(policy.id)
                dated = {"effective_from": policy.effective_from.isoformat()} if policy.effective_from else {}
                record(session, by, Action.VERSION_DRAFTED, f"{policy.name} {policy.version}",
                       {"version_id": row.id, "provider": policy.id, "version": policy.version, **dated,
                        **({"why": PUBLISHING_STEP} if to_publish else {}), **renumbered,
                        **_what_it_changed(previous, policy, [], (catalog.text_of(previous) if previous else "", text))},
                       at=saved_at)
                return row.id
        except IntegrityError as exc:  # another save took the number between the check above and this one
            raise InputError("version", f"{policy.version!r} was taken for {policy.name} by another version saved at "
                                        "the same moment: give this one its own number") from exc
        except SQLAlchemyError as exc:
            raise SaveError(f"the draft was not saved: {database_said(exc)}") from exc

    def publish(self, version_id: int, effective_from: date, *, by: Actor, at: Optional[datetime] = None) -> Version:
        """Publish a draft from `effective_from`, by an author: quotes for payments from that day follow it."""
        require(self.engine, by, Permission.PUBLISH, f"publish version #{version_id}")
        published_by = checked("published_by", by.display_name, NAME_MAX)
        if not published_by:
            raise InputError("published_by", "is needed: say who publishes this version")
        try:
            with Session(self.engine) as session:
                row = session.get(PolicyVersionRow, version_id)
                if row is None or row.status != "draft":
                    raise InputError("version", f"#{version_id} is not a draft (it was published or deleted)")
                kept, text = row.policy_toml, row.policy_text
            draft = _version(row)
        except SQLAlchemyError as exc:
            raise SaveError(f"the version was not published: {database_said(exc)}") from exc
        dated = PolicyFile.model_validate({**draft.policy.model_dump(), "effective_from": effective_from})
        checked_number(dated)
        # outside the transaction: linting takes a moment, and a write lock held that long would stall other saves
        published = published_catalog(self.engine)
        found = self.lint(dated, text, published)
        if errors(found):
            raise LintRefused(f"{dated.name} {dated.version}", errors(found))
        previous = published.on(effective_from).get(dated.id)
        before = [] if previous is None else lint_against(None, previous, published.text_of(previous) or None,
                                                          published.other_names(dated.id))
        same = published.nothing_new(dated, text)
        if same:  # a second "version published" of the same terms
            raise InputError("version", f"{dated.version}: {same}")
        published_at = at or datetime.now(UTC)
        try:
            with Session(self.engine) as session, session.begin():
                # one statement, so two sessions publishing one draft cannot both succeed
                done = cast("CursorResult[Any]", session.execute(
                    update(PolicyVersionRow)
                    .where(PolicyVersionRow.id == version_id, PolicyVersionRow.status == "draft",
                           PolicyVersionRow.policy_toml == kept)
                    .values(policy_toml=policy_toml(dated), effective_from=effective_from, status="published",
                            published_by=published_by, published_at=published_at)))
                if done.rowcount != 1:
                    raise InputError("version", f"#{version_id} was published or changed by someone else just now: "
                                                "open it again")
                record(session, by, Action.VERSION_PUBLISHED, f"{dated.name} {dated.version}",
                       {"version_id": version_id, "provider": dated.id, "version": dated.version,
                        "effective_from": effective_from.isoformat(),
                        **_what_it_changed(previous, dated, edit_warnings(found, before),
                                           (published.text_of(previous) if previous else "", text))},
                       at=published_at)
                row = session.get(PolicyVersionRow, version_id, populate_existing=True)
                assert row is not None
                return _version(row)
        except SQLAlchemyError as exc:
            raise SaveError(f"the version was not published: {database_said(exc)}") from exc

    def lint(self, policy: PolicyFile, text: str, published: Optional[Catalog] = None) -> list[Finding]:
        """What publishing `policy` from its effective date would be refused for (the errors) or warned of: the
        linter, with the version's text (an empty text: its quotes are not checked), against the version in force
        on that date before it (in `published`, the register's catalog, read here when not given)."""
        catalog = published or published_catalog(self.engine)
        previous = catalog.on(policy.effective_from or date.min).get(policy.id)
        return lint_against(previous, policy, text or None, catalog.other_names(policy.id))

    def withdraw(self, version_id: int, reason: str, *, by: Actor, at: Optional[datetime] = None) -> Version:
        """Withdraw a published version, by an author, with a reason: new quotes for payments in its span use
        the version in force before it; quotes saved under it keep it (and say it was withdrawn)."""
        require(self.engine, by, Permission.PUBLISH, f"withdraw version #{version_id}")
        withdrawn_by = checked("withdrawn_by", by.display_name, NAME_MAX)
        reason = checked("reason", reason, REASON_MAX)
        if not reason:
            raise InputError("reason", "is needed: quotes saved under this version will show it")
        instead = _in_its_place(published_catalog(self.engine), version_id)
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
                        "reason": reason, **({"in_its_place": instead} if instead else {})}, at=row.withdrawn_at)
                return _version(row)
        except SQLAlchemyError as exc:
            raise SaveError(f"the version was not withdrawn: {database_said(exc)}") from exc

    def versions(self, provider: Optional[str] = None) -> list[Version]:
        with Session(self.engine) as session:
            query = select(PolicyVersionRow).order_by(PolicyVersionRow.id)
            if provider is not None:
                query = query.where(PolicyVersionRow.provider == provider)
            return [_version(r) for r in session.scalars(query)]

    def revision(self) -> tuple[int, int, Optional[datetime], Optional[datetime], Optional[datetime]]:
        """What changes when a version is saved, published or withdrawn: one cheap query (a count and maxima). A
        draft saved again keeps its row: its time saved is what moves (without it the lab went on showing the draft
        as it was, and published that)."""
        with Session(self.engine) as session:
            count, top, saved, published, withdrawn = session.execute(select(
                func.count(PolicyVersionRow.id), func.max(PolicyVersionRow.id), func.max(PolicyVersionRow.saved_at),
                func.max(PolicyVersionRow.published_at), func.max(PolicyVersionRow.withdrawn_at))).one()
            return int(count), int(top or 0), saved, published, withdrawn


def _as(version: Version) -> str:
    return {"draft": f"a draft (#{version.lab_id})", "withdrawn": "a withdrawn version"}.get(version.status,
                                                                                             "a published version")


def _version(row: PolicyVersionRow) -> Version:
    status: Status = row.status if row.status in ("published", "withdrawn") else "draft"  # type: ignore[assignment]
    policy = parse_policy(row.policy_toml, f"version #{row.id}")
    if policy.version != row.version:  # renumbered by migration 0007: the column is the number
        policy = policy.model_copy(update={"version": row.version})
    return Version(policy, row.policy_text, status=status,
                   saved_by=row.saved_by, published_by=row.published_by, published_at=row.published_at,
                   lab_id=row.id, withdrawn=None if row.withdrawn_at is None else Withdrawal(
                       by=row.withdrawn_by, at=_utc(row.withdrawn_at), reason=row.withdrawn_reason))


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


CHANGES_SAID = 1_500  # characters of a publish's changes and accepted warnings the trail keeps (their count, always)


def _what_it_changed(previous: Optional[PolicyFile], published: PolicyFile, warned: list[Finding],
                     texts: tuple[str, str] = ("", "")) -> dict[str, str]:
    """What a version changes against the one it takes over from (its rules, and its text where `texts`, the
    previous one's and its own, differ), and the linter's warnings about the edit its author published despite
    (lint.edit_warnings, the lab's "Publish despite ..."): the trail said only which version was published, and
    nothing of a text edited (walkthroughs)."""
    said = {"warnings_accepted": _listed([f"{f.code}: {f.message}" for f in warned])}
    if previous is not None:
        changes = [c.in_words for c in rule_changes(previous, published)]
        if texts[0].split() != texts[1].split():
            changes.append("policy text: edited")
        said |= {"replaces": previous.version, "changed": _listed(changes) or "no rule (its dates or clauses only)"}
    return {key: value for key, value in said.items() if value}


def _listed(items: list[str]) -> str:
    kept: list[str] = []
    size = 0
    for item in items:
        if kept and size + len(item) > CHANGES_SAID:
            break
        kept.append(item[:CHANGES_SAID])
        size += len(item) + 2
    more = len(items) - len(kept)
    return "; ".join(kept) + (f"; and {more} more" if more else "")


def published_catalog(engine: Engine) -> Catalog:
    """The shipped versions and every version made in the lab (drafts kept, never quoted)."""
    return shipped_catalog().adding(PolicyStore(engine).versions())


def register_catalog(url: Optional[str] = None) -> Catalog:
    """The catalog the app quotes under, for the command line: the register's versions as well where there is a
    register (a default SQLite file not made yet holds none, and is not made by looking). It only reads: a register
    whose schema is not this code's is refused in words (with the command that migrates it), never migrated."""
    url = url or database_url()
    if url.startswith("sqlite:///") and not Path(url.split("///", 1)[1]).is_file():
        return shipped_catalog()
    try:
        engine = open_reader(url)
        try:
            behind = schema_behind(engine)
            if behind:
                raise InputError("register", f"{behind}; or give --shipped to quote under the shipped policy versions "
                                             "only")
            return published_catalog(engine)
        finally:
            engine.dispose()
    except SQLAlchemyError as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        raise InputError("register", f"{shown} cannot be read ({database_said(exc)}); give --shipped to quote under the "
                                     "shipped policy versions only") from None
