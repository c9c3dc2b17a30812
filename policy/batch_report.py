"""What the batch page shows of a batch's output: a template to start from, the summary by provider and verdict,
and the rows as JSON (an Excel upload is read by policy/workbook.py). Each reads what the batch wrote (one truth): the
rows from its output, the totals from the sums it made of the same cells as it wrote them."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Optional

from .batch import BatchResult, header_field
from .explain import FACT_WORDS, label_of
from .fields import NAMES
from .money import format_range, format_usd
from .records import RECORD_NAMES
from .spreadsheet import original_cell, rows_text
from .versions import REQUESTED

# The template's rows: each written in a spelling a batch reads (ids or the names the app shows, $ and thousands
# separators, %, yes/no, a payment date instead of days), so the file itself shows what a cell may say.
EXAMPLES: tuple[dict[str, str], ...] = (
    dict(client_name="Acme Ltd", client_ref="PO-1042", provider="socialbeat", service="website", amount_paid="5000",
         completion_pct="30", days_since_payment="5"),
    dict(client_name="Bo Chen", provider="Social Beat Digital", service="Website design & development",
         amount_paid="$5,000.00", completion_pct="30%", days_since_payment="5", work_started="yes",
         third_party_costs="$1,200.00", note="asked on the phone"),
    dict(provider="Step-Into", service="PPC / paid advertising", amount_paid="1,200.00", completion_pct="0",
         paid_on="2026-11-30", requested_on="2026-12-02", work_started="no", deliverables_provided="n",
         payment_method="card"),
)
# whose case a row is first (the client's name, a reference, a note: kept with each row a batch saves), then the case
TEMPLATE_COLUMNS = (*RECORD_NAMES, *NAMES, REQUESTED)


def template_csv() -> str:
    """Every column the batch reads, with example rows in the spellings it reads."""
    return rows_text([list(TEMPLATE_COLUMNS), *([row.get(name, "") for name in TEMPLATE_COLUMNS] for row in EXAMPLES)])


@dataclass(frozen=True)
class Total:
    provider: str
    verdict: str
    rows: int
    refund_min: Decimal
    refund_max: Decimal


def totals(result: BatchResult) -> list[Total]:
    """Rows and exact refund totals by provider and verdict, as the batch wrote them (rows with an error left out:
    they are counted)."""
    return [Total(p, v, n, lo, hi) for (p, v), (n, lo, hi) in sorted(result.sums.items())]


ALL_PROVIDERS = "All rows without an error"  # a service not sold is a row of its own above: not "quoted"


def overall(found: list[Total]) -> Optional[Total]:
    """The totals of every provider and verdict together, where there is more than one line of them (sales-ops added
    the lines up by hand, a walkthrough); its verdict is empty: it holds several."""
    if len(found) < 2:
        return None
    return Total(ALL_PROVIDERS, "", sum(t.rows for t in found), sum((t.refund_min for t in found), Decimal(0)),
                 sum((t.refund_max for t in found), Decimal(0)))


def output_rows(output_csv: bytes, limit: Optional[int] = None) -> list[dict[str, str]]:
    """The output's rows (the first `limit`), each cell's text as it was before the spreadsheet guard (data, not a
    spreadsheet: '=1+1' stays '=1+1')."""
    # decoded as read: the first rows of a 100,000-row output no longer decode all of its 16 MB (each run of the page)
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(output_csv), encoding="utf-8-sig", newline=""))
    header = [original_cell(c) for c in next(reader, [])]
    return [dict(zip(header, map(original_cell, cells))) for cells in islice(reader, limit)]


# whose row it is and the answer first: the refund columns were off to the right of a wide file, and then still of a
# 1366 px screen behind provider, service and amount (a walkthrough); the verdict before the amounts, in view beside
# them (off to the right, "Not offered", "No refund" and a row not quoted all read "$0.00")
LEADING = ("sheet_row", "client_name", "client_ref", "verdict", "refund_min", "refund_max", "ask_by", "refund_min_after",
           "refund_max_after", "depends_on", "assumed", "error", "provider", "service", "amount_paid")
# (the error beside the verdict that says "see its error", not among the file's own columns; what follows the last
# day to ask beside it: in a workbook it was 20 columns away, a walkthrough)


def listed_order(header: list[str]) -> list[str]:
    """The output's columns with whose row it is and its answer first (each column matched as the batch reads its
    header: 'Client' is client_name), the rest as the file has them."""
    return [header[i] for i in listed_positions(header)]


def listed_positions(header: list[str]) -> list[int]:
    """listed_order by the columns' positions (two columns of one name stay two)."""
    rank = {name: i for i, name in enumerate(LEADING)}
    return sorted(range(len(header)), key=lambda i: rank.get(header_field(header[i]) or "", len(rank)))


def _column_of(rows: list[dict[str, str]], field: str) -> Optional[str]:
    """The output's column for a scenario field, as the file names it ('Provider' for provider)."""
    return next((c for c in (rows[0] if rows else {}) if header_field(c) == field), None)


def _repeated_days(rows: list[dict[str, str]]) -> bool:
    """Whether the output's days_counted only repeats the file's own days column in these rows (no row counted its
    days from a payment date): a table of them need not show both (a walkthrough read the same days twice)."""
    given = _column_of(rows, "days_since_payment")
    return given is not None and all(r.get("days_counted", "") in ("", r[given]) for r in rows)


NOT_LISTED = ("sections", "refund_pct_min", "refund_pct_max",  # in the file; too long or said by the amounts
              "ask_by_day", "refund_min_after", "refund_max_after")  # said in the Ask by column's words


def stage_words(placed: str) -> str:
    """A placed_stage cell in words: 'design_concepts|design_revisions' -> 'design concepts or design revisions'."""
    return " or ".join(placed.replace("_", " ").split("|"))


def _dollars(amount: str) -> str:
    return format_usd(Decimal(amount)) if amount else ""


def listed_rows(output_csv: bytes, limit: int) -> list[dict[str, str]]:
    """The output's first `limit` rows as a person reads them: whose row it is and its answer first (listed_order),
    the file's cells as written, the quote's amounts in dollars and its verdicts and stages in words; without the
    columns the amounts already say, the quoted provider's name (beside the file's 'socialbeat' it read as a second
    provider; in its place one column spelt the provider two ways, as the row was quoted or not), nor the days
    counted where they only repeat the file's own, nor what was assumed where no row assumed anything."""
    rows = output_rows(output_csv, limit)
    unshown = {*NOT_LISTED, "provider_name", *(("days_counted",) if _repeated_days(rows) else ()),
               *(c for c in ONLY_SOME if not any(r.get(c) for r in rows))}  # a column of blanks: not drawn
    order = [c for c in listed_order(list(rows[0])) if c not in unshown] if rows else []
    words: dict[str, Callable[[str], str]] = {
        "verdict": label_of, "placed_stage": stage_words, "refund_min": _dollars, "refund_max": _dollars,
        "depends_on": facts_in_words, "next_charge_avoided": yes_no}
    return [{c: NOT_QUOTED if c == "verdict" and r.get("error") else ask_by_words(r) if c == "ask_by" else
             words[c](r[c]) if c in words else r[c] for c in order} for r in rows]


ONLY_SOME = ("assumed", "next_charge_avoided")  # columns most files leave blank in every row


def yes_no(cell: str) -> str:
    return {"true": "Yes", "false": "No"}.get(cell, cell)


def ask_by_words(row: dict[str, str]) -> str:
    """A row's last day to ask and what follows it: '12 Dec 2026, then $0.00'."""
    if not row.get("ask_by"):
        return ""
    after = format_range(Decimal(row["refund_min_after"]), Decimal(row["refund_max_after"]))
    return f"{date.fromisoformat(row['ask_by']):%d %b %Y}, then {after}"


def facts_in_words(cell: str) -> str:
    """A row's facts not given that move its band, as a person reads them ('deliverables_provided; stage' ->
    'whether anything was delivered; the stage the work is in'): "Depends on facts not given" said not which."""
    return "; ".join(FACT_WORDS.get(fact, fact) for fact in cell.split("; ")) if cell else ""


NOT_QUOTED = "Not quoted: see its error"  # a row with an error read as empty beside the rows quoted (a walkthrough)


def rows_json(output_csv: bytes) -> str:
    """The output's rows as a JSON array of objects."""
    return json.dumps(output_rows(output_csv), ensure_ascii=False, indent=1)
