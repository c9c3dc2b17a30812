"""The policy lab's editing, without Streamlit: a policy's tiers and terms as flat tables an author edits, and
back into a policy validated by the same schema as a shipped file, each problem named by row and column."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from pydantic import ValidationError

from .errors import describe_all
from .schema import PolicyFile

TIER_COLUMNS = ("service", "stage", "tier", "min_pct", "max_pct", "days_min", "days_max", "work_started", "label",
                "section", "quote")  # the numbers first: on a laptop they show without scrolling the table
TIER_LABELS = {"service": "Service", "stage": "Stage", "tier": "Tier", "label": "What it says", "days_min": "From day",
               "days_max": "To day", "work_started": "Work started", "min_pct": "Min %", "max_pct": "Max %",
               "section": "Section", "quote": "Verbatim quote"}
FIXED = ("service", "stage", "tier")  # which rule a row is: not edited in the table
TERM_ROWS = ("window_days", "next_charge_notice_days")


@dataclass(frozen=True)
class Problem:
    row: Optional[int]  # 1 = the table's first row; None: the version as a whole
    column: str
    message: str
    table: str = "tiers"

    def __str__(self) -> str:
        where = f"{self.table.capitalize()}, row {self.row}, column {self.column}" if self.row else self.column
        return f"{where}: {self.message}"


class LabError(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def tier_rows(policy: PolicyFile) -> list[dict[str, Any]]:
    """One row per tier, in file order: when it applies, its two ends (as a percent of their base) and the
    first clause that makes it."""
    rows = []
    for sid, service in policy.services.items():
        for stage in service.stages:
            for tier in stage.tiers:
                first = tier.clauses[0]
                rows.append({
                    "service": sid, "stage": stage.id, "tier": tier.id, "label": tier.label,
                    "days_min": tier.when.days_min, "days_max": tier.when.days_max,
                    "work_started": tier.when.work_started, "min_pct": float(tier.min.pct),
                    "max_pct": float(tier.max.pct), "section": first.section, "quote": first.quote,
                })
    return rows


def term_rows(policy: PolicyFile) -> list[dict[str, Any]]:
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
    return number


def edited(policy: PolicyFile, tiers: list[dict[str, Any]], terms: Optional[list[dict[str, Any]]] = None,
           version: Optional[str] = None, effective_from: Optional[date] = None) -> PolicyFile:
    """The policy with the tables' values, validated by the policy schema; LabError names each problem's row
    and column (a cell that is not a number is named before the schema is asked)."""
    data = policy.model_dump()
    where: dict[tuple[str, str, str], tuple[int, int, int]] = {}
    for sid, service in data["services"].items():
        for i, stage in enumerate(service["stages"]):
            for j, tier in enumerate(stage["tiers"]):
                where[(sid, stage["id"], tier["id"])] = (i, j, 0)
    problems: list[Problem] = []
    row_of: dict[tuple[str, int, int], int] = {}
    for n, row in enumerate(tiers, 1):
        key = (row.get("service"), row.get("stage"), row.get("tier"))
        if key not in where:
            problems.append(Problem(n, "tier", f"{key[2]!r} is not a tier of {key[0]}'s stage {key[1]}"))
            continue
        i, j, _ = where[key]
        row_of[(key[0], i, j)] = n
        tier = data["services"][key[0]]["stages"][i]["tiers"][j]
        for column, whole in (("days_min", True), ("days_max", True), ("min_pct", False), ("max_pct", False)):
            try:
                value = _number(row.get(column), whole)
            except ValueError as exc:
                problems.append(Problem(n, column, str(exc)))
                continue
            if column.startswith("days"):
                tier["when"][column] = None if value is None else int(value)
            elif value is None:
                problems.append(Problem(n, column, "is needed: a percent from 0 to 100"))
            else:
                tier[column[:3]]["pct"] = value
        started = row.get("work_started")
        tier["when"]["work_started"] = None if started is None or started == "" else bool(started)
        tier["label"] = str(row.get("label") or "")
        tier["clauses"][0]["section"] = str(row.get("section") or "")
        tier["clauses"][0]["quote"] = str(row.get("quote") or "")
    for n, row in enumerate(terms or (), 1):
        try:
            value = _number(row.get("value"), whole=True)
        except ValueError as exc:
            problems.append(Problem(n, "value", str(exc), table="terms"))
            continue
        part = {"window_days": "window", "next_charge_notice_days": "next_charge_notice"}.get(row.get("term", ""))
        if part is None:
            continue
        if value is None:
            data[part] = None
        elif data.get(part) is None:
            problems.append(Problem(n, "value", f"{policy.name} has no {part.replace('_', ' ')} clause to set "
                                    "a number for: add the rule with its clause in the TOML file", table="terms"))
        else:
            data[part]["days"] = int(value)
    if problems:
        raise LabError(problems)
    if version is not None:
        data["version"] = version
    if effective_from is not None:
        data["effective_from"] = effective_from
    try:
        return PolicyFile.model_validate(data)
    except ValidationError as exc:
        placed = [_placed(err, exc, row_of) for err in exc.errors()]
        if any(p.row for p in placed):  # a bad tier also empties its stage's list: an echo, not a second problem
            placed = [p for p in placed if p.row or "at least 1 item" not in p.message]
        raise LabError(placed) from None


def _placed(err: Any, exc: ValidationError, row_of: dict[tuple[str, int, int], int]) -> Problem:
    """A schema error at services.<sid>.stages.<i>.tiers.<j>.<field> as the table's row and column."""
    loc = [p for p in err["loc"] if not str(p).startswith("function-")]
    message = str(describe_all(_only(exc, err))[0]).split(": ", 1)[-1]
    if len(loc) >= 6 and loc[0] == "services" and loc[2] == "stages" and loc[4] == "tiers":
        row = row_of.get((str(loc[1]), int(loc[3]), int(loc[5])))
        rest = [str(p) for p in loc[6:]]
        column = {"min": "min_pct", "max": "max_pct", "label": "label", "when": f"days_{rest[1].split('_')[-1]}"
                  if len(rest) > 1 and rest[1].startswith("days") else "work_started"}.get(rest[0], "") if rest else ""
        if rest[:1] == ["clauses"]:
            column = rest[2] if len(rest) > 2 else "quote"
        return Problem(row, column or ".".join(rest) or "tier", message)
    return Problem(None, ".".join(str(p) for p in loc) or "version", message)


def _only(exc: ValidationError, err: Any) -> ValidationError:
    """One error of a ValidationError as its own (describe_all words one error the way the loader does)."""
    return ValidationError.from_exception_data(exc.title, [err])
