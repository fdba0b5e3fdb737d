"""Award policies, category filters and one award per organisation: hand-computed examples."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from competition.ranking.awards import AwardSpec, EntryOutcome, award_results, subject_score

CHAIN = ("heaviest_criterion", "top_marks", "earlier_submission", "organiser_decision")


def outcome(entry_id, organisation_id, score, *, category_id=None, region_id=1, heaviest=None):
    return EntryOutcome(entry_id=entry_id, organisation_id=organisation_id, region_id=region_id,
                        category_id=category_id, score=score, stage=1,
                        tiebreak={"heaviest_criterion": heaviest, "top_marks": None,
                                  "earlier_submission": None})


@pytest.mark.parametrize(("policy", "options", "expected"), [
    ("sum", {}, 150.0),
    ("mean", {}, 75.0),
    ("index", {"index_floor": 3, "count_bonus": 1.0, "count_bonus_cap": 5}, 52.0),    # 150/3 + 2
    ("index", {"index_floor": 10, "count_bonus": 1.0, "count_bonus_cap": 5}, 17.0),   # 150/10 + 2
    ("index", {"index_floor": 1, "count_bonus": 2.5, "count_bonus_cap": 1}, 77.5),    # 150/2 + 2.5
])
def test_subject_score_policies(policy, options, expected):
    assert subject_score(policy, [80.0, 70.0], **options) == pytest.approx(expected)


def test_unknown_policy():
    with pytest.raises(ValueError, match="unknown award policy 'max'"):
        subject_score("max", [1.0])


def rows(result):
    return [(r.subject_id, r.place, r.position, r.passed_over) for r in result.rows]


OUTCOMES = [outcome(1, 10, 90), outcome(2, 10, 70), outcome(3, 20, 85), outcome(4, 30, 80),
            outcome(5, 40, 60)]
BEST_INNOVATION = AwardSpec(id=1, name="Inovasi Terbaik", subject="innovation", positions=2)
OPD_TERINOVATIF = AwardSpec(id=2, name="OPD Terinovatif", subject="organisation", positions=2,
                            policy="mean")


def test_one_award_per_organisation_passes_over_earlier_winners():
    first, second = award_results([BEST_INNOVATION, OPD_TERINOVATIF], OUTCOMES, chain=CHAIN)
    # Innovations: 90 (OPD 10), 85 (OPD 20) win.
    assert rows(first) == [(1, 1, 1, False), (3, 2, 2, False), (4, 3, None, False),
                           (2, 4, None, False), (5, 5, None, False)]
    # OPDs by mean: 10 → 80 and 20 → 85 already won; 30 → 80 and 40 → 60 take the positions.
    assert rows(second) == [(30, 1, 1, False), (40, 2, 2, False), (20, None, None, True),
                            (10, None, None, True)]


def test_without_the_constraint_equal_means_share_a_place():
    _, second = award_results([BEST_INNOVATION, OPD_TERINOVATIF], OUTCOMES, chain=CHAIN,
                              one_award_per_organisation=False)
    assert rows(second) == [(20, 1, 1, False), (10, 2, 2, False), (30, 2, 2, False), (40, 4, None, False)]
    assert [r.shared for r in second.rows] == [False, True, True, False]


def test_organiser_decision_settles_a_tie_in_one_award():
    _, second = award_results([BEST_INNOVATION, OPD_TERINOVATIF], OUTCOMES, chain=CHAIN,
                              one_award_per_organisation=False, decisions={2: {30: 1, 10: 2}})
    assert rows(second)[:3] == [(20, 1, 1, False), (30, 2, 2, False), (10, 3, None, False)]
    assert second.rows[1].separated_by == "organiser_decision"


def test_organisation_tiebreak_uses_the_mean_heaviest_criterion():
    outcomes = [outcome(1, 10, 80, heaviest=0.6), outcome(2, 10, 80, heaviest=1.0),
                outcome(3, 20, 80, heaviest=0.9)]
    [result] = award_results([OPD_TERINOVATIF], outcomes, chain=CHAIN)
    assert [(r.subject_id, r.place, r.separated_by) for r in result.rows] == [
        (20, 1, "heaviest_criterion"), (10, 2, "heaviest_criterion")]  # 0.9 against (0.6+1.0)/2


def test_category_filter_and_entry_counts():
    outcomes = [outcome(1, 10, 90, category_id=1), outcome(2, 20, 95, category_id=2),
                outcome(3, 10, 50, category_id=1)]
    award = AwardSpec(id=3, name="Pelayanan Publik", subject="organisation", category_id=1,
                      policy="sum")
    [result] = award_results([award], outcomes, chain=CHAIN)
    assert [(r.subject_id, r.score, r.entries) for r in result.rows] == [(10, 140.0, 2)]


def test_region_awards_use_the_index_policy():
    outcomes = [outcome(1, 10, 90, region_id=1), outcome(2, 11, 60, region_id=1),
                outcome(3, 20, 95, region_id=2)]
    award = AwardSpec(id=4, name="Kota Terinovatif", subject="region", policy="index", index_floor=2,
                      count_bonus=5.0, count_bonus_cap=10)
    [result] = award_results([award], outcomes, chain=CHAIN)
    # region 1: 150/2 + 2·5 = 85; region 2: 95/2 + 5 = 52.5
    assert [(r.subject_id, r.score, r.place) for r in result.rows] == [(1, 85.0, 1), (2, 52.5, 2)]


def test_an_opd_with_more_innovations_does_not_win_top_marks_by_number():
    """OPD 10 has three innovations and OPD 20 one, all with a third of their marks at the top:
    as shares they are level, so top marks don't separate them and the earlier submission does.
    Summed as raw counts, OPD 10 had three times as many and won."""
    def entry(entry_id, organisation_id, submitted):
        return EntryOutcome(entry_id=entry_id, organisation_id=organisation_id, region_id=1, category_id=None,
                            score=Decimal("80.00"), stage=1,
                            tiebreak={"heaviest_criterion": Fraction(4, 5), "top_marks": Fraction(1, 3),
                                      "earlier_submission": -submitted})
    outcomes = [entry(1, 10, 3000.0), entry(2, 10, 3100.0), entry(3, 10, 3200.0), entry(4, 20, 1000.0)]
    award = AwardSpec(id=2, name="OPD Terinovatif", subject="organisation", positions=2, policy="mean")
    [result] = award_results([award], outcomes, chain=CHAIN)
    assert [(r.subject_id, r.place, r.separated_by) for r in result.rows] == [
        (20, 1, "earlier_submission"), (10, 2, "earlier_submission")]
    assert result.rows[1].members == (1, 2, 3)


def test_organisation_scores_come_from_the_innovations_as_shown():
    """50.105, 50.11 and 50.105 are shown 50.11 each; the OPD's sum is what the run-sheet adds
    up: 150.33."""
    assert subject_score("sum", [Decimal("50.11")] * 3) == Decimal("150.33")
    assert subject_score("mean", [Decimal("80.25"), Decimal("41.00")]) == Decimal("60.63")   # 60.625
    assert subject_score("index", [Decimal("80.00")], index_floor=3, count_bonus=Fraction(1, 2),
                         count_bonus_cap=5) == Decimal("27.17")   # 80/3 + 0.5 = 27.1666…
