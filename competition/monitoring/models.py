"""Figures the monitoring dashboard keeps between visits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from competition.extensions import Model
from competition.models.types import UTCDateTime, utcnow


class AgreementFigures(Model):
    """The judge-agreement figures of a competition's rounds as last worked out
    (:func:`competition.monitoring.queries.judge_agreement`), with the key of the inputs they came
    from. A national round takes seconds to work out and its figures change only when a sheet is
    confirmed or reopened or a rubric changes, so a visit whose inputs have the same key reads them
    here. Derived data: a row dropped or left behind is worked out again."""

    __tablename__ = "agreement_figures"

    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), primary_key=True)
    inputs_key: Mapped[str] = mapped_column(String(64))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
