"""Batch quoting in-process: order, bad rows kept, parallel output identical to serial."""
import csv
import io

from bench.data import write_rows
from policy import policies
from policy.batch import PARALLEL_FROM_ROWS, QUOTE_COLUMNS, run_batch


def test_parallel_and_serial_batches_are_identical(tmp_path):
    src = write_rows(tmp_path / "in.csv", PARALLEL_FROM_ROWS + 123)
    parallel, serial = io.StringIO(), io.StringIO()
    with src.open() as f:
        rows, errors, _ = run_batch(f, parallel)
    with src.open() as f:
        run_batch(f, serial, registry=policies())  # a given registry runs in this process
    assert parallel.getvalue() == serial.getvalue()
    out = list(csv.DictReader(io.StringIO(parallel.getvalue())))
    assert len(out) == rows == PARALLEL_FROM_ROWS + 123
    assert errors == sum(1 for r in out if r["error"]) > 0
    assert all(r["refund_min"] == "" for r in out if r["error"])


def test_short_rows_long_rows_and_old_quote_columns():
    text = (
        "provider,service,amount_paid,completion_pct,days_since_payment,verdict\n"
        "stepinto,ppc,100,0,3,stale\n"
        "stepinto,ppc,100\n"
        "stepinto,ppc,100,0,3,x,extra\n"
        "\n"
        "itmedia,website,100,50,3,\n"
    )
    out = io.StringIO()
    rows, errors, extra = run_batch(io.StringIO(text), out)
    got = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows == 4 and errors == 2 and extra == []
    assert list(got[0]) == ["provider", "service", "amount_paid", "completion_pct", "days_since_payment", *QUOTE_COLUMNS]
    assert got[0]["verdict"] == "full"
    assert got[1]["error"] == "completion_pct: is required"
    assert got[2]["error"].startswith("row: has 1 more cell")
    assert (got[3]["refund_max"], got[3]["refund_pct_max"]) == ("50.00", "50.00")
