"""Judging: rounds with their rubric and panels, assignments of judges to entries, conflicts of
interest, scores, each entry's outcome in a round, and the audit of rounds' status changes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.audit.models import HashChained
from competition.extensions import Model
from competition.models.types import UTCDateTime, one_of, utcnow

if TYPE_CHECKING:
    from competition.competitions.models import Category, Competition
    from competition.entries.models import Entry
    from competition.people.models import User

AGGREGATIONS = ("mean", "median", "trimmed_mean")
ADVANCEMENT_RULES = ("all", "top_n", "top_n_per_category", "min_score")
# The states of workflows/round.toml and workflows/scoring_sheet.toml; a test keeps them in step.
ROUND_STATUSES = ("setup", "open", "closed")
SHEET_STATUSES = ("open", "confirmed", "removed")
SCALES = ("numeric", "levels")
ASSIGNMENT_SOURCES = ("auto", "manual")
# The triggers of workflows/scoring_sheet.toml.
SCORING_ACTIONS = ("confirm", "reopen", "remove", "declare_conflict")
# Sheets a judge was taken off stay, with their scores and history, in this status; they count
# nowhere (see ``Round.assignments``).
REMOVED = "removed"


class Round(Model):
    """A judging round (tahap penilaian): its rubric, panels, and how entries move on."""

    __tablename__ = "judging_round"
    __table_args__ = (
        UniqueConstraint("competition_id", "position"),
        UniqueConstraint("competition_id", "name"),
        CheckConstraint(one_of("aggregation", AGGREGATIONS), name="aggregation_known"),
        CheckConstraint(one_of("advancement", ADVANCEMENT_RULES), name="advancement_known"),
        CheckConstraint(one_of("status", ROUND_STATUSES), name="status_known"),
        CheckConstraint("position > 0", name="position_positive"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("judges_per_entry > 0", name="judges_per_entry_positive"),
        CheckConstraint("judge_cap IS NULL OR judge_cap > 0", name="judge_cap_positive"),
        CheckConstraint("advancement NOT IN ('top_n', 'top_n_per_category') OR advancement_count > 0",
                        name="top_n_has_count"),
        CheckConstraint("advancement <> 'min_score' OR advancement_min_score IS NOT NULL",
                        name="min_score_has_minimum"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    blind: Mapped[bool] = mapped_column(default=False)
    aggregation: Mapped[str] = mapped_column(String(20), default="mean")
    normalise: Mapped[bool] = mapped_column(default=False)
    advancement: Mapped[str] = mapped_column(String(24), default="all")
    advancement_count: Mapped[int | None]
    advancement_min_score: Mapped[float | None] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    judges_per_entry: Mapped[int] = mapped_column(default=3)
    judge_cap: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(12), default="setup")
    # Who opened and closed the round, and when (empty for rounds closed before this was kept).
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    competition: Mapped[Competition] = relationship(back_populates="rounds")
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="round", order_by="Criterion.position", cascade="all, delete-orphan")
    panels: Mapped[list[Panel]] = relationship(back_populates="round", order_by="Panel.name")
    # Every sheet ever made in the round, those judges were taken off included: the history.
    all_assignments: Mapped[list[Assignment]] = relationship(back_populates="round")
    events: Mapped[list[RoundEvent]] = relationship(back_populates="round", order_by="RoundEvent.id")

    @property
    def assignments(self) -> list[Assignment]:
        """The round's sheets in use: not those a judge was taken off (status "removed")."""
        return [a for a in self.all_assignments if a.status != REMOVED]

    def unclosed_earlier_round_names(self) -> list[str]:
        """The rounds before this one that are not closed, in order."""
        return [r.name for r in self.competition.rounds
                if r.position < self.position and r.status != "closed"]

    def assigned_later_round_names(self) -> list[str]:
        """The rounds after this one in which judges are assigned, in order."""
        return [r.name for r in self.competition.rounds if r.position > self.position and r.assignments]

    def started_later_round_names(self) -> list[str]:
        """The rounds after this one that have left set-up, in order."""
        return [r.name for r in self.competition.rounds
                if r.position > self.position and r.status != "setup"]


class Criterion(Model):
    """A rubric criterion (kriteria) with its weight (bobot), guidance (petunjuk) and scale."""

    __tablename__ = "criterion"
    __table_args__ = (
        UniqueConstraint("round_id", "position"),
        UniqueConstraint("round_id", "name"),
        CheckConstraint(one_of("scale", SCALES), name="scale_known"),
        CheckConstraint("min_value >= 0 AND max_value > min_value", name="range_valid"),
        CheckConstraint("weight >= 0", name="weight_not_negative"),
        CheckConstraint("independent OR weight > 0", name="weighted_unless_independent"),
        CheckConstraint("step IS NULL OR step > 0", name="step_positive"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("judging_round.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(160))
    guidance: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float] = mapped_column(Float)
    scale: Mapped[str] = mapped_column(String(10), default="numeric")
    min_value: Mapped[float] = mapped_column(Float, default=0.0)
    max_value: Mapped[float] = mapped_column(Float, default=100.0)
    step: Mapped[float | None] = mapped_column(Float, default=1.0)
    independent: Mapped[bool] = mapped_column(default=False)

    round: Mapped[Round] = relationship(back_populates="criteria")
    levels: Mapped[list[CriterionLevel]] = relationship(
        back_populates="criterion", order_by="CriterionLevel.value", cascade="all, delete-orphan")


class CriterionLevel(Model):
    """A labelled level of a criterion, such as the index's parameter 1, 2 or 3."""

    __tablename__ = "criterion_level"
    __table_args__ = (UniqueConstraint("criterion_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), index=True)
    value: Mapped[float] = mapped_column(Float)
    label: Mapped[str] = mapped_column(String(200))

    criterion: Mapped[Criterion] = relationship(back_populates="levels")


class Panel(Model):
    """A panel of judges (tim penilai) in a round, optionally for one category."""

    __tablename__ = "panel"
    __table_args__ = (UniqueConstraint("round_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("judging_round.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))

    round: Mapped[Round] = relationship(back_populates="panels")
    category: Mapped[Category | None] = relationship()
    members: Mapped[list[PanelMember]] = relationship(back_populates="panel", cascade="all, delete-orphan")


class PanelMember(Model):
    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("panel_id", "judge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)

    panel: Mapped[Panel] = relationship(back_populates="members")
    judge: Mapped[User] = relationship()


class Assignment(Model):
    """A judge assigned to score an entry in a round: the judge's scoring sheet. Its ``status``
    (workflows/scoring_sheet.toml) is "open" while the judge scores and "confirmed" once the
    scores are locked, at ``confirmed_at``; "removed" once the judge was taken off it (by the
    organiser, or by declaring a conflict of interest). A removed sheet is never deleted: it keeps
    its scores and its events, counts nowhere, and one judge has at most one sheet in use per
    entry and round, so the same judge can be assigned again.

    A confirmed sheet also holds its summary in whole numbers (``points``, ``heaviest_mark``,
    ``top_marks``, ``marks``: :class:`competition.ranking.totals.SheetSummary`), written by the
    sheet's door when it is confirmed and emptied when it is reopened, so that national-scale
    results read 120,000 sheets rather than add up 720,000 marks. Sealing checks them against
    the marks."""

    __tablename__ = "assignment"
    __table_args__ = (
        Index("uq_assignment_in_use", "round_id", "entry_id", "judge_id", unique=True,
              sqlite_where=text(f"status <> '{REMOVED}'"), postgresql_where=text(f"status <> '{REMOVED}'")),
        CheckConstraint(one_of("source", ASSIGNMENT_SOURCES), name="source_known"),
        CheckConstraint(one_of("status", SHEET_STATUSES), name="status_known"),
        CheckConstraint("(status = 'confirmed' AND confirmed_at IS NOT NULL) "
                        "OR (status <> 'confirmed' AND confirmed_at IS NULL)",
                        name="confirmed_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("judging_round.id"), index=True)
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panel.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    source: Mapped[str] = mapped_column(String(8), default="auto")
    status: Mapped[str] = mapped_column(String(10), default="open")
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    points: Mapped[int | None] = mapped_column(BigInteger)
    heaviest_mark: Mapped[int | None] = mapped_column(BigInteger)
    top_marks: Mapped[int | None]
    marks: Mapped[int | None]

    round: Mapped[Round] = relationship(back_populates="all_assignments")
    panel: Mapped[Panel | None] = relationship()
    entry: Mapped[Entry] = relationship()
    judge: Mapped[User] = relationship()
    scores: Mapped[list[Score]] = relationship(back_populates="assignment", cascade="all, delete-orphan")
    events: Mapped[list[ScoringEvent]] = relationship(
        back_populates="assignment", order_by="ScoringEvent.id", cascade="all, delete-orphan")


class Score(Model):
    """One value (nilai) and comment for one criterion: one row per judge, entry, round and
    criterion, guaranteed by the unique assignment and the unique (assignment, criterion)."""

    __tablename__ = "score"
    __table_args__ = (UniqueConstraint("assignment_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), index=True)
    value: Mapped[float] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    assignment: Mapped[Assignment] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class ScoringEvent(HashChained, Model):
    """Audit of confirming, reopening and taking a judge off their scores for an entry: one row
    for each change of an assignment's status, written by ``change_sheet_status`` only."""

    __tablename__ = "scoring_event"
    __table_args__ = (
        CheckConstraint(one_of("action", SCORING_ACTIONS), name="action_known"),
        CheckConstraint("action NOT IN ('reopen', 'declare_conflict') "
                        "OR (reason IS NOT NULL AND length(trim(reason)) > 0)",
                        name="reopen_and_conflict_have_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assignment: Mapped[Assignment] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class ConflictOfInterest(Model):
    """A judge's declared conflict of interest (konflik kepentingan) with an entry."""

    __tablename__ = "conflict_of_interest"
    __table_args__ = (
        UniqueConstraint("entry_id", "judge_id"),
        CheckConstraint("length(trim(reason)) > 0", name="reason_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry: Mapped[Entry] = relationship()
    judge: Mapped[User] = relationship()


class RoundOutcome(Model):
    """An entry's result in a round: its score and whether it moved on, decided as the entry's
    last sheet was confirmed or when the round closed (``decided_at_close``); reopening the round
    undoes the latter."""

    __tablename__ = "round_outcome"
    __table_args__ = (UniqueConstraint("round_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("judging_round.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    score: Mapped[float | None] = mapped_column(Float)
    advanced: Mapped[bool]
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at_close: Mapped[bool] = mapped_column(default=False)

    round: Mapped[Round] = relationship()
    entry: Mapped[Entry] = relationship()


class RoundEvent(HashChained, Model):
    """The audit row of one change of a round's status, written by ``change_round_status`` only."""

    __tablename__ = "round_event"
    __table_args__ = (
        CheckConstraint(one_of("from_status", ROUND_STATUSES), name="from_status_known"),
        CheckConstraint(one_of("to_status", ROUND_STATUSES), name="to_status_known"),
        CheckConstraint("from_status <> to_status", name="status_changes"),
        CheckConstraint("trigger <> 'reopen' OR (comment IS NOT NULL AND length(trim(comment)) > 0)",
                        name="reopen_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("judging_round.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[Round] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
