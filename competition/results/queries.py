"""What the results are made of, for people to read: one innovation's sealed result, worked out
from the sealed version alone, and the organiser's draft with names and every judge's sheet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select

from competition.extensions import db
from competition.judging.sheets import raw_sheets
from competition.models import (
    Award,
    Competition,
    Criterion,
    Entry,
    Organisation,
    Region,
    ResultSet,
    Round,
    TieDecision,
    User,
)
from competition.ranking.exact import as_score, exact, shown
from competition.ranking.results import Results, compute_results, judge_totals
from competition.ranking.totals import SCALE_TOP, CriterionSpec, heaviest_criterion
from competition.results.operations import build_inputs

# -- one innovation's sealed result ----------------------------------------------------------------

@dataclass(frozen=True)
class CriterionBreakdown:
    """One criterion of a round's rubric and the innovation's value on it, averaged across the
    judges whose confirmed scores were sealed."""

    criterion_id: int
    name: str
    weight: Fraction
    min_value: Fraction
    max_value: Fraction
    counts: bool          # independent and weightless criteria are recorded but weigh nothing
    mean: Fraction | None  # None when no judge's value for it was sealed
    judges: int


@dataclass(frozen=True)
class RoundBreakdown:
    """The innovation's score in one round and what it was made of."""

    round_id: int
    name: str
    position: int
    weight: Fraction
    aggregation: str
    normalise: bool
    score: Decimal                 # the round score as sealed
    judges: int
    weighted_mean: Decimal | None  # 100 × Σ wᵢ·(meanᵢ / maxᵢ) / Σ wᵢ over the counted criteria, shown
    criteria: tuple[CriterionBreakdown, ...]


@dataclass(frozen=True)
class AwardPlacing:
    """Where the innovation, or the OPD or region it counts for, stands in one award."""

    award_id: int
    name: str
    subject: str           # "innovation", "organisation" or "region": whose place it is
    place: int | None      # None when passed over for an earlier award
    position: int | None   # the place, when it is within the award's positions
    positions: int
    shared: bool
    passed_over: bool
    score: Decimal
    ranked: int            # subjects the award placed


@dataclass(frozen=True)
class EntryBreakdown:
    """One innovation's result in a sealed version of the results."""

    entry_id: int
    version: int
    score: Decimal
    place: int
    shared: bool
    ranked: int            # innovations in the overall ranking
    band: str | None       # None when the competition has no predikat bands
    won: bool
    awards: tuple[AwardPlacing, ...]
    rounds: tuple[RoundBreakdown, ...]


def rubric_names(round_ids: Sequence[int]) -> dict[tuple[str, int], str]:
    """The names of rounds and their criteria, keyed ("round", id) and ("criterion", id), in one
    query: sealed versions keep ids, the live rubric keeps the names."""
    names: dict[tuple[str, int], str] = {}
    if round_ids:
        for round_id, round_name, criterion_id, criterion_name in db.session.execute(
                select(Round.id, Round.name, Criterion.id, Criterion.name)
                .outerjoin(Criterion, Criterion.round_id == Round.id).where(Round.id.in_(round_ids))):
            names[("round", round_id)] = round_name
            if criterion_id is not None:
                names[("criterion", criterion_id)] = criterion_name
    return names


def heaviest_name(result_set: ResultSet) -> str | None:
    """The name of the heaviest criterion of a sealed version's last round, to say a tie broken on
    it in words ("Kebaharuan 66,3 % lawan 61,3 %")."""
    if result_set.summary is not None:
        criterion_id = result_set.summary.get("heaviest_criterion_id")
        return None if criterion_id is None else db.session.scalar(
            select(Criterion.name).where(Criterion.id == criterion_id))
    rounds = sorted(result_set.inputs["rounds"], key=lambda r: r["position"])
    if not rounds:
        return None
    criteria = tuple(CriterionSpec(id=c["id"], weight=exact(c["weight"]), min_value=exact(c["min_value"]),
                                   max_value=exact(c["max_value"]), independent=c["independent"])
                     for c in rounds[-1]["criteria"])
    heaviest = heaviest_criterion(criteria)
    return None if heaviest is None else rubric_names([rounds[-1]["id"]]).get(("criterion", heaviest.id))


def entry_result(result_set: ResultSet, entry_id: int) -> EntryBreakdown | None:
    """What ``result_set`` holds for one innovation: its final score, place and band, its place in
    every award it takes part in, and per round the judges' values on each criterion averaged,
    worked out from the sealed raw scores. ``None`` when the version gives it no score.

    Everything comes from the sealed inputs and rows; only the names of rounds and criteria,
    which the sealed inputs do not carry, are read from the rubric."""
    inputs, results = result_set.inputs, result_set.results
    row = next((e for e in results["entries"] if e["entry_id"] == entry_id), None)
    facts = next((e for e in inputs["entries"] if e["id"] == entry_id), None)
    if row is None or facts is None:
        return None

    placings = []
    award_results = {a["award_id"]: a for a in results["awards"]}
    for award in inputs["awards"]:
        if award["category_id"] is not None and award["category_id"] != facts["category_id"]:
            continue
        subject_id = {"innovation": entry_id, "organisation": facts["organisation_id"],
                      "region": facts["region_id"]}[award["subject"]]
        rows = award_results.get(award["id"], {}).get("rows", [])
        mine = next((r for r in rows if r["subject_id"] == subject_id), None)
        if mine is None:
            continue
        placings.append(AwardPlacing(
            award_id=award["id"], name=award["name"], subject=award["subject"], place=mine["place"],
            position=mine["position"], positions=award["positions"], shared=mine["shared"],
            passed_over=mine["passed_over"], score=as_score(mine["score"]),
            ranked=sum(1 for r in rows if r["place"] is not None)))

    specs = {r["id"]: r for r in inputs["rounds"]}
    round_ids = [s["round_id"] for s in row["rounds"]]
    names = rubric_names(round_ids)
    sheets: dict[int, list[dict[str, str | float]]] = {}
    for round_id, sheet_entry_id, _judge_id, values in inputs.get("scores", []):
        if sheet_entry_id == entry_id:
            sheets.setdefault(round_id, []).append(values)

    rounds = []
    for sealed in sorted(row["rounds"], key=lambda s: specs[s["round_id"]]["position"]):
        spec = specs[sealed["round_id"]]
        criteria = []
        for criterion in spec["criteria"]:
            values = [exact(v[str(criterion["id"])]) for v in sheets.get(spec["id"], [])
                      if str(criterion["id"]) in v]
            weight = exact(criterion["weight"])
            criteria.append(CriterionBreakdown(
                criterion_id=criterion["id"], name=names.get(("criterion", criterion["id"]),
                                                             f"#{criterion['id']}"),
                weight=weight, min_value=exact(criterion["min_value"]),
                max_value=exact(criterion["max_value"]),
                counts=not criterion["independent"] and weight > 0,
                mean=sum(values, Fraction(0)) / len(values) if values else None, judges=len(values)))
        rounds.append(RoundBreakdown(
            round_id=spec["id"], name=names.get(("round", spec["id"]), f"#{spec['position']}"),
            position=spec["position"], weight=exact(spec["weight"]), aggregation=spec["aggregation"],
            normalise=spec["normalise"], score=as_score(sealed["score"]), judges=sealed["judges"],
            weighted_mean=_weighted_mean(criteria), criteria=tuple(criteria)))

    return EntryBreakdown(
        entry_id=entry_id, version=result_set.version, score=as_score(row["score"]), place=row["place"],
        shared=row["shared"], ranked=len(results["entries"]),
        band=row["band"] if inputs["bands"] else None,
        won=any(p.position is not None for p in placings), awards=tuple(placings), rounds=tuple(rounds))


def _weighted_mean(criteria: Sequence[CriterionBreakdown]) -> Decimal | None:
    """The criterion means combined as a judge's total is (0–100), shown; ``None`` if one is
    missing."""
    counted = [c for c in criteria if c.counts]
    total_weight = sum((c.weight for c in counted), Fraction(0))
    if not counted or total_weight <= 0 or any(c.mean is None for c in counted):
        return None
    return shown(SCALE_TOP * sum((c.weight * (c.mean or 0) / c.max_value for c in counted), Fraction(0))
                 / total_weight)


# -- the organiser's draft, with names and every judge's sheet --------------------------------------

@dataclass(frozen=True)
class CriterionColumn:
    """A criterion as the preview's breakdown shows it."""

    id: int
    name: str
    weight: Fraction
    max_value: Fraction
    counts: bool


@dataclass(frozen=True)
class RoundColumns:
    """A round and its rubric, as the preview's breakdown shows them."""

    id: int
    name: str
    position: int
    weight: Fraction
    aggregation: str
    normalise: bool
    criteria: tuple[CriterionColumn, ...]


@dataclass(frozen=True)
class JudgeLine:
    """One judge's confirmed sheet for one innovation in one round."""

    judge_id: int
    judge: str
    values: dict[int, Fraction]     # criterion id -> the value given
    total: Decimal                  # the judge's total, 0–100, shown
    normalised: Decimal | None      # that total after per-judge normalisation, when the round normalises


@dataclass(frozen=True)
class EntryNames:
    title: str
    organisation_id: int
    organisation: str
    region_id: int


@dataclass(frozen=True)
class ResultsPreview:
    """The draft results with what a person needs to read them: names, each judge's sheet and the
    innovations behind every award row."""

    results: Results
    rounds: tuple[RoundColumns, ...]
    sheets: dict[tuple[int, int], tuple[JudgeLine, ...]]   # (round id, entry id) -> judges' sheets
    entries: dict[int, EntryNames]
    awards: tuple[Award, ...]                              # in the order of ``results.awards``
    subjects: dict[tuple[str, int], str]                   # (subject kind, id) -> name
    members: dict[tuple[int, int], tuple[int, ...]]        # (award id, subject id) -> entry ids, best first
    chain: tuple[str, ...]
    decisions: dict[tuple[int, int], TieDecision]          # (award id, subject id) -> recorded decision

    @property
    def heaviest_name(self) -> str | None:
        """The last round's heaviest criterion, by name."""
        if not self.rounds:
            return None
        counted = [c for c in self.rounds[-1].criteria if c.counts]
        return max(counted, key=lambda c: (c.weight, -c.id)).name if counted else None

    def subject_name(self, award: Award, subject_id: int) -> str:
        if award.subject == "innovation":
            return self.entries[subject_id].title
        return self.subjects.get((award.subject, subject_id), f"#{subject_id}")


def results_preview(competition: Competition) -> ResultsPreview:
    """:func:`preview_results` with the names and sheets behind it, in a fixed number of queries
    however many innovations there are."""
    inputs = build_inputs(competition)
    results = compute_results(inputs)
    round_ids = [r.id for r in inputs.rounds]

    names = rubric_names(round_ids)
    rounds = tuple(
        RoundColumns(id=r.id, name=names.get(("round", r.id), f"#{r.position}"), position=r.position,
                     weight=r.weight, aggregation=r.aggregation, normalise=r.normalise,
                     criteria=tuple(CriterionColumn(id=c.id, name=names.get(("criterion", c.id), f"#{c.id}"),
                                                    weight=c.weight, max_value=c.max_value, counts=c.counts)
                                    for c in r.criteria))
        for r in sorted(inputs.rounds, key=lambda r: r.position))

    normalised: dict[tuple[int, int, int], Decimal] = {}
    totals_by_sheet: dict[tuple[int, int, int], Decimal] = {}
    for spec in inputs.rounds:
        scale = spec.scale
        sheets_of_round = [s for s in inputs.sheets if s.round_id == spec.id]
        for s in sheets_of_round:
            totals_by_sheet[(spec.id, s.entry_id, s.judge_id)] = shown(scale.total(s.points))
        if spec.normalise:
            for (entry_id, judge_id), value in judge_totals(spec, sheets_of_round).items():
                normalised[(spec.id, entry_id, judge_id)] = shown(value)
    raw = raw_sheets(round_ids) if round_ids else []
    judge_names = dict(db.session.execute(select(User.id, User.name).where(
        User.id.in_({s.judge_id for s in raw}))).all()) if raw else {}
    sheets: dict[tuple[int, int], list[JudgeLine]] = {}
    for sheet in raw:
        key = (sheet.round_id, sheet.entry_id, sheet.judge_id)
        sheets.setdefault((sheet.round_id, sheet.entry_id), []).append(JudgeLine(
            judge_id=sheet.judge_id, judge=judge_names.get(sheet.judge_id, f"#{sheet.judge_id}"),
            values={cid: exact(v) for cid, v in sheet.values.items()},
            total=totals_by_sheet.get(key, shown(0)), normalised=normalised.get(key)))

    entries = {row.id: EntryNames(title=row.title, organisation_id=row.organisation_id,
                                  organisation=row.name, region_id=row.region_id)
               for row in db.session.execute(
                   select(Entry.id, Entry.title, Entry.organisation_id, Organisation.name,
                          Organisation.region_id)
                   .join(Organisation, Organisation.id == Entry.organisation_id)
                   .where(Entry.competition_id == competition.id))}
    awards = tuple(db.session.scalars(select(Award).where(Award.competition_id == competition.id)
                                      .order_by(Award.position)))
    subjects: dict[tuple[str, int], str] = {
        ("organisation", e.organisation_id): e.organisation for e in entries.values()}
    if any(a.subject == "region" for a in awards):
        subjects.update({("region", region_id): name for region_id, name in db.session.execute(
            select(Region.id, Region.name).where(Region.id.in_({e.region_id for e in entries.values()})))})

    score_of = {e.entry_id: e.score for e in results.entries}
    facts = {e.id: e for e in inputs.entries}
    members: dict[tuple[int, int], list[int]] = {}
    for award in awards:
        for entry_id in score_of:
            fact = facts[entry_id]
            if award.category_id is not None and fact.category_id != award.category_id:
                continue
            subject_id = {"innovation": entry_id, "organisation": fact.organisation_id,
                          "region": fact.region_id}[award.subject]
            members.setdefault((award.id, subject_id), []).append(entry_id)
    decisions = {(d.award_id, d.subject_id): d for d in db.session.scalars(
        select(TieDecision).join(Award).where(Award.competition_id == competition.id))}
    return ResultsPreview(
        results=results, rounds=rounds,
        sheets={key: tuple(lines) for key, lines in sheets.items()}, entries=entries, awards=awards,
        subjects=subjects,
        members={key: tuple(sorted(ids, key=lambda i: (-score_of[i], i))) for key, ids in members.items()},
        chain=tuple(competition.tie_break_chain), decisions=decisions)
