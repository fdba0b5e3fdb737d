"""The results on arrays against the readable reference, and against any order of their inputs.

Random small competitions — ties on purpose: few distinct marks, shared submission times — with
every aggregation, normalisation, one or two rounds, every award subject and policy, category
filters, "one award per organisation" and organisers' decisions. The arrays must give the same
sealed JSON as the reference; shuffling sheets, entries, criteria or rounds must change nothing.
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
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
    results_to_data,
    summarise,
)
from competition.ranking.tables import SheetTable
from competition.ranking.tiebreaks import TIE_BREAK_RULES
from competition.ranking.totals import CriterionSpec
from tests.ranking.reference import compute_results_readable


def competition(seed: int, *, plain: bool) -> CompetitionInputs:
    """A random competition; ``plain``: one mean round, the case the arrays cover themselves."""
    rng = random.Random(seed)
    rounds = []
    for number in range(1 if plain else rng.choice((1, 1, 2))):
        criteria = []
        for c in range(rng.randint(1, 4)):
            maximum = rng.choice((3, 10, 100))
            criteria.append(CriterionSpec(id=10 * (number + 1) + c, weight=rng.choice((0, 0.5, 1, 2, 3)),
                                          min_value=rng.choice((0, 1)) if maximum == 3 else 0,
                                          max_value=maximum, independent=rng.random() < 0.1))
        if not any(c.counts for c in criteria):
            criteria[0] = replace(criteria[0], weight=Fraction(1), independent=False)
        aggregation = "mean" if plain else rng.choice(("mean", "median", "trimmed_mean"))
        rounds.append(RoundSpec(id=number + 1, position=number + 1, weight=rng.choice((1, 2, 0.5)),
                                aggregation=aggregation,
                                normalise=not plain and rng.random() < 0.2, criteria=tuple(criteria)))
    entries = tuple(EntryFacts(id=e, organisation_id=rng.randint(1, 4), region_id=rng.randint(1, 2),
                               category_id=rng.choice((None, 1, 2)),
                               submitted_at=(rng.choice((1000.0, 2000.0, 3000.0)) if rng.random() < 0.95
                                             else None),
                               has_evidence=rng.random() < 0.9)
                    for e in range(1, rng.randint(2, 14)))
    sheets = []
    for entry in entries:
        reached = rounds[:rng.randint(1, len(rounds))]
        for spec in reached:
            for judge in rng.sample(range(1, 7), rng.randint(1, 4)):
                values = {}
                for c in spec.criteria:
                    low, high = int(c.min_value), int(c.max_value)
                    values[c.id] = rng.choice((low, high, (low + high) / 2, high - (high - low) // 4))
                sheets.append(ScoreSheet(spec.id, entry.id, judge, values))
    awards = tuple(
        AwardSpec(id=a, name=f"Award {a}", subject=rng.choice(("innovation", "organisation", "region")),
                  category_id=rng.choice((None, None, 1)), positions=rng.randint(1, 3),
                  policy=rng.choice(("sum", "mean", "index")), index_floor=rng.randint(1, 3),
                  count_bonus=rng.choice((0, 0.5, 1, 0.25)), count_bonus_cap=rng.randint(0, 3))
        for a in range(1, rng.randint(1, 4)))
    decisions = {a.id: dict(zip(rng.sample(range(1, 15), 3), (1, 2, 3), strict=True))
                 for a in awards if rng.random() < 0.3}
    chain = tuple(rng.sample(TIE_BREAK_RULES, rng.randint(0, len(TIE_BREAK_RULES))))
    return CompetitionInputs(rounds=tuple(rounds), sheets=summarise(sheets, rounds), entries=entries,
                             awards=awards, chain=chain, bands=IID_2023_BANDS,
                             disagreement_threshold=rng.choice((0, 5, 20)),
                             one_award_per_organisation=rng.random() < 0.7, decisions=decisions)


def sealed(inputs: CompetitionInputs) -> str:
    return canonical_json(results_to_data(compute_results(inputs)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10 ** 9), plain=st.booleans())
def test_the_arrays_give_what_the_reference_gives(seed, plain):
    inputs = competition(seed, plain=plain)
    assert sealed(inputs) == canonical_json(results_to_data(compute_results_readable(inputs)))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10 ** 9), plain=st.booleans(), shuffle=st.randoms(use_true_random=False))
def test_no_order_of_the_inputs_changes_the_results(seed, plain, shuffle):
    inputs = competition(seed, plain=plain)
    sheets, entries, rounds = list(inputs.sheets), list(inputs.entries), list(inputs.rounds)
    shuffle.shuffle(sheets)
    shuffle.shuffle(entries)
    shuffle.shuffle(rounds)
    rounds = [replace(r, criteria=tuple(shuffle.sample(r.criteria, len(r.criteria)))) for r in rounds]
    shuffled = replace(inputs, sheets=tuple(sheets), entries=tuple(entries), rounds=tuple(rounds))
    assert sealed(shuffled) == sealed(inputs)
    as_table = replace(inputs, sheets=SheetTable.from_summaries(reversed(sheets)))
    assert sealed(as_table) == sealed(inputs)


def test_an_index_award_too_large_for_64_bits_is_worked_out_by_the_readable_code():
    """A floor of 922,337,213 with a bonus of 9,999.9999 overflowed the arrays' hundredths and
    read 0.00; such awards go to the readable code and read what it reads."""
    rubric = RoundSpec(id=1, position=1, weight=1, aggregation="mean", normalise=False,
                       criteria=(CriterionSpec(11, 1, 0, 100),))
    entries = tuple(EntryFacts(i, organisation_id=10, region_id=1, category_id=None, submitted_at=1000.0 + i)
                    for i in (1, 2))
    inputs = CompetitionInputs(
        rounds=(rubric,), entries=entries,
        sheets=summarise([ScoreSheet(1, 1, 1, {11: 80}), ScoreSheet(1, 2, 1, {11: 60})], (rubric,)),
        awards=(AwardSpec(id=1, name="OPD", subject="organisation", policy="index", index_floor=922337213,
                          count_bonus=Fraction("9999.9999"), count_bonus_cap=2),))
    assert sealed(inputs) == canonical_json(results_to_data(compute_results_readable(inputs)))
    assert compute_results(inputs).awards[0].rows[0].score == Decimal("20000.00")


def test_values_a_rule_told_apart_are_recorded_apart():
    """Kebaharuan 50.0001, 50, 50 against 50, 50, 50: the heaviest criterion separates them, and
    the record must not read 0.500000 against 0.500000."""
    rubric = RoundSpec(id=1, position=1, weight=1, aggregation="mean", normalise=False,
                       criteria=(CriterionSpec(11, 3, 0, 100), CriterionSpec(12, 1, 0, 100)))
    sheets = [ScoreSheet(1, 1, 1, {11: "50.0001", 12: "49.9997"}), ScoreSheet(1, 1, 2, {11: 50, 12: 50}),
              ScoreSheet(1, 1, 3, {11: 50, 12: 50})]
    sheets += [ScoreSheet(1, 2, j, {11: 50, 12: 50}) for j in (4, 5, 6)]
    entries = tuple(EntryFacts(i, organisation_id=10 + i, region_id=1, category_id=None, submitted_at=None)
                    for i in (1, 2))
    results = compute_results(CompetitionInputs(rounds=(rubric,), entries=entries,
                                                sheets=summarise(sheets, (rubric,))))
    [first, _] = results_to_data(results)["entries"]
    assert first["separated_by"] == "heaviest_criterion"
    values = [value for _, value in first["compared"]]
    assert len(set(values)) == 2 and values[0] > values[1]
