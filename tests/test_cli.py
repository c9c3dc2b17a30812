"""The command-line contract of decisions.md section 3: `policy.cli.main(argv)` run in this process (tests/in_process.py),
and a few smoke tests of the real command in a subprocess (exit status, no traceback, a reader stopping early)."""
import csv
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from in_process import run_cli
from isolation import without_register
from shipped import reworded

from policy import shipped_policies as policies
from tests.actors import PAT

ROOT = Path(__file__).resolve().parent.parent
GOOD = {"provider": "socialbeat", "service": "website", "amount_paid": "5000", "completion_pct": 0, "days_since_payment": 5}


def run(args, stdin=""):
    return run_cli(args, stdin)


def run_bytes(args, stdin: bytes):
    r = run_cli(args, stdin)
    return r.returncode, r.stdout, r.stderr


def subprocess_run(args, stdin=""):
    with without_register() as env:
        return subprocess.run([sys.executable, "-m", "policy", *args], input=stdin, capture_output=True, text=True,
                              cwd=ROOT, timeout=60, env=env)


def test_smoke_the_real_command_quotes_and_refuses_with_exit_status_2_and_no_traceback():
    r = subprocess_run(["quote", "--json"], json.dumps(GOOD))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["refund_max"] == "4900.00"
    r = subprocess_run(["quote", "--json"], json.dumps({**GOOD, "amount_paid": "-5"}))
    assert (r.returncode, r.stdout) == (2, "") and r.stderr.startswith("error: amount_paid")
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_quote_json_round_trip():
    r = run(["quote", "--json"], json.dumps(GOOD))
    assert r.returncode == 0, r.stderr
    q = json.loads(r.stdout)
    assert (q["refund_min"], q["refund_max"], q["verdict"]) == ("4500.00", "4900.00", "partial")
    assert q["stage"]["id"] == "pre_project"
    assert any(c["section"] == "3.1(a)" for c in q["clauses"])
    assert {a["id"] for a in q["ambiguities"]} == {"A-SB-01"}
    assert q["next_deadline"]["last_day"] == 7
    for key in ("refund_pct_min", "refund_pct_max", "deductions", "deadlines", "processing_time", "next_charge_avoided", "policy_version"):
        assert key in q


def test_quote_flags_print_a_summary():
    r = run(["quote", "--provider", "stepinto", "--service", "ppc", "--amount-paid", "1200", "--completion", "0", "--days", "3"])
    assert r.returncode == 0, r.stderr
    assert "Refund: $1,200.00" in r.stdout and "Full refund" in r.stdout
    assert "Ask for the refund by day 7" in r.stdout


def test_a_payment_date_alone_counts_the_days_to_the_day_of_the_quote_as_a_batch_row_does(tmp_path):
    """The calculator and a batch row take a payment date without days; the single quote refused it."""
    dated = {k: v for k, v in GOOD.items() if k != "days_since_payment"} | {"paid_on": "2026-11-20"}
    r = run(["quote", "--json", "--shipped", "--as-of", "2026-11-25"], json.dumps(dated))
    assert r.returncode == 0, r.stderr
    q = json.loads(r.stdout)
    assert (q["scenario"]["days_since_payment"], q["requested_on"]) == (5, "2026-11-25")
    flags = ["quote", "--shipped", "--as-of", "2026-11-25", "--provider", "socialbeat", "--service", "website",
             "--amount-paid", "5000", "--completion", "0", "--paid-on", "2026-11-20"]
    assert run(flags).returncode == 0
    source = tmp_path / "in.csv"
    source.write_text("provider,service,amount_paid,completion_pct,paid_on,requested_on\n"
                      "socialbeat,website,5000,0,2026-11-20,2026-11-25\n")
    assert run(["batch", str(source), "-o", str(tmp_path / "out.csv"), "--shipped"]).returncode == 0
    with (tmp_path / "out.csv").open(newline="") as f:
        row = next(csv.DictReader(f))
    assert (row["refund_min"], row["refund_max"]) == (q["refund_min"], q["refund_max"])  # the batch row says the same
    planned = run(["quote", "--json", "--shipped", "--as-of", "2026-11-19"], json.dumps(dated))  # asked on its day,
    assert json.loads(planned.stdout)["requested_on"] == "2026-11-20"  # as the calculator and a batch quote it
    later = run(["quote", "--json", "--shipped", "--as-of", "2025-11-18"], json.dumps(dated))
    assert later.returncode == 2 and later.stderr.startswith("error: paid_on: 2026-11-20 is more than a year ahead of "
                                                             "2025-11-18: a payment may be planned up to 2026-11-19"), later.stderr
    for text, said in (("2026-13-40", "must be a valid date"), ("2026-11-20T00:00", "must be a date YYYY-MM-DD")):
        bad = run(["quote", "--json", "--shipped"], json.dumps({**dated, "paid_on": text}))
        assert bad.returncode == 2 and bad.stderr.startswith(f"error: paid_on: {said}"), bad.stderr  # not the days
    both = run(["quote", "--json", "--shipped", "--as-of", "2026-11-25"], json.dumps({**dated, "days_since_payment": 2}))
    assert json.loads(both.stdout)["scenario"]["days_since_payment"] == 2  # days given are the days



@pytest.mark.parametrize("given, said", [
    ({"requested_on": "2026-11-25"}, None),  # the batch row's request date: the same quote as its row
    ({"requested_on": "2026-11-25", "days_since_payment": 5}, None),
    ({"requested_on": "2026-11-25", "days_since_payment": 3},
     "error: days_since_payment: 3 days, but paid_on 2026-11-20 to requested_on 2026-11-25 is 5 days; give one or make "
     "them agree"),
    ({"requested_on": "2026-11-19"}, "error: paid_on: 2026-11-20 is after requested_on (2026-11-19); a request comes "
                                     "after the payment"),
    ({"requested_on": "next week"}, "error: requested_on: must be a date YYYY-MM-DD to count the days from"),
    ({"requested_on": "2026-11-25", "paid_on": None}, "error: requested_on: needs a paid_on to count the days from"),
])
def test_a_request_date_is_read_as_a_batch_row_reads_it(tmp_path, given, said):
    """A link and a quote's JSON carry requested_on; the single quote refused it as 'not a known field' (a
    walkthrough), while a batch row reads it (versions.days_of, one rule for both)."""
    dated = {k: v for k, v in GOOD.items() if k != "days_since_payment"} | {"paid_on": "2026-11-20"}
    case = {k: v for k, v in (dated | given).items() if v is not None}
    r = run(["quote", "--json", "--shipped", "--as-of", "2026-12-01"], json.dumps(case))
    if said is not None:
        assert r.returncode == 2 and r.stderr.strip() == said
        return
    assert r.returncode == 0, r.stderr
    q = json.loads(r.stdout)
    assert (q["scenario"]["days_since_payment"], q["requested_on"]) == (5, "2026-11-25")
    source = tmp_path / "in.csv"
    source.write_text(",".join(case) + "\n" + ",".join(str(v) for v in case.values()) + "\n")
    assert run(["batch", str(source), "-o", str(tmp_path / "out.csv"), "--shipped", "--as-of", "2026-12-01"]).returncode == 0
    with (tmp_path / "out.csv").open(newline="") as f:
        row = next(csv.DictReader(f))
    assert (row["refund_min"], row["refund_max"], row["days_counted"]) == (q["refund_min"], q["refund_max"], "5")


BAD = [
    ("negative amount", {**GOOD, "amount_paid": "-5"}, "amount_paid"),
    ("non-numeric amount", {**GOOD, "amount_paid": "five"}, "amount_paid"),
    ("NaN amount", '{"provider":"socialbeat","service":"website","amount_paid":NaN,"completion_pct":0,"days_since_payment":5}', "amount_paid"),
    ("NaN string", {**GOOD, "amount_paid": "NaN"}, "amount_paid"),
    ("infinite amount", '{"provider":"socialbeat","service":"website","amount_paid":Infinity,"completion_pct":0,"days_since_payment":5}', "amount_paid"),
    ("completion over 100", {**GOOD, "completion_pct": 100.5}, "completion_pct"),
    ("negative days", {**GOOD, "days_since_payment": -1}, "days_since_payment"),
    ("fractional days", {**GOOD, "days_since_payment": 1.5}, "days_since_payment"),
    ("unknown provider", {**GOOD, "provider": "acme"}, "provider"),
    ("unknown service", {**GOOD, "service": "webdesign"}, "service"),
    ("misspelt field", {**GOOD, "complection_pct": 3}, "complection_pct"),
    ("missing field", {k: v for k, v in GOOD.items() if k != "amount_paid"}, "amount_paid"),
    ("deductions above the amount", {**GOOD, "third_party_costs": "5000.01"}, "third_party_costs"),
    ("deductions together above the amount", {**GOOD, "third_party_costs": "3000", "taxes_remitted": "3000"}, "third_party_costs"),
    ("unknown stage", {**GOOD, "stage": "kickoff"}, "stage"),
    ("unknown payment method", {**GOOD, "payment_method": "cash"}, "payment_method"),
    ("boolean as a number", {**GOOD, "amount_paid": True}, "amount_paid"),
    ("malformed JSON", '{"provider": "socialbeat",', "input"),
    ("empty input", "", "input"),
    ("a list, not an object", "[1, 2]", "input"),
    ("an integer of 5000 digits", '{"provider":"socialbeat","service":"website","amount_paid":' + "9" * 5000
     + ',"completion_pct":0,"days_since_payment":5}', "amount_paid"),
    ("days of 5000 digits", '{"provider":"socialbeat","service":"website","amount_paid":5,"completion_pct":0,'
     '"days_since_payment":' + "9" * 5000 + "}", "days_since_payment"),
    ("100,000-deep nesting", "[" * 100_000 + "]" * 100_000, "input"),
    ("a key given twice", '{"provider":"socialbeat","service":"website","amount_paid":"5000","amount_paid":"1",'
     '"completion_pct":0,"days_since_payment":5}', "amount_paid"),
    ("an underscore in a number", {**GOOD, "amount_paid": "1_200"}, "amount_paid"),
    ("a superscript digit", {**GOOD, "days_since_payment": "\u00b2"}, "days_since_payment"),
    ("Arabic-Indic digits", {**GOOD, "amount_paid": "\u0661\u0662"}, "amount_paid"),
    ("an exponent", {**GOOD, "amount_paid": "1e3"}, "amount_paid"),
]


@pytest.mark.parametrize("name,payload,field", BAD, ids=[b[0] for b in BAD])
def test_bad_input_one_line_naming_the_field(name, payload, field):
    stdin = payload if isinstance(payload, str) else json.dumps(payload)
    r = run(["quote", "--json"], stdin)
    assert r.returncode != 0
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert field in lines[0]
    assert "Traceback" not in r.stderr


def test_invalid_utf8_on_stdin_is_one_line():
    code, out, err = run_bytes(["quote", "--json"], b'{"provider": "socialbeat\xff"}')
    assert code == 2 and out == "" and err.strip().splitlines() == [err.strip()] and "UTF-8" in err
    assert "Traceback" not in err


def test_flags_reject_non_plain_numbers_naming_the_field():
    r = run(["quote", "--provider", "stepinto", "--service", "ppc", "--amount-paid", "100", "--completion", "0",
             "--days", "\u00b2"])
    assert r.returncode == 2 and r.stderr.startswith("error: days_since_payment: must be a whole number")
    assert "invalid literal" not in r.stderr


def test_bad_command_line_is_one_line_too():
    r = run(["quote", "--provider"])
    assert r.returncode != 0 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["quote", "clauses", "batch", "schema"])
def test_every_command_has_help(command):
    r = run([command, "--help"])
    assert r.returncode == 0 and "usage:" in r.stdout


def test_clauses_json_lists_provider_section_quote():
    r = run(["clauses", "--json"])
    rows = json.loads(r.stdout)
    assert set(policies()) == {row["provider"] for row in rows}
    assert all(row["section"] and row["quote"] for row in rows)
    assert any(row["quote"].startswith("Processing Fee: 10% or $100") for row in rows)


@pytest.mark.parametrize("second_row, status", [
    ("itmedia,seo,800,10,2", 0),  # every row quoted
    ("itmedia,seo,-800,10,2", 1),  # every row written, one refused
])
def test_a_batch_exit_status_says_whether_a_row_was_refused(tmp_path, second_row, status):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text("provider,service,amount_paid,completion_pct,days_since_payment\nstepinto,ppc,1200,0,3\n"
                   f"{second_row}\n")
    r = run(["batch", str(src), "-o", str(out), "--shipped"])
    assert r.returncode == status, r.stderr
    assert len(list(csv.DictReader(out.open(encoding="utf-8-sig")))) == 2
    r = run(["batch", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "none.csv"), "--shipped"])
    assert r.returncode == 2 and not (tmp_path / "none.csv").exists()  # bad input: nothing written


def test_batch_keeps_every_row_in_order_and_marks_bad_ones(tmp_path):
    src = tmp_path / "in.csv"
    rows = [
        {"client": "a", "provider": "socialbeat", "service": "website", "amount_paid": "5000", "completion_pct": "0", "days_since_payment": "5", "deliverables_provided": ""},
        {"client": "b", "provider": "itmedia", "service": "website", "amount_paid": "-1", "completion_pct": "0", "days_since_payment": "5", "deliverables_provided": ""},
        {"client": "c", "provider": "stepinto", "service": "ppc", "amount_paid": "100", "completion_pct": "40", "days_since_payment": "3", "deliverables_provided": "unknown"},
        {"client": "d", "provider": "stepinto", "service": "ppc", "amount_paid": "100", "completion_pct": "40", "days_since_payment": "3", "deliverables_provided": "false"},
    ]
    with src.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    out = tmp_path / "out.csv"
    r = run(["batch", str(src), "-o", str(out)])
    assert r.returncode == 1, r.stderr  # written, with a row refused
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # the byte-order mark: Excel reads the file as UTF-8
    got = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert [g["client"] for g in got] == ["a", "b", "c", "d"]
    assert (got[0]["refund_min"], got[0]["refund_max"], got[0]["error"]) == ("4500.00", "4900.00", "")
    assert got[1]["error"].startswith("amount_paid “-1”: must be from $0.01 to $1,000,000,000.00") and got[1]["refund_min"] == ""
    assert (got[2]["refund_min"], got[2]["refund_max"]) == ("0.00", "100.00")
    assert got[3]["verdict"] == "discretionary"
    assert "column 'client' read as Client name (client_name)" in r.stderr  # a client's detail, kept for the register
    assert "blank row" not in r.stderr  # said only where there is one
    assert f"batch: 4 rows read: 3 quoted, 1 with an error, written to {out}" in r.stderr  # as the page says it


def test_batch_says_how_to_name_the_order_of_dates_that_read_either_way(tmp_path):
    """A walkthrough: each refused row said "say which order", and nothing said how on the command line."""
    src = tmp_path / "in.csv"
    src.write_text("provider,service,amount_paid,completion_pct,paid_on\nstepinto,ppc,100,0,17/11/2026\n"
                   "stepinto,ppc,100,0,03/11/2026\nstepinto,ppc,100,0,04/11/2026\n")
    r = run(["batch", str(src), "-o", str(tmp_path / "out.csv"), "--as-of", "2026-12-01"])
    assert ("batch: 2 rows with a date that could be read either way; the file's other dates with slashes are all written "
            "day/month/year (row 2: 17/11/2026), so those are likely to be too: name the order with --date-order (dmy "
            "or mdy) and run it again") in r.stderr.splitlines()
    again = run(["batch", str(src), "-o", str(tmp_path / "out.csv"), "--as-of", "2026-12-01", "--date-order", "dmy"])
    assert "either way" not in again.stderr and "3 quoted, 0 with an error" in again.stderr


def _batch_file(tmp_path, data: bytes):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(data)
    code, _, err = run_bytes(["batch", str(src), "-o", str(out)], b"")
    return code, err, out


HEADER = "provider,service,amount_paid,completion_pct,days_since_payment\n"


def test_batch_reads_utf16_as_excel_writes_it(tmp_path):
    code, err, out = _batch_file(tmp_path, (HEADER + "stepinto,ppc,100,0,3\n").encode("utf-16"))
    assert code == 0, err
    assert next(csv.DictReader(out.open(newline="", encoding="utf-8")))["verdict"] == "full"


def test_batch_that_fails_leaves_no_file_at_all(tmp_path):
    rows = "".join(f"stepinto,ppc,{100 + i},0,3\n" for i in range(20_000))
    for data, needle in (
        ((HEADER + rows).encode() + b"stepinto,ppc,\x81\x8d,0,3\n", "UTF-8"),
        ((HEADER + "stepinto,ppc,100,0,3,\"" + "x" * 200_000 + "\"\n").encode(), "131,072 characters"),
    ):
        code, err, out = _batch_file(tmp_path, data)
        assert code == 2 and needle in err and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1
        assert not out.exists() and list(tmp_path.iterdir()) == [tmp_path / "in.csv"]


def test_batch_replaces_an_old_output_only_when_it_succeeds(tmp_path):
    (tmp_path / "out.csv").write_text("old")
    code, _, out = _batch_file(tmp_path, b"\xff\xfe\xfd not a csv")
    assert code == 2 and out.read_text() == "old"


def test_batch_missing_file_is_one_line():
    r = run(["batch", "nope.csv", "-o", "out.csv"])
    assert r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1 and "nope.csv" in r.stderr


def test_schema_describes_the_contract():
    scenario = json.loads(run(["schema", "scenario"]).stdout)
    assert {"provider", "service", "amount_paid", "completion_pct", "days_since_payment"} <= set(scenario["required"])
    assert scenario["additionalProperties"] is False
    quote_schema = json.loads(run(["schema", "quote"]).stdout)
    assert {"refund_min", "refund_max", "verdict", "next_charge_avoided"} <= set(quote_schema["properties"])


def test_the_policy_schema_accepts_the_shipped_files_and_refuses_a_broken_one():
    import tomllib

    import jsonschema

    schema = json.loads(run(["schema", "policy"]).stdout)
    for path in sorted((ROOT / "policy" / "data").glob("*.toml")):
        jsonschema.validate(json.loads(json.dumps(tomllib.loads(path.read_text()), default=str)), schema)
    broken = tomllib.loads((ROOT / "policy" / "data" / "stepinto.toml").read_text())
    broken["contact"] = {"email": 7}  # no note, no how_to_request, a number for an address
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_batch_names_the_line_of_the_first_bad_byte_and_the_file(tmp_path):
    rows = "".join("stepinto,ppc,100,0,3\n" for _ in range(600))
    # 0x81: no UTF-8, and none of the five bytes Windows-1252 leaves undefined either
    code, err, _ = _batch_file(tmp_path, (HEADER + rows).encode() + b"stepinto,ppc,\x81,0,3\n")
    assert code == 2 and f"{tmp_path / 'in.csv'}: line 602 is not utf-8 text" in err, err


def test_batch_output_is_an_ordinary_file_and_bad_output_paths_name_the_target(tmp_path):
    import os
    import stat

    src = tmp_path / "in.csv"
    src.write_text(HEADER + "stepinto,ppc,100,0,3\n")
    out = tmp_path / "out.csv"
    assert run(["batch", str(src), "-o", str(out)]).returncode == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    out.chmod(0o640)
    run(["batch", str(src), "-o", str(out)])
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # an existing output keeps its permissions
    for target, needle in ((tmp_path, "is a folder"), (tmp_path / "no" / "o.csv", "no such folder")):
        r = run(["batch", str(src), "-o", str(target)])
        assert r.returncode == 2 and needle in r.stderr and ".part" not in r.stderr
    r = run(["batch", str(src), "-o", "-"])
    assert r.returncode == 0 and r.stdout.startswith("sheet_row,provider,service") and not (ROOT / "-").exists()


def test_a_misspelt_field_is_named_with_a_suggestion_not_blamed_on_the_missing_one():
    r = run(["quote", "--json"], json.dumps({k if k != "service" else "servce": v for k, v in GOOD.items()}))
    assert r.returncode == 2 and r.stderr.strip() == "error: servce: is not a known field (did you mean service?)"


def test_json_and_flags_together_are_refused():
    r = run(["quote", "--json", "--provider", "itmedia"], json.dumps(GOOD))
    assert r.returncode == 2 and "not both" in r.stderr and r.stdout == ""


def test_smoke_a_reader_that_stops_early_is_not_an_error():
    r = subprocess.run(f"{sys.executable} -m policy clauses --json | head -1", shell=True, cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "[" and r.stderr == ""


def _register_with(tmp_path, version: str, effective: date):
    """A register (SQLite) where Step-Into's lab version `version` is published from `effective`, as the app does."""
    from store import PolicyStore, QuoteStore

    url = f"sqlite:///{tmp_path / 'register' / 'quotes.sqlite'}"
    engine = QuoteStore.open(url).engine
    store = PolicyStore(engine)
    shipped = policies()["stepinto"]
    store.publish(store.save_draft(shipped.model_copy(update={"version": version}), reworded(shipped), by=PAT),
                  effective, by=PAT)  # with its own words: its quotes are checked against them at publish
    engine.dispose()
    return url


def test_the_command_line_quotes_under_the_versions_published_in_the_register_as_the_app_does(tmp_path, monkeypatch):
    from policy.cli import installed_catalog

    tomorrow = date.today() + timedelta(days=1)
    monkeypatch.setenv("REFUND_DATABASE_URL", _register_with(tmp_path, "lab-edit", tomorrow))

    def cli(*args, stdin=""):  # the catalog python -m policy finds: pyproject's entry point, the register's
        return run_cli(args, stdin, catalog=installed_catalog())

    listed = json.loads(cli("versions", "--json").stdout)
    assert {(v["version"], v["effective_from"], v["status"]) for v in listed if v["provider"] == "stepinto"} >= {
        ("lab-edit", tomorrow.isoformat(), "published")}
    scenario = dict(provider="stepinto", service="ppc", amount_paid="700", completion_pct=0, days_since_payment=2)
    later = cli("quote", "--json", stdin=json.dumps({**scenario, "paid_on": tomorrow.isoformat()}))
    assert json.loads(later.stdout)["policy_version"] == "lab-edit", later.stderr
    today = cli("quote", "--json", stdin=json.dumps({**scenario, "paid_on": date.today().isoformat()}))
    assert json.loads(today.stdout)["policy_version"] != "lab-edit"  # a payment before it keeps the old version
    shipped = cli("quote", "--json", "--shipped", stdin=json.dumps({**scenario, "paid_on": tomorrow.isoformat()}))
    assert json.loads(shipped.stdout)["policy_version"] != "lab-edit"
    src = tmp_path / "in.csv"
    src.write_text("provider,service,amount_paid,completion_pct,days_since_payment,paid_on\n"
                   f"stepinto,ppc,700,0,0,{date.today().isoformat()}\nstepinto,ppc,700,0,0,{tomorrow.isoformat()}\n")
    assert cli("batch", str(src), "-o", str(tmp_path / "out.csv")).returncode == 0
    assert [r["policy_version"] for r in csv.DictReader((tmp_path / "out.csv").open())][1] == "lab-edit"


def test_smoke_a_register_that_cannot_be_read_is_said_with_its_way_out_and_no_password():
    env = {**os.environ, "REFUND_DATABASE_URL": "postgresql+psycopg://ann:s3cret@127.0.0.1:1/refunds"}
    r = subprocess.run([sys.executable, "-m", "policy", "versions"], capture_output=True, text=True, cwd=ROOT,
                       timeout=60, env=env)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("error: register: postgresql+psycopg://ann:***@127.0.0.1:1/refunds cannot be read")
    assert "--shipped" in r.stderr and "s3cret" not in r.stderr
    shipped = run_cli(["versions", "--shipped"], catalog=None)  # no register read: not even a failing one
    assert shipped.returncode == 0 and "stepinto" in shipped.stdout


def test_without_the_registers_entry_point_the_shipped_versions_are_used_and_said(monkeypatch, capsys):
    """A Python where this project is not installed cannot find the register: it quotes under the shipped versions,
    and says so on stderr (never silently), rather than refusing every quote."""
    import io
    import json as json_module
    import sys

    import policy.cli as cli

    monkeypatch.setattr(cli, "installed_catalog", lambda: None)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json_module.dumps(dict(
        provider="stepinto", service="ppc", amount_paid="1200", completion_pct=0, days_since_payment=3)).encode())))
    assert cli.main(["quote", "--json"]) == 0
    captured = capsys.readouterr()
    assert json_module.loads(captured.out)["refund_max"] == "1200.00"
    assert "quoting under the shipped policy versions only" in captured.err


def test_batch_reads_an_excel_workbook_as_the_page_does_its_sheet_of_cases_even_behind_a_cover_sheet(tmp_path):
    """The command line said an .xlsx was "not utf-8 text"; a workbook whose first sheet is a cover page had the
    cover read as the header (a walkthrough). The sheet of cases is read, and said."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Cover"
    book.active.append(["Refund tracker"])
    book.active.append(["Prepared by sales-ops"])
    cases = book.create_sheet("Cases")
    cases.append(["Client", "Agency", "Service", "Amount ($)", "% Complete", "Days since payment"])
    cases.append(["Acme", "Step-Into", "PPC", 1200, "0%", 3])
    cases.append(["Bo", "acme", "PPC", 1200, "0%", 3])
    src, out = tmp_path / "tracker.xlsx", tmp_path / "out.csv"
    book.save(src)
    r = run(["batch", str(src), "-o", str(out)])
    assert r.returncode == 1, r.stderr  # written, with row 3 refused
    assert "batch: sheet 'Cases' read (sheet 2 of 2): the first sheet with the column names of cases" in r.stderr
    got = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert [(g["sheet_row"], g["verdict"], bool(g["error"])) for g in got] == [("2", "full", False), ("3", "", True)]
    to_stdout = run(["batch", str(src), "-o", "-"])  # standard output reads it the same way
    assert to_stdout.stdout == out.read_bytes().decode("utf-8-sig")


def test_batch_refuses_an_old_excel_file_in_words(tmp_path):
    src = tmp_path / "old.xls"
    src.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    code, err, out = _batch_file(tmp_path, src.read_bytes())
    assert code == 2 and "is an Excel 97-2003 workbook (.xls), which is not read; save it as .xlsx" in err
    assert not out.exists()


def test_quote_flags_read_amounts_percents_and_names_as_a_batch_reads_its_cells():
    """'$8,000.00', '40%' and 'Social Beat Digital' were refused as flags, taken by the batch (a walkthrough); the
    JSON scenario stays the contract's plain values."""
    plain = ["quote", "--provider", "socialbeat", "--service", "website", "--amount-paid", "8000", "--completion", "40",
             "--days", "12", "--shipped"]
    written = ["quote", "--provider", "Social Beat Digital", "--service", "Website design and development",
               "--amount-paid", "$8,000.00", "--completion", "40%", "--days", "12", "--shipped"]
    assert run(written).stdout == run(plain).stdout and "$2,000.00 - $4,000.00" in run(plain).stdout
    bad = run([*plain[:5], "--amount-paid", "eight thousand", *plain[7:]])
    assert (bad.returncode, bad.stdout) == (2, "") and bad.stderr.startswith("error: amount_paid: must be an amount")
    near = run(["quote", "--provider", "itmediaa", *plain[3:]])
    assert near.returncode == 2 and "error: provider: did you mean ITMediaSolutions.us?" in near.stderr
    strict = run(["quote", "--json", "--shipped"], json.dumps({**GOOD, "amount_paid": "$5,000.00"}))
    assert strict.returncode == 2 and strict.stderr.startswith("error: amount_paid")


def test_a_misspelt_flag_is_named_by_its_command_with_the_flag_it_most_likely_meant():
    r = run(["quote", "--provider", "socialbeat", "--ammount-paid", "3000"])
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr.strip() == ("error: python -m policy quote: unrecognized argument --ammount-paid; did you mean "
                                "--amount-paid? (see python -m policy quote --help)")
    far = run(["batch", "in.csv", "-o", "out.csv", "--zzz"])
    assert far.stderr.strip() == "error: python -m policy batch: unrecognized argument --zzz (see python -m policy batch --help)"


def test_the_help_lists_the_providers_and_the_batch_takes_excel(capsys):
    from policy.cli import build_parser

    commands = build_parser().parse_args(["versions"]).commands
    said = " ".join(commands["quote"].format_help().split())
    assert "itmedia, socialbeat, stepinto or the name the app shows" in said and "$5,000.00" in said
    assert "an Excel .xlsx" in " ".join(commands["batch"].format_help().split())


def test_quote_names_every_field_wrong_on_its_one_line():
    """Two required fields left out were named one a run (a walkthrough); still one line, the first field first."""
    r = run(["quote", "--json", "--shipped"], json.dumps({"provider": "stepinto", "service": "ppc", "amount_paid": "1200"}))
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == "error: completion_pct: is required; days_since_payment: is required\n"
    two = run(["quote", "--json", "--shipped"], json.dumps({**GOOD, "amount_paid": "-1", "completion_pct": 500}))
    assert two.stderr == "error: amount_paid: must be from $0.01 to $1,000,000,000.00; completion_pct: must be from 0 to 100\n"


def test_versions_lists_a_provider_withdrawn_whole():
    """Once its last version was withdrawn, `versions` listed none of its versions (docs: it lists a withdrawn one,
    with when, by whom and why; a walkthrough)."""
    from datetime import datetime

    from in_process import run_cli

    from policy.versions import Version, Withdrawal, shipped_catalog

    si = policies()["stepinto"]
    gone = Version(si.model_copy(update={"id": "acme", "name": "Acme Gone", "version": "a-1"}), "", status="withdrawn",
                   published_at=datetime(2026, 1, 1), published_by="Pat",
                   withdrawn=Withdrawal(by="Pat", at=datetime(2026, 12, 6), reason="Contract fell through"))
    r = run_cli(["versions", "--json"], catalog=lambda: shipped_catalog().adding([gone]))
    rows = [x for x in json.loads(r.stdout) if x["provider"] == "acme"]
    assert [(x["version"], x["status"], x["in_force_today"], x["withdrawn"]["reason"]) for x in rows] == [
        ("a-1", "withdrawn", False, "Contract fell through")]


def test_quote_says_what_it_assumed_where_the_work_status_was_not_given():
    """At 0% with no work status the calculator says what it assumed; the command line said only "You are entitled to
    a full refund" (a walkthrough)."""
    r = run(["quote", "--provider", "stepinto", "--service", "ppc", "--amount-paid", "2400", "--completion", "0",
             "--days", "3", "--shipped"])
    lines = r.stdout.splitlines()
    assert lines[3] == ("Work status not given: with no progress, this assumes the work has not started. If it has, "
                        "the policy gives $0.00 - $2,400.00.")
    given = run(["quote", "--provider", "stepinto", "--service", "ppc", "--amount-paid", "2400", "--completion", "0",
                 "--days", "3", "--work-started", "no", "--shipped"])
    assert "Work status not given" not in given.stdout
