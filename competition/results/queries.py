"""What the results are made of, for people to read: one innovation's sealed result, worked out
from the sealed version alone, and the organiser's draft with names and every judge's sheet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from sqlalchemy import select

from competition.extensions import db
from competition.judging.sheets import raw_sheets
from competition.models import (
    Award,
    Competition,
    Criterion,
    Entry,
    Organisation,
    ResultSet,
    Round,
    TieDecision,
    User,
)
from competition.ranking.awards import AwardRow
from competition.ranking.exact import as_score, exact, shown
from competition.ranking.results import (
    CompetitionInputs,
    EntryResult,
    Results,
    compute_results,
    entry_result_of,
    judge_totals,
)
from competition.ranking.tables import SheetTable
from competition.ranking.totals import SCALE_TOP, CriterionSpec, heaviest_criterion
from competition.results.operations import AGREEMENT, build_inputs
from competition.results.standings import subject_names

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
    # What the page shows: a page of the innovations and of each award, the results of every
    # innovation on them (for its breakdown), and which page each list is on, of how many.
    entry_rows: list[EntryResult] = field(default_factory=list)
    award_rows: dict[int, list[AwardRow]] = field(default_factory=dict)
    placed: dict[int, EntryResult] = field(default_factory=dict)
    pages: dict[str, tuple[int, int]] = field(default_factory=dict)   # "entries" or "award-<id>"
    heaviest_name: str | None = None   # the last round's heaviest criterion, by name

    def subject_name(self, award: Award, subject_id: int) -> str:
        if award.subject == "innovation":
            return self.entries[subject_id].title if subject_id in self.entries else f"#{subject_id}"
        return self.subjects.get((award.subject, subject_id), f"#{subject_id}")


PAGE_SIZE = 50   # innovations, or an award's rows, per page of the draft
LISTED = 5       # innovations of an OPD's or region's row broken down on that page


def _page(total: int, wanted: int, size: int | None = None, *, clamp: bool = True) -> tuple[int, int, slice]:
    """The page ``wanted`` of ``total`` items, ``size`` a page: (page, pages, its slice). A page past
    the last is the last one, or (``clamp`` false, for the API) empty."""
    size = size or PAGE_SIZE
    pages = max(1, -(-total // size))
    page = min(max(1, wanted), pages) if clamp else max(1, wanted)
    return page, pages, slice((page - 1) * size, page * size)


def results_preview(competition: Competition, *, entries_page: int = 1,
                    award_pages: Mapping[int, int] | None = None, award_page: int = 1,
                    page_size: int | None = None, clamp: bool = True) -> ResultsPreview:
    """:func:`preview_results` with the names and sheets behind what one page shows — a page of
    fifty innovations and of each award (``award_page`` for awards not in ``award_pages``) — in a
    fixed number of queries however many innovations there are."""
    inputs = build_inputs(competition)
    results = compute_results(inputs)
    awards = tuple(db.session.scalars(select(Award).where(Award.competition_id == competition.id)
                                      .order_by(Award.position)))

    pages: dict[str, tuple[int, int]] = {}
    page, count, shown_slice = _page(len(results.entries), entries_page, page_size, clamp=clamp)
    pages["entries"] = (page, count)
    entry_rows = list(results.entries[shown_slice])
    award_rows: dict[int, list[AwardRow]] = {}
    for award, result in zip(awards, results.awards, strict=True):
        page, count, shown_slice = _page(len(result.rows), (award_pages or {}).get(award.id, award_page),
                                         page_size, clamp=clamp)
        pages[f"award-{award.id}"] = (page, count)
        award_rows[award.id] = list(result.rows[shown_slice])
    members = {(award_id, row.subject_id): tuple(row.members)
               for award_id, rows in award_rows.items() for row in rows}
    shown_ids = ({e.entry_id for e in entry_rows} | {m for ids in members.values() for m in ids[:LISTED]})
    placed = {entry_id: row for entry_id in sorted(shown_ids)
              if (row := entry_result_of(results, entry_id)) is not None}

    entries = {row.id: EntryNames(title=row.title, organisation_id=row.organisation_id,
                                  organisation=row.name, region_id=row.region_id)
               for row in db.session.execute(
                   select(Entry.id, Entry.title, Entry.organisation_id, Organisation.name,
                          Organisation.region_id)
                   .join(Organisation, Organisation.id == Entry.organisation_id)
                   .where(Entry.id.in_(sorted(shown_ids))))}
    decisions = {(d.award_id, d.subject_id): d for d in db.session.scalars(
        select(TieDecision).join(Award).where(Award.competition_id == competition.id))}
    rounds = _round_columns(inputs)
    last = max(inputs.rounds, key=lambda r: r.position, default=None)
    heaviest = heaviest_criterion(last.criteria) if last else None
    return ResultsPreview(
        results=results, rounds=rounds, sheets=_judge_lines(inputs, sorted(shown_ids)),
        entries=entries, awards=awards, subjects=_subject_names(awards, award_rows, decisions),
        members=members, chain=tuple(competition.tie_break_chain), decisions=decisions,
        entry_rows=entry_rows, award_rows=award_rows, placed=placed, pages=pages,
        heaviest_name=next((c.name for c in rounds[-1].criteria if heaviest and c.id == heaviest.id), None))


def _round_columns(inputs: CompetitionInputs) -> tuple[RoundColumns, ...]:
    names = rubric_names([r.id for r in inputs.rounds])
    return tuple(
        RoundColumns(id=r.id, name=names.get(("round", r.id), f"#{r.position}"), position=r.position,
                     weight=r.weight, aggregation=r.aggregation, normalise=r.normalise,
                     criteria=tuple(CriterionColumn(id=c.id, name=names.get(("criterion", c.id), f"#{c.id}"),
                                                    weight=c.weight, max_value=c.max_value, counts=c.counts)
                                    for c in r.criteria))
        for r in sorted(inputs.rounds, key=lambda r: r.position))


def _judge_lines(inputs: CompetitionInputs,
                 entry_ids: Sequence[int]) -> dict[tuple[int, int], tuple[JudgeLine, ...]]:
    """Each judge's sheet of the innovations shown: values, total and normalised total."""
    if not entry_ids or not inputs.rounds:
        return {}
    wanted = set(entry_ids)
    normalised: dict[tuple[int, int, int], Decimal] = {}
    totals_by_sheet: dict[tuple[int, int, int], Decimal] = {}
    all_sheets = inputs.sheets
    for spec in inputs.rounds:
        scale = spec.scale
        if isinstance(all_sheets, SheetTable):
            of_round = all_sheets.of_round(spec.id)
            shown_sheets = list(of_round.where(np.isin(of_round.entry_id, sorted(wanted))))
        else:
            of_round_list = [s for s in all_sheets if s.round_id == spec.id]
            shown_sheets = [s for s in of_round_list if s.entry_id in wanted]
        for s in shown_sheets:
            totals_by_sheet[(spec.id, s.entry_id, s.judge_id)] = shown(scale.total(s.points))
        if spec.normalise:   # normalising needs every sheet of the round
            every = (list(all_sheets.of_round(spec.id)) if isinstance(all_sheets, SheetTable)
                     else of_round_list)
            for (entry_id, judge_id), value in judge_totals(spec, every).items():
                if entry_id in wanted:
                    normalised[(spec.id, entry_id, judge_id)] = shown(value)
    raw = raw_sheets([r.id for r in inputs.rounds], entry_ids)
    judge_names = dict(db.session.execute(select(User.id, User.name).where(
        User.id.in_({s.judge_id for s in raw}))).all()) if raw else {}
    sheets: dict[tuple[int, int], list[JudgeLine]] = {}
    for sheet in raw:
        key = (sheet.round_id, sheet.entry_id, sheet.judge_id)
        sheets.setdefault((sheet.round_id, sheet.entry_id), []).append(JudgeLine(
            judge_id=sheet.judge_id, judge=judge_names.get(sheet.judge_id, f"#{sheet.judge_id}"),
            values={cid: exact(v) for cid, v in sheet.values.items()},
            total=totals_by_sheet.get(key, shown(0)), normalised=normalised.get(key)))
    return {key: tuple(lines) for key, lines in sheets.items()}


def _subject_names(awards: Sequence[Award], award_rows: Mapping[int, list[AwardRow]],
                   decisions: Mapping[tuple[int, int], TieDecision]) -> dict[tuple[str, int], str]:
    """Names of the OPDs and regions the page shows (a unit's OPD under "parent" too)."""
    wanted: dict[str, set[int]] = {"organisation": set(), "region": set()}
    for award in awards:
        if award.subject in wanted:
            wanted[award.subject] |= {row.subject_id for row in award_rows.get(award.id, [])}
            wanted[award.subject] |= {s for (a, s) in decisions if a == award.id}
    return {(kind, subject): name for kind, ids in wanted.items()
            for subject, name in subject_names(kind, ids).items()}


def sealed_agreement(result_set: ResultSet) -> dict[str, Any] | None:
    """The judge-agreement annex of a sealed version, read on its own (not the whole of its rows);
    None for a version sealed before the annex was kept."""
    annex = db.session.scalar(select(ResultSet.results[AGREEMENT]).where(ResultSet.id == result_set.id))
    return annex if isinstance(annex, dict) else None
