"""The whole computation on a small two-round competition worked out by hand."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from competition.ranking.awards import AwardSpec
from competition.ranking.bands import IID_2023_BANDS
from competition.ranking.results import (
    CompetitionInputs,
    EntryFacts,
    RoundSpec,
    ScoreSheet,
    canonical_json,
    compute_results,
    inputs_from_data,
    inputs_to_data,
    results_to_data,
    seal_hash,
    summarise,
)
from competition.ranking.totals import CriterionSpec

ROUND_1 = RoundSpec(id=1, position=1, weight=1, aggregation="mean", normalise=False,
                    criteria=(CriterionSpec(11, 60, 0, 100), CriterionSpec(12, 40, 0, 100)))
ROUND_2 = RoundSpec(id=2, position=2, weight=3, aggregation="median", normalise=False,
                    criteria=(CriterionSpec(21, 1, 1, 10),))


def sheet(round_id, entry, judge, *values):
    criteria = {1: (11, 12), 2: (21,)}[round_id]
    return ScoreSheet(round_id=round_id, entry_id=entry, judge_id=judge, values=dict(zip(criteria, values,
                                                                                         strict=True)))


SHEETS = (
    # Round 1: e1 76 and 86 → 81; e2 36 and 46 → 41; e3 96 and 88 → 92.
    sheet(1, 1, 1, 80, 70), sheet(1, 1, 2, 90, 80),
    sheet(1, 2, 1, 40, 30), sheet(1, 2, 2, 50, 40),
    sheet(1, 3, 1, 100, 90), sheet(1, 3, 2, 80, 100),
    # Round 2, e1 and e3 only: e1 80, 90, 60 → median 80; e3 70, 70, 100 → median 70.
    sheet(2, 1, 1, 8), sheet(2, 1, 2, 9), sheet(2, 1, 3, 6),
    sheet(2, 3, 1, 7), sheet(2, 3, 2, 7), sheet(2, 3, 3, 10),
)
ENTRIES = (EntryFacts(1, organisation_id=10, region_id=1, category_id=None, submitted_at=1000.0),
           EntryFacts(2, organisation_id=10, region_id=1, category_id=None, submitted_at=900.0),
           EntryFacts(3, organisation_id=20, region_id=1, category_id=None, submitted_at=1100.0))
INPUTS = CompetitionInputs(
    rounds=(ROUND_1, ROUND_2), sheets=summarise(SHEETS, (ROUND_1, ROUND_2)), entries=ENTRIES,
    awards=(AwardSpec(id=1, name="OPD Terinovatif", subject="organisation", positions=2, policy="mean"),))


def test_final_scores_places_bands_and_spread():
    results = compute_results(INPUTS)
    table = [(e.entry_id, e.score, e.stage, e.place, e.band) for e in results.entries]
    # e1: (1·81 + 3·80) / 4 = 80.25; e3: (1·92 + 3·70) / 4 = 75.5; e2 reached one round: 41.
    assert table == [(1, D("80.25"), 2, 1, "Sangat Inovatif"), (3, D("75.50"), 2, 2, "Sangat Inovatif"),
                     (2, D("41.00"), 1, 3, "Inovatif")]
    e3 = results.entries[1]
    assert [(r.round_id, r.score, r.judges, r.range, r.disagreement) for r in e3.rounds] == [
        (1, D("92.00"), 2, D("8.00"), False), (2, D("70.00"), 3, D("30.00"), True)]
    # 70, 70, 100: mean 80, variance (100 + 100 + 400) / 3 = 200, √200 = 14.142…
    assert e3.rounds[1].std_dev == D("14.14")


def test_organisation_award_from_entry_scores_as_shown():
    [award] = compute_results(INPUTS).awards
    # OPD 20: 75.50; OPD 10: (80.25 + 41.00) / 2 = 60.625, shown half-up 60.63
    assert [(r.subject_id, r.score, r.position, r.members) for r in award.rows] == [
        (20, D("75.50"), 1, (3,)), (10, D("60.63"), 2, (1, 2))]


def test_top_marks_and_heaviest_criterion_feed_the_tie_break():
    tied = CompetitionInputs(rounds=(ROUND_1,), entries=ENTRIES[:2], sheets=summarise((
        sheet(1, 1, 1, 100, 50),   # 80 with one top mark; heaviest criterion share 1.0
        sheet(1, 2, 1, 80, 80),    # 80, no top mark; heaviest criterion share 0.8
    ), (ROUND_1,)))
    results = compute_results(tied)
    assert [(e.entry_id, e.place, e.separated_by) for e in results.entries] == [
        (1, 1, "heaviest_criterion"), (2, 2, "heaviest_criterion")]


def test_earlier_submission_when_all_else_is_level():
    tied = CompetitionInputs(rounds=(ROUND_1,), entries=ENTRIES[:2], sheets=summarise((
        sheet(1, 1, 1, 80, 80), sheet(1, 2, 1, 80, 80)), (ROUND_1,)))
    assert [(e.entry_id, e.separated_by) for e in compute_results(tied).entries] == [
        (2, "earlier_submission"), (1, "earlier_submission")]


def test_inputs_survive_storage_and_the_hash_is_stable():
    data = inputs_to_data(INPUTS)
    assert inputs_from_data(data) == INPUTS
    stored = canonical_json(data)
    assert inputs_from_data(__import__("json").loads(stored)) == INPUTS
    results = results_to_data(compute_results(INPUTS))
    first = seal_hash(data, results)
    assert first == seal_hash(inputs_to_data(inputs_from_data(data)), results)
    changed = inputs_to_data(CompetitionInputs(
        rounds=INPUTS.rounds, sheets=summarise((*SHEETS[:-1], sheet(2, 3, 3, 9)), INPUTS.rounds),
        entries=ENTRIES,
        awards=INPUTS.awards))
    assert seal_hash(changed, results_to_data(compute_results(inputs_from_data(changed)))) != first


def test_a_summary_is_whole_numbers():
    # Round 1: total = 100 (0.6·v₁ + 0.4·v₂) / 100 = (3·m₁ + 2·m₂) / 50 000 with marks in
    # ten-thousandths; round 2: total = 10 v = m / 1 000.
    assert (ROUND_1.scale.factors, ROUND_1.scale.unit) == ({11: 3, 12: 2}, 50_000)
    assert (ROUND_2.scale.factors, ROUND_2.scale.unit) == ({21: 1}, 1_000)
    [summary] = summarise([sheet(1, 3, 2, 100, 100)], (ROUND_1,))
    assert (summary.points, summary.heaviest, summary.top_marks, summary.marks) == (
        5_000_000, 1_000_000, 2, 2)
    assert ROUND_1.scale.total(summary.points) == 100
    [levels] = summarise([sheet(2, 1, 1, 7)], (ROUND_2,))
    assert (levels.points, levels.heaviest, levels.top_marks, levels.marks) == (70_000, 70_000, 0, 1)
    assert ROUND_2.scale.total(levels.points) == 70


def test_canonical_json_is_compact_and_sorted():
    assert canonical_json({"b": 1, "a": [1.5, "Rp"]}) == '{"a":[1.5,"Rp"],"b":1}'


def test_the_same_marks_in_another_order_tie_on_the_heaviest_criterion():
    """Float noise must not decide a tie: two innovations with the same three Kebaharuan marks,
    given by the judges in a different order, are level on the heaviest criterion, so the next
    rule (earlier submission) separates them. Averaged as 0.1, 0.2, 0.3 the shares came to
    0.20000000000000004, and as 0.3, 0.2, 0.1 to 0.19999999999999998: the later submission won."""
    entries = (EntryFacts(1, organisation_id=10, region_id=1, category_id=None, submitted_at=2000.0),
               EntryFacts(2, organisation_id=20, region_id=1, category_id=None, submitted_at=1000.0))
    tied = CompetitionInputs(rounds=(ROUND_1,), entries=entries,
                             chain=("heaviest_criterion", "earlier_submission"), sheets=summarise((
                                 sheet(1, 1, 1, 10, 50), sheet(1, 1, 2, 20, 50), sheet(1, 1, 3, 30, 50),
                                 sheet(1, 2, 1, 30, 50), sheet(1, 2, 2, 20, 50), sheet(1, 2, 3, 10, 50),
                             ), (ROUND_1,)))
    results = compute_results(tied)
    assert [(e.entry_id, e.place, e.separated_by) for e in results.entries] == [
        (2, 1, "earlier_submission"), (1, 2, "earlier_submission")]


@given(marks=st.lists(st.integers(0, 20).map(lambda step: step * 5), min_size=3, max_size=3),
       order=st.permutations(range(3)))
def test_no_order_of_the_judges_separates_the_same_marks(marks, order):
    """Three judges marking Kebaharuan in steps of 5 (shares in steps of 0.05): however the same
    marks are ordered among the judges, the two innovations stay level on the heaviest criterion."""
    entries = (EntryFacts(1, organisation_id=10, region_id=1, category_id=None, submitted_at=2000.0),
               EntryFacts(2, organisation_id=20, region_id=1, category_id=None, submitted_at=1000.0))
    sheets = [sheet(1, 1, judge, mark, 50) for judge, mark in enumerate(marks, start=1)]
    sheets += [sheet(1, 2, judge, marks[i], 50) for judge, i in enumerate(order, start=1)]
    results = compute_results(CompetitionInputs(
        rounds=(ROUND_1,), entries=entries, chain=("heaviest_criterion", "earlier_submission"),
        sheets=summarise(sheets, (ROUND_1,))))
    assert {e.separated_by for e in results.entries} <= {"earlier_submission", None}
    assert [e.entry_id for e in results.entries] == [2, 1]


# -- one number: the score as shown is the score ranked, banded and sealed -----------------------

ONE_CRITERION = RoundSpec(id=1, position=1, weight=1, aggregation="mean", normalise=False,
                          criteria=(CriterionSpec(11, 1, 0, 100),))


def one_round(*marks_per_entry, chain=("earlier_submission",), bands=None):
    """Each entry's judges' marks on one 0–100 criterion; entry i submitted at 1000 + i."""
    sheets = [ScoreSheet(1, entry, judge, {11: mark})
              for entry, marks in enumerate(marks_per_entry, start=1)
              for judge, mark in enumerate(marks, start=1)]
    entries = tuple(EntryFacts(i, organisation_id=10 + i, region_id=1, category_id=None,
                               submitted_at=1000.0 + i) for i in range(1, len(marks_per_entry) + 1))
    extra = {} if bands is None else {"bands": bands}
    return compute_results(CompetitionInputs(rounds=(ONE_CRITERION,), entries=entries, chain=chain,
                                             sheets=summarise(sheets, (ONE_CRITERION,)), **extra))


def test_scores_shown_equal_are_tied_and_the_chain_applies():
    # 70.025 (70.02 and 70.03) and 70.0333… (70.03, 70.03, 70.04) are both shown 70.03: tied,
    # and the earlier submission (entry 1) takes the place by the chain.
    results = one_round(("70.02", "70.03"), ("70.03", "70.03", "70.04"))
    assert [(e.entry_id, e.score, e.place, e.separated_by) for e in results.entries] == [
        (1, D("70.03"), 1, "earlier_submission"), (2, D("70.03"), 2, "earlier_submission")]


def test_scores_shown_different_rank_the_higher_first_whatever_the_chain():
    # 70.0249… is shown 70.02 and 70.025 is 70.03: the higher shown score wins outright.
    results = one_round(("70.0249",), ("70.02", "70.03"))
    assert [(e.entry_id, e.score, e.place, e.separated_by) for e in results.entries] == [
        (2, D("70.03"), 1, None), (1, D("70.02"), 2, None)]


def test_the_band_follows_the_score_as_shown():
    # 60.005 is shown 60.01: Sangat Inovatif under IID 2023, whose floor is 60.01; 60.0049 is 60.00.
    results = one_round(("60.00", "60.01"), ("60.0049",), bands=IID_2023_BANDS)
    assert [(e.score, e.band) for e in results.entries] == [(D("60.01"), "Sangat Inovatif"),
                                                            (D("60.00"), "Inovatif")]


def test_the_sealed_rows_hold_the_score_as_shown():
    results = one_round(("70.02", "70.03"))
    [row] = results_to_data(results)["entries"]
    assert (row["score"], row["rounds"][0]["score"]) == ("70.03", "70.03")


@given(cents=st.integers(0, 9_999), judges=st.integers(1, 4))
def test_a_score_half_a_cent_above_a_boundary_is_shown_and_banded_half_up(cents, judges):
    """Judges' marks averaging exactly x.xx5: the score is shown x.xx + 0.01, and its band is the
    band of that shown score, never of the value below it."""
    target = D(cents) / 100 + D("0.005")          # e.g. 60.005
    marks = [str(target)] * judges                 # the mean of equal marks is the mark itself
    [entry] = one_round(tuple(marks), bands=IID_2023_BANDS).entries
    shown_score = D(cents + 1) / 100
    assert entry.score == shown_score
    expected = ("Sangat Inovatif" if shown_score >= D("60.01") else "Inovatif" if shown_score >= D("35.00")
                else "Kurang Inovatif" if shown_score >= D("0.01") else "Tidak Dapat Dinilai")
    assert entry.band == expected


# -- top marks: a share of the marks given on weighted criteria ----------------------------------

TOP_ROUND = RoundSpec(id=1, position=1, weight=1, aggregation="mean", normalise=False,
                      criteria=(CriterionSpec(11, 50, 0, 100), CriterionSpec(12, 25, 0, 100),
                                CriterionSpec(13, 25, 0, 100), CriterionSpec(14, 0, 0, 100),
                                CriterionSpec(15, 10, 0, 100, independent=True)))


def test_top_marks_are_a_share_of_weighted_marks_not_a_count():
    """Entry 1 has three judges who each gave 100 on the weightless and the independent criteria:
    six top marks counted the old way, none on a weighted criterion. Entry 2 has one judge with one
    top mark of three weighted marks. Both score 80.00 with 0.8 on the heaviest criterion, so top
    marks decide, and entry 2's share (1/3) beats entry 1's (0)."""
    sheets = [ScoreSheet(1, 1, judge, {11: 80, 12: 80, 13: 80, 14: 100, 15: 100}) for judge in (1, 2, 3)]
    sheets.append(ScoreSheet(1, 2, 4, {11: 80, 12: 100, 13: 60, 14: 0, 15: 0}))
    entries = tuple(EntryFacts(i, organisation_id=10 + i, region_id=1, category_id=None, submitted_at=None)
                    for i in (1, 2))
    results = compute_results(CompetitionInputs(rounds=(TOP_ROUND,), entries=entries,
                                                sheets=summarise(sheets, (TOP_ROUND,))))
    assert [(e.entry_id, e.score, e.place, e.separated_by) for e in results.entries] == [
        (2, D("80.00"), 1, "top_marks"), (1, D("80.00"), 2, "top_marks")]
    assert results.entries[0].compared == ((2, Fraction(1, 3)), (1, Fraction(0)))


def test_a_separated_tie_records_the_values_compared():
    # Entry 1: heaviest-criterion shares 0.7, 0.6 → 0.65; entry 2: 0.6, 0.6 → 0.6. Both score 70.
    rubric = RoundSpec(id=1, position=1, weight=1, aggregation="mean", normalise=False,
                       criteria=(CriterionSpec(11, 60, 0, 100), CriterionSpec(12, 40, 0, 100)))
    sheets = [ScoreSheet(1, 1, 1, {11: 70, 12: 70}), ScoreSheet(1, 1, 2, {11: 60, 12: 85}),
              ScoreSheet(1, 2, 3, {11: 60, 12: 85}), ScoreSheet(1, 2, 4, {11: 60, 12: 85})]
    entries = tuple(EntryFacts(i, organisation_id=10 + i, region_id=1, category_id=None, submitted_at=None)
                    for i in (1, 2))
    results = compute_results(CompetitionInputs(rounds=(rubric,), entries=entries,
                                                sheets=summarise(sheets, (rubric,))))
    assert [(e.entry_id, e.score, e.separated_by) for e in results.entries] == [
        (1, D("70.00"), "heaviest_criterion"), (2, D("70.00"), "heaviest_criterion")]
    assert results_to_data(results)["entries"][0]["compared"] == [[1, "0.650000"], [2, "0.600000"]]
