"""The audit trail: who did what and when, appended in the same transaction as the change it records (a change
that rolls back leaves no record of itself, and a record never outlives its change). Refusals are recorded too.
Reading it is an admin's; nothing here, or anywhere in the app, edits or deletes a row (the database's triggers
refuse it as well: migration 0005)."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Optional, TypeVar

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

from policy.explain import VERDICT_LABELS
from policy.money import format_range
from policy.records import NAME_MAX, searchable
from policy.spreadsheet import rows_text
from policy.taxonomy import SERVICES

from . import sign_ins
from .access import Actor, Forbidden, Permission
from .days import Days
from .tables import EMAIL_MAX, AuditEventRow

PUBLISHING_STEP = "saved as the first step of publishing it"  # why a draft was saved that its author never saved


class Action(StrEnum):
    REFUSED = "refused"
    QUOTE_SAVED = "quote saved"
    QUOTE_DELETED = "quote deleted"
    BATCH_SAVED = "batch saved"
    VERSION_DRAFTED = "version saved as draft"
    VERSION_PUBLISHED = "version published"
    VERSION_WITHDRAWN = "version withdrawn"
    SIGNED_OUT = "signed out"
    DOWNLOADED = "downloaded"  # a file of the register's data: a saved quote's, a batch's results, a list


def _in_utc(at: datetime) -> str:
    return f"{at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: datetime
    actor_name: str
    actor_email: str
    actor_roles: str
    action: str
    subject: str
    detail: Mapping[str, Any]

    @property
    def action_in_words(self) -> str:
        """The action as the trail names it: a draft saved by a publish says so ("Version saved as draft" beside
        "Version published" in the same second read as two things its author did, a walkthrough)."""
        return f"{self.action} to publish it" if self.detail.get("why") == PUBLISHING_STEP else self.action

    def parts_in_words(self, providers: Mapping[str, str] = MappingProxyType({}), counted: bool = True,
                       moment: Callable[[datetime], str] = _in_utc) -> list[tuple[str, str]]:
        """The detail's parts as a person reads them: a provider by its name (`providers`: id -> name), a service
        and a verdict by theirs ("provider: stepinto; service: ppc; verdict: full" read as code, a walkthrough); a
        refund as dollars, its least before its most ("refund max: 7500.00; refund min: 7500.00", a walkthrough); a
        lab version as the lab names it. A part with nothing in it is left out ("batch id: None; client ref: ; saved
        by: " read as a fault). A part holding more (a deleted quote whole) is counted, not spelt out, or with
        counted=False left to the caller: all of it is in the CSV's detail. `moment`: how a time reads (the page's
        in the person's zone, as its When column: a sign-out at "22:41 UTC" beside "23:42 Europe/Berlin" read as two
        clocks, a walkthrough)."""
        named = {"provider": providers, "service": SERVICES, "verdict": VERDICT_LABELS}
        detail = dict(self.detail)
        if detail.get("why") == PUBLISHING_STEP:  # said by the action (action_in_words)
            del detail["why"]
        low, high = detail.pop("refund_min", None), detail.pop("refund_max", None)
        if low is not None and high is not None:
            detail["refund"] = format_range(Decimal(low), Decimal(high))

        def said(key: str, value: Any) -> str:
            if isinstance(value, Mapping):
                return f"({len(value)} fields: in the CSV)"
            if isinstance(value, (list, tuple)):
                return f"({len(value)} items: in the CSV)"
            if key == "version_id":
                return f"#{value}"
            if key == "signed_out_at":  # "2026-12-07T15:45:09.016070+00:00" read as a machine's (a walkthrough)
                return moment(datetime.fromisoformat(str(value)))
            return str(named.get(key, {}).get(value, value)) if isinstance(value, str) else str(value)

        return [(_KEY_WORDS.get(key, key.replace("_", " ")), said(key, value)) for key, value in sorted(detail.items())
                if value is not None and value != "" and (counted or not isinstance(value, (Mapping, list, tuple)))]

    def detail_in_words(self, providers: Mapping[str, str] = MappingProxyType({}),
                        moment: Callable[[datetime], str] = _in_utc) -> str:
        """The parts in words on one line: 'provider: Social Beat Digital; refund: $7,500.00'."""
        return "; ".join(f"{key}: {value}" for key, value in self.parts_in_words(providers, moment=moment))


# a detail's name where its key reads as code: a lab version's row is the "draft #1" the lab named ("version id: 1")
_KEY_WORDS = {"version_id": "lab version", "signed_out_at": "signed out at",
              "not_saved": "rows with an error (not saved)", "rows": "rows saved",
              "in_its_place": "in force in its place", "number_before": "saved before as"}


@dataclass(frozen=True)
class AuditFilters:
    action: Optional[str] = None
    actor: str = ""  # in the name or the email, any case
    on: Days = field(default_factory=Days)  # on these days, in the time zone of whoever picked them


def record(session: Session, actor: Actor, action: Action, subject: str,
           detail: Optional[Mapping[str, Any]] = None, at: Optional[datetime] = None) -> None:
    """Append one event to the session's transaction."""
    session.add(AuditEventRow(
        at=at or datetime.now(UTC), actor_name=actor.audit_name[:NAME_MAX],
        actor_email=actor.email[:EMAIL_MAX], actor_roles=",".join(sorted(r.value for r in actor.roles)),
        action=action.value, subject=subject[:NAME_MAX],
        detail=json.dumps(dict(detail or {}), ensure_ascii=False, default=str, sort_keys=True)))


def require(engine: Engine, actor: Actor, permission: Permission, subject: str) -> None:
    """Raise Forbidden, after recording the refusal, unless `actor` may do `permission` in a sign-in not ended
    (sign_ins.py: a tab left open after a sign-out in another)."""
    ended = sign_ins.ended_at(engine, actor.sign_in)
    if ended is None and actor.may(permission):
        return
    detail = {"needed": permission.value} | ({} if ended is None else {"signed_out_at": ended.isoformat()})
    with Session(engine) as session, session.begin():
        record(session, actor, Action.REFUSED, subject, detail)
    raise Forbidden(actor, permission, ended)


Made = TypeVar("Made")


def while_held(engine: Engine, actor: Actor, permission: Permission, what: str,
               make: Callable[[], Made]) -> Callable[[], Made]:
    """`make`, the file `what` to be made later (a download's, on its click): refused (require) unless `actor` still
    may do `permission` in a sign-in not ended by then, and recorded as downloaded (the register's whole list left
    the app with no word in the trail, a walkthrough)."""
    def made() -> Made:
        require(engine, actor, permission, f"download {what}")
        data = make()  # a file that could not be made (its quote deleted since) was not downloaded
        with Session(engine) as session, session.begin():
            record(session, actor, Action.DOWNLOADED, what)
        return data
    return made


class AuditLog:
    def __init__(self, engine: Engine):
        self.engine = engine

    def refused(self, actor: Actor, permission: Permission, subject: str) -> None:
        """A refusal the app decided on before calling the store (a page the role does not include)."""
        with Session(self.engine) as session, session.begin():
            record(session, actor, Action.REFUSED, subject, {"needed": permission.value})

    def signed_out(self, actor: Actor) -> None:
        """The person ends this sign-in: recorded, and refused from now on wherever it is still held."""
        if not actor.sign_in:  # the local user, anyone: no sign-in to end
            return
        now = datetime.now(UTC)
        with Session(self.engine) as session, session.begin():
            sign_ins.end(session, actor.sign_in, now)
            record(session, actor, Action.SIGNED_OUT, "their sign-in", at=now)

    def used_after_sign_out(self, actor: Actor, ended_at: datetime, subject: str,
                            needed: Optional[Permission] = None) -> None:
        """A tab still holding a sign-in its person ended was used: refused (the page treats it as not signed in).
        `needed`: what a write tried there needed, said as every other refusal says it."""
        detail = {"signed_out_at": ended_at.isoformat()} | ({} if needed is None else {"needed": needed.value})
        with Session(self.engine) as session, session.begin():
            record(session, actor, Action.REFUSED, subject, detail)

    def find(self, filters: AuditFilters = AuditFilters(), *, by: Actor, page: int = 1,
             page_size: int = 100) -> tuple[list[AuditEvent], int]:
        """One page of the trail, newest first, and how many events match."""
        require(self.engine, by, Permission.AUDIT, "the audit trail")
        query = _filtered(filters)
        with Session(self.engine) as session:
            total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
            rows = session.scalars(query.order_by(AuditEventRow.id.desc()).limit(page_size)
                                   .offset((max(page, 1) - 1) * page_size))
            return [_event(r) for r in rows], total

    def each(self, filters: AuditFilters = AuditFilters(), *, by: Actor) -> Iterator[AuditEvent]:
        require(self.engine, by, Permission.AUDIT, "the audit trail")
        with Session(self.engine) as session:
            for row in session.scalars(_filtered(filters).order_by(AuditEventRow.id).execution_options(yield_per=1000)):
                yield _event(row)


def _filtered(f: AuditFilters) -> Select[Any]:
    t = AuditEventRow
    query = select(t)
    if f.action:
        query = query.where(t.action == f.action)
    who = searchable(f.actor).casefold()
    if who:
        pattern = "%" + who.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(func.lower(t.actor_name).like(pattern, escape="\\")
                            | func.lower(t.actor_email).like(pattern, escape="\\"))
    for condition in f.on.of(t.at):
        query = query.where(condition)
    return query


def _event(r: AuditEventRow) -> AuditEvent:
    at = r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC)
    return AuditEvent(r.id, at, r.actor_name, r.actor_email, r.actor_roles, r.action, r.subject, json.loads(r.detail))


AUDIT_COLUMNS = ("id", "at", "actor_name", "actor_email", "actor_roles", "action", "subject", "detail_in_words",
                 "detail")


def audit_csv(events: Iterable[AuditEvent], providers: Mapping[str, str] = MappingProxyType({})) -> str:
    """The trail as a spreadsheet-safe CSV (a client's name in a detail is never run as a formula): each detail in
    the page's words, then whole as JSON (only the JSON, 3,433 characters of a deleted quote with its nulls and
    ids, was hard to read: a walkthrough)."""
    rows = [[str(e.id), e.at.isoformat(timespec="seconds"), e.actor_name, e.actor_email, e.actor_roles, e.action_in_words,
             e.subject, e.detail_in_words(providers), json.dumps(dict(e.detail), ensure_ascii=False, sort_keys=True)]
            for e in events]
    return rows_text([list(AUDIT_COLUMNS), *rows])
