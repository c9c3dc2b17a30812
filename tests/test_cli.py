"""The command-line contract of decisions.md section 3, run as a user would: a subprocess."""
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = {"provider": "socialbeat", "service": "website", "amount_paid": "5000", "completion_pct": 0, "days_since_payment": 5}


def run(args, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "policy", *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60
    )


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
    assert "Cancel by day 7" in r.stdout


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
    assert {"itmedia", "socialbeat", "stepinto"} == {row["provider"] for row in rows}
    assert all(row["section"] and row["quote"] for row in rows)
    assert any(row["quote"].startswith("Processing Fee: 10% or $100") for row in rows)


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
    assert r.returncode == 0, r.stderr
    got = list(csv.DictReader(out.open()))
    assert [g["client"] for g in got] == ["a", "b", "c", "d"]
    assert (got[0]["refund_min"], got[0]["refund_max"], got[0]["error"]) == ("4500.00", "4900.00", "")
    assert got[1]["error"].startswith("amount_paid:") and got[1]["refund_min"] == ""
    assert (got[2]["refund_min"], got[2]["refund_max"]) == ("0.00", "100.00")
    assert got[3]["verdict"] == "discretionary"
    assert "'client' is not a scenario field" in r.stderr


def test_batch_missing_file_is_one_line():
    r = run(["batch", "nope.csv", "-o", "out.csv"])
    assert r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1 and "nope.csv" in r.stderr


def test_schema_describes_the_contract():
    scenario = json.loads(run(["schema", "scenario"]).stdout)
    assert {"provider", "service", "amount_paid", "completion_pct", "days_since_payment"} <= set(scenario["required"])
    assert scenario["additionalProperties"] is False
    quote_schema = json.loads(run(["schema", "quote"]).stdout)
    assert {"refund_min", "refund_max", "verdict", "next_charge_avoided"} <= set(quote_schema["properties"])
