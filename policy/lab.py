"""The policy lab's editing, without Streamlit: a policy's tiers and terms as flat tables an author edits, and
back into a policy validated by the same schema as a shipped file, each problem named by row and column."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from pydantic import ValidationError

from .errors import describe_all
from .schema import PolicyFile

TIER_COLUMNS = ("service", "stage", "tier", "min_pct", "max_pct", "fee_pct", "fee_cap", "days_min", "days_max",
                "work_started", "label", "section", "quote")  # the numbers first: they show without scrolling
# Every table's columns as the author reads them, in the grid's headers and in the problems named.
LABELS = {"service": "Service", "stage": "Stage", "tier": "Tier", "label": "What it says", "days_min": "From day",
          "days_max": "To day", "work_started": "Work started", "min_pct": "Min %", "max_pct": "Max %",
          "fee_pct": "Fee %", "fee_cap": "Fee cap ($)", "section": "Section", "quote": "Verbatim quote",
          "completion_from": "From % (incl.)", "completion_above": "Above % (excl.)",
          "completion_below": "Below % (excl.)", "completion_to": "To % (incl.)", "term": "Term", "value": "Days",
          "method": "Payment method", "min_business_days": "Min business days",
          "max_business_days": "Max business days", "flag": "When the client says"}
FIXED = ("service", "stage", "tier")  # which rule a row is: not edited in the table
Row = dict[str, Any]  # a table's row as the editor gives it: column -> cell
RowsAt = dict[tuple[Any, ...], tuple[str, int]]  # a place in the policy's data -> (table, row) for the schema's errors


@dataclass(frozen=True)
class Problem:
    row: Optional[int]  # 1 = the table's first row; None: the version as a whole
    column: str
    message: str
    table: str = "tiers"

    def __str__(self) -> str:
        column = LABELS.get(self.column, self.column)
        where = f"{self.table.capitalize()}, row {self.row}, column {column}" if self.row else self.column
        return f"{where}: {self.message}"


class LabError(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def tier_rows(policy: PolicyFile) -> list[Row]:
    """One row per tier, in file order: when it applies, its two ends (as a percent of their base) and the
    first clause that makes it."""
    rows = []
    for sid, service in policy.services.items():
        for stage in service.stages:
            for tier in stage.tiers:
                first = tier.clauses[0]
                end = _fee_end(tier)
                fee = getattr(tier, end).less_fee if end else None
                rows.append({
                    "service": sid, "stage": stage.id, "tier": tier.id, "label": tier.label,
                    "fee_pct": _float(fee.pct) if fee else None, "fee_cap": _float(fee.cap) if fee else None,
                    "days_min": tier.when.days_min, "days_max": tier.when.days_max,
                    "work_started": tier.when.work_started, "min_pct": float(tier.min.pct),
                    "max_pct": float(tier.max.pct), "section": first.section, "quote": first.quote,
                })
    return rows


def _fee_end(tier: Any) -> Optional[str]:
    """Which end of a tier carries its fee ('max' first; None: no fee)."""
    return next((end for end in ("max", "min") if getattr(tier, end).less_fee is not None), None)


def stage_rows(policy: PolicyFile) -> list[Row]:
    """Where completion places each stage: from (inclusive) or above (exclusive), below (exclusive) or to."""
    return [{"service": sid, "stage": st.id, "label": st.label,
             "completion_from": float(st.completion_from), "completion_above": _float(st.completion_above),
             "completion_below": _float(st.completion_below), "completion_to": _float(st.completion_to),
             "work_started": st.work_started}
            for sid, service in policy.services.items() for st in service.stages]


def processing_rows(policy: PolicyFile) -> list[Row]:
    return [{"method": p.method, "min_business_days": p.min_business_days, "max_business_days": p.max_business_days,
             "section": p.clauses[0].section, "quote": p.clauses[0].quote} for p in policy.processing_times]


def exception_rows(policy: PolicyFile) -> list[Row]:
    return [{"flag": x.flag, "label": x.label, "min_pct": float(x.min.pct), "max_pct": float(x.max.pct),
             "section": x.clauses[0].section, "quote": x.clauses[0].quote} for x in policy.exceptions]


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


def _cell(problems: list[Problem], table: str, n: int, row: Row, column: str, whole: bool = False) -> Optional[Decimal]:
    try:
        return _number(row.get(column), whole)
    except ValueError as exc:
        problems.append(Problem(n, column, str(exc), table=table))
        return None


def _flag(value: Any) -> Optional[bool]:
    return None if value is None or value == "" or (isinstance(value, float) and value != value) else bool(value)


def edited(policy: PolicyFile, tables: Tables, version: Optional[str] = None,
           effective_from: Optional[date] = None) -> PolicyFile:
    """The policy with the tables' values, validated by the policy schema; LabError names each problem's table,
    row and column (a cell that is not a number is named before the schema is asked)."""
    data = policy.model_dump()
    problems: list[Problem] = []
    rows_at: RowsAt = {}  # a place in the data -> (table, row) for the schema's errors
    _apply_tiers(data, tables.tiers, problems, rows_at)
    _apply_stages(data, tables.stages, problems, rows_at)
    _apply_terms(policy, data, tables.terms, problems)
    _apply_list(data["processing_times"], "processing", tables.processing, problems, rows_at,
                {"min_business_days": lambda t, v: t.update(min_business_days=int(v)),
                 "max_business_days": lambda t, v: t.update(max_business_days=int(v))}, whole=True)
    _apply_list(data["exceptions"], "exceptions", tables.exceptions, problems, rows_at,
                {"min_pct": lambda t, v: t["min"].update(pct=v), "max_pct": lambda t, v: t["max"].update(pct=v)})
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
        raise LabError([p for p in problems if p not in echo] or echo)
    return policy


def _apply_list(items: list[Row], table: str, rows: Optional[list[Row]], problems: list[Problem], rows_at: RowsAt,
                numbers: dict[str, Callable[[Row, Decimal], object]], whole: bool = False) -> None:
    """A list of the file (processing times, exceptions) edited row for row: its numbers, label and first clause."""
    part = {"processing": "processing_times"}.get(table, table)
    for n, (row, target) in enumerate(zip(rows or (), items), 1):
        rows_at[(part, n - 1)] = (table, n)
        for column, put in numbers.items():
            value = _cell(problems, table, n, row, column, whole=whole)
            if value is not None:
                put(target, value)
        if "label" in row:
            target["label"] = str(row.get("label") or "")
        target["clauses"][0].update(section=str(row.get("section") or ""), quote=str(row.get("quote") or ""))


def _apply_tiers(data: dict[str, Any], rows: Optional[list[Row]], problems: list[Problem], rows_at: RowsAt) -> None:
    where: dict[tuple[Any, ...], tuple[int, int]] = {}
    for sid, service in data["services"].items():
        for i, stage in enumerate(service["stages"]):
            for j, tier in enumerate(stage["tiers"]):
                where[(sid, stage["id"], tier["id"])] = (i, j)
    for n, row in enumerate(rows or (), 1):
        key = (row.get("service"), row.get("stage"), row.get("tier"))
        if key not in where:
            problems.append(Problem(n, "tier", f"{key[2]!r} is not a tier of {key[0]}'s stage {key[1]}"))
            continue
        i, j = where[key]
        rows_at[("services", key[0], "stages", i, "tiers", j)] = ("tiers", n)
        tier = data["services"][key[0]]["stages"][i]["tiers"][j]
        for column in ("days_min", "days_max"):
            if column in row:
                value = _cell(problems, "tiers", n, row, column, whole=True)
                tier["when"][column] = None if value is None else int(value)
        for column in ("min_pct", "max_pct"):
            value = _cell(problems, "tiers", n, row, column)
            if value is None and not any(p.row == n and p.column == column for p in problems):
                problems.append(Problem(n, column, "is needed: a percent from 0 to 100"))
            elif value is not None:
                tier[column[:3]]["pct"] = value
        fee_pct, fee_cap = (_cell(problems, "tiers", n, row, c) for c in ("fee_pct", "fee_cap"))
        end = next((e for e in ("max", "min") if tier[e].get("less_fee")), "max")
        if fee_pct is None and fee_cap is None:
            tier[end]["less_fee"] = None
        elif fee_pct is None or fee_cap is None:
            problems.append(Problem(n, "fee_cap" if fee_cap is None else "fee_pct",
                                    "a fee needs both its percent and its cap (leave both blank for none)"))
        else:
            tier[end]["less_fee"] = {"pct": fee_pct, "cap": fee_cap}
        tier["when"]["work_started"] = _flag(row.get("work_started"))
        tier["label"] = str(row.get("label") or "")
        tier["clauses"][0]["section"] = str(row.get("section") or "")
        tier["clauses"][0]["quote"] = str(row.get("quote") or "")


def _apply_stages(data: dict[str, Any], rows: Optional[list[Row]], problems: list[Problem], rows_at: RowsAt) -> None:
    where = {(sid, st["id"]): i for sid, service in data["services"].items() for i, st in enumerate(service["stages"])}
    for n, row in enumerate(rows or (), 1):
        key = (row.get("service"), row.get("stage"))
        if key not in where:
            problems.append(Problem(n, "stage", f"{key[1]!r} is not a stage of {key[0]}", table="stages"))
            continue
        i = where[key]
        rows_at[("services", key[0], "stages", i)] = ("stages", n)
        stage = data["services"][key[0]]["stages"][i]
        for column in ("completion_from", "completion_above", "completion_below", "completion_to"):
            value = _cell(problems, "stages", n, row, column)
            stage[column] = (value if value is not None else Decimal(0)) if column == "completion_from" else value
        stage["work_started"] = _flag(row.get("work_started"))
        stage["label"] = str(row.get("label") or "")


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


COLUMN_OF = {"min": "min_pct", "max": "max_pct", "label": "label", "less_fee": "fee_pct"}


def _placed(err: Any, exc: ValidationError, rows_at: RowsAt) -> Problem:
    """A schema error at a place in the data, as the table, row and column it came from."""
    loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
    message = str(describe_all(_only(exc, err))[0]).split(": ", 1)[-1]
    for size in range(len(loc), 0, -1):  # the deepest place a table row stands for
        found = rows_at.get(loc[:size])
        if found is None:
            continue
        table, row = found
        rest = [str(p) for p in loc[size:]]
        if rest == ["tiers"] and table == "stages":  # a rule of a stage's tiers: shown on its last tier
            last = max((k for k in rows_at if k[:size + 1] == (*loc[:size], "tiers") and len(k) == size + 2),
                       default=None)
            if last is not None:
                return Problem(rows_at[last][1], "tier", message, table="tiers")
        if rest[:1] == ["when"] and len(rest) > 1:
            column = rest[1]
        elif rest[:1] == ["clauses"]:
            column = rest[2] if len(rest) > 2 else "quote"
        elif rest[:2] in (["min", "less_fee"], ["max", "less_fee"]):
            column = "fee_cap" if rest[-1] == "cap" else "fee_pct"
        else:
            column = COLUMN_OF.get(rest[0], rest[0]) if rest else table.rstrip("s")
        return Problem(row, column, message, table=table)
    return Problem(None, ".".join(str(p) for p in loc) or "version", message)


def _only(exc: ValidationError, err: Any) -> ValidationError:
    """One error of a ValidationError as its own (describe_all words one error the way the loader does)."""
    return ValidationError.from_exception_data(exc.title, [err])
