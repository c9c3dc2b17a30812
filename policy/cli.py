"""python -m policy {quote,clauses,batch,schema,versions,lint,diff}: the engine without Streamlit.

Bad input: exit status 2, one line on stderr naming the field, nothing on stdout, no traceback, and no file
left half written.
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Optional

from .cells import DATE_ORDERS
from .errors import InputError, PolicyFileError
from .fields import FIELDS, FieldSpec
from .loader import DATA_DIR, TEXTS_DIR, load_any
from .models import Scenario, quote_json_schema, quote_to_json
from .quoting import parse_scenario, quote
from .schema import PolicyFile
from .versions import REQUESTED, Basis, Catalog, days_of, shipped_catalog

if TYPE_CHECKING:  # each command imports what it needs when it runs: a quote needs no worker pool
    from .batch import BatchResult

EXIT_BAD_INPUT = 2
MAX_INPUT_BYTES = 1_000_000  # a scenario is a few hundred bytes; more is not a scenario


class Fail(Exception):
    """A message for the user; main() prints it as one line and exits 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse would print usage over several lines
        raise Fail(f"{self.prog}: {message} (see --help)")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise InputError(str(key), "is given twice in the JSON object; give it once")
        seen[key] = value
    return seen


def parse_json_scenario(raw: bytes) -> dict[str, Any]:
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


READ_AS_CELLS = ("money", "percent", "provider", "choice")  # a flag's value read as a batch reads a cell


def _scenario_from_flags(args: argparse.Namespace, basis: Basis) -> dict[str, Any]:
    """The flags' scenario. An amount, a percent, a provider and a choice are read as a batch reads its cells
    ('$8,000.00', '40%', 'Social Beat Digital'): the batch took them and the same person's flags did not (a
    walkthrough). --json stays the contract's plain values."""
    from .cells import Readers

    data = {spec.name: _flag_value(spec, getattr(args, spec.name)) for spec in FIELDS}
    for spec in FIELDS:
        if spec.required and data[spec.name] is None and not (spec.name == DAYS and data.get("paid_on")):
            raise InputError(spec.name, f"is required (give {spec.flag}, or --json and a scenario on stdin)")
    readers = Readers.of(basis.policies())
    for spec in FIELDS:
        if spec.kind in READ_AS_CELLS and isinstance(data[spec.name], str):
            try:
                data[spec.name] = readers.read(spec, data[spec.name])
            except ValueError as exc:
                raise InputError(spec.name, str(exc)) from None
    return {k: v for k, v in data.items() if v is not None}


DAYS = "days_since_payment"


def _counted_to(data: dict[str, Any], basis: Basis) -> dict[str, Any]:
    """A payment date without days counts them to the request day (requested_on, else --as-of, else today), as a
    batch row does (decisions.md 5 'batch dates', versions.days_of) and the calculator does. A link's and a quote's
    JSON give requested_on, and the command line refused it (a walkthrough)."""
    asked_text = data.get(REQUESTED)
    data = {k: v for k, v in data.items() if k != REQUESTED}
    asked = None if asked_text is None else _date_field(REQUESTED, asked_text, data, basis)
    paid_text = data.get("paid_on")
    if paid_text is None or (data.get(DAYS) is not None and asked is None):
        paid = None
    else:
        paid = _date_field("paid_on", paid_text, data, basis)
    try:
        days = days_of(paid, asked, data.get(DAYS), basis.as_of)
    except InputError as exc:
        if exc.field == "paid_on" and asked is None and paid is not None and paid > basis.as_of:
            raise InputError("paid_on", f"{exc.message} (give days_since_payment, requested_on, or --as-of the day of "
                                        "the request)") from None
        raise
    return data if days is None else {**data, DAYS: days}


def _date_field(name: str, text: Any, data: dict[str, Any], basis: Basis) -> date:
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        if name == "paid_on":
            parse_scenario({**data, DAYS: 0}, basis)  # the scenario's own word on this date (not 'days ... required')
        raise InputError(name, "must be a date YYYY-MM-DD to count the days from") from None


CATALOG_GROUP = "refund_policy.catalog"  # the entry point the layer that owns the register declares


def installed_catalog() -> Optional[Callable[[], Catalog]]:
    """Where the versions published in the app come from, as the package that owns the register declares it
    (pyproject's entry point): this package reads no database itself."""
    from importlib.metadata import entry_points

    found = sorted(entry_points(group=CATALOG_GROUP), key=lambda e: e.name)
    return found[0].load() if found else None


def _catalog(args: argparse.Namespace) -> Catalog:
    """The versions a command quotes under: the app's (shipped and published in the register), or with
    --shipped the shipped files alone. Never silently the shipped ones instead of the app's."""
    if args.shipped:
        return shipped_catalog()
    source = args.catalog_source or installed_catalog()
    if source is None:  # never silently: a Python without this project installed is told, on every run
        print("note: quoting under the shipped policy versions only: no installed package declares the register "
              f"(entry point {CATALOG_GROUP}; install this project: pip install -e .)", file=sys.stderr)
        return shipped_catalog()
    return source()


def _basis(args: argparse.Namespace) -> Basis:
    return Basis(_catalog(args), args.as_of)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: give YYYY-MM-DD") from None


def _add_catalog_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--shipped", action="store_true", help="use the shipped policy versions only, not those "
                        "published in the app's register (REFUND_DATABASE_URL, else quotes.sqlite in REFUND_DATA_DIR, "
                        "else in data/)")
    parser.add_argument("--as-of", type=_day, default=None, metavar="YYYY-MM-DD",
                        help="the day whose versions apply where a scenario gives no payment date (default: today)")


def cmd_quote(args: argparse.Namespace) -> int:
    if args.json:
        flags = [spec.flag for spec in FIELDS if getattr(args, spec.name) not in (None, "unknown")]
        if flags:
            raise Fail(f"quote: {flags[0]} with --json: give the scenario as JSON on stdin or as flags, not both")
    from .explain import summary_lines

    basis = _basis(args)
    data = parse_json_scenario(sys.stdin.buffer.read()) if args.json else _scenario_from_flags(args, basis)
    q = quote(parse_scenario(_counted_to(data, basis), basis, every=True), basis)
    if args.json:
        print(quote_to_json(q, indent=2))
    else:  # what it assumed where the work status was not given, as the calculator says it (a walkthrough)
        from .assumptions import if_work_started

        lines = summary_lines(q)
        lines[3:3] = filter(None, [if_work_started(q)])  # under the verdict's sentence, as on the calculator
        print("\n".join(lines))
    return 0


def cmd_clauses(args: argparse.Namespace) -> int:
    rows = [
        {"provider": p.id, "section": c.section, "quote": c.quote, "reading": c.reading, "decision": c.decision}
        for p in _basis(args).policies().values()
        for c in p.all_clauses()
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for r in rows:
            print(f"{r['provider']:<11} {r['section']:<7} {r['quote']}")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import quote_into

    source = Path(args.input)
    if not source.is_file():
        raise InputError(args.input, "no such file")
    if args.output == "-":
        result = quote_into(source, sys.stdout, args.input, _basis(args), date_order=args.date_order)
    else:
        result = _batch_to_file(source, Path(args.output), args.input, _basis(args), args.date_order)
    _say(result, args.output)
    # every row is written either way; a script that runs the batch learns from the status whether some were refused
    # (a walkthrough's file of 40 refused rows exited 0, as a clean one does)
    return ROWS_REFUSED if result.errors else 0


ROWS_REFUSED = 1  # as lint's 'an error was found'; 2 stays bad input, with nothing written


def _batch_to_file(source: Path, target: Path, label: str, basis: Basis, date_order: Optional[str] = None) -> BatchResult:
    if target.resolve() == source.resolve():
        raise InputError("-o", "must differ from the input file, which would be overwritten")
    if target.is_dir():
        raise InputError("-o", f"{target} is a folder; give a file name")
    if not target.parent.resolve().is_dir():
        raise InputError("-o", f"no such folder: {target.parent}")
    from .batch import quote_file

    return quote_file(source, target, label, mode=_file_mode(target), basis=basis,
                      date_order=date_order)  # type: ignore[arg-type]  # argparse's choices are DateOrder's


def _file_mode(target: Path) -> int:
    """An existing output keeps its permissions; a new one gets what the umask gives any new file."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _say(result: BatchResult, output: str) -> None:
    where = "standard output" if output == "-" else output
    for notice in result.said():
        print(f"batch: {notice}", file=sys.stderr)
    either_way = result.either_way_said(f"name the order with --date-order ({' or '.join(DATE_ORDERS)}) and run it again")
    if either_way:  # the errors said "say which order", and not how (a walkthrough)
        print(f"batch: {either_way}", file=sys.stderr)
    print(f"batch: {result.summary()}, written to {where}", file=sys.stderr)


SCHEMAS = {
    "scenario": Scenario.model_json_schema,
    "quote": quote_json_schema,
    "policy": PolicyFile.model_json_schema,  # a policy file (TOML), for an author's editor to validate against
}


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(SCHEMAS[args.which](), indent=2))
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    """Every version of every provider, in effective order, and which one a payment today falls under."""
    basis = _basis(args)
    catalog, today = basis.catalog, basis.policies()
    rows: list[dict[str, Any]] = []
    for provider in dict.fromkeys(v.provider for v in catalog.versions):  # one withdrawn whole too (not in force)
        for v in catalog.of(provider):
            if v.status == "draft":
                continue
            later = catalog.replaced.get((provider, v.policy.version))  # published from the same date after it
            rows.append({"provider": provider, "name": v.policy.name, "version": v.policy.version,
                         "effective_from": v.policy.effective_from.isoformat() if v.policy.effective_from else None,
                         "status": v.status, "in_force_today": today.get(provider) is v.policy,
                         "replaced_by": later.policy.version if later else None,
                         "published": None if v.published_at is None else {
                             "on": v.published_at.date().isoformat(), "by": v.published_by},
                         "withdrawn": None if v.withdrawn is None else {
                             "on": v.withdrawn.at.date().isoformat(), "by": v.withdrawn.by,
                             "reason": v.withdrawn.reason}})
    said_day = f"on {basis.as_of.isoformat()}" if args.as_of_given else "today"
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for r in rows:
            since = r["effective_from"] or "the start"
            made, gone = r["published"], r["withdrawn"]
            print(f"{r['provider']:<12} {r['version']:<26} from {since:<10}  {r['status']}"
                  + (f"  (in force {said_day})" if r["in_force_today"] else "")
                  + (f"  (replaced from the same date by {r['replaced_by']}, published after it)" if r["replaced_by"] else "")
                  + (f" on {gone['on']} by {gone['by']}: {gone['reason']}" if gone else "")
                  + (f"; published on {made['on']} by {made['by']}" if made else ""))
    return 0


EXIT_LINT_ERRORS = 1


def _policy_text(path: Path, raw: dict[str, Any], given: Optional[Path]) -> Optional[str]:
    """The text a file's quotes must be found in: --text, else its `source` beside it, else the shipped copy."""
    if given is not None:
        return given.read_text(encoding="utf-8")
    source = raw.get("source")
    if isinstance(source, str) and source:
        for folder in (path.parent, TEXTS_DIR):
            candidate = folder / Path(source).name
            if candidate.is_file():
                return candidate.read_text(encoding="utf-8")
    return None


def cmd_lint(args: argparse.Namespace) -> int:
    from .lint import Unreadable, lint_data, worst  # each command imports what it needs: a quote needs no pandas
    from .lint import read as read_policy_data

    paths = [Path(f) for f in args.files] or sorted(DATA_DIR.glob("*.toml"))
    report, worst_seen = [], []
    for path in paths:
        try:
            raw = read_policy_data(path)
            text = _policy_text(path, raw, Path(args.text) if args.text else None)
        except (Unreadable, OSError, UnicodeDecodeError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        findings = lint_data(raw, text, shipped_catalog().other_names(str(raw.get("id", ""))))
        worst_seen.append(worst(findings))
        report.append({"file": str(path), "text_checked": text is not None,
                       "findings": [f.as_dict() for f in findings]})
        if not args.json:
            shown = [f for f in findings if args.all or f.severity != "info"]
            for f in shown:
                print(f.line(str(path)))
            counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
            print(f"{path}: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} note(s)"
                  + ("" if text is not None else "; quotes not checked: no policy text found (give --text)"))
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    return EXIT_LINT_ERRORS if "error" in worst_seen else 0


def cmd_diff(args: argparse.Namespace) -> int:
    from .diff import band_changes, rule_changes
    from .diff import summary_lines as diff_summary

    old, new = load_any(Path(args.old)), load_any(Path(args.new))
    if old.id != new.id:
        raise Fail(f"diff: {args.old} is {old.id} and {args.new} is {new.id}: compare two versions of one provider")
    if args.json:
        bands = band_changes(old, new)
        dates = [p.effective_from.isoformat() if p.effective_from else None for p in (old, new)]
        print(json.dumps({"effective_from": {"before": dates[0], "after": dates[1]},
                          "rules": [asdict(r) for r in rule_changes(old, new)],
                          "changed_quotes": int(bands.seen.sum()),  # clients whose band as shown changes
                          "scenarios": json.loads(bands.to_json(orient="records"))}, indent=2, ensure_ascii=False))
    else:
        print("\n".join(diff_summary(old, new)))
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
    words: dict[str, Callable[[], str]] = {
        "provider": lambda: f"{', '.join(shipped_catalog().in_force)} or the name the app shows; a provider published "
                            "in the app: see the versions command",
        "choice": lambda: ", ".join(spec.choices) + ", or the name the app shows",
        "money": lambda: "an amount such as 5000, 5000.00 or $5,000.00",
        "percent": lambda: f"{spec.low}..{spec.high}, with or without %%",
        "days": lambda: "whole days",
        "date": lambda: "YYYY-MM-DD",
        "stage": lambda: "a stage id of the provider's service",
    }
    allowed = words[spec.kind]()
    parser.add_argument(*spec.cli, dest=spec.name, metavar=spec.name.upper(), help=f"{text} ({allowed})")


def build_parser() -> Parser:
    parser = Parser(prog="python -m policy", description="Refund policy engine: quotes, clauses, batch quotes.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    parser.set_defaults(commands=sub.choices)  # each command's parser, to name a misspelt flag by its command

    q = sub.add_parser("quote", help="quote one scenario", description=(
        "Quote one scenario. With --json: one JSON object on stdin, one quote as JSON on stdout. "
        "Without: give the scenario as flags and read a summary. A payment date (paid_on) without "
        "days_since_payment counts the days to the day of the quote (--as-of, today by default)."))
    q.add_argument("--json", action="store_true", help="read the scenario as JSON on stdin, print the quote as JSON")
    for spec in FIELDS:
        _add_field_flag(q, spec)
    _add_catalog_flag(q)
    q.set_defaults(run=cmd_quote)

    c = sub.add_parser("clauses", help="every clause the policy data uses", description=(
        "Every clause the policy data uses: provider, section, verbatim quote, and how it is read."))
    c.add_argument("--json", action="store_true", help="a JSON list of objects with provider, section, quote")
    _add_catalog_flag(c)
    c.set_defaults(run=cmd_clauses)

    from .export import QUOTE_COLUMNS

    b = sub.add_parser("batch", help="quote every row of a CSV or an Excel .xlsx", description=(
        "Quote every row of IN (a CSV in UTF-8, UTF-16 or Windows-1252, or an Excel .xlsx: its sheet of cases; "
        "columns named as the scenario fields, their labels or flags) into OUT.csv: the same rows in the same order, each headed by "
        "its sheet_row (its row number as a spreadsheet shows IN), with " + ", ".join(QUOTE_COLUMNS) + " added. "
        "A bad row gets every error of it and is kept. Cells are read as people write them: amounts with $ "
        "and thousands separators, percents with %, providers and services by id or name, yes/no, dates; a row "
        "may give paid_on (and requested_on) instead of days_since_payment, the run's day standing in for the "
        "request. Cells that a spreadsheet would run as a formula are prefixed with a single quote. An OUT named "
        ".xlsx gets the same rows as an Excel workbook: the refunds as numbers in dollars, the request day a date, "
        "verdicts, stages and facts in words, columns headed as the batch page heads them. Exit status: 0 every row "
        "quoted; 1 every row written, some refused (their errors in the row); 2 nothing written (bad input)."))
    b.add_argument("input", metavar="IN", help="the cases: a .csv, or an Excel .xlsx")
    b.add_argument("-o", "--output", metavar="OUT.csv", required=True,
                   help="the output file (.csv, or .xlsx for a workbook), or - for standard output (CSV)")
    b.add_argument("--date-order", choices=list(DATE_ORDERS), default=None,
                   help="how the file writes a slashed date: " + "; ".join(f"{k}: {v}" for k, v in DATE_ORDERS.items())
                   + " (ISO dates and spreadsheet date cells need none; without it an ambiguous date is an error)")
    _add_catalog_flag(b)
    b.set_defaults(run=cmd_batch)

    sc = sub.add_parser("schema", help="the JSON schema of a scenario, a quote or a policy file", description=(
        "Print the JSON schema of the input (scenario) or the output (quote) of `quote --json`, or of a policy "
        "file (policy/data/*.toml, read as the same structure)."))
    sc.add_argument("which", choices=list(SCHEMAS))
    sc.set_defaults(run=cmd_schema)

    v = sub.add_parser("versions", help="every policy version and its effective date", description=(
        "Every version of every provider, in effective order: a quote follows the version in force on its "
        "payment date (without one: the day it is asked, --as-of, less its days since payment)."))
    v.add_argument("--json", action="store_true", help="a JSON list")
    _add_catalog_flag(v)
    v.set_defaults(run=cmd_versions)

    lint = sub.add_parser("lint", help="find a policy file's gaps and contradictions", description=(
        "Lint policy files (the shipped ones without FILE): gaps and overlaps in completion bands, refunds "
        "that rise with completion or days, tiers that never apply, windows against clocks, fees above the "
        "refund, rules without a citation, quotes not in the text, ambiguity ids unused or missing. A finding "
        "an ambiguity of the file explains is a warning with its id. Exit 1 when an error is found, 2 when a "
        "file cannot be read."))
    lint.add_argument("files", nargs="*", metavar="FILE")
    lint.add_argument("--json", action="store_true", help="the findings as JSON")
    lint.add_argument("--text", metavar="TEXT", help="the policy text to check quotes against (default: the "
                      "file's source beside it, else the shipped copy)")
    lint.add_argument("--all", action="store_true", help="also list notes (severity info)")
    lint.set_defaults(run=cmd_lint)

    d = sub.add_parser("diff", help="what changes between two versions of a policy", description=(
        "The effective date and the rules that differ between OLD and NEW (TOML files of one provider), and the "
        "sample clients of a grid (every service x completion 0-100% by 5 x days 0-60, 10,000 paid) whose quote "
        "changes: the band before and after, which end moved, and under which value of a fact not given; then "
        "those whose band as shown stays but changes under one such value."))
    d.add_argument("old", metavar="OLD")
    d.add_argument("new", metavar="NEW")
    d.add_argument("--json", action="store_true", help="rules and scenarios as JSON")
    d.set_defaults(run=cmd_diff)
    return parser


def _unknown(command: argparse.ArgumentParser, extra: list[str]) -> str:
    """What was not understood, by the command it was given to, with the flag it most likely meant: argparse said
    "python -m policy: unrecognized arguments: --ammount-paid 3000", naming neither (a walkthrough)."""
    flags = [option for action in command._actions for option in action.option_strings if option.startswith("--")]
    first = next((x for x in extra if x.startswith("-")), extra[0])
    close = difflib.get_close_matches(first.split("=", 1)[0], flags, n=1, cutoff=0.75) if first.startswith("-") else []
    meant = f"; did you mean {close[0]}?" if close else ""
    return f"{command.prog}: unrecognized argument {first}{meant} (see {command.prog} --help)"


def main(argv: Optional[Sequence[str]] = None, catalog: Optional[Callable[[], Catalog]] = None) -> int:
    """`catalog`: where the versions beyond the shipped ones come from (python -m policy: the register)."""
    try:
        args, extra = build_parser().parse_known_args(argv)
        if extra:
            raise Fail(_unknown(args.commands[args.command], extra))
        args.catalog_source = catalog
        args.as_of_given = getattr(args, "as_of", None) is not None
        if getattr(args, "as_of", "") is None:
            args.as_of = date.today()  # the command line's one reading of the clock, said in --as-of's help
        run: Callable[[argparse.Namespace], int] = args.run
        return run(args)
    except (InputError, Fail, PolicyFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(f"error: {exc.filename or 'file'}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT

