"""Who may do what: roles, what each permits, and who is acting. No Streamlit here: the store checks an Actor
in the code that writes, and the app only finds out who the Actor is (ui/identity.py).

Roles are ranks, each permitting what the one below it does and more (the role table in the README):
anyone < sales < sales-ops < author < admin. Which role a signed-in person has comes from configuration
(`[roles]` in `.streamlit/secrets.toml`): email addresses, whole email domains, and optionally a claim of the
identity token (such as `groups`) whose values name roles.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from policy import InputError


class Role(StrEnum):
    SALES = "sales"
    SALES_OPS = "sales-ops"
    AUTHOR = "author"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"sales": "Sales", "sales-ops": "Sales ops", "author": "Policy author", "admin": "Admin"}[self.value]


class Permission(StrEnum):
    SAVE_QUOTE = "save a quote"
    VIEW_REGISTER = "see saved quotes"
    DELETE_OWN_QUOTE = "delete a quote you saved"
    BATCH = "quote a batch"
    SAVE_BATCH = "save a batch to the register"
    LAB = "use the policy lab"
    PUBLISH = "save, publish or withdraw a policy version"
    DELETE_ANY_QUOTE = "delete any saved quote"
    AUDIT = "see the audit trail"


RANKS: tuple[Role, ...] = (Role.SALES, Role.SALES_OPS, Role.AUTHOR, Role.ADMIN)
GRANTS: Mapping[Role, frozenset[Permission]] = {
    Role.SALES: frozenset({Permission.SAVE_QUOTE, Permission.VIEW_REGISTER, Permission.DELETE_OWN_QUOTE}),
    Role.SALES_OPS: frozenset({Permission.BATCH, Permission.SAVE_BATCH}),
    Role.AUTHOR: frozenset({Permission.LAB, Permission.PUBLISH}),
    Role.ADMIN: frozenset({Permission.DELETE_ANY_QUOTE, Permission.AUDIT}),
}


def permissions_of(roles: Iterable[Role]) -> frozenset[Permission]:
    """What a set of roles permits: each role's own grants and those of every rank below it."""
    top = max((RANKS.index(r) for r in roles), default=-1)
    return frozenset().union(*(GRANTS[r] for r in RANKS[: top + 1]))


class Forbidden(PermissionError):
    """An action the actor's role does not include. Nothing of it was done; the refusal is in the audit trail."""

    def __init__(self, actor: Actor, permission: Permission, ended_at: datetime | None = None):
        self.actor, self.permission = actor, permission
        if ended_at is not None:
            said = (f"Not allowed: {actor.label} signed out of this sign-in at {ended_at:%Y-%m-%d %H:%M} UTC; sign in "
                    f"again with a role that may {permission.value}.")
        elif actor.anonymous:
            said = f"Not allowed: sign in with a role that may {permission.value}."
        else:
            said = f"Not allowed: the role of {actor.label} does not include this ({permission.value})."
        super().__init__(said)


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in person with their roles, the one local user (no sign-in configured: every
    role), or anyone (not signed in: no role)."""

    name: str = ""
    email: str = ""
    subject: str = ""  # the identity provider's id for the person (the token's `sub`)
    roles: frozenset[Role] = field(default_factory=frozenset)
    local: bool = False
    sign_in: str = ""  # which sign-in this is (sign_in_of): one its person ended is refused (store/audit.require)

    @classmethod
    def anyone(cls) -> Actor:
        return cls()

    @classmethod
    def local_user(cls, name: str = "") -> Actor:
        """The one user of a copy with no sign-in configured, on this machine: every role. `name` is what they
        typed (there is no identity to take it from)."""
        return cls(name=name.strip(), roles=frozenset(RANKS), local=True)

    @property
    def anonymous(self) -> bool:
        return not self.local and not self.email and not self.subject

    @property
    def key(self) -> str:
        """What ownership is recorded by: the email (stable across sign-ins), else the provider's subject."""
        if self.local:
            return "local"
        return self.email.casefold() or (f"sub:{self.subject}" if self.subject else "")

    @property
    def label(self) -> str:
        if self.local:
            return self.name or "the local user"
        if self.anonymous:
            return "anyone (not signed in)"
        return f"{self.name} <{self.email}>" if self.name and self.email else (self.name or self.email or self.subject)

    @property
    def display_name(self) -> str:
        """The name recorded as 'saved by' / 'published by'."""
        return self.name or self.email or self.subject

    @property
    def audit_name(self) -> str:
        """Who the audit trail says did it: a signed-in person by their name; the local user as such, with the name
        they typed, if any (the one user typing a name to save and none to delete was two people in the trail, and
        a filter by the name missed the delete: a walkthrough)."""
        if self.local:
            return f"the local user ({self.name})" if self.name else "the local user"
        return self.display_name or self.label

    def may(self, permission: Permission) -> bool:
        return permission in permissions_of(self.roles)

    def named(self, typed: str) -> Actor:
        """The local user under the name they typed; a signed-in name is theirs and is not replaced."""
        return Actor.local_user(typed) if self.local else self


ROLE_NAMES = {r.value: r for r in Role} | {r.value.replace("-", "_"): r for r in Role}


@dataclass(frozen=True)
class RoleMap:
    """Configuration: who has which roles. `members` maps a lower-case email or an '@domain' to roles; `claim`
    names an identity-token claim whose values (a string or a list) name roles."""

    members: Mapping[str, frozenset[Role]] = field(default_factory=dict)
    claim: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> RoleMap:
        """`[roles]` as written in secrets.toml: `claim = "groups"` and one list per role of emails and
        '@domains'. A role or an entry it cannot read is an InputError naming it."""
        members: dict[str, set[Role]] = {}
        claim = ""
        for key, value in dict(config or {}).items():
            if key == "claim":
                if not isinstance(value, str):
                    raise InputError("roles.claim", "must be the name of an identity-token claim, such as \"groups\"")
                claim = value.strip()
                continue
            role = ROLE_NAMES.get(str(key).strip().casefold())
            if role is None:
                raise InputError(f"roles.{key}", "is not a role: use " + ", ".join(r.value for r in Role)
                                 + ", or claim")
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f"roles.{key}", "must be a list of email addresses and '@domain' entries")
            for entry in value:
                entry = entry.strip().casefold()
                if "@" not in entry:
                    raise InputError(f"roles.{key}", f"{entry!r} is neither an email address nor an '@domain'")
                members.setdefault(entry, set()).add(role)
        return cls({k: frozenset(v) for k, v in members.items()}, claim)

    def roles_of(self, claims: Mapping[str, Any]) -> frozenset[Role]:
        """The roles of a person by the claims of their identity token. An email the provider says is not
        verified grants nothing by address or domain."""
        found: set[Role] = set()
        email = str(claims.get("email") or "").strip().casefold()
        if email and claims.get("email_verified", True) not in (False, "false"):
            found |= self.members.get(email, frozenset())
            found |= self.members.get("@" + email.rsplit("@", 1)[-1], frozenset())
        if self.claim:
            values = claims.get(self.claim) or []
            for value in [values] if isinstance(values, str) else values:
                role = ROLE_NAMES.get(str(value).strip().casefold())
                if role is not None:
                    found.add(role)
        return frozenset(found)

    def actor(self, claims: Mapping[str, Any]) -> Actor:
        """The signed-in person the claims describe."""
        email = str(claims.get("email") or "").strip()
        return Actor(name=str(claims.get("name") or "").strip(), email=email,
                     subject=str(claims.get("sub") or "").strip(), roles=self.roles_of(claims),
                     sign_in=sign_in_of(claims))


def sign_in_of(claims: Mapping[str, Any]) -> str:
    """One sign-in, named by a digest of its identity token's claims: every tab of the browser reads the same
    claims from its cookie, and a new sign-in has others (the token's time and nonce). Never the claims themselves:
    the table of ended sign-ins holds no one's token."""
    return hashlib.sha256(json.dumps(dict(claims), sort_keys=True, default=str).encode()).hexdigest()
