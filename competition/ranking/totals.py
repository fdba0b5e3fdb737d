"""A judge's total for one entry in one round."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SCALE_TOP = 100.0


@dataclass(frozen=True)
class CriterionSpec:
    """A rubric criterion as the maths needs it.

    ``independent`` criteria are recorded but weigh nothing.
    """

    id: int
    weight: float
    min_value: float
    max_value: float
    independent: bool = False

    @property
    def counts(self) -> bool:
        return not self.independent and self.weight > 0


def judge_total(values: Mapping[int, float], criteria: tuple[CriterionSpec, ...]) -> float:
    """The weighted total on a 0–100 scale: each value as a share of its criterion's maximum,
    weighted, so criteria on different scales (0–100, levels 1–3) combine fairly.

    ``100 × Σ wᵢ·(vᵢ / maxᵢ) / Σ wᵢ`` over the criteria that count. With every criterion scored
    0–100 this is the plain weighted mean; with levels 1–3 a level counts as 1/3, 2/3 or 3/3 of
    its weight, as in the regional innovation index.

    :raises KeyError: if a counted criterion has no value.
    """
    weighted = [c for c in criteria if c.counts]
    total_weight = sum(c.weight for c in weighted)
    if total_weight <= 0:
        return 0.0
    weighted_sum = 0.0
    for c in weighted:
        weighted_sum += c.weight * values[c.id] / c.max_value
    return SCALE_TOP * weighted_sum / total_weight


def rubric_range(criteria: tuple[CriterionSpec, ...]) -> tuple[float, float]:
    """The lowest and highest total the rubric allows."""
    low = {c.id: c.min_value for c in criteria}
    high = {c.id: c.max_value for c in criteria}
    return judge_total(low, criteria), judge_total(high, criteria)


# Sheet summaries are rounded here, well above floating-point noise, so that a summary worked out
# by the database and one worked out in Python from the same scores are the same number.
SUMMARY_DECIMALS = 9


@dataclass(slots=True)
class SheetSummary:
    """What the results need of one judge's confirmed scores for one entry in one round."""

    round_id: int
    entry_id: int
    judge_id: int
    total: float                   # judge_total, 0–100
    heaviest_share: float | None   # value ÷ maximum on the round's heaviest criterion
    top_marks: int                 # criteria given their maximum


def heaviest_criterion(criteria: tuple[CriterionSpec, ...]) -> CriterionSpec | None:
    """The counted criterion with the largest weight (the first of equals)."""
    counted = [c for c in criteria if c.counts]
    return max(counted, key=lambda c: (c.weight, -c.id)) if counted else None


def summarise_sheet(round_id: int, entry_id: int, judge_id: int, values: Mapping[int, float],
                    criteria: tuple[CriterionSpec, ...]) -> SheetSummary:
    heaviest = heaviest_criterion(criteria)
    maxima = {c.id: c.max_value for c in criteria}
    return SheetSummary(
        round_id=round_id, entry_id=entry_id, judge_id=judge_id,
        total=round(judge_total(values, criteria), SUMMARY_DECIMALS),
        heaviest_share=None if heaviest is None else round(values[heaviest.id] / heaviest.max_value,
                                                           SUMMARY_DECIMALS),
        top_marks=sum(1 for cid, v in values.items() if cid in maxima and v >= maxima[cid]))
