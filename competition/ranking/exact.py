"""Exact numbers: the one score people are shown, and the exact value it is rounded from.

- Every input the results depend on (a judge's mark, a criterion's weight, minimum and maximum, a
  round's weight, an award's count bonus) is a decimal with at most four places: a whole number of
  ten-thousandths. The database stores them as floating point; :func:`exact` reads one back as
  the decimal it was entered as.
- Everything worked out from them (a judge's total, a round's score, an innovation's final score,
  shares for tie-breaks) is an exact fraction (:class:`fractions.Fraction`), so adding in any
  order gives the same value.
- Standard deviations (per-judge normalisation, the judges' spread) need a square root. It is
  the exact root rounded down to twenty decimal places (:func:`square_root`), a value no order of
  the inputs can change.
- A score is shown, ranked, banded, sealed and printed as one decimal with two places, rounded
  half-up from its exact value (:func:`shown`): 70.025 is 70.03, 60.005 is 60.01.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction

INPUT_PLACES = 4
INPUT_UNIT = 10 ** INPUT_PLACES
SCORE_PLACES = 2
CENT = Decimal("0.01")
ROOT_PLACES = 20


class NotExact(ValueError):
    """An input with more decimal places than the results keep."""


def exact(value: float | int | str | Decimal | Fraction) -> Fraction:
    """The decimal an input stands for.

    A float is read to the nearest ten-thousandth (0.05 stored as 0.05000000000000000277 is 0.05);
    text and decimals are read as written and must have at most four places.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotExact(f"{value} is not a number")
        return Fraction(round(value * INPUT_UNIT), INPUT_UNIT)
    if isinstance(value, str) and "/" not in value and "e" not in value.lower():
        whole, _, places = value.partition(".")
        if len(places) <= INPUT_PLACES and (whole.lstrip("-") + places).isdigit():
            return Fraction(int(whole + places) if places else int(whole), 10 ** len(places))
    if isinstance(value, int):
        return Fraction(value)
    number = Fraction(Decimal(value))
    if (number * INPUT_UNIT).denominator != 1:
        raise NotExact(f"{value} has more than {INPUT_PLACES} decimal places")
    return number


def ten_thousandths(value: float | int | str | Decimal | Fraction) -> int:
    """An input as a whole number of ten-thousandths: 85.5 -> 855000."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotExact(f"{value} is not a number")
        return round(value * INPUT_UNIT)
    if isinstance(value, int):
        return value * INPUT_UNIT
    if isinstance(value, Fraction):   # as int(value * INPUT_UNIT), without reducing a new fraction
        units, rest = divmod(value.numerator * INPUT_UNIT, value.denominator)
        return units + 1 if rest and units < 0 else units
    return int(exact(value) * INPUT_UNIT)


def has_at_most(value: float | int, places: int = INPUT_PLACES) -> bool:
    """Whether a number typed in has at most ``places`` decimal places, read as the shortest
    decimal that gives the float: 0.05 does, 0.00001 and 1e-30 don't, and neither do infinity
    and NaN."""
    if isinstance(value, int):
        return True
    if not math.isfinite(value):
        return False
    return (Fraction(repr(value)) * 10 ** places).denominator == 1


def shown(value: Fraction | int) -> Decimal:
    """The score as shown: two places, half-up from the exact value (70.025 -> 70.03, -0.005 -> -0.01)."""
    # A fraction's denominator is positive, so its numerator carries the sign.
    numerator, denominator = (value, 1) if isinstance(value, int) else (value.numerator, value.denominator)
    cents = (200 * abs(numerator) + denominator) // (2 * denominator)
    return Decimal(-cents if numerator < 0 else cents).scaleb(-SCORE_PLACES)


def as_score(value: str | float | int | Decimal) -> Decimal:
    """A score read back from a sealed version or a form: two places. Versions sealed before
    scores were exact hold floats with six places; they read as they were shown then (rounded
    half-even, as their pages and documents printed them)."""
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(CENT, rounding=ROUND_HALF_EVEN)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def square_root(value: Fraction) -> Fraction:
    """The square root of ``value`` (≥ 0), rounded down to twenty decimal places."""
    if value < 0:
        raise ValueError("no square root of a negative number")
    scale = 10 ** ROOT_PLACES
    return Fraction(math.isqrt(value.numerator * scale * scale // value.denominator), scale)


def input_text(value: float | int | str | Decimal | Fraction) -> str:
    """An input as the decimal it stands for: 0.05 (stored as a float) -> "0.05", 85.0 -> "85"."""
    units = ten_thousandths(value)
    whole, part = divmod(abs(units), INPUT_UNIT)
    sign = "-" if units < 0 else ""
    return f"{sign}{whole}" + (f".{part:04d}".rstrip("0") if part else "")


def text(value: Fraction | Decimal | int) -> str:
    """An exact decimal as plain text for the sealed JSON: Fraction(1, 20) -> "0.05", 20 -> "20".

    :raises NotExact: for a fraction that is not a finite decimal (1/3).
    """
    if isinstance(value, Decimal):
        return str(value)
    value = Fraction(value)
    places = 0
    while (value * 10 ** places).denominator != 1:
        places += 1
        if places > 40:
            raise NotExact(f"{value} is not a finite decimal")
    digits = Decimal(int(value * 10 ** places)).scaleb(-places)
    return format(digits, "f")


def rounded_text(value: Fraction, places: int = 6) -> str:
    """A fraction as decimal text rounded half-up to ``places`` (for values recorded to be read:
    shares compared in a tie)."""
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    scale = 10 ** places
    units = (2 * magnitude.numerator * scale + magnitude.denominator) // (2 * magnitude.denominator)
    return sign + format(Decimal(units).scaleb(-places), "f")
