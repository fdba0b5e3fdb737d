"""Reading judges' confirmed scores for the ranking maths, in set-based queries.

Each judge's sheet (one entry, one round) is summarised by the database — the weighted total, the
share given on the round's heaviest criterion, the number of top marks — with the same
arithmetic as :func:`competition.ranking.totals.summarise_sheet`, rounded the same way, so the
two agree; sealed results keep the raw scores too, and verification repeats the summary in Python.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Integer, case, cast, func, select

from competition.extensions import db
from competition.models import Assignment, Criterion, Round, Score
from competition.ranking.results import RoundSpec, ScoreSheet
from competition.ranking.totals import (
    SCALE_TOP,
    SUMMARY_DECIMALS,
    CriterionSpec,
    SheetSummary,
    heaviest_criterion,
)


def round_spec(round_: Round) -> RoundSpec:
    return RoundSpec(id=round_.id, position=round_.position, weight=round_.weight,
                     aggregation=round_.aggregation, normalise=round_.normalise,
                     criteria=tuple(CriterionSpec(id=c.id, weight=c.weight, min_value=c.min_value,
                                                  max_value=c.max_value, independent=c.independent)
                                    for c in round_.criteria))


def sheet_summaries(rounds: Sequence[RoundSpec],
                    entry_ids: Sequence[int] | None = None) -> list[SheetSummary]:
    """Summaries of every confirmed sheet of ``rounds`` (optionally only some entries)."""
    if not rounds:
        return []
    heaviest_ids = [h.id for r in rounds if (h := heaviest_criterion(r.criteria)) is not None]
    counted = (Criterion.independent.is_(False)) & (Criterion.weight > 0)
    share = Score.value / Criterion.max_value
    query = (
        select(Assignment.round_id, Assignment.entry_id, Assignment.judge_id,
               func.sum(case((counted, Criterion.weight * Score.value / Criterion.max_value), else_=0.0)),
               func.sum(case((counted, Criterion.weight), else_=0.0)),
               func.max(case((Criterion.id.in_(heaviest_ids), share), else_=None)),
               func.sum(cast(case((Score.value >= Criterion.max_value, 1), else_=0), Integer)))
        .join(Score, Score.assignment_id == Assignment.id)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(Assignment.round_id.in_([r.id for r in rounds]), Assignment.status == "confirmed")
        .group_by(Assignment.round_id, Assignment.entry_id, Assignment.judge_id))
    if entry_ids is not None:
        query = query.where(Assignment.entry_id.in_(entry_ids))
    rows = sorted(db.session.connection().execute(query).all())
    return [SheetSummary(round_id, entry_id, judge_id,
                         round(SCALE_TOP * weighted / weight, SUMMARY_DECIMALS) if weight else 0.0,
                         None if heaviest is None else round(heaviest, SUMMARY_DECIMALS), int(top))
            for round_id, entry_id, judge_id, weighted, weight, heaviest, top in rows]


def raw_sheets(round_ids: Sequence[int]) -> list[ScoreSheet]:
    """Every confirmed value of ``round_ids``, grouped per judge and entry."""
    values: dict[tuple[int, int, int], dict[int, float]] = {}
    query = (select(Assignment.round_id, Assignment.entry_id, Assignment.judge_id, Score.criterion_id,
                    Score.value)
             .join(Score, Score.assignment_id == Assignment.id)
             .where(Assignment.round_id.in_(round_ids), Assignment.status == "confirmed"))
    for round_id, entry_id, judge_id, criterion_id, value in db.session.execute(query):
        values.setdefault((round_id, entry_id, judge_id), {})[criterion_id] = value
    return [ScoreSheet(round_id=r, entry_id=e, judge_id=j, values=dict(sorted(v.items())))
            for (r, e, j), v in sorted(values.items())]
