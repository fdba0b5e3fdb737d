"""The checks every form, import and command shares (competition.documents.inputs)."""

from __future__ import annotations

import pytest

from competition.documents.inputs import (
    decimal_problem,
    identifier,
    read_decimal,
    read_whole_number,
    text_problem,
    whole_number_problem,
)
from competition.ranking.exact import NotExact, exact, has_at_most


@pytest.mark.parametrize("typed, value", [("80", 80.0), ("80,5", 80.5), ("80.5", 80.5), (" -3 ", -3.0),
                                          (",5", 0.5), ("7.", 7.0), ("+2", 2.0)])
def test_decimals_are_read_as_people_write_them(typed, value):
    assert read_decimal(typed) == value


@pytest.mark.parametrize("typed", ["", "1e28", "1E5", "inf", "-Infinity", "NaN", "nan", "1_000", "0x10",
                                   "٣", "1.000,5", "80 5", "--1", ".", "1,2,3"])
def test_anything_else_is_no_decimal(typed):
    assert read_decimal(typed) is None


def test_a_decimal_must_be_finite_of_a_typed_size_and_places():
    assert decimal_problem("weight", 30) is None
    assert decimal_problem("weight", 1_000_000_000) is None
    assert decimal_problem("weight", 1_000_000_001) == "weight: at most 1,000,000,000 either way"
    assert decimal_problem("weight", -1e28) == "weight: at most 1,000,000,000 either way"
    assert decimal_problem("weight", float("inf")) == "weight: inf is not a number"
    assert decimal_problem("weight", float("nan")) == "weight: nan is not a number"
    assert decimal_problem("weight", True) == "weight: True is not a number"
    assert decimal_problem("step", 0.0001, places=4) is None
    assert decimal_problem("step", 0.00001, places=4) == "step: at most 4 decimal places"


def test_decimal_places_are_counted_exactly():
    assert has_at_most(0.05, 2) and has_at_most(85.5) and has_at_most(30)
    assert not has_at_most(1e-30) and not has_at_most(0.00001)
    assert not has_at_most(float("inf")) and not has_at_most(float("nan"))


def test_a_stored_value_that_is_not_a_number_is_not_exact():
    with pytest.raises(NotExact):
        exact(float("inf"))
    with pytest.raises(NotExact):
        exact(float("nan"))


def test_texts_hold_no_nul_and_one_line_fields_no_line_break():
    assert text_problem("title", "Antrean Daring", 250, one_line=True) is None
    assert text_problem("title", "A\x00", 250) == "title: contains a NUL character, which no text may hold"
    assert text_problem("url", "https://x.id/\r\nSet-Cookie: a", 1000, one_line=True) == \
        "url: must be on one line"
    assert text_problem("hasil", "line one\nline two", 20_000) is None
    assert text_problem("title", "T" * 251, 250) == "title: at most 250 characters (got 251)"
    assert text_problem("hasil", "h" * 20_001, 20_000) == "hasil: at most 20,000 characters (got 20,001)"


@pytest.mark.parametrize("typed, value", [("5", 5), (" -12 ", -12), ("007", 7)])
def test_whole_numbers_are_ascii_digits(typed, value):
    assert read_whole_number(typed) == value


@pytest.mark.parametrize("typed", ["5.0", "1e3", "٣", "²", "", "1_0", "x"])
def test_anything_else_is_no_whole_number(typed):
    assert read_whole_number(typed) is None


def test_whole_numbers_stay_within_their_column():
    assert whole_number_problem("positions", 50, 1) is None
    assert whole_number_problem("positions", 0, 1) == "positions: from 1 to 2,147,483,647"
    assert whole_number_problem("judges_per_entry", 100, 1, 99) == "judges_per_entry: from 1 to 99"


@pytest.mark.parametrize("typed, value", [("1", 1), ("2147483647", 2 ** 31 - 1), (" 42 ", 42)])
def test_ids_fit_an_id_column(typed, value):
    assert identifier(typed) == value


@pytest.mark.parametrize("typed", ["0", "-1", "2147483648", str(2 ** 63), "abc", "²", "٣", "", "1.0"])
def test_anything_else_is_no_id(typed):
    with pytest.raises(ValueError):
        identifier(typed)
