"""API v1: the organiser's monitoring dashboard, figure by figure, with the same numbers as the
page's tables and downloads (:func:`competition.monitoring.views.figure_table`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_login import current_user
from marshmallow import Schema, fields

from competition.api import blueprint, needs
from competition.api.schemas import refusals
from competition.competitions.api import competition_for
from competition.errors import NotFound, NotPermitted
from competition.models import Competition
from competition.monitoring.views import FIGURES, figure_table
from competition.policy import is_organiser
from workflows.messages import t

bp = blueprint("api_dashboard", __name__, "The organiser's monitoring dashboard: each figure's numbers.")


class FigureListOut(Schema):
    figures = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                          metadata={"description": "Each figure's name, with its title."})


class FigureOut(Schema):
    figure = fields.String(required=True)
    title = fields.String(required=True)
    columns = fields.List(fields.String(), required=True)
    rows = fields.List(fields.List(fields.Raw(allow_none=True)), required=True, metadata={
        "description": "Numbers as numbers; decimals as strings with their places; times in ISO 8601 (UTC)."})


def _organised(competition_id: int) -> Competition:
    competition = competition_for(competition_id)
    if not is_organiser(current_user, competition):
        raise NotPermitted(t("%(user)s is not an organiser of %(competition)s", user=current_user.name,
                             competition=competition.name))
    return competition


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


@bp.route("/competitions/<int:competition_id>/dashboard")
@bp.response(200, FigureListOut)
@refusals(bp, 404)
@needs("read")
def figures(competition_id: int) -> dict[str, Any]:
    """The dashboard's figures, by name."""
    _organised(competition_id)
    return {"figures": {name: str(title) for name, title in FIGURES.items()}}


@bp.route("/competitions/<int:competition_id>/dashboard/<figure>")
@bp.response(200, FigureOut)
@refusals(bp, 404)
@needs("read")
def figure(competition_id: int, figure: str) -> dict[str, Any]:
    """One figure's numbers, as the page's table and its downloads hold them."""
    competition = _organised(competition_id)
    if figure not in FIGURES:
        raise NotFound(t("there is no figure %(figure)s", figure=figure))
    table = figure_table(competition, figure)
    return {"figure": figure, "title": str(table.title), "columns": [str(c) for c in table.columns],
            "rows": [[_cell(c) for c in row] for row in table.rows]}
