"""Ordering contenders by score with a chain of tie-break rules.

Contenders are ordered by how far they got (rounds reached), then by score rounded to two
decimals, as scores are shown. Contenders still level go through the tie-break chain: each rule
gives every contender in the group a value (higher is better); the group splits where values
differ, and what stays level goes on to the next rule. A rule that cannot value every member of
a group (for example an organiser's decision recorded for only some of them) does not split it.
Whoever is still level after the whole chain shares a place ("1, 2, 2, 4").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby

TIE_BREAK_RULES = ("heaviest_criterion", "top_marks", "earlier_submission", "organiser_decision")
DEFAULT_CHAIN = TIE_BREAK_RULES
SCORE_DECIMALS = 2


@dataclass(frozen=True)
class Contender:
    key: int
    score: float
    stage: int = 1
    tiebreak: Mapping[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Placing:
    key: int
    place: int
    score: float
    stage: int
    separated_by: str | None  # the rule that settled this contender's place among equals
    shared: bool               # still level with another contender after every rule


def validate_chain(chain: Sequence[str]) -> None:
    unknown = [rule for rule in chain if rule not in TIE_BREAK_RULES]
    if unknown:
        raise ValueError(f"unknown tie-break rule(s) {', '.join(unknown)}; "
                         f"expected some of {', '.join(TIE_BREAK_RULES)}")


def _split(group: list[Contender], chain: Sequence[str],
           settled_by: dict[int, str]) -> list[list[Contender]]:
    """Order a level group with the chain; returns sub-groups, best first."""
    if len(group) < 2 or not chain:
        return [group]
    rule, rest = chain[0], chain[1:]
    values = [c.tiebreak.get(rule) for c in group]
    if any(v is None for v in values) or len(set(values)) == 1:
        return _split(group, rest, settled_by)
    ordered = sorted(group, key=lambda c: c.tiebreak[rule], reverse=True)  # type: ignore[arg-type, return-value]
    result: list[list[Contender]] = []
    for _, members in groupby(ordered, key=lambda c: c.tiebreak[rule]):
        subgroup = list(members)
        for contender in subgroup:
            settled_by[contender.key] = rule
        result.extend(_split(subgroup, rest, settled_by))
    return result


def rank(contenders: Sequence[Contender], chain: Sequence[str] = DEFAULT_CHAIN) -> list[Placing]:
    """Places for every contender, best first; ties broken by ``chain`` in order."""
    validate_chain(chain)

    def level(c: Contender) -> tuple[int, float]:
        return (-c.stage, -round(c.score, SCORE_DECIMALS))

    ordered = sorted(contenders, key=lambda c: (level(c), c.key))
    settled_by: dict[int, str] = {}
    placings: list[Placing] = []
    for _, members in groupby(ordered, key=level):
        for subgroup in _split(list(members), list(chain), settled_by):
            place = len(placings) + 1
            shared = len(subgroup) > 1
            for contender in sorted(subgroup, key=lambda c: c.key):
                placings.append(Placing(
                    key=contender.key, place=place, score=contender.score, stage=contender.stage,
                    separated_by=None if shared else settled_by.get(contender.key), shared=shared))
    return placings
