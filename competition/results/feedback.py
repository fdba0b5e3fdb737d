"""What the judges wrote about one innovation, for its own OPD once the results are published
(when the organisers turned feedback to OPDs on: :func:`competition.policy.can_read_feedback`).

The judges are never named: each is "Juri 1", "Juri 2"… numbered for this innovation alone, in
the order of a keyed hash of the innovation and the judge. The numbers stay the same from one
visit to the next, say nothing of who the judge is (not their id, name or the order they were
assigned in), and the same judge takes unrelated numbers on other innovations, so an OPD with
several innovations cannot follow one judge across them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from competition.extensions import db
from competition.models import Assignment, Criterion, Entry, Round, Score

CONFIRMED = "confirmed"


@dataclass(frozen=True)
class Remark:
    """One judge's comment on one criterion."""

    criterion: str
    comment: str


@dataclass(frozen=True)
class RoundRemarks:
    round_name: str
    remarks: tuple[Remark, ...]


@dataclass(frozen=True)
class JudgeFeedback:
    """What one judge wrote, round by round, with nothing that names them but ``number``."""

    number: int
    rounds: tuple[RoundRemarks, ...]


def judge_numbers(entry_id: int, judge_ids: Iterable[int], key: bytes) -> dict[int, int]:
    """Judge id -> 1, 2, …: ordered by HMAC-SHA-256 of (innovation, judge) under ``key`` (the
    app's secret key), so the order is fixed for an innovation and unrelated between innovations."""
    def rank(judge_id: int) -> str:
        return hmac.new(key, f"juri:{entry_id}:{judge_id}".encode(), hashlib.sha256).hexdigest()
    return {judge_id: number for number, judge_id in enumerate(sorted(set(judge_ids), key=rank), start=1)}


def judges_comments(entry: Entry, round_ids: Sequence[int], key: bytes) -> list[JudgeFeedback]:
    """The comments of the judges whose confirmed sheets for ``entry`` in the given rounds (those
    of the published version) carry any, by judge number, then round and criterion order."""
    if not round_ids:
        return []
    rows = db.session.execute(
        select(Assignment.judge_id, Round.position, Round.name, Criterion.position, Criterion.name,
               Score.comment)
        .join(Score, Score.assignment_id == Assignment.id)
        .join(Round, Round.id == Assignment.round_id)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(Assignment.entry_id == entry.id, Assignment.status == CONFIRMED,
               Assignment.round_id.in_(sorted(round_ids)), Score.comment != "")).all()
    written = [row for row in rows if row.comment.strip()]
    numbers = judge_numbers(entry.id, (row.judge_id for row in written), key)
    feedback = []
    for judge_id, number in sorted(numbers.items(), key=lambda pair: pair[1]):
        mine = sorted((row for row in written if row.judge_id == judge_id), key=lambda r: (r[1], r[3]))
        rounds: dict[tuple[int, str], list[Remark]] = {}
        for row in mine:
            rounds.setdefault((row[1], row[2]), []).append(Remark(row[4], row.comment.strip()))
        feedback.append(JudgeFeedback(number, tuple(RoundRemarks(name, tuple(remarks))
                                                    for (_position, name), remarks in rounds.items())))
    return feedback
