"""What the organiser sets for the day of the ceremony, per competition: who signs the
certificates (name, title, NIP), a second signatory if any, the place and date printed above the
signatures, and the logo printed at the top. The logo file is kept by its SHA-256 in the evidence
folder, as evidence files are (and backed up with them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import Model
from competition.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from competition.competitions.models import Competition

# Lengths of the one-line texts, in characters.
NAME_LENGTH = 120
TITLE_LENGTH = 160
PLACE_LENGTH = 80
NIP_DIGITS = 18
LOGO_TYPES = ("image/png", "image/jpeg", "image/svg+xml")


class CeremonySettings(Model):
    """A competition's certificate signatories, place, date and logo (one row per competition)."""

    __tablename__ = "ceremony_settings"
    __table_args__ = (
        CheckConstraint(f"length(signatory_nip) IN (0, {NIP_DIGITS})", name="signatory_nip_digits"),
        CheckConstraint(f"length(second_nip) IN (0, {NIP_DIGITS})", name="second_nip_digits"),
        CheckConstraint("(logo_sha256 IS NULL) = (logo_media_type IS NULL)", name="logo_typed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), unique=True)
    signatory_name: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")
    signatory_title: Mapped[str] = mapped_column(String(TITLE_LENGTH), default="")
    signatory_nip: Mapped[str] = mapped_column(String(NIP_DIGITS), default="")
    second_name: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")
    second_title: Mapped[str] = mapped_column(String(TITLE_LENGTH), default="")
    second_nip: Mapped[str] = mapped_column(String(NIP_DIGITS), default="")
    place: Mapped[str] = mapped_column(String(PLACE_LENGTH), default="")
    ceremony_date: Mapped[date | None] = mapped_column(Date)
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    logo_media_type: Mapped[str | None] = mapped_column(String(40))
    logo_name: Mapped[str] = mapped_column(String(255), default="")
    logo_size: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    competition: Mapped[Competition] = relationship()
