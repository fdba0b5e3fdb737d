"""Awards: scoring subjects (an innovation, an organisation, a region) and filling positions.

An organisation's or region's score comes from the shown scores of its innovations (two places,
as on the run-sheet that lists them) under the award's policy, and is itself rounded half-up to
two places:

- ``sum``: the scores added up (rewards many innovations);
- ``mean``: their average (rewards quality alone);
- ``index``: ``Σ scores / max(k, n) + bonus × min(n, cap)``, the regional innovation index's
  shape: fewer than k innovations is penalised, and each innovation earns a bonus up to a cap.

An organisation's or region's tie-break values are those of its innovations: the mean of their
heaviest-criterion shares, the mean of their top-mark shares, and the earliest first submission.

With "one award per organisation" on, awards are filled in their defined order and an
organisation that already holds a position in an earlier award is passed over in later ones
(shown, but without a place).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from competition.ranking.exact import exact, shown
from competition.ranking.tiebreaks import Compared, Contender, Placing, TieValue, rank

SUBJECTS = ("innovation", "organisation", "region")
POLICIES = ("sum", "mean", "index")


@dataclass(frozen=True)
class AwardSpec:
    id: int
    name: str
    subject: str = "organisation"
    category_id: int | None = None
    positions: int = 5
    policy: str = "index"
    index_floor: int = 3
    count_bonus: Fraction = Fraction(1)
    count_bonus_cap: int = 5

    def __post_init__(self) -> None:
        object.__setattr__(self, "count_bonus", exact(self.count_bonus))


@dataclass(slots=True)
class EntryOutcome:
    """What an award needs to know of one scored innovation."""

    entry_id: int
    organisation_id: int     # the entrant it competes for (itself, or its OPD when units roll up)
    region_id: int
    category_id: int | None
    score: Decimal           # as shown
    stage: int
    tiebreak: Mapping[str, TieValue | None]


@dataclass(slots=True)
class AwardRow:
    subject_id: int
    score: Decimal
    entries: int
    place: int | None        # None when passed over for an earlier award
    position: int | None     # the place, when it is within the award's positions
    separated_by: str | None
    shared: bool
    passed_over: bool
    compared: Compared = ()          # the values the deciding tie-break rule compared
    members: tuple[int, ...] = ()    # the innovations that counted, best first


@dataclass(frozen=True)
class AwardResult:
    award_id: int
    rows: Sequence[AwardRow]


def subject_score(policy: str, scores: Sequence[Decimal | float | int], *, index_floor: int = 3,
                  count_bonus: Fraction | float = 1, count_bonus_cap: int = 5) -> Decimal:
    """An organisation's or region's score from its innovations' shown scores, shown."""
    n = len(scores)
    if n == 0:
        return shown(0)
    total = sum((Fraction(shown_score(s)) for s in scores), Fraction(0))
    if policy == "sum":
        return shown(total)
    if policy == "mean":
        return shown(total / n)
    if policy == "index":
        return shown(total / max(index_floor, n) + exact(count_bonus) * min(n, count_bonus_cap))
    raise ValueError(f"unknown award policy {policy!r}; expected one of {', '.join(POLICIES)}")


def shown_score(score: Decimal | float | int) -> Decimal:
    return score if isinstance(score, Decimal) else shown(exact(score))


def _group_tiebreak(members: list[EntryOutcome]) -> dict[str, TieValue | None]:
    """Tie-break values of a group of innovations: the mean of their heaviest-criterion shares and
    of their top-mark shares, and their earliest first submission."""
    def values(rule: str) -> list[TieValue]:
        return [v for m in members if (v := m.tiebreak.get(rule)) is not None]

    def mean(items: list[TieValue]) -> Fraction | None:
        return sum((Fraction(v) for v in items), Fraction(0)) / len(items) if items else None

    earliest = values("earlier_submission")
    return {
        "heaviest_criterion": mean(values("heaviest_criterion")),
        "top_marks": mean(values("top_marks")),
        "earlier_submission": max(earliest) if earliest else None,
    }


def _subject_of(award: AwardSpec, outcome: EntryOutcome) -> int:
    return {"innovation": outcome.entry_id, "organisation": outcome.organisation_id,
            "region": outcome.region_id}[award.subject]


def _organisation_of(award: AwardSpec, subject: int, organisation_of_entry: Mapping[int, int]) -> int | None:
    """The organisation a subject belongs to, for "one award per organisation"."""
    if award.subject == "innovation":
        return organisation_of_entry[subject]
    return subject if award.subject == "organisation" else None


def award_results(awards: Sequence[AwardSpec], outcomes: Sequence[EntryOutcome], *,
                  chain: Sequence[str], decisions: Mapping[int, Mapping[int, int]] | None = None,
                  one_award_per_organisation: bool = True) -> list[AwardResult]:
    """Rank every award's subjects and fill its positions.

    :param decisions: per award id, the organiser's recorded order for subjects left level
        (subject id -> rank, 1 first).
    """
    decisions = decisions or {}
    organisation_of_entry = {o.entry_id: o.organisation_id for o in outcomes}
    awarded_organisations: set[int] = set()
    results = []
    for award in awards:
        if award.subject not in SUBJECTS:
            raise ValueError(f"award {award.name!r}: unknown subject {award.subject!r}")
        eligible = [o for o in outcomes if award.category_id is None or o.category_id == award.category_id]
        groups: dict[int, list[EntryOutcome]] = defaultdict(list)
        for outcome in eligible:
            groups[_subject_of(award, outcome)].append(outcome)
        award_decisions = decisions.get(award.id, {})
        contenders, passed_over = [], []
        for subject, members in groups.items():
            if award.subject == "innovation":
                score, stage, tiebreak = members[0].score, members[0].stage, members[0].tiebreak
            else:
                score = subject_score(award.policy, [m.score for m in members],
                                      index_floor=award.index_floor, count_bonus=award.count_bonus,
                                      count_bonus_cap=award.count_bonus_cap)
                stage, tiebreak = 1, _group_tiebreak(members)
            contender = Contender(key=subject, score=score, stage=stage, tiebreak=tiebreak)
            owner = _organisation_of(award, subject, organisation_of_entry)
            if one_award_per_organisation and owner in awarded_organisations:
                passed_over.append((contender, len(members)))
            else:
                contenders.append((contender, len(members)))
        sizes = {c.key: n for c, n in contenders + passed_over}
        placings: list[Placing] = rank([c for c, _ in contenders], chain, award_decisions)
        counted = {subject: tuple(m.entry_id for m in sorted(group, key=lambda m: (-m.score, m.entry_id)))
                   for subject, group in groups.items()}
        rows = [AwardRow(subject_id=p.key, score=p.score, entries=sizes[p.key], place=p.place,
                         position=p.place if p.place <= award.positions else None,
                         separated_by=p.separated_by, shared=p.shared, passed_over=False,
                         compared=p.compared, members=counted[p.key])
                for p in placings]
        rows += [AwardRow(subject_id=c.key, score=c.score, entries=n, place=None, position=None,
                          separated_by=None, shared=False, passed_over=True, members=counted[c.key])
                 for c, n in sorted(passed_over, key=lambda item: (-item[0].score, item[0].key))]
        for row in rows:
            organisation = _organisation_of(award, row.subject_id, organisation_of_entry)
            if row.position is not None and organisation is not None:
                awarded_organisations.add(organisation)
        results.append(AwardResult(award_id=award.id, rows=tuple(rows)))
    return results
