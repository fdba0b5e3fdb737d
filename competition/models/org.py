"""Regions (pemda) and their organisations (OPD, with bidang and UPT below them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.extensions import Model
from competition.models.types import one_of

if TYPE_CHECKING:
    from competition.models.user import User

REGION_KINDS = ("provinsi", "kabupaten", "kota")


class Region(Model):
    """A regional government: a provinsi, kabupaten or kota."""

    __tablename__ = "region"
    __table_args__ = (
        CheckConstraint(one_of("kind", REGION_KINDS), name="kind_known"),
        CheckConstraint("kind <> 'provinsi' OR parent_id IS NULL", name="provinsi_has_no_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))

    parent: Mapped[Region | None] = relationship(remote_side=[id])
    organisations: Mapped[list[Organisation]] = relationship(back_populates="region")

    def __repr__(self) -> str:
        return f"<Region {self.name}>"


class Organisation(Model):
    """An OPD, or a bidang or UPT under one (``parent``)."""

    __tablename__ = "organisation"
    __table_args__ = (
        UniqueConstraint("region_id", "name"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)

    region: Mapped[Region] = relationship(back_populates="organisations")
    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organisation]] = relationship(back_populates="parent")
    users: Mapped[list[User]] = relationship(back_populates="organisation")

    def lineage_ids(self) -> list[int]:
        """This organisation's id and those of every organisation above it."""
        ids: list[int] = []
        current: Organisation | None = self
        while current is not None and current.id not in ids:
            ids.append(current.id)
            current = current.parent
        return ids

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"
