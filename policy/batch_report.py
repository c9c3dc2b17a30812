"""What the batch page shows of a batch's output: a template to start from, the summary by provider and verdict,
and the rows as JSON (an Excel upload is read by policy/workbook.py). All read the output the batch command writes (one truth)."""
from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .batch import open_csv
from .export import scenario_cells
from .fields import NAMES
from .models import Scenario
from .spreadsheet import original_cell, rows_text

EXAMPLES = (
    dict(provider="socialbeat", service="website", amount_paid="5000", completion_pct=30, days_since_payment=5),
    dict(provider="stepinto", service="ppc", amount_paid="1200", completion_pct=0, days_since_payment=2,
         work_started="false"),
)


def template_csv() -> str:
    """Every column the batch reads, with two example rows (as a quote's CSV writes a scenario)."""
    rows = [scenario_cells(Scenario.model_validate(example)) for example in EXAMPLES]
    return rows_text([list(NAMES), *([row.get(name, "") for name in NAMES] for row in rows)])


@dataclass(frozen=True)
class Total:
    provider: str
    verdict: str
    rows: int
    refund_min: Decimal
    refund_max: Decimal


def totals(output: Path) -> list[Total]:
    """Rows and exact refund totals by provider and verdict (rows with an error left out: they are counted)."""
    sums: dict[tuple[str, str], list] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    with open_csv(output) as f:
        for row in csv.DictReader(f):
            if row.get("error"):
                continue
            cell = sums[(row["provider_name"], row["verdict"])]
            cell[0] += 1
            cell[1] += Decimal(row["refund_min"])
            cell[2] += Decimal(row["refund_max"])
    return [Total(p, v, n, lo, hi) for (p, v), (n, lo, hi) in sorted(sums.items())]


def rows_json(output_csv: bytes) -> str:
    """The output's rows as a JSON array of objects, every value the text of its CSV cell as it was before the
    spreadsheet guard (JSON is data: '=1+1' stays '=1+1')."""
    reader = csv.reader(io.StringIO(output_csv.decode("utf-8"), newline=""))
    header = [original_cell(c) for c in next(reader, [])]
    rows = [dict(zip(header, map(original_cell, cells))) for cells in reader]
    return json.dumps(rows, ensure_ascii=False, indent=1)
