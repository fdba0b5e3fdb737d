"""The results on arrays against the readable reference, and against any order of their inputs.

Random small competitions — ties on purpose: few distinct marks, shared submission times — with
every aggregation, normalisation, one or two rounds, every award subject and policy, category
filters, "one award per organisation" and organisers' decisions. The arrays must give the same
sealed JSON as the reference; shuffling sheets, entries, criteria or rounds must change nothing.
"""

from __future__ import annotations

import random
from dataclasses import replace
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
