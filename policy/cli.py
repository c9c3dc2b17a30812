"""python -m policy {quote,clauses,batch,schema}: the engine without Streamlit.

Bad input: exit status 2, one line on stderr naming the field, nothing on stdout, no traceback, and no file
left half written.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from .batch import NotText, not_text, open_csv, quote_file, run_batch
from .errors import InputError, PolicyFileError
from .explain import summary_lines
from .fields import FIELDS, FieldSpec
from .loader import policies
from .models import Scenario, quote_json_schema, quote_to_json
from .quoting import parse_scenario, quote
from .schema import PolicyFile

EXIT_BAD_INPUT = 2
MAX_INPUT_BYTES = 1_000_000  # a scenario is a few hundred bytes; more is not a scenario


class Fail(Exception):
    """A message for the user; main() prints it as one line and exits 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print usage over several lines
        raise Fail(f"{self.prog}: {message} (see --help)")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise InputError(str(key), "is given twice in the JSON object; give it once")
        seen[key] = value
    return seen


def parse_json_scenario(raw: bytes) -> dict:
    """Standard input -> one JSON object of scenario fields, or InputError saying what is wrong with it."""
    if len(raw) > MAX_INPUT_BYTES:
        raise InputError("input", f"is {len(raw):,} bytes; a scenario is one small JSON object (at most "
                                  f"{MAX_INPUT_BYTES:,} bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("input", f"is not UTF-8 text (byte {exc.start}); send JSON in UTF-8") from None
    if not text.strip():
        raise InputError("input", "is empty; send one JSON object of scenario fields on standard input")
    try:
        # Numbers as Decimal: exact, and no limit on digits to trip over (pydantic then names the field).
        data = json.loads(text, parse_float=Decimal, parse_int=Decimal, parse_constant=Decimal,
                          object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise InputError("input", f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise InputError("input", "is nested too deeply; send one flat JSON object of scenario fields") from None
    if not isinstance(data, dict):
        raise InputError("input", "must be one JSON object of scenario fields, not a list or a value")
    return data


_TRISTATE = {"yes": True, "no": False, "unknown": None, "true": True, "false": False}


def _flag_value(spec: FieldSpec, value: Any) -> Any:
    if spec.kind == "tristate":
        return _TRISTATE[value]
    return value


def _scenario_from_flags(args: argparse.Namespace) -> dict:
    data = {spec.name: _flag_value(spec, getattr(args, spec.name)) for spec in FIELDS}
    for spec in FIELDS:
        if spec.required and data[spec.name] is None:
            raise InputError(spec.name, f"is required (give {spec.flag}, or --json and a scenario on stdin)")
    return {k: v for k, v in data.items() if v is not None}


def cmd_quote(args: argparse.Namespace) -> int:
    if args.json:
        flags = [spec.flag for spec in FIELDS if getattr(args, spec.name) not in (None, "unknown")]
        if flags:
            raise Fail(f"quote: {flags[0]} with --json: give the scenario as JSON on stdin or as flags, not both")
    data = parse_json_scenario(sys.stdin.buffer.read()) if args.json else _scenario_from_flags(args)
    q = quote(parse_scenario(data))
    print(quote_to_json(q, indent=2) if args.json else "\n".join(summary_lines(q)))
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
        raise InputError(args.input, "no such file")
    if args.output == "-":
        try:
            with open_csv(source) as fin:
                result = run_batch(fin, sys.stdout)
        except NotText as exc:
            raise not_text(source, args.input, exc) from None
    else:
        result = _batch_to_file(source, Path(args.output), args.input)
    _say(result, args.output)
    return 0


def _batch_to_file(source: Path, target: Path, label: str):
    if target.resolve() == source.resolve():
        raise InputError("-o", "must differ from the input file, which would be overwritten")
    if target.is_dir():
        raise InputError("-o", f"{target} is a folder; give a file name")
    if not target.parent.resolve().is_dir():
        raise InputError("-o", f"no such folder: {target.parent}")
    return quote_file(source, target, label, mode=_file_mode(target))


def _file_mode(target: Path) -> int:
    """An existing output keeps its permissions; a new one gets what the umask gives any new file."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _say(result, output: str) -> None:
    where = "standard output" if output == "-" else output
    if result.blank_lines:
        print(f"batch: {result.blank_lines} blank line(s) skipped (a blank line is not a row)", file=sys.stderr)
    for notice in result.notices:
        print(f"batch: {notice}", file=sys.stderr)
    for column in result.passed_through:
        print(f"batch: column {column!r} is not a scenario field; passed through", file=sys.stderr)
    print(f"batch: {result.rows} rows quoted, {result.errors} with an error, written to {where}", file=sys.stderr)


SCHEMAS = {
    "scenario": Scenario.model_json_schema,
    "quote": quote_json_schema,
    "policy": PolicyFile.model_json_schema,  # a policy file (TOML), for an author's editor to validate against
}


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(SCHEMAS[args.which](), indent=2))
    return 0


def _add_field_flag(parser: argparse.ArgumentParser, spec: FieldSpec) -> None:
    """One flag per scenario field, from its declaration."""
    text = spec.help.replace("%", "%%")  # argparse formats help with %
    if spec.kind == "flag":
        parser.add_argument(*spec.cli, dest=spec.name, action="store_true", default=None, help=text)
        return
    if spec.kind == "tristate":
        parser.add_argument(*spec.cli, dest=spec.name, choices=["yes", "no", "unknown"], default="unknown",
                            help=text)
        return
    allowed = {
        "provider": lambda: ", ".join(policies()),
        "choice": lambda: ", ".join(spec.choices),
        "money": lambda: "an amount such as 5000 or 5000.00",
        "percent": lambda: f"{spec.low}..{spec.high}",
        "days": lambda: "whole days",
        "date": lambda: "YYYY-MM-DD",
        "stage": lambda: "a stage id of the provider's service",
    }[spec.kind]()
    parser.add_argument(*spec.cli, dest=spec.name, metavar=spec.name.upper(), help=f"{text} ({allowed})")


def build_parser() -> Parser:
    parser = Parser(prog="python -m policy", description="Refund policy engine: quotes, clauses, batch quotes.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    q = sub.add_parser("quote", help="quote one scenario", description=(
        "Quote one scenario. With --json: one JSON object on stdin, one quote as JSON on stdout. "
        "Without: give the scenario as flags and read a summary."))
    q.add_argument("--json", action="store_true", help="read the scenario as JSON on stdin, print the quote as JSON")
    for spec in FIELDS:
        _add_field_flag(q, spec)
    q.set_defaults(run=cmd_quote)

    c = sub.add_parser("clauses", help="every clause the policy data uses", description=(
        "Every clause the policy data uses: provider, section, verbatim quote, and how it is read."))
    c.add_argument("--json", action="store_true", help="a JSON list of objects with provider, section, quote")
    c.set_defaults(run=cmd_clauses)

    from .export import QUOTE_COLUMNS

    b = sub.add_parser("batch", help="quote every row of a CSV", description=(
        "Quote every row of IN.csv (UTF-8 or UTF-16; columns named as the scenario fields, their labels or "
        "flags) into OUT.csv: the same rows in the same order, with " + ", ".join(QUOTE_COLUMNS) + " added. "
        "A bad row gets an error and is kept. Cells that a spreadsheet would run as a formula are prefixed "
        "with a single quote."))
    b.add_argument("input", metavar="IN.csv")
    b.add_argument("-o", "--output", metavar="OUT.csv", required=True, help="the output file, or - for standard output")
    b.set_defaults(run=cmd_batch)

    sc = sub.add_parser("schema", help="the JSON schema of a scenario, a quote or a policy file", description=(
        "Print the JSON schema of the input (scenario) or the output (quote) of `quote --json`, or of a policy "
        "file (policy/data/*.toml, read as the same structure)."))
    sc.add_argument("which", choices=list(SCHEMAS))
    sc.set_defaults(run=cmd_schema)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except (InputError, Fail, PolicyFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(f"error: {exc.filename or 'file'}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT

