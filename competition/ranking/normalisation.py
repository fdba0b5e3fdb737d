"""Per-judge z-score normalisation, for panels where judges see different subsets.

Each judge's totals become z-scores against that judge's own mean and standard deviation, then
are put back on the rubric's scale with the mean and standard deviation of all totals in the
round, and kept within the rubric's range. A judge with fewer than two entries, or who gave every
entry the same total, has nothing to correct: their totals become the round's mean.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping

from competition.ranking.aggregation import population_std_dev


def normalise_by_judge(totals: Mapping[tuple[int, int], float],
                       bounds: tuple[float, float]) -> dict[tuple[int, int], float]:
    """``totals`` maps (entry id, judge id) to a judge's total; returns the same keys with
    normalised totals."""
    if not totals:
        return {}
    pooled_mean = statistics.fmean(totals.values())
    pooled_sd = population_std_dev(list(totals.values()))
    by_judge: dict[int, list[float]] = defaultdict(list)
    for (_, judge), value in totals.items():
        by_judge[judge].append(value)
    judge_stats = {judge: (statistics.fmean(v), population_std_dev(v)) for judge, v in by_judge.items()}
    low, high = bounds
    normalised = {}
    for (entry, judge), value in totals.items():
        mean, sd = judge_stats[judge]
        z = (value - mean) / sd if sd > 0 else 0.0
        normalised[(entry, judge)] = min(high, max(low, pooled_mean + z * pooled_sd))
    return normalised
