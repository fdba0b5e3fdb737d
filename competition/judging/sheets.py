"""Reading judges' confirmed scores for the ranking maths, in set-based queries.

Each judge's sheet (one entry, one round) is summarised by the database in whole numbers — the
points behind the total, the mark on the round's heaviest criterion, top marks and marks given —
with the same arithmetic as :func:`competition.ranking.totals.summarise_sheet`: marks are read in
ten-thousandths and multiplied by whole-number factors, so SQL and Python give the same numbers.
Sealed results keep the raw scores too, and verification repeats the summary in Python.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import BigInteger, Integer, case, cast, func, select

from competition.extensions import db
from competition.models import Assignment, Round, Score
from competition.ranking.exact import INPUT_UNIT, exact, ten_thousandths
from competition.ranking.results import RoundSpec, ScoreSheet, summarise
from competition.ranking.totals import CriterionSpec, SheetSummary, counted, heaviest_criterion

# Sums the database may do in 64-bit integers: a sheet's points stay well below 2⁶³.
SQL_POINTS_LIMIT = 2 ** 62


def round_spec(round_: Round) -> RoundSpec:
    return RoundSpec(id=round_.id, position=round_.position, weight=exact(round_.weight),
                     aggregation=round_.aggregation, normalise=round_.normalise,
                     criteria=tuple(CriterionSpec(id=c.id, weight=exact(c.weight),
                                                  min_value=exact(c.min_value),
                                                  max_value=exact(c.max_value), independent=c.independent)
                                    for c in round_.criteria))


def _fits_sql(round_: RoundSpec) -> bool:
    factors = round_.scale.factors
    if not factors:
        return True
    largest_mark = max(ten_thousandths(abs(c.max_value)) for c in round_.criteria) or 1
    return max(factors.values()) * largest_mark * len(round_.criteria) < SQL_POINTS_LIMIT


def sheet_summaries(rounds: Sequence[RoundSpec],
                    entry_ids: Sequence[int] | None = None) -> list[SheetSummary]:
    """Summaries of every confirmed sheet of ``rounds`` (optionally only some entries), in
    (round, entry, judge) order."""
    in_sql = [r for r in rounds if _fits_sql(r)]
    in_python = [r for r in rounds if not _fits_sql(r)]
    summaries = _summaries_in_sql(in_sql, entry_ids) if in_sql else []
    if in_python:  # rubrics too fine for 64-bit sums: the same arithmetic on the raw marks
        summaries += summarise(raw_sheets([r.id for r in in_python], entry_ids), in_python)
    return sorted(summaries, key=lambda s: (s.round_id, s.entry_id, s.judge_id))


def _summaries_in_sql(rounds: Sequence[RoundSpec], entry_ids: Sequence[int] | None) -> list[SheetSummary]:
    factors = {cid: factor for r in rounds for cid, factor in r.scale.factors.items()}
    maxima = {c.id: ten_thousandths(c.max_value) for r in rounds for c in counted(r.criteria)}
    heaviest_ids = [h.id for r in rounds if (h := heaviest_criterion(r.criteria)) is not None]
    mark = cast(func.round(Score.value * INPUT_UNIT), BigInteger)
    criterion = Score.criterion_id
    points = func.sum(mark * case(factors, value=criterion, else_=0)) if factors else func.sum(0)
    top = (case((mark >= case(maxima, value=criterion, else_=None), 1), else_=0)
           if maxima else cast(0, Integer))
    query = (
        select(Assignment.round_id, Assignment.entry_id, Assignment.judge_id, points,
               func.max(case((criterion.in_(heaviest_ids), mark), else_=None)),
               func.sum(top),
               func.sum(case((criterion.in_(list(maxima)), 1), else_=0)))
        .join(Score, Score.assignment_id == Assignment.id)
        .where(Assignment.round_id.in_([r.id for r in rounds]), Assignment.status == "confirmed")
        .group_by(Assignment.round_id, Assignment.entry_id, Assignment.judge_id))
    if entry_ids is not None:
        query = query.where(Assignment.entry_id.in_(entry_ids))
    return [SheetSummary(round_id, entry_id, judge_id, int(points_ or 0),
                         None if heaviest is None else int(heaviest), int(top_ or 0), int(marks or 0))
            for round_id, entry_id, judge_id, points_, heaviest, top_, marks
            in db.session.connection().execute(query)]


def raw_sheets(round_ids: Sequence[int], entry_ids: Sequence[int] | None = None) -> list[ScoreSheet]:
    """Every confirmed value of ``round_ids`` (optionally only some entries), grouped per judge
    and entry."""
    values: dict[tuple[int, int, int], dict[int, float]] = {}
    query = (select(Assignment.round_id, Assignment.entry_id, Assignment.judge_id, Score.criterion_id,
                    Score.value)
             .join(Score, Score.assignment_id == Assignment.id)
             .where(Assignment.round_id.in_(round_ids), Assignment.status == "confirmed"))
    if entry_ids is not None:
        query = query.where(Assignment.entry_id.in_(entry_ids))
    for round_id, entry_id, judge_id, criterion_id, value in db.session.execute(query):
        values.setdefault((round_id, entry_id, judge_id), {})[criterion_id] = value
    return [ScoreSheet(round_id=r, entry_id=e, judge_id=j, values=dict(sorted(v.items())))
            for (r, e, j), v in sorted(values.items())]
