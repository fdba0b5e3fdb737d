"""The organiser's monitoring figures: what a Bappeda reports to its Bupati while a competition
runs. Read-only; every figure is a plain dataclass worked out from a fixed number of aggregate
queries, however many innovations, judges and scores there are.

The rules the figures follow:

- An OPD is an active organisation of the competition's region with no organisation above it;
  units (bidang, UPT, puskesmas, kelurahan) sit below one. The competition's rule for units
  (:mod:`competition.competitions.units`) says for whom a unit's innovations count:
  - "parent": for its top-level OPD; the entrants are the OPDs.
  - "own": for the unit itself. The entrants are the OPDs and every active unit that has entered
    (has a submitted innovation); a unit's innovations, drafts and withdrawals never count for
    the OPD above it. Units are not obliged to enter, so a unit that has not is no entrant.
- A submitted innovation is one that has been submitted (it has a submission time) and is not
  withdrawn: submitted, returned for revision, verified, rejected, scored or awarded.
- An entrant takes part when it has at least one submitted innovation. The OPDs that do not make
  the list for the reward-and-punishment evaluation; "one OPD, one innovation" counts entrants.
- A judge's assignment is confirmed once the scores are locked, a draft when some scores are
  saved but not confirmed, and not started otherwise.
- Score distributions use confirmed scores only, each as a share of its criterion's scale.
- Judges disagree on an innovation when the spread of their totals in a round (highest minus
  lowest, on the 0–100 scale) is above the competition's disagreement threshold.
- How far the judges agree (:mod:`competition.ranking.agreement`) is worked out per judged round
  from confirmed sheets only: ICC(2,1), ICC(2,k) and Krippendorff's alpha on the judges' totals
  and on each criterion (a level's value is its mark), each judge against the others, and what
  normalising per judge would do to each innovation's place in the round.
- Days to a deadline are counted between dates in the display time zone (WIB by default):
  0 on the deadline's own day, negative once it has passed.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import selectinload

from competition.competitions.units import entrant_of
from competition.extensions import db
from competition.judging.models import REMOVED
from competition.judging.sheets import criterion_spec, raw_sheets, round_spec, sheet_summaries
from competition.models import (
    ENTRY_STATUSES,
    UNITS_OWN,
    UNITS_PARENT,
    AgreementFigures,
    Assignment,
    Category,
    Competition,
    Criterion,
    Entry,
    Membership,
    Organisation,
    Round,
    Score,
    ScoringEvent,
    User,
)
from competition.models.types import utcnow
from competition.ranking.aggregation import disagree, judges_range
from competition.ranking.agreement import Sheet, annex_data
from competition.ranking.exact import exact, shown
from competition.ranking.totals import CriterionSpec

HISTOGRAM_BINS = 10
# Changes when the agreement figures are worked out differently, so that none kept before is read.
AGREEMENT_KEY_FORMAT = 2
# Confirmed sheets from which the agreement figures are kept for the next visit: a Kota's
# competition (a few hundred) takes milliseconds to work out and writes nothing on a visit.
KEEP_AGREEMENT_FROM = 5000
TOP_DISAGREEMENTS = 10
DEADLINES = ("submission_closes_at", "verification_closes_at", "judging_closes_at")
# The phases in which each deadline's phase is over, however early it was closed.
CLOSED_IN = {"submission_closes_at": ("verification", "judging", "results", "closed"),
             "verification_closes_at": ("judging", "results", "closed"),
             "judging_closes_at": ("results", "closed")}


def _is_submitted() -> ColumnElement[bool]:
    """SQL: the entry counts as a submitted innovation."""
    return and_(Entry.submitted_at.is_not(None), Entry.status != "withdrawn")


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """SQL: how many rows of the group meet ``condition``."""
    return func.sum(cast(case((condition, 1), else_=0), Integer))


# -- 1. innovations by category and status ---------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CategoryStatusCounts:
    """One category's innovations by status; ``category_id`` None is "no category"."""

    category_id: int | None
    category: str | None
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class EntriesFigure:
    statuses: tuple[str, ...]
    rows: list[CategoryStatusCounts]

    @property
    def totals(self) -> dict[str, int]:
        return {s: sum(r.counts[s] for r in self.rows) for s in self.statuses}

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)


def entries_by_category_and_status(competition: Competition) -> EntriesFigure:
    """Every innovation of the competition, drafts included, per category (in name order, then
    those without one) and status (in the workflow's order). Categories with none show zeros."""
    counts: dict[int | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ENTRY_STATUSES, 0))
    for category_id, status, number in db.session.execute(
            select(Entry.category_id, Entry.status, func.count())
            .where(Entry.competition_id == competition.id)
            .group_by(Entry.category_id, Entry.status)):
        counts[category_id][status] += number
    categories = db.session.execute(
        select(Category.id, Category.name).where(Category.competition_id == competition.id)
        .order_by(Category.name)).all()
    rows = [CategoryStatusCounts(c.id, c.name, dict(counts[c.id])) for c in categories]
    if None in counts or not categories:
        rows.append(CategoryStatusCounts(None, None, dict(counts[None])))
    return EntriesFigure(statuses=ENTRY_STATUSES, rows=rows)


# -- 2. and 3. OPD participation and the "one OPD, one innovation" target --------------------------

@dataclass(frozen=True, slots=True)
class OpdParticipation:
    """An entrant's innovations: an OPD's (with those of the units under it when units count for
    their OPD), or a unit's that entered on its own (``part_of`` names its OPD)."""

    organisation_id: int
    name: str
    short_name: str | None
    submitted: int      # submitted innovations (see the module's rules)
    in_progress: int    # drafts never submitted: work the entrant has started
    withdrawn: int
    part_of: str | None = None   # a unit's top-level OPD; None for an OPD

    @property
    def takes_part(self) -> bool:
        return self.submitted > 0


@dataclass(frozen=True, slots=True)
class ParticipationFigure:
    # Every active OPD of the region by name, each followed by its units that entered on their own.
    opds: list[OpdParticipation]
    units_compete: str = "parent"   # the competition's rule for units under an OPD

    @property
    def total(self) -> int:
        return len(self.opds)

    @property
    def units_entered(self) -> int:
        """Units under an OPD that are entrants of their own."""
        return sum(1 for o in self.opds if o.part_of is not None)

    @property
    def taking_part(self) -> list[OpdParticipation]:
        return [o for o in self.opds if o.takes_part]

    @property
    def without_innovation(self) -> list[OpdParticipation]:
        """The list for the reward-and-punishment evaluation: OPDs, never units."""
        return [o for o in self.opds if not o.takes_part and o.part_of is None]

    @property
    def without_but_started(self) -> int:
        return sum(1 for o in self.without_innovation if o.in_progress)

    @property
    def share(self) -> float:
        """Share of OPDs taking part, 0–1 (0 with no OPD)."""
        return len(self.taking_part) / self.total if self.total else 0.0


def opd_participation(competition: Competition) -> ParticipationFigure:
    """Every entrant's innovations under the competition's rule for units (see the module's rules)."""
    organisations = {o.id: o for o in db.session.execute(
        select(Organisation.id, Organisation.parent_id, Organisation.name, Organisation.short_name,
               Organisation.active)
        .where(Organisation.region_id == competition.region_id))}
    parents = {o.id: o.parent_id for o in organisations.values()}
    entrant = entrant_of(parents, competition.units_compete)
    opd = entrant_of(parents, UNITS_PARENT)
    submitted: dict[int, int] = defaultdict(int)
    in_progress: dict[int, int] = defaultdict(int)
    withdrawn: dict[int, int] = defaultdict(int)
    for organisation_id, sent, drafts, gone in db.session.execute(
            select(Entry.organisation_id, _count_where(_is_submitted()),
                   _count_where(and_(Entry.submitted_at.is_(None), Entry.status == "draft")),
                   _count_where(Entry.status == "withdrawn"))
            .where(Entry.competition_id == competition.id)
            .group_by(Entry.organisation_id)):
        counted = entrant.get(organisation_id, organisation_id)
        submitted[counted] += sent or 0
        in_progress[counted] += drafts or 0
        withdrawn[counted] += gone or 0
    own = competition.units_compete == UNITS_OWN
    rows = []
    for o in organisations.values():
        is_opd = o.parent_id is None
        if o.active and (is_opd or (own and submitted[o.id] > 0)):
            part_of = None if is_opd else organisations[opd[o.id]].name
            rows.append(OpdParticipation(o.id, o.name, o.short_name, submitted[o.id], in_progress[o.id],
                                         withdrawn[o.id], part_of))
    # Each OPD by name, with the units that entered on their own right below it.
    rows.sort(key=lambda r: ((r.part_of or r.name).casefold(), r.part_of is not None, r.name.casefold(),
                             r.organisation_id))
    return ParticipationFigure(rows, competition.units_compete)


@dataclass(frozen=True, slots=True)
class TargetFigure:
    """Progress against "one OPD, one innovation"."""

    opds: int                    # active OPDs (and units that entered on their own)
    opds_taking_part: int        # of which with at least one submitted innovation
    submitted_innovations: int   # every submitted innovation of the competition
    units_compete: str = "parent"

    @property
    def opd_share(self) -> float:
        return self.opds_taking_part / self.opds if self.opds else 0.0

    @property
    def innovations_per_opd(self) -> float:
        return self.submitted_innovations / self.opds if self.opds else 0.0

    @property
    def reached(self) -> bool:
        return self.opds > 0 and self.opds_taking_part == self.opds


def target_progress(competition: Competition, participation: ParticipationFigure) -> TargetFigure:
    submitted = db.session.scalar(select(func.count()).select_from(Entry).where(
        Entry.competition_id == competition.id, _is_submitted())) or 0
    return TargetFigure(opds=participation.total, opds_taking_part=len(participation.taking_part),
                        submitted_innovations=submitted, units_compete=participation.units_compete)


# -- 4. judges' progress ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class JudgeProgress:
    judge_id: int
    name: str
    assigned: int
    draft: int        # scores saved, not confirmed
    confirmed: int

    @property
    def not_started(self) -> int:
        return self.assigned - self.draft - self.confirmed

    @property
    def share_confirmed(self) -> float:
        return self.confirmed / self.assigned if self.assigned else 0.0


def judge_progress(competition: Competition) -> list[JudgeProgress]:
    """Every judge of the competition (a judge's role, or assignments in its rounds) with their
    assignments across all rounds, by name."""
    scored = (select(Score.assignment_id).group_by(Score.assignment_id).subquery())
    rows = db.session.execute(
        select(Assignment.judge_id, User.name, func.count(Assignment.id),
               _count_where(and_(Assignment.status == "open", scored.c.assignment_id.is_not(None))),
               _count_where(Assignment.status == "confirmed"))
        .join(Round, Round.id == Assignment.round_id)
        .join(User, User.id == Assignment.judge_id)
        .outerjoin(scored, scored.c.assignment_id == Assignment.id)
        .where(Round.competition_id == competition.id, Assignment.status != REMOVED)
        .group_by(Assignment.judge_id, User.name)).all()
    judges = {judge_id: JudgeProgress(judge_id, name, assigned, draft or 0, confirmed or 0)
              for judge_id, name, assigned, draft, confirmed in rows}
    for judge_id, name in db.session.execute(
            select(User.id, User.name).join(Membership, Membership.user_id == User.id)
            .where(Membership.competition_id == competition.id, Membership.role == "judge")):
        judges.setdefault(judge_id, JudgeProgress(judge_id, name, 0, 0, 0))
    return sorted(judges.values(), key=lambda j: (j.name.casefold(), j.judge_id))


# -- 5. score distributions and disagreements ------------------------------------------------------

@dataclass(frozen=True, slots=True)
class HistogramBin:
    low: float           # on the criterion's own scale
    high: float          # the last bin includes its high end
    count: int
    label: str | None = None   # a level's label, for levelled criteria (one bin per level)


@dataclass(frozen=True, slots=True)
class CriterionHistogram:
    round_id: int
    round_name: str
    criterion_id: int
    name: str
    scale: str
    min_value: float
    max_value: float
    bins: list[HistogramBin]

    @property
    def count(self) -> int:
        return sum(b.count for b in self.bins)


def _bin_index(value: float, low: float, high: float, bins: int) -> int:
    """Equal-width bins over [low, high]; a value on an edge goes to the bin above it, the top
    value to the last bin. The small allowance keeps 0.3 of 0–1 out of the bin below."""
    share = (value - low) / (high - low)
    return min(bins - 1, max(0, math.floor(share * bins + 1e-9)))


def _rounds(competition: Competition) -> list[Round]:
    return list(db.session.scalars(
        select(Round).where(Round.competition_id == competition.id).order_by(Round.position)
        .options(selectinload(Round.criteria).selectinload(Criterion.levels))))


def score_distributions(competition: Competition, rounds: Sequence[Round] | None = None,
                        bins: int = HISTOGRAM_BINS) -> list[CriterionHistogram]:
    """A histogram of every criterion's confirmed scores: ``bins`` equal bins over a numeric
    scale, one bin per level for a levelled criterion. The database counts each distinct value,
    so the rows read depend on the scales, not on the number of scores."""
    rounds = _rounds(competition) if rounds is None else rounds
    values: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for criterion_id, value, number in db.session.execute(
            select(Score.criterion_id, Score.value, func.count())
            .join(Assignment, Assignment.id == Score.assignment_id)
            .join(Round, Round.id == Assignment.round_id)
            .where(Round.competition_id == competition.id, Assignment.status == "confirmed")
            .group_by(Score.criterion_id, Score.value)):
        values[criterion_id].append((value, number))
    histograms = []
    for round_ in rounds:
        for criterion in round_.criteria:
            low, high = criterion.min_value, criterion.max_value
            if criterion.scale == "levels" and criterion.levels:
                levels = [level.value for level in criterion.levels]
                counts = dict.fromkeys(levels, 0)
                for value, number in values[criterion.id]:
                    nearest = min(levels, key=lambda v, x=value: abs(v - x))  # type: ignore[misc]
                    counts[nearest] += number
                made = [HistogramBin(level.value, level.value, counts[level.value], level.label)
                        for level in criterion.levels]
            else:
                width = (high - low) / bins
                tally = [0] * bins
                for value, number in values[criterion.id]:
                    tally[_bin_index(value, low, high, bins)] += number
                made = [HistogramBin(low + i * width, high if i == bins - 1 else low + (i + 1) * width,
                                     tally[i]) for i in range(bins)]
            histograms.append(CriterionHistogram(round_.id, round_.name, criterion.id, criterion.name,
                                                 criterion.scale, low, high, made))
    return histograms


@dataclass(frozen=True, slots=True)
class JudgeTotal:
    judge_id: int
    name: str
    total: Decimal   # 0–100, as shown


@dataclass(frozen=True, slots=True)
class Disagreement:
    round_id: int
    round_name: str
    entry_id: int
    title: str
    organisation: str
    totals: list[JudgeTotal]   # highest first
    spread: Decimal            # highest minus lowest exact total, as shown


@dataclass(frozen=True, slots=True)
class DisagreementFigure:
    threshold: float
    rows: list[Disagreement]       # the largest spreads above the threshold, largest first
    above_threshold: int           # how many (round, innovation) pairs are above it in all
    compared: int                  # how many have two or more confirmed judges


def disagreements(competition: Competition, rounds: Sequence[Round] | None = None,
                  judges: Sequence[JudgeProgress] | None = None,
                  limit: int = TOP_DISAGREEMENTS) -> DisagreementFigure:
    """Innovations whose judges' confirmed totals in a round lie furthest apart, above
    ``competition.disagreement_threshold``; totals as in the results (sheets.py)."""
    rounds = _rounds(competition) if rounds is None else rounds
    names = {j.judge_id: j.name for j in (judge_progress(competition) if judges is None else judges)}
    by_sheet: dict[tuple[int, int], list[tuple[int, Fraction]]] = defaultdict(list)
    specs = {r.id: round_spec(r) for r in rounds}
    scales = {round_id: spec.scale for round_id, spec in specs.items()}
    for summary in sheet_summaries(list(specs.values())):
        by_sheet[(summary.round_id, summary.entry_id)].append(
            (summary.judge_id, scales[summary.round_id].total(summary.points)))
    compared = {key: sheets for key, sheets in by_sheet.items() if len(sheets) >= 2}
    above = []
    threshold = exact(competition.disagreement_threshold)
    for key, sheets in compared.items():
        value_range = judges_range([t for _, t in sheets])
        if disagree(value_range, threshold):
            above.append((value_range, key))
    above.sort(key=lambda item: (-item[0], item[1]))
    top = [key for _, key in above[:limit]]
    entries = {e.id: e for e in db.session.execute(
        select(Entry.id, Entry.title, Organisation.name.label("organisation"))
        .join(Organisation, Organisation.id == Entry.organisation_id)
        .where(Entry.id.in_(sorted({entry_id for _, entry_id in top}))))}
    round_names = {r.id: r.name for r in rounds}
    rows = []
    for round_id, entry_id in top:
        entry = entries[entry_id]
        totals = sorted((JudgeTotal(j, names.get(j, str(j)), shown(total))
                         for j, total in compared[(round_id, entry_id)]),
                        key=lambda judge: (-judge.total, judge.name))
        exact_totals = [total for _, total in compared[(round_id, entry_id)]]
        rows.append(Disagreement(round_id, round_names[round_id], entry_id, entry.title, entry.organisation,
                                 totals, shown(max(exact_totals) - min(exact_totals))))
    return DisagreementFigure(competition.disagreement_threshold, rows, len(above), len(compared))


# -- 5b. judge agreement -----------------------------------------------------------------------------

def judge_agreement(competition: Competition, rounds: Sequence[Round] | None = None) -> dict[str, Any]:
    """How far the judges agree in each judged round, from confirmed sheets only, in the form
    sealed results keep it (:func:`competition.ranking.agreement.annex_data`).

    Figures from at least :data:`KEEP_AGREEMENT_FROM` confirmed sheets (a national round's take
    seconds to work out) are kept (:class:`AgreementFigures`) with the key of their inputs, and read from
    there while the key holds: they change only when a sheet is confirmed, reopened or removed, or
    a rubric changes. What is returned is shared with the session: read it, never change it."""
    rounds = _rounds(competition) if rounds is None else rounds
    specs = [(r.id, [criterion_spec(c) for c in r.criteria]) for r in rounds]
    key, confirmed = _agreement_key(specs)
    kept = db.session.get(AgreementFigures, competition.id) if confirmed >= KEEP_AGREEMENT_FROM else None
    if kept is not None and kept.inputs_key == key:
        return kept.figures
    sheets = raw_sheets([r.id for r in rounds]) if rounds else []
    figures = annex_data(specs, [(s.round_id, Sheet(s.entry_id, s.judge_id, s.values)) for s in sheets])
    if confirmed >= KEEP_AGREEMENT_FROM:
        _keep_agreement(competition.id, key, figures, kept)
    return figures


def _agreement_key(specs: Sequence[tuple[int, Sequence[CriterionSpec]]]) -> tuple[str, int]:
    """What the figures depend on, as one hash: each round's criteria, and per round the number
    and ids of its confirmed sheets and the last event of any of its sheets (every confirmation,
    reopening or removal is one; a sheet's marks change only while it is not confirmed); and the
    number of confirmed sheets."""
    round_ids = [round_id for round_id, _ in specs]
    sheets = db.session.execute(
        select(Assignment.round_id, func.count(), func.sum(Assignment.id))
        .where(Assignment.round_id.in_(round_ids), Assignment.status == "confirmed")
        .group_by(Assignment.round_id).order_by(Assignment.round_id)).all() if round_ids else []
    events = db.session.execute(
        select(Assignment.round_id, func.max(ScoringEvent.id))
        .join(ScoringEvent, ScoringEvent.assignment_id == Assignment.id)
        .where(Assignment.round_id.in_(round_ids))
        .group_by(Assignment.round_id).order_by(Assignment.round_id)).all() if round_ids else []
    inputs = {"format": AGREEMENT_KEY_FORMAT,
              "rounds": [[round_id, [[c.id, str(c.weight), str(c.min_value), str(c.max_value), c.independent]
                                     for c in criteria]] for round_id, criteria in specs],
              "sheets": [[round_id, count, int(ids)] for round_id, count, ids in sheets],
              "events": [[round_id, last] for round_id, last in events]}
    return (hashlib.sha256(json.dumps(inputs, separators=(",", ":")).encode()).hexdigest(),
            sum(count for _, count, _ in sheets))


def _keep_agreement(competition_id: int, key: str, figures: dict[str, Any],
                    kept: AgreementFigures | None) -> None:
    """Keep ``figures`` for the next visit, if the database lets this request write now. Two
    visits working them out at the same moment both try; whichever writes second finds the row
    there and leaves it (the next visit checks its key). On SQLite, a visit that would wait for
    another writer longer than its busy timeout keeps nothing and shows its figures all the same."""
    with suppress(IntegrityError, OperationalError), db.session.begin_nested():
        if kept is None:
            db.session.add(AgreementFigures(competition_id=competition_id, inputs_key=key,
                                            figures=figures, computed_at=utcnow()))
        else:
            kept.inputs_key, kept.figures, kept.computed_at = key, figures, utcnow()


@dataclass(frozen=True, slots=True)
class AgreementNames:
    """What people call what the agreement figures name by id; anything since removed is absent."""

    rounds: dict[int, str]
    criteria: dict[int, str]
    judges: dict[int, str]
    entries: dict[int, tuple[str, str]]     # entry id -> (title, OPD)
    normalises: dict[int, bool]             # round id -> its results normalise per judge


def agreement_names(annex: dict[str, Any], innovations: int | None = None) -> AgreementNames:
    """The names behind ``annex``'s ids, in four queries; of each round's innovations, the first
    ``innovations`` (by place) only, when given."""
    rounds = annex.get("rounds", [])
    round_ids = [r["round_id"] for r in rounds]
    criterion_ids = [c["criterion_id"] for r in rounds for c in r["criteria"]]
    judge_ids = sorted({j["judge_id"] for r in rounds for j in r["judges"]})
    entry_ids = sorted({i["entry_id"] for r in rounds for i in r["innovations"][:innovations]})
    found = db.session.execute(select(Round.id, Round.name, Round.normalise)
                               .where(Round.id.in_(round_ids))).all()
    criteria = db.session.execute(select(Criterion.id, Criterion.name).where(Criterion.id.in_(criterion_ids)))
    judges = db.session.execute(select(User.id, User.name).where(User.id.in_(judge_ids)))
    entries = db.session.execute(
        select(Entry.id, Entry.title, Organisation.name.label("organisation"))
        .join(Organisation, Organisation.id == Entry.organisation_id).where(Entry.id.in_(entry_ids)))
    return AgreementNames(
        rounds={r.id: r.name for r in found}, normalises={r.id: r.normalise for r in found},
        criteria={c.id: c.name for c in criteria}, judges={j.id: j.name for j in judges},
        entries={e.id: (e.title, e.organisation) for e in entries})


# -- 6. deadlines ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Deadline:
    key: str           # the competition's field
    at: datetime
    days_left: int     # negative once passed
    closed: bool = False  # the phase it ends is over (closed on time or early): no days are left


def deadlines(competition: Competition, now: datetime | None = None,
              timezone: str = "Asia/Jakarta") -> list[Deadline]:
    zone = ZoneInfo(timezone)
    today: date = (now or utcnow()).astimezone(zone).date()
    return [Deadline(key, getattr(competition, key),
                     (getattr(competition, key).astimezone(zone).date() - today).days,
                     competition.phase in CLOSED_IN[key])
            for key in DEADLINES]


# -- everything at once ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Dashboard:
    entries: EntriesFigure
    participation: ParticipationFigure
    target: TargetFigure
    judges: list[JudgeProgress]
    scores: list[CriterionHistogram]
    disagreements: DisagreementFigure
    deadlines: list[Deadline]
    rounds: list[Round] = field(default_factory=list)
    agreement: dict[str, Any] = field(default_factory=dict)


def dashboard(competition: Competition, *, now: datetime | None = None,
              timezone: str = "Asia/Jakarta") -> Dashboard:
    """Every figure of the organiser's dashboard."""
    participation = opd_participation(competition)
    rounds = _rounds(competition)
    judges = judge_progress(competition)
    return Dashboard(
        entries=entries_by_category_and_status(competition),
        participation=participation,
        target=target_progress(competition, participation),
        judges=judges,
        scores=score_distributions(competition, rounds),
        disagreements=disagreements(competition, rounds, judges),
        deadlines=deadlines(competition, now, timezone),
        rounds=rounds,
        agreement=judge_agreement(competition, rounds),
    )
