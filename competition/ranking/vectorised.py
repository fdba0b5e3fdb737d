"""The whole results computation on arrays: the same numbers as the readable modules, at national
scale.

What the readable code does one Python object at a time, this does with NumPy over columns, in
whole numbers wherever the result must be exact:

- a round combined by the mean without normalisation: each entry's points summed per judge
  (``ΣP``), so its exact score is ``ΣP / (k × unit)`` and its shown score
  ``⌊(200 ΣP + k·unit) / (2 k·unit)⌋`` hundredths: integer arithmetic, no rounding on the way;
- the judges' range in whole numbers, their standard deviation from ``k ΣP² − (ΣP)²`` (a float
  square root, worked out exactly for any value within a millionth of a rounding boundary);
- tie-break values as fractions of whole numbers; comparing them as floats is exact because each
  is one correctly rounded division and their denominators are small (checked, see
  :data:`EXACT_DENOMINATOR`);
- places by sorting once per rule of the chain.

Anything else — median or trimmed mean, normalisation, several rounds, values too large for
64-bit sums, a tie-break value missing — is worked out by the readable code for that part, so the
result is always the same. The tests compare the two on random competitions, sealed JSON for
sealed JSON.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import reduce
from typing import Any

import numpy as np
from numpy.typing import NDArray

from competition.ranking.awards import AwardResult, AwardRow, AwardSpec, EntryOutcome, award_results
from competition.ranking.bands import predikat
from competition.ranking.exact import shown, square_root
from competition.ranking.placing import (
    EXACT_DENOMINATOR,
    Fractions,
    NeedsReadable,
    Ranking,
    Rows,
    TieColumns,
    compared_values,
    rank_arrays,
    reduced,
)
from competition.ranking.results import (
    CompetitionInputs,
    EntryResult,
    Results,
    RoundScore,
    RoundSpec,
    exact_round_scores,
    final_score,
)
from competition.ranking.tables import NO_CATEGORY, NO_MARK, EntryTable, SheetTable
from competition.ranking.tiebreaks import Contender, rank

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]

# Whole numbers stay below this in any product, so 64-bit arithmetic is exact.
SAFE = 2 ** 62
BOUNDARY = 1e-6  # hundredths this close to a rounding boundary are worked out exactly


def _cents(numerator: Ints, denominator: Ints) -> Ints:
    """Half-up hundredths of numerator / denominator (≥ 0), in whole numbers."""
    if len(numerator) and (np.abs(numerator).max() >= SAFE // 400 or denominator.max() >= SAFE // 4):
        raise NeedsReadable("sums too large for 64-bit hundredths")
    return (200 * numerator + denominator) // (2 * denominator)


def _half_up_cents(values: Floats, exact_of: Callable[[int], Fraction]) -> Ints:
    """Hundredths of float ``values``, with those near a rounding boundary worked out exactly."""
    scaled = values * 100 + 0.5
    cents = np.floor(scaled).astype(np.int64)
    near = np.flatnonzero(np.abs(scaled - np.rint(scaled)) < BOUNDARY)
    for index in near.tolist():
        cents[index] = int(shown(exact_of(index)).scaleb(2))
    return cents


# -- one round ------------------------------------------------------------------------------------

@dataclass
class RoundColumns:
    """One round's scores per entry (indexed like the competition's entries)."""

    spec: RoundSpec
    scored: Bools
    cents: Ints
    judges: Ints
    std_dev: Ints           # hundredths
    range: Ints             # hundredths
    disagreement: Bools
    exact: Callable[[int], Fraction]       # the exact round score of entry index i
    heaviest: tuple[Ints, Ints]            # Σ marks on the heaviest criterion, count of them
    top: tuple[Ints, Ints]                 # Σ top marks, Σ marks

    def round_score(self, index: int) -> RoundScore:
        return RoundScore(round_id=self.spec.id, score=_hundredths(self.cents[index]),
                          judges=int(self.judges[index]), std_dev=_hundredths(self.std_dev[index]),
                          range=_hundredths(self.range[index]), disagreement=bool(self.disagreement[index]))


def _hundredths(cents: int | np.integer) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


def _round_columns(spec: RoundSpec, sheets: SheetTable, entry_index: Ints, size: int,
                   threshold: Fraction) -> RoundColumns:
    if spec.aggregation == "mean" and not spec.normalise:
        try:
            return _mean_round(spec, sheets, entry_index, size, threshold)
        except NeedsReadable:   # sums too large for 64 bits: the readable code below takes it
            pass
    return _readable_round(spec, sheets, entry_index, size, threshold)


def _sums(values: Ints, starts: Ints) -> Ints:
    return np.add.reduceat(values, starts) if len(values) else np.zeros(0, dtype=np.int64)


def _mean_round(spec: RoundSpec, sheets: SheetTable, entry_index: Ints, size: int,
                threshold: Fraction) -> RoundColumns:
    unit = spec.scale.unit
    points = sheets.points
    where, starts = np.unique(entry_index, return_index=True)
    k = np.diff(np.append(starts, len(points))).astype(np.int64)
    largest = int(np.abs(points).max()) if len(points) else 0
    widest = int(k.max()) if len(k) else 0
    if (widest * largest) ** 2 >= SAFE or unit * widest >= SAFE // 400 or unit >= 2 ** 52:
        raise NeedsReadable("points too large for 64-bit sums")
    total = _sums(points, starts)
    squares = _sums(points * points, starts)
    low, high = np.minimum.reduceat(points, starts), np.maximum.reduceat(points, starts)
    denominator = k * unit

    scored = np.zeros(size, dtype=bool)
    scored[where] = True

    def spread(values: Ints) -> Ints:
        full = np.zeros(size, dtype=np.int64)
        full[where] = values
        return full

    exact_total, exact_k = spread(total), spread(k)
    variance = k * squares - total * total          # × 1 / (k·unit)²
    root = np.sqrt(variance.astype(np.float64)) / denominator
    std_dev = _half_up_cents(root, lambda i: square_root(
        Fraction(int(variance[i]), int(denominator[i]) ** 2)))
    width = high - low
    if threshold.denominator * int(width.max(initial=0)) >= SAFE or threshold.numerator * unit >= SAFE:
        raise NeedsReadable("threshold too fine for 64-bit comparison")
    heaviest_marks = np.where(sheets.heaviest == NO_MARK, 0, sheets.heaviest)
    marked = (sheets.heaviest != NO_MARK).astype(np.int64)
    return RoundColumns(
        spec=spec, scored=scored, cents=spread(_cents(total, denominator)), judges=exact_k,
        std_dev=spread(std_dev), range=spread(_cents(width, np.full_like(width, unit))),
        disagreement=spread((width * threshold.denominator > threshold.numerator * unit).astype(np.int64))
        .astype(bool),
        exact=lambda i: Fraction(int(exact_total[i]), int(exact_k[i]) * unit),
        heaviest=(spread(_sums(heaviest_marks, starts)), spread(_sums(marked, starts))),
        top=(spread(_sums(sheets.top_marks, starts)), spread(_sums(sheets.marks, starts))))


def _readable_round(spec: RoundSpec, sheets: SheetTable, entry_index: Ints, size: int,
                    threshold: Fraction) -> RoundColumns:
    """A round the arrays don't cover (median, trimmed mean, normalisation), by the readable code."""
    summaries = list(sheets)
    entry_ids = sheets.entry_id
    index_of = dict(zip(entry_ids.tolist(), entry_index.tolist(), strict=True))
    scores = exact_round_scores(spec, summaries, threshold)
    columns = {name: np.zeros(size, dtype=np.int64) for name in ("cents", "judges", "std_dev", "range")}
    scored, disagreement = np.zeros(size, dtype=bool), np.zeros(size, dtype=bool)
    exact_scores: dict[int, Fraction] = {}
    for entry_id, (score, row) in scores.items():
        i = index_of[entry_id]
        scored[i], disagreement[i], exact_scores[i] = True, row.disagreement, score
        columns["cents"][i] = int(row.score.scaleb(2))
        columns["judges"][i] = row.judges
        columns["std_dev"][i] = int(row.std_dev.scaleb(2))
        columns["range"][i] = int(row.range.scaleb(2))
    heaviest = (np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64))
    top = (np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64))
    marked = sheets.heaviest != NO_MARK
    np.add.at(heaviest[0], entry_index[marked], sheets.heaviest[marked])
    np.add.at(heaviest[1], entry_index[marked], 1)
    np.add.at(top[0], entry_index, sheets.top_marks)
    np.add.at(top[1], entry_index, sheets.marks)
    return RoundColumns(spec=spec, scored=scored, cents=columns["cents"], judges=columns["judges"],
                        std_dev=columns["std_dev"], range=columns["range"], disagreement=disagreement,
                        exact=exact_scores.__getitem__, heaviest=heaviest, top=top)


# -- the competition ------------------------------------------------------------------------------

@dataclass
class EntryColumns:
    """Every scored innovation's final score, stage and tie-break values (index i = ids[i])."""

    ids: Ints
    organisation: Ints
    region: Ints
    category: Ints              # -1: none
    has_evidence: Bools
    stage: Ints
    cents: Ints
    ties: TieColumns
    rounds: list[RoundColumns]


def _entry_columns(inputs: CompetitionInputs) -> EntryColumns:
    facts = inputs.entries if isinstance(inputs.entries, EntryTable) else EntryTable.from_rows(
        [(e.id, e.organisation_id, e.region_id, e.category_id, e.submitted_at, e.has_evidence)
         for e in inputs.entries])
    ids = facts.id
    sheets = (inputs.sheets if isinstance(inputs.sheets, SheetTable)
              else SheetTable.from_summaries(inputs.sheets))
    rounds = sorted(inputs.rounds, key=lambda r: r.position)
    columns = []
    for spec in rounds:
        of_round = sheets.of_round(spec.id)
        of_round = of_round.where(np.isin(of_round.entry_id, ids))
        columns.append(_round_columns(spec, of_round, np.searchsorted(ids, of_round.entry_id), len(ids),
                                      inputs.disagreement_threshold))
    size = len(ids)
    scored = np.array([c.scored for c in columns]) if columns else np.zeros((0, size), dtype=bool)
    stage = scored.sum(axis=0).astype(np.int64)
    keep = stage > 0
    cents = _final_cents(columns, scored, size)
    ties = _entry_ties(columns, scored, -facts.submitted_at, size)
    pick = np.flatnonzero(keep)
    return EntryColumns(
        ids=ids[pick], organisation=facts.organisation_id[pick], region=facts.region_id[pick],
        category=facts.category_id[pick], has_evidence=facts.has_evidence[pick],
        stage=stage[pick], cents=cents[pick],
        ties=_subset(ties, pick),
        rounds=[_picked(c, pick) for c in columns])


def _picked(columns: RoundColumns, pick: Ints) -> RoundColumns:
    exact = columns.exact
    return RoundColumns(
        spec=columns.spec, scored=columns.scored[pick], cents=columns.cents[pick],
        judges=columns.judges[pick],
        std_dev=columns.std_dev[pick], range=columns.range[pick], disagreement=columns.disagreement[pick],
        exact=lambda i: exact(int(pick[i])),
        heaviest=(columns.heaviest[0][pick], columns.heaviest[1][pick]),
        top=(columns.top[0][pick], columns.top[1][pick]))


def _final_cents(columns: list[RoundColumns], scored: NDArray[np.bool_], size: int) -> Ints:
    """One round: its shown score. Several: the weighted exact scores, shown, per innovation."""
    if len(columns) == 1:
        return columns[0].cents.copy()
    cents = np.zeros(size, dtype=np.int64)
    for i in range(size):
        reached = [(c.spec, c.exact(i)) for c, has in zip(columns, scored[:, i], strict=True) if has]
        if reached:
            cents[i] = int(shown(final_score(reached)).scaleb(2))
    return cents


def _entry_ties(columns: list[RoundColumns], scored: NDArray[np.bool_], submitted: Floats,
                size: int) -> TieColumns:
    """As :func:`competition.ranking.results.tiebreak_values`: the last round's heaviest-criterion
    share, the share of top marks over every round, the first submission."""
    heaviest_sum = np.zeros(size, dtype=np.int64)
    heaviest_den = np.zeros(size, dtype=np.int64)
    top_sum, marks = np.zeros(size, dtype=np.int64), np.zeros(size, dtype=np.int64)
    for number, column in enumerate(columns):
        last = column.scored & ~scored[number + 1:].any(axis=0)
        maximum = column.spec.heaviest_maximum or 0
        given, count = column.heaviest
        heaviest_sum = np.where(last, given, heaviest_sum)
        heaviest_den = np.where(last, count * maximum, heaviest_den)   # 0: no value
        top_sum += column.top[0]
        marks += column.top[1]
    return TieColumns(fractions={"heaviest_criterion": reduced(Fractions(heaviest_sum, heaviest_den)),
                                 "top_marks": Fractions(top_sum, marks)},
                      floats={"earlier_submission": submitted})


def _entry_result(entries: EntryColumns, ranking: Ranking, bands: Any, chain: Sequence[str],
                  position: int) -> EntryResult:
    index = int(ranking.order[position])
    rule, compared = compared_values(ranking, position, chain, entries.ids, entries.ties)
    score = _hundredths(entries.cents[index])
    return EntryResult(
        entry_id=int(entries.ids[index]), score=score, stage=int(entries.stage[index]),
        place=int(ranking.place[position]), shared=bool(ranking.shared[position]), separated_by=rule,
        band=predikat(score, bands, has_evidence=bool(entries.has_evidence[index])),
        rounds=tuple(c.round_score(index) for c in entries.rounds if c.scored[index]), compared=compared)


def compute(inputs: CompetitionInputs) -> Results:
    """:func:`competition.ranking.results.compute_results` on arrays."""
    entries = _entry_columns(inputs)
    # The overall ranking has no organiser's decisions (they belong to awards): that rule values
    # nobody, so it never splits, and the rules keep their places in the chain.
    entries.ties.floats["organiser_decision"] = np.full(len(entries.ids), np.nan)
    chain = list(inputs.chain)
    try:
        ranking = rank_arrays(entries.ids, entries.stage, entries.cents, entries.ties.arrays(chain))
    except NeedsReadable:
        return _readable_ranking(inputs, entries, [rule for rule in chain if rule != "organiser_decision"])
    rows = Rows(len(entries.ids), lambda p: _entry_result(entries, ranking, inputs.bands, chain, p))
    position_of = np.empty(len(entries.ids), dtype=np.int64)
    position_of[ranking.order] = np.arange(len(entries.ids))

    def find(entry_id: int) -> EntryResult | None:
        index = int(np.searchsorted(entries.ids, entry_id))
        if index >= len(entries.ids) or entries.ids[index] != entry_id:
            return None
        return rows[int(position_of[index])]

    return Results(entries=rows, awards=_awards(inputs, entries, ranking), find=find)


def _outcomes(entries: EntryColumns) -> list[EntryOutcome]:
    rules = ("heaviest_criterion", "top_marks", "earlier_submission")
    return [EntryOutcome(entry_id=int(entries.ids[i]), organisation_id=int(entries.organisation[i]),
                         region_id=int(entries.region[i]),
                         category_id=None if entries.category[i] == NO_CATEGORY else int(entries.category[i]),
                         score=_hundredths(entries.cents[i]), stage=int(entries.stage[i]),
                         tiebreak={rule: entries.ties.value(rule, i) for rule in rules})
            for i in range(len(entries.ids))]


def _readable_ranking(inputs: CompetitionInputs, entries: EntryColumns, chain: list[str]) -> Results:
    outcomes = _outcomes(entries)
    index = {o.entry_id: i for i, o in enumerate(outcomes)}
    placings = rank([Contender(key=o.entry_id, score=o.score, stage=o.stage, tiebreak=o.tiebreak)
                     for o in outcomes], chain)
    rows = tuple(EntryResult(
        entry_id=p.key, score=p.score, stage=p.stage, place=p.place, shared=p.shared,
        separated_by=p.separated_by,
        band=predikat(p.score, inputs.bands, has_evidence=bool(entries.has_evidence[index[p.key]])),
        rounds=tuple(c.round_score(index[p.key]) for c in entries.rounds if c.scored[index[p.key]]),
        compared=p.compared) for p in placings)
    awards = award_results(inputs.awards, outcomes, chain=inputs.chain, decisions=inputs.decisions,
                           one_award_per_organisation=inputs.one_award_per_organisation)
    return Results(entries=rows, awards=tuple(awards))


# -- awards ---------------------------------------------------------------------------------------

def _awards(inputs: CompetitionInputs, entries: EntryColumns, ranking: Ranking) -> tuple[AwardResult, ...]:
    try:
        awarded: set[int] = set()
        return tuple(_award(award, inputs, entries, awarded, ranking) for award in inputs.awards)
    except NeedsReadable:
        return tuple(award_results(inputs.awards, _outcomes(entries), chain=inputs.chain,
                                   decisions=inputs.decisions,
                                   one_award_per_organisation=inputs.one_award_per_organisation))


def _group_mean(values: Fractions, members: Ints, groups: int) -> Fractions:
    """Per subject, the mean of its members' fractions (members without a value left out)."""
    valid = values.denominator > 0
    denominators = np.unique(values.denominator[valid]).tolist()
    common = reduce(math.lcm, denominators, 1)
    if common >= EXACT_DENOMINATOR:
        raise NeedsReadable("tie-break fractions too fine to add exactly")
    scaled = np.where(valid, values.numerator * (common // np.maximum(values.denominator, 1)), 0)
    numerator, count = np.zeros(groups, dtype=np.int64), np.zeros(groups, dtype=np.int64)
    np.add.at(numerator, members, scaled)
    np.add.at(count, members, valid.astype(np.int64))
    return reduced(Fractions(numerator, count * common))


def _subject_cents(award: AwardSpec, member_cents: Ints, members: Ints, groups: int) -> Ints:
    """The subject's score from its innovations' shown scores, as :func:`subject_score` does."""
    total, count = np.zeros(groups, dtype=np.int64), np.bincount(members, minlength=groups).astype(np.int64)
    np.add.at(total, members, member_cents)
    if award.policy == "sum":
        return total
    if award.policy == "mean":
        return _cents(total, count * 100)
    if award.policy == "index":
        # total / max(floor, n) + bonus × min(n, cap), in hundredths: bonus = b / d exactly.
        scale = award.count_bonus.denominator
        largest = int(total.max(initial=0)) * scale + max(int(count.max(initial=0)), award.index_floor) * (
            abs(award.count_bonus.numerator) * 100 * award.count_bonus_cap)
        if largest >= SAFE // 400:
            raise NeedsReadable("index policy too large for 64-bit hundredths")
        divisor = np.maximum(count, award.index_floor)
        numerator = total * scale + divisor * (award.count_bonus.numerator * 100 * np.minimum(
            count, award.count_bonus_cap))
        return _cents(numerator, divisor * scale * 100)
    raise ValueError(f"unknown award policy {award.policy!r}")


def _award(award: AwardSpec, inputs: CompetitionInputs, entries: EntryColumns, awarded: set[int],
           entry_ranking: Ranking) -> AwardResult:
    eligible = np.flatnonzero(entries.category == award.category_id) if award.category_id is not None \
        else np.arange(len(entries.ids))
    subject_of = {"innovation": entries.ids, "organisation": entries.organisation,
                  "region": entries.region}[award.subject][eligible]
    subjects, members = np.unique(subject_of, return_inverse=True)
    size = len(subjects)
    member_cents = entries.cents[eligible]
    ties = TieColumns()
    if award.subject == "innovation":   # one member per subject: the innovation itself
        order = eligible[np.argsort(members)]
        cents, stage = entries.cents[order], entries.stage[order]
        ties = _subset(entries.ties, order)
        owner = entries.organisation[order]
    else:
        cents, stage = _subject_cents(award, member_cents, members, size), np.ones(size, dtype=np.int64)
        for rule in ("heaviest_criterion", "top_marks"):
            fractions = entries.ties.fractions[rule]
            ties.fractions[rule] = _group_mean(Fractions(fractions.numerator[eligible],
                                                         fractions.denominator[eligible]), members, size)
        earliest = np.full(size, -np.inf)
        submitted = entries.ties.floats["earlier_submission"][eligible]
        np.fmax.at(earliest, members, submitted)
        ties.floats["earlier_submission"] = np.where(np.isneginf(earliest), np.nan, earliest)
        owner = subjects if award.subject == "organisation" else np.full(size, -1, dtype=np.int64)
    decided = inputs.decisions.get(award.id, {})
    ties.floats["organiser_decision"] = np.array(
        [-decided[s] if s in decided else np.nan for s in subjects.tolist()], dtype=np.float64)

    passed = np.isin(owner, list(awarded)) if inputs.one_award_per_organisation and awarded else \
        np.zeros(size, dtype=bool)
    contenders = np.flatnonzero(~passed)
    if award.subject == "innovation" and award.category_id is None and not decided and not passed.any():
        ranking = entry_ranking   # every innovation, nothing decided: the overall ranking itself
    else:
        ranking = rank_arrays(subjects[contenders], stage[contenders], cents[contenders],
                              [values[contenders] for values in ties.arrays(inputs.chain)])
    by_member = np.lexsort((entries.ids[eligible], -member_cents, members))
    bounds = np.searchsorted(members[by_member], np.arange(size + 1))
    member_ids = entries.ids[eligible][by_member]
    counts = np.diff(bounds)
    contender_ties = _subset(ties, contenders)

    def placed(position: int) -> AwardRow:
        local = int(ranking.order[position])
        subject = int(contenders[local])
        rule, compared = compared_values(ranking, position, inputs.chain, subjects[contenders],
                                         contender_ties)
        place = int(ranking.place[position])
        return AwardRow(subject_id=int(subjects[subject]), score=_hundredths(cents[subject]),
                        entries=int(counts[subject]), place=place,
                        position=place if place <= award.positions else None, separated_by=rule,
                        shared=bool(ranking.shared[position]), passed_over=False, compared=compared,
                        members=tuple(member_ids[bounds[subject]:bounds[subject + 1]].tolist()))

    passed_ids = np.flatnonzero(passed)
    passed_order = passed_ids[np.lexsort((subjects[passed_ids], -cents[passed_ids]))]

    def passed_over(position: int) -> AwardRow:
        subject = int(passed_order[position])
        return AwardRow(subject_id=int(subjects[subject]), score=_hundredths(cents[subject]),
                        entries=int(counts[subject]), place=None, position=None, separated_by=None,
                        shared=False, passed_over=True,
                        members=tuple(member_ids[bounds[subject]:bounds[subject + 1]].tolist()))

    placed_count = len(contenders)
    winners = ranking.order[ranking.place <= award.positions]
    awarded.update(int(o) for o in owner[contenders[winners]].tolist() if o >= 0)
    rows = Rows(placed_count + len(passed_order),
                lambda p: placed(p) if p < placed_count else passed_over(p - placed_count))
    return AwardResult(award_id=award.id, rows=rows)


def _subset(ties: TieColumns, pick: Ints) -> TieColumns:
    return TieColumns(fractions={rule: Fractions(f.numerator[pick], f.denominator[pick])
                                 for rule, f in ties.fractions.items()},
                      floats={rule: v[pick] for rule, v in ties.floats.items()})
