"""The IID rehearsal's data: each innovation's indicator levels, claimed by its OPD and verified,
and the region's own (SPD) levels set by the Bappeda.

Levels are kept by indicator key (the keys of the model files in competition/iid/models/), so one
set of claims serves every preset that shares its keys. An indicator's claimed level counts only
with the evidence it names; removing that evidence sets the link to nothing and the level to 0
points.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import Model
from competition.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from competition.competitions.models import Competition
    from competition.entries.models import Entry, Evidence
    from competition.people.models import User


class IndicatorLevel(Model):
    """One SID indicator of one innovation: the level its OPD claims, with the evidence backing it,
    and the level a verifier confirmed or lowered it to, with a note."""

    __tablename__ = "iid_indicator_level"
    __table_args__ = (
        UniqueConstraint("entry_id", "indicator"),
        CheckConstraint("claimed_level BETWEEN 0 AND 3", name="claimed_level_known"),
        CheckConstraint("verified_level IS NULL OR (verified_level BETWEEN 0 AND claimed_level)",
                        name="verified_at_most_claimed"),
        CheckConstraint("(verified_level IS NULL) = (verified_by_id IS NULL AND verified_at IS NULL)",
                        name="verified_by_someone"),
        CheckConstraint("length(indicator) > 0", name="indicator_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    indicator: Mapped[str] = mapped_column(String(40))
    claimed_level: Mapped[int] = mapped_column(default=0)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id", ondelete="SET NULL"),
                                                    index=True)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_level: Mapped[int | None] = mapped_column()
    verified_note: Mapped[str] = mapped_column(Text, default="")
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    entry: Mapped[Entry] = relationship()
    evidence: Mapped[Evidence | None] = relationship()
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])


class RegionLevel(Model):
    """One regional (SPD) score row of a competition's region, as the Bappeda sets it."""

    __tablename__ = "iid_region_level"
    __table_args__ = (
        UniqueConstraint("competition_id", "row"),
        CheckConstraint("level BETWEEN 0 AND 3", name="level_known"),
        CheckConstraint("length(row) > 0", name="row_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    row: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(default=0)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    competition: Mapped[Competition] = relationship()
    set_by: Mapped[User | None] = relationship()
