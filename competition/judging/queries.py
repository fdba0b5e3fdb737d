"""Read models of the judging pages: a round with its innovations, panels, assignments, score
counts and conflicts, and the figures and tables drawn from them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from competition.extensions import db
from competition.judging.models import REMOVED
from competition.judging.operations import (
    round_entries,
)
from competition.models import (
    Assignment,
    Category,
    Competition,
    ConflictOfInterest,
    Criterion,
    Entry,
    Evidence,
    Organisation,
    Panel,
    PanelMember,
    Round,
    Score,
    ScoringEvent,
    User,
)
from competition.models.types import utcnow
from competition.policy import conflict_of_interest, is_conflicted, without_conflict


@dataclass(frozen=True)
class Conflict:
    """Why a judge may not judge an innovation: declared (``detail`` is the judge's reason) or
    from the organisation tree (``detail`` is where the judge works, ``relation`` is how that
    stands to the innovation's OPD: same, above or below)."""

    judge: User
    entry: Entry
    kind: str
    detail: str
    relation: str = ""


@dataclass
class Cell:
    """One judge on one innovation in the assignments table."""

    judge: User
    assignment: Assignment | None = None
    state: str | None = None          # not_started, draft, confirmed; None when not assigned
    scored: int = 0                   # criteria with a score
    conflict: Conflict | None = None
    on_panel: bool = False            # a panel of the round covers the innovation's category
    addable: bool = False             # on a panel, no conflict, not assigned


@dataclass
class Shortfall:
    entry: Entry
    assigned: int
    missing: int
    reason: str


@dataclass
class Figures:
    """The automatic assignment's result, worked out from the round as it stands."""

    per_entry: int
    cap: int | None
    entries: int
    assignments: int
    load: list[tuple[User, int]]
    max_load: int
    complete: int
    short: list[Shortfall]
    conflicts: list[Conflict]


@dataclass
class RoundView:
    """A round's innovations, panels, assignments, score counts and declared conflicts, each
    loaded with one query whatever the number of innovations."""

    round: Round
    entries: list[Entry] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    score_counts: dict[int, int] = field(default_factory=dict)
    declared: dict[tuple[int, int], str] = field(default_factory=dict)
    criteria: int = 0
    categories: dict[int, Category] = field(default_factory=dict)

    @classmethod
    def load(cls, round_: Round) -> RoundView:
        view = cls(round=round_)
        view.panels = list(db.session.scalars(
            select(Panel).where(Panel.round_id == round_.id).order_by(Panel.name)
            .options(selectinload(Panel.category),
                     selectinload(Panel.members).selectinload(PanelMember.judge)
                     .selectinload(User.organisation).selectinload(Organisation.parent))))
        view.assignments = list(db.session.scalars(
            select(Assignment).where(Assignment.round_id == round_.id, Assignment.status != REMOVED)
            .order_by(Assignment.id)
            .options(selectinload(Assignment.judge).selectinload(User.organisation)
                     .selectinload(Organisation.parent))))
        entries = round_entries(round_)
        # An innovation judged in the round stays in its table after moving on (awarded, say).
        known = {e.id for e in entries}
        others = {a.entry_id for a in view.assignments} - known
        if others:
            entries += db.session.scalars(
                select(Entry).where(Entry.id.in_(others))
                .options(selectinload(Entry.organisation).selectinload(Organisation.parent)))
        view.entries = sorted(entries, key=lambda e: e.id)
        view.score_counts = {assignment_id: count for assignment_id, count in db.session.execute(
            select(Score.assignment_id, func.count()).join(Assignment, Assignment.id == Score.assignment_id)
            .where(Assignment.round_id == round_.id).group_by(Score.assignment_id))}
        view.declared = {(entry_id, judge_id): reason for entry_id, judge_id, reason in db.session.execute(
            select(ConflictOfInterest.entry_id, ConflictOfInterest.judge_id, ConflictOfInterest.reason)
            .join(Entry, Entry.id == ConflictOfInterest.entry_id)
            .where(Entry.competition_id == round_.competition_id))}
        view.criteria = db.session.scalar(
            select(func.count()).select_from(Criterion).where(Criterion.round_id == round_.id)) or 0
        view.categories = {c.id: c for c in db.session.scalars(
            select(Category).where(Category.competition_id == round_.competition_id))}
        return view

    # Who is who.
    def judges(self) -> list[User]:
        """Every judge on a panel of the round or assigned in it, by name."""
        judges = {m.judge_id: m.judge for p in self.panels for m in p.members}
        judges.update({a.judge_id: a.judge for a in self.assignments})
        return sorted(judges.values(), key=lambda j: (j.name.lower(), j.id))

    def members_for(self, category_id: int | None) -> list[User]:
        """Judges of the panels for this category or for every category."""
        judges = {m.judge_id: m.judge for p in self.panels if p.category_id in (None, category_id)
                  for m in p.members}
        return sorted(judges.values(), key=lambda j: (j.name.lower(), j.id))

    def category(self, entry: Entry) -> Category | None:
        return self.categories.get(entry.category_id) if entry.category_id else None

    def by_entry(self) -> dict[int, dict[int, Assignment]]:
        assigned: dict[int, dict[int, Assignment]] = {}
        for assignment in self.assignments:
            assigned.setdefault(assignment.entry_id, {})[assignment.judge_id] = assignment
        return assigned

    def conflict(self, judge: User, entry: Entry) -> Conflict | None:
        found = conflict_of_interest(judge, entry, self.declared)
        if found is None:
            return None
        return Conflict(judge, entry, found.kind, found.detail, found.relation or "")

    def state(self, assignment: Assignment) -> str:
        if assignment.status == "confirmed":
            return "confirmed"
        return "draft" if self.score_counts.get(assignment.id) else "not_started"

    # The figures.
    def figures(self, per_entry: int, cap: int | None) -> Figures:
        assigned = self.by_entry()
        load = {j.id: 0 for j in self.judges()}
        for assignment in self.assignments:
            load[assignment.judge_id] += 1
        conflicts: list[Conflict] = []
        short: list[Shortfall] = []
        complete = 0
        for entry in self.entries:
            mine = assigned.get(entry.id, {})
            eligible = []
            for judge in self.members_for(entry.category_id):
                conflict = self.conflict(judge, entry)
                if conflict is None:
                    eligible.append(judge)
                else:
                    conflicts.append(conflict)
            if len(mine) >= per_entry:
                complete += 1
                continue
            possible = {j.id for j in eligible} | set(mine)
            free = [j for j in eligible if j.id not in mine]
            if len(possible) < per_entry:
                reason = ngettext("only %(num)s judge on its panels may judge it",
                                  "only %(num)s judges on its panels may judge it", len(possible))
            elif cap is not None and all(load[j.id] >= cap for j in free):
                reason = _("the other judges who may judge it already have %(cap)s innovations, the cap",
                           cap=cap)
            else:
                reason = _("not assigned yet: run the automatic assignment or add a judge by hand")
            short.append(Shortfall(entry, len(mine), per_entry - len(mine), reason))
        judges = self.judges()
        return Figures(per_entry=per_entry, cap=cap, entries=len(self.entries),
                       assignments=len(self.assignments), load=[(j, load[j.id]) for j in judges],
                       max_load=max(load.values(), default=0), complete=complete, short=short,
                       conflicts=conflicts)

    def rows(self, judges: list[User], entries: list[Entry]) -> list[tuple[Entry, list[Cell]]]:
        """The assignments table: each innovation with one cell per judge."""
        assigned = self.by_entry()
        rows = []
        for entry in entries:
            members = {j.id for j in self.members_for(entry.category_id)}
            mine = assigned.get(entry.id, {})
            cells = []
            for judge in judges:
                cell = Cell(judge=judge, assignment=mine.get(judge.id), on_panel=judge.id in members,
                            conflict=self.conflict(judge, entry))
                if cell.assignment is not None:
                    cell.state = self.state(cell.assignment)
                    cell.scored = self.score_counts.get(cell.assignment.id, 0)
                cell.addable = cell.on_panel and cell.conflict is None and cell.assignment is None
                cells.append(cell)
            rows.append((entry, cells))
        return rows


# Enough of an innovation to check who may judge it and to name it (not its texts).
ENTRY_NAMING = (Entry.id, Entry.competition_id, Entry.organisation_id, Entry.category_id, Entry.title,
                Entry.status, Entry.version)
# What a judge reads of an innovation beside the rubric (the scoring page, the API's sheet).
ENTRY_TEXTS = (Entry.inisiator, Entry.tahapan, Entry.jenis, Entry.bentuk, Entry.urusan, Entry.urusan_terkait,
               Entry.trial_started_on, Entry.implemented_on, Entry.anggaran_rupiah, Entry.rancang_bangun,
               Entry.tujuan, Entry.manfaat, Entry.hasil)


# -- the judge's list -----------------------------------------------------------------------------

# Open rounds first, then those not open yet, then the closed ones (done).
ROUND_ORDER = {"open": 0, "setup": 1, "closed": 2}


def days_left(moment: datetime) -> int:
    """Whole calendar days (in the display time zone) from today to ``moment``'s day."""
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    return (moment.astimezone(zone).date() - utcnow().astimezone(zone).date()).days


@dataclass
class Item:
    assignment: Assignment
    state: str
    title: str  # without the OPD's name in a blind round


@dataclass
class RoundCard:
    round: Round
    panels: list[str]
    items: list[Item] = field(default_factory=list)
    days_left: int = 0

    @property
    def confirmed(self) -> int:
        return sum(1 for item in self.items if item.state == "confirmed")

    @property
    def counted(self) -> int:
        return sum(1 for item in self.items if item.state != "conflict")

    @property
    def next_item(self) -> Item | None:
        return next((item for item in self.items if item.state in ("not_started", "draft")), None)


@dataclass
class JudgeRounds:
    current: list[RoundCard]
    done: list[RoundCard]
    conflicts: list[ConflictOfInterest]


def judge_rounds(judge: User, competition_ids: set[int],
                 redact: Callable[[Assignment], Callable[[str | None], str]]) -> JudgeRounds:
    """Every round ``judge`` scores in (in ``competition_ids``), open ones first, each with its
    innovations and progress, and the judge's declared conflicts. ``redact`` masks the OPD in a
    blind round's titles."""
    # One statement for the judge's sheets with their rounds, competitions, innovations (named, not
    # their texts), organisations and the number of criteria scored; joined, not selected in
    # batches: a judge's list may run to hundreds.
    scored = (select(func.count()).select_from(Score).where(Score.assignment_id == Assignment.id)
              .correlate(Assignment).scalar_subquery())
    entry = joinedload(Assignment.entry)
    rows = db.session.execute(
        select(Assignment, scored).join(Round, Round.id == Assignment.round_id)
        .where(Assignment.judge_id == judge.id, Round.competition_id.in_(competition_ids),
               Assignment.status != REMOVED)
        .options(joinedload(Assignment.round).joinedload(Round.competition),
                 entry.load_only(*ENTRY_NAMING).joinedload(Entry.organisation).joinedload(Organisation.parent),
                 entry.joinedload(Entry.category))
        .order_by(Assignment.entry_id, Assignment.id)).all()
    assignments = [assignment for assignment, _count in rows]
    drafted = {assignment.id: count for assignment, count in rows}
    rounds = {a.round_id: a.round for a in assignments}
    panels: dict[int, list[str]] = {}
    if rounds:
        for round_id, name in db.session.execute(
                select(Panel.round_id, Panel.name).join(PanelMember, PanelMember.panel_id == Panel.id)
                .where(PanelMember.judge_id == judge.id, Panel.round_id.in_(list(rounds)))
                .order_by(Panel.name)):
            panels.setdefault(round_id, []).append(name)
    # The judge's declared conflicts in these competitions, with what masking their titles needs;
    # they are also the declarations the sheets are checked against.
    conflict_entry = joinedload(ConflictOfInterest.entry)
    conflicts = db.session.scalars(
        select(ConflictOfInterest).join(Entry, Entry.id == ConflictOfInterest.entry_id)
        .where(ConflictOfInterest.judge_id == judge.id, Entry.competition_id.in_(competition_ids))
        .options(conflict_entry.load_only(*ENTRY_NAMING).joinedload(Entry.competition)
                 .joinedload(Competition.rounds),
                 conflict_entry.joinedload(Entry.organisation).joinedload(Organisation.parent))
        .order_by(ConflictOfInterest.declared_at.desc(), ConflictOfInterest.id.desc())).unique().all()
    declared = {(c.entry_id, c.judge_id) for c in conflicts}
    cards: dict[int, RoundCard] = {}
    for assignment in assignments:
        round_ = assignment.round
        card = cards.get(round_.id)
        if card is None:
            card = cards[round_.id] = RoundCard(round=round_, panels=panels.get(round_.id, []),
                                                days_left=days_left(round_.competition.judging_closes_at))
        if assignment.status == "confirmed":
            state = "confirmed"
        elif is_conflicted(judge, assignment.entry, declared):
            state = "conflict"
        else:
            state = "draft" if drafted.get(assignment.id) else "not_started"
        card.items.append(Item(assignment, state, redact(assignment)(assignment.entry.title)))
    ordered = sorted(cards.values(), key=lambda c: (ROUND_ORDER.get(c.round.status, 3),
                                                    c.round.competition.judging_closes_at,
                                                    c.round.competition_id, c.round.position))
    return JudgeRounds(current=[c for c in ordered if c.round.status != "closed"],
                       done=[c for c in ordered if c.round.status == "closed"], conflicts=list(conflicts))


def next_open_assignment(assignment: Assignment, judge: User, *, titled: bool = True) -> Assignment | None:
    """The judge's next assignment in the same round not yet confirmed, in the list's order,
    starting again from the top after the last one; those the judge has a conflict of interest
    with are passed over. One query, returning that one assignment (with its innovation's title
    and organisation when ``titled``, for a link naming it)."""
    later = or_(Assignment.entry_id > assignment.entry_id,
                and_(Assignment.entry_id == assignment.entry_id, Assignment.id > assignment.id))
    query = (select(Assignment).join(Entry, Entry.id == Assignment.entry_id)
             .where(Assignment.round_id == assignment.round_id, Assignment.judge_id == judge.id,
                    Assignment.status == "open", Assignment.id != assignment.id, without_conflict(judge))
             .order_by(case((later, 0), else_=1), Assignment.entry_id, Assignment.id).limit(1))
    if titled:
        query = query.options(contains_eager(Assignment.entry).load_only(
            Entry.id, Entry.title, Entry.organisation_id, Entry.competition_id)
            .joinedload(Entry.organisation).joinedload(Organisation.parent))
    return db.session.scalars(query).first()


def judge_sheet(assignment_id: int, judge: User, *, page: bool = False, scores: bool = True,
                texts: bool = False) -> tuple[Assignment | None, set[tuple[int, int]]]:
    """An assignment as the judge's pages need it, in two or three statements whatever the size of
    the competition: its round (with the competition) and innovation (with its organisation and the
    one above it), the rubric with its levels, the scores given (``scores``), and for the scoring
    page (``page``) the innovation's texts, category, author and evidence (``texts``: its texts and
    category alone, for the API's sheet).

    Also the judge's declared conflict with the innovation, read in the same statement, as
    (entry id, judge id) pairs for :func:`competition.policy.can_score`.
    """
    declared = (select(ConflictOfInterest.id).where(ConflictOfInterest.entry_id == Assignment.entry_id,
                                                   ConflictOfInterest.judge_id == judge.id)
                .limit(1).scalar_subquery())
    entry = joinedload(Assignment.entry)
    round_ = joinedload(Assignment.round)
    options = [round_.joinedload(Round.competition),
               entry.joinedload(Entry.organisation).joinedload(Organisation.parent)]
    if page:
        # The texts are long: the rubric comes in a statement of its own rather than repeating them.
        options += [round_.selectinload(Round.criteria).joinedload(Criterion.levels),
                    entry.joinedload(Entry.category), entry.joinedload(Entry.created_by),
                    entry.selectinload(Entry.evidence).joinedload(Evidence.uploaded_by)]
    else:
        options += [entry.load_only(*ENTRY_NAMING, *(ENTRY_TEXTS if texts else ())),
                    round_.joinedload(Round.criteria).joinedload(Criterion.levels)]
        if texts:
            options.append(entry.joinedload(Entry.category))
    if scores:
        options.append(selectinload(Assignment.scores))
    row = db.session.execute(select(Assignment, declared).where(Assignment.id == assignment_id)
                             .options(*options)).unique().first()
    if row is None:
        return None, set()
    assignment, conflict_id = row
    return assignment, ({(assignment.entry_id, judge.id)} if conflict_id is not None else set())


def assignment_rows(round_: Round, judge: User | None = None) -> list[dict[str, object]]:
    """A round's judges' sheets (removed ones too, marked so) in id order, for the command line:
    who judges which innovation, from which panel, and how far they are."""
    query = (select(Assignment).where(Assignment.round_id == round_.id)
             .options(joinedload(Assignment.judge), joinedload(Assignment.panel),
                      joinedload(Assignment.entry).joinedload(Entry.organisation))
             .order_by(Assignment.id))
    if judge is not None:
        query = query.where(Assignment.judge_id == judge.id)
    return [{"id": a.id, "round_id": a.round_id, "entry_id": a.entry_id, "entry": a.entry.title,
             "organisation": a.entry.organisation.name, "judge_id": a.judge_id, "judge": a.judge.email,
             "judge_name": a.judge.name, "panel_id": a.panel_id, "panel": a.panel.name if a.panel else None,
             "source": a.source, "status": a.status,
             "confirmed_at": a.confirmed_at.isoformat() if a.confirmed_at else None}
            for a in db.session.scalars(query).unique()]


# -- what a judge may read of an innovation ---------------------------------------------------------

OPD_PLACEHOLDER = "[OPD]"


def reopened_reason(assignment: Assignment, redact: Callable[[str | None], str]) -> str | None:
    """Why the organisers reopened the judge's confirmed scores, as the judge may read it
    (``redact``: :func:`masking`), while the sheet is open again after that (until the judge
    confirms it once more); otherwise None."""
    if assignment.status != "open":
        return None
    last = db.session.scalar(select(ScoringEvent).where(ScoringEvent.assignment_id == assignment.id)
                             .order_by(ScoringEvent.id.desc()).limit(1))
    return redact(last.reason) if last is not None and last.action == "reopen" else None


def masking(entry: Entry, blind: bool) -> Callable[[str | None], str]:
    """What a judge may read of ``entry``'s own texts: in a ``blind`` round with the names of its
    OPD and of the one above it (and their short names) replaced by "[OPD]"; otherwise as written.
    The scoring pages, the API and the judges' notifications mask alike."""
    if not blind:
        return lambda text: text or ""
    organisation = entry.organisation
    written = [name for o in (organisation, organisation.parent) if o is not None
               for name in (o.name, o.short_name or "")]
    names = sorted({n.strip() for n in written if len(n.strip()) > 2}, key=len, reverse=True)
    if not names:
        return lambda text: text or ""
    alternatives = "|".join(re.escape(n) for n in names)
    # A name stands on its own unless a letter touches it: "Dinkes_Kota" and "Dinkes2025" name
    # the OPD as much as "Dinkes" does.
    pattern = re.compile(rf"(?<![^\W\d_])(?:{alternatives})(?![^\W\d_])", re.IGNORECASE)
    return lambda text: pattern.sub(OPD_PLACEHOLDER, text or "")
