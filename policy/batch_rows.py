"""A batch row's cells -> its scenario, or every problem of the row, each naming its column as the file names it
(decisions.md 5 "batch dates" and "spreadsheet values")."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Optional

from pydantic import ValidationError

from .cells import SPELLINGS, Readers, blank, day
from .errors import InputError, each_error
from .fields import BY_NAME, NAMES, RANGES, FieldSpec, in_words
from .models import Scenario
from .versions import REQUESTED, days_of

VALUE_SHOWN = 40  # characters of a cell a problem quotes


@dataclass(frozen=True)
class Problem:
    column: str  # as the file names it
    message: str  # what is allowed
    value: str = ""  # the cell as written (cut to VALUE_SHOWN)
    quoted: bool = False  # the message itself begins with the cell (a date's does): one line says it once

    @classmethod
    def of_cell(cls, column: str, message: str, text: str) -> Problem:
        bare = text.strip()
        if bare.startswith("=") and len(bare) > 1:  # a formula saved without its value (workbook.py) said as one: the
            # row said only "must be an amount such as 8000.00" of =D3*2 (a walkthrough)
            message = f"is a formula, and the file holds no value for it (open it in Excel and save it again, or " \
                      f"write the value): {message}"
        shown = bare if len(bare) <= VALUE_SHOWN else bare[:VALUE_SHOWN] + "..."
        # a value that only occurs in the message (bank transfer, in the list of what is allowed) is named all the same
        return cls(column, message, shown, quoted=bool(bare) and message.startswith(bare))

    def __str__(self) -> str:
        if self.value and not self.quoted:
            return f"{self.column} \u201c{self.value}\u201d: {self.message}"
        return f"{self.column}: {self.message}"

    @property
    def _unlisted(self) -> tuple[str, str]:
        """The message before its list of what is allowed, and the words that begin that list ('' for none)."""
        found = _LIST_STARTS.search(self.message)
        return (self.message[:found.start()], found.group(1)) if found else (self.message, "")

    @property
    def searched(self) -> str:
        """What a search of the errors reads: the column, the cell, and the message without its list of what is
        allowed (every service error lists "seo (SEO)": a search for "seo" found rows that say nothing of SEO)."""
        said, listed = self._unlisted
        return f"{self.column} {self.value} {said}{' ' + listed if listed else ''}".casefold()

    @property
    def listed_above(self) -> str:
        """The message for a table of rows under the table of kinds, which gives its list of what is allowed once:
        the list of services on every row made each row 118 px tall, five to a screen (a walkthrough)."""
        said, listed = self._unlisted
        return f"{said} {listed} {_LISTED_ABOVE[listed]}" if listed else self.message


# The words that begin a message's list of what is allowed (a provider's services: cells.Readers.service_refused),
# and what stands for that list under a table that gives it once.
_LISTED_ABOVE = {"one of": "the values the table above lists", "sells": "the services the table above lists"}
_LIST_STARTS = re.compile(r" (one of|sells) ")


class RowProblems(Exception):
    """Everything wrong with one row, not only the first thing."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(map(str, problems)))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Reading:
    """How a batch reads its rows: the positions of the fields, the file's own names for them, and the readers."""
    positions: tuple[tuple[int, str], ...]  # (cell index, scenario field or REQUESTED)
    columns: Mapping[str, str]  # field -> the column's name as the file writes it
    readers: Readers
    run_day: date  # requested_on where a row gives a payment date and no request date nor days

    def column(self, field: str) -> str:
        return self.columns.get(field, field)

    @cached_property
    def specs(self) -> tuple[tuple[int, str, Optional[FieldSpec]], ...]:
        """(cell index, name, the field's spec; None for the request date): looked up once, not once a cell."""
        return tuple((i, name, BY_NAME.get(name)) for i, name in self.positions)

    def cell(self, cells: list[str], field: str) -> str:
        """The text of a field's cell in a row ('' where the file has no such column or the row no such cell)."""
        i = next((i for i, name in self.positions if name == field), len(cells))
        return cells[i] if i < len(cells) else ""

    def in_words(self, message: str) -> str:
        """A message with each field it names as the file names its column ('cannot be false when
        completion_pct is above 0' -> '... when Project completion (%) is above 0')."""
        return in_words(message, self.columns)


SEEN_MAX = 512  # texts a column's memo keeps (a column of amounts is mostly distinct: it stops growing there)
_UNSEEN = object()
_BLANK = object()


@dataclass(frozen=True)
class _Unreadable:
    """What a cell's reader said of a text it refused (kept in the memo like a value)."""
    message: str


def _read_cell(text: str, spec: Optional[FieldSpec], reading: Reading) -> object:
    if blank(text):
        return _BLANK
    try:
        return day(text, reading.readers.order) if spec is None else reading.readers.read(spec, text)
    except ValueError as exc:
        return _Unreadable(str(exc))


Seen = tuple[dict[str, object], ...]  # per field of a Reading: a text -> what it reads as


def seen_cells(reading: Reading) -> Seen:
    """A fresh memo of cell readings for some rows of one batch: a column of providers, yes/no or days holds a
    handful of texts across thousands of rows, and each is read once. Made per chunk, dropped with it."""
    return tuple({} for _ in reading.specs)


def scenario_of(cells: list[str], reading: Reading, seen: Optional[Seen] = None) -> Scenario:
    """The row's scenario; RowProblems names every cell that cannot be read and every rule the values break.
    `seen`: a memo from seen_cells, shared by the rows of one chunk."""
    problems: list[Problem] = []
    data: dict[str, object] = {}
    width = len(cells)
    for (i, name, spec), memo in zip(reading.specs, seen or seen_cells(reading)):
        text = cells[i] if i < width else ""
        if not text:
            continue
        value = memo.get(text, _UNSEEN)
        if value is _UNSEEN:
            value = _read_cell(text, spec, reading)
            if len(memo) < SEEN_MAX:
                memo[text] = value
        if value is _BLANK:
            continue
        if type(value) is _Unreadable:
            problems.append(Problem.of_cell(reading.column(name), value.message, text))
        else:
            data[name] = value
    provider = data.get("provider")
    if problems and isinstance(provider, str) and "service" not in data:
        problems = [_for_provider(p, reading, cells, provider) for p in problems]
    problems += _dated(data, reading, cells)
    failed = {p.column for p in problems}
    if reading.column("paid_on") in failed and "days_since_payment" not in data:
        failed.add(reading.column("days_since_payment"))  # the days were to come from that date: not a second error
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        said = {name for name in reading.columns if reading.column(name) in failed}
        for e in each_error(exc, NAMES, RANGES):
            said.add(e.field)
            # days a file has no column for come from its payment date: that column is the one to fill (an error
            # named days_since_payment, a column the file does not have, a walkthrough)
            name = "paid_on" if e.field == "days_since_payment" and e.field not in reading.columns \
                and "paid_on" in reading.columns else e.field
            if reading.column(name) not in failed:
                text = reading.cell(cells, name)
                message = _required(name, reading, text) if e.message == REQUIRED_SAID else e.message
                problems.append(Problem.of_cell(reading.column(name), reading.in_words(message), text))
        problems += _rules_broken_beside(said, data, reading, cells)
    if problems:
        order = {column: i for i, column in enumerate(reading.columns.values())}
        raise RowProblems(sorted(problems, key=lambda p: order.get(p.column, len(order))))  # as the row reads
    return scenario  # the checks that need its policy (a stage it has) come with its quote: one look-up a row


def _rules_broken_beside(said: set[str], data: dict[str, object], reading: Reading, cells: list[str]) -> list[Problem]:
    """The rules between fields (work not started at 10% done; parts above the amount) that fields already refused
    kept from running, checked with each of those standing at its example: a row with an unknown provider and Started
    "no" at 10% was told of the provider alone, and of the rest only once it was fixed (a walkthrough). A rule's
    error that names a field standing in is about the stand-in, not the row: not said."""
    stand_ins = {name: BY_NAME[name].default for name in said if name in BY_NAME}
    try:
        Scenario.model_validate({**data, **stand_ins})
    except ValidationError as exc:
        return [Problem.of_cell(reading.column(e.field), reading.in_words(e.message), reading.cell(cells, e.field))
                for e in each_error(exc, NAMES, RANGES)
                if e.field not in said and not any(name in e.message for name in said)]
    return []


def _for_provider(problem: Problem, reading: Reading, cells: list[str], provider: str) -> Problem:
    """A service cell no name matches, said with the services of the row's provider (cells.Readers.service_refused)."""
    if problem.column != reading.column("service"):
        return problem
    text = reading.cell(cells, "service")
    said = reading.readers.service_refused(text.strip(), provider)
    return problem if said is None else Problem.of_cell(problem.column, said, text)


REQUIRED_SAID = "is required"  # the scenario's word for a required field left out


def _required(field: str, reading: Reading, text: str) -> str:
    """A required cell left blank, or written 'unknown': what it must say. 'Completion "unknown": is required' did
    not say that unknown is only for the facts a row may leave out (a walkthrough)."""
    said = f"must be given in every row: {SPELLINGS[BY_NAME[field].kind]}"
    if field == "days_since_payment":
        said += f", or a {reading.column('paid_on')} to count them from"
    elif field == "paid_on":
        said += " (the days since payment are counted from it)"
    return f"{said}; unknown, n/a and the like are only for the facts a row may leave out" if text.strip() else said


def _dated(data: dict[str, object], reading: Reading, cells: list[str]) -> list[Problem]:
    """decisions.md 5 'batch dates': a payment date without days counts them to the request day (the run's day
    unless the row gives one); days and dates that disagree are an error naming both. Each error quotes its cell
    (a payment date after the run's day was listed with an empty Value, a walkthrough)."""
    def problem(field: str, message: str) -> Problem:
        return Problem.of_cell(reading.column(field), message, reading.cell(cells, field))

    asked = data.pop(REQUESTED, None)
    paid = data.get("paid_on")
    given = data.get("days_since_payment")
    try:
        days = days_of(paid if isinstance(paid, date) else None, asked if isinstance(asked, date) else None,
                       given, reading.run_day, reading.column)
        if isinstance(paid, date) and asked is None and given is not None:
            # the request is on the day of the run: days that count to another day are a second case in one row (a
            # stale "Days elapsed" of 30 beside a payment six days ago was quoted for a request three weeks ahead,
            # $0.00 where the client was still owed all of it, two walkthroughs)
            counted = days_of(paid, None, None, reading.run_day, reading.column)
            if counted != given:
                raise InputError("days_since_payment", f"{given} days, but {reading.column('paid_on')} {paid} to the "
                                 f"day of this run ({reading.run_day}) is {counted} days; give one, make them agree, "
                                 f"or give a {reading.columns.get(REQUESTED, 'Request date column')} for a request on "
                                 "another day")
    except InputError as exc:
        return [problem(exc.field, exc.message)]
    if days is not None:
        data["days_since_payment"] = days
    return []
