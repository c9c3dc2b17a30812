"""A policy file's declared bounds: what the schema accepts can always be quoted (never an OverflowError or a
traceback), and what would stall a server (huge texts, thousands of tiers, deep nesting) is refused at once,
naming what is too large. A byte-order mark is read as an editor that wrote it expects."""
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from shipped import BASIS, TODAY

from policy import parse_scenario, quote
from policy import shipped_policies as policies
from policy.cli import main as cli
from policy.errors import PolicyFileError
from policy.loader import POLICY_FILE_MAX, parse_policy, policy_toml
from policy.models import EARLIEST_PAYMENT, LATEST_PAYMENT, MAX_DAYS
from policy.schema import DAYS_MAX, TEXT_MAX, TIERS_MAX, PolicyFile
from policy.versions import Basis
from tests.strategies import scenarios

STEPINTO = policies()["stepinto"]


def with_first_tier(policy: PolicyFile, **when) -> dict:
    data = policy.model_dump(mode="json", exclude_none=True)
    data["services"]["ppc"]["stages"][0]["tiers"][0]["when"].update(when)
    return data


def test_a_clock_beyond_the_declared_bound_is_refused_by_name():
    with pytest.raises(PolicyFileError, match=f"days_max.*less than or equal to {DAYS_MAX}"):
        parse_policy(tomli_w.dumps(with_first_tier(STEPINTO, days_max=3_000_000)), "big-clock.toml")


@pytest.mark.parametrize("paid_on", [EARLIEST_PAYMENT, date(2026, 12, 4), LATEST_PAYMENT])
def test_the_longest_clock_the_schema_allows_quotes_at_the_ends_of_the_calendar(paid_on):
    longest = PolicyFile.model_validate(with_first_tier(STEPINTO, days_max=DAYS_MAX))
    scenario = parse_scenario(dict(provider="stepinto", service="ppc", amount_paid="1200", completion_pct=0,
                                   days_since_payment=MAX_DAYS, paid_on=paid_on), BASIS)
    q = quote(scenario, Basis.of({**policies(), "stepinto": longest}.values(), TODAY))
    assert q.refund_max == "0.00"  # 100 years on, the 10-year clock has run out; and no date left the calendar
    early = quote(scenario.model_copy(update={"days_since_payment": 3}), Basis.of({**policies(), "stepinto": longest}.values(), TODAY))
    assert early.next_deadline is not None and early.next_deadline.last_date.year <= paid_on.year + 11


DAY_FIELDS = ("days_max", "days_min")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=scenarios(), day=st.integers(0, DAYS_MAX), field=st.sampled_from(DAY_FIELDS),
       paid_on=st.one_of(st.none(), st.dates(EARLIEST_PAYMENT, LATEST_PAYMENT)))
def test_any_policy_the_schema_accepts_quotes_any_valid_scenario_without_raising(data, day, field, paid_on):
    """A provider's first tier's clock moved anywhere within bounds, a payment anywhere in the calendar: the
    schema either refuses the file in words, or the scenario is quoted."""
    provider = policies()[data["provider"]]
    raw = provider.model_dump(mode="json", exclude_none=True)
    service = next(iter(raw["services"].values()))
    tier = service["stages"][0]["tiers"][0]
    tier["when"][field] = day
    try:
        changed = parse_policy(tomli_w.dumps(raw), "fuzzed.toml")
    except PolicyFileError:
        return  # refused, in words: fine
    scenario = parse_scenario({**data, "paid_on": paid_on}, BASIS)
    q = quote(scenario, Basis.of({**policies(), provider.id: changed}.values(), TODAY))
    assert Decimal(q.refund_min) <= Decimal(q.refund_max) <= Decimal(q.amount_paid)


def test_a_huge_text_is_refused_naming_the_field():
    data = STEPINTO.model_dump(mode="json", exclude_none=True)
    data["contact"]["note"] = "x" * (TEXT_MAX + 1)
    with pytest.raises(PolicyFileError, match=f"contact.note.*at most {TEXT_MAX:,}|contact.note.*at most {TEXT_MAX}"):
        parse_policy(tomli_w.dumps(data), "long-note.toml")


def test_a_one_megabyte_name_is_refused_before_it_is_read():
    data = STEPINTO.model_dump(mode="json", exclude_none=True)
    data["name"] = "N" * 1_000_000
    started = time.perf_counter()
    with pytest.raises(PolicyFileError, match=f"at most {POLICY_FILE_MAX:,}"):
        parse_policy(tomli_w.dumps(data), "big-name.toml")
    assert time.perf_counter() - started < 2  # refused by its size, not after parsing a megabyte


def test_thousands_of_tiers_are_refused_quickly_naming_the_limit():
    data = STEPINTO.model_dump(mode="json", exclude_none=True)
    stage = data["services"]["ppc"]["stages"][0]
    first, *rest = stage["tiers"]
    stage["tiers"] = [*({**first, "id": f"t{i}", "when": {"days_max": i % 7}} for i in range(5000)), *rest]
    started = time.perf_counter()
    with pytest.raises(PolicyFileError, match="at most"):
        parse_policy(tomli_w.dumps(data), "5000-tiers.toml")
    assert time.perf_counter() - started < 5  # it took 63 s to read before the limits


def test_more_tiers_in_a_file_than_allowed_is_refused_even_when_each_stage_is_within_bounds():
    data = policies()["socialbeat"].model_dump(mode="json", exclude_none=True)
    for service_id, service in data["services"].items():
        for stage in service["stages"]:
            first, last = stage["tiers"][0], stage["tiers"][-1]
            stage["tiers"] = [*({**first, "id": f"{service_id}_{stage['id']}_{i}", "when": {"days_max": i}}
                                for i in range(19)), last]
    with pytest.raises(ValidationError, match=f"a policy file may have at most {TIERS_MAX}"):
        PolicyFile.model_validate(data)


def test_a_byte_order_mark_is_ignored_and_deep_nesting_is_refused_in_words(tmp_path: Path, capsys):
    bom = tmp_path / "stepinto.toml"
    bom.write_text("\ufeff" + policy_toml(STEPINTO), encoding="utf-8")
    assert parse_policy(bom.read_text(encoding="utf-8"), bom.name) == STEPINTO
    assert cli(["lint", str(bom), "--text", str(Path("policy/texts") / STEPINTO.source)]) == 0
    nested = tmp_path / "nested.toml"
    nested.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    assert cli(["lint", str(nested)]) == 2  # the documented status for a file that cannot be read
    assert "nested too deeply" in capsys.readouterr().err
    with pytest.raises(PolicyFileError, match="nested too deeply"):
        parse_policy(nested.read_text(), "nested.toml")
