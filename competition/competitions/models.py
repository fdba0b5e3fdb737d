"""Competitions, their categories, and the audit of their phase changes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from competition.audit.models import HashChained
from competition.extensions import Model
from competition.models.types import UTCDateTime, one_of, utcnow
from competition.ranking.bands import IID_BANDS
from competition.ranking.tiebreaks import DEFAULT_CHAIN

if TYPE_CHECKING:
    from competition.entries.models import Entry
    from competition.judging.models import Round
    from competition.people.models import Membership, Region, User
    from competition.results.models import Award

# The states of workflows/competition.toml; a test keeps the two in step.
COMPETITION_PHASES = ("setup", "open", "verification", "judging", "results", "closed")
# The phase changes that have a date of their own, in the order they happen, with that date: the
# schedule may make each of them at its moment (competition.jobs.schedule), as the system.
SCHEDULABLE_CHANGES = {"open_submissions": "submission_opens_at", "close_submissions": "submission_closes_at",
                       "start_judging": "verification_closes_at", "close_judging": "judging_closes_at"}

# How units under an OPD (bidang, UPT, puskesmas: organisations with a parent) take part:
# "own", each enters for itself, as Kota Kediri ranked Puskesmas Ngletih in 2022; "parent", its
# innovations count for its top-level OPD. See competition.competitions.units.
UNITS_OWN = "own"
UNITS_PARENT = "parent"
UNITS_COMPETE_RULES = (UNITS_OWN, UNITS_PARENT)


class Competition(Model):
    """An award competition run by a region for one year, with its timeline and phase."""

    __tablename__ = "competition"
    __table_args__ = (
        UniqueConstraint("region_id", "name", "year"),
        CheckConstraint(one_of("phase", COMPETITION_PHASES), name="phase_known"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_plausible"),
        CheckConstraint("submission_opens_at < submission_closes_at", name="submission_window_ordered"),
        CheckConstraint("submission_closes_at <= verification_closes_at",
                        name="verification_after_submission"),
        CheckConstraint("verification_closes_at <= judging_closes_at", name="judging_after_verification"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        CheckConstraint("disagreement_threshold >= 0", name="disagreement_threshold_not_negative"),
        CheckConstraint(one_of("units_compete", UNITS_COMPETE_RULES), name="units_compete_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    phase: Mapped[str] = mapped_column(String(20), default="setup")
    submission_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submission_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verification_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    judging_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # How results are worked out; see competition.ranking.
    tie_break_chain: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_CHAIN))
    bands: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=lambda: [{"label": b.label, "minimum": float(b.minimum)} for b in IID_BANDS])
    disagreement_threshold: Mapped[float] = mapped_column(Float, default=20.0)
    one_award_per_organisation: Mapped[bool] = mapped_column(default=True)
    # Whether units under an OPD compete as entrants of their own or for their OPD.
    units_compete: Mapped[str] = mapped_column(String(10), default=UNITS_OWN,
                                               server_default=text(f"'{UNITS_OWN}'"))
    # Those with work left are reminded this many days before each deadline (None: never); the
    # phase changes the schedule makes by itself are in ``scheduled_changes``.
    reminder_days: Mapped[int | None] = mapped_column()
    # Once results are published, an OPD's operators read the judges' comments on their own
    # innovations, each judge named only "Juri 1", "Juri 2"... (off unless the organiser asks).
    opd_feedback: Mapped[bool] = mapped_column(default=False, server_default=text("false"))

    region: Mapped[Region] = relationship()
    categories: Mapped[list[Category]] = relationship(
        back_populates="competition", order_by="Category.name")
    entries: Mapped[list[Entry]] = relationship(back_populates="competition")
    memberships: Mapped[list[Membership]] = relationship(back_populates="competition")
    events: Mapped[list[CompetitionEvent]] = relationship(
        back_populates="competition", order_by="CompetitionEvent.id")
    rounds: Mapped[list[Round]] = relationship(back_populates="competition", order_by="Round.position")
    awards: Mapped[list[Award]] = relationship(back_populates="competition", order_by="Award.position")
    scheduled_changes: Mapped[list[ScheduledPhaseChange]] = relationship(
        back_populates="competition", order_by="ScheduledPhaseChange.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    # The workflow engine names the state attribute "status" for every workflow.
    @property
    def status(self) -> str:
        return self.phase

    @status.setter
    def status(self, value: str) -> None:
        self.phase = value

    @property
    def scheduled_triggers(self) -> list[str]:
        """The phase changes the schedule makes by itself, in the order they happen."""
        chosen = {change.trigger for change in self.scheduled_changes}
        return [trigger for trigger in SCHEDULABLE_CHANGES if trigger in chosen]

    @property
    def close_submissions_on_schedule(self) -> bool:
        return "close_submissions" in self.scheduled_triggers

    def scheduled_change(self, trigger: str) -> ScheduledPhaseChange | None:
        return next((change for change in self.scheduled_changes if change.trigger == trigger), None)

    def count_entries_awaiting_verification(self) -> int:
        from competition.entries.models import Entry

        session = object_session(self)
        assert session is not None
        return session.scalar(
            select(func.count()).select_from(Entry)
            .where(Entry.competition_id == self.id, Entry.status == "submitted")) or 0

    def open_round_names(self) -> list[str]:
        """Judging rounds set up or open, not yet closed."""
        return [r.name for r in self.rounds if r.status != "closed"]

    def __repr__(self) -> str:
        return f"<Competition {self.name} {self.year}>"


class Category(Model):
    __tablename__ = "category"
    __table_args__ = (
        UniqueConstraint("competition_id", "name"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")

    competition: Mapped[Competition] = relationship(back_populates="categories")


class CompetitionEvent(HashChained, Model):
    """The audit row of one phase change."""

    __tablename__ = "competition_event"
    __table_args__ = (
        CheckConstraint(one_of("from_phase", COMPETITION_PHASES), name="from_phase_known"),
        CheckConstraint(one_of("to_phase", COMPETITION_PHASES), name="to_phase_known"),
        CheckConstraint("from_phase <> to_phase", name="phase_changes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(40))
    from_phase: Mapped[str] = mapped_column(String(20))
    to_phase: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    competition: Mapped[Competition] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class ScheduledPhaseChange(Model):
    """A phase change the organiser let the schedule make at its date (one of
    :data:`SCHEDULABLE_CHANGES`); the periodic tick makes it as the system, through the workflow.
    When the workflow refuses it at its moment (innovations still unverified, rounds still open),
    ``refusal`` says why, since ``refused_at``, until it is made or no longer asked for."""

    __tablename__ = "scheduled_phase_change"
    __table_args__ = (
        UniqueConstraint("competition_id", "trigger"),
        CheckConstraint(one_of("trigger", tuple(SCHEDULABLE_CHANGES)), name="trigger_schedulable"),
        CheckConstraint("(refusal IS NULL) = (refused_at IS NULL)", name="refusal_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    refusal: Mapped[str | None] = mapped_column(Text)
    refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    competition: Mapped[Competition] = relationship(back_populates="scheduled_changes")
