"""Reading judges' confirmed scores for the ranking maths, in set-based queries.

Each judge's sheet (one entry, one round) is summarised by the database: the points behind the
total, the mark on the round's heaviest criterion and the top marks — the whole numbers of
:func:`competition.ranking.totals.summarise_sheet`. The database adds ``mark × (factor × 10⁴)`` in
floating point, which is exact once rounded to the nearest whole number as long as a sheet's
points stay far below 2⁵² (checked per round; a rubric too fine for it is summarised in Python
from the raw marks instead). The rows come back through the driver's cursor straight into
arrays (:class:`competition.ranking.tables.SheetTable`): at national scale, 120,000 sheets.
Sealed results keep the raw scores too, and verification repeats the summary in Python.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np
from sqlalchemy import select

from competition.errors import UnusableSetup
from competition.extensions import db
from competition.models import Assignment, Criterion, Round, Score
from competition.ranking.exact import INPUT_UNIT, exact, ten_thousandths
from competition.ranking.results import RoundSpec, ScoreSheet, summarise
from competition.ranking.tables import NO_MARK, SheetTable
from competition.ranking.totals import CriterionSpec, SheetSummary, counted, heaviest_criterion
from workflows.messages import t

# A sheet's points, summed in floating point, round back to the exact whole number below this.
FLOAT_POINTS_LIMIT = 2 ** 40


def round_spec(round_: Round) -> RoundSpec:
    if not math.isfinite(round_.weight):
        raise UnusableSetup(t("round '%(round)s': its stored weight (%(value)s) is not a number; ask the "
                              "administrator to correct it", round=round_.name, value=round_.weight))
    return RoundSpec(id=round_.id, position=round_.position, weight=exact(round_.weight),
                     aggregation=round_.aggregation, normalise=round_.normalise,
                     criteria=tuple(criterion_spec(c) for c in round_.criteria))


def criterion_spec(criterion: Criterion) -> CriterionSpec:
    """A criterion as the ranking maths reads it.

    :raises UnusableSetup: naming the criterion, for a weight or bound stored before they were
        checked that is not a number (infinity, NaN).
    """
    for field in ("weight", "min_value", "max_value"):
        value = getattr(criterion, field)
        if not math.isfinite(value):
            raise UnusableSetup(t(
                "criterion '%(criterion)s' of round '%(round)s': its stored %(field)s (%(value)s) is not a "
                "number; remove the criterion while the round is being set up, or ask the administrator "
                "to correct it", criterion=criterion.name, round=criterion.round.name, field=field,
                value=value))
    return CriterionSpec(id=criterion.id, weight=exact(criterion.weight),
                         min_value=exact(criterion.min_value), max_value=exact(criterion.max_value),
                         independent=criterion.independent)


def _fits_sql(round_: RoundSpec) -> bool:
    factors = round_.scale.factors
    largest = sum(factor * ten_thousandths(abs(c.max_value))
                  for c in round_.criteria if (factor := factors.get(c.id)))
    return largest * (len(round_.criteria) + 1) < FLOAT_POINTS_LIMIT


def sheet_table(rounds: Sequence[RoundSpec], entry_ids: Sequence[int] | None = None) -> SheetTable:
    """Summaries of every confirmed sheet of ``rounds`` (optionally only some entries), as arrays
    in (round, entry, judge) order: as stored when each sheet was confirmed, or, for sheets
    confirmed before summaries were stored, added up from their marks."""
    if not rounds:
        return SheetTable.concat([])
    parts = [_stored_summaries(rounds, entry_ids)]
    in_sql = [r for r in rounds if _fits_sql(r)]
    in_python = [r for r in rounds if not _fits_sql(r)]
    if in_sql:
        parts.append(summed_in_sql(in_sql, entry_ids))
    if in_python:  # rubrics too fine for float sums: the same arithmetic on the raw marks
        parts.append(SheetTable.from_summaries(summarise(
            raw_sheets([r.id for r in in_python], entry_ids, unsummarised=True), in_python)))
    return SheetTable.concat(parts)


def fetch_rows(sql: str) -> list[tuple[Any, ...]]:
    """Rows through the driver's cursor, in the request's transaction: no row objects for a
    hundred thousand sheets. ``sql`` holds only numbers and names the code made."""
    cursor = db.session.connection().connection.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _where(rounds: Sequence[RoundSpec], entry_ids: Sequence[int] | None) -> str:
    return (f"a.round_id IN ({_numbers([r.id for r in rounds])}) AND a.status = 'confirmed'"
            + (f" AND a.entry_id IN ({_numbers(entry_ids)})" if entry_ids is not None else ""))


def _stored_summaries(rounds: Sequence[RoundSpec], entry_ids: Sequence[int] | None) -> SheetTable:
    if entry_ids is not None and not entry_ids:
        return SheetTable.concat([])
    rows = fetch_rows(f"SELECT a.round_id, a.entry_id, a.judge_id, a.points, "
                  f"COALESCE(a.heaviest_mark, {NO_MARK}), a.top_marks, a.marks "
                  f"FROM {Assignment.__tablename__} a WHERE {_where(rounds, entry_ids)} "
                  "AND a.points IS NOT NULL")
    table = np.fromiter(chain.from_iterable(rows), np.int64, 7 * len(rows)).reshape(-1, 7)
    return SheetTable.from_columns(*(table[:, i] for i in range(7)))


def sheet_summaries(rounds: Sequence[RoundSpec],
                    entry_ids: Sequence[int] | None = None) -> list[SheetSummary]:
    """:func:`sheet_table` as a list of summaries."""
    return list(sheet_table(rounds, entry_ids))


def _numbers(values: Sequence[int]) -> str:
    return ", ".join(str(int(v)) for v in values)


def summed_in_sql(rounds: Sequence[RoundSpec], entry_ids: Sequence[int] | None, *,
                  only_unsummarised: bool = True) -> SheetTable:
    """Sheets summarised by adding up their marks in SQL: those without a stored summary, or
    (``only_unsummarised=False``) all of them."""
    factors = {cid: factor * INPUT_UNIT for r in rounds for cid, factor in r.scale.factors.items()}
    maxima = {c.id: float(c.max_value) for r in rounds for c in counted(r.criteria)}
    heaviest_ids = [h.id for r in rounds if (h := heaviest_criterion(r.criteria)) is not None]
    marks = {r.id: len(counted(r.criteria)) for r in rounds}
    score, assignment = Score.__tablename__, Assignment.__tablename__

    def case(mapping: dict[int, float] | dict[int, int], otherwise: str) -> str:
        if not mapping:
            return otherwise
        branches = " ".join(f"WHEN {int(k)} THEN {float(v)!r}" for k, v in sorted(mapping.items()))
        return f"CASE s.criterion_id {branches} ELSE {otherwise} END"

    heaviest = (f"MAX(CASE WHEN s.criterion_id IN ({_numbers(heaviest_ids)}) THEN s.value END)"
                if heaviest_ids else "NULL")
    # Only numbers the code made go into the statement: ids, factors and maxima.
    sql = (f"SELECT a.round_id, a.entry_id, a.judge_id, SUM(s.value * {case(factors, '0.0')}), {heaviest}, "
           f"SUM(CASE WHEN s.value >= {case(maxima, 'NULL')} THEN 1 ELSE 0 END) "
           f"FROM {assignment} a JOIN {score} s ON s.assignment_id = a.id "
           f"WHERE {_where(rounds, entry_ids)}" + (" AND a.points IS NULL" if only_unsummarised else "")
           + " GROUP BY a.id")
    if entry_ids is not None and not entry_ids:
        return SheetTable.concat([])
    rows = fetch_rows(sql)
    # NULL (no heaviest criterion) becomes NaN.
    table = np.fromiter(chain.from_iterable(rows), np.float64, 6 * len(rows)).reshape(-1, 6)
    round_ids = table[:, 0].astype(np.int64)
    heaviest_marks = table[:, 4]
    marks_given = np.zeros(len(rows), dtype=np.int64)
    for round_id, count in marks.items():
        marks_given[round_ids == round_id] = count
    return SheetTable.from_columns(
        round_ids, table[:, 1].astype(np.int64), table[:, 2].astype(np.int64),
        np.rint(table[:, 3]).astype(np.int64),
        np.where(np.isnan(heaviest_marks), NO_MARK, np.rint(np.nan_to_num(heaviest_marks) * INPUT_UNIT))
        .astype(np.int64),
        table[:, 5].astype(np.int64), marks_given)


def raw_sheets(round_ids: Sequence[int], entry_ids: Sequence[int] | None = None, *,
               unsummarised: bool = False) -> list[ScoreSheet]:
    """Every confirmed value of ``round_ids`` (optionally only some entries, or only sheets
    without a stored summary), grouped per judge and entry."""
    values: dict[tuple[int, int, int], dict[int, float]] = {}
    query = (select(Assignment.round_id, Assignment.entry_id, Assignment.judge_id, Score.criterion_id,
                    Score.value)
             .join(Score, Score.assignment_id == Assignment.id)
             .where(Assignment.round_id.in_(round_ids), Assignment.status == "confirmed"))
    if entry_ids is not None:
        query = query.where(Assignment.entry_id.in_(entry_ids))
    if unsummarised:
        query = query.where(Assignment.points.is_(None))
    for round_id, entry_id, judge_id, criterion_id, value in db.session.execute(query):
        values.setdefault((round_id, entry_id, judge_id), {})[criterion_id] = value
    return [ScoreSheet(round_id=r, entry_id=e, judge_id=j, values=dict(sorted(v.items())))
            for (r, e, j), v in sorted(values.items())]
