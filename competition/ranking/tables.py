"""Judges' sheet summaries as columns (arrays), for national-scale results.

A :class:`SheetTable` holds the same whole numbers as a tuple of
:class:`competition.ranking.totals.SheetSummary` — one row per confirmed sheet — in NumPy arrays
sorted by (round, entry, judge), so that no order rows come back in can change anything. It
iterates as summaries, so the readable computation reads it too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from competition.ranking.totals import SheetSummary

NO_MARK = -1  # no mark on the heaviest criterion
NO_CATEGORY = -1
COLUMNS = ("round_id", "entry_id", "judge_id", "points", "heaviest", "top_marks", "marks")

Ints = NDArray[np.int64]


def _order(first: Ints, second: Ints, third: Ints) -> Ints:
    """The order that sorts rows by (first, second, third): one stable sort of a combined key when
    the numbers allow (fast), else a sort by each."""
    if len(first) and min(first.min(), second.min(), third.min()) >= 0:
        spans = [int(second.max()) + 1, int(third.max()) + 1]
        if (int(first.max()) + 1) * spans[0] * spans[1] < 2 ** 62:
            return np.argsort((first * spans[0] + second) * spans[1] + third, kind="stable")
    return np.lexsort((third, second, first))


@dataclass(frozen=True, eq=False)
class SheetTable:
    round_id: Ints
    entry_id: Ints
    judge_id: Ints
    points: Ints
    heaviest: Ints      # NO_MARK for none
    top_marks: Ints
    marks: Ints

    @classmethod
    def from_columns(cls, round_id: Iterable[int], entry_id: Iterable[int], judge_id: Iterable[int],
                     points: Iterable[int], heaviest: Iterable[int], top_marks: Iterable[int],
                     marks: Iterable[int]) -> SheetTable:
        given = (round_id, entry_id, judge_id, points, heaviest, top_marks, marks)
        columns = [np.asarray(c, dtype=np.int64) if isinstance(c, np.ndarray)
                   else np.fromiter(c, dtype=np.int64) for c in given]
        return cls(*(c[_order(columns[0], columns[1], columns[2])] for c in columns))

    @classmethod
    def from_summaries(cls, summaries: Iterable[SheetSummary]) -> SheetTable:
        rows = list(summaries)
        return cls.from_columns(
            (s.round_id for s in rows), (s.entry_id for s in rows), (s.judge_id for s in rows),
            (s.points for s in rows), (NO_MARK if s.heaviest is None else s.heaviest for s in rows),
            (s.top_marks for s in rows), (s.marks for s in rows))

    @classmethod
    def concat(cls, tables: Sequence[SheetTable]) -> SheetTable:
        if not tables:
            return cls(*(np.zeros(0, dtype=np.int64) for _ in COLUMNS))
        if len(tables) == 1:
            return tables[0]
        return cls.from_columns(*(np.concatenate([getattr(t, name) for t in tables]) for name in COLUMNS))

    def __len__(self) -> int:
        return len(self.round_id)

    def __iter__(self) -> Iterator[SheetSummary]:
        columns = zip(self.round_id.tolist(), self.entry_id.tolist(), self.judge_id.tolist(),
                      self.points.tolist(), self.heaviest.tolist(), self.top_marks.tolist(),
                      self.marks.tolist(), strict=True)
        for round_id, entry_id, judge_id, points, heaviest, top, marks in columns:
            yield SheetSummary(round_id, entry_id, judge_id, points,
                               None if heaviest == NO_MARK else heaviest, top, marks)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SheetTable):
            return all(np.array_equal(getattr(self, name), getattr(other, name))
                       for name in ("round_id", "entry_id", "judge_id", "points", "heaviest", "top_marks",
                                    "marks"))
        if isinstance(other, tuple | list):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def where(self, mask: NDArray[np.bool_]) -> SheetTable:
        return SheetTable(*(getattr(self, name)[mask] for name in COLUMNS))

    def of_round(self, round_id: int) -> SheetTable:
        return self.where(self.round_id == round_id)


@dataclass(frozen=True)
class EntryFacts:
    id: int
    organisation_id: int        # the entrant it competes for
    region_id: int
    category_id: int | None
    submitted_at: float | None  # the first submission, in seconds since the epoch
    has_evidence: bool = True


ENTRY_COLUMNS = ("id", "organisation_id", "region_id", "category_id", "submitted_at", "has_evidence")


@dataclass(frozen=True, eq=False)
class EntryTable:
    """The scored-or-scorable innovations' facts as columns, sorted by id; iterates as
    :class:`competition.ranking.results.EntryFacts`."""

    id: Ints
    organisation_id: Ints
    region_id: Ints
    category_id: Ints                 # NO_CATEGORY for none
    submitted_at: NDArray[np.float64]  # NaN for none
    has_evidence: NDArray[np.bool_]

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[int, int, int, int | None, float | None, bool]]) -> EntryTable:
        ordered = sorted(rows)
        return cls(
            id=np.fromiter((r[0] for r in ordered), np.int64, len(ordered)),
            organisation_id=np.fromiter((r[1] for r in ordered), np.int64, len(ordered)),
            region_id=np.fromiter((r[2] for r in ordered), np.int64, len(ordered)),
            category_id=np.fromiter((NO_CATEGORY if r[3] is None else r[3] for r in ordered), np.int64,
                                    len(ordered)),
            submitted_at=np.fromiter((np.nan if r[4] is None else r[4] for r in ordered), np.float64,
                                     len(ordered)),
            has_evidence=np.fromiter((bool(r[5]) for r in ordered), np.bool_, len(ordered)))

    @classmethod
    def from_arrays(cls, ids: Ints, organisation_id: Ints, region_id: Ints, category_id: Ints,
                    submitted_at: NDArray[np.float64], has_evidence: NDArray[np.bool_]) -> EntryTable:
        order = np.argsort(ids, kind="stable")
        return cls(ids[order], organisation_id[order], region_id[order], category_id[order],
                   submitted_at[order], has_evidence[order])

    def __len__(self) -> int:
        return len(self.id)

    def __iter__(self) -> Iterator[EntryFacts]:
        columns = (self.id, self.organisation_id, self.region_id, self.category_id, self.submitted_at,
                   self.has_evidence)
        for entry_id, organisation, region, category, submitted, evidence in zip(
                *(c.tolist() for c in columns), strict=True):
            yield EntryFacts(id=entry_id, organisation_id=organisation, region_id=region,
                             category_id=None if category == NO_CATEGORY else category,
                             submitted_at=None if math.isnan(submitted) else submitted, has_evidence=evidence)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EntryTable | tuple | list):
            return sorted(self, key=lambda e: e.id) == sorted(other, key=lambda e: e.id)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]
