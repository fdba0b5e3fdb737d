"""Awards, the organiser's tie decisions, sealed result sets and the audit of their publication."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.audit.models import HashChained
from competition.extensions import Model
from competition.models.types import UTCDateTime, one_of, utcnow
from competition.ranking.results import SEAL_FORMAT

if TYPE_CHECKING:
    from competition.competitions.models import Category, Competition
    from competition.people.models import User

AWARD_SUBJECTS = ("innovation", "organisation", "region")
AWARD_POLICIES = ("sum", "mean", "index")
# The states of workflows/result_set.toml; a test keeps the two in step.
RESULT_SET_STATUSES = ("sealed", "published")
# Every competition's award until its organiser defines others.
DEFAULT_AWARD_NAME = "OPD Terinovatif"
DEFAULT_AWARD_CITATION = "Atas komitmen dan capaian inovasi daerah yang berdampak bagi masyarakat."


class Award(Model):
    """An award (penghargaan) and how its positions are filled."""

    __tablename__ = "award"
    __table_args__ = (
        UniqueConstraint("competition_id", "name"),
        UniqueConstraint("competition_id", "position"),
        CheckConstraint(one_of("subject", AWARD_SUBJECTS), name="subject_known"),
        CheckConstraint(one_of("policy", AWARD_POLICIES), name="policy_known"),
        CheckConstraint("positions > 0", name="positions_positive"),
        CheckConstraint("index_floor > 0", name="index_floor_positive"),
        CheckConstraint("count_bonus >= 0 AND count_bonus_cap >= 0", name="bonus_not_negative"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(160))
    subject: Mapped[str] = mapped_column(String(16), default="organisation")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    positions: Mapped[int] = mapped_column(default=5)
    policy: Mapped[str] = mapped_column(String(8), default="index")
    index_floor: Mapped[int] = mapped_column(default=3)
    count_bonus: Mapped[float] = mapped_column(Float, default=1.0)
    count_bonus_cap: Mapped[int] = mapped_column(default=5)
    citation: Mapped[str] = mapped_column(Text, default="")

    competition: Mapped[Competition] = relationship(back_populates="awards")
    category: Mapped[Category | None] = relationship()


class TieDecision(Model):
    """The organiser's recorded order for subjects of an award that no rule could separate."""

    __tablename__ = "tie_decision"
    __table_args__ = (
        UniqueConstraint("award_id", "subject_id"),
        CheckConstraint("rank > 0", name="rank_positive"),
        CheckConstraint("length(trim(reason)) > 0", name="reason_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), index=True)
    subject_id: Mapped[int]
    rank: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    award: Mapped[Award] = relationship()


class ResultSet(Model):
    """A sealed, immutable snapshot of a competition's results and of every input behind them.

    ``sha256`` is the hash of the canonical form of ``inputs`` and ``results`` and (``seal_format``
    2) of the competition, the version's number, who sealed it and when
    (:func:`competition.ranking.results.seal_hash`); versions sealed before, format 1, cover the
    first two. A change after sealing is a new version, and old versions stay readable.
    """

    __tablename__ = "result_set"
    __table_args__ = (
        UniqueConstraint("competition_id", "version"),
        CheckConstraint(one_of("status", RESULT_SET_STATUSES), name="status_known"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        CheckConstraint("status <> 'published' OR published_at IS NOT NULL", name="published_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="sealed")
    sha256: Mapped[str] = mapped_column(String(64))
    # Loaded when read: at national scale they hold tens of megabytes, and lists of versions
    # don't need them.
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    results: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    # What pages need besides rows, small: the awards and bands as sealed, the rule for units,
    # the heaviest criterion and how many innovations were ranked. None for older versions.
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    sealed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seal_format: Mapped[int] = mapped_column(default=SEAL_FORMAT)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    competition: Mapped[Competition] = relationship()

    @property
    def units_compete(self) -> str:
        """How units under an OPD took part in this version ("own" or "parent")."""
        return str((self.summary or self.inputs).get("units_compete", "own"))

    sealed_by: Mapped[User | None] = relationship(foreign_keys=[sealed_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    events: Mapped[list[ResultSetEvent]] = relationship(back_populates="result_set",
                                                        order_by="ResultSetEvent.id")


class ResultSetEvent(HashChained, Model):
    """The audit row of one change of a result set's status, written by
    ``change_result_set_status`` only."""

    __tablename__ = "result_set_event"
    __table_args__ = (
        CheckConstraint(one_of("from_status", RESULT_SET_STATUSES), name="from_status_known"),
        CheckConstraint(one_of("to_status", RESULT_SET_STATUSES), name="to_status_known"),
        CheckConstraint("from_status <> to_status", name="status_changes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    result_set_id: Mapped[int] = mapped_column(ForeignKey("result_set.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str] = mapped_column(String(10))
    to_status: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    result_set: Mapped[ResultSet] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class ResultVerification(Model):
    """One check of a sealed version: its stored inputs and rows hashed again and the results
    recomputed from the stored marks (``verify_result_set``), when it was sealed, before it is
    published, and whenever someone asks. Pages show the newest instead of recomputing; rows
    are only ever added."""

    __tablename__ = "result_verification"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_set_id: Mapped[int] = mapped_column(ForeignKey("result_set.id"), index=True)
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    problems: Mapped[list[str]] = mapped_column(JSON, default=list)   # none: it verifies

    result_set: Mapped[ResultSet] = relationship()
    verified_by: Mapped[User | None] = relationship()

    @property
    def verifies(self) -> bool:
        return not self.problems


class ResultRow(Model):
    """One ranked row of a sealed version, as sealed, kept apart so that a page reads fifty of
    a national ranking's forty thousand: the overall ranking (``award_id`` None) and each award,
    in ranked order (``position`` from 0). The sealed JSON stays the record; verifying a version
    also checks these copies against it. Written when sealing, never changed."""

    __tablename__ = "result_row"
    __table_args__ = (UniqueConstraint("result_set_id", "award_id", "position"),
                      Index("ix_result_row_subject", "result_set_id", "award_id", "subject_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    result_set_id: Mapped[int] = mapped_column(ForeignKey("result_set.id"))
    award_id: Mapped[int | None]
    position: Mapped[int]
    subject_id: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
