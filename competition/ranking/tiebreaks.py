"""Ordering contenders by score with a chain of tie-break rules.

Contenders are ordered by how far they got (rounds reached), then by their score as shown (two
places): scores shown different are never tied, the higher ranks first; scores shown equal are
tied. Tied contenders go through the tie-break chain: each rule gives every contender in the group
an exact value (higher is better); the group splits where values differ, and what stays level
goes on to the next rule. Each contender a rule placed records the rule and the values it
compared. A rule that cannot value every member of
a group (for example an organiser's decision recorded for only some of them) does not split it.
Whoever is still level after the whole chain shares a place ("1, 2, 2, 4").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from competition.ranking.exact import as_score

TIE_BREAK_RULES = ("heaviest_criterion", "top_marks", "earlier_submission", "organiser_decision")
DEFAULT_CHAIN = TIE_BREAK_RULES

TieValue = Fraction | float | int
Compared = tuple[tuple[int, TieValue], ...]


@dataclass(slots=True)
class Contender:
    key: int
    score: Decimal                # as shown: two places
    stage: int = 1
    tiebreak: Mapping[str, TieValue | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.score = as_score(self.score)


@dataclass(slots=True)
class Placing:
    key: int
    place: int
    score: Decimal
    stage: int
    separated_by: str | None  # the rule that settled this contender's place among equals
    shared: bool               # still level with another contender after every rule
    compared: Compared = ()    # the level group's values under that rule, best first


def validate_chain(chain: Sequence[str]) -> None:
    unknown = [rule for rule in chain if rule not in TIE_BREAK_RULES]
    if unknown:
        raise ValueError(f"unknown tie-break rule(s) {', '.join(unknown)}; "
                         f"expected some of {', '.join(TIE_BREAK_RULES)}")


def _value(contender: Contender, rule: str, decisions: Mapping[int, int]) -> TieValue | None:
    if rule == "organiser_decision":
        decision = decisions.get(contender.key)
        return None if decision is None else -decision
    return contender.tiebreak.get(rule)


def _split(group: list[Contender], chain: Sequence[str], settled_by: dict[int, tuple[str, Compared]],
           decisions: Mapping[int, int]) -> list[list[Contender]]:
    """Order a level group with the chain; returns sub-groups, best first."""
    for index, rule in enumerate(chain):
        values = [_value(c, rule, decisions) for c in group]
        if None in values or all(v == values[0] for v in values):
            continue  # this rule cannot separate the group
        # Best first; equal values by key, so the record does not depend on the input order.
        order = sorted(range(len(group)), key=lambda i: (-values[i], group[i].key))  # type: ignore[operator]
        compared: Compared = tuple((group[i].key, values[i]) for i in order)  # type: ignore[misc]
        result: list[list[Contender]] = []
        position = 0
        while position < len(order):
            value = values[order[position]]
            subgroup = []
            while position < len(order) and values[order[position]] == value:
                subgroup.append(group[order[position]])
                position += 1
            for contender in subgroup:
                settled_by[contender.key] = (rule, compared)
            result.extend(_split(subgroup, chain[index + 1:], settled_by, decisions)
                          if len(subgroup) > 1 else [subgroup])
        return result
    return [group]


def rank(contenders: Sequence[Contender], chain: Sequence[str] = DEFAULT_CHAIN,
         decisions: Mapping[int, int] | None = None) -> list[Placing]:
    """Places for every contender, best first; ties broken by ``chain`` in order.

    :param decisions: the organiser's recorded order (contender key -> rank, 1 first), used by
        the "organiser_decision" rule.
    """
    decisions = decisions or {}
    validate_chain(chain)
    # (level, key, contender): keys are unique, so tuples never compare contenders.
    ordered = sorted((-c.stage, -c.score, c.key, c) for c in contenders)
    settled_by: dict[int, tuple[str, Compared]] = {}
    placings: list[Placing] = []
    start, count = 0, len(ordered)
    while start < count:
        stage, score = ordered[start][0], ordered[start][1]
        end = start + 1
        while end < count and ordered[end][0] == stage and ordered[end][1] == score:
            end += 1
        if end - start == 1:  # nobody level: the common case
            contender = ordered[start][3]
            placings.append(Placing(contender.key, len(placings) + 1, contender.score, contender.stage,
                                    None, False))
        else:
            members = [item[3] for item in ordered[start:end]]
            for subgroup in _split(members, list(chain), settled_by, decisions):
                place = len(placings) + 1
                shared = len(subgroup) > 1
                for contender in sorted(subgroup, key=lambda c: c.key):
                    rule, compared = (None, ()) if shared else settled_by.get(contender.key, (None, ()))
                    placings.append(Placing(contender.key, place, contender.score, contender.stage,
                                            rule, shared, compared))
        start = end
    return placings
