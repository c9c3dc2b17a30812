"""The URL codec: every bad or tampered parameter becomes a warning naming it, and its default."""
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shipped import BASIS

from policy import parse_scenario
from policy.fields import BY_NAME
from ui import codec
from ui.codec import DEFAULTS, money_shown, money_value, request_not_today, request_today, to_engine, to_query, with_payment_date

TODAY = date(2026, 11, 22)




def from_query(params, today=None):
    """The codec under the shipped versions (the app passes the page's basis: ui.registry.basis())."""
    return codec.from_query(params, today, basis=BASIS)


def texts(warnings) -> list[str]:
    return [w.text for w in warnings]


def test_a_warning_is_a_frozen_record_of_its_text_and_field():
    import dataclasses

    _, warnings = from_query({"amount_paid": "abc", "utm_source": "mail"}, TODAY)
    assert [(type(w).__name__, w.field) for w in warnings] == [("UrlWarning", None), ("UrlWarning", "amount_paid")]
    assert not isinstance(warnings[0], str)  # a record, not text that carries a field
    with pytest.raises(dataclasses.FrozenInstanceError):
        warnings[1].field = "provider"  # type: ignore[misc]

def test_round_trip_of_every_field():
    values = dict(
        DEFAULTS, provider="stepinto", service="ppc", amount_paid="1234.50", completion_pct=12, days_since_payment=3,
        work_started=True, deliverables_provided=False, notice_days=9, unused_ad_spend="10.00", payment_method="card",
        billing_error=True, stage="started", paid_on=date(2026, 11, 19),
    )
    back, warnings = from_query(to_query(values), TODAY)
    assert warnings == [] and back == values
    parse_scenario(to_engine(back), BASIS)


def test_a_link_says_what_it_quotes_and_only_the_advanced_facts_given():
    """A share link held all seventeen fields ('third_party_costs=0.00&taxes_remitted=0.00&...&billing_error=false'):
    read aloud or pasted into an email, the case was lost in its defaults."""
    assert to_query(DEFAULTS) == {"provider": "socialbeat", "service": "website", "amount_paid": "5000.00",
                                  "completion_pct": "0", "days_since_payment": "0"}
    given = dict(DEFAULTS, taxes_remitted="150.00", billing_error=True, work_started=False)
    assert set(to_query(given)) - set(to_query(DEFAULTS)) == {"taxes_remitted", "billing_error", "work_started"}
    assert from_query(to_query(given), TODAY) == (given, [])


BAD = [
    ("amount_paid", "-1"), ("amount_paid", "NaN"), ("amount_paid", "1e400"), ("amount_paid", "12.345"),
    ("completion_pct", "101"), ("completion_pct", "25.5"), ("completion_pct", "x"),
    ("days_since_payment", "-2"), ("days_since_payment", "36501"), ("notice_days", "soon"),
    ("provider", "acme"), ("service", "webdesign"), ("work_started", "maybe"), ("billing_error", "2"),
    ("payment_method", "cash"), ("paid_on", "2026-13-01"), ("paid_on", "2027-11-24"), ("stage", "launchpad"),
]


@pytest.mark.parametrize("name,raw", BAD)
def test_a_bad_parameter_warns_by_name_and_keeps_its_default(name, raw):
    given = {"provider": "socialbeat", "amount_paid": "5000"} | {name: raw}  # a link with its sum (see below)
    values, warnings = from_query(given, TODAY)
    assert len(warnings) == 1 and name in warnings[0].text and repr(raw)[:20].strip("'") in warnings[0].text
    assert values[name] == DEFAULTS[name]
    parse_scenario(to_engine(values), BASIS)


def test_money_parts_above_the_amount_are_rejected_together_and_named():
    values, warnings = from_query({"amount_paid": "100", "taxes_remitted": "150"}, TODAY)
    assert any("taxes_remitted" in w.text for w in warnings)
    assert values["amount_paid"] == "100.00" and values["taxes_remitted"] == "0.00"


def test_unknown_parameters_are_named_together_in_one_warning_and_cut():
    values, warnings = from_query({"utm_source": "mail"}, TODAY)
    assert texts(warnings) == ["URL parameters ignored, not scenario fields: “utm_source”."] and values == DEFAULTS
    many = {f"p{i}": "x" for i in range(8)} | {"[Refund approved: claim it here](http://evil.example/" + "x" * 80: "1"}
    _, warnings = from_query(many, TODAY)
    assert len(warnings) == 1 and "and 4 more" in warnings[0].text and "x" * 40 not in warnings[0].text


def test_a_repeated_parameter_is_named_and_the_last_value_used():
    values, warnings = from_query({"amount_paid": ["100", "250"]}, TODAY)
    assert values["amount_paid"] == "250.00"
    assert texts(warnings) == ["URL parameter amount_paid is given 2 times; using the last, “250”."]


@pytest.mark.parametrize("name, given, field", [
    ("quote", ["1", "2"], None),  # a page's own (Saved quotes): it opened #2 without a word (a walkthrough)
    ("answer", ["shown", "shown"], None),
    ("requested_on", ["2026-11-20", "2026-11-21"], "days_since_payment"),
])
def test_a_repeated_parameter_a_page_reads_is_named_too(name, given, field):
    _, warnings = from_query({"amount_paid": "100", name: given}, TODAY)
    said = [w for w in warnings if "times" in w.said]
    assert [w.said for w in said] == [f"URL parameter {name} is given 2 times; using the last, \u201c{given[-1]}\u201d."]
    assert said[0].field == field


def test_a_payment_date_makes_the_request_today_however_long_ago():
    assert with_payment_date(DEFAULTS, date(2026, 11, 15), TODAY)["days_since_payment"] == 7
    assert with_payment_date(DEFAULTS, date(2020, 1, 1), TODAY)["days_since_payment"] == (TODAY - date(2020, 1, 1)).days


@pytest.mark.parametrize("typed, read", [
    ("5000", "5000.00"), ("5,000.00", "5000.00"), ("$5,000", "5000.00"), (" 1234.5 ", "1234.50"), ("USD 1200", "1200.00"),
    ("0.01", "0.01"), ("1,000,000,000", "1000000000.00"),
])
def test_an_amount_is_read_as_typed_on_an_invoice(typed, read):
    assert money_value(BY_NAME["amount_paid"], typed) == read


@pytest.mark.parametrize("typed", ["", "abc", "0", "0.00", "-5", "12.345", "1,0000", "1000000000.01", "1e3", "NaN"])
def test_an_amount_the_field_refuses_says_what_it_allows(typed):
    with pytest.raises(ValueError, match=r"must be an amount from \$0\.01 to \$1,000,000,000\.00, at most 2 decimals"):
        money_value(BY_NAME["amount_paid"], typed)


def test_an_amount_with_a_dot_before_three_digits_typed_in_the_box_names_both_sums():
    with pytest.raises(ValueError, match=r"^reads two ways: with a dot between thousands it is 3,000\.00, with a "
                                         r"decimal point 3\.00; write the one you mean; it must be an amount from"):
        money_value(BY_NAME["amount_paid"], "3.000")


def test_an_amount_in_another_currency_typed_in_the_box_is_told_so():
    with pytest.raises(ValueError, match=r"^is not in dollars: every amount is in US dollars, such as .*; it must be an "
                                         r"amount from \$0\.01"):
        money_value(BY_NAME["amount_paid"], "€500")


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000000"), places=2))
def test_an_amount_shown_in_its_box_reads_back_as_itself(amount):
    assert money_value(BY_NAME["amount_paid"], money_shown(f"{amount:.2f}")) == f"{amount:.2f}"


def test_a_link_with_a_payment_date_is_quoted_for_today_not_day_0():
    values, warnings = from_query({"provider": "stepinto", "service": "ppc", "amount_paid": "1200", "paid_on": "2026-11-01"},
                                  date(2026, 12, 1))
    assert warnings == [] and values["days_since_payment"] == 30


def test_a_link_carries_the_request_date_not_a_count_of_days():
    values = {**DEFAULTS, "paid_on": date(2026, 10, 1), "days_since_payment": 10}
    query = to_query(values)
    assert query["requested_on"] == "2026-10-11" and "days_since_payment" not in query
    back, warnings = from_query(query, date(2026, 12, 1))  # opened weeks later: the scenario it was made for
    assert warnings == [] and back["days_since_payment"] == 10 and request_not_today(back, date(2026, 12, 1)) == date(2026, 10, 11)
    assert request_today(back, date(2026, 12, 1))["days_since_payment"] == 61
    assert request_not_today(back, date(2026, 10, 11)) is None
    assert request_not_today(back, date(2026, 10, 5)) == date(2026, 10, 11)  # a request day still to come is said too


def test_an_old_link_with_days_keeps_them_and_a_request_date_needs_its_payment_date():
    back, _ = from_query({"paid_on": "2026-10-01", "days_since_payment": "10"}, date(2026, 12, 1))
    assert back["days_since_payment"] == 10
    _, warnings = from_query({"requested_on": "2026-10-11"}, date(2026, 12, 1))
    assert any("needs paid_on" in w.text for w in warnings)
    _, warnings = from_query({"paid_on": "2026-10-01", "requested_on": "2026-09-01"}, date(2026, 12, 1))
    assert any("before paid_on" in w.text for w in warnings)


def test_a_link_about_a_case_without_its_sum_says_the_example_stands_in_for_it():
    """A hand-made link without amount_paid was quoted on the example $5,000.00 without a word (a walkthrough)."""
    values, warnings = from_query({"provider": "stepinto", "service": "ppc", "completion_pct": "0"}, TODAY)
    assert values["amount_paid"] == DEFAULTS["amount_paid"]
    assert texts(warnings) == ["This link gives no amount paid: the example $5,000.00 stands in for it until the "
                               "amount is entered."]
    assert warnings[0].field == "amount_paid"  # said until the amount is changed (ui.state.live_url_warnings)
    assert from_query({}, TODAY) == (DEFAULTS, [])  # no link, no case: the example is the app's start
    assert from_query({"progress": "unknown"}, TODAY)[1] == []  # a page's own input is no case either
    assert from_query({"provider": "stepinto", "amount_paid": "1200"}, TODAY)[1] == []


def test_a_link_may_plan_a_request_for_a_later_day():
    back, warnings = from_query({"amount_paid": "1200", "paid_on": "2026-11-29", "requested_on": "2026-12-06"},
                                 date(2026, 12, 2))
    assert warnings == [] and back["days_since_payment"] == 7


def test_warnings_read_as_words_with_nothing_doubled_or_hidden():
    _, warnings = from_query({"provider": "acme", "completion_pct": "30.5", "amount_paid": "a\\b\u202e"}, TODAY)
    text = " ".join(w.text for w in warnings)
    assert "provider=“acme” ignored: must be one of itmedia (ITMediaSolutions.us)" in text
    assert "Using Social Beat Digital." in text and "Using 0%." in text and "Using $5,000.00." in text
    assert "“a\\b\ufffd”" in text and "\\\\" not in text and "\u202e" not in text  # one backslash; no bidi override
    _, warnings = from_query({"provider": "stepinto", "service": "website", "stage": "launch", "amount_paid": "1200"}, TODAY)
    assert texts(warnings) == ["URL parameter stage=“launch” ignored: has no stages to choose: Step-Into does not sell "
                        "Website design & development. Using the stage from completion."]


@pytest.mark.parametrize("name, raw, rule", [
    ("completion_pct", "<b>x</b>", "must be a whole percentage from 0 to 100, such as 40"),
    ("completion_pct", "1e2", "must be a whole percentage from 0 to 100, such as 40"),
    ("days_since_payment", "1.5", "must be a whole number of days from 0 to 36500, such as 7"),
    ("amount_paid", "12abc", "must be an amount from $0.01 to $1,000,000,000.00, at most 2 decimals"),
])
def test_a_number_that_is_not_one_is_told_the_fields_own_rule(name, raw, rule):
    _, warnings = from_query({name: raw}, TODAY)
    assert rule in warnings[0].text and "plain decimal" not in warnings[0].text


def test_a_payment_may_be_planned_up_to_a_year_ahead():
    values, warnings = from_query({"paid_on": "2027-11-23", "amount_paid": "1200"}, TODAY)
    assert warnings == [] and values["paid_on"] == date(2027, 11, 23) and values["days_since_payment"] == 0
    _, warnings = from_query({"paid_on": "2027-11-24"}, TODAY)
    assert warnings and "must be no later than 2027-11-23, a year from today" in warnings[0].text
