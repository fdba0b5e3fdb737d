"""The whole results computation for a competition, from plain inputs to ranked rows, exactly.

Round by round, each judge's confirmed sheet is summarised in whole numbers (the points behind the
total, the mark on the heaviest criterion, top marks and marks given: :func:`summarise_sheet`, or
the same sums done by the database); totals are optionally normalised per judge, then combined
across judges with the round's method. An innovation's exact final score is the weighted
combination of the rounds it was scored in, and its score is that value shown: two places,
half-up (:mod:`competition.ranking.exact`). Innovations are ranked first by how many rounds they
reached, then by score as shown, then by the tie-break chain:

- heaviest criterion: the mean share (mark ÷ maximum) the judges gave on the last round's heaviest
  criterion;
- top marks: the share of marks on weighted criteria that were the criterion's maximum;
- earlier submission: the first submission, whatever happened after it.

Bands and awards follow, from the same shown scores.

:func:`canonical_json` gives the one text form that is hashed when results are sealed; inputs
survive :func:`inputs_to_data` / :func:`inputs_from_data` unchanged, so a sealed set can be
recomputed from what was stored.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from competition.ranking.aggregation import combine, spread
from competition.ranking.awards import AwardResult, AwardRow, AwardSpec
from competition.ranking.bands import IID_BANDS, Band
from competition.ranking.exact import exact, rounded_text, shown, text
from competition.ranking.normalisation import normalise_by_judge
from competition.ranking.tables import EntryFacts, EntryTable, SheetTable
from competition.ranking.tiebreaks import DEFAULT_CHAIN, Compared, TieValue
from competition.ranking.totals import (
    CriterionSpec,
    RoundScale,
    SheetRules,
    SheetSummary,
    heaviest_criterion,
    round_scale,
    rubric_range,
    summarise_sheet,
)

# The way results are worked out; a sealed version records it, and is recomputed only by the same.
METHOD = 2
# What a sealed version's hash covers (see seal_hash): 1, its inputs and rows; 2, also the
# competition, the version's number, who sealed it and when.
SEAL_FORMAT = 2


@dataclass(frozen=True)
class RoundSpec:
    id: int
    position: int
    weight: Fraction
    aggregation: str
    normalise: bool
    criteria: tuple[CriterionSpec, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight", exact(self.weight))

    @property
    def scale(self) -> RoundScale:
        return round_scale(self.criteria)

    @property
    def heaviest_maximum(self) -> int | None:
        """The heaviest criterion's maximum in ten-thousandths."""
        heaviest = heaviest_criterion(self.criteria)
        return None if heaviest is None else int(heaviest.max_value * 10_000)


@dataclass(frozen=True)
class ScoreSheet:
    """One judge's confirmed values for one entry in one round (criterion id -> value)."""

    round_id: int
    entry_id: int
    judge_id: int
    values: Mapping[int, float | Fraction]


@dataclass(frozen=True)
class CompetitionInputs:
    rounds: tuple[RoundSpec, ...]
    sheets: tuple[SheetSummary, ...] | SheetTable
    entries: tuple[EntryFacts, ...] | EntryTable
    awards: tuple[AwardSpec, ...] = ()
    chain: tuple[str, ...] = DEFAULT_CHAIN
    bands: tuple[Band, ...] = IID_BANDS
    disagreement_threshold: Fraction = Fraction(20)
    one_award_per_organisation: bool = True
    decisions: Mapping[int, Mapping[int, int]] = field(default_factory=dict)
    # How units under an OPD took part ("own" or "parent"); entries' organisation_id is already
    # the entrant under it.
    units_compete: str = "own"

    def __post_init__(self) -> None:
        object.__setattr__(self, "disagreement_threshold", exact(self.disagreement_threshold))


@dataclass(slots=True)
class RoundScore:
    round_id: int
    score: Decimal          # the round score as shown
    judges: int
    std_dev: Decimal        # the judges' spread, shown
    range: Decimal
    disagreement: bool


@dataclass(slots=True)
class EntryResult:
    entry_id: int
    score: Decimal
    stage: int
    place: int
    shared: bool
    separated_by: str | None
    band: str
    rounds: tuple[RoundScore, ...]
    compared: Compared = ()


@dataclass(frozen=True)
class Results:
    entries: Sequence[EntryResult]     # best first
    awards: Sequence[AwardResult]
    # One innovation's row by its id, without reading the others (the arrays know where it is).
    find: Callable[[int], EntryResult | None] | None = field(default=None, compare=False, repr=False)


def entry_result_of(results: Results, entry_id: int) -> EntryResult | None:
    """The row of one innovation."""
    if results.find is not None:
        return results.find(entry_id)
    return next((e for e in results.entries if e.entry_id == entry_id), None)


def summarise(sheets: Iterable[ScoreSheet], rounds: Iterable[RoundSpec]) -> tuple[SheetSummary, ...]:
    """Summaries of raw score sheets, in (round, entry, judge) order."""
    criteria = {r.id: SheetRules.of(r.criteria) for r in rounds}
    return tuple(sorted((summarise_sheet(s.round_id, s.entry_id, s.judge_id, s.values, criteria[s.round_id])
                         for s in sheets), key=lambda s: (s.round_id, s.entry_id, s.judge_id)))


def judge_totals(round_: RoundSpec, sheets: Iterable[SheetSummary]) -> dict[tuple[int, int], Fraction]:
    """Each judge's total per (entry, judge), normalised when the round normalises."""
    scale = round_.scale
    totals = {(s.entry_id, s.judge_id): scale.total(s.points) for s in sheets}
    if round_.normalise:
        totals = normalise_by_judge(totals, rubric_range(round_.criteria))
    return totals


def exact_round_scores(round_: RoundSpec, sheets: Iterable[SheetSummary],
                       threshold: Fraction) -> dict[int, tuple[Fraction, RoundScore]]:
    """Each entry's exact score in one round, and the round score as shown."""
    by_entry: dict[int, list[Fraction]] = defaultdict(list)
    for (entry, _), value in sorted(judge_totals(round_, sheets).items()):
        by_entry[entry].append(value)
    scores = {}
    for entry, values in by_entry.items():
        score = combine(round_.aggregation, values)
        stats = spread(values, threshold)
        scores[entry] = (score, RoundScore(round_id=round_.id, score=shown(score), judges=stats.judges,
                                           std_dev=shown(stats.std_dev), range=shown(stats.range),
                                           disagreement=stats.disagreement))
    return scores


def round_scores(round_: RoundSpec, sheets: Iterable[SheetSummary],
                 threshold: Fraction | float) -> dict[int, RoundScore]:
    """Each entry's score in one round, as shown."""
    return {entry: shown_score for entry, (_, shown_score)
            in exact_round_scores(round_, sheets, exact(threshold)).items()}


def final_score(scored: list[tuple[RoundSpec, Fraction]]) -> Fraction:
    """The rounds' exact scores weighted by the rounds' weights (equally, if none has weight)."""
    total_weight = sum((r.weight for r, _ in scored), Fraction(0))
    if total_weight <= 0:
        return sum((score for _, score in scored), Fraction(0)) / len(scored)
    return sum((r.weight * score for r, score in scored), Fraction(0)) / total_weight


def tiebreak_values(last_round: RoundSpec, sheets: list[SheetSummary],
                    submitted_at: float | None) -> dict[str, TieValue | None]:
    """An innovation's tie-break values (higher is better) from its confirmed sheets."""
    maximum = last_round.heaviest_maximum
    heaviest = [s.heaviest for s in sheets if s.round_id == last_round.id and s.heaviest is not None]
    marks = sum(s.marks for s in sheets)
    return {
        "heaviest_criterion": (Fraction(sum(heaviest), maximum * len(heaviest))
                               if heaviest and maximum else None),
        "top_marks": Fraction(sum(s.top_marks for s in sheets), marks) if marks else None,
        "earlier_submission": None if submitted_at is None else -submitted_at,
    }


def compute_results(inputs: CompetitionInputs) -> Results:
    """The results: on arrays (:mod:`competition.ranking.vectorised`), giving exactly what the
    readable computation in tests/ranking/reference.py gives, at national scale in under a second."""
    from competition.ranking.vectorised import compute

    return compute(inputs)


# -- canonical form -----------------------------------------------------------------------------

def _plain(value: Any, *, inputs: bool) -> Any:
    """Data for JSON: decimals as text ("70.03"); exact inputs as the decimals they are ("0.05");
    tie-break shares rounded to six places to be read (the comparison itself was exact)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Fraction):
        return text(value) if inputs else rounded_text(value)
    if isinstance(value, float):
        return value + 0.0  # "+ 0.0" turns -0.0 into 0.0
    if isinstance(value, dict):
        return {str(k): _plain(v, inputs=inputs) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, inputs=inputs) for v in value]
    return value


def _compared_data(compared: Compared, written: dict[Compared, list[list[Any]]]) -> list[list[Any]]:
    """The values a tie compared, as text; members of one group share one record, written once."""
    if compared not in written:
        places = 6   # enough places that values the rule told apart read apart
        while places < 20 and len({rounded_text(Fraction(v), places) for _, v in compared}) < len(
                {Fraction(v) for _, v in compared}):
            places += 1
        written[compared] = [[key, rounded_text(value, places) if isinstance(value, Fraction)
                              else _plain(value, inputs=False)] for key, value in compared]
    return [list(pair) for pair in written[compared]]


def _entry_data(entry: EntryResult, written: dict[Compared, list[list[Any]]]) -> dict[str, Any]:
    return {"entry_id": entry.entry_id, "score": str(entry.score), "stage": entry.stage, "place": entry.place,
            "shared": entry.shared, "separated_by": entry.separated_by, "band": entry.band,
            "rounds": [{"round_id": r.round_id, "score": str(r.score), "judges": r.judges,
                        "std_dev": str(r.std_dev), "range": str(r.range), "disagreement": r.disagreement}
                       for r in entry.rounds],
            "compared": _compared_data(entry.compared, written)}


def _row_data(row: AwardRow, written: dict[Compared, list[list[Any]]]) -> dict[str, Any]:
    return {"subject_id": row.subject_id, "score": str(row.score), "entries": row.entries, "place": row.place,
            "position": row.position, "separated_by": row.separated_by, "shared": row.shared,
            "passed_over": row.passed_over, "compared": _compared_data(row.compared, written),
            "members": list(row.members)}


def results_to_data(results: Results) -> dict[str, Any]:
    """The ranked rows as sealed: every score as its two-place text ("70.03")."""
    written: dict[Compared, list[list[Any]]] = {}
    return {"entries": [_entry_data(e, written) for e in results.entries],
            "awards": [{"award_id": a.award_id, "rows": [_row_data(r, written) for r in a.rows]}
                       for a in results.awards]}


def inputs_to_data(inputs: CompetitionInputs) -> dict[str, Any]:
    data = _plain(asdict(replace(inputs, sheets=(), entries=())), inputs=True)
    data["sheets"] = [asdict(s) for s in inputs.sheets]
    data["entries"] = [asdict(e) for e in sorted(inputs.entries, key=lambda e: e.id)]
    data["decisions"] = {str(a): {str(s): r for s, r in sorted(d.items())}
                         for a, d in sorted(inputs.decisions.items())}
    data["method"] = METHOD
    return data


def inputs_from_data(data: Mapping[str, Any]) -> CompetitionInputs:
    """Inputs as sealed. :raises ValueError: for a version sealed by another method."""
    if data.get("method") != METHOD:
        raise ValueError(f"sealed by method {data.get('method', 1)}, not {METHOD}")
    return CompetitionInputs(
        rounds=tuple(RoundSpec(**{**r, "criteria": tuple(CriterionSpec(**c) for c in r["criteria"])})
                     for r in data["rounds"]),
        sheets=tuple(SheetSummary(**s) for s in data["sheets"]),
        entries=tuple(EntryFacts(**e) for e in data["entries"]),
        awards=tuple(AwardSpec(**a) for a in data["awards"]),
        chain=tuple(data["chain"]),
        bands=tuple(Band(**b) for b in data["bands"]),
        disagreement_threshold=data["disagreement_threshold"],
        one_award_per_organisation=data["one_award_per_organisation"],
        decisions={int(a): {int(s): r for s, r in d.items()} for a, d in data["decisions"].items()},
        units_compete=data.get("units_compete", "own"),
    )


def canonical_json(data: Any) -> str:
    """The one text form of ``data``: sorted keys, no spaces, UTF-8 text, no NaN."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def seal_hash(inputs_data: Mapping[str, Any], results_data: Mapping[str, Any],
              sealed: Mapping[str, Any] | None = None) -> str:
    """SHA-256 of the canonical form of a result set's inputs and ranked rows, and (format 2,
    :data:`SEAL_FORMAT`) of ``sealed``: the competition, the version's number, who sealed it and
    when. Format 1, without them, is how versions were sealed before."""
    data = {"inputs": inputs_data, "results": results_data}
    text = canonical_json(data if sealed is None else {**data, "sealed": sealed})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
