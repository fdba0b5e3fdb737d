"""Read models of the judging pages: a round with its innovations, panels, assignments, score
counts and conflicts, and the figures and tables drawn from them."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from competition.extensions import db
from competition.judging.operations import (
    round_entries,
)
from competition.models import (
    Assignment,
    Category,
    ConflictOfInterest,
    Criterion,
    Entry,
    Organisation,
    Panel,
    PanelMember,
    Round,
    Score,
    User,
)
from competition.policy import conflict_of_interest


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
            select(Assignment).where(Assignment.round_id == round_.id).order_by(Assignment.id)
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
