"""The whole computation on a small two-round competition worked out by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competition.ranking.awards import AwardSpec
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
    table = [(e.entry_id, round(e.score, 4), e.stage, e.place, e.band) for e in results.entries]
    # e1: (1·81 + 3·80) / 4 = 80.25; e3: (1·92 + 3·70) / 4 = 75.5; e2 reached one round: 41.
    assert table == [(1, 80.25, 2, 1, "Sangat Inovatif"), (3, 75.5, 2, 2, "Sangat Inovatif"),
                     (2, 41.0, 1, 3, "Inovatif")]
    e3 = results.entries[1]
    assert [(r.round_id, r.score, r.judges, r.range, r.disagreement) for r in e3.rounds] == [
        (1, pytest.approx(92.0), 2, pytest.approx(8.0), False),
        (2, pytest.approx(70.0), 3, pytest.approx(30.0), True)]
    assert e3.rounds[1].std_dev == pytest.approx(14.1421, abs=1e-4)


def test_organisation_award_from_entry_scores():
    [award] = compute_results(INPUTS).awards
    # OPD 20: 75.5; OPD 10: (80.25 + 41) / 2 = 60.625
    assert [(r.subject_id, round(r.score, 4), r.position) for r in award.rows] == [
        (20, 75.5, 1), (10, 60.625, 2)]


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


def test_a_summary_counts_top_marks_and_the_heaviest_share():
    [summary] = summarise([sheet(1, 3, 2, 100, 100)], (ROUND_1,))
    assert (summary.total, summary.heaviest_share, summary.top_marks) == (100.0, 1.0, 2)
    [levels] = summarise([sheet(2, 1, 1, 7)], (ROUND_2,))
    assert (levels.total, levels.heaviest_share, levels.top_marks) == (70.0, 0.7, 0)


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
