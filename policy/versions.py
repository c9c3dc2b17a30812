"""Policy versions with effective dates: a quote follows the version in force on the payment date.

A Catalog holds every version of every provider (the shipped files are the seeds; the app adds the ones
published in the lab). It is immutable: publishing makes a new Catalog, with a new revision.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from itertools import pairwise
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, Optional

from .errors import InputError
from .loader import DATA_DIR, load_policy, source_text
from .models import payment_day
from .schema import PolicyFile

if TYPE_CHECKING:
    from .models import Scenario

Status = Literal["seed", "draft", "published", "withdrawn"]
EARLIEST = date.min


OWN_FIELDS = {"version", "effective_from", "last_updated"}  # what every new version has of its own


def same_terms(policy: PolicyFile, text: str, other: PolicyFile, other_text: str) -> bool:
    """Whether two versions have the same terms and the same text word for word: a number, a date or a line break
    of their own aside."""
    return text.split() == other_text.split() and \
        policy.model_dump(exclude=OWN_FIELDS) == other.model_dump(exclude=OWN_FIELDS)


@dataclass(frozen=True)
class Withdrawal:
    """Why and by whom a published version was withdrawn: it is in force no more, and quotes saved under it
    say so."""
    by: str
    at: datetime
    reason: str

    def sentence(self, version: str) -> str:
        return f"Version {version} was withdrawn on {self.at:%d %b %Y} by {self.by}: {self.reason}"


@dataclass(frozen=True)
class Version:
    policy: PolicyFile
    text: str  # the policy's own words in this version: its quotes are checked against them
    status: Status = "seed"
    saved_by: str = ""
    published_by: str = ""
    published_at: Optional[datetime] = None
    lab_id: Optional[int] = None  # its row in the register's database, for a lab version
    withdrawn: Optional[Withdrawal] = None

    @property
    def provider(self) -> str:
        return self.policy.id

    @property
    def effective(self) -> date:
        return self.policy.effective_from or EARLIEST

    @property
    def label(self) -> str:
        since = f"from {self.policy.effective_from:%d %b %Y}" if self.policy.effective_from else "from the start"
        origin = {"seed": "shipped", "draft": "draft", "published": "published", "withdrawn": "withdrawn"}[self.status]
        return f"{self.policy.version} ({origin}, {since})"


@dataclass(frozen=True)
class Catalog:
    versions: tuple[Version, ...]

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (to a batch worker) as its versions: what its cached properties keep is made again."""
        return {"versions": self.versions}

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "versions", state["versions"])

    @cached_property
    def in_force(self) -> Mapping[str, tuple[Version, ...]]:
        """Each provider's seed and published versions, by effective date (a later one replaces an earlier one
        from its date; two on the same day: the one published last). Drafts and withdrawn versions are not in
        force: a payment in a withdrawn version's span falls under the version before it."""
        found: dict[str, list[Version]] = {}
        for v in self.versions:
            if v.status in ("seed", "published"):
                found.setdefault(v.provider, []).append(v)
        return MappingProxyType({p: tuple(sorted(vs, key=lambda v: (v.effective, v.published_at or datetime.min)))
                                 for p, vs in found.items()})

    @cached_property
    def _by_day(self) -> dict[date, Mapping[str, PolicyFile]]:
        return {}  # on()'s answers: a batch asks for the same few days once per row

    def on(self, day: date) -> Mapping[str, PolicyFile]:
        """The version of each provider in force on `day`; before a provider's first effective date, its first."""
        known = self._by_day.get(day)
        if known is not None:
            return known
        if len(self._by_day) >= 4096:  # a batch of payments on every day of decades: start again
            self._by_day.clear()
        chosen = {}
        for provider, versions in self.in_force.items():
            current = versions[0]
            for v in versions:
                if v.effective <= day:
                    current = v
            chosen[provider] = current.policy
        found = self._by_day[day] = MappingProxyType(chosen)
        return found

    @cached_property
    def _replacements(self) -> tuple[tuple[Version, Version], ...]:
        """(a version, the one published later from the same date that replaced it on that date)."""
        return tuple((v, later) for vs in self.in_force.values() for v, later in pairwise(vs)
                     if later.effective == v.effective)

    @cached_property
    def replaced(self) -> Mapping[tuple[str, str], Version]:
        """(provider, version number) -> the version published later from the same date, which replaced it on that
        date: it answers for no payment from now on (the calculator named such a version as the one for payments from
        its day, a walkthrough)."""
        return MappingProxyType({(v.provider, v.policy.version): later for v, later in self._replacements})

    @cached_property
    def changes(self) -> tuple[Version, ...]:
        """The versions that take over from another on their date, soonest first: every provider's but its first,
        which is in force before its own date too (a fourth provider published from today was said as "for later
        payments" beside a quote it answered for a payment before, a walkthrough), and but one replaced on its date."""
        return tuple(sorted((v for vs in self.in_force.values() for v in vs[1:]
                             if (v.provider, v.policy.version) not in self.replaced),
                            key=lambda v: (v.effective, v.provider)))

    def coming(self, day: date) -> tuple[Version, ...]:
        """The versions published to take over after `day`, soonest first: a page that quotes `day` says them, so
        nobody quotes today's terms unaware they change tomorrow."""
        return tuple(v for v in self.changes if v.effective > day)

    def other_names(self, provider: str) -> Mapping[str, str]:
        """Every other provider's name (id -> name, of its latest version in force): a policy made from another's
        file keeps that name in its own words (lint.other-provider-named)."""
        return {p: vs[-1].policy.name for p, vs in self.in_force.items() if p != provider}

    def of(self, provider: str) -> tuple[Version, ...]:
        """Every version of one provider, drafts included, in effective order."""
        return tuple(sorted((v for v in self.versions if v.provider == provider),
                            key=lambda v: (v.effective, v.status == "draft", v.published_at or datetime.min)))

    def withdrawal(self, provider: str, version: str) -> Optional[Withdrawal]:
        """Where a provider's version was withdrawn: when, by whom and why (a saved quote under it says so)."""
        return next((v.withdrawn for v in self.versions
                     if v.provider == provider and v.policy.version == version and v.withdrawn), None)

    def withdrawn_for(self, provider: str, day: date) -> Optional[Version]:
        """The latest withdrawn version of `provider` that would answer for a payment on `day` had it not been
        withdrawn: a link given out under it opened on the version before, with another amount and nothing said (a
        walkthrough)."""
        answering = self.on(day).get(provider)
        since = (answering.effective_from or EARLIEST) if answering is not None else EARLIEST
        return max((v for v in self.versions if v.provider == provider and v.withdrawn is not None
                    and since <= v.effective <= day), key=lambda v: v.effective, default=None)

    def find(self, provider: str, version: str) -> Optional[Version]:
        """A provider's version by its number (drafts aside): what a saved quote was given under."""
        return next((v for v in self.versions
                     if v.provider == provider and v.policy.version == version and v.status != "draft"), None)

    def free_version(self, provider: str, effective: date, mine: Optional[str] = None) -> str:
        """A number for a new version of `provider`: its effective date, as Social Beat numbers its own
        ("2025-06-17"), with -2, -3... where one of that provider's versions has it already. `mine`: the number of
        the draft being edited, which is not taken by another (its own date's number is free for it)."""
        taken = {v.policy.version for v in self.of(provider)} - {mine}
        return next(n for n in (effective.isoformat(), *(f"{effective.isoformat()}-{i}" for i in range(2, len(taken) + 3)))
                    if n not in taken)

    def text_of(self, policy: PolicyFile) -> str:
        found = next((v.text for v in self.versions if v.policy is policy), None)
        return found if found is not None else source_text(policy)

    def nothing_new(self, policy: PolicyFile, text: str) -> Optional[str]:
        """Why publishing `policy` (with `text`) from its effective date would add nothing, or None: it has the
        terms and the text (word for word) of the version in force before it on that day, so it would change no
        quote and say nothing new. A new wording alone is something new."""
        previous = self.on(policy.effective_from or date.min).get(policy.id)
        if previous is None or not same_terms(policy, text, previous, self.text_of(previous)):
            return None
        return (f"it has the terms and the text of version {previous.version}, in force on that day: publishing it "
                "would change no quote (make an edit first)")

    @cached_property
    def revision(self) -> str:
        """What tells two catalogs apart (a cache key part): every version's provider, number and state."""
        parts = [f"{v.provider}|{v.policy.version}|{v.effective}|{v.status}|{v.lab_id}" for v in self.versions]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]

    def adding(self, versions: Iterable[Version]) -> Catalog:
        return Catalog((*self.versions, *versions))

    def without(self, version: Version) -> Catalog:
        """The catalog once `version` is withdrawn: which version answers in its span, if any is left."""
        return Catalog(tuple(v for v in self.versions if v is not version))

    def replaced_for(self, provider: str, version: str) -> Optional[Version]:
        """The version `version` replaced on its own date (published from that day before it), if any: it answered
        for this version's payments until then, and a quote given under it may say otherwise (a walkthrough's client
        was told 28 Dec in the morning and 21 Dec after a second publish, with nothing said)."""
        return next((old for old, later in self._replacements
                     if later.provider == provider and later.policy.version == version), None)

    def as_before_withdrawal(self, version: Version) -> Catalog:
        """The catalog as it was while a withdrawn `version` was in force: what a quote under it said."""
        return Catalog(tuple(replace(v, status="published", withdrawn=None) if v is version else v for v in self.versions))


@lru_cache(maxsize=1)
def shipped_catalog() -> Catalog:
    """The shipped files: the seed versions."""
    versions = []
    for path in sorted(DATA_DIR.glob("*.toml")):
        policy = load_policy(path)
        versions.append(Version(policy, source_text(policy)))
    return Catalog(tuple(versions))


PLANNED_DAYS = 366  # a payment may be planned up to a year ahead: quoted under the version in force on its day


def latest_payment(today: date) -> date:
    """The latest payment day a case may plan for, asked on `today` (the calculator's and a batch's alike)."""
    return today + timedelta(days=PLANNED_DAYS)


def days_counted(paid: date, asked: date) -> int:
    """The days since a payment on `paid`, for a request on `asked` where no days were given (the calculator, the
    command line and a batch row alike): a payment planned after that day is asked about on its own day (0 days),
    up to latest_payment; ValueError beyond it."""
    if paid > latest_payment(asked):
        raise ValueError(f"{paid} is more than a year ahead of {asked}: a payment may be planned up to "
                         f"{latest_payment(asked)}")
    return max((asked - paid).days, 0)


REQUESTED = "requested_on"  # beside the scenario's fields: the request day, for a case given with a payment date


def days_of(paid: Optional[date], asked: Optional[date], given: Optional[object], today: date,
            name: Callable[[str], str] = str) -> Optional[int]:
    """decisions.md 5 'batch dates', for a batch row and the command line alike: a payment date without days counts
    them to the request day (`asked`, else `today`); days and dates that disagree are an error naming both; a
    request date needs a payment date. The days counted, or None where the case's own (or none) stand; InputError
    naming the field otherwise, each field said as `name` says it (a batch names its columns)."""
    if paid is None:
        if asked is not None:
            raise InputError(REQUESTED, f"needs a {name('paid_on')} to count the days from")
        return None
    until = asked or today
    days = (until - paid).days
    if given is not None:
        if asked is not None and given != days:
            raise InputError("days_since_payment", f"{given} days, but {name('paid_on')} {paid} to {name(REQUESTED)} "
                                                   f"{asked} is {days} days; give one or make them agree")
        return None
    if days < 0 and asked is not None:
        raise InputError("paid_on", f"{paid} is after {name(REQUESTED)} ({until}); a request comes after the payment")
    # a payment planned after the day asked on is asked about on its own day, as the calculator quotes it
    try:
        return days_counted(paid, until)
    except ValueError as exc:
        raise InputError("paid_on", str(exc)) from None


@dataclass(frozen=True)
class Basis:
    """What a quote is made under: one catalog, and the day a case without a payment date is asked on (its
    payment was that many days before; a scenario with a date follows the version in force on it). Passed
    explicitly to everything that quotes: nothing falls back to the shipped files or to today."""
    catalog: Catalog
    as_of: date

    def policies(self, day: Optional[date] = None) -> Mapping[str, PolicyFile]:
        """Each provider's version for a payment on `day` (the basis's day without one): every provider of the
        catalog, so every page lists the same ones. A scenario's are for_scenario's."""
        return self.catalog.on(day or self.as_of)

    def payment_day(self, paid_on: Optional[date], days_since_payment: int) -> date:
        """The day of a case's payment: its date, or without one the basis's day less the days since payment (a
        case given in days is asked on the basis's day). Twelve days after a payment on 24 Nov, asked on 6 Dec, was
        quoted under a version published from 6 Dec, which a payment dated 24 Nov was not (a walkthrough)."""
        return payment_day(paid_on, days_since_payment, self.as_of)

    def fewest_days_alike(self, scenario: Scenario) -> int:
        """The fewest days since payment that leave a scenario under the versions it has: a result that does not
        depend on the day (a curve across days) is cached under those, not under 0 days, whose payment would be
        today and could follow a version published since (0 for a scenario with a payment date)."""
        if scenario.paid_on is not None:
            return 0
        later = self.catalog.coming(self.payment_day(None, scenario.days_since_payment))
        return max(0, (self.as_of - later[0].effective).days + 1) if later else 0

    def for_scenario(self, scenario: Scenario) -> Mapping[str, PolicyFile]:
        """Each provider's version in force on the scenario's payment day (decisions.md 'one catalog, one date')."""
        return self.catalog.on(self.payment_day(scenario.paid_on, scenario.days_since_payment))

    @classmethod
    def of(cls, policies: Iterable[PolicyFile], as_of: date) -> Basis:
        """A basis of one fixed version per provider (the lab's preview of an edit, a saved quote's version)."""
        return cls(Catalog(tuple(Version(p, "") for p in policies)), as_of)
