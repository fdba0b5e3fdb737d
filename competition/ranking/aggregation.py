"""Combining several judges' totals for one entry."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

METHODS = ("mean", "median", "trimmed_mean")


def trimmed_mean(values: list[float]) -> float:
    """The mean without the single highest and lowest value; the plain mean for fewer than
    three values."""
    if len(values) < 3:
        return statistics.fmean(values)
    ordered = sorted(values)
    return statistics.fmean(ordered[1:-1])


def combine(method: str, values: list[float]) -> float:
    if not values:
        raise ValueError("no judge totals to combine")
    if method == "mean":
        return statistics.fmean(values)
    if method == "median":
        return float(statistics.median(values))
    if method == "trimmed_mean":
        return trimmed_mean(values)
    raise ValueError(f"unknown aggregation method {method!r}; expected one of {', '.join(METHODS)}")


@dataclass(slots=True)
class Spread:
    judges: int
    std_dev: float      # population standard deviation of the judges' totals
    range: float        # highest minus lowest total
    disagreement: bool  # range above the competition's threshold


def population_std_dev(values: list[float]) -> float:
    """The population standard deviation, in floating point (statistics.pstdev works in exact
    fractions, far too slowly for national-scale results)."""
    if not values:
        return 0.0
    mean = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))


def spread(values: list[float], threshold: float) -> Spread:
    value_range = max(values) - min(values) if values else 0.0
    return Spread(judges=len(values), std_dev=population_std_dev(values), range=value_range,
                  disagreement=value_range > threshold)
