"""Do the judges agree? Inter-rater reliability, each judge against the others, and what per-judge
normalisation would do to the places: pure maths on plain matrices (innovation × judge, NaN or
None where a judge gave no confirmed sheet).

- ICC(2,1) and ICC(2,k) (Shrout & Fleiss 1979; McGraw & Wong 1996 "A,1" and "A,k"): two-way
  random effects, absolute agreement, for one judge and for the mean of the k judges. The mean
  squares come from the two-way ANOVA without replication; the 95% confidence intervals are
  McGraw & Wong's, with scipy's F distribution. ICC needs a crossed design: every innovation
  rated by the same judges. A round is split into blocks of innovations rated by exactly the same
  judges (a panel, less any innovation a judge left out: a conflict of interest, an unconfirmed
  sheet); each block with at least two judges and two innovations gets its figures, the other
  innovations are counted as left out.
- Krippendorff's alpha, interval metric, over the whole round (it allows missing cells), from
  the maintained ``krippendorff`` package; for matrices too large for its dense value counts the
  same definition in closed form (:func:`alpha_closed_form`, checked against the package).
- Read against published bands: ICC below 0.5 poor, 0.5 to 0.75 moderate, 0.75 to 0.9 good,
  above 0.9 excellent (Koo & Li 2016); alpha at least 0.800 reliable, at least 0.667 tentative,
  below that not reliable (Krippendorff 2004).
- Per judge: leniency is the mean of (the judge's total − the other judges' mean total) over the
  innovations the judge shares with at least one other judge; spread is the standard deviation
  (n − 1) of the judge's totals; the top-mark share is the share of the judge's marks on counted
  criteria that are the criterion's maximum. A judge is flagged as far from the panel when their
  leniency is more than :data:`FAR_FROM_PANEL` points (a tenth of the 0–100 scale) either way.
- Per innovation: the judges' totals, the place by the plain mean of the totals and the place by
  the mean of totals normalised per judge (:func:`normalised_totals`: what a round set to
  normalise does, in floating point), and the change in place.

A figure that cannot be worked out carries the reason instead of a number: :data:`FEW_JUDGES`,
:data:`FEW_INNOVATIONS`, :data:`NO_VARIANCE`, :data:`NO_PAIRS`, :data:`NO_DIFFERENCE`. Sealed results
keep these figures as text rounded once (:func:`annex_data`): three places for ICC and alpha, two
for points.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import krippendorff
import numpy as np
from numpy.typing import NDArray
from scipy.stats import f as f_distribution

from competition.ranking.exact import exact, shown, ten_thousandths
from competition.ranking.totals import CriterionSpec, counted, round_scale, rubric_range

# Why a figure could not be worked out.
FEW_JUDGES = "few_judges"            # fewer than two judges rated the same innovations
FEW_INNOVATIONS = "few_innovations"  # fewer than two innovations rated by the same judges
NO_VARIANCE = "no_variance"          # every rating the same: agreement is undefined, not perfect
NO_PAIRS = "no_pairs"                # no innovation rated by two judges (alpha)
NO_DIFFERENCE = "no_difference"      # the innovations' means do not differ enough to compare (ICC)

ICC_BANDS = ((Fraction(9, 10), "excellent"), (Fraction(3, 4), "good"), (Fraction(1, 2), "moderate"))
ALPHA_BANDS = ((Fraction(4, 5), "reliable"), (Fraction(667, 1000), "tentative"))
FAR_FROM_PANEL = Fraction(10)   # points on the 0–100 scale
CONFIDENCE = 0.95
# Cells (innovations × judges × distinct values) up to which the krippendorff package's dense value
# counts are used; above, the closed form of the same definition.
PACKAGE_CELLS = 20_000_000
RELIABILITY_PLACES = 3
POINT_PLACES = 2

Matrix = NDArray[np.float64]


def as_matrix(rows: Sequence[Sequence[float | Fraction | None]]) -> Matrix:
    """Rows of ratings (None or NaN for none) as a float matrix with NaN for none."""
    return np.array([[np.nan if v is None else float(v) for v in row] for row in rows], dtype=np.float64
                    ).reshape(len(rows), -1 if rows else 0)


# -- figures -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Estimate:
    """A reliability coefficient with its 95% confidence interval, or why there is none. ``low`` and
    ``high`` are None where the interval cannot be worked out (no residual variance)."""

    value: float | None
    low: float | None = None
    high: float | None = None
    reason: str | None = None

    @property
    def computed(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Icc:
    single: Estimate     # ICC(2,1)
    average: Estimate    # ICC(2,k)
    innovations: int     # n
    judges: int          # k


def _not(reason: str, innovations: int, judges: int) -> Icc:
    return Icc(Estimate(None, reason=reason), Estimate(None, reason=reason), innovations, judges)


def icc(matrix: Matrix | Sequence[Sequence[float | Fraction | None]]) -> Icc:
    """ICC(2,1) and ICC(2,k) of a complete innovation × judge matrix (rows with a missing cell are
    dropped first: complete cases)."""
    data = matrix if isinstance(matrix, np.ndarray) else as_matrix(matrix)
    data = data[~np.isnan(data).any(axis=1)]
    n, k = data.shape
    if k < 2:
        return _not(FEW_JUDGES, n, k)
    if n < 2:
        return _not(FEW_INNOVATIONS, n, k)
    grand = data.mean()
    ss_total = float(((data - grand) ** 2).sum())
    if ss_total <= 1e-12 * max(1.0, float(grand) ** 2) * n * k:
        return _not(NO_VARIANCE, n, k)
    ss_rows = k * float(((data.mean(axis=1) - grand) ** 2).sum())
    ss_cols = n * float(((data.mean(axis=0) - grand) ** 2).sum())
    ss_error = max(ss_total - ss_rows - ss_cols, 0.0)
    df_rows, df_error = n - 1, (n - 1) * (k - 1)
    msr, msc, mse = ss_rows / df_rows, ss_cols / (k - 1), ss_error / df_error
    single_denominator = msr + (k - 1) * mse + k * (msc - mse) / n
    average_denominator = msr + (msc - mse) / n
    if single_denominator <= 0:
        return _not(NO_DIFFERENCE, n, k)
    single = (msr - mse) / single_denominator
    low, high = _interval(msr, msc, mse, single, n, k)
    estimate = Estimate(single, low, high)
    if average_denominator <= 1e-12 * ss_total:
        # The innovations' means hardly differ: the mean of k judges has nothing to tell apart.
        return Icc(estimate, Estimate(None, reason=NO_DIFFERENCE), n, k)
    average = (msr - mse) / average_denominator
    return Icc(estimate, Estimate(average, _of_mean(low, k), _of_mean(high, k)), n, k)


def _of_mean(bound: float | None, k: int) -> float | None:
    """A bound of ICC(2,1)'s interval carried over to the mean of k judges (Spearman–Brown)."""
    if bound is None or 1 + bound * (k - 1) == 0:
        return None
    return bound * k / (1 + bound * (k - 1))


def _interval(msr: float, msc: float, mse: float, single: float, n: int, k: int
              ) -> tuple[float | None, float | None]:
    """McGraw & Wong's (1996) 95% interval for ICC(A,1), with Satterthwaite's degrees of freedom,
    as pingouin and SPSS compute it. None where the residual mean square is zero."""
    if mse <= 0:
        return None, None
    tail = 1 - (1 - CONFIDENCE) / 2
    fj = msc / mse
    df_error = (n - 1) * (k - 1)
    numerator = df_error * (k * single * fj + n * (1 + (k - 1) * single) - k * single) ** 2
    denominator = (n - 1) * k ** 2 * single ** 2 * fj ** 2 + (n * (1 + (k - 1) * single) - k * single) ** 2
    if denominator <= 0:
        return None, None
    v = numerator / denominator
    f_upper = float(f_distribution.ppf(tail, n - 1, v))
    f_lower = float(f_distribution.ppf(tail, v, n - 1))
    low = n * (msr - f_upper * mse) / (f_upper * (k * msc + (k * n - k - n) * mse) + n * msr)
    high = n * (f_lower * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f_lower * msr)
    if not (math.isfinite(low) and math.isfinite(high)):
        return None, None
    return low, high


def _pairable(data: Matrix) -> Matrix:
    """The innovations rated by at least two judges (the only ones alpha can use)."""
    pairable = np.count_nonzero(~np.isnan(data), axis=1) >= 2
    return data if pairable.all() else data[pairable]


def alpha(matrix: Matrix | Sequence[Sequence[float | Fraction | None]]) -> Estimate:
    """Krippendorff's alpha, interval metric, of an innovation × judge matrix with missing cells."""
    data = matrix if isinstance(matrix, np.ndarray) else as_matrix(matrix)
    if data.ndim != 2 or data.shape[1] < 2:
        return Estimate(None, reason=FEW_JUDGES)
    data = _pairable(data)
    if len(data) == 0:
        return Estimate(None, reason=NO_PAIRS)
    values = data[~np.isnan(data)]
    if np.ptp(values) == 0:
        return Estimate(None, reason=NO_VARIANCE)
    distinct = len(np.unique(values))
    if data.size * distinct <= PACKAGE_CELLS:
        value = float(krippendorff.alpha(reliability_data=data.T, level_of_measurement="interval"))
    else:
        value = _closed_form(data)
    return Estimate(value)


def alpha_closed_form(data: Matrix) -> float:
    """Alpha with the interval metric without value counts: within each innovation the sum of
    squared differences over ordered pairs is 2·m·SS, so D_o = Σ 2·SS_u/(m_u − 1) / n and
    D_e = 2·SS / (n − 1), n being the number of pairable values. Worked out on the ratings present
    only (a national round's matrix is mostly empty)."""
    return _closed_form(_pairable(data))


def _closed_form(data: Matrix) -> float:
    rows, columns = np.nonzero(~np.isnan(data))
    values = data[rows, columns]
    m = np.bincount(rows, minlength=len(data))
    means = np.bincount(rows, weights=values, minlength=len(data)) / m
    within = np.bincount(rows, weights=(values - means[rows]) ** 2, minlength=len(data))
    n = len(values)
    observed = float((2 * m * within / (m - 1)).sum()) / n
    expected = 2 * float(((values - values.mean()) ** 2).sum()) / (n - 1)
    return 1 - observed / expected


def icc_band(value: float) -> str:
    """'poor', 'moderate', 'good' or 'excellent' (Koo & Li 2016), for the value as rounded to three
    places, so a figure and its word never disagree."""
    rounded = Fraction(round3(value))
    return next((name for floor, name in ICC_BANDS
                 if rounded > floor or (name != "excellent" and rounded >= floor)), "poor")


def alpha_band(value: float) -> str:
    """'reliable' (≥ 0.800), 'tentative' (≥ 0.667) or 'unreliable' (Krippendorff 2004)."""
    rounded = Fraction(round3(value))
    return next((name for floor, name in ALPHA_BANDS if rounded >= floor), "unreliable")


def round3(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-RELIABILITY_PLACES), ROUND_HALF_UP)


# -- blocks of a crossed design ----------------------------------------------------------------------

@dataclass(frozen=True)
class Block:
    """Innovations rated by exactly the same judges (rows and columns of the round's matrix)."""

    rows: tuple[int, ...]
    columns: tuple[int, ...]


def _group_bounds(groups: NDArray[np.intp], count: int) -> NDArray[np.intp]:
    """Where each of ``count`` groups starts and ends in ``groups`` sorted: group i is
    ``[bounds[i]:bounds[i + 1]]``."""
    return np.concatenate(([0], np.cumsum(np.bincount(groups, minlength=count))))


def crossed_blocks(data: Matrix) -> tuple[list[Block], int]:
    """The blocks of innovations rated by exactly the same two or more judges, each with at least
    two innovations, largest first; and how many rated innovations no block holds."""
    present = ~np.isnan(data)
    rated = present.any(axis=1)
    if not rated.any():
        return [], 0
    # Each row's pattern of judges as one byte string, so that finding the distinct ones is a sort of
    # short keys, however many judges the round has.
    packed = np.ascontiguousarray(np.packbits(present, axis=1))
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).reshape(-1)
    _, first, which = np.unique(keys, return_index=True, return_inverse=True)
    which = which.reshape(-1)
    # The rows of each pattern, in row order: a stable sort by pattern, cut where the pattern changes.
    by_pattern, bounds = np.argsort(which, kind="stable"), _group_bounds(which, len(first))
    blocks = []
    for index, pattern in enumerate(present[first]):
        rows = by_pattern[bounds[index]:bounds[index + 1]]
        columns = tuple(int(c) for c in np.flatnonzero(pattern))
        if len(columns) >= 2 and len(rows) >= 2:
            blocks.append(Block(tuple(int(r) for r in rows), columns))
    blocks.sort(key=lambda b: (-len(b.rows), -len(b.columns), b.columns))
    return blocks, int(rated.sum()) - sum(len(b.rows) for b in blocks)


# -- a round -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sheet:
    """One judge's confirmed marks for one innovation (criterion id -> mark)."""

    entry_id: int
    judge_id: int
    values: Mapping[int, float | Fraction]


@dataclass(frozen=True)
class BlockFigures:
    judge_ids: tuple[int, ...]
    entry_ids: tuple[int, ...]
    icc: Icc


@dataclass(frozen=True)
class Measure:
    """Agreement on one measure (the judges' totals, or one criterion) over a round."""

    criterion_id: int | None    # None: the judges' totals
    alpha: Estimate
    blocks: tuple[BlockFigures, ...]
    left_out: int               # rated innovations in no block (ICC)
    innovations: int            # innovations with at least one rating
    ratings: int


@dataclass(frozen=True)
class JudgeFigures:
    judge_id: int
    innovations: int
    leniency: Fraction | None       # mean (own total − others' mean); None with no shared innovation
    spread: Fraction | None         # standard deviation (n − 1) of the totals; None under two totals
    top_marks: int
    marks: int

    @property
    def top_share(self) -> Fraction | None:
        return Fraction(self.top_marks, self.marks) if self.marks else None

    @property
    def far(self) -> bool:
        return self.leniency is not None and abs(self.leniency) > FAR_FROM_PANEL


@dataclass(frozen=True)
class InnovationFigures:
    entry_id: int
    totals: Mapping[int, Fraction]       # judge id -> total
    raw_mean: Fraction
    raw_place: int
    normalised_mean: Fraction
    normalised_place: int

    @property
    def change(self) -> int:
        """Places gained (positive) or lost by normalising."""
        return self.raw_place - self.normalised_place


@dataclass(frozen=True)
class RoundAgreement:
    round_id: int
    judges: tuple[int, ...]
    totals: Measure
    criteria: tuple[Measure, ...]
    per_judge: tuple[JudgeFigures, ...]
    per_innovation: tuple[InnovationFigures, ...]   # by the raw place


def _measure(criterion_id: int | None, data: Matrix, entries: Sequence[int],
             judges: Sequence[int]) -> Measure:
    """The figures of one measure; ``entries`` and ``judges`` name the matrix's rows and columns."""
    blocks, left_out = crossed_blocks(data)
    figures = tuple(BlockFigures(tuple(judges[c] for c in b.columns), tuple(entries[r] for r in b.rows),
                                 icc(data[np.ix_(b.rows, b.columns)])) for b in blocks)
    rated = int((~np.isnan(data)).any(axis=1).sum()) if data.size else 0
    return Measure(criterion_id, alpha(data), figures, left_out, rated, int((~np.isnan(data)).sum()))


def _places(means: Mapping[int, Fraction]) -> dict[int, int]:
    """Standard competition ranking (1, 2, 2, 4) by the mean as shown, highest first."""
    scores = {e: shown(m) for e, m in means.items()}
    ordered = sorted(scores, key=lambda e: (-scores[e], e))
    places: dict[int, int] = {}
    for index, entry in enumerate(ordered):
        before = ordered[index - 1] if index else None
        tied = before is not None and scores[before] == scores[entry]
        places[entry] = places[before] if tied and before is not None else index + 1
    return places


def round_agreement(round_id: int, criteria: Sequence[CriterionSpec], sheets: Iterable[Sheet]
                    ) -> RoundAgreement:
    """Every figure of one round from its confirmed sheets; ``criteria`` in the rubric's order."""
    criteria = tuple(criteria)
    sheets = sorted(sheets, key=lambda s: (s.entry_id, s.judge_id))
    entries = sorted({s.entry_id for s in sheets})
    judges = tuple(sorted({s.judge_id for s in sheets}))
    row = {e: i for i, e in enumerate(entries)}
    column = {j: i for i, j in enumerate(judges)}
    # Each total exactly, as the results have it: whole-number points over the round's unit.
    scale = round_scale(criteria)
    totals: dict[tuple[int, int], Fraction] = {}
    for s in sheets:
        if all(cid in s.values for cid in scale.factors):   # else no total: a counted mark is missing
            points = sum(factor * ten_thousandths(s.values[cid]) for cid, factor in scale.factors.items())
            totals[(s.entry_id, s.judge_id)] = Fraction(points, scale.unit)

    def matrix(value_of: Mapping[tuple[int, int], float | Fraction]) -> Matrix:
        data = np.full((len(entries), len(judges)), np.nan)
        for (entry, judge), value in value_of.items():
            data[row[entry], column[judge]] = float(value)
        return data

    measures = [_measure(c.id, matrix({(s.entry_id, s.judge_id): s.values[c.id] for s in sheets
                                       if c.id in s.values}), entries, judges) for c in criteria]
    totals_matrix = matrix(totals)
    return RoundAgreement(round_id, judges, _measure(None, totals_matrix, entries, judges), tuple(measures),
                          _per_judge(judges, totals_matrix, sheets, criteria),
                          _per_innovation(totals, criteria))


def _per_judge(judges: Sequence[int], data: Matrix, sheets: Sequence[Sheet],
               criteria: tuple[CriterionSpec, ...]) -> tuple[JudgeFigures, ...]:
    """Each judge against the others, from the innovation × judge matrix of totals (in floating
    point: these figures are shown to two places, nothing is ranked by them)."""
    present = ~np.isnan(data)
    judged = np.count_nonzero(present, axis=1)
    row_sums = np.where(present, data, 0.0).sum(axis=1)
    others = np.where(judged > 1, judged - 1, 1)
    # The ratings present, judge by judge and within a judge by innovation: a national round's
    # matrix is mostly empty. Each gap is the rating less the mean of the innovation's other ratings.
    where_judge, where_row = np.nonzero(present.T)
    ratings = data[where_row, where_judge]
    gaps = ratings - (row_sums[where_row] - ratings) / others[where_row]
    shared_with_others = judged[where_row] > 1
    bounds = _group_bounds(where_judge, len(judges))
    maxima = {c.id: float(c.max_value) for c in counted(criteria)}
    top: dict[int, int] = defaultdict(int)
    marks: dict[int, int] = defaultdict(int)
    for s in sheets:
        for cid, value in s.values.items():
            if cid in maxima:
                marks[s.judge_id] += 1
                top[s.judge_id] += float(value) >= maxima[cid] - 1e-9
    figures = []
    for column, judge in enumerate(judges):
        judges_own = slice(bounds[column], bounds[column + 1])
        own, shared = ratings[judges_own], gaps[judges_own][shared_with_others[judges_own]]
        figures.append(JudgeFigures(
            judge, len(own), Fraction(float(shared.mean())) if len(shared) else None,
            Fraction(float(own.std(ddof=1))) if len(own) > 1 else None, top[judge], marks[judge]))
    return tuple(figures)


def normalised_totals(totals: Mapping[tuple[int, int], Fraction], bounds: tuple[Fraction, Fraction]
                      ) -> dict[tuple[int, int], Fraction]:
    """:func:`competition.ranking.normalisation.normalise_by_judge` in floating point: the same
    z-scores per judge put back on the round's mean and spread and kept within ``bounds``, fast
    enough for a national round (the results, which this only informs, normalise exactly)."""
    if not totals:
        return {}
    keys = list(totals)
    values = np.array([float(totals[k]) for k in keys])
    judges = np.array([k[1] for k in keys])
    normalised = np.empty_like(values)
    pooled_mean, pooled_sd = values.mean(), values.std()
    for judge in np.unique(judges):
        own = judges == judge
        mean, sd = values[own].mean(), values[own].std()
        flat = sd <= 1e-9 * max(1.0, abs(mean))
        normalised[own] = pooled_mean + (0.0 if flat else (values[own] - mean) / sd) * pooled_sd
    low, high = float(bounds[0]), float(bounds[1])
    return {k: Fraction(float(v)) for k, v in zip(keys, np.clip(normalised, low, high), strict=True)}


def _exact_mean(values: Sequence[Fraction]) -> Fraction:
    """The mean of exact values, added in whole numbers over their common denominator: the same
    value as adding the fractions one by one, without reducing each partial sum."""
    common = math.lcm(*(v.denominator for v in values))
    return Fraction(sum(v.numerator * (common // v.denominator) for v in values), common * len(values))


def _per_innovation(totals: Mapping[tuple[int, int], Fraction], criteria: tuple[CriterionSpec, ...]
                    ) -> tuple[InnovationFigures, ...]:
    normalised = normalised_totals(totals, rubric_range(criteria))
    raw: dict[int, list[Fraction]] = defaultdict(list)
    adjusted: dict[int, list[Fraction]] = defaultdict(list)
    by_entry: dict[int, dict[int, Fraction]] = defaultdict(dict)
    for key in sorted(totals):
        raw[key[0]].append(totals[key])
        adjusted[key[0]].append(normalised[key])
        by_entry[key[0]][key[1]] = totals[key]
    raw_means = {e: _exact_mean(v) for e, v in raw.items()}
    normalised_means = {e: _exact_mean(v) for e, v in adjusted.items()}
    raw_places, normalised_places = _places(raw_means), _places(normalised_means)
    return tuple(sorted((InnovationFigures(e, by_entry[e], raw_means[e], raw_places[e], normalised_means[e],
                                           normalised_places[e]) for e in raw_means),
                        key=lambda i: (i.raw_place, i.entry_id)))


# -- the sealed annex ------------------------------------------------------------------------------

def _figure(value: float | None) -> str | None:
    return None if value is None else str(round3(value))


def _points(value: Fraction | None) -> str | None:
    return None if value is None else str(shown(value))


def estimate_data(estimate: Estimate) -> dict[str, Any]:
    return {"value": _figure(estimate.value), "low": _figure(estimate.low), "high": _figure(estimate.high),
            "reason": estimate.reason}


def _measure_data(measure: Measure) -> dict[str, Any]:
    return {"criterion_id": measure.criterion_id, "alpha": estimate_data(measure.alpha),
            "innovations": measure.innovations, "ratings": measure.ratings, "left_out": measure.left_out,
            "blocks": [{"judge_ids": list(b.judge_ids), "innovations": len(b.entry_ids),
                        "icc_single": estimate_data(b.icc.single),
                        "icc_average": estimate_data(b.icc.average)}
                       for b in measure.blocks]}


def round_data(figures: RoundAgreement) -> dict[str, Any]:
    """A round's figures as text rounded once: three places for ICC and alpha (with their
    intervals), two for points, three for shares."""
    return {
        "round_id": figures.round_id,
        "totals": _measure_data(figures.totals),
        "criteria": [_measure_data(m) for m in figures.criteria],
        "judges": [{"judge_id": j.judge_id, "innovations": j.innovations, "leniency": _points(j.leniency),
                    "spread": _points(j.spread), "top_marks": j.top_marks, "marks": j.marks,
                    "top_share": None if j.top_share is None else _figure(float(j.top_share)), "far": j.far}
                   for j in figures.per_judge],
        "innovations": [{"entry_id": i.entry_id,
                         "totals": [[judge, _points(total)] for judge, total in sorted(i.totals.items())],
                         "raw_mean": _points(i.raw_mean), "raw_place": i.raw_place,
                         "normalised_mean": _points(i.normalised_mean),
                         "normalised_place": i.normalised_place,
                         "change": i.change} for i in figures.per_innovation],
    }


def annex_data(rounds: Sequence[tuple[int, Sequence[CriterionSpec]]],
               sheets: Iterable[tuple[int, Sheet]]) -> dict[str, Any]:
    """The agreement annex of sealed results: for each judged round (by position), its figures.
    ``rounds`` is (round id, criteria) in order; ``sheets`` (round id, sheet) pairs."""
    by_round: dict[int, list[Sheet]] = defaultdict(list)
    for round_id, sheet in sheets:
        by_round[round_id].append(sheet)
    return {"format": 1, "far_from_panel": str(shown(FAR_FROM_PANEL)),
            "rounds": [round_data(round_agreement(round_id, criteria, by_round[round_id]))
                       for round_id, criteria in rounds if by_round.get(round_id)]}


def sealed_annex(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The annex worked out from sealed inputs (their rounds' criteria and raw scores), so that
    verifying a version repeats exactly this computation."""
    rounds = sorted(inputs["rounds"], key=lambda r: r["position"])
    specs = [(r["id"], [CriterionSpec(**c) for c in r["criteria"]]) for r in rounds]
    sheets = [(round_id, Sheet(entry_id, judge_id, {int(c): exact(v) for c, v in values.items()}))
              for round_id, entry_id, judge_id, values in inputs.get("scores", [])]
    return annex_data(specs, sheets)
