"""Automatic assignment and organisation-tree conflicts, without a database."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from competition.judging.assignment import plan_assignments
from competition.judging.conflicts import organisation_conflict


def test_every_entry_gets_its_judges_and_the_load_is_even():
    eligible = {e: [1, 2, 3, 4] for e in range(1, 7)}
    plan = plan_assignments(eligible, per_entry=2)
    per_entry = Counter(e for e, _ in plan.new_pairs)
    assert set(per_entry.values()) == {2}
    assert plan.load == {1: 3, 2: 3, 3: 3, 4: 3}
    assert plan.short == {}


def test_the_cap_is_never_exceeded_and_shortfalls_are_reported():
    eligible = {e: [1, 2] for e in range(1, 5)}
    plan = plan_assignments(eligible, per_entry=2, cap=3)
    assert max(plan.load.values()) == 3
    assert plan.short == {3: 1, 4: 1}   # 4 entries × 2 judges = 8 > 2 judges × cap 3


def test_constrained_entries_are_served_first():
    # Entry 9 can only be judged by judge 1; with a cap of 1 it must get judge 1.
    plan = plan_assignments({1: [1, 2], 9: [1]}, per_entry=1, cap=1)
    assert sorted(plan.new_pairs) == [(1, 2), (9, 1)]


def test_existing_assignments_count():
    plan = plan_assignments({1: [1, 2, 3]}, per_entry=2, existing={1: [3]})
    assert plan.new_pairs == ((1, 1),)
    assert plan.load == {1: 1, 2: 0, 3: 1}


@given(st.dictionaries(st.integers(1, 30), st.lists(st.integers(1, 8), unique=True), max_size=25),
       st.integers(1, 4), st.one_of(st.none(), st.integers(1, 10)))
def test_never_an_ineligible_judge_never_over_the_cap_never_twice(eligible, per_entry, cap):
    plan = plan_assignments(eligible, per_entry=per_entry, cap=cap)
    assert len(set(plan.new_pairs)) == len(plan.new_pairs)
    for entry, judge in plan.new_pairs:
        assert judge in eligible[entry]
    counts = Counter(judge for _, judge in plan.new_pairs)
    if cap is not None:
        assert all(n <= cap for n in counts.values())
    for entry in eligible:
        got = sum(1 for e, _ in plan.new_pairs if e == entry)
        assert got + plan.short.get(entry, 0) == per_entry or got == per_entry
    if cap is None:
        assert all(plan.short.get(e, 0) == max(0, per_entry - len(j)) for e, j in eligible.items())


def test_organisation_tree_conflicts():
    dinkes, puskesmas, bappeda = [10], [11, 10], [20]
    assert organisation_conflict(dinkes, dinkes)           # same OPD
    assert organisation_conflict(dinkes, puskesmas)        # judge from the parent OPD
    assert organisation_conflict(puskesmas, dinkes)        # judge from a unit below the OPD
    assert not organisation_conflict(bappeda, puskesmas)
    assert not organisation_conflict([], puskesmas)        # a judge from outside government
