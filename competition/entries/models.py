"""Entries (innovations), their evidence, and the audit trail of their status changes."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.audit.models import HashChained
from competition.extensions import Model
from competition.models.types import UTCDateTime, one_of, utcnow
from workflows.messages import t

if TYPE_CHECKING:
    from competition.competitions.models import Category, Competition
    from competition.people.models import Organisation, User

# The states of workflows/innovation.toml; a test keeps the two in step.
ENTRY_STATUSES = ("draft", "submitted", "returned", "verified", "scored", "awarded", "rejected",
                  "withdrawn")
STATUSES_NEEDING_REASON = ("returned", "rejected")

INISIATOR = ("kepala_daerah", "dprd", "perangkat_daerah", "asn", "masyarakat")
TAHAPAN = ("inisiatif", "uji_coba", "penerapan")
JENIS = ("digital", "non_digital")
BENTUK = ("tata_kelola", "pelayanan_publik", "urusan_lainnya")
RANCANG_BANGUN_MIN_WORDS = 300
EVIDENCE_KINDS = ("file", "link")


class Entry(Model):
    """An innovation entered by an organisation into a competition."""

    __tablename__ = "entry"
    __table_args__ = (
        UniqueConstraint("competition_id", "organisation_id", "title"),
        CheckConstraint(one_of("status", ENTRY_STATUSES), name="status_known"),
        CheckConstraint(one_of("inisiator", INISIATOR), name="inisiator_known"),
        CheckConstraint(one_of("tahapan", TAHAPAN), name="tahapan_known"),
        CheckConstraint(one_of("jenis", JENIS), name="jenis_known"),
        CheckConstraint(one_of("bentuk", BENTUK), name="bentuk_known"),
        CheckConstraint("anggaran_rupiah IS NULL OR anggaran_rupiah >= 0", name="anggaran_not_negative"),
        CheckConstraint("implemented_on IS NULL OR trial_started_on IS NULL "
                        "OR implemented_on >= trial_started_on", name="implemented_after_trial"),
        CheckConstraint("status IN ('draft', 'withdrawn') OR submitted_at IS NOT NULL",
                        name="submitted_has_time"),
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    title: Mapped[str] = mapped_column(String(250))
    inisiator: Mapped[str] = mapped_column(String(20), default="perangkat_daerah")
    tahapan: Mapped[str] = mapped_column(String(20), default="inisiatif")
    jenis: Mapped[str] = mapped_column(String(20), default="non_digital")
    bentuk: Mapped[str] = mapped_column(String(20), default="pelayanan_publik")
    urusan: Mapped[str] = mapped_column(String(120), default="")
    urusan_terkait: Mapped[str] = mapped_column(String(250), default="")
    trial_started_on: Mapped[date | None] = mapped_column(Date)
    implemented_on: Mapped[date | None] = mapped_column(Date)
    rancang_bangun: Mapped[str] = mapped_column(Text, default="")
    tujuan: Mapped[str] = mapped_column(Text, default="")
    manfaat: Mapped[str] = mapped_column(Text, default="")
    hasil: Mapped[str] = mapped_column(Text, default="")
    anggaran_rupiah: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    version: Mapped[int] = mapped_column(default=1)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last (re)submission
    # The first submission: a return for revision does not make an innovation later to the
    # tie-break "earlier submission".
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    competition: Mapped[Competition] = relationship(back_populates="entries")
    organisation: Mapped[Organisation] = relationship()
    category: Mapped[Category | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    evidence: Mapped[list[Evidence]] = relationship(back_populates="entry", order_by="Evidence.id")
    events: Mapped[list[EntryEvent]] = relationship(back_populates="entry", order_by="EntryEvent.id")

    # Optimistic locking: every UPDATE checks and bumps the version, so of two concurrent
    # changes to one entry exactly one succeeds.
    __mapper_args__ = {"version_id_col": version}

    def organisation_lineage_ids(self) -> list[int]:
        return self.organisation.lineage_ids()

    def rancang_bangun_words(self) -> int:
        return len(self.rancang_bangun.split())

    def submission_check_count(self) -> int:
        """How many checks ``missing_for_submission`` makes, for a completeness meter."""
        return 8 + (1 if self.competition.categories else 0)

    def missing_for_submission(self) -> list[str]:
        """What must still be filled in before the entry can be submitted, in form order."""
        missing = []
        if self.competition.categories and self.category_id is None:
            missing.append(t("choose a category"))
        if not self.urusan.strip():
            missing.append(t("urusan pemerintahan is empty"))
        if self.tahapan in ("uji_coba", "penerapan") and self.trial_started_on is None:
            missing.append(t("waktu uji coba (trial date) is empty"))
        if self.tahapan == "penerapan" and self.implemented_on is None:
            missing.append(t("waktu penerapan (implementation date) is empty"))
        words = self.rancang_bangun_words()
        if words < RANCANG_BANGUN_MIN_WORDS:
            missing.append(t("rancang bangun has %(words)s words; at least %(minimum)s are needed",
                             words=words, minimum=RANCANG_BANGUN_MIN_WORDS))
        if not self.tujuan.strip():
            missing.append(t("tujuan is empty"))
        if not self.manfaat.strip():
            missing.append(t("manfaat is empty"))
        if not self.hasil.strip():
            missing.append(t("hasil is empty"))
        if not self.evidence:
            missing.append(t("no evidence (data dukung) attached"))
        return missing

    def __repr__(self) -> str:
        return f"<Entry {self.id} {self.title!r} {self.status}>"


class Evidence(Model):
    """A supporting document: an uploaded file (stored by its SHA-256) or a link."""

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint(one_of("kind", EVIDENCE_KINDS), name="kind_known"),
        CheckConstraint(
            "(kind = 'file' AND sha256 IS NOT NULL AND size_bytes IS NOT NULL AND media_type IS NOT NULL"
            " AND original_name IS NOT NULL AND url IS NULL)"
            " OR (kind = 'link' AND url IS NOT NULL AND sha256 IS NULL AND size_bytes IS NULL)",
            name="file_or_link"),
        CheckConstraint("size_bytes IS NULL OR size_bytes > 0", name="size_positive"),
        CheckConstraint("sha256 IS NULL OR length(sha256) = 64", name="sha256_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    indicator: Mapped[str] = mapped_column(String(120), default="")
    url: Mapped[str | None] = mapped_column(String(1000))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    media_type: Mapped[str | None] = mapped_column(String(100))
    original_name: Mapped[str | None] = mapped_column(String(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="evidence")
    uploaded_by: Mapped[User | None] = relationship()


class EntryEvent(HashChained, Model):
    """The audit row of one status change, written by ``change_entry_status`` only."""

    __tablename__ = "entry_event"
    __table_args__ = (
        UniqueConstraint("entry_id", "entry_version"),
        CheckConstraint(one_of("from_status", ENTRY_STATUSES), name="from_status_known"),
        CheckConstraint(one_of("to_status", ENTRY_STATUSES), name="to_status_known"),
        CheckConstraint("from_status <> to_status", name="status_changes"),
        CheckConstraint(
            f"NOT ({one_of('to_status', STATUSES_NEEDING_REASON)}) "
            "OR (comment IS NOT NULL AND length(trim(comment)) > 0)",
            name="return_and_reject_have_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    entry_version: Mapped[int]
    trigger: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class SubmittedContent(Model):
    """What an innovation held when it was submitted or resubmitted: the receipt of that submission
    (the :class:`EntryEvent` of the same entry and version) shows it, whatever the OPD changes
    after a return. Written once by ``change_entry_status`` and never changed; the receipt quotes
    its digest (:func:`competition.entries.operations.content_digest`)."""

    __tablename__ = "submitted_content"
    __table_args__ = (UniqueConstraint("entry_id", "entry_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"))
    entry_version: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
