"""The exact helpers against their definitions: a score shown rounds half-up from its exact value
(70.025 -> 70.03, -0.005 -> -0.01), and an input's ten-thousandths are int(value × 10⁴)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from competition.ranking.exact import INPUT_UNIT, shown, ten_thousandths

fractions = st.fractions(min_value=-10**6, max_value=10**6, max_denominator=10**9)


def test_shown_by_hand():
    assert shown(Fraction(70025, 1000)) == Decimal("70.03")
    assert shown(Fraction(60005, 1000)) == Decimal("60.01")
    assert shown(Fraction(-5, 1000)) == Decimal("-0.01")
    assert shown(Fraction(-4, 1000)) == Decimal("0.00")
    assert shown(Fraction(1, 3)) == Decimal("0.33") and shown(Fraction(2, 3)) == Decimal("0.67")
    assert shown(85) == Decimal("85.00") and shown(True) == Decimal("1.00")


@given(fractions)
def test_shown_is_the_value_rounded_half_up_to_two_places(value):
    exact_cents = abs(value) * 100
    whole, rest = divmod(exact_cents.numerator, exact_cents.denominator)
    rounded = whole + (1 if 2 * rest >= exact_cents.denominator else 0)
    assert shown(value) == Decimal(-rounded if value < 0 else rounded).scaleb(-2)
    assert abs(Fraction(shown(value)) - value) <= Fraction(1, 200)


@given(fractions)
def test_ten_thousandths_of_a_fraction_is_its_whole_number_of_ten_thousandths(value):
    assert ten_thousandths(value) == int(value * INPUT_UNIT)
