"""The whole results computation for a competition, from plain inputs to ranked rows.

Round by round, each judge's confirmed sheet is summarised (its total, the share given on the
heaviest criterion, its top marks: :func:`summarise_sheet`, or the same sums done by the database);
totals are optionally normalised per judge, then combined across judges with the round's method. An
innovation's final score is the weighted combination of the rounds it was scored in; innovations
are ranked first by how many rounds they reached, then by final score, then by the tie-break
chain. Bands and awards follow.

:func:`canonical_json` gives the one text form that is hashed when results are sealed; inputs
survive :func:`inputs_to_data` / :func:`inputs_from_data` unchanged, so a sealed set can be
recomputed from what was stored.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from competition.ranking.aggregation import combine, spread
from competition.ranking.awards import AwardResult, AwardSpec, EntryOutcome, award_results
from competition.ranking.bands import IID_BANDS, Band, predikat
from competition.ranking.normalisation import normalise_by_judge
from competition.ranking.tiebreaks import DEFAULT_CHAIN, Contender, rank
from competition.ranking.totals import CriterionSpec, SheetSummary, rubric_range, summarise_sheet

RESULT_DECIMALS = 6


@dataclass(frozen=True)
class RoundSpec:
    id: int
    position: int
    weight: float
    aggregation: str
    normalise: bool
    criteria: tuple[CriterionSpec, ...]


@dataclass(frozen=True)
class ScoreSheet:
    """One judge's confirmed values for one entry in one round (criterion id -> value)."""

    round_id: int
    entry_id: int
    judge_id: int
    values: Mapping[int, float]


@dataclass(frozen=True)
class EntryFacts:
    id: int
    organisation_id: int
    region_id: int
    category_id: int | None
    submitted_at: float | None  # the first submission, in seconds since the epoch
    has_evidence: bool = True


@dataclass(frozen=True)
class CompetitionInputs:
    rounds: tuple[RoundSpec, ...]
    sheets: tuple[SheetSummary, ...]
    entries: tuple[EntryFacts, ...]
    awards: tuple[AwardSpec, ...] = ()
    chain: tuple[str, ...] = DEFAULT_CHAIN
    bands: tuple[Band, ...] = IID_BANDS
    disagreement_threshold: float = 20.0
    one_award_per_organisation: bool = True
    decisions: Mapping[int, Mapping[int, int]] = field(default_factory=dict)


@dataclass(slots=True)
class RoundScore:
    round_id: int
    score: float
    judges: int
    std_dev: float
    range: float
    disagreement: bool


@dataclass(slots=True)
class EntryResult:
    entry_id: int
    score: float
    stage: int
    place: int
    shared: bool
    separated_by: str | None
    band: str
    rounds: tuple[RoundScore, ...]


@dataclass(frozen=True)
class Results:
    entries: tuple[EntryResult, ...]
    awards: tuple[AwardResult, ...]


def summarise(sheets: Iterable[ScoreSheet], rounds: Iterable[RoundSpec]) -> tuple[SheetSummary, ...]:
    """Summaries of raw score sheets, in (round, entry, judge) order."""
    criteria = {r.id: r.criteria for r in rounds}
    return tuple(sorted((summarise_sheet(s.round_id, s.entry_id, s.judge_id, s.values, criteria[s.round_id])
                         for s in sheets), key=lambda s: (s.round_id, s.entry_id, s.judge_id)))


def round_scores(round_: RoundSpec, sheets: Iterable[SheetSummary],
                 threshold: float) -> dict[int, RoundScore]:
    """Each entry's score in one round from its judges' summaries."""
    totals = {(s.entry_id, s.judge_id): s.total for s in sheets}
    if round_.normalise:
        totals = normalise_by_judge(totals, rubric_range(round_.criteria))
    by_entry: dict[int, list[float]] = defaultdict(list)
    for (entry, _), value in sorted(totals.items()):
        by_entry[entry].append(value)
    scores = {}
    for entry, values in by_entry.items():
        stats = spread(values, threshold)
        scores[entry] = RoundScore(round_id=round_.id, score=combine(round_.aggregation, values),
                                   judges=stats.judges, std_dev=stats.std_dev, range=stats.range,
                                   disagreement=stats.disagreement)
    return scores


def compute_results(inputs: CompetitionInputs) -> Results:
    rounds = sorted(inputs.rounds, key=lambda r: r.position)
    by_round: dict[int, list[SheetSummary]] = defaultdict(list)
    heaviest: dict[tuple[int, int], list[float]] = defaultdict(list)
    top_marks: dict[int, int] = defaultdict(int)
    for sheet in inputs.sheets:
        by_round[sheet.round_id].append(sheet)
        if sheet.heaviest_share is not None:
            heaviest[(sheet.round_id, sheet.entry_id)].append(sheet.heaviest_share)
        top_marks[sheet.entry_id] += sheet.top_marks
    scores_by_round = {r.id: round_scores(r, by_round[r.id], inputs.disagreement_threshold) for r in rounds}

    facts = {e.id: e for e in inputs.entries}
    outcomes: dict[int, EntryOutcome] = {}
    entry_rounds: dict[int, tuple[RoundScore, ...]] = {}
    for entry_id in sorted(facts):
        scored = [(r, scores_by_round[r.id][entry_id]) for r in rounds if entry_id in scores_by_round[r.id]]
        if not scored:
            continue
        total_weight = sum(r.weight for r, _ in scored)
        final = sum(r.weight * s.score for r, s in scored) / total_weight
        shares = heaviest.get((scored[-1][0].id, entry_id))
        entry = facts[entry_id]
        outcomes[entry_id] = EntryOutcome(
            entry_id=entry_id, organisation_id=entry.organisation_id, region_id=entry.region_id,
            category_id=entry.category_id, score=final, stage=len(scored),
            tiebreak={
                # fsum is the exactly rounded sum, so no order of the judges changes the mean.
                "heaviest_criterion": math.fsum(shares) / len(shares) if shares else None,
                "top_marks": float(top_marks[entry_id]),
                "earlier_submission": None if entry.submitted_at is None else -entry.submitted_at,
            })
        entry_rounds[entry_id] = tuple(s for _, s in scored)

    # The overall ranking of innovations; organisers' decisions belong to awards.
    placings = rank([Contender(key=o.entry_id, score=o.score, stage=o.stage, tiebreak=o.tiebreak)
                     for o in outcomes.values()],
                    [rule for rule in inputs.chain if rule != "organiser_decision"])
    entries = tuple(
        EntryResult(entry_id=p.key, score=p.score, stage=p.stage, place=p.place, shared=p.shared,
                    separated_by=p.separated_by,
                    band=predikat(p.score, inputs.bands, has_evidence=facts[p.key].has_evidence),
                    rounds=entry_rounds[p.key])
        for p in placings)
    awards = award_results(inputs.awards, list(outcomes.values()), chain=inputs.chain,
                           decisions=inputs.decisions,
                           one_award_per_organisation=inputs.one_award_per_organisation)
    return Results(entries=entries, awards=tuple(awards))


# -- canonical form -----------------------------------------------------------------------------

def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, RESULT_DECIMALS) + 0.0  # "+ 0.0" turns -0.0 into 0.0
    if isinstance(value, dict):
        return {str(k): _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def results_to_data(results: Results) -> dict[str, Any]:
    return _rounded(asdict(results))


def inputs_to_data(inputs: CompetitionInputs) -> dict[str, Any]:
    data = asdict(inputs)
    data["decisions"] = {str(a): {str(s): r for s, r in sorted(d.items())}
                         for a, d in sorted(inputs.decisions.items())}
    return data


def inputs_from_data(data: Mapping[str, Any]) -> CompetitionInputs:
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
    )


def canonical_json(data: Any) -> str:
    """The one text form of ``data``: sorted keys, no spaces, UTF-8 text, no NaN."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def seal_hash(inputs_data: Mapping[str, Any], results_data: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical form of a result set's inputs and ranked rows."""
    text = canonical_json({"inputs": inputs_data, "results": results_data})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
