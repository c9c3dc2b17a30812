"""A batch reads cells as spreadsheets and people write them (decisions.md 5 "spreadsheet values" and "batch
dates"), and a row reports every error it has, each naming its column as the file names it."""
import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shipped import BASIS

from policy import parse_scenario, quote
from policy import shipped_policies as policies
from policy.batch import run_batch
from policy.cells import DATE_ORDERS, Readers, day, key, money, percent, truth
from policy.export import quote_row
from policy.fields import BY_NAME

READERS = Readers.of(policies())


@pytest.mark.parametrize("cell, read", [
    ("8000", "8000"), ("8000.00", "8000.00"), ("$8,000.00", "8000.00"), ("8,000.00", "8000.00"),
    (" $ 8 000.50 ", "8000.50"), ("1,200", "1200"), ("USD 1200", "1200"), ("1,234,567.89", "1234567.89"),
    ("8\u00a0000", "8000"), ("1,200 USD", "1200"), ("1200$", "1200"), ("US$1,200", "1200"), ("-$5", "-5"),
])
def test_amounts_as_people_write_them(cell, read):
    assert money(cell) == Decimal(read) and str(money(cell)) == read


@pytest.mark.parametrize("cell", ["8,00", "1,2345", "$8.000,00", "eight", "1e3", "$", "8.000.00", "$$5", "12$50"])
def test_an_amount_that_cannot_be_read_says_what_is_allowed(cell):
    with pytest.raises(ValueError, match=r"8,000\.00"):
        money(cell)


@pytest.mark.parametrize("cell, said", [
    ("€500", "is not in dollars: every amount is in US dollars"), ("EUR 500", "is not in dollars"),
    ("500 eur", "is not in dollars"), ("£1,200", "is not in dollars"),
    ("8 000,00", "has a decimal comma: write the cents after a point"), ("1.200,50", "has a decimal comma"),
])
def test_an_amount_in_another_currency_or_with_a_decimal_comma_is_told_so(cell, said):
    """A walkthrough: '€500' and '8 000,00' got only "must be an amount such as 8000.00", which said neither that
    amounts are in dollars nor that a decimal comma is not read; '1,200 USD' was refused for "a comma only between
    thousands" that it had."""
    with pytest.raises(ValueError, match=re.escape(said)):
        money(cell)


@pytest.mark.parametrize("cell, said", [
    ("3.000", "reads two ways: with a dot between thousands it is 3,000.00, with a decimal point 3.00"),
    ("$12.500", "reads two ways: with a dot between thousands it is 12,500.00, with a decimal point 12.50"),
    ("1.200.000", "has dots between thousands; write 1,200,000.00"),
    # with a decimal point it is no sum in cents: not "12.34", which it is not either way (a walkthrough)
    ("12.345", "has three decimals: with a dot between thousands it is 12,345.00 (write 12,345.00 if you mean that)"),
])
def test_an_amount_with_a_dot_before_three_digits_is_refused_naming_both_sums(cell, said):
    """A semicolon-separated sheet (as much of Europe writes one) had 3.000 for three thousand: it was quoted as
    $3.00, without a word, beside the amounts with decimal commas the batch refused (a walkthrough)."""
    with pytest.raises(ValueError, match=re.escape(said)):
        money(cell)
    assert money("0.500") == Decimal("0.500") and money("1,200.000") == Decimal("1200.000")  # only one way to read


@pytest.mark.parametrize("cell, share, written", [("0.4", "40", "0.4"), (" .25", "25", "0.25"), ("0.05", "5", "0.05")])
def test_a_bare_percent_between_0_and_1_is_refused_naming_both_readings(cell, share, written):
    """A CSV's completion 0.4 was quoted at 0.4% done, where the same sheet's percent cell (0.4 shown as 40%) read
    40%: a refund of $2,988.00 against $1,800.00 (a walkthrough)."""
    with pytest.raises(ValueError, match=re.escape(f"reads two ways: as a share of the whole it is {share}%, as a "
                                                   f"percent {written}%; write the one you mean with its % sign")):
        percent(cell)
    assert percent(f"{cell}%") == Decimal(written)  # its sign says which
    assert percent("0") == 0 and percent("1") == 1


@pytest.mark.parametrize("cell, read", [("40%", "40"), ("40 %", "40"), ("37.5%", "37.5"), ("0", "0"), ("100%", "100")])
def test_percents_with_or_without_their_sign(cell, read):
    assert percent(cell) == Decimal(read) and str(percent(cell)) == read


@pytest.mark.parametrize("cell, said", [
    ("12,5 %", "has a decimal comma: write the decimals after a point, such as 12.5%"), ("12,5", "has a decimal comma: "
     "write the decimals after a point, such as 12.5%"), ("forty", "must be a percent from 0 to 100, such as 40, 40% or "
                                                              "37.5%")])
def test_a_percent_that_cannot_be_read_says_why(cell, said):
    """A walkthrough: "12,5 %" was told only what a percent may be, where an amount's decimal comma was named."""
    with pytest.raises(ValueError) as exc:
        percent(cell)
    assert str(exc.value) == said


@pytest.mark.parametrize("cell, read", [(w, True) for w in ("yes", "Y", "TRUE", "1", "true", "Yes")]
                         + [(w, False) for w in ("no", "N", "False", "0")])
def test_yes_and_no_in_their_usual_spellings(cell, read):
    assert truth(cell) is read


@pytest.mark.parametrize("provider, cell, service", [("socialbeat", "Web design", "website"),
                                                     ("stepinto", "Google Ads", "ppc"), ("itmedia", "pay-per-click", "ppc"),
                                                     ("socialbeat", "Search Engine Optimization", "seo")])
def test_a_service_by_a_common_name_of_it_is_read(provider, cell, service):
    """"Web design" (Social Beat) and "Google Ads" (Step-Into) were refused without even a guess (a walkthrough)."""
    _, rows = batch(f"provider,service,amount_paid,completion_pct,days_since_payment\n{provider},{cell},8000,0,5\n")
    _, named = batch(f"provider,service,amount_paid,completion_pct,days_since_payment\n{provider},{service},8000,0,5\n")
    assert rows[0]["error"] == "" and rows[0]["placed_stage"] == named[0]["placed_stage"]
    assert {k: v for k, v in rows[0].items() if k != "service"} == {k: v for k, v in named[0].items() if k != "service"}


@pytest.mark.parametrize("cell", ["", "unknown", "N/A", "?", "Not sure", "unsure", "Don't know", "don\u2019t know",
                                  "do not know"])
def test_a_fact_not_known_in_the_words_people_write_is_not_given(cell):
    """"Not sure" in a Started? column was refused, though Am I eligible? itself offers it (a walkthrough)."""
    _, rows = batch("provider,service,amount_paid,completion_pct,days_since_payment,Started?\n"
                    f"socialbeat,website,8000,0,5,{cell}\n")
    assert rows[0]["error"] == "" and rows[0]["assumed"].startswith("work not started (not given, 0% done)"), rows[0]


@pytest.mark.parametrize("cell, order, read", [
    ("2026-03-04", None, date(2026, 3, 4)), ("2026-03-04 00:00:00", None, date(2026, 3, 4)),
    ("2026-03-04T10:30:00", None, date(2026, 3, 4)), ("2026/03/04", None, date(2026, 3, 4)),
    ("25/04/2026", None, date(2026, 4, 25)), ("04/25/2026", None, date(2026, 4, 25)),
    ("03/04/2026", "dmy", date(2026, 4, 3)), ("03/04/2026", "mdy", date(2026, 3, 4)), ("05/05/2026", None, date(2026, 5, 5)),
    # a month by its name is never ambiguous, whatever the order (a walkthrough: "Mar 11, 2026" was refused)
    ("Mar 11, 2026", None, date(2026, 3, 11)), ("11-Nov-2026", "mdy", date(2026, 11, 11)),
    ("3 November 2026", "dmy", date(2026, 11, 3)), ("Sept 3rd, 2026", None, date(2026, 9, 3)),
    ("nov. 3 2026", None, date(2026, 11, 3)),
])
def test_dates_iso_spreadsheet_cells_and_slashed_in_a_named_order(cell, order, read):
    assert day(cell, order) == read


@pytest.mark.parametrize("cell, said", [
    ("Foo 3 2026", "Foo 3 2026: 'Foo' is not a month; write the date as YYYY-MM-DD or 3 Nov 2026"),
    ("31 Feb 2026", "31 Feb 2026 is not a day of the calendar"),
    ("3 Nov", "must be a date: YYYY-MM-DD, 3 Nov 2026, or a spreadsheet's date cell"),
])
def test_a_date_with_a_named_month_that_is_no_day_is_refused_in_words(cell, said):
    with pytest.raises(ValueError) as caught:
        day(cell)
    assert str(caught.value) == said


def test_an_ambiguous_date_is_refused_naming_both_readings_unless_the_order_is_named():
    with pytest.raises(ValueError, match=r"3 April or 4 March.*say which order"):
        day("03/04/2026")
    with pytest.raises(ValueError, match="not a day of the calendar"):
        day("31/02/2026", "dmy")


@pytest.mark.parametrize("cell, order", [("11/25/2026", "dmy"), ("25/11/2026", "mdy")])
def test_a_date_in_the_other_order_than_the_one_chosen_says_so(cell, order):
    """'11/25/2026 is not a day of the calendar' with day/month chosen: it is one, in the other order (a walkthrough)."""
    with pytest.raises(ValueError) as caught:
        day(cell, order)
    assert str(caught.value) == (f"{cell} is not a date in the order chosen, {DATE_ORDERS[order]}: there is no month 25; "
                                 "write it in that order, or as YYYY-MM-DD")


@pytest.mark.parametrize("field, cell, read", [
    ("provider", "Social Beat Digital", "socialbeat"), ("provider", "  social beat  digital ", "socialbeat"),
    ("provider", "socialbeat", "socialbeat"), ("provider", "STEP-INTO", "stepinto"),
    ("provider", "ITMediaSolutions.us", "itmedia"), ("provider", "ITMedia Solutions", "itmedia"),  # its address's
    ("provider", "itmediasolutions", "itmedia"),  # ending left out (a walkthrough's sheet)
    ("service", "Website design & development", "website"),
    ("service", "Website design and development", "website"),  # '&' written out (refused: a walkthrough's sheet)
    ("service", "website design&development", "website"),
    ("service", "website", "website"), ("service", "PPC / paid advertising", "ppc"),
    ("payment_method", "card", "card"),
])
def test_providers_and_services_by_id_or_by_the_name_the_app_shows(field, cell, read):
    assert READERS.read(BY_NAME[field], cell) == read


@pytest.mark.parametrize("pid, sid", [(pid, sid) for pid, p in sorted(policies().items()) for sid in p.services])
def test_each_providers_own_name_for_a_service_as_the_calculator_shows_it_reads_as_that_service(pid, sid):
    label = policies()[pid].services[sid].label  # "SEO Services", "Website development", "SEO (monthly)"
    assert READERS.read(BY_NAME["service"], label) == sid
    assert READERS.read(BY_NAME["service"], f"  {label.upper()} ") == sid


def test_a_providers_own_name_two_providers_give_different_services_stays_refused():
    mine, theirs = policies()["socialbeat"], policies()["stepinto"]
    clash = {**policies(), "stepinto": theirs.model_copy(update={"services": {  # Step-Into's ads named "SEO Services"
        "ppc": theirs.services["ppc"].model_copy(update={"label": mine.services["seo"].label})}})}
    readers = Readers.of(clash)
    with pytest.raises(ValueError, match="a provider's own name"):
        readers.read(BY_NAME["service"], "SEO Services")
    assert readers.read(BY_NAME["service"], "SEO") == "seo" and readers.read(BY_NAME["service"], "ppc") == "ppc"


@pytest.mark.parametrize("field, cell, meant", [
    ("provider", "Social Bet Digital", "Social Beat Digital"), ("provider", "socialbeet", "Social Beat Digital"),
    ("provider", "Stepinto Ltd", "Step-Into"), ("provider", "ITMedia Solution", "ITMediaSolutions.us"),
    ("service", "SEO servces", "SEO"), ("payment_method", "Credit crd", "Credit card"),
    ("provider", "acme", None), ("service", "marketing", None), ("provider", "Social", None),
    ("payment_method", "bank transfer", None),  # India or international: a guess would be one of two
])
def test_a_misspelt_name_is_refused_with_the_name_it_most_likely_meant(field, cell, meant):
    """'Social Bet Digital' was refused with the list of every provider and its id, which left the reader to spot
    the missing letter (a walkthrough). A cell near no name gets the list alone, never a guess."""
    with pytest.raises(ValueError) as refused:
        READERS.read(BY_NAME[field], cell)
    said = str(refused.value)
    if meant is None:
        assert said.startswith("must be one of") and "did you mean" not in said
    else:
        assert said.startswith(f"did you mean {meant}? It must be one of ")
        assert READERS.read(BY_NAME[field], meant)  # the name it offers is read


def test_a_batch_row_with_a_misspelt_provider_names_the_one_it_most_likely_meant():
    _, rows = batch("Provider,service,amount_paid,completion_pct,days_since_payment\n"
                    "Social Bet Digital,seo,1000,10,3\n")
    assert rows[0]["error"].startswith("Provider \u201cSocial Bet Digital\u201d: did you mean Social Beat Digital? It must "
                                       "be one of ")


def test_an_unknown_name_lists_what_is_allowed():
    with pytest.raises(ValueError, match=r"socialbeat \(Social Beat Digital\)"):
        READERS.read(BY_NAME["provider"], "Acme")


@given(st.sampled_from(sorted(policies())), st.sampled_from(["upper", "lower", "spaced"]))
def test_a_provider_name_folded_any_way_reads_as_its_id(pid, how):
    name = policies()[pid].name
    written = {"upper": name.upper(), "lower": name.lower(), "spaced": " ".join(name)}[how]
    assert key(written) == key(name) and READERS.read(BY_NAME["provider"], written) == pid


def batch(text: str, basis=BASIS, **kw):
    out = io.StringIO()
    result = run_batch(io.StringIO(text), out, basis, **kw)
    return result, list(csv.DictReader(io.StringIO(out.getvalue())))


CLEAN = dict(provider="socialbeat", service="website", amount_paid="8000.00", completion_pct="40",
             days_since_payment="5", work_started="true", third_party_costs="1200.00")


def test_a_row_written_as_people_write_it_is_quoted_as_its_clean_scenario():
    result, rows = batch("Provider,Service,Amount Paid,Project completion (%),Days since payment,Work started,"
                         "Third-party costs\n"
                         'Social Beat Digital,Website design & development,"$8,000.00",40%,5,yes,"1,200.00"\n')
    q = quote(parse_scenario(CLEAN, BASIS), BASIS)
    assert result.errors == 0
    assert {k: rows[0][k] for k in quote_row(q, BASIS.as_of)} == quote_row(q, BASIS.as_of)  # asked on the run day


def test_a_payment_date_alone_counts_the_days_to_the_run_day_written_in_the_output():
    paid = BASIS.as_of - timedelta(days=5)
    result, rows = batch(f"provider,service,amount_paid,completion_pct,paid_on\nsocialbeat,website,8000,40,{paid}\n")
    q = quote(parse_scenario({**CLEAN, "third_party_costs": "0", "work_started": None, "paid_on": paid.isoformat()},
                             BASIS), BASIS)
    assert result.errors == 0 and rows[0]["requested_on"] == BASIS.as_of.isoformat()
    assert (rows[0]["refund_min"], rows[0]["refund_max"]) == (q.refund_min, q.refund_max)
    assert rows[0]["days_counted"] == "5"  # the days the quote counted, said beside the request day


def test_a_request_date_counts_the_days_and_days_that_disagree_are_an_error_naming_both():
    text = ("provider,service,amount_paid,completion_pct,paid_on,requested_on,days_since_payment\n"
            "socialbeat,website,8000,40,2026-03-01,2026-03-06,\n"
            "socialbeat,website,8000,40,2026-03-01,2026-03-06,5\n"
            "socialbeat,website,8000,40,2026-03-01,2026-03-06,9\n"
            "socialbeat,website,8000,40,,2026-03-06,9\n"
            "socialbeat,website,8000,40,2026-03-09,2026-03-06,\n")
    result, rows = batch(text)
    assert [r["requested_on"] for r in rows[:2]] == ["2026-03-06", "2026-03-06"] and not rows[0]["error"]
    assert "days_since_payment: 9 days, but paid_on 2026-03-01 to requested_on 2026-03-06 is 5 days" in rows[2]["error"]
    assert rows[3]["error"] == "requested_on “2026-03-06”: needs a paid_on to count the days from"
    assert "paid_on: 2026-03-09 is after requested_on" in rows[4]["error"]
    assert result.errors == 3
    # each error's cell is listed beside it, as every other error's is (a payment date's was left empty)
    assert [[p.value for p in problems] for _, problems in result.problem_rows] == [["9"], ["2026-03-06"], ["2026-03-09"]]


def test_an_ambiguous_date_is_refused_unless_the_batch_names_the_order():
    text = "provider,service,amount_paid,completion_pct,Payment date,Request date\nsocialbeat,website,8000,40,03/04/2026,10/04/2026\n"
    _, rows = batch(text)
    assert rows[0]["error"].startswith("Payment date: 03/04/2026 could be 3 April or 4 March")
    assert "Request date: 10/04/2026 could be" in rows[0]["error"]  # every error of the row
    _, rows = batch(text, date_order="dmy")
    assert not rows[0]["error"] and rows[0]["requested_on"] == "2026-04-10"


def test_a_row_with_two_errors_names_both_in_the_columns_the_file_names():
    result, rows = batch("Provider,Service,Amount Paid,Completion,Days\nsocialbeat,website,$8.0.00,140%,five\n")
    error = rows[0]["error"]
    assert error.startswith("Amount Paid “$8.0.00”: must be an amount") and "Days “five”: must be a whole number of days" in error
    assert "Completion “140%”: must be from 0 to 100" in error  # each error quotes the cell it is about
    kinds = {(k.column, k.rows) for k in result.kinds.values()}
    assert kinds == {("Amount Paid", 1), ("Days", 1), ("Completion", 1)}
    assert result.problem_rows[0][0] == 2  # its row as a spreadsheet shows it
    assert [p.value for p in result.problem_rows[0][1]] == ["$8.0.00", "140%", "five"]


def test_a_semicolon_sheet_with_a_dot_between_thousands_gets_no_quote_for_three_dollars():
    _, rows = batch("Provider;Service;Amount Paid;Completion;Days\nitmedia;website;3.000;10;5\nitmedia;website;3000;10;5\n")
    assert rows[0]["error"] == ("Amount Paid “3.000”: reads two ways: with a dot between thousands it is 3,000.00, "
                                "with a decimal point 3.00; write the one you mean") and rows[0]["refund_max"] == ""
    assert rows[1]["error"] == "" and rows[1]["refund_max"] == "2700.00"  # three thousand, written one way


def test_an_error_quotes_a_long_cell_cut_and_a_date_it_already_names_once():
    long = "9" * 30 + "x" * 30
    _, rows = batch(f"provider,service,amount_paid,completion_pct,paid_on\nsocialbeat,website,{long},40,03/04/2026\n")
    error = rows[0]["error"]
    assert error.startswith(f"amount_paid “{long[:40]}...”: must be an amount")
    assert "paid_on: 03/04/2026 could be" in error  # the message quotes it already


def test_a_value_that_occurs_in_the_list_of_what_is_allowed_is_still_named():
    """'bank transfer' is in 'International bank transfer': its error named no value, on the page nor in the file."""
    result, rows = batch("provider,service,amount_paid,completion_pct,days_since_payment,payment_method\n"
                         "socialbeat,seo,1000,10,3,bank transfer\n")
    assert rows[0]["error"].startswith("payment_method “bank transfer”: must be one of card (Credit card)")
    assert [p.value for p in result.problem_rows[0][1]] == ["bank transfer"]


def test_errors_are_grouped_by_kind_with_their_counts_and_first_rows():
    rows = "".join(f"socialbeat,website,{amount},40,5\n" for amount in ["abc", "8000", "xyz", "-5", "qq"])
    result, _ = batch("provider,service,amount_paid,completion_pct,days_since_payment\n" + rows)
    kinds = sorted(((k.column, k.rows, k.first_rows) for k in result.kinds.values()), key=lambda k: -k[1])
    assert kinds == [("amount_paid", 3, [2, 4, 6]), ("amount_paid", 1, [5])] and result.errors == 4


def test_a_date_that_cannot_be_read_is_one_error_and_messages_name_the_files_columns():
    """Before: an ambiguous payment date also gave 'days_since_payment: is required' (the file has no such
    column), and a rule's message named fields as the code does."""
    _, rows = batch("Provider,Service,Amount Paid,Completion,Payment date,Work started\n"
                         "socialbeat,website,8000,40,03/04/2026,yes\n"
                         "socialbeat,website,8000,40,2026-03-04,no\n")
    assert rows[0]["error"].startswith("Payment date: 03/04/2026 could be") and ";" not in rows[0]["error"]
    assert rows[1]["error"] == ("Work started “no”: cannot be false when Completion is above 0; leave it unknown or set "
                                "completion to 0")  # the cell as the file writes it (its “no” is in “cannot”)


def test_a_date_that_cannot_be_read_is_one_error_where_the_days_cell_beside_it_is_blank():
    """A file with both columns, some rows giving days and some a date: a row whose date cannot be read and whose
    days are blank once said 'days_since_payment: is required' too, an error that was only the date's."""
    _, rows = batch("provider,service,amount_paid,completion_pct,days_since_payment,paid_on\n"
                    "socialbeat,website,8000,40,,2026-13-40\n"
                    "socialbeat,website,8000,40,5,\n"
                    "socialbeat,website,8000,40,,\n")
    assert rows[0]["error"] == "paid_on: 2026-13-40 is not a day of the calendar"
    assert rows[1]["error"] == ""
    assert rows[2]["error"].startswith("days_since_payment: must be given in every row")  # neither given: the days


def test_a_required_cell_left_unknown_says_what_it_must_say_and_that_unknown_is_for_the_other_facts():
    """'Completion "unknown": is required' read as if unknown were not understood (a walkthrough)."""
    _, rows = batch("provider,service,Amount Paid,Completion,days_since_payment\n"
                    "socialbeat,website,8000,unknown,5\n"
                    "socialbeat,website,,40,5\n")
    assert rows[0]["error"] == ("Completion “unknown”: must be given in every row: 40, 40% or 37.5% (under one percent with its sign: 0.5%); unknown, n/a "
                                "and the like are only for the facts a row may leave out")
    assert rows[1]["error"] == "Amount Paid: must be given in every row: US dollars: 8000, 8000.00, 8,000.00, $8,000.00 or 8,000 USD"


@given(st.integers(0, 99), st.integers(0, 99), st.integers(1000, 9999), st.sampled_from([None, "dmy", "mdy"]))
def test_a_slashed_date_is_a_day_of_the_calendar_or_refused_in_words_never_a_fault(a, b, year, order):
    """A walkthrough: 13/45/2026 stopped the whole batch (an IndexError looking up the 45th month's name)."""
    text = f"{a}/{b}/{year}"
    try:
        found = day(text, order)
    except ValueError as exc:
        said = str(exc)
        assert said.startswith(text) and ("is not a day of the calendar" in said or "could be" in said
                                          or (order is not None and "is not a date in the order chosen" in said))
        assert ("could be" in said) == (order is None and a != b and 1 <= a <= 12 and 1 <= b <= 12)
    else:
        assert found.year == year and {found.day, found.month} == {a, b}
        if order is not None:
            assert (found.day, found.month) == ((a, b) if order == "dmy" else (b, a))


@pytest.mark.parametrize("cell", ["13/45/2026", "0/5/2026", "31/02/2026", "99/99/2026"])
def test_a_batch_row_with_no_such_day_is_that_rows_error_and_the_others_are_quoted(cell):
    text = ("provider,service,amount_paid,completion_pct,Payment date\n"
            f"socialbeat,website,8000,40,{cell}\nstepinto,ppc,1200,0,2026-11-20\n")
    result, rows = batch(text)
    assert rows[0]["error"] == f"Payment date: {cell} is not a day of the calendar"
    assert not rows[1]["error"] and rows[1]["refund_max"] and result.errors == 1


CELL_TEXT = st.one_of(
    st.text(max_size=30), st.from_regex(r"[-+$ ]{0,2}\d{0,4}[/.,%-]?\d{0,4}[/.-]?\d{0,5}", fullmatch=True),
    st.builds("{}{}{}{}{}".format, st.integers(0, 99), st.sampled_from("/.-"), st.integers(0, 99), st.sampled_from("/.-"),
              st.integers(0, 9999)))  # shaped as a slashed date


@given(st.sampled_from(list(BY_NAME.values())), CELL_TEXT, st.sampled_from([None, "dmy", "mdy"]))
def test_every_cell_reader_reads_any_text_or_refuses_it_in_words(spec, text, order):
    """Whatever a spreadsheet's cell holds, its reader returns a value or a ValueError that says what is allowed:
    never another fault, which stops the whole batch (a date did, a walkthrough)."""
    try:
        Readers.of(policies(), order).read(spec, text)
    except ValueError as exc:
        assert str(exc)
