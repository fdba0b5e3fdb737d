"""Placing contenders on arrays: the readable tie-break chain of
:mod:`competition.ranking.tiebreaks`, one sort at a time, and rows made only when they are read.

Tie-break values are fractions of whole numbers; compared as floats they are compared exactly,
because each is one correctly rounded division and their denominators are small enough
(:data:`EXACT_DENOMINATOR`) — otherwise :class:`NeedsReadable` hands over to the readable code.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import reduce
from typing import Any, overload

import numpy as np
from numpy.typing import NDArray

from competition.ranking.tiebreaks import Compared, TieValue

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]

# Fractions whose denominators stay below this compare exactly as floats: two different ones
# differ by at least 1 / (d₁·d₂) > 2⁻⁵², more than a float's rounding of a value ≤ 1.
EXACT_DENOMINATOR = 2 ** 26


class NeedsReadable(Exception):
    """The arrays cannot promise the exact result; the readable code takes over."""


# -- ranking --------------------------------------------------------------------------------------

@dataclass
class Ranking:
    """Places of contenders, in ranked order (position p is ``order[p]``)."""

    order: Ints
    place: Ints
    shared: Bools
    settled: Ints          # index of the rule that settled the place, or -1
    parent: tuple[Ints, Ints]   # the positions [from, to) the settling rule compared
    compared: dict[tuple[int, int, int, int], Compared] = field(default_factory=dict)  # made once a group


def rank_arrays(key: Ints, stage: Ints, cents: Ints, rules: Sequence[Floats]) -> Ranking:
    """The readable :func:`competition.ranking.tiebreaks.rank` on arrays: by stage and shown score,
    then each rule splits the groups it can value completely (NaN: no value) and that differ."""
    valued = [(index, values) for index, values in enumerate(rules) if not np.isnan(values).all()]
    if all(not np.isnan(values).any() for _, values in valued):
        return _rank_in_one_sort(key, stage, cents, valued)
    return _rank_rule_by_rule(key, stage, cents, rules)


def _rank_in_one_sort(key: Ints, stage: Ints, cents: Ints, rules: Sequence[tuple[int, Floats]]) -> Ranking:
    """Every rule values everyone (a rule that values no one never splits): one sort by stage,
    score and the rules in turn gives the order; each rule settled the places of the groups in
    which it differs."""
    n = len(key)
    order = np.lexsort((key, *(-values for _, values in reversed(rules)), -cents, -stage))
    change = np.ones(n, dtype=bool)
    change[1:] = (stage[order][1:] != stage[order][:-1]) | (cents[order][1:] != cents[order][:-1])
    settled = np.full(n, -1, dtype=np.int64)
    low, high = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    for index, values in rules:
        if n == 0:
            break
        value = values[order]
        starts = np.flatnonzero(change)
        sizes = np.diff(np.append(starts, n))
        group = np.cumsum(change) - 1
        differs = np.minimum.reduceat(value, starts) != np.maximum.reduceat(value, starts)
        splitting = ((sizes > 1) & differs)[group]
        settled = np.where(splitting, index, settled)
        low = np.where(splitting, starts[group], low)
        high = np.where(splitting, starts[group] + sizes[group], high)
        change[1:] |= value[1:] != value[:-1]
    starts = np.flatnonzero(change)
    sizes = np.diff(np.append(starts, n))
    group = np.cumsum(change) - 1
    shared = sizes[group] > 1
    return Ranking(order=order, place=starts[group] + 1, shared=shared,
                   settled=np.where(shared, -1, settled), parent=(low, high))


def _rank_rule_by_rule(key: Ints, stage: Ints, cents: Ints, rules: Sequence[Floats]) -> Ranking:
    """The general case: some contenders have no value under a rule, which then leaves their
    group as it is; each rule re-sorts the groups it splits."""
    n = len(key)
    order = np.lexsort((key, -cents, -stage))
    change = np.ones(n, dtype=bool)
    change[1:] = (stage[order][1:] != stage[order][:-1]) | (cents[order][1:] != cents[order][:-1])
    group = np.cumsum(change) - 1
    settled = np.full(n, -1, dtype=np.int64)
    low, high = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    for index, values in enumerate(rules):
        if n == 0:
            break
        starts = np.flatnonzero(change)
        sizes = np.diff(np.append(starts, n))
        value = values[order]
        missing = np.isnan(value)
        filled = np.where(missing, 0.0, value)
        splits = ((sizes > 1) & (np.add.reduceat(missing.astype(np.int64), starts) == 0)
                  & (np.minimum.reduceat(filled, starts) != np.maximum.reduceat(filled, starts)))
        splitting = splits[group]
        if not splitting.any():
            continue
        effective = np.where(splitting, -filled, 0.0)
        local = np.lexsort((key[order], effective, group))
        order, group, effective, splitting = order[local], group[local], effective[local], splitting[local]
        settled, low, high = settled[local], low[local], high[local]
        settled = np.where(splitting, index, settled)
        low = np.where(splitting, starts[group], low)
        high = np.where(splitting, starts[group] + sizes[group], high)
        change = np.ones(n, dtype=bool)
        change[1:] = (group[1:] != group[:-1]) | (effective[1:] != effective[:-1])
        group = np.cumsum(change) - 1
    starts = np.flatnonzero(change)
    sizes = np.diff(np.append(starts, n))
    shared = sizes[group] > 1
    return Ranking(order=order, place=starts[group] + 1, shared=shared,
                   settled=np.where(shared, -1, settled), parent=(low, high))


@dataclass
class Fractions:
    """Tie-break values as fractions of whole numbers (denominator 0: no value)."""

    numerator: Ints
    denominator: Ints

    def floats(self) -> Floats:
        if len(self.denominator) and (self.denominator.max() >= EXACT_DENOMINATOR
                                      or np.abs(self.numerator).max() >= 2 ** 52):
            raise NeedsReadable("tie-break fractions too fine to compare as floats")
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.denominator > 0, self.numerator / np.maximum(self.denominator, 1), np.nan)

    def value(self, index: int) -> Fraction | None:
        denominator = int(self.denominator[index])
        return None if denominator == 0 else Fraction(int(self.numerator[index]), denominator)


def reduced(fractions: Fractions) -> Fractions:
    """The same fractions over a smaller common factor (marks in ten-thousandths share one)."""
    divisor = reduce(math.gcd, np.unique(fractions.numerator).tolist(),
                     reduce(math.gcd, np.unique(fractions.denominator).tolist(), 0))
    if divisor <= 1:
        return fractions
    return Fractions(fractions.numerator // divisor, fractions.denominator // divisor)


@dataclass
class TieColumns:
    """Each contender's value under each rule: exact fractions, or floats (earlier submission,
    organiser's decision) that are exact as they are."""

    fractions: dict[str, Fractions] = field(default_factory=dict)
    floats: dict[str, Floats] = field(default_factory=dict)

    def arrays(self, chain: Sequence[str]) -> list[Floats]:
        return [self.fractions[rule].floats() if rule in self.fractions else self.floats[rule]
                for rule in chain]

    def value(self, rule: str, index: int) -> TieValue | None:
        if rule in self.fractions:
            return self.fractions[rule].value(index)
        raw = float(self.floats[rule][index])
        if math.isnan(raw):
            return None
        return int(raw) if rule == "organiser_decision" else raw


def compared_values(ranking: Ranking, position: int, rules: Sequence[str], keys: Ints,
              ties: TieColumns) -> tuple[str | None, Compared]:
    rule_index = int(ranking.settled[position])
    if rule_index < 0:
        return None, ()
    rule = rules[rule_index]
    low, high = int(ranking.parent[0][position]), int(ranking.parent[1][position])
    group = (id(ties), rule_index, low, high)
    if group not in ranking.compared:
        members = [int(ranking.order[p]) for p in range(low, high)]
        values = [(int(keys[m]), ties.value(rule, m)) for m in members]
        ranking.compared[group] = tuple(sorted(values, key=lambda item: (-item[1], item[0])))  # type: ignore[arg-type]
    return rule, ranking.compared[group]


# -- lazy rows ------------------------------------------------------------------------------------

class Rows(Sequence[Any]):
    """Rows made when read: a national ranking holds tens of thousands, a page shows fifty."""

    def __init__(self, count: int, make: Callable[[int], Any]):
        self._count, self._make = count, make

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self._make(i) for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self._make(index)

    def __iter__(self) -> Iterator[Any]:
        return (self._make(i) for i in range(self._count))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]
