"""python -m policy {quote,clauses,batch}: the engine without Streamlit.

Bad input: exit status 2, one line on stderr naming the field, nothing on stdout, no traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Optional, Sequence

from .batch import run_batch
from .errors import InputError, PolicyFileError
from .explain import summary_lines
from .loader import policies
from .models import quote_to_json
from .quoting import parse_scenario, quote
from .taxonomy import PAYMENT_METHODS, SERVICES

EXIT_BAD_INPUT = 2


class Fail(Exception):
    """A message for the user; main() prints it as one line and exits 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print usage over several lines
        raise Fail(f"{self.prog}: {message} (see --help)")


def _scenario_from_stdin() -> dict:
    text = sys.stdin.read()
    if not text.strip():
        raise InputError("input", "is empty; send one JSON object of scenario fields on standard input")
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=Decimal)
    except json.JSONDecodeError as exc:
        raise InputError("input", f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if not isinstance(data, dict):
        raise InputError("input", "must be one JSON object of scenario fields, not a list or a value")
    return data


_TRISTATE = {"yes": True, "no": False, "unknown": None}


def _scenario_from_flags(args: argparse.Namespace) -> dict:
    data = {
        "provider": args.provider, "service": args.service, "amount_paid": args.amount_paid,
        "completion_pct": args.completion_pct, "days_since_payment": args.days_since_payment,
        "work_started": _TRISTATE[args.work_started], "deliverables_provided": _TRISTATE[args.deliverables_provided],
        "notice_days": args.notice_days, "third_party_costs": args.third_party_costs,
        "taxes_remitted": args.taxes_remitted, "unused_ad_spend": args.unused_ad_spend,
        "payment_method": args.payment_method, "stage": args.stage,
    }
    for flag in ("first_time_client", "billing_error", "provider_fault", "undelivered_promised"):
        data[flag] = getattr(args, flag)
    missing = [k for k in ("provider", "service", "amount_paid", "completion_pct", "days_since_payment") if data[k] is None]
    if missing:
        raise InputError(missing[0], "is required (give --json and a scenario on stdin, or the flags)")
    return {k: v for k, v in data.items() if v is not None}


def cmd_quote(args: argparse.Namespace) -> int:
    data = _scenario_from_stdin() if args.json else _scenario_from_flags(args)
    q = quote(parse_scenario(data))
    if args.json:
        print(quote_to_json(q, indent=2))
    else:
        print("\n".join(summary_lines(q)))
    return 0


def cmd_clauses(args: argparse.Namespace) -> int:
    rows = [
        {"provider": p.id, "section": c.section, "quote": c.quote, "reading": c.reading, "decision": c.decision}
        for p in policies().values()
        for c in p.all_clauses()
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for r in rows:
            print(f"{r['provider']:<11} {r['section']:<7} {r['quote']}")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    source = Path(args.input)
    if not source.is_file():
        raise InputError("IN.csv", f"no such file: {source}")
    target = Path(args.output)
    if target.resolve() == source.resolve():
        raise InputError("-o", "must differ from the input file, which would be overwritten")
    with source.open(newline="", encoding="utf-8-sig") as fin, target.open("w", newline="", encoding="utf-8") as fout:
        rows, errors, extra = run_batch(fin, fout)
    for column in extra:
        print(f"batch: column {column!r} is not a scenario field; passed through unchanged", file=sys.stderr)
    print(f"batch: {rows} rows quoted, {errors} with an error, written to {target}", file=sys.stderr)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from pydantic import TypeAdapter

    from .models import Quote, Scenario

    schema = Scenario.model_json_schema() if args.which == "scenario" else TypeAdapter(Quote).json_schema()
    print(json.dumps(schema, indent=2))
    return 0


def build_parser() -> Parser:
    parser = Parser(prog="python -m policy", description="Refund policy engine: quotes, clauses, batch quotes.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    q = sub.add_parser("quote", help="quote one scenario", description=(
        "Quote one scenario. With --json: one JSON object on stdin, one quote as JSON on stdout. "
        "Without: give the scenario as flags and read a summary."))
    q.add_argument("--json", action="store_true", help="read the scenario as JSON on stdin, print the quote as JSON")
    q.add_argument("--provider", help=f"one of {', '.join(policies())}")
    q.add_argument("--service", help=f"one of {', '.join(SERVICES)}")
    q.add_argument("--amount-paid", dest="amount_paid", help="amount paid, e.g. 5000 or 5000.00")
    q.add_argument("--completion", dest="completion_pct", help="project completion, 0..100")
    q.add_argument("--days", dest="days_since_payment", help="days since payment (day of payment = 0)")
    q.add_argument("--work-started", dest="work_started", choices=list(_TRISTATE), default="unknown")
    q.add_argument("--deliverables", dest="deliverables_provided", choices=list(_TRISTATE), default="unknown")
    q.add_argument("--notice-days", dest="notice_days", help="days of notice given")
    q.add_argument("--third-party-costs", dest="third_party_costs")
    q.add_argument("--taxes-remitted", dest="taxes_remitted")
    q.add_argument("--unused-ad-spend", dest="unused_ad_spend")
    q.add_argument("--payment-method", dest="payment_method", help=f"one of {', '.join(PAYMENT_METHODS)}")
    q.add_argument("--stage", help="an explicit stage id of the provider's service")
    for flag in ("first-time-client", "billing-error", "provider-fault", "undelivered-promised"):
        q.add_argument(f"--{flag}", dest=flag.replace("-", "_"), action="store_true")
    q.set_defaults(run=cmd_quote)

    c = sub.add_parser("clauses", help="every clause the policy data uses", description=(
        "Every clause the policy data uses: provider, section, verbatim quote, and how it is read."))
    c.add_argument("--json", action="store_true", help="a JSON list of objects with provider, section, quote")
    c.set_defaults(run=cmd_clauses)

    b = sub.add_parser("batch", help="quote every row of a CSV", description=(
        "Quote every row of IN.csv (columns named as the scenario fields) into OUT.csv: the same rows in the "
        "same order, with refund_min, refund_max, refund_pct_min, refund_pct_max, verdict, stage, sections and "
        "error added. A bad row gets an error and is kept."))
    b.add_argument("input", metavar="IN.csv")
    b.add_argument("-o", "--output", metavar="OUT.csv", required=True)
    b.set_defaults(run=cmd_batch)

    sc = sub.add_parser("schema", help="the JSON schema of a scenario or a quote", description=(
        "Print the JSON schema of the input (scenario) or the output (quote) of `quote --json`."))
    sc.add_argument("which", choices=["scenario", "quote"])
    sc.set_defaults(run=cmd_schema)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except (InputError, Fail, PolicyFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"error: {exc.filename or 'file'}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
