"""Per-judge z-score normalisation, for panels where judges see different subsets.

Each judge's totals become z-scores against that judge's own mean and standard deviation, then
are put back on the rubric's scale with the mean and standard deviation of all totals in the
round, and kept within the rubric's range. A judge with fewer than two entries, or who gave every
entry the same total, has nothing to correct: their totals become the round's mean. The
arithmetic is exact; standard deviations are the square roots of
:func:`competition.ranking.exact.square_root`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from fractions import Fraction

from competition.ranking.aggregation import mean, population_std_dev


def normalise_by_judge(totals: Mapping[tuple[int, int], Fraction],
                       bounds: tuple[Fraction, Fraction]) -> dict[tuple[int, int], Fraction]:
    """``totals`` maps (entry id, judge id) to a judge's total; returns the same keys with
    normalised totals."""
    if not totals:
        return {}
    pooled = [Fraction(v) for v in totals.values()]
    pooled_mean, pooled_sd = mean(pooled), population_std_dev(pooled)
    by_judge: dict[int, list[Fraction]] = defaultdict(list)
    for (_, judge), value in totals.items():
        by_judge[judge].append(Fraction(value))
    judge_stats = {judge: (mean(v), population_std_dev(v)) for judge, v in by_judge.items()}
    low, high = bounds
    normalised = {}
    for (entry, judge), value in totals.items():
        judge_mean, judge_sd = judge_stats[judge]
        z = (value - judge_mean) / judge_sd if judge_sd > 0 else Fraction(0)
        normalised[(entry, judge)] = min(high, max(low, pooled_mean + z * pooled_sd))
    return normalised
