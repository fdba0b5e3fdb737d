"""Judge agreement: ICC(2,1), ICC(2,k) and Krippendorff's alpha against published worked examples
and against pingouin and the krippendorff package on random panels; missing cells, two judges,
figures that cannot be worked out; per judge and per innovation."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from fractions import Fraction

import krippendorff
import numpy as np
import pandas as pd
import pingouin
import pytest

from competition.ranking import agreement
from competition.ranking.agreement import (
    FEW_INNOVATIONS,
    FEW_JUDGES,
    NO_DIFFERENCE,
    NO_PAIRS,
    NO_VARIANCE,
    Sheet,
    alpha,
    alpha_band,
    alpha_closed_form,
    annex_data,
    as_matrix,
    crossed_blocks,
    icc,
    icc_band,
    normalised_totals,
    round_agreement,
)
from competition.ranking.normalisation import normalise_by_judge
from competition.ranking.totals import CriterionSpec, judge_total

# Shrout & Fleiss (1979), table 2: six targets rated by four judges.
SHROUT_FLEISS = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]

# Krippendorff, "Computing Krippendorff's alpha-reliability" (2011): four observers, twelve units,
# missing values; interval alpha 0.849. Rows are units, columns observers A-D.
KRIPPENDORFF = [[1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
                [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [None, 5, 5, 5], [None, None, 1, 1],
                [None, 3, None, None]]


@pytest.fixture
def unrounded_pingouin() -> Iterator[None]:
    """pingouin rounds its intervals to two places by default; compare them in full."""
    before = pingouin.options.get("round.column.CI95")
    pingouin.options["round.column.CI95"] = None
    yield
    pingouin.options["round.column.CI95"] = before


def pingouin_icc(matrix: list[list[float]]) -> dict[str, tuple[float, float, float]]:
    long = pd.DataFrame([(i, j, v) for i, row in enumerate(matrix) for j, v in enumerate(row)],
                        columns=["target", "rater", "rating"])
    with warnings.catch_warnings():
        # pingouin's own use of a pandas keyword pandas has deprecated: not ours to fix.
        warnings.filterwarnings("ignore", message="The inplace keyword", category=Warning)
        table = pingouin.intraclass_corr(long, "target", "rater", "rating").set_index("Type")
    return {kind: (float(table.loc[kind, "ICC"]), float(table.loc[kind, "CI95"][0]),
                   float(table.loc[kind, "CI95"][1])) for kind in ("ICC(A,1)", "ICC(A,k)")}


# -- published worked examples ---------------------------------------------------------------------

def test_shrout_and_fleiss_worked_example(unrounded_pingouin: None) -> None:
    figures = icc(SHROUT_FLEISS)
    assert (figures.innovations, figures.judges) == (6, 4)
    assert round(figures.single.value, 2) == 0.29       # Shrout & Fleiss: ICC(2,1) = .29
    assert round(figures.average.value, 2) == 0.62      # ICC(2,4) = .62
    # The intervals as pingouin (and SPSS) report them: [0.02, 0.76] and [0.07, 0.93].
    assert (round(figures.single.low, 2), round(figures.single.high, 2)) == (0.02, 0.76)
    assert (round(figures.average.low, 2), round(figures.average.high, 2)) == (0.07, 0.93)
    theirs = pingouin_icc(SHROUT_FLEISS)
    assert (figures.single.value, figures.single.low, figures.single.high) == pytest.approx(
        theirs["ICC(A,1)"])
    assert (figures.average.value, figures.average.low, figures.average.high) == pytest.approx(
        theirs["ICC(A,k)"])


def test_krippendorff_worked_example() -> None:
    assert round(alpha(KRIPPENDORFF).value, 3) == 0.849
    assert alpha_closed_form(as_matrix(KRIPPENDORFF)) == pytest.approx(0.849107, abs=1e-6)


def test_krippendorff_first_example_with_two_observers() -> None:
    # Krippendorff (2011), section A: two observers, ten units, nominal alpha 0.095; the
    # interval metric on the same data as the package works it out.
    data = [[0, 1], [1, 1], [0, 1], [0, 0], [0, 0], [0, 1], [0, 0], [0, 0], [1, 0], [0, 0]]
    ours = alpha(data).value
    assert ours == pytest.approx(krippendorff.alpha(reliability_data=np.array(data, float).T,
                                                    level_of_measurement="nominal"))
    assert round(ours, 3) == 0.095   # two values: interval and nominal distances are the same


# -- random panels against the libraries -----------------------------------------------------------

@pytest.mark.parametrize("seed", range(12))
def test_icc_agrees_with_pingouin_on_random_panels(seed: int, unrounded_pingouin: None) -> None:
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(2, 25)), int(rng.integers(2, 7))
    quality = rng.normal(70, 10, size=(n, 1))
    severity = rng.normal(0, 5, size=(1, k))
    matrix = np.round(quality + severity + rng.normal(0, 6, size=(n, k)), 2).tolist()
    ours = icc(matrix)
    theirs = pingouin_icc(matrix)
    assert (ours.single.value, ours.single.low, ours.single.high) == pytest.approx(theirs["ICC(A,1)"])
    assert (ours.average.value, ours.average.low, ours.average.high) == pytest.approx(theirs["ICC(A,k)"])


@pytest.mark.parametrize("seed", range(12))
def test_alpha_agrees_with_the_package_and_the_closed_form_on_random_panels(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n, k = int(rng.integers(3, 30)), int(rng.integers(2, 6))
    matrix = np.round(rng.normal(70, 10, size=(n, 1)) + rng.normal(0, 7, size=(n, k)), 1)
    matrix[rng.random((n, k)) < 0.25] = np.nan      # conflicts, unconfirmed sheets
    expected = krippendorff.alpha(reliability_data=matrix.T, level_of_measurement="interval")
    assert alpha(matrix).value == pytest.approx(expected)
    assert alpha_closed_form(matrix) == pytest.approx(expected)


def test_large_matrices_use_the_closed_form(monkeypatch: pytest.MonkeyPatch) -> None:
    matrix = as_matrix(KRIPPENDORFF)
    monkeypatch.setattr(agreement, "PACKAGE_CELLS", 1)
    monkeypatch.setattr(krippendorff, "alpha", lambda **_: pytest.fail("the package was asked"))
    assert round(alpha(matrix).value, 3) == 0.849


# -- two judges, missing cells, what cannot be worked out --------------------------------------------

def test_two_judges(unrounded_pingouin: None) -> None:
    matrix = [[80, 78], [65, 70], [90, 85], [55, 60], [72, 72]]
    ours = icc(matrix)
    assert ours.judges == 2
    theirs = pingouin_icc(matrix)
    assert (ours.average.value, ours.average.low, ours.average.high) == pytest.approx(theirs["ICC(A,k)"])
    assert ours.average.value > ours.single.value


def test_icc_uses_complete_cases() -> None:
    with_gaps = [*SHROUT_FLEISS, [None, 3, 4, 5], [1, None, None, 2]]
    assert icc(with_gaps) == icc(SHROUT_FLEISS)


@pytest.mark.parametrize(("matrix", "reason"), [
    ([[1], [2], [3]], FEW_JUDGES),
    ([[1, 2]], FEW_INNOVATIONS),
    ([[1, None], [None, 2], [3, 4]], FEW_INNOVATIONS),
    ([[7, 7], [7, 7], [7, 7]], NO_VARIANCE),
])
def test_icc_says_why_it_cannot_be_worked_out(matrix: list[list[float | None]], reason: str) -> None:
    figures = icc(matrix)
    assert figures.single.value is None and figures.average.value is None
    assert figures.single.reason == figures.average.reason == reason


@pytest.mark.parametrize(("matrix", "reason"), [
    ([[1], [2]], FEW_JUDGES),
    ([[1, None], [None, 2]], NO_PAIRS),
    ([[4, 4], [4, 4, ]], NO_VARIANCE),
])
def test_alpha_says_why_it_cannot_be_worked_out(matrix: list[list[float | None]], reason: str) -> None:
    assert alpha(matrix).value is None and alpha(matrix).reason == reason


def test_innovations_that_do_not_differ_have_no_icc_of_the_mean() -> None:
    # Both innovations have the same mean: ICC(2,k) would divide by zero (and with two judges
    # who swap their marks, ICC(2,1) too).
    figures = icc([[60, 70, 65], [70, 60, 65]])
    assert figures.average.value is None and figures.average.reason == NO_DIFFERENCE
    assert figures.single.value == pytest.approx(-2.0)
    swapped = icc([[60, 70], [70, 60]])
    assert swapped.single.reason == swapped.average.reason == NO_DIFFERENCE


def test_perfect_agreement_has_no_interval_but_a_value() -> None:
    figures = icc([[1, 1], [2, 2], [3, 3]])
    assert figures.single.value == pytest.approx(1.0) and figures.single.low is None
    assert alpha([[1, 1], [2, 2], [3, 3]]).value == pytest.approx(1.0)


def test_blocks_of_a_crossed_design() -> None:
    nan = None
    matrix = as_matrix([[1, 2, 3, nan, nan], [2, 3, 4, nan, nan], [3, 3, nan, nan, nan],
                        [nan, nan, nan, 5, 6], [nan, nan, nan, 6, 8], [nan, nan, nan, 7, 7],
                        [nan, nan, nan, nan, 1], [nan, nan, nan, nan, nan]])
    blocks, left_out = crossed_blocks(matrix)
    assert [(b.rows, b.columns) for b in blocks] == [((3, 4, 5), (3, 4)), ((0, 1), (0, 1, 2))]
    assert left_out == 2      # the one without judge 2, the one with a single judge; the unrated not counted


# -- bands -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "band"), [
    (0.4999, "moderate"), (0.4994, "poor"), (0.5, "moderate"), (0.7494, "moderate"), (0.7499, "good"),
    (0.75, "good"),
    (0.9, "good"), (0.9004, "good"), (0.9005, "excellent"), (1.0, "excellent"), (-0.2, "poor")])
def test_icc_bands(value: float, band: str) -> None:
    assert icc_band(value) == band


@pytest.mark.parametrize(("value", "band"), [
    (0.8, "reliable"), (0.7996, "reliable"), (0.799, "tentative"), (0.667, "tentative"),
    (0.6664, "unreliable")])
def test_alpha_bands(value: float, band: str) -> None:
    assert alpha_band(value) == band


# -- a round: levels, missing sheets, per judge, per innovation ---------------------------------------

NUMERIC = CriterionSpec(id=1, weight=Fraction(60), min_value=Fraction(0), max_value=Fraction(100))
LEVELS = CriterionSpec(id=2, weight=Fraction(40), min_value=Fraction(1), max_value=Fraction(3))


def sheets(marks: dict[tuple[int, int], tuple[float, int]]) -> list[Sheet]:
    return [Sheet(entry, judge, {1: numeric, 2: level}) for (entry, judge), (numeric, level) in marks.items()]


def test_round_with_levels_and_a_missing_sheet() -> None:
    marks = {(10, 1): (80, 3), (10, 2): (70, 2), (10, 3): (75, 3),
             (11, 1): (60, 2), (11, 2): (50, 1), (11, 3): (58, 2),
             (12, 1): (90, 3), (12, 2): (85, 3), (12, 3): (100, 3),
             (13, 1): (40, 1), (13, 3): (45, 1)}   # judge 2 declared a conflict for 13
    figures = round_agreement(7, [NUMERIC, LEVELS], sheets(marks))
    assert figures.judges == (1, 2, 3)
    totals = figures.totals
    assert (totals.innovations, totals.ratings, totals.left_out) == (4, 11, 1)
    [block] = totals.blocks
    assert block.judge_ids == (1, 2, 3) and block.entry_ids == (10, 11, 12)
    # The totals: 60% of the numeric share plus 40% of level/3, on 0–100.
    totals_matrix = [[60 * m[0] / 100 + 40 * m[1] / 3 for j in (1, 2, 3) if (m := marks.get((e, j)))]
                     for e in (10, 11, 12)]
    assert block.icc.single.value == pytest.approx(icc(totals_matrix).single.value)
    assert figures.totals.alpha.value == pytest.approx(krippendorff.alpha(
        reliability_data=np.array([[80 * .6 + 40, 60 * .6 + 80 / 3, 90 * .6 + 40, 40 * .6 + 40 / 3],
                                   [70 * .6 + 80 / 3, 50 * .6 + 40 / 3, 85 * .6 + 40, np.nan],
                                   [75 * .6 + 40, 58 * .6 + 80 / 3, 100 * .6 + 40, 45 * .6 + 40 / 3]]),
        level_of_measurement="interval"))
    levels = figures.criteria[1]
    assert levels.criterion_id == 2
    assert levels.alpha.value == pytest.approx(krippendorff.alpha(
        reliability_data=np.array([[3, 2, 3, 1], [2, 1, 3, np.nan], [3, 2, 3, 1]], float),
        level_of_measurement="interval"))
    by_entry = {i.entry_id: i.totals for i in figures.per_innovation}
    assert all(by_entry[e][j] == judge_total({1: Fraction(m[0]), 2: Fraction(m[1])}, (NUMERIC, LEVELS))
               for (e, j), m in marks.items())
    judge_two = figures.per_judge[1]
    assert judge_two.innovations == 3 and judge_two.leniency is not None and judge_two.leniency < 0
    assert judge_two.top_marks == 1 and judge_two.marks == 6     # only the level 3 on innovation 12
    judge_three = figures.per_judge[2]
    assert judge_three.top_marks == 3                             # level 3 twice, and 100 of 100
    assert [i.entry_id for i in figures.per_innovation] == [12, 10, 11, 13]


def test_two_panels_are_two_blocks() -> None:
    spec = CriterionSpec(id=1, weight=Fraction(1), min_value=Fraction(0), max_value=Fraction(100))
    panel_a = {(e, j): 50 + 10 * e + j for e in (1, 2, 3) for j in (101, 102)}
    panel_b = {(e, j): 40 + 7 * e - j % 3 for e in (4, 5, 6, 7) for j in (201, 202, 203)}
    sheets = [Sheet(e, j, {1: v}) for (e, j), v in {**panel_a, **panel_b}.items()]
    figures = round_agreement(1, [spec], sheets)
    assert [(b.judge_ids, b.entry_ids) for b in figures.totals.blocks] == [
        ((201, 202, 203), (4, 5, 6, 7)), ((101, 102), (1, 2, 3))]
    assert figures.totals.left_out == 0
    annex = annex_data([(1, [spec])], [(1, s) for s in sheets])
    assert [b["judge_ids"] for b in annex["rounds"][0]["totals"]["blocks"]] == [[201, 202, 203], [101, 102]]


def test_leniency_is_the_mean_gap_to_the_others() -> None:
    spec = CriterionSpec(id=1, weight=Fraction(1), min_value=Fraction(0), max_value=Fraction(100))
    marks = {(e, j): value for e, row in enumerate([[70, 70, 50], [80, 82, 60], [60, 58, 41]])
             for j, value in enumerate(row)}
    figures = round_agreement(1, [spec], [Sheet(e, j, {1: v}) for (e, j), v in marks.items()])
    severe = figures.per_judge[2]
    assert float(severe.leniency) == pytest.approx(-(20 + 21 + 18) / 3)   # own − the others' mean, on average
    assert severe.far and not figures.per_judge[0].far
    assert severe.spread == pytest.approx(math.sqrt(((50 - 50.333) ** 2 + (60 - 50.333) ** 2
                                                     + (41 - 50.333) ** 2) / 2), abs=1e-3)


PLACES = {1: (1, 0), 2: (3, 0), 3: (1, 1), 4: (3, 1)}   # 3 and 4 move up to share a place


def test_normalisation_changes_places() -> None:
    # Judge 0 only saw innovations 1 and 2 and marks high; judge 1 saw 2 and 3 and marks low.
    spec = CriterionSpec(id=1, weight=Fraction(1), min_value=Fraction(0), max_value=Fraction(100))
    marks = {(1, 0): 90, (2, 0): 80, (2, 1): 60, (3, 1): 70, (3, 2): 75, (4, 2): 65}
    figures = round_agreement(1, [spec], [Sheet(e, j, {1: v}) for (e, j), v in marks.items()])
    by_entry = {i.entry_id: i for i in figures.per_innovation}
    assert [by_entry[e].raw_place for e in (1, 2, 3, 4)] == [1, 3, 2, 4]
    assert {e: (by_entry[e].normalised_place, by_entry[e].change) for e in (1, 2, 3, 4)} == PLACES


@pytest.mark.parametrize("seed", range(5))
def test_normalised_totals_are_those_of_the_results(seed: int) -> None:
    rng = np.random.default_rng(seed)
    totals = {(e, j): Fraction(int(rng.integers(3000, 10000)), 100)
              for e in range(12) for j in range(4) if rng.random() < 0.8}
    totals[(99, 7)] = Fraction(50)     # a judge with one total: nothing to correct
    bounds = (Fraction(0), Fraction(100))
    exact = normalise_by_judge(totals, bounds)
    fast = normalised_totals(totals, bounds)
    assert fast.keys() == exact.keys()
    assert all(float(fast[k]) == pytest.approx(float(exact[k]), abs=1e-9) for k in exact)


def test_annex_is_text_rounded_once() -> None:
    marks = {(e, j): (v, 2) for e, row in enumerate([[70, 72, 65], [80, 85, 79], [60, 58, 61]])
             for j, v in enumerate(row)}
    annex = annex_data([(7, [NUMERIC, LEVELS]), (8, [NUMERIC])], [(7, s) for s in sheets(marks)])
    assert [r["round_id"] for r in annex["rounds"]] == [7]     # round 8 has no sheets
    block = annex["rounds"][0]["totals"]["blocks"][0]
    assert isinstance(block["icc_single"]["value"], str)
    assert len(block["icc_single"]["value"].split(".")[1]) == 3
    assert annex["rounds"][0]["judges"][0]["leniency"].count(".") == 1
    level = annex["rounds"][0]["criteria"][1]
    assert level["alpha"] == {"value": None, "low": None, "high": None, "reason": NO_VARIANCE}
    assert annex == annex_data([(7, [NUMERIC, LEVELS]), (8, [NUMERIC])],
                               [(7, s) for s in reversed(sheets(marks))])
