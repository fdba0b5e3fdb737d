"""Judge totals, combining judges, and per-judge normalisation: hand-computed examples."""

from __future__ import annotations

import pytest

from competition.ranking.aggregation import combine, spread, trimmed_mean
from competition.ranking.normalisation import normalise_by_judge
from competition.ranking.totals import CriterionSpec, judge_total, rubric_range

IGA_2023 = (CriterionSpec(1, 30, 0, 100), CriterionSpec(2, 25, 0, 100), CriterionSpec(3, 20, 0, 100),
            CriterionSpec(4, 15, 0, 100), CriterionSpec(5, 10, 0, 100))
LEVELS = (CriterionSpec(1, 3, 1, 3), CriterionSpec(2, 2, 1, 3), CriterionSpec(3, 1, 1, 3))


def test_iga_rubric_is_the_weighted_mean():
    # 0.30·80 + 0.25·70 + 0.20·90 + 0.15·60 + 0.10·100 = 24 + 17.5 + 18 + 9 + 10
    assert judge_total({1: 80, 2: 70, 3: 90, 4: 60, 5: 100}, IGA_2023) == pytest.approx(78.5)


def test_levels_count_as_shares_of_the_top_level():
    # 100 · (3·3/3 + 2·1/3 + 1·2/3) / 6 = 100 · 4.3333 / 6
    assert judge_total({1: 3, 2: 1, 3: 2}, LEVELS) == pytest.approx(72.2222, abs=1e-4)
    assert rubric_range(LEVELS) == pytest.approx((33.3333, 100.0), abs=1e-4)


def test_independent_criteria_weigh_nothing():
    rubric = (*IGA_2023, CriterionSpec(6, 50, 0, 100, independent=True))
    assert judge_total({1: 80, 2: 70, 3: 90, 4: 60, 5: 100, 6: 0}, rubric) == pytest.approx(78.5)


def test_a_missing_counted_value_is_an_error():
    with pytest.raises(KeyError):
        judge_total({1: 80}, IGA_2023)


@pytest.mark.parametrize(("method", "values", "expected"), [
    ("mean", [70, 80, 90], 80.0),
    ("mean", [72.5, 80], 76.25),
    ("median", [70, 80, 100], 80.0),
    ("median", [70, 80], 75.0),
    ("trimmed_mean", [50, 70, 80, 100], 75.0),   # drops 50 and 100
    ("trimmed_mean", [10, 70, 80], 70.0),        # drops 10 and 80
    ("trimmed_mean", [60, 90], 75.0),            # fewer than three: the mean
])
def test_combining_judges(method, values, expected):
    assert combine(method, values) == pytest.approx(expected)


def test_trimmed_mean_of_one():
    assert trimmed_mean([42.0]) == 42.0


def test_unknown_method_and_no_values():
    with pytest.raises(ValueError, match="unknown aggregation method 'mode'"):
        combine("mode", [1.0])
    with pytest.raises(ValueError, match="no judge totals"):
        combine("mean", [])


def test_spread_and_disagreement():
    agreeing = spread([70, 80, 90], threshold=20)
    # population standard deviation: sqrt((100 + 0 + 100) / 3)
    assert (agreeing.judges, agreeing.range, agreeing.disagreement) == (3, 20, False)
    assert agreeing.std_dev == pytest.approx(8.1650, abs=1e-4)
    assert spread([60, 90], threshold=20).disagreement is True


def test_normalisation_removes_a_judges_leniency():
    # Judge 1 gives 60 and 80 (mean 70, sd 10); judge 2 gives 80 and 100 (mean 90, sd 10).
    # Pooled: mean 80, sd sqrt(200) = 14.1421; z = ±1 becomes 80 ± 14.1421.
    totals = {(1, 1): 60.0, (2, 1): 80.0, (1, 2): 80.0, (3, 2): 100.0}
    normalised = normalise_by_judge(totals, (0.0, 100.0))
    assert normalised == pytest.approx({(1, 1): 65.8579, (2, 1): 94.1421,
                                        (1, 2): 65.8579, (3, 2): 94.1421}, abs=1e-4)


def test_normalisation_stays_within_the_rubric_range():
    totals = {(1, 1): 60.0, (2, 1): 80.0, (1, 2): 80.0, (3, 2): 100.0}
    assert normalise_by_judge(totals, (0.0, 90.0))[(2, 1)] == 90.0


def test_a_judge_with_one_entry_or_one_total_gets_the_pooled_mean():
    totals = {(1, 1): 50.0, (2, 2): 70.0, (3, 2): 70.0, (4, 3): 90.0}
    normalised = normalise_by_judge(totals, (0.0, 100.0))
    assert normalised == pytest.approx({(1, 1): 70.0, (2, 2): 70.0, (3, 2): 70.0, (4, 3): 70.0})
