"""The policy lab's editing, without Streamlit: a policy's tiers and terms as flat tables an author edits, and
back into a policy validated by the same schema as a shipped file, each problem named by row and column."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, Optional

from pydantic import ValidationError

from .cells import truth
from .errors import describe_all
from .schema import PolicyFile

# Every table's columns as the author reads them, in the grid's headers and in the problems named.
LABELS = {"service": "Service", "stage": "Stage", "tier": "Tier", "label": "What it says", "days_min": "From day",
          "days_max": "To day", "work_started": "Work started", "min_pct": "Min %", "max_pct": "Max %",
          "fee_pct": "Fee %", "fee_cap": "Fee cap ($)", "section": "Section", "quote": "Verbatim quote",
          "completion_from": "From % (incl.)", "completion_above": "Above % (excl.)",
          "completion_below": "Below % (excl.)", "completion_to": "To % (incl.)", "term": "Term", "value": "Days",
          "method": "Payment method", "min_business_days": "Min business days",
          "max_business_days": "Max business days", "flag": "When the client says", "field": "Money taken off",
          "ambiguity": "Unclear term", "reading": "Reading", "reading_pct": "Its %"}
Row = dict[str, Any]  # a table's row as the editor gives it: column -> cell
RowsAt = dict[tuple[Any, ...], tuple[str, int]]  # a place in the policy's data -> (table, row) for the schema's errors
Place = tuple[Any, ...]  # a place in one rule of the policy's data (a tier, a stage...): keys and list indexes
END = "<end>"  # in a path: the tier's end that carries its fee ('max' first; 'max' where neither does)


@dataclass(frozen=True)
class Column:
    """One column of a grid, declared once: where its cell sits in the rule a row stands for (read from it for the
    grid, written back into it, and where a schema error there is named), and how a cell is read."""

    name: str
    path: Place = ()  # () for a key column: it names the rule (service, stage, tier...), never written
    read: Literal["key", "number", "days", "flag", "text"] = "text"
    blank: Literal["none", "keep", "zero", "needed"] = "none"  # a blank cell: no value, as it was, 0, or a problem
    optional: bool = False  # a row without this column leaves the rule's value as it was
    shows: tuple[Place, ...] = ()  # other places in the rule whose schema errors are named in this column


@dataclass(frozen=True)
class Grid:
    """A table of the lab: its columns in the grid's order (the numbers first: they show without scrolling)."""

    name: str
    part: str  # where its rules sit in the policy's data
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def fixed(self) -> tuple[str, ...]:
        """The key columns: which rule a row is, not edited in the grid."""
        return tuple(c.name for c in self.columns if c.read == "key")

    def column_at(self, rest: Sequence[Any]) -> Optional[str]:
        """The column that shows a schema error at `rest` inside a row's rule: the one with the deepest path
        (its own or one it shows) that `rest` begins with."""
        best, depth = None, 0
        for column in self.columns:
            for path in (column.path, *column.shows):
                if path and len(path) > depth and _within(rest, path):
                    best, depth = column.name, len(path)
        return best


def _within(rest: Sequence[Any], path: Place) -> bool:
    return len(rest) >= len(path) and all(p == r or (p == END and r in ("min", "max")) for p, r in zip(path, rest))


_CLAUSE = (Column("section", ("clauses", 0, "section")),
           Column("quote", ("clauses", 0, "quote"), shows=(("clauses",),)))  # the first clause; the others by quote
TIERS = Grid("tiers", "services", (
    Column("service", read="key"), Column("stage", read="key"), Column("tier", read="key"),
    Column("min_pct", ("min", "pct"), "number", blank="needed", shows=(("min",),)),
    Column("max_pct", ("max", "pct"), "number", blank="needed", shows=(("max",),)),
    Column("fee_pct", (END, "less_fee", "pct"), "number", shows=((END, "less_fee"),)),
    Column("fee_cap", (END, "less_fee", "cap"), "number"),
    Column("days_min", ("when", "days_min"), "days", optional=True),
    Column("days_max", ("when", "days_max"), "days", optional=True),
    Column("work_started", ("when", "work_started"), "flag"),
    Column("label", ("label",)), *_CLAUSE))
STAGES = Grid("stages", "services", (
    Column("service", read="key"), Column("stage", read="key"), Column("label", ("label",)),
    Column("completion_from", ("completion_from",), "number", blank="zero"),
    Column("completion_above", ("completion_above",), "number"),
    Column("completion_below", ("completion_below",), "number"),
    Column("completion_to", ("completion_to",), "number"),
    Column("work_started", ("work_started",), "flag")))
PROCESSING = Grid("processing", "processing_times", (
    Column("method", read="key"),
    Column("min_business_days", ("min_business_days",), "days", blank="keep"),
    Column("max_business_days", ("max_business_days",), "days", blank="keep"), *_CLAUSE))
EXCEPTIONS = Grid("exceptions", "exceptions", (
    Column("flag", read="key"), Column("label", ("label",), optional=True),
    Column("min_pct", ("min", "pct"), "number", blank="keep", shows=(("min",),)),
    Column("max_pct", ("max", "pct"), "number", blank="keep", shows=(("max",),)), *_CLAUSE))
# Each reading of a tier's unclear words: the amount it would give, of the base the reading names (a lint error said
# "change that reading's amount", and no table here held it: a walkthrough edited the TOML by hand)
READINGS = Grid("readings", "services", (
    Column("service", read="key"), Column("stage", read="key"), Column("tier", read="key"),
    Column("ambiguity", read="key"), Column("reading", read="key"),
    Column("reading_pct", ("amount", "pct"), "number", blank="needed", shows=(("amount",),)),
    Column("label", ("label",))))
GRIDS = {g.name: g for g in (TIERS, STAGES, PROCESSING, EXCEPTIONS, READINGS)}


def _end(rule: dict[str, Any]) -> str:
    """Which end of a tier carries its fee ('max' first, and 'max' where neither does)."""
    return next((e for e in ("max", "min") if isinstance(rule.get(e), dict) and rule[e].get("less_fee")), "max")


def _resolved(path: Place, rule: dict[str, Any]) -> Place:
    return tuple(_end(rule) if p == END else p for p in path)


def _get(rule: dict[str, Any], path: Place) -> Any:
    value: Any = rule
    for p in _resolved(path, rule):
        if value is None:
            return None
        value = value[p]
    return value


def _put(rule: dict[str, Any], path: Place, value: Any) -> None:
    *parents, last = _resolved(path, rule)
    target: Any = rule
    for p in parents:
        target = target[p]
    target[last] = value


def _shown(column: Column, value: Any) -> Any:
    """A rule's value as its grid cell: numbers as floats (what the grid edits), the rest as they are."""
    return _float(value) if column.read == "number" else value


def _row(grid: Grid, rule: dict[str, Any], keys: Row) -> Row:
    return {c.name: keys[c.name] if c.read == "key" else _shown(c, _get(rule, c.path)) for c in grid.columns}


def _rules(grid: Grid, data: dict[str, Any]) -> list[tuple[Row, Place, dict[str, Any]]]:
    """Each rule a row of `grid` stands for, in file order: its key cells, its place in the data, the rule."""
    if grid.name == "tiers":
        return [({"service": sid, "stage": stage["id"], "tier": tier["id"]},
                 ("services", sid, "stages", i, "tiers", j), tier)
                for sid, service in data["services"].items() for i, stage in enumerate(service["stages"])
                for j, tier in enumerate(stage["tiers"])]
    if grid.name == "readings":  # numbered from 1 within their tier
        return [({"service": sid, "stage": stage["id"], "tier": tier["id"], "ambiguity": tier["ambiguity"]["id"],
                  "reading": k}, ("services", sid, "stages", i, "tiers", j, "ambiguity", "readings", k - 1), reading)
                for sid, service in data["services"].items() for i, stage in enumerate(service["stages"])
                for j, tier in enumerate(stage["tiers"]) if tier.get("ambiguity")
                for k, reading in enumerate(tier["ambiguity"]["readings"], 1)]
    if grid.name == "stages":
        return [({"service": sid, "stage": stage["id"]}, ("services", sid, "stages", i), stage)
                for sid, service in data["services"].items() for i, stage in enumerate(service["stages"])]
    key = grid.fixed[0]
    return [({key: rule[key]}, (grid.part, i), rule) for i, rule in enumerate(data[grid.part])]


def _write(grid: Grid, rule: dict[str, Any], row: Row, n: int, problems: list[Problem]) -> None:
    """A row's cells into its rule, each as its column declares; a cell that is not what it should be is a
    problem named by its row and column, and the rule keeps its value."""
    fee: dict[str, Optional[Decimal]] = {}
    for column in grid.columns:
        if column.read == "key" or (column.optional and column.name not in row):
            continue
        if column.read == "flag":
            try:
                _put(rule, column.path, _flag(row.get(column.name)))
            except ValueError as exc:  # the rule keeps its value
                problems.append(Problem(n, column.name, str(exc), table=grid.name))
            continue
        if column.read == "text":
            _put(rule, column.path, str(row.get(column.name) or ""))
            continue
        try:
            value = _number(row.get(column.name), whole=column.read == "days")
        except ValueError as exc:
            problems.append(Problem(n, column.name, str(exc), table=grid.name))
            if column.path[0] == END:
                fee[column.name] = None  # and said again below if the other is given
            continue
        if column.path[0] == END:  # a fee: both its percent and its cap, or neither (written together below)
            fee[column.name] = value
        elif value is None and column.blank == "needed":
            problems.append(Problem(n, column.name, "is needed: a percent from 0 to 100", table=grid.name))
        elif value is None and column.blank == "keep":
            continue
        else:
            value = Decimal(0) if value is None and column.blank == "zero" else value
            _put(rule, column.path, int(value) if column.read == "days" and value is not None else value)
    if len(fee) == 2:
        pct, cap = fee["fee_pct"], fee["fee_cap"]
        end = _end(rule)
        if pct is None and cap is None:
            rule[end]["less_fee"] = None
        elif pct is None or cap is None:
            problems.append(Problem(n, "fee_cap" if cap is None else "fee_pct",
                                    "a fee needs both its percent and its cap (leave both blank for none)",
                                    table=grid.name))
        else:
            rule[end]["less_fee"] = {"pct": pct, "cap": cap}


@dataclass(frozen=True)
class Problem:
    row: Optional[int]  # 1 = the table's first row; None: the version as a whole
    column: str
    message: str
    table: str = "tiers"
    item: str = ""  # which rule the row is (its last key cell: a tier's id): a grid shows no row numbers

    def __str__(self) -> str:
        column = LABELS.get(self.column, self.column)
        which = f" ({self.item})" if self.item else ""
        where = f"{self.table.capitalize()}, row {self.row}{which}, column {column}" if self.row else self.column
        return f"{where}: {self.message}"


def _named_rows(problems: list[Problem], tables: Tables) -> list[Problem]:
    """Each problem of a row with the rule that row is: "Tiers, row 4, column Min %" had an author count the rows
    of a grid that numbers none (a walkthrough); "row 4 (sb_web_discovery)" says which."""
    keys = {grid.name: grid.fixed[-1] for grid in GRIDS.values() if grid.fixed}
    keys["terms"] = "label"
    named = []
    for p in problems:
        rows = getattr(tables, p.table, None) or []
        key = keys.get(p.table)
        cell = rows[p.row - 1].get(key) if p.row and key and 0 < p.row <= len(rows) else None
        named.append(replace(p, item=str(cell)) if cell not in (None, "") else p)
    return named


class LabError(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def rows_of(grid: Grid, policy: PolicyFile) -> list[Row]:
    """One row per rule of the grid, in file order, each cell read from where its column says."""
    return [_row(grid, rule, keys) for keys, _, rule in _rules(grid, policy.model_dump())]


def tier_rows(policy: PolicyFile) -> list[Row]:
    """One row per tier: when it applies, its two ends (as a percent of their base), its fee and first clause."""
    return rows_of(TIERS, policy)


def stage_rows(policy: PolicyFile) -> list[Row]:
    """Where completion places each stage: from (inclusive) or above (exclusive), below (exclusive) or to."""
    return rows_of(STAGES, policy)


def processing_rows(policy: PolicyFile) -> list[Row]:
    return rows_of(PROCESSING, policy)


def exception_rows(policy: PolicyFile) -> list[Row]:
    return rows_of(EXCEPTIONS, policy)


def reading_rows(policy: PolicyFile) -> list[Row]:
    return rows_of(READINGS, policy)


def deduction_rows(policy: PolicyFile) -> list[Row]:
    """What is taken off before a refund (shown; which money a deduction names is the file's structure)."""
    return [{"field": d.field, "label": d.label, "section": d.clauses[0].section, "quote": d.clauses[0].quote}
            for d in policy.deductions]


def _float(value: Optional[Decimal]) -> Optional[float]:
    return None if value is None else float(value)


def term_rows(policy: PolicyFile) -> list[Row]:
    return [
        {"term": "window_days", "label": "Request window (days after payment)",
         "value": policy.window.days if policy.window else None},
        {"term": "next_charge_notice_days", "label": "Notice to avoid next month's charge (days)",
         "value": policy.next_charge_notice.days if policy.next_charge_notice else None},
    ]


def _number(value: Any, whole: bool) -> Optional[Decimal]:
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError("must be a number") from None
    if not number.is_finite():
        raise ValueError("must be a number")
    if whole and number != number.to_integral_value():
        raise ValueError("must be a whole number of days")
    return number.to_integral_value() if number == number.to_integral_value() else number  # 51.0 from a grid is 51


@dataclass(frozen=True)
class Tables:
    """What the author edited: a row list per table (None: that table as it was)."""

    tiers: Optional[list[Row]] = None
    terms: Optional[list[Row]] = None
    stages: Optional[list[Row]] = None
    processing: Optional[list[Row]] = None
    exceptions: Optional[list[Row]] = None
    readings: Optional[list[Row]] = None


def _cell(problems: list[Problem], table: str, n: int, row: Row, column: str, whole: bool = False) -> Optional[Decimal]:
    try:
        return _number(row.get(column), whole)
    except ValueError as exc:
        problems.append(Problem(n, column, str(exc), table=table))
        return None


def _flag(value: Any) -> Optional[bool]:
    """A yes/no cell as the batch reads one; blank: either. Any text had read as True: "no" typed in Work started
    made a tier for work started (a walkthrough)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return truth(text)
    except ValueError:
        raise ValueError(f"\u201c{text}\u201d: must be yes or no (also true/false), or blank for either") from None


def edited(policy: PolicyFile, tables: Tables, version: Optional[str] = None,
           effective_from: Optional[date] = None) -> PolicyFile:
    """The policy with the tables' values, validated by the policy schema; LabError names each problem's table,
    row and column (a cell that is not a number is named before the schema is asked)."""
    data = policy.model_dump()
    problems: list[Problem] = []
    rows_at: RowsAt = {}  # a place in the data -> (table, row) for the schema's errors
    _apply(TIERS, data, tables.tiers, problems, rows_at)
    _apply(STAGES, data, tables.stages, problems, rows_at)
    _apply_terms(policy, data, tables.terms, problems)
    _apply(PROCESSING, data, tables.processing, problems, rows_at)
    _apply(EXCEPTIONS, data, tables.exceptions, problems, rows_at)
    _apply(READINGS, data, tables.readings, problems, rows_at)
    if version is not None:
        data["version"] = version
    if effective_from is not None:
        data["effective_from"] = effective_from
    try:  # asked even when a cell is bad (it keeps its old value): every problem is named at once
        policy = PolicyFile.model_validate(data)
    except ValidationError as exc:
        placed = [_placed(err, exc, rows_at) for err in exc.errors()]
        problems += [p for p in placed if p not in problems]
    if problems:
        echo = [p for p in problems if "at least 1 item" in p.message]  # a bad row also empties its list
        raise LabError(_named_rows([p for p in problems if p not in echo] or echo, tables))
    return policy


def _apply(grid: Grid, data: dict[str, Any], rows: Optional[list[Row]], problems: list[Problem],
           rows_at: RowsAt) -> None:
    """The grid's rows into the data: a tier or stage row found by its keys, a list's row by its position."""
    found = _rules(grid, data)
    for n, row in enumerate(rows or (), 1):
        if grid.part == "services":
            rule = next(((at, r) for keys, at, r in found if all(row.get(k) == keys[k] for k in grid.fixed)), None)
            if rule is None:
                key = [row.get(k) for k in grid.fixed]
                problems.append(Problem(n, "tier", f"{key[2]!r} is not a tier of {key[0]}'s stage {key[1]}")
                                if grid is TIERS else
                                Problem(n, "reading", f"{key[4]!r} is not a reading of tier {key[2]}", table=grid.name)
                                if grid is READINGS else
                                Problem(n, "stage", f"{key[1]!r} is not a stage of {key[0]}", table=grid.name))
                continue
        elif n <= len(found):
            rule = found[n - 1][1:]
        else:
            break
        rows_at[rule[0]] = (grid.name, n)
        _write(grid, rule[1], row, n, problems)


def _apply_terms(policy: PolicyFile, data: dict[str, Any], rows: Optional[list[Row]], problems: list[Problem]) -> None:
    for n, row in enumerate(rows or (), 1):
        value = _cell(problems, "terms", n, row, "value", whole=True)
        part = {"window_days": "window", "next_charge_notice_days": "next_charge_notice"}.get(row.get("term", ""))
        if part is None or any(p.table == "terms" and p.row == n for p in problems):
            continue
        if value is None:
            data[part] = None
        elif data.get(part) is None:
            problems.append(Problem(n, "value", f"{policy.name} has no {part.replace('_', ' ')} clause to set "
                                    "a number for: add the rule with its clause in the TOML file", table="terms"))
        else:
            data[part]["days"] = int(value)


def _placed(err: Any, exc: ValidationError, rows_at: RowsAt) -> Problem:
    """A schema error at a place in the data, as the table, row and column it came from."""
    loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
    message = str(describe_all(_only(exc, err))[0]).split(": ", 1)[-1]
    for size in range(len(loc), 0, -1):  # the deepest place a table row stands for
        found = rows_at.get(loc[:size])
        if found is None:
            continue
        table, row = found
        rest = loc[size:]
        if [str(p) for p in rest] == ["tiers"] and table == "stages":  # a rule of a stage's tiers: on its last tier
            last = max((k for k in rows_at if k[:size + 1] == (*loc[:size], "tiers") and len(k) == size + 2),
                       default=None)
            if last is not None:
                return Problem(rows_at[last][1], "tier", message, table="tiers")
        column = GRIDS[table].column_at(rest) or (str(rest[0]) if rest else table.rstrip("s"))
        return Problem(row, column, message, table=table)
    return Problem(None, ".".join(str(p) for p in loc) or "version", message)


def _only(exc: ValidationError, err: Any) -> ValidationError:
    """One error of a ValidationError as its own (describe_all words one error the way the loader does)."""
    return ValidationError.from_exception_data(exc.title, [err])
