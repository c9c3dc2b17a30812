"""Quote a CSV of scenarios: the same rows out, in the same order, with the quote columns added.

A bad row keeps its place and gets an `error` saying what is wrong; it is never dropped.
"""
from __future__ import annotations

import csv
from typing import IO, Iterable, Iterator, Mapping, Optional

from .errors import InputError
from .evaluator import Facts, evaluate
from .loader import policies as shipped_policies
from .models import Scenario
from .money import percent_of
from .quoting import Policies, parse_scenario

QUOTE_COLUMNS = (
    "refund_min", "refund_max", "refund_pct_min", "refund_pct_max", "verdict", "stage", "sections", "error",
)
SCENARIO_FIELDS = tuple(Scenario.model_fields)
_BLANK = ("", "null", "none", "unknown")


def row_to_input(row: Mapping[str, Optional[str]]) -> dict:
    """CSV cells -> scenario fields: blank or 'unknown' means not given; other columns are not scenario input."""
    data = {}
    for name in SCENARIO_FIELDS:
        cell = row.get(name)
        if cell is None:
            continue
        cell = cell.strip()
        if cell.lower() in _BLANK:
            continue
        data[name] = cell
    return data


def quote_columns(row: Mapping[str, Optional[str]], registry: Policies) -> dict[str, str]:
    try:
        scenario = parse_scenario(row_to_input(row), registry)
    except InputError as exc:
        return {"error": str(exc)}
    ev = evaluate(registry[scenario.provider], scenario.service, Facts.of(scenario))
    sections = dict.fromkeys(c.section for o in ev.outcomes for c in o.tier.clauses)
    return {
        "refund_min": str(ev.low),
        "refund_max": str(ev.high),
        "refund_pct_min": f"{percent_of(ev.low, scenario.amount_paid):.2f}",
        "refund_pct_max": f"{percent_of(ev.high, scenario.amount_paid):.2f}",
        "verdict": ev.verdict,
        "stage": "|".join(s.id for s in ev.stages),
        "sections": "; ".join(sections),
        "error": "",
    }


def unknown_columns(header: Iterable[str]) -> list[str]:
    known = set(SCENARIO_FIELDS) | set(QUOTE_COLUMNS)
    return [h for h in header if h not in known]


def quote_rows(rows: Iterable[Mapping[str, Optional[str]]], registry: Policies) -> Iterator[dict]:
    for row in rows:
        spill = row.get(None)  # csv puts cells beyond the header under the key None
        out = {k: v for k, v in row.items() if k is not None}
        out.update({c: "" for c in QUOTE_COLUMNS})
        if spill:
            out["error"] = f"row: has {len(spill)} more cell(s) than the header"
        else:
            out.update(quote_columns(out, registry))
        yield out


def run_batch(source: IO[str], target: IO[str], registry: Optional[Policies] = None) -> tuple[int, int, list[str]]:
    """Returns (rows, rows with an error, columns that are not scenario fields)."""
    registry = registry or shipped_policies()
    reader = csv.DictReader(source)
    if reader.fieldnames is None:
        raise InputError("input", "the CSV is empty; the first line must name the scenario fields")
    header = list(reader.fieldnames)
    extra = unknown_columns(header)
    writer = csv.DictWriter(target, fieldnames=header + [c for c in QUOTE_COLUMNS if c not in header])
    writer.writeheader()
    rows = errors = 0
    for out in quote_rows(reader, registry):
        rows += 1
        errors += bool(out["error"])
        writer.writerow(out)
    return rows, errors, extra
