"""Combining several judges' totals for one entry, exactly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from competition.ranking.exact import square_root

METHODS = ("mean", "median", "trimmed_mean")


def mean(values: Sequence[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def trimmed_mean(values: Sequence[Fraction]) -> Fraction:
    """The mean without the single highest and lowest value; the plain mean for fewer than
    three values."""
    if len(values) < 3:
        return mean(values)
    ordered = sorted(values)
    return mean(ordered[1:-1])


def median(values: Sequence[Fraction]) -> Fraction:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def combine(method: str, values: Sequence[Fraction | int]) -> Fraction:
    if not values:
        raise ValueError("no judge totals to combine")
    exact_values = [Fraction(v) for v in values]
    if method == "mean":
        return mean(exact_values)
    if method == "median":
        return median(exact_values)
    if method == "trimmed_mean":
        return trimmed_mean(exact_values)
    raise ValueError(f"unknown aggregation method {method!r}; expected one of {', '.join(METHODS)}")


def population_std_dev(values: Sequence[Fraction]) -> Fraction:
    """The population standard deviation: the square root of the exact variance
    (:func:`competition.ranking.exact.square_root`)."""
    if not values:
        return Fraction(0)
    centre = mean(values)
    return square_root(sum(((v - centre) ** 2 for v in values), Fraction(0)) / len(values))


@dataclass(frozen=True, slots=True)
class Spread:
    judges: int
    std_dev: Fraction   # population standard deviation of the judges' totals
    range: Fraction     # highest minus lowest total
    disagreement: bool  # range above the competition's threshold


def judges_range(values: Sequence[Fraction | int]) -> Fraction:
    """The highest of the judges' totals minus the lowest (0 for none)."""
    return Fraction(max(values) - min(values)) if values else Fraction(0)


def disagree(value_range: Fraction, threshold: Fraction | float) -> bool:
    """Whether judges whose totals lie ``value_range`` apart disagree: above the threshold."""
    return value_range > Fraction(threshold)


def spread(values: Sequence[Fraction | int], threshold: Fraction | float) -> Spread:
    exact_values = [Fraction(v) for v in values]
    value_range = judges_range(exact_values)
    return Spread(judges=len(exact_values), std_dev=population_std_dev(exact_values), range=value_range,
                  disagreement=disagree(value_range, threshold))
