"""Places, every tie-break rule, and predikat bands: hand-computed examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competition.ranking.bands import IID_2023_BANDS, IID_2026_BANDS, Band, predikat, preset_of
from competition.ranking.tiebreaks import Contender, rank


def places(placings):
    return [(p.key, p.place, p.separated_by, p.shared) for p in placings]


def test_higher_score_first_and_equal_scores_share_a_place():
    placings = rank([Contender(1, 70), Contender(2, 90), Contender(3, 80), Contender(4, 80),
                     Contender(5, 60)])
    assert places(placings) == [(2, 1, None, False), (3, 2, None, True), (4, 2, None, True),
                                (1, 4, None, False), (5, 5, None, False)]


def test_scores_equal_as_shown_are_equal():
    # 80.004 and 79.996 both show as 80,00.
    assert [p.place for p in rank([Contender(1, 80.004), Contender(2, 79.996)])] == [1, 1]


def test_reaching_a_later_round_beats_a_higher_score():
    placings = rank([Contender(1, 95, stage=1), Contender(2, 60, stage=2)])
    assert [(p.key, p.place) for p in placings] == [(2, 1), (1, 2)]


def test_heaviest_criterion_breaks_the_tie():
    placings = rank([Contender(1, 80, tiebreak={"heaviest_criterion": 0.8}),
                     Contender(2, 80, tiebreak={"heaviest_criterion": 0.9})])
    assert places(placings) == [(2, 1, "heaviest_criterion", False), (1, 2, "heaviest_criterion", False)]


def test_top_marks_when_the_heaviest_criterion_is_level():
    placings = rank([Contender(1, 80, tiebreak={"heaviest_criterion": 0.9, "top_marks": 3}),
                     Contender(2, 80, tiebreak={"heaviest_criterion": 0.9, "top_marks": 5})])
    assert places(placings) == [(2, 1, "top_marks", False), (1, 2, "top_marks", False)]


def test_earlier_submission_next():
    # Values are higher-is-better: minus the submission time.
    placings = rank([Contender(1, 80, tiebreak={"top_marks": 2, "earlier_submission": -2_000.0}),
                     Contender(2, 80, tiebreak={"top_marks": 2, "earlier_submission": -1_000.0})])
    assert places(placings) == [(2, 1, "earlier_submission", False), (1, 2, "earlier_submission", False)]


def test_organiser_decision_last():
    level = {"heaviest_criterion": 0.5, "top_marks": 1, "earlier_submission": -5.0}
    placings = rank([Contender(1, 80, tiebreak=level), Contender(2, 80, tiebreak=level)],
                    decisions={1: 2, 2: 1})
    assert places(placings) == [(2, 1, "organiser_decision", False), (1, 2, "organiser_decision", False)]


def test_a_rule_that_cannot_value_everyone_does_not_split():
    placings = rank([Contender(1, 80), Contender(2, 80)], decisions={1: 1})
    assert places(placings) == [(1, 1, None, True), (2, 1, None, True)]


def test_a_rule_splits_three_into_one_and_a_remaining_pair():
    placings = rank([Contender(1, 80, tiebreak={"heaviest_criterion": 0.7, "top_marks": 1}),
                     Contender(2, 80, tiebreak={"heaviest_criterion": 0.9, "top_marks": 1}),
                     Contender(3, 80, tiebreak={"heaviest_criterion": 0.7, "top_marks": 4})])
    assert places(placings) == [(2, 1, "heaviest_criterion", False), (3, 2, "top_marks", False),
                                (1, 3, "top_marks", False)]


def test_the_chain_is_configurable_and_its_order_matters():
    contenders = [Contender(1, 80, tiebreak={"heaviest_criterion": 0.9, "top_marks": 1}),
                  Contender(2, 80, tiebreak={"heaviest_criterion": 0.8, "top_marks": 6})]
    assert [p.key for p in rank(contenders, ["heaviest_criterion", "top_marks"])] == [1, 2]
    assert [p.key for p in rank(contenders, ["top_marks", "heaviest_criterion"])] == [2, 1]
    assert [p.place for p in rank(contenders, [])] == [1, 1]


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="unknown tie-break rule\\(s\\) coin_toss"):
        rank([Contender(1, 1)], ["coin_toss"])


@pytest.mark.parametrize(("score", "label"), [
    # IID 2026: Sangat Inovatif above 65.00, Inovatif above 40.00, Kurang Inovatif above 0.
    ("100", "Sangat Inovatif"), ("65.01", "Sangat Inovatif"), ("65.00", "Inovatif"),
    ("40.01", "Inovatif"), ("40.00", "Kurang Inovatif"), ("0.01", "Kurang Inovatif"),
    ("0.00", "Tidak Dapat Dinilai"), (None, "Tidak Dapat Dinilai"),
])
def test_iid_2026_bands_are_the_default_and_follow_the_wording(score, label):
    assert predikat(None if score is None else Decimal(score)) == label
    assert predikat(None if score is None else Decimal(score), IID_2026_BANDS) == label


@pytest.mark.parametrize(("score", "label"), [
    # IID 2023: Sangat Inovatif 60.01–100, Inovatif 35.00–60.00, Kurang Inovatif 0.01–34.99.
    ("100", "Sangat Inovatif"), ("60.01", "Sangat Inovatif"), ("60.00", "Inovatif"),
    ("35.00", "Inovatif"), ("34.99", "Kurang Inovatif"), ("0.01", "Kurang Inovatif"),
    ("0", "Tidak Dapat Dinilai"),
])
def test_iid_2023_bands_follow_their_wording(score, label):
    assert predikat(Decimal(score), IID_2023_BANDS) == label


def test_presets_are_recognised():
    assert preset_of(IID_2026_BANDS) == "iid_2026"
    assert preset_of(tuple(reversed(IID_2023_BANDS))) == "iid_2023"
    assert preset_of((Band("Juara", Decimal("90")),)) is None


def test_no_evidence_cannot_be_assessed():
    assert predikat(90, has_evidence=False) == "Tidak Dapat Dinilai"


def test_bands_are_configurable():
    newer = (Band("Sangat Inovatif", 65.0), Band("Inovatif", 40.0), Band("Kurang Inovatif", 0.01))
    assert [predikat(s, newer) for s in (64.99, 65, 39.99)] == ["Inovatif", "Sangat Inovatif",
                                                                "Kurang Inovatif"]


def test_versions_sealed_before_exact_scores_read_as_they_were_printed():
    """Their rows hold floats, which their pages printed rounded half-even: 70.125 read 70,12.
    They keep reading so; new versions hold the two-place text itself."""
    from competition.ranking.exact import as_score

    assert as_score(70.125) == Decimal("70.12") and as_score(70.135) == Decimal("70.14")
    assert as_score("70.13") == Decimal("70.13")
