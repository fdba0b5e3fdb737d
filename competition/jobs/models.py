"""A background job: what was asked, by whom, how far it got, and what came of it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import Model
from competition.models.types import UTCDateTime, one_of, utcnow

if TYPE_CHECKING:
    from competition.competitions.models import Competition
    from competition.people.models import User

JOB_STATUSES = ("queued", "running", "done", "failed")


class Job(Model):
    """One job. Its status, progress and result are written by the runner
    (:mod:`competition.jobs.runner`), never by the work the job does."""

    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint(one_of("status", JOB_STATUSES), name="known_status"),
        CheckConstraint("progress_done >= 0", name="progress_not_negative"),
        CheckConstraint("status != 'failed' OR error IS NOT NULL", name="failure_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    competition_id: Mapped[int | None] = mapped_column(ForeignKey("competition.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int | None] = mapped_column()
    summary: Mapped[str | None] = mapped_column(Text)
    # The file made (under the instance folder's jobs/), its name for the download and its type.
    file_path: Mapped[str | None] = mapped_column(String(300))
    file_name: Mapped[str | None] = mapped_column(String(200))
    media_type: Mapped[str | None] = mapped_column(String(100))
    # Why it failed, in words for the person who asked; the traceback goes to the log only.
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    competition: Mapped[Competition | None] = relationship()
    requested_by: Mapped[User | None] = relationship()
