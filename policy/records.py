"""What a rep adds to a saved quote (client name, reference, note), declared once: the calculator's save form,
the batch's columns, the register's limits and its search all read RECORD_FIELDS."""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import InputError


@dataclass(frozen=True)
class RecordField:
    name: str
    label: str
    limit: int  # characters
    headers: tuple[str, ...]  # other spellings a batch's header may use (matched as batch.canonical does)


RECORD_FIELDS = (
    RecordField("client_name", "Client name", 200, ("client", "customer", "client_name", "name")),
    RecordField("client_ref", "Your reference", 200, ("reference", "ref", "client_ref", "project", "order",
                                                       "Reference or project")),  # the rep's own, not the client's project
    RecordField("note", "Note", 2000, ("note", "notes", "comment", "comments")),
)
RECORD_NAMES = tuple(f.name for f in RECORD_FIELDS)
BY_RECORD = {f.name: f for f in RECORD_FIELDS}
NAME_MAX = BY_RECORD["client_name"].limit  # also who saved and a batch's name
NOTE_MAX = BY_RECORD["note"].limit


def checked(name: str, value: str, limit: int = 0) -> str:
    """A detail stripped, or InputError naming it when it is longer than it may be or holds a NUL character
    (no text a person types has one, and PostgreSQL refuses it in text: one would fail a whole batch)."""
    value = value.strip()
    limit = limit or BY_RECORD[name].limit
    if len(value) > limit:
        raise InputError(name, f"must be at most {limit:,} characters (it has {len(value):,})")
    if "\x00" in value:
        raise InputError(name, "must not contain a NUL character (\\0); remove it and try again")
    return value


def searchable(text: str) -> str:
    """Search words as typed, without NUL characters (a database cannot compare them: a search for one would
    fail, not find nothing)."""
    return text.replace("\x00", "").strip()


def checked_record(values: Mapping[str, str]) -> dict[str, str]:
    """Every record field, stripped and checked (a missing one is blank)."""
    return {f.name: checked(f.name, values.get(f.name, "")) for f in RECORD_FIELDS}


def folded(text: str) -> str:
    """Text as search matches it: any case, with or without accents ('Díaz' is found by 'diaz')."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
