"""A judge's total for one entry in one round, exactly.

A judge's total is ``100 × Σ wᵢ·(vᵢ / maxᵢ) / Σ wᵢ`` over the criteria that count: each value as a
share of its criterion's maximum, weighted, so criteria on different scales (0–100, levels 1–3)
combine fairly. With every criterion scored 0–100 it is the plain weighted mean; with levels 1–3
a level counts as 1/3, 2/3 or 3/3 of its weight, as in the regional innovation index.

Written as whole numbers, that total is ``points / unit``: each mark in ten-thousandths times a
whole-number factor of its criterion, summed, over a whole-number unit of the round
(:class:`RoundScale`). So the database can add a judge's points up exactly in SQL, and Python
gets the same whole number from the same marks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

from competition.ranking.exact import INPUT_UNIT, exact, ten_thousandths

SCALE_TOP = 100


@dataclass(frozen=True)
class CriterionSpec:
    """A rubric criterion as the maths needs it; numbers are exact decimals.

    ``independent`` criteria are recorded but weigh nothing.
    """

    id: int
    weight: Fraction
    min_value: Fraction
    max_value: Fraction
    independent: bool = False

    def __post_init__(self) -> None:
        for name in ("weight", "min_value", "max_value"):
            object.__setattr__(self, name, exact(getattr(self, name)))

    @property
    def counts(self) -> bool:
        return not self.independent and self.weight > 0


def counted(criteria: tuple[CriterionSpec, ...]) -> tuple[CriterionSpec, ...]:
    return tuple(c for c in criteria if c.counts)


def judge_total(values: Mapping[int, float | Fraction], criteria: tuple[CriterionSpec, ...]) -> Fraction:
    """The weighted total on a 0–100 scale, exactly.

    :raises KeyError: if a counted criterion has no value.
    """
    weighted = counted(criteria)
    total_weight = sum((c.weight for c in weighted), Fraction(0))
    if total_weight <= 0:
        return Fraction(0)
    weighted_sum = sum((c.weight * exact(values[c.id]) / c.max_value for c in weighted), Fraction(0))
    return SCALE_TOP * weighted_sum / total_weight


def rubric_range(criteria: tuple[CriterionSpec, ...]) -> tuple[Fraction, Fraction]:
    """The lowest and highest total the rubric allows."""
    low = {c.id: c.min_value for c in criteria}
    high = {c.id: c.max_value for c in criteria}
    return judge_total(low, criteria), judge_total(high, criteria)


@dataclass(frozen=True)
class RoundScale:
    """A round's judge totals as whole numbers: ``total = Σ factorᵢ × markᵢ / unit``, each mark in
    ten-thousandths. Criteria that don't count have no factor."""

    factors: Mapping[int, int]   # criterion id -> whole-number factor
    unit: int

    def total(self, points: int) -> Fraction:
        return Fraction(points, self.unit)


def round_scale(criteria: tuple[CriterionSpec, ...]) -> RoundScale:
    weighted = counted(criteria)
    total_weight = sum((c.weight for c in weighted), Fraction(0))
    if total_weight <= 0:
        return RoundScale(factors={}, unit=1)
    # total = Σ aᵢ × markᵢ with aᵢ = 100 wᵢ / (10⁴ maxᵢ Σw); over a common denominator.
    shares = {c.id: SCALE_TOP * c.weight / (INPUT_UNIT * c.max_value * total_weight) for c in weighted}
    unit = lcm(*(share.denominator for share in shares.values()))
    return RoundScale(factors={cid: int(share * unit) for cid, share in shares.items()}, unit=unit)


# A sheet's points, summed in whole numbers, must stay far below 2⁶³ (and the round's unit too).
RUBRIC_POINTS_LIMIT = 2 ** 56


def rubric_points_bound(criteria: tuple[CriterionSpec, ...]) -> int:
    """The largest a sheet's points or the round's unit can be under this rubric."""
    scale = round_scale(criteria)
    points = sum(factor * abs(ten_thousandths(c.max_value)) for c in criteria
                 if (factor := scale.factors.get(c.id)))
    return max(points, scale.unit)


def heaviest_criterion(criteria: tuple[CriterionSpec, ...]) -> CriterionSpec | None:
    """The counted criterion with the largest weight (the first of equals)."""
    weighted = counted(criteria)
    return max(weighted, key=lambda c: (c.weight, -c.id)) if weighted else None


@dataclass(frozen=True, slots=True)
class SheetSummary:
    """What the results need of one judge's confirmed scores for one entry in one round, in whole
    numbers, so that the database's sums and Python's are the same."""

    round_id: int
    entry_id: int
    judge_id: int
    points: int                 # Σ factorᵢ × markᵢ: the total is points / unit of the round's scale
    heaviest: int | None        # the mark on the round's heaviest criterion, in ten-thousandths
    top_marks: int              # counted criteria given their maximum
    marks: int                  # counted criteria given a mark


@dataclass(frozen=True)
class SheetRules:
    """What summarising a sheet needs of its rubric, worked out once per round."""

    factors: Mapping[int, int]
    heaviest: int | None            # the heaviest criterion's id
    maxima: Mapping[int, int]       # counted criterion id -> its maximum in ten-thousandths

    @classmethod
    def of(cls, criteria: tuple[CriterionSpec, ...]) -> SheetRules:
        heaviest = heaviest_criterion(criteria)
        return cls(factors=round_scale(criteria).factors, heaviest=None if heaviest is None else heaviest.id,
                   maxima={c.id: ten_thousandths(c.max_value) for c in counted(criteria)})


def summarise_sheet(round_id: int, entry_id: int, judge_id: int, values: Mapping[int, float | Fraction],
                    criteria: tuple[CriterionSpec, ...] | SheetRules) -> SheetSummary:
    rules = criteria if isinstance(criteria, SheetRules) else SheetRules.of(criteria)
    marks = {cid: ten_thousandths(v) for cid, v in values.items()}
    return SheetSummary(
        round_id=round_id, entry_id=entry_id, judge_id=judge_id,
        points=sum(factor * marks[cid] for cid, factor in rules.factors.items() if cid in marks),
        heaviest=marks.get(rules.heaviest) if rules.heaviest is not None else None,
        top_marks=sum(1 for cid, mark in marks.items() if cid in rules.maxima and mark >= rules.maxima[cid]),
        marks=sum(1 for cid in marks if cid in rules.maxima))
