"""Innovations as the command line lists them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competition.extensions import db
from competition.models import Category, Competition, Entry, Organisation


def innovation_rows(competition: Competition, *, status: str | None = None,
                    organisation: Organisation | None = None,
                    category: Category | None = None) -> list[dict[str, Any]]:
    """Every innovation of ``competition`` in id order (drafts too: the administrator's view),
    filtered by status, OPD and category, as plain values."""
    query = (select(Entry).where(Entry.competition_id == competition.id)
             .options(selectinload(Entry.organisation), selectinload(Entry.category)).order_by(Entry.id))
    if status is not None:
        query = query.where(Entry.status == status)
    if organisation is not None:
        query = query.where(Entry.organisation_id == organisation.id)
    if category is not None:
        query = query.where(Entry.category_id == category.id)
    return [{"id": entry.id, "title": entry.title, "status": entry.status,
             "organisation_id": entry.organisation_id, "organisation": entry.organisation.name,
             "category_id": entry.category_id, "category": entry.category.name if entry.category else None,
             "version": entry.version,
             "submitted_at": entry.submitted_at.isoformat() if entry.submitted_at else None}
            for entry in db.session.scalars(query)]
