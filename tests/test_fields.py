"""Each scenario field is declared once; every surface that reads or writes a scenario derives it from there."""
from pathlib import Path

import pytest
from in_process import run_cli
from shipped import BASIS

from policy.batch import HEADER_NAMES
from policy.cli import build_parser
from policy.export import scenario_cells
from policy.fields import FIELDS, NAMES
from policy.models import Scenario
from ui.codec import DEFAULTS, from_query, to_query
from ui.state import _ADVANCED_WIDGETS, ADVANCED_LABELS

ROOT = Path(__file__).resolve().parent.parent


def test_every_field_has_a_label_help_and_a_known_kind():
    assert tuple(Scenario.model_fields) == NAMES
    for f in FIELDS:
        assert f.label and f.help and f.kind in ("provider", "choice", "money", "percent", "days", "date", "tristate",
                                                  "flag", "stage"), f


def test_the_command_line_has_a_flag_for_every_field():
    quote = next(a for a in build_parser()._subparsers._group_actions[0].choices.values() if a.prog.endswith("quote"))
    dests = {a.dest for a in quote._actions}
    assert set(NAMES) <= dests
    help_text = run_cli(["quote", "--help"]).stdout
    assert all(f.flag in help_text for f in FIELDS)


def test_batch_headers_the_url_and_the_app_know_every_field():
    assert {HEADER_NAMES[n] for n in NAMES} == set(NAMES)
    assert set(DEFAULTS) == {*NAMES, "paid_on"}
    advanced = [f for f in FIELDS if f.group == "advanced"]
    assert set(ADVANCED_LABELS) == {"paid_on", *(f.name for f in advanced)}
    assert {f.kind for f in advanced} <= set(_ADVANCED_WIDGETS)


def test_a_scenario_round_trips_through_every_text_form():
    s = Scenario.model_validate(dict(provider="stepinto", service="ppc", amount_paid="12.5", completion_pct=3,
                                     days_since_payment=4, work_started=True, notice_days=2, payment_method="card",
                                     billing_error=True, stage="started"))
    cells = {k: v for k, v in scenario_cells(s).items() if v != ""}
    assert Scenario.model_validate(cells) == s
    values, warnings = from_query(to_query({**DEFAULTS, **cells}), basis=BASIS)
    assert warnings == []
    assert Scenario.model_validate({k: v for k, v in values.items() if k != "paid_on" and v is not None}) == s


@pytest.mark.parametrize("field, value, said", [
    ("completion_pct", "140", "must be from 0 to 100"),
    ("completion_pct", "-1", "must be from 0 to 100"),
    ("amount_paid", "0", "must be from $0.01 to $1,000,000,000.00"),
    ("notice_days", "4000", "must be from 0 to 3,650"),
])
def test_a_bound_error_gives_the_whole_range(field, value, said):
    """'must be less than or equal to 100' left the least unsaid (the command line, the URL and a batch row alike)."""
    from policy import InputError, parse_scenario
    data = {"provider": "socialbeat", "service": "website", "amount_paid": "5000", "completion_pct": "0",
            "days_since_payment": "3", field: value}
    with pytest.raises(InputError) as caught:
        parse_scenario(data, BASIS)
    assert (caught.value.field, caught.value.message) == (field, said)
